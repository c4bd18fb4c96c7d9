"""Canvas: a GL context to draw into, its GLIR queue, and its events.

A canvas owns a surface from ``glframe.backends`` (an offscreen EGL context or
a glfw window), a :class:`~glframe.gloo.GlirContext` that gloo objects record
into, and a :class:`~glframe.backends.gl.GlirInterpreter` that executes the
recorded commands. A frame is: the draw event (user code records GLIR), one
flush, one execution. ``render()`` adds a READ_PIXELS and returns the image.

A window canvas also receives input: its surface calls
:meth:`Canvas.handle_backend_event`, which adds drag state to mouse events
(:class:`~glframe.app._input.MouseState`) and emits them on ``canvas.events``.
It registers with the event loop (:mod:`glframe.app._loop`), which draws it
when ``update()`` has marked it dirty. Sizes: ``size`` is the framebuffer in
pixels (what ``render()`` returns), ``logical_size`` the canvas in logical
pixels (mouse positions), ``pixel_ratio`` the first over the second.

As in vispy, a subclass's ``on_draw``, ``on_resize``, ``on_close``,
``on_mouse_press`` (and the other ``on_<event>`` methods of :data:`EVENT_TYPES`) are
connected to their events when the canvas is made, after every ``__init__`` has run
(so a SceneCanvas subclass's ``on_draw`` draws over the views). ``keys="interactive"``
closes on Escape and toggles full screen on F11; ``show=True`` shows a window.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .. import backends, gloo
from ..gloo import GlirContext
from ..gloo._context import values_drawn_before_set
from ._events import EmitterGroup
from ._input import MouseState
from ._loop import loop
from ._replay import ReplaySpace

if TYPE_CHECKING:
    from ..backends.gl import GlirInterpreter
    from ._movie import MovieWriter

__all__ = ["Canvas", "Recording"]

log = logging.getLogger("glframe.app")

# Backends whose canvas is on a screen (glfw window, Qt widget): sized by the user
_SCREENS = ("window", "qt")

EVENT_TYPES = (
    "draw",
    "resize",
    "close",
    "mouse_press",
    "mouse_release",
    "mouse_move",
    "mouse_wheel",
    "mouse_double_click",
    "key_press",
    "key_release",
)


class Recording:
    """The GLIR of frames rendered inside ``with canvas.record() as rec:``.

    ``rec.commands`` starts with the commands that rebuild every object the
    canvas had when recording began, so it replays in a fresh canvas;
    ``rec.frame_commands`` holds only what the frames themselves sent, led by the
    values of the program variables that they drew with before setting them
    (:func:`~glframe.gloo._context.values_drawn_before_set`), so that a page can draw
    them again and again.
    """

    def __init__(self, context: GlirContext, *, setup: bool = True) -> None:
        self._context = context
        self._setup = setup
        self.setup_commands: list[tuple] = []
        self.frame_commands: list[tuple] = []
        self._start: dict = {}

    @property
    def commands(self) -> list[tuple]:
        return self.setup_commands + self.frame_commands

    def _on_flush(self, commands: list[tuple]) -> None:
        self.frame_commands.extend(commands)

    def __enter__(self) -> Recording:
        if self._setup:  # (a copy of every object's data: a frame's stream goes without)
            self.setup_commands = self._context.state.commands()
        self._start = self._context.state.journal()
        self._context.listeners.append(self._on_flush)
        return self

    def __exit__(self, *exc) -> None:
        self._context.listeners.remove(self._on_flush)
        self._context.state.close_journal(self._start)
        self.frame_commands[:0] = values_drawn_before_set(self.frame_commands, self._start)


class _CanvasType(type):
    """Connects ``on_<event>`` methods and shows the canvas after the outermost
    ``__init__``: a subclass's own state exists by then, and its handlers come after
    those its bases connected."""

    def __call__(cls, *args, **kwargs):
        canvas = super().__call__(*args, **kwargs)
        canvas._autoconnect()
        if canvas._show_when_made:
            canvas.show()
        return canvas


class Canvas(metaclass=_CanvasType):
    """A surface to draw on with gloo, offscreen or in a window.

    Parameters
    ----------
    size
        (width, height) in logical pixels. The framebuffer has ``pixel_ratio``
        times as many pixels in each direction.
    backend
        "offscreen" (EGL, no display needed), "window" (glfw), "qt" (a Qt
        widget, ``canvas.native``, for layouts), or "auto" (a window where
        there is a display, offscreen otherwise).
    title
        The window title.
    vsync
        Windows: swap buffers in step with the screen's refresh (no tearing,
        at most one frame per refresh).
    pixel_ratio
        Offscreen: framebuffer pixels per logical pixel (default 1). A window
        takes its screen's, and ignores this.
    keys
        None, "interactive" (Escape closes the canvas, F11 toggles full screen
        where the backend has one: glfw windows and Qt), or a dict of key names
        (``"Escape"``, ``"F11"``, ``"a"``, ...) to functions called with no
        arguments on that key's press.
    show
        Show the window once the canvas is made (vispy's ``show=True``). An
        offscreen canvas has nothing to show: this does nothing there (in a
        notebook, display it or call :meth:`show` for its widget).

    Subclasses' ``on_draw``, ``on_resize``, ``on_mouse_press``... methods are
    connected to their events (see the module docstring), as in vispy.

    Events (``canvas.events.<type>``, attributes in :class:`~glframe.app.Event`):
    draw, resize, close, mouse_press, mouse_release, mouse_move, mouse_wheel,
    mouse_double_click, key_press, key_release.

    Examples
    --------
    >>> import glframe
    >>> canvas = glframe.Canvas(size=(64, 48))
    >>> @canvas.connect
    ... def on_draw(event):
    ...     glframe.gloo.clear(color=(0.2, 0.4, 0.6, 1.0))
    >>> canvas.render().shape
    (48, 64, 4)
    >>> glframe.Canvas(size=(64, 48), pixel_ratio=2).render().shape
    (96, 128, 4)
    """

    def __init__(
        self,
        size: tuple[int, int] = (800, 600),
        *,
        backend: str = "offscreen",
        title: str = "glframe",
        vsync: bool = True,
        pixel_ratio: float | None = None,
        keys: str | dict[str, Callable[[], object]] | None = None,
        show: bool = False,
    ) -> None:
        _check_size(size)
        key_map = _key_map(self, keys)
        ratio = 1.0 if pixel_ratio is None else _check_ratio(pixel_ratio)
        # GL (PyOpenGL, and glfw for a window) loads here, not at import
        self._surface = backends.create_surface(backend, size, title, vsync=vsync)
        self._logical_size = tuple(int(v) for v in size)
        self._pixel_ratio = 1.0
        if self._surface.kind != "window" and ratio != 1.0:
            self._pixel_ratio = ratio
            self._surface.resize(self._physical(self._logical_size))
        self._surface.make_current()
        self._interpreter = backends.GlirInterpreter(default_framebuffer=self._surface.framebuffer)
        self.context = GlirContext(name=title, size=self._surface.size)
        self.context.executor = self._execute
        gloo.set_last_context(self.context)  # gloo state set outside a draw lands here
        self._replays = ReplaySpace(self.context)  # streams replayed here: ids, GL state
        self.events = EmitterGroup(self, *EVENT_TYPES)
        self._title = title
        self.vsync = vsync
        self._closed = False
        # called by update(): remote views of this canvas (see on_update)
        self._update_callbacks: list[Callable[[], None]] = []
        self._drawing = self._close_after_frame = self._update_in_frame = False
        self._mouse = MouseState()
        self._sizes = (self.logical_size, self.size)
        self._dirty = True
        if self.backend in _SCREENS:
            self._surface.set_event_handler(self.handle_backend_event)
            loop._add_window(self)
        self._keys = key_map
        if key_map:
            self.events.key_press.connect(self._on_key_map)
        # offscreen, show=True has nothing to show (see the docstring)
        self._show_when_made = bool(show) and self.backend in _SCREENS

    def _autoconnect(self) -> None:
        """Connect each ``on_<event>`` method of the class to its event (vispy's way)."""
        for name in EVENT_TYPES:
            method = getattr(self, f"on_{name}", None)
            if callable(method):
                getattr(self.events, name).connect(method)

    def _on_key_map(self, event) -> None:
        action = self._keys.get(event.key)
        if action is not None and not getattr(event, "repeat", False):
            action()

    # ---- properties ----------------------------------------------------------
    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the framebuffer in pixels: the shape ``render()`` returns.

        Settable, as in vispy: ``canvas.size = (w, h)`` is :meth:`resize` (logical
        pixels; the same as framebuffer pixels at ``pixel_ratio`` 1).
        """
        return self._surface.size

    @size.setter
    def size(self, size: tuple[int, int]) -> None:
        _check_size(size)
        self.resize(*size)

    @property
    def fullscreen(self) -> bool:
        """Whether the window fills its screen; settable where the backend can (glfw
        windows, Qt). An offscreen canvas is never full screen, and refuses True."""
        get = getattr(self._surface, "fullscreen", None)
        return bool(get) if get is not None else False

    @fullscreen.setter
    def fullscreen(self, value: bool) -> None:
        self._check_open()
        if not hasattr(self._surface, "set_fullscreen"):
            if value:
                raise RuntimeError(
                    f"a {self.backend} canvas has no screen to fill; full screen needs "
                    'backend="window" or "qt"'
                )
            return
        self._surface.set_fullscreen(bool(value))
        self._check_resize()

    def _toggle_fullscreen(self) -> None:
        if hasattr(self._surface, "set_fullscreen"):
            self.fullscreen = not self.fullscreen
        else:
            log.info("F11: a %s canvas cannot go full screen", self.backend)

    @property
    def physical_size(self) -> tuple[int, int]:
        """The same as :attr:`size`: (width, height) in framebuffer pixels."""
        return self._surface.size

    @property
    def native(self):
        """The Qt widget of a ``backend="qt"`` canvas (a ``QOpenGLWidget``), else None."""
        return getattr(self._surface, "native", None)

    @property
    def logical_size(self) -> tuple[int, int]:
        """(width, height) in logical pixels, the unit of mouse positions."""
        if self.backend in _SCREENS:
            return self._surface.logical_size
        return self._logical_size

    @property
    def pixel_ratio(self) -> float:
        """Framebuffer pixels per logical pixel (2.0 on a Retina screen).

        Settable for an offscreen canvas (its framebuffer is reallocated and
        ``resize`` is emitted); a window's follows its screen.
        """
        if self.backend in _SCREENS:
            return self._surface.pixel_ratio
        return self._pixel_ratio

    @pixel_ratio.setter
    def pixel_ratio(self, value: float) -> None:
        if self.backend in _SCREENS:
            raise AttributeError("a window's pixel ratio is its screen's; it cannot be set")
        self._check_open()
        self._pixel_ratio = _check_ratio(value)
        self._surface.resize(self._physical(self._logical_size))
        self._check_resize()

    @property
    def title(self) -> str:
        """The window's title (kept, and unused, offscreen)."""
        return self._title

    @title.setter
    def title(self, value: str) -> None:
        self._title = str(value)
        if self.backend in _SCREENS and not self._closed:
            self._surface.set_title(self._title)

    @property
    def backend(self) -> str:
        """ "offscreen", "window" or "qt"."""
        return self._surface.kind

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called (or the window was closed)."""
        return self._closed

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
        if self._drawing:
            raise RuntimeError("a canvas cannot draw from inside its own draw event")
        self._dirty = False  # an update() from the draw callback asks for the next frame
        self._drawing = True
        try:
            return self._draw_frame(read)
        finally:
            self._drawing = False
            if self._close_after_frame:  # close() was called by a draw callback
                self.close()
            elif self._update_in_frame:  # update() from a draw callback: tell them now
                self._update_in_frame = False
                self._updated()

    def _draw_frame(self, read: bool) -> np.ndarray | None:
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

    def _draw_unseen(self) -> None:
        """Draw a frame whose pixels nobody reads: its GLIR goes to browsers, which draw
        it (client mode). An offscreen canvas records, executes and checks every command
        but draws nothing (the server's CPU and the driver's memory are spared); a window
        draws as :meth:`draw` does."""
        if self.backend != "offscreen":
            self.draw()
            return
        self._interpreter.rasterize = False
        try:
            self.draw()
        finally:
            self._interpreter.rasterize = True

    def render(self) -> np.ndarray:
        """Draw a fresh frame and return it as an (h, w, 4) uint8 RGBA array."""
        return self._frame(read=True)

    def draw(self) -> None:
        """Draw a fresh frame (and show it, for a window) without reading it back."""
        self._frame(read=False)

    def update(self) -> None:
        """Ask for a redraw: the event loop draws a window canvas at its next turn.

        Several updates before that turn give one frame. An offscreen canvas
        is only drawn by :meth:`render` / :meth:`draw`.
        """
        self._dirty = True
        if self.backend == "window" and not self._closed:
            loop._wake()
        elif self.backend == "qt" and not self._closed:
            self._surface.request_paint()  # Qt calls paintGL, which draws (the "paint" event)
        if self._drawing:
            # from inside a frame (a visual that has more to show next frame): the remote
            # views hear of it once this frame is done, so that none draws inside it
            self._update_in_frame = True
            return
        self._updated()

    def _updated(self) -> None:
        for callback in list(self._update_callbacks):
            callback()

    def on_update(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` (no arguments) after each :meth:`update`.

        For whoever shows this canvas elsewhere and must know it changed (a
        notebook widget, a browser page): the callback runs in the thread that
        called ``update()`` and should only schedule a frame, not draw one.
        """
        if not callable(callback):
            raise TypeError(f"on_update needs a callable, not {type(callback).__name__}")
        self._update_callbacks.append(callback)

    def off_update(self, callback: Callable[[], None]) -> None:
        """Stop calling ``callback`` on :meth:`update` (nothing if it was not registered)."""
        if callback in self._update_callbacks:
            self._update_callbacks.remove(callback)

    def _draw_if_dirty(self) -> bool:
        """Draw if updated since the last frame (the event loop calls this)."""
        if not self._dirty or self._closed or min(self.size) <= 0:  # 0: minimized
            return False
        if self.backend == "qt":  # Qt draws it, in paintGL
            self._surface.request_paint()
            return False
        self.draw()
        return True

    def show(self) -> None:
        """Show the window (windows open visible; this raises a hidden one) and update it.

        In a Jupyter kernel an offscreen canvas is displayed as a live widget
        instead (:meth:`widget`; see docs/notebook.md).
        """
        self._check_open()
        if self.backend in _SCREENS:
            self._surface.show()
        else:
            from ._notebook import show_in_notebook

            show_in_notebook(self)
        self.update()

    def widget(self, mode: str | None = None, **options):
        """This canvas's notebook widget (one per canvas, made on first use).

        ``mode``: "server" (the kernel renders and streams frames, the default)
        or "client" (the browser renders the GLIR with WebGL2); given for an
        existing widget, it switches that widget. Needs anywidget
        (``pip install 'glframe[notebook]'``). See docs/notebook.md.
        """
        from ._notebook import canvas_widget

        return canvas_widget(self, mode, **options)

    def _repr_mimebundle_(self, **kwargs):
        """A canvas as a notebook cell's result: its widget (or, without anywidget, a PNG)."""
        from ._notebook import canvas_mimebundle

        return canvas_mimebundle(self, **kwargs)

    def resize(self, width: int, height: int) -> None:
        """Resize to ``width`` x ``height`` logical pixels and emit ``resize``."""
        self._check_open()
        _check_size((width, height))
        if self.backend in _SCREENS:
            self._surface.resize((width, height))
        else:
            self._logical_size = (int(width), int(height))
            self._surface.resize(self._physical(self._logical_size))
        self._check_resize()

    def _physical(self, logical: tuple[int, int]) -> tuple[int, int]:
        return tuple(max(1, round(v * self._pixel_ratio)) for v in logical)

    def _check_resize(self) -> None:
        """Emit ``resize`` if the logical or framebuffer size changed since the last one."""
        sizes = (self.logical_size, self.size)
        if sizes == self._sizes or min(sizes[1]) <= 0:
            return
        self._sizes = sizes
        self.context.size = sizes[1]
        self.update()
        self.events.resize(size=sizes[0], physical_size=sizes[1], pixel_ratio=self.pixel_ratio)

    # ---- input -----------------------------------------------------------------------
    def handle_backend_event(self, type: str, **attrs) -> None:
        """Take one event from the backend (the surface's event handler).

        ``type`` and ``attrs`` follow the backend event protocol of docs/app.md:
        mouse events get drag state added and are emitted on ``self.events``;
        key events are emitted as they are; ``resize``, ``refresh`` and
        ``close`` resize, update and close the canvas. A backend without a
        window (a browser view) can feed its input here too.
        """
        if self._closed:
            return
        if type.startswith("mouse_"):
            for kind, event_attrs in self._mouse.handle(type, attrs, time.perf_counter()):
                getattr(self.events, kind)(**event_attrs)
        elif type in ("key_press", "key_release"):
            attrs.setdefault("modifiers", ())
            if type == "key_press":
                attrs.setdefault("text", "")
                attrs.setdefault("repeat", False)
            getattr(self.events, type)(**attrs)
        elif type == "resize":
            self._check_resize()
        elif type == "refresh":
            self.update()
        elif type == "paint":  # a Qt widget's paintGL: draw now, in its context
            if min(self.size) > 0 and not self._drawing:
                self.draw()
        elif type == "context_ready":  # a Qt widget's new context: rebuild every object
            self._interpreter = backends.GlirInterpreter(
                default_framebuffer=self._surface.framebuffer
            )
            self._interpreter.execute(self.context.state.commands())
            self.update()
        elif type == "close":
            self.close()

    # ---- GLIR ---------------------------------------------------------------------
    def _execute(self, commands: Sequence[tuple]) -> dict:
        self._surface.make_current()
        if self.backend == "qt":  # Qt recreates the widget's FBO (resize, first show)
            self._interpreter.default_framebuffer = self._surface.framebuffer
            self._interpreter.reset_state_cache()  # and may bind its own program, VAO
        self._replays.note_own(commands)  # the GL state to restore after a replay
        return self._interpreter.execute(commands)

    def record(self, *, setup: bool = True) -> Recording:
        """``with canvas.record() as rec: canvas.render()`` keeps the GLIR in ``rec.commands``.

        ``setup=False``: only the frames' commands (``rec.frame_commands``), for a stream
        that already sent the objects (``rec.setup_commands`` stays empty)."""
        return Recording(self.context, setup=setup)

    def record_movie(
        self,
        path: str | Path,
        *,
        fps: float = 30,
        size: tuple[int, int] | None = None,
        quality: float | None = None,
        frames: int | None = None,
    ) -> MovieWriter:
        """``with canvas.record_movie("spin.mp4") as movie:``, then ``movie.add_frame()``.

        Each ``add_frame()`` renders a fresh frame and appends it to an MP4
        (``glframe[movie]``), a GIF, or PNG files (a directory or a pattern like
        ``"f_{:04d}.png"``), at ``size`` pixels if given (an offscreen canvas is
        resized while recording). ``frames``, the count if known, shows a progress
        bar. See :class:`~glframe.app.MovieWriter` and docs/app.md.
        """
        from ._movie import MovieWriter

        return MovieWriter(self, path, fps=fps, size=size, quality=quality, frames=frames)

    def replay(self, commands: Sequence[tuple]) -> dict[int, np.ndarray]:
        """Execute GLIR from elsewhere here; returns READ_PIXELS replies ``{id: image}``.

        ``commands`` (a recording, or :func:`glframe.gloo.glir.deserialize`'s result)
        are untrusted: each is checked against the format first (a malformed one
        raises :class:`~glframe.gloo.GlirError` and nothing runs). Replayed streams
        have their own id space and GL state, kept per canvas across calls (so the
        frames of one recording can be replayed in several calls): their ids are
        remapped to fresh ones, so they can neither collide with nor reach the
        canvas's own objects, and the GL state they set is undone at the end of
        each call. Reply keys are the stream's request ids. A command that fails
        does not stop the others; the first failure is raised at the end. Only
        commands that ran enter the canvas's state snapshot. See
        :meth:`reset_replay` and ``glframe/app/_replay.py``.
        """
        self._check_open()
        self.context.execute_pending()  # keep order with anything queued before
        self._surface.make_current()
        return self._replays.run(commands, self._interpreter)

    def reset_replay(self) -> None:
        """Delete the objects replayed streams created here and start a fresh id space.

        After it, a stream may reuse its ids (replay the same recording again
        from its first CREATE); the canvas's own objects are untouched.
        """
        self._check_open()
        self.context.execute_pending()
        self._surface.make_current()
        self._replays.reset(self._interpreter)

    def export_html(
        self, path: str | Path, *, title: str | None = None, pixel_ratio: float | None = None
    ) -> Path:
        """Write a standalone HTML page of the current frame (opens from file://).

        The page draws with WebGL2 (glir.js); the cameras of a SceneCanvas stay
        interactive in the browser. The page shows the canvas at its logical
        size in CSS pixels, drawn at ``pixel_ratio`` (the canvas's own by
        default; 2 makes it sharp on HiDPI screens, at no cost in file size
        for data in buffers). See docs/web.md.
        """
        from ..backends.web import figure_data, per_frame_commands, write_html

        ratio = self.pixel_ratio if pixel_ratio is None else _check_ratio(pixel_ratio)
        if ratio != self.pixel_ratio and self.backend == "window":
            raise ValueError("a window exports at its screen's pixel ratio; omit pixel_ratio")
        kept = self.pixel_ratio
        if ratio != kept:
            self.pixel_ratio = ratio
        try:
            self.draw()  # every object exists, every value is current
            with self.record() as rec:
                self.draw()
            size, physical = self.logical_size, self.size
        finally:
            if ratio != kept:
                self.pixel_ratio = kept
        views = self._export_views()
        frame = per_frame_commands(rec.frame_commands, views)
        setup = self.context.state.commands()
        title = self.title if title is None else title
        figure = figure_data(setup, frame, size, physical_size=physical, views=views, title=title)
        figure.update(self._export_extras())
        return write_html(path, figure)

    def _export_views(self) -> list[dict]:
        """The interactive parts of an export (a SceneCanvas lists its views' cameras)."""
        return []

    def _export_extras(self) -> dict:
        """More keys for an export's figure data (a plot figure adds its axes: "plot")."""
        return {}

    # ---- life cycle ------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("this canvas is closed")

    def close(self) -> None:
        """Emit ``close``, then release the GL context (and window). Further use raises.

        The window's close button calls this; the event loop forgets the canvas.
        """
        if self._closed:
            return
        if self._drawing:
            self._close_after_frame = True
            return
        try:
            self.events.close()
        finally:
            self._closed = True
            self.context.executor = None
            if gloo.last_context() is self.context:
                gloo.set_last_context(None)
            if self.backend in _SCREENS:
                self._surface.set_event_handler(None)
                loop._remove_window(self)
            if self.backend == "qt":  # the context outlives the canvas: free its objects
                self._surface.release(self._interpreter)
            self._surface.close()

    def __repr__(self) -> str:
        state = " closed" if self._closed else ""
        return f"<Canvas {self.size[0]}x{self.size[1]} {self.backend}{state}>"


def _key_map(canvas: Canvas, keys) -> dict[str, Callable[[], object]]:
    """vispy's ``keys``: None, "interactive" or {key name: function}."""
    if keys is None:
        return {}
    if keys == "interactive":
        return {"Escape": canvas.close, "F11": canvas._toggle_fullscreen}
    if isinstance(keys, dict):
        for key, action in keys.items():
            if not isinstance(key, str) or not callable(action):
                raise TypeError(
                    f"Canvas keys: {key!r}: {action!r} must map a key name to a function"
                )
        return dict(keys)
    raise ValueError(
        f'Canvas keys must be None, "interactive" or a dict of key names to functions, not {keys!r}'
    )


def _check_size(size) -> None:
    try:
        w, h = (int(v) for v in size)
    except (TypeError, ValueError):
        raise ValueError(f"canvas size must be (width, height), not {size!r}") from None
    if w < 1 or h < 1:
        raise ValueError(f"canvas size {size!r} must be positive")


def _check_ratio(value) -> float:
    try:
        ratio = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"pixel_ratio must be a positive number, not {value!r}") from None
    if not ratio > 0 or ratio == float("inf"):
        raise ValueError(f"pixel_ratio must be a positive number, not {value!r}")
    return ratio
