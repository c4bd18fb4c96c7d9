"""RemoteSession: flow control, JPEG then PNG, GLIR streaming, and robustness to bad input."""

from __future__ import annotations

import asyncio
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glframe import scene
from glframe.app._remote import CanvasSource
from glframe.backends.web import RemoteSession, pack, unpack


@pytest.fixture
def scatter(make_canvas):
    make_canvas((1, 1))  # GL available (or skip / fail under CI)
    canvas = scene.SceneCanvas(size=(120, 80), bgcolor="black")
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, 10, 10)))
    scene.visuals.Markers(
        [[5.0, 5.0]], size=10, symbol="square", face_color="red", edge_width=0, parent=view.scene
    )
    yield canvas, view
    canvas.close()


def session(canvas, **kwargs):
    sent = []
    s = RemoteSession(CanvasSource(canvas), lambda h, b: sent.append((h, b)), **kwargs)
    return s, sent


def frames(sent):
    return [h for h, _ in sent if h["type"] == "frame"]


def test_flow_control_keeps_at_most_two_frames_in_flight(scatter):
    canvas, view = scatter
    s, sent = session(canvas, settle=10)
    s.receive({"type": "ready"})
    for _ in range(10):
        canvas.update()  # ten changes, no acknowledgement
    assert len(frames(sent)) == 2 and s.stats()["in_flight"] == 2
    s.receive({"type": "ack", "id": frames(sent)[0]["id"]})
    assert len(frames(sent)) == 3  # the window opened: the latest state goes out
    assert s.stats()["frames_shown"] == 1


def test_jpeg_while_moving_then_png_once_settled(scatter):
    canvas, view = scatter

    async def run():
        s, sent = session(canvas, settle=0.05)
        s.receive({"type": "ready"})
        s.receive({"type": "ack", "id": 1})
        canvas.update()
        first = frames(sent)[-1]
        s.receive({"type": "ack", "id": first["id"]})
        await asyncio.sleep(0.2)
        return first, frames(sent)[-1], sent

    moving, settled, sent = asyncio.run(run())
    assert moving["format"] == "jpeg" and settled["format"] == "png"
    import io

    from PIL import Image

    png = [b for h, b in sent if h.get("id") == settled["id"]][0][0]
    image = np.asarray(Image.open(io.BytesIO(png)))
    assert (image == canvas.render()).all()  # exact


def test_drag_events_pan_the_camera(scatter):
    canvas, view = scatter
    s, sent = session(canvas)
    for event, x, y in (("pointer_down", 60, 40), ("pointer_move", 72, 40), ("pointer_up", 72, 40)):
        s.receive({"type": "event", "event": event, "x": x, "y": y, "button": 0, "modifiers": []})
    np.testing.assert_allclose(view.camera.rect[:2], [-12 * 10 / 120, 0])


def test_client_mode_sends_glir_then_nothing_during_a_pan(scatter):
    canvas, view = scatter
    s, sent = session(canvas, mode="client")
    s.receive({"type": "ready"})
    (first,) = [m for m in sent if m[0]["type"] == "glir"]
    assert first[0]["reset"] and first[0]["views"][0]["camera"]["type"] == "panzoom"
    sent.clear()
    for x in range(1, 20):  # the browser pans and reports its camera
        s.receive({"type": "camera", "view": 0, "state": {"rect": [-x * 0.1, 0, 10, 10]}})
    assert sent == []
    np.testing.assert_allclose(view.camera.rect, [-1.9, 0, 10, 10])
    view.camera.zoom(0.5)  # a change made in Python goes to the browser
    assert [m[0]["type"] for m in sent] == ["glir"] and not sent[0][0]["reset"]


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "event",
                    "x",
                    "y",
                    "id",
                    "width",
                    "height",
                    "pixel_ratio",
                    "key",
                    "modifiers",
                    "view",
                    "state",
                ]
            ),
            st.one_of(
                st.none(),
                st.booleans(),
                st.integers(-(2**40), 2**40),
                st.floats(),
                st.text(max_size=40),
                st.lists(st.text(max_size=8), max_size=3),
            ),
        ),
        st.lists(st.integers()),
        st.text(),
        st.none(),
    )
)
def test_fuzzed_messages_never_break_the_kernel(fuzz_canvas, message):
    canvas, s, sent = fuzz_canvas
    if isinstance(message, dict) and message.get("type") == "event":
        message.setdefault("event", "pointer_move")
    s.receive(message)  # never raises
    assert canvas.render().shape[2] == 4  # and the canvas still renders


@pytest.fixture(scope="module")
def fuzz_canvas():
    import glframe

    try:
        glframe.Canvas(size=(2, 2)).close()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no GL: {exc}")
    canvas = scene.SceneCanvas(size=(64, 48))
    canvas.add_view()
    s, sent = session(canvas)
    yield canvas, s, sent
    canvas.close()


def test_bad_messages_are_answered_and_sizes_clamped(scatter):
    canvas, view = scatter
    s, sent = session(canvas, max_size=(300, 200))
    for bad in (
        {"type": "launch"},
        {"type": "event", "event": "teleport"},
        {"type": "resize", "width": -5, "height": 10},
        {"type": "event", "event": "key_down", "key": 42},
        "nonsense",
    ):
        s.receive(bad)
    warnings = [h["message"] for h, _ in sent if h["type"] == "warning"]
    assert len(warnings) == 5 and "unknown message type 'launch'" in warnings[0]
    s.receive({"type": "resize", "width": 100000, "height": 100000, "pixel_ratio": 2})
    assert canvas.size == (300, 200)
    assert canvas.render().shape == (200, 300, 4)


def test_websocket_framing_round_trips_and_rejects_garbage():
    header, buffers = {"type": "frame", "id": 3}, [b"abc", np.arange(4, dtype=np.float32)]
    back, data = unpack(pack(header, buffers))
    assert back == header and data == [b"abc", np.arange(4, dtype=np.float32).tobytes()]
    for garbage in (b"", b"\xff\xff\xff\x7f{}", pack(header, [b"x" * 10])[:-3]):
        with pytest.raises(ValueError):
            unpack(garbage)
    assert json.loads(pack({"a": 1}, [])[4:]) == {"a": 1}


def test_client_mode_frames_carry_python_camera_changes(scatter):
    canvas, view = scatter
    s, sent = session(canvas, mode="client")
    s.receive({"type": "ready"})
    sent.clear()
    view.camera.pan(1.0, 0.0)
    ((header, _),) = sent
    assert header["cameras"][0]["type"] == "panzoom"
    assert header["cameras"][0]["rect"][0] == pytest.approx(view.camera.rect[0])


def test_errors_in_the_browser_reach_python(scatter, caplog):
    canvas, view = scatter
    s, sent = session(canvas, mode="client")
    with caplog.at_level("ERROR", logger="glframe.remote"):
        s.receive({"type": "error", "message": "SHADERS 4: fragment shader failed to compile"})
    assert "fragment shader failed" in caplog.text
    assert list(s.errors) == ["SHADERS 4: fragment shader failed to compile"]
    assert s.stats()["errors"] == 1


def test_a_hidpi_page_gets_frames_at_its_pixel_ratio(scatter):
    """A resize with pixel_ratio 2: frames of 2x the pixels, input still in the page's CSS px."""
    canvas, view = scatter
    s, sent = session(canvas, settle=10, max_size=(1000, 1000))
    s.receive({"type": "ready"})
    s.receive({"type": "resize", "width": 120, "height": 80, "pixel_ratio": 2})
    last = frames(sent)[-1]
    assert last["size"] == [240, 160] and last["logical"] == [120, 80]
    for event, x in (("pointer_down", 60), ("pointer_move", 72), ("pointer_up", 72)):
        s.receive({"type": "event", "event": event, "x": x, "y": 40, "button": 0})
    np.testing.assert_allclose(view.camera.rect[0], -12 * 10 / 120)  # 12 CSS px of 120
    # the framebuffer stays within max_size: the ratio gives way
    s.receive({"type": "resize", "width": 800, "height": 400, "pixel_ratio": 3})
    assert canvas.logical_size == (800, 400) and canvas.size == (1000, 500)
    # client mode: the snapshot says both sizes (the WebGL canvas has the framebuffer's)
    s.mode = "client"
    glir_reset = [h for h, _ in sent if h["type"] == "glir"][-1]
    assert glir_reset["size"] == [800, 400] and glir_reset["physical_size"] == [1000, 500]


def test_client_mode_follows_a_resize_without_sending_the_data_again(scatter):
    canvas, view = scatter
    s, sent = session(canvas, mode="client")
    s.receive({"type": "ready"})
    (snapshot,) = [h for h, _ in sent if h["type"] == "glir"]
    assert snapshot["reset"] and snapshot["size"] == [120, 80]
    sent.clear()
    s.receive({"type": "resize", "width": 60, "height": 40, "pixel_ratio": 2})
    (frame,) = [(h, b) for h, b in sent if h["type"] == "glir"]
    header, buffers = frame
    assert not header["reset"] and header["size"] == [60, 40]
    assert header["physical_size"] == [120, 80]
    assert header["views"][0]["rect"] == [0, 0, 60, 40]  # logical
    assert sum(len(memoryview(b).cast("B")) for b in buffers) < 1024  # no vertex data again
    sent.clear()
    canvas.update()  # an ordinary frame again: no sizes, no views
    ((header, _),) = [(h, b) for h, b in sent if h["type"] == "glir"]
    assert "physical_size" not in header and "views" not in header


def test_a_lost_acknowledgement_delays_the_stream_instead_of_stopping_it(scatter):
    canvas, view = scatter

    async def main():
        s, sent = session(canvas, settle=10, ack_timeout=0.2)
        s.receive({"type": "ready"})
        await asyncio.sleep(0.01)
        for _ in range(3):
            view.camera.pan(1, 0)  # changes; no acknowledgement ever comes
        assert len(frames(sent)) == 2 and s.stats()["in_flight"] == 2
        await asyncio.sleep(0.35)  # the two frames expire: the latest state goes out
        assert len(frames(sent)) == 3 and s.stats()["acks_lost"] == 2
        s.close()

    asyncio.run(main())
