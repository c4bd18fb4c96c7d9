"""The compiled line kernel (numba): the walk of ``_aggregate_lines``, per segment.

The same arithmetic as the numpy walk in ``_aggregate_lines`` (pixel coordinates,
the column-by-column walk of shallow segments, rows for steep ones, the distance
for antialiasing, computed in a different order: equal within rounding), done segment
by segment. A pixel remembers the last series that
touched it (``stamp``), so a series counts once there without clearing anything
between series; with antialiasing it also remembers that series' weight there
(``last``) and only raises it. Threads take chunks of series from a shared queue
(``_aggregate_numba._spread``), each into its own grid and stamps.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numba import njit

from ._aggregate import count_dtype
from ._aggregate_numba import _spread


@njit(inline="always")
def _walk_aa(a0, b0, a1, b1, na, nb, swap, w, sid, grid, stamp, last):
    """Antialiased: the cells within 1 pixel of one segment whose major axis is a.

    Per major step (widened by half a pixel each side) the 6 cells around the
    segment, each weighted ``1 - d``, ``d`` the distance from its centre to the
    segment (the projection's denominator inverted once per segment).
    """
    amin = min(a0, a1)
    amax = max(a0, a1)
    if amax < -1.0 or amin > na + 1.0:
        return
    c0 = int(min(max(math.floor(amin - 1.5), 0.0), na - 1.0))
    c1 = int(min(max(math.floor(amax + 0.5), 0.0), na - 1.0))
    da = a1 - a0
    db = b1 - b0
    slope = db / da if da != 0 else 0.0
    ll = da * da + db * db
    inv = 1.0 / ll if ll > 0 else 0.0
    for c in range(c0, c1 + 1):
        lo = max(c - 0.5, amin)
        hi = min(c + 1.5, amax)
        if lo > hi:
            continue
        blo = min(b0 + (lo - a0) * slope, b0 + (hi - a0) * slope)
        r0 = int(math.floor(blo - 1.5))
        ea = c + 0.5 - a0
        for r in range(max(r0, 0), min(r0 + 5, nb - 1) + 1):
            eb = r + 0.5 - b0
            t = min(max((ea * da + eb * db) * inv, 0.0), 1.0)
            qa = ea - t * da
            qb = eb - t * db
            wgt = 1.0 - math.sqrt(qa * qa + qb * qb)
            if wgt > 0:
                i = np.uint64(c * w + r if swap else r * w + c)
                if stamp[i] != sid:
                    stamp[i] = sid
                    grid[i] += wgt
                    last[i] = wgt
                elif wgt > last[i]:
                    grid[i] += wgt - last[i]
                    last[i] = wgt


@njit(inline="always")
def _count(cell, sid, grid, stamp):
    # written without a branch: whether the series is new here is a coin toss to the
    # branch predictor (measured: one mispredicted branch per cell was most of the walk)
    i = np.uint64(cell)
    grid[i] += stamp[i] != sid
    stamp[i] = sid


@njit(inline="always")
def _walk_count(a0, b0, a1, b1, na, nb, swap, w, sid, grid, stamp):
    """The cells one segment whose major axis is a passes through (no antialiasing).

    The numpy walk's cells, one or two per major step: a major step's minor span is
    at most one pixel, so its cells are the rows of its two ends (equal, often:
    marked twice, counted once). ``int`` of the value clamped to ``[0, n - 1]`` is
    ``floor`` clamped the same way.
    """
    amin = min(a0, a1)
    amax = max(a0, a1)
    if amax < 0.0 or amin > na:
        return
    c0 = int(min(max(amin, 0.0), na - 1.0))
    c1 = int(min(max(amax, 0.0), na - 1.0))
    da = a1 - a0
    slope = (b1 - b0) / da if da != 0 else 0.0
    top = nb - 1.0
    for c in range(c0, c1 + 1):
        lo = max(c, amin)
        hi = min(c + 1.0, amax)
        if lo > hi:
            continue
        bl = b0 + (lo - a0) * slope
        bh = b0 + (hi - a0) * slope
        blo = min(bl, bh)
        bhi = max(bl, bh)
        if bhi < 0.0 or blo > nb:
            continue
        r0 = int(min(max(blo, 0.0), top))
        r1 = int(min(max(bhi, 0.0), top))
        if swap:
            _count(c * w + r0, sid, grid, stamp)
            _count(c * w + r1, sid, grid, stamp)
        else:
            _count(r0 * w + c, sid, grid, stamp)
            _count(r1 * w + c, sid, grid, stamp)


# the walks and _segment inlined (numba IR) into the series loops: measured 16% less CPU
# than calls (20k walks of 1000 points, one core's time 2.54 -> 2.14 s). 20k random walks
# of 1000 points into 800x600, 2 threads: 2.08 -> 0.54 s counted (the branch-free
# _count, no floor), 8.9 -> 1.9 s antialiased (sqrt for hypot, one division per segment)
@njit(inline="always")
def _segment(x0, y0, x1, y1, w, h, sid, grid, stamp, last, aa):
    if not (math.isfinite(x0) and math.isfinite(y0) and math.isfinite(x1) and math.isfinite(y1)):
        return
    shallow = abs(y1 - y0) <= abs(x1 - x0)
    if not aa:
        if shallow:
            _walk_count(x0, y0, x1, y1, w, h, False, w, sid, grid, stamp)
        else:
            _walk_count(y0, x0, y1, x1, h, w, True, w, sid, grid, stamp)
    elif shallow:
        _walk_aa(x0, y0, x1, y1, w, h, False, w, sid, grid, stamp, last)
    else:
        _walk_aa(y0, x0, y1, x1, h, w, True, w, sid, grid, stamp, last)


@njit(cache=True, nogil=True)
def rows_range(y, x, tr, grid, stamp, last, aa, s0, s1):
    """Series (rows of ``y``) s0:s1 into ``grid``; ``x`` is (1, M) shared or (N, M)."""
    h, w = tr[4], tr[5]
    m = y.shape[1]
    shared = x.shape[0] == 1
    for s in range(s0, s1):
        xs = x[0 if shared else s]
        ys = y[s]
        px = (np.float64(xs[0]) - tr[0]) * tr[1]
        py = (np.float64(ys[0]) - tr[2]) * tr[3]
        for j in range(1, m):
            qx = (np.float64(xs[j]) - tr[0]) * tr[1]
            qy = (np.float64(ys[j]) - tr[2]) * tr[3]
            _segment(px, py, qx, qy, int(w), int(h), s, grid, stamp, last, aa)
            px = qx
            py = qy


@njit(cache=True, nogil=True)
def runs_range(y, x, starts, tr, grid, stamp, last, aa, s0, s1):
    """Series s0:s1 of one column cut at ``starts`` into ``grid``."""
    h, w = tr[4], tr[5]
    n = len(y)
    for s in range(s0, s1):
        first = starts[s]
        end = starts[s + 1] if s + 1 < len(starts) else n
        if end - first < 2:
            continue
        px = (np.float64(x[first]) - tr[0]) * tr[1]
        py = (np.float64(y[first]) - tr[2]) * tr[3]
        for j in range(first + 1, end):
            qx = (np.float64(x[j]) - tr[0]) * tr[1]
            qy = (np.float64(y[j]) - tr[2]) * tr[3]
            _segment(px, py, qx, qy, int(w), int(h), s, grid, stamp, last, aa)
            px = qx
            py = qy


def numba_lines(y, x, starts, width, height, xr, yr, antialias) -> np.ndarray:
    """The grid of ``aggregate_lines``, compiled, chunks of series shared out to threads."""
    y = np.asarray(y)
    x = np.asarray(x)
    n_series = y.shape[0] if starts is None else len(starts)
    tr = np.array(
        [
            xr[0],
            width / (xr[1] - xr[0]),
            yr[0],
            height / (yr[1] - yr[0]),
            height,
            width,
        ]
    )
    size = width * height
    nb = max(1, min(numba.get_num_threads(), n_series // 64))
    # 32-bit counts and series stamps while the series fit: half the memory traffic
    itype = count_dtype(n_series)
    grids = np.zeros((nb, size), np.float64 if antialias else itype)
    stamps = np.full((nb, size), -1, itype)
    lasts = np.zeros((nb, size if antialias else 1))
    if starts is None:
        x2 = x if x.ndim == 2 else x[None, :]

        def one(t, s0, s1):
            rows_range(y, x2, tr, grids[t], stamps[t], lasts[t], antialias, s0, s1)
    else:

        def one(t, s0, s1):
            runs_range(y, x, starts, tr, grids[t], stamps[t], lasts[t], antialias, s0, s1)

    _spread(one, n_series, nb, least=16)
    out = grids.sum(axis=0, dtype=np.float64 if antialias else itype)
    return out.reshape(height, width)
