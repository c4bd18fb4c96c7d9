"""What the 3D cameras share: the projection, and the orbit around a centre.

:class:`OrbitCamera` is the base of the turntable and arcball cameras: a
``center``, a ``scale_factor`` (the size of the region that fills the view), a
``fov`` (0: orthographic), the eye's ``distance`` that follows from them,
fitting with ``set_range``, zooming with the wheel, and drags that start on
the left or middle button.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import BaseCamera, state_property, vector3


def perspective(fov: float, aspect: float, near: float, far: float) -> np.ndarray:
    """OpenGL's perspective projection (fov in degrees, vertical)."""
    f = 1 / np.tan(np.radians(fov) / 2)
    m = np.zeros((4, 4))
    m[0, 0], m[1, 1] = f / aspect, f
    m[2, 2], m[2, 3] = (far + near) / (near - far), 2 * far * near / (near - far)
    m[3, 2] = -1
    return m


def orthographic(width: float, height: float, near: float, far: float) -> np.ndarray:
    """An orthographic projection of a width x height region centred on the axis."""
    m = np.eye(4)
    m[0, 0], m[1, 1] = 2 / width, 2 / height
    m[2, 2], m[2, 3] = -2 / (far - near), -(far + near) / (far - near)
    return m


def projection(fov: float, scale_factor: float, distance: float, aspect: float) -> np.ndarray:
    """Perspective (``fov`` degrees, vertical) or orthographic (``fov`` 0) projection.

    ``scale_factor`` is the size of the region, at ``distance`` from the eye,
    that fills the narrower side of the view.
    """
    near, far = distance / 100, distance + scale_factor * 100
    if fov == 0:
        side = scale_factor
        w, h = (side * aspect, side) if aspect >= 1 else (side, side / aspect)
        return orthographic(w, h, near, far)
    if aspect < 1:  # keep the scale factor visible across the narrow side
        fov = float(np.degrees(2 * np.arctan(np.tan(np.radians(fov) / 2) / aspect)))
    return perspective(fov, aspect, near, far)


class OrbitCamera(BaseCamera):
    """Base of cameras that look at ``center`` from ``distance``; see the module docstring."""

    _range_names = ("center", "scale_factor")

    def _init_range(self, scale_factor: float | None, center: Any) -> None:
        """``scale_factor`` and ``center`` as given (None: 2 and the origin, until the
        first draw with visuals fits them)."""
        self._fitted = scale_factor is not None or center is not None
        self._scale_factor = 2.0 if scale_factor is None else float(scale_factor)
        self._center = np.array((0.0, 0.0, 0.0) if center is None else center, np.float64)

    fov = state_property(
        "fov",
        lambda v: float(np.clip(v, 0, 179)),
        "Vertical field of view in degrees (0: orthographic; clamped to 0..179).",
    )
    scale_factor = state_property(
        "scale_factor",
        lambda v: max(float(v), 1e-12),
        "Size of the scene shown, in scene units (zooming changes it).",
    )
    center = state_property("center", vector3, "The point the camera looks at and turns about.")

    @property
    def distance(self) -> float:
        """Distance from the eye to the centre, for the scale factor to fill the view."""
        if self._fov == 0:
            return self._scale_factor * 2
        return self._scale_factor / 2 / np.tan(np.radians(self._fov) / 2)

    def _projection(self) -> np.ndarray:
        vw, vh = self._viewport
        return projection(self._fov, self._scale_factor, self.distance, vw / vh)

    def set_range(self, x=None, y=None, z=None, margin: float = 0.05) -> None:
        ranges = self._ranges(x, y, z, margin)
        lo, hi = np.array([r[0] for r in ranges]), np.array([r[1] for r in ranges])
        self._center = (lo + hi) / 2
        self.scale_factor = float(np.linalg.norm(hi - lo)) or 1.0

    def on_mouse_press(self, event: Any) -> bool:
        if event.button in (1, 3):
            self._drag = (np.asarray(event.view_pos, float), self.get_state())
            return True
        return False

    def on_mouse_release(self, event: Any) -> bool:
        handled = self._drag is not None
        self._drag = None
        return handled

    def on_mouse_wheel(self, event: Any) -> bool:
        if event.delta[1] == 0:
            return False
        self.scale_factor = self._scale_factor * 1.1 ** -event.delta[1]
        return True
