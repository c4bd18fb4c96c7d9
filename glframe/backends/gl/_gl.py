"""Import PyOpenGL once, configured for glframe.

Imported when the first canvas is made (never by ``import glframe``): a
missing PyOpenGL is reported then, by name.

Every context glframe makes is an EGL context (offscreen, and glfw windows are
asked for EGL too), so PyOpenGL is pointed at EGL before its first import.
PyOpenGL's per-call error checking is turned off: the interpreter checks
``glGetError`` itself after each command, naming the command.
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


def _is_missing(exc: ImportError) -> bool:
    return isinstance(exc, ModuleNotFoundError) and (exc.name or "").split(".")[0] == "OpenGL"


if "OpenGL" not in sys.modules:
    os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
    try:
        import OpenGL
    except ImportError as exc:
        raise ImportError(_MISSING.format(exc=exc)) from exc

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
except ImportError as exc:  # pragma: no cover - depends on the machine
    message = _MISSING if _is_missing(exc) else _NO_LIBRARY
    raise ImportError(message.format(exc=exc)) from exc

__all__ = ["GL"]
