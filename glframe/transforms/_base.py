"""The transform protocol: coordinates, flags, the ``changed`` signal, GLSL functions.

Every transform maps points both ways on two sides:

- on the CPU, ``map``/``imap`` take an (N, d) array-like (d in 2..4) or a
  single point of shape (d,). Points are copied into homogeneous 4D (z=0,
  w=1) and handed to the subclass's ``_map``/``_imap`` as an (N, 4) float64
  array stored column by column (``empty_points``), which they may overwrite:
  a chain passes one array through all its steps. The result goes back to
  shape (N, d), divided by w when the transform is projective. A 4-column
  input is treated as homogeneous and returned homogeneous, undivided. The
  caller's array is never modified.
- on the GPU, ``glsl_map``/``glsl_imap`` are :class:`glframe.shaders.Function`
  objects defining ``vec4 f(vec4 pos)`` on homogeneous coordinates, loaded
  from ``glframe/transforms/glsl/*.glsl``. Parameters are uniform
  :class:`~glframe.shaders.Variable` objects bound to the snippet's
  ``$placeholders``: changing a parameter sets a Variable's value (a UNIFORM
  update) and never changes the GLSL. The Functions are built on first use,
  so CPU-only code never touches the shader layer.

Nonlinear transforms act on the Cartesian point (x/w, y/w, z/w) and return
w = 1; linear ones act on the homogeneous vector, so a projective matrix keeps
its w until the end.

Limits: points with w = 0 (at infinity) are not handled by nonlinear
transforms; parameters are float64 on the CPU and float32 on the GPU.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from ._signal import Signal

if TYPE_CHECKING:
    from ..shaders import Function

__all__ = ["BaseTransform", "InverseTransform"]


# ---- coordinates -------------------------------------------------------------------------


def empty_points(n: int) -> np.ndarray:
    """An uninitialised (n, 4) float64 array stored column by column.

    Transforms work on whole coordinates (all x, then all y, ...); with each
    column contiguous, numpy runs them at memory speed, where the row-major
    layout's inner dimension of 4 costs a loop iteration per point.
    """
    return np.empty((4, n)).T


def to_homogeneous(coords: ArrayLike) -> tuple[np.ndarray, int, bool]:
    """A private (N, 4) float64 copy in homogeneous coordinates, the input dimension, and
    whether the input was a single point."""
    arr = np.asarray(coords, dtype=np.float64)
    single = arr.ndim == 1
    if single:
        arr = arr[np.newaxis]
    if arr.ndim != 2 or not 2 <= arr.shape[1] <= 4:
        raise ValueError(
            f"transforms map arrays of shape (N, d) or (d,) with d in 2..4, not {np.shape(coords)}"
        )
    dim = arr.shape[1]
    pos = empty_points(arr.shape[0])
    pos[:, :dim] = arr
    if dim < 4:
        pos[:, dim:3] = 0.0
        pos[:, 3] = 1.0
    return pos, dim, single


def from_homogeneous(pos: np.ndarray, dim: int, single: bool, projective: bool) -> np.ndarray:
    """Back to the caller's shape: divide by w (projective only) unless ``dim`` is 4."""
    if dim == 4:
        out = pos
    elif projective:
        out = pos[:, :dim] / pos[:, 3:4]
    else:
        out = pos[:, :dim]
    return out[0] if single else out


def make_cartesian(pos: np.ndarray) -> np.ndarray:
    """Divide x, y, z by w in place (when some w != 1) and set w = 1; returns ``pos``."""
    w = pos[:, 3]
    if not np.all(w == 1.0):
        pos[:, :3] /= pos[:, 3:4]
        w[:] = 1.0
    return pos


def vec3(value: ArrayLike, fill: float, name: str, *, broadcast: bool = False) -> np.ndarray:
    """A parameter of 1 to 3 components padded to 3 with ``fill``.

    With ``broadcast``, a single value applies to all three (a uniform scale).
    """
    arr = np.asarray(value, dtype=np.float64).ravel()
    if not 1 <= arr.size <= 3:
        raise ValueError(f"{name} takes 1 to 3 values, not {value!r}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite, not {value!r}")
    if broadcast and arr.size == 1:
        return np.repeat(arr, 3)
    return np.concatenate([arr, np.full(3 - arr.size, fill)])


# ---- the base class ---------------------------------------------------------------------


class BaseTransform:
    """A bijection with a numpy side (``map``, ``imap``) and a GLSL side (``glsl_map``, ...).

    Subclasses implement ``_map`` and ``_imap`` on (N, 4) homogeneous float64
    arrays (a private copy made by ``map``, which they may overwrite and
    return: in a chain, one array travels through every step), name their
    GLSL snippets in ``_glsl_names`` (map, imap) and return their uniform
    values from ``_uniforms(which)``; a parameter setter calls ``_update()``,
    which refreshes the uniforms and emits ``changed``.

    Flags (class attributes, or properties when they depend on parameters):

    - ``linear``: a 4x4 matrix on homogeneous coordinates (lines stay lines);
    - ``separable``: each output axis depends only on the same input axis;
    - ``orthogonal``: x and y grid lines map to curves that cross at right angles;
    - ``isotropic``: locally scales every direction of the x-y plane equally;
    - ``nonscaling``: locally preserves lengths in the x-y plane;
    - ``projective``: the output w can differ from 1 (map divides for d < 4).

    Examples
    --------
    >>> from glframe.transforms import MatrixTransform, PolarTransform, STTransform
    >>> sorted(name for name, value in STTransform(scale=(2, 2)).flags().items() if value)
    ['isotropic', 'linear', 'orthogonal', 'separable']
    >>> chain = MatrixTransform().rotate(45) * PolarTransform()
    >>> chain.linear, chain.orthogonal        # a rotation keeps the polar grid square
    (False, True)
    >>> chain.inverse.map(chain.map([0.5, 2.0])).round(12)
    array([0.5, 2. ])
    """

    linear: bool = False
    separable: bool = False
    orthogonal: bool = False
    isotropic: bool = False
    nonscaling: bool = False
    projective: bool = False

    #: snippet names (under glframe/transforms/glsl/) of the map and imap functions
    _glsl_names: tuple[str, str] = ("null", "null")

    def __init__(self) -> None:
        self.changed = Signal(self)
        self._functions: dict[str, Function] = {}
        self._variables: dict[str, dict[str, Any]] = {"map": {}, "imap": {}}
        self._inverse: InverseTransform | None = None

    # ---- numpy side ------------------------------------------------------------------
    def map(self, coords: ArrayLike) -> np.ndarray:
        """Map (N, d) points (or one point of shape (d,)), d in 2..4; see the module docstring."""
        pos, dim, single = to_homogeneous(coords)
        return from_homogeneous(self._map(pos), dim, single, self.projective)

    def imap(self, coords: ArrayLike) -> np.ndarray:
        """The inverse of :meth:`map`, same conventions."""
        pos, dim, single = to_homogeneous(coords)
        return from_homogeneous(self._imap(pos), dim, single, self.projective)

    def _map(self, pos: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _imap(self, pos: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    # ---- GLSL side -------------------------------------------------------------------
    @property
    def glsl_map(self) -> Function:
        """``vec4 f(vec4 pos)``, this transform in GLSL; parameters are uniforms."""
        return self._function("map")

    @property
    def glsl_imap(self) -> Function:
        """``vec4 f(vec4 pos)``, the inverse in GLSL."""
        return self._function("imap")

    def _uniforms(self, which: str) -> dict[str, tuple[str, str, Any]]:
        """``{placeholder: (uniform name, GLSL type, value)}`` for "map" or "imap"."""
        return {}

    def _function(self, which: str) -> Function:
        fn = self._functions.get(which)
        if fn is None:
            from ..shaders import Variable, load_function

            name = self._glsl_names[0 if which == "map" else 1]
            fn = load_function(name, package="glframe.transforms")
            for key, (uname, gtype, value) in self._uniforms(which).items():
                variable = Variable(uname, value, gtype=gtype)
                self._variables[which][key] = variable
                fn[key] = variable
            self._functions[which] = fn
        return fn

    def _update(self) -> None:
        """Parameters changed: set the uniforms of the Functions built so far, emit ``changed``."""
        for which, variables in self._variables.items():
            if variables:
                for key, (_, _, value) in self._uniforms(which).items():
                    variables[key].value = value
        self.changed.emit()

    # ---- algebra ---------------------------------------------------------------------
    @property
    def inverse(self) -> BaseTransform:
        """A transform whose map is this one's imap (live: it shares the parameters)."""
        if self._inverse is None:
            self._inverse = InverseTransform(self)
        return self._inverse

    def __mul__(self, other: BaseTransform) -> BaseTransform:
        """``a * b`` is the composition a ∘ b: b is applied first."""
        if not isinstance(other, BaseTransform):
            return NotImplemented
        from ._chain import ChainTransform

        return ChainTransform([self, other])

    # Linear transforms define these two: simplification folds them.
    def _matrix(self) -> np.ndarray:
        """The 4x4 matrix (math convention, ``M @ p``) of a linear transform."""
        raise TypeError(f"{type(self).__name__} is not linear")

    def _st(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(scale, translate) when this is a scale-and-translate, else None."""
        return None

    def flags(self) -> dict[str, bool]:
        """Every flag by name."""
        names = ("linear", "separable", "orthogonal", "isotropic", "nonscaling", "projective")
        return {name: bool(getattr(self, name)) for name in names}

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class InverseTransform(BaseTransform):
    """The inverse of a transform, sharing its parameters (``t.inverse``).

    Its map is the base's imap and the other way round, on both sides; changes
    of the base are forwarded to its ``changed`` signal. ``t.inverse.inverse``
    is ``t``.

    Examples
    --------
    >>> from glframe.transforms import STTransform
    >>> st = STTransform(scale=(2, 4))
    >>> st.inverse.map([2.0, 4.0])
    array([1., 1.])
    >>> st.scale = (1, 1)              # the inverse follows
    >>> st.inverse.map([2.0, 4.0])
    array([2., 4.])
    """

    def __init__(self, base: BaseTransform) -> None:
        super().__init__()
        self.base = base
        self._inverse = base
        base.changed.connect(self._forward)

    def _forward(self, _source: BaseTransform) -> None:
        self.changed.emit()

    linear = property(lambda self: self.base.linear)
    separable = property(lambda self: self.base.separable)
    isotropic = property(lambda self: self.base.isotropic)
    nonscaling = property(lambda self: self.base.nonscaling)
    projective = property(lambda self: self.base.projective)

    @property
    def orthogonal(self) -> bool:
        base = self.base
        if base.linear:
            return matrix_flags(self._matrix())["orthogonal"]
        # Grid lines come back as the base's grid only when the base keeps them aligned
        # (separable) or keeps every angle (isotropic).
        return base.orthogonal and (base.separable or base.isotropic)

    def map(self, coords: ArrayLike) -> np.ndarray:
        return self.base.imap(coords)

    def imap(self, coords: ArrayLike) -> np.ndarray:
        return self.base.map(coords)

    def _map(self, pos: np.ndarray) -> np.ndarray:
        return self.base._imap(pos)

    def _imap(self, pos: np.ndarray) -> np.ndarray:
        return self.base._map(pos)

    @property
    def glsl_map(self) -> Function:
        return self.base.glsl_imap

    @property
    def glsl_imap(self) -> Function:
        return self.base.glsl_map

    def _matrix(self) -> np.ndarray:
        return np.linalg.inv(self.base._matrix())

    def _st(self) -> tuple[np.ndarray, np.ndarray] | None:
        st = self.base._st()
        if st is None:
            return None
        scale, translate = st
        return 1.0 / scale, -translate / scale

    def __repr__(self) -> str:
        return f"<InverseTransform of {self.base!r}>"


def matrix_flags(m: np.ndarray) -> dict[str, bool]:
    """The flags of a 4x4 matrix (math convention); see :class:`BaseTransform`."""
    projective = bool(np.any(m[3] != (0.0, 0.0, 0.0, 1.0)))
    lin = m[:3, :3]
    separable = not projective and np.count_nonzero(lin - np.diag(np.diag(lin))) == 0
    # images of the x and y unit vectors
    ex, ey = lin[:, 0], lin[:, 1]
    nx, ny = np.linalg.norm(ex), np.linalg.norm(ey)
    tol = 1e-12 * max(nx * ny, 1e-300)
    orthogonal = not projective and abs(float(ex @ ey)) <= tol
    isotropic = orthogonal and bool(np.isclose(nx, ny, rtol=1e-12, atol=0))
    nonscaling = isotropic and bool(np.isclose(nx, 1.0, rtol=1e-12, atol=0))
    return {
        "separable": bool(separable),
        "orthogonal": bool(orthogonal),
        "isotropic": isotropic,
        "nonscaling": nonscaling,
        "projective": bool(projective),
    }
