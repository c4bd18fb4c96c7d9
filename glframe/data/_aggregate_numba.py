"""The compiled aggregation kernels (numba): one pass over the data, all cores.

Each reduction has a ``*_range`` kernel that reduces points ``lo:hi`` into grids of
its own; ``_spread`` runs it on as many Python threads as numba's thread count (the
kernels release the GIL), each taking chunks of points from a shared queue into its
own grids, merged afterwards with numpy (a few grids, not the data). Points are
binned a block at a time into an index buffer by branch-free (vectorized)
code: the bin is one multiply-add, trusted unless it falls within rounding distance
of an edge, where it is nudged against the float64 edges, so that it is
``numpy.histogram2d``'s bin exactly; then the buffer is scattered into the grid. No
temporary the size of the data is made. float32 coordinates are binned in float32
arithmetic (twice the vector lanes; its own error margin, ``_p32``), other dtypes
are widened to float64 one value at a time.

Compiled code is cached on disk (``cache=True``), so only the first process on a
machine pays the compilation (seconds per reduction and dtype). Plain threads, not
``prange``, so two aggregations may run at once (numba's default threading layer,
workqueue, must not run two parallel kernels at once).
"""

from __future__ import annotations

import threading

import numba
import numpy as np
from numba import njit

from ._aggregate import Spec, count_dtype, merge_all

CHUNK = 65536  # the fewest points a thread takes at once
# points binned at once into an index buffer (32 KB: L1d here). One thread, 10M float32
# points, CPU: count 17.1 -> 13.9 ms, mean 28.0 -> 21.4, count_cat 45.6 -> 39.9 from 512
# (4096: 14.2, 23.2, 40.8; 16384: 13.7, 21.7, 40.6)
BLOCK = 8192
NEAR = -2  # index buffer code: in range, but too near a bin edge for the fast path
OUT = -1  # index buffer code: outside the ranges, or a NaN coordinate


@njit(inline="always")
def _exact_bin(f, edges, n, scale):
    """histogram2d's bin of an in-range ``f``: the multiply-add, nudged against the edges."""
    i = int((f - edges[0]) * scale)
    i = min(max(i, 0), n - 1)
    while i > 0 and f < edges[i]:
        i -= 1
    while i < n - 1 and f >= edges[i + 1]:
        i += 1
    return i


@njit(inline="always")
def _code(fx, fy, ok, x0, x1, y0, y1, sx, sy, w, h, ex, ey):
    """The index buffer code of one point (``ok``: its value is not NaN)."""
    inside = (fx >= x0) & (fx <= x1) & (fy >= y0) & (fy <= y1) & ok
    px = min(max((fx - x0) * sx, 0.0), w - 0.5)
    py = min(max((fy - y0) * sy, 0.0), h - 0.5)
    ix = np.int32(px)
    iy = np.int32(py)
    rx = px - ix
    ry = py - iy
    clear = (rx >= ex) & (rx <= 1.0 - ex) & (ry >= ey) & (ry <= 1.0 - ey)
    cell = iy * np.int32(w) + ix
    return cell if (inside & clear) else (np.int32(NEAR) if inside else np.int32(OUT))


@njit(nogil=True)
def _bin_block32(x, y, v, start, m, idx, w, h, p):
    """``_bin_block`` in float32 arithmetic, for float32 coordinates (``p``: see ``_p32``).

    Twice the lanes of float64 per vector. ``inside`` compares with the float32
    bounds that say exactly what the float64 ranges say of a float32 value; the
    multiply-add's error is bounded by ``p``'s eps (see ``_p32``).
    """
    xlo, xhi, ylo, yhi, x0, y0, sx, sy, wmax, hmax, exlo, exhi, eylo, eyhi, zero = (
        p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12],
        p[13], p[14],
    )  # fmt: skip
    wi = np.int32(w)
    # slices indexed from 0: numba then drops its negative-index wraparound, so LLVM
    # loads vectors instead of gathering one lane at a time
    xs = x[start : start + m]
    ys = y[start : start + m]
    vs = None if v is None else v[start : start + m]
    for k in range(m):
        fx = xs[k]
        fy = ys[k]
        ok = True if vs is None else vs[k] == vs[k]
        inside = (fx >= xlo) & (fx <= xhi) & (fy >= ylo) & (fy <= yhi) & ok
        px = min(max((fx - x0) * sx, zero), wmax)
        py = min(max((fy - y0) * sy, zero), hmax)
        ix = np.int32(px)
        iy = np.int32(py)
        rx = px - np.float32(ix)
        ry = py - np.float32(iy)
        clear = (rx >= exlo) & (rx <= exhi) & (ry >= eylo) & (ry <= eyhi)
        cell = iy * wi + ix
        idx[k] = cell if (inside & clear) else (np.int32(NEAR) if inside else np.int32(OUT))


@njit(nogil=True)
def _bin_block(x, y, v, start, m, idx, xe, ye, eps, p32=None):
    """``_bin_block64``, or ``_bin_block32`` when ``p32`` is given (float32 coordinates)."""
    if p32 is not None:
        _bin_block32(x, y, v, start, m, idx, len(xe) - 1, len(ye) - 1, p32)
    else:
        _bin_block64(x, y, v, start, m, idx, xe, ye, eps)


@njit(nogil=True)
def _bin_block64(x, y, v, start, m, idx, xe, ye, eps):
    """Flat cell of points start:start+m into ``idx`` (or OUT, or NEAR).

    Written without branches so that LLVM vectorizes it: the bin is the multiply-add,
    trusted when the fraction is farther than ``eps`` from both ends (``eps`` bounds
    the rounding of the multiply-add, see ``_eps``); other points are NEAR and binned
    by ``_exact_bin``. With values ``v``, a point whose value is NaN is OUT: the
    scatter loops then test one code, not the code and the value.
    """
    w = len(xe) - 1
    h = len(ye) - 1
    x0 = xe[0]
    x1 = xe[w]
    y0 = ye[0]
    y1 = ye[h]
    sx = w / (x1 - x0)
    sy = h / (y1 - y0)
    ex = eps[0]
    ey = eps[1]
    xs = x[start : start + m]  # indexed from 0: see _bin_block32
    ys = y[start : start + m]
    if v is None:
        for k in range(m):
            fx = np.float64(xs[k])
            fy = np.float64(ys[k])
            idx[k] = _code(fx, fy, True, x0, x1, y0, y1, sx, sy, w, h, ex, ey)
    else:
        vs = v[start : start + m]
        for k in range(m):
            fx = np.float64(xs[k])
            fy = np.float64(ys[k])
            ok = vs[k] == vs[k]
            idx[k] = _code(fx, fy, ok, x0, x1, y0, y1, sx, sy, w, h, ex, ey)


@njit(inline="always")
def _near_cell(x, y, i, xe, ye):
    """The flat cell of point ``i``, in range but near an edge (code NEAR): binned exactly."""
    w = len(xe) - 1
    h = len(ye) - 1
    ix = _exact_bin(np.float64(x[i]), xe, w, w / (xe[w] - xe[0]))
    iy = _exact_bin(np.float64(y[i]), ye, h, h / (ye[h] - ye[0]))
    return iy * w + ix


# The count and sum scatter loops repeat the update in two branches, ``code >= 0``
# (the common case) and ``code == NEAR``, written out rather than through an inlined
# helper, one loop per variant (categories or not, counts or not): measured on 10M
# points, one thread, a merged form (the cell first, then one update) ran count 2.4x
# slower, and the helper form ran sum and mean 1.8x slower. The min/max and std loops
# find the cell first, then update once (1.3-1.5x faster than through helpers; the
# duplicated form was not measured for them).


@njit(cache=True, nogil=True)
def count_range(x, y, cats, ncat, xe, ye, eps, low, spill, carried, lo, hi, p32):
    """Count points lo:hi into ``spill * 65536 + low`` (flat; ``h*w*ncat`` with categories).

    The counts' low 16 bits are a uint16 grid, carries into an int32 grid touched
    once per 65536 points in a cell: the grid the scatter hits is half as large
    (800x600 counts: 0.9 MiB, in a core's L2 cache where int32's 1.8 MiB is not),
    and the carry grid's pages stay unmapped where nothing carries. ``carried[0]``
    is set to 1 at a carry.
    """
    # each increment written out, with its own names: the low 16 bits in int64
    # arithmetic (numba compares a uint16 with an int through float64: 25x slower),
    # and not through an inlined helper (inlined twice into one loop, numba unified
    # the two copies' variables: 14x slower)
    idx = np.empty(BLOCK, np.int32)
    for b in range(lo, hi, BLOCK):
        m = min(BLOCK, hi - b)
        _bin_block(x, y, None, b, m, idx, xe, ye, eps, p32)
        if cats is None:
            for k in range(m):
                cell = idx[k]
                if cell >= 0:
                    v = (low[cell] + 1) & 0xFFFF
                    low[cell] = v
                    if v == 0:
                        spill[cell] += 1
                        carried[0] = 1
                elif cell == NEAR:
                    i = _near_cell(x, y, b + k, xe, ye)
                    u = (low[i] + 1) & 0xFFFF
                    low[i] = u
                    if u == 0:
                        spill[i] += 1
                        carried[0] = 1
        else:
            cb = cats[b : b + m]
            for k in range(m):
                c = cb[k]
                if c < 0 or c >= ncat:
                    continue
                cell = idx[k]
                if cell >= 0:
                    j = cell * ncat + c
                    v = (low[j] + 1) & 0xFFFF
                    low[j] = v
                    if v == 0:
                        spill[j] += 1
                        carried[0] = 1
                elif cell == NEAR:
                    i = _near_cell(x, y, b + k, xe, ye) * ncat + c
                    u = (low[i] + 1) & 0xFFFF
                    low[i] = u
                    if u == 0:
                        spill[i] += 1
                        carried[0] = 1


@njit(cache=True, nogil=True)
def add_split_counts(total, low, spill, carried):
    """``total += spill * 65536 + low``; ``spill`` is read only when ``carried``."""
    for i in range(total.size):
        total[i] += low[i]
    if carried:
        for i in np.flatnonzero(spill):
            total[i] += spill[i] << 16


@njit(cache=True, nogil=True)
def sum_range(x, y, v, xe, ye, eps, count, total, lo, hi, p32):
    """Sum values (and count them when ``count`` is given) of points lo:hi."""
    idx = np.empty(BLOCK, np.int32)
    for b in range(lo, hi, BLOCK):
        m = min(BLOCK, hi - b)
        _bin_block(x, y, v, b, m, idx, xe, ye, eps, p32)
        vb = v[b : b + m]  # indexed from 0: no negative-index wraparound
        if count is None:
            for k in range(m):
                cell = idx[k]
                if cell >= 0:
                    total[cell] += vb[k]
                elif cell == NEAR:
                    total[_near_cell(x, y, b + k, xe, ye)] += vb[k]
        else:
            for k in range(m):
                cell = idx[k]
                if cell >= 0:
                    total[cell] += vb[k]
                    count[cell] += 1
                elif cell == NEAR:
                    cell = _near_cell(x, y, b + k, xe, ye)
                    total[cell] += vb[k]
                    count[cell] += 1


@njit(cache=True, nogil=True)
def minmax_range(x, y, v, xe, ye, eps, grid, is_max, lo, hi, p32):
    """Min (or max) of values of points lo:hi into ``grid`` (NaN where none yet)."""
    idx = np.empty(BLOCK, np.int32)
    for b in range(lo, hi, BLOCK):
        m = min(BLOCK, hi - b)
        _bin_block(x, y, v, b, m, idx, xe, ye, eps, p32)
        vb = v[b : b + m]  # indexed from 0: no negative-index wraparound
        for k in range(m):
            cell = idx[k]
            if cell < 0:
                if cell != NEAR:
                    continue
                cell = _near_cell(x, y, b + k, xe, ye)
            val = np.float64(vb[k])
            cur = grid[cell]
            if cur != cur or (val > cur if is_max else val < cur):
                grid[cell] = val


@njit(cache=True, nogil=True)
def std_range(x, y, v, xe, ye, eps, count, mean, m2, lo, hi, p32):
    """Welford's running mean and sum of squared deviations of points lo:hi."""
    idx = np.empty(BLOCK, np.int32)
    for b in range(lo, hi, BLOCK):
        m = min(BLOCK, hi - b)
        _bin_block(x, y, v, b, m, idx, xe, ye, eps, p32)
        vb = v[b : b + m]  # indexed from 0: no negative-index wraparound
        for k in range(m):
            cell = idx[k]
            if cell < 0:
                if cell != NEAR:
                    continue
                cell = _near_cell(x, y, b + k, xe, ye)
            val = np.float64(vb[k])
            nn = count[cell] + 1
            count[cell] = nn
            d = val - mean[cell]
            mean[cell] += d / nn
            m2[cell] += d * (val - mean[cell])


def _eps(edges: np.ndarray) -> float:
    """How near a bin edge the multiply-add's fraction may be and still be trusted.

    The pixel coordinate ``(f - lo) * scale`` and the linspace edges are each off by
    a few units in the last place of the largest coordinate (times ``scale``) and of
    the bin count; 16 of each is a wide margin. When that is not small (a range tiny
    next to its magnitude) every point takes the exact path.
    """
    n = len(edges) - 1
    top = max(abs(edges[0]), abs(edges[-1]))
    scale = n / (edges[-1] - edges[0])
    eps = 16.0 * (float(np.spacing(top)) * scale + float(np.spacing(float(n))))
    return eps if eps < 1e-3 else 0.75  # 0.75: no fraction is ever clear


F32 = np.float32


def _p32(x, y, xe, ye):
    """The float32 binning's parameters, or None where float64 must bin (see below).

    Only for float32 x and y. ``inside`` compares with the least float32 ``>= lo``
    and the greatest ``<= hi``: for a float32 value that is exactly the float64
    test. The pixel coordinate ``(f - x0) * sx`` in float32 is off the exact one by
    at most ``1.6 ulp32(top) * sx + 1.5 ulp32(n)`` (``x0`` and ``sx`` rounded to
    float32, the subtraction and the product rounded); a fraction within 8 of those
    of an edge is not trusted (NEAR: binned exactly, in float64). The tests'
    points within 4 ulps of every edge still bin right with half that bound, not
    with a quarter. Where the margin is not small (a range tiny next to its
    magnitude), None.
    """
    if x.dtype != np.float32 or y.dtype != np.float32:
        return None
    p = []
    eps = []
    for e in (xe, ye):
        n = len(e) - 1
        lo, hi = float(e[0]), float(e[-1])
        # the least float32 >= lo and the greatest <= hi
        lo32 = F32(lo)
        if float(lo32) < lo:
            lo32 = np.nextafter(lo32, F32(np.inf))
        hi32 = F32(hi)
        if float(hi32) > hi:
            hi32 = np.nextafter(hi32, F32(-np.inf))
        scale = n / (hi - lo)
        top = max(abs(lo), abs(hi))
        err = 1.6 * float(np.spacing(F32(top))) * scale + 1.5 * float(np.spacing(F32(n)))
        eps.append(8.0 * err)
        p.append((lo32, hi32, F32(lo), F32(scale), F32(n - 0.5)))
    if max(eps) >= 1e-2:
        return None
    (xlo, xhi, x0, sx, wmax), (ylo, yhi, y0, sy, hmax) = p
    ex, ey = eps
    return np.array(
        [xlo, xhi, ylo, yhi, x0, y0, sx, sy, wmax, hmax, ex, 1.0 - ex, ey, 1.0 - ey, 0.0], F32
    )


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
    nb = max(1, min(numba.get_num_threads(), n // CHUNK)) if parallel else 1
    return _run(spec, x, y, v, c, n, nb)


def _spread(one, n: int, nb: int, least: int = CHUNK) -> None:
    """Call ``one(t, lo, hi)`` over chunks of ``0:n`` (at least ``least`` long) on ``nb`` threads.

    The threads take chunks from a shared queue rather than one fixed block each:
    on a busy machine a fixed split waits for its slowest thread (measured on this
    project's shared 2-core machine: 100M points counted in 0.39 s split in two
    fixed halves, 0.24 s as the 4 partitions of a Dask DataFrame). The kernels
    release the GIL (``nogil``), so Python threads run them at once; thread ``t``
    reduces into its own grids. Sums are then added in an order that depends on the
    timing: float sums, means and stds may differ between calls in the last bits.
    """
    if nb == 1:
        one(0, 0, n)
        return
    size = max(least, -(-n // (nb * 8)))
    starts = iter(range(0, n, size))
    take = threading.Lock()

    def worker(t):
        while True:
            with take:
                lo = next(starts, None)
            if lo is None:
                return
            one(t, lo, min(n, lo + size))

    threads = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(1, nb)]
    for th in threads:
        th.start()
    try:
        worker(0)
    finally:
        for th in threads:
            th.join()


def _run(spec, x, y, v, c, n, nb) -> tuple:
    xe, ye = spec.x_edges, spec.y_edges
    eps = np.array([_eps(xe), _eps(ye)])
    p32 = _p32(x, y, xe, ye)
    h, w = spec.height, spec.width
    size = h * w
    agg = spec.agg
    # a thread may take every chunk: its counts are bounded by n
    itype = count_dtype(n)
    if agg in ("count", "any", "count_cat"):
        ncat = spec.n_categories if agg == "count_cat" else 0
        if v is not None:
            # values= with a count: points with a NaN value are skipped, as by every
            # reduction; a rare call, left to the numpy kernel to keep the kernels few
            from ._aggregate_numpy import numpy_state

            return numpy_state(spec, x, y, v, c)
        # per thread: the counts' low 16 bits and an int32 carry grid (see count_range),
        # added into the result after (count_cat 10M points, 10 categories, 2 threads:
        # working memory 37 MiB, the data being 86)
        cells = size * max(ncat, 1)
        lows = np.zeros((nb, cells), np.uint16)
        spills = np.zeros((nb, cells), itype)  # calloc: pages mapped only where written
        carried = np.zeros((nb, 1), np.uint8)  # whether a thread carried: else its
        # carry grid is not read (a flag stored, not a counter: a counter carried
        # through the loop made count_cat 100M 1.35x slower)
        _spread(
            lambda t, lo, hi: count_range(
                x, y, c, ncat, xe, ye, eps, lows[t], spills[t], carried[t], lo, hi, p32
            ),
            n,
            nb,
        )
        total = np.zeros(cells, itype)
        for t in range(nb):
            add_split_counts(total, lows[t], spills[t], carried[t, 0])
        del lows, spills
        return (total.reshape((h, w, ncat) if ncat else (h, w)),)
    if agg in ("sum", "mean"):
        totals = np.zeros((nb, size))
        counts = np.zeros((nb, size), itype) if agg == "mean" else None

        def one(t, lo, hi):
            cnt = None if counts is None else counts[t]
            sum_range(x, y, v, xe, ye, eps, cnt, totals[t], lo, hi, p32)

        _spread(one, n, nb)
        total = totals.sum(axis=0).reshape(h, w)
        if counts is None:
            return (total,)
        return (counts.sum(axis=0, dtype=np.int64).reshape(h, w), total)
    if agg in ("min", "max"):
        grids = np.full((nb, size), np.nan)
        is_max = agg == "max"
        _spread(
            lambda t, lo, hi: minmax_range(x, y, v, xe, ye, eps, grids[t], is_max, lo, hi, p32),
            n,
            nb,
        )
        reduce = np.fmax if is_max else np.fmin
        return (reduce.reduce(grids, axis=0).reshape(h, w),)
    counts = np.zeros((nb, size), np.int64)
    means = np.zeros((nb, size))
    m2s = np.zeros((nb, size))

    def one(t, lo, hi):
        std_range(x, y, v, xe, ye, eps, counts[t], means[t], m2s[t], lo, hi, p32)

    _spread(one, n, nb)
    parts = [
        (counts[t].reshape(h, w), means[t].reshape(h, w), m2s[t].reshape(h, w)) for t in range(nb)
    ]
    return merge_all(spec, parts)
