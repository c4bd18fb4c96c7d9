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
from ._base import state_property
from ._perspective import OrbitCamera, orthographic, perspective

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


class TurntableCamera(OrbitCamera):
    """Orbit around ``center``: azimuth about the up axis (+z), then elevation.

    Parameters
    ----------
    azimuth, elevation
        Angles in degrees; elevation 90 looks straight down.
    fov
        Vertical field of view in degrees; 0 for an orthographic projection.
    scale_factor
        Size of the region that fills the smaller side of the view (default 2).
    center
        The point orbited (default the origin). Without either, the camera fits
        its view's visuals at the first draw that has some.

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
        scale_factor: float | None = None,
        center: Any = None,
    ) -> None:
        super().__init__(MatrixTransform())
        self._azimuth = float(azimuth)
        self._elevation = float(np.clip(elevation, -90, 90))
        self._fov = float(fov)
        self._init_range(scale_factor, center)
        self._drag: tuple | None = None
        self._update_transform()

    azimuth = state_property("azimuth", float, "Degrees about the scene z axis.")
    elevation = state_property(
        "elevation",
        lambda v: float(np.clip(v, -90, 90)),
        "Degrees above the xy plane (clamped to +-90).",
    )

    @property
    def eye(self) -> np.ndarray:
        """The eye position in scene coordinates."""
        az, el = np.radians(self._azimuth), np.radians(self._elevation)
        direction = np.array([np.sin(az) * np.cos(el), -np.cos(az) * np.cos(el), np.sin(el)])
        return self._center + direction * self.distance

    def _update_transform(self) -> None:
        eye = self.eye
        up = np.array([0.0, 0.0, 1.0])
        if abs(abs(self._elevation) - 90) < 1e-6:  # looking along z: up is the y axis turned
            az = np.radians(self._azimuth)
            up = np.array([-np.sin(az), np.cos(az), 0.0]) * np.sign(self._elevation)
        view = look_at(eye, self._center, up)
        self.transform.matrix = self._projection() @ view

    # ---- input -------------------------------------------------------------------------------
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
