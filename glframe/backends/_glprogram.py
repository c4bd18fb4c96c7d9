"""GLProgram: the interpreter's twin of gloo.Program.

It compiles and links (errors quote the source lines), keeps uniform values,
sampler bindings and attribute specs so that a relink re-applies them, owns a
vertex array object configured by ATTRIBUTE commands, and draws.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..gloo.glir import GlirError, ShaderError
from ._gl import GL
from ._glconst import GL_TYPE_NAMES, GL_TYPES, MODES, components, uniform_setter
from ._globjects import GLBuffer, GLObject, GLTexture
from ._shaders import adapt_for_desktop, quote_error

if TYPE_CHECKING:
    from ._interpreter import GlirInterpreter


class GLProgram(GLObject):
    def __init__(self, interp: GlirInterpreter) -> None:
        super().__init__(interp)
        self.handle = 0
        self.vao = int(GL.glGenVertexArrays(1))
        self.uniforms: dict[str, tuple[str, tuple]] = {}
        self.samplers: dict[str, int] = {}  # name -> texture id
        self.units: dict[str, int] = {}  # name -> texture unit
        self.attributes: dict[str, tuple] = {}
        self.constants: dict[str, tuple] = {}  # name -> (location, setter, values)
        self.uniform_locs: dict[str, int] = {}
        self.attrib_locs: dict[str, int] = {}

    def delete(self) -> None:
        if self.handle:
            GL.glDeleteProgram(self.handle)
            if self.interp._program == self.handle:
                self.interp._program = 0
        GL.glDeleteVertexArrays(1, [self.vao])

    def shaders(self, vert: str, frag: str) -> None:
        stages = []
        try:
            for stage, src, kind in (
                ("vertex", vert, GL.GL_VERTEX_SHADER),
                ("fragment", frag, GL.GL_FRAGMENT_SHADER),
            ):
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
        finally:
            for shader in stages:
                GL.glDeleteShader(shader)
        if self.handle:
            GL.glDeleteProgram(self.handle)
        self.handle = handle
        self._introspect()
        self.interp._use_program(handle)
        for name, (gtype, values) in self.uniforms.items():
            self._apply_uniform(name, gtype, values)
        for name, unit in self.units.items():
            loc = self.uniform_locs.get(name, -1)
            if loc >= 0:
                GL.glUniform1i(loc, unit)
        GL.glBindVertexArray(self.vao)
        for loc in range(GL.glGetIntegerv(GL.GL_MAX_VERTEX_ATTRIBS)):
            GL.glDisableVertexAttribArray(loc)  # locations may have moved
        self.constants = {}
        for name, spec in self.attributes.items():
            self._apply_attribute(name, spec)
        GL.glBindVertexArray(0)

    def _introspect(self) -> None:
        h = self.handle
        self.uniform_locs = {}
        sampler_names = []
        for i in range(GL.glGetProgramiv(h, GL.GL_ACTIVE_UNIFORMS)):
            name, _size, gltype = GL.glGetActiveUniform(h, i)
            name = name.decode() if isinstance(name, bytes) else name
            base = name[:-3] if name.endswith("[0]") else name
            self.uniform_locs[base] = GL.glGetUniformLocation(h, name)
            if "SAMPLER" in GL_TYPE_NAMES.get(int(gltype), ""):
                sampler_names.append(base)
        self.units = {name: unit for unit, name in enumerate(sorted(sampler_names))}
        self.attrib_locs = {}
        for i in range(GL.glGetProgramiv(h, GL.GL_ACTIVE_ATTRIBUTES)):
            bufsize = 256
            length, size, gltype = GL.GLsizei(), GL.GLint(), GL.GLenum()
            namebuf = ctypes.create_string_buffer(bufsize)
            GL.glGetActiveAttrib(h, i, bufsize, length, size, gltype, namebuf)
            name = namebuf.value.decode()
            self.attrib_locs[name] = GL.glGetAttribLocation(h, name)

    # ---- variables -----------------------------------------------------------
    def uniform(self, name: str, gtype: str, values: Sequence) -> None:
        self.uniforms[name] = (gtype, values)
        if self.handle:
            self.interp._use_program(self.handle)
            self._apply_uniform(name, gtype, values)

    def _apply_uniform(self, name: str, gtype: str, values: Sequence) -> None:
        loc = self.uniform_locs.get(name, -1)
        if loc < 0:
            return  # optimized away by the GLSL compiler (or not declared)
        func, dtype, matrix = uniform_setter(gtype)
        arr = np.asarray(values, dtype=dtype)
        count = max(1, arr.size // components(gtype))
        if matrix:
            func(loc, count, GL.GL_FALSE, arr)
        else:
            func(loc, count, arr)

    def texture(self, name: str, texture_id: int) -> None:
        self.interp._get(texture_id, GLTexture)
        self.samplers[name] = texture_id

    def attribute(self, name: str, *spec) -> None:
        self.attributes[name] = ("buffer", *spec)
        if self.handle:
            GL.glBindVertexArray(self.vao)
            self._apply_attribute(name, self.attributes[name])
            GL.glBindVertexArray(0)

    def attribute_value(self, name: str, gtype: str, values: Sequence) -> None:
        self.attributes[name] = ("value", gtype, tuple(values))
        if self.handle:
            GL.glBindVertexArray(self.vao)
            self._apply_attribute(name, self.attributes[name])
            GL.glBindVertexArray(0)

    def _apply_attribute(self, name: str, spec: tuple) -> None:
        loc = self.attrib_locs.get(name, -1)
        self.constants.pop(name, None)
        if loc < 0:
            return
        if spec[0] == "value":
            _, gtype, values = spec
            GL.glDisableVertexAttribArray(loc)
            vals = (*values, *(0, 0, 0, 1)[len(values) :])
            kind = gtype[0]
            setter = (
                GL.glVertexAttribI4i
                if kind == "i"
                else GL.glVertexAttribI4ui
                if kind == "u"
                else GL.glVertexAttrib4f
            )
            self.constants[name] = (loc, setter, vals)
            return
        _, gtype, buffer_id, dtype, size, stride, offset, divisor, normalized = spec
        buf = self.interp._get(buffer_id, GLBuffer)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, buf.handle)
        gltype = GL_TYPES[dtype]
        columns, per_column = 1, size
        if gtype.startswith("mat"):
            dims = gtype[3:]
            columns = int(dims[0])
            per_column = size // columns
            if stride == 0:
                stride = size * np.dtype(dtype).itemsize
        col_bytes = per_column * np.dtype(dtype).itemsize
        integer = gtype[0] in "iu"
        for c in range(columns):
            ptr = ctypes.c_void_p(offset + c * col_bytes)
            GL.glEnableVertexAttribArray(loc + c)
            if integer:
                GL.glVertexAttribIPointer(loc + c, per_column, gltype, stride, ptr)
            else:
                GL.glVertexAttribPointer(loc + c, per_column, gltype, bool(normalized), stride, ptr)
            GL.glVertexAttribDivisor(loc + c, divisor)

    # ---- draw -----------------------------------------------------------------
    def draw(self, mode: str, selection: Sequence, instances: int) -> None:
        if not self.handle:
            raise GlirError("program has no shaders (SHADERS must come before DRAW)")
        interp = self.interp
        interp._use_program(self.handle)
        GL.glBindVertexArray(self.vao)
        for name, unit in self.units.items():
            tex_id = self.samplers.get(name)
            if tex_id is None:
                continue
            tex = interp._get(tex_id, GLTexture)
            interp._bind_texture(unit, tex.target, tex.handle)
        for loc, setter, vals in self.constants.values():
            setter(loc, *vals)
        glmode = MODES.get(mode)
        if glmode is None:
            raise GlirError(f"unknown draw mode {mode!r}; known: {', '.join(MODES)}")
        if len(selection) == 2:
            first, count = selection
            GL.glDrawArraysInstanced(glmode, first, count, instances)
        else:
            ibo_id, dtype, count, first = selection
            ibo = interp._get(ibo_id, GLBuffer)
            GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, ibo.handle)
            ptr = ctypes.c_void_p(first * np.dtype(dtype).itemsize)
            GL.glDrawElementsInstanced(glmode, count, GL_TYPES[dtype], ptr, instances)
        GL.glBindVertexArray(0)
