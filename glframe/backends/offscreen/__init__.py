"""offscreen: an EGL context on Mesa's surfaceless platform, drawing into an FBO.

- :class:`OffscreenSurface`: one OpenGL 3.3+ core context and a framebuffer
  object standing in for a window's; no display server, no GPU needed;
- :class:`EGLUnavailable`: raised when no EGL display or context can be made.

GLIR is run in it by :class:`glframe.backends.gl.GlirInterpreter`. Importing
this package loads libGL.
"""

from __future__ import annotations

from ._egl import EGLUnavailable, OffscreenSurface

__all__ = ["OffscreenSurface", "EGLUnavailable"]
