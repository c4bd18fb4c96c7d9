"""Visual: a node that draws, with composed shaders.

A visual's vertex stage has a ``$transform`` placeholder, bound to a
FunctionChain of the GLSL maps of every transform from the visual up to its
view's scene, then the camera's: ``visual -> scene -> clip``. The chain is
rebuilt (a recompilation, logged) only when the path changes: re-parenting, a
new transform object, another camera. Moving, zooming, rotating change
uniforms only.

A visual whose vertex stage assigns ``$pick_index`` (``$pick_index =
gl_VertexID;`` for instance) reports which element is under a pixel in
:meth:`SceneCanvas.pick`; others report index 0.

Visuals may also use ``$viewport`` (the view's size in pixels, a vec2) and
``$pixel_scale`` (framebuffer pixels per logical pixel, larger for a
screenshot rendered bigger than the canvas): both are Variables shared by
every visual of a view.

Large coordinates: a visual may draw relative to an *origin* near its data
(:meth:`Visual._set_origin`; Line, Markers and Text do for float64 positions far
from zero). It uploads ``positions - origin`` (float64 on the CPU, then float32),
and ``$transform`` adds the origin back. Where every transform from the visual to
clip space is linear (node transforms and the usual cameras), the chain is then
one private transform whose numbers are the product ``camera @ path @
translate(origin)`` computed in float64 at each draw: the GPU sees only small
numbers and float64 data keep their precision. Where a transform on the path is
nonlinear (log, polar), the origin is added back in GLSL before it: right, but
in float32 (the precision of float32 positions, no better).

Subclasses provide the GLSL, declare their properties with
:class:`~glframe.scene._reactive.Prop` (checked when set, marking parts
dirty), upload what changed in ``_prepare(ctx)`` and draw in ``_draw(ctx)``.
Both receive a :class:`DrawContext`: the view, the pass ("color", or "pick" for
:meth:`SceneCanvas.pick`), the pixel scale and the frame number; a visual never
reads private canvas state to learn how it is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import gloo
from ..shaders import Function, FunctionChain, ModularProgram, Variable, Varying, load_function
from ..transforms import BaseTransform, MatrixTransform, STTransform
from ._node import Node
from ._reactive import Reactive

if TYPE_CHECKING:
    from ._view import View

__all__ = ["Visual", "DrawContext", "PASSES"]

#: the passes a visual can be drawn in
PASSES = ("color", "pick")


@dataclass(frozen=True)
class DrawContext:
    """How a visual is being drawn: given to :meth:`Visual._prepare` and ``_draw``.

    Attributes
    ----------
    view
        The view being drawn.
    render_pass
        "color" (the picture) or "pick" (an id pass for :meth:`SceneCanvas.pick`:
        blending off, fragments carry the visual's id and element index).
    pixel_scale
        Framebuffer pixels per logical pixel (larger for HiDPI and for a
        screenshot rendered bigger than the canvas).
    frame
        The canvas's frame number (counts draws of its views).
    pick_ids
        In a pick pass, the id of each visual drawn (1..255).
    """

    view: View
    render_pass: str = "color"
    pixel_scale: float = 1.0
    frame: int = 0
    pick_ids: Mapping[Visual, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.render_pass not in PASSES:
            raise ValueError(
                f"DrawContext.render_pass must be one of {', '.join(PASSES)}, "
                f"not {self.render_pass!r}"
            )

    @property
    def picking(self) -> bool:
        """True in a pick pass."""
        return self.render_pass == "pick"


class Visual(Reactive, Node):
    """Base class of everything drawn in a view.

    Parameters
    ----------
    vert, frag
        GLSL ES 3.00 stage sources with placeholders; the vertex stage must use
        ``$transform(vec4)`` to reach clip coordinates.
    parent, **kwargs
        As for :class:`Node`.
    """

    def __init__(self, vert: str, frag: str, parent: Node | None = None, **kwargs: Any) -> None:
        self._reactive_init()
        self._buffers: dict[str, gloo.VertexBuffer] = {}  # made at the first draw, by _bind
        self.vert = Function(vert, f"{type(self).__name__.lower()}.vert")
        self.frag = Function(frag, f"{type(self).__name__.lower()}.frag")
        self._chain = FunctionChain("visual_to_clip", gtype="vec4")
        self.vert["transform"] = self._chain
        self._pick_id = Variable("u_pick_id", (0.0, 0.0, 0.0, 0.0))
        if "post" in self.frag.placeholders:  # a hook for code outside: clipping, effects
            post = self.frag.add_hook("post", "vec4")
            # Picking: the visual's id and its element index in a picking pass.
            pick = load_function("picking")
            pick["id"] = self._pick_id
            if "pick_index" in self.vert.placeholders:
                index = Varying("v_pick_index", "int", flat=True)
                self.vert["pick_index"] = index
                pick["index"] = index
            else:
                pick["index"] = "0"
            post.append(pick)
        self._chain_key: tuple | None = None
        # the origin of the uploaded positions (see the module docstring) and the
        # transform that puts it back: None, or ("shift" | "add", transform)
        self._origin = np.zeros(3)
        self._shift: tuple[str, BaseTransform] | None = None
        # the transforms the shift is composed of, and whether one changed since: a
        # frame where nothing moved composes nothing (1000 visuals: ~14 -> ~1 ms)
        self._shift_sources: list[BaseTransform] = []
        self._shift_stale = True
        self._program: ModularProgram | None = None
        # lequal: at equal depth (2D scenes) later draws go on top, in draw order
        settings = {"depth_test": True, "depth_func": "lequal"}
        self._gl_state: dict[str, Any] = {"preset": "translucent", **settings}
        self._gl_state_args = ("translucent", settings)  # what draw gives set_state
        super().__init__(parent, **kwargs)

    @property
    def program(self) -> ModularProgram:
        """The visual's program (made at first use)."""
        if self._program is None:
            self._program = ModularProgram(self.vert, self.frag)
        return self._program

    def set_gl_state(self, preset: str | None = None, **settings: Any) -> None:
        """GL state for drawing this visual (see :func:`glframe.gloo.set_state`)."""
        self._gl_state = {"preset": preset, **settings}
        self._gl_state_args = (preset, settings)
        self.update()

    def _on_path_changed(self) -> None:
        self._chain_key = None

    def _set_origin(self, origin: np.ndarray) -> None:
        """Draw relative to ``origin`` (3 float64): the visual uploads positions minus it."""
        origin = np.asarray(origin, np.float64).reshape(3)
        if np.array_equal(origin, self._origin):
            return
        if not origin.any() or not self._origin.any():
            self._chain_key = None  # the chain gains or loses its shift
        self._origin = origin.copy()
        self._shift_stale = True
        self.update()

    def _on_shift_source(self, _transform: BaseTransform) -> None:
        self._shift_stale = True

    def _applied(self, view: View) -> list[BaseTransform]:
        """The transforms from this visual to clip space, the first applied first."""
        path = [n.transform for n in self.path_to(view.scene)]
        return path + [view.camera.transform]

    def _shift_matrix(self, view: View) -> np.ndarray:
        """camera @ path @ translate(origin), in float64 (the shift's matrix)."""
        m = np.eye(4)
        m[:3, 3] = self._origin
        for t in self._applied(view):
            m = t._matrix() @ m
        return m

    def _update_shift(self, view: View) -> None:
        """Give the shift transform this draw's numbers (uniforms, only where changed)."""
        if self._shift is None:
            return
        kind, transform = self._shift
        if kind == "add":
            if not np.array_equal(transform.translate, self._origin):
                transform.translate = self._origin
            return
        if not self._shift_stale:
            return
        self._shift_stale = False
        m = self._shift_matrix(view)
        if isinstance(transform, STTransform):
            scale, translate = np.diag(m)[:3], m[:3, 3]
            if not (np.array_equal(scale, transform.scale)):
                transform.scale = scale
            if not np.array_equal(translate, transform.translate):
                transform.translate = translate
        elif not np.array_equal(m, transform.matrix):
            transform.matrix = m

    def _bind_view(self, view: View) -> None:
        """Point ``$transform`` (and the view Variables) at this view, if changed."""
        transforms = [n.transform for n in reversed(self.path_to(view.scene))]
        key = (id(view), id(view.camera), *(id(t) for t in transforms))
        if key == self._chain_key:
            return
        functions = [t.glsl_map for t in reversed(transforms)] + [view.camera.transform.glsl_map]
        self._shift = None
        for t in self._shift_sources:
            t.changed.disconnect(self._on_shift_source)
        self._shift_sources = []
        if self._origin.any():
            applied = self._applied(view)
            if all(t.linear for t in applied):
                self._shift_sources = applied
                for t in applied:
                    t.changed.connect(self._on_shift_source)
                self._shift_stale = True
                # one transform, its numbers composed on the CPU in float64 (scale and
                # translate when every part is one, so 2D views keep their cheap chain)
                st = all(t._st() is not None for t in applied)
                self._shift = ("shift", STTransform() if st else MatrixTransform())
                functions = [self._shift[1].glsl_map]
            else:  # a nonlinear part: the origin goes back first, in float32
                self._shift = ("add", STTransform())
                functions = [self._shift[1].glsl_map, *functions]
        if [id(f) for f in functions] != [id(f) for f in self._chain.functions]:
            for fn in self._chain.functions:
                self._chain.remove(fn)
            for fn in functions:
                self._chain.append(fn)
        for name in ("viewport", "pixel_scale"):
            for stage in (self.vert, self.frag):
                if name in stage.placeholders and stage[name] is not view.variables[name]:
                    stage[name] = view.variables[name]
        self._chain_key = key

    def draw(self, ctx: DrawContext) -> None:
        """Draw as ``ctx`` says (called by the view, inside a frame)."""
        self._bind_view(ctx.view)
        self._update_shift(ctx.view)
        self._prepare(ctx)
        preset, settings = self._gl_state_args
        gloo.set_state(preset, **settings)
        if ctx.picking:  # ids must be written as they are
            gloo.set_state(blend=False)
            self._pick_id.value = (float(ctx.pick_ids[self]), 0.0, 0.0, 1.0)
        self._draw(ctx)
        if ctx.picking:
            self._pick_id.value = (0.0, 0.0, 0.0, 0.0)

    def _prepare(self, ctx: DrawContext) -> None:
        """Upload what changed since the last draw (the parts in ``self._dirty``)."""

    def _draw(self, ctx: DrawContext) -> None:
        raise NotImplementedError

    def _bind(self, attribute: str, value: Any, item_ndim: int = 0, *, divisor: int = 0) -> None:
        """Bind a vertex attribute to one value or to one value per item.

        A value of ``item_ndim`` dimensions (a float: 0, a colour: 1) becomes a
        constant attribute; an array of one value per item goes to the visual's
        buffer for ``attribute`` (``self._buffers[attribute]``), made once (with
        ``divisor``: 1 for one value per instance) and then updated in place.
        """
        program = self.program
        if np.ndim(value) <= item_ndim:
            program[attribute] = (
                float(value) if np.ndim(value) == 0 else tuple(float(v) for v in value)
            )
            return
        buf = self._buffers.get(attribute)
        if buf is None:
            buf = self._buffers[attribute] = gloo.VertexBuffer(value, divisor=divisor)
        else:
            buf.set_data(value)
        program[attribute] = buf

    def _camera_uniforms(self, view: View) -> list[dict]:
        """Uniforms this visual derives from the camera on the CPU, as recipes.

        A page exported to HTML recomputes them when its camera moves: each is
        ``{"name", "recipe", ...}`` with recipe ``"eye"`` (the eye, homogeneous,
        mapped by the 4x4 ``local``, row-major) or ``"light"`` (a direction in
        camera axes, ``direction``, in scene coordinates). See figure.js.
        """
        return []

    def _shift_uniforms(self, view: View) -> list[dict]:
        """The shift's uniforms (see the module docstring) as recipes for a page.

        A page's camera moves without Python, so it recomputes them: each is
        ``{"program", "name", "gtype", "recipe": "shift", "part", "local"}``, the
        uniform ``part`` ("scale", "translate" or "matrix") of the camera's 4x4
        matrix times ``local`` (path @ translate(origin), row-major), composed in
        JavaScript numbers (float64) as here. See cameras.js.
        """
        if self._shift is None or self._shift[0] != "shift":
            return []
        local = np.eye(4)
        local[:3, 3] = self._origin
        for t in self._applied(view)[:-1]:
            local = t._matrix() @ local
        specs = []
        for part, variable in self._shift[1].glsl_map.bindings.items():
            for program, name in variable._users.items():
                specs.append(
                    {
                        "program": program.id,
                        "name": name,
                        "gtype": variable.gtype,
                        "recipe": "shift",
                        "part": part,
                        "local": [float(v) for v in local.reshape(-1)],
                    }
                )
        return specs

    def bounds(self, axis: int) -> tuple[float, float] | None:
        """The (min, max) extent of the data along ``axis`` in local coordinates."""
        return None


def finite_bounds(values: np.ndarray) -> tuple[float, float] | None:
    """(min, max) of the finite values, or None when there are none."""
    finite = values[np.isfinite(values)]
    return (float(finite.min()), float(finite.max())) if finite.size else None
