"""The Qt binding glframe uses: PyQt6 or PySide6, whichever is imported (or installed).

A few lines instead of a dependency (qtpy): the Qt backend needs only
``QtCore``, ``QtGui``, ``QtWidgets`` and ``QOpenGLWidget``, which both bindings
spell the same. A binding the application has already imported wins, so that
glframe never loads a second Qt into the process.
"""

from __future__ import annotations

import importlib
import sys

__all__ = ["API", "QtCore", "QtGui", "QtWidgets", "QOpenGLWidget"]

_BINDINGS = ("PyQt6", "PySide6")


def _load() -> tuple[str, object, object, object, object]:
    order = sorted(_BINDINGS, key=lambda name: name not in sys.modules)
    errors = []
    for name in order:
        try:
            core = importlib.import_module(f"{name}.QtCore")
            gui = importlib.import_module(f"{name}.QtGui")
            widgets = importlib.import_module(f"{name}.QtWidgets")
            glwidgets = importlib.import_module(f"{name}.QtOpenGLWidgets")
        except ImportError as exc:
            errors.append(f"{name}: {exc}")
            continue
        return name, core, gui, widgets, glwidgets.QOpenGLWidget
    raise ImportError(
        "the Qt backend needs PyQt6 or PySide6 ("
        + "; ".join(errors)
        + "): pip install 'glframe[qt]'"
    )


API, QtCore, QtGui, QtWidgets, QOpenGLWidget = _load()
