"""ChainTransform: a composition of transforms, its inverse and its simplification.

``ChainTransform([f, g, h])`` is the mathematical composition f ∘ g ∘ h: h is
applied first. ``f * g * h`` builds the same chain. Nested chains are
flattened; the list of components is fixed once built (a different list is a
different chain, with different GLSL), while the components' parameters stay
live: the chain forwards their ``changed`` signals and its GLSL is a
:class:`glframe.shaders.FunctionChain` of their own Functions, so a changed
parameter is still only a uniform update.

``chain.simplified()`` is a snapshot for mapping static data on the CPU:
adjacent linear components fold into one matrix (an ``STTransform`` when they
are all scale-and-translate), identities vanish.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from ._base import BaseTransform
from ._linear import MatrixTransform, NullTransform, STTransform

if TYPE_CHECKING:
    from ..shaders import Function, FunctionChain

__all__ = ["ChainTransform"]


class ChainTransform(BaseTransform):
    """The composition of ``transforms``, in mathematical order (the last applies first).

    Parameters
    ----------
    transforms
        Transforms (chains among them are flattened into this one).

    Examples
    --------
    >>> import numpy as np
    >>> from glframe.transforms import LogTransform, PolarTransform, STTransform
    >>> scale = STTransform(scale=(np.pi / 2, 1))
    >>> chain = PolarTransform() * LogTransform(base=(0, 10)) * scale
    >>> chain.map([1.0, 100.0]).round(12)     # theta = pi/2, r = log10(100)
    array([0., 2.])
    >>> chain.imap([0.0, 2.0]).round(12)
    array([  1., 100.])
    >>> chain.inverse.transforms[0] is scale.inverse
    True
    """

    def __init__(self, transforms: Iterable[BaseTransform] = ()) -> None:
        super().__init__()
        flat: list[BaseTransform] = []
        for t in transforms:
            if not isinstance(t, BaseTransform):
                raise TypeError(f"ChainTransform takes transforms, not {t!r}")
            flat.extend(t.transforms if isinstance(t, ChainTransform) else [t])
        self._transforms = tuple(flat)
        for t in self._transforms:
            t.changed.connect(self._forward)

    @property
    def transforms(self) -> tuple[BaseTransform, ...]:
        """The components, outermost first (the last one applies first)."""
        return self._transforms

    def __len__(self) -> int:
        return len(self._transforms)

    def __iter__(self) -> Iterator[BaseTransform]:
        return iter(self._transforms)

    def _forward(self, _source: BaseTransform) -> None:
        self.changed.emit()

    # ---- flags ----------------------------------------------------------------------------
    linear = property(lambda self: all(t.linear for t in self._transforms))
    separable = property(lambda self: all(t.separable for t in self._transforms))
    isotropic = property(lambda self: all(t.isotropic for t in self._transforms))
    nonscaling = property(lambda self: all(t.nonscaling for t in self._transforms))
    projective = property(lambda self: any(t.projective for t in self._transforms))

    @property
    def orthogonal(self) -> bool:
        # Follow the image of the x-y grid in application order: while every step so
        # far was separable, the grid is still axis-aligned lines and the next step
        # needs only to be orthogonal; once it is curved, only isotropic steps (which
        # keep every angle) keep its crossings square.
        aligned, square = True, True
        for t in reversed(self._transforms):
            if aligned:
                square, aligned = t.orthogonal, t.separable
            else:
                square = square and t.isotropic
            if not square:
                return False
        return True

    # ---- mapping --------------------------------------------------------------------------
    def _map(self, pos: np.ndarray) -> np.ndarray:
        for t in reversed(self._transforms):
            pos = t._map(pos)
        return pos

    def _imap(self, pos: np.ndarray) -> np.ndarray:
        for t in self._transforms:
            pos = t._imap(pos)
        return pos

    @property
    def inverse(self) -> ChainTransform:
        """The reversed chain of the components' inverses (live, like them)."""
        if self._inverse is None:
            self._inverse = ChainTransform([t.inverse for t in reversed(self._transforms)])
            self._inverse._inverse = self
        return self._inverse

    # ---- GLSL -------------------------------------------------------------------------------
    def _function(self, which: str) -> Function | FunctionChain:
        fn = self._functions.get(which)
        if fn is None:
            from ..shaders import FunctionChain

            if which == "map":  # FunctionChain applies its first function first
                parts = [t.glsl_map for t in reversed(self._transforms)]
            else:
                parts = [t.glsl_imap for t in self._transforms]
            fn = FunctionChain(f"chain_transform_{which}", parts, gtype="vec4")
            self._functions[which] = fn
        return fn

    # ---- simplification ---------------------------------------------------------------------
    def simplified(self) -> ChainTransform:
        """A new chain that maps like this one, with runs of linear components folded.

        A run of adjacent linear components becomes one ``MatrixTransform`` (an
        ``STTransform`` when every one is a scale-and-translate); identities
        are dropped. Folded components are a *snapshot*: later changes to the
        originals do not reach them. A component left on its own (nonlinear,
        or alone in its run) is the same object, still live.
        """
        out: list[BaseTransform] = []
        run: list[BaseTransform] = []

        def flush() -> None:
            members = [t for t in run if not isinstance(t, NullTransform)]
            if len(members) == 1:
                out.append(members[0])
            elif members:
                out.append(_fold(members))
            run.clear()

        for t in self._transforms:
            if t.linear:
                run.append(t)
            else:
                flush()
                out.append(t)
        flush()
        return ChainTransform(out)

    def _matrix(self) -> np.ndarray:
        matrix = np.eye(4)
        for t in self._transforms:
            matrix = matrix @ t._matrix()
        return matrix

    def _st(self) -> tuple[np.ndarray, np.ndarray] | None:
        sts = [t._st() for t in self._transforms]
        return None if any(st is None for st in sts) else _compose_st(sts)

    def __repr__(self) -> str:
        inner = ", ".join(repr(t) for t in self._transforms)
        return f"<ChainTransform [{inner}]>"


def _fold(members: list[BaseTransform]) -> BaseTransform:
    """One transform for a run of linear ones (outermost first)."""
    sts = [t._st() for t in members]
    if all(st is not None for st in sts):
        scale, translate = _compose_st(sts)
        return STTransform(scale=scale, translate=translate)
    matrix = np.eye(4)
    for t in members:
        matrix = matrix @ t._matrix()
    return MatrixTransform(matrix)


def _compose_st(sts: list) -> tuple[np.ndarray, np.ndarray]:
    """(scale, translate) of a composition of scale-and-translates, outermost first."""
    scale, translate = np.ones(3), np.zeros(3)
    for s, t in reversed(sts):  # innermost first: x -> s*x + t, then the next
        scale, translate = s * scale, s * translate + t
    return scale, translate
