"""float64 positions keep their precision on screen (issue 17): Line, Markers and Text
draw relative to an origin near their data, composed with the camera in float64."""

from __future__ import annotations

import numpy as np
import pytest
from browser import browser, canvas_pixels, open_export, page  # noqa: F401 - fixtures

from glframe import scene
from glframe.scene.visuals._origin import choose_origin, drifted

BIG = 1e9
UNIT = 20  # pixels per data unit in these views


def blobs_x(image, channel=0, threshold=128):
    """The x centre of each run of lit columns (one per marker across a row band)."""
    cols = np.nonzero((image[..., channel] > threshold).any(axis=0))[0]
    if not len(cols):
        return []
    runs = np.split(cols, np.nonzero(np.diff(cols) > 1)[0] + 1)
    return [float(r.mean()) for r in runs]


def markers_scene(scene_canvas, positions, rect, **kwargs):
    canvas = scene_canvas((120, 120), bgcolor="black")
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=rect))
    dots = scene.visuals.Markers(
        positions,
        size=8,
        symbol="square",
        edge_width=0,
        face_color="red",
        parent=view.scene,
        **kwargs,
    )
    return canvas, view, dots


def test_origin_rule():
    origin, span = choose_origin(np.array([[BIG, 5, 0], [BIG + 2, 7, 0]]))
    assert origin[0] == BIG and origin[1] == 0 and origin[2] == 0  # 7 <= 16 * 2: not far
    np.testing.assert_array_equal(span, [2, 2, 0])
    assert not drifted(np.array([[BIG + 30, 6, 0]]), origin, span)
    assert drifted(np.array([[BIG + 40, 6, 0]]), origin, span)  # 40 > 16 * 2
    assert choose_origin(np.full((1, 3), np.nan))[0].tolist() == [0, 0, 0]


def test_markers_far_from_zero_are_distinct_and_where_small_ones_are(scene_canvas):
    offsets = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    canvas, view, dots = markers_scene(scene_canvas, BIG + offsets, (BIG - 2, BIG - 2, 6, 6))
    assert dots.positions.dtype == np.float64
    np.testing.assert_array_equal(dots.positions[:, :2], BIG + offsets)  # data coordinates
    image = canvas.render()
    # centres at 2, 3, 4 units from the left: pixels 40, 60, 80 (centre at +-0.5)
    np.testing.assert_allclose(blobs_x(image), [39.5, 59.5, 79.5], atol=0.5)
    ref_canvas, _, _ = markers_scene(scene_canvas, offsets, (-2, -2, 6, 6))
    np.testing.assert_array_equal(image, ref_canvas.render())


def test_panning_far_from_zero_moves_pixels_by_exactly_the_pan(scene_canvas):
    offsets = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    canvas, view, dots = markers_scene(scene_canvas, BIG + offsets, (BIG - 2, BIG - 2, 6, 6))
    first = canvas.render()
    for step in range(1, 4):  # a quarter unit: 5 pixels, each time
        view.camera.pan(-0.25, 0)
        moved = canvas.render()
        np.testing.assert_array_equal(moved[:, 5 * step :], first[:, : 120 - 5 * step])


def test_float32_positions_are_drawn_as_before(scene_canvas):
    pos = np.array([[1.0, 1.0], [2.0, 2.0]], np.float32)
    canvas, view, dots = markers_scene(scene_canvas, pos, (0, 0, 6, 6))
    canvas.render()
    assert dots.positions.dtype == np.float32
    assert dots._shift is None and not dots._origin.any()
    assert view.camera.transform.glsl_map in dots._chain.functions


def test_float64_near_zero_keeps_the_plain_chain(scene_canvas):
    canvas, view, dots = markers_scene(scene_canvas, [[1.0, 1.0], [2.0, 2.0]], (0, 0, 6, 6))
    canvas.render()
    assert dots._shift is None and view.camera.transform.glsl_map in dots._chain.functions


def test_markers_ring_rebases_when_appends_go_far(scene_canvas):
    canvas, view, dots = markers_scene(
        scene_canvas, np.zeros((0, 2)), (BIG - 2, BIG - 2, 6, 6), capacity=3
    )
    dots.append([[0.0, 0.0]])
    dots.append(BIG + np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]))
    assert dots._origin[0] == BIG  # the point at 0 rolled off: re-based near the new data
    image = canvas.render()
    np.testing.assert_allclose(blobs_x(image), [39.5, 59.5, 79.5], atol=0.5)
    origin = dots._origin.copy()
    dots.append(BIG + np.array([[2.5, 2.5]]))  # near the origin: rows only, no re-base
    np.testing.assert_array_equal(dots._origin, origin)
    np.testing.assert_allclose(blobs_x(canvas.render()), [59.5, 79.5, 89.5], atol=0.5)


def line_scene(scene_canvas, positions, rect, **kwargs):
    canvas = scene_canvas((120, 120), bgcolor="black")
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=rect))
    line = scene.visuals.Line(positions, color="red", parent=view.scene, **{"width": 3, **kwargs})
    return canvas, view, line


def lit_box(image, channel=0, threshold=100):
    ys, xs = np.nonzero(image[..., channel] > threshold)
    return xs.min(), xs.max(), ys.min(), ys.max()


@pytest.mark.parametrize("thin", [False, True], ids=["quads", "line-strip"])
def test_a_line_far_from_zero_is_not_vertical(scene_canvas, thin):
    style = {"width": 1, "antialias": False} if thin else {}
    far = 1e7 + np.array([[0.0, 0.0], [1.0, 1.0]])
    canvas, view, line = line_scene(scene_canvas, far, (1e7 - 1, 1e7 - 1, 3, 3), **style)
    image = canvas.render()
    x0, x1, y0, y1 = lit_box(image)  # 40 pixels a unit: from (40, 80) to (80, 40)
    assert abs(x0 - 40) <= 2 and abs(x1 - 80) <= 2 and abs(y0 - 40) <= 2 and abs(y1 - 80) <= 2
    ref, _, _ = line_scene(scene_canvas, far - 1e7, (-1, -1, 3, 3), **style)
    np.testing.assert_array_equal(image, ref.render())


def test_line_ring_appends_far_from_the_origin(scene_canvas):
    canvas, view, line = line_scene(
        scene_canvas, np.zeros((0, 2)), (BIG - 1, BIG - 1, 3, 3), capacity=4
    )
    line.append([[0.0, 0.0], [0.5, 0.5]])
    line.append(BIG + np.array([[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]]))
    assert not line._origin.any()  # (0.5, 0.5) is kept: the extent is 1e9, zero still fits
    line.append(BIG + np.array([[1.5, 1.5]]))  # (0.5, 0.5) rolls off: only far points left
    assert line.positions.dtype == np.float64 and line._origin[0] > BIG - 4
    image = canvas.render()
    far = BIG + np.array([[0.0, 0.0], [0.5, 0.5], [1.0, 1.0], [1.5, 1.5]])
    ref, _, _ = line_scene(scene_canvas, far - BIG, (-1, -1, 3, 3))
    np.testing.assert_array_equal(image, ref.render())


def test_text_far_from_zero_is_drawn_as_near_zero(scene_canvas):
    def label(at, rect):
        canvas = scene_canvas((120, 120), bgcolor="black")
        view = canvas.add_view(camera=scene.PanZoomCamera(rect=rect))
        text = scene.visuals.Text(
            ["a", "b"], positions=at, color="red", font_size=10.5, parent=view.scene
        )
        return canvas, text

    at = np.array([[0.0, 0.0], [1.0, 0.5]])
    canvas, text = label(BIG + at, (BIG - 1, BIG - 1, 3, 3))
    assert text.positions.dtype == np.float64 and text._origin[0] == BIG
    image = canvas.render()
    assert len(blobs_x(image)) == 2  # two labels, 40 pixels apart
    ref, _ = label(at, (-1, -1, 3, 3))
    np.testing.assert_array_equal(image, ref.render())


def test_exported_page_recomposes_the_shift_from_its_camera(scene_canvas):
    canvas, view, dots = markers_scene(
        scene_canvas, BIG + np.array([[0.0, 0.0], [1.0, 1.0]]), (BIG - 2, BIG - 2, 6, 6)
    )
    canvas.render()
    (exported,) = canvas._export_views()
    specs = {s["part"]: s for s in exported["derived"] if s.get("recipe") == "shift"}
    assert set(specs) == {"scale", "translate"}
    assert specs["scale"]["program"] == dots.program.id
    # what cameras.js computes: the camera's matrix @ local, in float64 numbers
    local = np.array(specs["translate"]["local"]).reshape(4, 4)
    np.testing.assert_array_equal(local[:3, 3], dots._origin)
    composed = view.camera.transform._matrix() @ local
    np.testing.assert_allclose(composed[:3, 3], dots._shift[1].translate, rtol=0, atol=1e-12)
    # and the camera's own uniforms do not reach this program: the page sets them
    assert all(t["program"] != dots.program.id for t in exported["targets"])


def test_a_matrix_on_the_path_composes_as_a_matrix(scene_canvas):
    from glframe.transforms import MatrixTransform

    double = np.diag([2.0, 2.0, 1.0, 1.0])  # a MatrixTransform: the shift is a 4x4 too
    offsets = np.array([[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]])
    images = []
    for base in (BIG, 0.0):
        canvas = scene_canvas((120, 120), bgcolor="black")
        rect = (2 * base - 2, 2 * base - 2, 6, 6)
        view = canvas.add_view(camera=scene.PanZoomCamera(rect=rect))
        node = scene.Node(view.scene, transform=MatrixTransform(double))
        dots = scene.visuals.Markers(
            base + offsets, size=8, symbol="square", edge_width=0, face_color="red", parent=node
        )
        images.append(canvas.render())
    assert isinstance(dots._shift, type(None))  # the reference, near zero: plain chain
    np.testing.assert_allclose(blobs_x(images[0]), [39.5, 59.5, 79.5], atol=0.5)
    np.testing.assert_array_equal(images[0], images[1])


def test_a_nonlinear_path_adds_the_origin_back_in_the_shader(scene_canvas):
    from glframe.transforms import LogTransform

    def draw(pos):
        canvas = scene_canvas((120, 120), bgcolor="black")
        view = canvas.add_view(camera=scene.PanZoomCamera(rect=(4.995, 4.995, 0.02, 0.02)))
        node = scene.Node(view.scene, transform=LogTransform(base=(10, 10)))
        dots = scene.visuals.Markers(
            pos, size=8, symbol="square", edge_width=0, face_color="red", parent=node
        )
        return canvas.render(), dots

    pos = np.array([[1e5, 1e5], [1.01e5, 1.01e5], [1.02e5, 1.02e5]])
    image, dots = draw(pos)
    assert dots._shift[0] == "add" and dots._origin[0] == 99 * 1024  # far: an origin, added back
    reference, plain = draw(pos.astype(np.float32))  # no origin
    assert plain._shift is None
    assert len(blobs_x(image)) == 3
    np.testing.assert_allclose(blobs_x(image), blobs_x(reference), atol=0.5)


def test_a_3d_camera_composes_its_matrix_in_float64(scene_canvas):
    offsets = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [2.0, 0.0, 0.0]])
    images = []
    for base in (BIG, 0.0):
        canvas = scene_canvas((120, 120), bgcolor="black")
        camera = scene.TurntableCamera(
            center=(base + 1, 0, 0), scale_factor=6, fov=0, azimuth=0, elevation=0
        )
        view = canvas.add_view(camera=camera)
        dots = scene.visuals.Markers(
            offsets + (base, 0, 0),
            size=8,
            symbol="square",
            edge_width=0,
            face_color="red",
            parent=view.scene,
        )
        images.append(canvas.render())
        if base:
            assert dots._shift[0] == "shift" and abs(dots._origin[0] - BIG - 1) <= 1
    assert len(blobs_x(images[0])) == 3
    np.testing.assert_allclose(blobs_x(images[0]), blobs_x(images[1]), atol=0.5)


def test_javascript_composes_the_shift_in_float64():
    import shutil
    import subprocess
    from pathlib import Path

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    test = Path(__file__).parents[1] / "glframe/backends/web/js/test/cameras.test.mjs"
    run = subprocess.run([node, "--test", str(test)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_an_exported_page_pans_far_data_like_python(make_canvas, page, tmp_path):  # noqa: F811
    from test_web import assert_page_matches, python_drag

    canvas = scene.SceneCanvas(size=(160, 120), bgcolor="black")
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(BIG - 2, BIG - 1, 8, 6)))
    far = BIG + np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 1.0]])
    scene.visuals.Markers(
        far, size=8, symbol="square", edge_width=0, face_color="red", parent=view.scene
    )
    scene.visuals.Line(far, color="white", width=2, parent=view.scene)
    try:
        path = canvas.export_html(tmp_path / "far.html", title="far")
        open_export(page, path)
        assert_page_matches(page, canvas, "first frame")
        box = page.locator("canvas").bounding_box()
        page.mouse.move(box["x"] + 50, box["y"] + 60)
        page.mouse.down()
        page.mouse.move(box["x"] + 75, box["y"] + 70, steps=4)
        page.mouse.up()
        page.wait_for_timeout(100)
        python_drag(canvas, (50, 60), (75, 70))
        assert_page_matches(page, canvas, "after a drag")
        assert blobs_x(canvas_pixels(page))  # the markers are on the page
        assert not page.js_errors, page.js_errors
    finally:
        canvas.close()


def test_a_shifted_visual_sends_nothing_when_nothing_moved(scene_canvas):
    from glframe.gloo import Cmd
    from glframe.transforms import STTransform

    canvas, view, dots = markers_scene(
        scene_canvas, BIG + np.array([[0.0, 0.0], [1.0, 1.0]]), (BIG - 2, BIG - 2, 6, 6)
    )
    parent = scene.Node(view.scene, transform=STTransform())
    dots.parent = parent
    first = canvas.render()
    sent = []
    canvas.context.listeners.append(sent.extend)
    canvas.render()
    assert {c[0] for c in sent} <= {Cmd.FUNC, Cmd.DRAW, Cmd.READ_PIXELS}
    sent.clear()
    parent.transform.translate = (1, 0)  # a node on the path moves: the shift follows
    moved = canvas.render()
    assert Cmd.UNIFORM in {c[0] for c in sent}
    np.testing.assert_array_equal(moved[:, UNIT:], first[:, :-UNIT])
