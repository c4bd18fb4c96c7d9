"""glframe.data.aggregate, aggregate_lines and Points: exact grids, every source, Dask.

References are independent of the kernels: ``numpy.histogram2d`` for counts and
sums, a cell-by-cell brute force for min/max/std, a segment/square intersection
and point/segment distance rasterizer for lines. Both kernels (numba and the numpy
fallback) are checked; Dask arrays and DataFrames with several partitions, and a
``dask.distributed`` LocalCluster, must give the in-memory grid.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import glframe.data as gd
from glframe.data import _aggregate_kernels

W, H = 16, 12
XR, YR = (-2.0, 2.0), (-1.5, 1.5)
GRID = dict(width=W, height=H, x_range=XR, y_range=YR)


def make_points(n=4000, seed=0, dtype=np.float64):
    """Random points with NaNs, points exactly on every bin edge and on the upper edges."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.5, 2.5, n)
    y = rng.uniform(-2.0, 2.0, n)
    xe = np.linspace(*XR, W + 1)
    ye = np.linspace(*YR, H + 1)
    x[: W + 1] = xe  # every x edge, the upper one included
    y[: W + 1] = rng.choice(ye, W + 1)
    y[W + 1 : W + 1 + H + 1] = ye
    x[W + 1 : W + 1 + H + 1] = rng.choice(xe, H + 1)
    x[(x >= 1.5) & (x < 1.75) & (y >= 1.0) & (y < 1.25)] = 3.0  # cell (10, 14) empty
    x[50:60] = np.nan
    y[55:65] = np.nan
    v = np.round(rng.normal(0, 10, n))  # integer values: sums are exact in any order
    v[70:80] = np.nan
    cats = rng.integers(-1, 4, n)  # -1: missing (skipped)
    return x.astype(dtype), y.astype(dtype), v, cats


def cells(x, y):
    """Brute force: for each cell, the mask of its points (histogram2d's half-open bins)."""
    xe = np.linspace(*XR, W + 1)
    ye = np.linspace(*YR, H + 1)
    out = {}
    for r in range(H):
        iny = (y >= ye[r]) & ((y < ye[r + 1]) if r < H - 1 else (y <= ye[r + 1]))
        for c in range(W):
            inx = (x >= xe[c]) & ((x < xe[c + 1]) if c < W - 1 else (x <= xe[c + 1]))
            out[r, c] = inx & iny
    return out


def hist(x, y, weights=None):
    return np.histogram2d(y, x, bins=(H, W), range=(YR, XR), weights=weights)[0]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_count_sum_mean_equal_histogram2d(kernel, dtype):
    x, y, v, _ = make_points(dtype=dtype)
    count = gd.aggregate(x, y, **GRID)
    assert count.dtype == np.int32 and count.shape == (H, W)
    assert np.array_equal(count, hist(x, y))
    assert count.sum() > 0 and count[-1, -1] > 0  # the upper edges are in the last bins
    ok = ~np.isnan(v)
    total = gd.aggregate(x, y, agg="sum", values=v, **GRID)
    assert np.array_equal(total, hist(x[ok], y[ok], v[ok]))
    n = hist(x[ok], y[ok])
    mean = gd.aggregate(x, y, agg="mean", values=v, **GRID)
    expect = np.where(n > 0, hist(x[ok], y[ok], v[ok]) / np.maximum(n, 1), np.nan)
    assert np.array_equal(mean, expect, equal_nan=True)
    assert np.isnan(mean[10, 14]) and total[10, 14] == 0  # empty: NaN for mean, 0 for sum
    anyg = gd.aggregate(x, y, agg="any", **GRID)
    assert anyg.dtype == bool and np.array_equal(anyg, hist(x, y) > 0)


def test_min_max_std_equal_brute_force(kernel):
    x, y, v, _ = make_points(n=1500)
    mins = gd.aggregate(x, y, agg="min", values=v, **GRID)
    maxs = gd.aggregate(x, y, agg="max", values=v, **GRID)
    stds = gd.aggregate(x, y, agg="std", values=v + 1e6, **GRID)  # far from 0: stability
    for (r, c), mask in cells(x, y).items():
        vals = v[mask & ~np.isnan(v)]
        if len(vals) == 0:
            assert np.isnan(mins[r, c]) and np.isnan(maxs[r, c]) and np.isnan(stds[r, c])
            continue
        assert mins[r, c] == vals.min() and maxs[r, c] == vals.max()
        assert stds[r, c] == pytest.approx(np.std(vals), abs=1e-6)


def test_count_cat(kernel):
    x, y, _, cats = make_points()
    grid = gd.aggregate(x, y, agg="count_cat", categories=cats, n_categories=4, **GRID)
    assert grid.shape == (H, W, 4)
    for k in range(4):
        assert np.array_equal(grid[..., k], hist(x[cats == k], y[cats == k]))
    # n_categories defaults to the largest code + 1
    assert np.array_equal(gd.aggregate(x, y, agg="count_cat", categories=cats, **GRID), grid)


def test_counts_are_int32_and_widen_where_a_merge_could_overflow():
    from glframe.data._aggregate import COUNT_LIMIT, Spec, merge

    spec = Spec(2, 1, (0.0, 1.0), (0.0, 1.0), "count")
    a = np.array([[COUNT_LIMIT - 5, 3]], np.int32)
    kept = merge(spec, (a.copy(),), (np.array([[2, 1]], np.int32),))[0]
    assert kept.dtype == np.int32 and kept.tolist() == [[COUNT_LIMIT - 3, 4]]
    # 6 more would pass 2**31 - 1 in int32 (and wrap negative): the sum is int64
    wide = merge(spec, (a.copy(),), (np.array([[6, 1]], np.int32),))[0]
    assert wide.dtype == np.int64 and wide.tolist() == [[COUNT_LIMIT + 1, 4]]
    # an int64 chunk (more points than int32 holds) makes the merge int64
    assert merge(spec, (a.copy(),), (np.ones((1, 2), np.int64),))[0].dtype == np.int64


def test_counts_past_16_bits_in_one_cell(kernel):
    # the numba kernel keeps the low 16 bits and carries apart: 3 * 65536 + 5 points in
    # one cell (on several threads), and in one category of one cell
    n = 3 * 65536 + 5
    x = np.full(n, 0.25, np.float32)
    y = np.full(n, -0.5, np.float32)
    x[::1000] = 0.75  # a second cell
    grid = gd.aggregate(x, y, **GRID)
    assert grid.sum() == n and grid.max() == n - len(x[::1000])
    assert np.array_equal(grid, hist(x, y))
    cats = (np.arange(n) % 3 == 0).astype(np.int8)
    by_cat = gd.aggregate(x, y, agg="count_cat", categories=cats, n_categories=2, **GRID)
    for k in range(2):
        assert np.array_equal(by_cat[..., k], hist(x[cats == k], y[cats == k]))


def test_concurrent_aggregations_equal_one_at_a_time():
    """Threads share out chunks of points: two aggregations at once each see all theirs."""
    pytest.importorskip("numba")
    import threading

    rng = np.random.default_rng(8)
    n = 700_000  # 11 chunks of 65536 for each call's threads to share out
    x = rng.normal(0, 1, n).astype(np.float32)
    y = rng.normal(0, 1, n).astype(np.float32)
    v = rng.normal(5, 2, n)
    kw = dict(width=40, height=30, x_range=(-3, 3), y_range=(-3, 3))
    want = {
        "count": np.histogram2d(y, x, bins=(30, 40), range=((-3, 3), (-3, 3)))[0],
        "max": gd.aggregate(x, y, agg="max", values=v, **kw),
    }
    got = {}

    def run(agg):
        for _ in range(5):
            extra = {"values": v} if agg == "max" else {}
            got.setdefault(agg, []).append(gd.aggregate(x, y, agg=agg, **extra, **kw))

    threads = [threading.Thread(target=run, args=(agg,)) for agg in want]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for agg, grids in got.items():
        assert len(grids) == 5
        for g in grids:
            assert np.array_equal(g, want[agg], equal_nan=True), agg
    assert want["count"].sum() == got["count"][0].sum() > 0.9 * n


@pytest.mark.parametrize(
    "x_range, width",
    [((-4.0, 4.0), 800), ((0.0, 1e6), 1000), ((-1.7, 2.9), 333), ((1e-3, 2e-3), 97)],
)
def test_float32_binning_exact_near_every_edge(x_range, width):
    """float32 coordinates are binned in float32 arithmetic; within 4 ulps of every edge
    (and at the range's ends) the bins are still histogram2d's."""
    pytest.importorskip("numba")
    from glframe.data import _aggregate_numba

    y_range, height = (-3.0, 3.0), 7
    xe = np.linspace(*x_range, width + 1)
    ye = np.linspace(*y_range, height + 1)
    f32 = np.float32
    near = []
    for e in xe:
        v = f32(e)
        for _ in range(4):
            v = np.nextafter(v, f32(-np.inf))
        for _ in range(9):
            near.append(v)
            v = np.nextafter(v, f32(np.inf))
    x = np.array(near, f32)
    rng = np.random.default_rng(11)
    x = np.concatenate([x, rng.uniform(x_range[0], x_range[1], 200_000).astype(f32)])
    y = rng.uniform(-3.2, 3.2, len(x)).astype(f32)
    y[: len(near)] = np.repeat(ye, -(-len(near) // len(ye)))[: len(near)].astype(f32)
    assert _aggregate_numba._p32(x, y, xe, ye) is not None  # the float32 path is taken
    kw = dict(width=width, height=height, x_range=x_range, y_range=y_range)
    want = np.histogram2d(y, x, bins=(height, width), range=(y_range, x_range))[0]
    for par in (False, True):
        spec, cols = prepare_spec(x, y, kw)
        (got,) = _aggregate_numba.numba_state(spec, *cols, parallel=par)
        assert np.array_equal(got, want), (par, np.argwhere(got != want)[:5])


def prepare_spec(x, y, kw):
    """The Spec and columns of an ``aggregate`` call (to call a kernel directly)."""
    from glframe.data._aggregate import prepare

    return prepare(x, y, agg="count", values=None, categories=None, n_categories=None, **kw)


def test_parallel_kernels_equal_numpy(monkeypatch):
    """Past 2 x 65536 points the numba kernels split the work between threads."""
    pytest.importorskip("numba")
    rng = np.random.default_rng(3)
    n = 300_000
    x = rng.normal(0, 1, n).astype(np.float32)
    y = rng.normal(0, 1, n).astype(np.float32)
    v = rng.normal(5, 2, n)
    c = rng.integers(0, 3, n)
    kw = dict(width=40, height=30, x_range=(-3, 3), y_range=(-3, 3))
    for agg in ("count", "sum", "mean", "min", "max", "std", "count_cat"):
        args = dict(values=v, categories=c, agg=agg, **kw)
        if agg in ("count", "count_cat"):
            args.pop("values")
        monkeypatch.setattr(_aggregate_kernels, "USE_NUMBA", True)
        fast = gd.aggregate(x, y, **args)
        monkeypatch.setattr(_aggregate_kernels, "USE_NUMBA", False)
        slow = gd.aggregate(x, y, **args)
        if agg in ("count", "count_cat", "min", "max"):
            assert np.array_equal(fast, slow, equal_nan=True), agg
        else:
            np.testing.assert_allclose(fast, slow, rtol=1e-9, atol=1e-9, err_msg=agg)
    assert np.array_equal(fast.sum(-1), hist2(x, y, kw))


def hist2(x, y, kw):
    return np.histogram2d(
        y, x, bins=(kw["height"], kw["width"]), range=(kw["y_range"], kw["x_range"])
    )[0]


def test_integer_and_memmap_input(kernel, tmp_path):
    rng = np.random.default_rng(1)
    xi = rng.integers(-3, 4, 500).astype(np.int16)
    yi = rng.integers(-2, 3, 500).astype(np.int32)
    assert np.array_equal(gd.aggregate(xi, yi, **GRID), hist(xi, yi))
    x, y, _, _ = make_points(dtype=np.float32)
    mm = np.lib.format.open_memmap(tmp_path / "xy.npy", "w+", np.float32, (2, len(x)))
    mm[0], mm[1] = x, y
    mm.flush()
    ro = np.load(tmp_path / "xy.npy", mmap_mode="r")
    assert np.array_equal(gd.aggregate(ro[0], ro[1], **GRID), hist(x, y))


def test_dask_arrays_equal_in_memory(kernel):
    da = pytest.importorskip("dask.array")
    x, y, v, cats = make_points()
    dx, dy = da.from_array(x, chunks=700), da.from_array(y, chunks=700)
    assert dx.numblocks[0] > 4
    for agg in ("count", "sum", "mean", "min", "max", "std"):
        values = None if agg == "count" else v
        dv = None if values is None else da.from_array(v, chunks=900)  # other chunks
        got = gd.aggregate(dx, dy, agg=agg, values=dv, **GRID)
        want = gd.aggregate(x, y, agg=agg, values=values, **GRID)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-9, err_msg=agg)
    got = gd.aggregate(dx, y, agg="count_cat", categories=cats, n_categories=4, **GRID)
    assert np.array_equal(got, gd.aggregate(x, y, agg="count_cat", categories=cats, **GRID))


# -- sources ---------------------------------------------------------------------------------


def frame_columns(n=3000, seed=2):
    x, y, v, cats = make_points(n=n, seed=seed)
    cats = np.where(cats < 0, 0, cats)
    return {"px": x, "py": y, "val": v, "kind": cats}


def expected(cols, agg="count"):
    kw = dict(values=cols["val"]) if agg not in ("count", "count_cat") else {}
    if agg == "count_cat":
        kw = dict(categories=cols["kind"], n_categories=4)
    return gd.aggregate(cols["px"], cols["py"], agg=agg, **kw, **GRID)


def check_source(points, cols, aggs=("count", "mean", "count_cat")):
    assert len(points) == len(cols["px"])
    xs, ys = cols["px"], cols["py"]
    assert points.bounds() == (
        (float(np.nanmin(xs)), float(np.nanmax(xs))),
        (float(np.nanmin(ys)), float(np.nanmax(ys))),
    )
    for agg in aggs:
        got = points.aggregate(W, H, XR, YR, agg=agg)
        np.testing.assert_allclose(got, expected(cols, agg), rtol=1e-12, err_msg=agg)


def test_points_dict_structured_pandas_polars():
    cols = frame_columns()
    check_source(gd.Points(cols, x="px", y="py", value="val", category="kind"), cols)
    rec = np.zeros(len(cols["px"]), [("px", "f8"), ("py", "f8"), ("val", "f8"), ("kind", "i8")])
    for k, a in cols.items():
        rec[k] = a
    check_source(gd.Points(rec, x="px", y="py", value="val", category="kind"), cols)
    pd = pytest.importorskip("pandas")
    names = ["a", "b", "c", "d"]
    df = pd.DataFrame({**cols, "kind": pd.Categorical.from_codes(cols["kind"], names)})
    p = gd.Points(df, x="px", y="py", value="val", category="kind")
    assert p.categories == names
    check_source(p, cols)
    pl = pytest.importorskip("polars")
    pdf = pl.DataFrame(
        {**{k: cols[k] for k in ("px", "py", "val")}, "kind": [names[c] for c in cols["kind"]]}
    ).with_columns(pl.col("kind").cast(pl.Enum(names)))
    p = gd.Points(pdf, x="px", y="py", value="val", category="kind")
    assert p.categories == names
    check_source(p, cols)


def test_points_parquet_file_and_directory(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    cols = frame_columns()
    names = ["a", "b", "c", "d"]
    table = pa.table(
        {
            **{k: cols[k] for k in ("px", "py", "val")},
            "kind": pa.DictionaryArray.from_arrays(cols["kind"].astype(np.int32), names),
        }
    )
    pq.write_table(table, tmp_path / "one.parquet", row_group_size=700)
    assert pq.ParquetFile(tmp_path / "one.parquet").metadata.num_row_groups == 5
    p = gd.Points(tmp_path / "one.parquet", x="px", y="py", value="val", category="kind")
    assert p.categories == names
    check_source(p, cols)
    folder = tmp_path / "parts"
    folder.mkdir()
    pq.write_table(table.slice(0, 1000), folder / "0.parquet", row_group_size=300)
    pq.write_table(table.slice(1000), folder / "1.parquet", row_group_size=900)
    check_source(gd.Points(str(folder), x="px", y="py", value="val", category="kind"), cols)


def test_points_zarr_group_and_array(tmp_path):
    zarr = pytest.importorskip("zarr")
    cols = frame_columns()
    g = zarr.open_group(tmp_path / "pts.zarr", mode="w")
    for k, a in cols.items():
        g.create_array(k, data=a, chunks=(800,))
    check_source(gd.Points(g, x="px", y="py", value="val", category="kind"), cols)
    table = np.stack([cols["px"], cols["py"], cols["val"], cols["kind"]], axis=1)
    arr = zarr.create_array(tmp_path / "table.zarr", data=table, chunks=(600, 4))
    check_source(gd.Points(arr, value=2, category=3), cols)


def test_points_dask_array_and_dataframe():
    da = pytest.importorskip("dask.array")
    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    cols = frame_columns()
    table = np.stack([cols["px"], cols["py"], cols["val"], cols["kind"]], axis=1)
    p = gd.Points(da.from_array(table, chunks=(700, 4)), value=2, category=3)
    assert p.categories == [0, 1, 2, 3]
    check_source(p, cols)
    names = ["a", "b", "c", "d"]
    df = pd.DataFrame({**cols, "kind": pd.Categorical.from_codes(cols["kind"], names)})
    ddf = dd.from_pandas(df, npartitions=5)
    p = gd.Points(ddf, x="px", y="py", value="val", category="kind")
    assert p.categories == names
    check_source(p, cols)


def test_localcluster_equal_in_memory():
    distributed = pytest.importorskip("distributed")
    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    da = pytest.importorskip("dask.array")
    cols = frame_columns()
    ddf = dd.from_pandas(pd.DataFrame(cols), npartitions=4)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        p = gd.Points(ddf, x="px", y="py", value="val", category="kind")
        for agg in ("count", "std", "count_cat"):
            got = p.aggregate(W, H, XR, YR, agg=agg, client=client)
            np.testing.assert_allclose(got, expected(cols, agg), rtol=1e-12, err_msg=agg)
        # the default client is used without being passed: its workers run the tasks
        dx = da.from_array(cols["px"], chunks=500)
        dy = da.from_array(cols["py"], chunks=500)
        with distributed.get_task_stream(client) as stream:
            assert np.array_equal(gd.aggregate(dx, dy, **GRID), expected(cols))
        assert len(stream.data) >= 6  # a task per chunk, and the merges


def test_bounds_skip_nan_and_are_cached():
    cols = {"x": np.array([np.nan, 1.0, 5.0, np.inf]), "y": np.array([2.0, np.nan, -1.0, 0.0])}
    p = gd.Points(cols)
    assert p.bounds() == ((1.0, 5.0), (-1.0, 2.0))
    cols["x"][1] = -100.0  # computed once: later changes to the arrays are not seen
    assert p.bounds() == ((1.0, 5.0), (-1.0, 2.0))
    with pytest.raises(ValueError, match="no finite coordinates"):
        gd.Points({"x": np.array([np.nan]), "y": np.array([1.0])}).bounds()


def test_datashader_equal():
    """Equal to datashader's grids (scripts/setup.sh installs it: under CI, never skipped)."""
    try:
        import datashader as ds
    except ImportError as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"datashader is not installed ({exc}): pip install 'glframe[bench]'")
    import pandas as pd

    rng = np.random.default_rng(5)
    n = 100_000
    df = pd.DataFrame(
        {
            "x": rng.normal(0, 1, n).astype(np.float32),
            "y": rng.normal(0, 1, n).astype(np.float32),
            "v": rng.normal(0, 1, n),
        }
    )
    cv = ds.Canvas(plot_width=80, plot_height=60, x_range=(-3, 3), y_range=(-2, 2))
    kw = dict(width=80, height=60, x_range=(-3, 3), y_range=(-2, 2))
    assert np.array_equal(cv.points(df, "x", "y").values, gd.aggregate(df.x, df.y, **kw))
    for agg, red in (("mean", ds.mean("v")), ("max", ds.max("v"))):
        want = cv.points(df, "x", "y", agg=red).values
        got = gd.aggregate(df.x, df.y, agg=agg, values=df.v, **kw)
        np.testing.assert_allclose(got, want, rtol=1e-12, equal_nan=True)


# -- lines -----------------------------------------------------------------------------------


def brute_lines(ys, xs, antialias):
    """Each series: the pixels its closed segments meet (or 1 - distance to centres)."""
    sx, sy = W / (XR[1] - XR[0]), H / (YR[1] - YR[0])
    cc, rr = np.meshgrid(np.arange(W), np.arange(H))
    grid = np.zeros((H, W))
    for yrow, xrow in zip(ys, xs):
        px, py = (xrow - XR[0]) * sx, (yrow - YR[0]) * sy
        best = np.zeros((H, W))
        for j in range(len(px) - 1):
            a, b = (px[j], py[j]), (px[j + 1], py[j + 1])
            if not np.isfinite([*a, *b]).all():
                continue
            if antialias:
                best = np.maximum(best, 1 - seg_distance(cc + 0.5, rr + 0.5, a, b))
            else:
                best = np.maximum(best, seg_meets_square(a, b, cc, rr))
        grid += best
    return grid


def seg_distance(px, py, a, b):
    d = np.subtract(b, a)
    ll = d @ d
    t = np.clip(((px - a[0]) * d[0] + (py - a[1]) * d[1]) / ll if ll else 0 * px, 0, 1)
    return np.hypot(px - a[0] - t * d[0], py - a[1] - t * d[1])


def seg_meets_square(a, b, cc, rr):
    """Liang-Barsky: does segment a-b meet the closed square [c, c+1] x [r, r+1]?"""
    t0, t1 = np.zeros(cc.shape), np.ones(cc.shape)
    ok = np.ones(cc.shape, bool)
    for p0, dp, lo in ((a[0], b[0] - a[0], cc), (a[1], b[1] - a[1], rr)):
        if dp == 0:
            ok &= (p0 >= lo) & (p0 <= lo + 1)
            continue
        ta, tb = (lo - p0) / dp, (lo + 1 - p0) / dp
        t0 = np.maximum(t0, np.minimum(ta, tb))
        t1 = np.minimum(t1, np.maximum(ta, tb))
    return (ok & (t0 <= t1)).astype(float)


@pytest.mark.parametrize("antialias", [False, True])
def test_lines_equal_brute_force(kernel, antialias):
    rng = np.random.default_rng(7)
    n, m = 40, 25
    ys = rng.normal(0, 0.3, (n, m)).cumsum(axis=1)
    xs = np.linspace(-2.6, 2.3, m)
    ys[3, 10] = np.nan  # breaks series 3
    ys[4] = np.where(np.arange(m) % 2, 20.0, -20.0)  # steep zigzag through the whole grid
    got = gd.aggregate_lines(ys, xs, antialias=antialias, **GRID)
    want = brute_lines(ys, np.broadcast_to(xs, ys.shape), antialias)
    assert got.dtype == (np.float64 if antialias else np.int32)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    assert got.max() <= n  # each series counts at most once per pixel
    # one column split by series ids gives the same grid; (N, M) x too
    ids = np.repeat(np.arange(n) * 7, m)
    flat = gd.aggregate_lines(ys.ravel(), np.tile(xs, n), series=ids, antialias=antialias, **GRID)
    np.testing.assert_allclose(flat, got, rtol=1e-12, atol=1e-12)
    xs2 = np.broadcast_to(xs, ys.shape).copy()
    np.testing.assert_allclose(
        gd.aggregate_lines(ys, xs2, antialias=antialias, **GRID), got, rtol=1e-12, atol=1e-12
    )


def test_lines_each_series_once_per_pixel(kernel):
    # a series that crosses one pixel 50 times adds 1 there
    y = np.tile([0.05, 0.1], 50)
    x = np.tile([0.05, 0.1], 50)
    grid = gd.aggregate_lines(y[None], x, **GRID)
    assert grid.max() == 1 and grid.sum() == 1


def test_lines_parallel_equal_numpy(monkeypatch):
    pytest.importorskip("numba")
    rng = np.random.default_rng(8)
    ys = rng.normal(0, 0.2, (500, 60)).cumsum(axis=1).astype(np.float32)
    for aa in (False, True):
        monkeypatch.setattr(_aggregate_kernels, "USE_NUMBA", True)
        fast = gd.aggregate_lines(
            ys, antialias=aa, width=50, height=40, x_range=(0, 59), y_range=(-4, 4)
        )
        monkeypatch.setattr(_aggregate_kernels, "USE_NUMBA", False)
        slow = gd.aggregate_lines(
            ys, antialias=aa, width=50, height=40, x_range=(0, 59), y_range=(-4, 4)
        )
        np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-9)
        assert fast.max() > 100
        # one column cut by a series id: the same series, the same grid
        xs = np.broadcast_to(np.arange(60, dtype=np.float32), ys.shape).ravel()
        ids = np.repeat(np.arange(500), 60)
        monkeypatch.setattr(_aggregate_kernels, "USE_NUMBA", True)
        runs = gd.aggregate_lines(
            ys.ravel(),
            xs,
            series=ids,
            antialias=aa,
            width=50,
            height=40,
            x_range=(0, 59),
            y_range=(-4, 4),
        )
        np.testing.assert_allclose(runs, slow, rtol=1e-12, atol=1e-9)


# -- errors ----------------------------------------------------------------------------------


def test_errors_name_the_rule_and_the_value():
    x = np.zeros(5)
    cases = [
        (dict(width=0), ValueError, "width must be a positive integer.*got 0"),
        (dict(height=2.5), TypeError, "height must be a positive integer.*2.5"),
        (dict(x_range=(1, -1)), ValueError, r"x_range must be two finite.*swap them"),
        (dict(y_range=(0, np.nan)), ValueError, "y_range must be two finite"),
        (dict(y_range=5), ValueError, "y_range must be two numbers"),
        (dict(agg="median"), ValueError, "agg must be one of count, sum"),
        (dict(agg="mean"), ValueError, "agg='mean' reduces values: pass values="),
        (dict(agg="count_cat"), ValueError, "needs categories="),
        (dict(agg="sum", values=np.zeros(4)), ValueError, "one length.*values: 4"),
    ]
    for kw, exc, msg in cases:
        with pytest.raises(exc, match=msg):
            gd.aggregate(x, x, **{**GRID, **kw})
    with pytest.raises(TypeError, match="x must hold numbers.*dtype <U1.*astype"):
        gd.aggregate(np.array(list("abcde")), x, **GRID)
    with pytest.raises(TypeError, match="categories must hold integer category codes"):
        gd.aggregate(x, x, agg="count_cat", categories=x, **GRID)
    with pytest.raises(ValueError, match="x must be 1-D, got shape"):
        gd.aggregate(np.zeros((5, 2)), x, **GRID)
    with pytest.raises(ValueError, match="contiguous run.*sort the rows by series"):
        gd.aggregate_lines(x, x, series=[0, 0, 1, 1, 0], **GRID)
    with pytest.raises(ValueError, match=r"x must be \(M,\) = \(5,\)"):
        gd.aggregate_lines(np.zeros((3, 5)), np.zeros(4), **GRID)


def test_points_errors_name_the_columns():
    cols = {"lon": np.zeros(3), "lat": np.zeros(3)}
    with pytest.raises(KeyError, match=r"x column 'x' is not in the dict.*\['lon', 'lat'\]"):
        gd.Points(cols)
    p = gd.Points(cols, x="lon", y="lat")
    with pytest.raises(ValueError, match="make the Points with value="):
        p.aggregate(4, 4, (0, 1), (0, 1), agg="mean")
    with pytest.raises(ValueError, match="make the Points with category="):
        p.aggregate(4, 4, (0, 1), (0, 1), agg="count_cat")
    with pytest.raises(TypeError, match="cannot read list"):
        gd.Points([1, 2, 3])
    with pytest.raises(FileNotFoundError, match="neither a Parquet file nor a directory"):
        gd.Points("/nonexistent/points.parquet")
