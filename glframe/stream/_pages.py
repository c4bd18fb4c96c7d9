"""The pages of the browser viewer (``_serve.StreamServer``): what each one holds.

- :class:`PlotPage`: one websocket connection's figure (made by
  ``_view.build_figure`` from the page's layout), the :class:`FigureServer` that
  speaks ``glframe.serve``'s protocol to the page in client mode, and the timer
  that polls the store for it;
- the request handlers: the index and its list, the plot page (HTTP 400 naming
  the parameter, rule and value of a bad layout), the websocket, all behind
  ``glframe.serve``'s access rule (``StreamServer.check_access``).
"""

from __future__ import annotations

import asyncio
import html
import logging
import threading
from typing import TYPE_CHECKING, Any

import tornado.ioloop
import tornado.web

from ..backends.web import Refused, Refusing, RemoteServer, SocketHandler
from ._layout import PARAMETERS, Layout, LayoutError

if TYPE_CHECKING:
    from ._serve import StreamServer

__all__ = ["PlotPage", "FigureServer", "page_size", "ROUTES"]

log = logging.getLogger("glframe.stream.serve")

PAGE_WIDTH = 960  # CSS pixels; the page scales it down to its window
ROW_HEIGHT = 300


def page_size(layout: Layout) -> tuple[int, int]:
    """A page's CSS size: a fixed width, a row height per row of plots (1 to 3)."""
    rows = len({plot.cell[0] for plot in layout.plots})
    return PAGE_WIDTH, min(3, rows) * ROW_HEIGHT


class FigureServer(RemoteServer):
    """The RemoteServer of one page's figure. It listens on no socket of its own: the
    viewer's ``/ws`` hands it the connection; :meth:`attach` is ``start`` without the
    socket, :meth:`detach` its ``close``."""

    _update_soon = False

    def attach(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
        self._closed = asyncio.Event()
        self.source.on_update(self._updated)

    def _updated(self) -> None:
        """The figure changed: draw for the page once the loop is back, not inside the
        change (a poll adding a line calls ``update()`` before the line is complete),
        and once for every change of one poll."""
        if threading.get_ident() != self._thread:
            super()._updated()  # handed to the loop by RemoteServer
            return
        if self._update_soon:
            return
        self._update_soon = True
        self._loop.call_soon(self._update_now)

    def _update_now(self) -> None:
        self._update_soon = False
        super()._updated()

    def detach(self) -> None:
        if self._closed is None or self._closed.is_set():
            return
        if self._resize_handle is not None:
            self._resize_handle.cancel()
        self.source.off_update(self._updated)
        self._closed.set()


class PlotPage:
    """One connection's figure, its RemoteServer and the timer polling the store for it."""

    def __init__(self, viewer: StreamServer, layout: Layout) -> None:
        from ..app._remote import CanvasSource
        from ._view import build_figure

        self.viewer = viewer
        self.figure = build_figure(
            viewer.store, layout, size=page_size(layout), poll=viewer.poll, strict=False
        )
        self.server = FigureServer(
            CanvasSource(self.figure.canvas),
            viewer.host,
            0,
            mode="client",
            title=viewer._gate.title,
        )
        self.server.attach()
        self.polls = 0
        self.rows_read = 0
        self.warn = None
        self._timer = tornado.ioloop.PeriodicCallback(self.tick, viewer.poll * 1000)

    def start(self, warn) -> None:
        """Poll from now on; ``warn(message)`` tells the page of a series it cannot plot."""
        self.warn = warn
        for message in self.figure.start_errors:
            warn(message)
        self._timer.start()

    def tick(self) -> None:
        self.polls += 1
        try:
            self.rows_read += self.figure.poll()
        except ValueError as err:  # a series that cannot be plotted: said once, skipped
            if self.warn is not None:
                self.warn(str(err))
        except Exception:  # the store went away, a bug: the page says so, the server goes on
            log.exception("stream serve: error while polling the store")
            self._timer.stop()
            if self.warn is not None:
                self.warn("error while polling the store; see the server's log")

    def stats(self) -> dict[str, Any]:
        sessions = self.server.sessions
        return {
            "polls": self.polls,
            "rows_read": self.rows_read,
            "series": len(self.figure.series),
            "session": sessions[0].stats() if sessions else None,
        }

    def close(self) -> None:
        self._timer.stop()
        for handler in list(self.server._handlers):
            handler.close(1001, "the server is closing")
            handler.shutdown()
        self.server.detach()
        self.figure.close()
        if self in self.viewer.pages:
            self.viewer.pages.remove(self)


# ---- handlers --------------------------------------------------------------------------------
class _Handler(Refusing, tornado.web.RequestHandler):
    def initialize(self, viewer: StreamServer) -> None:
        self.viewer = viewer

    def prepare(self) -> None:
        self.viewer.check_access(self)
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")  # the token stays in the page


class _IndexHandler(_Handler):
    def get(self) -> None:
        grammar = "".join(
            f"<tr><td><code>{key}=</code></td><td>{html.escape(rule)}</td></tr>"
            for key, rule in PARAMETERS.items()
        )
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(_INDEX.format(
            title=html.escape(self.viewer._gate.title),
            store=html.escape(str(self.viewer.store.path)),
            listing=self.viewer.listing(self),
            grammar=grammar,
        ))  # fmt: skip


class _ListHandler(_Handler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(self.viewer.listing(self))


class _PlotHandler(_Handler):
    def get(self) -> None:
        try:
            layout = self.viewer.layout(self)
        except LayoutError as err:
            self.set_status(400)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(_BAD_LAYOUT.format(message=html.escape(str(err))))
            return
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(self.viewer.page_html(layout))


class _PlotSocket(SocketHandler):
    """``/ws``: a RemoteServer connection whose figure is made for it (see PlotPage)."""

    def initialize(self, viewer: StreamServer) -> None:
        super().initialize(viewer._gate)
        self.viewer = viewer
        self.page: PlotPage | None = None
        self._layout: Layout | None = None

    def prepare(self) -> None:
        self.viewer.check_access(self)
        try:
            self._layout = self.viewer.layout(self)
        except LayoutError as err:
            raise Refused(400, str(err)) from None
        self._mode = "client"

    def open(self, *args: Any, **kwargs: Any) -> None:
        self.page = self.viewer.open_page(self._layout)
        self.server = self.page.server
        super().open(*args, **kwargs)
        self.page.start(self._warn)

    def shutdown(self) -> None:
        super().shutdown()
        page, self.page = self.page, None
        if page is not None:
            page.close()


_INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body {{ font-family: sans-serif; margin: 1.5em; }} td {{ padding: 0 1em 0 0; }}</style>
</head><body>
<h1>{title}</h1>
<p>Store <code>{store}</code>. Each link opens a live plot page; compose your own
with the parameters below (<code>plot?rows=loss,acc;lr&amp;axes=ylog,lin,lin</code>).</p>
<div id="listing">{listing}</div>
<h2>Plot page parameters</h2>
<table>{grammar}</table>
<script>
const list = document.getElementById("listing");
setInterval(async () => {{
  try {{
    const r = await fetch("list" + location.search, {{ cache: "no-store" }});
    if (r.ok) {{ const text = await r.text(); if (text !== list.innerHTML) list.innerHTML = text; }}
  }} catch (e) {{}}
}}, 2000);
</script>
</body></html>
"""

_BAD_LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>400 bad plot parameter</title></head>
<body><h1>400: bad plot parameter</h1><p id="message">{message}</p>
<p><a href="./">the index</a> lists the parameters.</p></body></html>
"""


#: the viewer's pages, each handler given ``viewer=`` (the StreamServer)
ROUTES = [
    (r"/", _IndexHandler),
    (r"/list", _ListHandler),
    (r"/plot", _PlotHandler),
    (r"/ws", _PlotSocket),
]
