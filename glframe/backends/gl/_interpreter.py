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

A stream may come from anywhere (a file, a peer), so every command is checked
before GL is called (docs/glir.md section 6.1): sizes against the context's
limits and glframe's byte limits, data bytes against what GL will read, draws
against the buffers they read, shader sources against the input limits, and
READ_PIXELS against the framebuffer. GL takes sizes on trust: a wrong one is a
crash, a heap read or a hang, which no later GL error reports.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence

import numpy as np

from ...gloo.glir import (
    FUNCS,
    MAX_OBJECT_BYTES,
    MAX_TOTAL_BYTES,
    READ_DTYPES,
    READ_FORMATS,
    Cmd,
    GlirError,
)
from ._gl import GL, platform_error
from ._glconst import CLEAR_BITS, FORMATS, GL_ERRORS, GL_TYPES, gl_enum
from ._globjects import (
    GLBuffer,
    GLFrameBuffer,
    GLObject,
    GLRenderBuffer,
    GLTexture,
    integer,
)
from ._glprogram import GLProgram, LinkedProgram

__all__ = ["GlirInterpreter"]

_CLASSES = {
    "Program": GLProgram,
    "RenderBuffer": GLRenderBuffer,
    "FrameBuffer": GLFrameBuffer,
}
_GL_INT = 2**31 - 1
#: linked programs kept while no program uses them (see _release_program)
KEEP_IDLE = 8


class GlirInterpreter:
    """Executes GLIR commands in the GL context current in this thread.

    Parameters
    ----------
    default_framebuffer
        The GL framebuffer that FRAMEBUFFER(False) returns to at the bottom of
        the stack (an offscreen canvas's own FBO; 0 for a window).

    Attributes
    ----------
    rasterize
        True (the default): DRAW draws. False: DRAW checks what it would draw and
        draws nothing, for frames whose pixels nobody reads (an offscreen canvas's
        frames that only browsers draw; see ``Canvas._draw_unseen``).

    Raises
    ------
    RuntimeError
        If PyOpenGL's GL library does not reach the current context (its
        platform, fixed by whoever imported OpenGL first, cannot serve it); the
        message says which import fixed it and what to do (``_gl.py``).
    """

    def __init__(self, default_framebuffer: int = 0) -> None:
        if not GL.glGetString(GL.GL_VERSION):  # PyOpenGL's GL reaches no context
            raise RuntimeError(
                platform_error("a canvas", "its GL library does not reach the context made current")
            )
        self.default_framebuffer = default_framebuffer
        self.rasterize = True
        self._objects: dict[int, GLObject] = {}
        self._fb_stack: list[GLFrameBuffer] = []
        self._program = 0  # bound GL program, VAO, textures: skip redundant binds
        self._vao = 0
        self._units: dict[int, tuple[int, int]] = {}
        #: constant attribute values in GL, by location: (setter, values)
        self.attribute_values: dict[int, tuple] = {}
        self._linked: dict[tuple[str, str], LinkedProgram] = {}
        self._idle: OrderedDict[tuple[str, str], LinkedProgram] = OrderedDict()  # unused
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
        self._total_bytes = 0  # held by all objects (glir.MAX_TOTAL_BYTES)
        #: this context's limits, which SIZE checks before allocating
        self.max_texture_size = int(GL.glGetIntegerv(GL.GL_MAX_TEXTURE_SIZE))
        self.max_3d_texture_size = int(GL.glGetIntegerv(GL.GL_MAX_3D_TEXTURE_SIZE))
        self.max_renderbuffer_size = int(GL.glGetIntegerv(GL.GL_MAX_RENDERBUFFER_SIZE))
        GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 1)
        GL.glPixelStorei(GL.GL_PACK_ALIGNMENT, 1)
        # WebGL2 always honours gl_PointSize; desktop core GL only when enabled.
        GL.glEnable(GL.GL_PROGRAM_POINT_SIZE)

    @property
    def live_objects(self) -> int:
        """How many GL objects the interpreter holds."""
        return len(self._objects)

    @property
    def held_bytes(self) -> int:
        """Bytes the storage of all buffers, textures and render buffers holds."""
        return self._total_bytes

    def _check_bytes(self, obj: GLObject, nbytes: int, what: str) -> None:
        """Refuse a SIZE over glir.MAX_OBJECT_BYTES, or one that brings the total over
        glir.MAX_TOTAL_BYTES (the object's current storage is given back first)."""
        if nbytes > MAX_OBJECT_BYTES:
            raise GlirError(
                f"{what} is more than one object may hold, {MAX_OBJECT_BYTES} bytes "
                "(glir.MAX_OBJECT_BYTES)"
            )
        total = self._total_bytes - obj.held + nbytes
        if total > MAX_TOTAL_BYTES:
            raise GlirError(
                f"{what} would bring all objects to {total} bytes, more than "
                f"{MAX_TOTAL_BYTES} (glir.MAX_TOTAL_BYTES): delete objects first"
            )

    def _hold(self, obj: GLObject, nbytes: int) -> None:
        self._total_bytes += nbytes - obj.held
        obj.held = nbytes

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
            except Exception as exc:  # e.g. PyOpenGL's GLError: still finish the batch
                errors.append(GlirError(f"{cmd[0]} command {_short(cmd)} failed: {exc!r}"))
            err = get_error()
            if err:
                self._drain_errors()
                errors.append(
                    GlirError(
                        f"{GL_ERRORS.get(err, hex(err))} after {cmd[0]} command {_short(cmd)}"
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
    def _get(self, oid: int, cls: type | None = None) -> GLObject:
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

    def _bind_vao(self, vao: int) -> None:
        if self._vao != vao:
            GL.glBindVertexArray(vao)
            self._vao = vao

    def _forget_vao(self, vao: int) -> None:
        if self._vao == vao:
            self._vao = 0

    def _link_program(self, vert: str, frag: str) -> LinkedProgram:
        """The linked program for these sources (shared; linked on first use, or kept
        from a recent use)."""
        linked = self._linked.get((vert, frag))
        if linked is None:
            linked = self._linked[(vert, frag)] = LinkedProgram(vert, frag)
            self._program = linked.handle  # LinkedProgram() left it in use
        self._idle.pop(linked.key, None)
        linked.users += 1
        return linked

    def _release_program(self, linked: LinkedProgram) -> None:
        """One user fewer. A program no one uses is kept among the last KEEP_IDLE ones:
        a visual whose GLSL constants go back and forth (a volume's window, an image's
        sampling) switches between programs linked already (llvmpipe: tens of ms each)."""
        linked.users -= 1
        if linked.users == 0:
            self._idle[linked.key] = linked
            while len(self._idle) > KEEP_IDLE:
                _, oldest = self._idle.popitem(last=False)
                del self._linked[oldest.key]
                if self._program == oldest.handle:
                    self._program = 0
                oldest.delete()

    @property
    def linked_programs(self) -> int:
        """How many distinct GL programs are in use (programs share identical sources;
        the last few unused are kept linked, and not counted)."""
        return len(self._linked) - len(self._idle)

    def _bind_texture(self, unit: int, target: int, handle: int) -> None:
        # The unit is made active even when the binding is cached: texture uploads
        # act on whatever texture the active unit holds.
        if self._active_unit != unit:
            GL.glActiveTexture(GL.GL_TEXTURE0 + unit)
            self._active_unit = unit
        if self._units.get(unit) == (target, handle):
            return
        GL.glBindTexture(target, handle)
        self._units[unit] = (target, handle)

    def _forget_texture(self, handle: int) -> None:
        self._units = {u: th for u, th in self._units.items() if th[1] != handle}

    def _framebuffer_handle(self) -> int:
        return self._fb_stack[-1].handle if self._fb_stack else self.default_framebuffer

    def reset_state_cache(self) -> None:
        """Forget cached bindings (after someone else has used the GL context)."""
        self._program = self._vao = 0
        self._units.clear()
        self.attribute_values.clear()
        self._active_unit = -1

    # ---- commands ------------------------------------------------------------------
    def _create(self, oid: int, kind: str) -> None:
        if isinstance(oid, bool) or not isinstance(oid, (int, np.integer)) or oid <= 0:
            raise GlirError(f"object ids are integers > 0, not {oid!r}")
        if oid in self._objects:
            raise GlirError(f"object {oid} already exists")
        if kind in ("VertexBuffer", "IndexBuffer"):
            self._objects[oid] = GLBuffer(self, kind)
        elif kind in ("Texture1D", "Texture2D", "Texture3D"):
            self._objects[oid] = GLTexture(self, kind)
        elif kind in _CLASSES:
            self._objects[oid] = _CLASSES[kind](self)
        else:
            raise GlirError(f"unknown object class {kind!r}")

    def _delete(self, oid: int) -> None:
        obj = self._objects.pop(oid, None)
        if obj is None:
            raise GlirError(f"no object with id {oid!r} to delete")
        self._hold(obj, 0)
        if obj in self._fb_stack:  # GL would fall back to 0, not the canvas's FBO
            self._fb_stack = [fb for fb in self._fb_stack if fb is not obj]
            obj.delete()
            GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self._framebuffer_handle())
            return
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
                values.append(gl_enum(arg))
            elif kind == "m":
                bits = 0
                for part in str(arg).split("|"):
                    if part not in CLEAR_BITS:
                        raise GlirError(f"unknown clear mask {part!r}")
                    bits |= CLEAR_BITS[part]
                values.append(bits)
            elif kind == "b":
                values.append(bool(arg))
            elif kind == "i":
                values.append(int(arg))
            else:
                values.append(float(arg))
        getattr(GL, "gl" + name[0].upper() + name[1:])(*values)

    def _read_size(self) -> tuple[int, int] | None:
        """(width, height) of the colour buffer READ_PIXELS reads; None if unknown."""
        if self._fb_stack:
            return self._fb_stack[-1].read_size()
        return _default_size(self.default_framebuffer)

    def _read_pixels(self, request: int, viewport, fmt: str = "rgba", dtype: str = "uint8") -> None:
        if not isinstance(viewport, (tuple, list)) or len(viewport) != 4:
            raise GlirError(f"viewport must be 4 integers, not {viewport!r}")
        x, y, w, h = (integer(v, "viewport value", -_GL_INT, _GL_INT) for v in viewport)
        if w <= 0 or h <= 0:
            raise GlirError(f"READ_PIXELS viewport {(x, y, w, h)} is empty")
        if not self.rasterize:
            raise GlirError(
                "READ_PIXELS in a frame drawn only by browsers (client mode): this frame's "
                "draws were not rasterized here, so its pixels cannot be read; read them "
                "after the frame (canvas.render()), or use server mode"
            )
        channels = READ_FORMATS.get(fmt) if isinstance(fmt, str) else None
        if channels is None or dtype not in READ_DTYPES:
            known = f"{'|'.join(READ_FORMATS)}, {'|'.join(READ_DTYPES)}"
            raise GlirError(f"READ_PIXELS format {fmt!r}/{dtype!r} is not {known}")
        # GL leaves the part of a read outside the framebuffer undefined: in our reply
        # that would be whatever the heap held before.
        size = self._read_size()
        if size is None and self._fb_stack:
            raise GlirError("READ_PIXELS reads color0 of the bound frame buffer, which has none")
        if size is not None:
            fw, fh = size
            if x < 0 or y < 0 or x + w > fw or y + h > fh:
                raise GlirError(
                    f"READ_PIXELS viewport {(x, y, w, h)} reaches outside the {fw}x{fh} "
                    f"framebuffer (x {x}..{x + w}, y {y}..{y + h})"
                )
        out = np.empty((h, w, channels), dtype=dtype)
        GL.glReadPixels(x, y, w, h, FORMATS[fmt], GL_TYPES[dtype], out)
        self._replies[request] = np.ascontiguousarray(out[::-1])


def _default_size(handle: int) -> tuple[int, int] | None:
    """The size of the default framebuffer (bound now): its colour attachment's for a
    framebuffer object, the EGL surface's for a window; None where GL cannot say."""
    if handle:
        value = GL.GLint()
        GL.glGetFramebufferAttachmentParameteriv(
            GL.GL_FRAMEBUFFER,
            GL.GL_COLOR_ATTACHMENT0,
            GL.GL_FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE,
            value,
        )
        kind = value.value
        GL.glGetFramebufferAttachmentParameteriv(
            GL.GL_FRAMEBUFFER,
            GL.GL_COLOR_ATTACHMENT0,
            GL.GL_FRAMEBUFFER_ATTACHMENT_OBJECT_NAME,
            value,
        )
        if kind == GL.GL_RENDERBUFFER:
            previous = int(GL.glGetIntegerv(GL.GL_RENDERBUFFER_BINDING))
            GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, value.value)
            w = int(GL.glGetRenderbufferParameteriv(GL.GL_RENDERBUFFER, GL.GL_RENDERBUFFER_WIDTH))
            h = int(GL.glGetRenderbufferParameteriv(GL.GL_RENDERBUFFER, GL.GL_RENDERBUFFER_HEIGHT))
            GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, previous)
            return w, h
        return None
    try:  # a window: framebuffer 0 is the EGL surface
        from OpenGL import EGL

        display, surface = EGL.eglGetCurrentDisplay(), EGL.eglGetCurrentSurface(EGL.EGL_DRAW)
        w, h = EGL.EGLint(), EGL.EGLint()
        if EGL.eglQuerySurface(display, surface, EGL.EGL_WIDTH, w) and EGL.eglQuerySurface(
            display, surface, EGL.EGL_HEIGHT, h
        ):
            return int(w.value), int(h.value)
    except Exception:  # noqa: BLE001 - no EGL here: the check cannot be made
        pass
    return None


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
