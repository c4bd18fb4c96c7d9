"""The GLIR command set, and its serialized forms.

GLIR ("GL intermediate representation") is the command stream that gloo objects
record and that interpreters execute: the desktop interpreter in
``glframe.backends`` (PyOpenGL) and ``glir.js`` in a browser (WebGL2). The full
protocol, with every argument and type, is in ``docs/glir.md``; a test checks
that the document and this module list the same commands and tables. The
tables here are the protocol's one source: gloo, the desktop interpreter and
(through tools/make_protocol_js.py) the browser's protocol.js read them.

A command is a tuple ``(name, id, *args)`` of plain data: ``name`` is a
:class:`Cmd` (a ``str`` enum, so it compares equal to ``"DRAW"``), ``id`` an
int, and ``args`` ints, floats, bools, strings, ``None``, tuples of those, and
numpy arrays. One example of each (ids are arbitrary)::

    ("CREATE", 1, "VertexBuffer")     # Program VertexBuffer IndexBuffer Texture1D
                                      # Texture2D Texture3D RenderBuffer FrameBuffer
    ("DELETE", 1)
    ("SIZE", 1, 4096)                 # buffer: size in bytes
    ("SIZE", 2, (256, 512), "rgba", "rgba8")   # texture: shape, format, internal
    ("SIZE", 3, (256, 512), "depth_component24")  # render buffer: shape, format
    ("DATA", 1, 0, array)             # buffer: byte offset, data
    ("DATA", 2, (0, 0), array)        # texture: texel offset, (y, x) or (z, y, x)
    ("WRAPPING", 2, ("repeat", "clamp_to_edge"))
    ("INTERPOLATION", 2, "nearest", "linear")   # min filter, mag filter
    ("SHADERS", 4, vertex_code, fragment_code)
    ("UNIFORM", 4, "u_color", "vec4", (1.0, 0.0, 0.0, 1.0))
    ("TEXTURE", 4, "u_image", 2)      # sampler uniform <- texture id
    ("ATTRIBUTE", 4, "a_pos", "vec2", 1, "float32", 2, 8, 0, 0, False)
        # name, glsl type, buffer id, component dtype, components, stride,
        # byte offset, divisor (instancing), normalized
    ("ATTRIBUTE_VALUE", 4, "a_color", "vec4", (1.0, 0.5, 0.0, 1.0))
    ("DRAW", 4, "triangles", (0, 3), 1)           # first, count; instances
    ("DRAW", 4, "triangles", (5, "uint32", 36, 0), 10)  # index buffer id, dtype,
                                                      # count, first index
    ("ATTACH", 6, "color0", 2)        # frame buffer <- texture or render buffer
    ("FRAMEBUFFER", 6, True)          # bind (True) / restore previous (False)
    ("FUNC", 0, "clearColor", 0.0, 0.0, 0.0, 1.0)   # a whitelisted GL state call
    ("READ_PIXELS", 7, (0, 0, 64, 64), "rgba", "uint8")   # reply under id 7

Serialized form: :func:`serialize` turns a list of commands into a JSON-
compatible ``header`` and a list of ``buffers`` (bytes-like; numpy arrays are
referenced, not copied, when they are C-contiguous). Each array argument is
replaced in the header by ``{"buffer": index, "dtype": "float32", "shape":
[...]}``; tuples become lists (and come back as tuples). :func:`to_json` and
:func:`from_json` are the same with the buffers base64-encoded inside one JSON
string, for pages and text-only channels.
"""

from __future__ import annotations

import base64
import enum
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "GLIR_VERSION",
    "Cmd",
    "OBJECT_CLASSES",
    "DTYPES",
    "FUNCS",
    "DRAW_MODES",
    "TEXTURE_FORMATS",
    "ALLOC_DTYPES",
    "OTHER_INTERNAL_FORMATS",
    "INTERNAL_FORMATS",
    "RENDERBUFFER_FORMATS",
    "WRAPS",
    "FILTERS",
    "ATTACHMENTS",
    "UNIFORM_TYPES",
    "SAMPLER_TYPES",
    "components",
    "CLEAR_MASKS",
    "READ_FORMATS",
    "READ_DTYPES",
    "MAX_OBJECT_BYTES",
    "MAX_TOTAL_BYTES",
    "MAX_DRAW_VERTICES",
    "MAX_SHADER_BYTES",
    "MAX_SHADER_DEFINES",
    "MAX_MACRO_TOKENS",
    "MAX_SHADER_NESTING",
    "TEXEL_BYTES",
    "RENDERBUFFER_BYTES",
    "DATA_DTYPES",
    "GlirError",
    "ShaderError",
    "serialize",
    "deserialize",
    "to_json",
    "from_json",
]

#: Protocol version. Bumped when a command's meaning or arguments change.
GLIR_VERSION = 1


class Cmd(str, enum.Enum):
    """The GLIR command names (see ``docs/glir.md`` for their arguments)."""

    CREATE = "CREATE"
    DELETE = "DELETE"
    SIZE = "SIZE"
    DATA = "DATA"
    WRAPPING = "WRAPPING"
    INTERPOLATION = "INTERPOLATION"
    SHADERS = "SHADERS"
    UNIFORM = "UNIFORM"
    TEXTURE = "TEXTURE"
    ATTRIBUTE = "ATTRIBUTE"
    ATTRIBUTE_VALUE = "ATTRIBUTE_VALUE"
    DRAW = "DRAW"
    ATTACH = "ATTACH"
    FRAMEBUFFER = "FRAMEBUFFER"
    FUNC = "FUNC"
    READ_PIXELS = "READ_PIXELS"

    def __str__(self) -> str:
        return self.value

    __format__ = str.__format__


OBJECT_CLASSES = (
    "Program",
    "VertexBuffer",
    "IndexBuffer",
    "Texture1D",
    "Texture2D",
    "Texture3D",
    "RenderBuffer",
    "FrameBuffer",
)

#: Array dtypes that may travel in GLIR (all little-endian; WebGL2 has no doubles).
DTYPES = ("int8", "uint8", "int16", "uint16", "int32", "uint32", "float16", "float32")

#: GL state functions that FUNC may call, with their argument kinds:
#: "f" float, "i" int, "b" bool, "e" a GL enum given by its lower-case name
#: without the GL_ prefix ("blend", "src_alpha", ...), "m" a clear mask made of
#: "color", "depth" and "stencil" joined by "|".
FUNCS: dict[str, str] = {
    "clearColor": "ffff",
    "clearDepth": "f",
    "clearStencil": "i",
    "clear": "m",
    "viewport": "iiii",
    "scissor": "iiii",
    "enable": "e",
    "disable": "e",
    "blendFuncSeparate": "eeee",
    "blendEquationSeparate": "ee",
    "blendColor": "ffff",
    "depthFunc": "e",
    "depthMask": "b",
    "depthRange": "ff",
    "colorMask": "bbbb",
    "cullFace": "e",
    "frontFace": "e",
    "lineWidth": "f",
    "polygonOffset": "ff",
    "stencilFuncSeparate": "eeii",
    "stencilOpSeparate": "eeee",
    "stencilMaskSeparate": "ei",
    "sampleCoverage": "fb",
    "hint": "ee",
}


#: Primitive modes DRAW may name.
DRAW_MODES = (
    "points",
    "lines",
    "line_strip",
    "line_loop",
    "triangles",
    "triangle_strip",
    "triangle_fan",
)

# ---- objects: the values SIZE, WRAPPING, INTERPOLATION and ATTACH may name ----------

#: Texture formats (SIZE of a texture), with their channel counts.
TEXTURE_FORMATS: dict[str, int] = {
    "red": 1,
    "rg": 2,
    "rgb": 3,
    "rgba": 4,
    "depth_component": 1,
    "depth_stencil": 1,
}

#: A colour internal format is a base (``r``, ``rg``, ``rgb``, ``rgba`` for the
#: formats red ... rgba) and one of these suffixes (``r8``, ``rg16f``,
#: ``rgba32ui``, ...); each suffix with the dtype SIZE allocates it with. A suffix
#: ending in ``i`` is an integer format (read with isampler/usampler).
ALLOC_DTYPES: dict[str, str] = {
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

#: The other internal formats: name -> (texture format, the GL type SIZE allocates
#: it with).
OTHER_INTERNAL_FORMATS: dict[str, tuple[str, str]] = {
    "srgb8": ("rgb", "UNSIGNED_BYTE"),
    "srgb8_alpha8": ("rgba", "UNSIGNED_BYTE"),
    "depth_component16": ("depth_component", "UNSIGNED_SHORT"),
    "depth_component24": ("depth_component", "UNSIGNED_INT"),
    "depth_component32f": ("depth_component", "FLOAT"),
    "depth24_stencil8": ("depth_stencil", "UNSIGNED_INT_24_8"),
}

#: Every internal format SIZE may name -> the texture format it goes with.
INTERNAL_FORMATS: dict[str, str] = {
    **{
        ("r" if fmt == "red" else fmt) + suffix: fmt
        for fmt in ("red", "rg", "rgb", "rgba")
        for suffix in ALLOC_DTYPES
    },
    **{name: fmt for name, (fmt, _) in OTHER_INTERNAL_FORMATS.items()},
}

#: Render buffer formats (SIZE of a RenderBuffer).
RENDERBUFFER_FORMATS = (
    "rgba8",
    "rgb8",
    "r8",
    "rgba16f",
    "rgba32f",
    "r32f",
    "depth_component16",
    "depth_component24",
    "depth_component32f",
    "depth24_stencil8",
    "stencil_index8",
)

#: Texture wrap modes (WRAPPING) and filters (INTERPOLATION).
WRAPS = ("clamp_to_edge", "repeat", "mirrored_repeat")
FILTERS = ("nearest", "linear")

#: Frame buffer attachment points (ATTACH).
ATTACHMENTS = (*(f"color{i}" for i in range(8)), "depth", "stencil", "depth_stencil")

# ---- programs: the GLSL types UNIFORM and TEXTURE may name ----------------------------


def _uniform_types() -> tuple[str, ...]:
    types = ["float", "int", "uint", "bool"]
    for n in (2, 3, 4):
        types += [f"vec{n}", f"ivec{n}", f"uvec{n}", f"bvec{n}", f"mat{n}"]
        types += [f"mat{n}x{m}" for m in (2, 3, 4) if m != n]
    return tuple(types)


#: GLSL types a UNIFORM may name: scalars, vectors and float matrices.
UNIFORM_TYPES = _uniform_types()

#: Sampler types (set by TEXTURE, never by UNIFORM), with the texture classes each
#: reads; integer internal formats need isampler/usampler.
SAMPLER_TYPES: dict[str, tuple[str, ...]] = {
    "sampler2D": ("Texture2D", "Texture1D"),
    "sampler3D": ("Texture3D",),
    "isampler2D": ("Texture2D", "Texture1D"),
    "usampler2D": ("Texture2D", "Texture1D"),
    "isampler3D": ("Texture3D",),
    "usampler3D": ("Texture3D",),
    "sampler2DShadow": ("Texture2D",),
}


def components(gtype: str) -> int:
    """Components of a GLSL type: N for vecN, C*R for matCxR, 1 for scalars and samplers."""
    if gtype.startswith("mat"):
        dims = gtype[3:]
        return int(dims[0]) * int(dims[-1])
    return int(gtype[-1]) if gtype[-1].isdigit() else 1


# ---- state and read-back: FUNC's clear mask, READ_PIXELS ------------------------------

#: The parts of a clear mask (FUNC kind "m"), joined by "|".
CLEAR_MASKS = ("color", "depth", "stencil")

#: READ_PIXELS formats with their channel counts, and its dtypes.
READ_FORMATS: dict[str, int] = {"rgba": 4, "rgb": 3, "red": 1}
READ_DTYPES = ("uint8", "float32")

# ---- limits: what every interpreter checks before it calls GL (docs/glir.md 6.1) -------
# One set of numbers for the desktop interpreter and glir.js (protocol.js is generated
# from these), so that a stream refused by one is refused by the other, in the same words.

#: Bytes one buffer, texture or render buffer may hold (SIZE): checked before GL allocates.
MAX_OBJECT_BYTES = 2**32
#: Bytes all buffers, textures and render buffers of one interpreter may hold together.
MAX_TOTAL_BYTES = 2**34
#: Vertices one DRAW may process (count x instances): a bound on how long one DRAW runs.
MAX_DRAW_VERTICES = 2**28
#: Bytes of one shader source (each stage of SHADERS, UTF-8).
MAX_SHADER_BYTES = 2**18
#: ``#define`` directives in one shader source.
MAX_SHADER_DEFINES = 1024
#: Tokens that macro expansion may produce in one shader source.
MAX_MACRO_TOKENS = 2**18
#: How deep one shader source may nest an expression (operators and brackets) or blocks.
MAX_SHADER_NESTING = 1024

_OTHER_TEXEL_BYTES = {
    "srgb8": 3,
    "srgb8_alpha8": 4,
    "depth_component16": 2,
    "depth_component24": 4,
    "depth_component32f": 4,
    "depth24_stencil8": 4,
}
#: Bytes of one texel of each internal format (what SIZE of a texture allocates).
TEXEL_BYTES: dict[str, int] = {
    name: _OTHER_TEXEL_BYTES.get(name)
    or TEXTURE_FORMATS[fmt] * np.dtype(ALLOC_DTYPES[name.lstrip("rgba")]).itemsize
    for name, fmt in INTERNAL_FORMATS.items()
}
#: Bytes of one pixel of each render buffer format (what SIZE of a render buffer allocates).
RENDERBUFFER_BYTES: dict[str, int] = {
    "rgba8": 4,
    "rgb8": 3,
    "r8": 1,
    "rgba16f": 8,
    "rgba32f": 16,
    "r32f": 4,
    "depth_component16": 2,
    "depth_component24": 4,
    "depth_component32f": 4,
    "depth24_stencil8": 4,
    "stencil_index8": 1,
}
_OTHER_DATA_DTYPES: dict[str, tuple[str, ...]] = {
    "srgb8": ("uint8",),
    "srgb8_alpha8": ("uint8",),
    "depth_component16": ("uint16",),
    "depth_component24": ("uint32",),
    "depth_component32f": ("float32",),
    "depth24_stencil8": (),  # GL wants UNSIGNED_INT_24_8, which no GLIR dtype is
}
#: The dtypes texture DATA accepts for each internal format (GLES 3.0 / WebGL2); the
#: array's bytes must then be exactly region x channels x itemsize.
DATA_DTYPES: dict[str, tuple[str, ...]] = {
    name: _OTHER_DATA_DTYPES[name]
    if name in _OTHER_DATA_DTYPES
    else ("float16", "float32")
    if name.endswith("16f")
    else (ALLOC_DTYPES[name.lstrip("rgba")],)
    for name in INTERNAL_FORMATS
}


class GlirError(ValueError):
    """A malformed or failing GLIR command, or a malformed serialized stream."""


class ShaderError(GlirError):
    """A shader that failed to compile or link; the message quotes its lines."""


def _encode(value: Any, buffers: list) -> Any:
    if isinstance(value, np.ndarray):
        if value.dtype.name not in DTYPES:
            raise GlirError(
                f"array of dtype {value.dtype} cannot travel in GLIR; allowed: {', '.join(DTYPES)}"
            )
        # No copy when already contiguous (ascontiguousarray would make 0-d arrays 1-d).
        arr = value if value.flags.c_contiguous else np.ascontiguousarray(value)
        if arr.dtype.byteorder == ">":
            arr = arr.astype(arr.dtype.newbyteorder("<"))
        buffers.append(memoryview(arr).cast("B") if arr.size else b"")
        return {"buffer": len(buffers) - 1, "dtype": arr.dtype.name, "shape": list(arr.shape)}
    if isinstance(value, (tuple, list)):
        return [_encode(v, buffers) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (bool, str, type(None))):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        if not math.isfinite(f):
            raise GlirError(f"non-finite number {f} cannot travel in GLIR")
        return f
    if isinstance(value, dict):
        raise GlirError("dicts are not GLIR values (arrays are encoded as dicts)")
    raise GlirError(f"value of type {type(value).__name__} cannot travel in GLIR")


def _decode(value: Any, buffers: Sequence) -> Any:
    if isinstance(value, list):
        return tuple(_decode(v, buffers) for v in value)
    if isinstance(value, dict):
        try:
            index, dtype, shape = value["buffer"], value["dtype"], value["shape"]
        except KeyError as exc:
            raise GlirError(f"array reference {value!r} lacks {exc}") from None
        if dtype not in DTYPES:
            raise GlirError(f"array reference has unknown dtype {dtype!r}")
        if not isinstance(index, int) or not 0 <= index < len(buffers):
            raise GlirError(
                f"array reference to buffer {index!r}, but there are {len(buffers)} buffers"
            )
        dt = np.dtype(dtype).newbyteorder("<")
        n = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if n * dt.itemsize != memoryview(buffers[index]).nbytes:
            raise GlirError(
                f"buffer {index} holds {memoryview(buffers[index]).nbytes} bytes, but the "
                f"reference says {dtype} of shape {tuple(shape)} ({n * dt.itemsize} bytes)"
            )
        return np.frombuffer(buffers[index], dtype=dt).reshape(shape)
    return value


def serialize(commands: Iterable[Sequence]) -> tuple[dict, list]:
    """Turn commands into ``(header, buffers)``.

    ``header`` is ``{"version": GLIR_VERSION, "commands": [...]}``, made of JSON
    types only; ``buffers`` is a list of bytes-like objects (views of the
    commands' arrays, not copies, where the arrays are contiguous).
    """
    buffers: list = []
    out = []
    for cmd in commands:
        if not cmd or not isinstance(cmd[0], str):
            raise GlirError(f"not a GLIR command: {cmd!r}")
        out.append(_encode(cmd, buffers))
    return {"version": GLIR_VERSION, "commands": out}, buffers


def deserialize(header: dict, buffers: Sequence) -> list[tuple]:
    """Inverse of :func:`serialize`: the commands, with arrays viewing ``buffers``."""
    if not isinstance(header, dict) or "commands" not in header:
        raise GlirError("GLIR header must be a dict with a 'commands' list")
    version = header.get("version")
    if version != GLIR_VERSION:
        raise GlirError(f"GLIR version {version!r} is not supported (this is {GLIR_VERSION})")
    commands = []
    for raw in header["commands"]:
        if not isinstance(raw, list) or not raw or not isinstance(raw[0], str):
            raise GlirError(f"not a GLIR command: {raw!r}")
        try:
            name = Cmd(raw[0])
        except ValueError:
            raise GlirError(f"unknown GLIR command {raw[0]!r}") from None
        commands.append((name, *_decode(raw[1:], buffers)))
    return commands


def to_json(commands: Iterable[Sequence]) -> str:
    """Serialize to one JSON string with the buffers base64-encoded inside."""
    header, buffers = serialize(commands)
    header["buffers"] = [base64.b64encode(b).decode("ascii") for b in buffers]
    return json.dumps(header, separators=(",", ":"), allow_nan=False)


def from_json(text: str | bytes) -> list[tuple]:
    """Inverse of :func:`to_json`."""
    header = json.loads(text)
    if not isinstance(header, dict):
        raise GlirError("GLIR JSON must be an object")
    buffers = [base64.b64decode(b) for b in header.pop("buffers", [])]
    return deserialize(header, buffers)
