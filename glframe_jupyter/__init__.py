"""A Jupyter server extension: glframe widget streams through the notebook server's address.

A widget's direct stream (``glframe/backends/notebook/_stream.py``) listens on the kernel machine's
loopback: a browser on the same machine reaches it, a browser elsewhere (a
remote server behind an SSH tunnel, JupyterHub) does not. This extension
gives such pages a route through the address they already use:
``{base_url}glframe/stream/<port>/<key>`` is a websocket that the Jupyter
server authenticates as any of its own (cookie or token, and the authorizer's
"execute" permission on kernels: who may run code there may watch its
canvases), and relays both ways to ``ws://127.0.0.1:<port>/glframe/<key>`` on
its machine, which still checks the widget's token.

It opens no door to the machine's ports. Everything it checks (the
handshake, the page's Origin, the login and permission, the port's range, the
query) is checked before it connects anywhere, so a page elsewhere carrying
the user's cookie makes it open nothing. It connects only to that path on
loopback, and only to a port that a kernel's stream endpoint has registered: a
file ``glframe-stream-<port>.json`` in Jupyter's runtime directory, owned by
this user and naming that port and a live process (written and removed by
``glframe/backends/notebook/_stream.py``). Every failure past the checks (no
registration, a closed port, a refused token, something that is not a
websocket endpoint) is the same 502, logged in one line without the tokens, so
a logged-in user cannot map the machine's ports through it.

It costs one relay hop in the server process and spares the comm's per
message work (routing, busy/idle status messages, JupyterLab's re-render of
them). It is enabled on installation by
``etc/jupyter/jupyter_server_config.d/glframe.json`` (``jpserver_extensions``);
``jupyter server extension list`` shows it. Without it, or where the kernel
is not on the server's machine (a kernel gateway), pages fall back to the
comm.

This package lives beside ``glframe``, not in it, so that the notebook server
loading it imports nothing of glframe: no numpy, no GL bindings, and no
``PYOPENGL_PLATFORM`` set in the server's environment, which every kernel it
starts would inherit.
"""

from __future__ import annotations

import json
import os
import re
import stat
import urllib.parse
from typing import Any

import tornado.ioloop
import tornado.web
import tornado.websocket
from jupyter_core.paths import jupyter_runtime_dir
from jupyter_core.utils import ensure_async
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.base.websocket import WebSocketMixin
from jupyter_server.utils import url_path_join
from tornado.httpclient import HTTPRequest

__all__ = ["StreamRelay", "registration_refusal"]

#: what a page may ask for: a port and a widget's key (see glframe/backends/notebook/_stream.py)
ROUTE = r"glframe/stream/(\d{1,5})/([A-Za-z0-9_-]{1,64})"
#: a kernel endpoint's registration in the runtime directory (``_stream.REGISTRATION``)
REGISTRATION = "glframe-stream-{port}.json"
#: a widget's stream token (``secrets.token_urlsafe(24)`` in _stream.py), with room to spare
STREAM_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,128}")


class StreamRelay(WebSocketMixin, JupyterHandler, tornado.websocket.WebSocketHandler):
    """One page's socket, relayed to a registered kernel stream endpoint on this machine."""

    auth_resource = "kernels"

    def initialize(self) -> None:
        self.upstream: tornado.websocket.WebSocketClientConnection | None = None
        self._stream_token = ""

    async def get(self, port: str, key: str) -> None:
        query = await self._checked(int(port))
        refusal = registration_refusal(int(port))
        if refusal is not None:
            self._upstream_failed(port, refusal)
        url = f"ws://127.0.0.1:{int(port)}/glframe/{key}?{query}"
        try:  # before accepting the page: a refused token or a closed port fails the page's socket
            self.upstream = await tornado.websocket.websocket_connect(
                # a kernel running a cell answers when the cell ends
                HTTPRequest(url, connect_timeout=30, request_timeout=30),
                max_message_size=512 * 1024 * 1024,
                ping_interval=20,
            )
        except Exception as exc:  # noqa: BLE001 - whatever answered there, the page gets a 502
            self._upstream_failed(port, f"{type(exc).__name__}: {exc}")
        try:
            await super().get(port, key)  # returns when the page's socket is done
        finally:  # also when the page left before the upgrade: no socket left open upstream
            self.on_close()

    async def _checked(self, port: int) -> str:
        """Every check on the page's request, before anything upstream; returns the query to send.

        tornado's ``WebSocketHandler.get`` makes the handshake and Origin checks
        only once it is called, which is after the upstream connection: they are
        made here first (and again there, harmlessly).
        """
        headers = self.request.headers
        if headers.get("Upgrade", "").lower() != "websocket" or "upgrade" not in [
            part.strip().lower() for part in headers.get("Connection", "").split(",")
        ]:
            raise tornado.web.HTTPError(400)  # not a websocket handshake
        if self._cross_origin():
            raise tornado.web.HTTPError(403)  # check_origin has logged the origin
        if self.current_user is None:
            raise tornado.web.HTTPError(403)
        authorizer = self.authorizer
        if authorizer is not None and not await ensure_async(
            authorizer.is_authorized(self, self.current_user, "execute", self.auth_resource)
        ):
            raise tornado.web.HTTPError(403)
        if not 1024 <= port <= 65535:
            raise tornado.web.HTTPError(400)  # privileged: never a kernel endpoint's free port
        token = self.get_query_argument("stream_token", "")
        view = self.get_query_argument("view", "")
        if not STREAM_TOKEN.fullmatch(token) or len(view) > 64:
            raise tornado.web.HTTPError(400)  # not what a widget's view sends
        self._stream_token = token
        # only the widget's own arguments go on (not, say, the notebook server's token)
        return urllib.parse.urlencode({"stream_token": token, "view": view})

    def _cross_origin(self) -> bool:
        """Whether the page's origin is refused, as tornado's handshake would refuse it."""
        headers = self.request.headers
        origin = headers.get("Origin", headers.get("Sec-Websocket-Origin"))
        if origin is not None and not self.check_origin(origin):
            return True
        # tornado >= 6.6 also weighs Sec-Fetch-Site (private: the very check its get() makes)
        check = getattr(self, "_check_cross_origin", None)
        return check is not None and check(self.check_origin) is not None

    def _upstream_failed(self, port: str, reason: str) -> None:
        """One log line with the reason; the page gets the same 502 whatever it was."""
        # the port, not the URL: its query holds the widget's token (and maybe the server's)
        if self._stream_token:
            reason = reason.replace(self._stream_token, "[secret]")
        reason = " ".join(reason.split())[:300]  # one line, whatever the upstream answered
        self.log.warning("glframe relay: port %s: %s", port, reason)
        raise tornado.web.HTTPError(502)

    def open(self, *args: Any, **kwargs: Any) -> None:
        super().open(*args, **kwargs)
        self.set_nodelay(True)
        tornado.ioloop.IOLoop.current().add_callback(self._downstream)

    async def _downstream(self) -> None:
        """Kernel -> page, until either side closes."""
        upstream = self.upstream
        while upstream is not None:
            message = await upstream.read_message()
            if message is None:
                break
            try:
                await self.write_message(message, binary=isinstance(message, bytes))
            except tornado.websocket.WebSocketClosedError:
                break
        self.close()

    def on_message(self, message: str | bytes) -> None:
        """Page -> kernel."""
        if self.upstream is not None:
            future = self.upstream.write_message(message, binary=isinstance(message, bytes))
            future.add_done_callback(_consume)

    def on_close(self) -> None:
        if self.upstream is not None:
            self.upstream.close()
            self.upstream = None


def registration_refusal(port: int, directory: str | None = None) -> str | None:
    """Why ``port`` is not a registered kernel stream endpoint; None when it is.

    Registered means: ``glframe-stream-<port>.json`` in ``directory`` (Jupyter's
    runtime directory by default) is a regular file (not a link) of this user,
    writable by no one else, holding this ``port`` and the pid of a live process.
    """
    path = os.path.join(directory or jupyter_runtime_dir(), REGISTRATION.format(port=port))
    try:
        # no link followed; a FIFO put there must not block the server's loop on open
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags)
    except FileNotFoundError:
        return "no glframe stream endpoint registered"
    except OSError as exc:
        return f"registration unreadable ({exc.strerror})"
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            return "registration is not a regular file"
        if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o022):
            return "registration not owned by this user, or writable by others"
        try:
            entry = json.loads(f.read(4096))
        except (OSError, ValueError):
            return "registration unreadable"
    if not isinstance(entry, dict) or entry.get("port") != port:
        return "registration names another port"
    pid = entry.get("pid")
    if type(pid) is not int or pid <= 0:
        return "registration has no pid"
    if not _alive(pid):
        return f"registering process {pid} has ended"
    return None


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs, as this user."""
    if os.name == "nt":  # os.kill(pid, 0) would terminate it there
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        # PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE
        handle = kernel32.OpenProcess(0x1000 | 0x100000, False, pid)
        if not handle:
            return False
        try:
            return kernel32.WaitForSingleObject(handle, 0) == 0x102  # WAIT_TIMEOUT: running
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)  # signal 0: a check, nothing is sent
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's: not the kernel that registered (its pid reused)
        return False
    return True


def _consume(future: Any) -> None:
    if not future.cancelled():
        future.exception()


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "glframe_jupyter"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    web_app = serverapp.web_app
    route = url_path_join(web_app.settings["base_url"], ROUTE)
    web_app.add_handlers(".*$", [(route, StreamRelay)])
    serverapp.log.info("glframe: widget streams relayed at %s", route)
