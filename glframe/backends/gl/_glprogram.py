"""GLProgram: the interpreter's twin of gloo.Program.

Linked GL programs are shared: gloo programs with the same shader sources use
one :class:`LinkedProgram` (compiled once; llvmpipe and most drivers also keep
per-program machine code, which does not scale to thousands of programs).
Each GLProgram keeps its own uniform values, sampler bindings and vertex array
object; when it draws with a linked program that last held another program's
values, it loads its own first. Relinking re-applies everything.

A DRAW is checked before GL runs it, as WebGL2 does (docs/glir.md, DRAW): the
vertices it reads (first + count, or the largest index) and its instances must
lie within every buffer an active attribute reads, and count x instances within
glir.MAX_DRAW_VERTICES; GL itself would read past a buffer's end or run for hours.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ...gloo.glir import MAX_DRAW_VERTICES, GlirError, ShaderError, components
from ._gl import GL, glVertexAttribPointer
from ._glconst import GL_TYPE_NAMES, GL_TYPES, MODES, UNIFORM_TYPES, uniform_setter
from ._globjects import GLBuffer, GLObject, GLTexture, integer
from ._shaders import adapt_for_desktop, check_source, quote_error

if TYPE_CHECKING:
    from ._interpreter import GlirInterpreter

_STAGES = (("vertex", GL.GL_VERTEX_SHADER), ("fragment", GL.GL_FRAGMENT_SHADER))


class LinkedProgram:
    """A compiled and linked GL program, shared by GLPrograms with its sources."""

    def __init__(self, vert: str, frag: str) -> None:
        self.key = (vert, frag)
        self.handle = _link(vert, frag)
        self.users = 0
        self.owner: GLProgram | None = None  # whose uniform values are loaded
        # the values in GL, by uniform name: a user's draw loads only those that differ
        self.loaded: dict[str, Sequence] = {}
        self.uniform_locs: dict[str, int] = {}
        self.attrib_locs: dict[str, int] = {}
        samplers = []
        h = self.handle
        for i in range(GL.glGetProgramiv(h, GL.GL_ACTIVE_UNIFORMS)):
            name, _size, gltype = GL.glGetActiveUniform(h, i)
            name = name.decode() if isinstance(name, bytes) else name
            base = name[:-3] if name.endswith("[0]") else name
            self.uniform_locs[base] = GL.glGetUniformLocation(h, name)
            if "SAMPLER" in GL_TYPE_NAMES.get(int(gltype), ""):
                samplers.append(base)
        for i in range(GL.glGetProgramiv(h, GL.GL_ACTIVE_ATTRIBUTES)):
            length, size, gltype = GL.GLsizei(), GL.GLint(), GL.GLenum()
            namebuf = ctypes.create_string_buffer(256)
            GL.glGetActiveAttrib(h, i, 256, length, size, gltype, namebuf)
            name = namebuf.value.decode()
            self.attrib_locs[name] = GL.glGetAttribLocation(h, name)
        # Texture units: sampler names in sorted order, from 0 (docs/glir.md).
        self.units = {name: unit for unit, name in enumerate(sorted(samplers))}
        GL.glUseProgram(h)
        for name, unit in self.units.items():
            GL.glUniform1i(self.uniform_locs[name], unit)

    def delete(self) -> None:
        GL.glDeleteProgram(self.handle)


#: GL's first, count and instances are 32-bit signed ints
_GL_INT = 2**31 - 1
_INDEX_DTYPES = ("uint8", "uint16", "uint32")


def _link(vert: str, frag: str) -> int:
    for (stage, _), src in zip(_STAGES, (vert, frag)):
        check_source(stage, src)  # before the driver sees it: it may hang or crash
    stages = []
    try:
        for (stage, kind), src in zip(_STAGES, (vert, frag)):
            try:
                code = adapt_for_desktop(src)
            except ValueError as exc:
                raise ShaderError(f"{stage} shader: {exc}") from None
            shader = GL.glCreateShader(kind)
            stages.append(shader)
            GL.glShaderSource(shader, code)
            GL.glCompileShader(shader)
            if not GL.glGetShaderiv(shader, GL.GL_COMPILE_STATUS):
                log = GL.glGetShaderInfoLog(shader).decode(errors="replace")
                raise ShaderError(quote_error(stage, src, log))
        handle = GL.glCreateProgram()
        for shader in stages:
            GL.glAttachShader(handle, shader)
        GL.glLinkProgram(handle)
        if not GL.glGetProgramiv(handle, GL.GL_LINK_STATUS):
            log = GL.glGetProgramInfoLog(handle).decode(errors="replace")
            GL.glDeleteProgram(handle)
            raise ShaderError(f"program failed to link:\n{log.strip()}")
        return handle
    finally:
        for shader in stages:
            GL.glDeleteShader(shader)


class GLProgram(GLObject):
    def __init__(self, interp: GlirInterpreter) -> None:
        super().__init__(interp)
        self.linked: LinkedProgram | None = None
        self.vao = int(GL.glGenVertexArrays(1))
        self.uniforms: dict[str, tuple[str, Sequence]] = {}
        self.samplers: dict[str, int] = {}  # sampler name -> texture id
        self.attributes: dict[str, tuple] = {}
        self.constants: dict[str, tuple] = {}  # name -> (location, setter, values)
        # name -> (buffer, the spec) of each active attribute that reads a buffer, as the
        # VAO holds it (the buffer object, even if its id was deleted since)
        self.reads: dict[str, tuple[GLBuffer, tuple]] = {}
        self.arrays: dict[str, range] = {}  # name -> the locations its array feeds
        # the last draw's checks: (its selection, instances and the versions of the buffers
        # it read), its result; dropped when an attribute changes
        self._checked: tuple | None = None

    def delete(self) -> None:
        self._release()
        self.interp._forget_vao(self.vao)
        GL.glDeleteVertexArrays(1, [self.vao])

    def _release(self) -> None:
        linked, self.linked = self.linked, None
        if linked is not None:
            if linked.owner is self:
                linked.owner = None
            self.interp._release_program(linked)

    def shaders(self, vert: str, frag: str) -> None:
        linked = self.interp._link_program(vert, frag)  # raises ShaderError
        self._release()
        self.linked = linked
        self.interp._bind_vao(self.vao)
        for loc in range(GL.glGetIntegerv(GL.GL_MAX_VERTEX_ATTRIBS)):
            GL.glDisableVertexAttribArray(loc)  # locations may have moved
        self.constants = {}
        self.arrays = {}
        self._checked = None
        for name, spec in self.attributes.items():
            self._apply_attribute(name, spec)

    # ---- variables -----------------------------------------------------------
    def uniform(self, name: str, gtype: str, values: Sequence) -> None:
        if gtype not in UNIFORM_TYPES:
            raise GlirError(f"unknown uniform type {gtype!r} for {name!r}")
        n = components(gtype)
        if not values or len(values) % n:
            raise GlirError(f"uniform {name!r} ({gtype}) needs a multiple of {n} values")
        self.uniforms[name] = (gtype, values)
        linked = self.linked
        if linked is not None and linked.owner is self:
            loc = linked.uniform_locs.get(name, -1)
            if loc >= 0:  # else optimized away by the GLSL compiler
                self.interp._use_program(linked.handle)
                uniform_setter(gtype)(loc, values)
                linked.loaded[name] = values

    def _load_uniforms(self, linked: LinkedProgram) -> None:
        """Make this program's values those of the GL program it shares: only those that
        differ from the values loaded (many visuals of one kind share most of theirs)."""
        locs, loaded = linked.uniform_locs, linked.loaded
        for name, (gtype, values) in self.uniforms.items():
            loc = locs.get(name, -1)
            if loc >= 0 and loaded.get(name) != values:
                uniform_setter(gtype)(loc, values)
                loaded[name] = values
        linked.owner = self

    def texture(self, name: str, texture_id: int) -> None:
        self.interp._get(texture_id, GLTexture)
        self.samplers[name] = texture_id

    def attribute(self, name: str, *spec) -> None:
        gtype, _buffer_id, dtype, size, stride, offset, divisor, _normalized = spec
        if not isinstance(name, str) or not isinstance(gtype, str):
            raise GlirError("attribute name and type must be strings")
        if dtype not in GL_TYPES:
            raise GlirError(f"unknown dtype {dtype!r}; known: {', '.join(GL_TYPES)}")
        integer(size, "components", 1, 16)
        integer(stride, "stride", 0, _GL_INT)
        integer(offset, "offset", 0, _GL_INT)
        integer(divisor, "divisor", 0, _GL_INT)
        self.attributes[name] = ("buffer", *spec)
        self._checked = None
        if self.linked is not None:
            self.interp._bind_vao(self.vao)
            self._apply_attribute(name, self.attributes[name])

    def attribute_value(self, name: str, gtype: str, values: Sequence) -> None:
        self.attributes[name] = ("value", gtype, tuple(values))
        self._checked = None
        if self.linked is not None:
            self.interp._bind_vao(self.vao)
            self._apply_attribute(name, self.attributes[name])

    def _apply_attribute(self, name: str, spec: tuple) -> None:
        """Set up ``name`` in this program's VAO (which must be bound)."""
        loc = self.linked.attrib_locs.get(name, -1)
        self.constants.pop(name, None)
        self.reads.pop(name, None)
        self.arrays.pop(name, None)
        if loc < 0:
            return
        if spec[0] == "value":
            _, gtype, values = spec
            GL.glDisableVertexAttribArray(loc)
            vals = (*values, *(0, 0, 0, 1)[len(values) :])
            setter = {"i": GL.glVertexAttribI4i, "u": GL.glVertexAttribI4ui}.get(
                gtype[0], GL.glVertexAttrib4f
            )
            self.constants[name] = (loc, setter, vals)
            return
        _, gtype, buffer_id, dtype, size, stride, offset, divisor, normalized = spec
        buf = self.interp._get(buffer_id, GLBuffer)
        if buf.index:
            raise GlirError(f"object {buffer_id} is an IndexBuffer; attributes read VertexBuffers")
        self.reads[name] = (buf, spec)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, buf.handle)
        gltype, itemsize = GL_TYPES[dtype], np.dtype(dtype).itemsize
        columns, per_column = 1, size
        if gtype.startswith("mat"):  # one location per column
            columns = int(gtype[3])
            per_column = size // columns
            stride = stride or size * itemsize
        integer = gtype[0] in "iu"
        self.arrays[name] = range(loc, loc + columns)
        for c in range(columns):
            ptr = ctypes.c_void_p(offset + c * per_column * itemsize)
            GL.glEnableVertexAttribArray(loc + c)
            if integer:
                GL.glVertexAttribIPointer(loc + c, per_column, gltype, stride, ptr)
            else:  # unwrapped: PyOpenGL's wrapper needs its platform's context (_gl.py)
                glVertexAttribPointer(loc + c, per_column, gltype, bool(normalized), stride, ptr)
            GL.glVertexAttribDivisor(loc + c, divisor)

    # ---- draw -----------------------------------------------------------------
    def _check_draw(self, selection: Sequence, instances: int) -> tuple:
        """The draw's (first, count, index buffer, dtype), checked against every buffer
        it reads; a GlirError naming the rule and the numbers if any is exceeded."""
        instances = integer(instances, "instances", 1, _GL_INT)
        if not isinstance(selection, (tuple, list)) or len(selection) not in (2, 4):
            raise GlirError(
                "selection must be (first, count) or (index_buffer_id, dtype, count, first), "
                f"not {selection!r}"
            )
        ibo = dtype = None
        if len(selection) == 2:
            first = integer(selection[0], "first", 0, _GL_INT)
            count = integer(selection[1], "count", 0, _GL_INT - first)
            vertices = first + count if count else 0  # vertices read: 0 .. vertices - 1
        else:
            ibo_id, dtype, count, first = selection
            ibo = self.interp._get(ibo_id, GLBuffer)
            if not ibo.index:
                raise GlirError(
                    f"object {ibo_id} is a VertexBuffer; indexed draws read IndexBuffers"
                )
            if dtype not in _INDEX_DTYPES:
                raise GlirError(f"index dtype {dtype!r} is not one of {', '.join(_INDEX_DTYPES)}")
            first = integer(first, "first", 0, _GL_INT)
            count = integer(count, "count", 0, _GL_INT)
            itemsize = np.dtype(dtype).itemsize
            held = ibo.nbytes // itemsize
            if first + count > held:
                raise GlirError(
                    f"indices {first}..{first + count} are outside index buffer {ibo_id}'s "
                    f"{held} {dtype} indices ({ibo.nbytes} bytes)"
                )
            vertices = ibo.max_index(dtype, first, count) + 1
        if count * instances > MAX_DRAW_VERTICES:
            raise GlirError(
                f"{count} vertices x {instances} instances is {count * instances}, more than "
                f"one DRAW may process, {MAX_DRAW_VERTICES} (glir.MAX_DRAW_VERTICES)"
            )
        if count:
            for name, (buf, spec) in self.reads.items():
                _, _, buffer_id, dtype_, size, stride, offset, divisor, _ = spec
                rows = _rows(buf.nbytes, np.dtype(dtype_).itemsize * size, stride, offset)
                where = f"attribute '{name}' has {rows} in buffer {_buffer_name(buf, buffer_id)}"
                if divisor == 0 and vertices > rows:
                    what = f"index {vertices - 1}" if ibo else f"vertices {first}..{vertices}"
                    raise GlirError(f"{what} read past the end: {where} ({buf.nbytes} bytes)")
                needed = -(-instances // divisor) if divisor else 0
                if needed > rows:
                    raise GlirError(
                        f"{instances} instances with divisor {divisor} read {needed} rows: "
                        f"{where} ({buf.nbytes} bytes)"
                    )
        return first, count, instances, ibo, dtype

    def draw(self, mode: str, selection: Sequence, instances: int) -> None:
        linked = self.linked
        if linked is None:
            raise GlirError("program has no (working) shaders: SHADERS must come before DRAW")
        glmode = MODES.get(mode) if isinstance(mode, str) else None
        if glmode is None:
            raise GlirError(f"unknown draw mode {mode!r}; known: {', '.join(MODES)}")
        # the checks are the same as the last draw's while nothing they read changed
        try:
            key = (*selection, instances, *[buf.version for buf, _ in self.reads.values()])
            if len(selection) == 4:
                ibo = self.interp._objects.get(selection[0])
                key += (ibo, getattr(ibo, "version", None))
        except TypeError:  # a malformed selection: _check_draw says what is wrong
            key = None
        checked = self._checked
        if key is not None and checked is not None and checked[0] == key:
            first, count, instances, ibo, dtype = checked[1]
        else:
            result = self._check_draw(selection, instances)
            self._checked = (key, result) if key is not None else None
            first, count, instances, ibo, dtype = result
        interp = self.interp
        if not interp.rasterize:
            return
        interp._use_program(linked.handle)
        if linked.owner is not self:
            self._load_uniforms(linked)
        interp._bind_vao(self.vao)
        for name, unit in linked.units.items():
            tex_id = self.samplers.get(name)
            if tex_id is not None:
                tex = interp._get(tex_id, GLTexture)
                interp._bind_texture(unit, tex.target, tex.handle)
        # constant attributes are context state: set only where another value is there
        current = interp.attribute_values
        for loc, setter, vals in self.constants.values():
            if current.get(loc) != (setter, vals):
                setter(loc, *vals)
                current[loc] = (setter, vals)
        for locs in self.arrays.values():  # GL may leave an array's locations' values
            for loc in locs:  # undefined
                current.pop(loc, None)
        if ibo is None:
            GL.glDrawArraysInstanced(glmode, first, count, instances)
        else:
            GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, ibo.handle)
            ptr = ctypes.c_void_p(first * np.dtype(dtype).itemsize)
            GL.glDrawElementsInstanced(glmode, count, GL_TYPES[dtype], ptr, instances)


def _rows(nbytes: int, element: int, stride: int, offset: int) -> int:
    """How many vertices (or instances) an attribute finds in a buffer of ``nbytes``:
    row i takes bytes offset + i * stride .. + element (stride 0: tightly packed)."""
    stride = stride or element
    if nbytes < offset + element:
        return 0
    return (nbytes - offset - element) // stride + 1


def _buffer_name(buf: GLBuffer, buffer_id: int) -> str:
    return str(buffer_id) if buf.interp._objects.get(buffer_id) is buf else f"{buffer_id} (deleted)"
