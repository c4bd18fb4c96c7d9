"""ShaderObject: what can be bound to a placeholder, and how structure changes travel.

Objects form a graph (a Function binds Variables, other Functions, ...). A
change of structure (a new binding, a constant's value) is passed up to every
ModularProgram above, which recompiles at its next draw; value changes are not
structure and never travel this way.
"""

from __future__ import annotations

import weakref


class ShaderObject:
    """Base of Variable, Varying, Function, FunctionCall and FunctionChain."""

    def __init__(self) -> None:
        self._parents: weakref.WeakSet[ShaderObject] = weakref.WeakSet()

    def _add_parent(self, parent: ShaderObject) -> None:
        self._parents.add(parent)

    def _remove_parent(self, parent: ShaderObject) -> None:
        self._parents.discard(parent)

    def _structure_changed(self) -> None:
        for parent in list(self._parents):
            parent._structure_changed()

    def dependencies(self) -> list[ShaderObject]:
        """Objects this one needs in the compiled code, in a deterministic order."""
        return []
