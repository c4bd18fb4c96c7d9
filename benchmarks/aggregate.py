"""Aggregation: glframe.data against datashader, point counts to 100k time series.

The cases (issue 13), 800x600 grids, float32 coordinates from
``numpy.random.default_rng(12345)`` (a mixture of Gaussians):

- ``count 10M numpy`` / ``count 100M numpy``: a count of points held in numpy arrays
  (datashader: a pandas DataFrame over the same arrays, not copied);
- ``count 10M dask`` / ``count 100M dask``: the same points as a Dask DataFrame of 4
  partitions (``dask.dataframe.from_pandas``), given to both libraries (glframe through
  ``Points(ddf).aggregate``), Dask's threaded scheduler;
- ``mean 10M``: the mean of a float32 value column;
- ``count_cat 10M, 10 cats``: a count per category (10 categories; datashader
  ``by("cat", count())`` on a pandas categorical, glframe ``agg="count_cat"`` on its
  codes);
- ``lines 100k x 1000``: 100,000 random walks of 1000 float32 points counted as lines
  (datashader ``Canvas.line(df, x=xs, y=columns, axis=1)`` on a DataFrame of 1000
  columns over the same array; glframe ``aggregate_lines(ys, xs)``).

Each case runs in a fresh process per library, one after another: a warm-up call on
1000 rows (numba loading its cache or compiling, datashader's too: the ``load`` column),
then the data is made (in slices, so it is never held twice), then the first call and
``--repeat`` calls. Reported: the first call, the median and the best of the repeats
(the best is what the goal compares: this machine is shared, and the others' load only
ever adds time), the peak resident memory while aggregating (``VmHWM``, reset through
``/proc/self/clear_refs`` once the data is made), the process's peak from its start
(``ru_maxrss``: imports, the data generator's temporaries, Dask's divisions; the
free memory the C allocator keeps is given back before the peak is reset), and
``mem/data``: the aggregating peak minus what the process held before the data was
made, over the data's size (the goal is at most 1.5: the data once, and half of it in
working memory at most). The grids of the two libraries are compared
by their totals (``total`` column; lines differ: glframe counts each series once per
pixel its segments meet, datashader draws Bresenham lines, fewer pixels per segment).
A last block says which goal each case meets.

``--compile`` measures numba's compilation of glframe's kernels in processes with an
empty numba cache (``NUMBA_CACHE_DIR`` a fresh folder): what the very first use on a
machine costs, once. ``--billion`` aggregates 1e9 points (two 4 GB raw float32 files in
``--dir``, written slice by slice, removed at the end unless ``--keep``) out of core
through Dask: chunks read with ``numpy.fromfile`` by Dask tasks, each reduced to a grid;
first from disk (the files' pages evicted from the page cache with ``posix_fadvise``),
then again from the page cache.

Run from the repository root, under the shared lock::

    flock /tmp/glframe-bench.lock .venv/bin/python benchmarks/aggregate.py [--repeat 5]
        [--cases count-10M-numpy,...] [--compile] [--billion [--dir DIR] [--keep]]
    flock /tmp/glframe-bench.lock .venv/bin/python benchmarks/aggregate.py --cases "" --billion
    .venv/bin/python benchmarks/aggregate.py --quick   # tiny sizes, what the suite runs

``--quick`` runs each distinct case at 200k points (2000 lines of 100), the cold
compile, and the out-of-core path on 2M points, in about half a minute.

datashader comes with the ``bench`` extra; when it is not installed, glframe is
measured alone and the run says so.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

WIDTH, HEIGHT = 800, 600
X_RANGE, Y_RANGE = (-4.0, 4.0), (-3.0, 3.0)
SLICE = 1 << 22

CASES = {
    "count-10M-numpy": dict(n=10_000_000, kind="count", src="numpy"),
    "count-100M-numpy": dict(n=100_000_000, kind="count", src="numpy", quick=False),
    "count-10M-dask": dict(n=10_000_000, kind="count", src="dask"),
    "count-100M-dask": dict(n=100_000_000, kind="count", src="dask", quick=False),
    "mean-10M": dict(n=10_000_000, kind="mean", src="numpy"),
    "cat-10M": dict(n=10_000_000, kind="cat", src="numpy"),
    "lines-100k": dict(n=100_000, m=1000, kind="lines", src="numpy"),
}
# --quick: the sizes (the 100M cases, the same code as the 10M ones, are left out)
QUICK = {"n": 200_000, "lines": (2000, 100), "billion": 2_000_000}


def short(n: int) -> str:
    """1e7 -> '10M', 2e5 -> '200k'."""
    for div, unit in ((10**9, "G"), (10**6, "M"), (10**3, "k")):
        if n >= div and n % div == 0:
            return f"{n // div}{unit}"
    return f"{n:,}"


def title(case: dict) -> str:
    """The case's row title, from its sizes."""
    kind, n = case["kind"], short(case["n"])
    if kind == "lines":
        return f"lines {n} x {case['m']}"
    if kind == "cat":
        return f"count_cat {n}, 10 cats"
    if kind == "mean":
        return f"mean {n}"
    return f"count {n} {case['src']}"


# -- data ------------------------------------------------------------------------------------


def points(n: int, with_value: bool, with_cat: bool) -> dict:
    """A mixture of 10 Gaussians, made in slices (never two copies of the data)."""
    rng = np.random.default_rng(12345)
    centres = rng.uniform(-2.5, 2.5, (10, 2))
    spread = rng.uniform(0.1, 0.6, 10)
    cols = {"x": np.empty(n, np.float32), "y": np.empty(n, np.float32)}
    if with_value:
        cols["v"] = np.empty(n, np.float32)
    if with_cat:
        cols["cat"] = np.empty(n, np.int8)
    for lo in range(0, n, SLICE):
        hi = min(n, lo + SLICE)
        k = rng.integers(0, 10, hi - lo)
        cols["x"][lo:hi] = centres[k, 0] + spread[k] * rng.standard_normal(hi - lo)
        cols["y"][lo:hi] = centres[k, 1] + spread[k] * rng.standard_normal(hi - lo)
        if with_value:
            cols["v"][lo:hi] = rng.standard_normal(hi - lo) + k
        if with_cat:
            cols["cat"][lo:hi] = k
    return cols


def walks(n: int, m: int) -> np.ndarray:
    """``n`` random walks of ``m`` float32 steps, made a block of series at a time."""
    rng = np.random.default_rng(12345)
    ys = np.empty((n, m), np.float32)
    step = max(1, SLICE // m)
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        np.cumsum(rng.standard_normal((hi - lo, m), np.float32), axis=1, out=ys[lo:hi])
    return ys


def rss_now() -> int:
    """The process's resident memory now, in bytes."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def reset_peak() -> None:
    """Restart the kernel's record of peak resident memory (Linux >= 4.0).

    First the C allocator gives back the free memory it keeps (``malloc_trim``,
    glibc): what the data's making freed is held by no one, and counted it was 13
    MiB of a 10M-point case's 86 MiB of data, for either library.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def peak_rss() -> int:
    """Peak resident memory since the last ``reset_peak`` (VmHWM), in bytes."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM line in /proc/self/status")


# -- one case in one process -----------------------------------------------------------------


def setup(case: dict, lib: str):
    """The case's data and a call that aggregates it: ``(run, data_bytes)``."""
    import pandas as pd

    if lib == "glframe":
        import glframe.data as gd
    else:
        import datashader as ds
    kind = case["kind"]
    if kind == "lines":
        ys = walks(case["n"], case["m"])
        xs = np.arange(case["m"], dtype=np.float32)
        xr, yr = (0, case["m"] - 1), (-60.0, 60.0)
        if lib == "glframe":

            def run():
                return gd.aggregate_lines(
                    ys, xs, width=WIDTH, height=HEIGHT, x_range=xr, y_range=yr
                )
        else:
            names = [f"c{j}" for j in range(case["m"])]
            df = pd.DataFrame(ys, columns=names, copy=False)
            cv = ds.Canvas(WIDTH, HEIGHT, x_range=xr, y_range=yr)

            def run():
                return cv.line(df, x=xs, y=names, axis=1, agg=ds.count()).values

        return run, ys.nbytes
    cols = points(case["n"], kind == "mean", kind == "cat")
    data_bytes = sum(a.nbytes for a in cols.values())
    df = pd.DataFrame(cols, copy=False)
    if kind == "cat":
        df["cat"] = pd.Categorical.from_codes(df["cat"].to_numpy(), list("abcdefghij"))
    if case["src"] == "dask":
        import dask.dataframe as dd

        source = dd.from_pandas(df, npartitions=4, sort=False)
        # Dask works out the partitions' index divisions on first use, through a Python
        # list of the whole index (~10x the data's size at its peak): part of making the
        # Dask source, not of either library's aggregation, so it is done here
        source.divisions  # noqa: B018
    else:
        source = df
    if lib == "glframe":
        agg = {"count": "count", "mean": "mean", "cat": "count_cat"}[kind]
        if case["src"] == "dask":
            pts = gd.Points(source, value="v" if kind == "mean" else None)

            def run():
                return pts.aggregate(WIDTH, HEIGHT, X_RANGE, Y_RANGE, agg=agg)
        else:
            extra = {"values": cols.get("v"), "categories": cols.get("cat")}
            if kind == "cat":
                extra["n_categories"] = 10
            grid = dict(width=WIDTH, height=HEIGHT, x_range=X_RANGE, y_range=Y_RANGE)

            def run():
                return gd.aggregate(cols["x"], cols["y"], agg=agg, **extra, **grid)
    else:
        cv = ds.Canvas(WIDTH, HEIGHT, x_range=X_RANGE, y_range=Y_RANGE)
        red = {"count": ds.count, "mean": lambda: ds.mean("v")}.get(kind)
        red = red() if red else ds.by("cat", ds.count())

        def run():
            return cv.points(source, "x", "y", agg=red).values

    return run, data_bytes


def child(case: dict, lib: str, repeat: int) -> dict:
    """Warm up on 1000 rows, then make the data, then the first call and the repeats."""
    import gc

    if case["src"] == "dask":
        import dask

        dask.config.set(scheduler="threads")
    # the warm-up loads (or compiles) the compiled code: its memory is not the data's
    t = time.perf_counter()
    run, _ = setup({**case, "n": 1000 if case["kind"] != "lines" else 10}, lib)
    run()
    load = time.perf_counter() - t
    del run
    gc.collect()
    base = rss_now()
    run, data_bytes = setup(case, lib)
    reset_peak()  # the data generator's temporaries are not the aggregation's
    t = time.perf_counter()
    out = run()
    first = time.perf_counter() - t
    total = float(np.nansum(out))
    del out  # one result alive at a time: a previous grid is not working memory
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    peak = peak_rss()
    return {
        "load": load,
        "first": first,
        "steady": float(np.median(times)),
        "best": min(times),
        "peak": peak,
        "process_peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "over": (peak - base) / data_bytes,
        "data": data_bytes,
        "total": total,
    }


def run_child(args: list[str], env=None, timeout=1800) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    if proc.returncode:
        return {"error": (proc.stderr.strip().splitlines() or ["exit " + str(proc.returncode)])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- compilation -----------------------------------------------------------------------------


def compile_child() -> dict:
    """First calls of each kernel family on tiny data (run with an empty numba cache)."""
    import glframe.data as gd

    out = {}
    rng = np.random.default_rng(0)
    x, y, v = (rng.standard_normal(300_000).astype(np.float32) for _ in range(3))
    c = rng.integers(0, 10, 300_000).astype(np.int8)
    grid = dict(width=80, height=60, x_range=(-3, 3), y_range=(-3, 3))
    for name, kw in (
        ("count", {}),
        ("mean", dict(agg="mean", values=v)),
        ("count_cat", dict(agg="count_cat", categories=c, n_categories=10)),
    ):
        t = time.perf_counter()
        gd.aggregate(x, y, **kw, **grid)
        out[name] = time.perf_counter() - t
    t = time.perf_counter()
    gd.aggregate_lines(rng.standard_normal((500, 50)).astype(np.float32), **grid)
    out["lines"] = time.perf_counter() - t
    return out


# -- a billion points ------------------------------------------------------------------------


def billion_files(folder: str, n: int) -> tuple[str, str]:
    """Two float32 files of ``n`` coordinates, written slice by slice (kept for reuse)."""
    os.makedirs(folder, exist_ok=True)
    paths = (os.path.join(folder, f"x-{n}.f32"), os.path.join(folder, f"y-{n}.f32"))
    if all(os.path.exists(p) and os.path.getsize(p) == 4 * n for p in paths):
        return paths
    rng = np.random.default_rng(12345)
    centres = rng.uniform(-2.5, 2.5, (10, 2))
    spread = rng.uniform(0.1, 0.6, 10)
    t = time.perf_counter()
    with open(paths[0], "wb") as fx, open(paths[1], "wb") as fy:
        for lo in range(0, n, SLICE * 4):
            m = min(n, lo + SLICE * 4) - lo
            k = rng.integers(0, 10, m)
            (centres[k, 0] + spread[k] * rng.standard_normal(m)).astype(np.float32).tofile(fx)
            (centres[k, 1] + spread[k] * rng.standard_normal(m)).astype(np.float32).tofile(fy)
        for f in (fx, fy):
            f.flush()
            os.fsync(f.fileno())
    print(f"wrote {gbytes(8 * n)} in {time.perf_counter() - t:.0f} s to {folder}")
    return paths


def evict(paths) -> None:
    """Drop the files' pages from the page cache, so that the next read comes from disk.

    ``posix_fadvise(DONTNEED)`` touches these files only (not the machine's whole cache).
    """
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fdatasync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def storage_read() -> int:
    """Bytes this process has had fetched from storage (``read_bytes``, page cache hits
    not counted): how much of a run came from the disk."""
    with open("/proc/self/io") as f:
        for line in f:
            if line.startswith("read_bytes:"):
                return int(line.split()[1])
    raise RuntimeError("no read_bytes line in /proc/self/io")


def _read(path, start, count):
    return np.fromfile(path, np.float32, count=count, offset=4 * start)


def billion_child(xpath: str, ypath: str, n: int, chunk: int) -> dict:
    """Aggregate the two files through a Dask array of ``chunk``-long blocks read by tasks."""
    import dask
    import dask.array as da

    import glframe.data as gd

    dask.config.set(scheduler="threads")
    grid = dict(width=WIDTH, height=HEIGHT, x_range=X_RANGE, y_range=Y_RANGE)
    tiny = da.zeros(1000, np.float32, chunks=500)
    gd.aggregate(tiny, tiny, **grid)  # load the compiled kernel first: not the data's time
    base = rss_now()
    reset_peak()

    def column(path):
        blocks = [
            da.from_delayed(
                dask.delayed(_read)(path, lo, min(chunk, n - lo)),
                (min(chunk, n - lo),),
                np.float32,
            )
            for lo in range(0, n, chunk)
        ]
        return da.concatenate(blocks)

    dx, dy = column(xpath), column(ypath)
    disk = storage_read()
    t = time.perf_counter()
    out = gd.aggregate(dx, dy, **grid)
    elapsed = time.perf_counter() - t
    return {
        "time": elapsed,
        "disk": storage_read() - disk,
        "peak": peak_rss(),
        "base": base,
        "process_peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "total": int(out.sum()),
    }


# -- the parent ------------------------------------------------------------------------------


def gbytes(b: int) -> str:
    """A file size: '8.0 GB', '16 MB'."""
    return f"{b / 1e9:.1f} GB" if b >= 1e9 else f"{b / 1e6:.0f} MB"


def fmt_mem(b) -> str:
    """Bytes as MiB with thousands separators."""
    return f"{b / 2**20:,.0f}"


def billion(folder: str, n: int, keep: bool) -> None:
    """The out-of-core run: from disk (files evicted from the page cache), then cached."""
    try:
        xpath, ypath = billion_files(folder, n)
        chunk = 25_000_000 if n > 100_000_000 else max(1, n // 8)
        for state in ("from disk", "page cache"):
            if state == "from disk":
                evict((xpath, ypath))
            args = ["--child", "billion", "--case-json", json.dumps([xpath, ypath, n, chunk])]
            r = run_child(args)
            if "error" in r:
                print(f"{short(n)} points, {state}: failed: {r['error']}")
                continue
            print(
                f"{short(n)} points ({gbytes(8 * n)} float32 on disk), {state}, out "
                f"of core through Dask ({-(-n // chunk)} chunks of {chunk:,}): "
                f"{r['time']:.2f} s, {n / r['time'] / 1e6:,.0f} M points/s, "
                f"{gbytes(r['disk'])} read from storage, peak "
                f"{fmt_mem(r['peak'])} MiB ({fmt_mem(r['peak'] - r['base'])} MiB above the "
                f"start; process peak {fmt_mem(r['process_peak'])} MiB), total {r['total']:,}"
            )
            sys.stdout.flush()
    finally:
        if not keep:
            for name in (f"x-{n}.f32", f"y-{n}.f32"):
                path = os.path.join(folder, name)
                if os.path.exists(path):
                    os.remove(path)


def cases_table(names: list[str], libs: list[str], quick: bool, repeat: int) -> None:
    """Run each case for each library in its own process; print the table and the goals."""
    print(
        f"{WIDTH}x{HEIGHT} grids, float32 data, {os.cpu_count()} CPUs; times in s: load "
        "(warm-up on 1000 rows: compiled code loaded or compiled), first call on the data, "
        f"median and best of {repeat} more; agg MiB: peak resident memory while "
        "aggregating; proc MiB: the process's peak from its start (imports, data making, "
        "Dask's divisions); mem/data = (agg peak - resident before the data) / data size; "
        "glframe/datashader: ratio of the best times (of the medians)"
    )
    header = (
        f"{'case':<24}| {'library':<10}| {'load':>5} | {'first':>6} | {'median':>6} | "
        f"{'best':>6} | {'agg MiB':>7} | {'proc MiB':>8} | {'mem/data':>8} | "
        f"{'total':>12} | glframe/datashader"
    )
    print(header)
    print("-" * len(header))
    goals = []
    for name in names:
        case = dict(CASES[name])
        if quick:
            if not case.get("quick", True):
                continue
            if case["kind"] == "lines":
                case["n"], case["m"] = QUICK["lines"]
            else:
                case["n"] = QUICK["n"]
        results = {}
        for lib in libs:
            args = ["--child", "case", "--lib", lib, "--case-json", json.dumps(case)]
            r = run_child([*args, "--repeat", str(repeat)])
            results[lib] = r
            if "error" in r:
                print(f"{title(case):<24}| {lib:<10}| failed: {r['error']}")
                continue
            ratio = ""
            if lib == "datashader" and "error" not in results["glframe"]:
                gf = results["glframe"]
                ratio = f"{gf['best'] / r['best']:.2f} ({gf['steady'] / r['steady']:.2f})"
            print(
                f"{title(case):<24}| {lib:<10}| {r['load']:5.2f} | {r['first']:6.3f} | "
                f"{r['steady']:6.3f} | {r['best']:6.3f} | {fmt_mem(r['peak']):>7} | "
                f"{fmt_mem(r['process_peak']):>8} | {r['over']:8.2f} | {r['total']:12,.0f} | "
                f"{ratio}"
            )
            sys.stdout.flush()
        gf, dsr = results["glframe"], results.get("datashader")
        if "error" not in gf:
            ratio = None if not dsr or "error" in dsr else gf["best"] / dsr["best"]
            goals.append((title(case), ratio, gf["over"]))
    print("goals: glframe's best time <= 0.5x datashader's; mem/data <= 1.5")
    for name, ratio, over in goals:
        if ratio is None:
            time_goal = "time: no datashader"
        else:
            time_goal = f"time {ratio:.3f}x {'met' if ratio <= 0.5 else 'NOT met'}"
        mem_goal = f"mem/data {over:.2f} {'met' if over <= 1.5 else 'NOT met'}"
        print(f"  {name:<24} {time_goal}; {mem_goal}")


def main() -> int:
    """Parse the arguments; run one child, or every case and print the tables."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes, seconds")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cases", default=",".join(CASES), help="comma-separated case names")
    ap.add_argument("--compile", action="store_true", help="cold numba compile times")
    ap.add_argument("--billion", action="store_true", help="1e9 points out of core via Dask")
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "glframe-billion"))
    ap.add_argument("--keep", action="store_true", help="keep the billion-point files")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--lib", help=argparse.SUPPRESS)
    ap.add_argument("--case-json", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child == "case":
        print(json.dumps(child(json.loads(a.case_json), a.lib, a.repeat)))
        return 0
    if a.child == "compile":
        print(json.dumps(compile_child()))
        return 0
    if a.child == "billion":
        x, y, n, chunk = json.loads(a.case_json)
        print(json.dumps(billion_child(x, y, n, chunk)))
        return 0
    names = [c for c in a.cases.split(",") if c]  # --cases "": none (--billion alone, say)
    unknown = [c for c in names if c not in CASES]
    if unknown:
        ap.error(f"--cases: unknown {', '.join(unknown)}; the cases are {', '.join(CASES)}")

    have_ds = importlib.util.find_spec("datashader") is not None
    libs = ["glframe"] + (["datashader"] if have_ds else [])
    if not have_ds:
        print("datashader is not installed: glframe alone (pip install -e '.[bench]')")
    repeat = 2 if a.quick else a.repeat
    if names:
        cases_table(names, libs, a.quick, repeat)
    if a.compile or a.quick:
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "NUMBA_CACHE_DIR": cache}
            r = run_child(["--child", "compile"], env=env)
        if "error" in r:
            print(f"cold compile: failed: {r['error']}")
        else:
            print(
                "cold compile (empty numba cache), first call on tiny data, s: "
                + ", ".join(f"{k} {v:.2f}" for k, v in r.items())
            )
    if a.billion or a.quick:
        if a.quick:
            with tempfile.TemporaryDirectory() as folder:
                billion(folder, QUICK["billion"], keep=False)
        else:
            billion(a.dir, 1_000_000_000, a.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
