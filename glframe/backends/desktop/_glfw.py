"""A desktop window: glfw with an EGL-created OpenGL 3.3+ core context, and its input.

The context is created through EGL (``CONTEXT_CREATION_API=EGL``), the API of
glframe's offscreen contexts, so one display connection and one driver serve
both; GL calls reach it whatever platform PyOpenGL was imported with (a GLX
context works too: docs/backends.md, "import order"). The window's framebuffer
is GL framebuffer 0.

Input. A :class:`WindowSurface` knows nothing of canvases: whoever owns it
registers one event sink with :meth:`WindowSurface.set_event_handler`, and the
glfw callbacks call it as ``handler(type, **attrs)`` with glfw's codes already
translated into glframe's vocabulary (the *backend events* of docs/app.md):

- ``mouse_press`` / ``mouse_release``: ``pos``, ``button`` (1 left, 2 right,
  3 middle), ``modifiers``; ``mouse_move``: ``pos``, ``modifiers``;
  ``mouse_wheel``: ``pos``, ``delta`` (one notch = 1.0, +y = up), ``modifiers``;
- ``key_press``: ``key``, ``text``, ``modifiers``, ``repeat``; ``key_release``:
  ``key``, ``modifiers``;
- ``resize``: ``size`` (window, logical pixels), ``physical_size``
  (framebuffer pixels), ``pixel_ratio``; ``refresh`` (the window must be
  redrawn); ``close`` (the close button was pressed).

Positions are glfw's window coordinates: logical pixels from the top-left of
the content area. Drag state, double clicks and pressed-button sets are not
tracked here but by the app layer, so that every backend shares them.

glfw delivers a key and the character it types through two callbacks, one
after the other while it handles one system event; the key press is held back
until its character (or any other callback, or the end of the poll) arrives,
so that ``key_press`` carries ``text``.

Callbacks only run inside :func:`poll_events` / :func:`wait_events`. An
exception raised by the handler is kept by the glfw binding and raised again
when the poll returns (events later in that poll are dropped). glfw forbids
destroying a window from inside a callback, so :meth:`WindowSurface.close`
called there hides the window and destroys it when the poll returns.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable

__all__ = [
    "WindowSurface",
    "has_display",
    "poll_events",
    "wait_events",
    "wake",
    "terminate",
    "EventHandler",
]

EventHandler = Callable[..., object]

_init_lock = threading.Lock()
_initialized = False
_callback_depth = 0  # > 0 while glfw runs one of our callbacks
_surfaces: list[WindowSurface] = []  # open windows, for end-of-poll work
_to_destroy: list[object] = []  # glfw windows closed from inside a callback

_MODIFIER_NAMES = ("shift", "control", "alt", "super")


def has_display() -> bool:
    """Whether a window can be opened here (an X11 or Wayland display is set)."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _glfw():
    global _initialized
    from ..gl import GL  # noqa: F401  (PyOpenGL first, pointed at EGL: see gl/_gl.py)

    try:
        import glfw
    except ImportError as exc:
        raise ImportError(
            f"a window needs the glfw package ({exc}): pip install glfw; or use backend='offscreen'"
        ) from exc

    with _init_lock:
        if not _initialized:
            if not glfw.init():
                raise RuntimeError(
                    "glfw could not initialize: no display? (DISPLAY="
                    f"{os.environ.get('DISPLAY')!r}); use backend='offscreen'"
                )
            _initialized = True
    return glfw


# ---- the event pump ---------------------------------------------------------------------
def poll_events() -> None:
    """Run the callbacks of every pending window event, without waiting."""
    wait_events(0.0)


def wait_events(timeout: float | None = None) -> None:
    """Wait up to ``timeout`` seconds (None: until an event) and run the callbacks.

    Does nothing when no window was ever made (glfw is then not initialized).
    Must not be called from inside a callback.
    """
    if not _initialized:
        return
    if _callback_depth:
        raise RuntimeError("window events cannot be polled from inside an event callback")
    import glfw

    try:
        if timeout is None or timeout == math.inf:
            glfw.wait_events()
        elif timeout > 0:
            glfw.wait_events_timeout(timeout)
        else:
            glfw.poll_events()
    finally:
        _end_of_poll()


def wake() -> None:
    """Make a :func:`wait_events` return early (safe from any thread)."""
    if _initialized:
        import glfw

        glfw.post_empty_event()


def terminate() -> None:
    """Close every window and release glfw (before its display goes away, e.g. in tests).

    The next window initializes glfw again, on the display then current.
    """
    global _initialized
    with _init_lock:
        if not _initialized:
            return
        import glfw

        for surface in list(_surfaces):
            surface.close()
        while _to_destroy:
            glfw.destroy_window(_to_destroy.pop())
        glfw.terminate()
        _initialized = False


def _end_of_poll() -> None:
    import glfw

    while _to_destroy:
        glfw.destroy_window(_to_destroy.pop())
    for surface in list(_surfaces):
        surface._flush_key()


# ---- key names ----------------------------------------------------------------------------
_SPECIAL_KEYS = {
    "SPACE": "Space",
    "ESCAPE": "Escape",
    "ENTER": "Enter",
    "TAB": "Tab",
    "BACKSPACE": "Backspace",
    "INSERT": "Insert",
    "DELETE": "Delete",
    "RIGHT": "Right",
    "LEFT": "Left",
    "DOWN": "Down",
    "UP": "Up",
    "PAGE_UP": "PageUp",
    "PAGE_DOWN": "PageDown",
    "HOME": "Home",
    "END": "End",
    "CAPS_LOCK": "CapsLock",
    "SCROLL_LOCK": "ScrollLock",
    "NUM_LOCK": "NumLock",
    "PRINT_SCREEN": "PrintScreen",
    "PAUSE": "Pause",
    "KP_DECIMAL": "KPDecimal",
    "KP_DIVIDE": "KPDivide",
    "KP_MULTIPLY": "KPMultiply",
    "KP_SUBTRACT": "KPSubtract",
    "KP_ADD": "KPAdd",
    "KP_ENTER": "KPEnter",
    "KP_EQUAL": "KPEqual",
    "LEFT_SHIFT": "Shift",
    "RIGHT_SHIFT": "Shift",
    "LEFT_CONTROL": "Control",
    "RIGHT_CONTROL": "Control",
    "LEFT_ALT": "Alt",
    "RIGHT_ALT": "Alt",
    "LEFT_SUPER": "Super",
    "RIGHT_SUPER": "Super",
    "MENU": "Menu",
    **{f"F{i}": f"F{i}" for i in range(1, 26)},
    **{f"KP_{i}": f"KP{i}" for i in range(10)},
}
_key_names: dict[int, str] = {}
_modifier_keys: dict[int, str] = {}


def _key_tables(glfw) -> tuple[dict[int, str], dict[int, str]]:
    if not _key_names:
        for attr, name in _SPECIAL_KEYS.items():
            _key_names[getattr(glfw, f"KEY_{attr}")] = name
        for side in ("LEFT", "RIGHT"):
            for mod in _MODIFIER_NAMES:
                _modifier_keys[getattr(glfw, f"KEY_{side}_{mod.upper()}")] = mod
    return _key_names, _modifier_keys


def key_name(glfw, key: int, scancode: int) -> str | None:
    """glframe's name of a glfw key: "a", "1", "-", "Left", "Escape", "F1", "KP5", ...

    Printable keys are named by the character they type on the current layout
    (lower case); None when the key is unknown.
    """
    names, _ = _key_tables(glfw)
    if key in names:
        return names[key]
    name = glfw.get_key_name(key, scancode)
    if name:
        return name
    if 33 <= key <= 126:  # glfw's printable keys are their US ASCII codes
        return chr(key).lower()
    return None


# ---- the window ------------------------------------------------------------------------------
class WindowSurface:
    """A glfw window of ``size`` (w, h) in screen coordinates (logical pixels).

    ``size`` is the framebuffer's size in pixels, ``logical_size`` the
    window's; on a HiDPI screen (macOS Retina) the first is larger, and
    ``pixel_ratio`` is their ratio.
    """

    kind = "window"
    framebuffer = 0

    def __init__(
        self,
        size: tuple[int, int],
        title: str = "glframe",
        *,
        visible: bool = True,
        vsync: bool = True,
    ) -> None:
        glfw = self._glfw = _glfw()
        glfw.default_window_hints()
        glfw.window_hint(glfw.CLIENT_API, glfw.OPENGL_API)
        glfw.window_hint(glfw.CONTEXT_CREATION_API, glfw.EGL_CONTEXT_API)
        glfw.window_hint(glfw.CONTEXT_VERSION_MAJOR, 3)
        glfw.window_hint(glfw.CONTEXT_VERSION_MINOR, 3)
        glfw.window_hint(glfw.OPENGL_PROFILE, glfw.OPENGL_CORE_PROFILE)
        glfw.window_hint(glfw.OPENGL_FORWARD_COMPAT, True)
        glfw.window_hint(glfw.VISIBLE, visible)
        w, h = (int(v) for v in size)
        self._window = glfw.create_window(w, h, title, None, None)
        if not self._window:
            raise RuntimeError("glfw could not create a window with an OpenGL 3.3 core context")
        self._egl_size = tuple(glfw.get_framebuffer_size(self._window))
        self.make_current()
        from ..gl import spread_rasterizer_threads

        spread_rasterizer_threads()  # llvmpipe's (a window under Xvfb), once
        glfw.swap_interval(1 if vsync else 0)
        self.vsync = vsync
        self._handler: EventHandler | None = None
        self._pending_key: dict | None = None
        self._held_modifiers: dict[int, str] = {}
        self._cursor = tuple(float(v) for v in glfw.get_cursor_pos(self._window))
        self._install_callbacks()
        _surfaces.append(self)

    # ---- properties ------------------------------------------------------------------
    def make_current(self) -> None:
        self._glfw.make_context_current(self._window)
        size = self.size
        if size != self._egl_size:
            # Mesa's EGL resizes a window surface's buffers at a swap: after a
            # resize, swap once so the next frame is drawn at the new size.
            self._glfw.swap_buffers(self._window)
            self._egl_size = size

    @property
    def size(self) -> tuple[int, int]:
        """Size of the framebuffer in pixels (HiDPI: larger than the window); (0, 0) closed."""
        if self._window is None:
            return (0, 0)
        return tuple(self._glfw.get_framebuffer_size(self._window))

    @property
    def logical_size(self) -> tuple[int, int]:
        """Size of the window in screen coordinates (logical pixels); (0, 0) closed."""
        if self._window is None:
            return (0, 0)
        return tuple(self._glfw.get_window_size(self._window))

    @property
    def pixel_ratio(self) -> float:
        """Framebuffer pixels per logical pixel (2.0 on a Retina screen, else 1.0)."""
        if self._window is None:
            return 1.0
        fw = self._glfw.get_framebuffer_size(self._window)[0]
        ww = self._glfw.get_window_size(self._window)[0]
        return fw / ww if fw > 0 and ww > 0 else 1.0

    @property
    def visible(self) -> bool:
        return bool(self._glfw.get_window_attrib(self._window, self._glfw.VISIBLE))

    @property
    def renderer(self) -> str:
        from ..gl import GL

        self.make_current()
        return GL.glGetString(GL.GL_RENDERER).decode()

    # ---- actions ------------------------------------------------------------------------
    def show(self) -> None:
        self._glfw.show_window(self._window)

    def set_title(self, title: str) -> None:
        self._glfw.set_window_title(self._window, title)

    def resize(self, size: tuple[int, int]) -> None:
        """Ask for a window of ``size`` logical pixels; its resize event follows."""
        w, h = (int(v) for v in size)
        if w < 1 or h < 1:
            raise ValueError(f"window size {size} must be positive")
        self._glfw.set_window_size(self._window, w, h)
        if not _callback_depth:  # polling is not allowed inside a callback
            poll_events()

    @property
    def fullscreen(self) -> bool:
        """Whether the window fills a monitor (glfw: it has one)."""
        return self._window is not None and bool(self._glfw.get_window_monitor(self._window))

    def set_fullscreen(self, on: bool) -> None:
        """Fill the primary monitor, or go back to the window's place and size before."""
        glfw, window = self._glfw, self._window
        if window is None or on == self.fullscreen:
            return
        if on:
            self._windowed = (*glfw.get_window_pos(window), *glfw.get_window_size(window))
            monitor = glfw.get_primary_monitor()
            mode = glfw.get_video_mode(monitor)
            w, h = mode.size.width, mode.size.height
            glfw.set_window_monitor(window, monitor, 0, 0, w, h, mode.refresh_rate)
        else:
            x, y, w, h = self._windowed
            glfw.set_window_monitor(window, None, x, y, w, h, 0)
        if not _callback_depth:  # polling is not allowed inside a callback
            poll_events()

    def present(self) -> None:
        """Swap buffers (waits for the screen's refresh when vsync is on)."""
        self._glfw.swap_buffers(self._window)

    def should_close(self) -> bool:
        return self._window is None or bool(self._glfw.window_should_close(self._window))

    def set_should_close(self, value: bool = True) -> None:
        """Flag the window as closing, as its close button does (the handler sees ``close``)."""
        self._glfw.set_window_should_close(self._window, value)

    def close(self) -> None:
        if self._window is None:
            return
        window, self._window = self._window, None
        self._handler = self._pending_key = None
        if self in _surfaces:
            _surfaces.remove(self)
        if _callback_depth:
            self._glfw.hide_window(window)
            _to_destroy.append(window)
        else:
            self._glfw.destroy_window(window)

    # ---- events ---------------------------------------------------------------------------
    def set_event_handler(self, handler: EventHandler | None) -> None:
        """Send this window's input to ``handler(type, **attrs)`` (None: nowhere)."""
        self._handler = handler

    def _emit(self, type: str, **attrs) -> None:
        if self._handler is not None:
            self._handler(type, **attrs)

    def _flush_key(self) -> None:
        pending, self._pending_key = self._pending_key, None
        if pending is not None:
            self._emit("key_press", **pending)

    def _modifiers(self) -> tuple[str, ...]:
        held = set(self._held_modifiers.values())
        return tuple(m for m in _MODIFIER_NAMES if m in held)

    def _install_callbacks(self) -> None:
        glfw, window = self._glfw, self._window
        buttons = {
            glfw.MOUSE_BUTTON_LEFT: 1,
            glfw.MOUSE_BUTTON_RIGHT: 2,
            glfw.MOUSE_BUTTON_MIDDLE: 3,
        }

        def callback(fn, flush_key=True):
            def wrapper(_window, *args):
                global _callback_depth
                _callback_depth += 1
                try:
                    if flush_key:  # a held-back key press has had its chance of a char
                        self._flush_key()
                    fn(*args)
                finally:
                    _callback_depth -= 1

            return wrapper

        def on_cursor(x, y):
            self._cursor = (float(x), float(y))
            self._emit("mouse_move", pos=self._cursor, modifiers=self._modifiers())

        def on_button(button, action, _mods):
            # the last cursor callback, not get_cursor_pos(): that is the pointer *now*,
            # which may have moved on since this press was queued
            kind = "mouse_press" if action == glfw.PRESS else "mouse_release"
            number = buttons.get(button, button + 1)
            self._emit(kind, pos=self._cursor, button=number, modifiers=self._modifiers())

        def on_scroll(dx, dy):
            delta = (float(dx), float(dy))
            self._emit("mouse_wheel", pos=self._cursor, delta=delta, modifiers=self._modifiers())

        def on_key(key, scancode, action, _mods):
            _, modifier_keys = _key_tables(glfw)
            if key in modifier_keys:
                if action == glfw.RELEASE:
                    self._held_modifiers.pop(key, None)
                else:
                    self._held_modifiers[key] = modifier_keys[key]
            name = key_name(glfw, key, scancode)
            if action == glfw.RELEASE:
                self._emit("key_release", key=name, modifiers=self._modifiers())
            else:
                repeat = action == glfw.REPEAT
                self._pending_key = dict(
                    key=name, text="", modifiers=self._modifiers(), repeat=repeat
                )

        def on_char(codepoint):
            pending = self._pending_key or dict(
                key=None, text="", modifiers=self._modifiers(), repeat=False
            )
            pending["text"] += chr(codepoint)
            self._pending_key = None
            self._emit("key_press", **pending)

        def on_resize(*_args):
            self._emit(
                "resize",
                size=self.logical_size,
                physical_size=self.size,
                pixel_ratio=self.pixel_ratio,
            )

        glfw.set_cursor_pos_callback(window, callback(on_cursor))
        glfw.set_mouse_button_callback(window, callback(on_button))
        glfw.set_scroll_callback(window, callback(on_scroll))
        glfw.set_key_callback(window, callback(on_key))
        glfw.set_char_callback(window, callback(on_char, flush_key=False))
        glfw.set_framebuffer_size_callback(window, callback(on_resize))
        glfw.set_window_size_callback(window, callback(on_resize))
        if hasattr(glfw, "set_window_content_scale_callback"):
            glfw.set_window_content_scale_callback(window, callback(on_resize))
        glfw.set_window_refresh_callback(window, callback(lambda: self._emit("refresh")))
        glfw.set_window_close_callback(window, callback(lambda: self._emit("close")))
