"""Checking and converting arrays before they are recorded.

The GPU (and WebGL2 above all) knows no 64-bit types: float64 is narrowed to
float32 and int64 to int32, each only when every value survives (a value out of
range is an error naming it). Other dtypes that GLIR cannot carry raise. The
result is always a fresh C-contiguous array owned by glframe, so that changing
the caller's array afterwards does not change what is drawn.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .glir import DTYPES

_NARROW = {
    np.dtype("float64"): np.dtype("float32"),
    np.dtype("int64"): np.dtype("int32"),
    np.dtype("uint64"): np.dtype("uint32"),
    np.dtype("bool"): np.dtype("uint8"),
}


def as_gl_array(data: ArrayLike, what: str, *, dtype: np.dtype | None = None) -> np.ndarray:
    """``data`` as a contiguous array of a GLIR dtype (converted to ``dtype`` if given).

    ``what`` names the data in error messages ("vertex buffer", "texture", ...).
    """
    arr = np.asarray(data)
    if arr.dtype.fields is not None:
        for name, (fdt, _) in arr.dtype.fields.items():
            base = fdt.base
            if base.name not in DTYPES:
                raise TypeError(
                    f"{what}: field {name!r} has dtype {base}; "
                    f"fields must be one of {', '.join(DTYPES)}"
                )
        return np.array(arr, order="C", copy=True)
    target = np.dtype(dtype) if dtype is not None else _NARROW.get(arr.dtype, arr.dtype)
    if target.name not in DTYPES:
        raise TypeError(
            f"{what}: dtype {arr.dtype} cannot go to the GPU; use one of {', '.join(DTYPES)}"
        )
    if arr.dtype != target:
        _check_range(arr, target, what)
    return np.array(arr, dtype=target, order="C", copy=True)


def _check_range(arr: np.ndarray, target: np.dtype, what: str) -> None:
    """Raise when converting ``arr`` to ``target`` would change a value's meaning."""
    if arr.dtype.kind not in "biuf" or arr.size == 0:
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{what}: dtype {arr.dtype} is not numeric")
        return
    if target.kind == "f":
        if arr.dtype.kind == "f":
            finite = arr[np.isfinite(arr)]
            big = np.abs(finite).max(initial=0)
            if big > np.finfo(target).max:
                raise ValueError(
                    f"{what}: value {big:g} does not fit in {target} (max {np.finfo(target).max:g})"
                )
        return
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise TypeError(f"{what}: {arr.dtype} values are not all integers; cannot use {target}")
    info = np.iinfo(target)
    lo, hi = arr.min(), arr.max()
    if lo < info.min or hi > info.max:
        raise ValueError(
            f"{what}: values {lo}..{hi} do not fit in {target} ({info.min}..{info.max})"
        )
