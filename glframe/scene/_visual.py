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

Subclasses provide the GLSL, upload their data in ``_prepare`` (only what
changed: reactive properties mark parts dirty), and draw in ``_draw``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import gloo
from ..shaders import Function, FunctionChain, ModularProgram, Variable, Varying, load_function
from ._node import Node

if TYPE_CHECKING:
    from ._view import View

__all__ = ["Visual"]


class Visual(Node):
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

    def draw(self, view: View) -> None:
        """Draw in ``view`` (called by the view, inside a frame)."""
        self._bind_view(view)
        self._prepare(view)
        state = dict(self._gl_state)
        gloo.set_state(state.pop("preset"), **state)
        if view.canvas._picking is not None:  # ids must be written as they are
            gloo.set_state(blend=False)
            self._pick_id.value = (view.canvas._picking.index(self) + 1.0, 0.0, 0.0, 1.0)
        self._draw(view)
        if view.canvas._picking is not None:
            self._pick_id.value = (0.0, 0.0, 0.0, 0.0)

    def _prepare(self, view: View) -> None:
        """Upload what changed since the last draw."""

    def _draw(self, view: View) -> None:
        raise NotImplementedError

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
