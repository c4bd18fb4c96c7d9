"""GLObject: the base of every gloo object (buffers, textures, programs, ...).

An object records commands; it never calls GL. Its life cycle is explicit:
``delete()`` records DELETE and makes further use raise; an object that is
garbage-collected queues its DELETE (lock-free, see GlirQueue). An object
records into the context current when it records its first command after
creation; made while none is current, it keeps its commands until it is first
used in one. An object belongs to one context only.
"""

from __future__ import annotations

from collections.abc import Iterable

from ._context import GlirContext, get_current_context, new_id
from .glir import Cmd

__all__ = ["GLObject", "DeletedObjectError"]


class DeletedObjectError(RuntimeError):
    """Use of a gloo object after its ``delete()``."""


class GLObject:
    """Base class: an id, a context, and a way to record commands."""

    _kind = ""  # the GLIR class name, set by subclasses

    def __init__(self) -> None:
        self._id = new_id()
        self._deleted = False
        self._context: GlirContext | None = None
        self._pending: list[tuple] | None = [(Cmd.CREATE, self._id, self._kind)]

    @property
    def id(self) -> int:
        """The object's GLIR id (unique in the process)."""
        return self._id

    @property
    def context(self) -> GlirContext | None:
        """The context this object records into (None until first used)."""
        return self._context

    def _glir(self, name: Cmd, *args) -> None:
        if self._deleted:
            raise DeletedObjectError(f"{self!r} was deleted and cannot be used")
        if self._context is None:
            # Join the current context, if any, at the first command.
            ctx = get_current_context()
            if ctx is None:
                self._pending.append((name, self._id, *args))
                return
            self._activate(ctx)
        self._context.queue.append((name, self._id, *args))

    def _dependencies(self) -> Iterable[GLObject]:
        """Objects this one refers to (activated with it)."""
        return ()

    def _activate(self, context: GlirContext) -> None:
        """Attach to ``context``, sending what was recorded before."""
        if self._context is context:
            return
        if self._deleted:
            raise DeletedObjectError(f"{self!r} was deleted and cannot be used")
        if self._context is not None:
            raise RuntimeError(
                f"{self!r} belongs to {self._context!r} and cannot be used in {context!r}: "
                "GL objects are not shared between canvases; make one per canvas"
            )
        self._context = context
        for dep in self._dependencies():
            dep._activate(context)
        context.queue.extend(self._pending)
        self._pending = None

    def _use(self, other: GLObject) -> None:
        """Record that this object now refers to ``other``."""
        if other._deleted:
            raise DeletedObjectError(f"{other!r} was deleted and cannot be used")
        if self._context is not None:
            other._activate(self._context)

    def delete(self) -> None:
        """Delete the GL object; using it afterwards raises DeletedObjectError."""
        if self._deleted:
            return
        if self._context is not None:
            self._context.queue.append((Cmd.DELETE, self._id))
        self._deleted = True
        self._pending = None

    def __del__(self) -> None:
        try:
            if not self._deleted and self._context is not None:
                self._context.queue.append_deletion(self._id)
        except Exception:  # interpreter shutdown: nothing left to tell
            pass

    def __repr__(self) -> str:
        state = " deleted" if self._deleted else ""
        return f"<{type(self).__name__} id={self._id}{state}>"
