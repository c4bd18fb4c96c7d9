"""gloo: GL objects that record GLIR instead of calling GL.

Everything here is plain Python and numpy; nothing imports an OpenGL binding.
Objects append commands to the :class:`GlirContext` of the canvas they are
used in; a backend executes them (or ships them to a browser). See
``docs/glir.md`` for the command set and ``docs/gloo.md`` for the design.

Examples
--------
>>> from glframe import gloo
>>> program = gloo.Program(VERT, FRAG)                 # doctest: +SKIP
>>> program["a_position"] = positions                   # doctest: +SKIP
>>> gloo.clear(color="black"); program.draw("points")   # doctest: +SKIP
"""

from . import glir
from ._buffer import BufferView, IndexBuffer, VertexBuffer
from ._context import (
    GlirContext,
    GlirState,
    get_current_context,
    last_context,
    set_current_context,
    set_last_context,
)
from ._framebuffer import FrameBuffer, RenderBuffer
from ._objects import DeletedObjectError, GLObject
from ._program import Program
from ._queue import GlirQueue, optimize
from ._state import (
    STATE_PRESETS,
    as_rgba,
    clear,
    read_pixels,
    set_clear_color,
    set_state,
    set_viewport,
)
from ._texture import Texture1D, Texture2D, Texture3D
from .glir import Cmd, GlirError, ShaderError

__all__ = [
    "glir",
    "Cmd",
    "GlirError",
    "ShaderError",
    "GlirQueue",
    "GlirContext",
    "GlirState",
    "optimize",
    "get_current_context",
    "set_current_context",
    "last_context",
    "set_last_context",
    "GLObject",
    "DeletedObjectError",
    "Program",
    "VertexBuffer",
    "IndexBuffer",
    "BufferView",
    "Texture1D",
    "Texture2D",
    "Texture3D",
    "RenderBuffer",
    "FrameBuffer",
    "clear",
    "set_clear_color",
    "set_viewport",
    "set_state",
    "read_pixels",
    "as_rgba",
    "STATE_PRESETS",
]
