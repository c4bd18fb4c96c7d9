"""desktop: a glfw window with an EGL-created OpenGL context, and its input.

- :class:`WindowSurface`: a window; its input goes to one event handler
  (``surface.set_event_handler``) in glframe's vocabulary of backend events;
- :func:`poll_events`, :func:`wait_events` and :func:`wake` pump those
  events; :func:`terminate` closes every window and releases glfw;
- :func:`has_display`: whether a window can be opened here.

Importing this package loads neither glfw nor libGL: the first
:class:`WindowSurface` does. GLIR is run in a window by
:class:`glframe.backends.gl.GlirInterpreter`.
"""

from __future__ import annotations

from ._glfw import (
    EventHandler,
    WindowSurface,
    has_display,
    poll_events,
    terminate,
    wait_events,
    wake,
)

__all__ = [
    "WindowSurface",
    "EventHandler",
    "has_display",
    "poll_events",
    "wait_events",
    "wake",
    "terminate",
]
