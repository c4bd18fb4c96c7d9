"""glframe.serve: a canvas viewed in headless Chromium over a plain websocket.

The server runs on an asyncio loop of its own thread, which also owns the
canvases (their GL contexts) and every call to them; Playwright's sync API
drives Chromium from the test's thread. Only loopback sockets are used. What
is checked: a scatter in each mode (pixels against the Python render, a drag
that moves the picture and the Python camera alike, no GLIR sent during a
client-side pan), the token (403 without it, page and websocket), and
robustness: a client that never acknowledges, fuzzed, malformed and oversized
messages, and a tab closed in the middle of a stream of frames.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import numpy as np
import pytest
from browser import browser, canvas_pixels, page  # noqa: F401 - fixtures
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from imagecompare import compare
from loop_thread import LoopThread

import glframe
from glframe import scene
from glframe.backends.web import RemoteServer, is_loopback, pack, unpack

SIZE = (400, 300)
RECT = (0.0, 0.0, 40.0, 30.0)  # 0.1 scene units per pixel
DRAG = (60, 40)  # pixels, from the red marker's centre


@pytest.fixture(scope="module")
def server_thread():
    thread = LoopThread("server")
    yield thread
    thread.stop()


@pytest.fixture
def served(server_thread, make_canvas, caplog):
    """``served(make=scatter, **options)``: (canvas, view, server) of a served scene made by
    ``make()`` (a scatter by default); no errors allowed."""
    make_canvas((1, 1))  # GL available (or skip; under CI, fail)
    made = []

    def factory(make=None, **options):
        def build():
            canvas, view = (make or scatter)()
            return canvas, view, glframe.serve(canvas, port=0, quiet=True, **options)

        made.append(server_thread.call(build))
        return made[-1]

    caplog.set_level(logging.WARNING)
    yield factory
    for canvas, _, server in made:
        server_thread.call(lambda s=server, c=canvas: (s.close(), c.close()))
    records = [*caplog.get_records("call"), *caplog.records]  # the test's, and closing's
    errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert not errors, errors
    assert not server_thread.errors, server_thread.errors
    server_thread.errors.clear()


def scatter():
    canvas = scene.SceneCanvas(size=SIZE, bgcolor="black", title="served scatter")
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=RECT))
    # inside the canvas before and after the drag: no point straddles a border
    points = np.random.default_rng(1).uniform((2, 6), (32, 28), (300, 2))
    scene.visuals.Markers(
        points, size=5, face_color=(0.5, 0.7, 1.0, 1), edge_width=0, parent=view.scene
    )
    scene.visuals.Markers(
        [[20.0, 15.0]], size=16, symbol="square", face_color="red", edge_width=0, parent=view.scene
    )
    return canvas, view


def red_centroid(image: np.ndarray) -> np.ndarray:
    r, g, b = (image[..., i].astype(int) for i in range(3))
    ys, xs = np.nonzero((r > 200) & (g < 80) & (b < 80))
    assert len(xs) > 100, "the red marker is not in the picture"
    return np.array([xs.mean(), ys.mean()])


def until(condition, timeout: float = 15, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def decode_image(data: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


# ---- the page ------------------------------------------------------------------------------

FRAMES = """([n, format]) => {
  const c = document.querySelector('#glframe-remote canvas');
  return c && +(c.dataset.frames || 0) > n && (!format || c.dataset.format === format);
}"""


def page_image(page) -> np.ndarray:  # noqa: F811
    return canvas_pixels(page, "#glframe-remote canvas")


def frames_shown(page) -> int:  # noqa: F811
    return int(page.evaluate("+document.querySelector('#glframe-remote canvas').dataset.frames"))


def wait_frame(page, after: int = 0, format: str | None = None) -> None:  # noqa: F811
    page.wait_for_function(FRAMES, arg=[after, format], timeout=30_000)


def open_page(page, url: str) -> None:  # noqa: F811
    response = page.goto(url, timeout=30_000)
    assert response.status == 200
    page.wait_for_selector("body[data-glframe]", state="attached", timeout=30_000)
    assert page.evaluate("document.body.dataset.glframe") == "ready", page.inner_text(
        "#glframe-error"
    )


def drag(page, start, delta) -> None:  # noqa: F811
    box = page.locator("#glframe-remote canvas").bounding_box()
    x0, y0 = box["x"] + start[0], box["y"] + start[1]
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + delta[0], y0 + delta[1], steps=6)
    page.mouse.up()


def panned(rect, shown, delta) -> np.ndarray:
    """The rect a pan-zoom camera shows after a drag of ``delta`` pixels."""
    units_x, units_y = shown[2] / SIZE[0], shown[3] / SIZE[1]
    return np.asarray(rect) - (delta[0] * units_x, -delta[1] * units_y, 0, 0)


# ---- both modes in Chromium ------------------------------------------------------------
def test_server_mode_shows_the_frames_and_a_drag_pans_the_python_camera(
    server_thread,
    served,
    page,  # noqa: F811
):
    canvas, view, server = served()
    open_page(page, server.url)
    wait_frame(page, 0, "png")  # JPEG first (just changed), then the exact PNG
    image = page_image(page)
    ok, why, _ = compare(image, server_thread.call(canvas.render), noise=2)
    assert ok, f"first frame: {why}"
    start = red_centroid(image)
    np.testing.assert_allclose(start, (200, 150), atol=1)
    rect, shown = server_thread.call(lambda: (view.camera.rect, view.camera.shown_rect))

    shown_before = frames_shown(page)
    drag(page, start, DRAG)
    wait_frame(page, shown_before, "png")  # JPEG while moving, then the settled PNG
    expected = panned(rect, shown, DRAG)
    np.testing.assert_allclose(server_thread.call(lambda: view.camera.rect), expected, atol=1e-9)
    image = page_image(page)
    np.testing.assert_allclose(red_centroid(image) - start, DRAG, atol=1)
    ok, why, _ = compare(image, server_thread.call(canvas.render), noise=2)
    assert ok, f"after the drag: {why}"
    stats = server.stats()["sessions"][0]
    assert stats["mode"] == "server" and stats["frames_shown"] >= 3 and stats["warnings"] == 0
    assert not page.js_errors, page.js_errors


HIDPI_FRAME = """() => {
  const c = document.querySelector('#glframe-remote canvas');
  return c && c.width === 800 && c.dataset.format === 'png';
}"""


@pytest.fixture
def hidpi_page(browser):  # noqa: F811
    """A page at 2 device pixels per CSS pixel (a Retina screen)."""
    context = browser.new_context(viewport={"width": 1000, "height": 800}, device_scale_factor=2)
    yield context.new_page()
    context.close()


def test_a_hidpi_page_gets_frames_at_its_pixel_ratio_and_drags_in_css_pixels(
    server_thread,
    served,
    hidpi_page,
):
    canvas, view, server = served()
    page = hidpi_page  # noqa: F811
    open_page(page, server.url)
    page.wait_for_function(HIDPI_FRAME, timeout=30_000)  # the resize said ratio 2
    image = page_image(page)
    assert image.shape == (600, 800, 4)
    assert page.locator("#glframe-remote canvas").bounding_box()["width"] == SIZE[0]
    ok, why, _ = compare(image, server_thread.call(canvas.render), noise=2)
    assert ok, why
    start = red_centroid(image) / 2  # CSS pixels
    np.testing.assert_allclose(start, (200, 150), atol=1)
    rect, shown = server_thread.call(lambda: (view.camera.rect, view.camera.shown_rect))
    shown_before = frames_shown(page)
    drag(page, start, DRAG)
    wait_frame(page, shown_before, "png")
    moved = server_thread.call(lambda: view.camera.rect)
    np.testing.assert_allclose(moved, panned(rect, shown, DRAG), atol=1e-9)
    np.testing.assert_allclose(red_centroid(page_image(page)) / 2 - start, DRAG, atol=1)


def test_a_hidpi_page_in_client_mode_draws_at_its_pixel_ratio(
    server_thread,
    served,
    hidpi_page,
):
    canvas, view, server = served()
    page = hidpi_page  # noqa: F811
    open_page(page, server.url + "?mode=client")
    # drawn at 800 device pixels wide (a resize applies with the frame drawn at its size;
    # a first message already at that size is drawn an animation frame after it arrives)
    wide = (
        "() => { const c = document.querySelector('#glframe-remote canvas');"
        " return !!c && c.width === 800 && +(c.dataset.frames || 0) >= 1; }"
    )
    page.wait_for_function(wide, timeout=30_000)
    image = page_image(page)
    assert image.shape == (600, 800, 4)
    tolerance = dict(noise=6, edge_fraction=0.2, min_allowed=8, max_interior=12)
    ok, why, _ = compare(image, server_thread.call(canvas.render), **tolerance)
    assert ok, why
    (session,) = server.sessions
    stats = server_thread.call(session.stats)
    # one snapshot (made at ratio 1, or at 2 if the resize came first): no data twice
    assert stats["glir_messages"] <= 2 and stats["bytes_sent"] < 10_000, stats
    start = red_centroid(image) / 2  # CSS pixels
    rect, shown = server_thread.call(lambda: (view.camera.rect, view.camera.shown_rect))
    drag(page, start, DRAG)
    expected = panned(rect, shown, DRAG)
    until(
        lambda: np.allclose(server_thread.call(lambda: view.camera.rect), expected, atol=1e-9),
        what="the Python camera to follow the browser's",
    )
    np.testing.assert_allclose(red_centroid(page_image(page)) / 2 - start, DRAG, atol=1)


class OwnPanZoom(scene.PanZoomCamera):
    """A camera of the user's own: the page cannot know what it does with input."""


def own_camera_scene():
    canvas, view = scatter()
    view.camera = OwnPanZoom(rect=RECT)
    return canvas, view


def test_client_mode_sends_input_over_other_cameras_to_python(
    server_thread,
    served,
    page,  # noqa: F811
):
    """A camera the page does not know: its drag goes to Python, GLIR comes back."""
    canvas, view, server = served(make=own_camera_scene)
    open_page(page, server.url + "?mode=client")
    wait_frame(page, 0)
    assert page.evaluate("window.glframeRemote.state.views[0].camera.type") == "static"
    image = page_image(page)
    start = red_centroid(image)
    rect, shown = server_thread.call(lambda: (view.camera.rect, view.camera.shown_rect))
    drag(page, start, DRAG)
    expected = panned(rect, shown, DRAG)
    until(
        lambda: np.allclose(server_thread.call(lambda: view.camera.rect), expected, atol=1e-9),
        what="the Python camera to follow the forwarded drag",
    )
    until(
        lambda: np.allclose(red_centroid(page_image(page)) - start, DRAG, atol=1),
        what="the page to show Python's panned picture",
    )
    tolerance = dict(noise=6, edge_fraction=0.2, min_allowed=8, max_interior=12)
    ok, why, _ = compare(page_image(page), server_thread.call(canvas.render), **tolerance)
    assert ok, why
    (session,) = server.sessions
    stats = server_thread.call(session.stats)
    assert stats["events"] >= 3 and stats["warnings"] == 0 and stats["frames_sent"] == 0
    assert not page.js_errors, page.js_errors


def test_client_mode_draws_with_webgl_and_pans_in_the_browser(
    server_thread,
    served,
    page,  # noqa: F811
):
    canvas, view, server = served()
    open_page(page, server.url + "?mode=client")
    wait_frame(page, 0)
    assert page.evaluate("window.glframeRemote.state.mode") == "client"
    image = page_image(page)
    # two rasterizers (llvmpipe here, SwiftShader there): tolerant of antialiased edges
    tolerance = dict(noise=6, edge_fraction=0.2, min_allowed=8, max_interior=12)
    ok, why, _ = compare(image, server_thread.call(canvas.render), **tolerance)
    assert ok, f"first frame: {why}"
    start = red_centroid(image)
    rect, shown = server_thread.call(lambda: (view.camera.rect, view.camera.shown_rect))
    (session,) = server.sessions
    glir_before = server_thread.call(lambda: session.stats()["glir_messages"])
    assert glir_before >= 1

    drag(page, start, DRAG)
    expected = panned(rect, shown, DRAG)
    # the browser sends its camera on pointer up
    until(
        lambda: np.allclose(server_thread.call(lambda: view.camera.rect), expected, atol=1e-9),
        what="the Python camera to follow the browser's",
    )
    browser_rect = page.evaluate("window.glframeRemote.state.views[0].cam.state().rect")
    np.testing.assert_allclose(browser_rect, expected, atol=1e-9)
    during = server_thread.call(session.stats)
    assert during["glir_messages"] == glir_before  # the pan was the browser's alone
    assert during["frames_sent"] == 0 and during["warnings"] == 0
    image = page_image(page)
    np.testing.assert_allclose(red_centroid(image) - start, DRAG, atol=1)
    ok, why, _ = compare(image, server_thread.call(canvas.render), **tolerance)
    assert ok, f"after the drag: {why}"

    # a change made in Python reaches the browser as GLIR, and is drawn there
    shown_before = frames_shown(page)
    server_thread.call(lambda: view.camera.zoom(0.5))
    wait_frame(page, shown_before)
    assert server_thread.call(lambda: session.stats()["glir_messages"]) == glir_before + 1
    ok, why, _ = compare(page_image(page), server_thread.call(canvas.render), **tolerance)
    assert ok, f"after a zoom in Python: {why}"
    assert not page.js_errors, page.js_errors


# ---- the token -------------------------------------------------------------------------------
def get(url: str, headers: dict | None = None) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers or {}), timeout=10
        ) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


async def websocket_status(url: str) -> int | dict:
    """403 (or another refusal) for a refused websocket, else its first message."""
    from tornado.httpclient import HTTPClientError
    from tornado.websocket import websocket_connect

    try:
        ws = await asyncio.wait_for(websocket_connect(url), 10)
    except HTTPClientError as exc:
        return exc.code
    message = await asyncio.wait_for(ws.read_message(), 10)
    ws.close()
    return json.loads(message)


def test_a_token_is_required_by_the_page_and_the_websocket(
    server_thread,
    served,
    page,  # noqa: F811
    caplog,
    monkeypatch,
):
    # dask.distributed (used earlier in the process by the aggregation tests) stops the
    # "tornado" loggers at CRITICAL, unpropagated: let the access log reach caplog
    monkeypatch.setattr(logging.getLogger("tornado"), "propagate", True)
    caplog.set_level(logging.WARNING, logger="tornado.access")
    canvas, view, server = served(token="abc", require_token=True)
    base = f"http://127.0.0.1:{server.port}/"
    assert server.token_required and server.url == base + "?token=abc"
    assert get(base)[0] == 403
    status, text = get(base + "?token=abd")
    assert status == 403 and "token" in text
    assert get(base, {"Authorization": "token abd"})[0] == 403
    assert get(base + "?token=abc")[0] == 200
    assert get(base, {"Authorization": "token abc"})[0] == 200
    ws = f"ws://127.0.0.1:{server.port}/ws"
    assert server_thread.run(websocket_status(ws)) == 403
    assert server_thread.run(websocket_status(ws + "?token=ab")) == 403
    assert server_thread.run(websocket_status(ws + "?token=abc"))["type"] == "mode"
    assert server_thread.run(websocket_status(ws + "?token=abc&mode=bogus")) == 400

    assert page.goto(base, timeout=30_000).status == 403  # refused in the browser too
    assert page.locator("canvas").count() == 0
    open_page(page, server.url)
    wait_frame(page, 0, "png")
    ok, why, _ = compare(page_image(page), server_thread.call(canvas.render), noise=2)
    assert ok, why
    assert server.stats()["refused"] == 6
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "403 GET /ws?token=... " in logged and "abc" not in logged and "abd" not in logged


def test_without_a_token_only_loopback_host_names_are_answered(served):
    canvas, view, server = served()
    assert not server.token_required and "token" not in server.url
    assert get(server.url)[0] == 200
    assert get(server.url.replace("127.0.0.1", "localhost"))[0] == 200
    # a page of another site reaching 127.0.0.1 through DNS rebinding names its own host
    assert get(server.url, {"Host": f"evil.example:{server.port}"})[0] == 403


def test_any_address_but_loopback_requires_a_token():
    for host in ("0.0.0.0", "", "::", "192.168.1.20", "example.org"):
        server = RemoteServer(None, host=host, port=0)
        assert server.token_required, host
        assert len(server.token) >= 16 and server.url.endswith(f"?token={server.token}")
    for host in ("127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"):
        assert is_loopback(host) and not RemoteServer(None, host=host).token_required
    assert RemoteServer(None, token="abc", require_token=True).url.endswith("?token=abc")
    assert RemoteServer(None, host="::1", port=9).url == "http://[::1]:9/"
    with pytest.raises(ValueError):
        RemoteServer(None, mode="sideways")
    with pytest.raises(ValueError):
        RemoteServer(None, token="")


# ---- robustness --------------------------------------------------------------------------------
class RawClient:
    """A websocket client on the server's loop (no browser), collecting what it receives."""

    def __init__(self, thread: LoopThread, url: str, *, ack: bool = False) -> None:
        from tornado.websocket import websocket_connect

        self.thread, self.messages, self.ack = thread, [], ack

        async def connect():
            return await asyncio.wait_for(
                websocket_connect(url, on_message_callback=self._received), 10
            )

        self.ws = thread.run(connect())

    def _received(self, message) -> None:
        if message is None:
            self.messages.append({"type": "closed"})
            return
        header, buffers = (
            unpack(message) if isinstance(message, bytes) else (json.loads(message), [])
        )
        self.messages.append(dict(header, buffers=buffers))
        if self.ack and header["type"] == "frame":
            self.ws.write_message(json.dumps({"type": "ack", "id": header["id"]}))

    def send(self, message, binary: bool = False) -> None:
        if isinstance(message, dict):
            message = json.dumps(message)
        self.thread.call(lambda: self.ws.write_message(message, binary=binary))

    def of(self, kind: str) -> list[dict]:
        return [m for m in list(self.messages) if m["type"] == kind]

    def sync(self, tag: str) -> None:
        """Wait until everything sent before has been handled (an answered bad message)."""
        self.send({"type": f"sync-{tag}"})
        until(
            lambda: any(f"sync-{tag}" in m["message"] for m in self.of("warning")),
            what=f"the answer to sync-{tag}",
        )

    def close(self) -> None:
        self.thread.call(self.ws.close)


def test_a_client_that_never_acknowledges_gets_at_most_max_in_flight_frames(server_thread, served):
    canvas, view, server = served(settle=0.1)
    client = RawClient(server_thread, f"ws://127.0.0.1:{server.port}/ws")
    client.send({"type": "ready"})

    async def change_often():
        for _ in range(60):
            view.camera.pan(0.05, 0)  # a change, and canvas.update()
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.4)  # past the settle time: the PNG waits for an acknowledgement

    server_thread.run(change_often())
    frames = client.of("frame")
    assert len(frames) == 2
    (session,) = server.sessions
    assert session.stats()["in_flight"] == 2
    client.send({"type": "ack", "id": frames[0]["id"]})
    until(lambda: len(client.of("frame")) == 3, what="the frame after an acknowledgement")
    time.sleep(0.3)
    last = client.of("frame")
    assert len(last) == 3 and last[-1]["format"] == "png"  # the latest state, exact
    assert (decode_image(last[-1]["buffers"][0]) == server_thread.call(canvas.render)).all()
    client.close()


def test_updates_from_another_thread_are_handled_on_the_loop(server_thread, served):
    canvas, view, server = served()
    client = RawClient(server_thread, f"ws://127.0.0.1:{server.port}/ws", ack=True)
    client.send({"type": "ready"})
    until(lambda: client.of("frame"), what="a first frame")
    sent = len(client.of("frame"))
    canvas.update()  # from this thread, not the server's
    until(lambda: len(client.of("frame")) > sent, what="a frame for an update from a thread")
    client.close()


MESSAGES = st.one_of(
    st.dictionaries(
        st.sampled_from(
            ["type", "event", "x", "y", "id", "width", "height", "pixel_ratio", "key", "text"]
            + ["modifiers", "view", "state", "visible", "button", "dx", "dy", "message"]
        ),
        st.one_of(
            st.sampled_from(["ack", "visible", "ready", "resize", "event", "camera", "error"]),
            st.sampled_from(["pointer_down", "pointer_move", "pointer_up", "wheel", "key_down"]),
            st.none(),
            st.booleans(),
            st.integers(-(2**70), 2**70),
            st.floats(),
            st.text(max_size=40),
            st.lists(st.sampled_from(["shift", "alt", "meta", ""]), max_size=3),
            st.dictionaries(st.text(max_size=6), st.floats(), max_size=3),
        ),
    ),
    st.lists(st.integers(), max_size=4),
    st.text(max_size=20).map(json.dumps),
    st.none(),
)


def test_fuzzed_malformed_and_oversized_messages_leave_the_canvas_usable(
    server_thread, served, caplog
):
    canvas, view, server = served(max_size=(640, 480))
    client = RawClient(server_thread, f"ws://127.0.0.1:{server.port}/ws", ack=True)
    client.send({"type": "visible", "visible": False})
    count = iter(range(10**6))

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
    @given(MESSAGES)
    def fuzz(message):
        if isinstance(message, dict) and message.get("type") == "event":
            message.setdefault("event", "pointer_move")
        client.send(message if isinstance(message, str) else json.dumps(message))
        client.sync(str(next(count)))
        w, h = server_thread.call(lambda: canvas.size)
        assert 1 <= w <= 640 and 1 <= h <= 480
        assert server_thread.call(canvas.render).shape == (h, w, 4)

    fuzz()
    assert server.stats()["errors"] == 0
    # {"type": "error"} is a page reporting a glir.js failure: logged as an error, on purpose
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert all(m.startswith("the browser reported") for m in logged), logged
    caplog.clear()

    warned = len(client.of("warning"))
    bad = [
        ("not json", False),
        ("[" * 30_000, False),  # nested too deep for the parser
        (json.dumps([1, 2]), False),
        (json.dumps({"type": "launch"}), False),
        (json.dumps({"type": "event", "event": "teleport", "x": 1, "y": 1}), False),
        (json.dumps({"type": "resize", "width": -5, "height": 10}), False),
        (json.dumps({"type": "ack", "id": -1}), False),
        (b"\xff\xff\xff\x7f{}", True),
        (b"\x02", True),
        (pack({"type": "ack", "id": 1}, [b"x"] * 10), True),  # more buffers than allowed
        ("x" * 100_000, False),  # above the 64 KiB a browser message may have
    ]
    for message, binary in bad:
        client.send(message, binary)
    client.sync("bad")
    warnings = client.of("warning")[warned:]
    assert len(warnings) == len(bad) + 1, [w["message"] for w in warnings]
    assert "exceeds" in warnings[-2]["message"] and "unknown message type" in warnings[3]["message"]
    stats = server.stats()
    assert stats["malformed"] >= 5 and stats["oversized"] == 1 and stats["errors"] == 0

    client.send({"type": "resize", "width": 100_000, "height": 100_000, "pixel_ratio": 1})
    client.sync("huge")
    assert server_thread.call(lambda: canvas.size) == (640, 480)  # clamped
    assert server_thread.call(canvas.render).shape == (480, 640, 4)
    client.send({"type": "resize", "width": 400, "height": 300, "pixel_ratio": 1})
    client.send({"type": "visible", "visible": True})
    # frames already in flight may still be 640x480: wait for the resized one
    until(
        lambda: any(f["size"] == [400, 300] for f in client.of("frame")),
        what="a 400x300 frame once visible",
    )
    resized = [f for f in client.of("frame") if f["size"] == [400, 300]][-1]
    assert decode_image(resized["buffers"][0]).shape[:2] == (300, 400)

    # a message above tornado's hard limit (1 MiB) closes that connection, nothing else
    client.send(b"\0" * (2 * 1024 * 1024), binary=True)
    until(lambda: client.of("closed"), what="the connection to close")
    assert client.ws.close_code == 1009
    until(lambda: server.stats()["connections"] == 0, what="the session to end")
    other = RawClient(server_thread, f"ws://127.0.0.1:{server.port}/ws", ack=True)
    other.send({"type": "ready"})
    until(lambda: [f for f in other.of("frame") if f["format"] == "png"], what="a PNG frame")
    png = [f for f in other.of("frame") if f["format"] == "png"][-1]
    assert (decode_image(png["buffers"][0]) == server_thread.call(canvas.render)).all()
    other.close()


def test_a_tab_closed_in_the_middle_of_a_stream_leaves_the_server_working(
    server_thread,
    served,
    page,  # noqa: F811
):
    canvas, view, server = served()

    def on_timeout(event):
        view.camera.pan(0.02, 0)

    timer = server_thread.call(lambda: glframe.Timer(0.015, connect=on_timeout, start=True))
    try:
        open_page(page, server.url)
        wait_frame(page, 5)  # frames stream in
        page.close()  # mid-stream, most likely in the middle of a frame
        until(lambda: server.stats()["connections"] == 0, what="the session to close")
        time.sleep(0.5)  # the canvas keeps changing; nothing is written to the closed socket
        assert timer.running and server.stats()["opened"] == 1

        again = page.context.new_page()
        open_page(again, server.url)
        wait_frame(again, 5)
        assert server.stats()["connections"] == 1
    finally:
        server_thread.call(timer.stop)
    wait_frame(again, frames_shown(again), "png")
    ok, why, _ = compare(page_image(again), server_thread.call(canvas.render), noise=2)
    assert ok, why


def test_an_error_in_a_draw_callback_is_reported_and_the_connection_stays(
    server_thread, served, caplog
):
    canvas, view, server = served()
    broken = {"now": False}

    def on_draw(event):
        if broken["now"]:
            raise RuntimeError("a bug in a draw callback")

    server_thread.call(lambda: canvas.events.draw.connect(on_draw))
    client = RawClient(server_thread, f"ws://127.0.0.1:{server.port}/ws", ack=True)
    client.send({"type": "ready"})
    until(lambda: client.of("frame"), what="a first frame")
    broken["now"] = True
    client.send({"type": "event", "event": "wheel", "x": 10, "y": 10, "dy": 1})  # zooms: a draw
    server_thread.call(canvas.update)  # an update from Python: a draw too
    until(lambda: len(client.of("warning")) >= 2, what="the errors reported")
    messages = [w["message"] for w in client.of("warning")]
    assert all("a bug in a draw callback" in m for m in messages), messages
    assert server.stats()["errors"] >= 2 and server.stats()["connections"] == 1
    broken["now"] = False
    sent = len(client.of("frame"))
    server_thread.call(canvas.update)
    until(lambda: len(client.of("frame")) > sent, what="frames again once the bug is gone")
    client.close()
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert logged and all("glframe.serve" in r.getMessage() for r in logged)
    caplog.clear()  # expected here; the fixture fails a test on any other error


def test_client_views_each_get_every_change(server_thread, served):
    """Two client-mode tabs: a camera moved in one reaches the other, with no reset."""
    canvas, view, server = served(mode="client")
    url = f"ws://127.0.0.1:{server.port}/ws"
    a, b = RawClient(server_thread, url), RawClient(server_thread, url)
    for client in (a, b):
        client.send({"type": "ready"})
        until(lambda c=client: c.of("glir"), what="a snapshot")
    server_thread.call(lambda: view.camera.zoom(1 / 1.5))  # B's snapshot drew: A's backlog has it
    until(lambda: len(a.of("glir")) == 2 and len(b.of("glir")) == 2, what="a frame each")
    assert not a.of("glir")[1]["reset"] and not b.of("glir")[1]["reset"]

    a.send({"type": "camera", "view": 0, "state": {"rect": [-3, 2, 40, 30]}})
    until(lambda: len(b.of("glir")) == 3, what="A's camera in B")
    a.sync("camera")
    assert len(a.of("glir")) == 2  # A drew it already
    uniforms = [c for c in b.of("glir")[2]["glir"]["commands"] if c[0] == "UNIFORM"]
    assert uniforms and not b.of("glir")[2]["reset"]
    np.testing.assert_allclose(server_thread.call(lambda: view.camera.rect), [-3, 2, 40, 30])
    server_thread.call(canvas.update)
    until(lambda: len(a.of("glir")) == 3 and len(b.of("glir")) == 4, what="one more frame each")
    assert not a.of("glir")[2]["reset"] and not b.of("glir")[3]["reset"]
    a.close()
    b.close()


# ---- the command line --------------------------------------------------------------------------
SCRIPT = """
import numpy as np
from glframe import scene

canvas = scene.SceneCanvas(size=(200, 150), backend="auto", title="from a script")
view = canvas.add_view(camera=scene.PanZoomCamera(aspect=1))
scene.visuals.Markers(np.random.default_rng(0).normal(size=(100, 2)), parent=view.scene)
view.camera.set_range()
assert canvas.backend == "offscreen"

if __name__ == "__main__":
    raise SystemExit("the script's main block must not run when served")
"""


def test_command_line_serves_a_script_until_interrupted(make_canvas, tmp_path):
    make_canvas((1, 1))
    script = tmp_path / "plot.py"
    script.write_text(SCRIPT)
    command = [sys.executable, "-m", "glframe", "serve", str(script), "--port", "0"]
    proc = subprocess.Popen(
        [*command, "--require-token"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()
    try:
        line = lines.get(timeout=60)
        assert "from a script" in line, line + proc.stderr.read()
        url = line.split(" at ")[1].split()[0]
        assert "?token=" in url
        status, text = get(url)
        assert status == 200 and "glframe-sources" in text and "<title>from a script" in text
        assert get(url.split("?")[0])[0] == 403
        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) == 0
        assert "stopped" in lines.get(timeout=5)
    finally:
        proc.kill()
        proc.wait(5)

    (tmp_path / "empty.py").write_text("x = 1\n")
    out = subprocess.run(
        [sys.executable, "-m", "glframe", "serve", str(tmp_path / "empty.py")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and "no module-level canvas named 'canvas'" in out.stderr
