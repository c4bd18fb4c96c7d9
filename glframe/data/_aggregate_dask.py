"""Aggregation on Dask: one grid per chunk or partition, merged in a tree.

Each chunk (or partition) becomes one task that runs the in-memory kernel on its
own columns and returns the reduction's state (a few grids); states are merged
pairwise up a tree of ``FAN_IN``-wide merge tasks, so only grids travel between
workers and no task ever holds more than one chunk of data. The graph runs on the
``client`` the caller gives, else on Dask's default scheduler (which is the
default ``dask.distributed`` client's, when one exists).
"""

from __future__ import annotations

import numpy as np

from ._aggregate import Spec, finalize, merge_all

FAN_IN = 8


def _chunk(spec: Spec, getter, *args) -> tuple:
    from ._aggregate_kernels import compute_state

    cols = getter(*args)
    return compute_state(spec, *cols, parallel=False)


def _merge(spec: Spec, *states) -> tuple:
    return merge_all(spec, states)


def _columns(*cols):
    return tuple(None if c is None else np.asarray(c) for c in cols)


def reduce_tasks(spec: Spec, tasks, client=None) -> np.ndarray:
    """Merge a list of delayed states in a tree, compute it, and finalize."""
    import dask

    merge = dask.delayed(_merge, pure=True)
    level = list(tasks)
    if not level:
        return finalize(spec, merge_all(spec, []))
    while len(level) > 1:
        level = [merge(spec, *level[i : i + FAN_IN]) for i in range(0, len(level), FAN_IN)]
    (root,) = level
    if client is not None:
        state = client.compute(root).result()
    else:
        (state,) = dask.compute(root)
    return finalize(spec, state)


def aggregate_dask_arrays(spec: Spec, x, y, values, categories, *, client=None) -> np.ndarray:
    """``aggregate`` for columns of which at least one is a Dask array."""
    import dask
    import dask.array as da

    cols = [x, y, values, categories]
    ref = next(c for c in cols if c is not None and hasattr(c, "__dask_graph__"))
    chunks = ref.chunks
    blocks = []
    for c in cols:
        if c is None:
            blocks.append(None)
            continue
        arr = c if hasattr(c, "__dask_graph__") else da.from_array(c, chunks=chunks)
        if arr.chunks != chunks:
            arr = arr.rechunk(chunks)
        blocks.append(arr.to_delayed().ravel())
    n = len(blocks[0])
    chunk = dask.delayed(_chunk, pure=True)
    tasks = [
        chunk(spec, _columns, *(None if b is None else b[i] for b in blocks)) for i in range(n)
    ]
    return reduce_tasks(spec, tasks, client)
