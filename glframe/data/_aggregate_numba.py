"""The compiled aggregation kernels (numba): one pass over the data, all cores.

Each reduction has a ``*_range`` kernel that reduces points ``lo:hi`` into grids of
its own, and a parallel driver that splits the points into one contiguous block
per thread (``prange``), each with private grids, merged afterwards with numpy
(a few grids, not the data). The bin of a coordinate is one multiply-add, then
nudged by at most an edge or two against the float64 edges, so that it is
``numpy.histogram2d``'s bin exactly. No temporary the size of the data is made:
float32 input is read as float32 and widened one value at a time.

Compiled code is cached on disk (``cache=True``), so only the first process on a
machine pays the compilation (seconds per reduction and dtype). numba's default
threading layer (workqueue) must not run two parallel kernels at once: a lock lets
one thread in, another thread meanwhile runs the serial kernel (same code, one
block).
"""

from __future__ import annotations

import threading

import numba
import numpy as np
from numba import njit, prange

from ._aggregate import Spec, merge_all

_PARALLEL = threading.Lock()
INT32_LIMIT = 2**31 - 1


@njit(inline="always")
def _bin(v, edges, n, scale):
    """histogram2d's bin of ``v`` among ``n`` bins (-1 outside, NaN included)."""
    f = np.float64(v)
    if not (f >= edges[0] and f <= edges[n]):
        return -1
    i = int((f - edges[0]) * scale)
    if i > n - 1:
        i = n - 1
    while i > 0 and f < edges[i]:
        i -= 1
    while i < n - 1 and f >= edges[i + 1]:
        i += 1
    return i


@njit(cache=True, nogil=True)
def count_range(x, y, cats, ncat, xe, ye, grid, lo, hi):
    """Count points lo:hi into ``grid`` (flat; ``h*w*ncat`` long with categories)."""
    w = len(xe) - 1
    h = len(ye) - 1
    sx = w / (xe[w] - xe[0])
    sy = h / (ye[h] - ye[0])
    for i in range(lo, hi):
        ix = _bin(x[i], xe, w, sx)
        if ix < 0:
            continue
        iy = _bin(y[i], ye, h, sy)
        if iy < 0:
            continue
        if cats is None:
            grid[iy * w + ix] += 1
        else:
            c = cats[i]
            if c >= 0 and c < ncat:
                grid[(iy * w + ix) * ncat + c] += 1


@njit(cache=True, nogil=True)
def sum_range(x, y, v, xe, ye, count, total, lo, hi):
    """Sum values (and count them when ``count`` is given) of points lo:hi."""
    w = len(xe) - 1
    h = len(ye) - 1
    sx = w / (xe[w] - xe[0])
    sy = h / (ye[h] - ye[0])
    for i in range(lo, hi):
        val = np.float64(v[i])
        if val != val:
            continue
        ix = _bin(x[i], xe, w, sx)
        if ix < 0:
            continue
        iy = _bin(y[i], ye, h, sy)
        if iy < 0:
            continue
        k = iy * w + ix
        total[k] += val
        if count is not None:
            count[k] += 1


@njit(cache=True, nogil=True)
def minmax_range(x, y, v, xe, ye, grid, is_max, lo, hi):
    """Min (or max) of values of points lo:hi into ``grid`` (NaN where none yet)."""
    w = len(xe) - 1
    h = len(ye) - 1
    sx = w / (xe[w] - xe[0])
    sy = h / (ye[h] - ye[0])
    for i in range(lo, hi):
        val = np.float64(v[i])
        if val != val:
            continue
        ix = _bin(x[i], xe, w, sx)
        if ix < 0:
            continue
        iy = _bin(y[i], ye, h, sy)
        if iy < 0:
            continue
        k = iy * w + ix
        cur = grid[k]
        if cur != cur or (val > cur if is_max else val < cur):
            grid[k] = val


@njit(cache=True, nogil=True)
def std_range(x, y, v, xe, ye, count, mean, m2, lo, hi):
    """Welford's running mean and sum of squared deviations of points lo:hi."""
    w = len(xe) - 1
    h = len(ye) - 1
    sx = w / (xe[w] - xe[0])
    sy = h / (ye[h] - ye[0])
    for i in range(lo, hi):
        val = np.float64(v[i])
        if val != val:
            continue
        ix = _bin(x[i], xe, w, sx)
        if ix < 0:
            continue
        iy = _bin(y[i], ye, h, sy)
        if iy < 0:
            continue
        k = iy * w + ix
        n = count[k] + 1
        count[k] = n
        d = val - mean[k]
        mean[k] += d / n
        m2[k] += d * (val - mean[k])


# parallel drivers: block t of T threads reduces into grids[t]


@njit(cache=True, nogil=True, parallel=True)
def count_par(x, y, cats, ncat, xe, ye, grids):
    """``count_range`` over all points, one block and one grid per thread."""
    n = len(x)
    nb = grids.shape[0]
    for t in prange(nb):
        count_range(x, y, cats, ncat, xe, ye, grids[t], n * t // nb, n * (t + 1) // nb)


@njit(cache=True, nogil=True, parallel=True)
def sum_par(x, y, v, xe, ye, counts, totals):
    """``sum_range`` over all points, per-thread grids."""
    n = len(x)
    nb = totals.shape[0]
    for t in prange(nb):
        c = None if counts is None else counts[t]
        sum_range(x, y, v, xe, ye, c, totals[t], n * t // nb, n * (t + 1) // nb)


@njit(cache=True, nogil=True, parallel=True)
def minmax_par(x, y, v, xe, ye, grids, is_max):
    """``minmax_range`` over all points, per-thread grids."""
    n = len(x)
    nb = grids.shape[0]
    for t in prange(nb):
        minmax_range(x, y, v, xe, ye, grids[t], is_max, n * t // nb, n * (t + 1) // nb)


@njit(cache=True, nogil=True, parallel=True)
def std_par(x, y, v, xe, ye, counts, means, m2s):
    """``std_range`` over all points, per-thread grids."""
    n = len(x)
    nb = counts.shape[0]
    for t in prange(nb):
        std_range(x, y, v, xe, ye, counts[t], means[t], m2s[t], n * t // nb, n * (t + 1) // nb)


def _as_kernel_input(a):
    """An ndarray numba accepts (memory-maps and other subclasses viewed, not copied)."""
    if a is None:
        return None
    a = np.asarray(a)
    if a.dtype.byteorder not in "=|":
        a = a.astype(a.dtype.newbyteorder("="))
    if a.dtype == np.bool_:
        a = a.view(np.uint8)
    return a


def numba_state(spec: Spec, x, y, values=None, categories=None, *, parallel=True) -> tuple:
    """The reduction state of in-memory columns, compiled and on all cores."""
    x, y, v, c = (_as_kernel_input(a) for a in (x, y, values, categories))
    n = len(x)
    nb = max(1, min(numba.get_num_threads(), n // 65536)) if parallel else 1
    locked = nb > 1 and _PARALLEL.acquire(blocking=False)
    try:
        if not locked:
            nb = 1
        return _run(spec, x, y, v, c, n, nb)
    finally:
        if locked:
            _PARALLEL.release()


def _run(spec, x, y, v, c, n, nb) -> tuple:
    xe, ye = spec.x_edges, spec.y_edges
    h, w = spec.height, spec.width
    size = h * w
    agg = spec.agg
    itype = np.int32 if n // nb < INT32_LIMIT else np.int64
    if agg in ("count", "any", "count_cat"):
        ncat = spec.n_categories if agg == "count_cat" else 0
        grids = np.zeros((nb, size * max(ncat, 1)), itype)
        if v is not None:
            # values= with a count: points with a NaN value are skipped, as by every
            # reduction; a rare call, left to the numpy kernel to keep the kernels few
            from ._aggregate_numpy import numpy_state

            return numpy_state(spec, x, y, v, c)
        if nb == 1:
            count_range(x, y, c, ncat, xe, ye, grids[0], 0, n)
        else:
            count_par(x, y, c, ncat, xe, ye, grids)
        total = grids.sum(axis=0, dtype=np.int64)
        return (total.reshape((h, w, ncat) if ncat else (h, w)),)
    if agg in ("sum", "mean"):
        totals = np.zeros((nb, size))
        counts = np.zeros((nb, size), itype) if agg == "mean" else None
        if nb == 1:
            sum_range(x, y, v, xe, ye, None if counts is None else counts[0], totals[0], 0, n)
        else:
            sum_par(x, y, v, xe, ye, counts, totals)
        total = totals.sum(axis=0).reshape(h, w)
        if counts is None:
            return (total,)
        return (counts.sum(axis=0, dtype=np.int64).reshape(h, w), total)
    if agg in ("min", "max"):
        grids = np.full((nb, size), np.nan)
        if nb == 1:
            minmax_range(x, y, v, xe, ye, grids[0], agg == "max", 0, n)
        else:
            minmax_par(x, y, v, xe, ye, grids, agg == "max")
        reduce = np.fmax if agg == "max" else np.fmin
        return (reduce.reduce(grids, axis=0).reshape(h, w),)
    counts = np.zeros((nb, size), np.int64)
    means = np.zeros((nb, size))
    m2s = np.zeros((nb, size))
    if nb == 1:
        std_range(x, y, v, xe, ye, counts[0], means[0], m2s[0], 0, n)
    else:
        std_par(x, y, v, xe, ye, counts, means, m2s)
    parts = [
        (counts[t].reshape(h, w), means[t].reshape(h, w), m2s[t].reshape(h, w)) for t in range(nb)
    ]
    return merge_all(spec, parts)
