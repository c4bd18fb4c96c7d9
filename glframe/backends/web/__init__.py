"""web: GLIR in a browser, exported to a file or streamed over a websocket.

- ``js/``: the browser side, plain ES modules with no build step: glir.js (the
  WebGL2 interpreter, with protocol.js, glsl.js, objects.js, program.js),
  figure.js and cameras.js (exported pages), axes.js and ticks.js (a plot
  figure's ticks in a page), remote.js (live pages), widget.js
  (the notebook widget); ``js/test/`` holds their Node tests;
- HTML export: :func:`figure_data`, :func:`page`, :func:`write_html`, all in
  the one page shell (:func:`page_shell`) that the server's page uses too;
  :func:`glir_bundle`, :func:`figure_bundle`, :func:`axes_bundle`,
  :func:`js_source` give the
  scripts as text;
- remote sessions: :class:`RemoteSession` speaks to one page (server mode:
  frames rendered here; client mode: GLIR drawn by glir.js) for a
  :class:`RemoteSource` (``glframe.app`` adapts a Canvas);
- :class:`RemoteServer`: a tornado server, a canvas in any browser; its
  connection handler (:class:`SocketHandler`), error mixin (:class:`Refusing`,
  :class:`Refused`), :class:`NoContentHandler` and token-masking access log
  (:func:`log_request`), for servers that mount its pages in their own
  application (``python -m glframe stream serve``);
- the wire: :func:`pack` / :func:`unpack` (one message: a JSON header and
  binary buffers), :func:`read_message`, :func:`ws_message`,
  :func:`encode_image`; transports: :func:`encode` / :func:`decode` of a
  GLIR batch's buffers (binary, base64, deflate, png; :data:`ENCODINGS`).

No GL here: the notebook room (:mod:`glframe.backends.notebook`) builds on
this one.
"""

from __future__ import annotations

from ._html import figure_data, page, write_html
from ._page import (
    AXES_MODULES,
    FIGURE_MODULES,
    GLIR_MODULES,
    axes_bundle,
    figure_bundle,
    glir_bundle,
    js_source,
    page_shell,
    script_json,
)
from ._remote import MODES, RemoteSession, RemoteSource, per_frame_commands
from ._server import RemoteServer, access_refusal, is_loopback
from ._server import _log_request as log_request
from ._server import _NoContent as NoContentHandler
from ._server import _Refused as Refused
from ._server import _Refusing as Refusing
from ._server import _SocketHandler as SocketHandler
from ._transport import ENCODINGS, TransportError, decode, encode, shuffle, unshuffle
from ._wire import (
    MessageError,
    encode_image,
    forget_write,
    pack,
    read_message,
    unpack,
    ws_message,
)

__all__ = [
    "figure_data",
    "page",
    "write_html",
    "page_shell",
    "script_json",
    "js_source",
    "glir_bundle",
    "figure_bundle",
    "axes_bundle",
    "GLIR_MODULES",
    "FIGURE_MODULES",
    "AXES_MODULES",
    "MODES",
    "RemoteSession",
    "RemoteSource",
    "per_frame_commands",
    "RemoteServer",
    "is_loopback",
    "access_refusal",
    "SocketHandler",
    "Refused",
    "Refusing",
    "NoContentHandler",
    "log_request",
    "ENCODINGS",
    "TransportError",
    "encode",
    "decode",
    "shuffle",
    "unshuffle",
    "MessageError",
    "encode_image",
    "forget_write",
    "pack",
    "unpack",
    "read_message",
    "ws_message",
]
