"""Rectangle and Ellipse: polygons computed from a few parameters.

A Rectangle (with optionally rounded corners) and an Ellipse (with optional
start and span angles: a pie slice) are :class:`Polygon` s whose vertices
follow from their parameters; everything else (fill, border, reactivity) is
the polygon's. By default their curves get as many segments as their size on
screen needs (at most a quarter of a pixel from the true curve; a power of two
from 16 to 1024 per full turn), chosen again when zooming changes that power
of two: new vertex data, never a new shader. ``segments=`` fixes the number.

Limits: the size on screen is estimated at the centre, from the radius along
x and y; a strongly non-linear transform (log, polar) may need ``segments=``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._polygon import Polygon

__all__ = ["Rectangle", "Ellipse", "segments_for"]


def segments_for(radius_px: float | None, fraction: float = 1.0) -> int:
    """Segments for an arc of ``fraction`` of a turn, at most 1/4 px from the curve."""
    if radius_px is None or not np.isfinite(radius_px) or radius_px <= 0:
        full = 128
    else:
        step = 2 * np.arccos(max(1 - 0.25 / radius_px, -1.0))
        full = int(2 ** np.ceil(np.log2(max(2 * np.pi / step, 1))))
        full = int(np.clip(full, 16, 1024))
    return max(int(np.ceil(full * fraction)), 1)


class _Shape(Polygon):
    """A polygon computed from parameters, with curves tessellated for the screen."""

    _fixed_vertices = True

    def __init__(self, segments: int | None, **kwargs: Any) -> None:
        self._segments = segments
        self._params: dict[str, Any] = {}
        self._tessellated: int | None = None  # segments per turn of the current vertices
        super().__init__(**kwargs)

    @property
    def segments(self) -> int | None:
        """Segments per full turn of a curve; None: chosen from the size on screen."""
        return self._segments

    @segments.setter
    def segments(self, value: int | None) -> None:
        if value is not None and (int(value) != value or value < 3):
            raise ValueError(f"{type(self).__name__}.segments must be None or an int >= 3")
        self._segments = None if value is None else int(value)
        self._reshape()

    def _set_param(self, name: str, value: Any) -> None:
        self._params[name] = value
        self._reshape()

    def _reshape(self, per_turn: int | None = None) -> None:
        per_turn = per_turn or self._segments or self._tessellated or 128
        self._tessellated = per_turn
        if len(self._params) == self._n_params:
            self._set_rings([self._outline(per_turn)], None)

    def _update_shape(self, view: Any) -> None:
        if self._segments is None and len(self._params) == self._n_params:
            per_turn = segments_for(self._radius_px(view))
            if per_turn != self._tessellated:
                self._reshape(per_turn)

    def _radius_px(self, view: Any) -> float | None:
        """The largest curve radius in view pixels, or None if it cannot be estimated."""
        radius = self._curve_radius()
        if radius <= 0:
            return None
        cx, cy = self._params["center"]
        pts = np.array([[cx, cy, 0.0], [cx + radius, cy, 0.0], [cx, cy + radius, 0.0]])
        try:
            scene_pts = self.transform_to(view.scene).map(pts)
            clip = np.asarray(view.camera.transform.map(scene_pts), np.float64)
        except Exception:  # noqa: BLE001 - a transform that cannot map: keep a default
            return None
        half = np.asarray(view.variables["viewport"].value, np.float64) / 2
        px = clip[:, :2] * half
        return float(max(np.hypot(*(px[1] - px[0])), np.hypot(*(px[2] - px[0]))))

    def _center(self, value: ArrayLike) -> tuple[float, float]:
        c = np.asarray(value, np.float64)
        if c.shape != (2,) or not np.all(np.isfinite(c)):
            raise ValueError(f"{type(self).__name__}.center must be 2 finite numbers, not {value}")
        return float(c[0]), float(c[1])

    center = property(
        lambda self: self._params["center"],
        lambda self, v: self._set_param("center", self._center(v)),
    )


class Rectangle(_Shape):
    """A rectangle, with optionally rounded corners.

    Parameters
    ----------
    center
        (x, y) of the centre.
    width, height
        Sizes in data units (> 0).
    radius
        Corner radius in data units: one value, or four (bottom left, bottom
        right, top right, top left); at most half the width and the height.
    segments
        Segments per full turn of the corners' arcs; None (default): from the
        size on screen.
    **kwargs
        As for :class:`Polygon` (colours, border, parent, node options).

    Examples
    --------
    >>> box = Rectangle((0, 0), 4, 2, radius=0.3, color="navy", border_color="white",
    ...                 parent=view.scene)              # doctest: +SKIP
    >>> box.width = 6                                   # doctest: +SKIP
    """

    _n_params = 4

    def __init__(
        self,
        center: ArrayLike = (0.0, 0.0),
        width: float = 1.0,
        height: float = 1.0,
        *,
        radius: float | ArrayLike = 0.0,
        segments: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(segments, **kwargs)
        self.center, self.width, self.height = center, width, height
        self.radius = radius

    def _size(self, name: str, value: float) -> None:
        value = float(value)
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"Rectangle.{name} must be a finite number > 0, not {value}")
        self._set_param(name, value)

    width = property(lambda self: self._params["width"], lambda self, v: self._size("width", v))
    height = property(lambda self: self._params["height"], lambda self, v: self._size("height", v))

    @property
    def radius(self) -> np.ndarray:
        """(4,) corner radii: bottom left, bottom right, top right, top left."""
        return self._params["radius"].copy()

    @radius.setter
    def radius(self, value: float | ArrayLike) -> None:
        r = (
            np.broadcast_to(np.asarray(value, np.float64), (4,)).copy()
            if np.ndim(value) == 0
            else (np.asarray(value, np.float64))
        )
        if r.shape != (4,) or not np.all(np.isfinite(r)) or np.any(r < 0):
            raise ValueError(f"Rectangle.radius must be one or four numbers >= 0, not {value}")
        limit = min(self._params["width"], self._params["height"]) / 2
        if np.any(r > limit * (1 + 1e-9)):
            raise ValueError(
                f"Rectangle.radius {r.max():g} is more than half the width or height ({limit:g})"
            )
        self._set_param("radius", np.minimum(r, limit))

    def _curve_radius(self) -> float:
        return float(self._params["radius"].max())

    def _outline(self, per_turn: int) -> np.ndarray:
        (cx, cy), w, h = self._params["center"], self._params["width"], self._params["height"]
        n = max(per_turn // 4, 1)
        points = []
        corners = [(-1, -1), (1, -1), (1, 1), (-1, 1)]  # counter-clockwise
        radii = np.minimum(self._params["radius"], min(w, h) / 2)  # after a resize: clamped
        for k, ((sx, sy), r) in enumerate(zip(corners, radii, strict=True)):
            x, y = cx + sx * w / 2, cy + sy * h / 2
            if r <= 0:
                points.append([(x, y)])
                continue
            start = np.pi + k * np.pi / 2  # the arc of this corner, counter-clockwise
            angles = start + np.linspace(0, np.pi / 2, n + 1)
            ox, oy = x - sx * r, y - sy * r
            points.append(np.c_[ox + r * np.cos(angles), oy + r * np.sin(angles)])
        return np.concatenate(points)

    def bounds(self, axis: int) -> tuple[float, float] | None:
        if axis >= 2:
            return (0.0, 0.0)
        c, size = self._params["center"][axis], self._params["width" if axis == 0 else "height"]
        return c - size / 2, c + size / 2


class Ellipse(_Shape):
    """An ellipse, or a pie slice of one.

    Parameters
    ----------
    center
        (x, y) of the centre.
    radius
        One radius, or (rx, ry), in data units (> 0).
    start_angle, span_angle
        In degrees, counter-clockwise from +x. A span under 360 draws the pie
        slice from ``start_angle`` to ``start_angle + span_angle``.
    segments
        Segments per full turn; None (default): from the size on screen.
    **kwargs
        As for :class:`Polygon` (colours, border, parent, node options).

    Examples
    --------
    >>> disc = Ellipse((0, 0), radius=(2, 1), color="orange", parent=view.scene)  # doctest: +SKIP
    >>> disc.span_angle = 270            # a pie with a quarter cut out   # doctest: +SKIP
    """

    _n_params = 4

    def __init__(
        self,
        center: ArrayLike = (0.0, 0.0),
        radius: float | ArrayLike = 1.0,
        *,
        start_angle: float = 0.0,
        span_angle: float = 360.0,
        segments: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(segments, **kwargs)
        self.center, self.radius = center, radius
        self.start_angle, self.span_angle = start_angle, span_angle

    @property
    def radius(self) -> tuple[float, float]:
        return self._params["radius"]

    @radius.setter
    def radius(self, value: float | ArrayLike) -> None:
        r = (
            np.broadcast_to(np.asarray(value, np.float64), (2,))
            if np.ndim(value) == 0
            else (np.asarray(value, np.float64))
        )
        if r.shape != (2,) or not np.all(np.isfinite(r)) or np.any(r <= 0):
            raise ValueError(f"Ellipse.radius must be one or two numbers > 0, not {value}")
        self._set_param("radius", (float(r[0]), float(r[1])))

    def _angle(self, name: str, value: float, low: float, high: float) -> None:
        value = float(value)
        if not (np.isfinite(value) and low <= value <= high):
            raise ValueError(f"Ellipse.{name} must be in [{low:g}, {high:g}], not {value}")
        self._set_param(name, value)

    start_angle = property(
        lambda self: self._params["start_angle"],
        lambda self, v: self._angle("start_angle", v, -360.0, 360.0),
    )
    span_angle = property(
        lambda self: self._params["span_angle"],
        lambda self, v: self._angle("span_angle", v, 1e-6, 360.0),
    )

    def _curve_radius(self) -> float:
        return max(self._params["radius"])

    def _outline(self, per_turn: int) -> np.ndarray:
        (cx, cy), (rx, ry) = self._params["center"], self._params["radius"]
        span = self._params["span_angle"]
        start = np.radians(self._params["start_angle"])
        if span >= 360.0:
            angles = start + np.linspace(0, 2 * np.pi, per_turn, endpoint=False)
            return np.c_[cx + rx * np.cos(angles), cy + ry * np.sin(angles)]
        n = max(int(np.ceil(per_turn * span / 360.0)), 1)
        angles = start + np.linspace(0, np.radians(span), n + 1)
        arc = np.c_[cx + rx * np.cos(angles), cy + ry * np.sin(angles)]
        return np.concatenate([[(cx, cy)], arc])
