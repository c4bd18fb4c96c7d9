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
        self._program: ModularProgram | None = None
        # lequal: at equal depth (2D scenes) later draws go on top, in draw order
        self._gl_state: dict[str, Any] = {
            "preset": "translucent",
            "depth_test": True,
            "depth_func": "lequal",
        }
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
        self.update()

    def _on_path_changed(self) -> None:
        self._chain_key = None

    def _bind_view(self, view: View) -> None:
        """Point ``$transform`` (and the view Variables) at this view, if changed."""
        transforms = [n.transform for n in reversed(self.path_to(view.scene))]
        key = (id(view), id(view.camera), *(id(t) for t in transforms))
        if key == self._chain_key:
            return
        functions = [t.glsl_map for t in reversed(transforms)] + [view.camera.transform.glsl_map]
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
        self._prepare(ctx)
        state = dict(self._gl_state)
        gloo.set_state(state.pop("preset"), **state)
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

    def bounds(self, axis: int) -> tuple[float, float] | None:
        """The (min, max) extent of the data along ``axis`` in local coordinates."""
        return None


def finite_bounds(values: np.ndarray) -> tuple[float, float] | None:
    """(min, max) of the finite values, or None when there are none."""
    finite = values[np.isfinite(values)]
    return (float(finite.min()), float(finite.max())) if finite.size else None
