"""A Jupyter server extension: glframe widget streams through the notebook server's address.

A widget's direct stream (``glframe/backends/notebook/_stream.py``) listens on the kernel machine's
loopback: a browser on the same machine reaches it, a browser elsewhere (a
remote server behind an SSH tunnel, JupyterHub) does not. This extension
gives such pages a route through the address they already use:
``{base_url}glframe/stream/<port>/<key>`` is a websocket that the Jupyter
server authenticates as any of its own (cookie or token, and the authorizer's
"execute" permission on kernels: who may run code there may watch its
canvases), and relays both ways to ``ws://127.0.0.1:<port>/glframe/<key>`` on
its machine, which still checks the widget's token. It relays only to that
path on loopback, so it opens no general door to the machine's ports.

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

import urllib.parse
from typing import Any

import tornado.ioloop
import tornado.web
import tornado.websocket
from jupyter_core.utils import ensure_async
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.base.websocket import WebSocketMixin
from jupyter_server.utils import url_path_join
from tornado.httpclient import HTTPClientError, HTTPRequest

__all__ = ["StreamRelay"]

#: what a page may ask for: a port and a widget's key (see glframe/backends/notebook/_stream.py)
ROUTE = r"glframe/stream/(\d{1,5})/([A-Za-z0-9_-]{1,64})"


class StreamRelay(WebSocketMixin, JupyterHandler, tornado.websocket.WebSocketHandler):
    """One page's socket, relayed to a kernel's stream endpoint on this machine."""

    auth_resource = "kernels"

    def initialize(self) -> None:
        self.upstream: tornado.websocket.WebSocketClientConnection | None = None

    async def get(self, port: str, key: str) -> None:
        if self.current_user is None:
            raise tornado.web.HTTPError(403)
        authorizer = self.authorizer
        if authorizer is not None and not await ensure_async(
            authorizer.is_authorized(self, self.current_user, "execute", self.auth_resource)
        ):
            raise tornado.web.HTTPError(403)
        if not 1024 <= int(port) <= 65535:
            raise tornado.web.HTTPError(400, "glframe: port out of range")
        # only the widget's own arguments go on (not, say, the notebook server's token)
        query = urllib.parse.urlencode(
            {k: self.get_query_argument(k, "") for k in ("stream_token", "view")}
        )
        url = f"ws://127.0.0.1:{int(port)}/glframe/{key}?{query}"
        try:  # before accepting the page: a refused token or a closed port fails the page's socket
            self.upstream = await tornado.websocket.websocket_connect(
                # a kernel running a cell answers when the cell ends
                HTTPRequest(url, connect_timeout=30, request_timeout=30),
                max_message_size=512 * 1024 * 1024,
                ping_interval=20,
            )
        except HTTPClientError as exc:
            raise tornado.web.HTTPError(exc.code if exc.code in (403, 404) else 502) from None
        except OSError:
            raise tornado.web.HTTPError(502, "glframe: no stream endpoint there") from None
        try:
            await super().get(port, key)  # returns when the page's socket is done
        finally:  # also when the page left before the upgrade: no socket left open upstream
            self.on_close()

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
