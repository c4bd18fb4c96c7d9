"""A desktop window: glfw with an EGL-created OpenGL 3.3+ core context.

The context is created through EGL (``CONTEXT_CREATION_API=EGL``) so that the
one PyOpenGL platform glframe uses (EGL) serves windows and offscreen canvases
alike. The window's framebuffer is GL framebuffer 0.
"""

from __future__ import annotations

import os
import threading

from ._gl import GL

__all__ = ["WindowSurface", "has_display"]

_init_lock = threading.Lock()
_initialized = False


def has_display() -> bool:
    """Whether a window can be opened here (an X11 or Wayland display is set)."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _glfw():
    global _initialized
    import glfw

    with _init_lock:
        if not _initialized:
            if not glfw.init():
                raise RuntimeError(
                    "glfw could not initialize: no display? (DISPLAY="
                    f"{os.environ.get('DISPLAY')!r}); use backend='offscreen'"
                )
            _initialized = True
    return glfw


class WindowSurface:
    """A glfw window of ``size`` (w, h) in screen coordinates."""

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
        self.make_current()
        glfw.swap_interval(1 if vsync else 0)

    def make_current(self) -> None:
        self._glfw.make_context_current(self._window)

    @property
    def size(self) -> tuple[int, int]:
        """Size of the framebuffer in pixels (HiDPI: larger than the window)."""
        return tuple(self._glfw.get_framebuffer_size(self._window))

    @property
    def renderer(self) -> str:
        self.make_current()
        return GL.glGetString(GL.GL_RENDERER).decode()

    def resize(self, size: tuple[int, int]) -> None:
        w, h = (int(v) for v in size)
        if w < 1 or h < 1:
            raise ValueError(f"window size {size} must be positive")
        self._glfw.set_window_size(self._window, w, h)
        self._glfw.poll_events()

    def present(self) -> None:
        self._glfw.swap_buffers(self._window)
        self._glfw.poll_events()

    def should_close(self) -> bool:
        return bool(self._glfw.window_should_close(self._window))

    def close(self) -> None:
        if self._window is not None:
            self._glfw.destroy_window(self._window)
            self._window = None
