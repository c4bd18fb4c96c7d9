"""backends: where GLIR is executed or shipped, one room (sub-package) per backend.

- :mod:`.gl`: the desktop GLIR interpreter (PyOpenGL) and its GL objects;
  :class:`GlirInterpreter` runs GLIR in the current context;
- :mod:`.offscreen`: :class:`~.offscreen.OffscreenSurface`, an EGL (Mesa
  surfaceless) context with an FBO;
- :mod:`.desktop`: :class:`~.desktop.WindowSurface`, a glfw window (its
  context made through EGL) whose input goes to one event handler;
  :func:`poll_events`, :func:`wait_events` and :func:`wake` pump those events;
- :mod:`.qt`: :class:`~.qt.QtSurface`, a ``QOpenGLWidget`` (PyQt6 or
  PySide6) for Qt layouts, and Qt's event loop as a driver of glframe's;
- :mod:`.web`: GLIR in a browser: glir.js and the page scripts (``web/js``),
  standalone HTML export, the websocket server, remote sessions, the wire
  format and transports;
- :mod:`.notebook`: the Jupyter widget and the kernel's own websocket.

This module is the registry: :func:`create_surface` picks a surface by name.
It imports no GL: ``gl``, ``offscreen`` and glfw load when a canvas is made,
so that ``import glframe`` works where PyOpenGL or glfw is absent. This
package is the only one in glframe that imports OpenGL; it never imports
``app``, ``scene`` or ``plot``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .desktop import has_display, poll_events, wait_events, wake
from .qt import qt_application

if TYPE_CHECKING:
    from .gl import GlirInterpreter

__all__ = [
    "create_surface",
    "has_display",
    "poll_events",
    "wait_events",
    "wake",
    "qt_application",
    "BACKENDS",
    "GlirInterpreter",
]

BACKENDS = ("offscreen", "window", "qt", "auto")


def create_surface(
    backend: str, size: tuple[int, int], title: str = "glframe", *, vsync: bool = True
):
    """An offscreen, window (glfw) or Qt widget surface.

    ``vsync`` (windows only): swap buffers in step with the screen's refresh.

    ``"auto"`` is the backend named by the GLFRAME_BACKEND environment variable
    if set (the gallery sets it to render headless), else a window where there
    is a display, else offscreen.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if backend == "auto":
        backend = os.environ.get("GLFRAME_BACKEND") or ("window" if has_display() else "offscreen")
        if backend not in ("window", "offscreen", "qt"):
            raise ValueError(f"GLFRAME_BACKEND={backend!r} must be 'window', 'offscreen' or 'qt'")
    if backend == "window":
        from .desktop import WindowSurface

        return WindowSurface(size, title, vsync=vsync)
    if backend == "qt":
        from .qt import QtSurface

        return QtSurface(size, title)
    from .offscreen import OffscreenSurface

    return OffscreenSurface(size)


def __getattr__(name: str):
    # Lazy, so that importing glframe does not load libGL until a canvas is made.
    if name == "GlirInterpreter":
        from .gl import GlirInterpreter

        return GlirInterpreter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
