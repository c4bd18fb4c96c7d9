"""Line, Polygon, Rectangle, Ellipse: pixels, reference images, reactivity, triangulation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from imagecompare import assert_image_matches, compare

from glframe import scene
from glframe.gloo import Cmd
from glframe.scene.visuals import Ellipse, Line, Polygon, Rectangle
from glframe.scene.visuals._triangulate import signed_area, triangulate


@pytest.fixture
def pixel_view(make_canvas):
    """``pixel_view(size)``: a canvas and a view whose scene units are its pixels (y up)."""
    make_canvas((1, 1))  # skips (or fails under CI) without GL
    canvases = []

    def factory(size=(200, 150), bgcolor="black"):
        canvas = scene.SceneCanvas(size=size, bgcolor=bgcolor)
        canvases.append(canvas)
        view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, *size)))
        return canvas, view

    yield factory
    for canvas in canvases:
        canvas.close()


def covered(image, channel=0, threshold=128):
    """Boolean mask of the pixels whose ``channel`` is above ``threshold``."""
    return image[..., channel] > threshold


def rows_cols(mask):
    ys, xs = np.nonzero(mask)
    return (ys.min(), ys.max() + 1), (xs.min(), xs.max() + 1)


# ---- Line: pixels that can be computed ---------------------------------------------------------
def test_horizontal_line_covers_exactly_its_width(pixel_view):
    canvas, view = pixel_view()
    line = Line([[50, 75], [150, 75]], width=6, color="red", parent=view.scene)
    image = canvas.render()
    # y = 72..78 in the scene is rows 72..77 of the image (150 - 78 = 72): six full rows
    (y0, y1), (x0, x1) = rows_cols(covered(image))
    assert (y0, y1, x0, x1) == (72, 78, 50, 150)
    assert np.all(image[72:78, 50:150, 0] == 255)  # fully covered, nothing partial
    assert not image[:72, :, 0].any() and not image[78:, :, 0].any()
    line.cap = "square"  # half the width beyond each end
    assert rows_cols(covered(canvas.render()))[1] == (47, 153)
    line.width = 5  # odd width on a pixel boundary: two half rows
    image = canvas.render()
    assert rows_cols(covered(image, threshold=0))[0] == (72, 78)
    np.testing.assert_allclose(image[72:78, 100, 0], [128, 255, 255, 255, 255, 128], atol=2)


def test_width_stays_in_pixels_when_zooming_and_scales_with_render_size(pixel_view):
    canvas, view = pixel_view()
    Line([[50, 75], [150, 75]], width=6, color="red", parent=view.scene)
    view.camera.zoom(0.5, center=(100, 75))
    (y0, y1), (x0, x1) = rows_cols(covered(canvas.render()))
    assert y1 - y0 == 6 and x1 - x0 == 200  # twice as long, as thick
    big = canvas.render(size=(400, 300))
    (y0, y1), _ = rows_cols(covered(big))
    assert y1 - y0 == 12


def test_round_cap_and_square_area(pixel_view):
    canvas, view = pixel_view()
    line = Line([[60, 75], [140, 75]], width=20, cap="round", color="red", parent=view.scene)
    area = canvas.render()[..., 0].sum() / 255
    assert area == pytest.approx(80 * 20 + np.pi * 10**2, rel=0.01)
    line.cap = "butt"
    assert canvas.render()[..., 0].sum() / 255 == pytest.approx(80 * 20, rel=0.005)


def test_thin_lines_fade_instead_of_thinning(pixel_view):
    canvas, view = pixel_view()
    Line([[20, 75.5], [180, 75.5]], width=0.5, color="white", parent=view.scene)
    image = canvas.render()
    assert covered(image, threshold=0).sum() == 160  # one row of pixels
    np.testing.assert_allclose(image[74, 20:180, 0], 128, atol=2)  # at half intensity


def test_translucent_joins_are_drawn_once(pixel_view):
    canvas, view = pixel_view()
    zigzag = [[20, 20], [60, 120], [100, 30], [140, 130], [180, 20]]
    for join in ("miter", "round", "bevel"):
        line = Line(zigzag, width=14, join=join, color=(1, 0, 0, 0.5), parent=view.scene)
        image = canvas.render()
        # one layer of 50% red on black: 128 at most; an overlap would give 191
        assert image[..., 0].max() <= 129, join
        assert (image[..., 0] >= 127).sum() > 3000
        line.parent = None


def test_miter_limit_falls_back_to_bevel(pixel_view):
    canvas, view = pixel_view()
    # a sharp V: the inner angle is 27.5 degrees, the miter 4.2 widths long
    line = Line(
        [[60, 140], [100, 40], [110, 140]],
        width=10,
        join="miter",
        miter_limit=6,
        color="red",
        parent=view.scene,
    )
    tip = rows_cols(covered(canvas.render()))[0][1]  # lowest covered row
    line.miter_limit = 4
    bevel = rows_cols(covered(canvas.render()))[0][1]
    line.join = "round"
    rounded = rows_cols(covered(canvas.render()))[0][1]
    # the joint is at row 110: the miter reaches 21 px beyond it (its tip thins out under the
    # threshold), the bevel about one, the round join the half width
    assert tip >= 110 + 18 and bevel <= 110 + 2 and rounded == 110 + 5


def test_nan_breaks_the_strip_into_pieces(pixel_view):
    canvas, view = pixel_view()
    x = np.arange(20.0, 181.0, 10.0)
    y = np.full_like(x, 75.0)
    y[[5, 11]] = np.nan  # x = 70 and x = 130 are missing
    Line(np.c_[x, y], width=4, color="red", parent=view.scene)
    row = covered(canvas.render())[74]
    edges = np.flatnonzero(np.diff(row.astype(int)))
    np.testing.assert_array_equal(edges + 1, [20, 60, 80, 120, 140, 180])


def test_connect_segments_pairs_and_loop(pixel_view):
    canvas, view = pixel_view()
    square = np.array([[50, 25], [150, 25], [150, 125], [50, 125]], float)
    line = Line(square, width=2, color="red", connect="segments", parent=view.scene)
    mask = covered(canvas.render())
    assert mask[150 - 25, 100] and mask[150 - 125, 100] and not mask[75, 150]
    line.connect = np.array([[1, 2], [3, 0]])
    mask = covered(canvas.render())
    assert mask[75, 150] and mask[75, 50] and not mask[150 - 25, 100]
    line.connect = "strip"
    mask = covered(canvas.render())
    assert mask[150 - 25, 100] and not mask[75, 50]
    line.connect = "loop"
    image = canvas.render()
    assert covered(image)[75, 50]
    assert image[..., 0].sum() / 255 == pytest.approx(4 * 100 * 2, rel=0.01)  # closed, mitered


def test_per_vertex_colors_are_interpolated(pixel_view):
    canvas, view = pixel_view()
    Line([[20, 75], [180, 75]], width=4, color=[[1, 0, 0], [0, 0, 1]], parent=view.scene)
    row = canvas.render()[74, :, :3].astype(int)
    np.testing.assert_allclose(row[21], [254, 0, 1], atol=3)
    np.testing.assert_allclose(row[179], [1, 0, 254], atol=3)
    np.testing.assert_allclose(row[100], [127, 0, 128], atol=3)


def test_aliased_lines_have_hard_edges_along_the_minor_axis(pixel_view):
    canvas, view = pixel_view()
    line = Line([[50, 75], [150, 75]], width=5, antialias=False, color="red", parent=view.scene)
    image = canvas.render()
    # centres within 2.5 px of y = 75: rows of y 73.5..76.5, all fully red, nothing partial
    assert set(np.unique(image[..., 0])) == {0, 255}
    assert rows_cols(covered(image))[0] == (150 - 77, 150 - 73)
    # at 45 degrees the five pixels are counted along the minor axis (GL's aliased lines)
    line.positions = [[50.5, 20.5], [150.5, 120.5]]
    image = canvas.render()
    assert set(np.unique(image[..., 0])) == {0, 255}
    assert covered(image)[:, 100].sum() == 5


def drawn_by(canvas, mode):
    """Render, and whether a DRAW of ``mode`` was sent."""
    sent = []
    canvas.context.listeners.append(sent.extend)
    image = canvas.render()
    canvas.context.listeners.remove(sent.extend)
    return image, any(c[0] == Cmd.DRAW and c[2] == mode for c in sent)


@pytest.mark.parametrize("case", ["walk", "breaks", "segments", "loop", "gradient"])
def test_aliased_thin_lines_are_line_strips_with_the_pixels_of_the_quads(pixel_view, case):
    """The fast path (a GL line strip, loop or lines) against the general one (quads with
    GL's aliased rule in the fragment stage) on the same line: the same pixels."""
    rng = np.random.default_rng(7)
    t = np.linspace(0, 1, 120)
    ring = np.linspace(0, 2 * np.pi, 17, endpoint=False)
    walk = np.cumsum(rng.normal(size=(300, 2)) * 3, axis=0) + (100, 75)
    options = {
        "walk": dict(positions=walk),
        "breaks": dict(positions=np.where(rng.random((300, 1)) < 0.05, np.nan, walk)),
        "segments": dict(positions=walk[:200], connect="segments", color="orange"),
        "loop": dict(
            positions=np.c_[100 + 60 * np.cos(ring), 75 + 50 * np.sin(ring)] + 0.37, connect="loop"
        ),
        "gradient": dict(
            positions=np.c_[5 + 190 * t, 75 + 60 * np.sin(12 * t)],
            color=np.c_[t, 1 - t, 0.5 + 0 * t],
        ),
    }[case]
    mode = {"segments": "lines", "loop": "line_loop", "breaks": "lines"}.get(case, "line_strip")
    canvas, view = pixel_view()
    line = Line(antialias=False, parent=view.scene, **{"color": "white", **options})
    fast, used = drawn_by(canvas, mode)
    assert used
    line._is_thin = lambda ctx: False  # the general path, for this comparison only
    general, used = drawn_by(canvas, "triangle_strip")
    assert used
    ok, message, _ = compare(fast, general)
    assert ok, message
    drawn = np.any(general[..., :3] > 0, axis=-1).sum()
    assert drawn > 150
    differ = np.abs(fast.astype(int) - general.astype(int)).max(axis=-1) > 3
    assert differ.sum() <= 0.04 * drawn  # a pixel at some sharp turns


def drawn_indices(canvas):
    """Render, and the number of indices of the DRAW of a line strip (None: all vertices)."""
    sent = []
    canvas.context.listeners.append(sent.extend)
    image = canvas.render()
    canvas.context.listeners.remove(sent.extend)
    (draw,) = [c for c in sent if c[0] == Cmd.DRAW and c[2] == "line_strip"]
    return image, (draw[3][2] if len(draw[3]) == 4 else None)


def near(a, b):
    """Pixels drawn in ``a`` with no pixel of ``b`` at most one pixel away."""
    grown = b.copy()
    for dy, dx in ((0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1)):
        grown |= np.roll(np.roll(b, dy, axis=0), dx, axis=1)
    return a & ~grown


@pytest.mark.parametrize("signal", ["walk", "sine", "falling"])
def test_a_long_series_draws_four_vertices_a_column_with_the_pixels_of_all(pixel_view, signal):
    """A strip whose x only grows (or falls), drawn thin with many vertices per pixel
    column, draws each column's first, last, lowest and highest vertex only (the M4
    reduction, _decimate.py): the pixels of the whole strip, within a few."""
    rng = np.random.default_rng(3)
    n = 40_000  # 200 vertices a pixel column
    x = np.linspace(2.3, 197.7, n)
    y = {
        "walk": 75 + np.cumsum(rng.normal(size=n)) * 0.3,
        "sine": 75 + 60 * np.sin(x / 9) + rng.normal(size=n) * 4,
        "falling": 75 + 40 * np.cos(x / 13) * np.sin(x / 5) + rng.normal(size=n),
    }[signal]
    if signal == "falling":
        x = x[::-1]
    canvas, view = pixel_view()
    line = Line(np.c_[x, y], antialias=False, color="white", parent=view.scene)
    fast, count = drawn_indices(canvas)
    assert count is not None and 400 <= count <= 4 * 200
    column_extremes = line._column_extremes
    line._column_extremes = lambda ctx: None  # every vertex, for this comparison only
    every, all_vertices = drawn_indices(canvas)
    assert all_vertices is None
    a, b = (np.any(im[..., :3] > 0, axis=-1) for im in (fast, every))
    assert b.sum() > 700
    assert (a != b).sum() <= 0.01 * b.sum()
    assert not near(a, b).any() and not near(b, a).any()
    # a zoom picks the vertices again (what is off the view: one column each side): still
    # the pixels of all of them
    line._column_extremes = column_extremes
    view.camera.rect = (50, 20, 60, 45)
    fast, count = drawn_indices(canvas)
    assert count is not None and count <= 4 * (200 + 2)
    line._column_extremes = lambda ctx: None
    every, _ = drawn_indices(canvas)
    a, b = (np.any(im[..., :3] > 0, axis=-1) for im in (fast, every))
    assert (a != b).sum() <= 0.01 * b.sum()


def test_series_the_column_reduction_would_draw_differently_draw_every_vertex(pixel_view):
    canvas, view = pixel_view()
    x = np.linspace(0, 200, 10_000)
    y = 75 + 50 * np.sin(x / 7)
    colors = np.c_[x / 200, 1 - x / 200, 0 * x + 1]
    cases = [
        dict(positions=np.c_[x, y], color=colors),  # colours blend between vertices
        dict(positions=np.c_[np.r_[x[:5000], x[:5000]], np.r_[y[:5000], y[:5000]]]),  # x turns
        dict(positions=np.c_[x[:1000], y[:1000]]),  # under 8 vertices a column
    ]
    for options in cases:
        line = Line(antialias=False, parent=view.scene, **{"color": "white", **options})
        assert drawn_indices(canvas)[1] is None
        line.parent = None
    line = Line(np.c_[x, y], antialias=False, color="white", parent=view.scene)
    assert drawn_indices(canvas)[1] is not None  # the same series, reduced
    view.camera = scene.TurntableCamera()  # not a scale and translation
    assert drawn_indices(canvas)[1] is None


@pytest.mark.parametrize("change", ["translucent", "thinner", "antialiased", "additive"])
def test_lines_a_strip_would_draw_differently_keep_the_quads(pixel_view, change):
    canvas, view = pixel_view()
    line = Line([[20, 20], [100, 130], [180, 30]], antialias=False, parent=view.scene)
    assert drawn_by(canvas, "line_strip")[1]
    if change == "translucent":  # a strip draws pixels at a turn twice
        line.color = (1, 1, 1, 0.5)
    elif change == "thinner":  # faded
        line.width = 0.5
    elif change == "antialiased":
        line.antialias = True
    else:
        line.set_gl_state("additive")
    image, strip = drawn_by(canvas, "line_strip")
    assert not strip and image[..., 0].any()


def test_a_line_drawn_as_a_strip_makes_its_quads_only_when_they_draw(pixel_view):
    """The quads' program and buffers wait while the strip draws (1000 thin lines: first
    frame 0.96 -> 0.48 s); the pick pass and a change of width make them, up to date."""
    canvas, view = pixel_view()
    line = Line([[20, 20], [100, 130], [180, 30]], antialias=False, parent=view.scene)
    assert drawn_by(canvas, "line_strip")[1]
    assert line._program is None  # no quad program, no quad buffers
    line.positions = [[20, 30], [100, 120], [180, 40]]  # kept for the quads
    strip, _ = drawn_by(canvas, "line_strip")
    assert line._program is None
    assert canvas.pick((100, 150 - 120)).visual is line  # the pick pass draws the quads
    assert line._program is not None
    line.width = 1.5  # now quads, with the positions set while they waited
    quads, used = drawn_by(canvas, "triangle_strip")
    assert used and not drawn_by(canvas, "line_strip")[1]
    a, b = covered(strip), covered(quads)
    assert a.sum() > 150 and (a & ~b).sum() == 0  # the wider line covers the thin one


def test_thin_aliased_lines_follow_the_pixel_scale(pixel_view):
    canvas, view = pixel_view()
    Line([[20.2, 75.3], [179.8, 75.3]], antialias=False, color="white", parent=view.scene)
    image, strip = drawn_by(canvas, "line_strip")
    assert strip and covered(image).sum() == 160
    sent = []
    canvas.context.listeners.append(sent.extend)
    big = canvas.render(size=(400, 300))  # two device pixels wide: quads, two rows
    canvas.context.listeners.remove(sent.extend)
    assert not any(c[0] == Cmd.DRAW and c[2] == "line_strip" for c in sent)
    (y0, y1), (x0, x1) = rows_cols(covered(big))
    assert (y1 - y0, x0, x1) == (2, 40, 360)  # centres in (40.4, 359.6)


def test_line_reference(pixel_view):
    canvas, view = pixel_view(bgcolor="#202020")
    t = np.linspace(0, 1, 4)
    for k, (join, cap) in enumerate([("miter", "butt"), ("round", "round"), ("bevel", "square")]):
        zigzag = np.array([[12, 20], [30, 68], [44, 28], [56, 72]], float) + (k * 62, 0)
        Line(
            zigzag,
            width=9,
            join=join,
            cap=cap,
            color=np.c_[t, 1 - t, np.ones(4)],
            parent=view.scene,
        )
        Line(zigzag, width=1, color="white", parent=view.scene)
    x = np.linspace(10, 190, 120)
    y = 110 + 22 * np.sin(x / 12)
    y[58:62] = np.nan
    Line(np.c_[x, y], width=3, color=(1, 0.6, 0.1, 0.8), cap="round", parent=view.scene)
    Line(
        [[10, 140], [60, 140], [80, 136], [190, 136]],
        connect="segments",
        width=2,
        color="lime",
        parent=view.scene,
    )
    assert_image_matches(canvas.render(), "line_joins_caps")


# ---- Line: reactivity, checks, bounds ----------------------------------------------------------
def sent_by(canvas, change):
    """The commands one render sends after ``change()``."""
    canvas.render()
    sent = []
    canvas.context.listeners.append(sent.extend)
    change()
    canvas.render()
    canvas.context.listeners.remove(sent.extend)
    return [c[0] for c in sent]


def test_line_changes_send_only_what_changed(pixel_view):
    canvas, view = pixel_view()
    x = np.linspace(0, 200, 50)
    line = Line(np.c_[x, 75 + 0 * x], width=3, color="red", parent=view.scene)
    idle = {Cmd.FUNC, Cmd.DRAW, Cmd.READ_PIXELS}
    assert set(sent_by(canvas, lambda: None)) <= idle
    for change, allowed in [
        (lambda: setattr(line, "width", 7), {Cmd.UNIFORM}),
        (lambda: setattr(line, "join", "miter"), {Cmd.UNIFORM}),
        (lambda: setattr(line, "cap", "round"), {Cmd.UNIFORM}),
        (lambda: setattr(line, "miter_limit", 2), {Cmd.UNIFORM}),
        (lambda: setattr(line, "antialias", False), {Cmd.UNIFORM}),
        (lambda: setattr(line, "color", "blue"), {Cmd.ATTRIBUTE_VALUE}),
        (lambda: setattr(line, "positions", np.c_[x, 70 + 0 * x]), {Cmd.DATA}),
    ]:
        kinds = sent_by(canvas, change)
        assert set(kinds) - idle == allowed, kinds
    line.color = np.ones((50, 4))
    canvas.render()
    kinds = sent_by(canvas, lambda: setattr(line, "color", np.zeros((50, 3))))
    assert set(kinds) - idle == {Cmd.DATA}


def test_line_validates_its_input():
    with pytest.raises(ValueError, match=r"Line.positions: shape \(3, 4\)"):
        Line(np.zeros((3, 4)))
    with pytest.raises(TypeError, match="Line.positions: dtype <U1"):
        Line(np.array([["a", "b"]]))
    line = Line(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"Line.color: colours of shape \(3, 4\) are not \(4,"):
        line.color = np.ones((3, 4))
    with pytest.raises(ValueError, match="Line.color: colours contain NaN"):
        line.color = np.full((4, 3), np.nan)
    with pytest.raises(ValueError, match="Line.width must be a finite number >= 0"):
        line.width = -1
    with pytest.raises(ValueError, match="Line.join must be one of miter, round, bevel"):
        line.join = "sharp"
    with pytest.raises(ValueError, match="Line.cap must be one of butt, square, round"):
        line.cap = "arrow"
    with pytest.raises(ValueError, match="Line.miter_limit must be a finite number >= 1"):
        line.miter_limit = 0.5
    with pytest.raises(ValueError, match="Line.connect: 'pairs' is not 'strip'"):
        line.connect = "pairs"
    with pytest.raises(ValueError, match=r"Line.connect: indices must be in \[0, 4\)"):
        line.connect = [[0, 4]]
    with pytest.raises(ValueError, match=r"Line.connect: index pairs of shape \(3,\)"):
        line.connect = [0, 1, 2]
    with pytest.raises(ValueError, match="'segments' needs an even number of positions, not 3"):
        Line(np.zeros((3, 2)), connect="segments")
    with pytest.raises(TypeError, match="Line.set_data has no property 'colour'"):
        line.set_data(colour="red")


def test_picking_reports_the_segment_and_the_shape(pixel_view):
    canvas, view = pixel_view()
    # vertex 2 repeats vertex 1 and is dropped before drawing: the third segment drawn
    # starts at vertex 3, and picking says so
    line = Line(
        [[20, 20], [100, 20], [100, 20], [100, 120], [180, 120]], width=6, parent=view.scene
    )
    shape = Polygon(
        [[130, 20], [190, 20], [190, 80]],
        color="red",
        border_color="white",
        border_width=4,
        parent=view.scene,
    )
    hit = canvas.pick((60, 130))  # scene (60, 20): the first segment
    assert hit.visual is line and hit.index == 0
    assert canvas.pick((100, 80)).index == 1 and canvas.pick((150, 30)).index == 3
    inner = canvas.pick((180, 110))  # scene (180, 40): inside the triangle
    assert inner.visual is shape and inner.index == 0
    edge = canvas.pick((190, 100))  # on the right edge: the border line, a child of shape
    assert edge.visual.parent is shape and edge.visual.name == "border" and edge.index == 1


def test_line_bounds_ignore_breaks(pixel_view):
    canvas, view = pixel_view()
    line = Line([[1, 2], [np.nan, 5], [3, -4]], parent=view.scene)
    assert line.bounds(0) == (1, 3) and line.bounds(1) == (-4, 2)
    view.camera.set_range(margin=0)
    np.testing.assert_allclose(view.camera.rect, [1, -4, 2, 6])


# ---- triangulation ------------------------------------------------------------------------------
def triangle_areas(vertices, triangles):
    a, b, c = (vertices[triangles[:, i]] for i in range(3))
    return 0.5 * ((b - a)[:, 0] * (c - a)[:, 1] - (b - a)[:, 1] * (c - a)[:, 0])


def inside(ring, points):
    """Even-odd test of (k, 2) points against a ring."""
    p, q = ring, np.roll(ring, -1, axis=0)
    x, y = points[:, :1], points[:, 1:]
    crosses = (p[:, 1] > y) != (q[:, 1] > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        xs = p[:, 0] + (y - p[:, 1]) * (q[:, 0] - p[:, 0]) / (q[:, 1] - p[:, 1])
    return ((crosses & (x < xs)).sum(axis=1) % 2) == 1


def crossings(ring, a, b):
    """How many ring edges the segments a-b cross properly (not at their ends)."""
    p, q = ring, np.roll(ring, -1, axis=0)

    def orient(u, v, w):
        return (v[..., 0] - u[..., 0]) * (w[..., 1] - u[..., 1]) - (v[..., 1] - u[..., 1]) * (
            w[..., 0] - u[..., 0]
        )

    a, b = a[:, None], b[:, None]
    d1, d2 = orient(a, b, p[None]), orient(a, b, q[None])
    d3, d4 = orient(p[None], q[None], a), orient(p[None], q[None], b)
    eps = 1e-9
    return int(
        (((d1 > eps) & (d2 < -eps)) | ((d1 < -eps) & (d2 > eps)))
        .__and__(((d3 > eps) & (d4 < -eps)) | ((d3 < -eps) & (d4 > eps)))
        .sum()
    )


def star(angles, radii, center=(0.0, 0.0)):
    order = np.argsort(angles)
    a, r = np.asarray(angles)[order], np.asarray(radii)[order]
    return np.c_[center[0] + r * np.cos(a), center[1] + r * np.sin(a)]


def jittered_angles(n, jitter):
    """n angles, one in each n-th of a turn: every gap is under two n-ths of a turn."""
    return (np.arange(n) + 0.95 * np.asarray(jitter)) * 2 * np.pi / n


star_polygons = st.integers(3, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(0, 1), min_size=n, max_size=n),
        st.lists(st.floats(0.2, 1.0), min_size=n, max_size=n),
        st.booleans(),
        st.lists(st.integers(0, n - 1), max_size=4),
    )
)


def check_triangulation(rings, vertices, triangles):
    areas = triangle_areas(vertices, triangles)
    expected = abs(signed_area(rings[0])) - sum(abs(signed_area(h)) for h in rings[1:])
    assert areas.sum() == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert np.all(areas >= -1e-12)  # all counter-clockwise
    big = areas > 1e-9 * abs(expected)
    centroids = vertices[triangles[big]].mean(axis=1)
    assert inside(rings[0], centroids).all()
    for hole in rings[1:]:
        assert not inside(hole, centroids).any()
    for ring in rings:
        for i, j in ((0, 1), (1, 2), (2, 0)):
            a, b = vertices[triangles[big, i]], vertices[triangles[big, j]]
            assert crossings(ring, a, b) == 0


@settings(max_examples=150, deadline=None)
@given(star_polygons)
def test_triangulation_of_star_shaped_polygons(case):
    jitter, radii, clockwise, split = case
    angles = jittered_angles(len(jitter), jitter)
    gaps = np.diff(np.r_[angles, angles[0] + 2 * np.pi])
    assume(gaps.max() < np.pi - 1e-3)  # star-shaped around the origin, so simple
    ring = star(angles, radii)
    for k in sorted(set(split), reverse=True):  # collinear points: edge midpoints
        ring = np.insert(ring, k + 1, (ring[k] + ring[(k + 1) % len(ring)]) / 2, axis=0)
    if clockwise:
        ring = ring[::-1]
    vertices, triangles = triangulate(ring)
    check_triangulation([ring], vertices, triangles)


@settings(max_examples=80, deadline=None)
@given(
    star_polygons,
    st.floats(0, 2 * np.pi),
    st.lists(st.tuples(st.floats(0.05, 0.12), st.integers(3, 8)), min_size=1, max_size=3),
)
def test_triangulation_with_holes(case, angle, hole_specs):
    jitter, radii, clockwise, _ = case
    n = max(len(jitter), 8)
    jitter, radii = (jitter * 8)[:n], (radii * 8)[:n]
    # radii >= 1.2 and gaps under 1.95 * 2 pi / 8: every edge is 0.86 or more from the
    # origin; the holes (centres at 0.55, 2.1 radians apart, radii up to 0.12) are inside
    # and apart
    outer = star(jittered_angles(n, jitter), np.asarray(radii) + 1.0)
    holes = []
    for k, (size, m) in enumerate(hole_specs):
        a = angle + 2.1 * k
        corners = np.linspace(0, 2 * np.pi, m, endpoint=False) + a
        holes.append(
            0.55 * np.array([np.cos(a), np.sin(a)]) + size * np.c_[np.cos(corners), np.sin(corners)]
        )
    if clockwise:
        outer = outer[::-1]
    vertices, triangles = triangulate(outer, holes)
    check_triangulation([outer, *holes], vertices, triangles)


def test_triangulation_when_a_bridge_repeats_an_ear_corner():
    """Found by hypothesis: the second hole's bridge met the first hole, whose bridged
    vertex then appears twice in the ring; that copy sat on every ear's corner and was
    counted inside it, so no ear was found and the fallback cut a triangle over a hole
    (area 12.886 for 11.950)."""
    radii = np.ones(34)
    radii[[17, 32, 33]] = 0.5
    jitter = np.zeros(34)
    jitter[17] = 0.25
    outer = star(jittered_angles(34, jitter), radii + 1.0)
    holes = []
    for a, size in ((5.6875, 0.0625), (5.6875 + 4.2, 0.09375)):
        corners = np.linspace(0, 2 * np.pi, 3, endpoint=False) + a
        centre = 0.55 * np.array([np.cos(a), np.sin(a)])
        holes.append(centre + size * np.c_[np.cos(corners), np.sin(corners)])
    vertices, triangles = triangulate(outer, holes)
    check_triangulation([outer, *holes], vertices, triangles)


def test_triangulation_of_degenerate_rings():
    vertices, triangles = triangulate([[0, 0], [1, 1], [2, 2]])  # all collinear
    assert len(triangles) == 0
    L = [[0, 0], [2, 0], [2, 0], [3, 0], [3, 1], [1, 1], [1, 3], [0, 3], [0, 0]]
    vertices, triangles = triangulate(L)
    assert triangle_areas(vertices, triangles).sum() == pytest.approx(5)
    with pytest.raises(ValueError, match=r"holes\[0\] contains NaN"):
        triangulate(L, [[[0, 0], [np.nan, 1], [1, 1]]])


# ---- Polygon and shapes -------------------------------------------------------------------------
def test_concave_l_shape_covers_exactly_its_pixels(pixel_view):
    canvas, view = pixel_view()
    L = [[40, 20], [160, 20], [160, 60], [80, 60], [80, 130], [40, 130]]
    Polygon(L, color="red", parent=view.scene)
    mask = covered(canvas.render())
    expected = np.zeros((150, 200), bool)
    expected[150 - 60 : 150 - 20, 40:160] = True  # the foot
    expected[150 - 130 : 150 - 20, 40:80] = True  # the upright
    np.testing.assert_array_equal(mask, expected)


def test_rectangle_and_ellipse_areas(pixel_view):
    canvas, view = pixel_view()
    box = Rectangle((100, 75), 120, 80, color="red", parent=view.scene)
    mask = covered(canvas.render())
    assert mask.sum() == 120 * 80 and mask[35:115, 40:160].all()
    box.radius = 20
    expected = 120 * 80 - (4 - np.pi) * 20**2
    assert covered(canvas.render()).sum() == pytest.approx(expected, rel=0.01)
    box.parent = None
    Ellipse((100, 75), radius=(60, 40), color="red", parent=view.scene)
    assert covered(canvas.render()).sum() == pytest.approx(np.pi * 60 * 40, rel=0.01)


def test_ellipse_segments_follow_the_zoom_without_recompiling(pixel_view):
    canvas, view = pixel_view()
    disc = Ellipse((100, 75), radius=10, color="red", parent=view.scene)
    canvas.render()
    few = len(disc.vertices)
    kinds = sent_by(canvas, lambda: view.camera.zoom(1 / 30, center=(100, 75)))
    assert len(disc.vertices) > 4 * few
    assert Cmd.SHADERS not in kinds and Cmd.CREATE not in kinds
    disc.segments = 6
    canvas.render()
    assert len(disc.vertices) == 6


def test_polygon_changes_send_only_what_changed(pixel_view):
    canvas, view = pixel_view()
    shape = Polygon(
        [[20, 20], [180, 20], [100, 130]],
        color="red",
        border_color="white",
        border_width=2,
        parent=view.scene,
    )
    idle = {Cmd.FUNC, Cmd.DRAW, Cmd.READ_PIXELS}
    for change, allowed in [
        (lambda: setattr(shape, "color", "blue"), {Cmd.UNIFORM}),
        (lambda: setattr(shape, "border_width", 5), {Cmd.UNIFORM}),
        (lambda: setattr(shape, "border_color", "lime"), {Cmd.ATTRIBUTE_VALUE}),
        (lambda: setattr(shape, "vertices", [[10, 10], [190, 10], [100, 140]]), {Cmd.DATA}),
    ]:
        kinds = sent_by(canvas, change)
        assert set(kinds) - idle == allowed, kinds


def test_polygon_validates_its_input():
    with pytest.raises(ValueError, match=r"Polygon.vertices: shape \(2, 2\) is not \(N, 2\)"):
        Polygon([[0, 0], [1, 1]])
    with pytest.raises(ValueError, match="Polygon.vertices: contains NaN"):
        Polygon([[0, 0], [1, np.nan], [1, 1]])
    with pytest.raises(ValueError, match=r"Polygon.holes\[0\]: shape \(3, 3\)"):
        Polygon([[0, 0], [1, 0], [1, 1]], holes=[np.zeros((3, 3))])
    with pytest.raises(ValueError, match="Polygon.border_join must be one of"):
        Polygon([[0, 0], [1, 0], [1, 1]], border_join="sharp")
    with pytest.raises(ValueError, match="Rectangle.width must be a finite number > 0"):
        Rectangle((0, 0), -1, 1)
    with pytest.raises(ValueError, match="Rectangle.radius 2 is more than half"):
        Rectangle((0, 0), 2, 3, radius=2)
    with pytest.raises(ValueError, match="Ellipse.radius must be one or 2 finite numbers > 0"):
        Ellipse((0, 0), radius=(1, 0))
    with pytest.raises(
        ValueError, match="Ellipse.span_angle must be a finite number >= 1e-06 and <= 360"
    ):
        Ellipse((0, 0), span_angle=400)
    with pytest.raises(AttributeError, match="Ellipse.vertices are computed"):
        Ellipse((0, 0)).vertices = [[0, 0], [1, 0], [1, 1]]


def test_polygon_reference(pixel_view):
    canvas, view = pixel_view(bgcolor="#202020")
    Polygon(
        [[10, 10], [70, 10], [70, 30], [30, 30], [30, 70], [10, 70]],
        color="#1f9e89",
        border_color="white",
        border_width=2,
        parent=view.scene,
    )
    Polygon(
        [[85, 10], [150, 10], [150, 75], [85, 75]],
        holes=[[[95, 20], [125, 20], [110, 50]], [[130, 55], [142, 55], [142, 67], [130, 67]]],
        color=(1, 0.5, 0, 0.8),
        border_color="yellow",
        border_width=1.5,
        parent=view.scene,
    )
    Rectangle(
        (177, 42),
        34,
        60,
        radius=[0, 4, 12, 8],
        color="#27408b",
        border_color="white",
        parent=view.scene,
    )
    Ellipse(
        (45, 112),
        radius=(35, 24),
        color="#8b2d8b",
        border_color="white",
        border_width=2,
        parent=view.scene,
    )
    Ellipse(
        (130, 110),
        radius=28,
        start_angle=30,
        span_angle=300,
        color="#ffd700",
        border_color="red",
        border_width=3,
        border_join="round",
        parent=view.scene,
    )
    Ellipse((183, 112), radius=6, color="lime", parent=view.scene)
    assert_image_matches(canvas.render(), "polygon_shapes")
