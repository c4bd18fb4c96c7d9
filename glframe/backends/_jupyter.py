"""The Jupyter widget: a live canvas in a notebook cell (JupyterLab, Notebook 7, VS Code).

:class:`CanvasWidget` is an anywidget whose JavaScript reuses glir.js,
figure.js and remote.js (each loaded from a blob URL inside the widget's one
ES module, as exported pages do), and whose Python side is a
:class:`~glframe.backends._remote.RemoteSession` over the widget's comm: the
session does the protocol, flow control and both modes, the widget only
carries its messages (``model.send`` / ``msg:custom`` in the browser,
``send`` / ``on_msg`` here; binary buffers both ways).

- ``mode="server"`` (the default): the kernel renders offscreen (EGL) and
  sends JPEG frames while the picture moves and an exact PNG once it settles;
  the browser acknowledges each frame it has shown.
- ``mode="client"``: the kernel sends GLIR once (then each frame's changes),
  glir.js draws it with WebGL2, the browser moves pan-zoom and turntable
  cameras itself and sends their state back.

``widget.mode = "client"`` switches a displayed widget without re-running its
cell. ``widget.stats()`` reports frames sent and shown, round trip, encode
time and fps. The widget's mimebundle carries a PNG snapshot besides the
widget view, so a saved notebook converted by nbconvert (or shown where no
widget manager runs) still shows the picture; the same PNG is in the widget's
state, and a view shows it until the kernel's first frame (or for good, in a
page exported with the widget state and no kernel behind it).

Threads: messages are handled on the thread (and asyncio loop) that made the
widget, the kernel's main thread, even when ipykernel hands them to a
subshell's thread; so they wait while a cell runs, like a desktop window
waits for its event loop.

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
import threading
from collections.abc import Sequence
from typing import Any

import anywidget
import traitlets

from ._html import _js, glir_bundle
from ._remote import MODES, RemoteSession, RemoteSource, encode_image

__all__ = ["CanvasWidget", "widget_esm"]

_ESM_TEMPLATE = """\
// glframe's canvas widget: glir.js, figure.js and remote.js, each loaded from
// a blob URL (a module made from a string cannot import its siblings).
const SOURCES = __SOURCES__;
const load = (text) => import(URL.createObjectURL(new Blob([text], { type: "text/javascript" })));
let modules = null;

async function render({ model, el }) {
  modules = modules || Promise.all([SOURCES.glir, SOURCES.figure, SOURCES.remote].map(load));
  const [glir, figure, remote] = await modules;
  const viewId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const listeners = [];
  const onMessage = (content, buffers) => {
    for (const callback of listeners) callback(content, buffers || []);
  };
  const transport = {
    send(header, buffers) { model.send({ ...header, view_id: viewId }, undefined, buffers); },
    onMessage(callback) { listeners.push(callback); },
  };
  model.on("msg:custom", onMessage);  // before connect() says "ready"
  const size = model.get("_size");
  el.classList.add("glframe-widget");
  el.style.maxWidth = `${size[0]}px`;  // the canvas's own width, narrower if the cell is
  const view = remote.connect(el, transport, glir, figure);
  // Mode and aspect now, before the first resize report (the kernel's answer comes later).
  onMessage({ type: "mode", mode: model.get("mode"), size }, []);
  const blank = el.querySelector(".glframe-remote canvas");
  [blank.width, blank.height] = size;
  // The snapshot taken when the widget was displayed, until the kernel's first picture
  // (and for good where no kernel answers: a page exported with the widget state).
  const snapshot = model.get("_snapshot");
  if (snapshot && snapshot.byteLength) {
    const still = document.createElement("img");
    still.className = "glframe-snapshot";
    still.src = URL.createObjectURL(new Blob([snapshot], { type: "image/png" }));
    still.style.cssText = "position: absolute; left: 0; top: 0; width: 100%; pointer-events: none;";
    el.style.position = "relative";
    el.appendChild(still);
    listeners.push((header) => {
      if (still.parentNode && (header.type === "frame" || header.type === "glir")) {
        setTimeout(() => { still.remove(); URL.revokeObjectURL(still.src); }, 50);
      }
    });
  }
  return () => {
    model.off("msg:custom", onMessage);
    transport.send({ type: "visible", visible: false, closed: true }, []);
    view.close();
  };
}

export default { render };
"""

_esm_cache: str | None = None


def widget_esm() -> str:
    """The widget's ES module: the template with glir.js, figure.js and remote.js inlined."""
    global _esm_cache
    if _esm_cache is None:
        sources = {"glir": glir_bundle(), "figure": _js("figure.js"), "remote": _js("remote.js")}
        text = json.dumps(sources).replace("</", "<\\/")
        _esm_cache = _ESM_TEMPLATE.replace("__SOURCES__", text)
    return _esm_cache


class CanvasWidget(anywidget.AnyWidget):
    """A live view of a canvas in a notebook, rendered in the kernel or in the browser.

    Parameters
    ----------
    source
        The canvas, as a :class:`~glframe.backends._remote.RemoteSource`
        (``glframe.app`` adapts a Canvas; ``canvas.widget()`` does it for you).
    mode
        "server" (the kernel renders, frames go out) or "client" (GLIR goes
        out, WebGL2 renders). Settable while displayed.
    **session_options
        ``max_in_flight``, ``quality``, ``settle``, ``max_size``: see
        :class:`~glframe.backends._remote.RemoteSession`.

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

    def __init__(self, source: RemoteSource, *, mode: str = "server", **session_options: Any):
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} must be one of {MODES}")
        self._session: RemoteSession | None = None
        self._views: dict[str, bool] = {}  # view id -> visible
        self._thread = threading.get_ident()
        try:
            self._loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a script, a test): handle messages where they come
            self._loop = None
        super().__init__(mode=mode, _size=[int(v) for v in source.size])
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
        return {**self.session.stats(), "views": len(self._views)}

    def snapshot(self) -> bytes:
        """A PNG of the canvas as it is now (what saved notebooks show)."""
        return encode_image(self.source.render(), "png")

    def close(self) -> None:
        """Stop the session and close the widget (its views go blank)."""
        if self._session is not None:
            self._session.close()
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
        # Copies: the comm sends from another thread, after the arrays may have changed.
        self.send(header, buffers=[bytes(memoryview(b).cast("B")) for b in buffers])

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

    def _handle(self, content: Any, buffers: Sequence) -> None:
        session = self.session
        if not isinstance(content, dict):
            session.receive(content, buffers)  # refused with a warning, never raised
            return
        view = content.get("view_id")
        view = view if isinstance(view, str) and 0 < len(view) <= 64 else "?"
        kind = content.get("type")
        if kind == "visible":  # per view: the session draws while any view is visible
            if content.get("closed"):
                self._views.pop(view, None)
            elif view in self._views or len(self._views) < 64:
                self._views[view] = bool(content.get("visible"))
            session.visible = any(self._views.values())
            session.pump()
            return
        if kind == "ready":
            if view in self._views or len(self._views) < 64:
                self._views[view] = True
            session.visible = True
            w, h = session.source.size
            self._send_message({"type": "mode", "mode": session.mode, "size": [w, h]}, [])
        session.receive(content, buffers)
