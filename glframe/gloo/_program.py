"""Program: a vertex and a fragment shader, and the values of their variables.

The program learns its uniforms and attributes by parsing its GLSL source, so
``program["u_scale"] = 2.0`` and ``program["a_position"] = array`` are checked
(name, shape, dtype, finiteness) and recorded before any GL context exists.

Gloo vs GLIR (which check happens where):

- here, before recording: GLSL 1.20 sources (vispy's and glumpy's dialect:
  ``attribute``, ``varying``, ``gl_FragColor``, ``texture2D``), refused with what
  to write instead; declared names, value shapes and dtypes, NaN and
  infinities in uniforms, texture kinds for samplers, attribute component
  counts, unset variables and vertex counts at ``draw``;
- in the interpreter: compilation and linking (errors quote the source lines),
  GL errors, references to unknown objects. Variables that the GLSL compiler
  optimizes away are set silently there.

Matrices are given in math convention (``M @ v``, shape (N, N)) and recorded
column-major, as GL wants. Arrays assigned to attributes become VertexBuffers
owned by the program (reassigning updates the same buffer). Recording is
lazy: a value equal to the last one recorded records nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike

from ._buffer import BufferView, IndexBuffer, VertexBuffer
from ._objects import GLObject
from ._state import _current
from ._texture import INTERNAL_FORMATS, Texture1D, Texture2D, Texture3D, _Texture
from .glir import DRAW_MODES, SAMPLER_TYPES, UNIFORM_TYPES, Cmd, components

__all__ = ["Program", "GLSL_TYPES", "parse_variables"]

#: GLSL type -> (components, kind): f float, i int, u uint, b bool, s sampler; the
#: protocol's uniform and sampler types (glir.UNIFORM_TYPES, glir.SAMPLER_TYPES).
GLSL_TYPES: dict[str, tuple[int, str]] = {
    t: (components(t), {"i": "i", "u": "u", "b": "b"}.get(t[0], "f")) for t in UNIFORM_TYPES
}
GLSL_TYPES.update((s, (1, "s")) for s in SAMPLER_TYPES)
#: sampler type -> the gloo texture classes it reads
_TEXTURES = {cls._kind: cls for cls in (Texture1D, Texture2D, Texture3D)}
_SAMPLERS = {s: tuple(_TEXTURES[c] for c in classes) for s, classes in SAMPLER_TYPES.items()}

MODES = DRAW_MODES  # the protocol's table (glir.py)

_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_DEFINE = re.compile(r"^\s*#\s*define\s+(\w+)\s+(\d+)\s*$", re.M)
_PRECISION = r"(?:(?:lowp|mediump|highp)\s+)?"
_NAMES = r"([\w\s,\[\]]+?)\s*;"
_UNIFORM = re.compile(r"(?:^|(?<=[;}]))\s*uniform\s+" + _PRECISION + r"(\w+)\s+" + _NAMES, re.M)
_ATTRIBUTE = re.compile(
    r"(?:^|(?<=[;}]))\s*(?:layout\s*\([^)]*\)\s*)?in\s+" + _PRECISION + r"(\w+)\s+" + _NAMES, re.M
)
_NAME = re.compile(r"^(\w+)\s*(?:\[\s*(\w+)\s*\])?$")
# GLSL 1.20 words that GLSL ES 3.00 removed, with what to write instead; per stage
_LEGACY = (
    (
        re.compile(r"^\s*#\s*version\s+1[0-4]0\b.*$", re.M),
        "vf",
        "no #version line (the interpreter writes its own)",
    ),
    (re.compile(r"\battribute\b"), "v", "'in' (in vec2 a_pos;)"),
    (re.compile(r"\bvarying\b"), "v", "'out'"),
    (re.compile(r"\bvarying\b"), "f", "'in'"),
    (
        re.compile(r"\bgl_Frag(?:Color|Data)\b"),
        "f",
        "'out vec4 f_color;' declared, and 'f_color = ...'",
    ),
    (re.compile(r"\btexture(?:1D|2D|3D|Cube)\s*\("), "vf", "'texture('"),
)


@functools.lru_cache(maxsize=256)  # many visuals share their shaders: each is read once
def _legacy_glsl(vert: str, frag: str) -> str | None:
    """What in ``vert`` / ``frag`` is GLSL 1.20 and what to write instead, or None."""
    found = []
    for stage, name, source in (("v", "vertex", vert), ("f", "fragment", frag)):
        # comments blanked, lines kept: line numbers stay those of the source
        code = _COMMENTS.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), source)
        for pattern, stages, instead in _LEGACY:
            if stage not in stages:
                continue
            for m in pattern.finditer(code):
                line = code.count("\n", 0, m.start()) + 1
                found.append(f"{name} line {line}: {m.group().strip()!r} -> {instead}")
                break  # one of each is enough to see the pattern
    if not found:
        return None
    return (
        "Program: these shaders are GLSL 1.20 (vispy's and glumpy's dialect); glframe's "
        "are GLSL ES 3.00 (WebGL2); write instead:\n  " + "\n  ".join(found)
    )


#: value types whose equality says "the same value" (a tuple of floats compares as such)
_PLAIN = (float, int, bool, tuple)


def parse_variables(source: str, pattern: re.Pattern = _UNIFORM) -> dict[str, tuple[str, int]]:
    """``{name: (glsl type, array count)}`` of the declarations ``pattern`` finds."""
    return dict(_parse_variables(source, pattern))


@functools.lru_cache(maxsize=512)
def _parse_variables(source: str, pattern: re.Pattern) -> tuple:
    code = _COMMENTS.sub(" ", source)
    defines = dict(_DEFINE.findall(code))
    found: dict[str, tuple[str, int]] = {}
    for gtype, names in pattern.findall(code):
        if gtype not in GLSL_TYPES:
            raise ValueError(f"GLSL type {gtype!r} is not supported (variables {names.strip()})")
        for decl in names.split(","):
            m = _NAME.match(decl.strip())
            if not m:
                raise ValueError(f"cannot parse the GLSL declaration {gtype} {decl.strip()!r}")
            name, count = m.group(1), m.group(2)
            if count is not None:
                count = defines.get(count, count)
                if not str(count).isdigit():
                    raise ValueError(f"array size {count!r} of {name!r} is not a number or #define")
            found[name] = (gtype, int(count) if count is not None else 1)
    return tuple(found.items())


def _constant(name: str, gtype: str, arr: np.ndarray) -> tuple:
    """The numbers of one value for the attribute ``name`` (checked)."""
    comps, kind = GLSL_TYPES[gtype]
    flat = arr.astype(np.float64).ravel()
    if flat.size != comps or gtype.startswith("mat"):
        raise ValueError(
            f"attribute {name!r} ({gtype}): a constant value needs {comps} numbers, got {arr.shape}"
        )
    if not np.all(np.isfinite(flat)):
        raise ValueError(f"attribute {name!r}: constant value contains NaN or infinity")
    return tuple(flat.tolist()) if kind == "f" else tuple(int(v) for v in flat)


class Program(GLObject):
    """A shader program, recorded.

    Parameters
    ----------
    vert, frag
        GLSL ES 3.00 sources (``#version 300 es`` optional: interpreters adapt
        the header to their GL).
    count
        vispy's option: the number of vertices every attribute has. Arrays given
        to attributes must then have ``count`` rows, and one value (``(1, 0, 0, 1)``)
        fills all ``count`` rows of a buffer, as vispy's does. Without ``count``
        (the default) arrays may have any length and one value is a constant
        attribute (the same picture, no buffer).

    Examples
    --------
    >>> program = Program(
    ...     "in vec2 a_pos; void main() { gl_Position = vec4(a_pos, 0.0, 1.0); }",
    ...     "uniform vec4 u_color; out vec4 f_color; void main() { f_color = u_color; }")
    >>> program["a_pos"] = [[-1, -1], [1, -1], [0, 1]]
    >>> program["u_color"] = (1.0, 0.5, 0.0, 1.0)
    >>> program.draw("triangles")                 # doctest: +SKIP
    """

    _kind = "Program"

    def __init__(self, vert: str, frag: str, count: int | None = None) -> None:
        if count is not None and (
            isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 1
        ):
            raise ValueError(
                f"Program: count is the number of vertices of every attribute, a positive "
                f"integer or None; got {count!r}"
            )
        super().__init__()
        self._count = None if count is None else int(count)
        self._values: dict[str, object] = {}
        self._sent: dict[str, object] = {}  # what was last recorded per variable
        self._auto: dict[str, GLObject] = {}  # buffers/textures made from arrays
        self._bound: dict[str, GLObject] = {}  # objects referenced per variable
        self._ready: tuple | None = None  # cached (count, instances) checks for draw
        self._index_buffer: IndexBuffer | None = None
        self.set_shaders(vert, frag)

    # ---- shaders -------------------------------------------------------------
    def set_shaders(self, vert: str, frag: str) -> None:
        """Replace the shaders; values of variables that remain are kept."""
        if not isinstance(vert, str) or not isinstance(frag, str):
            raise TypeError("Program: shaders must be GLSL source strings")
        legacy = _legacy_glsl(vert, frag)
        if legacy:
            raise ValueError(legacy)
        self._vert, self._frag = vert, frag
        uniforms = parse_variables(vert) | parse_variables(frag)
        attributes = parse_variables(vert, _ATTRIBUTE)
        self._uniforms, self._attributes = uniforms, attributes
        for name in list(self._values):
            if name not in uniforms and name not in attributes:
                self._forget(name)
        self._glir(Cmd.SHADERS, vert, frag)
        self._ready = None

    def _forget(self, name: str) -> None:
        for d in (self._values, self._sent, self._auto, self._bound):
            d.pop(name, None)

    @property
    def shaders(self) -> tuple[str, str]:
        return self._vert, self._frag

    @property
    def uniforms(self) -> dict[str, tuple[str, int]]:
        """Declared uniforms: ``{name: (glsl type, array count)}``."""
        return dict(self._uniforms)

    @property
    def attributes(self) -> dict[str, tuple[str, int]]:
        """Declared vertex attributes: ``{name: (glsl type, array count)}``."""
        return dict(self._attributes)

    def _dependencies(self) -> Iterable[GLObject]:
        deps = list(self._bound.values())
        if self._index_buffer is not None:
            deps.append(self._index_buffer)
        return deps

    # ---- variables -------------------------------------------------------------
    def __contains__(self, name: str) -> bool:
        return name in self._uniforms or name in self._attributes

    def __getitem__(self, name: str):
        if name not in self:
            raise KeyError(self._unknown(name))
        return self._values.get(name)

    def __setitem__(self, name: str, value) -> None:
        # the same plain value again (a visual setting its uniforms each frame): nothing
        # to check or send (numpy arrays and textures take the full path)
        if type(value) in _PLAIN and type(self._values.get(name)) is type(value):
            try:
                if self._values[name] == value:
                    return
            except ValueError:  # a tuple holding arrays: compared element-wise
                pass
        if name in self._uniforms:
            gtype, count = self._uniforms[name]
            if GLSL_TYPES[gtype][1] == "s":
                self._set_sampler(name, gtype, value)
            else:
                self._set_uniform(name, gtype, count, value)
        elif name in self._attributes:
            self._set_attribute(name, self._attributes[name][0], value)
            self._ready = None
        else:
            raise KeyError(self._unknown(name))
        self._values[name] = value

    def _unknown(self, name: str) -> str:
        return (
            f"Program has no variable {name!r}; uniforms: "
            f"{', '.join(sorted(self._uniforms)) or 'none'}; attributes: "
            f"{', '.join(sorted(self._attributes)) or 'none'}"
        )

    def _set_uniform(self, name: str, gtype: str, count: int, value) -> None:
        comps, kind = GLSL_TYPES[gtype]
        try:
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"uniform {name!r} ({gtype}): {value!r} is not numeric") from None
        if gtype.startswith("mat") and arr.ndim >= 2:
            arr = np.swapaxes(arr, -1, -2)  # math convention -> column-major
        flat = arr.ravel()
        if flat.size != comps * count:
            want = f"{count} x {gtype}" if count > 1 else gtype
            raise ValueError(
                f"uniform {name!r} is {want} ({comps * count} values); got shape {arr.shape}"
            )
        if not np.all(np.isfinite(flat)):
            raise ValueError(f"uniform {name!r}: {value!r} contains NaN or infinity")
        if kind == "f":
            values = tuple(flat.tolist())
        else:
            if np.any(flat != np.round(flat)):
                raise ValueError(f"uniform {name!r} ({gtype}) takes integers, got {value!r}")
            if kind == "u" and np.any(flat < 0):
                raise ValueError(f"uniform {name!r} ({gtype}) takes unsigned integers")
            values = tuple(int(v) for v in flat)
        if self._sent.get(name) != values:
            self._sent[name] = values
            self._glir(Cmd.UNIFORM, name, gtype, values)

    def _set_sampler(self, name: str, gtype: str, value) -> None:
        kinds = _SAMPLERS[gtype]
        if not isinstance(value, _Texture):
            if isinstance(value, GLObject):
                raise TypeError(f"uniform {name!r} ({gtype}) takes a texture, not {value!r}")
            auto = self._auto.get(name)
            if isinstance(auto, kinds[0]):
                auto.set_data(value)
            else:
                auto = kinds[0](value)
                self._auto[name] = auto
            value = auto
        elif not isinstance(value, kinds):
            raise TypeError(
                f"uniform {name!r} ({gtype}) takes {' or '.join(k.__name__ for k in kinds)}, "
                f"not {type(value).__name__}"
            )
        fmt_kind = INTERNAL_FORMATS.get(value.internalformat or "", (0, "n"))[1]
        wanted = {"i": "i", "u": "u"}.get(gtype[0], "n")
        if (
            value.internalformat is not None
            and {"d": "n", "s": "n"}.get(fmt_kind, fmt_kind) != wanted
        ):
            raise TypeError(
                f"uniform {name!r} ({gtype}) cannot sample a {value.internalformat} texture; "
                "integer textures need isampler/usampler, others sampler"
            )
        self._bind(name, value)
        if self._sent.get(name) != value.id:
            self._sent[name] = value.id
            self._glir(Cmd.TEXTURE, name, value.id)

    def _bind(self, name: str, obj: GLObject) -> None:
        if self._bound.get(name) is not obj:
            self._use(obj)
            self._bound[name] = obj
            auto = self._auto.get(name)
            if auto is not None and auto is not obj:
                del self._auto[name]

    def _set_attribute(self, name: str, gtype: str, value) -> None:
        comps, kind = GLSL_TYPES[gtype]
        if isinstance(value, VertexBuffer):
            value = value.view()
        if not isinstance(value, BufferView):
            arr = np.asarray(value)
            # A scalar, or one value of a vector type, is a constant attribute
            # (with ``count``: it fills a buffer of ``count`` rows, as vispy's does).
            one = arr.ndim == 0 or (arr.ndim == 1 and comps > 1 and arr.size == comps)
            if one and self._count is None:
                self._set_attribute_value(name, gtype, arr)
                return
            if one:
                values = _constant(name, gtype, arr)
                dtype = np.float32 if kind == "f" else (np.int32 if kind == "i" else np.uint32)
                arr = np.tile(np.asarray(values, dtype), (self._count, 1))
            elif self._count is not None and len(arr) != self._count:
                raise ValueError(
                    f"Program(count={self._count}): attribute {name!r} got {len(arr)} rows; "
                    f"give {self._count} rows, or one value for all of them"
                )
            auto = self._auto.get(name)
            if isinstance(auto, VertexBuffer):
                auto.set_data(arr)
            else:
                auto = VertexBuffer(arr)
                self._auto[name] = auto
            value = auto.view()
        elif value.buffer.dtype is None:
            raise ValueError(f"attribute {name!r}: {value.buffer!r} has no data yet")
        n = value.components
        if n > comps or (gtype.startswith("mat") and n != comps):
            raise ValueError(
                f"attribute {name!r} is {gtype} ({comps} components); its data has rows of "
                f"shape {value.row_shape} ({n} components)"
            )
        dkind = value.dtype.kind
        if kind in "iu" and dkind not in "iu":
            raise TypeError(f"attribute {name!r} ({gtype}) needs integer data, not {value.dtype}")
        self._bind(name, value.buffer)
        buf = value.buffer
        spec = (
            buf.id,
            value.dtype.name,
            n,
            value.stride,
            value.offset,
            buf.divisor,
            buf.normalized,
        )
        if self._sent.get(name) != spec:
            self._sent[name] = spec
            self._glir(Cmd.ATTRIBUTE, name, gtype, *spec)

    def _set_attribute_value(self, name: str, gtype: str, arr: np.ndarray) -> None:
        values = _constant(name, gtype, arr)
        self._bound.pop(name, None)
        self._auto.pop(name, None)
        if self._sent.get(name) != values:
            self._sent[name] = values
            self._glir(Cmd.ATTRIBUTE_VALUE, name, gtype, values)

    def bind(self, buffer: VertexBuffer) -> None:
        """Bind each field of a structured buffer to the attribute of its name."""
        fields = buffer.dtype.fields if buffer.dtype is not None else None
        if not fields:
            raise ValueError(f"Program.bind needs a structured VertexBuffer, not {buffer!r}")
        for field in fields:
            self[field] = buffer[field]

    # ---- drawing -----------------------------------------------------------------
    def _draw_checks(self) -> tuple[list, list]:
        """Per-vertex and per-instance buffers (raises if a variable is unset)."""
        unset = [n for n in (*self._uniforms, *self._attributes) if n not in self._values]
        if unset:
            raise RuntimeError(f"Program: variables never set: {', '.join(sorted(unset))}")
        per_vertex, per_instance = [], []
        for name in self._attributes:
            buf = self._bound.get(name)
            if isinstance(buf, VertexBuffer):
                (per_instance if buf.divisor else per_vertex).append(buf)
        return per_vertex, per_instance

    def draw(
        self,
        mode: str = "triangles",
        indices: IndexBuffer | ArrayLike | None = None,
        *,
        first: int = 0,
        count: int | None = None,
        instances: int | None = None,
    ) -> None:
        """Record a draw of ``mode`` in the current context.

        Parameters
        ----------
        mode
            One of points, lines, line_strip, line_loop, triangles,
            triangle_strip, triangle_fan.
        indices
            An IndexBuffer (or an array, kept in a buffer of the program's) for
            an indexed draw.
        first, count
            The range of vertices (or of indices) to draw; ``count`` defaults
            to the rest of the shortest per-vertex buffer (or of the indices).
        instances
            How many instances; defaults to what the per-instance buffers hold,
            or 1.
        """
        if mode not in MODES:
            raise ValueError(f"Program.draw: mode {mode!r} is not one of {', '.join(MODES)}")
        ctx = _current("Program.draw")
        if self._context is not ctx:
            self._activate(ctx)
        if self._ready is None:
            self._ready = self._draw_checks()
        per_vertex, per_instance = self._ready
        if instances is None:
            instances = min((len(b) * b.divisor for b in per_instance), default=1)
        if indices is None:
            if count is None:
                n_vertices = min((len(b) for b in per_vertex), default=None)
                if n_vertices is None:
                    raise ValueError("Program.draw: no per-vertex buffer; give count=")
                count = n_vertices - first
            self._glir(Cmd.DRAW, mode, (int(first), int(count)), int(instances))
            return
        if not isinstance(indices, IndexBuffer):
            if self._index_buffer is None:
                self._index_buffer = IndexBuffer(indices)
            else:
                self._index_buffer.set_data(indices)
            indices = self._index_buffer
        self._use(indices)
        if count is None:
            count = len(indices) - first
        if first < 0 or first + count > len(indices):
            raise ValueError(
                f"Program.draw: indices {first}..{first + count} outside the {len(indices)} given"
            )
        self._glir(
            Cmd.DRAW, mode, (indices.id, indices.dtype.name, int(count), int(first)), int(instances)
        )
