"""TileGrid: a multiscale source cut into tiles, and which tiles a view wants.

A :class:`TileGrid` cuts every level of a :class:`~glframe.data.Multiscale` into
tiles of the same shape in *that level's* pixels (so a tile of a coarse level
covers more of the image than a tile of a fine one). A tile is named by a key
``(level, (ti, tj))`` (2D) or ``(level, (tk, ti, tj))`` (3D), its tile indices
along the spatial axes in the source's axis order (planes, rows, columns).

It answers the questions a multiscale visual asks each frame, without GL:

- where a tile sits: its region (slices into the level, clipped at the edges)
  and its extent in level-0 pixels (from ``Multiscale.scale``/``translate``);
- which tiles of a level intersect a box (the view) in level-0 pixels;
- which level to draw, given how many level-0 pixels one screen pixel covers;
- in which order to load tiles (coarse levels first, then nearest the view).

Limits: boxes are axis-aligned in level-0 pixels (a rotated 2D view or a 3D
frustum is given as its bounding box); the level choice takes one number per
axis, not a per-tile screen footprint (a perspective 3D view uses one level).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

__all__ = ["TileGrid", "TileKey"]

#: ``(level, (tile index per spatial axis))``
TileKey = tuple[int, tuple[int, ...]]

# Relative tolerance when comparing a level's scale with a screen footprint, so
# that a pixels-per-texel of exactly 2.0 computed as 1.9999999999 still picks
# the 2x level.
_EPS = 1e-9


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise dot products of (n, k) arrays (``b`` may be one row), summed in axis
    order: the same bits for one row as for many (BLAS may not)."""
    out = a[:, 0] * b[:, 0]
    for j in range(1, a.shape[1]):
        out = out + a[:, j] * b[:, j]
    return out


class TileGrid:
    """The tiles of every level of a multiscale source.

    Parameters
    ----------
    multiscale
        A :class:`~glframe.data.Multiscale` (2D or 3D spatial).
    tile
        Tile shape in pixels of each level: one int for every spatial axis, or
        one per spatial axis (e.g. ``(512, 512)`` or ``(64, 64, 64)``).

    Examples
    --------
    >>> import numpy as np
    >>> from glframe.data import Multiscale, TileGrid
    >>> base = np.zeros((1000, 1500), np.uint8)
    >>> grid = TileGrid(Multiscale([base, base[::2, ::2]]), 512)
    >>> grid.grid_shape(0), grid.grid_shape(1)
    ((2, 3), (1, 2))
    >>> grid.region((0, (1, 2)))
    (slice(512, 1000, None), slice(1024, 1500, None))
    >>> grid.extent((1, (0, 1)))
    ((0.0, 1000.0), (1024.0, 1500.0))
    >>> grid.visible(0, ((0, 100), (500, 600)))
    [(0, (0, 0)), (0, (0, 1))]
    """

    def __init__(self, multiscale: Any, tile: int | Sequence[int]) -> None:
        nd = multiscale.spatial_ndim
        if isinstance(tile, (int, np.integer)):
            tiles = (tile,) * nd
        else:
            tiles = tuple(tile) if isinstance(tile, Sequence) else ()
        if len(tiles) != nd or not all(
            isinstance(t, (int, np.integer)) and not isinstance(t, bool) and t > 0 for t in tiles
        ):
            raise ValueError(
                f"TileGrid({multiscale.name}): tile must be an int > 0 or {nd} ints > 0 "
                f"(one per spatial axis), not {tile!r}"
            )
        self.multiscale = multiscale
        self.tile = tuple(int(t) for t in tiles)
        # Computed once: key checks run for every key of every request.
        self._grid_shapes = [
            tuple(-(-n // t) for n, t in zip(multiscale.shape(k), self.tile))  # ceil division
            for k in range(multiscale.nlevels)
        ]

    # -- layout ---------------------------------------------------------------

    @property
    def spatial_ndim(self) -> int:
        """2 or 3, as the source's."""
        return self.multiscale.spatial_ndim

    @property
    def nlevels(self) -> int:
        """The source's level count."""
        return self.multiscale.nlevels

    def _check_level(self, level: int) -> int:
        if not isinstance(level, (int, np.integer)) or not 0 <= level < self.nlevels:
            raise IndexError(
                f"TileGrid({self.multiscale.name}): level must be in [0, {self.nlevels}), "
                f"not {level!r}"
            )
        return int(level)

    def grid_shape(self, level: int) -> tuple[int, ...]:
        """How many tiles ``level`` has along each spatial axis (edge tiles included)."""
        # ceil(shape / tile): the last tile of an axis may be partial
        return self._grid_shapes[self._check_level(level)]

    def ntiles(self, level: int) -> int:
        """How many tiles ``level`` has in all."""
        return math.prod(self.grid_shape(level))

    def keys(self, level: int) -> Iterator[TileKey]:
        """Every tile key of ``level``, in C order (last axis fastest)."""
        for idx in np.ndindex(*self.grid_shape(level)):
            yield (int(level), tuple(int(i) for i in idx))

    def _check_key(self, key: TileKey) -> tuple[int, tuple[int, ...]]:
        try:
            level, idx = key
            idx = tuple(idx)
        except (TypeError, ValueError):
            raise ValueError(
                f"TileGrid({self.multiscale.name}): a tile key is (level, tile indices), "
                f"not {key!r}"
            ) from None
        level = self._check_level(level)
        gs = self.grid_shape(level)
        if len(idx) != len(gs) or not all(
            isinstance(i, (int, np.integer)) and 0 <= i < n for i, n in zip(idx, gs)
        ):
            raise IndexError(
                f"TileGrid({self.multiscale.name}): tile {idx!r} is outside level {level}'s "
                f"grid of {gs} tiles"
            )
        return level, tuple(int(i) for i in idx)

    def region(self, key: TileKey) -> tuple[slice, ...]:
        """The tile's slices into its level, clipped at the level's edges."""
        level, idx = self._check_key(key)
        return tuple(
            slice(i * t, min((i + 1) * t, n))
            for i, t, n in zip(idx, self.tile, self.multiscale.shape(level))
        )

    def extent(self, key: TileKey) -> tuple[tuple[float, float], ...]:
        """The (start, stop) the tile covers on each spatial axis, in level-0 pixels."""
        level = self._check_key(key)[0]
        ms = self.multiscale
        return tuple(
            (t + r.start * s, t + r.stop * s)
            for r, t, s in zip(self.region(key), ms.translate[level], ms.scale[level])
        )

    def centre(self, key: TileKey) -> np.ndarray:
        """The tile's centre in level-0 pixels (float array, one value per spatial axis)."""
        return np.array([(a + b) / 2 for a, b in self.extent(key)])

    # -- what a view wants ------------------------------------------------------

    def visible(self, level: int, box: Sequence[Sequence[float]]) -> list[TileKey]:
        """The keys of ``level``'s tiles that intersect ``box``, in C order.

        Parameters
        ----------
        level
            The level whose tiles are wanted.
        box
            ``((start, stop), ...)`` per spatial axis in level-0 pixels, half open
            (a tile that only touches the box's stop is not visible).

        Examples
        --------
        >>> import numpy as np
        >>> from glframe.data import Multiscale, TileGrid
        >>> grid = TileGrid(Multiscale([np.zeros((256, 256))]), 64)
        >>> grid.visible(0, ((60, 64), (0, 65)))
        [(0, (0, 0)), (0, (0, 1))]
        """
        level = self._check_level(level)
        nd = self.spatial_ndim
        try:
            box = [(float(a), float(b)) for a, b in box]
        except (TypeError, ValueError):
            box = None
        if box is None or len(box) != nd:
            raise ValueError(
                f"TileGrid({self.multiscale.name}): box must be {nd} (start, stop) pairs "
                f"in level-0 pixels, not {box!r}"
            )
        ms = self.multiscale
        ranges = []
        for (lo, hi), (e0, e1), t, s, n, g in zip(
            box,
            ms.extent(level),
            ms.translate[level],
            ms.scale[level],
            self.tile,
            self.grid_shape(level),
        ):
            # Clip to the level's extent first so a partial edge tile is only
            # visible when the box reaches its actual pixels.
            lo, hi = max(lo, e0), min(hi, e1)
            if not lo < hi:
                return []
            span = n * s  # one tile's size in level-0 pixels
            first = math.floor((lo - t) / span)
            last = math.ceil((hi - t) / span) - 1
            ranges.append(range(max(first, 0), min(last, g - 1) + 1))
        return [(level, tuple(idx)) for idx in itertools.product(*ranges)]

    def choose_level(
        self,
        pixels_per_screen_pixel: float | Sequence[float],
        *,
        max_screen_pixels_per_texel: float | None = None,
    ) -> int:
        """The level to draw when one screen pixel covers so many level-0 pixels.

        The coarsest level whose texels (voxels) are at most
        ``max_screen_pixels_per_texel`` screen pixels wide on every axis, i.e.
        whose ``scale <= max_screen_pixels_per_texel * pixels_per_screen_pixel``.
        The default is the 2D rule, 1 (the coarsest level with at least one
        texel per screen pixel), and for a 3D source 2 (voxels of at most about
        two screen pixels: a ray caster samples several voxels per pixel, so a
        slightly coarser level looks the same and loads 8x less). When even
        level 0 is coarser than asked (zoomed in past level 0), level 0.

        Parameters
        ----------
        pixels_per_screen_pixel
            Level-0 pixels covered by one screen pixel (from the camera): one
            number, or one per spatial axis.
        max_screen_pixels_per_texel
            Overrides the rule above.

        Examples
        --------
        >>> import numpy as np
        >>> from glframe.data import Multiscale, TileGrid
        >>> base = np.zeros((64, 64))
        >>> grid = TileGrid(Multiscale([base, base[::2, ::2], base[::4, ::4]]), 16)
        >>> [grid.choose_level(p) for p in (0.5, 1, 1.9, 2, 3.5, 100)]
        [0, 0, 0, 1, 1, 2]
        """
        nd = self.spatial_ndim
        p = np.broadcast_to(np.asarray(pixels_per_screen_pixel, dtype=float), (nd,)).copy()
        if not (np.all(np.isfinite(p)) and np.all(p > 0)):
            raise ValueError(
                f"TileGrid({self.multiscale.name}): pixels_per_screen_pixel must be finite "
                f"numbers > 0, not {pixels_per_screen_pixel!r}"
            )
        m = max_screen_pixels_per_texel
        if m is None:
            m = 1.0 if nd == 2 else 2.0
        if not m > 0:
            raise ValueError(
                f"TileGrid({self.multiscale.name}): max_screen_pixels_per_texel must be > 0, "
                f"not {m!r}"
            )
        limit = p * m * (1 + _EPS)
        best, best_scale = 0, -1.0
        for k, scale in enumerate(self.multiscale.scale):
            # "Coarsest" by the level's largest scale, not by its index, so a
            # pyramid whose levels are not sorted still gets the right one.
            if np.all(np.asarray(scale) <= limit) and max(scale) >= best_scale:
                best, best_scale = k, max(scale)
        return best

    def priority(
        self,
        key: TileKey,
        centre: Sequence[float],
        direction: Sequence[float] | None = None,
    ) -> tuple:
        """A sort key: load tiles in ascending order of it.

        Coarse levels come first (a coarse tile covers more of the view and keeps
        the screen filled), then within a level:

        - 2D (or no ``direction``): the distance of the tile's centre from the
          view ``centre``;
        - 3D with a view ``direction`` (pointing away from the eye): the tile
          centre's depth along the direction measured from ``centre`` (nearer
          first: it hides what lies behind) plus its distance from the view axis
          through ``centre``.

        ``centre`` and ``direction`` are in level-0 pixels, in the source's axis
        order (planes, rows, columns).

        Examples
        --------
        >>> import numpy as np
        >>> from glframe.data import Multiscale, TileGrid
        >>> base = np.zeros((64, 64))
        >>> grid = TileGrid(Multiscale([base, base[::2, ::2]]), 16)
        >>> keys = [(0, (0, 0)), (0, (1, 1)), (1, (0, 0))]
        >>> sorted(keys, key=lambda k: grid.priority(k, (20, 20)))
        [(1, (0, 0)), (0, (1, 1)), (0, (0, 0))]
        """
        level, idx = self._check_key(key)
        score = self._scores(self.centre(key)[None], centre, direction)[0]
        return (-level, float(score), idx)

    def _scores(self, centres: np.ndarray, centre: Any, direction: Any) -> np.ndarray:
        """The within-level part of :meth:`priority` for tile ``centres`` (n, ndim): one
        computation for one tile and for many, so both order alike to the last bit."""
        v = centres - self._point(centre, "centre")
        if direction is None:
            return np.sqrt(_dot(v, v))
        d = self._point(direction, "direction")
        norm = float(np.sqrt(d @ d))
        if norm == 0:
            raise ValueError(
                f"TileGrid({self.multiscale.name}): direction must not be zero, not {direction!r}"
            )
        d = d / norm
        depth = _dot(v, d[None])
        off_axis = v - depth[:, None] * d
        return depth + np.sqrt(_dot(off_axis, off_axis))

    def prioritize(
        self,
        keys: Iterable[TileKey],
        centre: Sequence[float],
        direction: Sequence[float] | None = None,
    ) -> list[TileKey]:
        """``keys`` sorted by :meth:`priority` (coarse first, then nearest the view).

        Examples
        --------
        >>> import numpy as np
        >>> from glframe.data import Multiscale, TileGrid
        >>> grid = TileGrid(Multiscale([np.zeros((64, 64))]), 32)
        >>> grid.prioritize(grid.keys(0), centre=(40, 10))
        [(0, (1, 0)), (0, (0, 0)), (0, (1, 1)), (0, (0, 1))]
        """
        # placed as arrays, a level at a time: a 3D view wants thousands of bricks each
        # frame, and one priority() call per key cost ~10 ms of it
        levels, idx = self._key_arrays(keys)
        if not levels.size:
            return []
        centres = np.empty(idx.shape)
        ms = self.multiscale
        tile = np.array(self.tile)
        for level in np.unique(levels):
            mine = levels == level
            i = idx[mine]
            level = int(level)
            shape = np.array(ms.shape(level))
            t, sc = np.array(ms.translate[level]), np.array(ms.scale[level])
            # as extent(): (start, stop) of the clipped region, then their middle
            start, stop = t + (i * tile) * sc, t + np.minimum((i + 1) * tile, shape) * sc
            centres[mine] = (start + stop) / 2
        scores = self._scores(centres, centre, direction)
        order = np.lexsort([*idx.T[::-1], scores, -levels.astype(np.int64)])
        return [(int(levels[j]), tuple(int(v) for v in idx[j])) for j in order]

    def check_keys(self, keys: Iterable[TileKey]) -> list[TileKey]:
        """``keys`` as ``(int, tuple of ints)``, each checked against its level's grid
        (as a level at a time: a view wants thousands of keys each frame); the first bad
        key raises the error :meth:`region` would."""
        levels, idx = self._key_arrays(keys)
        return [(lv, tuple(i)) for lv, i in zip(levels.tolist(), idx.tolist())]

    def _key_arrays(self, keys: Iterable[TileKey]) -> tuple[np.ndarray, np.ndarray]:
        """Checked keys as arrays: levels (n,) and tile indices (n, spatial_ndim)."""
        keys = list(keys)
        nd = self.spatial_ndim
        try:
            levels = np.array([k[0] for k in keys], dtype=object)
            idx = np.array([k[1] for k in keys], dtype=object).reshape(len(keys), nd)
            ok = all(isinstance(v, (int, np.integer)) for v in itertools.chain(levels, idx.flat))
            levels, idx = levels.astype(np.int64), idx.astype(np.int64)
        except (TypeError, ValueError, IndexError, KeyError, OverflowError):
            ok = False
        if ok:
            for level in np.unique(levels):
                i = idx[levels == level]
                if not (0 <= level < self.nlevels) or not (
                    (i >= 0).all() and (i < np.array(self.grid_shape(int(level)))).all()
                ):
                    ok = False
                    break
        if not ok:  # one by one: the first bad key raises the error naming it
            checked = [self._check_key(k) for k in keys]
            levels = np.array([c[0] for c in checked], np.int64)
            idx = np.array([c[1] for c in checked], np.int64).reshape(len(keys), nd)
        return levels, idx

    def _point(self, value: Sequence[float], what: str) -> np.ndarray:
        arr = np.asarray(value, dtype=float)
        if arr.shape != (self.spatial_ndim,) or not np.all(np.isfinite(arr)):
            raise ValueError(
                f"TileGrid({self.multiscale.name}): {what} must be {self.spatial_ndim} finite "
                f"numbers in level-0 pixels, not {value!r}"
            )
        return arr

    def __repr__(self) -> str:
        counts = ", ".join(str(self.grid_shape(k)) for k in range(self.nlevels))
        return f"<TileGrid {self.multiscale.name} tile={self.tile}: {counts}>"
