"""FlyCamera: a first-person 3D camera: look with the mouse, move with the keys.

Drag with the left button to look around (yaw about +z, pitch clamped to
±89°). Keys move by ``speed`` scene units per press (key repeat gives smooth
motion): W/S or Up/Down forwards and back, A/D or Left/Right sideways, Q/E
(or PageDown/PageUp) down and up; shift moves five times faster. The wheel
changes the speed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...transforms import MatrixTransform
from ._base import BaseCamera, state_property, vector3
from ._perspective import projection
from ._turntable import look_at

__all__ = ["FlyCamera"]

_MOVES = {
    "W": (1, 0, 0),
    "Up": (1, 0, 0),
    "S": (-1, 0, 0),
    "Down": (-1, 0, 0),
    "D": (0, 1, 0),
    "Right": (0, 1, 0),
    "A": (0, -1, 0),
    "Left": (0, -1, 0),
    "E": (0, 0, 1),
    "PageUp": (0, 0, 1),
    "Q": (0, 0, -1),
    "PageDown": (0, 0, -1),
}


class FlyCamera(BaseCamera):
    """A camera at ``position`` looking along (``yaw``, ``pitch``).

    Parameters
    ----------
    position
        The eye, in scene coordinates (default (0, -5, 0), until the first draw
        with visuals fits them).
    yaw, pitch
        Heading about +z (0: looking along +y) and tilt, in degrees.
    fov
        Vertical field of view in degrees.
    speed
        Scene units per key press.

    Examples
    --------
    >>> view = canvas.add_view(camera=FlyCamera(position=(0, -5, 1)))   # doctest: +SKIP
    """

    _state_names = ("position", "yaw", "pitch", "fov", "speed")
    _range_names = ("position",)

    def __init__(
        self,
        position: Any = None,
        yaw: float = 0.0,
        pitch: float = 0.0,
        fov: float = 60.0,
        speed: float = 0.1,
    ) -> None:
        super().__init__(MatrixTransform())
        self._fitted = position is not None
        self._position = np.array((0.0, -5.0, 0.0) if position is None else position, np.float64)
        self._yaw, self._pitch = float(yaw), float(np.clip(pitch, -89, 89))
        self._fov = float(fov)
        self._speed = float(speed)
        self._drag: tuple | None = None
        self._update_transform()

    position = state_property("position", vector3, "Where the camera is, in scene coordinates.")
    yaw = state_property(
        "yaw",
        lambda v: float(v) % 360,
        "Heading in degrees, about the scene z axis (kept in [0, 360)).",
    )
    pitch = state_property(
        "pitch",
        lambda v: float(np.clip(v, -89, 89)),
        "Degrees above the horizon (clamped to +-89).",
    )
    fov = state_property(
        "fov",
        lambda v: float(np.clip(v, 1, 179)),
        "Vertical field of view in degrees (clamped to 1..179).",
    )
    speed = state_property(
        "speed", lambda v: max(float(v), 1e-12), "Scene units per step when moving with the keys."
    )

    @property
    def eye(self) -> np.ndarray:
        """The eye position in scene coordinates (a copy of ``position``)."""
        return self._position.copy()

    @property
    def forward(self) -> np.ndarray:
        """The unit direction the camera looks along, in scene coordinates."""
        yaw, pitch = np.radians(self._yaw), np.radians(self._pitch)
        return np.array([np.sin(yaw) * np.cos(pitch), np.cos(yaw) * np.cos(pitch), np.sin(pitch)])

    def _update_transform(self) -> None:
        vw, vh = self._viewport
        view = look_at(self._position, self._position + self.forward, np.array([0.0, 0.0, 1.0]))
        scale = self._speed * 100
        self.transform.matrix = projection(self._fov, scale, scale / 10, vw / vh) @ view

    def set_range(self, x=None, y=None, z=None, margin: float = 0.05) -> None:
        ranges = self._ranges(x, y, z, margin)
        lo, hi = np.array([r[0] for r in ranges]), np.array([r[1] for r in ranges])
        size = float(np.linalg.norm(hi - lo)) or 1.0
        self._speed = size / 100
        self.position = (lo + hi) / 2 - self.forward * size

    # ---- input -------------------------------------------------------------------------------
    def on_mouse_press(self, event: Any) -> bool:
        if event.button == 1:
            self._drag = (np.asarray(event.view_pos, float), self._yaw, self._pitch)
            return True
        return False

    def on_mouse_move(self, event: Any) -> bool:
        if self._drag is None or not getattr(event, "buttons", ()):
            return False
        start, yaw, pitch = self._drag
        dx, dy = np.asarray(event.view_pos, float) - start
        self._yaw = (yaw + dx * 0.2) % 360
        self.pitch = pitch - dy * 0.2
        return True

    def on_mouse_release(self, event: Any) -> bool:
        handled = self._drag is not None
        self._drag = None
        return handled

    def on_mouse_wheel(self, event: Any) -> bool:
        if event.delta[1] == 0:
            return False
        self.speed = self._speed * 1.2 ** event.delta[1]
        return True

    def on_key_press(self, event: Any) -> bool:
        key = str(event.key).upper() if len(str(event.key)) == 1 else event.key
        move = _MOVES.get(key)
        if move is None:
            return False
        yaw = np.radians(self._yaw)
        flat_forward = np.array([np.sin(yaw), np.cos(yaw), 0.0])
        right = np.array([np.cos(yaw), -np.sin(yaw), 0.0])
        step = self._speed * (5 if "shift" in getattr(event, "modifiers", ()) else 1)
        f, r, u = move
        self.position = self._position + step * (
            f * flat_forward + r * right + u * np.array([0, 0, 1.0])
        )
        return True
