"""Import PyOpenGL once, configured for glframe, whatever was imported first.

Imported when the first canvas is made (never by ``import glframe``): a
missing PyOpenGL is reported then, by name.

The PyOpenGL platform and import order
--------------------------------------
PyOpenGL fixes its *platform* (GLX, EGL, OSMesa, ...: which library it loads
GL from, and how it asks for the current context) at its first import, from
``PYOPENGL_PLATFORM`` or, unset, from the system (GLX on Linux, EGL under
Wayland). An application may import ``OpenGL`` before glframe (any Qt or
PyOpenGL app does), so glframe cannot count on one platform.

It need not. Measured on Debian 12 (glvnd, Mesa llvmpipe): libGL.so.1 (GLX
platform) and libOpenGL.so.0 (EGL platform) are both glvnd dispatch libraries
whose every GL entry point calls the context made current through
libGLdispatch, which libGLX and libEGL share. So GL functions loaded by either
platform draw in an EGL context (glframe's offscreen canvases, its glfw
windows) and in a GLX one (Qt's default on X11) alike. The one thing that
breaks is PyOpenGL's own per-context bookkeeping (``OpenGL.contextdata``),
which asks the *platform's* API for the current context:
``glXGetCurrentContext()`` is NULL while an EGL context is current (and
``eglGetCurrentContext()`` is NULL in a GLX one), and PyOpenGL then raises
"Attempt to retrieve context when no valid context". Of the calls glframe
makes, only ``glVertexAttribPointer`` goes there (PyOpenGL's wrapper keeps the
array alive in ``contextdata``; ``OpenGL.STORE_POINTERS`` does not turn that
off). glframe always passes a byte offset into a bound buffer, so there is
nothing to keep alive: the interpreter calls the unwrapped C function
(:data:`glVertexAttribPointer` here) and so never needs PyOpenGL to know the
context. This is the smallest fix that holds for every order; resolving all
entry points ourselves would duplicate PyOpenGL for no gain.

PyOpenGL's OSMesa platform has no EGL bindings: glframe lends it the system's
libEGL (:func:`_lend_egl`); its GL library, libOSMesa, reaches EGL and GLX
contexts through Mesa's shared glapi (measured). What truly cannot work raises
at canvas creation, with :func:`platform_error`'s message (which platform,
fixed by which import, what to do): a platform with no EGL that cannot be lent
one (offscreen canvases need EGL), and a GL library that does not reach the
canvas's context (a non-glvnd libGL of another vendor than the context's:
the interpreter asks ``glGetString(GL_VERSION)`` before anything else, and
NULL means no context reached).

When glframe imports PyOpenGL first it asks for EGL, which needs no display
server and no libGL/libGLX (only libEGL and libOpenGL), and it sets
``PYOPENGL_PLATFORM`` for that import only: child processes (a Qt app, a
Jupyter kernel) choose their own. PyOpenGL's per-call error checking is
turned off: the interpreter checks ``glGetError`` itself after each command,
naming the command.
"""

from __future__ import annotations

import os
import sys

_MISSING = (
    "glframe draws with PyOpenGL, which cannot be imported here ({exc}); install it: "
    "pip install PyOpenGL (glframe's own modules gloo, shaders and transforms work without it)"
)
_NO_LIBRARY = (
    "PyOpenGL could not load the GL library ({exc}). On Debian/Ubuntu install the "
    "system packages: apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri libgles2"
)

_imported_first = "OpenGL" not in sys.modules  # else someone else fixed the platform
_env = os.environ.get("PYOPENGL_PLATFORM")


def _is_missing(exc: ImportError) -> bool:
    return isinstance(exc, ModuleNotFoundError) and (exc.name or "").split(".")[0] == "OpenGL"


def _importers() -> list[str]:
    """Modules (outside PyOpenGL) holding a PyOpenGL module: who imported OpenGL."""
    found = []
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in ("OpenGL", "OpenGL_accelerate", "glframe") or module is None:
            continue
        values = getattr(module, "__dict__", {}).values()
        if any(getattr(v, "__name__", "").split(".")[0] == "OpenGL" for v in list(values)):
            found.append(name)
    return sorted(found)[:5]


def _lend_egl(platform) -> None:
    """Give a platform without EGL bindings (PyOpenGL's OSMesa) the system's libEGL.

    ``OpenGL.EGL`` loads its functions from ``PLATFORM.EGL``; GL itself may come
    from any library that reaches the current context (measured: libOSMesa does,
    through Mesa's shared glapi). A platform that cannot take the attribute keeps
    going without, and an offscreen canvas then raises :func:`platform_error`.
    """
    try:
        platform.EGL  # noqa: B018 - a lazy property on the platforms that have it
    except AttributeError:
        import ctypes

        from OpenGL.platform import ctypesloader

        try:
            platform.EGL = ctypesloader.loadLibrary(ctypes.cdll, "EGL")
        except (OSError, AttributeError):
            pass


if _imported_first:
    if _env is None:
        os.environ["PYOPENGL_PLATFORM"] = "egl"
    try:
        import OpenGL
        from OpenGL import platform as _platform  # the platform is fixed here
    except ImportError as exc:
        raise ImportError(_MISSING.format(exc=exc)) from exc
    finally:
        if _env is None:  # only this process: child processes choose their own
            os.environ.pop("PYOPENGL_PLATFORM", None)
    _lend_egl(_platform.PLATFORM)

    try:  # EGL must be imported with error checking on (PyOpenGL 3.1 quirk)
        import OpenGL.EGL  # noqa: F401
    except (ImportError, AttributeError):
        pass
    # PyOpenGL reads its private copy of the flag when it wraps each GL function,
    # and that copy was taken at the EGL import above: set both.
    from OpenGL import _configflags

    checks = os.environ.get("GLFRAME_GL_CHECKS", "") == "1"
    OpenGL.ERROR_CHECKING = _configflags.ERROR_CHECKING = checks
    OpenGL.ERROR_LOGGING = _configflags.ERROR_LOGGING = False

try:
    from OpenGL import GL  # noqa: E402
    from OpenGL import platform as _platform
    from OpenGL.raw.GL.VERSION.GL_2_0 import glVertexAttribPointer  # noqa: E402
except ImportError as exc:  # pragma: no cover - depends on the machine
    message = _MISSING if _is_missing(exc) else _NO_LIBRARY
    raise ImportError(message.format(exc=exc)) from exc
if not _imported_first:
    _lend_egl(_platform.PLATFORM)


def platform_name() -> str:
    """PyOpenGL's platform in this process: ``"egl"``, ``"glx"``, ``"osmesa"``, ..."""
    name = type(_platform.PLATFORM).__name__
    return name.removesuffix("Platform").lower()


def chosen_by() -> str:
    """Which import fixed PyOpenGL's platform, in words, for error messages."""
    env = f"PYOPENGL_PLATFORM={_env!r}" if _env is not None else "PYOPENGL_PLATFORM unset"
    if _imported_first:
        return f"glframe's import of OpenGL at its first canvas ({env})"
    by = ", ".join(_importers()) or "unknown modules"
    return f"an import of OpenGL before glframe's first canvas ({env}; OpenGL is held by {by})"


def platform_error(what: str, why: str) -> str:
    """The message for ``what`` (a canvas) that PyOpenGL's platform cannot serve, and ``why``."""
    return (
        f"{what} cannot be drawn with PyOpenGL's {platform_name()!r} platform ({why}), which "
        f"was fixed by {chosen_by()}: PyOpenGL chooses its platform once, at its first import. "
        "Unset PYOPENGL_PLATFORM or set it to 'egl' (or 'glx') before anything imports "
        "OpenGL, or import glframe and make its first canvas before that import."
    )


__all__ = ["GL", "glVertexAttribPointer", "platform_name", "platform_error", "chosen_by"]
