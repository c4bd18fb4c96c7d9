"""GL enums and lookup tables shared by the desktop interpreter's modules.

The names the protocol allows (formats, modes, attachments, uniform types, ...)
are glframe.gloo.glir's tables, the ones protocol.js is generated from; this
module only maps them to GL enums.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np

from ...gloo import glir
from ...gloo.glir import GlirError, components
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
#: texture formats -> GL enums (upper-cased alike), and the colour ones' _INTEGER variants
FORMATS = {f: getattr(GL, "GL_" + f.upper()) for f in glir.TEXTURE_FORMATS}
INT_FORMATS = {f: getattr(GL, f"GL_{f.upper()}_INTEGER") for f in ("red", "rg", "rgb", "rgba")}
#: GLIR's draw modes (glframe.gloo.glir.DRAW_MODES) -> GL enums, named alike
MODES = {m: getattr(GL, "GL_" + m.upper()) for m in glir.DRAW_MODES}
#: attachment points: color<i> -> COLOR_ATTACHMENT0 + i, depth -> DEPTH_ATTACHMENT, ...
ATTACHMENTS = {
    a: GL.GL_COLOR_ATTACHMENT0 + int(a[5:])
    if a.startswith("color")
    else getattr(GL, f"GL_{a.upper()}_ATTACHMENT")
    for a in glir.ATTACHMENTS
}
CLEAR_BITS = {part: getattr(GL, f"GL_{part.upper()}_BUFFER_BIT") for part in glir.CLEAR_MASKS}
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


#: what UNIFORM accepts: the protocol's uniform types, and samplers (as ints)
UNIFORM_TYPES = frozenset(glir.UNIFORM_TYPES) | frozenset(glir.SAMPLER_TYPES)


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


GL_TYPE_NAMES = {
    int(getattr(GL, n)): n
    for n in dir(GL)
    if n.startswith(("GL_SAMPLER", "GL_INT_SAMPLER", "GL_UNSIGNED_INT_SAMPLER"))
    and isinstance(getattr(GL, n), int)
}
