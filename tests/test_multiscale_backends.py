"""MultiscaleImage in every backend, with real parts: an exported page in headless Chromium,
a glfw window under Xvfb, a remote session in server mode (the notebook widget's protocol,
driven by pointer events) and a client-mode page in Chromium whose camera moves in the
browser. Each shows the same pixels as an offscreen render of the same camera after
``wait()``: exactly on the same rasterizer (llvmpipe), within the cross-rasterizer
tolerance of test_conformance's multiscale Mandelbrot in Chromium (SwiftShader).
"""

from __future__ import annotations

import asyncio
import io
import logging
import time

import numpy as np
import pytest
from browser import browser, canvas_pixels, page  # noqa: F401 - fixtures
from imagecompare import compare
from loop_thread import LoopThread

import glframe
from glframe import scene
from glframe.app._remote import CanvasSource
from glframe.backends.web import RemoteSession
from glframe.data.synthetic import mandelbrot

SIZE = (200, 200)
N = 2**16  # level 0 is 65536^2; tiles of 64: 11 levels
TILE = 64
CENTRE = -0.7453 + 0.1127j  # Seahorse Valley: detail at every scale
WIDTH = 1600.0  # level-0 pixels across the view: 8 per screen pixel, level 3
SAME = dict(noise=2, max_interior=0)  # the same rasterizer: equal but for rounding
# llvmpipe vs SwiftShader, nearest sampling of a fractal: test_conformance's LOOSER entry
# for scene_multiscale_mandelbrot (0.3% of the pixels may differ away from edges)
ACROSS = dict(
    noise=6, edge_fraction=0.2, min_allowed=8, max_interior=int(0.003 * SIZE[0] * SIZE[1])
)


def centre_pixel() -> tuple[float, float]:
    """Level-0 (column, row) of CENTRE (the source's mapping)."""
    return ((CENTRE.real + 0.75) / 3 + 0.5) * N, (0.5 - CENTRE.imag / 3) * N


def rect_of(width: float) -> tuple[float, float, float, float]:
    x, y = centre_pixel()
    return (x - width / 2, y - width / 2, width, width)


def build(rect=None, **canvas_options):
    """A canvas with one pan-zoom view of the Mandelbrot set; (canvas, view, image)."""
    canvas = scene.SceneCanvas(size=SIZE, bgcolor="black", **canvas_options)
    camera = scene.PanZoomCamera(
        rect=rect_of(WIDTH) if rect is None else tuple(rect), aspect=1, flip=(False, True)
    )
    view = canvas.add_view(camera=camera)
    source = mandelbrot(size=N, tile=TILE)
    image = scene.visuals.MultiscaleImage(
        source, cmap="magma", clim=(20, 255), tile=TILE, parent=view.scene
    )
    return canvas, view, image


def complete_render(rect) -> np.ndarray:
    """What an offscreen canvas shows of ``rect`` once every wanted tile is there."""
    canvas, view, image = build(rect)
    try:
        canvas.render()
        assert image.wait(timeout=60)
        return canvas.render()
    finally:
        image.close()
        canvas.close()


def assert_same(actual, expected, when: str, tolerance=SAME) -> None:
    ok, why, _ = compare(np.asarray(actual), np.asarray(expected), **tolerance)
    assert ok, f"{when}: {why}"


def assert_fine_and_complete(image) -> dict:
    stats = image.stats()
    coarsest = image.source.nlevels - 1
    assert stats["level"] < coarsest - 2, stats  # a fine level, not the coarsest
    assert stats["tiles_pending"] == 0 and stats["wanted_share"] == 1.0, stats
    return stats


def decode_png(data) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(bytes(data))).convert("RGBA"))


def until(condition, timeout: float = 30, what: str = "condition", step=None):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        if step is not None:
            step()
        time.sleep(0.02)


@pytest.fixture
def gl(make_canvas):
    make_canvas((1, 1))  # GL available (or skip; under CI, fail)


# ---- 1. exported HTML --------------------------------------------------------------------
def test_exported_html_shows_the_tiles_resident_at_export(gl, page, tmp_path):  # noqa: F811
    canvas, view, image = build()
    try:
        canvas.render()
        assert image.wait(timeout=60)
        expected = canvas.render()
        stats = assert_fine_and_complete(image)
        assert stats["tiles_resident"] >= 9  # several tiles of the chosen level, placed apart
        path = canvas.export_html(tmp_path / "mandelbrot.html")
    finally:
        image.close()
        canvas.close()
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-glframe]", state="attached", timeout=60_000)
    assert page.evaluate("document.body.dataset.glframe") == "ready", page.inner_text(
        "#glframe-error"
    )
    assert_same(canvas_pixels(page), expected, "the exported page", ACROSS)
    # the page's own camera redraws the same tiles: a pan there moves the picture
    box = page.locator("canvas").bounding_box()
    page.mouse.move(box["x"] + 100, box["y"] + 100)
    page.mouse.down()
    page.mouse.move(box["x"] + 110, box["y"] + 100, steps=2)
    page.mouse.up()
    moved = canvas_pixels(page)
    assert_same(moved[:, 20:], expected[:, 10:-10], "after a 10 px pan in the page", ACROSS)
    assert not page.js_errors, page.js_errors


QUAD_VERT = """
in vec2 a_position;
uniform vec2 u_offset;
void main() { gl_Position = vec4(a_position * 0.4 + u_offset, 0.0, 1.0); }
"""
QUAD_FRAG = """
precision highp float;
uniform vec4 u_color;
out vec4 f_color;
void main() { f_color = u_color; }
"""


def test_uniforms_set_between_draws_are_replayed_by_pages(gl, page, tmp_path):  # noqa: F811
    """One program drawn once per tile with other uniforms (as MultiscaleImage drew before
    its atlas): an exported page and a client-mode snapshot replay the uniforms with the
    draws, not only their last values."""
    from glframe import gloo

    canvas = glframe.Canvas(size=(80, 80))
    try:
        program = gloo.Program(QUAD_VERT, QUAD_FRAG)
        program["a_position"] = np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]], np.float32)

        @canvas.connect
        def on_draw(event):
            gloo.clear(color="black")
            for offset, color in (((-0.5, 0), (1, 0, 0, 1)), ((0.5, 0), (0, 0, 1, 1))):
                program["u_offset"] = offset
                program["u_color"] = color
                program.draw("triangle_strip")

        expected = canvas.render()
        assert (expected[40, 20, :3] == (255, 0, 0)).all()
        assert (expected[40, 60, :3] == (0, 0, 255)).all()
        setup, frame, views = CanvasSource(canvas).glir_snapshot()
        assert [c[2] for c in frame if str(c[0]) == "UNIFORM"] == ["u_offset", "u_color"] * 2
        path = canvas.export_html(tmp_path / "two.html")
    finally:
        canvas.close()
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-glframe]", state="attached", timeout=60_000)
    assert page.evaluate("document.body.dataset.glframe") == "ready"
    assert_same(canvas_pixels(page), expected, "the exported page", ACROSS)


# ---- 2. a window --------------------------------------------------------------------------
def test_a_window_loads_tiles_through_its_event_loop(gl, xvfb):
    from glframe.app import loop

    canvas, view, image = build(backend="window")
    try:
        assert canvas.backend == "window"
        canvas.draw()  # the first frame: the coarsest level, and the wanted tiles requested
        wanted = image.stats()["tiles_pending"]
        assert wanted > image.uploads_per_frame  # more than one frame uploads
        # the tiles load on worker threads (the loop is not turning: nothing is uploaded)
        until(lambda: image.stats()["tiles_loaded"] >= wanted, what="the tiles to load")
        # no wait(): the loop draws (each load updated the canvas) and uploads, and keeps
        # drawing until every wanted tile is a texture
        until(
            lambda: image.stats()["tiles_pending"] == 0,
            timeout=10,
            what="the window's loop to upload every wanted tile",
            step=loop.process_events,
        )
        assert_fine_and_complete(image)
        shown = canvas.render()
    finally:
        image.close()
        canvas.close()
    assert_same(shown, complete_render(rect_of(WIDTH)), "the window")


# ---- 3. a remote session in server mode (the notebook widget's default) ---------------------
@pytest.fixture(scope="module")
def server_thread():
    """An asyncio loop on its own thread: the kernel's (or the server's), which owns the
    canvases; Playwright's sync API drives Chromium from the test's thread."""
    thread = LoopThread("kernel")
    yield thread
    thread.stop()


def test_server_mode_pan_loads_tiles_in_the_kernel_and_sends_complete_frames(gl, server_thread):
    sent: list[tuple[dict, list]] = []

    async def main():
        canvas, view, image = build()
        try:
            # the widget's plumbing: the session takes the canvas's updates (CanvasSource)
            session = RemoteSession(
                CanvasSource(canvas), lambda h, b: sent.append((h, b)), settle=0.05
            )
            acked = 0

            async def page_acks_until(condition, what):
                nonlocal acked
                deadline = time.monotonic() + 10
                while not condition():
                    frames = [h for h, _ in sent if h["type"] == "frame"]
                    for header in frames[acked:]:  # the page shows each frame it gets
                        session.receive({"type": "ack", "id": header["id"]})
                    acked = len(frames)
                    assert time.monotonic() < deadline, f"timed out waiting for {what}: " + str(
                        image.stats()
                    )
                    await asyncio.sleep(0.02)

            session.receive({"type": "ready"})
            session.receive({"type": "resize", "width": SIZE[0], "height": SIZE[1]})
            while not any(h["type"] == "frame" for h, _ in sent):
                await asyncio.sleep(0.01)
            # the first frame asked for the view's tiles: they load before the page acks
            wanted = image.stats()["tiles_pending"]
            assert wanted > image.uploads_per_frame  # more than one frame uploads
            while image.stats()["tiles_loaded"] < wanted:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.2)  # their updates reach the session (2 frames in flight)
            await page_acks_until(
                lambda: image.stats()["tiles_pending"] == 0 and settled_after(sent, 0),
                "the first view's tiles",
            )
            first = len(sent)
            loaded = image.stats()["tiles_loaded"]
            # a drag of 120 px to the left: the right part of the picture is new
            for event, x in (("pointer_down", 160), ("pointer_move", 100), ("pointer_move", 40)):
                session.receive({"type": "event", "event": event, "x": x, "y": 100, "button": 0})
                await asyncio.sleep(0.01)
            session.receive({"type": "event", "event": "pointer_up", "x": 40, "y": 100})
            await page_acks_until(
                lambda: image.stats()["tiles_pending"] == 0 and settled_after(sent, first),
                "the panned view's tiles and a settled frame",
            )
            stats = session.stats()
            session.close()
            assert image.stats()["tiles_loaded"] > loaded  # the pan made new tiles load
            assert_fine_and_complete(image)
            return view.camera.rect, stats
        finally:
            image.close()
            canvas.close()

    rect, stats = server_thread.run(main())
    np.testing.assert_allclose(rect[0], rect_of(WIDTH)[0] + 120 * WIDTH / SIZE[0])
    header, buffers = [(h, b) for h, b in sent if h["type"] == "frame"][-1]
    assert header["format"] == "png" and stats["warnings"] == 0, (header, stats)
    expected = server_thread.call(complete_render, rect)
    assert_same(decode_png(buffers[0]), expected, "the last frame sent")
    assert not server_thread.errors, server_thread.errors


def settled_after(sent, start: int) -> bool:
    """A PNG frame (the picture still) was sent after message ``start``."""
    return any(h["type"] == "frame" and h["format"] == "png" for h, _ in sent[start:])


# ---- 4. a client-mode page: the camera moves in the browser ----------------------------------
def test_client_mode_zoom_in_the_page_loads_finer_tiles_and_sends_them(
    gl,
    server_thread,
    page,  # noqa: F811
    caplog,
):
    caplog.set_level(logging.WARNING)
    start_width = 4 * WIDTH  # 32 level-0 pixels per screen pixel: level 5

    def serve():
        canvas, view, image = build(rect_of(start_width))
        canvas.render()
        image.wait(timeout=60)
        server = glframe.serve(canvas, port=0, quiet=True, mode="client")
        return canvas, view, image, server

    canvas, view, image, server = server_thread.call(serve)
    try:
        page.goto(server.url, timeout=30_000)
        page.wait_for_selector("body[data-glframe]", state="attached", timeout=30_000)
        page.wait_for_function(
            "() => window.glframeRemote && window.glframeRemote.state.mode === 'client'"
            " && +(document.querySelector('#glframe-remote canvas').dataset.frames || 0) > 0",
            timeout=30_000,
        )
        before = server_thread.call(image.stats)
        assert_same(
            canvas_pixels(page, "#glframe-remote canvas"),
            server_thread.call(complete_render, rect_of(start_width)),
            "the first client-mode frame",
            ACROSS,
        )
        (session,) = server.sessions
        sent_before = server_thread.call(session.stats)
        # zoom in 4x or more in the page, around its centre: a few wheel turns
        box = page.locator("#glframe-remote canvas").bounding_box()
        page.mouse.move(box["x"] + SIZE[0] / 2, box["y"] + SIZE[1] / 2)
        for _ in range(5):  # 3 notches each, 1.1 times each: 4.2 times in all
            page.mouse.wheel(0, -300)
            page.wait_for_timeout(50)
        page_rect = until(
            lambda: page.evaluate(
                "(w) => { const r = window.glframeRemote.state.views[0].cam.state().rect;"
                " return r[2] < 0.26 * w ? r : null; }",
                start_width,
            ),
            what="the page's camera to zoom in",
        )
        until(
            lambda: np.allclose(server_thread.call(lambda: view.camera.rect), page_rect),
            what="the Python camera to take the page's",
        )
        # Python chooses the finer level, loads its tiles and sends them as GLIR
        until(
            lambda: (
                server_thread.call(image.stats)["tiles_pending"] == 0
                and server_thread.call(image.stats)["level"] <= before["level"] - 2
            ),
            what="the kernel to load the finer level's tiles",
        )
        page.wait_for_timeout(300)  # the last GLIR message reaches the page
        after = server_thread.call(image.stats)
        stats = server_thread.call(session.stats)
        assert after["tiles_loaded"] > before["tiles_loaded"], (before, after)
        assert after["uploads"] > before["uploads"], (before, after)
        new_bytes = stats["bytes_sent"] - sent_before["bytes_sent"]
        assert new_bytes >= (after["uploads"] - before["uploads"]) * TILE * TILE, stats
        assert stats["glir_messages"] > sent_before["glir_messages"] and stats["warnings"] == 0
        rect = server_thread.call(lambda: view.camera.rect)
        expected = server_thread.call(complete_render, rect)
        assert_same(
            canvas_pixels(page, "#glframe-remote canvas"), expected, "after the zoom", ACROSS
        )

        # a long drag, still held: the page tells Python its camera every 0.25 s, so the
        # tiles of the newly shown part load and reach the page before the button is up
        loaded = after["tiles_loaded"]
        x0, y0 = box["x"] + 150, box["y"] + 100
        page.mouse.move(x0, y0)
        page.mouse.down()
        page.mouse.move(x0 - 100, y0, steps=5)
        held_rect = page.evaluate("window.glframeRemote.state.views[0].cam.state().rect")
        until(
            lambda: np.allclose(server_thread.call(lambda: view.camera.rect), held_rect),
            what="the Python camera to follow the drag before it ends",
        )
        until(
            lambda: server_thread.call(image.stats)["tiles_pending"] == 0,
            what="the kernel to load the dragged view's tiles",
        )
        page.wait_for_timeout(300)
        assert server_thread.call(image.stats)["tiles_loaded"] > loaded
        expected = server_thread.call(complete_render, held_rect)
        assert_same(
            canvas_pixels(page, "#glframe-remote canvas"), expected, "during the drag", ACROSS
        )
        page.mouse.up()
        assert not page.js_errors, page.js_errors
    finally:
        server_thread.call(lambda: (server.close(), image.close(), canvas.close()))
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors
    assert not server_thread.errors, server_thread.errors


# ---- 5. a MultiscaleVolume in a window: bricks uploaded through the event loop ------------------
def test_a_window_loads_volume_bricks_through_its_event_loop(gl, xvfb):
    from glframe.app import loop
    from glframe.data.synthetic import mandelbulb

    def make(backend):
        canvas = scene.SceneCanvas(size=(160, 120), bgcolor="black", backend=backend)
        view = canvas.add_view(
            camera=scene.TurntableCamera(azimuth=35, elevation=25, fov=40, scale_factor=600)
        )
        view.camera.center = (256, 256, 256)
        volume = scene.visuals.MultiscaleVolume(
            mandelbulb(size=2**9, tile=32), tile=32, method="iso", uploads_per_frame=2,
            parent=view.scene,
        )  # fmt: skip
        return canvas, volume

    canvas, volume = make("window")
    try:
        assert canvas.backend == "window"
        canvas.draw()
        wanted = volume.stats()["tiles_pending"]
        assert wanted > volume.uploads_per_frame  # more than one frame uploads
        until(lambda: volume.stats()["tiles_loaded"] >= wanted, what="the bricks to load")
        until(
            lambda: volume.stats()["tiles_pending"] == 0,
            timeout=20,
            what="the window's loop to upload every wanted brick",
            step=loop.process_events,
        )
        shown = canvas.render()
    finally:
        volume.close()
        canvas.close()
    canvas, volume = make("offscreen")
    try:
        canvas.render()
        volume.wait(timeout=60)
        expected = canvas.render()
    finally:
        volume.close()
        canvas.close()
    assert_same(shown, expected, "the volume in a window")
