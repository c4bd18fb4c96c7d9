"""SceneCanvas: a Canvas that draws views of scenes, and routes input to their cameras.

Each frame clears to ``bgcolor`` and draws every view (grids lay theirs out
first), then the overlay (``canvas.overlay``, whose scene is ``canvas.scene``: HUD
text and shapes in canvas pixels, see ``_overlay.py``) if one was made. Mouse
events go to the camera of the view under the pointer (a drag stays with the view
it started in; the overlay takes none); key events to the view last clicked.
``render(size=...)`` renders at any size through a frame buffer, scaling
views and pixel sizes, so a screenshot can be larger than the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import gloo
from ..app import Canvas, Event
from ..data import _frames
from ._node import Node
from ._overlay import Overlay
from ._view import Grid, View
from .cameras import BaseCamera

__all__ = ["SceneCanvas", "PickResult", "CentralWidget"]


@dataclass(frozen=True)
class PickResult:
    """What :meth:`SceneCanvas.pick` found: the visual, the element's index, where."""

    visual: Any
    index: int
    view: View
    pos: tuple[int, int]


class CentralWidget:
    """What ``canvas.central_widget`` gives a vispy port: the canvas's ``add_view`` and
    ``add_grid`` (a view fills the canvas unless a grid or ``rect`` places it)."""

    def __init__(self, canvas: SceneCanvas) -> None:
        self.canvas = canvas

    def add_view(self, *args: Any, **kwargs: Any) -> View:
        """:meth:`SceneCanvas.add_view`."""
        return self.canvas.add_view(*args, **kwargs)

    def add_grid(self, *args: Any, **kwargs: Any) -> Grid:
        """:meth:`SceneCanvas.add_grid`."""
        return self.canvas.add_grid(*args, **kwargs)


class SceneCanvas(Canvas):
    """A canvas of views, each showing a scene graph through a camera.

    Parameters
    ----------
    size, backend, title
        As for :class:`glframe.Canvas`.
    bgcolor
        Colour behind every view.
    keys, show, vsync, pixel_ratio
        As for :class:`glframe.Canvas` (``keys="interactive"``, ``show=True`` as in
        vispy).

    Examples
    --------
    >>> from glframe import scene
    >>> canvas = scene.SceneCanvas(size=(400, 300))
    >>> view = canvas.add_view(camera=scene.PanZoomCamera(aspect=1))
    >>> markers = scene.visuals.Markers(positions, parent=view.scene)   # doctest: +SKIP
    >>> view.camera.set_range()                                         # doctest: +SKIP
    >>> image = canvas.render()                                         # doctest: +SKIP
    """

    def __init__(
        self,
        size: tuple[int, int] = (800, 600),
        *,
        backend: str = "offscreen",
        title: str = "glframe",
        bgcolor: gloo.Color = "black",
        **kwargs: Any,
    ) -> None:
        self._rasterizing = False  # a frame marked in data._frames (see _on_draw)
        super().__init__(size, backend=backend, title=title, **kwargs)
        self.bgcolor = bgcolor
        self.views: list[View] = []
        self.grids: list[Grid] = []
        self._drag_view: View | None = None
        self._focus_view: View | None = None
        self._scale = 1.0
        self._overlay: Overlay | None = None  # made at first use (canvas.overlay)
        self.frame = 0  # draws of the views so far (DrawContext.frame)
        self.events.draw.connect(self._on_draw)
        self.events.resize.connect(lambda event: self._layout())
        for name in ("mouse_press", "mouse_move", "mouse_release", "mouse_wheel", "key_press"):
            getattr(self.events, name).connect(self._on_input)

    # ---- building --------------------------------------------------------------------
    @property
    def central_widget(self) -> CentralWidget:
        """vispy's ``canvas.central_widget``: ``add_view()`` and ``add_grid()`` there are
        this canvas's own (glframe has no widget tree)."""
        return CentralWidget(self)

    @property
    def overlay(self) -> Overlay:
        """A view over the whole canvas, drawn after every view, in canvas pixels
        ((0, 0) at the top left, y down): put HUD text and shapes in its ``scene``
        (also ``canvas.scene``). Made at first use; see :class:`Overlay`."""
        if self._overlay is None:
            self._overlay = Overlay(self)
        return self._overlay

    @property
    def scene(self) -> Node:
        """vispy's ``canvas.scene``: the overlay's scene node (``canvas.overlay.scene``),
        whose children are drawn over every view in canvas pixels, (0, 0) at the top
        left, y down. A view's scene is ``view.scene``."""
        return self.overlay.scene

    def add_view(
        self,
        camera: BaseCamera | str | None = None,
        rect: tuple[int, int, int, int] | None = None,
        bgcolor: gloo.Color | None = None,
        *,
        border_color: gloo.Color | None = None,
        border_width: float = 1.0,
    ) -> View:
        """A new view: the whole canvas unless ``rect`` (x, y, w, h, top-left origin) is given.

        ``camera``: a camera, or a name ("panzoom", "turntable", "arcball", "fly").
        ``border_color``, ``border_width``: a frame inside the rectangle (vispy's
        ViewBox options; see :attr:`View.border_color`).
        """
        view = View(
            self,
            camera=camera,
            rect=rect,
            bgcolor=bgcolor,
            border_color=border_color,
            border_width=border_width,
        )
        self.views.append(view)
        self.update()
        return view

    def add_grid(self, rect: tuple[int, int, int, int] | None = None, spacing: int = 0) -> Grid:
        """A grid to lay views out in rows and columns (``grid.add_view(row, col, ...)``)."""
        grid = Grid(self, rect, spacing)
        self.grids.append(grid)
        return grid

    def _layout(self) -> None:
        for grid in self.grids:
            grid.layout()
        for view in self.views:
            view.camera._view_changed()
        if self._overlay is not None:  # pixels map to the new size before the next draw
            self._overlay.camera._view_changed()

    def update(self) -> None:
        """Ask for a redraw (a window redraws at its next loop turn)."""
        parent = getattr(super(), "update", None)
        if parent is not None:
            parent()

    # ---- drawing -----------------------------------------------------------------------
    def _frame(self, read: bool) -> np.ndarray | None:
        try:
            return super()._frame(read)
        finally:
            if self._rasterizing:
                self._rasterizing = False
                _frames.end()

    def _on_draw(self, event: Event) -> None:
        # views lay out in logical pixels (those of the input); the framebuffer has
        # pixel_ratio times more (a HiDPI window, a remote view on a Retina screen)
        # from here to the frame's pixels, multiscale loaders' workers wait for the end
        # before their next step (data/_frames.py): while the views are recorded too, so
        # that no worker is still in a step when the rasterizer's threads wake (a draw
        # event outside a frame marks nothing)
        if self._drawing and not self._rasterizing:
            self._rasterizing = True
            _frames.begin()
        self._draw_views(self.size, self.pixel_ratio)

    def _draw_views(self, target_size: tuple[int, int], scale: float) -> None:
        gloo.set_state(scissor_test=False)
        gloo.clear(color=self.bgcolor, depth=True)
        self.frame += 1
        for view in self.views:
            view.draw(target_size, scale, frame=self.frame)
        if self._overlay is not None:
            self._overlay.draw(target_size, scale, frame=self.frame)

    def render(self, size: tuple[int, int] | None = None) -> np.ndarray:
        """Draw a fresh frame, (h, w, 4) uint8; at ``size`` (w, h) if given.

        At another size the views are scaled by ``size[0] / logical width`` (the
        aspect ratio is kept when ``size`` has the canvas's) and so are sizes
        given in pixels, as if the canvas had a higher pixel density.
        """
        if size is None or tuple(size) == tuple(self.size):
            return super().render()
        w, h = (int(v) for v in size)
        if w < 1 or h < 1:
            raise ValueError(f"render size {size} must be positive")
        scale = w / self.logical_size[0]
        with self:
            color = gloo.RenderBuffer((h, w), "rgba8")
            depth = gloo.RenderBuffer((h, w), "depth24_stencil8")
            fbo = gloo.FrameBuffer(color, depth)
            try:
                with fbo:
                    self._draw_views((w, h), scale)
                    image = gloo.read_pixels((0, 0, w, h))
            finally:
                for obj in (fbo, color, depth):
                    obj.delete()
            self.context.execute_pending()
        return image

    def pick(self, pos: Any, radius: int = 2) -> PickResult | None:
        """What is drawn at canvas pixel ``pos``: the visual and its element, or None.

        An id pass renders the view under ``pos`` (only the pixels within
        ``radius``) with each visual's fragments replaced by its id and element
        index; the hit nearest to ``pos`` wins. Up to 255 visuals per view and
        2**24 elements per visual are told apart. The overlay is drawn on top, so
        it is asked first: a hit there (``result.view`` is ``canvas.overlay``) wins.
        """
        if self._overlay is not None and self._overlay.visuals():
            hit = self._pick_in(self._overlay, pos, radius)
            if hit is not None:
                return hit
        view = self.view_at(pos)
        if view is None:
            return None
        return self._pick_in(view, pos, radius)

    def _pick_in(self, view: View, pos: Any, radius: int) -> PickResult | None:
        """:meth:`pick` in one view."""
        visuals = view.visuals()[:255]
        w, h = self.size  # framebuffer pixels: ``pos`` and ``radius`` are logical ones
        ratio = self.pixel_ratio
        x, y = int(pos[0] * ratio), int(pos[1] * ratio)
        r = int(np.ceil(radius * ratio))
        x0, y0 = max(x - r, 0), max(h - 1 - y - r, 0)  # GL rows go up
        box = (x0, y0, min(x + r + 1, w) - x0, min(h - y + r, h) - y0)
        with self:
            color = gloo.RenderBuffer((h, w), "rgba8")
            depth = gloo.RenderBuffer((h, w), "depth24_stencil8")
            fbo = gloo.FrameBuffer(color, depth)
            pick_ids = {visual: i + 1 for i, visual in enumerate(visuals)}
            try:
                with fbo:
                    gloo.set_state(scissor_test=False)
                    gloo.clear(color=(0, 0, 0, 0), depth=True)
                    gloo.set_state(scissor_test=True, scissor=box)
                    view.draw((w, h), ratio, render_pass="pick", pick_ids=pick_ids)
                    ids = gloo.read_pixels(box)
            finally:
                gloo.set_state(scissor_test=False)
                for obj in (fbo, color, depth):
                    obj.delete()
            self.context.execute_pending()
        hits = np.argwhere(ids[..., 3] > 0)
        if not len(hits):
            return None
        # rows of ``ids`` run top to bottom from canvas row y0 + ... (read_pixels flips)
        top = h - (box[1] + box[3])
        canvas_hits = hits[:, ::-1] + (box[0], top)
        nearest = np.argmin(((canvas_hits - (x, y)) ** 2).sum(1))
        row, col = hits[nearest]
        r_, g_, b_, a_ = (int(v) for v in ids[row, col])
        return PickResult(
            visuals[a_ - 1],
            r_ | g_ << 8 | b_ << 16,
            view,
            tuple(int(v // ratio) for v in canvas_hits[nearest]),
        )

    def screenshot(self, path: str | Path, size: tuple[int, int] | None = None) -> np.ndarray:
        """Render (at ``size`` if given) and write the image to ``path`` with imageio."""
        import imageio.v3 as iio

        image = self.render(size)
        iio.imwrite(path, image)
        return image

    def _export_views(self) -> list[dict]:
        """For each view: its rectangle, camera state, and the uniforms the camera drives."""
        out = []
        for view in self.views:
            camera = view.camera
            kind = {
                "PanZoomCamera": "panzoom",
                "TurntableCamera": "turntable",
                "ArcballCamera": "arcball",
                "FlyCamera": "fly",
            }.get(type(camera).__name__, "static")
            state: dict[str, Any] = {"type": kind}
            if kind == "panzoom":
                state.update(
                    rect=[float(v) for v in camera.rect],
                    aspect=camera.aspect,
                    flip=list(camera.flip),
                    zoom_factor=camera.zoom_factor,
                )
            elif kind in ("turntable", "arcball"):
                state.update(
                    fov=camera.fov,
                    scale_factor=camera.scale_factor,
                    center=[float(v) for v in camera.center],
                )
                if kind == "turntable":
                    state.update(azimuth=camera.azimuth, elevation=camera.elevation)
                else:
                    state.update(rotation=[float(v) for v in camera.rotation])
            elif kind == "fly":
                state.update(
                    position=[float(v) for v in camera.position],
                    yaw=camera.yaw,
                    pitch=camera.pitch,
                    fov=camera.fov,
                    speed=camera.speed,
                )
            targets = []
            fn = camera.transform.glsl_map
            for param, variable in fn.bindings.items():
                for program, name in variable._users.items():
                    if program.context is self.context:
                        targets.append(
                            {
                                "program": program.id,
                                "name": name,
                                "gtype": variable.gtype,
                                "param": param,
                            }
                        )
            derived = []
            if kind != "static":
                for visual in view.visuals():
                    for spec in visual._camera_uniforms(view):
                        derived.append({**spec, "program": visual.program.id})
                    # the uniforms of a visual drawn relative to its origin (own programs)
                    derived.extend(visual._shift_uniforms(view))
            out.append(
                {
                    "rect": list(view.rect),
                    "camera": state,
                    "targets": targets if kind != "static" else [],
                    "derived": derived,
                }
            )
        return out

    # ---- input -------------------------------------------------------------------------
    def view_at(self, pos: Any) -> View | None:
        """The topmost view containing the canvas pixel ``pos``."""
        for view in reversed(self.views):
            if view.contains(pos):
                return view
        return None

    def _on_input(self, event: Event) -> None:
        if event.type == "key_press":
            view = self._focus_view
        elif self._drag_view is not None and event.type in ("mouse_move", "mouse_release"):
            view = self._drag_view
        else:
            view = self.view_at(event.pos)
        if view is None:
            return
        if event.type == "mouse_press":
            self._drag_view = self._focus_view = view
        elif event.type == "mouse_release":
            self._drag_view = None
        if hasattr(event, "pos"):
            event.view_pos = tuple(view.to_view(event.pos))
        if getattr(view.camera, f"on_{event.type}")(event):
            view.update()
