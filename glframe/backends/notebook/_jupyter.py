"""The Jupyter widget: a live canvas in a notebook cell (JupyterLab, Notebook 7, VS Code).

:class:`CanvasWidget` is an anywidget whose JavaScript (``backends/web/js/widget.js``) reuses
glir.js, figure.js and remote.js (each loaded from a blob URL inside the
widget's one ES module, as exported pages do), and whose Python side is a
:class:`~glframe.backends.web.RemoteSession`: the session does the
protocol, flow control and both modes, the widget only carries its messages.
They travel on the kernel's own websocket when the page reaches it (directly,
or relayed by the notebook server: see :mod:`._stream` and ``STREAMS``),
else on the widget's comm (``model.send`` / ``msg:custom`` in the browser,
``send`` / ``on_msg`` here); binary buffers both ways. The comm always
carries the set-up: a view asks ``stream`` and gets the socket's address.

- ``mode="server"`` (the default): the kernel renders offscreen (EGL) and
  sends JPEG frames while the picture moves and an exact PNG once it settles;
  the browser acknowledges each frame it has shown.
- ``mode="client"``: the kernel sends GLIR once (then each frame's changes),
  glir.js draws it with WebGL2, the browser moves glframe's cameras itself
  and sends their state back.

``widget.mode = "client"`` switches a displayed widget without re-running its
cell. ``widget.stats()`` reports frames sent and shown, round trip, encode
time and fps. The widget's mimebundle carries a PNG snapshot besides the
widget view, so a saved notebook converted by nbconvert (or shown where no
widget manager runs) still shows the picture; the same PNG is in the widget's
state, and a view shows it until the kernel's first frame (or for good, in a
page exported with the widget state and no kernel behind it).

Threads: messages are handled on the thread (and asyncio loop) that made the
widget, the kernel's main thread, even when ipykernel hands them to a
subshell's thread (the stream's socket is served on that loop too); so they
wait while a cell runs, like a desktop window waits for its event loop.

Handshake: a message sent before a view has attached its listener is lost, so
nothing is sent until a view says ``ready``; each ``ready`` gets the mode and
size, then the whole state (a frame, or the GLIR snapshot). Views tag their
messages with a ``view_id``: the session draws while *any* view is visible.

Limits: one session per widget. Displaying the same widget twice gives two
views fed by the same messages; both acknowledge frames (the second ack of a
frame is ignored) and both report their width, so two views of different
widths resize the canvas back and forth. Input goes from each view to the one
canvas. Make a second canvas for a second, independent view.

This module needs anywidget (``pip install 'glframe[notebook]'``); nothing in
glframe imports it unless a widget is asked for.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import secrets
import threading
from collections.abc import Sequence
from typing import Any

import anywidget
import traitlets

from ..web import (
    MODES,
    RemoteSession,
    RemoteSource,
    encode_image,
    figure_bundle,
    glir_bundle,
    js_source,
    pack,
)
from ._stream import StreamEndpoint, StreamSocket, endpoint

__all__ = ["CanvasWidget", "widget_esm", "STREAMS"]

#: How a view reaches the kernel: "auto" tries "direct" (the kernel's loopback websocket,
#: from a page on the same machine), then "relay" (through the notebook server's
#: glframe_jupyter extension), then the comm; "comm" uses the comm only.
STREAMS = ("auto", "direct", "relay", "comm")

log = logging.getLogger("glframe.widget")


_esm_cache: str | None = None


def widget_esm() -> str:
    """The widget's ES module: the template with glir.js, figure.js and remote.js inlined."""
    global _esm_cache
    if _esm_cache is None:
        sources = {
            "glir": glir_bundle(),
            "figure": figure_bundle(),
            "remote": js_source("remote.js"),
        }
        text = json.dumps(sources).replace("</", "<\\/")
        _esm_cache = js_source("widget.js").replace("__SOURCES__", text)
    return _esm_cache


class CanvasWidget(anywidget.AnyWidget):
    """A live view of a canvas in a notebook, rendered in the kernel or in the browser.

    Parameters
    ----------
    source
        The canvas, as a :class:`~glframe.backends.web.RemoteSource`
        (``glframe.app`` adapts a Canvas; ``canvas.widget()`` does it for you).
    mode
        "server" (the kernel renders, frames go out) or "client" (GLIR goes
        out, WebGL2 renders). Settable while displayed.
    **session_options
        ``max_in_flight``, ``quality``, ``settle``, ``max_size``: see
        :class:`~glframe.backends.web.RemoteSession`.

    Examples
    --------
    >>> from glframe import scene
    >>> canvas = scene.SceneCanvas(size=(400, 300))       # doctest: +SKIP
    >>> widget = canvas.widget(mode="server")             # doctest: +SKIP
    >>> widget                                            # doctest: +SKIP
    >>> widget.mode = "client"                            # doctest: +SKIP
    >>> widget.stats()["frames_shown"]                    # doctest: +SKIP
    """

    _esm = widget_esm()
    mode = traitlets.Enum(MODES, default_value="server").tag(sync=True)
    #: (width, height) of the canvas when the widget was made: the view's width and aspect
    _size = traitlets.List(traitlets.Int(), default_value=[0, 0]).tag(sync=True)
    #: PNG shown by a view until its first frame: also in a page exported with widget state
    _snapshot = traitlets.Bytes(b"").tag(sync=True)
    #: how views reach the kernel: see STREAMS (and _stream.py)
    _stream = traitlets.Enum(STREAMS, default_value="auto").tag(sync=True)

    def __init__(
        self,
        source: RemoteSource,
        *,
        mode: str = "server",
        stream: str = "auto",
        **session_options: Any,
    ):
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} must be one of {MODES}")
        if stream not in STREAMS:
            raise ValueError(f"stream {stream!r} must be one of {STREAMS}")
        self._session: RemoteSession | None = None
        self._views: dict[str, bool] = {}  # view id -> visible
        self._sockets: dict[str, StreamSocket] = {}  # view id -> its socket (direct or relayed)
        self._key = secrets.token_hex(8)  # this widget's path on the stream endpoint
        self._endpoint: StreamEndpoint | None = None
        self._thread = threading.get_ident()
        try:
            self._loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a script, a test): handle messages where they come
            self._loop = None
        super().__init__(mode=mode, _size=[int(v) for v in source.size], _stream=stream)
        self._session = RemoteSession(source, self._send_message, mode=mode, **session_options)
        self._session.visible = False  # until a view says ready
        self.on_msg(self._on_message)

    @property
    def session(self) -> RemoteSession:
        """The remote session (protocol, flow control) behind this widget."""
        assert self._session is not None
        return self._session

    @property
    def source(self) -> RemoteSource:
        return self.session.source

    @traitlets.observe("mode")
    def _mode_changed(self, change: dict) -> None:
        if self._session is not None:
            self._session.mode = change["new"]

    def stats(self) -> dict[str, Any]:
        """Frames sent and shown, bytes, encode and round-trip times (ms), fps, views.

        ``fps`` counts frames the browser acknowledged (server mode);
        ``roundtrip_ms`` is the median time from sending a frame to its
        acknowledgement, ``encode_ms`` the median JPEG/PNG encoding time.
        """
        return {
            **self.session.stats(),
            "views": len(self._views),
            "stream_views": len(self._sockets),
        }

    def snapshot(self) -> bytes:
        """A PNG of the canvas as it is now (what saved notebooks show)."""
        return encode_image(self.source.render(), "png")

    def close(self) -> None:
        """Stop the session and close the widget (its views go blank)."""
        # getattr: also called by ipywidgets' __del__ on a widget whose __init__ raised
        if getattr(self, "_session", None) is not None:
            self._session.close()
        if getattr(self, "_endpoint", None) is not None:
            self._endpoint.remove(self._key)
        for socket in list(getattr(self, "_sockets", {}).values()):
            socket.close(1001, "the widget is closed")
        self._sockets = {}
        super().close()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        if data is None:
            return bundle
        png = self.snapshot()
        self._snapshot = png
        data = {**data, "image/png": base64.b64encode(png).decode("ascii")}
        return data, metadata

    def __repr__(self) -> str:
        if self._session is None:
            return "<CanvasWidget>"
        w, h = self.source.size
        return f"<CanvasWidget {w}x{h} {self.mode}>"

    # ---- transport ------------------------------------------------------------------------
    def _send_message(self, header: dict, buffers: Sequence) -> None:
        """The session's ``send``: to each streaming view's socket, and over the comm if needed."""
        packed = pack(header, buffers) if buffers and self._sockets else None
        for socket in list(self._sockets.values()):
            socket.send(header, packed=packed)
        if self._sockets and all(view in self._sockets for view in self._views):
            return  # every view streams: the comm carries nothing
        # Copies: the comm sends from another thread, after the arrays may have changed.
        self.send(header, buffers=[bytes(memoryview(b).cast("B")) for b in buffers])

    def _offer_stream(self, view: str) -> None:
        """Answer a view's ``stream`` request: where the kernel's websocket is, if anywhere."""
        address = None
        if self._stream != "comm":
            if self._endpoint is None:
                self._endpoint = endpoint()
                if self._endpoint is not None:
                    self._endpoint.add(self._key, self)
            if self._endpoint is not None:
                address = self._endpoint.address(self._key)
        offer = {"type": "stream", "view_id": view, "port": None}
        if address is not None:
            offer.update(address)
        self.send(offer)

    # StreamPeer: the sockets of this widget's views (on the loop's thread). A socket
    # carries its view from the view's first message on it (a socket the page opened too
    # late and closed says nothing); a "ready" on the comm means the page gave up on its
    # socket and uses the comm.
    def stream_message(self, socket: StreamSocket, header: Any, buffers: list) -> None:
        if isinstance(header, dict):
            header["view_id"] = socket.view  # the socket's view, whatever the message says
        old = self._sockets.get(socket.view)
        if old is not socket:
            self._sockets[socket.view] = socket
            if old is not None:
                old.close(1000, "replaced")
        try:
            self._handle(header, buffers, socket)
        except Exception as exc:  # a bug in a draw callback: report it, keep the socket
            log.exception("glframe widget: error while handling a message")
            error = f"{type(exc).__name__}: {exc}"
            self.stream_warning(socket, f"error while handling a message: {error}")

    def stream_closed(self, socket: StreamSocket) -> None:
        if self._sockets.get(socket.view) is socket:
            del self._sockets[socket.view]
            # the view falls back to the comm (it says "ready" there) unless it is gone
            self._views.pop(socket.view, None)
            self.session.visible = any(self._views.values())

    def stream_warning(self, socket: StreamSocket, message: str) -> None:
        socket.send({"type": "warning", "message": message})

    def _on_message(self, _widget: Any, content: Any, buffers: Sequence) -> None:
        # ipykernel 7 may run comm handlers on a subshell's thread (JupyterLab 4.6
        # sends widget messages over subshells): GL contexts and the canvas belong
        # to the thread of the loop that made the widget, so hand the message over.
        loop = self._loop
        if loop is not None and threading.get_ident() != self._thread:
            if not loop.is_closed():
                loop.call_soon_threadsafe(self._handle, content, list(buffers or ()))
            return
        self._handle(content, buffers or ())

    def _handle(self, content: Any, buffers: Sequence, socket: StreamSocket | None = None) -> None:
        session = self.session
        if not isinstance(content, dict):
            session.receive(content, buffers)  # refused with a warning, never raised
            return
        view = content.get("view_id")
        view = view if isinstance(view, str) and 0 < len(view) <= 64 else "?"
        kind = content.get("type")
        if kind == "stream":
            self._offer_stream(view)
            return
        if kind == "visible":  # per view: the session draws while any view is visible
            if content.get("closed"):
                self._views.pop(view, None)
            elif view in self._views or len(self._views) < 64:
                self._views[view] = bool(content.get("visible"))
            session.visible = any(self._views.values())
            session.pump()
            return
        if kind == "ready":
            old = self._sockets.get(view)
            if socket is None and old is not None:  # back on the comm
                del self._sockets[view]
                old.close(1000, "the view uses the comm")
            if view in self._views or len(self._views) < 64:
                self._views[view] = True
            session.visible = True
            w, h = session.source.size
            self._send_message({"type": "mode", "mode": session.mode, "size": [w, h]}, [])
        session.receive(content, buffers)
