"""notebook: a live canvas in a Jupyter notebook cell.

- :class:`CanvasWidget`: an anywidget whose page side (``web/js/widget.js``)
  reuses glir.js, figure.js and remote.js, and whose kernel side is a
  :class:`glframe.backends.web.RemoteSession`; :data:`STREAMS` are the ways
  its views reach the kernel; :func:`widget_esm` its ES module;
- the kernel's own websocket, which widget views stream over past the
  Jupyter comm: :class:`StreamEndpoint` (one per kernel, :func:`endpoint`),
  :class:`StreamSocket`, :class:`StreamPeer`. ``glframe_jupyter`` (a Jupyter
  server extension, outside this package) relays it for remote browsers.

Needs anywidget (``pip install 'glframe[notebook]'``): nothing in glframe
imports this package unless a widget is asked for.
"""

from __future__ import annotations

from ._jupyter import STREAMS, CanvasWidget, widget_esm  # noqa: I001  (needs anywidget)
from ._stream import StreamEndpoint, StreamPeer, StreamSocket, endpoint

__all__ = [
    "CanvasWidget",
    "STREAMS",
    "widget_esm",
    "StreamEndpoint",
    "StreamPeer",
    "StreamSocket",
    "endpoint",
]
