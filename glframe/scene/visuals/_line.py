"""Line: polylines and segments of any width in pixels, antialiased, with joins and caps.

Each segment is one instance of a four-vertex quad, built in the vertex stage
in screen space: both endpoints go through ``$transform`` to pixels (with
``$viewport``), the quad is offset by half the width plus a one-pixel margin
and, at each end, reaches as far as the cap or join needs. The fragment stage
computes the signed distance to the stroke (body, caps, joins) and turns it
into coverage over one pixel. The endpoints and their neighbours are read
from one buffer through four views at row offsets 0..3 (no copies), so a
million-vertex strip is one draw of a million instances, and no per-segment
array is built on the CPU.

At a join the two segments split the plane along the bisector line: each
draws its half only, so translucent lines are even at joins. Miter joins
beyond ``miter_limit`` (the SVG ratio of miter length to width) become bevels.

Non-finite positions (NaN, inf) break a strip or loop into pieces, each with
its caps; repeated consecutive points are dropped. Widths are in logical
pixels (scaled by ``$pixel_scale``), so they do not change with zoom. Widths
under one pixel are drawn one pixel wide with a proportionally lower alpha.

``antialias=False`` draws hard edges, as GL draws aliased lines: a pixel is
drawn when its centre is within half the width of the segment measured along
the minor axis (the one of x and y along which the segment moves less), and
within the segment's extent along the major axis, with GL's diamond-exit rule
at the ends; joins and caps keep their shapes. Such a line, one device pixel
wide and opaque, is what a GL line strip draws, so it is drawn as one
(``line_strip``, ``line_loop``, or ``lines`` with indices where non-finite
positions break it): one vertex per position instead of a four-vertex quad
per segment, and no distance field per fragment. ``tests/test_line_polygon.py``
checks that both paths draw the same pixels. Translucent or thinner lines
keep the quads (a strip draws some pixels twice at turns), and so does the
pick pass. While a line draws as a strip, its quads' program and buffers are
not made (their changes wait until the quads draw). A strip whose x only grows
or falls, with many vertices per pixel column, draws only those that make its
pixels (``_decimate.py``).

With a ``capacity``, the line is a ring buffer for data that arrives over time:
``line.append(points)`` adds points at the end and the oldest roll off once
``capacity`` are kept. The GPU copies hold ``capacity`` slots, point ``t`` in slot
``t % capacity`` (see ``_ring.py``); an append uploads its own rows only (plus a copy
of the rows at the ends of the ring, which the next and previous segments read: at
most three rows more when an append touches slot 0, 1 or the last). The quads of a
ring read their rows from a float texture in the vertex stage (``PULL_VERT``, with
``_line_ring.py``): not one instance a segment, which costs a software WebGL2
(SwiftShader) ~17 us each, but chunks of 1024 segments an instance, one draw oldest
first; the uniform ``u_ring`` gives the oldest slot, and the shader drops the
segment that would join the newest point to the oldest and caps both. The line-strip
path draws the ring as two strips, oldest first (its buffers end with a copy of slot 0,
where the first strip goes on). Repeated consecutive points are kept
in a ring (a zero-length segment), where a fresh line drops them.

``canvas.pick(pos)`` reports, for a strip or loop, the index in ``positions``
of the first vertex of the segment under ``pos``; for "segments" or index
pairs, the number of the pair.

Limits: the width is one value for the whole line; in 3D a segment with an
end behind the camera is not drawn (no clipping against the near plane);
sharp turns between segments shorter than the width show the inner corner
cut (as in most GPU line renderers).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ... import gloo
from ...shaders import Function, ModularProgram, snippet
from .._reactive import Alias, Prop, aliased_argument
from .._visual import DrawContext, Visual, finite_bounds
from . import _data as checks
from ._data import as_positions
from ._decimate import column_extremes, monotonic
from ._line_ring import _ROW, LineRing
from ._origin import RingOrigin, choose_origin, relative
from ._ring import RingMirror, RingStore

__all__ = ["Line", "JOINS", "CAPS"]

_GLSL = __package__  # the visuals' GLSL lives next to them, in glsl/

#: join name -> code in the shader
JOINS = {"miter": 0, "round": 1, "bevel": 2}
#: cap name -> code in the shader
CAPS = {"butt": 0, "square": 1, "round": 2}
#: the properties that are uniforms of the quads' programs (u_width, ...)
_STROKE = {"width", "join", "cap", "miter_limit", "antialias"}

#: the quads' vertex stage without its inputs: where a vertex gets its points is the main's
VERT_BODY = """
uniform float u_width;
uniform float u_join;
uniform float u_cap;
uniform float u_miter_limit;
uniform float u_antialias;  // 1: coverage ramp over one pixel; 0: hard edges (GL's rule)
// A ring buffer (Line.append): (the oldest instance, instances in the ring, 1 for a strip);
// (0, 0, 0) otherwise
uniform ivec3 u_ring;
out vec2 v_px;
flat out vec4 v_ends;    // start and end, pixels
flat out vec4 v_start;   // (tb, m) of the start, see line/ends.glsl
flat out vec4 v_end;
flat out vec4 v_kinds;   // kind at the start and the end, bevel distances
flat out vec2 v_width;   // half width in pixels, alpha factor for thin lines
flat out vec4 v_color0;
flat out vec4 v_color1;

// (x, y) in pixels of the view, z in NDC, w: 1 if drawable.
vec4 line_to_px(vec4 p) {
    vec4 clip = $transform(vec4(p.xyz, 1.0));
    if (p.w < 0.5 || clip.w <= 0.0) return vec4(0.0);
    vec3 ndc = clip.xyz / clip.w;
    return vec4((ndc.xy + 1.0) * 0.5 * $viewport, ndc.z, 1.0);
}

// One corner of a segment's quad. prev, p0, p1, next: xyz and w (1: a point, 0: none, a
// cap there); corner: see a_corner; pick: what canvas.pick() reports; place: in a ring,
// the segment's place oldest first.
void line_vertex(vec4 prev, vec4 p0, vec4 p1, vec4 next, vec4 color0, vec4 color1,
                 vec2 corner, int pick, int place) {
    if (u_ring.y > 0) {
        int n = u_ring.y;
        pick = place;
        if (u_ring.z == 1) {  // a strip: the newest and the oldest points meet in the ring
            if (pick == n - 1) {
                gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
                return;
            }
            if (pick == 0) prev.w = 0.0;      // the oldest point: a cap
            if (pick == n - 2) next.w = 0.0;  // the newest point: a cap
        }
    }
    vec4 a = line_to_px(p0);
    vec4 b = line_to_px(p1);
    if (a.w == 0.0 || b.w == 0.0) {   // a break: nothing to draw
        gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
        return;
    }
    vec4 z = line_to_px(prev);
    vec4 c = line_to_px(next);
    float width = u_width * $pixel_scale;
    float hw = 0.5 * max(width, 1.0);
    vec2 t = line_direction(a.xy, b.xy);
    if (t == vec2(0.0)) t = vec2(1.0, 0.0);
    vec2 n = vec2(-t.y, t.x);
    float kind0, kind1, bevel0, bevel1, ext0, ext1;
    // -t and t are exactly what the neighbours compute for this joint (line/ends.glsl)
    line_end(-t, z.w > 0.0, line_direction(a.xy, z.xy), hw, u_cap, u_join, u_miter_limit,
             v_start, kind0, bevel0, ext0);
    line_end(t, c.w > 0.0, line_direction(b.xy, c.xy), hw, u_cap, u_join, u_miter_limit,
             v_end, kind1, bevel1, ext1);
    // room for the antialiasing ramp; aliased, for the parallelogram's corners beyond an end
    float margin = u_antialias > 0.5 ? 1.0 : 1.0 + hw;
    vec2 pos = corner.x < 0.5 ? a.xy - t * (ext0 + margin) : b.xy + t * (ext1 + margin);
    pos += n * corner.y * (hw + margin);
    v_px = pos;
    v_ends = vec4(a.xy, b.xy);
    v_kinds = vec4(kind0, kind1, bevel0, bevel1);
    v_width = vec2(hw, clamp(width, 0.0, 1.0));
    v_color0 = color0;
    v_color1 = color1;
    $pick_index = pick;
    gl_Position = vec4(pos / $viewport * 2.0 - 1.0, corner.x < 0.5 ? a.z : b.z, 1.0);
}
"""

#: the quads drawn as instances: a segment's points from four views of one buffer
VERT = (
    VERT_BODY
    + """
in vec2 a_corner;   // x: 0 at the segment's start, 1 at its end; y: -1 or +1 across
in vec4 a_prev;     // xyz: a position; w: 1 for a point, 0 for none (a cap there)
in vec4 a_p0;
in vec4 a_p1;
in vec4 a_next;
in vec4 a_color0;
in vec4 a_color1;
in int a_vertex;    // what canvas.pick() reports: the segment's first vertex (or pair)

void main() {
    int n = max(u_ring.y, 1);
    line_vertex(a_prev, a_p0, a_p1, a_next, a_color0, a_color1, a_corner, a_vertex,
                (gl_InstanceID - u_ring.x + n) % n);
}
"""
)

#: the quads of a ring read from textures: two triangles a segment (indices of its four
#: corners), an instance a chunk of 1024 segments, oldest first, each vertex reading its
#: points from the ring's rows in a float texture (_line_ring.py): one instance a segment
#: costs SwiftShader ~17 us: a 10k-point line took 180 ms a frame
PULL_VERT = (
    VERT_BODY
    + """
uniform highp sampler2D u_rows;    // the ring's rows as the instances' buffer holds them
uniform highp sampler2D u_colors;  // and their colours, with u_colored == 1
uniform int u_colored;
uniform vec4 u_color;              // the one colour, with u_colored == 0
uniform ivec2 u_draw;              // segments an instance (a chunk), segments drawn

vec4 line_row(highp sampler2D rows, int i) {
    int w = textureSize(rows, 0).x;
    return texelFetch(rows, ivec2(i % w, i / w), 0);
}

void main() {
    // drawn with indices 4 * segment + corner (the strip's corner order, 0 to 3), a
    // chunk of segments an instance; the last chunk's segments past the ring's drop
    int place = gl_InstanceID * u_draw.x + gl_VertexID / 4;
    int corner = gl_VertexID % 4;
    if (place >= u_draw.y) {
        gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
        return;
    }
    int slot = (place + u_ring.x) % u_ring.y;                  // u_ring.x: the oldest's slot
    bool strip = u_ring.z == 1;
    int first = strip ? slot + 1 : 2 * slot;                   // the row of p0
    vec4 prev = strip ? line_row(u_rows, first - 1) : vec4(0.0);
    vec4 next = strip ? line_row(u_rows, first + 2) : vec4(0.0);
    vec4 color0 = u_color;
    vec4 color1 = u_color;
    if (u_colored == 1) {
        color0 = line_row(u_colors, first);
        color1 = line_row(u_colors, first + 1);
    }
    line_vertex(prev, line_row(u_rows, first), line_row(u_rows, first + 1), next, color0,
                color1, vec2(float(corner / 2), float(corner % 2) * 2.0 - 1.0), place, place);
}
"""
)

FRAG = """
in vec2 v_px;
flat in vec4 v_ends;
flat in vec4 v_start;
flat in vec4 v_end;
flat in vec4 v_kinds;
flat in vec2 v_width;
flat in vec4 v_color0;
flat in vec4 v_color1;
uniform float u_antialias;
out vec4 f_color;

void main() {
    vec2 a = v_ends.xy;
    vec2 b = v_ends.zw;
    float len = distance(a, b);
    vec2 t = len > 1e-6 ? (b - a) / len : vec2(1.0, 0.0);
    float hw = v_width.x;
    // The pixel's centre, exactly (view pixels start at integers): the two segments of a
    // join then test the very same point against their shared bisector.
    vec2 p = floor(v_px) + 0.5;
    vec2 q = p - a;
    float across = abs(dot(q, vec2(-t.y, t.x)));
    vec2 along = t;   // the direction ends are measured along
    vec2 qa = q;      // the fragment from the start and the end, as butt and square caps see it
    vec2 qb = p - b;
    if (u_antialias < 0.5) {
        // GL's aliased lines: the width spans the minor axis and the ends cut across it;
        // at one pixel wide, GL's diamond-exit rule moves the cut back by the pixel's
        // diamond's half-width along the major axis at the line's offset from its centre
        across /= max(abs(t.x), abs(t.y));
        along = abs(t.x) >= abs(t.y) ? vec2(sign(t.x), 0.0) : vec2(0.0, sign(t.y));
        float diamond = hw > 0.5 ? 0.0 : clamp(0.5 - across, 0.0, 0.5);
        if (v_kinds.x < 1.5) qa += diamond * along;
        if (v_kinds.y < 1.5) qb += (diamond - 1e-4) * along;  // the last exit counts
    }
    float sdf = across - hw;
    sdf = line_end_sdf(sdf, qa, -along, hw, v_kinds.x, v_start, v_kinds.z, true);
    sdf = line_end_sdf(sdf, qb, along, hw, v_kinds.y, v_end, v_kinds.w, false);
    float f = len > 1e-6 ? clamp(dot(q, t) / len, 0.0, 1.0) : 0.0;
    vec4 color = mix(v_color0, v_color1, f);
    float cover = u_antialias > 0.5 ? clamp(0.5 - sdf, 0.0, 1.0) : float(sdf < 0.0);
    float alpha = color.a * v_width.y * cover;
    if (alpha <= 0.0) discard;
    f_color = $post(vec4(color.rgb, alpha));
}
"""

#: what a GL line strip draws: aliased lines at most one device pixel wide
THIN_VERT = """
in vec3 a_position;
in vec4 a_color;
uniform float u_alpha;   // a width under one pixel fades the line
out vec4 v_color;

void main() {
    v_color = vec4(a_color.rgb, a_color.a * u_alpha);
    $pick_index = 0;     // never drawn in the pick pass (the quads are)
    gl_Position = $transform(vec4(a_position, 1.0));
}
"""

THIN_FRAG = """
in vec4 v_color;
out vec4 f_color;

void main() {
    f_color = $post(v_color);
}
"""

_CORNERS = np.array([[0, -1], [0, 1], [1, -1], [1, 1]], np.float32)  # a triangle strip


def as_connect(value: Any, what: str, n: int) -> Any:
    """Check (per item): 'strip', 'loop', 'segments', or an (M, 2) int array of vertex
    pairs in [0, n)."""
    if isinstance(value, str):
        if value not in ("strip", "loop", "segments"):
            raise ValueError(
                f"{what}: {value!r} is not 'strip', 'loop', 'segments' or an (M, 2) index array"
            )
        if value == "segments" and n % 2:
            raise ValueError(f"{what}: 'segments' needs an even number of positions, not {n}")
        return value
    arr = np.asarray(value)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{what}: index pairs must be integers, not {arr.dtype}")
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{what}: index pairs of shape {arr.shape} are not (M, 2)")
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        raise ValueError(f"{what}: indices must be in [0, {n}), found {arr.min()}..{arr.max()}")
    return arr.astype(np.int64)


class Line(LineRing, Visual):
    """Lines of any width, antialiased, with joins and caps.

    Parameters
    ----------
    positions
        (N, 2) or (N, 3) vertices in data coordinates. Non-finite rows break
        a strip or loop.
    color
        One colour (name, '#rrggbb', RGB(A) floats) or (N, 3|4) colours, one
        per vertex, interpolated along each segment.
    width
        Width in logical pixels (the same at any zoom).
    connect
        "strip" (a polyline through every vertex), "loop" (the same, closed),
        "segments" (vertices 0-1, 2-3, ...) or an (M, 2) int array of vertex
        pairs.
    join
        "round" (default), "miter" or "bevel": how strip segments meet.
    cap
        "butt" (default), "square" or "round": the ends of pieces and segments.
    miter_limit
        Largest ratio of a miter's length to the width; sharper joins are
        bevelled (4, as in SVG).
    antialias
        True (default): edges fade over one pixel. False: hard edges, as GL
        draws aliased lines (a line at most one device pixel wide is then drawn
        as a GL line strip, the fastest way).
    capacity
        None (default): the line holds what it is given. An integer: a ring
        buffer of that many points for :meth:`append` (connect "strip" or
        "segments"; even for "segments"): the oldest points roll off, and each
        frame uploads only the points appended since the last one.
    parent, **kwargs
        As for :class:`~glframe.scene.Node`.

    Examples
    --------
    >>> x = np.linspace(0, 10, 500)
    >>> line = Line(np.c_[x, np.sin(x)], color="orange", width=3,
    ...             parent=view.scene)                    # doctest: +SKIP
    >>> line.width = 6               # one uniform at the next draw   # doctest: +SKIP
    >>> line.color = colormaps.sample("viridis", x / 10)  # per vertex  # doctest: +SKIP
    >>> live = Line(color="cyan", capacity=10_000, parent=view.scene)  # doctest: +SKIP
    >>> live.append(np.c_[t, signal])  # the newest 10k points drawn  # doctest: +SKIP
    """

    _items = "vertices"

    def __init__(
        self,
        positions: ArrayLike | None = None,
        *,
        color: Any = "white",
        width: float = 1.0,
        connect: Any = "strip",
        join: str = "round",
        cap: str = "butt",
        miter_limit: float = 4.0,
        antialias: bool = True,
        capacity: int | None = None,
        parent: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            snippet("line/ends", _GLSL) + VERT,
            snippet("line/stroke", _GLSL) + FRAG,
            parent,
            **kwargs,
        )
        self._instances = 0
        self._rows: np.ndarray = np.zeros(0, np.int64)  # original vertex of each buffer row
        self._picked: np.ndarray = np.zeros(0, np.int64)  # the pick index of each segment
        self._layout = "strip"
        # the line-strip path (see the module docstring): its program, made at first use,
        # the parts changed since it last uploaded, and how it draws
        self._thin: Any = None
        self._thin_stale: set[str] = {"geometry", "color"}
        self._thin_draw: tuple[str, Any] = ("line_strip", "all")
        self._thin_indices: gloo.IndexBuffer | None = None
        # a strip whose x only grows or falls: its uploaded (x, y), and the vertices kept
        # of each pixel column (_decimate.py) for the camera they were picked for
        self._thin_xy: np.ndarray | None = None
        self._columns: gloo.IndexBuffer | None = None
        self._columns_key: tuple | None = None
        self._opaque = True  # every colour's alpha is 1 (set with the colours)
        self._quads_pending: set[str] = set()  # changes the quads get when they next draw
        self._blending_of: dict | None = None  # the GL state _default_blending answered for
        self._blending = True
        # the ring buffer (capacity given): the points on the CPU, and what each path's
        # GPU buffers hold of them
        self._ring: RingStore | None = None
        self._ring_origin = RingOrigin()
        self._quads_ring = RingMirror()
        self._pull: Any = None  # a ring's quads without instances (_line_ring.py), at first use
        self._thin_ring = RingMirror()
        self.set_data(
            positions if positions is not None else np.zeros((0, 2)),
            color=color,
            width=width,
            connect=connect,
            join=join,
            cap=cap,
            miter_limit=miter_limit,
            antialias=antialias,
        )
        if capacity is not None:
            self.capacity = capacity

    # ---- data --------------------------------------------------------------------------
    def set_data(self, positions: ArrayLike | None = None, **properties: Any) -> None:
        """Set positions and any properties at once (checked together: all or nothing).

        With a ``capacity``, the last ``capacity`` positions (and per-vertex values)
        are kept.
        """
        positions, properties = aliased_argument(
            Line, "positions", positions, properties, "Line.set_data"
        )
        pos = None if positions is None else as_positions(positions, "Line.positions", precise=True)
        if self._ring is not None and "connect" in properties:
            self._check_ring_connect(properties["connect"], self._ring.capacity)
        self._set_items("positions", pos, properties, dirty="geometry")
        if self._ring is not None and pos is not None:  # (without positions: _assign did)
            self._refill()
        elif pos is not None:  # float64 data far from zero: drawn relative to an origin
            self._set_origin(choose_origin(pos)[0] if pos.dtype == np.float64 else np.zeros(3))

    def _assign(self, values: dict[str, Any], n: int | None = None, *, caller: str = "") -> None:
        if self._ring is not None and n is None and "connect" in values:
            self._check_ring_connect(values["connect"], self._ring.capacity)
        super()._assign(values, n, caller=caller)
        # a property set alone (line.color = ...): the ring takes the new per-vertex values
        if self._ring is not None and n is None and values.keys() & {"color"}:
            self._refill()

    @property
    def positions(self) -> np.ndarray:
        """(N, 3) positions (z = 0 for 2D data), in data coordinates: float64 when given
        float64 (drawn relative to an origin near them, keeping their precision) and
        with a ``capacity``, float32 otherwise. Setting them keeps the other
        properties (per-vertex colours and index pairs must then fit the new count).
        With a ``capacity``: the points kept, oldest first (a read-only view, valid
        until the next append)."""
        return self._values["positions"]

    @positions.setter
    def positions(self, value: ArrayLike) -> None:
        self.set_data(value)

    pos = Alias("positions")

    color = Prop(
        checks.colors(),
        "One colour, (4,) RGBA, or (N, 4) RGBA per vertex, interpolated along segments.",
        per_item=True,
    )
    connect = Prop(
        as_connect,
        '"strip", "loop", "segments", or an (M, 2) int64 array of vertex pairs.',
        per_item=True,
        dirty="geometry",
    )
    width = Prop(checks.number(minimum=0), "Width in logical pixels (the same at any zoom).")
    join = Prop(checks.choice(*JOINS), f"How strip segments meet: {', '.join(JOINS)}.")
    cap = Prop(checks.choice(*CAPS), f"The ends of pieces and segments: {', '.join(CAPS)}.")
    miter_limit = Prop(
        checks.number(minimum=1),
        "Largest ratio of a miter's length to the width; sharper joins are bevelled.",
    )
    antialias = Prop(
        checks.flag(),
        "True: edges fade over one pixel; False: hard edges, as GL's aliased lines.",
    )

    # ---- buffers -----------------------------------------------------------------------
    def _build_geometry(self) -> np.ndarray:
        """The position rows to upload; sets the row -> vertex map, layout and instances."""
        pos = self._values["positions"]
        connect = self._values["connect"]
        valid = np.all(np.isfinite(pos), axis=1)
        rows4 = np.zeros((len(pos), 4), np.float32)
        rows4[valid, :3] = relative(pos[valid], self._origin)
        rows4[valid, 3] = 1.0
        if isinstance(connect, np.ndarray) or connect == "segments":
            index = connect.reshape(-1) if isinstance(connect, np.ndarray) else np.arange(len(pos))
            self._layout, self._rows = "pairs", index
            self._instances = len(index) // 2
            self._picked = np.arange(self._instances)
            return rows4[index]
        # strip / loop: drop repeated points (zero-length segments have no direction)
        same = np.zeros(len(pos), bool)
        same[1:] = valid[1:] & valid[:-1] & np.all(pos[1:] == pos[:-1], axis=1)
        index = np.nonzero(~same)[0]
        closed = connect == "loop" and len(index) >= 3
        if closed and valid[index[-1]] and np.array_equal(pos[index[-1]], pos[index[0]]):
            index = index[:-1]
        closed = closed and len(index) >= 3
        self._rows = index
        self._picked = index
        if closed:  # last, all, first, second: instance i reads rows i .. i + 3
            padded = np.concatenate([index[-1:], index, index[:2]])
            self._layout, self._instances = "loop", len(index)
            return rows4[padded]
        self._layout, self._instances = "strip", max(len(index) - 1, 0)
        self._picked = index[:-1]
        out = np.zeros((len(index) + 2, 4), np.float32)  # no point before the first, after the last
        out[1:-1] = rows4[index]
        return out

    def _pad_like_positions(self, values: np.ndarray) -> np.ndarray:
        """Per-vertex rows (e.g. colours) laid out as the position rows."""
        index = self._rows
        if self._layout == "pairs":
            return values[index]
        if self._layout == "loop":
            return values[np.concatenate([index[-1:], index, index[:2]])]
        out = np.zeros((len(index) + 2, values.shape[1]), values.dtype)
        out[1:-1] = values[index]
        return out

    def _bind_rows(
        self, buffer: gloo.VertexBuffer, names: tuple[str, ...], pairs: bool, offset: int = 0
    ) -> None:
        """Bind ``names`` to views of consecutive rows of ``buffer`` (one view per name),
        from byte ``offset`` on."""
        stride = 2 * _ROW if pairs else _ROW
        for i, name in enumerate(names):
            self.program[name] = gloo.BufferView(
                buffer, np.float32, (4,), offset + i * _ROW, stride
            )

    def _buffer(self, name: str) -> gloo.VertexBuffer:
        """The buffer ``name``: the quad's corners, or one row per instance (made once)."""
        if name not in self._buffers:
            self._buffers[name] = (
                gloo.VertexBuffer(_CORNERS) if name == "corners" else gloo.VertexBuffer(divisor=1)
            )
        return self._buffers[name]

    def _prepare(self, ctx: DrawContext) -> None:
        dirty = self._dirty
        if "color" in dirty and self._ring is None:  # (the line-strip test reads it)
            self._opaque = bool(np.all(self._values["color"][..., 3] == 1.0))
        if self._ring is None and self._is_thin(ctx):
            # drawn as a line strip: the quads' program and buffers wait until the quads
            # draw (the pick pass, another width...), their changes kept for then
            if "geometry" in dirty:
                self._build_geometry()  # the rows, layout and instances the strip reads
            self._thin_stale |= dirty & {"geometry", "color"}
            self._quads_pending |= dirty
            dirty.clear()
            if self._thin_stale:
                self._prepare_thin()
            return
        fresh = dirty & {"geometry", "color"}  # (the strip has the pending ones)
        dirty |= self._quads_pending
        self._quads_pending = set()
        program = self.program
        if self._ring is not None:
            self._prepare_ring()
        elif "geometry" in dirty:
            program["u_ring"] = (0, 0, 0)
            rows = self._build_geometry()
            if self._instances:
                buffer = self._buffer("positions")
                buffer.set_data(rows)
                program["a_corner"] = self._buffer("corners")
                picked = self._buffer("picked")
                picked.set_data(self._picked.astype(np.int32))
                program["a_vertex"] = picked
                if self._layout == "pairs":
                    self._bind_rows(buffer, ("a_p0", "a_p1"), True)
                    program["a_prev"] = program["a_next"] = (0.0, 0.0, 0.0, 0.0)
                else:
                    self._bind_rows(buffer, ("a_prev", "a_p0", "a_p1", "a_next"), False)
            if self._values["color"].ndim == 2:
                dirty.add("color")
        if "color" in dirty and self._ring is None:
            color = self._values["color"]
            if color.ndim == 1:
                self._bind("a_color0", color, 1)
                self._bind("a_color1", color, 1)
            elif self._instances:
                buffer = self._buffer("colors")
                buffer.set_data(self._pad_like_positions(color))
                # a segment's end colours: rows 0 and 1 (pairs) or 1 and 2 (strip, loop)
                pairs = self._layout == "pairs"
                first, stride = (0, 2 * _ROW) if pairs else (1, _ROW)
                for i, name in enumerate(("a_color0", "a_color1")):
                    program[name] = gloo.BufferView(
                        buffer, np.float32, (4,), (first + i) * _ROW, stride
                    )
        for name in _STROKE & dirty:
            program[f"u_{name}"] = self._stroke_uniform(name)
        self._thin_stale |= fresh
        dirty.clear()
        if self._ring is not None:
            if self._is_thin(ctx):
                self._prepare_thin_ring()
        elif self._thin_stale and self._is_thin(ctx):
            self._prepare_thin()

    def _stroke_uniform(self, name: str) -> float:
        """The value of ``u_<name>`` for one of the stroke's properties (``_STROKE``)."""
        value = self._values[name]
        codes = JOINS if name == "join" else CAPS if name == "cap" else None
        return float(codes[value] if codes else value)

    # ---- the line-strip path -----------------------------------------------------------
    def _is_thin(self, ctx: DrawContext) -> bool:
        """Whether a GL line strip draws this line's pixels: aliased, one device pixel
        wide, opaque, with the default blending, in the colour pass. (At a turn a line
        strip draws some pixels twice where the quads split them between the segments: the
        same picture only where drawing twice changes nothing.)"""
        values = self._values
        return (
            not values["antialias"]
            and values["width"] * ctx.pixel_scale == 1.0
            and self._opaque
            and (self._ring is None or self._ring.true_counts["valid"] == self._ring.count)
            and self._default_blending()
            and not ctx.picking
        )

    def _default_blending(self) -> bool:
        """Whether the GL state blends as the presets "translucent" and "opaque" do
        (remembered per state: asked every frame)."""
        state = self._gl_state
        if self._blending_of is not state:
            self._blending_of = state
            self._blending = state.get("preset") in ("translucent", "opaque") and not any(
                key.startswith("blend_") for key in state
            )
        return self._blending

    def _thin_program(self) -> Any:
        """The line-strip program: its own stages, sharing the transform chain and the
        ``$post`` hook (clipping, effects) with the quads' program."""
        if self._thin is None:
            vert = Function(THIN_VERT, "line.thin.vert")
            frag = Function(THIN_FRAG, "line.thin.frag")
            vert["transform"] = self._chain
            vert["pick_index"] = self.vert["pick_index"]
            frag["post"] = self.frag["post"]
            self._thin = ModularProgram(vert, frag)
        return self._thin

    def _prepare_thin(self) -> None:
        """Upload the line-strip path's vertices, colours and indices (what is stale)."""
        program = self._thin_program()
        index = self._rows  # the vertices kept (repeated points dropped), in buffer order
        if "geometry" in self._thin_stale:
            pos = self._values["positions"][index]
            valid = np.all(np.isfinite(pos), axis=1)
            uploaded = np.where(valid[:, None], relative(pos, self._origin), 0)
            program["a_position"] = uploaded
            n = len(index)
            self._thin_xy, self._columns_key = None, None
            if self._layout != "pairs" and valid.all():
                mode = "line_loop" if self._layout == "loop" else "line_strip"
                self._thin_draw = (mode, "all")
                if mode == "line_strip" and monotonic(uploaded[:, 0]):
                    self._thin_xy = uploaded[:, :2]
            else:  # pairs, or a strip with breaks: the segments between finite vertices
                if self._layout == "pairs":
                    pairs = np.arange(n).reshape(-1, 2)
                else:
                    first = np.arange(n if self._layout == "loop" else n - 1)
                    pairs = np.stack([first, (first + 1) % n], axis=1)
                pairs = pairs[valid[pairs].all(axis=1)].astype(np.uint32)
                if len(pairs):
                    if self._thin_indices is None:
                        self._thin_indices = gloo.IndexBuffer(pairs)
                    else:
                        self._thin_indices.set_data(pairs)
                self._thin_draw = ("lines", self._thin_indices if len(pairs) else None)
        color = self._values["color"]
        if color.ndim == 1:
            program["a_color"] = tuple(float(c) for c in color)
        else:  # per-vertex colours follow the vertices
            program["a_color"] = color[index].astype(np.float32)
        self._thin_stale.clear()

    def _draw(self, ctx: DrawContext) -> None:
        if not self._instances:
            return
        if not self._is_thin(ctx):
            if self._ring is not None:
                self._draw_ring()
                return
            self.program.draw("triangle_strip", instances=self._instances)
            return
        if self._ring is not None:  # (it may have become thin after its last _prepare)
            self._prepare_thin_ring()
        elif self._thin_stale:  # the line became thin after its last _prepare
            self._prepare_thin()
        program = self._thin_program()
        program["u_alpha"] = min(self._values["width"] * ctx.pixel_scale, 1.0)
        if self._ring is not None:
            self._draw_thin_ring(program)
            return
        mode, indices = self._thin_draw  # indices: "all" vertices, a buffer or None
        if self._thin_xy is not None:
            indices = self._column_extremes(ctx) or indices
        if indices == "all":
            program.draw(mode)
        elif indices is not None:
            program.draw(mode, indices)

    def _column_extremes(self, ctx: DrawContext) -> gloo.IndexBuffer | None:
        """The strip's vertices that draw its pixels, for this view's camera (see
        _decimate.py), or None where the camera is not a scale and translation, or where
        the strip has under 8 vertices a pixel column (not worth it)."""
        xy = self._thin_xy
        width = ctx.view.variables["viewport"].value[0]
        if self._values["color"].ndim != 1 or len(xy) < 8 * width:
            return None  # (per-vertex colours would blend between other vertices)
        if not all(t._st() is not None for t in self._applied(ctx.view)):
            return None
        m = self._shift_matrix(ctx.view)  # of the uploaded (relative) positions, to clip
        key = (m[0, 0], m[0, 3], width)
        if key != self._columns_key:
            self._columns_key = key
            columns = np.floor((xy[:, 0] * m[0, 0] + m[0, 3] + 1.0) * (0.5 * width))
            # off the view, each side is one column: its kept vertices draw nothing there,
            # and the segments into the view are kept (its first and last vertices)
            np.clip(columns, -1, width, out=columns)
            kept = column_extremes(columns, xy[:, 1]).astype(np.uint32)
            if self._columns is None:
                self._columns = gloo.IndexBuffer(kept)
            else:
                self._columns.set_data(kept)
        return self._columns

    def _bounds(self, axis: int) -> tuple[float, float] | None:
        pos = self._values["positions"]
        pos = pos[np.all(np.isfinite(pos), axis=1)]  # a break's other coordinates do not count
        return finite_bounds(pos[:, axis]) if len(pos) else None
