"""The numpy aggregation kernel: correct everywhere, slower than the numba one.

Used when numba is not installed (or ``_aggregate_kernels.USE_NUMBA`` is off). The
data is walked in slices of ``CHUNK`` points so that temporaries stay small next to
the data (a memory-map is read once, slice by slice); each slice is binned with
``searchsorted`` on the float64 edges, which is ``numpy.histogram2d``'s own rule,
and reduced with ``bincount`` (``fmin.at``/``fmax.at`` for min and max).
"""

from __future__ import annotations

import numpy as np

from ._aggregate import Spec, count_dtype, empty_state, merge

CHUNK = 1 << 20


def bin_index(v: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The bin of each value (``len(edges) - 1`` bins; -1 or ``n`` when outside, NaN too)."""
    n = len(edges) - 1
    i = np.searchsorted(edges, v, side="right") - 1
    i[v == edges[-1]] = n - 1  # the last bin is closed, as in histogram2d
    return i


def chunk_state(spec: Spec, x, y, values, categories) -> tuple:
    """The state of one slice of points (numpy arrays of one length)."""
    w, h = spec.width, spec.height
    ix = bin_index(x, spec.x_edges)
    iy = bin_index(y, spec.y_edges)
    keep = (ix >= 0) & (ix < w) & (iy >= 0) & (iy < h)
    if values is not None:
        keep &= ~np.isnan(values)
    flat = iy * w + ix
    if categories is not None:
        keep &= (categories >= 0) & (categories < spec.n_categories)
        flat = flat * spec.n_categories + categories
    flat = flat[keep]
    size = h * w
    agg = spec.agg
    if agg == "count_cat":
        n = spec.n_categories
        counts = np.bincount(flat, minlength=size * n).reshape(h, w, n)
        return (counts.astype(count_dtype(len(x))),)
    if agg in ("count", "any"):
        return (np.bincount(flat, minlength=size).reshape(h, w).astype(count_dtype(len(x))),)
    v = values[keep].astype(np.float64)
    if agg == "sum":
        return (np.bincount(flat, v, minlength=size).reshape(h, w),)
    if agg in ("min", "max"):
        grid = np.full(size, np.nan)
        (np.fmin if agg == "min" else np.fmax).at(grid, flat, v)
        return (grid.reshape(h, w),)
    count = np.bincount(flat, minlength=size)
    total = np.bincount(flat, v, minlength=size)
    if agg == "mean":
        return (count.reshape(h, w).astype(np.int64, copy=False), total.reshape(h, w))
    # std: two passes over the slice (mean, then squared deviations), merged by Chan's rule
    mean = np.divide(total, count, out=np.zeros(size), where=count > 0)
    dev = v - mean[flat]
    m2 = np.bincount(flat, dev * dev, minlength=size)
    return (
        count.reshape(h, w).astype(np.int64, copy=False),
        mean.reshape(h, w),
        m2.reshape(h, w),
    )


def numpy_state(spec: Spec, x, y, values=None, categories=None) -> tuple:
    """The state of all points, slice by slice."""
    state = empty_state(spec)
    for start in range(0, len(x), CHUNK):
        sl = slice(start, start + CHUNK)
        part = chunk_state(
            spec,
            np.asarray(x[sl]),
            np.asarray(y[sl]),
            None if values is None else np.asarray(values[sl]),
            None if categories is None else np.asarray(categories[sl]),
        )
        state = merge(spec, state, part)
    return state
