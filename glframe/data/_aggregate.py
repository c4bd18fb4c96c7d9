"""``aggregate``: points binned into a grid of pixels, one reduction per cell.

The public entry point, its argument checks, and the reductions' *states*: each
reduction accumulates a small tuple of grids (a count, a sum, a running mean and
sum of squared deviations, ...) that two chunks of data can merge, so that the
same code serves one in-memory array, a file read row group by row group and a
Dask graph (where only these grids travel between workers). ``finalize`` turns a
state into the grid the user sees.

Binning is exactly ``numpy.histogram2d``'s with ``bins=(height, width)``: bin ``i``
of an axis holds ``edges[i] <= v < edges[i + 1]`` with ``edges =
numpy.linspace(lo, hi, n + 1)`` (float64), and the last bin also holds
``v == hi``. The kernels (``_aggregate_numba`` compiled, ``_aggregate_numpy`` the
fallback) both follow it.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass

import numpy as np

AGGS = ("count", "sum", "mean", "min", "max", "std", "count_cat", "any")
# reductions that read ``values``
VALUE_AGGS = ("sum", "mean", "min", "max", "std")
# count grids are int32 (half the memory of int64) while no cell can pass this
COUNT_LIMIT = 2**31 - 1


def count_dtype(n: int) -> type:
    """The dtype of a count grid over ``n`` points (or series): int32 while they fit."""
    return np.int32 if n <= COUNT_LIMIT else np.int64


def add_counts(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a + b`` for count grids (``a`` reused), widened to int64 where int32 could overflow."""
    if a.dtype == np.int32 and (
        b.dtype != np.int32 or int(a.max(initial=0)) + int(b.max(initial=0)) > COUNT_LIMIT
    ):
        a = a.astype(np.int64)
    return np.add(a, b, out=a)


@dataclass(frozen=True)
class Spec:
    """Everything a kernel needs besides the data: the grid, the bins, the reduction."""

    width: int
    height: int
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    agg: str
    n_categories: int = 0

    @property
    def x_edges(self) -> np.ndarray:
        """The float64 bin edges along x, as ``numpy.histogram2d`` makes them."""
        return np.linspace(self.x_range[0], self.x_range[1], self.width + 1)

    @property
    def y_edges(self) -> np.ndarray:
        """The float64 bin edges along y."""
        return np.linspace(self.y_range[0], self.y_range[1], self.height + 1)

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of the final grid."""
        if self.agg == "count_cat":
            return (self.height, self.width, self.n_categories)
        return (self.height, self.width)


# -- argument checks -------------------------------------------------------------------------


def check_size(value, name: str) -> int:
    """A positive integer, or a ValueError/TypeError naming ``name``."""
    try:
        n = operator.index(value)
    except TypeError:
        raise TypeError(
            f"aggregate: {name} must be a positive integer (pixels), got {value!r}"
        ) from None
    if n < 1:
        raise ValueError(f"aggregate: {name} must be a positive integer (pixels), got {n}")
    return n


def check_range(value, name: str) -> tuple[float, float]:
    """``(lo, hi)`` finite with ``lo < hi``, or a ValueError naming ``name``."""
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(
            f"aggregate: {name} must be two numbers (lo, hi) with lo < hi, got {value!r}"
        ) from None
    if not (math.isfinite(lo) and math.isfinite(hi)) or not lo < hi:
        raise ValueError(
            f"aggregate: {name} must be two finite numbers (lo, hi) with lo < hi, got "
            f"{value!r}" + ("; swap them" if hi < lo else "")
        )
    return lo, hi


def check_agg(agg) -> str:
    """One of ``AGGS``, or a ValueError listing them."""
    if agg not in AGGS:
        raise ValueError(f"aggregate: agg must be one of {', '.join(AGGS)}; got {agg!r}")
    return agg


def check_column(a, name: str, *, integer: bool = False):
    """A 1-D numeric array (numpy, memory-map or Dask; others through numpy.asarray)."""
    if not hasattr(a, "dtype") or not hasattr(a, "ndim"):
        a = np.asarray(a)
    kind = np.dtype(a.dtype).kind
    if integer and kind not in "iu":
        raise TypeError(
            f"aggregate: {name} must hold integer category codes, got dtype {a.dtype}; "
            "pass codes 0..n_categories-1 (pandas: series.cat.codes)"
        )
    if kind not in "iuf":
        raise TypeError(
            f"aggregate: {name} must hold numbers (integer or float), got dtype {a.dtype}; "
            f"convert it, e.g. {name}.astype('float32')"
        )
    if a.ndim != 1:
        raise ValueError(f"aggregate: {name} must be 1-D, got shape {tuple(a.shape)}")
    return a


def is_dask(a) -> bool:
    """Whether ``a`` is a Dask collection (checked without importing Dask)."""
    return type(a).__module__.startswith("dask.") and hasattr(a, "__dask_graph__")


# -- states: init, merge, finalize -----------------------------------------------------------


def empty_state(spec: Spec) -> tuple[np.ndarray, ...]:
    """The state of a reduction over no points."""
    h, w = spec.height, spec.width
    agg = spec.agg
    if agg in ("count", "any"):
        return (np.zeros((h, w), np.int32),)
    if agg == "count_cat":
        return (np.zeros((h, w, spec.n_categories), np.int32),)
    if agg == "sum":
        return (np.zeros((h, w)),)
    if agg == "mean":
        return (np.zeros((h, w), np.int64), np.zeros((h, w)))
    if agg in ("min", "max"):
        return (np.full((h, w), np.nan),)
    # std: count, mean, sum of squared deviations from the mean
    return (np.zeros((h, w), np.int64), np.zeros((h, w)), np.zeros((h, w)))


def merge(spec: Spec, a: tuple, b: tuple) -> tuple:
    """The state of the union of two disjoint sets of points (``a`` may be reused)."""
    agg = spec.agg
    if agg == "min":
        return (np.fmin(a[0], b[0], out=a[0]),)
    if agg == "max":
        return (np.fmax(a[0], b[0], out=a[0]),)
    if agg == "std":
        # Chan et al.'s pairwise update: stable, unlike merging sums of squares
        na, ma, sa = a
        nb, mb, sb = b
        n = na + nb
        nz = n > 0
        delta = mb - ma
        frac = np.divide(nb, n, out=np.zeros(n.shape), where=nz)
        mean = ma + delta * frac
        m2 = sa + sb + delta * delta * na * frac
        return (n, mean, m2)
    if agg in ("count", "count_cat", "any"):
        return (add_counts(a[0], b[0]),)
    return tuple(np.add(x, y, out=x) for x, y in zip(a, b))


def merge_all(spec: Spec, states) -> tuple:
    """Merge an iterable of states (the empty state when there are none)."""
    out = None
    for s in states:
        out = s if out is None else merge(spec, out, s)
    return empty_state(spec) if out is None else out


def finalize(spec: Spec, state: tuple) -> np.ndarray:
    """The user's grid: empty cells 0 for count/sum/any, NaN for mean/min/max/std."""
    agg = spec.agg
    if agg in ("count", "count_cat", "sum", "min", "max"):
        return state[0]
    if agg == "any":
        return state[0] > 0
    if agg == "mean":
        n, s = state
        return np.divide(s, n, out=np.full(n.shape, np.nan), where=n > 0)
    n, _, m2 = state
    var = np.divide(m2, n, out=np.full(n.shape, np.nan), where=n > 0)
    return np.sqrt(np.maximum(var, 0, out=var, where=n > 0), out=var)


# -- the public function ---------------------------------------------------------------------


def aggregate(
    x,
    y,
    *,
    width,
    height,
    x_range,
    y_range,
    agg="count",
    values=None,
    categories=None,
    n_categories=None,
    client=None,
) -> np.ndarray:
    """Bin points ``(x, y)`` into a ``(height, width)`` grid and reduce each cell.

    ``x``, ``y`` (and ``values``, ``categories``) are 1-D arrays of one length:
    numpy arrays, memory-maps, or Dask arrays (then each chunk makes its own grid
    and only the grids are combined, on ``client`` when given or on Dask's default
    scheduler, which is a ``dask.distributed`` client's when one exists).

    ``agg``: ``"count"`` (int32; int64 where a cell could pass 2**31 - 1),
    ``"sum"``, ``"mean"``, ``"min"``, ``"max"``, ``"std"`` (population standard
    deviation) of ``values`` (float64),
    ``"count_cat"``: a count per category, shape ``(height, width,
    n_categories)`` (``categories`` holds integer codes; codes outside
    ``[0, n_categories)``, such as pandas' -1 for missing, are skipped), and
    ``"any"`` (bool). Row 0 is at ``y_range[0]``, column 0 at ``x_range[0]``.

    Bins are ``numpy.histogram2d``'s exactly (half-open, the last one closed at the
    upper edge): ``aggregate(x, y, ...)`` equals ``numpy.histogram2d(y, x,
    bins=(height, width), range=(y_range, x_range))[0]``. Points outside the
    ranges, with a NaN coordinate, or (when ``values`` is given) a NaN value are
    skipped. Empty cells hold 0 for count, sum and any, NaN for mean, min, max
    and std.

    In memory, the numba kernels share chunks of points out to threads as each
    thread comes free, so the order in which float values are added varies: sum,
    mean and std may differ between two calls in their last bits (counts, min and
    max never do).
    """
    spec, cols = prepare(
        x,
        y,
        width=width,
        height=height,
        x_range=x_range,
        y_range=y_range,
        agg=agg,
        values=values,
        categories=categories,
        n_categories=n_categories,
    )
    if any(is_dask(c) for c in cols if c is not None):
        from ._aggregate_dask import aggregate_dask_arrays

        return aggregate_dask_arrays(spec, *cols, client=client)
    from ._aggregate_kernels import compute_state

    return finalize(spec, compute_state(spec, *cols))


def prepare(x, y, *, width, height, x_range, y_range, agg, values, categories, n_categories):
    """Check every argument; the ``Spec`` and the columns ``(x, y, values, categories)``."""
    width = check_size(width, "width")
    height = check_size(height, "height")
    xr = check_range(x_range, "x_range")
    yr = check_range(y_range, "y_range")
    agg = check_agg(agg)
    x = check_column(x, "x")
    y = check_column(y, "y")
    cols = {"x": x, "y": y}
    if agg in VALUE_AGGS and values is None:
        raise ValueError(f"aggregate: agg={agg!r} reduces values: pass values=<1-D array>")
    if values is not None:
        cols["values"] = values = check_column(values, "values")
    n_cat = 0
    if agg == "count_cat":
        if categories is None:
            raise ValueError(
                "aggregate: agg='count_cat' needs categories=<1-D integer codes> (and n_categories)"
            )
        cols["categories"] = categories = check_column(categories, "categories", integer=True)
        if n_categories is None:
            top = categories.max()
            top = int(top.compute() if is_dask(top) else top) if len(categories) else -1
            n_categories = max(top + 1, 1)
        n_cat = check_size(n_categories, "n_categories")
    else:
        categories = None
    lengths = {name: c.shape[0] for name, c in cols.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(
            "aggregate: x, y, values and categories must have one length, got "
            + ", ".join(f"{k}: {v}" for k, v in lengths.items())
        )
    spec = Spec(width, height, xr, yr, agg, n_cat)
    return spec, (x, y, values, categories)
