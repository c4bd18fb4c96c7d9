"""Node: an element of the scene graph.

A node has a parent, ordered children, a transform to its parent's
coordinates, ``visible``, a draw ``order`` and a ``name``. The transform from a
node to any ancestor is a :class:`~glframe.transforms.ChainTransform` built
once and cached; it is rebuilt only when the path changes (a node re-parented
on the way). Changing a transform's parameters needs no rebuild: the chain
maps through its live components, and on the GPU they are uniforms.

Anything that changes what is drawn calls :meth:`Node.update`, which asks the
canvas for a redraw. A node's attribute set is closed once it is made
(:class:`~glframe.scene._reactive.Sealed`): a misspelt attribute raises.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from ..transforms import BaseTransform, ChainTransform, NullTransform
from ._reactive import Sealed

if TYPE_CHECKING:
    from ._view import View

__all__ = ["Node"]


class Node(Sealed):
    """A node of the scene graph.

    Parameters
    ----------
    parent
        The parent node (``view.scene`` for the top of a view's scene).
    transform
        Maps this node's coordinates to its parent's (default: identity).
    name, visible, order
        A label, whether it (and its children) are drawn, and the draw order
        among siblings (lower first).

    Examples
    --------
    >>> from glframe.transforms import STTransform
    >>> root = Node(name="root")
    >>> child = Node(parent=root, transform=STTransform(scale=(2, 2)))
    >>> child.map_to(root, [[1.0, 1.0]])
    array([[2., 2.]])
    """

    def __init__(
        self,
        parent: Node | None = None,
        *,
        transform: BaseTransform | None = None,
        name: str | None = None,
        visible: bool = True,
        order: int = 0,
    ) -> None:
        self._parent: Node | None = None
        self._children: list[Node] = []
        self._transform: BaseTransform = NullTransform()
        self._chains: dict[int, ChainTransform] = {}  # id(ancestor) -> chain to it
        self.name = name or type(self).__name__
        self._visible = visible
        self._order = order
        self._view: View | None = None  # set on a view's root node
        self.transform = transform if transform is not None else NullTransform()
        self.parent = parent

    # ---- tree ---------------------------------------------------------------------
    @property
    def parent(self) -> Node | None:
        """The parent node (None for a root); setting it moves the node, with its children."""
        return self._parent

    @parent.setter
    def parent(self, parent: Node | None) -> None:
        if parent is self._parent:
            return
        node = parent
        while node is not None:
            if node is self:
                raise ValueError(f"{self!r} cannot be a descendant of itself")
            node = node._parent
        if self._parent is not None:
            self._parent._children.remove(self)
            self._parent.update()
        self._parent = parent
        if parent is not None:
            parent._children.append(self)
        self._path_changed()
        self.update()

    @property
    def children(self) -> list[Node]:
        """The child nodes, in the order they were added (a copy)."""
        return list(self._children)

    @property
    def root(self) -> Node:
        """The top of the tree this node is in."""
        node = self
        while node._parent is not None:
            node = node._parent
        return node

    @property
    def view(self) -> View | None:
        """The view whose scene holds this node, if any."""
        return self.root._view

    def walk(self, *, visible_only: bool = False) -> Iterator[Node]:
        """This node and its descendants, depth first, children by draw order."""
        if visible_only and not self._visible:
            return
        yield self
        for child in sorted(self._children, key=lambda c: c._order):
            yield from child.walk(visible_only=visible_only)

    def _path_changed(self) -> None:
        for node in self.walk():
            node._chains.clear()
            node._on_path_changed()

    def _on_path_changed(self) -> None:
        """Hook for visuals: the chain to the scene root changed structure."""

    # ---- properties -------------------------------------------------------------------
    @property
    def transform(self) -> BaseTransform:
        """Maps this node's coordinates to its parent's."""
        return self._transform

    @transform.setter
    def transform(self, transform: BaseTransform) -> None:
        if not isinstance(transform, BaseTransform):
            raise TypeError(f"{self!r}: transform must be a BaseTransform, not {transform!r}")
        self._transform.changed.disconnect(self._transform_changed)
        self._transform = transform
        transform.changed.connect(self._transform_changed)
        self._path_changed()
        self.update()

    def _transform_changed(self, _transform: BaseTransform) -> None:
        self.update()

    @property
    def visible(self) -> bool:
        """Whether this node and its children are drawn."""
        return self._visible

    @visible.setter
    def visible(self, value: bool) -> None:
        self._visible = bool(value)
        self.update()

    @property
    def order(self) -> int:
        """Draw order among siblings (lower first)."""
        return self._order

    @order.setter
    def order(self, value: int) -> None:
        self._order = int(value)
        self.update()

    def update(self) -> None:
        """Ask for a redraw of the canvas showing this node."""
        view = self.view
        if view is not None:
            view.update()

    # ---- coordinates -----------------------------------------------------------------
    def path_to(self, ancestor: Node) -> list[Node]:
        """Nodes from this one up to (not including) ``ancestor``."""
        path, node = [], self
        while node is not ancestor:
            if node is None:
                raise ValueError(f"{ancestor!r} is not an ancestor of {self!r}")
            path.append(node)
            node = node._parent
        return path

    def transform_to(self, ancestor: Node | None = None) -> ChainTransform:
        """This node's coordinates to ``ancestor``'s (default: the root's); cached."""
        ancestor = ancestor if ancestor is not None else self.root
        chain = self._chains.get(id(ancestor))
        if chain is None:
            # ChainTransform([a, b]) is a ∘ b: the nearest node's transform goes last.
            transforms = [n.transform for n in reversed(self.path_to(ancestor))]
            chain = self._chains[id(ancestor)] = ChainTransform(transforms)
        return chain

    def map_to(self, other: Node, points: ArrayLike) -> np.ndarray:
        """Map points from this node's coordinates to ``other``'s (same tree)."""
        root = self.root
        if other.root is not root:
            raise ValueError(f"{self!r} and {other!r} are not in the same scene")
        return other.transform_to(root).imap(self.transform_to(root).map(points))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"
