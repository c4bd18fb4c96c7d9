"""Canvas: a GL context to draw into, its GLIR queue, and its events.

A canvas owns a surface from ``glframe.backends`` (an offscreen EGL context or
a glfw window), a :class:`~glframe.gloo.GlirContext` that gloo objects record
into, and a :class:`~glframe.backends.GlirInterpreter` that executes the
recorded commands. A frame is: the draw event (user code records GLIR), one
flush, one execution. ``render()`` adds a READ_PIXELS and returns the image.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import gloo
from ..backends import GlirInterpreter, create_surface
from ..gloo import GlirContext
from ._events import EmitterGroup

__all__ = ["Canvas", "Recording"]

EVENT_TYPES = (
    "draw",
    "resize",
    "close",
    "mouse_press",
    "mouse_release",
    "mouse_move",
    "mouse_wheel",
    "key_press",
    "key_release",
)


class Recording:
    """The GLIR of frames rendered inside ``with canvas.record() as rec:``.

    ``rec.commands`` starts with the commands that rebuild every object the
    canvas had when recording began, so it replays in a fresh canvas;
    ``rec.frame_commands`` holds only what the frames themselves sent.
    """

    def __init__(self, context: GlirContext) -> None:
        self._context = context
        self.setup_commands: list[tuple] = []
        self.frame_commands: list[tuple] = []

    @property
    def commands(self) -> list[tuple]:
        return self.setup_commands + self.frame_commands

    def _on_flush(self, commands: list[tuple]) -> None:
        self.frame_commands.extend(commands)

    def __enter__(self) -> Recording:
        self.setup_commands = self._context.state.commands()
        self._context.listeners.append(self._on_flush)
        return self

    def __exit__(self, *exc) -> None:
        self._context.listeners.remove(self._on_flush)


class Canvas:
    """A surface to draw on with gloo, offscreen or in a window.

    Parameters
    ----------
    size
        (width, height) in pixels.
    backend
        "offscreen" (EGL, no display needed), "window" (glfw), or "auto" (a
        window where there is a display, offscreen otherwise).
    title
        The window title.

    Examples
    --------
    >>> import glframe
    >>> canvas = glframe.Canvas(size=(64, 48))
    >>> @canvas.connect
    ... def on_draw(event):
    ...     glframe.gloo.clear(color=(0.2, 0.4, 0.6, 1.0))
    >>> canvas.render().shape
    (48, 64, 4)
    """

    def __init__(
        self,
        size: tuple[int, int] = (800, 600),
        *,
        backend: str = "offscreen",
        title: str = "glframe",
    ) -> None:
        _check_size(size)
        self._surface = create_surface(backend, size, title)
        self._surface.make_current()
        self._interpreter = GlirInterpreter(default_framebuffer=self._surface.framebuffer)
        self.context = GlirContext(name=title, size=self._surface.size)
        self.context.executor = self._execute
        self.events = EmitterGroup(self, *EVENT_TYPES)
        self._closed = False

    # ---- properties ----------------------------------------------------------
    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return self._surface.size

    @property
    def backend(self) -> str:
        """ "offscreen" or "window"."""
        return self._surface.kind

    @property
    def interpreter(self) -> GlirInterpreter:
        return self._interpreter

    @property
    def renderer(self) -> str:
        """The GL renderer string (e.g. 'llvmpipe (LLVM 15.0.6, 256 bits)')."""
        return self._surface.renderer

    def connect(self, callback):
        """Connect ``on_<event>`` to that event: ``@canvas.connect def on_draw(ev): ...``."""
        name = getattr(callback, "__name__", "")
        if not name.startswith("on_"):
            raise ValueError(f"canvas.connect needs a function named on_<event>, not {name!r}")
        return getattr(self.events, name[3:]).connect(callback)

    # ---- frames ----------------------------------------------------------------
    def __enter__(self) -> Canvas:
        """Make this canvas current: gloo calls record into it."""
        self._check_open()
        self.context.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.context.__exit__(*exc)

    def _frame(self, read: bool) -> np.ndarray | None:
        self._check_open()
        w, h = self.size
        with self.context:
            gloo.set_viewport(0, 0, w, h)
            try:
                self.events.draw()
            except BaseException:
                # Send what the callback recorded (creations included) so that
                # gloo objects and the GL side stay in step; then re-raise.
                try:
                    self.context.execute_pending()
                finally:
                    raise
            request = self.context.request_pixels((0, 0, w, h)) if read else None
            self.context.execute_pending()
        self._surface.present()
        return self.context.replies.pop(request) if read else None

    def render(self) -> np.ndarray:
        """Draw a fresh frame and return it as an (h, w, 4) uint8 RGBA array."""
        return self._frame(read=True)

    def draw(self) -> None:
        """Draw a fresh frame (and show it, for a window) without reading it back."""
        self._frame(read=False)

    def resize(self, width: int, height: int) -> None:
        """Resize the canvas (its framebuffer is reallocated) and emit ``resize``."""
        self._check_open()
        _check_size((width, height))
        self._surface.resize((width, height))
        self.context.size = self._surface.size
        self.events.resize(size=self._surface.size)

    # ---- GLIR ---------------------------------------------------------------------
    def _execute(self, commands: Sequence[tuple]) -> dict:
        self._surface.make_current()
        return self._interpreter.execute(commands)

    def record(self) -> Recording:
        """``with canvas.record() as rec: canvas.render()`` keeps the GLIR in ``rec.commands``."""
        return Recording(self.context)

    def replay(self, commands: Sequence[tuple]) -> dict[int, np.ndarray]:
        """Execute recorded commands here; returns READ_PIXELS replies ``{id: image}``."""
        self._check_open()
        self.context.execute_pending()  # keep order with anything queued before
        self.context.state.update(commands)
        return self._execute(commands)

    # ---- life cycle ------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("this canvas is closed")

    def close(self) -> None:
        """Release the GL context (and window). Further use raises."""
        if self._closed:
            return
        self.events.close()
        self._closed = True
        self.context.executor = None
        self._surface.close()

    def __repr__(self) -> str:
        state = " closed" if self._closed else ""
        return f"<Canvas {self.size[0]}x{self.size[1]} {self.backend}{state}>"


def _check_size(size) -> None:
    try:
        w, h = (int(v) for v in size)
    except (TypeError, ValueError):
        raise ValueError(f"canvas size must be (width, height), not {size!r}") from None
    if w < 1 or h < 1:
        raise ValueError(f"canvas size {size!r} must be positive")
