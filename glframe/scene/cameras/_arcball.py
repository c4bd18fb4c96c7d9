"""ArcballCamera: a 3D camera rotated freely, as if turning a ball under the pointer.

Dragging with the left button rotates about the axis perpendicular to the
drag on a virtual sphere (no preferred up direction, unlike the turntable);
shift or right drag pans; the wheel zooms. The rotation is a unit quaternion.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...transforms import MatrixTransform
from ._base import state_property
from ._perspective import OrbitCamera

__all__ = ["ArcballCamera", "quaternion_matrix"]


def quaternion_matrix(q: np.ndarray) -> np.ndarray:
    """The 3x3 rotation matrix of the unit quaternion (w, x, y, z)."""
    w, x, y, z = q / np.linalg.norm(q)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def _multiply(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    aw, ax, ay, az = a
    bw, bx, by, bz = b
    return np.array(
        [
            aw * bw - ax * bx - ay * by - az * bz,
            aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
        ]
    )


class ArcballCamera(OrbitCamera):
    """Free rotation about ``center``.

    Parameters
    ----------
    rotation
        A unit quaternion (w, x, y, z): the scene's rotation in view space
        (identity: x right, y up, looking down -z).
    fov, scale_factor, center
        As for :class:`TurntableCamera`.

    Examples
    --------
    >>> view = canvas.add_view(camera=ArcballCamera(fov=30))   # doctest: +SKIP
    """

    _state_names = ("rotation", "fov", "scale_factor", "center")

    def __init__(
        self,
        rotation: Any = (1.0, 0.0, 0.0, 0.0),
        fov: float = 45.0,
        scale_factor: float | None = None,
        center: Any = None,
    ) -> None:
        super().__init__(MatrixTransform())
        self._rotation = np.array(rotation, dtype=np.float64)
        self._fov = float(fov)
        self._init_range(scale_factor, center)
        self._drag: tuple | None = None
        self._update_transform()

    rotation = state_property(
        "rotation",
        lambda v: np.array(v, float) / np.linalg.norm(v),
        "The orientation, a unit quaternion (w, x, y, z).",
    )

    def _view_matrix(self) -> np.ndarray:
        m = np.eye(4)
        m[:3, :3] = quaternion_matrix(self._rotation)
        m[:3, 3] = -m[:3, :3] @ self._center - (0, 0, self.distance)
        return m

    @property
    def eye(self) -> np.ndarray:
        """The eye position in scene coordinates."""
        return np.linalg.inv(self._view_matrix())[:3, 3]

    def _update_transform(self) -> None:
        self.transform.matrix = self._projection() @ self._view_matrix()

    # ---- input -------------------------------------------------------------------------------
    def _sphere_point(self, pos: Any) -> np.ndarray:
        vw, vh = self._viewport
        r = min(vw, vh) / 2
        x, y = (pos[0] - vw / 2) / r, (vh / 2 - pos[1]) / r
        d = x * x + y * y
        z = np.sqrt(1 - d) if d < 1 else 0.0
        p = np.array([x, y, z])
        return p / np.linalg.norm(p) if d >= 1 else p

    def on_mouse_move(self, event: Any) -> bool:
        if self._drag is None or not getattr(event, "buttons", ()):
            return False
        start, state = self._drag
        pos = np.asarray(event.view_pos, float)
        if 3 in event.buttons or "shift" in getattr(event, "modifiers", ()):
            vw, vh = self._viewport
            dx, dy = (pos - start) * self._scale_factor / min(vw, vh)
            inverse = quaternion_matrix(state["rotation"]).T  # view -> scene
            self.center = state["center"] - inverse @ np.array([dx, -dy, 0.0])
            return True
        a, b = self._sphere_point(start), self._sphere_point(pos)
        axis = np.cross(a, b)
        # The rotation taking a to b (half-angle form), so the ball follows the pointer.
        q = np.array([1.0 + np.dot(a, b), *axis])
        if np.linalg.norm(axis) < 1e-12:
            return True
        self.rotation = _multiply(q / np.linalg.norm(q), state["rotation"])
        return True
