"""app: the Canvas, its events, and (later) timers and the event loop.

It joins a surface and interpreter from ``backends`` with a GLIR context from
``gloo``; it never calls GL itself.
"""

from ._canvas import Canvas, Recording
from ._events import EmitterGroup, Event, EventEmitter
from ._show import show

__all__ = ["Canvas", "Recording", "Event", "EventEmitter", "EmitterGroup", "show"]
