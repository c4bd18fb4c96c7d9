"""GlirInterpreter: executes GLIR with PyOpenGL in the current GL context.

The interpreter is the executing twin of gloo: ``GLProgram`` runs what
``gloo.Program`` recorded, ``GLBuffer`` what ``VertexBuffer`` did, and so on.
It owns a table {GLIR id: GL object}, whose size is :attr:`live_objects`.
Each program has its own vertex array object, set up by ATTRIBUTE commands, so
a DRAW binds one VAO instead of re-describing every attribute.

Errors are never silent: an unknown command or object id, a shader that does
not compile (the message quotes its lines), an incomplete framebuffer, and any
GL error (checked after every command) raise :class:`GlirError` naming the
command. The interpreter stays usable afterwards.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterable, Sequence

import numpy as np

from ..gloo.glir import FUNCS, Cmd, GlirError, ShaderError
from ._gl import GL
from ._shaders import adapt_for_desktop, quote_error

__all__ = ["GlirInterpreter"]

_GL_TYPES = {
    "int8": GL.GL_BYTE,
    "uint8": GL.GL_UNSIGNED_BYTE,
    "int16": GL.GL_SHORT,
    "uint16": GL.GL_UNSIGNED_SHORT,
    "int32": GL.GL_INT,
    "uint32": GL.GL_UNSIGNED_INT,
    "float16": GL.GL_HALF_FLOAT,
    "float32": GL.GL_FLOAT,
}
_FORMATS = {
    "red": GL.GL_RED,
    "rg": GL.GL_RG,
    "rgb": GL.GL_RGB,
    "rgba": GL.GL_RGBA,
    "depth_component": GL.GL_DEPTH_COMPONENT,
    "depth_stencil": GL.GL_DEPTH_STENCIL,
}
_INT_FORMATS = {
    "red": GL.GL_RED_INTEGER,
    "rg": GL.GL_RG_INTEGER,
    "rgb": GL.GL_RGB_INTEGER,
    "rgba": GL.GL_RGBA_INTEGER,
}
# Type used to allocate a texture without data, by internal-format suffix.
_ALLOC_TYPES = {
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
_MODES = {
    m: getattr(GL, "GL_" + m.upper())
    for m in (
        "points",
        "lines",
        "line_strip",
        "line_loop",
        "triangles",
        "triangle_strip",
        "triangle_fan",
    )
}
_ATTACHMENTS = {
    "depth": GL.GL_DEPTH_ATTACHMENT,
    "stencil": GL.GL_STENCIL_ATTACHMENT,
    "depth_stencil": GL.GL_DEPTH_STENCIL_ATTACHMENT,
    **{f"color{i}": GL.GL_COLOR_ATTACHMENT0 + i for i in range(8)},
}
_CLEAR_BITS = {
    "color": GL.GL_COLOR_BUFFER_BIT,
    "depth": GL.GL_DEPTH_BUFFER_BIT,
    "stencil": GL.GL_STENCIL_BUFFER_BIT,
}
_FB_STATUS = {
    GL.GL_FRAMEBUFFER_INCOMPLETE_ATTACHMENT: "an attachment is incomplete (unsized?)",
    GL.GL_FRAMEBUFFER_INCOMPLETE_MISSING_ATTACHMENT: "it has no attachment",
    GL.GL_FRAMEBUFFER_UNSUPPORTED: "this combination of formats is unsupported",
    GL.GL_FRAMEBUFFER_INCOMPLETE_MULTISAMPLE: "attachments differ in sample counts",
}
_GL_ERRORS = {
    GL.GL_INVALID_ENUM: "GL_INVALID_ENUM",
    GL.GL_INVALID_VALUE: "GL_INVALID_VALUE",
    GL.GL_INVALID_OPERATION: "GL_INVALID_OPERATION",
    GL.GL_OUT_OF_MEMORY: "GL_OUT_OF_MEMORY",
    GL.GL_INVALID_FRAMEBUFFER_OPERATION: "GL_INVALID_FRAMEBUFFER_OPERATION",
}


def _enum(name: str) -> int:
    value = getattr(GL, "GL_" + str(name).upper(), None)
    if not isinstance(value, int):
        raise GlirError(f"unknown GL enum name {name!r}")
    return int(value)


def _uniform_setter(gtype: str):
    """(function, numpy dtype, is_matrix) to set a uniform of ``gtype``."""
    base = gtype.rstrip("234x")
    if gtype.startswith("mat"):
        dims = gtype[3:]
        suffix = dims if "x" in dims else dims[0]
        return getattr(GL, f"glUniformMatrix{suffix}fv"), np.float32, True
    n = int(gtype[-1]) if gtype[-1].isdigit() else 1
    if base in ("float", "vec"):
        return getattr(GL, f"glUniform{n}fv"), np.float32, False
    if base in ("uint", "uvec"):
        return getattr(GL, f"glUniform{n}uiv"), np.uint32, False
    return getattr(GL, f"glUniform{n}iv"), np.int32, False  # int, ivec, bool, bvec, samplers


class _GLObject:
    handle = 0

    def __init__(self, interp: GlirInterpreter) -> None:
        self.interp = interp

    def delete(self) -> None:
        pass


class GLBuffer(_GLObject):
    def __init__(self, interp: GlirInterpreter) -> None:
        super().__init__(interp)
        self.handle = int(GL.glGenBuffers(1))
        self.nbytes = 0

    def delete(self) -> None:
        GL.glDeleteBuffers(1, [self.handle])

    def size(self, nbytes: int) -> None:
        # COPY_WRITE_BUFFER: binding it touches no VAO, whatever the buffer's use.
        GL.glBindBuffer(GL.GL_COPY_WRITE_BUFFER, self.handle)
        GL.glBufferData(GL.GL_COPY_WRITE_BUFFER, int(nbytes), None, GL.GL_DYNAMIC_DRAW)
        self.nbytes = int(nbytes)

    def data(self, offset: int, data: np.ndarray) -> None:
        if offset < 0 or offset + data.nbytes > self.nbytes:
            raise GlirError(
                f"bytes {offset}..{offset + data.nbytes} are outside the buffer's {self.nbytes}"
            )
        GL.glBindBuffer(GL.GL_COPY_WRITE_BUFFER, self.handle)
        GL.glBufferSubData(GL.GL_COPY_WRITE_BUFFER, int(offset), data.nbytes, data)


class GLTexture(_GLObject):
    def __init__(self, interp: GlirInterpreter, kind: str) -> None:
        super().__init__(interp)
        self.kind = kind
        self.target = GL.GL_TEXTURE_3D if kind == "Texture3D" else GL.GL_TEXTURE_2D
        self.handle = int(GL.glGenTextures(1))
        self.shape: tuple = ()
        self.format = GL.GL_RGBA
        # GL's default min filter needs mipmaps; without them the texture samples black.
        self._bind()
        for pname in (GL.GL_TEXTURE_MIN_FILTER, GL.GL_TEXTURE_MAG_FILTER):
            GL.glTexParameteri(self.target, pname, GL.GL_NEAREST)

    def delete(self) -> None:
        self.interp._forget_texture(self.handle)
        GL.glDeleteTextures(1, [self.handle])

    def _bind(self) -> None:
        self.interp._bind_texture(0, self.target, self.handle)

    def _gl_shape(self, shape: Sequence[int]) -> tuple:
        return (1, *shape) if self.kind == "Texture1D" else tuple(shape)

    def size(self, shape: Sequence[int], fmt: str, internal: str) -> None:
        dims = {"Texture1D": 1, "Texture2D": 2, "Texture3D": 3}[self.kind]
        if len(shape) != dims:
            raise GlirError(f"{self.kind} needs a shape of {dims} values, not {tuple(shape)}")
        self.shape = self._gl_shape(shape)
        integer = internal.endswith(("i", "ui")) and not internal.startswith("depth")
        self.format = (_INT_FORMATS if integer else _FORMATS)[fmt]
        if internal.startswith("depth"):
            alloc = {"depth_component16": "uint16", "depth_component32f": "float32"}.get(
                internal, "uint32"
            )
            gtype = GL.GL_UNSIGNED_INT_24_8 if internal == "depth24_stencil8" else _GL_TYPES[alloc]
        elif internal.startswith("srgb"):
            gtype = GL.GL_UNSIGNED_BYTE
        else:
            gtype = _GL_TYPES[_ALLOC_TYPES[internal.lstrip("rgba")]]
        self._bind()
        if self.target == GL.GL_TEXTURE_3D:
            d, h, w = self.shape
            GL.glTexImage3D(self.target, 0, _enum(internal), w, h, d, 0, self.format, gtype, None)
        else:
            h, w = self.shape
            GL.glTexImage2D(self.target, 0, _enum(internal), w, h, 0, self.format, gtype, None)

    def data(self, offset: Sequence[int], data: np.ndarray) -> None:
        if not self.shape:
            raise GlirError("texture DATA before SIZE")
        offset = (0, *offset) if self.kind == "Texture1D" else tuple(offset)
        nd = len(self.shape)
        region = (1, *data.shape[:1]) if self.kind == "Texture1D" else data.shape[:nd]
        if any(o < 0 or o + n > s for o, n, s in zip(offset, region, self.shape)):
            raise GlirError(f"region {region} at {offset} is outside the texture {self.shape}")
        gtype = _GL_TYPES[data.dtype.name]
        self._bind()
        if nd == 3:
            (z, y, x), (d, h, w) = offset, region
            GL.glTexSubImage3D(self.target, 0, x, y, z, w, h, d, self.format, gtype, data)
        else:
            (y, x), (h, w) = offset, region
            GL.glTexSubImage2D(self.target, 0, x, y, w, h, self.format, gtype, data)

    def wrapping(self, wraps: Sequence[str]) -> None:
        self._bind()
        for pname, wrap in zip(
            (GL.GL_TEXTURE_WRAP_S, GL.GL_TEXTURE_WRAP_T, GL.GL_TEXTURE_WRAP_R), wraps
        ):
            GL.glTexParameteri(self.target, pname, _enum(wrap))

    def interpolation(self, min_filter: str, mag_filter: str) -> None:
        self._bind()
        GL.glTexParameteri(self.target, GL.GL_TEXTURE_MIN_FILTER, _enum(min_filter))
        GL.glTexParameteri(self.target, GL.GL_TEXTURE_MAG_FILTER, _enum(mag_filter))


class GLRenderBuffer(_GLObject):
    def __init__(self, interp: GlirInterpreter) -> None:
        super().__init__(interp)
        self.handle = int(GL.glGenRenderbuffers(1))

    def delete(self) -> None:
        GL.glDeleteRenderbuffers(1, [self.handle])

    def size(self, shape: Sequence[int], fmt: str) -> None:
        h, w = shape
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, self.handle)
        GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, _enum(fmt), w, h)


class GLFrameBuffer(_GLObject):
    def __init__(self, interp: GlirInterpreter) -> None:
        super().__init__(interp)
        self.handle = int(GL.glGenFramebuffers(1))
        self.colors: set[int] = set()

    def delete(self) -> None:
        GL.glDeleteFramebuffers(1, [self.handle])

    def attach(self, attachment: str, target_id: int) -> None:
        if attachment not in _ATTACHMENTS:
            raise GlirError(f"unknown attachment {attachment!r}; known: {', '.join(_ATTACHMENTS)}")
        point = _ATTACHMENTS[attachment]
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.handle)
        try:
            if target_id == 0:
                GL.glFramebufferRenderbuffer(GL.GL_FRAMEBUFFER, point, GL.GL_RENDERBUFFER, 0)
                self.colors.discard(point)
                return
            target = self.interp._get(target_id)
            if isinstance(target, GLRenderBuffer):
                GL.glFramebufferRenderbuffer(
                    GL.GL_FRAMEBUFFER, point, GL.GL_RENDERBUFFER, target.handle
                )
            elif isinstance(target, GLTexture) and target.kind != "Texture3D":
                GL.glFramebufferTexture2D(
                    GL.GL_FRAMEBUFFER, point, GL.GL_TEXTURE_2D, target.handle, 0
                )
            else:
                raise GlirError(f"object {target_id} cannot be attached to a frame buffer")
            if attachment.startswith("color"):
                self.colors.add(point)
                GL.glDrawBuffers(len(self.colors), sorted(self.colors))
        finally:
            GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.interp._framebuffer_handle())

    def bind(self) -> None:
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.handle)
        status = GL.glCheckFramebufferStatus(GL.GL_FRAMEBUFFER)
        if status != GL.GL_FRAMEBUFFER_COMPLETE:
            GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.interp._framebuffer_handle())
            raise GlirError(f"frame buffer is incomplete: {_FB_STATUS.get(status, hex(status))}")


class GLProgram(_GLObject):
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
            if "SAMPLER" in _GL_TYPE_NAMES.get(int(gltype), ""):
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
        func, dtype, matrix = _uniform_setter(gtype)
        arr = np.asarray(values, dtype=dtype)
        count = max(1, arr.size // _components(gtype))
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
        gltype = _GL_TYPES[dtype]
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
        glmode = _MODES.get(mode)
        if glmode is None:
            raise GlirError(f"unknown draw mode {mode!r}; known: {', '.join(_MODES)}")
        if len(selection) == 2:
            first, count = selection
            GL.glDrawArraysInstanced(glmode, first, count, instances)
        else:
            ibo_id, dtype, count, first = selection
            ibo = interp._get(ibo_id, GLBuffer)
            GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, ibo.handle)
            ptr = ctypes.c_void_p(first * np.dtype(dtype).itemsize)
            GL.glDrawElementsInstanced(glmode, count, _GL_TYPES[dtype], ptr, instances)
        GL.glBindVertexArray(0)


def _components(gtype: str) -> int:
    if gtype.startswith("mat"):
        dims = gtype[3:]
        return int(dims[0]) * int(dims[-1])
    return int(gtype[-1]) if gtype[-1].isdigit() else 1


_GL_TYPE_NAMES = {
    int(getattr(GL, n)): n
    for n in dir(GL)
    if n.startswith(("GL_SAMPLER", "GL_INT_SAMPLER", "GL_UNSIGNED_INT_SAMPLER"))
    and isinstance(getattr(GL, n), int)
}

_CLASSES = {
    "Program": GLProgram,
    "VertexBuffer": GLBuffer,
    "IndexBuffer": GLBuffer,
    "RenderBuffer": GLRenderBuffer,
    "FrameBuffer": GLFrameBuffer,
}


class GlirInterpreter:
    """Executes GLIR commands in the GL context current in this thread.

    Parameters
    ----------
    default_framebuffer
        The GL framebuffer that FRAMEBUFFER(False) returns to at the bottom of
        the stack (an offscreen canvas's own FBO; 0 for a window).
    """

    def __init__(self, default_framebuffer: int = 0) -> None:
        self.default_framebuffer = default_framebuffer
        self._objects: dict[int, _GLObject] = {}
        self._fb_stack: list[GLFrameBuffer] = []
        self._program = 0
        self._units: dict[int, tuple[int, int]] = {}
        self._active_unit = -1
        self._handlers = {
            Cmd.CREATE: self._create,
            Cmd.DELETE: self._delete,
            Cmd.SIZE: self._size,
            Cmd.DATA: self._data,
            Cmd.WRAPPING: self._wrapping,
            Cmd.INTERPOLATION: self._interpolation,
            Cmd.SHADERS: self._shaders,
            Cmd.UNIFORM: self._uniform,
            Cmd.TEXTURE: self._texture,
            Cmd.ATTRIBUTE: self._attribute,
            Cmd.ATTRIBUTE_VALUE: self._attribute_value,
            Cmd.DRAW: self._draw,
            Cmd.ATTACH: self._attach,
            Cmd.FRAMEBUFFER: self._framebuffer,
            Cmd.FUNC: self._func,
            Cmd.READ_PIXELS: self._read_pixels,
        }
        self._replies: dict[int, np.ndarray] = {}
        GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 1)
        GL.glPixelStorei(GL.GL_PACK_ALIGNMENT, 1)
        # WebGL2 always honours gl_PointSize; desktop core GL only when enabled.
        GL.glEnable(GL.GL_PROGRAM_POINT_SIZE)

    @property
    def live_objects(self) -> int:
        """How many GL objects the interpreter holds."""
        return len(self._objects)

    def execute(self, commands: Iterable[Sequence]) -> dict[int, np.ndarray]:
        """Run ``commands``; return the replies of READ_PIXELS as {id: array}.

        A failing command does not stop the batch: the others still run, so
        the GL side stays in step with the recording side, and the first
        error is raised at the end (naming how many others there were).
        """
        replies = self._replies = {}
        handlers = self._handlers
        get_error = GL.glGetError
        errors: list[GlirError] = []
        for cmd in commands:
            handler = handlers.get(cmd[0])
            try:
                if handler is None:
                    known = ", ".join(c.value for c in Cmd)
                    raise GlirError(f"unknown GLIR command {cmd[0]!r} (known: {known})")
                handler(*cmd[1:])
            except GlirError as exc:
                errors.append(type(exc)(f"{cmd[0]} {cmd[1]}: {exc}"))
            except (TypeError, ValueError, KeyError, IndexError) as exc:
                errors.append(GlirError(f"malformed {cmd[0]} command {_short(cmd)}: {exc}"))
            err = get_error()
            if err:
                self._drain_errors()
                errors.append(
                    GlirError(
                        f"{_GL_ERRORS.get(err, hex(err))} after {cmd[0]} command {_short(cmd)}"
                    )
                )
        if errors:
            first = errors[0]
            if len(errors) > 1:
                others = "; ".join(str(e).split("\n")[0] for e in errors[1:4])
                more = f" (and {len(errors) - 4} more)" if len(errors) > 4 else ""
                first.args = (
                    f"{first}\n{len(errors) - 1} later command(s) failed too: {others}{more}",
                )
            raise first
        return replies

    def _drain_errors(self) -> None:
        for _ in range(16):
            if not GL.glGetError():
                break

    # ---- helpers ----------------------------------------------------------------
    def _get(self, oid: int, cls: type | None = None) -> _GLObject:
        obj = self._objects.get(oid)
        if obj is None:
            raise GlirError(f"no object with id {oid!r} (never created, or deleted)")
        if cls is not None and not isinstance(obj, cls):
            raise GlirError(f"object {oid} is a {type(obj).__name__}, not a {cls.__name__}")
        return obj

    def _use_program(self, handle: int) -> None:
        if self._program != handle:
            GL.glUseProgram(handle)
            self._program = handle

    def _bind_texture(self, unit: int, target: int, handle: int) -> None:
        if self._units.get(unit) == (target, handle):
            return
        if self._active_unit != unit:
            GL.glActiveTexture(GL.GL_TEXTURE0 + unit)
            self._active_unit = unit
        GL.glBindTexture(target, handle)
        self._units[unit] = (target, handle)

    def _forget_texture(self, handle: int) -> None:
        self._units = {u: th for u, th in self._units.items() if th[1] != handle}

    def _framebuffer_handle(self) -> int:
        return self._fb_stack[-1].handle if self._fb_stack else self.default_framebuffer

    def reset_state_cache(self) -> None:
        """Forget cached bindings (after someone else has used the GL context)."""
        self._program = 0
        self._units.clear()
        self._active_unit = -1

    # ---- commands ------------------------------------------------------------------
    def _create(self, oid: int, kind: str) -> None:
        if oid in self._objects:
            raise GlirError(f"object {oid} already exists")
        if kind in ("Texture1D", "Texture2D", "Texture3D"):
            self._objects[oid] = GLTexture(self, kind)
        elif kind in _CLASSES:
            self._objects[oid] = _CLASSES[kind](self)
        else:
            raise GlirError(f"unknown object class {kind!r}")

    def _delete(self, oid: int) -> None:
        obj = self._objects.pop(oid, None)
        if obj is None:
            raise GlirError(f"no object with id {oid!r} to delete")
        obj.delete()

    def _size(self, oid: int, *args) -> None:
        obj = self._get(oid)
        if isinstance(obj, (GLProgram, GLFrameBuffer)):
            raise GlirError(f"SIZE does not apply to a {type(obj).__name__}")
        obj.size(*args)

    def _data(self, oid: int, offset, data: np.ndarray) -> None:
        obj = self._get(oid)
        if not isinstance(obj, (GLBuffer, GLTexture)):
            raise GlirError(f"DATA does not apply to a {type(obj).__name__}")
        obj.data(offset, data)

    def _wrapping(self, oid: int, wraps) -> None:
        self._get(oid, GLTexture).wrapping(wraps)

    def _interpolation(self, oid: int, min_filter: str, mag_filter: str) -> None:
        self._get(oid, GLTexture).interpolation(min_filter, mag_filter)

    def _shaders(self, oid: int, vert: str, frag: str) -> None:
        self._get(oid, GLProgram).shaders(vert, frag)

    def _uniform(self, oid: int, name: str, gtype: str, values) -> None:
        self._get(oid, GLProgram).uniform(name, gtype, values)

    def _texture(self, oid: int, name: str, texture_id: int) -> None:
        self._get(oid, GLProgram).texture(name, texture_id)

    def _attribute(self, oid: int, name: str, *spec) -> None:
        if len(spec) != 8:
            raise GlirError(f"ATTRIBUTE takes 9 arguments after the id, got {len(spec) + 1}")
        self._get(oid, GLProgram).attribute(name, *spec)

    def _attribute_value(self, oid: int, name: str, gtype: str, values) -> None:
        self._get(oid, GLProgram).attribute_value(name, gtype, values)

    def _draw(self, oid: int, mode: str, selection, instances: int = 1) -> None:
        self._get(oid, GLProgram).draw(mode, selection, instances)

    def _attach(self, oid: int, attachment: str, target_id: int) -> None:
        self._get(oid, GLFrameBuffer).attach(attachment, target_id)

    def _framebuffer(self, oid: int, bind: bool) -> None:
        if bind:
            fbo = self._get(oid, GLFrameBuffer)
            fbo.bind()
            self._fb_stack.append(fbo)
        else:
            if not self._fb_stack or self._fb_stack[-1] is not self._objects.get(oid):
                raise GlirError(f"frame buffer {oid} is not the active one")
            self._fb_stack.pop()
            GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self._framebuffer_handle())

    def _func(self, _oid: int, name: str, *args) -> None:
        kinds = FUNCS.get(name)
        if kinds is None:
            raise GlirError(f"unknown FUNC {name!r}; allowed: {', '.join(FUNCS)}")
        if len(args) != len(kinds):
            raise GlirError(f"FUNC {name} takes {len(kinds)} arguments, got {len(args)}")
        values = []
        for kind, arg in zip(kinds, args):
            if kind == "e":
                values.append(_enum(arg))
            elif kind == "m":
                bits = 0
                for part in str(arg).split("|"):
                    if part not in _CLEAR_BITS:
                        raise GlirError(f"unknown clear mask {part!r}")
                    bits |= _CLEAR_BITS[part]
                values.append(bits)
            elif kind == "b":
                values.append(bool(arg))
            elif kind == "i":
                values.append(int(arg))
            else:
                values.append(float(arg))
        getattr(GL, "gl" + name[0].upper() + name[1:])(*values)

    def _read_pixels(self, request: int, viewport, fmt: str = "rgba", dtype: str = "uint8") -> None:
        x, y, w, h = (int(v) for v in viewport)
        if w <= 0 or h <= 0:
            raise GlirError(f"READ_PIXELS viewport {tuple(viewport)} is empty")
        channels = {"rgba": 4, "rgb": 3, "red": 1}.get(fmt)
        if channels is None or dtype not in ("uint8", "float32"):
            raise GlirError(
                f"READ_PIXELS format {fmt!r}/{dtype!r} is not rgba|rgb|red, uint8|float32"
            )
        out = np.empty((h, w, channels), dtype=dtype)
        GL.glReadPixels(x, y, w, h, _FORMATS[fmt], _GL_TYPES[dtype], out)
        self._replies[request] = np.ascontiguousarray(out[::-1])


def _short(cmd: Sequence) -> str:
    parts = []
    for a in cmd:
        if isinstance(a, np.ndarray):
            parts.append(f"<{a.dtype} array {a.shape}>")
        elif isinstance(a, str) and len(a) > 40:
            parts.append(repr(a[:37] + "..."))
        else:
            parts.append(repr(a.value if isinstance(a, Cmd) else a))
    return "(" + ", ".join(parts) + ")"
