"""Reading a stream store: scopes, names, rows (all or those since a cursor), configs.

Each function takes the store's directory (opened for the call, never created)
or an open :class:`glframe.data.StreamStore` (reused: better for a reader that
polls). Readers never block writers: the store is SQLite in WAL mode, so a
fetch sees the flushes committed when it began, and a later fetch with
``since=rows.cursor`` gets exactly the rows committed after those.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..data import StreamStore

__all__ = ["Rows", "Columns", "scopes", "names", "fetch", "fetch_columns", "config", "delete"]


class Rows(dict):
    """``{(scope, name, index): {column: ndarray}}``, in commit order, plus a ``cursor``.

    ``fetch(store, ..., since=rows.cursor)`` returns only the rows committed
    after this fetch: that is how a viewer follows a growing store. Arrays are
    read-only views of the stored bytes (``.copy()`` one to change it).
    """

    cursor: int

    def __init__(self, rows: dict, cursor: int) -> None:
        super().__init__(rows)
        self.cursor = cursor

    def __repr__(self) -> str:
        return f"Rows({len(self)} rows, cursor={self.cursor})"


class Columns(dict):
    """``{column: ndarray}``: one name's rows joined per column, plus ``indexes`` and ``cursor``.

    Each column holds its rows' values concatenated along the first axis, in
    index order (a scalar row counts as one item). ``indexes`` are the rows'
    indexes; ``fetch_columns(store, scope, name, since=columns.cursor)`` returns
    only the rows committed after this fetch.
    """

    cursor: int
    indexes: np.ndarray

    def __init__(self, columns: dict, indexes: np.ndarray, cursor: int) -> None:
        super().__init__(columns)
        self.indexes, self.cursor = indexes, cursor

    def __repr__(self) -> str:
        shapes = ", ".join(f"{c}: {a.shape}" for c, a in self.items())
        return f"Columns({len(self.indexes)} rows; {shapes}; cursor={self.cursor})"


@contextmanager
def _opened(store: str | os.PathLike | StreamStore, owner: str):
    if isinstance(store, StreamStore):
        yield store
    elif isinstance(store, (str, os.PathLike)):
        opened = StreamStore(store, create=False)
        try:
            yield opened
        finally:
            opened.close()
    else:
        raise TypeError(
            f"{owner}: store must be a directory path or a StreamStore, not {type(store).__name__}"
        )


def _call(store: Any, owner: str, method: Callable[[StreamStore], Any]) -> Any:
    with _opened(store, owner) as opened:
        return method(opened)


def scopes(store: str | os.PathLike | StreamStore) -> list[str]:
    """The scopes in ``store`` (those with rows or a config), sorted."""
    return _call(store, "stream.scopes", lambda s: s.scopes())


def names(store: str | os.PathLike | StreamStore, scope: str) -> list[str]:
    """The names logged in ``scope``, sorted."""
    return _call(store, "stream.names", lambda s: s.names(scope))


def fetch(
    store: str | os.PathLike | StreamStore,
    scope: str | None = None,
    name: str | None = None,
    since: int | None = None,
) -> Rows:
    """The rows of ``scope`` and ``name`` (all where None), after cursor ``since``.

    Returns a :class:`Rows` dict ``{(scope, name, index): {column: ndarray}}``;
    its ``cursor`` is the ``since`` of the next call to get only newer rows.

    Examples
    --------
    >>> import tempfile
    >>> from glframe import stream
    >>> runs = tempfile.mkdtemp()
    >>> with stream.Logger("a", runs, flush_every=None) as log:
    ...     log.write("y", v=1)
    >>> rows = stream.fetch(runs)
    >>> list(rows)
    [('a', 'y', 0)]
    >>> with stream.Logger("a", runs, flush_every=None) as log:
    ...     log.write("y", v=2)
    >>> list(stream.fetch(runs, since=rows.cursor))
    [('a', 'y', 1)]
    """
    rows, cursor = _call(store, "stream.fetch", lambda s: s.fetch(scope, name, since))
    return Rows(rows, cursor)


def fetch_columns(
    store: str | os.PathLike | StreamStore,
    scope: str,
    name: str,
    since: int | None = None,
) -> Columns:
    """One name's rows after cursor ``since``, as one array per column (a :class:`Columns`).

    What a plot appends: scalar rows (``write("loss", step=i, value=v)``) give
    arrays of shape ``(n,)``; rows of ``k_i`` points give ``(sum k_i, ...)``.
    Every row must have the columns of the first, each with one dtype and one
    item shape (else a ``ValueError`` names the row; use :func:`fetch`). For
    many small rows about twice as fast as :func:`fetch` (SQLite's reading of
    the records is then most of the time).

    Examples
    --------
    >>> import tempfile
    >>> from glframe import stream
    >>> runs = tempfile.mkdtemp()
    >>> with stream.Logger("a", runs, flush_every=None) as log:
    ...     for step in range(3):
    ...         log.write("loss", step=step, value=0.5 * step)
    >>> cols = stream.fetch_columns(runs, "a", "loss")
    >>> cols["value"], cols.indexes
    (array([0. , 0.5, 1. ]), array([0, 1, 2]))
    """
    columns, indexes, cursor = _call(
        store, "stream.fetch_columns", lambda s: s.fetch_columns(scope, name, since)
    )
    return Columns(columns, indexes, cursor)


def config(store: str | os.PathLike | StreamStore, scope: str) -> dict | None:
    """The config last written for ``scope`` by ``Logger.write_config``, or None."""
    return _call(store, "stream.config", lambda s: s.config(scope))


def delete(store: str | os.PathLike | StreamStore, scope: str) -> int:
    """Remove ``scope``'s rows and configs from ``store``; the number of rows removed."""
    return _call(store, "stream.delete", lambda s: s.delete(scope))
