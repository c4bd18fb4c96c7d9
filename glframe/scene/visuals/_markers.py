"""Markers: a scatter of symbols, one GL point each, shaded by a signed distance.

Millions of points in one draw. Per point: position (2D or 3D), size, face
colour, edge colour and symbol; edge width is shared. Sizes are in screen
pixels (``scaling="pixels"``) or in data units (``scaling="scene"``: the size
along the scene's x axis at the point, so markers grow when zooming in). Edges
are antialiased over one pixel from the symbol's signed distance.

Properties are reactive: ``markers.size = 5`` uploads the size buffer (or a
constant) at the next draw, nothing else.

With a ``capacity``, the markers are a ring buffer for data that arrives over time
(see ``_ring.py``): ``markers.append(points, size=..., face_color=...)`` adds points
and the oldest roll off; the next frame uploads only the new points' rows, and the
draw covers the ring in two ranges, oldest first (the same order, so the same
picture, as markers made from the points kept).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ... import gloo
from ...shaders import Variable, snippet
from .._reactive import Alias, Prop, aliased_argument
from .._visual import DrawContext, Visual, finite_bounds
from . import _data as checks
from ._data import as_positions
from ._origin import RingOrigin, choose_origin, relative
from ._ring import RingBounds, RingMirror, RingStore, as_capacity

__all__ = ["Markers", "SYMBOLS", "SYMBOL_ALIASES"]

#: the properties that may have one value per point (what append takes)
_PER_POINT = ("size", "face_color", "edge_color", "symbol")

_GLSL = __package__  # the visuals' GLSL lives next to them, in glsl/

#: symbol name -> its index in the fragment shader
SYMBOLS = {
    name: i
    for i, name in enumerate(
        (
            "disc",
            "square",
            "triangle",
            "diamond",
            "cross",
            "x",
            "ring",
            "star",
            "arrow",
            "hbar",
            "vbar",
            "triangle_down",
        )
    )
}

#: vispy's and matplotlib's short names of the symbols (every one draws a symbol above)
SYMBOL_ALIASES = {
    "o": "disc",
    "s": "square",
    "^": "triangle",
    "triangle_up": "triangle",
    "v": "triangle_down",
    "d": "diamond",
    "D": "diamond",
    "+": "cross",
    "*": "star",
    "-": "hbar",
    "|": "vbar",
    ">": "arrow",
    "->": "arrow",
}
#: symbols whose distance is exact outside them (disc, square, ring): their coverage ends
#: half a pixel beyond them, and so does their sprite (1M discs of 3 pixels: 16 fragments
#: each, not 25); the others' distances underestimate beyond corners: a pixel of margin
_EXACT = {SYMBOLS["disc"], SYMBOLS["square"], SYMBOLS["ring"]}

_CODES = {**SYMBOLS, **{short: SYMBOLS[name] for short, name in SYMBOL_ALIASES.items()}}

VERT = """
in vec3 a_position;
in float a_size;
in vec4 a_face_color;
in vec4 a_edge_color;
in float a_symbol;
uniform float u_edge_width;
uniform float u_scene_scaling;   // 0: sizes in pixels, 1: in scene x units
uniform ivec2 u_ring;   // a ring buffer (Markers.append): (oldest slot, capacity); else 0s
uniform float u_margin;  // pixels around the symbol and its edge (see _EXACT)
// flat: a point's values are the same over its sprite (interpolating them cost 1M discs
// a tenth of their frame on llvmpipe)
flat out vec4 v_face_color;
flat out vec4 v_edge_color;
flat out float v_size;
flat out float v_edge;      // the edge's width, device pixels
flat out float v_sprite;    // the sprite's side, device pixels
flat out int v_symbol;
void main() {
    vec4 clip = $transform(vec4(a_position, 1.0));
    float size = a_size * $pixel_scale;
    if (u_scene_scaling > 0.5) {
        vec4 other = $transform(vec4(a_position + vec3(a_size, 0.0, 0.0), 1.0));
        size = length((other.xy / other.w - clip.xy / clip.w) * $viewport * 0.5);
    }
    v_size = size;
    v_face_color = a_face_color;
    v_edge_color = a_edge_color;
    v_symbol = int(a_symbol + 0.5);
    gl_Position = clip;
    v_edge = u_edge_width * $pixel_scale;
    v_sprite = size + 2.0 * (v_edge + u_margin);
    gl_PointSize = v_sprite;
    // what canvas.pick() reports: the point's place in positions (oldest first)
    $pick_index = u_ring.y > 0 ? (gl_VertexID - u_ring.x + u_ring.y) % u_ring.y : gl_VertexID;
}
"""
FRAG = """
flat in vec4 v_face_color;
flat in vec4 v_edge_color;
flat in float v_size;
flat in float v_edge;
flat in float v_sprite;
flat in int v_symbol;
out vec4 f_color;
"""


def _symbols(value: Any, what: str, n: int) -> Any:
    """One symbol name (its code) or one per point ((n,) float32 codes)."""
    names = [value] if isinstance(value, str) else list(value)
    unknown = sorted({str(name) for name in names if name not in _CODES})
    if unknown:
        raise ValueError(
            f"{what}: unknown {unknown}; symbols: {', '.join(SYMBOLS)} "
            f"(or {' '.join(SYMBOL_ALIASES)})"
        )
    codes = np.array([_CODES[name] for name in names], np.float32)
    if isinstance(value, str):
        return float(codes[0])
    if len(codes) != n:
        raise ValueError(f"{what}: {len(codes)} symbols for {n} points")
    return codes


_colors = checks.colors()


def _edge_colors(value: Any, what: str, n: int) -> np.ndarray:
    """Markers' outline colours: vispy's None is a transparent outline."""
    return _colors((0.0, 0.0, 0.0, 0.0) if value is None else value, what, n)


class Markers(RingBounds, Visual):
    """Points drawn as symbols.

    Parameters
    ----------
    positions
        (N, 2) or (N, 3) data coordinates.
    size
        Diameter: one value or one per point (pixels, or scene units).
    face_color, edge_color
        One colour (name, '#rrggbb', RGB(A) floats) or (N, 3|4) colours.
    edge_width
        Outline width in pixels (0: none).
    symbol
        One name of :data:`SYMBOLS` or one per point.
    scaling
        "pixels" (default) or "scene".
    capacity
        None (default): the markers are what they are given. An integer: a ring
        buffer of that many points for :meth:`append`; the oldest roll off.

    Examples
    --------
    >>> points = Markers(np.random.normal(size=(1000, 2)), size=6, face_color="red",
    ...                  parent=view.scene)            # doctest: +SKIP
    >>> points.symbol = "star"                          # doctest: +SKIP
    >>> live = Markers(size=4, capacity=100_000, parent=view.scene)  # doctest: +SKIP
    >>> live.append(new_points)             # uploads the new rows only  # doctest: +SKIP
    """

    _items = "points"

    def __init__(
        self,
        positions: ArrayLike | None = None,
        *,
        size: ArrayLike = 10.0,
        face_color: Any = "white",
        edge_color: Any = "black",
        edge_width: float = 1.0,
        symbol: Any = "disc",
        scaling: str = "pixels",
        capacity: int | None = None,
        parent: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(VERT, FRAG + snippet("markers/symbols", _GLSL), parent, **kwargs)
        # the symbol as a GLSL constant when every point has the same one: the compiler
        # then keeps that symbol's distance only (on llvmpipe a fragment shader with every
        # symbol's branch cost 1M discs 732 ms a frame, one symbol's 489 ms); -1: per point
        self._symbol = Variable("MARKER_SYMBOL", 0.0, kind="const")
        self.frag["symbol"] = self._symbol
        # and whether there is an edge (edge_width > 0): 1M discs without one 432 -> 397 ms
        self._edge = Variable("MARKER_EDGE", 1.0, kind="const")
        self.frag["edge"] = self._edge
        self._values["position"] = np.zeros((0, 3), np.float32)
        self._ring: RingStore | None = None
        self._ring_origin = RingOrigin()
        self._mirror = RingMirror()  # what the GPU buffers hold of the ring
        self.set_data(
            positions if positions is not None else np.zeros((0, 2)),
            size=size,
            face_color=face_color,
            edge_color=edge_color,
            edge_width=edge_width,
            symbol=symbol,
            scaling=scaling,
        )
        if capacity is not None:
            self.capacity = capacity

    # ---- data --------------------------------------------------------------------------
    def set_data(self, positions: ArrayLike | None = None, **properties: Any) -> None:
        """Set positions and any properties at once (checked together: all or nothing).

        With a ``capacity``, the last ``capacity`` points are kept.
        """
        positions, properties = aliased_argument(
            Markers, "positions", positions, properties, "Markers.set_data"
        )
        pos = (
            None
            if positions is None
            else as_positions(positions, "Markers.positions", precise=True)
        )
        self._set_items("position", pos, properties)
        if self._ring is not None and pos is not None:  # (without positions: _assign did)
            self._refill()
        elif pos is not None:  # float64 data far from zero: drawn relative to an origin
            self._set_origin(choose_origin(pos)[0] if pos.dtype == np.float64 else np.zeros(3))

    def _assign(self, values: dict[str, Any], n: int | None = None, *, caller: str = "") -> None:
        super()._assign(values, n, caller=caller)
        # a property set alone (markers.size = ...): the ring takes the new values
        if self._ring is not None and n is None and values.keys() & set(_PER_POINT):
            self._refill()

    @property
    def capacity(self) -> int | None:
        """The ring buffer's size in points (see :meth:`append`), or None for no ring.

        Setting it keeps the last ``capacity`` points; None keeps them all and ends
        the ring.
        """
        return None if self._ring is None else self._ring.capacity

    @capacity.setter
    def capacity(self, value: int | None) -> None:
        cap = as_capacity(value, "Markers.capacity")
        if cap is None:
            if self._ring is not None:  # the views become the markers' own arrays
                for name in self._ring.names:
                    if name == "symbol_name":
                        self._given["symbol"] = list(self._given["symbol"])
                    else:
                        self._values[name] = np.array(self._values[name])
                        if name != "position":
                            self._given[name] = self._values[name]
            self._ring = None
        else:
            self._ring = RingStore(cap)
            self._refill()
        self._dirty.update(("position", *_PER_POINT))
        self.update()

    def _refill(self) -> None:
        """Put the positions and per-point values in the ring, the last kept."""
        # a ring keeps float64 positions and an origin (appends may drift far from zero)
        columns = {"position": np.asarray(self._values["position"], np.float64)}
        for name in _PER_POINT:
            value = self._values[name]
            if np.ndim(value) > (1 if name.endswith("color") else 0):
                columns[name] = value
        if "symbol" in columns:
            columns["symbol_name"] = np.asarray(self._given["symbol"], dtype=object)
        self._ring.fill(columns)
        self._ring_views()
        self._rebase(self._ring_origin.filled(self._ring.view("position"), self._ring.total))
        self._dirty.add("ring")

    def _rebase(self, origin: np.ndarray) -> None:
        """A new origin for the ring's points: everything is uploaded again."""
        self._set_origin(origin)
        self._mirror.invalidate()

    def _ring_views(self) -> None:
        """The markers' values are the ring's views (oldest first)."""
        ring = self._ring
        for name in ring.names:
            if name == "symbol_name":
                self._given["symbol"] = ring.view(name)
            else:
                self._values[name] = ring.view(name)
                if name != "position":
                    self._given[name] = self._values[name]
        self._n = ring.count

    def append(self, points: ArrayLike, **values: Any) -> None:
        """Add points; with a ``capacity``, the oldest roll off.

        Parameters
        ----------
        points
            (K, 2) or (K, 3) positions.
        **values
            ``size``, ``face_color``, ``edge_color``, ``symbol``: required for each
            property the markers have one value per point of (one value for the K
            points, or K values), refused for the others (they have one value for all).

        With a ``capacity``, the next frame uploads the new points' rows only;
        without one, the markers grow (everything is uploaded again).
        """
        try:
            pos = as_positions(points, "Markers.append", precise=True)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{exc}: append (K, 2) or (K, 3) numbers, like positions") from None
        k = len(pos)
        unknown = sorted(set(values) - set(_PER_POINT))
        if unknown:
            raise TypeError(
                f"Markers.append: {unknown[0]!r} is not a per-point property; "
                f"append takes {', '.join(_PER_POINT)}"
            )
        columns: dict[str, Any] = {"position": pos}
        for name in _PER_POINT:
            current = self._values[name]
            per_point = (
                isinstance(current, np.ndarray)
                if name == "symbol"
                else np.ndim(current) > (1 if name.endswith("color") else 0)
            )
            given = values.get(name)
            if not per_point:
                if given is not None:
                    raise ValueError(
                        f"Markers.append: {name}= is for markers with one {name} per point; "
                        f"these have one for all (Markers.{name}): set markers.{name} to one "
                        f"per point first, or leave {name}= out"
                    )
                continue
            if given is None:
                raise ValueError(
                    f"Markers.append: the markers have one {name} per point, so the {k} new "
                    f"points need theirs: give {name}= (one value, or {k})"
                )
            prop = self._props[name]
            if name == "symbol" and isinstance(given, str):
                given = [given] * k
            value = prop.check(given, f"Markers.append {name}", k)
            columns[name] = np.broadcast_to(value, (k, *np.shape(current)[1:]))
            if name == "symbol":
                columns["symbol_name"] = np.asarray(given, dtype=object)
        if self._ring is None:  # no ring: the markers grow
            grown = {
                name: np.concatenate([self._values[name], columns[name]])
                for name in _PER_POINT
                if name in columns
            }
            if "symbol" in grown:
                grown["symbol"] = list(self._given["symbol"]) + list(columns["symbol_name"])
            self.set_data(np.concatenate([self._values["position"], pos]), **grown)
            return
        self._ring.append(columns)
        self._ring_views()
        ring = self._ring
        origin = self._ring_origin.appended(
            pos, ring.view("position"), self._origin, ring.total, ring.capacity
        )
        if origin is not None:  # float32 would lose them: re-base
            self._rebase(origin)
        self._dirty.add("ring")
        self.update()

    @property
    def positions(self) -> np.ndarray:
        """(N, 3) positions (z = 0 for 2D data), in data coordinates: float64 when given
        float64 (drawn relative to an origin near them, keeping their precision) and
        with a ``capacity``, float32 otherwise. Setting them keeps the other
        properties (per-point values must then fit the new count). With a ``capacity``:
        the points kept, oldest first (a read-only view, valid until the next append)."""
        return self._values["position"]

    @positions.setter
    def positions(self, value: ArrayLike) -> None:
        self.set_data(value)

    pos = Alias("positions")

    size = Prop(
        checks.numbers(minimum=0),
        "Diameter: one value or one per point, in pixels (or scene units, see scaling).",
        per_item=True,
    )
    face_color = Prop(
        checks.colors(), "Fill colour: one colour or (N, 3|4), one per point.", per_item=True
    )
    edge_color = Prop(
        _edge_colors,
        "Outline colour: one colour or (N, 3|4), one per point; None: no outline "
        "(transparent, as vispy's edge_color=None; edge_width=0 gives the face that space).",
        per_item=True,
    )
    symbol = Prop(
        _symbols,
        f"One symbol for all points or one per point: {', '.join(SYMBOLS)}; or vispy's "
        f"short names {' '.join(SYMBOL_ALIASES)}.",
        per_item=True,
        returns="given",
    )
    edge_width = Prop(checks.number(minimum=0), "Outline width in pixels (0: none).")
    scaling = Prop(
        checks.choice("pixels", "scene"),
        'Sizes in screen pixels ("pixels") or in scene units along x ("scene").',
    )

    # ---- drawing ------------------------------------------------------------------------
    def _prepare(self, ctx: DrawContext) -> None:
        program = self.program
        ring = self._ring
        if ring is not None:
            if self._dirty & {"position", *_PER_POINT}:  # which values are per point changed
                self._mirror.invalidate()
            self._mirror.sync(ring, self._upload_all, self._upload_rows)
            self._dirty -= {"ring", "position", *ring.names}
            program["u_ring"] = (ring.oldest_slot, ring.capacity)
        else:
            program["u_ring"] = (0, 0)  # (recorded once: the program skips an unchanged value)
        for name in sorted(self._dirty - {"ring"}):
            value = self._values[name]
            if name == "edge_width":
                program["u_edge_width"] = value
                self._edge.value = float(value > 0)  # changed: another program, recompiled
            elif name == "scaling":
                program["u_scene_scaling"] = 1.0 if value == "scene" else 0.0
            elif name == "position":
                self._bind("a_position", relative(value, self._origin), 0)
            else:
                self._bind(f"a_{name}", value, 1 if name.endswith("color") else 0)
        symbol = self._values["symbol"]
        per_point = np.ndim(symbol) > 0 or (ring is not None and "symbol" in ring.names)
        constant = -1.0 if per_point else float(symbol)
        self._symbol.value = constant  # changed: another program, recompiled
        program["u_margin"] = 0.5 if constant in _EXACT else 1.0
        self._dirty.clear()

    def _upload_all(self) -> None:
        """The ring's columns by slot, each in its buffer (zeros in slots not yet used)."""
        for name in self._ring.names:
            if name == "symbol_name":
                continue
            attribute = f"a_{name}"
            buf = self._buffers.get(attribute)
            if buf is None:
                buf = self._buffers[attribute] = gloo.VertexBuffer()
            slots = self._ring.slots(name)
            buf.set_data(relative(slots, self._origin) if name == "position" else slots)
            self.program[attribute] = buf

    def _upload_rows(self, slot: int, lo: int, hi: int) -> None:
        for name in self._ring.names:
            if name != "symbol_name":
                rows = self._ring.view(name)[lo:hi]
                if name == "position":
                    rows = relative(rows, self._origin)
                self._buffers[f"a_{name}"].set_subdata(rows, slot)

    def _draw(self, ctx: DrawContext) -> None:
        ring = self._ring
        if ring is None:
            if self._n:
                self.program.draw("points")
            return
        oldest, n, cap = ring.oldest_slot, ring.count, ring.capacity
        ranges = [(0, n)] if oldest == 0 else [(oldest, cap - oldest), (0, oldest)]
        for first, count in ranges:  # oldest first, as markers made from these points
            if count:
                self.program.draw("points", first=first, count=count)

    def _bounds(self, axis: int) -> tuple[float, float] | None:
        pos = self._values["position"]
        if not len(pos):
            return None
        return finite_bounds(pos[:, axis]) if axis < pos.shape[1] else (0.0, 0.0)
