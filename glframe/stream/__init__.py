"""glframe.stream: log numbers from any program into a store that viewers follow.

``Logger(scope=, store="runs/")`` buffers ``write(name, **columns)`` calls and
flushes them in the background into a stream store (a directory holding a
SQLite database in WAL mode, ``glframe.data.StreamStore``); several processes
may log into one store at once, and readers follow it while it grows:
``scopes``, ``names``, ``fetch`` (all rows, or those since a cursor),
``fetch_columns`` (one name's rows joined into one array per column),
``config`` and ``delete``; ``view(store, names=..., rows=...)``: a live
``glframe.plot`` Figure following the store. No GL is imported here (a view
imports it when made). ``Logger(scope=, address="host:port", token=)`` sends
the rows to a stream server instead (remote producers: HTTP from the flush
thread, standard library only). ``python -m glframe stream serve STORE``
serves the store's index and live plot pages, laid out by URL, to browsers
(``_serve.py``; GL imported only when a page opens). See docs/stream.md.
"""

from ..data import StreamStore, StreamStoreError
from ._logger import Logger
from ._read import Columns, Rows, config, delete, fetch, fetch_columns, names, scopes
from ._view import view

__all__ = [
    "Columns",
    "Logger",
    "Rows",
    "StreamStore",
    "StreamStoreError",
    "config",
    "delete",
    "fetch",
    "fetch_columns",
    "names",
    "scopes",
    "view",
]
