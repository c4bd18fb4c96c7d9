"""Text: font lookup, signed distance fields, the glyph atlas, layout, rendering, reactivity."""

from __future__ import annotations

import numpy as np
import pytest
from imagecompare import assert_image_matches

from glframe import scene
from glframe.gloo import Cmd, GlirContext
from glframe.scene.visuals._fonts import find_font, font_families
from glframe.scene.visuals._sdf import EM, FontAtlas, layout, signed_distance
from glframe.scene.visuals._text import Text

# the default size of scene_canvas() (conftest.py)
SCENE_SIZE = (200, 100)


def pixel_view(scene_canvas, size=(200, 100)):
    """A canvas whose scene coordinates are its pixels (origin bottom left)."""
    canvas = scene_canvas(size, bgcolor="black")
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, *size)))
    return canvas, view


def ink_box(image, threshold=100):
    """(x0, x1, y0, y1) of the lit pixels: columns, then rows counted upwards (y up)."""
    lit = image[..., :3].max(-1) > threshold
    rows, cols = np.nonzero(lit)
    h = image.shape[0]
    return np.array([cols.min(), cols.max() + 1, h - rows.max() - 1, h - rows.min()], float)


def expected_box(text, anchor, index=0):
    x0, y0, x1, y1 = text.extent(index)
    return np.array([anchor[0] + x0, anchor[0] + x1, anchor[1] + y0, anchor[1] + y1])


def sent_commands(canvas):
    sent = []
    canvas.context.listeners.append(sent.extend)
    return sent


# ---- fonts ------------------------------------------------------------------------------
def test_fonts_are_found_by_family_style_or_path():
    sans = find_font("DejaVu Sans")
    assert sans.name == "DejaVuSans.ttf"
    assert find_font("dejavu serif").name == "DejaVuSerif.ttf"
    assert find_font("DejaVu Sans", bold=True).name == "DejaVuSans-Bold.ttf"
    assert find_font(str(sans)) == sans
    assert find_font("sans") == sans and find_font("monospace").name == "DejaVuSansMono.ttf"
    assert {"DejaVu Sans", "DejaVu Serif"} <= set(font_families())


def test_user_font_folders_come_first(tmp_path, monkeypatch):
    import shutil

    copy = tmp_path / "MySerif.ttf"
    shutil.copy(find_font("DejaVu Serif"), copy)
    monkeypatch.setenv("GLFRAME_FONT_PATH", str(tmp_path))
    assert find_font("DejaVu Serif") == copy
    with pytest.raises(ValueError, match="does not exist"):
        scene.visuals.fonts.add_font_dir(tmp_path / "nowhere")


def test_unknown_fonts_name_the_fonts_found():
    with pytest.raises(ValueError, match=r"no font 'Comic Nonsense'.*fonts found: .*DejaVu Sans"):
        find_font("Comic Nonsense")
    with pytest.raises(ValueError, match=r"Text.font: no font 'Nope'.*DejaVu Serif"):
        Text("x", font="Nope")
    with pytest.raises(ValueError, match="does not exist"):
        find_font("/no/such/font.ttf")


# ---- distance field and atlas -------------------------------------------------------------
def test_signed_distance_of_an_antialiased_disc():
    # coverage of a disc of radius 9.3 at (20.2, 19.7), 8x8 supersampled per pixel
    s = (np.arange(8) + 0.5) / 8
    ys, xs = np.mgrid[0:40, 0:40]
    sx = xs[..., None, None] + s[None, None, None, :]
    sy = ys[..., None, None] + s[None, None, :, None]
    cover = ((sx - 20.2) ** 2 + (sy - 19.7) ** 2 < 9.3**2).mean(axis=(2, 3))
    d = signed_distance(cover)
    exact = np.hypot(xs + 0.5 - 20.2, ys + 0.5 - 19.7) - 9.3
    near = np.abs(exact) < 6
    error = np.abs(d - exact)[near]
    assert error.mean() < 0.03 and error.max() < 0.15
    assert np.all(np.sign(d[np.abs(exact) > 0.5]) == np.sign(exact[np.abs(exact) > 0.5]))


def test_atlas_caches_glyphs_and_grows_by_size_and_data():
    atlas = FontAtlas(find_font("DejaVu Sans"))  # a private atlas: empty
    assert FontAtlas.for_font(atlas.path) is FontAtlas.for_font(str(atlas.path))
    a = atlas.glyph(atlas.glyph_index("a"))
    assert atlas.glyph(atlas.glyph_index("a")) is a
    assert 0.5 < a.advance < 0.7 and a.texels[2] > 2 * 8
    assert atlas.glyph(atlas.glyph_index(" ")).ink is None  # a space has no bitmap
    context = GlirContext("atlas test")
    with context:
        texture = atlas.texture(context)
        assert atlas.texture(context) is texture
        context.queue.flush()
        atlas.glyph(atlas.glyph_index("b"))  # one more glyph: one DATA of its rows
        atlas.texture(context)
        assert [c[0] for c in context.queue.flush()] == [Cmd.DATA]
        height = atlas.data.shape[0]
        for code in [*range(0x391, 0x3CA), *range(0x410, 0x450)]:  # Greek and Cyrillic
            atlas.glyph(atlas.glyph_index(chr(code)))
        assert atlas.data.shape[0] > height
        atlas.texture(context)
        kinds = [c[0] for c in context.queue.flush()]
        assert kinds == [Cmd.SIZE, Cmd.DATA]
    assert atlas.glyphs[a.index] is a  # glyphs laid out before still valid: texels unchanged


def test_layout_anchors_and_lines():
    atlas = FontAtlas.for_font(find_font("DejaVu Sans"))
    boxes = {}
    for ax in ("left", "center", "right"):
        for ay in ("top", "center", "baseline", "bottom"):
            quads, texels, label_of, ink = layout(atlas, ["Hxg", "H"], ax, ay)
            assert len(quads) == 4 and list(label_of) == [0, 0, 0, 1]
            boxes[ax, ay] = ink
    width = boxes["left", "top"][0, 2] - boxes["left", "top"][0, 0]
    assert boxes["left", "top"][0, 0] == pytest.approx(0, abs=0.1)  # left bearing of H
    assert boxes["right", "top"][0, 2] == pytest.approx(0, abs=0.1)
    assert boxes["center", "top"][0, 0] == pytest.approx(-width / 2, abs=0.05)
    h = boxes["left", "baseline"][1]
    assert h[1] == pytest.approx(0, abs=0.03) and h[3] == pytest.approx(
        0.73, abs=0.03
    )  # cap height
    assert boxes["left", "top"][1, 3] == pytest.approx(0.73 - atlas.ascender, abs=0.03)
    assert boxes["left", "bottom"][1, 1] == pytest.approx(-atlas.descender, abs=0.03)
    top, bottom = atlas.ascender, atlas.descender
    assert boxes["left", "center"][1, 1] == pytest.approx(-(top + bottom) / 2, abs=0.03)
    one, _, _, ink1 = layout(atlas, ["H"], "left", "top")
    two, _, _, ink2 = layout(atlas, ["H\nH"], "left", "top")
    assert ink2[0, 1] == pytest.approx(ink1[0, 1] - atlas.line_height)  # a second line below


def test_unicode_and_missing_glyphs():
    atlas = FontAtlas.for_font(find_font("DejaVu Sans"))
    assert all(atlas.glyph_index(c) for c in "éßαβ∑Ж")
    assert atlas.glyph_index("\u4e00") == 0  # no CJK in DejaVu: the .notdef glyph
    notdef = atlas.glyph(0)
    assert notdef.ink is not None and notdef.advance > 0.3  # a visible box


# ---- rendering ------------------------------------------------------------------------------
def test_rendered_box_matches_the_layout(scene_canvas):
    canvas, view = pixel_view(scene_canvas)
    text = Text("Hxgé", positions=(100, 50), font_size=24, parent=view.scene)
    for ax, ay in [
        ("left", "baseline"),
        ("center", "center"),
        ("right", "top"),
        ("left", "bottom"),
    ]:
        text.anchor_x, text.anchor_y = ax, ay
        box = ink_box(canvas.render())
        np.testing.assert_allclose(box, expected_box(text, (100, 50)), atol=1.5, err_msg=ax + ay)
    # the anchor moves the box: left of the anchor for "right", right of it for "left"
    assert box[0] >= 99 and expected_box(text, (100, 50))[0] >= 99
    text.anchor_x = "right"
    assert ink_box(canvas.render())[1] <= 101


def test_rotation_by_90_degrees_swaps_width_and_height(scene_canvas):
    canvas, view = pixel_view(scene_canvas, (160, 160))
    text = Text("Rotate", positions=(80, 80), font_size=21, parent=view.scene)
    x0, x1, y0, y1 = ink_box(canvas.render())
    text.rotation = 90
    r0, r1, s0, s1 = ink_box(canvas.render())
    assert r1 - r0 == pytest.approx(y1 - y0, abs=2) and s1 - s0 == pytest.approx(x1 - x0, abs=2)
    assert (r0 + r1) / 2 == pytest.approx(80, abs=2.5)  # turned about its anchor (the centre)
    assert (s0 + s1) / 2 == pytest.approx(80, abs=2.5)


def test_pixel_and_scene_scaling(scene_canvas):
    canvas, view = pixel_view(scene_canvas)
    pixels = Text("Aa", positions=(75, 50), font_size=20, scaling="pixels", parent=view.scene)
    scaled = Text("Aa", positions=(125, 50), font_size=20, scaling="scene", parent=view.scene)
    image = canvas.render()
    left, right = ink_box(image[:, :100]), ink_box(image[:, 100:])
    np.testing.assert_allclose(left[1] - left[0], right[1] - right[0], atol=1)  # 1 unit = 1 px
    view.camera.rect = (50, 25, 100, 50)  # zoom in 2x around the centre
    image = canvas.render()
    zoom_left, zoom_right = ink_box(image[:, :100]), ink_box(image[:, 100:])
    assert zoom_left[1] - zoom_left[0] == pytest.approx(left[1] - left[0], abs=1)
    assert zoom_right[1] - zoom_right[0] == pytest.approx(2 * (right[1] - right[0]), abs=2)
    assert pixels.extent()[2] == pytest.approx(scaled.extent()[2])
    view.camera.rect = (0, 0, 200, 100)
    big = canvas.render(size=(400, 200))  # pixel sizes scale with the render size
    assert ink_box(big[:, :200])[1] - ink_box(big[:, :200])[0] == pytest.approx(
        2 * (left[1] - left[0]), abs=2
    )


def test_outline_grows_the_box_by_its_width(scene_canvas):
    canvas, view = pixel_view(scene_canvas)
    text = Text("Ol", positions=(100, 50), font_size=30, color="white", parent=view.scene)
    plain = ink_box(canvas.render(), threshold=60)
    text.outline_color, text.outline_width = "red", 3
    sent = sent_commands(canvas)
    image = canvas.render()
    np.testing.assert_allclose(ink_box(image, 60), plain + [-3, 3, -3, 3], atol=1)
    assert [c[0] for c in sent].count(Cmd.DRAW) == 2  # outlines first, then fills
    inside = image[50 - 10 : 50 + 10, 100 - 20 : 100 + 20]  # the fills stay white
    assert (inside.min(-1) > 200).sum() > 100


def test_missing_glyph_draws_the_notdef_box(scene_canvas):
    canvas, view = pixel_view(scene_canvas)
    text = Text("\u4e00", positions=(100, 50), font_size=22.5, parent=view.scene)
    first = canvas.render()
    assert (first[..., 0] > 100).sum() > 50
    text.text = "\u4e01"  # another missing character: the same box
    np.testing.assert_array_equal(canvas.render(), first)


def test_reference_two_fonts(scene_canvas):
    canvas = scene_canvas((240, 120), bgcolor="#181820")
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, 240, 120)))
    Text(
        "DejaVu Sans: Hxg éß αβ∑",
        positions=(8, 100),
        font_size=12,
        anchor_x="left",
        color="white",
        parent=view.scene,
    )
    Text(
        "DejaVu Serif, 2 lines\nin #ffb040",
        positions=(8, 76),
        font="DejaVu Serif",
        font_size=11.25,
        anchor_x="left",
        anchor_y="top",
        color="#ffb040",
        parent=view.scene,
    )
    Text(
        "Outline",
        positions=(150, 18),
        font_size=19.5,
        color="yellow",
        outline_color="blue",
        outline_width=2,
        parent=view.scene,
    )
    Text(
        ["up", "down"],
        positions=[(225, 60), (205, 60)],
        rotation=[-90, 90],
        font="DejaVu Serif",
        font_size=9.75,
        color=[(0.4, 1, 0.4), (1, 0.4, 0.4)],
        parent=view.scene,
    )
    assert_image_matches(canvas.render(), "text_two_fonts")


# ---- many labels, reactivity, errors ----------------------------------------------------------
def test_thousands_of_labels_in_one_draw(scene_canvas):
    canvas = scene_canvas((200, 200))
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, 1, 1)))
    rng = np.random.default_rng(1)
    labels = Text(
        [str(i) for i in range(2000)],
        rng.random((2000, 2)),
        font_size=6,
        color=rng.random((2000, 3)),
        parent=view.scene,
    )
    sent = sent_commands(canvas)
    image = canvas.render()
    assert [c[0] for c in sent].count(Cmd.DRAW) == 1
    assert len(labels._label_of) == sum(len(str(i)) for i in range(2000))
    assert (image[..., :3].max(-1) > 60).mean() > 0.2


def test_pick_reports_the_label(scene_canvas):
    canvas, view = pixel_view(scene_canvas)
    text = Text(["left", "right"], [(50, 50), (150, 50)], font_size=22.5, parent=view.scene)
    canvas.render()
    hit = canvas.pick((150, 50))
    assert hit is not None and hit.visual is text and hit.index == 1
    assert canvas.pick((50, 50)).index == 0 and canvas.pick((100, 90)) is None


def test_changes_send_only_what_changed(scene_canvas):
    canvas, view = pixel_view(scene_canvas)
    text = Text(
        ["one", "two"],
        [(50, 50), (150, 50)],
        font_size=15,
        color=[(1, 0, 0), (0, 1, 0)],
        parent=view.scene,
    )
    canvas.render()
    sent = sent_commands(canvas)
    canvas.render()
    assert {c[0] for c in sent} <= {Cmd.FUNC, Cmd.DRAW, Cmd.READ_PIXELS}  # nothing changed
    changes = [
        (lambda: setattr(text, "color", [(1, 0, 0), (0, 0, 1)]), {Cmd.DATA}),
        (lambda: setattr(text, "color", "red"), {Cmd.ATTRIBUTE_VALUE}),
        (lambda: setattr(text, "color", [(1, 0, 0), (0, 1, 0)]), {Cmd.DATA, Cmd.ATTRIBUTE}),
        (lambda: setattr(text, "outline_width", 1.5), {Cmd.UNIFORM}),
        (lambda: setattr(text, "rotation", 30), {Cmd.ATTRIBUTE_VALUE}),
        (lambda: setattr(text, "positions", [(40, 40), (140, 40)]), {Cmd.DATA}),
        (lambda: setattr(text, "text", ["three", "four"]), {Cmd.DATA}),  # new glyphs too
    ]
    for change, expected in changes:
        change()
        sent.clear()
        canvas.render()
        kinds = {c[0] for c in sent} - {Cmd.FUNC, Cmd.DRAW, Cmd.READ_PIXELS}
        assert kinds == expected, (expected, kinds)
    text.font = "DejaVu Serif"  # another atlas: its texture, still no recompilation
    sent.clear()
    canvas.render()
    assert Cmd.SHADERS not in {c[0] for c in sent}


def test_empty_text_then_text(scene_canvas):
    canvas, view = pixel_view(scene_canvas)
    text = Text("", parent=view.scene)
    assert canvas.render()[..., :3].max() == 0
    assert text.extent() == (0.0, 0.0, 0.0, 0.0)
    text.set_data("Hi", positions=(100, 50))
    assert canvas.render()[..., :3].max() > 200


def test_text_validates_its_input():
    with pytest.raises(ValueError, match=r"Text.positions: 2 positions for 3 strings"):
        Text(["a", "b", "c"], [(0, 0), (1, 1)])
    with pytest.raises(ValueError, match=r"Text.positions: shape \(2, 4\)"):
        Text(["a", "b"], np.zeros((2, 4)))
    with pytest.raises(TypeError, match="Text.text: item 1 is int, not str"):
        Text(["a", 2], np.zeros((2, 2)))
    text = Text(["a", "b"], np.zeros((2, 2)))
    with pytest.raises(ValueError, match="Text.anchor_x must be one of left, center, right"):
        text.anchor_x = "middle"
    with pytest.raises(ValueError, match="Text.anchor_y must be one of top, center, baseline"):
        text.anchor_y = "up"
    with pytest.raises(ValueError, match=r"Text.font_size must be a finite number >= 0"):
        text.font_size = -3
    with pytest.raises(ValueError, match=r"Text.rotation: shape \(3,\) is not \(\) or \(2,\)"):
        text.rotation = [0, 1, 2]
    with pytest.raises(ValueError, match="Text.color: unknown colour 'reddish'"):
        text.color = "reddish"
    with pytest.raises(ValueError, match="Text.outline_width must be a finite number >= 0"):
        text.outline_width = -1
    with pytest.raises(
        ValueError, match="Text.scaling must be one of points, pixels, scene, not 'data'"
    ):
        text.scaling = "data"
    with pytest.raises(TypeError, match="Text.set_data has no property 'size'"):
        text.set_data(size=3)
    text.font_size = [10, 20]
    with pytest.raises(ValueError, match="there are 3 labels now: give font_size= too"):
        text.set_data(["a", "b", "c"], np.zeros((3, 2)))
    assert text.text == ["a", "b"] and len(text.positions) == 2  # nothing changed
    text.set_data("same", np.zeros((5, 2)), font_size=9)  # one string at five places
    assert text.extent(4) == text.extent(0)
    assert EM == 48
