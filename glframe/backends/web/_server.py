"""A standalone server: a canvas viewed in any browser over a plain websocket.

:class:`RemoteServer` is a tornado application with two endpoints:

- ``GET /``: a page holding glir.js (one bundle), figure.js and remote.js as
  text, imported through blob URLs in the page shell an HTML export uses
  (:func:`._page.page_shell`); it opens the websocket and shows the canvas
  with remote.js's ``connect``;
- ``/ws``: one :class:`~._remote.RemoteSession` per connection, speaking the
  protocol of the notebook widget. A message with buffers travels as one
  binary websocket message (:func:`._remote.pack`), one without as JSON text;
  the browser answers the same way.

Each connection picks its mode in the URL, ``?mode=server`` (frames rendered
here) or ``?mode=client`` (GLIR drawn by glir.js in the browser), else the
server's default; the page passes its own query string on to the websocket.

Security. Bound to a loopback address (127.0.0.1, the default) the server
needs no token, but refuses requests whose ``Host`` is not a loopback name
(another site's page reaching it through DNS rebinding). Bound to any other
address it requires a token: a random one (``secrets.token_urlsafe(16)``)
unless one is given, sent as ``?token=`` (the printed URL carries it) or in
an ``Authorization: token ...`` header. ``require_token=True`` requires it on
loopback too (a machine shared by several users). Requests without a valid
token get HTTP 403, the page and the websocket alike; tornado refuses
cross-origin websockets. There is no TLS: across a network, tunnel (ssh -L)
or put the server behind an HTTPS proxy.

Robustness. A browser sends small JSON objects: a message above
``max_message_size`` bytes (64 KiB) is answered with a warning and dropped,
and tornado closes a connection whose message exceeds 1 MiB (code 1009).
Malformed frames and JSON are answered with a warning. An error raised while
handling a message (a bug in a draw callback) is logged and answered with a
warning; the connection stays open. A closed connection (a tab closed in the
middle of a frame) closes its session: nothing is written to it afterwards.
A client that reads nothing gets at most ``max_in_flight`` frames in server
mode; in client mode, more than ``max_write_buffer`` unread bytes close its
connection, and when the unread bytes of all connections together exceed
``max_total_write_buffer`` the connection holding the most is closed (code
1013, the reason in the close message; counted as "dropped"). Sizes asked for
by a browser are clamped to ``max_size``.

Resizes are coalesced: a resize message records the size asked for (the latest
wins, whichever connection sent it) and one callback on the loop reallocates
the canvas, after the messages already received (a burst of resizes costs one
reallocation) and, after a reallocation that took t seconds together with the
frames it caused, not sooner than t later. A storm of resizes from one page
(each near 4096 x 4096 costs about 0.1 s) thus takes at most about half of the
loop's time, and the frames of the other pages go out in between.

Several connections share one canvas (and its size: the last resize wins).
Every GLIR change reaches each client-mode view, whichever view's frame
carried it (see :class:`_View`). Draws made outside the server (a script
calling ``render()`` while client-mode views are open) cannot be seen: their
changes are lost to those views until a reload.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import re
import secrets
import socket
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import tornado.httpserver
import tornado.log
import tornado.netutil
import tornado.web
import tornado.websocket
from tornado.iostream import StreamBufferFullError

from ...gloo.glir import Cmd
from ._page import figure_bundle, glir_bundle, js_source, page_shell, script_json
from ._remote import MODES, RemoteSession, RemoteSource
from ._wire import MessageError, forget_write, read_message, ws_message

__all__ = ["RemoteServer", "access_refusal", "is_loopback"]

log = logging.getLogger("glframe.server")

#: what a frame draws (the rest of its GLIR changes state, which every client view needs)
_PER_FRAME = (Cmd.FUNC, Cmd.DRAW, Cmd.FRAMEBUFFER, Cmd.READ_PIXELS)
_LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address, IPv6 with or without brackets) is loopback."""
    host = host.strip().lower().strip("[]")
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def access_refusal(
    handler: tornado.web.RequestHandler, token: str, token_required: bool
) -> str | None:
    """Why a request must be refused with HTTP 403, or None when it may go on.

    With ``token_required`` the request carries ``token`` as ``?token=`` or in an
    ``Authorization: token ...`` (or ``Bearer ...``) header, compared in constant
    time; without, its ``Host`` must be a loopback name (DNS rebinding). The rule of
    every glframe server (this one, ``python -m glframe stream serve``).
    """
    if token_required:
        given = handler.get_query_argument("token", None)
        if given is None:
            scheme, _, value = handler.request.headers.get("Authorization", "").partition(" ")
            given = value.strip() if scheme.lower() in ("token", "bearer") else None
        if given is None or not hmac.compare_digest(given.encode(), token.encode()):
            return "a valid token is required"
    elif not is_loopback(handler.request.host_name):
        return "this server answers only to loopback host names"
    return None


class RemoteServer:
    """Serve one canvas (a :class:`~._remote.RemoteSource`) to browsers over websockets.

    Parameters
    ----------
    source
        The canvas, as a RemoteSource (``glframe.app`` adapts a Canvas).
    host, port
        Where to listen; port 0 picks a free port (read it from :attr:`port`).
    mode
        The default mode of a connection: "server" or "client".
    token, require_token
        The token a request must carry (random when None), and whether one is
        required on a loopback address too (it always is on any other).
    title
        The page's title.
    max_in_flight, quality, settle, max_size
        Passed to each :class:`~._remote.RemoteSession`.
    max_message_size, max_write_buffer
        Largest message accepted from a browser (larger: warning, dropped);
        unread bytes to a browser before its connection is closed.
    max_total_write_buffer
        Unread bytes to all browsers together (1 GiB by default): past it, the
        connection with the most unread bytes is closed with a message saying
        why (counted as "dropped" in :meth:`stats`). Keep it above the largest
        message a page receives (a client-mode page's first one holds every
        array of the canvas), or that page is closed whenever it connects.

    Examples
    --------
    Inside a running asyncio loop (glframe.serve does this for a Canvas):

    >>> server = RemoteServer(source, port=0)          # doctest: +SKIP
    >>> server.start()                                 # doctest: +SKIP
    >>> server.url                                     # doctest: +SKIP
    'http://127.0.0.1:40123/'
    >>> server.close()                                 # doctest: +SKIP
    """

    def __init__(
        self,
        source: RemoteSource,
        host: str = "127.0.0.1",
        port: int = 8765,
        *,
        mode: str = "server",
        token: str | None = None,
        require_token: bool = False,
        title: str = "glframe",
        max_in_flight: int = 2,
        quality: int = 80,
        settle: float = 0.3,
        max_size: tuple[int, int] = (4096, 4096),
        max_message_size: int = 64 * 1024,
        max_write_buffer: int = 512 * 1024 * 1024,
        max_total_write_buffer: int = 1024 * 1024 * 1024,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} must be one of {MODES}")
        if not 0 <= int(port) <= 65535:
            raise ValueError(f"port {port} must be in 0..65535")
        if token is not None and (not isinstance(token, str) or not token.strip()):
            raise ValueError("token must be a non-empty string")
        for name, value in (
            ("max_write_buffer", max_write_buffer),
            ("max_total_write_buffer", max_total_write_buffer),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(
                    f"RemoteServer: {name}={value!r} must be a positive int of bytes"
                    f" (e.g. {name}=512 * 2**20)"
                )
        self.source = source
        self.host = host
        self.port = int(port)
        self.mode = mode
        self.title = title
        self.token_required = bool(require_token) or not is_loopback(host)
        self.token = token if token is not None else secrets.token_urlsafe(16)
        self.max_message_size = int(max_message_size)
        self.max_write_buffer = int(max_write_buffer)
        self.max_total_write_buffer = int(max_total_write_buffer)
        self.session_options = {
            "max_in_flight": max_in_flight,
            "quality": quality,
            "settle": settle,
            "max_size": max_size,
        }
        #: draws of the canvas made for any view (see _View)
        self.draws = 0
        self.max_backlog = 64 * 1024 * 1024
        self._handlers: set[_SocketHandler] = set()
        self._counts = {
            "opened": 0,
            "refused": 0,
            "malformed": 0,
            "oversized": 0,
            "errors": 0,
            "dropped": 0,
            "resize_requests": 0,
            "resizes": 0,
        }
        # the coalesced resize: (width, height, pixel_ratio, the view that asked) or None
        self._pending_resize: tuple[int, int, float, _View] | None = None
        self._resize_handle: asyncio.Handle | None = None
        self._resize_ready_at = 0.0  # loop time before which no reallocation starts
        self._http: tornado.httpserver.HTTPServer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: int | None = None
        self._closed: asyncio.Event | None = None
        self._sources: str | None = None
        self._app = tornado.web.Application(
            [
                (r"/", _PageHandler, {"server": self}),
                (r"/ws", _SocketHandler, {"server": self}),
                (r"/favicon.ico", _NoContent),
            ],
            websocket_max_message_size=1024 * 1024,
            websocket_ping_interval=20,  # a vanished peer is noticed and its session closed
            log_function=_log_request,
        )

    # ---- life cycle ---------------------------------------------------------------------
    @property
    def url(self) -> str:
        """The page's address (with the token when one is required)."""
        host = self.host
        if host in ("", "0.0.0.0", "::"):
            host = socket.gethostname()
        elif ":" in host:
            host = f"[{host}]"
        query = f"?token={self.token}" if self.token_required else ""
        return f"http://{host}:{self.port}/{query}"

    @property
    def sessions(self) -> list[RemoteSession]:
        """The sessions of the open connections."""
        return [h.session for h in self._handlers if h.session is not None]

    def start(self) -> RemoteServer:
        """Listen, on the running asyncio loop (raises RuntimeError without one)."""
        if self._http is not None:
            raise RuntimeError("this server is already started")
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
        self._closed = asyncio.Event()
        sockets = tornado.netutil.bind_sockets(self.port, address=self.host or None)
        self.port = sockets[0].getsockname()[1]
        self._http = tornado.httpserver.HTTPServer(self._app)
        self._http.add_sockets(sockets)
        self.source.on_update(self._updated)
        return self

    def close(self) -> None:
        """Stop listening and close every connection (from the loop's thread)."""
        if self._http is None or self._closed is None or self._closed.is_set():
            return
        self._http.stop()
        if self._resize_handle is not None:
            self._resize_handle.cancel()
            self._resize_handle = None
        for handler in list(self._handlers):
            handler.close(1001, "the server is closing")
            handler.shutdown()
        self._loop.create_task(self._http.close_all_connections())
        self._closed.set()

    async def wait_closed(self) -> None:
        """Wait until :meth:`close` (the server must be started)."""
        if self._closed is None:
            raise RuntimeError("the server is not started")
        await self._closed.wait()

    def count(self, kind: str) -> None:
        """Count one event in :meth:`stats`: "opened", "refused", "malformed",
        "oversized", "errors" (an error raised while drawing or handling a message),
        "dropped" (a connection closed for the unread bytes of all), "resize_requests"
        (resizes asked for) or "resizes" (reallocations of the canvas)."""
        if kind not in self._counts:
            raise ValueError(f"unknown count {kind!r}; one of {', '.join(self._counts)}")
        self._counts[kind] += 1

    def stats(self) -> dict[str, Any]:
        """Connections (open and opened), refused requests, bad messages, connections
        dropped, resizes asked for and made, the bytes written to open connections and
        not yet taken by the system (``unsent_bytes``), and each session's stats."""
        return {
            "connections": len(self._handlers),
            **self._counts,
            "unsent_bytes": self.unsent_bytes(),
            "sessions": [s.stats() for s in self.sessions],
        }

    def unsent_bytes(self) -> int:
        """Bytes written to the open connections that the system has not taken yet."""
        return sum(handler.unsent for handler in self._handlers)

    # ---- memory held for slow readers ------------------------------------------------------
    def _check_unsent(self) -> None:
        """Past ``max_total_write_buffer`` unread bytes in all, drop the slowest readers."""
        total = self.unsent_bytes()
        while total > self.max_total_write_buffer and self._handlers:
            slowest = max(self._handlers, key=lambda handler: handler.unsent)
            if slowest.unsent == 0:
                return
            held = slowest.unsent
            slowest.drop(
                f"{_mib(total)} MiB unread on the server exceeds max_total_write_buffer"
                f" ({_mib(self.max_total_write_buffer)} MiB); this connection held the most"
                f" ({_mib(held)} MiB)"
            )
            total -= held

    # ---- resizes -----------------------------------------------------------------------------
    def _request_resize(self, view: _View, width: int, height: int, ratio: float) -> None:
        """A page asked for a size: keep the latest and reallocate once, soon (see the module)."""
        self._counts["resize_requests"] += 1
        current = (tuple(self.source.size), getattr(self.source, "pixel_ratio", 1.0))
        if ((width, height), ratio) == current:
            self._pending_resize = None  # back to the size the canvas has: no reallocation
            self._resized(view)  # but a frame, at that size
            return
        self._pending_resize = (width, height, ratio, view)
        if self._resize_handle is None and self._loop is not None:
            delay = self._resize_ready_at - self._loop.time()
            if delay > 0:
                self._resize_handle = self._loop.call_later(delay, self._apply_resize)
            else:  # before the pumps scheduled by the messages read with this one
                self._resize_handle = self._loop.call_soon(self._apply_resize)

    def _resized(self, view: _View) -> None:
        """The session of ``view`` draws next at the canvas's size, which its GLIR says."""
        for handler in list(self._handlers):
            if handler.view is view and handler.session is not None:
                handler.session.resized()

    def _apply_resize(self) -> None:
        """Reallocate the canvas to the latest size asked for; every view draws again."""
        self._resize_handle = None
        pending, self._pending_resize = self._pending_resize, None
        if pending is None or self._closed is None or self._closed.is_set():
            return
        width, height, ratio, view = pending
        self._resized(view)  # before the reallocation, whose update makes the frames
        start = self._loop.time()
        try:
            # the canvas's update draws for every view that may: that belongs to the cost
            self.source.resize(width, height, ratio)
        except Exception as exc:  # a size the GL cannot have: that page is told, others go on
            self.count("errors")
            log.exception("glframe.serve: error while resizing to %dx%d", width, height)
            view.warn(f"error while resizing to {width}x{height}: {type(exc).__name__}: {exc}")
        finally:
            end = self._loop.time()
            self._counts["resizes"] += 1
            self._resize_ready_at = end + (end - start)

    # ---- updates, draws ---------------------------------------------------------------------
    def _updated(self) -> None:
        """The canvas changed: tell every view (from any thread)."""
        if self._closed is None or self._closed.is_set():
            return
        if threading.get_ident() != self._thread:
            self._loop.call_soon_threadsafe(self._updated)
            return
        for handler in list(self._handlers):
            if handler.view is not None:
                handler.view.updated()

    def _views(self) -> list[_View]:
        return [h.view for h in self._handlers if h.view is not None]

    def _share(self, commands: list[tuple], drawer: _View | None) -> None:
        """A frame's state changes (not its drawing) go to the other client-mode views."""
        receivers = [v for v in self._views() if v is not drawer and v.receiving]
        if not receivers:
            return
        kept = [c for c in commands if c[0] not in _PER_FRAME]
        nbytes = sum(a.nbytes for c in kept for a in c if isinstance(a, np.ndarray))
        for view in receivers:
            view.keep(kept, nbytes)

    def _share_pending(self) -> None:
        """Before a draw whose GLIR nobody sees: draw once recorded, for the client views."""
        if any(v.receiving for v in self._views()):
            self.draws += 1
            self._share(self.source.glir_frame(), None)

    # ---- requests ----------------------------------------------------------------------------
    def _authorize(self, handler: tornado.web.RequestHandler) -> str:
        """Check a request's token (or Host); its mode. Refuses with HTTP 403 / 400."""
        refusal = access_refusal(handler, self.token, self.token_required)
        if refusal is not None:
            self.count("refused")
            raise _Refused(403, refusal)
        mode = handler.get_query_argument("mode", self.mode)
        if mode not in MODES:
            raise _Refused(400, f"mode must be one of {', '.join(MODES)}")
        return mode

    def page(self) -> str:
        """The HTML page: glir.js, figure.js and remote.js embedded, connecting to ``ws``."""
        if self._sources is None:
            sources = {
                "glir": glir_bundle(),
                "figure": figure_bundle(),
                "remote": js_source("remote.js"),
            }
            self._sources = script_json(sources)
        w, h = (int(v) for v in self.source.size)
        return page_shell(
            title=self.title or "glframe",
            element="glframe-remote",
            element_style=f"width: {w}px; max-width: 100%;",
            sources=self._sources,
            data={"glframe-config": script_json({"size": [w, h], "ws": "ws"})},
            script=_SCRIPT,
        )


_SCRIPT = """
  const { glir, figure, remote } = modules;
  const config = json("glframe-config");
  // the same query (mode, token) for the websocket, beside this page's path
  const url = new URL(config.ws + location.search, location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const transport = remote.websocketTransport(url.href);
  const view = remote.connect(document.getElementById("glframe-remote"), transport, glir, figure);
  view.state.size = config.size;  // the aspect of the first resize, before any message
  transport.socket.addEventListener("close", (event) =>
    fail(`glframe: the connection to the server closed (${event.code} ${event.reason})`));
  window.glframeRemote = { ...view, transport };
"""


class _View:
    """One connection's view of the shared source: its updates and its share of the GLIR.

    Everything else is the source's. Drawing the canvas takes the GLIR queued
    since the last draw (new data, uniforms, objects): a client-mode view must
    receive all of it, whoever drew. So the state changes of each frame drawn
    for one view are kept for the other client-mode views (``backlog``) and
    sent with their next frame; a draw whose GLIR cannot be seen (a server
    frame, a new view's snapshot) is preceded by a recorded one. Only a browser
    camera's change, executed without being recorded, is lost to the views
    that did not draw meanwhile: they are marked ``stale`` and get the whole
    state again (a reset), as does a view whose backlog grew too large.
    """

    def __init__(self, server: RemoteServer, warn: Callable[[str], None]) -> None:
        #: the server this view belongs to; ``warn(message)`` tells its page
        self.server = server
        self._source = server.source
        self.warn = warn
        self._callbacks: list[Callable[[], None]] = []
        self.receiving = False  # a client-mode view that has had its snapshot
        self.stale = False
        self.backlog: list[tuple] = []
        self.backlog_bytes = 0
        self.last_draw = 0  # the server's draw count when this view last drew

    def __getattr__(self, name: str) -> Any:
        return getattr(self._source, name)

    @property
    def size(self) -> tuple[int, int]:
        return self._source.size

    @property
    def resize_target(self) -> tuple[tuple[int, int], float]:
        """The size and pixel ratio the canvas will have once the pending resize is made."""
        pending = self.server._pending_resize
        if pending is not None:
            return (pending[0], pending[1]), pending[2]
        return tuple(self._source.size), getattr(self._source, "pixel_ratio", 1.0)

    def resize(self, width: int, height: int, pixel_ratio: float) -> None:
        """Ask for a size: the server reallocates later, once for every request meanwhile."""
        self.server._request_resize(self, int(width), int(height), float(pixel_ratio))

    def render(self) -> Any:
        self.server._share_pending()
        self.server.draws += 1
        return self._source.render()

    def glir_snapshot(self) -> tuple[list, list, list]:
        self.receiving = False
        self.server._share_pending()  # its first draw is not recorded
        result = self._source.glir_snapshot()
        self._drew()
        self.receiving, self.stale, self.backlog, self.backlog_bytes = True, False, [], 0
        return result

    def glir_frame(self) -> list:
        commands = self._source.glir_frame()
        self._drew()
        self.server._share(commands, self)
        out, self.backlog, self.backlog_bytes = [*self.backlog, *commands], [], 0
        return out

    def set_camera_state(self, view: int, state: dict) -> None:
        before = self.server.draws
        # Updates the canvas (other views draw the change), then executes what is
        # still queued without recording it: this browser has it, idle views miss it.
        self._source.set_camera_state(view, state)
        for other in self.server._views():
            if other is not self and other.receiving and other.last_draw <= before:
                other.stale = True

    def _drew(self) -> None:
        self.server.draws += 1
        self.last_draw = self.server.draws

    def keep(self, commands: list[tuple], nbytes: int) -> None:
        """Another view's frame: keep its state changes for this view's next one."""
        if not self.receiving or self.stale:
            return
        self.backlog += commands
        self.backlog_bytes += nbytes
        if self.backlog_bytes > self.server.max_backlog:
            self.stale, self.backlog, self.backlog_bytes = True, [], 0

    def on_update(self, callback: Callable[[], None]) -> None:
        self._callbacks.append(callback)

    def updated(self) -> None:
        for callback in list(self._callbacks):
            try:
                callback()
            except Exception as exc:  # a draw callback's bug: the other views still update
                self.server.count("errors")
                log.exception("glframe.serve: error while updating a view")
                self.warn(f"error while drawing: {type(exc).__name__}: {exc}")


class _Session(RemoteSession):
    """A RemoteSession that resends the whole GLIR state when its view went stale."""

    def on_error(self, exc: Exception) -> None:
        self.source.server.count("errors")
        log.error("glframe.serve: error while drawing", exc_info=exc)
        self.source.warn(f"error while drawing: {type(exc).__name__}: {exc}")

    def pump(self) -> None:
        if self.mode == "client" and self._glir_started and self.source.stale:
            self._glir_started = False  # the next GLIR message is a reset
        super().pump()


def _log_request(handler: tornado.web.RequestHandler) -> None:
    """Tornado's access log, without the tokens (right or wrong) that URLs carry."""
    status, request = handler.get_status(), handler.request
    uri = _TOKEN.sub(r"\1...", request.uri or "")
    level = logging.INFO if status < 400 else logging.WARNING
    tornado.log.access_log.log(
        level, "%d %s %s (%s)", status, request.method, uri, request.remote_ip
    )


_TOKEN = re.compile(r"([?&]token=)[^&#]*")


def _mib(nbytes: int) -> str:
    return f"{nbytes / 2**20:.1f}"


class _Refused(tornado.web.HTTPError):
    """A refused request: its reason goes to the client (the access log has the status)."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(status_code)
        self.message = message


class _Refusing:
    """Errors as one line of text (the reason a request was refused)."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None))[1]
        message = getattr(exc, "message", None) or self._reason
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"glframe: {status_code} {message}\n")


class _PageHandler(_Refusing, tornado.web.RequestHandler):
    def initialize(self, server: RemoteServer) -> None:
        self.server = server

    def prepare(self) -> None:
        self.server._authorize(self)

    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")  # the token stays in this page
        self.finish(self.server.page())


class _NoContent(tornado.web.RequestHandler):
    def get(self) -> None:
        self.set_status(204)


class _SocketHandler(_Refusing, tornado.websocket.WebSocketHandler):
    def initialize(self, server: RemoteServer) -> None:
        self.server = server
        self.session: RemoteSession | None = None
        self.view: _View | None = None
        self._mode = server.mode
        #: bytes written to this connection that the system has not taken yet
        self.unsent = 0

    def prepare(self) -> None:
        self._mode = self.server._authorize(self)

    def open(self, *args: Any, **kwargs: Any) -> None:
        server = self.server
        self.set_nodelay(True)
        stream = getattr(self.ws_connection, "stream", None)
        if stream is not None:
            stream.max_write_buffer_size = server.max_write_buffer
        self.view = _View(server, self._warn)
        # size first: the page sizes its view and its first resize from it
        self.send({"type": "mode", "mode": self._mode, "size": list(self.view.size)}, [])
        self.session = _Session(self.view, self.send, mode=self._mode, **server.session_options)
        server._handlers.add(self)
        server.count("opened")

    def on_message(self, message: str | bytes) -> None:
        session, server = self.session, self.server
        if session is None:
            return
        try:
            header, buffers = read_message(message, server.max_message_size)
        except MessageError as exc:
            server.count(exc.kind)
            self._warn(str(exc))
            return
        try:
            session.receive(header, buffers)
        except Exception as exc:  # a bug in a callback: report it, keep the connection
            server.count("errors")
            kind = header.get("type") if isinstance(header, dict) else None
            log.exception("glframe.serve: error while handling a %r message", kind)
            self._warn(f"error while handling a {kind!r} message: {type(exc).__name__}: {exc}")

    def on_close(self) -> None:
        self.shutdown()

    def shutdown(self) -> None:
        """Forget this connection: its session sends nothing more."""
        if self.session is not None:
            self.session.close()
        self.session = None
        if self.view is not None:
            self.view._callbacks.clear()
        self.server._handlers.discard(self)

    def _warn(self, message: str) -> None:
        self.send({"type": "warning", "message": message}, [])

    def drop(self, reason: str) -> None:
        """Close this connection for reading too slowly; ``reason`` goes in the close message."""
        log.warning("glframe.serve: dropping a connection: %s", reason)
        self.server.count("dropped")
        stream = getattr(self.ws_connection, "stream", None)
        # a close reason has at most 123 bytes (RFC 6455); the log has the whole of it
        reason = reason.encode()[:123].decode(errors="ignore")
        try:
            # queued after the unread data: a page that reads again gets it; one that never
            # reads is cut off when tornado's close handshake times out (5 s)
            self.close(1013, reason)
        except StreamBufferFullError:  # no room even for the close frame: cut it off now
            if stream is not None:
                stream.close()
        self.shutdown()

    def send(self, header: dict, buffers: Sequence) -> None:
        """The session's ``send``: one websocket message; a closed socket ends the session."""
        if self.session is None and header.get("type") != "mode":
            return
        data = ws_message(header, buffers)
        try:
            future = self.write_message(data, binary=isinstance(data, bytes))
        except tornado.websocket.WebSocketClosedError:
            self.shutdown()
            return
        except StreamBufferFullError:
            limit = _mib(self.server.max_write_buffer)
            log.warning("glframe.serve: a client reads too slowly; closing its connection")
            self.close(1013, f"more than max_write_buffer ({limit} MiB) unread on this connection")
            self.shutdown()
            return
        # the future ends when the system has taken the whole message (or the socket closed)
        nbytes = len(data)
        self.unsent += nbytes
        future.add_done_callback(lambda done: self._written(done, nbytes))
        self.server._check_unsent()

    def _written(self, future: Any, nbytes: int) -> None:
        self.unsent -= nbytes
        forget_write(future)
