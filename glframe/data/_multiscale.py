"""Multiscale: one image or volume at several resolutions, finest first.

A :class:`Multiscale` is a list of levels, each an array-like with ``shape``,
``dtype`` and basic slicing (numpy, zarr, dask, h5py datasets, or the lazy
arrays of :mod:`glframe.data.synthetic`), and where each level sits relative to
level 0. The last ``spatial_ndim`` axes (2: rows, columns; 3: planes, rows,
columns) are spatial; leading axes (time, channel) are the same on every level
and are sliced by an index.

Placement is in level-0 pixel units with the *corner* convention: level 0's
pixel ``i`` covers ``[i, i + 1)``; level ``k``'s pixel ``i`` covers
``[translate[k] + i * scale[k], translate[k] + (i + 1) * scale[k])`` on each
spatial axis. OME-Zarr describes pixel *centres* instead; the readers convert
(see :func:`glframe.data.open_multiscale`), which is where the classic
half-pixel error of a 2x-downsampled level (shifted by a quarter of its pixel)
comes from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["Multiscale"]


class Multiscale:
    """Levels of one image or volume, finest (level 0) first.

    Parameters
    ----------
    levels
        Array-likes, finest first; all with the same leading (non-spatial) axes.
    scale
        Per level, the size of one of its pixels in level-0 pixels along each
        spatial axis (default: 2**k on every axis).
    translate
        Per level, where its pixel 0's corner lies in level-0 pixels (default:
        0, the corners of a 2x block-averaged pyramid coincide).
    spatial_ndim
        2 (an image) or 3 (a volume): how many trailing axes are spatial.
    name
        A label for messages.

    Examples
    --------
    >>> import numpy as np
    >>> base = np.zeros((1024, 2048), np.uint8)
    >>> ms = Multiscale([base, base[::2, ::2], base[::4, ::4]])
    >>> ms.shape(2), ms.scale[2]
    ((256, 512), (4.0, 4.0))
    """

    def __init__(
        self,
        levels: Sequence[Any],
        *,
        scale: Sequence[Sequence[float]] | None = None,
        translate: Sequence[Sequence[float]] | None = None,
        spatial_ndim: int = 2,
        name: str = "Multiscale",
    ) -> None:
        levels = list(levels)
        if spatial_ndim not in (2, 3):
            raise ValueError(f"{name}: spatial_ndim must be 2 or 3, not {spatial_ndim!r}")
        if not levels:
            raise ValueError(f"{name}: needs at least one level")
        for k, level in enumerate(levels):
            if not (hasattr(level, "shape") and hasattr(level, "dtype")):
                raise TypeError(f"{name}: level {k} has no shape and dtype: {type(level)!r}")
            if len(level.shape) < spatial_ndim:
                raise ValueError(
                    f"{name}: level {k} has shape {tuple(level.shape)}, fewer than "
                    f"{spatial_ndim} axes"
                )
        leading = tuple(levels[0].shape[:-spatial_ndim])
        for k, level in enumerate(levels):
            if tuple(level.shape[:-spatial_ndim]) != leading:
                raise ValueError(
                    f"{name}: level {k}'s leading axes {tuple(level.shape[:-spatial_ndim])} "
                    f"differ from level 0's {leading}"
                )
        self.name = name
        self.levels = levels
        self.spatial_ndim = spatial_ndim
        self.leading_shape = leading
        n = len(levels)
        self.scale = self._per_level(
            scale, [(2.0**k,) * spatial_ndim for k in range(n)], "scale", positive=True
        )
        self.translate = self._per_level(translate, [(0.0,) * spatial_ndim] * n, "translate")

    def _per_level(self, given, default, what: str, positive: bool = False) -> list[tuple]:
        if given is None:
            return [tuple(float(v) for v in d) for d in default]
        rows = [tuple(float(v) for v in row) for row in given]
        if len(rows) != len(self.levels) or any(len(r) != self.spatial_ndim for r in rows):
            raise ValueError(
                f"{self.name}: {what} needs {self.spatial_ndim} numbers for each of "
                f"{len(self.levels)} levels, not {given!r}"
            )
        for row in rows:
            if not all(np.isfinite(row)) or (positive and min(row) <= 0):
                rule = "finite numbers > 0" if positive else "finite numbers"
                raise ValueError(f"{self.name}: {what} must be {rule}, not {row}")
        return rows

    @property
    def nlevels(self) -> int:
        """How many levels."""
        return len(self.levels)

    @property
    def dtype(self) -> np.dtype:
        """Level 0's dtype."""
        return np.dtype(self.levels[0].dtype)

    def shape(self, level: int = 0) -> tuple[int, ...]:
        """The spatial shape of ``level``."""
        return tuple(int(v) for v in self.levels[level].shape[-self.spatial_ndim :])

    def extent(self, level: int = 0) -> tuple[tuple[float, float], ...]:
        """The (start, stop) that ``level`` covers on each spatial axis, in level-0 pixels."""
        return tuple(
            (t, t + n * s)
            for t, n, s in zip(self.translate[level], self.shape(level), self.scale[level])
        )

    def read(
        self, level: int, region: tuple[slice, ...], index: tuple[int, ...] = ()
    ) -> np.ndarray:
        """The pixels of ``level`` in ``region`` (spatial slices), at leading ``index``.

        Reads only that region from the level (a zarr chunk, an h5py hyperslab, a
        dask task, a synthetic tile), as a numpy array.
        """
        if len(index) != len(self.leading_shape):
            raise IndexError(
                f"{self.name}: index {index} does not match the leading axes {self.leading_shape}"
            )
        return np.asarray(self.levels[level][(*index, *region)])

    def __repr__(self) -> str:
        shapes = ", ".join(str(self.shape(k)) for k in range(self.nlevels))
        return f"<{self.name} {self.nlevels} levels {self.dtype}: {shapes}>"
