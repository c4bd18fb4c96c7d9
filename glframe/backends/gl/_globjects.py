"""The interpreter's GL objects: buffers, textures, render buffers, frame buffers.

Each is the executing twin of a gloo class (``GLBuffer`` for ``VertexBuffer``
and ``IndexBuffer``, ``GLTexture`` for the three texture classes, ...). They
are made and called only by :class:`~glframe.backends.GlirInterpreter`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ...gloo.glir import (
    ALLOC_DTYPES,
    FILTERS,
    INTERNAL_FORMATS,
    OTHER_INTERNAL_FORMATS,
    WRAPS,
    GlirError,
)
from ._gl import GL
from ._glconst import ATTACHMENTS, FB_STATUS, FORMATS, GL_TYPES, INT_FORMATS, gl_enum

if TYPE_CHECKING:
    from ._interpreter import GlirInterpreter


class GLObject:
    handle = 0

    def __init__(self, interp: GlirInterpreter) -> None:
        self.interp = interp

    def delete(self) -> None:
        pass


class GLBuffer(GLObject):
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


class GLTexture(GLObject):
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
        if internal not in INTERNAL_FORMATS:
            raise GlirError(f"unknown GL enum name {internal!r}")
        if internal in OTHER_INTERNAL_FORMATS:  # srgb, depth and depth-stencil formats
            integer, gtype = False, gl_enum(OTHER_INTERNAL_FORMATS[internal][1])
        else:  # a base and a suffix: r8, rgba32ui, ...
            suffix = internal.lstrip("rgba")
            integer, gtype = suffix.endswith("i"), GL_TYPES[ALLOC_DTYPES[suffix]]
        self.format = (INT_FORMATS if integer else FORMATS)[fmt]
        self._bind()
        if self.target == GL.GL_TEXTURE_3D:
            d, h, w = self.shape
            GL.glTexImage3D(self.target, 0, gl_enum(internal), w, h, d, 0, self.format, gtype, None)
        else:
            h, w = self.shape
            GL.glTexImage2D(self.target, 0, gl_enum(internal), w, h, 0, self.format, gtype, None)

    def data(self, offset: Sequence[int], data: np.ndarray) -> None:
        if not self.shape:
            raise GlirError("texture DATA before SIZE")
        offset = (0, *offset) if self.kind == "Texture1D" else tuple(offset)
        nd = len(self.shape)
        region = (1, *data.shape[:1]) if self.kind == "Texture1D" else data.shape[:nd]
        if any(o < 0 or o + n > s for o, n, s in zip(offset, region, self.shape)):
            raise GlirError(f"region {region} at {offset} is outside the texture {self.shape}")
        gtype = GL_TYPES[data.dtype.name]
        self._bind()
        if nd == 3:
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

    def delete(self) -> None:
        GL.glDeleteRenderbuffers(1, [self.handle])

    def size(self, shape: Sequence[int], fmt: str) -> None:
        h, w = shape
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, self.handle)
        GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, gl_enum(fmt), w, h)


class GLFrameBuffer(GLObject):
    def __init__(self, interp: GlirInterpreter) -> None:
        super().__init__(interp)
        self.handle = int(GL.glGenFramebuffers(1))
        self.colors: set[int] = set()

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

    def bind(self) -> None:
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.handle)
        status = GL.glCheckFramebufferStatus(GL.GL_FRAMEBUFFER)
        if status != GL.GL_FRAMEBUFFER_COMPLETE:
            GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.interp._framebuffer_handle())
            raise GlirError(f"frame buffer is incomplete: {FB_STATUS.get(status, hex(status))}")
