"""The app layer: timers, the event loop (blocking and asyncio), input, resize, redraws.

Timers and the loop need no GL. Input is real: xdotool moves the pointer,
presses buttons and keys on an Xvfb display, and the glfw window's callbacks
turn them into canvas events. Every test that runs a loop arms a watchdog
that calls ``glframe.quit()`` from another thread, so a broken loop fails the
test instead of hanging the suite.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import threading
import time

import numpy as np
import pytest

import glframe
from glframe import gloo
from glframe.app import Event, loop
from glframe.app._input import MouseState


@contextlib.contextmanager
def watchdog(seconds: float = 10.0):
    """Quit the loop after ``seconds`` (from another thread); fail if that was needed."""
    fired = threading.Event()

    def bite():
        fired.set()
        glframe.quit()

    timer = threading.Timer(seconds, bite)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
    assert not fired.is_set(), f"the event loop did not return within {seconds} s"


@pytest.fixture(autouse=True)
def clean_loop():
    """No timer or window leaks from one test into the next."""
    yield
    for timer in loop.timers:
        timer.stop()
    for canvas in loop.windows:
        canvas.close()


# ---- timers without any window ------------------------------------------------------------------
def test_timer_fires_n_times_under_run_and_run_returns():
    events: list[Event] = []
    timer = glframe.Timer(interval=0.01, connect=events.append, iterations=5)
    assert not timer.running and timer.count == 0
    timer.start()
    t0 = time.perf_counter()
    with watchdog():
        glframe.run()
    elapsed = time.perf_counter() - t0
    assert [e.iteration for e in events] == [0, 1, 2, 3, 4]
    assert timer.count == 5 and not timer.running
    assert 0.045 <= elapsed < 1.0
    assert all(e.type == "timeout" and e.source is timer for e in events)
    assert all(0.005 < e.dt < 0.5 for e in events)
    assert np.all(np.diff([e.elapsed for e in events]) > 0)


def test_run_returns_at_once_without_windows_or_timers():
    t0 = time.perf_counter()
    glframe.run()
    assert time.perf_counter() - t0 < 0.05


def test_timer_options_and_validation():
    timer = glframe.Timer(0.5)

    @timer.connect
    def on_timeout(event):
        pass

    assert timer.events.timeout.callbacks == [on_timeout]
    for bad in (-1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="interval"):
            glframe.Timer(bad)
    with pytest.raises(ValueError, match="iterations"):
        glframe.Timer(0.1, iterations=-2)
    zero = glframe.Timer(0.01, iterations=0, start=True)
    assert not zero.running  # nothing to fire
    assert "stopped" in repr(zero)


def test_timers_interleave_and_a_callback_can_stop_another():
    order = []
    slow = glframe.Timer(0.03, connect=lambda e: order.append("slow"))
    fast = glframe.Timer(
        0.01,
        connect=lambda e: order.append("fast") or (slow.stop() if e.iteration == 5 else None),
        iterations=6,
    )
    slow.start()
    fast.start()
    with watchdog():
        glframe.run()
    assert order.count("fast") == 6 and order.count("slow") >= 1
    assert not slow.running


def test_quit_from_a_timer_stops_run_and_the_timer_resumes_later():
    timer = glframe.Timer(0.01)
    timer.connect(lambda e: glframe.quit() if e.iteration == 2 else None)
    timer.start()
    with watchdog():
        glframe.run()
    assert timer.count == 3 and timer.running  # stopped the loop, not the timer
    timer.iterations = 5
    with watchdog():
        glframe.run()
    assert timer.count == 5 and not timer.running


def test_quit_from_another_thread_wakes_a_waiting_run():
    timer = glframe.Timer(30.0, start=True)  # would keep run() waiting for 30 s
    threading.Timer(0.1, glframe.quit).start()
    t0 = time.perf_counter()
    glframe.run()
    assert time.perf_counter() - t0 < 1.0
    timer.stop()


def test_an_error_in_a_timer_callback_raises_out_of_run_and_the_loop_stays_usable():
    def boom(event):
        if event.iteration == 1:
            raise ZeroDivisionError("from the callback")

    timer = glframe.Timer(0.01, connect=boom, iterations=4, start=True)
    with watchdog(), pytest.raises(ZeroDivisionError, match="from the callback"):
        glframe.run()
    assert timer.count == 2 and timer.running and not loop.running
    with watchdog():
        glframe.run()
    assert timer.count == 4


def test_run_refuses_to_nest():
    failures = []

    def nested(event):
        try:
            glframe.run()
        except RuntimeError as exc:
            failures.append(str(exc))

    glframe.Timer(0.01, connect=nested, iterations=1, start=True)
    with watchdog():
        glframe.run()
    assert failures and "already running" in failures[0]


# ---- timers under asyncio -----------------------------------------------------------------------
def test_timer_runs_inside_a_plain_asyncio_loop():
    async def main():
        fired = asyncio.Event()
        ticks = []

        def on_timeout(event):
            ticks.append(event.iteration)
            if len(ticks) == 5:
                fired.set()

        timer = glframe.Timer(0.01, connect=on_timeout)
        timer.start()  # no glframe loop runs: scheduled on this asyncio loop
        assert loop.running
        await asyncio.wait_for(fired.wait(), 5)
        # it keeps going while other coroutines work (a notebook's other cells)
        await asyncio.sleep(0.1)
        timer.stop()
        return ticks

    ticks = asyncio.run(main())
    assert ticks[:5] == [0, 1, 2, 3, 4] and len(ticks) >= 6
    assert not loop.running


def test_timer_keeps_running_across_asyncio_tasks_and_stops_at_its_count():
    async def main():
        timer = glframe.Timer(0.005, iterations=10, start=True)
        other = [await asyncio.sleep(0.005, result=i) for i in range(5)]
        while timer.running:
            await asyncio.sleep(0.01)
        return timer, other

    timer, other = asyncio.run(main())
    assert timer.count == 10 and other == [0, 1, 2, 3, 4]


def test_run_async_returns_when_the_last_timer_stops():
    async def main():
        timer = glframe.Timer(0.01, iterations=3, start=True)
        await asyncio.wait_for(glframe.run_async(), 5)
        return timer.count

    assert asyncio.run(main()) == 3


def test_run_async_raises_callback_errors_and_quit_ends_it():
    def boom(event):
        raise KeyError("bad tick")

    async def failing():
        glframe.Timer(0.01, connect=boom, start=True)
        await asyncio.wait_for(glframe.run_async(), 5)

    with pytest.raises(KeyError, match="bad tick"):
        asyncio.run(failing())
    for timer in loop.timers:
        timer.stop()

    async def quitting():
        timer = glframe.Timer(0.01, start=True)
        timer.connect(lambda e: glframe.quit() if e.iteration == 3 else None)
        await asyncio.wait_for(glframe.app.loop.run_async(), 5)
        return timer

    timer = asyncio.run(quitting())
    assert timer.count == 4 and timer.running


def test_without_run_async_errors_go_to_the_asyncio_handler_and_stop_the_timer():
    async def main():
        reported = []
        asyncio.get_running_loop().set_exception_handler(lambda aloop, ctx: reported.append(ctx))
        timer = glframe.Timer(0.01, connect=lambda e: 1 / 0, start=True)
        await asyncio.sleep(0.1)
        return timer, reported

    timer, reported = asyncio.run(main())
    assert not timer.running and timer.count == 1
    assert len(reported) == 1 and isinstance(reported[0]["exception"], ZeroDivisionError)
    assert "timer is stopped" in reported[0]["message"]


# ---- mouse state (no display) -------------------------------------------------------------------
def test_mouse_state_adds_drag_information():
    mouse = MouseState()
    (press,) = mouse.handle("mouse_press", dict(pos=(10, 20), button=1, modifiers=()), 0.0)
    assert press == (
        "mouse_press",
        dict(pos=(10.0, 20.0), modifiers=(), button=1, buttons=(1,), last_pos=(10.0, 20.0)),
    )
    (move,) = mouse.handle("mouse_move", dict(pos=(15, 25), modifiers=("shift",)), 0.1)
    assert move[1]["press_pos"] == (10.0, 20.0) and move[1]["last_pos"] == (10.0, 20.0)
    assert move[1]["buttons"] == (1,) and move[1]["modifiers"] == ("shift",)
    (move,) = mouse.handle("mouse_move", dict(pos=(30, 40)), 0.2)
    assert move[1]["last_pos"] == (15.0, 25.0) and move[1]["press_pos"] == (10.0, 20.0)
    # a second button during the drag: the drag still started where it started
    mouse.handle("mouse_press", dict(pos=(30, 40), button=2), 0.3)
    (move,) = mouse.handle("mouse_move", dict(pos=(31, 41)), 0.35)
    assert move[1]["buttons"] == (1, 2) and move[1]["press_pos"] == (10.0, 20.0)
    (release,) = mouse.handle("mouse_release", dict(pos=(31, 41), button=1), 0.4)
    assert release[1]["press_pos"] == (10.0, 20.0) and release[1]["buttons"] == (2,)
    mouse.handle("mouse_release", dict(pos=(31, 41), button=2), 0.45)
    (move,) = mouse.handle("mouse_move", dict(pos=(50, 50)), 0.5)
    assert move[1]["buttons"] == () and move[1]["press_pos"] is None
    (wheel,) = mouse.handle("mouse_wheel", dict(pos=(50, 50), delta=(0, -1)), 0.6)
    assert wheel == (
        "mouse_wheel",
        dict(pos=(50.0, 50.0), modifiers=(), delta=(0.0, -1.0), buttons=()),
    )


def test_mouse_state_detects_double_clicks():
    mouse = MouseState()

    def click(t, pos=(5, 5), button=1):
        kinds = [k for k, _ in mouse.handle("mouse_press", dict(pos=pos, button=button), t)]
        mouse.handle("mouse_release", dict(pos=pos, button=button), t + 0.01)
        return kinds

    assert click(0.0) == ["mouse_press"]
    assert click(0.2) == ["mouse_press", "mouse_double_click"]
    assert click(0.3) == ["mouse_press"]  # a third click starts over
    assert click(1.0) == ["mouse_press"]  # too late
    assert click(1.1, pos=(40, 40)) == ["mouse_press"]  # too far
    assert click(1.2, pos=(40, 40), button=2) == ["mouse_press"]  # another button


# ---- offscreen canvases -------------------------------------------------------------------------
def test_offscreen_pixel_ratio_scales_the_framebuffer(make_canvas):
    canvas = make_canvas(size=(40, 30), pixel_ratio=2)
    assert canvas.size == canvas.physical_size == (80, 60)
    assert canvas.logical_size == (40, 30) and canvas.pixel_ratio == 2.0
    canvas.events.draw.connect(lambda e: gloo.clear(color="blue"))
    assert canvas.render().shape == (60, 80, 4)
    resizes = []
    canvas.events.resize.connect(resizes.append)
    canvas.resize(50, 20)
    canvas.pixel_ratio = 1.5
    assert [(e.size, e.physical_size, e.pixel_ratio) for e in resizes] == [
        ((50, 20), (100, 40), 2.0),
        ((50, 20), (75, 30), 1.5),
    ]
    assert canvas.render().shape == (30, 75, 4)
    canvas.resize(50, 20)  # no change: no event
    assert len(resizes) == 2
    with pytest.raises(ValueError, match="pixel_ratio"):
        canvas.pixel_ratio = 0
    with pytest.raises(ValueError, match="pixel_ratio"):
        glframe.Canvas(size=(8, 6), pixel_ratio=-1)  # refused before a context is made
    assert make_canvas(size=(8, 6)).pixel_ratio == 1.0


def test_offscreen_canvas_takes_input_from_any_backend_and_is_never_drawn_by_the_loop(make_canvas):
    canvas = make_canvas(size=(64, 48))
    got = []
    for name in ("mouse_press", "mouse_move", "mouse_release", "key_press", "draw"):
        getattr(canvas.events, name).connect(got.append)
    canvas.handle_backend_event("mouse_press", pos=(1, 2), button=1, modifiers=())
    canvas.handle_backend_event("mouse_move", pos=(3, 4), modifiers=())
    canvas.handle_backend_event("mouse_release", pos=(3, 4), button=1, modifiers=())
    canvas.handle_backend_event("key_press", key="x")
    assert [e.type for e in got] == ["mouse_press", "mouse_move", "mouse_release", "key_press"]
    assert got[1].press_pos == (1.0, 2.0) and got[3].text == "" and got[3].modifiers == ()
    canvas.update()
    glframe.app.process_events()
    glframe.run()  # returns at once: an offscreen canvas does not keep the loop
    assert not any(e.type == "draw" for e in got)
    assert canvas not in loop.windows


def test_canvas_close_emits_close_even_when_a_close_callback_fails(make_canvas):
    canvas = make_canvas()

    def fail(event):
        raise RuntimeError("close callback")

    canvas.events.close.connect(fail)
    with pytest.raises(RuntimeError, match="close callback"):
        canvas.close()
    assert canvas.closed
    with pytest.raises(RuntimeError, match="closed"):
        canvas.render()


# ---- windows, with real input -------------------------------------------------------------------
def _window(title: str, size=(200, 150), **kwargs) -> glframe.Canvas:
    canvas = glframe.Canvas(size=size, backend="window", title=title, **kwargs)
    canvas.events.draw.connect(lambda e: gloo.clear(color=(0.2, 0.3, 0.4, 1.0)))
    return canvas


def _pump_until(predicate, timeout: float = 5.0) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise AssertionError("the expected window events did not arrive")
        glframe.app.process_events()
        time.sleep(0.01)


def _record(canvas, *names) -> list[Event]:
    got: list[Event] = []
    for name in names:
        getattr(canvas.events, name).connect(got.append)
    return got


def _find(xdotool, title: str) -> str:
    ids = xdotool("search", "--name", f"^{title}$").split()
    assert len(ids) == 1, f"expected one window named {title!r}, found {ids}"
    return ids[0]


def test_a_real_drag_gives_positions_buttons_and_press_pos(xdotool):
    canvas = _window("drag test")
    got = _record(canvas, "mouse_press", "mouse_move", "mouse_release")
    wid = _find(xdotool, "drag test")
    xdotool("mousemove", "--window", wid, "20", "30")
    _pump_until(lambda: any(e.type == "mouse_move" for e in got))
    got.clear()
    xdotool("mousedown", "1")
    xdotool("mousemove", "--window", wid, "60", "40")
    xdotool("mousemove", "--window", wid, "120", "90")
    xdotool("mouseup", "1")
    _pump_until(lambda: any(e.type == "mouse_release" for e in got))
    press, *moves, release = got
    assert press.type == "mouse_press" and press.pos == (20.0, 30.0)
    assert press.button == 1 and press.buttons == (1,) and press.modifiers == ()
    assert [m.pos for m in moves] == [(60.0, 40.0), (120.0, 90.0)]
    assert all(m.buttons == (1,) and m.press_pos == (20.0, 30.0) for m in moves)
    assert [m.last_pos for m in moves] == [(20.0, 30.0), (60.0, 40.0)]
    assert release.type == "mouse_release" and release.pos == (120.0, 90.0)
    assert release.button == 1 and release.buttons == () and release.press_pos == (20.0, 30.0)
    # right button, with shift held
    got.clear()
    xdotool("keydown", "shift")
    xdotool("click", "3")
    xdotool("keyup", "shift")
    _pump_until(lambda: any(e.type == "mouse_release" for e in got))
    assert [(e.type, e.button, e.modifiers) for e in got] == [
        ("mouse_press", 2, ("shift",)),
        ("mouse_release", 2, ("shift",)),
    ]


def test_a_real_double_click(xdotool):
    canvas = _window("double click test")
    got = _record(canvas, "mouse_press", "mouse_double_click")
    wid = _find(xdotool, "double click test")
    xdotool("mousemove", "--window", wid, "50", "50")
    xdotool("click", "--repeat", "2", "--delay", "50", "1")
    _pump_until(lambda: len(got) == 3)
    assert [e.type for e in got] == ["mouse_press", "mouse_press", "mouse_double_click"]
    assert got[2].pos == (50.0, 50.0) and got[2].button == 1


def test_a_real_wheel(xdotool):
    canvas = _window("wheel test")
    got = _record(canvas, "mouse_wheel")
    wid = _find(xdotool, "wheel test")
    xdotool("mousemove", "--window", wid, "70", "80")
    xdotool("click", "4")  # one notch up (away from the user)
    xdotool("click", "5")
    xdotool("click", "5")
    _pump_until(lambda: len(got) == 3)
    assert [e.delta for e in got] == [(0.0, 1.0), (0.0, -1.0), (0.0, -1.0)]
    assert all(e.pos == (70.0, 80.0) and e.buttons == () for e in got)


def test_real_keys_give_names_text_and_modifiers(xdotool):
    canvas = _window("key test")
    got = _record(canvas, "key_press", "key_release")
    wid = _find(xdotool, "key test")
    xdotool("mousemove", "--window", wid, "10", "10")  # no window manager: focus follows
    xdotool("windowfocus", "--sync", wid)
    for key in ("a", "shift+b", "Left", "Escape", "space", "Return", "F1", "ctrl+z"):
        xdotool("key", key)
    _pump_until(lambda: sum(e.type == "key_release" and e.key == "z" for e in got) == 1)
    presses = [(e.key, e.text, e.modifiers) for e in got if e.type == "key_press"]
    assert presses == [
        ("a", "a", ()),
        ("Shift", "", ("shift",)),
        ("b", "B", ("shift",)),
        ("Left", "", ()),
        ("Escape", "", ()),
        ("Space", " ", ()),
        ("Enter", "", ()),
        ("F1", "", ()),
        ("Control", "", ("control",)),
        ("z", "", ("control",)),
    ]
    assert not canvas.closed  # Escape does not close
    assert all(e.repeat is False for e in got if e.type == "key_press")
    release_a = next(e for e in got if e.type == "key_release")
    assert release_a.key == "a" and release_a.modifiers == ()


def test_an_error_in_an_input_callback_raises_and_the_window_stays_usable(xdotool):
    canvas = _window("error test")
    wid = _find(xdotool, "error test")

    def fail(event):
        raise ValueError("mouse callback failed")

    canvas.events.mouse_press.connect(fail)
    xdotool("mousemove", "--window", wid, "5", "5")
    xdotool("click", "1")
    with pytest.raises(ValueError, match="mouse callback failed"):
        _pump_until(lambda: False, timeout=3)
    canvas.events.mouse_press.disconnect(fail)
    got = _record(canvas, "mouse_press")
    xdotool("click", "1")
    _pump_until(lambda: len(got) == 1)
    assert canvas.render().shape == (150, 200, 4)


def test_resize_through_glfw_emits_resize_and_the_next_frame_has_the_new_size(xvfb):
    import glfw

    canvas = _window("resize test", size=(120, 80))
    assert canvas.logical_size == canvas.size == (120, 80) and canvas.pixel_ratio == 1.0
    got = _record(canvas, "resize")
    glfw.set_window_size(canvas._surface._window, 150, 70)
    _pump_until(lambda: got)
    assert [(e.size, e.physical_size, e.pixel_ratio) for e in got] == [((150, 70), (150, 70), 1.0)]
    assert canvas.render().shape == (70, 150, 4)
    canvas.resize(90, 60)  # through the canvas: one more event
    assert [e.size for e in got] == [(150, 70), (90, 60)]
    assert canvas.render().shape == (60, 90, 4)


def test_resize_by_the_x_server_reaches_the_canvas(xdotool):
    canvas = _window("xresize test", size=(100, 100))
    got = _record(canvas, "resize")
    xdotool("windowsize", _find(xdotool, "xresize test"), "160", "110")
    _pump_until(lambda: got)
    assert got[-1].size == (160, 110) and canvas.size == (160, 110)
    image = canvas.render()
    assert image.shape == (110, 160, 4) and (image[..., 2] == 102).all()


def test_update_causes_exactly_one_redraw_and_an_idle_window_costs_nothing(xvfb):
    canvas = _window("update test")
    draws = _record(canvas, "draw")
    counts = {}

    def on_timeout(event):
        if event.iteration == 3:
            counts["before"] = len(draws)
            canvas.update()
            canvas.update()
            canvas.update()
        elif event.iteration == 7:
            counts["after"] = len(draws)
            canvas.close()

    glframe.Timer(0.05, connect=on_timeout, start=True)
    with watchdog():
        glframe.run()
    assert counts["before"] >= 1  # the first frame
    assert counts["after"] == counts["before"] + 1
    assert canvas.closed

    # an idle window: drawn when mapped (first frame, expose), then no draws and
    # little CPU while the loop waits
    idle = _window("idle test")
    draws = _record(idle, "draw")
    settled = {}

    def settle():
        settled["draws"], settled["cpu"] = len(draws), time.process_time()

    threading.Timer(0.3, settle).start()
    threading.Timer(0.9, glframe.quit).start()
    glframe.run()
    assert 1 <= settled["draws"] <= 2 and len(draws) == settled["draws"]
    assert time.process_time() - settled["cpu"] < 0.15, "the loop is busy while idle"


def test_draw_callbacks_that_update_animate_and_errors_raise_out_of_run(xvfb):
    canvas = _window("animate test")
    frames = []

    @canvas.connect
    def on_draw(event):
        frames.append(time.perf_counter())
        if len(frames) == 5:
            raise RuntimeError("frame 5 failed")
        if len(frames) < 10:
            canvas.update()  # continuous redraw
        else:
            canvas.close()

    with watchdog(), pytest.raises(RuntimeError, match="frame 5 failed"):
        glframe.run()
    assert len(frames) == 5 and not canvas.closed
    canvas.update()
    with watchdog():
        glframe.run()
    assert len(frames) == 10 and canvas.closed


def test_run_returns_after_the_last_window_closes(xvfb):
    import glfw

    first, second = _window("close test 1"), _window("close test 2", vsync=False)
    assert second.vsync is False and set(loop.windows) == {first, second}
    closes = _record(first, "close")
    forever = glframe.Timer(0.01, start=True)  # windows closed: run() returns all the same

    def on_timeout(event):
        if event.iteration == 2:
            glfw.set_window_should_close(first._surface._window, True)
        elif event.iteration == 4:
            second.close()

    forever.connect(on_timeout)
    with watchdog():
        glframe.run()
    assert first.closed and second.closed and loop.windows == ()
    assert len(closes) == 1 and forever.count == 5


def _send_wm_delete(window_id: int) -> None:
    """What a window manager sends when the close button is pressed (ICCCM WM_DELETE_WINDOW)."""

    class ClientMessage(ctypes.Structure):
        _fields_ = [
            ("type", ctypes.c_int),
            ("serial", ctypes.c_ulong),
            ("send_event", ctypes.c_int),
            ("display", ctypes.c_void_p),
            ("window", ctypes.c_ulong),
            ("message_type", ctypes.c_ulong),
            ("format", ctypes.c_int),
            ("data", ctypes.c_long * 5),
        ]

    class XEvent(ctypes.Union):
        _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]

    x11 = ctypes.CDLL("libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XSendEvent.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_int,
        ctypes.c_long,
        ctypes.POINTER(XEvent),
    ]
    x11.XFlush.argtypes = x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = x11.XOpenDisplay(None)
    assert display, "cannot open the X display"
    event = XEvent()
    event.xclient.type = 33  # ClientMessage
    event.xclient.window = window_id
    event.xclient.message_type = x11.XInternAtom(display, b"WM_PROTOCOLS", 0)
    event.xclient.format = 32
    event.xclient.data[0] = x11.XInternAtom(display, b"WM_DELETE_WINDOW", 0)
    x11.XSendEvent(display, window_id, 0, 0, ctypes.byref(event))
    x11.XFlush(display)
    x11.XCloseDisplay(display)


def test_the_close_button_closes_the_canvas_and_ends_show(xdotool):
    canvas = _window("close button test")
    closes = _record(canvas, "close")
    wid = int(_find(xdotool, "close button test"))
    threading.Timer(0.2, _send_wm_delete, (wid,)).start()
    with watchdog():
        glframe.app.show(canvas)  # runs the loop until this window closes
    assert canvas.closed and len(closes) == 1
    with pytest.raises(RuntimeError, match="failed"):  # xdotool finds no such window
        _find(xdotool, "close button test")


def test_run_async_drives_windows_and_timers(xvfb):
    async def main():
        canvas = _window("async test")
        draws = _record(canvas, "draw")

        def on_timeout(event):
            canvas.update()
            if event.iteration == 4:
                canvas.close()

        timer = glframe.Timer(0.01, connect=on_timeout, start=True)
        await asyncio.wait_for(glframe.run_async(), 10)
        timer.stop()
        return draws

    draws = asyncio.run(main())
    assert len(draws) >= 2


def test_the_animation_example_turns_in_a_window(xvfb, monkeypatch):
    import runpy

    from examples_path import EXAMPLES

    monkeypatch.delenv("GLFRAME_BACKEND", raising=False)
    namespace = runpy.run_path(str(EXAMPLES / "app" / "animation.py"), run_name="__test__")
    canvas, timer = namespace["canvas"], namespace["timer"]
    assert canvas.backend == "window" and not timer.running  # headless renders stay at angle 0
    first = canvas.render()
    frames = []

    def grab(event):
        frames.append(canvas.render())
        canvas.close()  # stops the example's timer too (its close callback)

    timer.start()
    glframe.Timer(0.25, connect=grab, iterations=1, start=True)
    with watchdog():
        glframe.run()
    assert namespace["state"]["angle"] > 0.1 and not timer.running
    assert np.abs(frames[0].astype(int) - first).max() > 100  # it moved
