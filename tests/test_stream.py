"""The kernel's own websocket for notebook widgets (glframe/backends/notebook/_stream.py).

A widget made on a running asyncio loop offers, on request over its comm, a
loopback websocket with a token; these tests connect to it with tornado's
client, as the page does, and check the token, the messages both ways, bad
input, and the fallback to the comm when the socket closes. The page's side
(remote.js through JupyterLab, and the notebook server's relay) is covered by
tests/test_notebook_e2e.py.
"""

from __future__ import annotations

import asyncio
import json

import pytest

pytest.importorskip("anywidget")

from glframe.backends.web import pack, unpack  # noqa: E402


def _scatter():
    from glframe import scene

    canvas = scene.SceneCanvas(size=(64, 48), bgcolor="black")
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, 10, 10)))
    scene.visuals.Markers([[5.0, 5.0]], size=10, face_color="red", parent=view.scene)
    return canvas, view


class Page:
    """What a view does: asks for the stream over the comm, then talks on the socket."""

    def __init__(self, widget, view_id: str = "v1") -> None:
        self.widget, self.view_id = widget, view_id
        self.comm: list[tuple[dict, list]] = []
        widget.send = lambda content, buffers=None: self.comm.append((content, buffers or []))
        self.socket = None
        self.received: list[tuple[dict, list]] = []

    def offer(self) -> dict:
        self.widget._on_message(self.widget, {"type": "stream", "view_id": self.view_id}, [])
        return [c for c, _ in self.comm if c["type"] == "stream"][-1]

    async def connect(self, offer: dict, token: str | None = None):
        import tornado.websocket

        token = offer["token"] if token is None else token
        url = (
            f"ws://127.0.0.1:{offer['port']}/glframe/{offer['key']}"
            f"?stream_token={token}&view={self.view_id}"
        )
        self.socket = await tornado.websocket.websocket_connect(url)
        asyncio.ensure_future(self._read())
        return self.socket

    async def _read(self) -> None:
        while True:
            message = await self.socket.read_message()
            if message is None:
                return
            if isinstance(message, bytes):
                self.received.append(unpack(message))
            else:
                self.received.append((json.loads(message), []))

    def send(self, header: dict, buffers=()) -> None:
        data = pack(header, buffers) if buffers else json.dumps(header)
        self.socket.write_message(data, binary=bool(buffers))

    def of(self, kind: str) -> list[dict]:
        return [h for h, _ in self.received if h.get("type") == kind]

    async def until(self, check, what: str, timeout: float = 10.0):
        for _ in range(int(timeout / 0.01)):
            value = check()
            if value:
                return value
            await asyncio.sleep(0.01)
        raise AssertionError(f"timed out waiting for {what}")


def _run(make_canvas, scenario) -> None:
    make_canvas((1, 1))  # GL or a skip/failure with the reason
    canvas, view = _scatter()
    try:
        asyncio.run(scenario(canvas, view))
    finally:
        canvas.close()


def test_frames_and_input_travel_on_the_stream_not_the_comm(make_canvas):
    async def scenario(canvas, view):
        widget = canvas.widget()
        page = Page(widget)
        offer = page.offer()
        assert offer["port"] and offer["host"] == "127.0.0.1" and len(offer["token"]) >= 24
        await page.connect(offer)
        page.comm.clear()
        page.send({"type": "ready"})
        frame = await page.until(lambda: page.of("frame"), "a frame on the socket")
        assert page.of("mode")[0]["size"] == [64, 48]
        _, buffers = next((h, b) for h, b in page.received if h["type"] == "frame")
        assert buffers[0][:4] == b"\x89PNG" or buffers[0][:2] == b"\xff\xd8"
        page.send({"type": "ack", "id": frame[0]["id"]})
        # a drag: the camera moves in the kernel, a new frame comes
        for event, x in (("pointer_down", 32), ("pointer_move", 40), ("pointer_up", 40)):
            page.send({"type": "event", "event": event, "x": x, "y": 24, "button": 0})
        await page.until(lambda: view.camera.rect[0] != 0, "the camera to pan")
        await page.until(lambda: len(page.of("frame")) >= 2, "the panned frame")
        assert view.camera.rect[0] == pytest.approx(-8 * 10 / 64)
        assert page.comm == []  # every view streams: nothing went over the comm
        stats = widget.stats()
        assert stats["stream_views"] == 1 and stats["views"] == 1 and stats["events"] == 3
        page.socket.close()
        widget.close()

    _run(make_canvas, scenario)


def test_a_wrong_or_missing_token_is_refused(make_canvas):
    async def scenario(canvas, view):
        import tornado.httpclient
        import tornado.websocket

        widget = canvas.widget()
        page = Page(widget)
        offer = page.offer()
        for token in ("wrong", ""):
            with pytest.raises(tornado.httpclient.HTTPClientError) as refused:
                await page.connect(offer, token=token)
            assert refused.value.code == 403
        url = f"ws://127.0.0.1:{offer['port']}/glframe/{offer['key']}"
        with pytest.raises(tornado.httpclient.HTTPClientError):
            await tornado.websocket.websocket_connect(url)  # no token at all
        other = f"ws://127.0.0.1:{offer['port']}/glframe/nosuchkey?stream_token={offer['token']}"
        with pytest.raises(tornado.httpclient.HTTPClientError):
            await tornado.websocket.websocket_connect(other)  # another widget's path
        assert widget.stats()["stream_views"] == 0
        widget.close()

    _run(make_canvas, scenario)


def test_bad_messages_are_answered_and_the_stream_stays_usable(make_canvas):
    async def scenario(canvas, view):
        widget = canvas.widget()
        page = Page(widget)
        await page.connect(page.offer())
        page.socket.write_message(b"\x01\x02", binary=True)  # shorter than its header
        page.socket.write_message("{not json")
        page.socket.write_message(json.dumps({"type": "x", "pad": "a" * 100_000}))
        page.send({"type": "event", "event": "pointer_move", "x": "nan"})
        page.send({"type": "resize", "width": -5, "height": 10})
        page.send({"type": "teleport"})
        await page.until(lambda: len(page.of("warning")) >= 6, "six warnings")
        texts = " | ".join(w["message"] for w in page.of("warning"))
        for part in ("shorter", "malformed", "exceeds", "finite number", "width", "teleport"):
            assert part in texts, texts
        page.send({"type": "ready"})
        await page.until(lambda: page.of("frame"), "a frame after all that")
        widget.close()

    _run(make_canvas, scenario)


def test_a_closed_stream_falls_back_to_the_comm(make_canvas):
    async def scenario(canvas, view):
        widget = canvas.widget()
        page = Page(widget)
        await page.connect(page.offer())
        page.send({"type": "ready"})
        await page.until(lambda: page.of("frame"), "a frame")
        page.socket.close()
        await page.until(lambda: widget.stats()["stream_views"] == 0, "the socket to go")
        assert not widget.session.visible  # its only view left: nothing is drawn
        page.comm.clear()
        # the page says ready on the comm, and gets everything there
        widget._on_message(widget, {"type": "ready", "view_id": "v1"}, [])
        await page.until(lambda: any(c["type"] == "frame" for c, _ in page.comm), "comm frame")
        widget.close()

    _run(make_canvas, scenario)


def test_a_view_that_gave_up_on_its_socket_gets_its_frames_on_the_comm(make_canvas):
    """The page timed out on a socket (a busy kernel) and said ready on the comm instead."""

    async def scenario(canvas, view):
        widget = canvas.widget()
        page = Page(widget)
        late = await page.connect(page.offer())  # opened, never used by the page
        page.comm.clear()
        widget._on_message(widget, {"type": "ready", "view_id": "v1"}, [])
        await page.until(lambda: any(c["type"] == "frame" for c, _ in page.comm), "comm frame")
        late.close()  # the page closes the socket it gave up on
        await asyncio.sleep(0.1)
        assert widget.session.visible and widget.stats()["stream_views"] == 0
        sent = sum(c["type"] == "frame" for c, _ in page.comm)
        view.camera.pan(1, 0)
        await page.until(
            lambda: sum(c["type"] == "frame" for c, _ in page.comm) > sent, "frames go on"
        )
        # and a socket the view used is closed by the kernel when the view says ready on the comm
        other = Page(widget, "v2")
        other.comm = page.comm
        await other.connect(other.offer())
        other.send({"type": "ready"})
        await other.until(lambda: other.of("frame"), "a frame on v2's socket")
        widget._on_message(widget, {"type": "ready", "view_id": "v2"}, [])
        await other.until(lambda: other.socket.close_code is not None, "v2's socket closed")
        widget.close()

    _run(make_canvas, scenario)


def test_a_streaming_view_and_a_comm_view_both_get_frames(make_canvas):
    async def scenario(canvas, view):
        widget = canvas.widget()
        page = Page(widget, "streaming")
        await page.connect(page.offer())
        page.send({"type": "ready"})
        await page.until(lambda: page.of("frame"), "a frame on the socket")
        page.comm.clear()
        widget._on_message(widget, {"type": "ready", "view_id": "comm"}, [])  # a second view
        await page.until(lambda: any(c["type"] == "frame" for c, _ in page.comm), "comm frame")
        assert len(page.of("frame")) >= 2  # the streaming view got the new frame too
        assert widget.stats()["views"] == 2 and widget.stats()["stream_views"] == 1
        widget.close()

    _run(make_canvas, scenario)


def test_stream_comm_offers_no_socket(make_canvas):
    async def scenario(canvas, view):
        widget = canvas.widget(stream="comm")
        assert Page(widget).offer()["port"] is None
        widget.close()
        with pytest.raises(ValueError, match="stream"):
            canvas.widget(stream="carrier pigeon")

    _run(make_canvas, scenario)


def test_no_running_loop_means_no_stream(make_canvas):
    make_canvas((1, 1))
    canvas, _ = _scatter()
    try:
        widget = canvas.widget()
        assert Page(widget).offer()["port"] is None  # made outside a loop: the comm only
    finally:
        canvas.close()
