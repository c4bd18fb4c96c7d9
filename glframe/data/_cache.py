"""TileCache: a bounded, thread-safe CPU cache of numpy tiles.

Tiles read from a multiscale source are kept in RAM under a byte budget; the
least recently used tile is evicted to make room, except tiles of *pinned*
levels (a visual pins its coarsest level so that every frame has something to
draw). ``bytes`` (the sum of the cached arrays' ``nbytes``) never exceeds the
budget: a tile that cannot fit is refused with an error rather than let through.

Keys are a tile key ``(level, (ti, tj[, tk]))`` plus the leading index
(time, channel) it was read at, so two time points never mix.

Limits: the budget counts the arrays' ``nbytes`` only (not Python object
overhead, nor a base array a view keeps alive: store contiguous copies, as
:class:`~glframe.data.TileLoader` does); one lock guards the cache, so
``get``/``put`` are cheap but not concurrent.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = ["TileCache", "default_cpu_budget"]

# The share of physical RAM a cache takes by default: large enough to hold a
# screenful of tiles at every level many times over, small enough that several
# visuals (and the rest of the program) fit beside it.
DEFAULT_RAM_FRACTION = 0.125
# Where the platform cannot say how much RAM it has (no os.sysconf names).
FALLBACK_BUDGET = 2 * 1024**3


def default_cpu_budget(fraction: float = DEFAULT_RAM_FRACTION) -> int:
    """A CPU cache budget sized to this machine: ``fraction`` of physical RAM, in bytes.

    Physical RAM is ``os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")``
    (Linux, macOS); where those are missing (Windows) the budget is 2 GiB.

    Examples
    --------
    >>> from glframe.data import default_cpu_budget
    >>> default_cpu_budget() > 0
    True
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"default_cpu_budget: fraction must be in (0, 1], not {fraction!r}")
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        ram = -1
    if ram <= 0:
        return FALLBACK_BUDGET
    return int(ram * fraction)


class TileCache:
    """A CPU cache of numpy tiles under a byte budget, LRU, with pinned levels.

    Parameters
    ----------
    budget_bytes
        The most bytes of tile data held at once; default
        :func:`default_cpu_budget` (1/8 of physical RAM).
    pinned_levels
        Levels whose tiles are never evicted (typically the coarsest level).
        Their tiles still count against the budget.
    pinned_index
        The leading index whose tiles of ``pinned_levels`` are pinned; None (the
        default): every index. A visual of a time series sets it to the time
        point shown, so the coarsest levels of other time points can be evicted.

    Examples
    --------
    >>> import numpy as np
    >>> from glframe.data import TileCache
    >>> cache = TileCache(1000, pinned_levels={2})
    >>> cache.put((2, (0, 0)), np.zeros(400, np.uint8))
    >>> cache.put((0, (0, 0)), np.zeros(400, np.uint8))
    >>> cache.put((0, (0, 1)), np.zeros(400, np.uint8))  # evicts (0, (0, 0))
    >>> cache.contains((0, (0, 0))), cache.contains((2, (0, 0))), cache.bytes
    (False, True, 800)
    """

    def __init__(
        self,
        budget_bytes: int | None = None,
        *,
        pinned_levels: Iterable[int] = (),
        pinned_index: tuple | None = None,
    ) -> None:
        if budget_bytes is None:
            budget_bytes = default_cpu_budget()
        if (
            not isinstance(budget_bytes, (int, np.integer))
            or isinstance(budget_bytes, bool)
            or budget_bytes <= 0
        ):
            raise ValueError(f"TileCache: budget_bytes must be an int > 0, not {budget_bytes!r}")
        self.budget_bytes = int(budget_bytes)
        self.pinned_levels = frozenset(int(k) for k in pinned_levels)
        self.pinned_index = pinned_index
        # Most recently used last; a lock because loaders put from worker threads
        # while the draw gets from the main thread.
        self._tiles: OrderedDict[Any, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._bytes = 0
        self._hits = self._misses = self._evictions = 0

    @staticmethod
    def _key(key: Any, index: tuple) -> tuple:
        level, idx = key
        return (int(level), tuple(int(i) for i in idx), tuple(int(i) for i in index))

    @property
    def bytes(self) -> int:
        """Bytes of tile data held now (never above ``budget_bytes``)."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._tiles)

    def contains(self, key: Any, index: tuple = ()) -> bool:
        """Whether the tile ``key`` at leading ``index`` is cached (no hit/miss counted)."""
        with self._lock:
            return self._key(key, index) in self._tiles

    def get(self, key: Any, index: tuple = ()) -> np.ndarray | None:
        """The cached tile (marked most recently used), or None; counts a hit or a miss."""
        k = self._key(key, index)
        with self._lock:
            tile = self._tiles.get(k)
            if tile is None:
                self._misses += 1
                return None
            self._hits += 1
            self._tiles.move_to_end(k)
            return tile

    def put(self, key: Any, tile: np.ndarray, index: tuple = ()) -> None:
        """Cache ``tile`` under ``key`` and ``index``, evicting LRU unpinned tiles for room.

        Raises
        ------
        ValueError
            When the tile alone is larger than the whole budget.
        MemoryError
            When it does not fit even after evicting every unpinned tile (the
            pinned tiles fill the budget).
        """
        k = self._key(key, index)
        tile = np.asarray(tile)
        size = int(tile.nbytes)
        if size > self.budget_bytes:
            raise ValueError(
                f"TileCache: tile {key} at index {index} is {size} bytes, more than the whole "
                f"budget of {self.budget_bytes} bytes; raise budget_bytes or use smaller tiles"
            )
        with self._lock:
            old = self._tiles.pop(k, None)
            if old is not None:
                self._bytes -= old.nbytes
            need = self._bytes + size - self.budget_bytes
            victims = []
            if need > 0:
                for vk, vt in self._tiles.items():  # oldest first
                    if self._pinned(vk):
                        continue
                    victims.append(vk)
                    need -= vt.nbytes
                    if need <= 0:
                        break
            if need > 0:
                # Nothing evicted yet: refuse without touching the cache. The
                # replaced tile (if any) goes back where it was.
                if old is not None:
                    self._tiles[k] = old
                    self._bytes += old.nbytes
                raise MemoryError(
                    f"TileCache: tile {key} at index {index} ({size} bytes) does not fit: "
                    f"pinned levels {sorted(self.pinned_levels)} hold "
                    f"{self._pinned_bytes()} of the {self.budget_bytes}-byte budget"
                )
            for vk in victims:
                self._bytes -= self._tiles.pop(vk).nbytes
                self._evictions += 1
            self._tiles[k] = tile
            self._bytes += size

    @property
    def pinned_index(self) -> tuple | None:
        """The leading index whose tiles of ``pinned_levels`` are pinned (None: every
        index); settable."""
        return self._pinned_index

    @pinned_index.setter
    def pinned_index(self, value: tuple | None) -> None:
        self._pinned_index = None if value is None else tuple(int(i) for i in value)

    def _pinned(self, k: tuple) -> bool:
        index = self._pinned_index
        return k[0] in self.pinned_levels and (index is None or k[2] == index)

    def _pinned_bytes(self) -> int:
        return sum(t.nbytes for k, t in self._tiles.items() if self._pinned(k))

    def resize(self, budget_bytes: int) -> None:
        """Set the budget, evicting least recently used unpinned tiles down to it (a
        visual's fair share of a shared :class:`~glframe.data.Budget` changes when
        another visual joins or leaves). Pinned tiles stay even above the budget."""
        budget_bytes = int(budget_bytes)
        if budget_bytes <= 0:
            raise ValueError(f"TileCache: budget_bytes must be an int > 0, not {budget_bytes!r}")
        with self._lock:
            self.budget_bytes = budget_bytes
            for vk in [k for k in self._tiles if not self._pinned(k)]:
                if self._bytes <= budget_bytes:
                    break
                self._bytes -= self._tiles.pop(vk).nbytes
                self._evictions += 1

    def clear(self) -> None:
        """Drop every tile, pinned ones too (stats other than bytes are kept)."""
        with self._lock:
            self._tiles.clear()
            self._bytes = 0

    def keys(self) -> list[tuple]:
        """``(level, tile indices, index)`` of the cached tiles, least recently used first."""
        with self._lock:
            return list(self._tiles)

    def stats(self) -> dict[str, int]:
        """``hits``, ``misses``, ``evictions``, ``bytes``, ``tiles``, ``budget_bytes``."""
        with self._lock:
            return {
                "hits": self._hits,
                "misses": self._misses,
                "evictions": self._evictions,
                "bytes": self._bytes,
                "tiles": len(self._tiles),
                "budget_bytes": self.budget_bytes,
            }

    def __repr__(self) -> str:
        return f"<TileCache {len(self._tiles)} tiles, {self._bytes}/{self.budget_bytes} bytes>"
