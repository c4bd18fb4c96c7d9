"""PanZoomCamera: a 2D camera showing a rectangle of the scene.

Drag with the left button to pan, turn the wheel to zoom around the pointer,
drag with the right button to zoom x and y separately; arrow keys pan, +/-
zoom. ``aspect`` locks the ratio of x to y units on screen (1: squares stay
square); the rectangle then grows on one axis to fill the view. ``flip``
mirrors an axis (image rows grow downwards).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...transforms import STTransform
from ._base import BaseCamera

__all__ = ["PanZoomCamera"]


class PanZoomCamera(BaseCamera):
    """Shows the scene rectangle ``rect`` = (x, y, w, h), panned and zoomed by input.

    Parameters
    ----------
    rect
        The visible scene rectangle (before the aspect lock widens it); default
        (0, 0, 1, 1) until the first draw with visuals fits them.
    aspect
        None (free) or the on-screen ratio of an x unit to a y unit.
    flip
        (flip x, flip y).
    zoom_factor
        Zoom per wheel notch.

    Examples
    --------
    >>> view = canvas.add_view(camera=PanZoomCamera(aspect=1))   # doctest: +SKIP
    >>> view.camera.set_range()                                   # fit the data  # doctest: +SKIP
    """

    _state_names = ("rect",)

    def __init__(
        self,
        rect: tuple[float, float, float, float] | None = None,
        *,
        aspect: float | None = None,
        flip: tuple[bool, bool] = (False, False),
        zoom_factor: float = 1.1,
    ) -> None:
        super().__init__(STTransform())
        self.aspect = aspect
        self.flip = (bool(flip[0]), bool(flip[1]))
        self.zoom_factor = float(zoom_factor)
        self._fitted = rect is not None
        self._rect = np.array((0.0, 0.0, 1.0, 1.0) if rect is None else rect, dtype=np.float64)
        self._drag_start: tuple[np.ndarray, np.ndarray] | None = None
        self._update_transform()

    @property
    def rect(self) -> np.ndarray:
        """The requested scene rectangle (x, y, w, h)."""
        return self._rect.copy()

    @rect.setter
    def rect(self, rect: Any) -> None:
        rect = np.array(rect, dtype=np.float64)
        if rect.shape != (4,) or not np.all(np.isfinite(rect)) or rect[2] == 0 or rect[3] == 0:
            raise ValueError(f"PanZoomCamera.rect must be 4 finite numbers with w, h != 0: {rect}")
        self._rect = rect
        self._fitted = True
        self._changed()

    @property
    def shown_rect(self) -> np.ndarray:
        """The rectangle actually shown, after the aspect lock."""
        x, y, w, h = self._rect
        if self.aspect is not None:
            vw, vh = self._viewport
            # units per pixel on each axis, the larger one wins (everything stays visible)
            ux, uy = abs(w) / vw, abs(h) / vh * self.aspect
            u = max(ux, uy)
            cx, cy = x + w / 2, y + h / 2
            w, h = np.copysign(u * vw, w), np.copysign(u * vh / self.aspect, h)
            x, y = cx - w / 2, cy - h / 2
        return np.array([x, y, w, h])

    def _update_transform(self) -> None:
        x, y, w, h = self.shown_rect
        sx, sy = 2 / w, 2 / h
        tx, ty = -1 - 2 * x / w, -1 - 2 * y / h
        if self.flip[0]:
            sx, tx = -sx, -tx
        if self.flip[1]:
            sy, ty = -sy, -ty
        self.transform.scale = (sx, sy, 1.0)
        self.transform.translate = (tx, ty, 0.0)

    # ---- operations ------------------------------------------------------------------------
    def pan(self, dx: float, dy: float) -> None:
        """Move the view by (dx, dy) scene units."""
        self.rect = self._rect + (dx, dy, 0, 0)

    def zoom(self, factor: float | tuple[float, float], center: Any = None) -> None:
        """Scale the shown rectangle by ``factor`` around ``center`` (scene coordinates).

        vispy's meaning: ``factor < 1`` zooms in (0.5 shows half the width and
        height), ``factor > 1`` zooms out; a pair scales x and y apart. ``center``
        (default: the rectangle's centre) stays where it is on screen.
        """
        fx, fy = (factor, factor) if np.isscalar(factor) else factor
        if not (np.isfinite(fx) and np.isfinite(fy) and fx > 0 and fy > 0):
            raise ValueError(
                f"PanZoomCamera.zoom: factor must be positive and finite, got {factor!r} "
                "(0.5 zooms in, 2 zooms out)"
            )
        x, y, w, h = self._rect
        cx, cy = (x + w / 2, y + h / 2) if center is None else center[:2]
        self.rect = (cx - (cx - x) * fx, cy - (cy - y) * fy, w * fx, h * fy)

    def set_range(self, x=None, y=None, z=None, margin: float = 0.05) -> None:
        (x0, x1), (y0, y1), _ = self._ranges(x, y, z, margin)
        self.rect = (x0, y0, x1 - x0, y1 - y0)

    # ---- input -------------------------------------------------------------------------------
    def _pixels_to_units(self, dx: float, dy: float) -> tuple[float, float]:
        _, _, w, h = self.shown_rect
        vw, vh = self._viewport
        ux, uy = w / vw, -h / vh  # screen y grows downwards
        if self.flip[0]:
            ux = -ux
        if self.flip[1]:
            uy = -uy
        return dx * ux, dy * uy

    def _scene_pos(self, pos: Any) -> np.ndarray:
        vw, vh = self._viewport
        clip = (2 * pos[0] / vw - 1, 1 - 2 * pos[1] / vh)
        return self.transform.imap(np.array(clip))

    def on_mouse_press(self, event: Any) -> bool:
        if event.button in (1, 2):
            self._drag_start = (np.asarray(event.view_pos, float), self._rect.copy())
            return True
        return False

    def on_mouse_move(self, event: Any) -> bool:
        if self._drag_start is None or not getattr(event, "buttons", ()):
            return False
        start, rect = self._drag_start
        dx, dy = np.asarray(event.view_pos, float) - start
        if 1 in event.buttons:
            ux, uy = self._pixels_to_units(dx, dy)
            self.rect = rect - (ux, uy, 0, 0)
        elif 2 in event.buttons:
            x, y, w, h = rect
            fx, fy = self.zoom_factor ** (dx / 20), self.zoom_factor ** (-dy / 20)
            cx, cy = x + w / 2, y + h / 2
            self.rect = (cx - w / fx / 2, cy - h / fy / 2, w / fx, h / fy)
        return True

    def on_mouse_release(self, event: Any) -> bool:
        handled = self._drag_start is not None
        self._drag_start = None
        return handled

    def on_mouse_wheel(self, event: Any) -> bool:
        dy = event.delta[1]
        if dy == 0:
            return False
        self.zoom(self.zoom_factor**-dy, center=self._scene_pos(event.view_pos))
        return True

    def on_key_press(self, event: Any) -> bool:
        step = 0.1
        _, _, w, h = self._rect
        moves = {
            "Left": (-w * step, 0),
            "Right": (w * step, 0),
            "Up": (0, h * step),
            "Down": (0, -h * step),
        }
        if event.key in moves:
            self.pan(*moves[event.key])
        elif event.key in ("+", "="):
            self.zoom(1 / self.zoom_factor)
        elif event.key == "-":
            self.zoom(self.zoom_factor)
        else:
            return False
        return True
