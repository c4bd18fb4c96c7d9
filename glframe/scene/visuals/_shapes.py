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

from .._reactive import Prop
from .._visual import DrawContext
from . import _data as checks
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


def _floats(check: Any) -> Any:
    """``check``, its array given back as a tuple of floats."""
    return lambda value, what: tuple(float(v) for v in check(value, what))


def _read_only(check: Any) -> Any:
    """``check``, its array given back read-only (the getter's value cannot drift)."""

    def checked(value: Any, what: str) -> np.ndarray:
        arr = check(value, what)
        arr.flags.writeable = False
        return arr

    return checked


class _Shape(Polygon):
    """A polygon computed from parameters, with curves tessellated for the screen.

    Its parameters are :class:`Prop` s that mark "shape": the outline is computed
    again when one changes (all of them are set together by ``__init__``).
    """

    _fixed_vertices = True

    segments = Prop(
        checks.optional(checks.integer(minimum=3)),
        "Segments per full turn of a curve; None: chosen from the size on screen.",
        dirty="shape",
    )
    center = Prop(_floats(checks.vector(2)), "(x, y) of the centre, in data units.", dirty="shape")

    def __init__(self, params: dict[str, Any], **kwargs: Any) -> None:
        self._tessellated: int | None = None  # segments per turn of the current vertices
        super().__init__(**kwargs)
        self._assign(params)

    def _assign(self, values: dict[str, Any], n: int | None = None, *, caller: str = "") -> None:
        super()._assign(values, n, caller=caller)
        if "shape" in self._dirty:
            self._dirty.discard("shape")
            self._reshape()

    def _reshape(self, per_turn: int | None = None) -> None:
        per_turn = per_turn or self._values["segments"] or self._tessellated or 128
        self._tessellated = per_turn
        self._set_rings([self._outline(per_turn)], None)

    def _update_shape(self, ctx: DrawContext) -> None:
        if self._values["segments"] is None:
            per_turn = segments_for(self._radius_px(ctx.view))
            if per_turn != self._tessellated:
                self._reshape(per_turn)

    def _radius_px(self, view: Any) -> float | None:
        """The largest curve radius in view pixels, or None if it cannot be estimated."""
        radius = self._curve_radius()
        if radius <= 0:
            return None
        cx, cy = self._values["center"]
        pts = np.array([[cx, cy, 0.0], [cx + radius, cy, 0.0], [cx, cy + radius, 0.0]])
        try:
            scene_pts = self.transform_to(view.scene).map(pts)
            clip = np.asarray(view.camera.transform.map(scene_pts), np.float64)
        except Exception:  # noqa: BLE001 - a transform that cannot map: keep a default
            return None
        half = np.asarray(view.variables["viewport"].value, np.float64) / 2
        px = clip[:, :2] * half
        return float(max(np.hypot(*(px[1] - px[0])), np.hypot(*(px[2] - px[0]))))


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
        params = {"center": center, "width": width, "height": height, "radius": radius}
        super().__init__({**params, "segments": segments}, **kwargs)

    width = Prop(checks.number(above=0), "Width in data units.", dirty="shape")
    height = Prop(checks.number(above=0), "Height in data units.", dirty="shape")
    radius = Prop(
        _read_only(checks.broadcast(4, minimum=0)),
        "(4,) corner radii in data units: bottom left, bottom right, top right, top left "
        "(one value sets all four); at most half the width and the height.",
        dirty="shape",
    )

    def _assign(self, values: dict[str, Any], n: int | None = None, *, caller: str = "") -> None:
        if "radius" in values:  # the corners must fit the sides (a later resize clamps them)

            def new(name: str) -> Any:
                if name in values:
                    return self._props[name].convert(self, values[name], 0)
                return self._values[name]

            r, limit = new("radius"), min(new("width"), new("height")) / 2
            if np.any(r > limit * (1 + 1e-9)):
                raise ValueError(
                    f"Rectangle.radius {r.max():g} is more than half the width or height "
                    f"({limit:g})"
                )
        super()._assign(values, n, caller=caller)

    def _curve_radius(self) -> float:
        return float(self._values["radius"].max())

    def _outline(self, per_turn: int) -> np.ndarray:
        (cx, cy), w, h = self._values["center"], self._values["width"], self._values["height"]
        n = max(per_turn // 4, 1)
        points = []
        corners = [(-1, -1), (1, -1), (1, 1), (-1, 1)]  # counter-clockwise
        radii = np.minimum(self._values["radius"], min(w, h) / 2)  # after a resize: clamped
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
        c, size = self._values["center"][axis], self._values["width" if axis == 0 else "height"]
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
        params = {"center": center, "radius": radius, "segments": segments}
        super().__init__({**params, "start_angle": start_angle, "span_angle": span_angle}, **kwargs)

    radius = Prop(
        _floats(checks.broadcast(2, above=0)),
        "(rx, ry) radii in data units (one value sets both).",
        dirty="shape",
    )
    start_angle = Prop(
        checks.number(minimum=-360, maximum=360),
        "Where the slice starts, in degrees counter-clockwise from +x.",
        dirty="shape",
    )
    span_angle = Prop(
        checks.number(minimum=1e-6, maximum=360),
        "The slice's angle in degrees (360: the whole ellipse, under 360: a pie slice).",
        dirty="shape",
    )

    def _curve_radius(self) -> float:
        return max(self._values["radius"])

    def _outline(self, per_turn: int) -> np.ndarray:
        (cx, cy), (rx, ry) = self._values["center"], self._values["radius"]
        span = self._values["span_angle"]
        start = np.radians(self._values["start_angle"])
        if span >= 360.0:
            angles = start + np.linspace(0, 2 * np.pi, per_turn, endpoint=False)
            return np.c_[cx + rx * np.cos(angles), cy + ry * np.sin(angles)]
        n = max(int(np.ceil(per_turn * span / 360.0)), 1)
        angles = start + np.linspace(0, np.radians(span), n + 1)
        arc = np.c_[cx + rx * np.cos(angles), cy + ry * np.sin(angles)]
        return np.concatenate([[(cx, cy)], arc])
