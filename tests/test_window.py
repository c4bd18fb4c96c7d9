"""A real glfw window under Xvfb: its pixels, sizes, and the raw events its surface reports.

The surface is tested here without the app layer: it reports backend events
(docs/app.md) to whatever handler is registered. Canvas-level input, the
event loop and timers are tested in test_app.py.
"""

from __future__ import annotations

import time

import pytest
from examples_path import EXAMPLES
from imagecompare import assert_image_matches

import glframe
from glframe import gloo


def test_auto_backend_opens_a_window_that_matches_offscreen(xvfb, make_canvas, monkeypatch):
    monkeypatch.delenv("GLFRAME_BACKEND", raising=False)
    import runpy

    namespace = runpy.run_path(str(EXAMPLES / "gloo" / "hello_triangle.py"), run_name="__test__")
    canvas = namespace["canvas"]
    try:
        assert canvas.backend == "window"
        assert_image_matches(canvas.render(), "examples/gloo_hello_triangle")
    finally:
        canvas.close()


def test_window_resizes(xvfb):
    canvas = glframe.Canvas(size=(64, 48), backend="window")
    try:
        canvas.events.draw.connect(lambda e: gloo.clear(color="red"))
        assert (canvas.render()[..., :3] == [255, 0, 0]).all()
        canvas.resize(100, 50)
        assert canvas.size == (100, 50)
        img = canvas.render()
        assert img.shape == (50, 100, 4) and (img[..., :3] == [255, 0, 0]).all()
    finally:
        canvas.close()


def test_window_sizes_and_pixel_ratio(xvfb):
    canvas = glframe.Canvas(size=(64, 48), backend="window", vsync=False)
    try:
        assert canvas.size == canvas.physical_size == canvas.logical_size == (64, 48)
        assert canvas.pixel_ratio == 1.0  # Xvfb: no HiDPI
        with pytest.raises(AttributeError, match="screen"):
            canvas.pixel_ratio = 2
        canvas.show()
        assert canvas._surface.visible
        canvas.title = "renamed window"
        assert canvas.title == "renamed window"
    finally:
        canvas.close()
    assert canvas.closed and canvas.size == (0, 0) and "closed" in repr(canvas)


def test_the_surface_reports_raw_backend_events_to_its_handler(xdotool):
    from glframe.backends import poll_events
    from glframe.backends.desktop import WindowSurface, _glfw

    surface = WindowSurface((120, 90), "raw surface test")
    events = []
    surface.set_event_handler(lambda type, **attrs: events.append((type, attrs)))
    try:
        wid = xdotool("search", "--name", "^raw surface test$").split()[0]
        xdotool("mousemove", "--window", wid, "7", "9")
        xdotool("click", "2")
        xdotool("key", "KP_Add")
        deadline = time.time() + 5
        while not any(t == "key_release" for t, _ in events) and time.time() < deadline:
            poll_events()
            time.sleep(0.01)
        raw = [(t, a) for t, a in events if t in ("mouse_press", "mouse_release", "key_press")]
        assert raw == [
            ("mouse_press", {"pos": (7.0, 9.0), "button": 3, "modifiers": ()}),
            ("mouse_release", {"pos": (7.0, 9.0), "button": 3, "modifiers": ()}),
            ("key_press", {"key": "KPAdd", "text": "+", "modifiers": (), "repeat": False}),
        ]
        surface.set_should_close()
        assert surface.should_close()

        # polling from inside a callback is refused (glfw is not re-entrant)
        surface.set_event_handler(lambda type, **attrs: poll_events())
        xdotool("mousemove", "--window", wid, "20", "20")
        with pytest.raises(RuntimeError, match="inside an event callback"):
            for _ in range(300):
                poll_events()
                time.sleep(0.01)
        assert _glfw._callback_depth == 0
    finally:
        surface.close()
