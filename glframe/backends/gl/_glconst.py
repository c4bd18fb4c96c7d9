"""GL enums and lookup tables shared by the desktop interpreter's modules."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np

from ...gloo.glir import DRAW_MODES, GlirError
from ._gl import GL

GL_TYPES = {
    "int8": GL.GL_BYTE,
    "uint8": GL.GL_UNSIGNED_BYTE,
    "int16": GL.GL_SHORT,
    "uint16": GL.GL_UNSIGNED_SHORT,
    "int32": GL.GL_INT,
    "uint32": GL.GL_UNSIGNED_INT,
    "float16": GL.GL_HALF_FLOAT,
    "float32": GL.GL_FLOAT,
}
FORMATS = {
    "red": GL.GL_RED,
    "rg": GL.GL_RG,
    "rgb": GL.GL_RGB,
    "rgba": GL.GL_RGBA,
    "depth_component": GL.GL_DEPTH_COMPONENT,
    "depth_stencil": GL.GL_DEPTH_STENCIL,
}
INT_FORMATS = {
    "red": GL.GL_RED_INTEGER,
    "rg": GL.GL_RG_INTEGER,
    "rgb": GL.GL_RGB_INTEGER,
    "rgba": GL.GL_RGBA_INTEGER,
}
# Type used to allocate a texture without data, by internal-format suffix.
ALLOC_TYPES = {
    "8": "uint8",
    "16f": "float16",
    "32f": "float32",
    "8i": "int8",
    "8ui": "uint8",
    "16i": "int16",
    "16ui": "uint16",
    "32i": "int32",
    "32ui": "uint32",
}
#: GLIR's draw modes (glframe.gloo.glir.DRAW_MODES) -> GL enums, named alike
MODES = {m: getattr(GL, "GL_" + m.upper()) for m in DRAW_MODES}
ATTACHMENTS = {
    "depth": GL.GL_DEPTH_ATTACHMENT,
    "stencil": GL.GL_STENCIL_ATTACHMENT,
    "depth_stencil": GL.GL_DEPTH_STENCIL_ATTACHMENT,
    **{f"color{i}": GL.GL_COLOR_ATTACHMENT0 + i for i in range(8)},
}
CLEAR_BITS = {
    "color": GL.GL_COLOR_BUFFER_BIT,
    "depth": GL.GL_DEPTH_BUFFER_BIT,
    "stencil": GL.GL_STENCIL_BUFFER_BIT,
}
FB_STATUS = {
    GL.GL_FRAMEBUFFER_INCOMPLETE_ATTACHMENT: "an attachment is incomplete (unsized?)",
    GL.GL_FRAMEBUFFER_INCOMPLETE_MISSING_ATTACHMENT: "it has no attachment",
    GL.GL_FRAMEBUFFER_UNSUPPORTED: "this combination of formats is unsupported",
    GL.GL_FRAMEBUFFER_INCOMPLETE_MULTISAMPLE: "attachments differ in sample counts",
}
GL_ERRORS = {
    GL.GL_INVALID_ENUM: "GL_INVALID_ENUM",
    GL.GL_INVALID_VALUE: "GL_INVALID_VALUE",
    GL.GL_INVALID_OPERATION: "GL_INVALID_OPERATION",
    GL.GL_OUT_OF_MEMORY: "GL_OUT_OF_MEMORY",
    GL.GL_INVALID_FRAMEBUFFER_OPERATION: "GL_INVALID_FRAMEBUFFER_OPERATION",
}


UNIFORM_TYPES = {"float", "int", "uint", "bool"}
for _n in (2, 3, 4):
    UNIFORM_TYPES |= {f"vec{_n}", f"ivec{_n}", f"uvec{_n}", f"bvec{_n}", f"mat{_n}"}
    UNIFORM_TYPES |= {f"mat{_n}x{_m}" for _m in (2, 3, 4) if _m != _n}
UNIFORM_TYPES |= {
    "sampler2D",
    "sampler3D",
    "isampler2D",
    "usampler2D",
    "isampler3D",
    "usampler3D",
    "sampler2DShadow",
}

WRAPS = ("clamp_to_edge", "repeat", "mirrored_repeat")
FILTERS = ("nearest", "linear")


def gl_enum(name: str) -> int:
    value = getattr(GL, "GL_" + str(name).upper(), None)
    if not isinstance(value, int):
        raise GlirError(f"unknown GL enum name {name!r}")
    return int(value)


@functools.cache
def uniform_setter(gtype: str) -> Callable[[int, Sequence], None]:
    """A function ``set(location, values)`` for a uniform of ``gtype``.

    Single scalars and vectors use the plain ``glUniform{n}f/i/ui`` calls (no
    array wrapping: ten times cheaper in PyOpenGL); arrays and matrices the
    ``v`` forms with a count.
    """
    n = components(gtype)
    if gtype.startswith("mat"):
        dims = gtype[3:]
        func = getattr(GL, f"glUniformMatrix{dims if 'x' in dims else dims[0]}fv")
        return lambda loc, values: func(
            loc, len(values) // n, GL.GL_FALSE, np.asarray(values, np.float32)
        )
    base = gtype.rstrip("234")
    suffix, dtype = {
        "float": ("f", np.float32),
        "vec": ("f", np.float32),
        "uint": ("ui", np.uint32),
        "uvec": ("ui", np.uint32),
    }.get(base, ("i", np.int32))  # int, ivec, bool, bvec, samplers
    single = getattr(GL, f"glUniform{n}{suffix}")
    vector = getattr(GL, f"glUniform{n}{suffix}v")

    def set_uniform(loc: int, values: Sequence) -> None:
        if len(values) == n:
            single(loc, *values)
        else:
            vector(loc, len(values) // n, np.asarray(values, dtype))

    return set_uniform


def components(gtype: str) -> int:
    if gtype.startswith("mat"):
        dims = gtype[3:]
        return int(dims[0]) * int(dims[-1])
    return int(gtype[-1]) if gtype[-1].isdigit() else 1


GL_TYPE_NAMES = {
    int(getattr(GL, n)): n
    for n in dir(GL)
    if n.startswith(("GL_SAMPLER", "GL_INT_SAMPLER", "GL_UNSIGNED_INT_SAMPLER"))
    and isinstance(getattr(GL, n), int)
}
