"""The ring buffer of a Line (``capacity``, ``append``): a mixin of :class:`Line`.

How the ring is laid out and drawn is in ``_line.py``'s module docstring and in
``_ring.py``; this module holds the Line methods that only a ring uses, so that
``_line.py`` stays the line itself. The quads read a strip's rows as
``[slot capacity - 1, slots 0 .. capacity - 1, slot 0, slot 1]`` (one row before and
two after the ring, copied), pairs ("segments") as the slots alone, from a texture of
rows (``RowTexture``) with their own program (``PULL_VERT``), or for a ring too large
for one from the instances' buffers with the line's program; the line-strip path's
buffers are the slots then a copy of slot 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ... import gloo
from ...shaders import Function, ModularProgram, snippet
from . import _data as checks
from ._data import as_positions
from ._origin import RingOrigin, relative
from ._ring import RingBounds, RingStore, RowTexture, as_capacity

_ROW = 16  # bytes of one vec4 row
#: the segments of one instance of a ring's quads read from textures (its indices: 12 KB)
_PULL_CHUNK = 1024
#: a quad's two triangles as indices of its corners (the triangle strip's order)
_QUAD = np.array([0, 1, 2, 2, 1, 3], np.uint16)
#: the line-strip path's ring buffers and the ring's columns they hold
_THIN = {"a_position": "positions", "a_color": "color"}


def _same(value: Any, name: str) -> bool:
    """Whether ``value`` (a name or an index array) is the name ``name``."""
    return isinstance(value, str) and value == name


class LineRing(RingBounds):
    """Line's ring-buffer methods (see :class:`~glframe.scene.visuals.Line`)."""

    # set by Line.__init__ (declared here for readers and type checkers)
    _ring: RingStore | None
    _origin: np.ndarray
    _ring_origin: RingOrigin
    _values: dict
    _given: dict
    _dirty: set
    _buffers: dict

    @property
    def capacity(self) -> int | None:
        """The ring buffer's size in points (see :meth:`append`), or None for no ring.

        Setting it keeps the last ``capacity`` points; None keeps them all and ends
        the ring.
        """
        return None if self._ring is None else self._ring.capacity

    @capacity.setter
    def capacity(self, value: int | None) -> None:
        connect = self._values["connect"]
        cap = as_capacity(value, "Line.capacity", even=_same(connect, "segments"))
        if cap is not None:
            self._check_ring_connect(connect, cap)
        if cap is None:
            if self._ring is not None:  # the views become the line's own arrays
                self._values["positions"] = np.array(self._values["positions"])
                if self._values["color"].ndim == 2:
                    self._values["color"] = self._given["color"] = np.array(self._values["color"])
            self._ring = None
        else:
            self._ring = RingStore(cap)
            self._refill()
        self._dirty.update(("geometry", "color"))
        self.update()

    def _check_ring_connect(self, connect: Any, capacity: int) -> None:
        """A ring holds a strip or segments (whole pairs: an even capacity)."""
        if not (_same(connect, "strip") or _same(connect, "segments")):
            shown = "an index array" if isinstance(connect, np.ndarray) else repr(connect)
            raise ValueError(
                f"Line.connect: {shown} cannot be a ring buffer (capacity={capacity}); a ring "
                "holds connect='strip' or 'segments': use one of those, or capacity=None"
            )
        if _same(connect, "segments") and capacity % 2:
            as_capacity(capacity, "Line.capacity", even=True)

    def _refill(self) -> None:
        """Put the line's positions (and per-vertex colours) in the ring, the last kept."""
        # a ring keeps float64 positions and an origin (appends may drift far from zero)
        pos = np.asarray(self._values["positions"], np.float64)
        columns = {"positions": pos, "valid": np.all(np.isfinite(pos), axis=1)}
        color = self._values["color"]
        if color.ndim == 2:
            columns["color"] = color
            columns["opaque"] = color[:, 3] == 1.0
        self._ring.fill(columns)
        self._ring_views()
        self._rebase(self._ring_origin.filled(self._ring.view("positions"), self._ring.total))
        self._dirty.add("ring")

    def _rebase(self, origin: np.ndarray) -> None:
        """A new origin for the ring's points: everything is uploaded again."""
        self._set_origin(origin)
        self._quads_ring.invalidate()
        self._thin_ring.invalidate()

    def _ring_views(self) -> None:
        """The line's values are the ring's views (oldest first)."""
        ring = self._ring
        self._values["positions"] = ring.view("positions")
        if "color" in ring.names:
            self._values["color"] = self._given["color"] = ring.view("color")
        self._n = ring.count

    def append(self, points: ArrayLike, *, color: Any = None) -> None:
        """Add points at the end of the line; with a ``capacity``, the oldest roll off.

        Parameters
        ----------
        points
            (K, 2) or (K, 3) positions (NaN rows break the line, as in ``positions``).
        color
            Only for a line with one colour per vertex, and then required: one colour
            for the K points or (K, 3|4) colours.

        With a ``capacity``, the next frame uploads the new points only (in at most
        two ranges of the ring); without one, the line grows (everything is uploaded
        again: give a capacity for data that keeps arriving). For connect="segments",
        K is even (whole pairs).
        """
        try:
            pos = as_positions(points, "Line.append", precise=True)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{exc}: append (K, 2) or (K, 3) numbers, like positions") from None
        k = len(pos)
        connect = self._values["connect"]
        if _same(connect, "segments") and k % 2:
            raise ValueError(
                f"Line.append: {k} points with connect='segments', which pairs them: "
                "append an even number of points (whole segments)"
            )
        per_vertex = self._values["color"].ndim == 2
        if per_vertex:
            if color is None:
                raise ValueError(
                    f"Line.append: the line has one colour per vertex, so the {k} new points "
                    "need theirs: give color= (one colour, or one per point)"
                )
            new_color = checks.as_colors(color, k, "Line.append color")
            if new_color.ndim == 1:
                new_color = np.broadcast_to(new_color, (k, 4))
        elif color is not None:
            raise ValueError(
                "Line.append: color= is for lines with one colour per vertex; this line has "
                "one colour for all (Line.color): set line.color to per-vertex colours first, "
                "or leave color= out"
            )
        if self._ring is None:  # no ring: the line grows
            values = (
                {"color": np.concatenate([self._values["color"], new_color])} if per_vertex else {}
            )
            self.set_data(np.concatenate([self._values["positions"], pos]), **values)
            return
        columns = {"positions": pos, "valid": np.all(np.isfinite(pos), axis=1)}
        if per_vertex:
            columns["color"] = new_color
            columns["opaque"] = new_color[:, 3] == 1.0
        self._ring.append(columns)
        self._ring_views()
        ring = self._ring
        origin = self._ring_origin.appended(
            pos, ring.view("positions"), self._origin, ring.total, ring.capacity
        )
        if origin is not None:  # float32 would lose them: re-base
            self._rebase(origin)
        self._dirty.add("ring")
        self.update()

    def _ring_rows(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Rows ``lo:hi`` of the ring (oldest first) as the quads read them: positions
        (x, y, z, 1), or zeros where not finite; colours, or None for one colour."""
        ring = self._ring
        pos = ring.view("positions")[lo:hi]
        valid = ring.view("valid")[lo:hi]
        rows = np.zeros((hi - lo, 4), np.float32)
        rows[valid, :3] = relative(pos[valid], self._origin)
        rows[valid, 3] = 1.0
        color = ring.view("color")[lo:hi] if "color" in ring.names else None
        return rows, color

    def _ring_extra(self, capacity: int) -> list[tuple[int, int]]:
        """(buffer row, ring slot) of the copies a strip's instances read past the ring's
        rows: the last slot before the first row, the first two after the last."""
        if _same(self._values["connect"], "segments"):
            return []
        return [(0, capacity - 1), (capacity + 1, 0), (capacity + 2, 1 % capacity)]

    def _upload_quads_all(self) -> None:
        ring = self._ring
        cap = ring.capacity
        pos, valid = ring.slots("positions"), ring.slots("valid")
        rows = np.zeros((cap, 4), np.float32)
        rows[valid, :3] = relative(pos[valid], self._origin)
        rows[valid, 3] = 1.0
        color = ring.slots("color") if "color" in ring.names else None
        if not _same(self._values["connect"], "segments"):  # the strip's copies around it
            order = np.r_[cap - 1, np.arange(cap), 0, 1 % cap]
            rows = rows[order]
            color = None if color is None else color[order]
        self._quads_store("positions").set_data(rows)
        if color is not None:
            self._quads_store("colors").set_data(color)

    def _upload_quads_rows(self, slot: int, lo: int, hi: int) -> None:
        rows, color = self._ring_rows(lo, hi)
        pairs = _same(self._values["connect"], "segments")
        buffers = [(self._quads_store("positions"), rows)]
        if color is not None:
            buffers.append((self._quads_store("colors"), color))
        first = slot if pairs else slot + 1  # a strip's ring starts at buffer row 1
        for buffer, data in buffers:
            buffer.set_subdata(data, first)
            for row, copied in self._ring_extra(self._ring.capacity):
                if slot <= copied < slot + hi - lo:
                    buffer.set_subdata(data[copied - slot : copied - slot + 1], row)

    def _pulled(self) -> bool:
        """Whether the ring's quads read their rows from textures (see ``_line.py``'s
        ``PULL_VERT``): every ring whose rows fit in one (4M points)."""
        return self._ring.capacity + 3 <= RowTexture.MAX_ROWS

    def _quads_store(self, name: str) -> Any:
        """Where the ring's quads keep the rows ``name`` (positions, colors): a texture
        of rows, or the instances' buffer."""
        if not self._pulled():
            return self._buffer(name)
        key = "rows:" + name
        if key not in self._buffers:
            self._buffers[key] = RowTexture()
        return self._buffers[key]

    def _pull_program(self) -> Any:
        """The ring quads' program without instances: its own vertex stage, the quads'
        fragment stage, sharing the transform chain, the pick index and ``$post``."""
        if self._pull is None:
            from ._line import _GLSL, FRAG, PULL_VERT  # (_line imports this module)

            vert = Function(snippet("line/ends", _GLSL) + PULL_VERT, "line.pull.vert")
            frag = Function(snippet("line/stroke", _GLSL) + FRAG, "line.pull.frag")
            for name in ("transform", "pick_index", "viewport", "pixel_scale"):
                vert[name] = self.vert[name]
            frag["post"] = self.frag["post"]
            self._pull = ModularProgram(vert, frag)
        vert = self._pull.vert
        for name in ("viewport", "pixel_scale"):  # this view's (Visual._bind_view)
            if vert[name] is not self.vert[name]:
                vert[name] = self.vert[name]
        return self._pull

    def _draw_pulled(self) -> None:
        """Draw the ring's segments oldest first in one draw, an instance a chunk."""
        from ._line import _STROKE  # (_line imports this module)

        program = self._pull_program()
        values = self._values
        for name in _STROKE:  # (unchanged values record nothing)
            program[f"u_{name}"] = self._stroke_uniform(name)
        rows = self._quads_store("positions").texture
        program["u_rows"] = rows
        ring = self._ring
        if "color" in ring.names:
            program["u_colors"] = self._quads_store("colors").texture
            program["u_colored"] = 1
            program["u_color"] = (0.0, 0.0, 0.0, 0.0)
        else:
            program["u_colors"] = rows  # (not read)
            program["u_colored"] = 0
            program["u_color"] = tuple(float(c) for c in values["color"])
        pairs = _same(values["connect"], "segments")
        n = self._instances
        oldest = ring.oldest_slot // 2 if pairs else ring.oldest_slot
        live = ring.count // 2 if pairs else ring.count
        program["u_ring"] = (oldest, n, 0 if pairs else 1)
        count = min(n, live)
        indices = self._pull_indices(n)
        chunk = len(indices) // 6
        program["u_draw"] = (chunk, count)
        # an instance a chunk of segments: a few instances (SwiftShader's cost), one draw
        program.draw("triangles", indices, instances=-(-count // chunk))

    def _pull_indices(self, segments: int) -> gloo.IndexBuffer:
        """The quads' two triangles per segment as indices of four vertices each (a vertex
        shared by both triangles is run once), for a draw of ``segments`` (the ring's) at
        most a chunk: made once, so that appends send no indices."""
        size = min(max(segments, 1), _PULL_CHUNK)
        have = self._buffers.get("pull_indices")
        if have is None or len(have) != 6 * size:
            quads = 4 * np.arange(size, dtype=np.uint16 if 4 * size <= 65536 else np.uint32)
            have = gloo.IndexBuffer((quads[:, None] + _QUAD).reshape(-1))
            self._buffers["pull_indices"] = have
        return have

    def _bind_ring(self, offset: int) -> None:
        """Bind the quads' attributes to the ring's buffers from byte ``offset`` on."""
        program = self.program
        pairs = _same(self._values["connect"], "segments")
        buffer = self._buffer("positions")
        program["a_corner"] = self._buffer("corners")
        program["a_vertex"] = 0  # the shader counts from the ring's oldest slot
        if pairs:
            self._bind_rows(buffer, ("a_p0", "a_p1"), True, offset)
            program["a_prev"] = program["a_next"] = (0.0, 0.0, 0.0, 0.0)
        else:
            self._bind_rows(buffer, ("a_prev", "a_p0", "a_p1", "a_next"), False, offset)
        if "color" in self._ring.names:
            colors = self._buffer("colors")
            first, stride = (0, 2 * _ROW) if pairs else (1, _ROW)
            for i, name in enumerate(("a_color0", "a_color1")):
                program[name] = gloo.BufferView(
                    colors, np.float32, (4,), offset + (first + i) * _ROW, stride
                )

    def _prepare_ring(self) -> None:
        """What a frame of the ring needs before either path draws (no upload)."""
        ring = self._ring
        dirty = self._dirty
        if dirty & {"geometry", "color"}:  # the layout or the colours' kind may have changed
            self._quads_ring.invalidate()
        color = self._values["color"]
        if "color" in ring.names:
            self._opaque = ring.true_counts["opaque"] == ring.count
        else:
            self._opaque = bool(color[3] == 1.0)
            self._bind("a_color0", color, 1)
            self._bind("a_color1", color, 1)
        if _same(self._values["connect"], "segments"):
            self._instances = ring.capacity // 2 if ring.count >= 2 else 0
        else:
            self._instances = ring.capacity if ring.count >= 2 else 0
        dirty.discard("ring")

    def _draw_ring(self) -> None:
        """Patch the quads' rows with the points appended since they were last drawn,
        then draw the ring's segments oldest first (overlapping segments then stack as in
        a fresh line): from the rows texture (:meth:`_draw_pulled`), or, for a ring too
        large for one, as instances from the oldest slot to the end, then from slot 0
        (WebGL2 has no base instance: each draw binds the rows from its first instance
        on)."""
        ring = self._ring
        self._quads_ring.sync(ring, self._upload_quads_all, self._upload_quads_rows)
        if self._pulled():
            self._draw_pulled()
            return
        pairs = _same(self._values["connect"], "segments")
        n = self._instances
        oldest = ring.oldest_slot // 2 if pairs else ring.oldest_slot
        ranges = [(oldest, n - oldest), (0, oldest)] if oldest else [(0, n)]
        # until the ring wraps, only its first slots hold points: the empty ones (which
        # the shader would collapse) are not drawn at all
        live = ring.count // 2 if pairs else ring.count
        for first, count in ranges:
            self._bind_ring(first * (2 * _ROW if pairs else _ROW))
            # the first instance's place in positions (the shader adds the instance's id)
            place = (first - oldest) % n
            self.program["u_ring"] = (-place, n, 0 if pairs else 1)
            self.program.draw("triangle_strip", instances=min(count, live))

    def _prepare_thin_ring(self) -> None:
        """The line-strip path's ring: positions (and colours) by slot, then a copy of
        slot 0 (the strip from the oldest slot to the end goes on to slot 0 without an
        index buffer), patched likewise."""
        program = self._thin_program()
        ring = self._ring
        cap = ring.capacity
        if self._thin_stale:
            self._thin_ring.invalidate()
            self._thin_stale.clear()
        columns = ["a_position"] + (["a_color"] if "color" in ring.names else [])

        def rows(name: str, values: np.ndarray, valid: np.ndarray) -> np.ndarray:
            if name != "a_position":
                return values
            return np.where(valid[:, None], relative(values, self._origin), 0)

        def upload_all() -> None:
            valid = ring.slots("valid")
            for name in columns:
                values = rows(name, ring.slots(_THIN[name]), valid)
                if name not in self._buffers:
                    self._buffers[name] = gloo.VertexBuffer()
                self._buffers[name].set_data(np.concatenate([values, values[:1]]))
                program[name] = self._buffers[name]

        def upload_rows(slot: int, lo: int, hi: int) -> None:
            valid = ring.view("valid")[lo:hi]
            for name in columns:
                values = rows(name, ring.view(_THIN[name])[lo:hi], valid)
                self._buffers[name].set_subdata(values, slot)
                if slot == 0:  # the copy of slot 0 after the last slot
                    self._buffers[name].set_subdata(values[:1], cap)

        self._thin_ring.sync(ring, upload_all, upload_rows)
        if "color" not in ring.names:
            program["a_color"] = tuple(float(c) for c in self._values["color"])

    def _draw_thin_ring(self, program: Any) -> None:
        """Draw the ring's slots as line strips (or lines), oldest first."""
        ring = self._ring
        cap, n, oldest = ring.capacity, ring.count, ring.oldest_slot
        if _same(self._values["connect"], "segments"):  # whole pairs in slot order
            ranges = [(oldest, n)] if oldest == 0 else [(oldest, cap - oldest), (0, oldest)]
            for first, count in ranges:
                if count:
                    program.draw("lines", first=first, count=count)
            return
        if oldest == 0:
            ranges = [(0, n)]
        else:  # the oldest slot .. the last, then the copy of slot 0; slot 0 .. the newest
            ranges = [(oldest, cap - oldest + 1), (0, oldest)]
        for first, count in ranges:
            if count >= 2:
                program.draw("line_strip", first=first, count=count)
