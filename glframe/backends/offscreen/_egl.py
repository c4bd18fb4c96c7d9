"""Offscreen GL: an EGL context on Mesa's surfaceless platform, drawing into an FBO.

No display server and no GPU are needed (Mesa llvmpipe renders on the CPU).
The display is ``eglGetPlatformDisplayEXT(EGL_PLATFORM_SURFACELESS_MESA)``,
opened once per process; each :class:`OffscreenSurface` has its own OpenGL 3.3+
core context and a framebuffer object (RGBA8 colour, 24-bit depth, 8-bit
stencil) that stands in for a window's default framebuffer.
"""

from __future__ import annotations

import ctypes
import threading

from ..gl import GL, platform_error, spread_rasterizer_threads

try:
    from OpenGL import EGL
except (ImportError, AttributeError) as exc:  # pragma: no cover - machine dependent
    EGL = None
    _EGL_IMPORT_ERROR = exc

__all__ = ["OffscreenSurface", "EGLUnavailable"]

EGL_PLATFORM_SURFACELESS_MESA = 0x31DD
_INSTALL_HINT = (
    "Offscreen rendering needs EGL with Mesa. On Debian/Ubuntu: "
    "apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri libgles2"
)
_lock = threading.Lock()
_display = None


class EGLUnavailable(RuntimeError):
    """No EGL display could be opened; the message names what to install."""


def _get_display():
    global _display
    with _lock:
        if _display is not None:
            return _display
        if EGL is None:
            if isinstance(_EGL_IMPORT_ERROR, AttributeError):  # e.g. OSMesaPlatform.EGL
                raise EGLUnavailable(
                    platform_error("an offscreen canvas", "it has no EGL bindings")
                )
            raise EGLUnavailable(f"{_INSTALL_HINT} ({_EGL_IMPORT_ERROR})")
        display = None
        proc = EGL.eglGetProcAddress(b"eglGetPlatformDisplayEXT")
        if proc:
            fn = ctypes.CFUNCTYPE(EGL.EGLDisplay, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p)(
                proc
            )
            display = fn(EGL_PLATFORM_SURFACELESS_MESA, None, None)
        if not display:
            display = EGL.eglGetDisplay(EGL.EGL_DEFAULT_DISPLAY)
        major, minor = EGL.EGLint(), EGL.EGLint()
        try:
            ok = display and EGL.eglInitialize(
                display, ctypes.pointer(major), ctypes.pointer(minor)
            )
        except Exception as exc:  # PyOpenGL raises EGLError
            raise EGLUnavailable(f"eglInitialize failed ({exc}). {_INSTALL_HINT}") from None
        if not ok:
            raise EGLUnavailable(f"eglInitialize failed. {_INSTALL_HINT}")
        _display = display
        return display


def _create_context(display):
    attrs = [
        EGL.EGL_RENDERABLE_TYPE,
        EGL.EGL_OPENGL_BIT,
        EGL.EGL_SURFACE_TYPE,
        EGL.EGL_PBUFFER_BIT,
        EGL.EGL_NONE,
    ]
    config, n = EGL.EGLConfig(), EGL.EGLint()
    if (
        not EGL.eglChooseConfig(
            display, (EGL.EGLint * len(attrs))(*attrs), ctypes.pointer(config), 1, ctypes.pointer(n)
        )
        or n.value < 1
    ):
        raise EGLUnavailable(f"no EGL config for desktop OpenGL. {_INSTALL_HINT}")
    EGL.eglBindAPI(EGL.EGL_OPENGL_API)
    for major, minor in ((4, 5), (4, 1), (3, 3)):
        cattrs = [
            EGL.EGL_CONTEXT_MAJOR_VERSION,
            major,
            EGL.EGL_CONTEXT_MINOR_VERSION,
            minor,
            EGL.EGL_CONTEXT_OPENGL_PROFILE_MASK,
            EGL.EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
            EGL.EGL_NONE,
        ]
        try:
            ctx = EGL.eglCreateContext(
                display, config, EGL.EGL_NO_CONTEXT, (EGL.EGLint * len(cattrs))(*cattrs)
            )
        except Exception:
            ctx = None
        if ctx:
            return ctx
    raise EGLUnavailable("could not create an OpenGL 3.3 core context with EGL")


#: frames a surface may have queued but not finished (as a window's swap chain allows)
FRAMES_IN_FLIGHT = 2


class OffscreenSurface:
    """An EGL context with an FBO of ``size`` (w, h): the offscreen canvas's target.

    A frame drawn and never read is still queued in the driver (llvmpipe renders
    when something waits for it, and keeps a copy of each buffer a queued draw
    reads): :meth:`present` waits for the frame ``FRAMES_IN_FLIGHT`` back, as a
    window's buffer swap does, so that a loop of ``draw()`` runs in bounded memory.
    """

    kind = "offscreen"

    def __init__(self, size: tuple[int, int]) -> None:
        self._display = _get_display()
        self._context = _create_context(self._display)
        self.size = (0, 0)
        self.make_current()
        spread_rasterizer_threads()  # llvmpipe's, made with the first context
        self.framebuffer = int(GL.glGenFramebuffers(1))
        self._color, self._depth = (int(h) for h in GL.glGenRenderbuffers(2))
        self._fences: list = []
        self.resize(size)

    def make_current(self) -> None:
        if not EGL.eglMakeCurrent(
            self._display, EGL.EGL_NO_SURFACE, EGL.EGL_NO_SURFACE, self._context
        ):
            raise RuntimeError("eglMakeCurrent failed")

    @property
    def renderer(self) -> str:
        self.make_current()
        return GL.glGetString(GL.GL_RENDERER).decode()

    def resize(self, size: tuple[int, int]) -> None:
        w, h = (int(v) for v in size)
        if w < 1 or h < 1:
            raise ValueError(f"canvas size {size} must be positive")
        limit = int(GL.glGetIntegerv(GL.GL_MAX_RENDERBUFFER_SIZE))
        if w > limit or h > limit:
            raise ValueError(f"canvas size {size} exceeds the GL limit of {limit} pixels")
        self.make_current()
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, self._color)
        GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, GL.GL_RGBA8, w, h)
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, self._depth)
        GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, GL.GL_DEPTH24_STENCIL8, w, h)
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.framebuffer)
        GL.glFramebufferRenderbuffer(
            GL.GL_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0, GL.GL_RENDERBUFFER, self._color
        )
        GL.glFramebufferRenderbuffer(
            GL.GL_FRAMEBUFFER, GL.GL_DEPTH_STENCIL_ATTACHMENT, GL.GL_RENDERBUFFER, self._depth
        )
        status = GL.glCheckFramebufferStatus(GL.GL_FRAMEBUFFER)
        if status != GL.GL_FRAMEBUFFER_COMPLETE:
            raise RuntimeError(f"offscreen framebuffer incomplete (status {status:#x})")
        GL.glViewport(0, 0, w, h)  # as a window's default viewport
        self.size = (w, h)

    def present(self) -> None:
        """Nothing to show (the frame stays in the FBO until read); bound the frames queued."""
        self._fences.append(GL.glFenceSync(GL.GL_SYNC_GPU_COMMANDS_COMPLETE, 0))
        while len(self._fences) > FRAMES_IN_FLIGHT:
            fence = self._fences.pop(0)
            GL.glClientWaitSync(fence, GL.GL_SYNC_FLUSH_COMMANDS_BIT, GL.GL_TIMEOUT_IGNORED)
            GL.glDeleteSync(fence)

    def close(self) -> None:
        if self._context is None:
            return
        self.make_current()
        for fence in self._fences:
            GL.glDeleteSync(fence)
        self._fences = []
        GL.glDeleteFramebuffers(1, [self.framebuffer])
        GL.glDeleteRenderbuffers(2, [self._color, self._depth])
        EGL.eglMakeCurrent(
            self._display, EGL.EGL_NO_SURFACE, EGL.EGL_NO_SURFACE, EGL.EGL_NO_CONTEXT
        )
        EGL.eglDestroyContext(self._display, self._context)
        self._context = None
