"""Arrow and XYZAxis: where the heads are drawn and which way they point, their shapes,
input checks, reactivity, picking, and reference images."""

from __future__ import annotations

import numpy as np
import pytest
from browser import browser, page  # noqa: F401 - fixtures
from imagecompare import assert_image_matches, compare

from glframe import scene
from glframe.gloo import Cmd
from glframe.scene.visuals import Arrow, XYZAxis
from glframe.scene.visuals._arrow import ARROW_TYPES, as_arrows


@pytest.fixture
def pixel_view(make_canvas):
    """``pixel_view(size)``: a canvas and a view whose scene units are its pixels (y up)."""
    make_canvas((1, 1))  # skips (or fails under CI) without GL
    canvases = []

    def factory(size=(200, 150), bgcolor="black", camera=None):
        canvas = scene.SceneCanvas(size=size, bgcolor=bgcolor)
        canvases.append(canvas)
        camera = camera or scene.PanZoomCamera(rect=(0, 0, *size))
        return canvas, canvas.add_view(camera=camera)

    yield factory
    for canvas in canvases:
        canvas.close()


def head_pixels(image, height):
    """(x, y) scene coordinates (pixel centres, y up) and coverage of the red pixels."""
    red = image[..., 0].astype(float) / 255
    rows, cols = np.nonzero(red > 0.02)
    return np.c_[cols + 0.5, height - rows - 0.5], red[rows, cols]


# ---- input --------------------------------------------------------------------------------
def test_arrows_are_start_end_pairs_in_2d_or_3d():
    two = as_arrows([[0, 1, 2, 3]], "Arrow.arrows")
    np.testing.assert_array_equal(two, [[[0, 1, 0], [2, 3, 0]]])
    three = as_arrows([[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]], "Arrow.arrows")
    assert three.shape == (2, 2, 3) and three.dtype == np.float32
    np.testing.assert_array_equal(three[1], [[6, 7, 8], [9, 10, 11]])
    assert as_arrows(None, "Arrow.arrows").shape == (0, 2, 3)


def test_arrow_refuses_bad_input():
    with pytest.raises(ValueError, match=r"Arrow.arrows: shape \(2, 3\) is not \(N, 4\) or"):
        Arrow(arrows=np.zeros((2, 3)))
    with pytest.raises(ValueError, match="Arrow.arrows: contains NaN"):
        Arrow(arrows=[[0, 0, np.nan, 1]])
    with pytest.raises(
        ValueError, match="Arrow.arrow_type must be one of stealth, .*, not 'curvy'"
    ):
        Arrow(arrow_type="curvy")
    with pytest.raises(ValueError, match="Arrow.arrow_size must be a finite number >= 0, not -3"):
        Arrow(arrow_size=-3)
    arrow = Arrow(arrows=np.zeros((2, 4)), arrow_color=["red", "blue"])
    assert arrow.arrow_color.shape == (2, 4)
    with pytest.raises(ValueError, match="Arrow.arrow_color: 3 colours for 2 arrows; give one"):
        arrow.arrow_color = np.ones((3, 3))
    with pytest.raises(ValueError, match="Arrow.arrow_color: 2 colours for 1 arrows"):
        arrow.arrows = np.zeros((1, 4))
    assert len(arrow.arrows) == 2  # refused: nothing changed
    arrow.set_data(arrows=np.zeros((1, 4)), arrow_color="green")  # together: accepted
    assert len(arrow.arrows) == 1 and arrow.arrow_color.shape == (4,)
    with pytest.raises(AttributeError, match="Arrow has no attribute 'arow_size'"):
        arrow.arow_size = 3


# ---- pixels -------------------------------------------------------------------------------
@pytest.mark.parametrize("angle", [0, 90, 150, 225, 300])
def test_heads_sit_on_the_end_pointing_along_the_segment(pixel_view, angle):
    canvas, view = pixel_view((160, 160))
    d = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))])
    end = np.array([80.0, 80.0]) + 25 * d
    start = end - 60 * d
    size = 30.0
    Arrow(arrows=[[*start, *end]], arrow_type="triangle_60", arrow_size=size,
          arrow_color="red", parent=view.scene)  # fmt: skip
    xy, cover = head_pixels(canvas.render(), 160)
    along, across = (xy - end) @ d, (xy - end) @ [-d[1], d[0]]
    # the tip is on the end point, the back one head length behind it
    assert along.max() == pytest.approx(0.0, abs=1.0)
    assert along.min() == pytest.approx(-size, abs=1.0)
    # a triangle of 60 degrees: as wide as its length times 2 tan(30), symmetric
    half = size * np.tan(np.radians(30))
    assert np.abs(across).max() == pytest.approx(half, abs=1.0)
    # its area and centroid (2/3 of the way from the tip to the back)
    assert cover.sum() == pytest.approx(size * half, rel=0.01)
    assert np.average(along, weights=cover) == pytest.approx(-2 / 3 * size, abs=0.3)
    assert np.average(across, weights=cover) == pytest.approx(0.0, abs=0.3)


def test_each_type_draws_its_shape(pixel_view):
    """Filled heads cover their outline's area; open heads only a stroke along it."""
    size = 40.0
    areas = {}
    for name in ARROW_TYPES:
        canvas, view = pixel_view((120, 80))
        Arrow(arrows=[[10, 40, 100, 40]], arrow_type=name, arrow_size=size, arrow_color="red",
              width=2, parent=view.scene)  # fmt: skip
        xy, cover = head_pixels(canvas.render(), 80)
        stroked = name.startswith("angle") or name == "inhibitor_round"
        assert xy[:, 0].max() == pytest.approx(100 + (1 if stroked else 0), abs=1)
        areas[name] = cover.sum()
    for degrees in (30, 60, 90):
        half = size * np.tan(np.radians(degrees) / 2)
        assert areas[f"triangle_{degrees}"] == pytest.approx(size * half, rel=0.01)
        # a stroke 2 px wide along both arms (each sqrt(size^2 + half^2) long)
        assert areas[f"angle_{degrees}"] == pytest.approx(2 * 2 * np.hypot(size, half), rel=0.05)
    # the stealth dart: the triangle (1, 0.45) less the notch back to 0.7
    assert areas["stealth"] == pytest.approx(size**2 * 0.45 * (1 - 0.3), rel=0.01)
    # curved: the triangle (1, 0.6) less two circular segments, each of sagitta 0.08
    # on a flank of length hypot(1, 0.6) (head lengths)
    chord, sag = np.hypot(1, 0.6), 0.08
    radius = (chord**2 / 4 + sag**2) / (2 * sag)
    angle = 2 * np.arcsin(chord / (2 * radius))
    segment = radius**2 / 2 * (angle - np.sin(angle))
    assert areas["curved"] == pytest.approx(size**2 * (0.6 - 2 * segment), rel=0.02)
    assert areas["curved"] < 0.85 * size**2 * 0.6  # visibly less than the triangle
    # inhibitor_round: a 2 px stroke along a half circle of radius size / 2
    assert areas["inhibitor_round"] == pytest.approx(2 * np.pi * size / 2, rel=0.08)


def test_heads_keep_their_size_in_pixels_and_follow_the_line_in_3d(pixel_view):
    canvas, view = pixel_view((160, 160), camera=scene.TurntableCamera(
        azimuth=0, elevation=0, fov=0, scale_factor=4.0))  # fmt: skip
    # looking along +y: x to the right, z up; 40 px per unit
    arrow = Arrow([[0, 0, -1], [0, 0, 1]], arrows=[[0, 0, -1, 0, 0, 1]], arrow_size=16,
                  arrow_type="triangle_90", color="blue", arrow_color="red",
                  parent=view.scene)  # fmt: skip
    xy, _ = head_pixels(canvas.render(), 160)
    assert (xy[:, 1] - 80).max() == pytest.approx(40, abs=1)  # the tip at z = 1, pointing up
    assert (xy[:, 1] - 80).min() == pytest.approx(40 - 16, abs=1)
    view.camera.scale_factor = 8.0  # zoomed out: the end moves in, the head keeps its size
    xy, _ = head_pixels(canvas.render(), 160)
    assert (xy[:, 1] - 80).max() == pytest.approx(20, abs=1)
    assert (xy[:, 1] - 80).min() == pytest.approx(20 - 16, abs=1)
    arrow.arrows = [[0, 0, 1, 0, 0, -1]]  # reversed: the head at the bottom, pointing down
    xy, _ = head_pixels(canvas.render(), 160)
    assert (xy[:, 1] - 80).min() == pytest.approx(-20, abs=1)
    assert (xy[:, 1] - 80).max() == pytest.approx(-20 + 16, abs=1)


def test_property_changes_are_uniforms_and_picking_finds_the_arrow(pixel_view):
    canvas, view = pixel_view((200, 100))
    arrow = Arrow([[20, 50], [180, 50]], arrows=[[20, 50, 60, 50], [20, 50, 180, 50]],
                  arrow_size=20, width=2, parent=view.scene)  # fmt: skip
    canvas.render()
    sent = []
    canvas.context.listeners.append(sent.extend)
    arrow.arrow_type, arrow.arrow_size, arrow.arrow_color = "angle_60", 12, "orange"
    canvas.render()
    kinds = {c[0] for c in sent}
    assert Cmd.UNIFORM in kinds and not kinds & {Cmd.SHADERS, Cmd.CREATE, Cmd.DATA}
    arrow.arrow_type = "triangle_60"
    hit = canvas.pick((175, 50))
    assert hit is not None and hit.visual is arrow.heads and hit.index == 1
    hit = canvas.pick((100, 50))
    assert hit is not None and hit.visual is arrow


def test_xyz_axis_points_along_x_y_z(pixel_view):
    canvas, view = pixel_view((160, 160), camera=scene.TurntableCamera(
        azimuth=0, elevation=0, fov=0, scale_factor=4.0))  # fmt: skip
    axis = XYZAxis(width=3, parent=view.scene)
    np.testing.assert_array_equal(axis.positions[1::2], np.eye(3))
    assert not axis.positions[::2].any()
    image = canvas.render().astype(int)
    red = (image[..., 0] > 128) & (image[..., 1] < 80) & (image[..., 2] < 80)
    blue = (image[..., 2] > 128) & (image[..., 0] < 80) & (image[..., 1] < 80)
    rows, cols = np.nonzero(red)  # x: to the right, 40 px long
    assert (cols.min(), cols.max()) == (80, 119) and abs(rows.mean() - 79.5) < 0.6
    rows, cols = np.nonzero(blue)  # z: up
    assert (rows.min(), rows.max()) == (40, 79) and abs(cols.mean() - 79.5) < 0.6
    # y points away from the viewer: seen end on, hidden behind the others
    green = (image[..., 1] > 128) & (image[..., 0] < 80) & (image[..., 2] < 80)
    assert green.sum() < 12


# ---- reference images ---------------------------------------------------------------------
def test_arrow_reference_image(pixel_view):
    canvas, view = pixel_view((290, 150), bgcolor="#1a1c22")
    for k, name in enumerate(ARROW_TYPES):
        x = 20 + 30 * k
        pos = np.array([[x, 20], [x + 10, 60], [x - 5, 95], [x + 8, 125]], float)
        Arrow(pos, arrows=[np.r_[pos[-2], pos[-1]], np.r_[pos[1], pos[0]]], arrow_type=name,
              arrow_size=14, width=2, color=(0.8, 0.8, 0.85),
              arrow_color=[(1.0, 0.55, 0.2), (0.3, 0.7, 1.0)], parent=view.scene)  # fmt: skip
    assert_image_matches(canvas.render(), "arrow_types")


def test_xyz_axis_reference_image(pixel_view):
    canvas, view = pixel_view((150, 150), bgcolor="#1a1c22", camera=scene.TurntableCamera(
        azimuth=-50, elevation=25, fov=40, scale_factor=2.6))  # fmt: skip
    XYZAxis(width=3, parent=view.scene)
    upright = np.array([[0.7, 0, 0, 0.7, 0, 0.8]])  # from the x axis, along z
    Arrow(upright.reshape(2, 3), arrows=upright, arrow_size=12, color="white",
          arrow_color="white", width=2, parent=view.scene)  # fmt: skip
    assert_image_matches(canvas.render(), "xyz_axis")


def test_an_exported_page_draws_the_heads_as_python(page, tmp_path):  # noqa: F811
    """The heads' uniform array reaches glir.js (the first visual with one): same pixels."""
    import runpy

    from browser import canvas_pixels, open_export
    from examples_path import EXAMPLES

    canvas = runpy.run_path(str(EXAMPLES / "scene" / "arrows.py"))["canvas"]
    open_export(page, canvas.export_html(tmp_path / "arrows.html"))
    ok, why, _ = compare(
        canvas_pixels(page),
        canvas.render(),
        noise=6,
        edge_fraction=0.2,
        min_allowed=8,
        max_interior=12,
    )
    assert ok, why
    assert not page.js_errors, page.js_errors
