"""``Logger``: buffered writes of named numeric columns into a stream store.

``write`` only checks the columns and appends them to an in-memory buffer, so a
producer never waits on the store, on other writers or on readers; a daemon
thread hands the buffer to the store every ``flush_every`` seconds, and
``flush()``, ``close()``, the ``with``/``async with`` exit, garbage collection
(``weakref.finalize``: the thread and the finalizer hold the buffer and the
store, never the logger) and interpreter exit (an ``atexit`` hook that waits for
the flush threads) flush what is left. The last flush of a logger with a thread
runs in that thread: a finalizer may be called by garbage collection inside any
thread, holding any lock, so it only signals.

Arrays from other libraries are kept as given and converted at the flush:
an object with ``__dlpack__`` is read with ``numpy.from_dlpack``, one with
``__array__`` with ``numpy.asarray``; if both fail, they are tried again on its
``detach()`` and then its ``cpu()`` (where it has them: torch's names). So a GPU tensor
is copied to the host once per flush, not once per write, and torch or jax is
never imported here. The logger keeps a reference until then: an array
changed in place before the flush is stored as it is at the flush.

Errors a flush meets in the background (a column that converts to something
non-numeric, the store refusing a write) are raised by the next ``write``,
``flush`` or ``close`` in the producer's thread. A row that cannot be converted
is dropped; rows the store refused are kept for the next flush.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import math
import os
import threading
import warnings
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..data import StreamStore
from ..data._store import NUMERIC_KINDS, check_column, check_key
from ._wire import check_lengths

__all__ = ["Logger"]

_PLAIN = (bool, int, float, complex, np.generic)


class _Foreign:
    """A column given as another library's array, converted at the flush."""

    __slots__ = ("value", "shape")

    def __init__(self, value: Any, shape: tuple[int, ...] | None) -> None:
        self.value, self.shape = value, shape


def _shape_of(value: Any) -> tuple[int, ...] | None:
    """The ``shape`` attribute of a foreign array as ints, or None when it has none."""
    try:
        return tuple(int(d) for d in value.shape)
    except (AttributeError, TypeError, ValueError):
        return None


def _numeric(array: np.ndarray, owner: str, column: str, value: Any) -> np.ndarray:
    if array.dtype.kind not in NUMERIC_KINDS:
        text = repr(value)
        text = text if len(text) <= 60 else text[:57] + "..."
        raise TypeError(
            f"{owner}: column {column!r} must be numeric (bool, int, float, complex or an "
            f"array of them), not {text} (dtype {array.dtype}); log text with write_config"
        )
    return array


def _take(owner: str, column: str, value: Any) -> np.ndarray | _Foreign:
    """What ``write`` keeps for one column: a private numpy copy, or the foreign object."""
    if isinstance(value, np.ndarray):
        return _numeric(np.array(value, copy=True), owner, column, value)
    if isinstance(value, _PLAIN):
        return _numeric(np.asarray(value), owner, column, value)
    if hasattr(value, "__dlpack__") or hasattr(value, "__array__"):
        return _Foreign(value, _shape_of(value))
    if isinstance(value, (list, tuple)):
        try:
            array = np.asarray(value)
        except ValueError:
            raise ValueError(
                f"{owner}: column {column!r} is a ragged sequence (its items differ in "
                f"length); give equal-length items, or log each as its own write"
            ) from None
        return _numeric(array, owner, column, value)
    return _numeric(np.asarray(value, dtype=object), owner, column, value)


def _convert(value: Any) -> np.ndarray:
    """A foreign array on the host as numpy (the device-to-host copy happens here).

    The object itself first (DLPack, then ``__array__``); where both fail, its
    ``detach()`` (a torch tensor that requires grad) and then ``cpu()`` (one
    on a GPU), where it has them.
    """
    failures: list[str] = []
    candidate = value
    for method in (None, "detach", "cpu"):
        if method is not None:
            call = getattr(candidate, method, None)
            if not callable(call):
                continue
            try:
                candidate = call()
            except Exception as exc:
                failures.append(f"{method}(): {exc}")
                break
        if hasattr(candidate, "__dlpack__") and hasattr(candidate, "__dlpack_device__"):
            try:
                return np.from_dlpack(candidate)
            except Exception as exc:
                failures.append(f"from_dlpack: {exc}")
        if hasattr(candidate, "__array__"):
            try:
                return np.asarray(candidate)
            except Exception as exc:
                failures.append(f"__array__: {exc}")
    raise TypeError("could not be read as a numpy array (" + "; ".join(failures) + ")")


class _Buffer:
    """A logger's buffer, shared with its flush thread and finalizer; subclasses deliver it."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        self.rows: list[tuple[str, dict[str, Any]]] = []
        self.configs: list[str] = []
        self.buffer_lock = threading.Lock()  # held only to append or swap the buffer
        self.flush_lock = threading.Lock()  # one flush at a time: keeps the order
        self.error: BaseException | None = None
        self.finish_lock = threading.Lock()
        self.finished = False
        self.sent = 0  # rows stored (or acknowledged by the server)

    def take(self) -> tuple[list[tuple[str, dict[str, np.ndarray]]], list[str]]:
        """Swap the buffer out; its foreign arrays converted (rows that fail dropped)."""
        with self.buffer_lock:
            batch, self.rows = self.rows, []
            configs, self.configs = self.configs, []
        ready = []
        for name, columns in batch:
            if not any(type(v) is _Foreign for v in columns.values()):
                ready.append((name, columns))  # numpy only: checked by write()
                continue
            owner = f"Logger({self.scope!r}).write({name!r})"
            try:
                arrays = {}
                for column, value in columns.items():
                    if isinstance(value, _Foreign):
                        try:
                            array = _convert(value.value)
                        except TypeError as exc:
                            raise TypeError(f"{owner}: column {column!r} {exc}") from None
                        value = _numeric(array, owner, column, value.value)
                    arrays[column] = value
                check_lengths(owner, {c: a.shape for c, a in arrays.items()})
            except (TypeError, ValueError) as exc:
                self._fail(exc)  # this row is dropped; the others are stored
                continue
            ready.append((name, arrays))
        return ready, configs

    def pending(self) -> int:
        """Rows written and not yet stored (or acknowledged)."""
        return len(self.rows)

    def _fail(self, exc: BaseException) -> None:
        if self.error is None:  # the first one tells the story
            self.error = exc

    def take_error(self) -> BaseException | None:
        error, self.error = self.error, None
        return error


class _Sink(_Buffer):
    """The buffer of a logger writing into a store on this machine."""

    def __init__(self, store: StreamStore, owned: bool, scope: str) -> None:
        super().__init__(scope)
        self.store, self.owned = store, owned

    def flush(self, explicit: bool = False) -> None:
        """Hand everything buffered so far to the store; failures go to ``self.error``."""
        with self.flush_lock:
            ready, configs = self.take()
            if not ready and not configs:
                return
            try:
                self.store.append(self.scope, ready, configs)
            except Exception as exc:
                with self.buffer_lock:  # kept, converted, in front of newer writes
                    self.rows[:0] = ready
                    self.configs[:0] = configs
                self._fail(exc)
            else:
                self.sent += len(ready)

    def finish(self) -> None:
        """The last flush, then the store closed (if the logger opened it)."""
        try:
            self.flush()
        finally:
            if self.owned:
                self.store.close()


# Every logger not yet finished: its sink, stop event and flush thread. The exit hook
# finishes them all; an entry leaves when its logger is finished.
_LIVE: dict[int, tuple[_Buffer, threading.Event, threading.Thread | None]] = {}
_LIVE_LOCK = threading.Lock()


def _finish(sink: _Buffer) -> None:
    """The sink's last flush (then its store or connection closed); once."""
    with sink.finish_lock:
        if sink.finished:
            return
        sink.finished = True
        try:
            sink.finish()
        finally:
            with _LIVE_LOCK:
                _LIVE.pop(id(sink), None)


def _flush_loop(sink: _Buffer, stop: threading.Event, every: float) -> None:
    while not stop.wait(every):
        sink.flush()
    _finish(sink)  # in this thread, whoever asked: never under someone else's lock


def _finalize(sink: _Buffer, stop: threading.Event, thread: threading.Thread | None) -> None:
    """The logger is closed or collected: its flush thread finishes it (or, with no
    thread, this call). Holds no reference to the logger; never waits for the thread,
    since garbage collection may run this inside any thread, holding any lock."""
    stop.set()
    if thread is None:
        _finish(sink)


@atexit.register
def _finish_all() -> None:
    """At interpreter exit, before daemon threads stop: flush every logger left open."""
    with _LIVE_LOCK:
        live = list(_LIVE.values())
    for sink, stop, thread in live:
        stop.set()
        if thread is None:
            _finish(sink)
        else:
            thread.join()


class Logger:
    """Log named numeric columns into a stream store, flushed in the background.

    Parameters
    ----------
    scope
        What these rows belong to (a run, an experiment): letters, digits and
        ``_.-/:``, up to 128 characters.
    store
        The store's directory (made if missing; ``"runs/"`` when neither
        ``store`` nor ``address`` is given), or an open
        :class:`glframe.data.StreamStore` (shared; not closed by the logger).
    address
        Instead of ``store``: a running stream server's ``"host:port"`` (or
        ``"http(s)://host:port/prefix"``), for a producer on another machine
        (``python -m glframe stream serve``). Each flush is sent as one HTTP
        POST from the flush thread; see docs/stream.md, "Remote producers".
    token
        The server's token (with ``address``), sent in an ``Authorization``
        header; a server on any address but loopback requires it.
    flush_every
        Seconds between background flushes; None: flush only on ``flush()``,
        ``close()`` and exit.
    timeout
        With ``address``: seconds one request may take, and how long
        ``close()`` keeps trying to send what is left.
    max_unsent
        With ``address``: bytes of rows kept while the server is unreachable;
        past it the oldest are dropped (counted in :attr:`lost`, warned).
    max_request
        With ``address``: the largest request body sent, in bytes (a flush
        above it goes as several requests, in order); keep it under the
        server's limit (64 MiB by default).

    Examples
    --------
    >>> import numpy as np, tempfile
    >>> from glframe import stream
    >>> runs = tempfile.mkdtemp()
    >>> with stream.Logger(scope="run24", store=runs) as log:
    ...     log.write_config({"lr": 0.1})
    ...     for step in range(3):
    ...         log.write("loss", step=step, value=1.0 / (step + 1))
    ...     log.write("cloud", x=np.zeros(10), y=np.ones(10))
    >>> stream.names(runs, "run24")
    ['cloud', 'loss']
    >>> float(stream.fetch(runs, "run24", "loss")[("run24", "loss", 2)]["value"])
    0.3333333333333333

    On another machine, to a running ``python -m glframe stream serve runs/``:

    >>> log = stream.Logger("run24", address="gpu-box:8766", token=TOKEN)  # doctest: +SKIP
    >>> log.write("loss", step=3, value=0.25)                              # doctest: +SKIP
    >>> log.close()   # the rows that could not be sent                    # doctest: +SKIP
    0
    """

    def __init__(
        self,
        scope: str,
        store: str | os.PathLike | StreamStore | None = None,
        *,
        address: str | None = None,
        token: str | None = None,
        flush_every: float | None = 1.0,
        timeout: float = 10.0,
        max_unsent: int = 256 * 2**20,
        max_request: int = 16 * 2**20,
    ) -> None:
        check_key(scope, "scope", "Logger")
        owner = f"Logger({scope!r})"
        if flush_every is not None:
            _check_positive(owner, "flush_every", flush_every, "or None (no background flushing)")
        _check_positive(owner, "timeout", timeout)
        for what, value in (("max_unsent", max_unsent), ("max_request", max_request)):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"{owner}: {what} must be a number of bytes > 0, not {value!r}")
        if address is not None:
            if store is not None:
                raise ValueError(
                    f"{owner}: give store= (a directory on this machine) or address= (a "
                    f"stream server's 'host:port'), not both"
                )
            if token is not None and (
                not isinstance(token, str)
                or not token.isascii()
                or not token.isprintable()
                or not token
                or any(c.isspace() for c in token)
            ):
                raise ValueError(
                    f"{owner}: token must be a non-empty string of printable ASCII without "
                    f"spaces (the server prints it), not {token!r}"
                )
            from ._remote import RemoteSink  # only producers that send need it

            sink: _Buffer = RemoteSink(
                scope,
                address,
                token,
                timeout=float(timeout),
                max_unsent=max_unsent,
                max_request=max_request,
            )
        else:
            if token is not None:
                raise ValueError(
                    f"{owner}: token= goes with address= (a stream server); a store "
                    f"directory needs none"
                )
            store = "runs/" if store is None else store
            if isinstance(store, StreamStore):
                sink = _Sink(store, False, scope)
            elif isinstance(store, (str, os.PathLike)):
                sink = _Sink(StreamStore(store), True, scope)
            else:
                raise TypeError(
                    f"{owner}: store must be a directory path or a StreamStore, "
                    f"not {type(store).__name__}"
                )
        self.scope = scope
        self.flush_every = flush_every
        self._sink = sink
        self._stop = threading.Event()
        self._thread = None
        if flush_every is not None:
            self._thread = threading.Thread(
                target=_flush_loop,
                args=(self._sink, self._stop, float(flush_every)),
                name=f"glframe.stream.Logger({scope})",
                daemon=True,  # exit is not held up by it: the exit hook finishes it
            )
        with _LIVE_LOCK:
            _LIVE[id(self._sink)] = (self._sink, self._stop, self._thread)
        if self._thread is not None:
            self._thread.start()
        # a finalizer, not __del__: it holds only the sink, so the logger can be collected
        self._closer = weakref.finalize(self, _finalize, self._sink, self._stop, self._thread)
        self._closer.atexit = False  # _finish_all does it, waiting for the thread

    @property
    def store(self) -> Path | None:
        """The store's directory (None for a logger sending to a server)."""
        return self._sink.store.path if isinstance(self._sink, _Sink) else None

    @property
    def address(self) -> str | None:
        """The stream server's address (None for a logger writing into a store)."""
        return getattr(self._sink, "address", None)

    @property
    def sent(self) -> int:
        """Rows stored so far (for ``address=``: acknowledged by the server)."""
        return self._sink.sent

    @property
    def unsent(self) -> int:
        """Rows written and not yet stored (buffered, or waiting for the server)."""
        return self._sink.pending()

    @property
    def lost(self) -> int:
        """Rows that will never be stored: dropped past ``max_unsent``, refused by the
        server, or of a dtype that cannot be sent (``address=`` only; else 0)."""
        return getattr(self._sink, "lost", 0)

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called (or the logger was finalized)."""
        return not self._closer.alive

    def _raise_pending(self) -> None:
        error = self._sink.take_error()
        if error is not None:
            raise error

    def write(self, name: str, **columns: Any) -> None:
        """Buffer one row of ``name``: columns of numbers or arrays; never waits on I/O.

        Each column is a scalar, a numpy array, a (regular) nested sequence, or
        an object with ``__array__`` or ``__dlpack__`` (kept as is until the
        flush). The arrays of one write have the same length (first axis);
        scalars may sit beside them. The row gets the next index of
        ``(scope, name)`` when it is flushed.
        """
        owner = f"Logger({self.scope!r}).write({name!r})"
        if self.closed:
            raise RuntimeError(f"{owner}: the logger is closed; make a new Logger")
        self._raise_pending()
        check_key(name, "name", f"Logger({self.scope!r}).write")
        if not columns:
            raise TypeError(f"{owner}: no columns; pass them by name, e.g. write({name!r}, y=0.5)")
        kept = {}
        for column, value in columns.items():
            check_column(column, owner)
            kept[column] = _take(owner, column, value)
        check_lengths(owner, {c: v.shape for c, v in kept.items()})
        with self._sink.buffer_lock:
            self._sink.rows.append((name, kept))

    def write_config(self, config: Mapping[str, Any]) -> None:
        """Buffer ``config`` (a JSON-serializable mapping) as this scope's config.

        The last one written is what ``stream.config(store, scope)`` returns.
        """
        owner = f"Logger({self.scope!r}).write_config"
        if self.closed:
            raise RuntimeError(f"{owner}: the logger is closed; make a new Logger")
        self._raise_pending()
        if not isinstance(config, Mapping):
            raise TypeError(f"{owner}: config must be a mapping, not {type(config).__name__}")
        try:
            text = json.dumps(dict(config), allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{owner}: the config must be JSON (str keys; str, number, bool, None, list, "
                f"dict values; no NaN): {exc}"
            ) from None
        with self._sink.buffer_lock:
            self._sink.configs.append(text)

    def flush(self) -> None:
        """Store everything written so far (in this thread); raises a pending error.

        With ``address``: sends it now; an unreachable server raises
        ``ConnectionError`` (the rows are kept and sent again later).
        """
        if not self.closed:
            self._sink.flush(explicit=True)
        self._raise_pending()

    def close(self) -> int:
        """Flush, stop the flush thread and close the store (idempotent).

        With ``address``, the last flush keeps trying for ``timeout`` seconds;
        returns the number of rows that could not be sent (warned), else 0.
        """
        self._closer()
        if self._thread is not None:
            self._thread.join()  # it does the last flush
        unsent = getattr(self._sink, "unsent_at_close", 0)
        if unsent and not getattr(self._sink, "told", False):
            self._sink.told = True
            warnings.warn(
                f"Logger({self.scope!r}).close: {unsent} rows could not be sent to the stream "
                f"server at {self.address} within timeout={self._sink.timeout:g} s; they are "
                f"lost",
                RuntimeWarning,
                stacklevel=2,
            )
        self._raise_pending()
        return unsent

    async def awrite(self, name: str, **columns: Any) -> None:
        """``write`` for coroutines (it never waits, so this never yields)."""
        self.write(name, **columns)

    async def aflush(self) -> None:
        """``flush`` in a worker thread, so the event loop keeps running."""
        await asyncio.to_thread(self.flush)

    async def aclose(self) -> None:
        """``close`` in a worker thread."""
        await asyncio.to_thread(self.close)

    def __enter__(self) -> Logger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> Logger:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        where = f"address={self.address!r}" if self.store is None else f"store={str(self.store)!r}"
        return f"<Logger scope={self.scope!r} {where}{state}>"


def _check_positive(owner: str, what: str, value: object, alternative: str = "") -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
    ):
        also = f" {alternative}" if alternative else ""
        raise ValueError(f"{owner}: {what} must be a number of seconds > 0{also}, not {value!r}")
