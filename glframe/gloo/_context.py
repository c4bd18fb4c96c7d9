"""GlirContext: the queue of one GL context, and the state it has built so far.

Each canvas owns one GlirContext. gloo objects append their commands to the
context they belong to; an object made while no context is current keeps its
commands until it is first used in one (so a Program can be filled before any
window exists). One context is *current* per thread: the one that
:func:`glframe.gloo.clear` and friends record into.

The context also keeps a :class:`GlirState`: the smallest list of commands that
rebuilds every live object as it is now (creation, size, latest data, shaders,
variables), and the GL state last set by FUNC commands (clear colour, viewport,
blending...: the last value of each). It is what a recording starts with, so a
recorded frame replays in a fresh context, and what a new browser client receives
first: state set once outside the frames (vispy's ``set_clear_color`` in a
canvas's ``__init__``) reaches them too.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from ._queue import _REFS, GlirQueue, _contains, _data_box
from .glir import Cmd

__all__ = [
    "GlirContext",
    "GlirState",
    "func_state_key",
    "get_current_context",
    "set_current_context",
]

_ids = itertools.count(1)  # object ids are unique in the process
_local = threading.local()

# Order in which the state lists objects, so every reference points backwards.
_KIND_ORDER = {
    "VertexBuffer": 0,
    "IndexBuffer": 0,
    "Texture1D": 1,
    "Texture2D": 1,
    "Texture3D": 1,
    "RenderBuffer": 2,
    "FrameBuffer": 3,
    "Program": 4,
}


def new_id() -> int:
    return next(_ids)


def func_state_key(cmd: tuple):
    """The piece of GL state a FUNC sets (None for an action: ``clear``)."""
    name = cmd[2]
    if name in ("enable", "disable"):
        return ("cap", cmd[3])
    return None if name == "clear" else name


_VARIABLE_CMDS = (Cmd.UNIFORM, Cmd.TEXTURE, Cmd.ATTRIBUTE, Cmd.ATTRIBUTE_VALUE)


class GlirState:
    """Per object, the latest commands that define its state (no per-frame ones), and
    the latest FUNC per piece of GL state."""

    def __init__(self) -> None:
        self._objects: dict[int, dict] = {}  # id -> {"kind", "cmds": {key: cmd | list}}
        self._funcs: dict = {}  # func_state_key -> the last FUNC that set it
        # open journals (journal()): {(program id, variable key): its command before}
        self._journals: list[dict] = []

    def update(self, commands: Iterable[tuple]) -> None:
        objects = self._objects
        for cmd in commands:
            name = cmd[0]
            if name == Cmd.FUNC:
                key = func_state_key(cmd)
                if key is not None:
                    self._funcs.pop(key, None)  # re-inserted last: the order GL saw
                    self._funcs[key] = cmd
                continue
            if name == Cmd.CREATE:
                objects[cmd[1]] = {"kind": cmd[2], "create": cmd, "cmds": {}}
                continue
            if name == Cmd.DELETE:
                objects.pop(cmd[1], None)
                continue
            obj = objects.get(cmd[1])
            if obj is None:
                continue  # FUNC, or a command for an unknown object
            cmds = obj["cmds"]
            if name == Cmd.SIZE:
                cmds.pop("data", None)  # reallocation discards the data
                obj.pop("shadow", None)
                cmds["size"] = cmd
            elif name == Cmd.DATA:
                if isinstance(cmd[2], int) and "size" in cmds:
                    _buffer_data(obj, cmd)
                    continue
                if "size" in cmds and _texture_data(obj, cmd):
                    continue
                box = _data_box(cmd)
                kept = [c for c in cmds.get("data", []) if not _contains(box, _data_box(c))]
                cmds["data"] = [*kept, cmd]
            elif name in _VARIABLE_CMDS:
                key = ("u" if name in (Cmd.UNIFORM, Cmd.TEXTURE) else "a", cmd[2])
                for journal in self._journals:
                    journal.setdefault((cmd[1], key), cmds.get(key))
                cmds[key] = cmd
            elif name == Cmd.SHADERS:
                cmds["shaders"] = cmd
            elif name in (Cmd.WRAPPING, Cmd.INTERPOLATION):
                cmds[name] = cmd
            elif name == Cmd.ATTACH:
                cmds[("attach", cmd[2])] = cmd

    def commands(self) -> list[tuple]:
        """Commands that rebuild every live object, references in order."""
        objs = sorted(self._objects.items(), key=lambda kv: (_KIND_ORDER[kv[1]["kind"]], kv[0]))
        out = [o["create"] for _, o in objs]
        for _, obj in objs:
            cmds = obj["cmds"]
            for key in ("size", Cmd.WRAPPING, Cmd.INTERPOLATION, "shaders"):
                if key in cmds:
                    out.append(cmds[key])
            shadow = obj.get("shadow")
            if shadow is not None:  # a copy: later partial DATA must not change this list
                offset = 0 if shadow.ndim == 1 else (0,) * (shadow.ndim - 1)
                out.append((Cmd.DATA, obj["create"][1], offset, shadow.copy()))
            else:
                out.extend(cmds.get("data", ()))
            out.extend(c for k, c in cmds.items() if isinstance(k, tuple))
        out.extend(self._funcs.values())  # the GL state as the last frame left it
        return out

    def __len__(self) -> int:
        return len(self._objects)

    def journal(self) -> dict:
        """Start keeping, for each program variable the next updates set, the command
        that set it before (None: unset), ``{(program id, ("u" | "a", name)): command}``;
        :meth:`close_journal` stops it. O(changes), whatever the number of programs."""
        journal: dict = {}
        self._journals.append(journal)
        return journal

    def close_journal(self, journal: dict) -> None:
        """Stop filling a :meth:`journal`."""
        self._journals = [j for j in self._journals if j is not journal]


def values_drawn_before_set(commands: Sequence[tuple], start: dict) -> list[tuple]:
    """The commands that give ``commands`` (a frame) the program variables it started
    with, for a page that draws the frame again and again.

    A program drawn several times in a frame with other values (a MultiscaleImage's
    draw per atlas page) sets a variable after a draw that used the value set before
    the frame, which gloo does not record again when unchanged: a replay of the frame
    from the state that its own end left would draw those first draws with the last
    value. ``start`` is a :meth:`GlirState.journal` of the frame (each variable's command
    before it); returned are its commands for each variable that the frame sets only
    after drawing its program (and whose objects the frame does not delete), to put
    before the frame.
    """
    drawn: set[int] = set()
    seen: set[tuple] = set()
    deleted = {c[1] for c in commands if c[0] == Cmd.DELETE}
    out = []
    for cmd in commands:
        name = cmd[0]
        if name == Cmd.DRAW:
            drawn.add(cmd[1])
        elif name in _VARIABLE_CMDS:
            key = ("a" if name in (Cmd.ATTRIBUTE, Cmd.ATTRIBUTE_VALUE) else "u", cmd[2])
            if (cmd[1], key) in seen:
                continue
            seen.add((cmd[1], key))
            before = start.get((cmd[1], key))
            if cmd[1] in drawn and before is not None and cmd[1] not in deleted:
                ref = before[_REFS[before[0]]] if before[0] in _REFS else None
                if ref not in deleted:
                    out.append(before)
    return out


def _buffer_data(obj: dict, cmd: tuple) -> None:
    """Keep a buffer's DATA: the command itself when it covers the whole buffer, else
    the bytes in a copy of the buffer (made at the first partial DATA).

    Ring buffers (``Line.append``) patch a few rows per frame at moving offsets: a list
    of partial commands would grow with every append that no later one covers exactly,
    so the state writes them into one array instead, O(new bytes) each.
    """
    cmds = obj["cmds"]
    size = cmds["size"][2]
    offset, data = cmd[2], cmd[3]
    raw = np.ascontiguousarray(data).view(np.uint8).reshape(-1)
    if offset == 0 and raw.nbytes == size:
        obj.pop("shadow", None)
        cmds["data"] = [cmd]
        return
    shadow = obj.get("shadow")
    if shadow is None:
        shadow = np.zeros(size, np.uint8)
        for old in cmds.get("data", ()):
            done = np.ascontiguousarray(old[3]).view(np.uint8).reshape(-1)
            shadow[old[2] : old[2] + done.nbytes] = done[: max(size - old[2], 0)]
        obj["shadow"] = shadow
        cmds.pop("data", None)
    shadow[offset : offset + raw.nbytes] = raw[: max(size - offset, 0)]


def _texture_data(obj: dict, cmd: tuple) -> bool:
    """Keep a texture's partial DATA in a copy of the texture, as ``_buffer_data`` does
    for buffers (rings of rows in textures, ``RowTexture``); False where the state keeps
    the command as it is instead: data that covers the texture, or that the copy cannot
    hold (another dtype or channel count than the copy's)."""
    offset, data = cmd[2], np.asarray(cmd[3])
    spatial = tuple(obj["cmds"]["size"][2])
    region = data.shape[: len(spatial)]
    if not any(offset) and region == spatial:
        obj.pop("shadow", None)
        return False  # (the command replaces the data kept)
    shadow = obj.get("shadow")
    if shadow is None:
        kept = obj["cmds"].get("data", [])
        whole = [c for c in kept if not any(c[2]) and np.shape(c[3])[: len(spatial)] == spatial]
        if not whole:
            return False  # nothing to copy from: the commands are kept
        base = np.asarray(whole[-1][3])
        shadow = np.array(base.reshape(*spatial, -1))
        for old in kept[kept.index(whole[-1]) + 1 :]:
            if not _write_region(shadow, old[2], np.asarray(old[3])):
                return False
        obj["shadow"] = shadow
        obj["cmds"].pop("data", None)
    if not _write_region(shadow, offset, data):
        obj["cmds"]["data"] = [(Cmd.DATA, obj["create"][1], (0,) * len(spatial), shadow), cmd]
        obj.pop("shadow", None)
    return True


def _write_region(shadow: np.ndarray, offset: tuple, data: np.ndarray) -> bool:
    """Write ``data`` into ``shadow`` at ``offset`` (gloo checked that the region fits);
    False where its dtype or channels differ from the copy's."""
    n = len(offset)
    channels = data.size // max(int(np.prod(data.shape[:n])), 1)
    if data.dtype != shadow.dtype or channels != shadow.shape[-1]:
        return False
    region = tuple(slice(o, o + k) for o, k in zip(offset, data.shape[:n]))
    shadow[region] = data.reshape(*data.shape[:n], channels)
    return True


class GlirContext:
    """The GLIR side of one GL context: a queue and the state it has built."""

    def __init__(self, name: str = "", size: tuple[int, int] = (0, 0)) -> None:
        self.name = name
        self.size = size  # (w, h) of the default framebuffer
        self.queue = GlirQueue()
        self.state = GlirState()
        #: Runs flushed commands (set by whoever owns a GL context, e.g. a
        #: Canvas); returns the replies {request id: array} of READ_PIXELS.
        self.executor: Callable[[list[tuple]], dict] | None = None
        #: Called with every flushed batch (recordings, live viewers).
        self.listeners: list[Callable[[list[tuple]], None]] = []
        self.replies: dict[int, np.ndarray] = {}
        #: The GL state the queued FUNCs set, {state key: FUNC}: gloo's state functions
        #: skip a FUNC that sets a value already set there (emptied at each flush).
        self.recorded_state: dict = {}
        #: the last set_state's resolved commands while no state was recorded since (its
        #: FUNCs all in recorded_state): a set_state of the same ones then records
        #: nothing, at once (each visual of a scene sets its state; most share one)
        self.state_applied: tuple | None = None

    def flush(self) -> list[tuple]:
        """The frame's commands, optimized; the state and listeners see them."""
        self.recorded_state.clear()
        self.state_applied = None
        commands = self.queue.flush()
        self.state.update(commands)
        for listener in list(self.listeners):
            listener(commands)
        return commands

    def execute_pending(self) -> None:
        """Flush and run the queued commands now, through :attr:`executor`."""
        if self.executor is None:
            raise RuntimeError(
                f"{self!r} has no executor: its GLIR goes elsewhere (a browser?), so "
                "results such as pixels arrive asynchronously"
            )
        commands = self.flush()
        if commands:
            self.replies.update(self.executor(commands) or {})

    def new_id(self) -> int:
        """A fresh object id from the process-wide counter gloo objects take theirs from."""
        return new_id()

    def request_pixels(
        self, viewport: tuple[int, int, int, int], fmt: str = "rgba", dtype: str = "uint8"
    ) -> int:
        """Record READ_PIXELS; the reply arrives in :attr:`replies` under the returned id."""
        request = new_id()
        self.queue.append((Cmd.READ_PIXELS, request, tuple(viewport), fmt, dtype))
        return request

    def __enter__(self) -> GlirContext:
        stack = _stack()
        stack.append(self)
        return self

    def __exit__(self, *exc) -> None:
        _stack().pop()

    def __repr__(self) -> str:
        return f"<GlirContext {self.name!r} queued={len(self.queue)} objects={len(self.state)}>"


def _stack() -> list:
    try:
        return _local.stack
    except AttributeError:
        _local.stack = []
        return _local.stack


def set_last_context(context: GlirContext | None) -> None:
    """Name the context of the canvas made last in this thread (None: none).

    gloo's state functions (``set_clear_color``, ``set_viewport``, ``set_state``,
    ``clear``...) called while no context is current record into it, as vispy's
    record into its current canvas: state set in a Canvas subclass's ``__init__``
    needs no ``with self:``. GL objects do not join it: they join the context
    current at their first command, or the first that draws them.
    """
    _local.last = None if context is None else weakref.ref(context)


def last_context() -> GlirContext | None:
    """The context given to :func:`set_last_context` in this thread, while it lives."""
    ref = getattr(_local, "last", None)
    return None if ref is None else ref()


def get_current_context() -> GlirContext | None:
    """The context that gloo state functions record into, or None."""
    stack = _stack()
    return stack[-1] if stack else None


def set_current_context(context: GlirContext | None) -> None:
    """Make ``context`` current in this thread (replaces the top of the stack)."""
    stack = _stack()
    if stack:
        stack.pop()
    if context is not None:
        stack.append(context)
