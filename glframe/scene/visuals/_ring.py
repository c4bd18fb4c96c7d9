"""Ring buffers for visuals that receive data over time (``Line.append``, ``Markers.append``).

A visual with a ``capacity`` keeps its newest ``capacity`` points. Two copies exist:

- On the CPU, :class:`RingStore` keeps each per-point column (positions, colours,
  sizes, ...) in logical order (oldest first) inside an array twice the capacity:
  appending writes the new rows after the last ones, and once the end is reached the
  rows still alive move back to the front. The live rows are always one contiguous
  view, so ``line.positions`` costs nothing, and an append costs O(new rows)
  amortized (one move of at most ``capacity`` rows every ``capacity`` appended rows).
- On the GPU, each buffer is a ring of ``capacity`` slots: point number ``t`` (counted
  since the ring was last filled) lives in slot ``t % capacity``, so an append writes
  only its own slots, with at most two partial uploads (one where it wraps).
  :class:`RingMirror` remembers which appended points a buffer holds, and patches
  only the slots appended since; after ``capacity`` or more new points, or a refill,
  it uploads the whole ring once.

The visual draws the slots in an order that puts the oldest first (two ranges, or
the ring's head as a uniform in the shader): see Line and Markers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ... import gloo

__all__ = ["RingStore", "RingMirror", "RowTexture", "as_capacity"]


def as_capacity(value: Any, what: str, *, even: bool = False) -> int | None:
    """Check a ring capacity: None (no ring) or an integer >= 1 (even where asked)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(
            f"{what}: {value!r} is not an integer; give the number of points to keep "
            "(e.g. capacity=10_000), or None for no ring buffer"
        )
    if value < 1:
        raise ValueError(
            f"{what}: {value} is below 1; a ring keeps at least one point: give "
            "capacity >= 1, or None for no ring buffer"
        )
    if even and value % 2:
        raise ValueError(
            f"{what}: {value} is odd, but connect='segments' keeps whole pairs: give an "
            f"even capacity such as {value + 1}"
        )
    return int(value)


class RingBounds:
    """``bounds(axis)`` of a visual with a ring (``_ring``): computed by its
    ``_bounds(axis)`` once per axis between appends (a view asks for all three)."""

    _ring: Any

    def bounds(self, axis: int) -> tuple[float, float] | None:
        if self._ring is None:
            return self._bounds(axis)
        memo = self._ring.memo
        if axis not in memo:
            memo[axis] = self._bounds(axis)
        return memo[axis]


class RingStore:
    """The newest ``capacity`` rows of named columns, in logical order (oldest first).

    Parameters
    ----------
    capacity
        How many rows to keep.

    Examples
    --------
    >>> ring = RingStore(3)
    >>> ring.fill({"x": np.array([1.0, 2.0])})
    >>> ring.append({"x": np.array([3.0, 4.0])})
    >>> ring.view("x").tolist(), ring.oldest_slot, ring.total
    ([2.0, 3.0, 4.0], 1, 4)
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        #: rows appended since the last fill (the next row's logical number)
        self.total = 0
        #: rows kept: min(total, capacity)
        self.count = 0
        #: bumped by each fill, so mirrors know to upload everything
        self.epoch = 0
        self._store: dict[str, np.ndarray] = {}
        self._start = 0  # the oldest row's index in each store array
        #: the number of True rows kept, for each boolean column
        self.true_counts: dict[str, int] = {}
        #: values computed from the rows kept (a visual's bounds), emptied by each change
        self.memo: dict = {}

    @property
    def names(self) -> tuple[str, ...]:
        """The columns, in the order they were filled."""
        return tuple(self._store)

    @property
    def oldest_slot(self) -> int:
        """The GPU slot of the oldest row kept (0 until the ring wraps)."""
        return (self.total - self.count) % self.capacity

    def fill(self, columns: dict[str, np.ndarray]) -> None:
        """Replace everything with ``columns`` (equal lengths; the last ``capacity`` kept)."""
        cap = self.capacity
        lengths = {len(a) for a in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"RingStore.fill: columns of different lengths {sorted(lengths)}")
        n = lengths.pop() if lengths else 0
        keep = min(n, cap)
        self._store = {}
        for name, arr in columns.items():
            store = np.zeros((2 * cap, *arr.shape[1:]), arr.dtype)
            store[:keep] = arr[n - keep :]
            self._store[name] = store
        self._start, self.count, self.total = 0, keep, keep
        self.epoch += 1
        self.memo.clear()
        self.true_counts = {
            name: int(np.count_nonzero(self.view(name)))
            for name, store in self._store.items()
            if store.dtype == bool
        }

    def append(self, columns: dict[str, np.ndarray]) -> None:
        """Add rows at the end (every column, the same number of rows); the oldest roll off."""
        if set(columns) != set(self._store):
            raise ValueError(
                f"RingStore.append: columns {sorted(columns)} are not {sorted(self._store)}"
            )
        k = len(next(iter(columns.values()))) if columns else 0
        cap = self.capacity
        keep = min(self.count, cap - k) if k < cap else 0
        dropped = self.count - keep
        for name in self.true_counts:  # the rows that roll off, before they are overwritten
            old = self._store[name][self._start : self._start + dropped]
            self.true_counts[name] -= int(np.count_nonzero(old))
        if k >= cap:
            for name, arr in columns.items():
                self._store[name][:cap] = arr[k - cap :]
            start = 0
            for name in self.true_counts:
                self.true_counts[name] = int(np.count_nonzero(self._store[name][:cap]))
        else:
            start = self._start + dropped
            if start + keep + k > 2 * cap:  # the end is reached: the live rows go to the front
                for store in self._store.values():
                    store[:keep] = store[start : start + keep]
                start = 0
            for name, arr in columns.items():
                self._store[name][start + keep : start + keep + k] = arr
                if name in self.true_counts:
                    self.true_counts[name] += int(np.count_nonzero(arr))
        self._start, self.count = start, min(keep + k, cap)
        self.total += k
        self.memo.clear()

    def view(self, name: str) -> np.ndarray:
        """Column ``name``, oldest row first (a read-only view, valid until the next append)."""
        out = self._store[name][self._start : self._start + self.count]
        out.flags.writeable = False
        return out

    def slots(self, name: str) -> np.ndarray:
        """Column ``name`` in GPU slot order: (capacity, ...), zeros where no row is yet."""
        store = self._store[name]
        out = np.zeros((self.capacity, *store.shape[1:]), store.dtype)
        index = (self.oldest_slot + np.arange(self.count)) % self.capacity
        out[index] = self.view(name)
        return out

    def pending(self, synced: tuple[int, int] | None) -> list[tuple[int, int, int]] | None:
        """What a copy that holds the rows up to ``synced`` = (epoch, total) lacks.

        Returns None when the copy must be uploaded whole (another epoch, or at least
        ``capacity`` rows behind), else ``(slot, lo, hi)`` pieces: the rows ``lo:hi`` of
        :meth:`view` go to slots ``slot .. slot + hi - lo`` (at most two pieces).
        """
        if synced is None or synced[0] != self.epoch:
            return None
        behind = self.total - synced[1]
        if behind >= self.capacity or behind < 0:
            return None
        pieces = []
        lo = self.count - behind
        slot = synced[1] % self.capacity
        while lo < self.count:
            n = min(self.count - lo, self.capacity - slot)
            pieces.append((slot, lo, lo + n))
            lo, slot = lo + n, 0
        return pieces


class RingMirror:
    """A GPU copy of some columns of a :class:`RingStore`, kept up to date by :meth:`sync`."""

    def __init__(self) -> None:
        self.synced: tuple[int, int] | None = None

    def invalidate(self) -> None:
        """The next :meth:`sync` uploads everything."""
        self.synced = None

    def sync(
        self,
        ring: RingStore,
        upload_all: Callable[[], None],
        upload_rows: Callable[[int, int, int], None],
    ) -> bool:
        """Upload what the copy lacks: ``upload_all()``, or ``upload_rows(slot, lo, hi)``
        per piece (see :meth:`RingStore.pending`). Returns whether it uploaded all."""
        state = (ring.epoch, ring.total)
        if self.synced == state:
            return False
        pieces = ring.pending(self.synced)
        if pieces is None:
            upload_all()
        else:
            for piece in pieces:
                upload_rows(*piece)
        self.synced = state
        return pieces is None


class RowTexture:
    """Rows of four floats in a float texture, ``WIDTH`` rows a texture row: what a
    vertex stage reads with ``texelFetch`` (row ``i`` at ``(i % width, i / width)``)
    where a buffer of instances would cost one instance a row (see ``_line.py``).

    It takes the calls a ring's uploads make of a VertexBuffer: :meth:`set_data` (all
    rows; reallocates only when the texture's size changes) and :meth:`set_subdata`
    (rows from a row on, in at most one upload per texture row they touch).
    """

    #: rows per texture row; WebGL2 guarantees textures of 2048 x 2048 texels
    WIDTH = 2048
    MAX_ROWS = WIDTH * WIDTH

    def __init__(self) -> None:
        self.texture = gloo.Texture2D(
            np.zeros((1, 1, 4), np.float32), interpolation="nearest", internalformat="rgba32f"
        )
        self.rows = 0

    def set_data(self, rows: np.ndarray) -> None:
        rows = np.asarray(rows, np.float32).reshape(-1, 4)
        n = len(rows)
        if n > self.MAX_ROWS:
            raise ValueError(f"RowTexture: {n} rows, more than {self.MAX_ROWS} fit")
        width = min(max(n, 1), self.WIDTH)
        height = -(-max(n, 1) // width)
        texels = np.zeros((height * width, 4), np.float32)
        texels[:n] = rows
        self.texture.set_data(texels.reshape(height, width, 4))
        self.rows = n

    def set_subdata(self, rows: np.ndarray, first: int) -> None:
        rows = np.asarray(rows, np.float32).reshape(-1, 4)
        if first < 0 or first + len(rows) > self.rows:
            raise ValueError(
                f"RowTexture: rows {first}..{first + len(rows)} outside the {self.rows} held"
            )
        width = self.texture.shape[1]
        done = 0
        while done < len(rows):
            y, x = divmod(first + done, width)
            n = min(width - x, len(rows) - done)
            self.texture.set_data(rows[None, done : done + n], offset=(y, x))
            done += n
