"""TurntableCamera: a 3D camera orbiting a centre, with "up" kept vertical.

Drag with the left button to turn (azimuth) and tilt (elevation, clamped to
±90°); with shift (or the middle button) to pan the centre; turn the wheel to
zoom. ``fov`` is the vertical field of view in degrees (0: orthographic).
``scale_factor`` is the size of the scene region that fills the view.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...transforms import MatrixTransform
from ._base import BaseCamera

__all__ = ["TurntableCamera", "look_at", "perspective", "orthographic"]


def look_at(eye: np.ndarray, center: np.ndarray, up: np.ndarray) -> np.ndarray:
    """The 4x4 view matrix of a camera at ``eye`` looking at ``center``."""
    f = center - eye
    f = f / np.linalg.norm(f)
    s = np.cross(f, up)
    s = s / np.linalg.norm(s)
    u = np.cross(s, f)
    m = np.eye(4)
    m[0, :3], m[1, :3], m[2, :3] = s, u, -f
    m[:3, 3] = -m[:3, :3] @ eye
    return m


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


class TurntableCamera(BaseCamera):
    """Orbit around ``center``: azimuth about the up axis (+z), then elevation.

    Parameters
    ----------
    azimuth, elevation
        Angles in degrees; elevation 90 looks straight down.
    fov
        Vertical field of view in degrees; 0 for an orthographic projection.
    scale_factor
        Size of the region that fills the smaller side of the view.
    center
        The point orbited.

    Examples
    --------
    >>> view = canvas.add_view(camera=TurntableCamera(azimuth=30, elevation=20))  # doctest: +SKIP
    >>> view.camera.set_range()                                                   # doctest: +SKIP
    """

    _state_names = ("azimuth", "elevation", "fov", "scale_factor", "center")

    def __init__(
        self,
        azimuth: float = 30.0,
        elevation: float = 30.0,
        fov: float = 45.0,
        scale_factor: float = 2.0,
        center: Any = (0.0, 0.0, 0.0),
    ) -> None:
        super().__init__(MatrixTransform())
        self._azimuth = float(azimuth)
        self._elevation = float(np.clip(elevation, -90, 90))
        self._fov = float(fov)
        self._scale_factor = float(scale_factor)
        self._center = np.array(center, dtype=np.float64)
        self._drag: tuple | None = None
        self._update_transform()

    def _prop(name: str, convert):  # noqa: N805 - a property factory used in the class body
        def get(self):
            value = getattr(self, "_" + name)
            return value.copy() if isinstance(value, np.ndarray) else value

        def set_(self, value):
            setattr(self, "_" + name, convert(value))
            self._changed()

        return property(get, set_)

    azimuth = _prop("azimuth", float)
    elevation = _prop("elevation", lambda v: float(np.clip(v, -90, 90)))
    fov = _prop("fov", lambda v: float(np.clip(v, 0, 179)))
    scale_factor = _prop("scale_factor", lambda v: max(float(v), 1e-12))
    center = _prop("center", lambda v: np.array(v, dtype=np.float64).reshape(3))
    del _prop

    @property
    def distance(self) -> float:
        """Distance from the eye to the centre, for the scale factor to fill the view."""
        if self._fov == 0:
            return self._scale_factor * 2
        return self._scale_factor / 2 / np.tan(np.radians(self._fov) / 2)

    @property
    def eye(self) -> np.ndarray:
        az, el = np.radians(self._azimuth), np.radians(self._elevation)
        direction = np.array([np.sin(az) * np.cos(el), -np.cos(az) * np.cos(el), np.sin(el)])
        return self._center + direction * self.distance

    def _update_transform(self) -> None:
        vw, vh = self._viewport
        aspect = vw / vh
        eye = self.eye
        up = np.array([0.0, 0.0, 1.0])
        if abs(abs(self._elevation) - 90) < 1e-6:  # looking along z: up is the y axis turned
            az = np.radians(self._azimuth)
            up = np.array([-np.sin(az), np.cos(az), 0.0]) * np.sign(self._elevation)
        view = look_at(eye, self._center, up)
        from ._perspective import projection

        proj = projection(self._fov, self._scale_factor, self.distance, aspect)
        self.transform.matrix = proj @ view

    def set_range(self, x=None, y=None, z=None, margin: float = 0.05) -> None:
        ranges = self._ranges(x, y, z, margin)
        lo, hi = np.array([r[0] for r in ranges]), np.array([r[1] for r in ranges])
        self._center = (lo + hi) / 2
        self.scale_factor = float(np.linalg.norm(hi - lo)) or 1.0

    # ---- input -------------------------------------------------------------------------------
    def on_mouse_press(self, event: Any) -> bool:
        if event.button in (1, 3):
            self._drag = (np.asarray(event.view_pos, float), self.get_state())
            return True
        return False

    def on_mouse_move(self, event: Any) -> bool:
        if self._drag is None or not getattr(event, "buttons", ()):
            return False
        start, state = self._drag
        dx, dy = np.asarray(event.view_pos, float) - start
        pan = 3 in event.buttons or "shift" in getattr(event, "modifiers", ())
        if pan:
            vw, vh = self._viewport
            units = self._scale_factor / min(vw, vh)
            az = np.radians(state["azimuth"])
            el = np.radians(state["elevation"])
            right = np.array([np.cos(az), np.sin(az), 0.0])
            up = np.array([-np.sin(az) * np.sin(el), np.cos(az) * np.sin(el), np.cos(el)])
            self.center = state["center"] + (-dx * right + dy * up) * units
        else:
            self._azimuth = state["azimuth"] - dx * 0.5
            self.elevation = state["elevation"] + dy * 0.5
        return True

    def on_mouse_release(self, event: Any) -> bool:
        handled = self._drag is not None
        self._drag = None
        return handled

    def on_mouse_wheel(self, event: Any) -> bool:
        if event.delta[1] == 0:
            return False
        self.scale_factor = self._scale_factor * 1.1 ** -event.delta[1]
        return True
