"""Replaying GLIR from elsewhere into a canvas: its own ids and its own GL state.

A stream given to :meth:`Canvas.replay` (a recording, a file, a peer's frames) is
untrusted. :class:`ReplaySpace` runs such streams beside the canvas's own objects
without ever touching them:

- **Checked first.** Every command is checked with :func:`glir.check_command`; a
  malformed one rejects the whole call before anything runs.
- **Its own ids.** Ids in replayed streams are remapped to fresh ids from gloo's
  counter, so they never collide with ids gloo hands out, and a replayed command
  can only reach objects that replayed streams created. The map is kept per
  canvas, across calls: the frames of one recording may be replayed in several
  calls. :meth:`ReplaySpace.reset` deletes what replays created and starts a new
  id space. ``READ_PIXELS`` request ids are not objects and keep the stream's
  numbers, so the replies are keyed as the stream asked.
- **Its own GL state.** The GL state replayed ``FUNC`` commands set (blending,
  masks, scissor, stencil, ...) is the streams' own: each call starts with the
  state earlier replays left, and ends by restoring the canvas's own (the last
  values its own frames sent, or GL's initial ones). Frame buffers a call binds
  and leaves bound are unbound at its end.
- **Only what ran.** The canvas's state snapshot (what recordings, exports and
  late-joining viewers start from) is updated with each command only after it
  executed, so a rejected command leaves no trace there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..gloo.glir import Cmd, GlirError, check_command

if TYPE_CHECKING:
    from ..backends.gl import GlirInterpreter
    from ..gloo import GlirContext

__all__ = ["ReplaySpace"]

_ALL_BITS = 2**32 - 1

#: GL's initial value of each piece of state FUNC can set (OpenGL ES 3.0, 6.2),
#: as FUNC arguments; viewport, scissor, capabilities and per-face stencil state
#: are made by :func:`_initial`.
_INITIAL: dict[str, tuple] = {
    "clearColor": (0.0, 0.0, 0.0, 0.0),
    "clearDepth": (1.0,),
    "clearStencil": (0,),
    "blendFuncSeparate": ("one", "zero", "one", "zero"),
    "blendEquationSeparate": ("func_add", "func_add"),
    "blendColor": (0.0, 0.0, 0.0, 0.0),
    "depthFunc": ("less",),
    "depthMask": (True,),
    "depthRange": (0.0, 1.0),
    "colorMask": (True, True, True, True),
    "cullFace": ("back",),
    "frontFace": ("ccw",),
    "lineWidth": (1.0,),
    "polygonOffset": (0.0, 0.0),
    "sampleCoverage": (1.0, False),
}
_PER_FACE = ("stencilFuncSeparate", "stencilOpSeparate", "stencilMaskSeparate")


def _state_entries(cmd: tuple) -> list[tuple[Any, tuple]]:
    """The pieces of GL state a FUNC command sets: [(key, command setting only that)]."""
    function, args = cmd[2], cmd[3:]
    if function == "clear":
        return []  # an action, not state
    if function in ("enable", "disable"):
        return [(("cap", args[0]), cmd)]
    if function == "hint":
        return [(("hint", args[0]), cmd)]
    if function in _PER_FACE:
        faces = ("front", "back") if args[0] == "front_and_back" else (args[0],)
        return [((function, f), (Cmd.FUNC, 0, function, f, *args[1:])) for f in faces]
    return [(function, cmd)]


def _initial(key: Any, size: tuple[int, int]) -> tuple:
    """The FUNC command that puts the state under ``key`` back to GL's initial value."""
    if isinstance(key, str):
        if key in ("viewport", "scissor"):
            return (Cmd.FUNC, 0, key, 0, 0, *size)
        return (Cmd.FUNC, 0, key, *_INITIAL[key])
    kind, which = key
    if kind == "cap":  # every capability starts disabled, except dithering
        return (Cmd.FUNC, 0, "enable" if which == "dither" else "disable", which)
    if kind == "hint":
        return (Cmd.FUNC, 0, "hint", which, "dont_care")
    rest = {
        "stencilFuncSeparate": ("always", 0, _ALL_BITS),
        "stencilOpSeparate": ("keep", "keep", "keep"),
        "stencilMaskSeparate": (_ALL_BITS,),
    }[kind]
    return (Cmd.FUNC, 0, kind, which, *rest)


class ReplaySpace:
    """The ids, GL state and bindings of the streams replayed into one canvas.

    Parameters
    ----------
    context
        The canvas's GLIR context: fresh ids come from it, and its state
        snapshot is updated with the replayed commands that ran.
    """

    def __init__(self, context: GlirContext) -> None:
        self._context = context
        self._ids: dict[int, int] = {}  # stream id -> the canvas's id for it
        self._own: dict[Any, tuple] = {}  # the canvas's own GL state, by key
        self._theirs: dict[Any, tuple] = {}  # the replayed streams' GL state, by key

    @property
    def ids(self) -> dict[int, int]:
        """{stream id: canvas id} of the live objects replayed streams created (a copy)."""
        return dict(self._ids)

    def note_own(self, commands: Iterable[tuple]) -> None:
        """Remember the GL state the canvas's own batch sets (call before executing it)."""
        for cmd in commands:
            if cmd[0] == Cmd.FUNC:
                for key, setting in _state_entries(cmd):
                    self._own[key] = setting

    def run(self, commands: Any, interpreter: GlirInterpreter) -> dict[int, np.ndarray]:
        """Check, remap and execute ``commands``; return the READ_PIXELS replies.

        Raises GlirError (nothing run) for a malformed stream; otherwise runs every
        command it can, like the interpreter, and raises the first failure at the
        end, naming how many others there were.
        """
        checked = _check_all(commands)
        errors: list[GlirError] = []
        replies: dict[int, np.ndarray] = {}
        touched = set(self._theirs)
        bound: list[int] = []  # frame buffers this call bound and has not unbound
        self._execute(list(self._theirs.values()), interpreter, errors, "re-entering its GL state")
        for i, cmd in enumerate(checked):
            where = f"command {i} of {len(checked)}: " if len(checked) > 1 else ""
            try:
                mapped = self._remap(cmd)
            except GlirError as exc:
                errors.append(GlirError(f"{where}{exc}"))
                continue
            try:
                replies.update(interpreter.execute([mapped]))
            except GlirError as exc:
                errors.append(_restate(exc, where, cmd, mapped))
                continue
            self._ran(cmd, mapped, bound, touched)
        # Leave the canvas as its own frames expect it: its frame buffer, its GL state.
        unbind = [(Cmd.FRAMEBUFFER, fb, False) for fb in reversed(bound)]
        self._execute(unbind, interpreter, errors, "unbinding its frame buffers")
        size = tuple(self._context.size)
        restore = [self._own.get(key) or _initial(key, size) for key in touched]
        self._execute(restore, interpreter, errors, "restoring the canvas's GL state")
        if errors:
            raise _first(errors)
        return replies

    def reset(self, interpreter: GlirInterpreter) -> None:
        """Delete the objects replayed streams created, and forget their ids and GL state."""
        errors: list[GlirError] = []
        deletes = [(Cmd.DELETE, canvas_id) for canvas_id in self._ids.values()]
        self._ids.clear()
        self._theirs.clear()
        self._execute(deletes, interpreter, errors, "deleting its objects")
        self._context.state.update(deletes)  # gone either way
        if errors:
            raise _first(errors)

    # ---- helpers ----------------------------------------------------------------------
    def _remap(self, cmd: tuple) -> tuple:
        """``cmd`` with the stream's object ids replaced by the canvas's ids for them."""
        name, sid = cmd[0], cmd[1]
        if name == Cmd.CREATE:
            if sid in self._ids:
                raise GlirError(
                    f"CREATE {sid}: object {sid} already exists (an earlier replay created "
                    "it; canvas.reset_replay() starts a fresh id space)"
                )
            return (name, self._context.new_id(), *cmd[2:])
        if name in (Cmd.FUNC, Cmd.READ_PIXELS):
            return cmd  # not objects: FUNC's id is 0, READ_PIXELS' names the reply
        out = [name, self._object(name, sid, sid), *cmd[2:]]
        if name == Cmd.TEXTURE:
            out[3] = self._object(name, sid, cmd[3])
        elif name == Cmd.ATTRIBUTE:
            out[4] = self._object(name, sid, cmd[4])
        elif name == Cmd.ATTACH and cmd[3] != 0:  # 0 detaches
            out[3] = self._object(name, sid, cmd[3])
        elif name == Cmd.DRAW and len(cmd[3]) == 4:  # indexed: the index buffer
            out[3] = (self._object(name, sid, cmd[3][0]), *cmd[3][1:])
        return tuple(out)

    def _object(self, name: str, sid: int, ref: int) -> int:
        canvas_id = self._ids.get(ref)
        if canvas_id is None:
            raise GlirError(
                f"{name} {sid}: no object with id {ref} in the replayed streams (never "
                "created by one, or deleted); a replay cannot reach the canvas's own objects"
            )
        return canvas_id

    def _ran(self, cmd: tuple, mapped: tuple, bound: list[int], touched: set) -> None:
        """Record a command that executed: ids, bindings, GL state, the state snapshot."""
        name = cmd[0]
        if name == Cmd.CREATE:
            self._ids[cmd[1]] = mapped[1]
        elif name == Cmd.DELETE:
            del self._ids[cmd[1]]
            bound[:] = [fb for fb in bound if fb != mapped[1]]
        elif name == Cmd.FRAMEBUFFER:
            if mapped[2]:
                bound.append(mapped[1])
            elif mapped[1] in bound:
                del bound[len(bound) - 1 - bound[::-1].index(mapped[1])]
        elif name == Cmd.FUNC:
            for key, setting in _state_entries(mapped):
                self._theirs[key] = setting
                touched.add(key)
        self._context.state.update([mapped])

    @staticmethod
    def _execute(
        commands: list[tuple], interpreter: GlirInterpreter, errors: list, doing: str
    ) -> None:
        if not commands:
            return
        try:
            interpreter.execute(commands)
        except GlirError as exc:
            errors.append(type(exc)(f"replay, {doing}: {exc}"))


def _check_all(commands: Any) -> list[tuple]:
    """Every command checked against the format, or GlirError before anything runs."""
    if isinstance(commands, (str, bytes, dict)) or not isinstance(commands, Iterable):
        raise GlirError(
            f"replay takes a list of GLIR commands (name, id, *args), not a "
            f"{type(commands).__name__}"
        )
    checked = []
    for i, cmd in enumerate(commands):
        try:
            checked.append(check_command(cmd))
        except GlirError as exc:
            raise GlirError(f"command {i}: {exc}; nothing was replayed") from None
    return checked


def _restate(exc: GlirError, where: str, cmd: tuple, mapped: tuple) -> GlirError:
    """The interpreter's error in the stream's ids (it named the canvas's)."""
    text = str(exc)
    prefix = f"{mapped[0]} {mapped[1]}: "
    if text.startswith(prefix):
        text = text[len(prefix) :]
    note = ""
    if mapped[1] != cmd[1] and str(mapped[1]) in text:
        note = f" (stream object {cmd[1]} is object {mapped[1]} in this canvas)"
    return type(exc)(f"{where}{cmd[0]} {cmd[1]}: {text}{note}")


def _first(errors: list[GlirError]) -> GlirError:
    """The first error, its message followed by a summary of the others."""
    first = errors[0]
    if len(errors) > 1:
        others = "; ".join(str(e).split("\n")[0] for e in errors[1:4])
        more = f" (and {len(errors) - 4} more)" if len(errors) > 4 else ""
        first.args = (f"{first}\n{len(errors) - 1} later command(s) failed too: {others}{more}",)
    return first
