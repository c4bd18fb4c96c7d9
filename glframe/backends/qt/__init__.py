"""qt: a glframe canvas as a Qt widget (PyQt6 or PySide6), and Qt's event loop.

- :class:`QtSurface`: a surface whose ``native`` is a ``QOpenGLWidget`` that
  can go in any layout; its input goes to one event handler in glframe's
  vocabulary of backend events (the same as the glfw window's);
- :func:`qt_application`: the running ``QApplication``, if the process has one;
- :class:`QtLoopAdapter`: the few asyncio-loop methods glframe's event loop
  uses (``call_later``, ``call_soon_threadsafe``, ...), on Qt's event loop.

Importing this package loads no Qt: :func:`qt_application` only looks at
bindings already imported, and the first :class:`QtSurface` imports one.
See ``_surface.py`` for why a ``QOpenGLWidget``.
"""

from __future__ import annotations

import sys

__all__ = ["QtSurface", "QtLoopAdapter", "qt_application", "QtFuture"]


def qt_application():
    """The process's ``QApplication`` (PyQt6 or PySide6, already imported), or None."""
    for name in ("PyQt6", "PySide6"):
        widgets = sys.modules.get(f"{name}.QtWidgets")
        if widgets is not None:
            app = widgets.QApplication.instance()
            if app is not None:
                return app
    return None


def __getattr__(name: str):
    # Lazy: Qt (and GL) load with the first Qt canvas, not with glframe.backends.
    if name in ("QtSurface",):
        from ._surface import QtSurface

        return QtSurface
    if name in ("QtLoopAdapter", "QtFuture"):
        from . import _loop

        return getattr(_loop, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
