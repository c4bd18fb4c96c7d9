"""Arrow and XYZAxis: lines with arrow heads, and the three axes of a 3D scene.

An :class:`Arrow` is a :class:`Line` (everything a line does: width, joins,
caps, colours, ``connect``) plus heads at the ends of chosen segments, as
vispy's ArrowVisual: ``arrows`` holds (start, end) pairs, and a head is drawn
at each end, its tip on the end point, pointing from the start to the end as
seen on screen. The pair need not be a segment of the line: it only places and
turns the head.

The heads are a child visual that draws one instance of a screen-aligned quad
per arrow. Its vertex stage takes both points of the pair to pixels (through
the same transforms and camera as the line) and turns the quad along the
direction between them; its fragment stage computes the signed distance to
the head's outline (a polygon of 3 or 4 points, uniforms computed here per
``arrow_type``; the ``angle_*`` heads are open strokes of the line's width;
``curved`` is a triangle whose flanks two circles carve inwards;
``inhibitor_round`` a stroked half circle across the end) and turns it into
coverage over one pixel, as the line does. So heads keep
their size in pixels at any zoom (``arrow_size``, logical pixels, the head's
length from back to tip), and a new type or size is a uniform, never a new
shader. ``canvas.pick`` reports the line's segment over the line, and the
arrow's index (with the heads' visual, ``arrow.heads``) over a head.

:class:`XYZAxis` is a Line of three unit segments from the origin along x, y
and z, coloured red, green and blue, for showing a 3D scene's orientation.

Limits: a head whose end is behind the camera, or whose pair projects to one
pixel (a segment seen end on), is not drawn; the heads' points are float32
(they are not drawn relative to an origin as float64 line positions are).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .._reactive import Prop
from .._visual import DrawContext, Visual
from . import _data as checks
from ._data import as_colors
from ._line import Line

__all__ = ["Arrow", "XYZAxis", "ARROW_TYPES"]


def _triangle(degrees: float) -> list[tuple[float, float]]:
    half = float(np.tan(np.radians(degrees) / 2))
    return [(0.0, 0.0), (-1.0, half), (-1.0, -half)]


def _angle(degrees: float) -> list[tuple[float, float]]:
    half = float(np.tan(np.radians(degrees) / 2))
    return [(-1.0, half), (0.0, 0.0), (-1.0, -half)]


def _flank_circle(corner: tuple[float, float], sag: float) -> tuple[float, float, float]:
    """(cx, cy, radius) of the circle through the tip (0, 0) and ``corner`` whose arc
    between them bows ``sag`` head lengths towards the arrow's axis (its centre is
    on the far side of that chord)."""
    c = np.array(corner)
    chord = float(np.hypot(*c))
    radius = (chord**2 / 4 + sag**2) / (2 * sag)
    normal = np.array([-c[1], c[0]]) / chord  # perpendicular to the chord
    if normal[1] * c[1] < 0:  # away from the axis, on the corner's side
        normal = -normal
    centre = c / 2 + normal * (radius - sag)
    return float(centre[0]), float(centre[1]), float(radius)


#: how a head is drawn: a filled outline, an open stroke through its three points,
#: a filled outline less two circles (curved flanks), a stroked half circle
FILL, STROKE, CURVED, ROUND = 0, 1, 2, 3

#: arrow type -> (outline in head lengths: the tip at (0, 0), pointing +x; kind;
#: circles (cx, cy, radius) in head lengths)
ARROW_TYPES: dict[str, tuple[list[tuple[float, float]], int, list[tuple[float, float, float]]]] = {
    "stealth": ([(0.0, 0.0), (-1.0, 0.45), (-0.7, 0.0), (-1.0, -0.45)], FILL, []),
    "curved": (
        [(0.0, 0.0), (-1.0, 0.6), (-1.0, -0.6)],
        CURVED,
        [_flank_circle((-1.0, 0.6), 0.08), _flank_circle((-1.0, -0.6), 0.08)],
    ),
    "triangle_30": (_triangle(30), FILL, []),
    "triangle_60": (_triangle(60), FILL, []),
    "triangle_90": (_triangle(90), FILL, []),
    "angle_30": (_angle(30), STROKE, []),
    "angle_60": (_angle(60), STROKE, []),
    "angle_90": (_angle(90), STROKE, []),
    # a cup across the end, as wide as the head is long, its apex on the end point
    "inhibitor_round": ([(-0.5, 0.5), (0.0, 0.0), (-0.5, -0.5)], ROUND, [(-0.5, 0.0, 0.5)]),
}

HEAD_VERT = """
in vec2 a_corner;   // x: 0 at the back, 1 at the tip; y: -1 or +1 across
in vec3 a_start;
in vec3 a_end;
in vec4 a_color;
uniform float u_size;     // the head's length, logical pixels
uniform float u_half;     // the outline's half width, in head lengths
uniform float u_stroke;   // half the stroke's width (open heads), logical pixels
out vec2 v_local;         // device pixels from the tip: x along the arrow, y across
flat out vec4 v_color;
flat out float v_length;  // the head's length, device pixels

// (x, y) in pixels of the view, z in NDC, w: 1 if in front of the camera.
vec4 head_to_px(vec3 p) {
    vec4 clip = $transform(vec4(p, 1.0));
    if (clip.w <= 0.0) return vec4(0.0);
    vec3 ndc = clip.xyz / clip.w;
    return vec4((ndc.xy + 1.0) * 0.5 * $viewport, ndc.z, 1.0);
}

void main() {
    vec4 a = head_to_px(a_start);
    vec4 b = head_to_px(a_end);
    vec2 d = b.xy - a.xy;
    float len = length(d);
    if (a.w == 0.0 || b.w == 0.0 || len < 1e-6) {  // behind the camera, or seen end on
        gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
        return;
    }
    vec2 t = d / len;
    vec2 n = vec2(-t.y, t.x);
    float size = u_size * $pixel_scale;
    float margin = 1.0 + u_stroke * $pixel_scale;  // room for the coverage ramp and stroke
    float along = mix(-size - margin, margin, a_corner.x);
    float across = a_corner.y * (u_half * size + margin);
    v_local = vec2(along, across);
    v_color = a_color;
    v_length = size;
    $pick_index = gl_InstanceID;
    gl_Position = vec4((b.xy + t * along + n * across) / $viewport * 2.0 - 1.0, b.z, 1.0);
}
"""

HEAD_FRAG = """
in vec2 v_local;
flat in vec4 v_color;
flat in float v_length;
uniform vec2 u_shape[4];  // the outline in head lengths: tip at (0, 0), back at x = -1
uniform int u_count;      // its points (3 or 4)
uniform int u_kind;       // 0: filled outline, 1: open stroke through the first three
                          // points, 2: the outline less two circles, 3: a stroked half circle
uniform vec3 u_circles[2];  // (centre, radius) in head lengths, for kinds 2 and 3
uniform float u_stroke;
out vec4 f_color;

float head_segment_distance(vec2 p, vec2 a, vec2 b) {
    vec2 ab = b - a;
    float h = clamp(dot(p - a, ab) / dot(ab, ab), 0.0, 1.0);
    return length(p - a - ab * h);
}

void main() {
    vec2 p = v_local;
    float sdf;
    if (u_kind == 1) {
        vec2 tip = u_shape[1] * v_length;
        sdf = min(head_segment_distance(p, u_shape[0] * v_length, tip),
                  head_segment_distance(p, tip, u_shape[2] * v_length));
        sdf -= max(u_stroke * $pixel_scale, 0.5);
    } else if (u_kind == 3) {
        // the half circle facing the tip: the ring's distance there, else its two ends
        vec2 c = u_circles[0].xy * v_length;
        float r = u_circles[0].z * v_length;
        sdf = p.x >= c.x ? abs(length(p - c) - r)
                         : min(length(p - c - vec2(0.0, r)), length(p - c + vec2(0.0, r)));
        sdf -= max(u_stroke * $pixel_scale, 0.5);
    } else {
        // the distance to the outline, negative inside (even-odd crossings along +x)
        float d = 1e9;
        bool inside = false;
        for (int i = 0; i < 4; i++) {
            if (i >= u_count) break;
            vec2 a = u_shape[i] * v_length;
            vec2 b = u_shape[(i + 1) % u_count] * v_length;
            d = min(d, head_segment_distance(p, a, b));
            if ((a.y > p.y) != (b.y > p.y)
                && p.x < a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y)) {
                inside = !inside;
            }
        }
        sdf = inside ? -d : d;
        if (u_kind == 2) {  // curved flanks: outside both circles
            for (int i = 0; i < 2; i++) {
                sdf = max(sdf, u_circles[i].z * v_length - length(p - u_circles[i].xy * v_length));
            }
        }
    }
    float alpha = v_color.a * clamp(0.5 - sdf, 0.0, 1.0);
    if (alpha <= 0.0) discard;
    f_color = $post(vec4(v_color.rgb, alpha));
}
"""

_CORNERS = np.array([[0, -1], [0, 1], [1, -1], [1, 1]], np.float32)  # a triangle strip
_HEAD_PARTS = {"arrows", "arrow_color", "arrow_type", "arrow_size", "width"}


def as_arrows(value: Any, what: str) -> np.ndarray:
    """Check: None, or (N, 4) or (N, 6) rows of start and end points -> (N, 2, 3) float32."""
    if value is None:
        return np.zeros((0, 2, 3), np.float32)
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what}: dtype {arr.dtype} is not numeric")
    if arr.ndim != 2 or arr.shape[1] not in (4, 6):
        raise ValueError(
            f"{what}: shape {arr.shape} is not (N, 4) or (N, 6): one row per arrow, its start "
            "then its end point (x0, y0, x1, y1 or x0, y0, z0, x1, y1, z1)"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what}: contains NaN or infinity")
    dims = arr.shape[1] // 2
    out = np.zeros((len(arr), 2, 3), np.float32)
    out[:, :, :dims] = arr.reshape(-1, 2, dims)
    return out


def _arrow_colors(value: Any, what: str) -> np.ndarray:
    """Check: one colour -> (4,), or (N, 3|4) one per arrow (counted with the arrows)."""
    names = isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value)
    if names or (not isinstance(value, str) and np.ndim(value) == 2):
        return as_colors(value, len(value), what)
    return as_colors(value, 1, what)


class _ArrowHeads(Visual):
    """The heads of an :class:`Arrow` (its child): drawn from the arrow's properties."""

    def __init__(self, arrow: Arrow) -> None:
        super().__init__(HEAD_VERT, HEAD_FRAG, arrow)
        self._arrow = arrow
        self._dirty = set(_HEAD_PARTS)

    def _prepare(self, ctx: DrawContext) -> None:
        values, program, dirty = self._arrow._values, self.program, self._dirty
        arrows = values["arrows"]
        if not len(arrows):
            return  # nothing to draw: uploads wait (GL has no empty buffers)
        if "arrows" in dirty:
            program["a_corner"] = _CORNERS
            self._bind("a_start", np.ascontiguousarray(arrows[:, 0]), 1, divisor=1)
            self._bind("a_end", np.ascontiguousarray(arrows[:, 1]), 1, divisor=1)
            dirty.add("arrow_color")  # one colour per arrow follows the arrows' buffer size
        if "arrow_color" in dirty:
            self._bind("a_color", values["arrow_color"], 1, divisor=1)
        if "arrow_type" in dirty:
            outline, kind, circles = ARROW_TYPES[values["arrow_type"]]
            shape = np.zeros((4, 2), np.float32)
            shape[: len(outline)] = outline
            program["u_shape"] = shape
            program["u_count"] = len(outline)
            program["u_kind"] = kind
            program["u_circles"] = np.array((circles + [(0.0, 0.0, 0.0)] * 2)[:2], np.float32)
            program["u_half"] = float(np.abs(shape[:, 1]).max())
        if "arrow_size" in dirty:
            program["u_size"] = values["arrow_size"]
        if "width" in dirty or "arrow_type" in dirty:
            stroked = ARROW_TYPES[values["arrow_type"]][1] in (STROKE, ROUND)
            program["u_stroke"] = values["width"] / 2 if stroked else 0.0
        dirty.clear()

    def _draw(self, ctx: DrawContext) -> None:
        n = len(self._arrow._values["arrows"])
        if n:
            self.program.draw("triangle_strip", instances=n)

    def bounds(self, axis: int) -> tuple[float, float] | None:
        arrows = self._arrow._values["arrows"]
        if not len(arrows) or not 0 <= axis < 3:
            return None
        return float(arrows[:, :, axis].min()), float(arrows[:, :, axis].max())


class Arrow(Line):
    """A line with arrow heads at the ends of chosen segments (vispy's ArrowVisual).

    Parameters
    ----------
    positions
        (N, 2) or (N, 3) vertices of the line (see :class:`Line`).
    arrows
        (M, 4) or (M, 6): one row per head, the start then the end point
        ((x0, y0, x1, y1) or (x0, y0, z0, x1, y1, z1)). The head's tip is at the
        end, pointing from the start to the end. None: no heads.
    arrow_type
        The head's shape: "stealth" (default, a notched dart), "curved" (a
        dart whose flanks curve inwards), "triangle_30", "triangle_60",
        "triangle_90" (filled, the tip's angle in degrees), "angle_30",
        "angle_60", "angle_90" (open chevrons, stroked with the line's width),
        or "inhibitor_round" (a half circle across the end, as wide as
        ``arrow_size``, stroked with the line's width: the "inhibits" mark of
        pathway diagrams).
    arrow_size
        The head's length from back to tip, in logical pixels (the same at any zoom).
    arrow_color
        One colour, or (M, 3|4) colours, one per arrow.
    **kwargs
        As for :class:`Line` (``color``, ``width``, ``connect``, ``parent``...).

    Examples
    --------
    >>> pairs = np.array([[0, 0, 1, 1], [0, 0, 1, -1]], float)
    >>> arrow = Arrow(pairs.reshape(-1, 2), arrows=pairs, connect="segments",
    ...               color="white", width=2, arrow_size=12,
    ...               parent=view.scene)                    # doctest: +SKIP
    >>> arrow.arrow_type = "triangle_60"    # a uniform at the next draw  # doctest: +SKIP
    """

    arrows = Prop(
        as_arrows,
        "(M, 2, 3) float32: each arrow's start and end point; its head's tip is at the end.",
    )
    arrow_type = Prop(
        checks.choice(*ARROW_TYPES), f"The heads' shape: {', '.join(map(repr, ARROW_TYPES))}."
    )
    arrow_size = Prop(
        checks.number(minimum=0), "The heads' length from back to tip, in logical pixels."
    )
    arrow_color = Prop(
        _arrow_colors, "One colour, (4,) RGBA, or (M, 4) RGBA, one per arrow, for the heads."
    )

    def __init__(
        self,
        positions: ArrayLike | None = None,
        *,
        arrows: ArrayLike | None = None,
        arrow_type: str = "stealth",
        arrow_size: float = 10.0,
        arrow_color: Any = "white",
        **kwargs: Any,
    ) -> None:
        self._heads: _ArrowHeads | None = None  # made once the line is
        super().__init__(positions, **kwargs)
        self._heads = _ArrowHeads(self)
        self._assign(
            {
                "arrows": arrows,
                "arrow_type": arrow_type,
                "arrow_size": arrow_size,
                "arrow_color": arrow_color,
            }
        )

    @property
    def heads(self) -> Visual:
        """The visual that draws the heads (a child of the arrow; what picking reports)."""
        assert self._heads is not None
        return self._heads

    def _assign(self, values: dict[str, Any], n: int | None = None, *, caller: str = "") -> None:
        if values.keys() & {"arrows", "arrow_color"}:  # one colour per arrow: counts agree
            arrows = (
                as_arrows(values["arrows"], "Arrow.arrows")
                if "arrows" in values
                else self._values["arrows"]
            )
            colors = (
                _arrow_colors(values["arrow_color"], "Arrow.arrow_color")
                if "arrow_color" in values
                else self._values.get("arrow_color")
            )
            if colors is not None and colors.ndim == 2 and len(colors) != len(arrows):
                raise ValueError(
                    f"Arrow.arrow_color: {len(colors)} colours for {len(arrows)} arrows; "
                    "give one colour, or one per arrow (with the arrows in the same set_data)"
                )
        super()._assign(values, n, caller=caller)
        parts = self._dirty & _HEAD_PARTS
        if self._heads is not None and parts:
            self._heads._dirty |= parts
            self._dirty -= parts - {"width"}  # the line reads its width too


class XYZAxis(Line):
    """The x, y and z axes from the origin: three unit segments in red, green and blue.

    Parameters
    ----------
    width
        Width of the lines in logical pixels.
    **kwargs
        As for :class:`Line` (``parent``, ``transform`` to move or scale them...).

    Examples
    --------
    >>> axis = XYZAxis(width=2, parent=view.scene)     # doctest: +SKIP
    >>> axis.transform = STTransform(scale=(2, 2, 2))   # doctest: +SKIP
    """

    def __init__(self, width: float = 2.0, **kwargs: Any) -> None:
        ends = np.repeat(np.eye(3), 2, axis=0)
        ends[::2] = 0.0  # each segment from the origin to a unit point
        colors = np.repeat(np.c_[np.eye(3), np.ones(3)], 2, axis=0)
        kwargs = {"color": colors, "connect": "segments", **kwargs}
        super().__init__(ends, width=width, **kwargs)
