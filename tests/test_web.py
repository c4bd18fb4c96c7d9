"""Standalone HTML export, opened from file:// in headless Chromium."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from browser import browser, canvas_pixels, open_export, page  # noqa: F401 - fixtures
from examples_path import EXAMPLES  # noqa: F401 - puts examples/ on sys.path
from imagecompare import compare

from glframe import scene

# Differing pixels allowed away from edges between llvmpipe and SwiftShader:
# points partly outside the canvas are drawn by one and dropped by the other.
ACROSS_RASTERIZERS = 12


def assert_page_matches(page, canvas, when: str, max_interior: int = ACROSS_RASTERIZERS):  # noqa: F811
    """The page's canvas shows what Python renders (across two rasterizers)."""
    ok, why, _ = compare(
        canvas_pixels(page),
        canvas.render(),
        noise=6,
        edge_fraction=0.2,
        min_allowed=8,
        max_interior=max_interior,
    )
    assert ok, f"{when}: {why}"


def python_drag(canvas, start, end, button=1, modifiers=()) -> None:
    """The drag a page gets, given to the Python canvas: press, one move, release."""
    for kind, pos, held in (
        ("mouse_press", start, (button,)),
        ("mouse_move", end, (button,)),
        ("mouse_release", end, ()),
    ):
        getattr(canvas.events, kind)(pos=pos, button=button, buttons=held, modifiers=modifiers)


def scatter(n=20_000, size=(300, 200)):
    canvas = scene.SceneCanvas(size=size, bgcolor="#101018")
    view = canvas.add_view(camera=scene.PanZoomCamera(aspect=1))
    positions = np.random.default_rng(0).normal(size=(n, 2)).astype(np.float32)
    scene.visuals.Markers(
        positions, size=5, face_color=(1, 0.6, 0.1, 1), edge_width=0, parent=view.scene
    )
    view.camera.set_range()
    return canvas, view


def test_exported_scatter_pans_and_zooms_like_python(make_canvas, page, tmp_path):  # noqa: F811
    canvas, view = scatter()
    try:
        path = canvas.export_html(tmp_path / "scatter.html", title="scatter")
        open_export(page, path)
        assert_page_matches(page, canvas, "first frame")
        box = page.locator("canvas").bounding_box()
        # the same wheel notch and drag, in the page and in Python
        page.mouse.move(box["x"] + 100, box["y"] + 80)
        page.mouse.wheel(0, -100)  # one notch up: zoom in around the pointer
        page.mouse.down()
        page.mouse.move(box["x"] + 140, box["y"] + 110, steps=4)
        page.mouse.up()
        page.wait_for_timeout(100)
        canvas.events.mouse_wheel(pos=(100, 80), delta=(0.0, 1.0), buttons=(), modifiers=())
        python_drag(canvas, (100, 80), (140, 110))
        state = page.evaluate("window.glframeFigure.views[0].cam.state()")
        np.testing.assert_allclose(state["rect"], view.camera.rect, rtol=1e-9)
        assert_page_matches(page, canvas, "after wheel and drag")
        assert not page.js_errors, page.js_errors
    finally:
        canvas.close()


def test_exported_image_kernels_and_volume_methods_match_python(make_canvas, page, tmp_path):  # noqa: F811
    # the same GLSL in WebGL2: kernels on R32F and RGBA textures, the newer ray methods
    canvas = scene.SceneCanvas(size=(360, 240), bgcolor="#101018")
    grid = canvas.add_grid(spacing=4)
    rng = np.random.default_rng(3)
    gray = (rng.random((8, 10)) * 40 - 10).astype(np.float32)
    rgba = rng.random((6, 6, 4)).astype(np.float32)
    z, y, x = (np.mgrid[0:24, 0:24, 0:24] + 0.5) / 12 - 1
    blob = np.exp(-3 * (x**2 + y**2 + z**2))
    cells = [
        ("image", dict(data=gray, cmap="magma", interpolation="bicubic")),
        ("image", dict(data=rgba, interpolation="lanczos")),
        ("image", dict(data=gray, cmap="viridis", interpolation="catrom")),
        ("volume", dict(data=blob.max() - blob, method="minip", cmap="inferno")),
        ("volume", dict(data=blob, method="average", cmap="inferno", clim=(0, 0.4))),
        ("volume", dict(data=blob, method="additive", cmap="inferno", clim=(0, 6))),
    ]
    for k, (kind, options) in enumerate(cells):
        if kind == "image":
            view = grid.add_view(k // 3, k % 3, camera=scene.PanZoomCamera(aspect=1))
            scene.visuals.Image(options.pop("data"), **options, parent=view.scene)
        else:
            camera = scene.TurntableCamera(azimuth=30, elevation=25, fov=40)
            view = grid.add_view(k // 3, k % 3, camera=camera)
            scene.visuals.Volume(options.pop("data"), **options, parent=view.scene)
        view.camera.set_range(margin=0)
    try:
        path = canvas.export_html(tmp_path / "kernels.html")
        open_export(page, path)
        assert_page_matches(page, canvas, "kernels and ray methods")
        assert not page.js_errors, page.js_errors
    finally:
        canvas.close()


def test_title_and_labels_cannot_inject_script(make_canvas, page, tmp_path):  # noqa: F811
    evil = "</script><script>alert(1)</script>"
    canvas, view = scatter(n=10)
    try:
        path = canvas.export_html(tmp_path / "evil.html", title=evil)
    finally:
        canvas.close()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_export(page, path)
    assert dialogs == []
    assert page.title() == evil  # shown as text
    text = path.read_text()
    assert evil not in text and text.count("<script") == 3


def test_export_size_of_a_million_points(make_canvas, tmp_path):
    canvas, view = scatter(n=1_000_000, size=(64, 64))
    try:
        path = canvas.export_html(tmp_path / "million.html")
    finally:
        canvas.close()
    raw = 1_000_000 * 2 * 4
    data = json.loads(
        re.search(
            r'<script type="application/json" id="glframe-data">(.*?)</script>', path.read_text()
        ).group(1)
    )
    embedded = sum(len(b) for b in data["buffers"])
    print(
        f"1M points: raw {raw} B, embedded {embedded} B ({embedded / raw:.3f}), "
        f"file {path.stat().st_size} B ({path.stat().st_size / raw:.3f})"
    )
    assert embedded <= 1.15 * raw


@pytest.mark.parametrize("name", ["web/scatter", "web/image", "web/volume", "scene/mesh"])
def test_web_examples_export_and_turn_like_python(make_canvas, page, tmp_path, name):  # noqa: F811
    import runpy

    canvas = runpy.run_path(str(EXAMPLES / f"{name}.py"), run_name="__test__")["canvas"]
    name = name.replace("/", "_")
    try:
        path = canvas.export_html(tmp_path / f"{name}.html")
        open_export(page, path)
        size = canvas.size
        assert_page_matches(page, canvas, f"{name}", size[0] * size[1] // 400)
        box = page.locator("canvas").bounding_box()
        page.mouse.move(box["x"] + 200, box["y"] + 200)
        page.mouse.down()
        page.mouse.move(box["x"] + 230, box["y"] + 190, steps=3)
        page.mouse.up()
        python_drag(canvas, (200, 200), (230, 190))
        state = page.evaluate("window.glframeFigure.views[0].cam.state()")
        python = canvas.views[0].camera.get_state()
        for key, value in state.items():
            np.testing.assert_allclose(value, python[key], rtol=1e-9, err_msg=key)
        assert_page_matches(page, canvas, f"{name} after a drag", size[0] * size[1] // 400)
        assert not page.js_errors, page.js_errors
    finally:
        canvas.close()


def test_a_hidpi_export_draws_more_pixels_with_the_same_layout(make_canvas, page, tmp_path):  # noqa: F811
    """export_html(pixel_ratio=2): a 2x WebGL canvas shown at the logical size; drags in CSS px."""
    canvas, view = scatter(n=2_000)
    try:
        path = canvas.export_html(tmp_path / "hidpi.html", pixel_ratio=2)
        assert canvas.pixel_ratio == 1 and canvas.size == (300, 200)  # restored
        open_export(page, path)
        box = page.locator("canvas").bounding_box()
        assert (round(box["width"]), round(box["height"])) == (300, 200)
        assert page.evaluate(
            "[window.glframeFigure.canvas.width, window.glframeFigure.canvas.height]"
        ) == [600, 400]
        canvas.pixel_ratio = 2  # Python's picture at the page's resolution
        assert_page_matches(page, canvas, "first frame at ratio 2")
        page.mouse.move(box["x"] + 100, box["y"] + 80)
        page.mouse.down()
        page.mouse.move(box["x"] + 140, box["y"] + 110, steps=4)
        page.mouse.up()
        python_drag(canvas, (100, 80), (140, 110))
        state = page.evaluate("window.glframeFigure.views[0].cam.state()")
        np.testing.assert_allclose(state["rect"], view.camera.rect, rtol=1e-9)
        # a point straddling the border, kept by one rasterizer and dropped by the other,
        # is ~100 pixels at ratio 2 (size 5 + antialiasing, doubled)
        assert_page_matches(page, canvas, "after a drag", max_interior=150)
        assert not page.js_errors, page.js_errors
    finally:
        canvas.close()


def cube_of_points(camera):
    canvas = scene.SceneCanvas(size=(300, 240), bgcolor="black")
    view = canvas.add_view(camera=camera)
    corners = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], float)
    colours = np.column_stack([(corners + 1) / 2, np.ones(8)])
    scene.visuals.Markers(corners, size=14, face_color=colours, edge_width=0, parent=view.scene)
    return canvas, view


# (button, shift) of each drag: all the gestures each camera answers, as in Python
GESTURES = {
    "arcball": [("left", False), ("left", True), ("middle", False)],
    "turntable": [("left", False), ("left", True), ("middle", False)],
    "panzoom": [("left", False), ("right", False)],
    "fly": [("left", False)],
}
# then keys (name, shift) and a wheel turn, where a camera answers them
KEYS = {
    "panzoom": [("ArrowLeft", False), ("=", False), ("-", False)],
    "fly": [("w", False), ("a", True), ("PageUp", False), ("ArrowRight", False)],
}


def same_state(page, view, when: str) -> None:  # noqa: F811
    """The page's camera state equals the Python camera's."""
    state = page.evaluate("window.glframeFigure.views[0].cam.state()")
    python = view.camera.get_state()
    for key, value in state.items():
        np.testing.assert_allclose(
            value, python[key], rtol=1e-9, atol=1e-12, err_msg=f"{when}: {key}"
        )


@pytest.mark.parametrize("kind", sorted(GESTURES))
def test_exported_cameras_answer_every_gesture_like_python(make_canvas, page, tmp_path, kind):  # noqa: F811
    camera = {
        "arcball": lambda: scene.ArcballCamera(fov=30),
        # the framing the gestures were chosen for (a camera without a range fits the
        # cube at its first draw, which puts a marker across the top edge after them)
        "turntable": lambda: scene.TurntableCamera(fov=30, elevation=20, scale_factor=2),
        "panzoom": lambda: scene.PanZoomCamera(rect=(-2, -2, 4, 4)),
        "fly": lambda: scene.FlyCamera(position=(0.3, -6, 0.5), fov=50, speed=0.2),
    }[kind]()
    canvas, view = cube_of_points(camera)
    try:
        open_export(page, canvas.export_html(tmp_path / f"{kind}.html"))
        box = page.locator("canvas").bounding_box()
        buttons = {"left": 1, "right": 2, "middle": 3}  # glframe's numbers
        start, end = (150, 120), (190, 100)
        for button, shift in GESTURES[kind]:
            if shift:
                page.keyboard.down("Shift")
            page.mouse.move(box["x"] + start[0], box["y"] + start[1])
            page.mouse.down(button=button)
            page.mouse.move(box["x"] + end[0], box["y"] + end[1], steps=3)
            page.mouse.up(button=button)
            if shift:
                page.keyboard.up("Shift")
            b, mods = buttons[button], ("shift",) if shift else ()
            python_drag(canvas, start, end, b, mods)
            same_state(page, view, f"{button} drag, shift {shift}")
        names = {"ArrowLeft": "Left", "ArrowRight": "Right"}
        for key, shift in KEYS.get(kind, []):
            page.keyboard.press(f"Shift+{key}" if shift else key)
            mods = ("shift",) if shift else ()
            canvas.events.key_press(key=names.get(key, key), text="", modifiers=mods)
            same_state(page, view, f"key {key}, shift {shift}")
        page.mouse.move(box["x"] + start[0], box["y"] + start[1])
        page.mouse.wheel(0, -100)  # a notch up
        canvas.events.mouse_wheel(pos=start, delta=(0.0, 1.0), buttons=(), modifiers=())
        same_state(page, view, "a wheel notch")
        assert_page_matches(page, canvas, f"{kind} after its gestures")
        assert not page.js_errors, page.js_errors
    finally:
        canvas.close()
