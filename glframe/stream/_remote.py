"""A Logger's buffer sent to a stream server (``Logger(address="host:port")``).

The producer side of remote logging; the standard library's ``http.client``
and numpy only (no tornado). Each flush turns the buffer into batches (one
body of the wire format, ``_wire``, each at most ``max_request`` bytes: one
batch for an ordinary flush) queued in order; the flush thread sends the queue
head first, one POST at a time over a kept-alive connection, and a batch leaves
the queue only when the server has acknowledged it. So rows reach the store in
write order, whatever fails in between.

- **Unreachable server** (refused connection, timeout, 5xx): the batch stays
  queued; sends are retried with a growing delay (0.1 s doubling to 5 s) at
  the next flushes; one ``RuntimeWarning`` tells it per outage. The queue is
  bounded (``max_unsent`` bytes): past it the oldest batches are dropped,
  counted in ``lost`` and told by a warning. ``write`` never waits for any of
  this: sending happens in the flush thread.
- **Refused batch** (400, 403, 404, ...: retrying cannot help): dropped,
  counted in ``lost``, its error raised by the next ``write``, ``flush`` or
  ``close`` (a 413 splits the batch in two first; a single row too large for
  the server is refused so).
- **Retries store once**: each batch carries this logger's random id and a
  number; the server stores a number once (see ``_ingest``).
- **Closing** tries until ``timeout`` seconds have passed, then warns with the
  number of rows not sent; ``close()`` returns it.
"""

from __future__ import annotations

import collections
import http.client
import json
import random
import re
import time
import uuid
import warnings
from urllib.parse import urlsplit

from ._logger import _Buffer
from ._wire import CONTENT_TYPE, encode, wire_dtype

__all__ = ["RemoteSink", "parse_address"]

_FIRST_DELAY, _MAX_DELAY = 0.1, 5.0
_PATH = re.compile(r"[A-Za-z0-9/_.~%-]*")


def parse_address(address: object, owner: str) -> tuple[str, str, int, str]:
    """``(scheme, host, port, path prefix)`` of ``"host:port"``, ``"[::1]:port"`` or
    ``"http(s)://host:port/prefix"``; a clear ``ValueError`` otherwise."""
    example = "for example address='gpu-box:8766' or 'https://example.org/stream'"
    if not isinstance(address, str) or not address.strip():
        raise ValueError(f"{owner}: address must be 'host:port', not {address!r}; {example}")
    text = address.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{owner}: address {address!r} is not 'host:port' ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{owner}: address {address!r} is not 'host:port'; {example}")
    if parts.query or parts.fragment or parts.username:
        raise ValueError(f"{owner}: address {address!r} has a query or a user; {example}")
    if port is None:
        if parts.scheme == "http":
            raise ValueError(f"{owner}: address {address!r} has no port; {example}")
        port = 443
    if _PATH.fullmatch(parts.path) is None:
        raise ValueError(
            f"{owner}: the path {parts.path!r} of address {address!r} may hold only letters, "
            f"digits and '/_.~%-'"
        )
    return parts.scheme, parts.hostname, port, parts.path.rstrip("/")


class _Batch:
    __slots__ = ("rows", "configs", "nbytes", "number")

    def __init__(self, rows: list, configs: list[str], nbytes: int) -> None:
        self.rows, self.configs, self.nbytes = rows, configs, nbytes
        self.number: int | None = None  # given when first sent, kept for its retries


class _Refusal(Exception):
    """The server refused a batch (a 4xx): retrying the same bytes cannot help."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class RemoteSink(_Buffer):
    """The buffer of a logger that sends its rows to a stream server."""

    def __init__(
        self,
        scope: str,
        address: str,
        token: str | None,
        *,
        timeout: float,
        max_unsent: int,
        max_request: int,
    ) -> None:
        super().__init__(scope)
        owner = f"Logger({scope!r})"
        self.address = address
        self.scheme, self.host, self.port, prefix = parse_address(address, owner)
        self.path = prefix + "/api/write"
        self.headers = {"Content-Type": CONTENT_TYPE}
        if token is not None:
            self.headers["Authorization"] = f"token {token}"
        self.timeout, self.max_unsent, self.max_request = timeout, max_unsent, max_request
        self.producer = uuid.uuid4().hex
        self.next_number = 1
        self.queue: collections.deque[_Batch] = collections.deque()
        self.queued_bytes = 0
        self.queued_rows = 0  # a counter, not a sum over the queue: read from other threads
        self.lost = 0  # rows dropped: refused by the server, or past max_unsent
        self.retry_at = 0.0  # no background send before this (time.monotonic)
        self.delay = 0.0
        self.outage: str | None = None  # why the server is unreachable (warned once)
        self.connection: http.client.HTTPConnection | None = None
        self.unsent_at_close = 0

    # ---- the queue --------------------------------------------------------------------------
    def pending(self) -> int:
        return len(self.rows) + self.queued_rows

    def _enqueue(self, rows: list, configs: list[str]) -> None:
        """Cut ``rows`` into batches of at most ``max_request`` bytes, queued in order."""
        owner = f"Logger({self.scope!r})"
        batch, nbytes = [], 0
        for name, columns in rows:
            size = 64 + len(name)
            for column, array in columns.items():
                why = wire_dtype(array.dtype)
                if why is not None:
                    self._fail(
                        TypeError(
                            f"{owner}.write({name!r}): column {column!r} of dtype "
                            f"{array.dtype} cannot be sent to a stream server: it {why}"
                        )
                    )
                    break
                size += array.nbytes + 32 + len(column)
            else:
                if batch and nbytes + size > self.max_request:
                    self._push(_Batch(batch, [], nbytes))
                    batch, nbytes = [], 0
                batch.append((name, columns))
                nbytes += size
                continue
            self.lost += 1  # the row with a dtype that cannot travel
        if batch or configs:
            self._push(_Batch(batch, configs, nbytes + sum(len(c) for c in configs)))
        self._bound()

    def _push(self, batch: _Batch, *, front: bool = False) -> None:
        (self.queue.appendleft if front else self.queue.append)(batch)
        self.queued_bytes += batch.nbytes
        self.queued_rows += len(batch.rows)

    def _pop(self) -> _Batch:
        batch = self.queue.popleft()
        self.queued_bytes -= batch.nbytes
        self.queued_rows -= len(batch.rows)
        return batch

    def _bound(self) -> None:
        """Past ``max_unsent`` queued bytes, drop the oldest batches (never the last)."""
        dropped = 0
        while self.queued_bytes > self.max_unsent and len(self.queue) > 1:
            dropped += len(self._pop().rows)
        if dropped:
            self.lost += dropped
            warnings.warn(
                f"Logger({self.scope!r}): {dropped} rows dropped, the oldest unsent ones: "
                f"more than max_unsent={self.max_unsent} bytes wait for the stream server "
                f"at {self.address} ({self.outage or 'slow to answer'})",
                RuntimeWarning,
                stacklevel=2,
            )

    # ---- flushing -----------------------------------------------------------------------------
    def flush(self, explicit: bool = False) -> None:
        """Queue the buffer and send the queue (in the background: not before a retry is due).

        ``explicit`` (the producer's ``flush()``): send now, and make an unreachable
        server an error raised by that call.
        """
        with self.flush_lock:
            ready, configs = self.take()
            if ready or configs:
                self._enqueue(ready, configs)
            if not self.queue or (not explicit and time.monotonic() < self.retry_at):
                return
            try:
                reason = self._send(time.monotonic() + self.timeout)
            except Exception as exc:  # a bug, not the network: told; the rows stay queued
                self._disconnect()
                self._fail(exc)
                return
            if reason is not None and explicit:
                self._fail(
                    ConnectionError(
                        f"Logger({self.scope!r}).flush: {self.pending()} rows are not sent: "
                        f"the stream server at {self.address} is unreachable ({reason}); "
                        f"they are kept and sent again in the background"
                    )
                )

    def finish(self) -> None:
        """The last flush: retry until ``timeout`` has passed; count what is left."""
        deadline = time.monotonic() + self.timeout
        with self.flush_lock:
            ready, configs = self.take()
            if ready or configs:
                self._enqueue(ready, configs)
            while self.queue:
                try:
                    reason = self._send(deadline)
                except Exception as exc:  # as in flush: told (by close)
                    self._fail(exc)
                    break
                if reason is None or time.monotonic() >= deadline:
                    break
                time.sleep(min(self.delay, max(0.0, deadline - time.monotonic())))
            self.unsent_at_close = self.queued_rows
            self._disconnect()

    def _send(self, deadline: float) -> str | None:
        """Send the queue, head first, until it is empty or the server is unreachable.

        Returns None, or why the server could not be reached (the batch is kept).
        """
        while self.queue:
            batch = self.queue[0]
            if batch.number is None:
                batch.number = self.next_number
                self.next_number += 1
            body = encode(
                self.scope, batch.rows, batch.configs, producer=self.producer, batch=batch.number
            )
            try:
                self._post(body, deadline)
            except _Refusal as exc:
                self._refused(batch, exc)
                continue
            except (OSError, http.client.HTTPException) as exc:
                return self._unreachable(exc)
            self._pop()
            self.sent += len(batch.rows)
            if self.outage is not None:
                self.outage = None
            self.delay, self.retry_at = 0.0, 0.0
        return None

    def _post(self, body: bytes, deadline: float) -> None:
        """POST ``body``; returns when acknowledged, raises ``_Refusal`` or a network error."""
        for attempt in (0, 1):
            reused = self.connection is not None
            timeout = max(0.05, min(self.timeout, deadline - time.monotonic()))
            if self.connection is None:
                kind = (
                    http.client.HTTPSConnection
                    if self.scheme == "https"
                    else http.client.HTTPConnection
                )
                self.connection = kind(self.host, self.port, timeout=timeout)
            elif self.connection.sock is not None:
                self.connection.sock.settimeout(timeout)
            try:
                self.connection.request("POST", self.path, body, self.headers)
                response = self.connection.getresponse()
                reply = response.read()
            except (OSError, http.client.HTTPException):
                self._disconnect()
                if reused and attempt == 0:
                    continue  # a kept-alive connection the server had closed: once more
                raise
            if response.will_close:
                self._disconnect()
            status = response.status
            if status == 200:
                return
            message = _message(reply)
            if status >= 500 or status == 429:
                raise ConnectionError(f"HTTP {status}: {message}")
            raise _Refusal(status, message)

    def _refused(self, batch: _Batch, exc: _Refusal) -> None:
        self._pop()
        if exc.status == 413 and len(batch.rows) > 1:  # in two halves, in order, unnumbered
            half = len(batch.rows) // 2
            for part in (batch.rows[half:], batch.rows[:half]):
                self._push(
                    _Batch(part, [], batch.nbytes * len(part) // len(batch.rows)), front=True
                )
            self.queue[0].configs = batch.configs
            return
        self.lost += len(batch.rows)
        self._fail(
            RuntimeError(
                f"Logger({self.scope!r}): the stream server at {self.address} refused "
                f"{len(batch.rows)} rows (HTTP {exc.status}: {exc}); they are dropped"
            )
        )

    def _unreachable(self, exc: BaseException) -> str:
        reason = f"{type(exc).__name__}: {exc}"
        self.delay = min(_MAX_DELAY, max(_FIRST_DELAY, self.delay * 2))
        self.retry_at = time.monotonic() + self.delay * random.uniform(0.8, 1.2)
        if self.outage is None:
            self.outage = reason
            warnings.warn(
                f"Logger({self.scope!r}): the stream server at {self.address} is unreachable "
                f"({reason}); {self.pending()} rows are kept (up to max_unsent="
                f"{self.max_unsent} bytes) and sent again, retrying every {_MAX_DELAY:g} s "
                f"at most",
                RuntimeWarning,
                stacklevel=2,
            )
        return reason

    def _disconnect(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _message(reply: bytes) -> str:
    """The server's reason (``{"error": ...}``), or the start of its answer."""
    try:
        message = json.loads(reply.decode("utf-8"))["error"]
        if isinstance(message, str):
            return message
    except (ValueError, KeyError, TypeError):
        pass
    return reply[:200].decode("utf-8", "replace").strip() or "no reason given"
