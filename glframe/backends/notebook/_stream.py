"""The kernel's own websocket: notebook widgets stream past the Jupyter comm.

A comm message from the page to the kernel costs far more than its bytes:
the Jupyter server routes it, the kernel answers it with a *busy* and an
*idle* status message, and JupyterLab re-renders its status indicators for
each. During a drag (one pointer move and one frame acknowledgement per
animation frame) that traffic fills a small machine and caps the frame rate.
So each widget also offers a direct websocket to this endpoint: one tornado
server per kernel process, on the kernel's asyncio loop, listening on a
loopback port (127.0.0.1, a free port). The widget's view asks for it through
the comm (which the Jupyter server has authenticated) and gets the port, the
widget's key (its path is ``/glframe/<key>``) and a random token; the token
(query ``stream_token``, apart from Jupyter's own ``token``) is checked on
every connection (the page's origin is not: it is the notebook server's,
another port).

A page on another machine cannot reach that loopback port: it goes through
the notebook server instead, whose extension ``glframe_jupyter`` relays
``{base_url}glframe/stream/<port>/<key>`` to it (same token). The relay goes
only to ports that an endpoint has registered: on start, an endpoint writes
``glframe-stream-<port>.json`` (its port and pid, owner-only) in Jupyter's
runtime directory, and removes it when it closes or its process exits. Where neither
works (no extension, a kernel on another machine than the server) or the
socket closes, the view goes on over the comm: the stream is a fast path,
never a requirement.

Frames travel as on the standalone server (:class:`glframe.backends.web.RemoteServer`):
a message with buffers is one binary websocket message
(:func:`glframe.backends.web.pack`), one without is JSON text. Everything runs
on the loop's thread (the kernel's main thread), where the widget's canvas and
GL context live.
"""

from __future__ import annotations

import asyncio
import atexit
import hmac
import json
import logging
import os
import secrets
from collections.abc import Sequence
from typing import Any, Protocol

import tornado.httpserver
import tornado.netutil
import tornado.web
import tornado.websocket

from ..web import MessageError, forget_write, read_message, ws_message

__all__ = ["StreamEndpoint", "StreamPeer", "StreamSocket", "endpoint", "register", "unregister"]

log = logging.getLogger("glframe.stream")


class StreamPeer(Protocol):
    """What owns a path on the endpoint (a widget): told of its sockets and their messages."""

    def stream_message(self, socket: StreamSocket, header: Any, buffers: list) -> None: ...
    def stream_closed(self, socket: StreamSocket) -> None: ...
    def stream_warning(self, socket: StreamSocket, message: str) -> None: ...


class StreamEndpoint:
    """A loopback websocket server whose paths belong to peers (widgets), each with a token.

    Parameters
    ----------
    host
        The address to listen on: loopback by default. Bound elsewhere, pages
        on other machines could reach it; each peer's token still guards it.
    max_message_size
        Largest message accepted from a page (larger: a warning, dropped).
    register
        Register the port for the notebook server's relay (see :func:`register`)
        while the endpoint runs.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        *,
        max_message_size: int = 64 * 1024,
        register: bool = True,
    ) -> None:
        self.host = host
        self.port = 0
        self.max_message_size = int(max_message_size)
        self.register_port = bool(register)
        self.registration: str | None = None
        self._peers: dict[str, tuple[StreamPeer, str]] = {}
        self._http: tornado.httpserver.HTTPServer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.counts = {"opened": 0, "refused": 0, "malformed": 0, "oversized": 0}
        self._app = tornado.web.Application(
            [(r"/glframe/([A-Za-z0-9_-]{1,64})", StreamSocket, {"endpoint": self})],
            websocket_max_message_size=1024 * 1024,
            websocket_ping_interval=20,
            log_function=lambda handler: None,  # nothing to the notebook's output
        )

    @property
    def running(self) -> bool:
        return self._http is not None and self._loop is not None and not self._loop.is_closed()

    def start(self) -> StreamEndpoint:
        """Listen on a free port, on the running asyncio loop."""
        self._loop = asyncio.get_running_loop()
        sockets = tornado.netutil.bind_sockets(0, address=self.host)
        self.port = sockets[0].getsockname()[1]
        self._http = tornado.httpserver.HTTPServer(self._app)
        self._http.add_sockets(sockets)
        if self.register_port:
            self.registration = register(self.port)
        return self

    def close(self) -> None:
        """Stop listening, and withdraw the port from the relay."""
        if self._http is not None:
            self._http.stop()
            self._http = None
        if self.registration is not None:
            unregister(self.registration)
            self.registration = None

    def add(self, key: str, peer: StreamPeer) -> str:
        """Give ``/glframe/<key>`` to ``peer``; returns the token its sockets must carry."""
        token = secrets.token_urlsafe(24)
        self._peers[key] = (peer, token)
        return token

    def remove(self, key: str) -> None:
        self._peers.pop(key, None)

    def address(self, key: str) -> dict[str, Any] | None:
        """What a page needs to connect to ``key``'s path (``/glframe/<key>``): port, token."""
        entry = self._peers.get(key)
        if entry is None or not self.running:
            return None
        return {"port": self.port, "key": key, "token": entry[1], "host": self.host}

    def _peer(self, key: str, token: str | None) -> StreamPeer | None:
        entry = self._peers.get(key)
        if (
            entry is None
            or token is None
            or not hmac.compare_digest(token.encode(), entry[1].encode())
        ):
            self.counts["refused"] += 1
            return None
        return entry[0]


class StreamSocket(tornado.websocket.WebSocketHandler):
    """One page's socket to one peer; ``view`` is the id the page gave in the URL."""

    def initialize(self, endpoint: StreamEndpoint) -> None:
        self.endpoint = endpoint
        self.peer: StreamPeer | None = None
        self.view = "?"
        self.closed = False

    def check_origin(self, origin: str) -> bool:
        return True  # the page is the notebook server's (another origin); the token decides

    def prepare(self) -> None:
        key = self.path_args[0] if self.path_args else ""
        self.peer = self.endpoint._peer(key, self.get_query_argument("stream_token", None))
        if self.peer is None:
            raise tornado.web.HTTPError(403)
        view = self.get_query_argument("view", "?")
        self.view = view if 0 < len(view) <= 64 else "?"

    def open(self, *args: Any, **kwargs: Any) -> None:
        self.set_nodelay(True)
        self.endpoint.counts["opened"] += 1

    def on_message(self, message: str | bytes) -> None:
        try:
            header, buffers = read_message(message, self.endpoint.max_message_size)
        except MessageError as exc:
            self.endpoint.counts[exc.kind] += 1
            self.peer.stream_warning(self, str(exc))
            return
        self.peer.stream_message(self, header, buffers)

    def on_close(self) -> None:
        if not self.closed:
            self.closed = True
            self.peer.stream_closed(self)

    def send(self, header: dict, buffers: Sequence = (), packed: bytes | None = None) -> bool:
        """Write one message (``packed``: already packed); False once the socket is closed."""
        if self.closed:
            return False
        data = ws_message(header, buffers, packed)
        try:
            future = self.write_message(data, binary=isinstance(data, bytes))
        except tornado.websocket.WebSocketClosedError:
            self.on_close()
            return False
        future.add_done_callback(forget_write)
        return True


#: the registration file of a port, in Jupyter's runtime directory (glframe_jupyter reads it)
REGISTRATION = "glframe-stream-{port}.json"

# registrations this process wrote (path -> pid): removed at exit, by the writer only (a
# forked child that exits normally must not withdraw its parent's port)
_registered: dict[str, int] = {}


def register(port: int) -> str | None:
    """Register ``port`` for the notebook server's relay; returns the file, None without one.

    The relay (``glframe_jupyter``) connects only to ports registered so by a
    live process of its own user: a file ``glframe-stream-<port>.json`` holding
    the port and this process's pid, owner-only (mode 0600), in the runtime
    directory that the notebook server and its kernels share
    (``jupyter_core.paths.jupyter_runtime_dir()``, ``$JUPYTER_RUNTIME_DIR``).
    Without jupyter_core (no notebook server to relay) or where the directory
    cannot be written, nothing is registered and pages use the direct socket or
    the comm.
    """
    try:
        from jupyter_core.paths import jupyter_runtime_dir, secure_write
    except ImportError:
        return None
    directory = jupyter_runtime_dir()
    path = os.path.join(directory, REGISTRATION.format(port=int(port)))
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        with secure_write(path) as f:
            json.dump({"port": int(port), "pid": os.getpid()}, f)
    except (OSError, RuntimeError) as exc:  # RuntimeError: secure_write could not make it 0600
        log.warning("glframe: stream port %d not registered for the notebook relay (%s)", port, exc)
        return None
    _registered[path] = os.getpid()
    return path


def unregister(path: str) -> None:
    """Remove a registration written by :func:`register` in this process."""
    if _registered.pop(path, None) != os.getpid():  # not ours, or a parent's (after a fork)
        return
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("glframe: could not remove %s (%s)", path, exc)


@atexit.register
def _unregister_all() -> None:
    for path, pid in list(_registered.items()):
        if pid == os.getpid():
            unregister(path)


_endpoint: StreamEndpoint | None = None


def endpoint() -> StreamEndpoint | None:
    """This process's endpoint, started on the running loop; None without one (or on failure)."""
    global _endpoint
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    if _endpoint is not None and _endpoint.running and _endpoint._loop is loop:
        return _endpoint
    try:
        _endpoint = StreamEndpoint().start()
    except OSError as exc:  # no loopback interface, ...: the comm carries everything
        log.warning("glframe: no direct stream for notebook widgets (%s)", exc)
        _endpoint = None
    return _endpoint
