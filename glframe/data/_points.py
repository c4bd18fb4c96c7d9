"""``Points``: one source of x, y (value, category) columns for aggregation.

A visual (``glframe.scene.visuals.Aggregate``) or a script hands ``Points`` whatever
holds the data, and asks it for its ``bounds()``, its ``categories`` and grids
(``aggregate``). Three kinds of storage sit behind it:

- in memory (a dict of columns, a numpy structured array, a pandas or polars
  DataFrame, memory-maps): the kernel runs on the whole columns, on all cores;
- in pieces on disk (a Parquet file or directory, read row group by row group; a
  zarr group of 1-D columns or a 2-D zarr array, read chunk by chunk): pieces are
  read and reduced one after another, so memory holds one piece at a time (or, with
  a Dask ``client``, each piece is one task);
- Dask (a Dask DataFrame, a 2-D Dask array whose columns are x, y, ...): one task
  per partition or chunk, only grids travel (``_aggregate_dask``).
"""

from __future__ import annotations

import math
import os

import numpy as np

from ._aggregate import (
    Spec,
    check_agg,
    check_column,
    check_range,
    check_size,
    empty_state,
    finalize,
    is_dask,
    merge,
)


class Points:
    """A table of points (x, y, optionally a value and a category) to aggregate.

    ``data``: a dict of 1-D columns, a numpy structured array, a pandas or polars
    DataFrame, a Parquet file or directory path, a zarr group (1-D columns by name)
    or 2-D zarr array, a Dask DataFrame, or a 2-D Dask array (columns by integer
    index: ``x="x"`` and ``y="y"`` mean columns 0 and 1). ``x``, ``y``, ``value``
    and ``category`` name the columns. A category column is a pandas, polars or
    Dask categorical (its categories are the names), a Parquet dictionary column,
    or integer codes (names are the codes ``0 .. max``).
    """

    def __init__(self, data, x="x", y="y", value=None, category=None):
        self._names = {"x": x, "y": y, "values": value, "categories": category}
        self._store = _open(data, self._names)
        self._bounds = None
        self._categories = None

    def __repr__(self) -> str:
        cols = ", ".join(f"{k}={v!r}" for k, v in self._names.items() if v is not None)
        return f"<Points {len(self):,} rows from {self._store.kind}, {cols}>"

    def __len__(self) -> int:
        return self._store.length()

    @property
    def categories(self) -> list:
        """The category names (index = code), or ``[]`` without a category column."""
        if self._names["categories"] is None:
            return []
        if self._categories is None:
            self._categories = list(self._store.categories())
        return self._categories

    def bounds(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """``((xmin, xmax), (ymin, ymax))`` of the finite coordinates; computed once.

        Each axis is reduced on its own, NaNs and infinities skipped (as the
        aggregation skips NaNs). A ValueError when no coordinate is finite.
        """
        if self._bounds is None:
            lo = np.array([math.inf, math.inf])
            hi = np.array([-math.inf, -math.inf])
            for part in self._store.bounds_parts():
                lo = np.fmin(lo, part[0])
                hi = np.fmax(hi, part[1])
            if not (np.isfinite(lo).all() and np.isfinite(hi).all()):
                raise ValueError(
                    f"Points.bounds: no finite coordinates in {self._store.kind} "
                    f"({len(self):,} rows): nothing to take bounds of"
                )
            self._bounds = ((float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1])))
        return self._bounds

    def aggregate(
        self, width, height, x_range=None, y_range=None, agg="count", client=None
    ) -> np.ndarray:
        """The grid of ``glframe.data.aggregate`` over these points.

        ``x_range``/``y_range`` default to ``bounds()`` (widened by 0.5 when
        flat). ``agg`` needs ``value=`` for sum/mean/min/max/std and ``category=``
        for count_cat. ``client``: a ``dask.distributed`` client that runs the
        per-partition tasks (Dask sources, and the pieces of Parquet/zarr sources).
        """
        agg = check_agg(agg)
        if x_range is None or y_range is None:
            bx, by = self.bounds()
            x_range = _widen(bx) if x_range is None else x_range
            y_range = _widen(by) if y_range is None else y_range
        if agg in ("sum", "mean", "min", "max", "std") and self._names["values"] is None:
            raise ValueError(
                f"Points.aggregate: agg={agg!r} reduces a value column: make the Points "
                "with value=<column name>"
            )
        if agg == "count_cat" and self._names["categories"] is None:
            raise ValueError(
                "Points.aggregate: agg='count_cat' needs a category column: make the Points "
                "with category=<column name>"
            )
        spec = Spec(
            check_size(width, "width"),
            check_size(height, "height"),
            check_range(x_range, "x_range"),
            check_range(y_range, "y_range"),
            agg,
            len(self.categories) if agg == "count_cat" else 0,
        )
        use = ("x", "y") + (("values",) if agg in ("sum", "mean", "min", "max", "std") else ())
        use += ("categories",) if agg == "count_cat" else ()
        return self._store.aggregate(spec, use, client)


def _widen(r):
    lo, hi = r
    return (lo - 0.5, hi + 0.5) if lo == hi else (lo, hi)


def _state_of(spec: Spec, cols: dict, parallel: bool = True) -> tuple:
    from ._aggregate_kernels import compute_state

    if "categories" in cols:
        cols = {**cols, "categories": _codes(cols["categories"])}
    c = {k: check_column(v, k, integer=(k == "categories")) for k, v in cols.items()}
    return compute_state(
        spec, c["x"], c["y"], c.get("values"), c.get("categories"), parallel=parallel
    )


def _codes(a):
    """Integer codes; a float column (of a numeric table) holding codes, NaN as missing."""
    a = np.asarray(a)
    if a.dtype.kind != "f":
        return a
    codes = np.where(np.isnan(a), -1, a).astype(np.int64)
    if not np.array_equal(codes, np.where(np.isnan(a), -1, a)):
        raise TypeError(
            "Points: the category column must hold integer codes; it holds fractions "
            f"(e.g. {a[codes != np.nan_to_num(a, nan=-1)][0]})"
        )
    return codes


def _finite_bounds(x, y):
    """(lo, hi) of finite x and y in one numpy array pair (infinite when none)."""
    out = []
    for a in (x, y):
        a = np.asarray(a)
        if a.size == 0:
            out.append((math.inf, -math.inf))
            continue
        if a.dtype.kind == "f":
            a = a[np.isfinite(a)] if not np.isfinite(a).all() else a
        out.append((np.min(a), np.max(a)) if a.size else (math.inf, -math.inf))
    return np.array([out[0][0], out[1][0]], float), np.array([out[0][1], out[1][1]], float)


def _missing(kind: str, wanted, have) -> None:
    have = list(have)
    for role, name in wanted.items():
        if name is not None and name not in have:
            raise KeyError(
                f"Points: {role} column {name!r} is not in the {kind}; its columns are "
                f"{have}; pass {('value' if role == 'values' else role.rstrip('s'))}=<one of them>"
            )


# -- stores ----------------------------------------------------------------------------------


class _Memory:
    """Columns held in memory (numpy arrays or memory-maps), category names aside."""

    def __init__(self, kind, cols: dict, names: list | None):
        self.kind = kind
        self.cols = cols
        self.names = names

    def length(self):
        return len(self.cols["x"])

    def categories(self):
        if self.names is not None:
            return self.names
        codes = _codes(self.cols["categories"])
        return list(range(int(codes.max()) + 1 if len(codes) else 0))

    def bounds_parts(self):
        yield _finite_bounds(self.cols["x"], self.cols["y"])

    def aggregate(self, spec, use, client):
        return finalize(spec, _state_of(spec, {k: self.cols[k] for k in use}))


class _Pieces:
    """Columns read piece by piece (Parquet row groups, zarr chunks) by ``read(i, use)``."""

    def __init__(self, kind, n_pieces, read, length, category_names=None):
        self.kind = kind
        self.n = n_pieces
        self.read = read
        self._length = length
        self._category_names = category_names

    def length(self):
        return self._length

    def categories(self):
        if self._category_names is not None:
            return self._category_names()
        top = -1
        for i in range(self.n):
            codes = _codes(self.read(i, ("categories",))["categories"])
            if len(codes):
                top = max(top, int(codes.max()))
        return list(range(top + 1))

    def bounds_parts(self):
        for i in range(self.n):
            cols = self.read(i, ("x", "y"))
            yield _finite_bounds(cols["x"], cols["y"])

    def aggregate(self, spec, use, client):
        if client is not None:
            import dask

            from ._aggregate_dask import reduce_tasks

            task = dask.delayed(_piece_state, pure=True)
            return reduce_tasks(
                spec, [task(spec, self.read, i, use) for i in range(self.n)], client
            )
        state = empty_state(spec)
        for i in range(self.n):
            state = merge(spec, state, _state_of(spec, self.read(i, use)))
        return finalize(spec, state)


def _piece_state(spec, read, i, use):
    return _state_of(spec, read(i, use), parallel=False)


class _Dask:
    """A Dask DataFrame, or a 2-D Dask array with columns by index."""

    def __init__(self, kind, parts, length, columns, category_names=None):
        self.kind = kind
        self.parts = parts  # list of delayed objects, one per partition / row block
        self._length = length
        self.columns = columns  # role -> how to pull the column out of a part
        self._category_names = category_names

    def length(self):
        return self._length()

    def categories(self):
        if self._category_names is not None:
            return self._category_names()
        import dask

        tops = dask.compute(*[dask.delayed(_max_code)(p, self.columns) for p in self.parts])
        return list(range(max([-1, *tops]) + 1))

    def bounds_parts(self):
        import dask

        tasks = [dask.delayed(_part_bounds)(p, self.columns) for p in self.parts]
        yield from dask.compute(*tasks)

    def aggregate(self, spec, use, client):
        import dask

        from ._aggregate_dask import reduce_tasks

        task = dask.delayed(_part_state, pure=True)
        tasks = [task(spec, p, self.columns, use) for p in self.parts]
        return reduce_tasks(spec, tasks, client)


def _pull(part, columns, role):
    get = columns[role]
    return get(part)


def _part_state(spec, part, columns, use):
    return _state_of(spec, {k: _pull(part, columns, k) for k in use}, parallel=False)


def _part_bounds(part, columns):
    return _finite_bounds(_pull(part, columns, "x"), _pull(part, columns, "y"))


def _max_code(part, columns):
    codes = _codes(_pull(part, columns, "categories"))
    return int(codes.max()) if len(codes) else -1


# -- opening ---------------------------------------------------------------------------------


def _open(data, names: dict):
    wanted = {k: v for k, v in names.items() if v is not None}
    module = type(data).__module__.split(".")[0]
    if isinstance(data, (str, os.PathLike)):
        return _open_parquet(os.fspath(data), wanted)
    if isinstance(data, dict):
        _missing("dict", wanted, data.keys())
        cols = {k: data[v] for k, v in wanted.items()}
        if any(is_dask(c) for c in cols.values()):
            return _dask_columns("dict of Dask arrays", cols)
        return _Memory("dict", {k: _column(v, k) for k, v in cols.items()}, None)
    if isinstance(data, np.ndarray) and data.dtype.names:
        _missing("structured array", wanted, data.dtype.names)
        return _Memory("structured array", {k: data[v] for k, v in wanted.items()}, None)
    if module == "pandas":
        return _open_pandas(data, wanted)
    if module == "polars":
        return _open_polars(data, wanted)
    if module == "zarr":
        return _open_zarr(data, wanted)
    if module == "dask" and hasattr(data, "columns"):
        return _open_dask_frame(data, wanted)
    if is_dask(data) and getattr(data, "ndim", 0) == 2:
        return _open_dask_array(data, wanted)
    raise TypeError(
        f"Points: cannot read {type(data).__name__} ({module}); pass a dict of columns, a "
        "numpy structured array, a pandas or polars DataFrame, a Parquet path, a zarr "
        "group or 2-D array, a Dask DataFrame or a 2-D Dask array"
    )


def _column(a, role):
    return check_column(
        np.asarray(a) if not hasattr(a, "dtype") else a, role, integer=(role == "categories")
    )


def _open_pandas(df, wanted):
    if not hasattr(df, "columns"):
        raise TypeError("Points: a pandas Series is one column; pass a DataFrame")
    _missing("DataFrame", wanted, df.columns)
    cols, names = {}, None
    for role, name in wanted.items():
        s = df[name]
        if role == "categories" and str(s.dtype) == "category":
            names = list(s.cat.categories)
            cols[role] = s.cat.codes.to_numpy()
        else:
            cols[role] = _column(s.to_numpy(), role)
    return _Memory("pandas DataFrame", cols, names)


def _open_polars(df, wanted):
    import polars as pl

    _missing("polars DataFrame", wanted, df.columns)
    cols, names = {}, None
    for role, name in wanted.items():
        s = df.get_column(name)
        if role == "categories" and isinstance(s.dtype, (pl.Categorical, pl.Enum)):
            if not isinstance(s.dtype, pl.Enum):  # codes of an Enum of the values seen
                s = s.cast(pl.Enum(s.drop_nulls().unique(maintain_order=True).to_list()))
            names = list(s.dtype.categories)
            cols[role] = s.to_physical().cast(pl.Int64).fill_null(-1).to_numpy()
        else:
            cols[role] = _column(s.to_numpy(), role)
    return _Memory("polars DataFrame", cols, names)


def _open_parquet(path, wanted):
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ImportError("Points: Parquet needs pyarrow: pip install glframe[data]") from exc
    if os.path.isdir(path):
        files = sorted(
            os.path.join(root, f)
            for root, _, fs in os.walk(path)
            for f in fs
            if f.endswith(".parquet")
        )
        if not files:
            raise FileNotFoundError(f"Points: no *.parquet file under the directory {path!r}")
    elif os.path.exists(path):
        files = [path]
    else:
        raise FileNotFoundError(f"Points: {path!r} is neither a Parquet file nor a directory")
    handles = [pq.ParquetFile(f) for f in files]
    schema = handles[0].schema_arrow
    _missing(f"Parquet schema of {path!r}", wanted, schema.names)
    pieces = [(h, g) for h in handles for g in range(h.metadata.num_row_groups)]
    length = sum(h.metadata.num_rows for h in handles)
    cat_name = wanted.get("categories")
    dictionary = cat_name is not None and str(schema.field(cat_name).type).startswith("dictionary")
    state = {"names": None, "lut": {}}

    def names():
        if state["names"] is None:
            seen = {}
            for h, g in pieces:
                col = h.read_row_group(g, columns=[cat_name]).column(0)
                for chunk in col.chunks:
                    for v in chunk.dictionary.to_pylist():
                        seen.setdefault(v, len(seen))
            state["names"] = list(seen)
        return state["names"]

    def read(i, use):
        h, g = pieces[i]
        table = h.read_row_group(g, columns=[wanted[k] for k in use])
        out = {}
        for k in use:
            col = table.column(wanted[k])
            if k == "categories" and dictionary:
                index = {v: j for j, v in enumerate(names())}
                parts = []
                for chunk in col.chunks:
                    lut = np.array([index[v] for v in chunk.dictionary.to_pylist()] + [-1])
                    codes = chunk.indices.fill_null(-1).to_numpy(zero_copy_only=False)
                    parts.append(lut[codes])
                out[k] = np.concatenate(parts) if parts else np.zeros(0, np.int64)
            else:
                arr = col.to_numpy()
                out[k] = arr
        return out

    return _Pieces(
        "Parquet " + repr(path), len(pieces), read, length, names if dictionary else None
    )


def _open_zarr(data, wanted):
    import zarr

    if isinstance(data, zarr.Group):
        have = list(data.array_keys())
        _missing("zarr group", wanted, have)
        arrays = {k: data[v] for k, v in wanted.items()}
        step = arrays["x"].chunks[0]
        n = arrays["x"].shape[0]

        def read(i, use):
            sl = slice(i * step, (i + 1) * step)
            return {k: arrays[k][sl] for k in use}

        return _Pieces("zarr group", -(-n // step) if n else 0, read, n)
    if data.ndim != 2:
        raise ValueError(
            f"Points: a zarr array must be 2-D (rows, columns), got shape {data.shape}; "
            "or pass a zarr group of 1-D columns"
        )
    index = _column_indices(wanted, data.shape[1], "zarr array")
    step = data.chunks[0]
    n = data.shape[0]

    def read(i, use):
        block = data[i * step : (i + 1) * step]
        return {k: block[:, index[k]] for k in use}

    return _Pieces("zarr array", -(-n // step) if n else 0, read, n)


def _column_indices(wanted, ncols, kind):
    defaults = {"x": 0, "y": 1}
    index = {}
    for role, name in wanted.items():
        j = (
            defaults[name]
            if isinstance(name, str) and name in defaults and role in ("x", "y")
            else name
        )
        if not isinstance(j, (int, np.integer)) or not 0 <= j < ncols:
            raise KeyError(
                f"Points: the {kind} has {ncols} columns 0..{ncols - 1}; {role} column "
                f"{name!r} is not one of them (name columns of an array by index)"
            )
        index[role] = int(j)
    return index


def _open_dask_array(data, wanted):
    index = _column_indices(wanted, data.shape[1], "Dask array")
    if len(data.chunks[1]) != 1:
        data = data.rechunk({1: -1})
    parts = list(data.to_delayed().ravel())
    columns = {k: _Take(j) for k, j in index.items()}
    return _Dask("2-D Dask array", parts, lambda: int(data.shape[0]), columns)


def _dask_columns(kind, cols):
    import dask
    import dask.array as da

    ref = next(c for c in cols.values() if is_dask(c))
    chunks = ref.chunks
    blocks = {}
    for k, c in cols.items():
        arr = c if is_dask(c) else da.from_array(np.asarray(c), chunks=chunks)
        blocks[k] = arr.rechunk(chunks).to_delayed().ravel()
    n = len(blocks["x"])
    parts = [dask.delayed(dict)(**{k: b[i] for k, b in blocks.items()}) for i in range(n)]
    columns = {k: _Key(k) for k in cols}
    return _Dask(kind, parts, lambda: int(ref.shape[0]), columns)


def _open_dask_frame(ddf, wanted):
    _missing("Dask DataFrame", wanted, ddf.columns)
    names = None
    cat = wanted.get("categories")
    if cat is not None and str(ddf[cat].dtype) == "category":
        if not ddf[cat].cat.known:
            ddf = ddf.assign(**{cat: ddf[cat].cat.as_known()})
        known = list(ddf[cat].cat.categories)
        names = lambda: known  # noqa: E731
    ddf = ddf[list(dict.fromkeys(wanted.values()))]
    parts = list(ddf.to_delayed())
    columns = {k: _Frame(v, k == "categories") for k, v in wanted.items()}
    length = {}

    def count():
        if "n" not in length:
            length["n"] = int(ddf.shape[0].compute())
        return length["n"]

    return _Dask("Dask DataFrame", parts, count, columns, names)


class _Take:
    """Column ``j`` of a 2-D block (picklable, for distributed workers)."""

    def __init__(self, j):
        self.j = j

    def __call__(self, block):
        return np.asarray(block)[:, self.j]


class _Key:
    """Item ``k`` of a dict block (picklable)."""

    def __init__(self, k):
        self.k = k

    def __call__(self, block):
        return np.asarray(block[self.k])


class _Frame:
    """Column ``name`` of a pandas partition: categorical codes, or the values (picklable)."""

    def __init__(self, name, category):
        self.name = name
        self.category = category

    def __call__(self, df):
        s = df[self.name]
        if self.category and str(s.dtype) == "category":
            return s.cat.codes.to_numpy()
        return s.to_numpy()
