"""Checks and conversions shared by visuals: positions, colours, per-item values."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ...gloo import as_rgba

__all__ = ["as_positions", "as_colors", "per_item", "limits", "Colormapped"]


def as_positions(data: ArrayLike, what: str, dims: tuple[int, ...] = (2, 3)) -> np.ndarray:
    """(N, 2|3) float32 positions; NaN is allowed (such points are not drawn)."""
    arr = np.asarray(data)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what}: dtype {arr.dtype} is not numeric")
    if arr.ndim != 2 or arr.shape[1] not in dims:
        raise ValueError(f"{what}: shape {arr.shape} is not (N, {' or '.join(map(str, dims))})")
    big = np.abs(arr[np.isfinite(arr)]).max(initial=0)
    if big > np.finfo(np.float32).max:
        raise ValueError(f"{what}: value {big:g} does not fit in float32")
    out = np.zeros((len(arr), 3), np.float32)
    out[:, : arr.shape[1]] = arr
    return out


def as_colors(value: Any, n: int, what: str) -> np.ndarray:
    """One RGBA colour (4,) float32, or (n, 4) float32 for per-item colours."""
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
        try:  # one colour name (or '#rrggbb') per item
            value = [as_rgba(v) for v in value]
        except ValueError as exc:
            raise ValueError(f"{what}: {exc}") from None
    if isinstance(value, str) or np.ndim(value) == 1:
        try:
            return np.array(as_rgba(value), np.float32)
        except ValueError as exc:
            raise ValueError(f"{what}: {exc}") from None
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] not in (3, 4) or len(arr) != n:
        raise ValueError(f"{what}: colours of shape {arr.shape} are not ({n}, 3|4)")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what}: colours contain NaN or infinity")
    if arr.shape[1] == 3:
        arr = np.c_[arr, np.ones(n)]
    return np.clip(arr, 0, 1).astype(np.float32)


def per_item(value: ArrayLike, n: int, what: str, *, nonnegative: bool = False) -> Any:
    """One float, or an (n,) float32 array."""
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what}: contains NaN or infinity")
    if nonnegative and np.any(arr < 0):
        raise ValueError(f"{what}: must be >= 0")
    if arr.ndim == 0:
        return float(arr)
    if arr.shape != (n,):
        raise ValueError(f"{what}: shape {arr.shape} is not () or ({n},)")
    return arr.astype(np.float32)


def limits(value: Any, what: str) -> tuple[float, float]:
    """Two finite, distinct numbers (a reversed pair reverses the colormap)."""
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be two numbers (min, max), not {value!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo == hi:
        raise ValueError(f"{what} must be two finite, different numbers, not {value!r}")
    return lo, hi


class Colormapped:
    """``cmap`` and ``clim`` for visuals that map values through a colormap.

    The visual keeps ``_cmap``, ``_clim`` ("auto" or a pair), ``_auto_clim``
    (the data's range) and ``_dirty``, the set of parts to upload; setting
    ``clim`` marks the parts in ``_clim_parts``.
    """

    _clim_parts: tuple[str, ...] = ("clim",)

    def _set(self, *parts: str) -> None:
        """Mark ``parts`` for upload at the next draw, and ask for one."""
        self._dirty.update(parts)
        self.update()

    @property
    def cmap(self) -> str:
        return self._cmap

    @cmap.setter
    def cmap(self, name: str) -> None:
        from ...shaders import colormaps

        if name not in colormaps.names():
            raise ValueError(
                f"{type(self).__name__}.cmap: no colormap {name!r}; "
                f"colormaps: {', '.join(colormaps.names())}"
            )
        self._cmap = name
        self._set("cmap")

    @property
    def clim(self) -> tuple[float, float]:
        """The contrast limits in use (the data's range when set to "auto")."""
        return self._auto_clim if self._clim == "auto" else self._clim

    @clim.setter
    def clim(self, value: Any) -> None:
        what = f"{type(self).__name__}.clim"
        if isinstance(value, str):
            if value != "auto":
                raise ValueError(f"{what} must be (min, max) or 'auto', not {value!r}")
            self._clim = "auto"
        else:
            self._clim = limits(value, what)
        self._set(*self._clim_parts)
