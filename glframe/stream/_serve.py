"""The browser viewer of a stream store: ``python -m glframe stream serve STORE``.

:class:`StreamServer` is a tornado application:

- ``GET /``: the index, listing each scope and its names with links to plot
  pages; the list (``GET /list``, an HTML fragment) is fetched again every 2 s,
  so scopes and names that appear later show up without a reload;
- ``GET /plot?rows=...``: a plot page laid out by its URL (the grammar of
  ``_layout.parse_query``, defaults from a config file); a malformed parameter
  is answered with HTTP 400 naming the parameter, its rule and the value. The
  page is ``glframe.serve``'s client-mode page (glir.js, figure.js, remote.js);
- ``/ws``: each connection gets its own figure, made by ``_view.build_figure``
  (the code behind ``stream.view``) from the page's URL, and its own
  :class:`~glframe.backends.web.RemoteServer` session in client mode: WebGL2 in
  the page draws the GLIR, and the page's cameras zoom and pan with no round
  trip. Producers on this machine ring the server's doorbell after each commit
  (``data._doorbell``), and the server looks at the store's commit counter every
  ``watch`` seconds too (a few microseconds; what finds commits the doorbell did not
  announce); when it moved it polls every page's figure (and at least every ``poll``
  seconds)
  (``fetch_columns`` from each series' cursor) and appends the new points to
  the ring-buffered lines and markers, so each frame sent carries only the new
  points (GLIR partial DATA), the draw commands and the uniforms that changed;
- the routes of remote producers (``_ingest.ingest_routes``), where that
  module is present.

Access is ``glframe.serve``'s (``access_refusal``): on a loopback address no
token but loopback ``Host`` names only; on any other address, or with
``require_token``, the token (``?token=`` or ``Authorization: token ...``);
HTTP 403 otherwise, pages and websockets alike.

Each page's figure, poll and session (``_pages.PlotPage``, with the request
handlers) live on the server's loop; closing the tab closes them. Limits: a
page's unread bytes are bounded per page (``max_write_buffer``), not across
pages; a page does not reconnect by itself.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import time
import types
import urllib.parse
from typing import Any

import tornado.httpserver
import tornado.ioloop
import tornado.netutil
import tornado.web

from ..backends.web import (
    NoContentHandler,
    Refused,
    RemoteServer,
    access_refusal,
    log_request,
)
from ..data import Doorbell, StreamStore
from ._layout import Layout, LayoutError, parse_query
from ._pages import PAGE_WIDTH, ROUTES, ROW_HEIGHT, PlotPage, page_size
from ._read import names, scopes

__all__ = ["StreamServer", "serve_until_interrupted"]

log = logging.getLogger("glframe.stream.serve")


class StreamServer:
    """Serve the store's index and live plot pages to browsers.

    Parameters
    ----------
    store
        The store's directory (made if missing, so that producers may start later)
        or an open ``StreamStore`` (left open by :meth:`close`).
    host, port
        Where to listen (port 0: any free port; read :attr:`port`).
    token, require_token
        As for ``glframe.serve``: a token is required on any address but loopback,
        or everywhere with ``require_token``; random unless given.
    defaults
        Plot page parameters used where a URL gives none (``_layout.load_config``).
    poll
        Seconds between two polls of the store for each open page, at most (a
        fallback: ``watch`` makes the pages poll as soon as anything is stored).
    watch
        Seconds between two looks at the store's commit counter
        (``StreamStore.data_version``); a commit by any producer makes every page
        poll at once, so new points reach the pages within ``watch`` seconds plus the
        time to read and send them, not half a ``poll`` on average.
    pace
        Seconds between two polls that a commit starts, at least: while producers
        commit faster than that, pages get one frame per ``pace`` with every point
        committed meanwhile (the server and the browsers are not asked for more
        frames than they can draw).
    title
        The pages' title.

    Examples
    --------
    Inside a running asyncio loop (``python -m glframe stream serve`` runs one):

    >>> server = StreamServer("runs/", port=0).start()        # doctest: +SKIP
    >>> server.url                                            # doctest: +SKIP
    'http://127.0.0.1:40123/'
    >>> server.close()                                        # doctest: +SKIP
    """

    def __init__(
        self,
        store: Any,
        host: str = "127.0.0.1",
        port: int = 8766,
        *,
        token: str | None = None,
        require_token: bool = False,
        defaults: dict[str, str] | None = None,
        poll: float = 1.0,
        watch: float = 0.005,
        pace: float = 0.05,
        title: str = "glframe stream",
    ) -> None:
        for name, value in (("poll", poll), ("watch", watch), ("pace", pace)):
            if isinstance(value, bool) or not (isinstance(value, (int, float)) and 0 < value <= 60):
                raise ValueError(f"StreamServer: {name} must be seconds in (0, 60], not {value!r}")
        # the page and access rules of glframe.serve: its checks of host, port and token,
        # its URL, its page (given each layout's size), its refusal counts
        self._gate = RemoteServer(
            types.SimpleNamespace(size=(PAGE_WIDTH, ROW_HEIGHT)),
            host,
            port,
            mode="client",
            token=token,
            require_token=require_token,
            title=title,
        )
        if isinstance(store, StreamStore):
            self.store, self._owns_store = store, False
        else:
            self.store, self._owns_store = StreamStore(store, create=True), True
        self.defaults = dict(defaults or {})
        parse_query({}, self.defaults)  # bad defaults are refused here, not on each page
        self.poll, self.watch, self.pace = float(poll), float(watch), float(pace)
        self.pages: list[PlotPage] = []
        self._version: int | None = None
        self._stored = False  # a remote producer's rows, stored by this connection
        self._polled = 0.0
        self._watcher = tornado.ioloop.PeriodicCallback(self._look, self.watch * 1000)
        self._doorbell: Doorbell | None = None
        self._paced: asyncio.TimerHandle | None = None  # a look the pace put off
        self._http: tornado.httpserver.HTTPServer | None = None
        self._closed: asyncio.Event | None = None
        options = {"viewer": self}
        self._app = tornado.web.Application(
            [
                *((path, handler, options) for path, handler in ROUTES),
                (r"/favicon.ico", NoContentHandler),
                *self._ingest_routes(),
            ],
            websocket_max_message_size=1024 * 1024,
            websocket_ping_interval=20,
            log_function=log_request,
        )

    def _ingest_routes(self) -> list:
        from ._ingest import ingest_routes

        return ingest_routes(
            self.store,
            token=self.token,
            require_token=self.token_required,
            on_write=self._written,
        )

    def _written(self, scope: str, names: list[str]) -> None:
        """A remote producer's rows are stored (by this server's connection, which its
        ``data_version`` does not count): the next look polls every page."""
        self._stored = True

    # ---- what glframe.serve says too ------------------------------------------------------------
    host = property(lambda self: self._gate.host)
    port = property(lambda self: self._gate.port)
    token = property(lambda self: self._gate.token)
    token_required = property(lambda self: self._gate.token_required)
    url = property(lambda self: self._gate.url, doc="The index's address (with the token).")
    title = property(lambda self: self._gate.title)

    def start(self) -> StreamServer:
        """Listen, on the running asyncio loop (raises RuntimeError without one)."""
        if self._http is not None:
            raise RuntimeError("this server is already started")
        asyncio.get_running_loop()
        self._closed = asyncio.Event()
        sockets = tornado.netutil.bind_sockets(self._gate.port, address=self.host or None)
        self._gate.port = sockets[0].getsockname()[1]
        self._http = tornado.httpserver.HTTPServer(self._app)
        self._http.add_sockets(sockets)
        self._watcher.start()
        self._listen()
        return self

    def _listen(self) -> None:
        """Hear the producers' doorbell (``data._doorbell``): a commit makes the pages
        poll at once, not at the next look. Where it cannot be had (a loop without
        ``add_reader``, a read-only store), the looks alone find every commit."""
        try:
            doorbell = Doorbell(self.store.path)
        except OSError as err:
            log.info("stream serve: no doorbell (%s); looking every %g s", err, self.watch)
            return
        try:
            asyncio.get_running_loop().add_reader(doorbell.fileno(), self._rung)
        except NotImplementedError:  # (Windows' proactor loop)
            doorbell.close()
            return
        self._doorbell = doorbell

    def _rung(self) -> None:
        if self._doorbell is not None and self._doorbell.drain():
            self._look()

    def _look(self) -> None:
        """A producer committed since the last look: every page polls now, or once
        ``pace`` has passed since the last such poll."""
        if not self.pages:
            return
        try:
            version = self.store.data_version()
        except Exception:  # the store went away: the pages' own polls say so
            return
        now = time.monotonic()
        if version == self._version and not self._stored:
            return  # nothing new
        if now - self._polled < self.pace:  # too soon: a look once the pace allows
            if self._paced is None:
                self._paced = asyncio.get_running_loop().call_later(
                    self._polled + self.pace - now, self._paced_look
                )
            return
        self._version, self._stored, self._polled = version, False, now
        for page in list(self.pages):
            page.tick()

    def _paced_look(self) -> None:
        self._paced = None
        self._look()

    def close(self) -> None:
        """Stop listening, close every page (its figure too) and the store if opened here."""
        if self._http is None or self._closed is None or self._closed.is_set():
            return
        self._http.stop()
        self._watcher.stop()
        if self._paced is not None:
            self._paced.cancel()
        if self._doorbell is not None:
            asyncio.get_running_loop().remove_reader(self._doorbell.fileno())
            self._doorbell.close()
            self._doorbell = None
        for page in list(self.pages):
            page.close()
        asyncio.get_running_loop().create_task(self._http.close_all_connections())
        if self._owns_store:
            self.store.close()
        self._closed.set()

    async def wait_closed(self) -> None:
        """Wait until :meth:`close`."""
        if self._closed is None:
            raise RuntimeError("the server is not started")
        await self._closed.wait()

    def stats(self) -> dict[str, Any]:
        """Refused requests, bad layouts, and each open page's rows read and session."""
        counts = self._gate.stats()
        return {
            "refused": counts["refused"],
            "pages": [page.stats() for page in self.pages],
        }

    # ---- requests ------------------------------------------------------------------------------
    def check_access(self, handler: tornado.web.RequestHandler) -> None:
        """HTTP 403 unless the request may go on (glframe.serve's rule)."""
        refusal = access_refusal(handler, self.token, self.token_required)
        if refusal is not None:
            self._gate.count("refused")
            raise Refused(403, refusal)

    def layout(self, handler: tornado.web.RequestHandler) -> Layout:
        """The layout a plot page's URL asks for (LayoutError when malformed)."""
        query = {}
        for key, values in handler.request.query_arguments.items():
            if len(values) != 1:
                raise LayoutError(key, "given once", [v.decode(errors="replace") for v in values])
            query[key] = values[0].decode(errors="replace")
        return parse_query(query, self.defaults)

    def page_html(self, layout: Layout) -> str:
        """A plot page: ``glframe.serve``'s client-mode page, at the layout's size."""
        self._gate.source.size = page_size(layout)
        return self._gate.page()

    def listing(self, handler: tornado.web.RequestHandler) -> str:
        """The index's list of scopes and names, as HTML, with links to plot pages."""
        token = handler.get_query_argument("token", None)

        def link(text: str, **query: str) -> str:
            if token is not None:
                query["token"] = token
            url = "plot" + ("?" + urllib.parse.urlencode(query) if query else "")
            return f'<a href="{html.escape(url)}">{html.escape(text)}</a>'

        items = []
        for scope in scopes(self.store):
            scope_re = f"^{re.escape(scope)}$"
            inner = ", ".join(
                link(name, names=re.escape(name), scopes=scope_re)
                for name in names(self.store, scope)
            )
            items.append(f"<li>{link(scope, scopes=scope_re)}: {inner or '(no names yet)'}</li>")
        if not items:
            return "<p>No scopes yet: the list grows as producers log.</p>"
        return f"<p>{link('every series, one plot')}</p><ul>{''.join(items)}</ul>"

    # ---- pages ---------------------------------------------------------------------------------
    def open_page(self, layout: Layout) -> PlotPage:
        page = PlotPage(self, layout)
        self.pages.append(page)
        return page


def serve_until_interrupted(
    store: Any, *, open_browser: bool = False, quiet: bool = False, **options: Any
) -> StreamServer:
    """Serve ``store`` on a loop of its own until Ctrl-C, as ``glframe.serve`` does
    (the URL printed, timers driven); ``options`` are :class:`StreamServer`'s."""
    from ..app._serve import _serve_until_closed

    server = StreamServer(store, **options)
    try:
        asyncio.run(_serve_until_closed(server, open_browser, quiet))
    except KeyboardInterrupt:
        if not quiet:
            print("glframe: stopped", flush=True)
    return server
