"""Canvases in Jupyter: ``canvas.widget()``, ``canvas.show()`` and a canvas as a cell's result.

An offscreen canvas in a notebook is shown as a
:class:`~glframe.backends.notebook.CanvasWidget` (anywidget): live, with input
going back to the canvas, rendered in the kernel (``mode="server"``) or in the
browser (``mode="client"``). A canvas has at most one widget, made on first
use and kept (``canvas.widget()`` returns the same one; ``mode=`` switches
it), so that updates render once whatever the number of times it is shown.

Timers need nothing special: a :class:`~glframe.app.Timer` started in a cell
runs on the kernel's asyncio loop (see :mod:`glframe.app._loop`) and keeps
firing between and after cells; ``canvas.update()`` from its callback sends
the next frame when the browser has acknowledged enough of the previous ones.

anywidget is optional (``pip install 'glframe[notebook]'``): without it a
canvas as a cell's result shows a PNG, and ``canvas.widget()`` raises an
ImportError that says what to install.
"""

from __future__ import annotations

import base64
import sys
from typing import TYPE_CHECKING, Any

from ._remote import CanvasSource

if TYPE_CHECKING:
    from ..backends.notebook import CanvasWidget

__all__ = ["in_kernel", "canvas_widget", "show_in_notebook", "canvas_mimebundle"]

_INSTALL = "a notebook widget needs anywidget: pip install 'glframe[notebook]'"


def in_kernel() -> bool:
    """Whether this code runs in a Jupyter kernel (IPython with a kernel attached)."""
    ipython_module = sys.modules.get("IPython")
    if ipython_module is None:
        return False
    try:
        shell = ipython_module.get_ipython()
    except AttributeError:
        return False
    return shell is not None and getattr(shell, "kernel", None) is not None


def _widget_class() -> type[CanvasWidget]:
    try:
        from ..backends.notebook import CanvasWidget
    except ImportError as exc:
        raise ImportError(f"{_INSTALL} ({exc})") from exc
    return CanvasWidget


def canvas_widget(canvas: Any, mode: str | None = None, **options: Any) -> CanvasWidget:
    """The canvas's widget, made on first use; ``mode`` (if given) switches it.

    ``options`` (``quality``, ``settle``, ``max_in_flight``, ``max_size``,
    ``ack_timeout``) go
    to the remote session; on an existing widget they are set on its session.
    ``stream`` ("auto", "direct", "relay" or "comm") picks how its views reach
    the kernel from their next display on (see
    ``glframe.backends.notebook.STREAMS``); "comm" keeps them on the Jupyter
    comm.
    """
    canvas._check_open()
    if canvas.backend == "window":
        raise RuntimeError("a window canvas cannot be shown in a notebook; use an offscreen one")
    widget = getattr(canvas, "_notebook_widget", None)
    if widget is None or widget.comm is None:  # none yet, or closed
        widget = _widget_class()(CanvasSource(canvas), mode=mode or "server", **options)
        canvas._notebook_widget = widget
        return widget
    if "stream" in options:
        widget._stream = options.pop("stream")
    for name, value in options.items():
        if name not in ("quality", "settle", "max_in_flight", "max_size", "ack_timeout"):
            raise TypeError(f"unknown widget option {name!r}")
        setattr(widget.session, name, type(getattr(widget.session, name))(value))
    if mode is not None:
        widget.mode = mode
    return widget


def show_in_notebook(canvas: Any) -> bool:
    """Display the canvas's widget if this is a kernel and the canvas is offscreen."""
    if canvas.backend == "window" or not in_kernel():
        return False
    from IPython.display import display

    display(canvas_widget(canvas))
    return True


def canvas_mimebundle(canvas: Any, **kwargs: Any) -> Any:
    """What a canvas as a cell's last expression shows: in a kernel its widget (else a PNG)."""
    text = {"text/plain": repr(canvas)}
    if canvas.closed or canvas.backend == "window" or not in_kernel():
        return text  # a terminal shows text only: render nothing
    try:
        return canvas_widget(canvas)._repr_mimebundle_(**kwargs)
    except ImportError:
        pass  # no anywidget: a still picture
    from ..backends.web import encode_image

    png = encode_image(canvas.render(), "png")
    return {**text, "image/png": base64.b64encode(png).decode("ascii")}
