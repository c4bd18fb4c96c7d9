"""The stream server's intake: remote producers' rows over HTTP into a StreamStore.

:func:`ingest_routes` gives the tornado routes that ``python -m glframe stream
serve`` mounts beside its pages:

- ``POST /api/write``: one body of the wire format (``_wire``: a JSON header
  and the columns' raw bytes), Content-Type ``application/x-glframe-stream``:
  the rows and configs of one flush of a ``Logger(address=...)``, stored with
  ``StreamStore.append`` (one transaction: all of them or none; each name's
  rows take the next indexes of ``(scope, name)``, as from a local Logger).
  Answers 200 with ``{"rows": n, "configs": k, "duplicate": false}``.
- ``POST /api/config``: ``{"scope": ..., "config": {...}}`` as
  ``application/json``, for producers that only set a config (curl).

Every request is untrusted:

- **Access**: the rule of every glframe server
  (:func:`glframe.backends.web.access_refusal`): with ``require_token`` the
  token (``Authorization: token ...`` or ``?token=``, compared in constant
  time), else a loopback ``Host``. A request carrying an ``Origin`` header (a
  web page's) is refused too: pages of other sites could otherwise write into
  a loopback server (the Content-Type alone already makes browsers ask first).
  Refused: 403.
- **Size**: a body above ``max_body_size`` bytes (64 MiB by default) gets 413,
  from its ``Content-Length`` before the body is read, or once it is exceeded.
- **Content**: every rule of ``_wire.decode`` (dtypes, shapes against byte
  counts, names and column names, one length per row, JSON objects): 400, with
  a message naming the row, the column, the rule and the value; nothing of a
  refused body is stored.

Writes run on one worker thread (the store's SQLite writes may wait for other
writers' locks; the event loop, serving pages meanwhile, never waits), in the
order the requests arrived. A body carries its producer's id and a batch
number: a batch number not above the producer's last stored one is answered
``"duplicate": true`` and stored again never (a retry whose first answer was
lost). These numbers are kept in memory, for the last 10,000 producers: a
retry that crosses a restart of the server may be stored twice. The store
refusing a write (its lock held past its timeout, a full disk) is a 503,
which producers retry.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import json
from collections.abc import Callable
from typing import Any

import tornado.log
import tornado.web

from ..backends.web import access_refusal
from ..data import StreamStore
from ..data._store import check_key
from ._wire import CONTENT_TYPE, WireError, decode, encode

__all__ = ["ingest_routes", "DEFAULT_MAX_BODY_SIZE"]

#: the largest request body accepted by default (bytes)
DEFAULT_MAX_BODY_SIZE = 64 * 2**20
_PRODUCERS_KEPT = 10_000


def ingest_routes(
    store: StreamStore,
    *,
    token: str,
    require_token: bool,
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    on_write: Callable[[str, list[str]], Any] | None = None,
) -> list:
    """Tornado routes that store remote producers' rows into ``store``.

    Parameters
    ----------
    store
        An open :class:`glframe.data.StreamStore` (kept open; the caller closes it).
    token, require_token
        The server's token, and whether requests must carry it (the server
        requires it on any address but loopback); else ``Host`` must be loopback.
    max_body_size
        The largest body accepted, in bytes; larger ones get HTTP 413.
    on_write
        Called on the event loop after each stored batch, with its scope and
        the names it wrote to (a viewer pushes the new rows at once).

    Returns
    -------
    list
        ``[(r"/api/write", handler, kwargs), (r"/api/config", handler, kwargs)]``,
        for ``tornado.web.Application``.

    Examples
    --------
    >>> app = tornado.web.Application(                      # doctest: +SKIP
    ...     ingest_routes(store, token=token, require_token=False) + pages)
    """
    if not isinstance(store, StreamStore):
        raise TypeError(f"ingest_routes: store must be a StreamStore, not {type(store).__name__}")
    if not isinstance(token, str) or not token:
        raise ValueError("ingest_routes: token must be a non-empty string")
    if isinstance(max_body_size, bool) or not isinstance(max_body_size, int) or max_body_size < 4:
        raise ValueError(
            f"ingest_routes: max_body_size must be a number of bytes (an int), "
            f"not {max_body_size!r}"
        )
    intake = _Intake(store, token, bool(require_token), max_body_size, on_write)
    return [
        (r"/api/write", _WriteHandler, {"intake": intake}),
        (r"/api/config", _ConfigHandler, {"intake": intake}),
    ]


class _Intake:
    """What the routes share: the store, the rules, the writer thread, the batches seen."""

    def __init__(self, store, token, require_token, max_body_size, on_write) -> None:
        self.store, self.token, self.require_token = store, token, require_token
        self.max_body_size, self.on_write = max_body_size, on_write
        # one thread: writes keep their arrival order, and the batch numbers need no lock
        self.writer = concurrent.futures.ThreadPoolExecutor(1, "glframe-stream-ingest")
        self.last_batch: collections.OrderedDict[str, int] = collections.OrderedDict()

    def write(self, body: bytes | bytearray) -> dict:
        """On the writer thread: check ``body`` whole, then store it in one transaction."""
        scope, producer, batch, rows, configs = decode(body)
        if producer is not None:
            last = self.last_batch.get(producer)
            if last is not None and batch <= last:
                self.last_batch.move_to_end(producer)
                return {"rows": 0, "configs": 0, "duplicate": True, "scope": scope, "names": []}
        self.store.append(scope, rows, configs)
        if producer is not None:
            self.last_batch[producer] = batch
            self.last_batch.move_to_end(producer)
            while len(self.last_batch) > _PRODUCERS_KEPT:
                self.last_batch.popitem(last=False)
        names = sorted({name for name, _ in rows})
        return {
            "rows": len(rows),
            "configs": len(configs),
            "duplicate": False,
            "scope": scope,
            "names": names,
        }


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class _Handler(tornado.web.RequestHandler):
    """Checks shared by the two routes; refusals answered as ``{"error": message}``."""

    content_type = ""

    def initialize(self, intake: _Intake) -> None:
        self.intake = intake
        self.body = bytearray()
        self.too_large = False

    def check_xsrf_cookie(self) -> None:  # no cookies here: the token and Origin rules
        pass

    def refuse(self, status: int, message: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"error": message}))

    def prepare(self) -> None:
        intake = self.intake
        refusal = access_refusal(self, intake.token, intake.require_token)
        if refusal is not None:
            return self.refuse(403, refusal)
        if "Origin" in self.request.headers:
            return self.refuse(403, "requests from web pages (with an Origin header) are refused")
        given = self.request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if given != self.content_type:
            return self.refuse(
                415, f"the Content-Type must be {self.content_type}, not {given or 'none'!r}"
            )
        length = self.request.headers.get("Content-Length")
        if length is not None and length.isdigit() and int(length) > intake.max_body_size:
            return self.refuse(413, self._too_large_message(int(length)))
        # bodies of any size up to ours (tornado's server default is 100 MB)
        self.request.connection.set_max_body_size(intake.max_body_size)

    def _too_large_message(self, size: int | None) -> str:
        size_text = f"{size} bytes" if size is not None else "the body"
        return (
            f"{size_text} is more than this server's limit of {self.intake.max_body_size} "
            f"bytes; send smaller batches (flush more often)"
        )

    def data_received(self, chunk: bytes) -> None:
        if self._finished or self.too_large:
            return
        if len(self.body) + len(chunk) > self.intake.max_body_size:
            self.too_large, self.body = True, bytearray()
            return
        self.body += chunk

    async def store(self, body: bytes | bytearray) -> None:
        """Store ``body`` on the writer thread; answer 200, 400 or 503."""
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(self.intake.writer, self.intake.write, body)
        except WireError as exc:
            return self.refuse(400, str(exc))
        except (ValueError, TypeError) as exc:  # the store's own checks (should not happen)
            return self.refuse(400, str(exc))
        except Exception as exc:  # the store could not write: busy, full disk; retried
            return self.refuse(503, f"the store could not write: {type(exc).__name__}: {exc}")
        scope, names = result.pop("scope"), result.pop("names")
        if names and self.intake.on_write is not None:  # before the producer hears back
            try:
                self.intake.on_write(scope, names)
            except Exception:  # a viewer's bug must not fail the producer's write
                tornado.log.app_log.exception("glframe.stream: error in on_write")
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(result))


@tornado.web.stream_request_body
class _WriteHandler(_Handler):
    content_type = CONTENT_TYPE

    async def post(self) -> None:
        if self.too_large:
            return self.refuse(413, self._too_large_message(None))
        await self.store(self.body)


@tornado.web.stream_request_body
class _ConfigHandler(_Handler):
    content_type = "application/json"

    async def post(self) -> None:
        if self.too_large:
            return self.refuse(413, self._too_large_message(None))
        try:
            request = json.loads(bytes(self.body).decode("utf-8"), parse_constant=_no_constant)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            return self.refuse(400, f"the body is not UTF-8 JSON ({str(exc)[:80]})")
        if not isinstance(request, dict) or set(request) != {"scope", "config"}:
            return self.refuse(
                400, 'the body must be a JSON object {"scope": ..., "config": {...}}'
            )
        try:
            check_key(request["scope"], "scope", "POST /api/config")
        except ValueError as exc:
            return self.refuse(400, str(exc))
        if not isinstance(request["config"], dict):
            return self.refuse(400, "config must be a JSON object")
        # the same path as a Logger's flush: a body with one config and no rows
        await self.store(encode(request["scope"], [], [json.dumps(request["config"])]))


def _no_constant(value: str) -> None:
    raise ValueError(f"{value} is not JSON")
