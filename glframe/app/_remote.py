"""A Canvas as the source of a remote session (a notebook widget, a browser page).

:class:`CanvasSource` adapts a :class:`~glframe.app.Canvas` to what
``glframe.backends.web.RemoteSession`` needs: render, resize, take input,
give its GLIR (state snapshot, then each frame), and take camera states that a
browser computed. The session and its transports live in ``backends``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..gloo import Cmd

__all__ = ["CanvasSource"]


class CanvasSource:
    """What a RemoteSession sees of a canvas."""

    def __init__(self, canvas: Any) -> None:
        self.canvas = canvas

    @property
    def size(self) -> tuple[int, int]:
        """Logical pixels: the unit of input and of a page's CSS layout."""
        return self.canvas.logical_size

    @property
    def physical_size(self) -> tuple[int, int]:
        """Framebuffer pixels: the size of ``render()``'s frames."""
        return self.canvas.size

    @property
    def pixel_ratio(self) -> float:
        return self.canvas.pixel_ratio

    def render(self) -> np.ndarray:
        return self.canvas.render()

    def resize(self, width: int, height: int, pixel_ratio: float) -> None:
        # The page's CSS size, at its device pixel ratio: crisp on a HiDPI screen
        # (views lay out in logical pixels, the framebuffer has ratio times more).
        if self.canvas.backend != "window" and pixel_ratio != self.canvas.pixel_ratio:
            self.canvas.pixel_ratio = pixel_ratio
        self.canvas.resize(width, height)

    def handle_event(self, type: str, **attrs: Any) -> None:
        self.canvas.handle_backend_event(type, **attrs)

    def glir_snapshot(self) -> tuple[list, list, list]:
        self.canvas._draw_unseen()  # every object exists and is current
        with self.canvas.record() as rec:
            self.canvas._draw_unseen()
        from ..backends.web import per_frame_commands

        views = self.canvas._export_views()
        frame = per_frame_commands(rec.frame_commands, views)
        return self.canvas.context.state.commands(), frame, views

    def glir_frame(self) -> list:
        with self.canvas.record(setup=False) as rec:
            self.canvas._draw_unseen()
        return [c for c in rec.frame_commands if c[0] != Cmd.READ_PIXELS]

    def views(self) -> list[dict]:
        """Each view's rectangle, camera and camera-driven uniforms, for the page's cameras."""
        return self.canvas._export_views()

    def camera_states(self) -> list[dict]:
        """Each view's camera as the page's cameras take it (type and state)."""
        return [view["camera"] for view in self.views()]

    def set_camera_state(self, view: int, state: dict) -> None:
        camera = self.canvas.views[view].camera
        camera.set_state({k: v for k, v in state.items() if k in camera._state_names})
        self.canvas.context.execute_pending()  # here too, so a later server frame agrees

    def on_update(self, callback: Callable[[], None]) -> None:
        self.canvas.on_update(callback)

    def off_update(self, callback: Callable[[], None]) -> None:
        self.canvas.off_update(callback)
