"""The overlay (``canvas.overlay`` / vispy's ``canvas.scene``) and view borders: pixels."""

from __future__ import annotations

import numpy as np
import pytest
from browser import browser, canvas_pixels, open_export, page  # noqa: F401 - fixtures
from imagecompare import assert_image_matches, compare

from glframe import scene
from glframe.scene.visuals import Markers, Rectangle, Text

LIME = (0, 255, 0, 255)
RED = (255, 0, 0, 255)
BLACK = (0, 0, 0, 255)


@pytest.fixture
def canvas2d(make_canvas):
    make_canvas((1, 1))  # skips (or fails under CI) without GL; closed after the test
    canvases = []

    def factory(size=(200, 150), **view):
        canvas = scene.SceneCanvas(size=size, bgcolor="black")
        canvases.append(canvas)
        return canvas, canvas.add_view(**view)

    yield factory
    for canvas in canvases:
        canvas.close()


def with_dot(canvas2d, size=(200, 150), **view):
    """A view showing (0, 0, 10, 10) with a white dot at (5, 5) (its centre)."""
    canvas, v = canvas2d(size, camera=scene.PanZoomCamera(rect=(0, 0, 10, 10)), **view)
    Markers(np.array([[5.0, 5.0]]), size=20, edge_width=0, face_color="white", parent=v.scene)
    return canvas, v


def hud_box(canvas):
    """A lime rectangle over canvas pixels x 10..49, y 10..29 (40 x 20)."""
    return Rectangle((30, 20), 40, 20, color="lime", parent=canvas.scene)


def is_color(image, color):
    return np.all(image == np.array(color, np.uint8), axis=-1)


def box_mask(shape, x0, y0, x1, y1):
    """True inside columns x0..x1-1, rows y0..y1-1."""
    mask = np.zeros(shape[:2], bool)
    mask[y0:y1, x0:x1] = True
    return mask


def assert_hud_box_at(image, x0=10, y0=10, x1=50, y1=30):
    """The lime box covers exactly those pixels: every one of them, and no other."""
    lime = is_color(image, LIME)
    expected = box_mask(image.shape, x0, y0, x1, y1)
    wrong = np.argwhere(lime != expected)
    assert not len(wrong), f"{len(wrong)} pixels differ, first (row, col): {wrong[:5].tolist()}"


def centroid(mask):
    rows, cols = np.nonzero(mask)
    return cols.mean(), rows.mean()


# ---- the overlay --------------------------------------------------------------------------
def test_canvas_scene_is_the_overlay_scene_in_pixels_y_down(canvas2d):
    canvas, _ = with_dot(canvas2d)
    assert canvas._overlay is None  # nothing made (nor drawn) until asked for
    assert canvas.scene is canvas.overlay.scene
    assert canvas.overlay.rect == (0, 0, 200, 150)
    hud_box(canvas)
    image = canvas.render()
    assert_hud_box_at(image)  # (0, 0) top left, y down: near the top, not the bottom
    # drawn over the view: the dot (canvas centre) is still there, the box hides nothing
    assert is_color(image[70:80, 95:105], (255, 255, 255, 255)).all()


def test_hud_stays_at_its_pixels_while_the_camera_pans_and_zooms(canvas2d):
    canvas, view = with_dot(canvas2d)
    box = hud_box(canvas)
    label = Text(
        "FPS",
        positions=(190, 140),
        anchor_x="right",
        anchor_y="bottom",
        font_size=15,
        color="white",
        parent=canvas.scene,
    )
    before = canvas.render()
    view.camera.pan(2.0, 1.0)
    view.camera.zoom(0.5)
    after = canvas.render()
    assert_hud_box_at(after)
    # the text's pixels did not move (the corner holds only the label)
    np.testing.assert_array_equal(after[100:, 120:], before[100:, 120:])
    ink = before[100:, 120:, 0] > 128
    assert ink.sum() > 60, "no label drawn"
    rows, cols = np.nonzero(ink)
    assert 120 + cols.max() <= 190 and 100 + rows.max() <= 140  # anchored right, bottom
    # while the scene moved: the dot left the centre for where the camera puts it
    dot = lambda img: is_color(img, (255, 255, 255, 255)) & ~box_mask(img.shape, 120, 100, 200, 150)  # noqa: E731
    (bx, by), (ax, ay) = centroid(dot(before)), centroid(dot(after))
    assert abs(bx - 100) < 1 and abs(by - 75) < 1
    # the camera shows (4.5, 3.5, 5, 5) now: (5, 5) is a tenth across, 0.3 up
    assert abs(ax - 20) < 1 and abs(ay - 105) < 1
    assert box.visible and label.view is canvas.overlay


def test_the_overlay_follows_a_resize(canvas2d):
    canvas, _ = with_dot(canvas2d)
    hud_box(canvas)
    corner = Rectangle((275, 185), 30, 20, color="red", parent=canvas.scene)  # x 260..289
    first = canvas.render()
    assert not is_color(first, RED).any()  # beyond the 200 x 150 canvas
    canvas.size = (300, 200)
    assert canvas.overlay.rect == (0, 0, 300, 200)
    # mapped to the new size at once (not only at the next draw)
    np.testing.assert_allclose(
        canvas.overlay.canvas_to_scene([(0, 0), (300, 200)]), [(0, 0), (300, 200)]
    )
    image = canvas.render()
    assert image.shape[:2] == (200, 300)
    assert_hud_box_at(image)  # same pixels, same size: not stretched with the canvas
    red = is_color(image, RED)
    np.testing.assert_array_equal(red, box_mask(image.shape, 260, 175, 290, 195))
    assert corner.view is canvas.overlay


def test_a_larger_render_scales_the_overlay_with_the_canvas(canvas2d):
    canvas, _ = with_dot(canvas2d)
    hud_box(canvas)
    image = canvas.render(size=(400, 300))
    assert_hud_box_at(image, 20, 20, 100, 60)


def test_overlay_is_picked_first_and_takes_no_input(canvas2d):
    canvas, view = with_dot(canvas2d)
    box = hud_box(canvas)
    hit = canvas.pick((30, 20))
    assert hit is not None and hit.visual is box and hit.view is canvas.overlay
    # off the overlay's visuals, the view's under the pointer
    hit = canvas.pick((100, 75))
    assert hit is not None and hit.view is view and isinstance(hit.visual, Markers)
    assert canvas.pick((150, 20)) is None
    # a drag that starts on the HUD pans the view below it
    rect = tuple(view.camera.rect)
    for kind, pos, held in (
        ("mouse_press", (30, 20), (1,)),
        ("mouse_move", (60, 40), (1,)),
        ("mouse_release", (60, 40), ()),
    ):
        getattr(canvas.events, kind)(pos=pos, button=1, buttons=held, modifiers=())
    assert tuple(view.camera.rect) != rect


def test_overlay_camera_and_rect_are_fixed(canvas2d):
    canvas, _ = canvas2d()
    overlay = canvas.overlay
    with pytest.raises(AttributeError, match="PixelCamera.*cannot be replaced"):
        overlay.camera = "panzoom"
    with pytest.raises(AttributeError, match="covers the whole canvas"):
        overlay.rect = (0, 0, 10, 10)
    with pytest.raises(TypeError, match="no range to set"):
        overlay.camera.set_range()
    assert isinstance(overlay.camera, scene.PixelCamera)


def test_overlay_hud_reference(canvas2d):
    canvas, view = with_dot(canvas2d, border_color="#ff8000", border_width=2)
    hud_box(canvas)
    Text(
        "frame 12",
        positions=(8, 142),
        anchor_x="left",
        anchor_y="bottom",
        font_size=12,
        color="white",
        parent=canvas.scene,
    )
    assert_image_matches(canvas.render(), "overlay_hud")


# ---- view borders -------------------------------------------------------------------------
def border_mask(shape, x, y, w, h, b):
    return box_mask(shape, x, y, x + w, y + h) & ~box_mask(
        shape, x + b, y + b, x + w - b, y + h - b
    )


def test_border_is_exactly_on_the_views_edge(canvas2d):
    canvas, view = canvas2d(
        rect=(20, 10, 100, 80), bgcolor="#202020", border_color="red", border_width=3
    )
    image = canvas.render()
    red = is_color(image, RED)
    np.testing.assert_array_equal(red, border_mask(image.shape, 20, 10, 100, 80, 3))
    # inside: the view's background; outside: the canvas's
    assert is_color(image[13:87, 23:117], (32, 32, 32, 255)).all()
    assert is_color(image[:10], BLACK).all() and is_color(image[:, :20], BLACK).all()


def test_border_default_none_and_reactive(canvas2d):
    canvas, view = canvas2d(rect=(20, 10, 100, 80))
    assert view.border_color is None and view.border_width == 1
    plain = canvas.render()
    assert is_color(plain, BLACK).all()
    view.border_color = "red"  # one pixel, the default width
    image = canvas.render()
    np.testing.assert_array_equal(
        is_color(image, RED), border_mask(image.shape, 20, 10, 100, 80, 1)
    )
    view.border_width = 5
    view.border_color = (0, 1, 0)
    image = canvas.render()
    np.testing.assert_array_equal(
        is_color(image, LIME), border_mask(image.shape, 20, 10, 100, 80, 5)
    )
    assert not is_color(image, RED).any()
    view.border_width = 0
    assert is_color(canvas.render(), BLACK).all()
    view.border_width = 2
    view.border_color = None
    assert is_color(canvas.render(), BLACK).all()


def test_border_scales_with_a_larger_render_and_follows_the_grid(canvas2d):
    canvas, view = canvas2d(rect=(20, 10, 100, 80), border_color="red", border_width=2)
    image = canvas.render(size=(400, 300))
    np.testing.assert_array_equal(
        is_color(image, RED), border_mask(image.shape, 40, 20, 200, 160, 4)
    )
    canvas2 = scene.SceneCanvas(size=(200, 100), bgcolor="black")
    try:
        grid = canvas2.add_grid()
        left = grid.add_view(0, 0, border_color="red")
        right = grid.add_view(0, 1, border_color=(0, 1, 0), border_width=2)
        image = canvas2.render()
        assert left.rect == (0, 0, 100, 100) and right.rect == (100, 0, 100, 100)
        np.testing.assert_array_equal(
            is_color(image, RED), border_mask(image.shape, 0, 0, 100, 100, 1)
        )
        np.testing.assert_array_equal(
            is_color(image, LIME), border_mask(image.shape, 100, 0, 100, 100, 2)
        )
    finally:
        canvas2.close()


def test_border_is_not_picked(canvas2d):
    canvas, view = canvas2d(
        camera=scene.PanZoomCamera(rect=(0, 0, 10, 10)), border_color="red", border_width=4
    )
    Rectangle((5, 5), 10, 10, color="blue", parent=view.scene)  # fills the view
    hit = canvas.pick((1, 1), radius=0)
    assert hit is not None and isinstance(hit.visual, Rectangle)
    assert is_color(canvas.render()[1:2, 1:2], RED).all()  # the border is drawn over it


@pytest.mark.parametrize(
    ("name", "value", "error", "match"),
    [
        ("border_color", "reddish", ValueError, "View.border_color"),
        ("border_color", (255, 0, 0), ValueError, r"View.border_color: .*0-255"),
        ("border_color", [[1, 0, 0]] * 2, ValueError, "View.border_color: one colour"),
        ("border_width", -1, ValueError, r"View.border_width must be a finite number >= 0"),
        ("border_width", float("nan"), ValueError, "View.border_width"),
        ("border_width", "wide", TypeError, "View.border_width"),
        ("border_width", True, TypeError, "View.border_width must be a number of pixels"),
    ],
)
def test_bad_borders_are_refused_clearly(canvas2d, name, value, error, match):
    canvas, view = canvas2d(border_color="red")
    with pytest.raises(error, match=match):
        setattr(view, name, value)
    assert view.border_color == (1.0, 0.0, 0.0, 1.0) and view.border_width == 1  # unchanged
    with pytest.raises(error, match=match):
        canvas.add_view(**{name: value})


def test_vispys_hud_line_ports_as_it_is(canvas2d):
    canvas, _ = canvas2d()
    scene.visuals.Text("FPS", parent=canvas.scene, pos=(40, 30), font_size=15)
    ink = canvas.render()[..., 0] > 128
    x, y = centroid(ink)
    assert ink.sum() > 60 and abs(x - 40) < 3 and abs(y - 30) < 4  # centred at (40, 30)


def test_hidpi_overlay_and_border_in_logical_pixels(canvas2d):
    canvas = scene.SceneCanvas(size=(200, 150), bgcolor="black", pixel_ratio=2)
    try:
        canvas.add_view(rect=(100, 0, 100, 150), border_color="red", border_width=2)
        box = hud_box(canvas)
        image = canvas.render()
        assert image.shape[:2] == (300, 400)
        assert_hud_box_at(image, 20, 20, 100, 60)
        np.testing.assert_array_equal(
            is_color(image, RED), border_mask(image.shape, 200, 0, 200, 300, 4)
        )
        hit = canvas.pick((45, 25))  # logical pixels
        assert hit is not None and hit.visual is box and hit.pos == (45, 25)
        np.testing.assert_allclose(canvas.overlay.canvas_to_scene((45, 25)), (45, 25))
    finally:
        canvas.close()


# ---- client mode and the exported page ---------------------------------------------------
# (before the browser test: Playwright's browser, kept for the module, runs an asyncio
# loop in this thread, and a session would defer its pumps to that loop)
def test_client_mode_streams_the_overlay_and_its_resize(canvas2d):
    from glframe.app._remote import CanvasSource
    from glframe.backends.web import RemoteSession, per_frame_commands

    canvas, view = with_dot(canvas2d, size=(120, 80))
    Rectangle((20, 10), 20, 10, color="lime", parent=canvas.scene)
    source = CanvasSource(canvas)
    _, frame, views = source.glir_snapshot()
    assert len(views) == 1  # the overlay is no page camera: its uniforms are the frame's
    draws = [c for c in per_frame_commands(frame, views) if str(c[0]) == "DRAW"]
    assert len(draws) == 2  # the dot, then the overlay's rectangle
    sent = []
    session = RemoteSession(source, lambda h, b: sent.append((h, b)), mode="client")
    session.receive({"type": "ready"})
    sent.clear()
    session.receive({"type": "resize", "width": 60, "height": 40, "pixel_ratio": 1})
    ((header, _),) = [(h, b) for h, b in sent if h["type"] == "glir"]
    commands = header["glir"]["commands"]
    scales = [c[4] for c in commands if c[0] == "UNIFORM" and c[2] == "u_st_scale"]
    assert [2 / 60, -2 / 40, 1.0] in scales  # the overlay's pixels, at the new size
    assert [c[0] for c in commands].count("DRAW") == 2


def test_exported_page_draws_the_overlay_and_borders(canvas2d, page, tmp_path):  # noqa: F811
    canvas, view = with_dot(canvas2d, size=(300, 200), border_color="red", border_width=3)
    hud_box(canvas)
    Text(
        "HUD",
        positions=(290, 190),
        anchor_x="right",
        anchor_y="bottom",
        font_size=13.5,
        color="white",
        parent=canvas.scene,
    )
    open_export(page, canvas.export_html(tmp_path / "overlay.html"))

    def same(when):
        ok, why, _ = compare(
            canvas_pixels(page),
            canvas.render(),
            noise=6,
            edge_fraction=0.2,
            min_allowed=8,
            max_interior=12,
        )
        assert ok, f"{when}: {why}"

    same("first frame")
    assert_hud_box_at(canvas_pixels(page))
    box = page.locator("canvas").bounding_box()
    page.mouse.move(box["x"] + 150, box["y"] + 100)
    page.mouse.down()
    page.mouse.move(box["x"] + 190, box["y"] + 130, steps=4)
    page.mouse.up()
    page.wait_for_timeout(100)
    for kind, pos, held in (
        ("mouse_press", (150, 100), (1,)),
        ("mouse_move", (190, 130), (1,)),
        ("mouse_release", (190, 130), ()),
    ):
        getattr(canvas.events, kind)(pos=pos, button=1, buttons=held, modifiers=())
    same("after a drag")
    pixels = canvas_pixels(page)
    assert_hud_box_at(pixels)  # the page's camera moved the scene, not the overlay
    np.testing.assert_array_equal(
        is_color(pixels, RED), border_mask(pixels.shape, 0, 0, 300, 200, 3)
    )
    assert not page.js_errors, page.js_errors
