"""gl: the desktop GLIR interpreter, which runs GLIR with PyOpenGL.

- :class:`GlirInterpreter` executes GLIR commands in the current GL context
  (any context: the offscreen EGL one, a glfw window's);
- ``GL``: PyOpenGL's ``OpenGL.GL``, imported once and configured for glframe
  (EGL platform, per-call error checks off; ``_gl.py``);
- :func:`platform_error`: the message for a canvas that PyOpenGL's platform,
  fixed by whoever imported OpenGL first, cannot serve (``_gl.py`` says why
  every other import order works);
- :func:`spread_rasterizer_threads`: Mesa llvmpipe's rasterizer threads, one per
  core (``_llvmpipe.py``), for the surfaces that make contexts.

Inside: the GL objects (``_globjects.py``: buffers, textures, render and
frame buffers; ``_glprogram.py``: programs and their linked state), the GL
enums and lookup tables (``_glconst.py``), and the shader header adaptation
and compile-error quotes (``_shaders.py``).

Importing this package loads libGL: the registry (:mod:`glframe.backends`)
imports it only when a canvas is made.
"""

from __future__ import annotations

from ._gl import GL, platform_error
from ._interpreter import GlirInterpreter
from ._llvmpipe import spread_rasterizer_threads

__all__ = ["GL", "GlirInterpreter", "platform_error", "spread_rasterizer_threads"]
