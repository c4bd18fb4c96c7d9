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
    "check_command",
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


def _decode(value: Any, buffers: Sequence, depth: int = 0) -> Any:
    """One header value as a command argument: lists become tuples, references arrays.

    The header is untrusted: anything that is not a GLIR value (section 3.3 of
    docs/glir.md) raises GlirError, and lists may nest only as deep as a command
    needs, so a hostile header cannot exhaust the stack.
    """
    if isinstance(value, (list, tuple)):
        if depth >= _MAX_NESTING:
            raise GlirError(
                f"a list nested {depth + 1} deep; GLIR command arguments nest at most "
                f"{_MAX_NESTING} deep"
            )
        return tuple(_decode(v, buffers, depth + 1) for v in value)
    if isinstance(value, dict):
        return _array_reference(value, buffers)
    if isinstance(value, float) and not math.isfinite(value):
        raise GlirError(f"non-finite number {value} in a GLIR header (numbers must be finite)")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise GlirError(f"a {type(value).__name__} is not a GLIR value")


def _array_reference(ref: dict, buffers: Sequence) -> np.ndarray:
    """The array a ``{"buffer", "dtype", "shape"}`` reference points at (a view, no copy)."""
    for key in ("buffer", "dtype", "shape"):
        if key not in ref:
            raise GlirError(f"array reference {_brief(ref)} lacks {key!r}")
    index, dtype, shape = ref["buffer"], ref["dtype"], ref["shape"]
    if not isinstance(dtype, str) or dtype not in DTYPES:
        raise GlirError(
            f"array reference has unknown dtype {_brief(dtype)}; allowed: {', '.join(DTYPES)}"
        )
    if not _is_int(index) or not 0 <= index < len(buffers):
        raise GlirError(
            f"array reference to buffer {_brief(index)}, but there are {len(buffers)} buffers"
        )
    if (
        not isinstance(shape, (list, tuple))
        or len(shape) > _MAX_ARRAY_DIMS
        or not all(_is_int(n) and 0 <= n <= _MAX_ID for n in shape)
    ):
        raise GlirError(
            f"array reference to buffer {index} has shape {_brief(shape)}; a shape is a list "
            f"of at most {_MAX_ARRAY_DIMS} integers >= 0"
        )
    try:
        nbytes = memoryview(buffers[index]).nbytes
    except TypeError:
        raise GlirError(
            f"buffer {index} is a {type(buffers[index]).__name__}, not bytes-like"
        ) from None
    dt = np.dtype(dtype).newbyteorder("<")
    n = math.prod(shape)  # Python ints: a huge shape cannot wrap around to the buffer's size
    if n * dt.itemsize != nbytes:
        raise GlirError(
            f"buffer {index} holds {nbytes} bytes, but the reference says {dtype} of shape "
            f"{tuple(shape)} ({n * dt.itemsize} bytes)"
        )
    try:
        return np.frombuffer(buffers[index], dtype=dt).reshape(shape)
    except (ValueError, TypeError, BufferError) as exc:  # e.g. a non-contiguous buffer
        raise GlirError(f"buffer {index} cannot be read as {dtype} {tuple(shape)}: {exc}") from None


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
    """Inverse of :func:`serialize`: the commands, with arrays viewing ``buffers``.

    The input is treated as untrusted (it may come from a file or a peer): the
    header's structure, every array reference and every command's arguments
    (:func:`check_command`) are checked, and anything malformed raises
    :class:`GlirError` naming the command and the value, before any command is
    returned. Nothing else is ever raised.
    """
    if not isinstance(header, dict) or not isinstance(header.get("commands"), (list, tuple)):
        raise GlirError("GLIR header must be a dict with a 'commands' list")
    version = header.get("version")
    if not _is_int(version) or version != GLIR_VERSION:
        raise GlirError(f"GLIR version {_brief(version)} is not supported (this is {GLIR_VERSION})")
    if not isinstance(buffers, Sequence) or isinstance(buffers, (str, bytes, bytearray)):
        raise GlirError(f"GLIR buffers must be a list of bytes, not {type(buffers).__name__}")
    raws = header["commands"]
    commands = []
    for i, raw in enumerate(raws):
        if not isinstance(raw, (list, tuple)) or not raw or not isinstance(raw[0], str):
            raise GlirError(f"not a GLIR command: {_brief(raw)}")
        try:
            name = Cmd(raw[0])
        except ValueError:
            raise GlirError(f"unknown GLIR command {_brief(raw[0])}") from None
        try:
            args = tuple(_decode(v, buffers) for v in raw[1:])
            commands.append(check_command((name, *args)))
        except GlirError as exc:
            if len(raws) == 1:
                raise
            raise GlirError(f"command {i} of {len(raws)}: {exc}") from None
    return commands


def to_json(commands: Iterable[Sequence]) -> str:
    """Serialize to one JSON string with the buffers base64-encoded inside."""
    header, buffers = serialize(commands)
    header["buffers"] = [base64.b64encode(b).decode("ascii") for b in buffers]
    return json.dumps(header, separators=(",", ":"), allow_nan=False)


def from_json(text: str | bytes) -> list[tuple]:
    """Inverse of :func:`to_json`; like :func:`deserialize`, it raises only GlirError."""
    if not isinstance(text, (str, bytes, bytearray)):
        raise GlirError(f"GLIR JSON must be a str or bytes, not {type(text).__name__}")
    try:
        header = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise GlirError("GLIR JSON nests too deeply to be a GLIR stream") from None
    except GlirError:  # from _refuse_constant
        raise
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, a huge int literal
        raise GlirError(f"GLIR JSON is malformed: {_brief(str(exc), 200)}") from None
    if not isinstance(header, dict):
        raise GlirError("GLIR JSON must be an object")
    encoded = header.pop("buffers", [])
    if not isinstance(encoded, list):
        raise GlirError(
            f"GLIR JSON 'buffers' must be a list of base64 strings, not {_brief(encoded)}"
        )
    buffers = []
    for i, text64 in enumerate(encoded):
        try:
            if not isinstance(text64, str):
                raise TypeError(f"a {type(text64).__name__}")
            buffers.append(base64.b64decode(text64, validate=True))
        except (TypeError, ValueError) as exc:  # binascii.Error is a ValueError
            raise GlirError(f"GLIR JSON buffer {i} is not standard base64: {exc}") from None
    return deserialize(header, buffers)


def _refuse_constant(name: str) -> None:
    raise GlirError(f"{name} in GLIR JSON: numbers must be finite")


# ---- checking commands from elsewhere ---------------------------------------------------
# deserialize() and Canvas.replay() check every command against the format before an
# interpreter sees it: a stream from a file or a peer is untrusted. The checks are the
# structure docs/glir.md gives (argument counts, types, names from the tables above,
# ranges of the GL types behind them); what depends on the objects (does id 7 exist,
# do the bytes fit the texture) is the interpreter's to check.

#: Ids are positive and exact as JavaScript numbers (docs/glir.md, 3.2).
_MAX_ID = 2**53 - 1
#: Byte sizes and offsets: what a GLsizeiptr/GLintptr holds.
_MAX_BYTES = 2**63 - 1
#: Counts, texels and pixels: what a GLsizei/GLint holds.
_MAX_GLINT = 2**31 - 1
#: A command's lists hold scalars (selection, shape, values): one level, with one spare.
_MAX_NESTING = 2
#: Array dimensions a reference may have (a texture region has at most 4).
_MAX_ARRAY_DIMS = 8
#: Array dtypes an indexed DRAW may name.
_INDEX_DTYPES = ("uint8", "uint16", "uint32")

_CAPABILITIES = (
    "blend",
    "cull_face",
    "depth_test",
    "dither",
    "polygon_offset_fill",
    "rasterizer_discard",
    "sample_alpha_to_coverage",
    "sample_coverage",
    "scissor_test",
    "stencil_test",
)
#: GL state names a FUNC (and gloo.set_state) may use
BLEND_FACTORS = (
    "zero",
    "one",
    "src_color",
    "one_minus_src_color",
    "dst_color",
    "one_minus_dst_color",
    "src_alpha",
    "one_minus_src_alpha",
    "dst_alpha",
    "one_minus_dst_alpha",
    "constant_color",
    "one_minus_constant_color",
    "constant_alpha",
    "one_minus_constant_alpha",
    "src_alpha_saturate",
)
BLEND_EQUATIONS = ("func_add", "func_subtract", "func_reverse_subtract", "min", "max")
COMPARE_FUNCS = ("never", "less", "equal", "lequal", "greater", "notequal", "gequal", "always")
FACES = ("front", "back", "front_and_back")
_STENCIL_OPS = ("keep", "zero", "replace", "incr", "incr_wrap", "decr", "decr_wrap", "invert")

#: The enum names each FUNC argument of kind "e" may take (docs/glir.md, FUNC): a stream
#: from elsewhere cannot reach GL state outside the whitelist (such as the interpreter's
#: own PROGRAM_POINT_SIZE) through a FUNC.
_FUNC_ENUMS: dict[str, tuple[tuple[str, ...], ...]] = {
    "enable": (_CAPABILITIES,),
    "disable": (_CAPABILITIES,),
    "blendFuncSeparate": (BLEND_FACTORS,) * 4,
    "blendEquationSeparate": (BLEND_EQUATIONS,) * 2,
    "depthFunc": (COMPARE_FUNCS,),
    "cullFace": (FACES,),
    "frontFace": (("cw", "ccw"),),
    "stencilFuncSeparate": (FACES, COMPARE_FUNCS),
    "stencilOpSeparate": (FACES, _STENCIL_OPS, _STENCIL_OPS, _STENCIL_OPS),
    "stencilMaskSeparate": (FACES,),
    "hint": (
        ("generate_mipmap_hint", "fragment_shader_derivative_hint"),
        ("fastest", "nicest", "dont_care"),
    ),
}

#: GLSL types an attribute may have (ATTRIBUTE, ATTRIBUTE_VALUE): no booleans.
_ATTRIBUTE_TYPES = tuple(t for t in UNIFORM_TYPES if not t.startswith(("bool", "bvec")))


def check_command(cmd: Sequence) -> tuple:
    """Check one command's structure against the format; return it as a plain tuple.

    For commands from elsewhere (a file, a peer, :meth:`Canvas.replay`): the name
    must be a command, the id an int in range, and the arguments as many, of the
    types and from the tables that docs/glir.md gives for the command. The
    returned tuple has a :class:`Cmd` name, Python ints, floats and tuples (numpy
    scalars and lists converted) and the arrays unchanged. Anything else raises
    :class:`GlirError` naming the command, the argument and the value. Whether the
    objects exist and the data fits them is checked by the interpreter.
    """
    if isinstance(cmd, (str, bytes)) or not isinstance(cmd, Sequence) or not cmd:
        raise GlirError(f"not a GLIR command: {_brief(cmd)} (a command is (name, id, *args))")
    raw_name = cmd[0]
    if not isinstance(raw_name, str):
        raise GlirError(f"not a GLIR command: {_brief(cmd)} (its name is not a string)")
    try:
        name = Cmd(raw_name)
    except ValueError:
        known = ", ".join(c.value for c in Cmd)
        raise GlirError(f"unknown GLIR command {_brief(raw_name)} (known: {known})") from None
    if len(cmd) < 2:
        raise GlirError(f"{name} command without an id: {_brief(cmd)}")
    if name == Cmd.FUNC:
        oid = _int(cmd[1], "the id of FUNC", 0, 0)
    else:
        what = "a request id" if name == Cmd.READ_PIXELS else "an object id"
        oid = _int(cmd[1], f"{name}'s id ({what})", 1, _MAX_ID)
    checker, lo, hi, counts = _ARG_CHECKS[name]
    if not lo <= len(cmd) - 2 <= hi:
        raise GlirError(
            f"{name} {oid}: takes {counts} argument(s) after the id, not {len(cmd) - 2}"
        )
    try:
        args = checker(*cmd[2:])
    except GlirError as exc:
        raise GlirError(f"{name} {oid}: {exc}") from None
    return (name, oid, *args)


def _brief(value: Any, limit: int = 60) -> str:
    """``repr(value)``, cut short: error messages must stay readable for hostile values."""
    if isinstance(value, np.ndarray):
        return f"<{value.dtype} array {value.shape}>"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a hostile object's __repr__ may raise anything
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _int(value: Any, what: str, lo: int, hi: int) -> int:
    if not _is_int(value):
        raise GlirError(f"{what} must be an integer, not {_brief(value)}")
    if not lo <= value <= hi:
        bounds = str(lo) if lo == hi else f"in {lo}..{hi}"
        raise GlirError(f"{what} must be {bounds}, not {_brief(value)}")
    return int(value)


def _number(value: Any, what: str) -> float | int:
    if _is_int(value):
        return int(value)
    if isinstance(value, (float, np.floating)) and math.isfinite(value):
        return float(value)
    raise GlirError(f"{what} must be a finite number, not {_brief(value)}")


def _flag(value: Any, what: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise GlirError(f"{what} must be true or false, not {_brief(value)}")
    return bool(value)


def _name(value: Any, what: str, choices: Iterable[str] | None = None) -> str:
    if not isinstance(value, str):
        raise GlirError(f"{what} must be a string, not {_brief(value)}")
    if choices is not None and value not in choices:
        raise GlirError(f"{what} {_brief(value)} is not one of {', '.join(choices)}")
    return str(value)


def _list(value: Any, what: str, lengths: Sequence[int]) -> tuple:
    if not isinstance(value, (tuple, list)):
        raise GlirError(f"{what} must be a list, not {_brief(value)}")
    if len(value) not in lengths:
        counts = " or ".join(str(n) for n in lengths)
        raise GlirError(f"{what} must have {counts} items, not {len(value)}: {_brief(value)}")
    return tuple(value)


def _ints(value: Any, what: str, lengths: Sequence[int], lo: int, hi: int) -> tuple[int, ...]:
    items = _list(value, what, lengths)
    return tuple(_int(v, f"{what}[{i}]", lo, hi) for i, v in enumerate(items))


def _numbers(value: Any, what: str) -> tuple:
    if not isinstance(value, (tuple, list)) or not value:
        raise GlirError(f"{what} must be a non-empty list of numbers, not {_brief(value)}")
    return tuple(_number(v, f"{what}[{i}]") for i, v in enumerate(value))


def _array(value: Any, what: str) -> np.ndarray:
    if not isinstance(value, np.ndarray) or value.dtype.name not in DTYPES:
        raise GlirError(f"{what} must be an array of {', '.join(DTYPES)}, not {_brief(value)}")
    return value


def _check_create(kind):
    return (_name(kind, "the class", OBJECT_CLASSES),)


def _check_delete():
    return ()


def _check_size(shape, fmt=None, internal=None):
    if fmt is None:  # a buffer: its size in bytes
        return (_int(shape, "the size in bytes", 0, _MAX_BYTES),)
    if internal is None:  # a render buffer: (H, W), format
        shape = _ints(shape, "the render buffer shape", (2,), 1, _MAX_GLINT)
        return shape, _name(fmt, "the render buffer format", RENDERBUFFER_FORMATS)
    shape = _ints(shape, "the texture shape", (1, 2, 3), 1, _MAX_GLINT)
    fmt = _name(fmt, "the texture format", tuple(TEXTURE_FORMATS))
    internal = _name(internal, "the internal format", tuple(INTERNAL_FORMATS))
    return shape, fmt, internal


def _check_data(offset, data):
    if _is_int(offset):
        offset = _int(offset, "the byte offset", 0, _MAX_BYTES)
    else:
        offset = _ints(offset, "the texel offset", (1, 2, 3), 0, _MAX_GLINT)
    return offset, _array(data, "the data")


def _check_wrapping(wraps):
    wraps = _list(wraps, "the wrap modes", (2, 3))
    return (tuple(_name(w, f"wrap mode {i}", WRAPS) for i, w in enumerate(wraps)),)


def _check_interpolation(min_filter, mag_filter):
    return _name(min_filter, "the min filter", FILTERS), _name(
        mag_filter, "the mag filter", FILTERS
    )


def _check_shaders(vert, frag):
    return _name(vert, "the vertex source"), _name(frag, "the fragment source")


def _check_uniform(name, gtype, values):
    name = _name(name, "the uniform name")
    gtype = _name(gtype, f"the type of {name!r}", (*UNIFORM_TYPES, *SAMPLER_TYPES))
    values = _numbers(values, f"the values of {name!r}")
    n = components(gtype)
    if len(values) % n:
        raise GlirError(
            f"uniform {name!r} ({gtype}) needs a multiple of {n} values, not {len(values)}"
        )
    return name, gtype, values


def _check_texture(name, texture_id):
    return _name(name, "the sampler name"), _int(texture_id, "the texture id", 1, _MAX_ID)


def _check_attribute(name, gtype, buffer_id, dtype, comps, stride, offset, divisor, normalized):
    name = _name(name, "the attribute name")
    gtype = _name(gtype, f"the type of {name!r}", _ATTRIBUTE_TYPES)
    comps = _int(comps, f"the components of {name!r}", 1, 16)
    if gtype.startswith("mat") and comps != components(gtype):
        raise GlirError(
            f"attribute {name!r} ({gtype}) has {components(gtype)} components, not {comps}"
        )
    if not gtype.startswith("mat") and comps > 4:
        raise GlirError(f"attribute {name!r} ({gtype}) takes 1 to 4 components, not {comps}")
    return (
        name,
        gtype,
        _int(buffer_id, "the buffer id", 1, _MAX_ID),
        _name(dtype, f"the dtype of {name!r}", DTYPES),
        comps,
        _int(stride, "the stride", 0, _MAX_GLINT),
        _int(offset, "the byte offset", 0, _MAX_BYTES),
        _int(divisor, "the divisor", 0, 2**32 - 1),
        _flag(normalized, "normalized"),
    )


def _check_attribute_value(name, gtype, values):
    name = _name(name, "the attribute name")
    gtype = _name(
        gtype, f"the type of {name!r}", tuple(t for t in _ATTRIBUTE_TYPES if "mat" not in t)
    )
    values = _numbers(values, f"the value of {name!r}")
    if len(values) != components(gtype):
        raise GlirError(
            f"attribute {name!r} ({gtype}) needs {components(gtype)} values, not {len(values)}"
        )
    return name, gtype, values


def _check_draw(mode, selection, *instances):
    mode = _name(mode, "the draw mode", DRAW_MODES)
    shape = "[first, count] or [index_buffer_id, index_dtype, count, first]"
    if not isinstance(selection, (tuple, list)) or len(selection) not in (2, 4):
        raise GlirError(f"the selection must be {shape}, not {_brief(selection)}")
    if len(selection) == 2:
        selection = _ints(selection, "the selection [first, count]", (2,), 0, _MAX_GLINT)
    else:
        ibo, dtype, count, first = selection
        selection = (
            _int(ibo, "the index buffer id", 1, _MAX_ID),
            _name(dtype, "the index dtype", _INDEX_DTYPES),
            _int(count, "the index count", 0, _MAX_GLINT),
            _int(first, "the first index", 0, _MAX_GLINT),
        )
    return (mode, selection, *(_int(n, "the instance count", 0, _MAX_GLINT) for n in instances))


def _check_attach(attachment, target_id):
    attachment = _name(attachment, "the attachment", ATTACHMENTS)
    return attachment, _int(target_id, "the target id (0 detaches)", 0, _MAX_ID)


def _check_framebuffer(bind):
    return (_flag(bind, "bind"),)


def _check_func(function, *args):
    kinds = FUNCS.get(function) if isinstance(function, str) else None
    if kinds is None:
        raise GlirError(f"unknown FUNC {_brief(function)}; allowed: {', '.join(FUNCS)}")
    if len(args) != len(kinds):
        raise GlirError(f"{function} takes {len(kinds)} arguments, got {len(args)}")
    enums = iter(_FUNC_ENUMS.get(function, ()))
    out = []
    for i, (kind, arg) in enumerate(zip(kinds, args)):
        what = f"argument {i + 1} of {function}"
        if kind == "f":
            out.append(float(_number(arg, what)))
        elif kind == "i":
            out.append(_int(arg, what, -(2**31), 2**32 - 1))
        elif kind == "b":
            out.append(_flag(arg, what))
        elif kind == "e":
            allowed = next(enums)
            if _name(arg, what) not in allowed:
                raise GlirError(
                    f"unknown GL enum name {_brief(arg)} for {what}; allowed: {', '.join(allowed)}"
                )
            out.append(str(arg))
        else:
            mask = _name(arg, what)
            parts = mask.split("|")
            if any(p not in CLEAR_MASKS for p in parts):
                raise GlirError(f"{what} {mask!r} is not {'|'.join(CLEAR_MASKS)} joined by '|'")
            out.append(mask)
    return (function, *out)


def _check_read_pixels(viewport, *fmt_dtype):
    x, y, w, h = _ints(viewport, "the viewport", (4,), -_MAX_GLINT - 1, _MAX_GLINT)
    if w < 1 or h < 1:
        raise GlirError(f"the viewport {(x, y, w, h)} is empty (width and height must be >= 1)")
    tables = (("the format", tuple(READ_FORMATS)), ("the dtype", READ_DTYPES))
    return ((x, y, w, h), *(_name(v, *t) for v, t in zip(fmt_dtype, tables)))


#: Per command: its checker, the fewest and most arguments after the id, and those
#: counts in words (for the error).
_ARG_CHECKS = {
    Cmd.CREATE: (_check_create, 1, 1, "1 (the class)"),
    Cmd.DELETE: (_check_delete, 0, 0, "no"),
    Cmd.SIZE: (_check_size, 1, 3, "1 (buffer), 2 (render buffer) or 3 (texture)"),
    Cmd.DATA: (_check_data, 2, 2, "2"),
    Cmd.WRAPPING: (_check_wrapping, 1, 1, "1"),
    Cmd.INTERPOLATION: (_check_interpolation, 2, 2, "2"),
    Cmd.SHADERS: (_check_shaders, 2, 2, "2"),
    Cmd.UNIFORM: (_check_uniform, 3, 3, "3"),
    Cmd.TEXTURE: (_check_texture, 2, 2, "2"),
    Cmd.ATTRIBUTE: (_check_attribute, 9, 9, "9"),
    Cmd.ATTRIBUTE_VALUE: (_check_attribute_value, 3, 3, "3"),
    Cmd.DRAW: (_check_draw, 2, 3, "2 or 3"),
    Cmd.ATTACH: (_check_attach, 2, 2, "2"),
    Cmd.FRAMEBUFFER: (_check_framebuffer, 1, 1, "1"),
    Cmd.FUNC: (_check_func, 1, 1 + max(len(k) for k in FUNCS.values()), "the function and its"),
    Cmd.READ_PIXELS: (_check_read_pixels, 1, 3, "1 to 3"),
}
