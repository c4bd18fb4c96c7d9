"""The stream store: an append-only SQLite database of logged rows (no GL).

A store is a directory holding one SQLite database, ``stream.sqlite``, in WAL
mode. Each row is keyed by ``(scope, name, index)``, where ``index`` counts the
rows of one ``(scope, name)`` from 0, and holds named numeric columns, each kept
as a typed binary blob (the numpy dtype string, the shape as JSON, the raw
bytes). ``glframe.stream`` is the public face (``Logger``, ``fetch``, ...);
docs/stream.md says why SQLite and what the format is.

Why it is safe to share:

- **Several writers.** SQLite lets one transaction write at a time; the others
  wait (``busy_timeout``) rather than fail. A flush is one ``BEGIN IMMEDIATE``
  transaction, so the indexes it takes for a ``(scope, name)`` follow those of
  every earlier flush, whichever process made it: nothing is lost or reordered.
- **Crashes.** A writer killed mid-transaction leaves an uncommitted tail in
  the WAL that the next opener discards: the store holds every committed flush
  and nothing of the killed one.
- **Readers follow.** In WAL mode readers never block writers and see a
  consistent snapshot. Every row also gets ``seq``, an ``AUTOINCREMENT`` key
  that grows with commit order and is never reused (not even after a delete),
  so "rows with ``seq`` above the last one seen" is exactly what arrived since.
  After each commit a writer rings the readers that listen (``_doorbell.py``: a
  datagram each), so that they need not look often to be quick.

The database is untrusted input when read: a column whose dtype is not
numeric, whose shape is not a list of sizes, or whose byte count does not match
its dtype and shape raises :class:`StreamStoreError` naming the row and column.
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from ._doorbell import Ringer

__all__ = ["StreamStore", "StreamStoreError", "check_key", "NUMERIC_KINDS", "FILENAME"]

#: the database's file name inside a store directory
FILENAME = "stream.sqlite"
#: written into the ``meta`` table; a store of another version is refused
FORMAT_VERSION = 1
#: numpy dtype kinds a column may have: bool, signed/unsigned int, float, complex
NUMERIC_KINDS = "biufc"
# a scope or name: no spaces, commas or semicolons (the viewer's URLs separate
# names with those), and short enough to be a label
_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-/:]{0,127}")
_COLUMN = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
# bound on a stored shape: guards the reader against absurd headers
_MAX_NDIM = 32

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rows (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    scope TEXT NOT NULL,
    name TEXT NOT NULL,
    idx INTEGER NOT NULL,
    UNIQUE (scope, name, idx)
);
CREATE INDEX IF NOT EXISTS rows_by_name_seq ON rows (scope, name, seq);
CREATE TABLE IF NOT EXISTS columns (
    row INTEGER NOT NULL,
    pos INTEGER NOT NULL,
    column TEXT NOT NULL,
    dtype TEXT NOT NULL,
    shape TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (row, pos)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS configs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    scope TEXT NOT NULL,
    config TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS configs_by_scope ON configs (scope, seq);
"""


class StreamStoreError(ValueError):
    """A store that cannot be used: malformed content, another format, a bad key."""


def check_key(value: object, what: str, owner: str) -> str:
    """``value`` if it is a valid scope or stream name, else a clear ``ValueError``.

    ``what`` says which (``"scope"``, ``"name"``), ``owner`` who asked
    (``"Logger.write"``), both for the message.
    """
    if not isinstance(value, str) or _KEY.fullmatch(value) is None:
        raise ValueError(
            f"{owner}: {what} must be a string of 1 to 128 letters, digits or '_.-/:' "
            f"starting with a letter, digit or '_', not {value!r}; "
            f"for example 'loss/train' or 'run-24'"
        )
    return value


def check_column(value: object, owner: str) -> str:
    """``value`` if it is a valid column name (an identifier), else a ``ValueError``."""
    if not isinstance(value, str) or _COLUMN.fullmatch(value) is None:
        raise ValueError(
            f"{owner}: column name {value!r} is not an identifier of at most 64 "
            f"characters; use names like 'x', 'y' or 'step_time'"
        )
    return value


# Distinct values by skipping along an index (each step one seek for the next larger
# value), where SELECT DISTINCT reads every row: a store with 60,000 rows took 12 ms
# for its scopes and names, 60 times what it took at 1,000 rows.
_DISTINCT_SCOPES = """
WITH RECURSIVE
  r(scope) AS (
    SELECT (SELECT MIN(scope) FROM rows)
    UNION ALL
    SELECT (SELECT MIN(scope) FROM rows WHERE scope > r.scope) FROM r WHERE r.scope IS NOT NULL),
  c(scope) AS (
    SELECT (SELECT MIN(scope) FROM configs)
    UNION ALL
    SELECT (SELECT MIN(scope) FROM configs WHERE scope > c.scope) FROM c
    WHERE c.scope IS NOT NULL)
SELECT scope FROM r WHERE scope IS NOT NULL
UNION SELECT scope FROM c WHERE scope IS NOT NULL
ORDER BY scope
"""
_DISTINCT_NAMES = """
WITH RECURSIVE n(name) AS (
  SELECT (SELECT MIN(name) FROM rows WHERE scope = ?)
  UNION ALL
  SELECT (SELECT MIN(name) FROM rows WHERE scope = ? AND name > n.name) FROM n
  WHERE n.name IS NOT NULL)
SELECT name FROM n WHERE name IS NOT NULL
"""


class StreamStore:
    """An open stream store (a directory with ``stream.sqlite``); thread-safe.

    Parameters
    ----------
    path
        The store's directory.
    create
        Make the directory and the database if missing (writers). Readers pass
        False, and a missing store raises ``FileNotFoundError``.
    timeout
        Seconds a write waits for another process's transaction before it
        fails with ``sqlite3.OperationalError`` ("database is locked").

    Examples
    --------
    >>> import numpy as np, tempfile
    >>> store = StreamStore(tempfile.mkdtemp())
    >>> store.append("run1", [("loss", {"y": np.float32(0.5)})])
    >>> rows, cursor = store.fetch(scope="run1")
    >>> rows[("run1", "loss", 0)]["y"]
    array(0.5, dtype=float32)
    >>> store.close()
    """

    def __init__(self, path: str | os.PathLike, *, create: bool = True, timeout: float = 30.0):
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            fix = (
                f"pass the directory holding it, {str(self.path.parent)!r}"
                if self.path.name == FILENAME
                else "pass a directory (made if missing)"
            )
            raise StreamStoreError(
                f"StreamStore: {str(self.path)!r} is a file; a store is a directory: {fix}"
            )
        database = self.path / FILENAME
        if create:
            self.path.mkdir(parents=True, exist_ok=True)
        elif not database.is_file():
            raise FileNotFoundError(
                f"StreamStore: no stream store at {str(self.path)!r} (no {FILENAME} in it); "
                f"a Logger(store={str(self.path)!r}) makes one"
            )
        # autocommit mode (isolation_level=None): transactions are begun explicitly,
        # so a flush is exactly one BEGIN IMMEDIATE ... COMMIT
        self._db = sqlite3.connect(
            database, timeout=timeout, isolation_level=None, check_same_thread=False
        )
        self._lock = threading.Lock()
        self._closed = False
        self._ringer = Ringer(self.path)  # tells the readers listening of each commit
        try:
            self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StreamStoreError(
                    f"StreamStore: {str(self.path)!r} could not be put in WAL mode "
                    f"(got {mode!r}); a store needs a local file system"
                )
            # NORMAL in WAL mode: a committed flush survives the process being
            # killed; only a power loss may drop the last few commits
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._setup(create)
        except BaseException:
            self._db.close()
            raise

    def _setup(self, create: bool) -> None:
        with self._lock:
            tables = {
                r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "meta" not in tables:
                if not create:
                    raise StreamStoreError(
                        f"StreamStore: {str(self.path / FILENAME)!r} is not a stream store "
                        f"(no meta table)"
                    )
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            self._db.execute(statement)
                    self._db.execute(
                        "INSERT OR IGNORE INTO meta VALUES ('format', ?)", (str(FORMAT_VERSION),)
                    )
                    self._db.execute("COMMIT")
                except BaseException:
                    _rollback(self._db)
                    raise
            row = self._db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
            if row is None or row[0] != str(FORMAT_VERSION):
                raise StreamStoreError(
                    f"StreamStore: {str(self.path)!r} has format {row and row[0]!r}; this "
                    f"glframe reads format {FORMAT_VERSION}: use the glframe that wrote it"
                )

    # -- writing ----------------------------------------------------------------

    def append(
        self,
        scope: str,
        rows: Iterable[tuple[str, Mapping[str, np.ndarray]]],
        configs: Iterable[str] = (),
    ) -> None:
        """Append ``rows`` (``(name, {column: array})``, in order) in one transaction.

        Each name's rows get the next indexes of ``(scope, name)``. ``configs``
        (JSON texts) are stored for ``scope`` in the same transaction. Arrays
        must be numeric (checked); they are stored in their own byte order.
        """
        check_key(scope, "scope", "StreamStore.append")
        encoded = []
        checked: set[str] = set()  # names and columns repeat: check each text once
        shapes: dict[tuple[int, ...], str] = {}
        for name, columns in rows:
            if not isinstance(name, str) or name not in checked:
                checked.add(check_key(name, "name", "StreamStore.append"))
            cols = []
            for column, array in columns.items():
                if not isinstance(column, str) or ("." + column) not in checked:
                    check_column(column, f"StreamStore.append({name!r})")
                    checked.add("." + column)  # "." cannot start a name: no clash
                array = np.asarray(array)
                if array.dtype.kind not in NUMERIC_KINDS:
                    raise TypeError(
                        f"StreamStore.append({name!r}): column {column!r} has dtype "
                        f"{array.dtype}, not a numeric one (bool, int, float, complex)"
                    )
                shape = shapes.get(array.shape)
                if shape is None:
                    shape = shapes[array.shape] = json.dumps(list(array.shape))
                data = np.ascontiguousarray(array).data
                cols.append((len(cols), column, array.dtype.str, shape, data))
            encoded.append((name, cols))
        configs = [(scope, text) for text in configs]
        with self._lock:
            self._check_open()
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                # the write lock is ours until COMMIT: number the rows here (seq after
                # the largest ever given, as AUTOINCREMENT would; idx after the name's
                # last) and insert them all with two executemany calls
                top = db.execute("SELECT seq FROM sqlite_sequence WHERE name='rows'").fetchone()
                seq = top[0] if top else 0
                following: dict[str, int] = {}
                row_records, column_records = [], []
                for name, cols in encoded:
                    index = following.get(name)
                    if index is None:
                        last = db.execute(
                            "SELECT MAX(idx) FROM rows WHERE scope=? AND name=?", (scope, name)
                        ).fetchone()[0]
                        index = 0 if last is None else last + 1
                    following[name] = index + 1
                    seq += 1
                    row_records.append((seq, scope, name, index))
                    column_records += [(seq, *col) for col in cols]
                db.executemany("INSERT INTO rows VALUES (?, ?, ?, ?)", row_records)
                db.executemany("INSERT INTO columns VALUES (?, ?, ?, ?, ?, ?)", column_records)
                db.executemany("INSERT INTO configs (scope, config) VALUES (?, ?)", configs)
                db.execute("COMMIT")
            except BaseException:
                _rollback(db)
                raise
            self._ringer.ring()

    def delete(self, scope: str) -> int:
        """Remove every row and config of ``scope``; the number of rows removed."""
        check_key(scope, "scope", "StreamStore.delete")
        with self._lock:
            self._check_open()
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute(
                    "DELETE FROM columns WHERE row IN (SELECT seq FROM rows WHERE scope=?)",
                    (scope,),
                )
                count = db.execute("DELETE FROM rows WHERE scope=?", (scope,)).rowcount
                db.execute("DELETE FROM configs WHERE scope=?", (scope,))
                db.execute("COMMIT")
            except BaseException:
                _rollback(db)
                raise
            self._ringer.ring()
        return count

    # -- reading ----------------------------------------------------------------

    def data_version(self) -> int:
        """A number that changes whenever another connection commits (a flush of any
        writer, in any process); SQLite's ``PRAGMA data_version``, a few microseconds:
        a reader polls this often and reads the rows only when it moved."""
        with self._lock:
            self._check_open()
            return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def scopes(self) -> list[str]:
        """The scopes with rows or a config, sorted. O(scopes), not O(rows): a viewer
        asks at every poll, while the store grows for hours."""
        return self._query(_DISTINCT_SCOPES, ())

    def names(self, scope: str) -> list[str]:
        """The names logged in ``scope``, sorted (O(names), as :meth:`scopes`)."""
        check_key(scope, "scope", "StreamStore.names")
        return self._query(_DISTINCT_NAMES, (scope, scope))

    def config(self, scope: str) -> dict | None:
        """The last config written for ``scope`` (a dict), or None if none was."""
        check_key(scope, "scope", "StreamStore.config")
        texts = self._query(
            "SELECT config FROM configs WHERE scope=? ORDER BY seq DESC LIMIT 1", (scope,)
        )
        if not texts:
            return None
        try:
            config = json.loads(texts[0])
        except (TypeError, ValueError) as exc:
            raise StreamStoreError(
                f"StreamStore: the config of scope {scope!r} is not valid JSON ({exc})"
            ) from None
        if not isinstance(config, dict):
            raise StreamStoreError(
                f"StreamStore: the config of scope {scope!r} is a {type(config).__name__}, "
                f"not a JSON object"
            )
        return config

    def fetch(
        self, scope: str | None = None, name: str | None = None, since: int | None = None
    ) -> tuple[dict[tuple[str, str, int], dict[str, np.ndarray]], int]:
        """Rows (of ``scope`` and ``name`` where given) committed after cursor ``since``.

        Returns ``(rows, cursor)``: ``rows`` maps ``(scope, name, index)`` to
        ``{column: array}`` in commit order (within a ``(scope, name)``, index
        order); ``cursor`` is passed as ``since`` to get only what arrives next.
        Arrays are read-only views of the stored bytes.
        """
        keys = "r.scope, r.name, r.idx"
        records, cursor = self._select("StreamStore.fetch", scope, name, since, keys)
        rows: dict[tuple[str, str, int], dict[str, np.ndarray]] = {}
        decode = _Decoder()
        for scope_, name_, index, column, dtype, shape, data in records:
            key = (scope_, name_, index)
            columns = rows.setdefault(key, {})
            if column in columns:
                raise _bad(key, column, "the column appears twice in the row")
            columns[column] = decode(key, column, dtype, shape, data)
        return rows, cursor

    def fetch_columns(
        self, scope: str, name: str, since: int | None = None
    ) -> tuple[dict[str, np.ndarray], np.ndarray, int]:
        """One name's rows after cursor ``since``, each column joined along its first axis.

        Returns ``(columns, indexes, cursor)``: ``columns`` maps each column to
        one array, its rows' values concatenated in index order (a scalar counts
        as one item: scalar rows give shape ``(n,)``, rows of ``(k_i, 2)`` give
        ``(sum k_i, 2)``); ``indexes`` holds the rows' indexes; ``cursor`` as in
        :meth:`fetch`. Every row must have the same columns, each of one dtype
        and one item shape, else a ``ValueError`` says which row differs.
        For many small rows about twice as fast as :meth:`fetch` (one array a
        column, not one a row).
        """
        owner = "StreamStore.fetch_columns"
        check_key(scope, "scope", owner)
        check_key(name, "name", owner)
        records, cursor = self._select(owner, scope, name, since, "r.idx")
        decoder = _Decoder()
        known: dict[tuple, tuple[int, tuple]] = {}  # (dtype, shape): (bytes, kind), checked
        indexes: list[int] = []
        parts: dict[str, list[bytes]] = {}
        kinds: dict[str, tuple[str, tuple[int, ...]]] = {}  # column: (dtype, item shape)
        order: list[str] = []  # the first row's columns, in written order
        last, seen = None, 0
        for index, column, dtype, shape, data in records:
            if index != last:
                if last is not None and seen != len(order):
                    raise _differs((scope, name, index), last, order, seen)
                indexes.append(index)
                last, seen = index, 0
            # the hot loop: a full check only for a (dtype, shape) not seen yet
            info = known.get((dtype, shape))
            if info is None or type(data) is not bytes or len(data) != info[0]:
                dt, dims = decoder.check((scope, name, index), column, dtype, shape, data)
                info = known[(dtype, shape)] = (len(data), (dtype, dims[1:] if dims else ()))
            kind = info[1]
            if len(indexes) == 1:
                if column in kinds:
                    raise _bad((scope, name, index), column, "the column appears twice in the row")
                kinds[column] = kind
                order.append(column)
                parts[column] = []
            elif seen >= len(order) or order[seen] != column or kinds[column] != kind:
                key = (scope, name, index)
                dt, dims = decoder.check(key, column, dtype, shape, data)
                want = kinds.get(column)
                raise ValueError(
                    f"{owner}: row {key} column {column!r} is {dt} of shape {dims}, but the "
                    + (
                        f"first row's is {np.dtype(want[0])} with items of shape {want[1]}"
                        if want and seen < len(order) and order[seen] == column
                        else f"first row's columns are {order}"
                    )
                    + "; rows that differ cannot be joined: read them with fetch()"
                )
            parts[column].append(data)
            seen += 1
        if last is not None and seen != len(order):
            raise _differs((scope, name, last), last, order, seen)
        columns = {}
        for column in order:
            dtype, item = kinds[column]
            joined = np.frombuffer(b"".join(parts[column]), dtype=np.dtype(dtype))
            columns[column] = joined.reshape((-1, *item))
        return columns, np.asarray(indexes, dtype=np.int64), cursor

    def _select(
        self, owner: str, scope: str | None, name: str | None, since: int | None, keys: str
    ) -> tuple[list[tuple], int]:
        """The column records after ``since`` and the cursor, from one read snapshot.

        A record is the ``keys`` (SQL on ``rows r``) then column, dtype, shape, data.
        """
        where, args = [], []
        if scope is not None:
            where.append("r.scope = ?")
            args.append(check_key(scope, "scope", owner))
        if name is not None:
            where.append("r.name = ?")
            args.append(check_key(name, "name", owner))
        if since is not None:
            if isinstance(since, bool) or not isinstance(since, (int, np.integer)) or since < 0:
                raise ValueError(
                    f"{owner}: since must be a cursor (an int >= 0) returned by an "
                    f"earlier fetch, not {since!r}"
                )
            where.append("r.seq > ?")
            args.append(int(since))
        sql = (
            f"SELECT {keys}, c.column, c.dtype, c.shape, c.data "
            "FROM rows r JOIN columns c ON c.row = r.seq"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY r.seq, c.pos"
        )
        with self._lock:
            self._check_open()
            # one read transaction: the rows and the cursor come from the same snapshot
            self._db.execute("BEGIN")
            try:
                records = self._db.execute(sql, args).fetchall()
                top = self._db.execute("SELECT seq FROM sqlite_sequence WHERE name='rows'")
                top = top.fetchone()
            finally:
                self._db.execute("COMMIT")
        return records, max(int(since or 0), top[0] if top else 0)

    def _query(self, sql: str, args: tuple) -> list:
        with self._lock:
            self._check_open()
            return [r[0] for r in self._db.execute(sql, args)]

    # -- lifetime ---------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"StreamStore {str(self.path)!r} is closed")

    def close(self) -> None:
        """Close the database connection (idempotent)."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()
                self._ringer.close()

    def __enter__(self) -> StreamStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"StreamStore({str(self.path)!r})"


def _rollback(db: sqlite3.Connection) -> None:
    """Undo the open transaction, if SQLite has not already (so the first error shows)."""
    if db.in_transaction:
        db.execute("ROLLBACK")


class _Decoder:
    """Stored columns as arrays, every field checked; dtype and shape texts parsed once."""

    def __init__(self) -> None:
        self.dtypes: dict[str, np.dtype] = {}
        self.shapes: dict[str, tuple[int, ...]] = {}

    def check(
        self, key: tuple, column: object, dtype: object, shape: object, data: object
    ) -> tuple[np.dtype, tuple[int, ...]]:
        """The record's dtype and shape, once its fields are checked against each other."""
        dt = self.dtypes.get(dtype) if isinstance(dtype, str) else None
        dims = self.shapes.get(shape) if isinstance(shape, str) else None
        if dt is None or dims is None or not isinstance(data, bytes):
            dt, dims = self._parse(key, column, dtype, shape, data)
        if math.prod(dims) * dt.itemsize != len(data):
            raise _bad(key, column, f"{len(data)} bytes do not hold shape {dims} of {dt}")
        return dt, dims

    def __call__(
        self, key: tuple, column: object, dtype: object, shape: object, data: object
    ) -> np.ndarray:
        dt, dims = self.check(key, column, dtype, shape, data)
        return np.frombuffer(data, dtype=dt).reshape(dims)

    def _parse(self, key, column, dtype, shape, data) -> tuple[np.dtype, tuple[int, ...]]:
        if not isinstance(dtype, str) or not isinstance(shape, str) or not isinstance(data, bytes):
            raise _bad(key, column, "a field has the wrong SQL type")
        try:
            dt = np.dtype(dtype)
        except TypeError:
            raise _bad(key, column, f"dtype {dtype[:40]!r} is not a numpy dtype") from None
        if dt.kind not in NUMERIC_KINDS or dt.fields is not None or dt.subdtype is not None:
            raise _bad(key, column, f"dtype {dtype[:40]!r} is not numeric")
        try:
            dims = json.loads(shape)
        except ValueError:
            dims = None
        if (
            not isinstance(dims, list)
            or len(dims) > _MAX_NDIM
            or not all(type(d) is int and d >= 0 for d in dims)
        ):
            raise _bad(key, column, f"shape {shape[:40]!r} is not a list of sizes")
        self.dtypes[dtype] = dt
        self.shapes[shape] = tuple(dims)
        return dt, tuple(dims)


def _differs(key: tuple, index: int, order: list[str], seen: int) -> ValueError:
    return ValueError(
        f"StreamStore.fetch_columns: row {key[:2] + (index,)} has {seen} of the columns "
        f"{order} of the first row; rows that differ cannot be joined: read them with fetch()"
    )


def _bad(key: tuple, column: object, why: str) -> StreamStoreError:
    return StreamStoreError(
        f"stream store row {key} column {column!r}: {why}; the store is damaged or "
        f"was written by something else: delete this scope or restore the file"
    )
