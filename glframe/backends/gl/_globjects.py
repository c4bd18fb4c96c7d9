"""The interpreter's GL objects: buffers, textures, render buffers, frame buffers.

Each is the executing twin of a gloo class (``GLBuffer`` for ``VertexBuffer``
and ``IndexBuffer``, ``GLTexture`` for the three texture classes, ...). They
are made and called only by :class:`~glframe.backends.GlirInterpreter`.

Every argument is checked before GL sees it (docs/glir.md section 6.1): sizes
are integers within the context's limits and glframe's byte limits, data holds
exactly the bytes its target takes, in a dtype the format accepts. GL reads
client memory by the sizes it is given, so a wrong size is a heap read, not
just a GL error. An index buffer keeps a copy of its indices on the CPU (as
WebGL2 implementations do) so that a DRAW can check the largest index it reads.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ...gloo.glir import (
    ALLOC_DTYPES,
    DATA_DTYPES,
    DTYPES,
    FILTERS,
    INTERNAL_FORMATS,
    OTHER_INTERNAL_FORMATS,
    RENDERBUFFER_BYTES,
    RENDERBUFFER_FORMATS,
    TEXEL_BYTES,
    TEXTURE_FORMATS,
    WRAPS,
    GlirError,
)
from ._gl import GL
from ._glconst import ATTACHMENTS, FB_STATUS, FORMATS, GL_TYPES, INT_FORMATS, gl_enum

if TYPE_CHECKING:
    from ._interpreter import GlirInterpreter


#: The largest value any size, offset or count may have (a signed 64-bit integer).
MAX_INT = 2**63 - 1
_LITTLE = sys.byteorder == "little"


def integer(value, what: str, low: int = 0, high: int = MAX_INT) -> int:
    """``value`` as an int in ``low..high``; else a GlirError naming ``what`` and the value."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise GlirError(f"{what} must be an integer, not {_repr(value)}")
    value = int(value)
    if not low <= value <= high:
        raise GlirError(f"{what} {value} is outside {low}..{high}")
    return value


def check_shape(shape, dims: int, kind: str, limit: int, limit_name: str) -> tuple[int, ...]:
    """``shape`` as ``dims`` ints in 1..``limit`` (the context's ``limit_name``)."""
    if not isinstance(shape, (tuple, list)) or any(
        isinstance(n, bool) or not isinstance(n, (int, np.integer)) for n in shape
    ):
        raise GlirError(f"{kind} shape must be a list of integers, not {_repr(shape)}")
    shape = tuple(int(n) for n in shape)
    if len(shape) != dims or any(n < 1 for n in shape):
        raise GlirError(f"{kind} needs a shape of {dims} values, not {_tuple(shape)}")
    if max(shape) > limit:
        raise GlirError(
            f"{kind} shape {_tuple(shape)}: {max(shape)} is more than this context's "
            f"{limit_name}, {limit}"
        )
    return shape


def check_array(data, what: str) -> np.ndarray:
    """``data`` as GL may read it: a C-contiguous, little-endian array of a GLIR dtype."""
    if not isinstance(data, np.ndarray):
        raise GlirError(f"{what} needs an array, not {type(data).__name__}")
    if data.dtype.name not in DTYPES:
        raise GlirError(f"{what}: arrays of {data.dtype} cannot travel in GLIR")
    order = data.dtype.byteorder
    if order == ">" or (order == "=" and not _LITTLE):
        raise GlirError(f"{what}: the array is big-endian; GLIR data is little-endian")
    if not data.flags.c_contiguous:
        raise GlirError(
            f"{what}: the array is not C-contiguous (GL reads it as one block of memory): "
            "send np.ascontiguousarray(data)"
        )
    return data


def _repr(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _tuple(items: Sequence) -> str:
    """A shape as Python writes a tuple (the same text glir.js writes)."""
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(str(i) for i in items)})"


class GLObject:
    handle = 0
    #: bytes this object's storage holds (counted against glir.MAX_TOTAL_BYTES)
    held = 0

    def __init__(self, interp: GlirInterpreter) -> None:
        self.interp = interp

    def delete(self) -> None:
        pass


class GLBuffer(GLObject):
    def __init__(self, interp: GlirInterpreter, kind: str = "VertexBuffer") -> None:
        super().__init__(interp)
        self.kind = kind
        self.index = kind == "IndexBuffer"
        self.handle = int(GL.glGenBuffers(1))
        self.nbytes = 0
        # Indices on the CPU: a DRAW checks the largest one against the vertex buffers.
        self.shadow = np.zeros(0, np.uint8) if self.index else None
        self._max_index: dict[tuple, int] = {}
        self.version = 0  # counts SIZE and DATA: a draw's cached checks compare it

    def delete(self) -> None:
        GL.glDeleteBuffers(1, [self.handle])

    def size(self, nbytes: int) -> None:
        if isinstance(nbytes, bool) or not isinstance(nbytes, (int, np.integer)) or nbytes < 0:
            raise GlirError(f"buffer size must be an integer >= 0, not {_repr(nbytes)}")
        nbytes = int(nbytes)
        self.interp._check_bytes(self, nbytes, f"a {self.kind} of {nbytes} bytes")
        # COPY_WRITE_BUFFER: binding it touches no VAO, whatever the buffer's use.
        GL.glBindBuffer(GL.GL_COPY_WRITE_BUFFER, self.handle)
        if self.index:
            # Zeros, not undefined content: the copy and GL must hold the same indices.
            self.shadow = np.zeros(nbytes, np.uint8)
            self._max_index.clear()
            GL.glBufferData(GL.GL_COPY_WRITE_BUFFER, nbytes, self.shadow, GL.GL_DYNAMIC_DRAW)
        else:
            GL.glBufferData(GL.GL_COPY_WRITE_BUFFER, nbytes, None, GL.GL_DYNAMIC_DRAW)
        self.nbytes = nbytes
        self.version += 1
        self.interp._hold(self, nbytes)

    def data(self, offset: int, data: np.ndarray) -> None:
        data = check_array(data, "buffer DATA")
        offset = integer(offset, "buffer offset")
        if offset + data.nbytes > self.nbytes:
            raise GlirError(
                f"bytes {offset}..{offset + data.nbytes} are outside the buffer's {self.nbytes}"
            )
        GL.glBindBuffer(GL.GL_COPY_WRITE_BUFFER, self.handle)
        GL.glBufferSubData(GL.GL_COPY_WRITE_BUFFER, offset, data.nbytes, data)
        self.version += 1
        if self.index:
            self.shadow[offset : offset + data.nbytes] = data.reshape(-1).view(np.uint8)
            self._max_index.clear()

    def max_index(self, dtype: str, first: int, count: int) -> int:
        """The largest of ``count`` indices of ``dtype`` from index number ``first``."""
        key = (dtype, first, count)
        value = self._max_index.get(key)
        if value is None:
            itemsize = np.dtype(dtype).itemsize
            indices = np.frombuffer(self.shadow, dtype, count, first * itemsize)
            value = self._max_index[key] = int(indices.max()) if count else -1
        return value


class GLTexture(GLObject):
    def __init__(self, interp: GlirInterpreter, kind: str) -> None:
        super().__init__(interp)
        self.kind = kind
        self.target = GL.GL_TEXTURE_3D if kind == "Texture3D" else GL.GL_TEXTURE_2D
        self.handle = int(GL.glGenTextures(1))
        self.shape: tuple = ()
        self.format = GL.GL_RGBA
        self.fmt = "rgba"
        self.internal = ""
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
        interp = self.interp
        if dims == 3:
            limit, limit_name = interp.max_3d_texture_size, "GL_MAX_3D_TEXTURE_SIZE"
        else:
            limit, limit_name = interp.max_texture_size, "GL_MAX_TEXTURE_SIZE"
        shape = check_shape(shape, dims, self.kind, limit, limit_name)
        if not isinstance(fmt, str) or fmt not in TEXTURE_FORMATS:
            raise GlirError(
                f"unknown texture format {_repr(fmt)}; known: {', '.join(TEXTURE_FORMATS)}"
            )
        if not isinstance(internal, str) or internal not in INTERNAL_FORMATS:
            raise GlirError(f"unknown GL enum name {_repr(internal)}")
        if INTERNAL_FORMATS[internal] != fmt:
            raise GlirError(
                f"internal format '{internal}' goes with format "
                f"'{INTERNAL_FORMATS[internal]}', not '{fmt}'"
            )
        nbytes = math.prod(shape) * TEXEL_BYTES[internal]
        interp._check_bytes(self, nbytes, f"a {_tuple(shape)} {internal} {self.kind}")
        self.shape = self._gl_shape(shape)
        self.fmt, self.internal = fmt, internal
        if internal in OTHER_INTERNAL_FORMATS:  # srgb, depth and depth-stencil formats
            integer, gtype = False, gl_enum(OTHER_INTERNAL_FORMATS[internal][1])
        else:  # a base and a suffix: r8, rgba32ui, ...
            suffix = internal.lstrip("rgba")
            integer, gtype = suffix.endswith("i"), GL_TYPES[ALLOC_DTYPES[suffix]]
        self.format = (INT_FORMATS if integer else FORMATS)[fmt]
        # Allocation passes no data: the raw entry points, since PyOpenGL's wrappers look
        # the type up in their image tables, which lack UNSIGNED_INT_24_8 (depth24_stencil8).
        # (Imported here: PyOpenGL is configured by ._gl first.)
        from OpenGL.raw.GL.VERSION.GL_1_0 import glTexImage2D as _tex_image_2d
        from OpenGL.raw.GL.VERSION.GL_1_2 import glTexImage3D as _tex_image_3d

        self._bind()
        if self.target == GL.GL_TEXTURE_3D:
            d, h, w = self.shape
            _tex_image_3d(self.target, 0, gl_enum(internal), w, h, d, 0, self.format, gtype, None)
        else:
            h, w = self.shape
            _tex_image_2d(self.target, 0, gl_enum(internal), w, h, 0, self.format, gtype, None)
        interp._hold(self, nbytes)

    def data(self, offset: Sequence[int], data: np.ndarray) -> None:
        if not self.shape:
            raise GlirError("texture DATA before SIZE")
        data = check_array(data, "texture DATA")
        spatial = 1 if self.kind == "Texture1D" else len(self.shape)
        if not isinstance(offset, (tuple, list)) or any(
            isinstance(o, bool) or not isinstance(o, (int, np.integer)) for o in offset
        ):
            raise GlirError(f"texture offset must be a list of integers, not {_repr(offset)}")
        shape = data.shape
        if len(offset) != spatial or not spatial <= len(shape) <= spatial + 1:
            raise GlirError(
                f"{self.kind} DATA needs an offset of {spatial} values and an array of "
                f"{spatial} or {spatial + 1} dimensions, not {_tuple(tuple(offset))} and "
                f"{_tuple(shape)}"
            )
        internal, dtype = self.internal, data.dtype.name
        accepted = DATA_DTYPES[internal]
        if dtype not in accepted:
            takes = " or ".join(accepted) if accepted else "no"
            raise GlirError(
                f"a {internal} texture takes {takes} data, not {dtype}"
                + ("" if accepted else " (GLIR version 1 has no dtype for it)")
            )
        # GL reads region x channels x itemsize bytes, whatever the array holds: they must
        # be the array's bytes exactly, or GL reads past its end (a crash, or heap bytes
        # copied into the texture).
        channels = TEXTURE_FORMATS[self.fmt]
        given = shape[spatial] if len(shape) > spatial else 1
        region = (1, *shape[:1]) if self.kind == "Texture1D" else shape[:spatial]
        need = math.prod(region) * channels * data.itemsize
        if given != channels or data.nbytes != need:
            want = _tuple((*shape[:spatial], channels) if channels > 1 else shape[:spatial])
            raise GlirError(
                f"array of shape {_tuple(shape)} has {given} channel(s) ({data.nbytes} bytes); "
                f"the texture's format {self.fmt} has {channels} ({need} bytes of {dtype}): "
                f"send shape {want}"
            )
        offset = (0, *offset) if self.kind == "Texture1D" else tuple(int(o) for o in offset)
        if any(o < 0 or o + n > s for o, n, s in zip(offset, region, self.shape)):
            raise GlirError(
                f"region {_tuple(region)} at {_tuple(offset)} is outside the texture "
                f"{_tuple(self.shape)}"
            )
        gtype = GL_TYPES[dtype]
        self._bind()
        if len(self.shape) == 3:
            (z, y, x), (d, h, w) = offset, region
            GL.glTexSubImage3D(self.target, 0, x, y, z, w, h, d, self.format, gtype, data)
        else:
            (y, x), (h, w) = offset, region
            GL.glTexSubImage2D(self.target, 0, x, y, w, h, self.format, gtype, data)

    def wrapping(self, wraps: Sequence[str]) -> None:
        dims = 3 if self.kind == "Texture3D" else 2
        if len(wraps) != dims or any(w not in WRAPS for w in wraps):
            raise GlirError(f"WRAPPING needs {dims} of {', '.join(WRAPS)}; got {tuple(wraps)}")
        self._bind()
        for pname, wrap in zip(
            (GL.GL_TEXTURE_WRAP_S, GL.GL_TEXTURE_WRAP_T, GL.GL_TEXTURE_WRAP_R), wraps
        ):
            GL.glTexParameteri(self.target, pname, gl_enum(wrap))

    def interpolation(self, min_filter: str, mag_filter: str) -> None:
        if min_filter not in FILTERS or mag_filter not in FILTERS:
            raise GlirError(
                f"INTERPOLATION takes {' or '.join(FILTERS)}, not {min_filter!r}, {mag_filter!r}"
            )
        self._bind()
        GL.glTexParameteri(self.target, GL.GL_TEXTURE_MIN_FILTER, gl_enum(min_filter))
        GL.glTexParameteri(self.target, GL.GL_TEXTURE_MAG_FILTER, gl_enum(mag_filter))


class GLRenderBuffer(GLObject):
    def __init__(self, interp: GlirInterpreter) -> None:
        super().__init__(interp)
        self.handle = int(GL.glGenRenderbuffers(1))
        self.shape: tuple = ()

    def delete(self) -> None:
        GL.glDeleteRenderbuffers(1, [self.handle])

    def size(self, shape: Sequence[int], fmt: str) -> None:
        interp = self.interp
        shape = check_shape(
            shape, 2, "RenderBuffer", interp.max_renderbuffer_size, "GL_MAX_RENDERBUFFER_SIZE"
        )
        if not isinstance(fmt, str) or fmt not in RENDERBUFFER_FORMATS:
            raise GlirError(
                f"unknown render buffer format {_repr(fmt)}; "
                f"known: {', '.join(RENDERBUFFER_FORMATS)}"
            )
        nbytes = math.prod(shape) * RENDERBUFFER_BYTES[fmt]
        interp._check_bytes(self, nbytes, f"a {_tuple(shape)} {fmt} RenderBuffer")
        h, w = shape
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, self.handle)
        GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, gl_enum(fmt), w, h)
        self.shape = shape
        interp._hold(self, nbytes)


class GLFrameBuffer(GLObject):
    def __init__(self, interp: GlirInterpreter) -> None:
        super().__init__(interp)
        self.handle = int(GL.glGenFramebuffers(1))
        self.colors: set[int] = set()
        self.attached: dict[str, GLObject] = {}  # attachment -> texture or render buffer

    def delete(self) -> None:
        GL.glDeleteFramebuffers(1, [self.handle])

    def attach(self, attachment: str, target_id: int) -> None:
        if attachment not in ATTACHMENTS:
            raise GlirError(f"unknown attachment {attachment!r}; known: {', '.join(ATTACHMENTS)}")
        point = ATTACHMENTS[attachment]
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.handle)
        try:
            if target_id == 0:
                GL.glFramebufferRenderbuffer(GL.GL_FRAMEBUFFER, point, GL.GL_RENDERBUFFER, 0)
                self.attached.pop(attachment, None)
                self.colors.discard(point)
                self._draw_buffers()
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
            self.attached[attachment] = target
            if attachment.startswith("color"):
                self.colors.add(point)
                self._draw_buffers()
        finally:
            GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.interp._framebuffer_handle())

    def _draw_buffers(self) -> None:
        """Colour attachment i draws output i; gaps are NONE (as WebGL2 requires)."""
        last = max(self.colors, default=GL.GL_COLOR_ATTACHMENT0) - GL.GL_COLOR_ATTACHMENT0
        points = [
            GL.GL_COLOR_ATTACHMENT0 + i
            if GL.GL_COLOR_ATTACHMENT0 + i in self.colors
            else GL.GL_NONE
            for i in range(last + 1)
        ]
        GL.glDrawBuffers(len(points), points)

    def read_size(self) -> tuple[int, int] | None:
        """(width, height) of what READ_PIXELS reads (color0), or None without one."""
        target = self.attached.get("color0")
        if target is None or not target.shape:
            return None
        h, w = target.shape[-2:]
        return w, h

    def bind(self) -> None:
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.handle)
        status = GL.glCheckFramebufferStatus(GL.GL_FRAMEBUFFER)
        if status != GL.GL_FRAMEBUFFER_COMPLETE:
            GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.interp._framebuffer_handle())
            raise GlirError(f"frame buffer is incomplete: {FB_STATUS.get(status, hex(status))}")
