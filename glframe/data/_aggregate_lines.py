"""``aggregate_lines``: many polylines (time series) rasterized into one count grid.

A series touches a pixel when its polyline passes through the pixel's square; each
series adds at most 1 to a pixel however many of its segments cross it (so a grid
of 100k series reads "how many series pass here"). Coordinates map linearly to
pixel units, ``px = (x - x_lo) * width / (x_hi - x_lo)``; pixel ``(row, col)`` is
the half-open square ``[col, col + 1) x [row, row + 1)``, the last column and row
closed at the upper edge, as for points. A NaN breaks a series (the segments on
either side of it are skipped).

With ``antialias=True`` a series adds ``max(0, 1 - d)`` to a pixel, ``d`` the
distance in pixels from the pixel's centre to the nearest of its segments: a
float grid in which one series still adds at most 1 per pixel.

The numpy code here walks the segments column by column (rows for steep ones) in
batches of series; ``_aggregate_numba`` does the same walk compiled.
"""

from __future__ import annotations

import numpy as np

from ._aggregate import check_range, check_size, count_dtype

BATCH_SEGMENTS = 1 << 20


def _as_float(a, name: str) -> np.ndarray:
    if not hasattr(a, "dtype"):
        a = np.asarray(a)
    if np.dtype(a.dtype).kind not in "iuf":
        raise TypeError(
            f"aggregate_lines: {name} must hold numbers, got dtype {a.dtype}; convert it, "
            f"e.g. {name}.astype('float32')"
        )
    return a


def prepare_lines(y, x, series):
    """Check the shapes; ``(y2d, x, starts)``: series as rows, or one column cut at ``starts``.

    Returns ``y`` as ``(N, M)`` with ``x`` as ``(M,)`` or ``(N, M)`` and ``starts=None``, or
    1-D ``y`` and ``x`` of one length with ``starts``, the first index of each series.
    """
    y = _as_float(y, "y")
    if series is not None:
        series = np.asarray(series)
        if y.ndim != 1 or series.shape != y.shape:
            raise ValueError(
                "aggregate_lines: with series=, y and series must be 1-D of one length, got "
                f"y {tuple(y.shape)} and series {tuple(series.shape)}"
            )
        if x is None:
            raise ValueError("aggregate_lines: with series=, pass x= as well (1-D, like y)")
        x = _as_float(x, "x")
        if x.shape != y.shape:
            raise ValueError(
                f"aggregate_lines: x must have y's shape {tuple(y.shape)}, got {tuple(x.shape)}"
            )
        change = np.flatnonzero(series[1:] != series[:-1]) + 1
        starts = np.concatenate([[0], change]) if len(y) else np.zeros(0, np.int64)
        ids = series[starts]
        if len(np.unique(ids)) != len(ids):
            raise ValueError(
                "aggregate_lines: each series id must form one contiguous run (an id "
                "reappears after another one); sort the rows by series first (a stable sort "
                "keeps each series' order)"
            )
        return y, x, starts.astype(np.int64)
    if y.ndim == 1:
        y = y[None, :]
    if y.ndim != 2:
        raise ValueError(
            f"aggregate_lines: y must be (N, M) (N series of M points) or 1-D, got shape "
            f"{tuple(y.shape)}"
        )
    m = y.shape[1]
    if x is None:
        x = np.arange(m, dtype=np.float64)
    x = _as_float(x, "x")
    if x.ndim == 2 and x.shape[0] == 1 and y.shape[0] != 1:
        x = x[0]
    if not (x.shape == (m,) or x.shape == tuple(y.shape)):
        raise ValueError(
            f"aggregate_lines: x must be (M,) = ({m},) shared by all series or y's shape "
            f"{tuple(y.shape)}, got {tuple(x.shape)}"
        )
    return y, x, None


def aggregate_lines(
    y,
    x=None,
    *,
    width,
    height,
    x_range,
    y_range,
    antialias=False,
    series=None,
) -> np.ndarray:
    """Rasterize many polylines into a ``(height, width)`` grid; each series counts once.

    ``y``: an ``(N, M)`` array, N series of M points, with ``x`` of shape ``(M,)``
    (shared), ``(N, M)``, or ``None`` (``0 .. M-1``); or one column ``y`` with ``x``
    of its length and ``series``, an id per point, each series one contiguous run.
    Returns int32 counts of the series passing through each pixel, or with
    ``antialias=True`` float64 coverage in which each series adds at most 1 per
    pixel. Row 0 is at ``y_range[0]``. See the module docstring for the exact rule.
    """
    width = check_size(width, "width")
    height = check_size(height, "height")
    xr = check_range(x_range, "x_range")
    yr = check_range(y_range, "y_range")
    y, x, starts = prepare_lines(y, x, series)
    from ._aggregate_kernels import lines_grid

    return lines_grid(y, x, starts, width, height, xr, yr, bool(antialias))


# -- numpy fallback --------------------------------------------------------------------------


def _segments(y, x, starts, lo, hi):
    """Endpoints and series of the segments of series ``lo:hi`` (float64, NaNs dropped)."""
    if starts is None:
        ys = np.asarray(y[lo:hi], dtype=np.float64)
        xs = np.asarray(x[lo:hi] if x.ndim == 2 else x, dtype=np.float64)
        xs = np.broadcast_to(xs, ys.shape)
        sid = np.broadcast_to(np.arange(lo, hi)[:, None], (hi - lo, ys.shape[1] - 1))
        seg = (xs[:, :-1], ys[:, :-1], xs[:, 1:], ys[:, 1:], sid)
        seg = tuple(np.ascontiguousarray(a).ravel() for a in seg)
    else:
        first = starts[lo]
        last = starts[hi] if hi < len(starts) else len(y)
        ys = np.asarray(y[first:last], dtype=np.float64)
        xs = np.asarray(x[first:last], dtype=np.float64)
        sid = np.repeat(np.arange(lo, hi), np.diff(np.append(starts[lo:hi], last)))
        same = sid[:-1] == sid[1:]
        seg = (xs[:-1][same], ys[:-1][same], xs[1:][same], ys[1:][same], sid[:-1][same])
    keep = np.isfinite(seg[0]) & np.isfinite(seg[1]) & np.isfinite(seg[2]) & np.isfinite(seg[3])
    return tuple(a[keep] for a in seg)


def _walk(a0, b0, a1, b1, na, nb, aa):
    """Cells along axis a (major) for segments with |db| <= |da|: (a, b, weight, segment)."""
    amin, amax = np.minimum(a0, a1), np.maximum(a0, a1)
    pad_lo, pad_hi = (1.5, 0.5) if aa else (0.0, 0.0)
    c0 = np.clip(np.floor(amin - pad_lo), 0, na - 1).astype(np.int64)
    c1 = np.clip(np.floor(amax + pad_hi), 0, na - 1).astype(np.int64)
    inside = (amax >= (-1.0 if aa else 0.0)) & (amin <= (na + 1.0 if aa else na))
    k = np.where(inside, c1 - c0 + 1, 0)
    seg = np.repeat(np.arange(len(a0)), k)
    col = c0[seg] + (np.arange(len(seg)) - np.repeat(np.cumsum(k) - k, k))
    da = a1 - a0
    slope = np.divide(b1 - b0, da, out=np.zeros_like(da), where=da != 0)
    # the part of the segment over the column's span (widened by 0.5 each side with aa)
    lo = np.maximum(col - (0.5 if aa else 0.0), amin[seg])
    hi = np.minimum(col + (1.5 if aa else 1.0), amax[seg])
    ok = lo <= hi
    bl = b0[seg] + (lo - a0[seg]) * slope[seg]
    bh = b0[seg] + (hi - a0[seg]) * slope[seg]
    blo, bhi = np.minimum(bl, bh), np.maximum(bl, bh)
    if not aa:
        ok &= (bhi >= 0) & (blo <= nb)
        r0 = np.clip(np.floor(blo), 0, nb - 1).astype(np.int64)
        r1 = np.clip(np.floor(bhi), 0, nb - 1).astype(np.int64)
        n_rows = 2  # a unit span of a shallow segment crosses at most two rows
        out = []
        for d in range(n_rows):
            r = r0 + d
            keep = ok & (r <= r1)
            out.append((col[keep], r[keep], seg[keep]))
        a, b, s = (np.concatenate(v) for v in zip(*out))
        return a, b, np.ones(len(a)), s
    r0 = np.floor(blo - 1.5).astype(np.int64)
    out = []
    for d in range(6):
        r = r0 + d
        keep = ok & (r >= 0) & (r < nb)
        c, rr, s = col[keep], r[keep], seg[keep]
        w = 1.0 - _distance(c + 0.5, rr + 0.5, a0[s], b0[s], a1[s], b1[s])
        keep = w > 0
        out.append((c[keep], rr[keep], w[keep], s[keep]))
    return tuple(np.concatenate(v) for v in zip(*out))


def _distance(pa, pb, a0, b0, a1, b1):
    """Distance from points (pa, pb) to segments (a0, b0)-(a1, b1)."""
    da, db = a1 - a0, b1 - b0
    ll = da * da + db * db
    t = np.divide((pa - a0) * da + (pb - b0) * db, ll, out=np.zeros_like(ll), where=ll > 0)
    t = np.clip(t, 0.0, 1.0)
    return np.hypot(pa - (a0 + t * da), pb - (b0 + t * db))


def numpy_lines(y, x, starts, width, height, xr, yr, antialias) -> np.ndarray:
    """The grid of ``aggregate_lines``, computed with numpy in batches of series."""
    n_series = y.shape[0] if starts is None else len(starts)
    per = max(1, y.shape[-1] if starts is None else len(y) // max(n_series, 1))
    batch = max(1, BATCH_SEGMENTS // per)
    sx = width / (xr[1] - xr[0])
    sy = height / (yr[1] - yr[0])
    grid = np.zeros(height * width, np.float64 if antialias else count_dtype(n_series))
    for lo in range(0, n_series, batch):
        hi = min(n_series, lo + batch)
        x0, y0, x1, y1, sid = _segments(y, x, starts, lo, hi)
        x0, x1 = (x0 - xr[0]) * sx, (x1 - xr[0]) * sx
        y0, y1 = (y0 - yr[0]) * sy, (y1 - yr[0]) * sy
        shallow = np.abs(y1 - y0) <= np.abs(x1 - x0)
        cols, rows, ws, segs = [], [], [], []
        for sel, swap in ((shallow, False), (~shallow, True)):
            a0, b0, a1, b1 = (x0, y0, x1, y1) if not swap else (y0, x0, y1, x1)
            na, nb = (width, height) if not swap else (height, width)
            a, b, w, s = _walk(a0[sel], b0[sel], a1[sel], b1[sel], na, nb, antialias)
            cols.append(b if swap else a)
            rows.append(a if swap else b)
            ws.append(w)
            segs.append(np.flatnonzero(sel)[s])
        cell = np.concatenate(rows) * width + np.concatenate(cols)
        w = np.concatenate(ws)
        series_of = sid[np.concatenate(segs)]
        key = series_of * (height * width) + cell
        if not antialias:
            grid += np.bincount(np.unique(key) % (height * width), minlength=height * width)
            continue
        # per (series, pixel): the largest weight of the series' segments there
        order = np.lexsort((-w, key))
        key, w = key[order], w[order]
        first = np.ones(len(key), bool)
        first[1:] = key[1:] != key[:-1]
        grid += np.bincount(key[first] % (height * width), w[first], minlength=height * width)
    return grid.reshape(height, width)
