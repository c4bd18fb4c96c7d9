"""backends: where GLIR is executed.

- :class:`GlirInterpreter` runs GLIR with PyOpenGL in the current context;
- :class:`OffscreenSurface` is an EGL (Mesa surfaceless) context with an FBO;
- :class:`WindowSurface` is a glfw window (its context made through EGL),
  whose input goes to one event handler (``surface.set_event_handler``);
  :func:`poll_events`, :func:`wait_events` and :func:`wake` pump those events.

:func:`create_surface` picks one by name. This package is the only one in
glframe that imports OpenGL; it never imports ``app``, ``scene`` or ``plot``.
"""

from __future__ import annotations

import os

from ._glfw import has_display, poll_events, wait_events, wake

__all__ = [
    "create_surface",
    "has_display",
    "poll_events",
    "wait_events",
    "wake",
    "BACKENDS",
    "GlirInterpreter",
]

BACKENDS = ("offscreen", "window", "auto")


def create_surface(
    backend: str, size: tuple[int, int], title: str = "glframe", *, vsync: bool = True
):
    """An offscreen or window surface.

    ``vsync`` (windows only): swap buffers in step with the screen's refresh.

    ``"auto"`` is the backend named by the GLFRAME_BACKEND environment variable
    if set (the gallery sets it to render headless), else a window where there
    is a display, else offscreen.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if backend == "auto":
        backend = os.environ.get("GLFRAME_BACKEND") or ("window" if has_display() else "offscreen")
        if backend not in ("window", "offscreen"):
            raise ValueError(f"GLFRAME_BACKEND={backend!r} must be 'window' or 'offscreen'")
    if backend == "window":
        from ._glfw import WindowSurface

        return WindowSurface(size, title, vsync=vsync)
    from ._egl import OffscreenSurface

    return OffscreenSurface(size)


def __getattr__(name: str):
    # Lazy, so that importing glframe does not load libGL until a canvas is made.
    if name == "GlirInterpreter":
        from ._interpreter import GlirInterpreter

        return GlirInterpreter
    raise AttributeError(name)
