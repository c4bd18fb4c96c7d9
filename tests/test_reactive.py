"""The one property mechanism: declared properties, closed attribute sets, the draw context.

Every visual and camera refuses an attribute that nothing declares (with the
nearest names), every public property has a docstring, ``set_data`` is all or
nothing, per-item values are checked again when the item count changes, and a
visual learns how it is drawn from its :class:`DrawContext` only.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from examples_path import EXAMPLES

from glframe import scene
from glframe.gloo.glir import Cmd
from glframe.scene import DrawContext, Prop, Visual
from glframe.scene.visuals import checks

CUBE = np.array([[x, y, z] for x in (0, 1) for y in (0, 1) for z in (0, 1)], float)
CUBE_FACES = np.array([[0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5]])


def _visuals() -> dict[str, object]:
    """One of each visual, made with the fewest arguments."""
    v = scene.visuals
    return {
        "Markers": v.Markers(np.zeros((3, 2))),
        "Line": v.Line(np.zeros((3, 2))),
        "Polygon": v.Polygon([[0, 0], [1, 0], [0, 1]]),
        "Rectangle": v.Rectangle(),
        "Ellipse": v.Ellipse(),
        "Text": v.Text("hello"),
        "Image": v.Image(np.zeros((4, 4))),
        "Volume": v.Volume(np.zeros((4, 4, 4))),
        "MultiscaleImage": v.MultiscaleImage(np.zeros((4, 4))),
        "MultiscaleVolume": v.MultiscaleVolume(np.zeros((4, 4, 4))),
        "Mesh": v.Mesh(CUBE, CUBE_FACES),
        "Spheres": v.Spheres(np.zeros((3, 3))),
        "Aggregate": v.Aggregate({"x": np.zeros(3), "y": np.zeros(3)}),
        "AggregateLines": v.AggregateLines(np.zeros((2, 3))),
        "Box": v.Box(),
        "Plane": v.Plane(),
        "Tube": v.Tube([[0, 0, 0], [1, 0, 0]]),
        "Arrow": v.Arrow(np.zeros((3, 2))),
        "XYZAxis": v.XYZAxis(),
        "Isosurface": v.Isosurface(np.zeros((2, 2, 2))),
        "SurfacePlot": v.SurfacePlot(z=np.zeros((2, 2))),
    }


def _cameras() -> dict[str, object]:
    return {
        name: getattr(scene, name)()
        for name in ("PanZoomCamera", "TurntableCamera", "ArcballCamera", "FlyCamera")
    }


def _classes() -> list[type]:
    visuals = [
        getattr(scene.visuals, n)
        for n in scene.visuals.__all__
        if isinstance(getattr(scene.visuals, n), type)
        and issubclass(getattr(scene.visuals, n), Visual)
    ]
    return visuals + [type(c) for c in _cameras().values()] + [scene.Node, Visual]


def test_every_visual_is_covered():
    made = {type(obj).__name__ for obj in _visuals().values()}
    public = {c.__name__ for c in _classes() if issubclass(c, Visual) and c is not Visual}
    assert made == public


@pytest.mark.parametrize("maker", [_visuals, _cameras], ids=["visuals", "cameras"])
def test_unknown_attributes_are_refused(maker):
    for name, obj in maker().items():
        props = [n for n in dir(type(obj)) if isinstance(inspect.getattr_static(obj, n), Prop)]
        real = props[0] if props else "transform"
        typo = real[:-1] + next(c for c in "qxz" if real[:-1] + c not in dir(obj))
        with pytest.raises(AttributeError, match=rf"{name} has no attribute '{typo}'.*'{real}'"):
            setattr(obj, typo, 1)
        assert not hasattr(obj, typo), f"{name}.{typo} was kept"
    # the silent mistakes a vispy user makes first are loud now
    with pytest.raises(AttributeError, match="Text has no attribute 'poss'.*'positions'"):
        scene.visuals.Text("a").poss = (0, 0)
    with pytest.raises(AttributeError, match="TurntableCamera has no attribute 'depth_value'"):
        scene.TurntableCamera().depth_value = 10


def test_declared_and_private_attributes_stay_assignable():
    markers = scene.visuals.Markers(np.zeros((3, 2)))
    markers.name = "dots"  # set in Node.__init__
    markers._scratch = 1  # private: the object's own business
    markers.size = 4
    assert (markers.name, markers.size) == ("dots", 4.0)


def test_every_public_property_has_a_docstring():
    missing = []
    for cls in _classes():
        for name in dir(cls):
            attr = inspect.getattr_static(cls, name)
            if name.startswith("_") or not isinstance(attr, (property, Prop)):
                continue
            if not (attr.__doc__ or "").strip():
                missing.append(f"{cls.__name__}.{name}")
    assert not missing, f"properties without a docstring: {sorted(set(missing))}"


def test_no_visual_keeps_its_own_property_machinery():
    # one mechanism: no per-visual _set methods or property factories
    for cls in _classes():
        for klass in cls.__mro__:
            if klass.__module__.startswith("glframe.scene.visuals"):
                own = set(vars(klass))
                assert not own & {"_set", "_option", "_checked", "_coefficient"}, klass


def test_set_data_is_all_or_nothing():
    markers = scene.visuals.Markers(np.zeros((3, 2)), size=[1, 2, 3])
    before = (markers.positions.copy(), markers.size.copy(), markers.face_color.copy())
    with pytest.raises(ValueError, match="Markers.face_color: unknown colour 'reddish'"):
        markers.set_data(np.ones((4, 2)), size=[1, 2, 3, 4], face_color="reddish")
    np.testing.assert_array_equal(markers.positions, before[0])
    np.testing.assert_array_equal(markers.size, before[1])
    np.testing.assert_array_equal(markers.face_color, before[2])
    with pytest.raises(TypeError, match="Markers.set_data has no property 'sise'; did you mean"):
        markers.set_data(sise=3)


def test_per_item_values_are_checked_again_when_the_count_changes():
    markers = scene.visuals.Markers(np.zeros((3, 2)), size=[1, 2, 3], face_color="red")
    with pytest.raises(ValueError, match=r"there are 4 points now: give size= too"):
        markers.positions = np.zeros((4, 2))
    assert len(markers.positions) == 3
    markers.set_data(np.zeros((4, 2)), size=[1, 2, 3, 4])  # one colour still fits
    assert markers.size.shape == (4,)


def test_checks_share_one_wording():
    assert checks.number(minimum=0)(2, "X.a") == 2.0
    for check, value, message in [
        (checks.number(minimum=0), -1, "X.a must be a finite number >= 0, not -1"),
        (checks.number(above=0), float("inf"), "X.a must be a finite number > 0, not inf"),
        (checks.choice("a", "b"), "c", "X.a must be one of a, b, not 'c'"),
        (checks.vector(3, nonzero=True), (0, 0, 0), "X.a must be 3 finite numbers, not all 0"),
    ]:
        with pytest.raises(ValueError) as info:
            check(value, "X.a")
        assert str(info.value).startswith(message)
    with pytest.raises(TypeError, match="X.a must be True or False, not 'no'"):
        checks.flag()("no", "X.a")
    with pytest.raises(ValueError, match=r"X.a must be a finite number >= 0 \(each\), not -2.0"):
        checks.numbers(minimum=0)([1, -2], "X.a", 2)


class Probe(Visual):
    """Records the draw contexts it is given."""

    def __init__(self, parent=None):
        super().__init__(
            "void main() { gl_Position = $transform(vec4(0.0, 0.0, 0.0, 1.0));"
            " gl_PointSize = 400.0; $pick_index = 3; }",
            "out vec4 f_color; void main() { f_color = $post(vec4(1.0)); }",
            parent,
        )
        self.seen: list[DrawContext] = []

    def _draw(self, ctx: DrawContext) -> None:
        self.seen.append(ctx)
        self.program.draw("points", count=1)


def test_a_visual_learns_how_it_is_drawn_from_its_context(scene_canvas):
    canvas = scene_canvas(size=(40, 30))
    view = canvas.add_view()
    probe = Probe(parent=view.scene)
    canvas.render()
    canvas.render((80, 60))
    hit = canvas.pick((20, 15))
    color, big, pick = probe.seen
    assert (color.render_pass, color.picking, color.view) == ("color", False, view)
    assert big.pixel_scale == 2.0 and big.frame == color.frame + 1
    assert pick.picking and pick.pick_ids[probe] == 1
    assert (hit.visual, hit.index) == (probe, 3)
    with pytest.raises(AttributeError):
        color.render_pass = "pick"  # frozen
    with pytest.raises(ValueError, match="DrawContext.render_pass must be one of color, pick"):
        DrawContext(view, "depth")


def test_the_example_visual_sends_only_what_changed(scene_canvas):
    import runpy

    namespace = runpy.run_path(str(EXAMPLES / "scene" / "custom_visual.py"), run_name="test")
    canvas, halos = namespace["canvas"], namespace["halos"]
    try:
        canvas.render()
        sent = []
        canvas.context.listeners.append(sent.extend)
        halos.falloff = 3
        canvas.render()
        assert [c for c in sent if c[0] == Cmd.UNIFORM and c[2] == "u_falloff"]
        assert not {Cmd.SHADERS, Cmd.CREATE, Cmd.DATA} & {c[0] for c in sent}
        sent.clear()
        halos.radius = np.full(40, 10.0)  # one buffer updated in place
        canvas.render()
        kinds = [c[0] for c in sent]
        assert kinds.count(Cmd.DATA) == 1 and Cmd.CREATE not in kinds
        assert canvas.pick((240, 160), radius=60) is not None
        with pytest.raises(ValueError, match="Halos.falloff must be a finite number > 0"):
            halos.falloff = 0
    finally:
        canvas.close()
