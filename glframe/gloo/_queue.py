"""GlirQueue: where gloo objects append commands, flushed once per frame.

Appending is safe from any thread (one lock, held only to append or swap the
list). :meth:`GlirQueue.flush` returns the frame's commands with those dropped
that cannot change what is drawn (see :func:`optimize`), so they never reach an
interpreter or cross a wire.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence

from .glir import Cmd

__all__ = ["GlirQueue", "optimize"]


class GlirQueue:
    """A thread-safe list of GLIR commands, emptied by :meth:`flush`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._commands: list[tuple] = []
        # Deletions queued by __del__ (which may run in any thread, at any
        # allocation, even while this queue's lock is held): deque.append is
        # atomic, so no lock is taken there.
        self._deletions: deque = deque()

    def append(self, command: tuple) -> None:
        with self._lock:
            self._commands.append(command)

    def extend(self, commands: Sequence[tuple]) -> None:
        with self._lock:
            self._commands.extend(commands)

    def append_deletion(self, object_id: int) -> None:
        """Queue a DELETE from a finalizer (lock-free)."""
        self._deletions.append(object_id)

    @property
    def commands(self) -> list[tuple]:
        """A copy of the commands queued so far (for tests and inspection)."""
        with self._lock:
            return list(self._commands)

    def __len__(self) -> int:
        return len(self._commands)

    def flush(self, *, optimize_: bool = True) -> list[tuple]:
        """Take every queued command, optimized unless ``optimize_`` is False."""
        with self._lock:
            commands, self._commands = self._commands, []
        while self._deletions:
            commands.append((Cmd.DELETE, self._deletions.popleft()))
        return optimize(commands) if optimize_ else commands


def _contains(outer: tuple, inner: tuple) -> bool:
    """Whether the box ``inner`` (start, stop per axis) lies inside ``outer``."""
    return all(o0 <= i0 and i1 <= o1 for (o0, o1), (i0, i1) in zip(outer, inner))


def _data_box(command: tuple) -> tuple:
    """The region a DATA command writes: bytes of a buffer, texels of a texture."""
    offset, data = command[2], command[3]
    if isinstance(offset, int):
        return ((offset, offset + data.nbytes),)
    ndim = len(offset)
    return tuple((o, o + n) for o, n in zip(offset, data.shape[:ndim]))


# Commands after which earlier data may have been used.
_BARRIERS = (Cmd.DRAW, Cmd.READ_PIXELS)
# After these, a texture may have been rendered into: earlier sizes matter.
_TARGET_CHANGES = (Cmd.FRAMEBUFFER, Cmd.ATTACH)
# Commands whose first argument after the id names another object.
_REFS = {Cmd.ATTRIBUTE: 4, Cmd.TEXTURE: 3, Cmd.ATTACH: 3}


def optimize(commands: list[tuple]) -> list[tuple]:
    """Drop commands that cannot change what is drawn.

    - Objects created and deleted in the same batch, with no draw in between and
      not referenced by another object, vanish with all their commands.
    - A UNIFORM, TEXTURE, ATTRIBUTE or ATTRIBUTE_VALUE is dropped when the same
      program variable is set again before the program's next DRAW.
    - A DATA is dropped when a later DATA covers its whole region, or a later
      SIZE reallocates the object, before the next DRAW or READ_PIXELS.
    - A SIZE is dropped when a later SIZE of the same object comes before the
      next DRAW or READ_PIXELS; so are WRAPPING and INTERPOLATION set twice.
    - A SHADERS is dropped when the same program gets SHADERS again before its
      next DRAW (a visual whose constants change at its first draw links once:
      10,000 new Markers without edges each linked a program they never drew).

    Relative order of the kept commands is unchanged.
    """
    if len(commands) < 2:
        return commands
    transient = _transient_objects(commands)
    keep = [True] * len(commands)
    later_vars: dict[int, set] = {}  # program id -> variables set later
    later_boxes: dict[int, list] = {}  # object id -> regions written later
    resized: set[int] = set()
    later_params: set[tuple] = set()  # (id, WRAPPING | INTERPOLATION)
    later_shaders: set[int] = set()  # programs given SHADERS later, before a DRAW
    for i in range(len(commands) - 1, -1, -1):
        cmd = commands[i]
        name = cmd[0]
        if transient and len(cmd) > 1 and cmd[1] in transient:
            keep[i] = False
        elif name == Cmd.DRAW:
            later_vars.pop(cmd[1], None)
            later_shaders.discard(cmd[1])
            later_boxes.clear()
            resized.clear()
            later_params.clear()
        elif name == Cmd.READ_PIXELS or name in _TARGET_CHANGES:
            later_boxes.clear()
            resized.clear()
        elif name in (Cmd.UNIFORM, Cmd.TEXTURE, Cmd.ATTRIBUTE, Cmd.ATTRIBUTE_VALUE):
            # ATTRIBUTE and ATTRIBUTE_VALUE of one name replace each other.
            key = ("a" if name in (Cmd.ATTRIBUTE, Cmd.ATTRIBUTE_VALUE) else "u", cmd[2])
            seen = later_vars.setdefault(cmd[1], set())
            if key in seen:
                keep[i] = False
            else:
                seen.add(key)
        elif name == Cmd.DATA:
            oid = cmd[1]
            box = _data_box(cmd)
            if oid in resized or any(_contains(b, box) for b in later_boxes.get(oid, ())):
                keep[i] = False
            else:
                later_boxes.setdefault(oid, []).append(box)
        elif name == Cmd.SIZE:
            if cmd[1] in resized:
                keep[i] = False
            resized.add(cmd[1])
            later_boxes.pop(cmd[1], None)
        elif name in (Cmd.WRAPPING, Cmd.INTERPOLATION):
            key = (cmd[1], name)
            if key in later_params:
                keep[i] = False
            later_params.add(key)
        elif name == Cmd.SHADERS:
            if cmd[1] in later_shaders:
                keep[i] = False
            later_shaders.add(cmd[1])
        elif name == Cmd.DELETE:
            later_vars.pop(cmd[1], None)
            later_boxes.pop(cmd[1], None)
            resized.discard(cmd[1])
            later_shaders.discard(cmd[1])
    return [c for c, k in zip(commands, keep) if k]


def _transient_objects(commands: list[tuple]) -> set[int]:
    """Ids created and deleted in this batch with no barrier or reference between."""
    # the ids created since the last barrier and not referenced: a barrier clears them
    # all at once (marking each one, a frame of 5000 new visuals took 2.6 s here)
    candidates: set[int] = set()
    result = set()
    for cmd in commands:
        name = cmd[0]
        if name == Cmd.CREATE:
            candidates.add(cmd[1])
        elif name in _BARRIERS or name == Cmd.FRAMEBUFFER:
            candidates.clear()
        elif name in _REFS:
            candidates.discard(cmd[_REFS[name]])
        elif name == Cmd.DELETE and cmd[1] in candidates:
            candidates.remove(cmd[1])
            result.add(cmd[1])
    return result
