"""app: the Canvas, its events, timers and the event loop.

It joins a surface and interpreter from ``backends`` with a GLIR context from
``gloo``; it never calls GL itself. See docs/app.md.

- :class:`Canvas`: offscreen or window; ``canvas.events`` (draw, resize,
  mouse and key events), ``update()``, ``show()``; in a Jupyter kernel
  ``canvas.widget()`` (also ``show()``, or the canvas as a cell's result): a
  live widget (docs/notebook.md);
- :class:`Timer`: a callback every interval, fired by whichever loop runs;
- :func:`run`, :func:`run_async`, :func:`quit`, :func:`process_events`: the
  event loop (``loop`` is its one instance);
- :func:`show`: what an example does when run as a script;
- :func:`serve`: view a canvas in any browser (a websocket server);
- :class:`MovieWriter`: ``canvas.record_movie(path)``, frames into MP4, GIF or PNGs.
"""

from ._canvas import Canvas, Recording
from ._events import EmitterGroup, Event, EventEmitter
from ._loop import EventLoop, loop, process_events, quit, run, run_async
from ._movie import MovieWriter
from ._serve import serve
from ._show import show
from ._timer import Timer

__all__ = [
    "Canvas",
    "Recording",
    "MovieWriter",
    "Event",
    "EventEmitter",
    "EmitterGroup",
    "Timer",
    "EventLoop",
    "loop",
    "run",
    "run_async",
    "quit",
    "process_events",
    "show",
    "serve",
]
