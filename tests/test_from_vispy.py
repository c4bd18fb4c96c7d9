"""What a vispy user meets first: vispy's names where they are free, nothing silent,
and errors that say what to write instead (issue 17)."""

from __future__ import annotations

import numpy as np
import pytest

from glframe import scene
from glframe.gloo._state import as_rgba


# ---- colours ------------------------------------------------------------------------------
def test_short_hex_colours_are_accepted():
    assert as_rgba("#f006") == (1.0, 0.0, 0.0, 0.4)
    assert as_rgba("#f80") == pytest.approx((1.0, 0x88 / 255, 0.0, 1.0))
    assert as_rgba("#F80") == as_rgba("#ff8800")
    with pytest.raises(ValueError, match=r"unknown colour '#gf80'.*'#rgb\[a\]'"):
        as_rgba("#gf80")
    with pytest.raises(ValueError, match="unknown colour '#ff80f'"):
        as_rgba("#ff80f")


def test_0_255_colours_are_refused_with_the_float_form():
    with pytest.raises(
        ValueError,
        match=r"values must be floats in \[0, 1\]; for 0-255 bytes "
        r"write \(1.0, 0.502, 0.0\)",
    ):
        as_rgba((255, 128, 0))
    with pytest.raises(ValueError, match=r"\(1.5, 0, 0\): values must be floats in \[0, 1\]$"):
        as_rgba((1.5, 0, 0))
    with pytest.raises(ValueError, match="Markers.face_color: colour"):
        scene.visuals.Markers(np.zeros((2, 2)), face_color=(255, 0, 0))
    with pytest.raises(ValueError, match="Markers.face_color: colours are floats in"):
        scene.visuals.Markers(np.zeros((2, 2)), face_color=np.array([[255, 0, 0], [0, 0, 255]]))
    # rounding in a computed colour is not a mistake: it is clamped
    assert as_rgba((0.1 * 3 / 0.3, 0, -1e-12)) == (1.0, 0.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="values must be floats"):
        as_rgba((1.001, 0, 0))
    # the float form, and floats of 1, are fine
    markers = scene.visuals.Markers(np.zeros((2, 2)), face_color=(1, 0, 0))
    markers.face_color = np.array([[1, 0, 0], [0, 0, 1]])
    markers.face_color = "#f008"


# ---- canvases: on_<event> methods, size, keys, show ----------------------------------------
def test_a_canvas_subclass_on_draw_renders_its_picture(make_canvas):
    make_canvas((1, 1))  # skips (or fails under CI) without GL
    import glframe
    from glframe import gloo

    class Red(glframe.Canvas):
        def __init__(self):
            super().__init__(size=(32, 24))
            self.resized = []

        def on_draw(self, event):
            gloo.clear(color=(1, 0, 0, 1))

        def on_resize(self, event):
            self.resized.append(event.size)

    canvas = Red()
    try:
        image = canvas.render()
        assert image.shape == (24, 32, 4) and (image[..., :3] == (255, 0, 0)).all()
        canvas.size = (40, 20)  # vispy's setter: a resize
        assert canvas.size == (40, 20) and canvas.resized == [(40, 20)]
        assert canvas.render().shape == (20, 40, 4)
        assert len(canvas.events.draw.callbacks) == 1  # connected once
        with pytest.raises(ValueError, match="canvas size must be"):
            canvas.size = 40
    finally:
        canvas.close()


def test_scene_canvas_subclass_input_methods_and_drawing_over_the_views(scene_canvas):
    from glframe import gloo

    calls = []

    class Viewer(scene.SceneCanvas):
        def on_draw(self, event):  # after the views: draws over them
            calls.append(("draw", self.frame))
            gloo.set_state(scissor_test=True, scissor=(0, 0, 10, 10))
            gloo.clear(color="red", depth=False)
            gloo.set_state(scissor_test=False)

        def on_mouse_press(self, event):
            calls.append(("press", tuple(event.pos)))

        def on_mouse_wheel(self, event):
            calls.append(("wheel", tuple(event.delta)))

        def on_key_press(self, event):
            calls.append(("key", event.key))

        def on_key_release(self, event):
            calls.append(("release", event.key))

        def on_close(self, event):
            calls.append(("close",))

    canvas = Viewer(size=(40, 30), bgcolor="blue")
    try:
        image = canvas.render()
        assert calls == [("draw", 1)]  # the views were drawn first (frame 1)
        assert tuple(image[-5, 5, :3]) == (255, 0, 0) and tuple(image[5, 30, :3]) == (0, 0, 255)
        canvas.handle_backend_event("mouse_press", pos=(3, 4), button=1)
        canvas.handle_backend_event("mouse_wheel", pos=(3, 4), delta=(0, 1))
        canvas.handle_backend_event("key_press", key="a")
        canvas.handle_backend_event("key_release", key="a")
        assert calls[1:] == [("press", (3, 4)), ("wheel", (0, 1)), ("key", "a"), ("release", "a")]
    finally:
        canvas.close()
    assert calls[-1] == ("close",)


def test_keys_interactive_escape_closes_and_f11_is_refused_offscreen(scene_canvas, caplog):
    canvas = scene_canvas((20, 20), keys="interactive", show=True)  # show: nothing offscreen
    with caplog.at_level("INFO", logger="glframe.app"):
        canvas.handle_backend_event("key_press", key="F11")
    assert "cannot go full screen" in caplog.text and not canvas.fullscreen
    with pytest.raises(RuntimeError, match="has no screen to fill"):
        canvas.fullscreen = True
    canvas.handle_backend_event("key_press", key="Escape")
    assert canvas.closed
    pressed = []
    other = scene_canvas((20, 20), keys={"q": lambda: pressed.append("q")})
    other.handle_backend_event("key_press", key="q")
    other.handle_backend_event("key_press", key="Escape")
    assert pressed == ["q"] and not other.closed
    with pytest.raises(ValueError, match='keys must be None, "interactive" or a dict'):
        scene_canvas((20, 20), keys="vim")
    with pytest.raises(TypeError, match="must map a key name to a function"):
        scene_canvas((20, 20), keys={"q": "quit"})


def test_keys_interactive_f11_fills_the_screen_in_a_window(xvfb):
    canvas = scene.SceneCanvas(size=(64, 48), backend="window", keys="interactive", show=True)
    try:
        assert canvas._surface.visible
        canvas.handle_backend_event("key_press", key="F11")
        assert canvas.fullscreen and canvas.logical_size == (1280, 1024)  # Xvfb's screen
        canvas.handle_backend_event("key_press", key="F11")
        assert not canvas.fullscreen and canvas.logical_size == (64, 48)
        canvas.handle_backend_event("key_press", key="Escape")
        assert canvas.closed
    finally:
        canvas.close()


# ---- views and cameras ------------------------------------------------------------------------
def test_cameras_by_name_and_the_names_in_errors(scene_canvas):
    canvas = scene_canvas((20, 20))
    view = canvas.central_widget.add_view()  # vispy's spelling
    assert view in canvas.views
    for name, cls in scene.cameras.CAMERAS.items():
        view.camera = name
        assert type(view.camera) is cls and view.camera.view is view
    assert type(canvas.add_view(camera="arcball").camera) is scene.ArcballCamera
    with pytest.raises(ValueError, match="no camera 'turntabel'; did you mean 'turntable'"):
        view.camera = "turntabel"
    with pytest.raises(ValueError, match="'perspective'; vispy's PerspectiveCamera.*'arcball'"):
        view.camera = "perspective"
    with pytest.raises(
        TypeError,
        match="View.camera must be a camera or one of the names "
        "'panzoom', 'turntable', 'arcball', 'fly', not 42",
    ):
        view.camera = 42
    assert type(view.camera) is scene.FlyCamera  # unchanged by the refusals


def test_view_add_puts_a_visual_in_its_scene(scene_canvas):
    canvas = scene_canvas((20, 20))
    view = canvas.add_view()
    markers = scene.visuals.Markers(np.zeros((1, 2)))
    assert view.add(markers) is markers and markers.parent is view.scene
    with pytest.raises(TypeError, match="View.add needs a scene node"):
        view.add("markers")


def blob(n=24):
    z, y, x = (np.mgrid[0:n, 0:n, 0:n] + 0.5) / n * 2 - 1
    return np.exp(-4 * (x**2 + y**2 + z**2)).astype(np.float32)


def test_a_named_camera_fits_the_volume_at_its_first_draw(scene_canvas):
    canvas = scene_canvas((80, 80), bgcolor="black")
    view = canvas.add_view()
    scene.visuals.Volume(blob(), cmap="grays", clim=(0, 1), parent=view.scene)
    view.camera = "turntable"  # no set_range()
    image = canvas.render()
    assert image[40, 40, 0] > 150  # the blob's bright core, in the middle
    assert np.allclose(view.camera.center, 12, atol=0.01)  # the volume's centre
    assert view.camera.scale_factor > 24
    # once fitted (or given a range), the camera keeps what it shows
    view.camera.center = (0, 0, 0)
    canvas.render()
    assert np.allclose(view.camera.center, 0)
    # a range given to the constructor is kept: the origin corner, not the blob
    explicit = scene.TurntableCamera(center=(-100, -100, -100), scale_factor=10)
    view.camera = explicit
    assert canvas.render()[40, 40, 0] == 0 and np.allclose(explicit.center, -100)


def test_an_unfitted_camera_waits_for_visuals_and_panzoom_fits_too(scene_canvas):
    canvas = scene_canvas((40, 40), bgcolor="black")
    view = canvas.add_view(camera="panzoom")
    canvas.render()  # nothing to fit yet
    assert tuple(view.camera.rect) == (0, 0, 1, 1)
    scene.visuals.Markers([[100, 200], [300, 400]], size=4, parent=view.scene)
    canvas.render()
    x, y, w, h = view.camera.rect
    assert x < 100 and x + w > 300 and y < 200 and y + h > 400
    # the default camera of a view keeps the unit square (what it always showed)
    plain = canvas.add_view()
    scene.visuals.Markers([[100, 200]], parent=plain.scene)
    canvas.render()
    assert tuple(plain.camera.rect) == (0, 0, 1, 1)


# ---- unknown keywords and attributes ----------------------------------------------------------
def test_unknown_keywords_name_the_class_and_the_nearest_keyword():
    with pytest.raises(
        TypeError,
        match=r"^Line\(\) got an unexpected keyword argument 'widht'; did you mean 'width'",
    ):
        scene.visuals.Line(np.zeros((2, 2)), widht=2)
    with pytest.raises(
        TypeError,
        match=r"^Markers\(\) got an unexpected keyword argument "
        "'sise'; did you mean 'size'",
    ):
        scene.visuals.Markers(np.zeros((2, 2)), sise=3)
    with pytest.raises(
        TypeError,
        match=r"^TurntableCamera\(\) got an unexpected keyword "
        "argument 'azimut'; did you mean 'azimuth'",
    ):
        scene.TurntableCamera(azimut=30)
    with pytest.raises(TypeError, match=r"^Volume\(\) got an unexpected keyword argument"):
        scene.visuals.Volume(blob(4), depth_value=1)

    # vispy's other names: the glframe name that this class has
    with pytest.raises(TypeError, match="'pos'; did you mean 'vertices'.*vispy's name"):
        scene.visuals.Polygon(pos=np.zeros((3, 2)))
    with pytest.raises(TypeError, match="'face'; did you mean 'font'.*vispy's name"):
        scene.visuals.Text("a", face="serif")
    with pytest.raises(TypeError, match="'relative_step_size'; did you mean 'step_size'"):
        scene.visuals.Volume(blob(4), relative_step_size=0.5)

    with pytest.raises(TypeError, match="'num_segments'; did you mean 'segments'"):
        scene.visuals.Ellipse(num_segments=16)
    markers = scene.visuals.Markers()
    with pytest.raises(
        TypeError, match="^Markers.set_data has no property 'sise'; did you mean 'size'"
    ):
        markers.set_data(np.zeros((2, 2)), sise=3)

    # a user's subclass that takes **kwargs of its own is left to Python
    class Mine(scene.visuals.Markers):
        def __init__(self, *args, **kwargs):
            self.extra = kwargs.pop("extra", None)
            super().__init__(*args, **kwargs)

    assert Mine(np.zeros((2, 2)), extra=5).extra == 5


def test_pos_is_positions_for_line_markers_and_text():
    """vispy's ``pos``: a keyword of the constructor and of set_data, and a property."""
    xy = np.array([[0.0, 0.0], [1.0, 2.0], [3.0, 1.0]])
    for cls, args in (
        (scene.visuals.Line, ()),
        (scene.visuals.Markers, ()),
        (scene.visuals.Text, (["a", "b", "c"],)),
    ):
        visual = cls(*args, pos=xy)
        np.testing.assert_array_equal(visual.positions[:, :2], xy)
        np.testing.assert_array_equal(visual.pos, visual.positions)
        visual.pos = xy[::-1]
        np.testing.assert_array_equal(visual.positions[:, :2], xy[::-1])
        visual.set_data(*args, pos=xy + 1)
        np.testing.assert_array_equal(visual.positions[:, :2], xy + 1)
        with pytest.raises(TypeError, match=rf"^{cls.__name__}\(\) got both 'pos' and 'positions'"):
            cls(*args, pos=xy, positions=xy)
        with pytest.raises(TypeError, match=rf"^{cls.__name__}.set_data got both 'pos' and"):
            visual.set_data(*args, xy, pos=xy)
    # the same picture as with glframe's name
    a = scene.visuals.Markers(pos=xy, size=5, symbol="o")
    b = scene.visuals.Markers(xy, size=5, symbol="disc")
    assert a.symbol == "o" and a._values["symbol"] == b._values["symbol"]
    with pytest.raises(ValueError, match=r"unknown \['O'\]; symbols: disc.*\(or o s \^"):
        scene.visuals.Markers(xy, symbol="O")


@pytest.mark.parametrize(
    ("short", "name"),
    [("o", "disc"), ("s", "square"), ("^", "triangle"), ("v", "triangle_down"),
     ("d", "diamond"), ("+", "cross"), ("*", "star"), ("-", "hbar"), ("|", "vbar"),
     (">", "arrow")],
)  # fmt: skip
def test_vispys_short_symbol_names_draw_the_same_symbol(scene_canvas, short, name):
    canvas = scene_canvas((80, 80))
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(-1, -1, 2, 2)))
    markers = scene.visuals.Markers([[0, 0]], size=40, symbol=short, parent=view.scene)
    shown = canvas.render()
    markers.symbol = name
    np.testing.assert_array_equal(canvas.render(), shown)
    assert (shown[..., :3] > 0).any()


def test_vispys_edge_color_none_is_a_transparent_outline(scene_canvas):
    canvas = scene_canvas((80, 80))
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(-1, -1, 2, 2)))
    markers = scene.visuals.Markers(
        [[0, 0]], size=40, edge_width=6, face_color="red", edge_color=None, parent=view.scene
    )
    assert markers.edge_color.tolist() == [0, 0, 0, 0]
    none = canvas.render()
    markers.edge_color = "white"
    white = canvas.render()
    ring = (white[..., :3] == 255).all(-1)
    assert ring.sum() > 100 and not (none[ring][:, :3] == 255).all(-1).any()
    markers.set_data([[0, 0]], edge_color=None)
    np.testing.assert_array_equal(canvas.render(), none)
    assert (none[40, 40, :3] == [255, 0, 0]).all()


def test_unknown_attributes_suggest_vispys_names_too():
    polygon = scene.visuals.Polygon([[0, 0], [1, 0], [0, 1]])
    with pytest.raises(
        AttributeError,
        match="Polygon has no attribute 'pos'; did you mean "
        "'vertices'\\? \\('pos' is vispy's name for 'vertices'\\)",
    ):
        polygon.pos = (1, 1)
    camera = scene.TurntableCamera()
    with pytest.raises(AttributeError, match="TurntableCamera has no attribute 'depth_value'"):
        camera.depth_value = 1


# ---- errors that said the wrong thing ---------------------------------------------------------
VERT_120 = """#version 120
attribute vec2 a_position;  // the attribute keyword in a comment is not counted
varying vec4 v_color;
void main() { gl_Position = vec4(a_position, 0.0, 1.0); v_color = vec4(1.0); }
"""
FRAG_120 = """varying vec4 v_color;
uniform sampler2D u_texture;
void main() { gl_FragColor = v_color * texture2D(u_texture, vec2(0.5)); }
"""


def test_glsl_120_is_answered_with_what_to_write_instead():
    from glframe import gloo

    with pytest.raises(ValueError) as err:
        gloo.Program(VERT_120, FRAG_120)
    assert str(err.value).splitlines() == [
        "Program: these shaders are GLSL 1.20 (vispy's and glumpy's dialect); glframe's are "
        "GLSL ES 3.00 (WebGL2); write instead:",
        "  vertex line 1: '#version 120' -> no #version line (the interpreter writes its own)",
        "  vertex line 2: 'attribute' -> 'in' (in vec2 a_pos;)",
        "  vertex line 3: 'varying' -> 'out'",
        "  fragment line 1: 'varying' -> 'in'",
        "  fragment line 3: 'gl_FragColor' -> 'out vec4 f_color;' declared, and 'f_color = ...'",
        "  fragment line 3: 'texture2D(' -> 'texture('",
    ]
    # the same shaders, written as the message says, are a program with an attribute
    vert = VERT_120.replace("#version 120", "").replace("attribute", "in")
    frag = FRAG_120.replace("varying", "in").replace("texture2D", "texture")
    frag = "out vec4 f_color;\n" + frag.replace("gl_FragColor", "f_color")
    program = gloo.Program(vert.replace("varying", "out"), frag)
    assert program.attributes == {"a_position": ("vec2", 1)}
    # one legacy word alone is enough, and the composer's programs are checked too
    with pytest.raises(ValueError, match="fragment line 1: 'gl_FragColor' -> 'out vec4"):
        gloo.Program(vert.replace("varying", "out"), "void main() { gl_FragColor = vec4(1); }")
    from glframe.shaders import Function, ModularProgram

    with pytest.raises(ValueError, match="vertex line .*'attribute' -> 'in'"):
        ModularProgram(Function(VERT_120.replace("#version 120", "")), Function(FRAG_120))


def test_text_none_is_no_text():
    text = scene.visuals.Text(None)
    assert text.text == "" and scene.visuals.Text().text == ""
    labels = scene.visuals.Text(["a", "b"], [(0, 0), (1, 1)])
    labels.text = None  # vispy's "no text": clears, where it used to keep ["a", "b"]
    assert labels.text == "" and len(labels.positions) == 2
    with pytest.raises(TypeError, match="Text.text must be a str or a list of str, not int"):
        scene.visuals.Text(5)
    with pytest.raises(TypeError, match="Text.text: item 0 is NoneType, not str"):
        scene.visuals.Text([None])


def test_a_text_without_strings_draws_nothing(scene_canvas):
    canvas = scene_canvas((40, 30), bgcolor="black")
    view = canvas.add_view()
    text = scene.visuals.Text("Hello", (0.5, 0.5), font_size=12, parent=view.scene)
    assert canvas.render()[..., :3].max() > 100  # the letters
    text.text = None
    assert canvas.render()[..., :3].max() == 0


# ---- vispy's meanings: zoom factor, text rotation, font units ---------------------------------
def test_panzoom_zoom_scales_the_shown_rectangle_as_vispys_does():
    camera = scene.PanZoomCamera(rect=(0, 0, 200, 100))
    camera.zoom(0.5)  # vispy's zoom(0.5) zooms in: half the width and height shown
    np.testing.assert_allclose(camera.rect, (50, 25, 100, 50))
    camera.zoom(2, center=(50, 25))  # and 2 zooms out, the centre staying in place
    np.testing.assert_allclose(camera.rect, (50, 25, 200, 100))
    camera.zoom((0.5, 1))
    np.testing.assert_allclose(camera.rect, (100, 25, 100, 100))
    for bad in (0, -2, float("nan"), (1, 0)):
        with pytest.raises(ValueError, match="PanZoomCamera.zoom: factor must be positive"):
            camera.zoom(bad)
    np.testing.assert_allclose(camera.rect, (100, 25, 100, 100))  # a refusal changes nothing


def _lit_box(image):
    """(x0, x1, row0, row1) of the lit pixels (rows counted from the top)."""
    rows, cols = np.nonzero(image[..., :3].max(-1) > 100)
    return cols.min(), cols.max() + 1, rows.min(), rows.max() + 1


def test_text_rotation_turns_clockwise_on_screen_as_vispys(scene_canvas):
    canvas = scene_canvas((120, 120), bgcolor="black")
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, 120, 120)))
    text = scene.visuals.Text(
        "Long", (60, 60), anchor_x="left", anchor_y="center", font_size=15, parent=view.scene
    )
    x0, x1, r0, r1 = _lit_box(canvas.render())
    assert x0 >= 59 and x1 - x0 > 25  # to the right of its anchor
    text.rotation = 90  # clockwise: the start stays at the anchor, the end goes down
    x0, x1, r0, r1 = _lit_box(canvas.render())
    assert r0 >= 58 and r1 - r0 > 25, (r0, r1)  # rows below the anchor (row 60)
    text.rotation = -90
    x0, x1, r0, r1 = _lit_box(canvas.render())
    assert r1 <= 62 and r1 - r0 > 25, (r0, r1)


def test_font_size_is_points_by_default_pixels_by_name(scene_canvas):
    canvas = scene_canvas((200, 100), bgcolor="black")
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, 200, 100)))
    points = scene.visuals.Text("Hx", (50, 50), font_size=15, parent=view.scene)
    pixels = scene.visuals.Text("Hx", (150, 50), font_size=20, scaling="pixels", parent=view.scene)
    assert points.scaling == "points" and points.extent() == pytest.approx(pixels.extent())
    image = canvas.render()
    left, right = _lit_box(image[:, :100]), _lit_box(image[:, 100:])
    assert left[1] - left[0] == right[1] - right[0] and left[3] - left[2] == right[3] - right[2]
    assert np.array_equal(image[:, :100] > 100, image[:, 100:] > 100)  # the same glyphs
    points.scaling = "pixels"  # the same number read as pixels: 3/4 of the size
    small = _lit_box(canvas.render()[:, :100])
    assert small[1] - small[0] < 0.8 * (left[1] - left[0])
    assert scene.visuals.Text("a").font_size == 12  # vispy's default: 12 pt, 16 pixels


# ---- docs/from-vispy.md's worked port runs --------------------------------------------------
def test_the_worked_port_in_the_docs_runs_and_draws(make_canvas, monkeypatch):
    import re
    from pathlib import Path

    make_canvas((1, 1))  # skips (or fails under CI) without GL
    doc = (Path(__file__).resolve().parent.parent / "docs" / "from-vispy.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", doc, re.S)
    (port,) = [b for b in blocks if "import glframe" in b]
    (original,) = [b for b in blocks if "from vispy import" in b]
    # the port changes only what the doc says it changes
    assert port.count("\n") == original.count("\n")
    monkeypatch.delenv("DISPLAY", raising=False)  # backend="auto": offscreen here
    namespace = {"__name__": "from_vispy_port"}
    exec(compile(port, "docs/from-vispy.md", "exec"), namespace)
    canvas = namespace["canvas"]
    try:
        assert canvas.backend == "offscreen"
        image = canvas.render().astype(int)
        orange = (image[..., 0] > 200) & (abs(image[..., 1] - 128) < 40) & (image[..., 2] < 60)
        assert orange.sum() > 2000  # the points, fitted into the view by the camera
        x, y, w, h = namespace["view"].camera.rect
        pos = namespace["pos"]
        assert x < pos[:, 0].min() and x + w > pos[:, 0].max() and h > 0
        assert ((image[..., :3] > 220).all(-1)).sum() > 20  # the label's white letters
    finally:
        canvas.close()
