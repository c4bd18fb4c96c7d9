"""View and Grid: rectangles of a canvas, each with a scene, a camera and a background.

A view draws its scene into its rectangle: viewport and scissor set to it, its
background cleared (if it has one), its camera mapping scene coordinates to
the rectangle's clip space. A Grid lays views out in rows and columns, with
spans, filling its rectangle (the whole canvas by default).

Rectangles are (x, y, w, h) in canvas pixels, origin at the top left.

A view may have a border (``border_color``, ``border_width``): a frame inside its
rectangle, drawn over its visuals by clearing four scissored strips, so its
pixels are exactly the colour (not blended) and it costs no program.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from .. import gloo
from ..shaders import Variable
from ._node import Node
from ._visual import DrawContext, Visual
from .cameras import BaseCamera, PanZoomCamera, make_camera
from .visuals import _data as checks

if TYPE_CHECKING:
    from ._canvas import SceneCanvas

__all__ = ["View", "Grid"]


class View:
    """A rectangle of a canvas showing a scene through a camera.

    Use ``canvas.add_view()`` or ``grid.add_view()`` rather than this class.
    Add visuals with ``parent=view.scene`` (or ``view.add(visual)``, vispy's way).
    ``camera`` is a camera or a name ("panzoom", "turntable", "arcball", "fly"); the
    default is a PanZoomCamera showing (0, 0, 1, 1) as it is. ``border_color`` and
    ``border_width`` frame the rectangle (see :attr:`border_color`).
    """

    def __init__(
        self,
        canvas: SceneCanvas,
        *,
        camera: BaseCamera | str | None = None,
        rect: tuple[int, int, int, int] | None = None,
        bgcolor: gloo.Color | None = None,
        border_color: gloo.Color | None = None,
        border_width: float = 1.0,
    ) -> None:
        self.canvas = canvas
        self._border_color: tuple[float, ...] | None = None
        self._border_width = 1.0
        self.scene = Node(name="scene")
        self.scene._view = self
        self._rect = rect
        self.bgcolor = bgcolor
        #: Variables shared by the visuals of this view
        self.variables = {
            "viewport": Variable("u_viewport", (1.0, 1.0)),
            "pixel_scale": Variable("u_pixel_scale", 1.0),
        }
        self._camera: BaseCamera | None = None
        # the default camera keeps the unit square: it is not fitted to the visuals
        self.camera = camera if camera is not None else PanZoomCamera(rect=(0, 0, 1, 1))
        self.border_color = border_color
        self.border_width = border_width

    # ---- geometry ----------------------------------------------------------------
    @property
    def rect(self) -> tuple[int, int, int, int]:
        """(x, y, w, h) in canvas pixels, origin top left."""
        return self._rect if self._rect is not None else (0, 0, *self.canvas.logical_size)

    @rect.setter
    def rect(self, rect: tuple[int, int, int, int] | None) -> None:
        self._rect = None if rect is None else tuple(int(v) for v in rect)
        self.camera._view_changed()
        self.update()

    @property
    def size(self) -> tuple[int, int]:
        return self.rect[2], self.rect[3]

    def contains(self, pos: ArrayLike) -> bool:
        x, y, w, h = self.rect
        return x <= pos[0] < x + w and y <= pos[1] < y + h

    def to_view(self, pos: ArrayLike) -> np.ndarray:
        """Canvas pixel position (top-left origin) -> position in this view's pixels."""
        x, y, _, _ = self.rect
        return np.asarray(pos, dtype=np.float64)[..., :2] - (x, y)

    def to_clip(self, pos: ArrayLike) -> np.ndarray:
        """Canvas pixel position -> this view's clip coordinates (x, y in [-1, 1])."""
        x, y, w, h = self.rect
        p = np.asarray(pos, dtype=np.float64)[..., :2]
        return np.stack([2 * (p[..., 0] - x) / w - 1, 1 - 2 * (p[..., 1] - y) / h], axis=-1)

    def canvas_to_scene(self, pos: ArrayLike) -> np.ndarray:
        """A canvas pixel position (or (N, 2) of them) in scene coordinates."""
        clip = self.to_clip(pos)
        return self.camera.transform.imap(np.atleast_2d(clip)).reshape(*clip.shape[:-1], -1)

    # ---- border -----------------------------------------------------------------------
    @property
    def border_color(self) -> tuple[float, float, float, float] | None:
        """The colour of a frame drawn inside the view's rectangle, over its visuals
        (RGBA floats), or None (the default): no frame. Set a name, '#rrggbb[aa]' or
        3 or 4 floats in [0, 1]. The frame's pixels are set to it, not blended."""
        return self._border_color

    @border_color.setter
    def border_color(self, value: gloo.Color | None) -> None:
        self._border_color = None if value is None else _BORDER_COLOR(value, "View.border_color")
        self.update()

    @property
    def border_width(self) -> float:
        """The frame's width in logical pixels (default 1; 0 draws none), inside the
        rectangle; scaled with the view (a screenshot rendered larger)."""
        return self._border_width

    @border_width.setter
    def border_width(self, value: float) -> None:
        if isinstance(value, bool):
            raise TypeError(f"View.border_width must be a number of pixels, not {value!r}")
        self._border_width = _BORDER_WIDTH(value, "View.border_width")
        self.update()

    def _draw_border(self, x: int, gl_y: int, w: int, h: int, scale: float) -> None:
        """Clear four strips inside the framebuffer rectangle (x, gl_y, w, h)."""
        if self._border_color is None or self._border_width <= 0:
            return
        # at least one pixel: a thin border scaled down must not vanish
        b = min(max(int(round(self._border_width * scale)), 1), w, h)
        strips = (
            (x, gl_y, w, b),  # bottom
            (x, gl_y + h - b, w, b),  # top
            (x, gl_y, b, h),  # left
            (x + w - b, gl_y, b, h),  # right
        )
        for strip in strips:
            gloo.set_state(scissor_test=True, scissor=strip)
            gloo.clear(color=self._border_color, depth=False)

    # ---- camera -----------------------------------------------------------------------
    @property
    def camera(self) -> BaseCamera:
        """The view's camera; set a camera or a name ("turntable": a new TurntableCamera,
        which fits the visuals at its first draw)."""
        return self._camera

    @camera.setter
    def camera(self, camera: BaseCamera | str) -> None:
        camera = make_camera(camera, "View.camera")
        if self._camera is not None:
            self._camera._set_view(None)
        self._camera = camera
        camera._set_view(self)
        self.update()

    # ---- content ----------------------------------------------------------------------
    def add(self, node: Node) -> Node:
        """Put ``node`` (a visual) in this view's scene and return it: vispy's
        ``view.add(visual)``, the same as ``parent=view.scene``."""
        if not isinstance(node, Node):
            raise TypeError(f"View.add needs a scene node (a visual), not {node!r}")
        node.parent = self.scene
        return node

    def visuals(self) -> list[Visual]:
        """Visible visuals, in draw order."""
        return [n for n in self.scene.walk(visible_only=True) if isinstance(n, Visual)]

    def bounds(self, axis: int) -> tuple[float, float] | None:
        """The extent of every visible visual along ``axis``, in scene coordinates."""
        lo, hi = np.inf, -np.inf
        for visual in self.visuals():
            box = [visual.bounds(a) for a in range(3)]
            if box[axis] is None:
                continue
            corners = np.array(np.meshgrid(*[b if b is not None else (0.0, 0.0) for b in box]))
            corners = corners.reshape(3, -1).T
            mapped = visual.transform_to(self.scene).map(corners)
            lo, hi = min(lo, mapped[:, axis].min()), max(hi, mapped[:, axis].max())
        return (float(lo), float(hi)) if np.isfinite(lo) else None

    def update(self) -> None:
        update = getattr(self.canvas, "update", None)
        if update is not None:
            update()

    # ---- drawing ----------------------------------------------------------------------
    def draw(
        self,
        target_size: tuple[int, int],
        scale: float = 1.0,
        *,
        render_pass: str = "color",
        pick_ids: dict | None = None,
        frame: int = 0,
    ) -> None:
        """Draw into the current frame; ``target_size`` is the framebuffer's (w, h).

        ``render_pass``, ``pick_ids`` and ``frame`` go to each visual's
        :class:`~glframe.scene.DrawContext`.
        """
        x, y, w, h = (int(round(v * scale)) for v in self.rect)
        if w < 1 or h < 1:
            return
        gl_y = target_size[1] - y - h
        gloo.set_viewport(x, gl_y, w, h)
        gloo.set_state(scissor_test=True, scissor=(x, gl_y, w, h))
        if self.bgcolor is not None:
            gloo.clear(color=self.bgcolor, depth=True)
        else:
            gloo.clear(color=False, depth=True)
        self.variables["viewport"].value = (float(w), float(h))
        self.variables["pixel_scale"].value = float(scale)
        self.camera._prepare((w / scale, h / scale))
        self.camera._fit_once()
        ctx = DrawContext(self, render_pass, float(scale), frame, pick_ids or {})
        for visual in self.visuals():
            visual.draw(ctx)
        if not ctx.picking:  # a border is no element: it must not hide what is picked
            self._draw_border(x, gl_y, w, h, scale)
        gloo.set_state(scissor_test=False)

    def __repr__(self) -> str:
        return f"<View rect={self.rect} camera={type(self.camera).__name__}>"


#: checks of the border's colour and width (messages name ``View.border_*``)
_BORDER_COLOR = checks.color()
_BORDER_WIDTH = checks.number(minimum=0)


class Grid:
    """Views in rows and columns of equal size, with spans.

    Examples
    --------
    >>> grid = canvas.add_grid()                               # doctest: +SKIP
    >>> left = grid.add_view(0, 0, row_span=2)                 # doctest: +SKIP
    >>> top_right, bottom_right = grid.add_view(0, 1), grid.add_view(1, 1)  # doctest: +SKIP
    """

    def __init__(
        self, canvas: SceneCanvas, rect: tuple[int, int, int, int] | None = None, spacing: int = 0
    ) -> None:
        self.canvas = canvas
        self._rect = rect
        self.spacing = int(spacing)
        self.cells: list[tuple[View, int, int, int, int]] = []

    @property
    def rect(self) -> tuple[int, int, int, int]:
        return self._rect if self._rect is not None else (0, 0, *self.canvas.logical_size)

    def add_view(
        self, row: int, col: int, row_span: int = 1, col_span: int = 1, **view_kwargs: Any
    ) -> View:
        """A new view in the cell(s) starting at (row, col)."""
        if min(row, col) < 0 or min(row_span, col_span) < 1:
            raise ValueError(f"bad grid cell row={row} col={col} spans=({row_span}, {col_span})")
        view = self.canvas.add_view(**view_kwargs)
        self.cells.append((view, row, col, row_span, col_span))
        self.layout()
        return view

    def layout(self) -> None:
        """Give each view its rectangle (called when cells or the canvas size change)."""
        if not self.cells:
            return
        rows = max(r + rs for _, r, _, rs, _ in self.cells)
        cols = max(c + cs for _, _, c, _, cs in self.cells)
        x0, y0, w, h = self.rect
        s = self.spacing
        edges_x = np.linspace(x0, x0 + w + s, cols + 1)
        edges_y = np.linspace(y0, y0 + h + s, rows + 1)
        for view, r, c, rs, cs in self.cells:
            left, right = edges_x[c], edges_x[c + cs] - s
            top, bottom = edges_y[r], edges_y[r + rs] - s
            rect = (round(left), round(top), round(right) - round(left), round(bottom) - round(top))
            if view._rect != rect:
                view._rect = rect
                view.camera._view_changed()
