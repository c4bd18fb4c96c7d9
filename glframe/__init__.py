"""glframe: a layered OpenGL framework for scientific visualization.

Layers (each imports only those below): gloo (records GLIR), backends
(executes it), shaders, transforms, app (Canvas, Timer, the event loop),
scene. See docs/architecture.md.

Examples
--------
>>> import glframe
>>> from glframe import gloo
>>> canvas = glframe.Canvas(size=(320, 240), backend="offscreen")
"""

from . import gloo
from .app import Canvas, Timer, quit, run, run_async, serve

__version__ = "0.1.0"
__all__ = ["Canvas", "Timer", "run", "run_async", "quit", "serve", "gloo", "__version__"]
