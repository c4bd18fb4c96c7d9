"""Signal: the list of callbacks a transform calls when its parameters change.

Scene nodes and chains connect to it to invalidate what they derived from a
transform (CPU-mapped vertices, bounds, a chain's own ``changed``). Callbacks
receive the transform whose signal fired. Bound methods are held through weak
references, so a listener (a chain, a node) that is otherwise forgotten is
collected and silently dropped; plain functions are held strongly.
"""

from __future__ import annotations

import types
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._base import BaseTransform

__all__ = ["Signal"]


class Signal:
    """A list of callbacks, called with the transform that changed.

    Bound methods are held weakly (a chain that forwards its children's changes
    does not stay alive because of them); plain functions are held strongly.

    Examples
    --------
    >>> from glframe.transforms import STTransform
    >>> st = STTransform()
    >>> seen = []
    >>> _ = st.changed.connect(seen.append)
    >>> st.scale = (2, 2)
    >>> seen == [st]
    True
    """

    def __init__(self, owner: BaseTransform) -> None:
        self._owner = weakref.ref(owner)
        self._callbacks: list[Any] = []

    def connect(self, callback: Callable[[BaseTransform], Any]) -> Callable:
        """Call ``callback(transform)`` on every change; returns ``callback``."""
        if isinstance(callback, types.MethodType):
            ref: Any = weakref.WeakMethod(callback)
        else:
            ref = _Strong(callback)
        self._callbacks.append(ref)
        return callback

    def disconnect(self, callback: Callable) -> None:
        """Stop calling ``callback`` (no error if it was not connected)."""
        self._callbacks = [r for r in self._callbacks if r() not in (None, callback)]

    def emit(self) -> None:
        """Call every live callback with the owner."""
        owner = self._owner()
        alive = []
        for ref in list(self._callbacks):
            callback = ref()
            if callback is None:
                continue
            alive.append(ref)
            callback(owner)
        if len(alive) != len(self._callbacks):
            self._callbacks = [r for r in self._callbacks if r() is not None]

    def __len__(self) -> int:
        return sum(1 for r in self._callbacks if r() is not None)


class _Strong:
    __slots__ = ("callback",)

    def __init__(self, callback: Callable) -> None:
        self.callback = callback

    def __call__(self) -> Callable:
        return self.callback
