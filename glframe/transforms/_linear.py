"""Linear transforms: NullTransform, STTransform (scale and translate), MatrixTransform.

All three are 4x4 matrices on homogeneous coordinates (``M @ p``, math
convention), so a chain folds adjacent ones into a single matrix. They act on
the homogeneous vector itself: ``STTransform`` maps (x, y, z, w) to
(s*x + t*w, ..., w), which is what its matrix does, and a projective
``MatrixTransform`` leaves the division by w to the end of the pipeline.

``MatrixTransform`` caches its inverse and recomputes it after a change; a
singular matrix raises when asked for ``imap``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._base import BaseTransform, matrix_flags, vec3

__all__ = ["NullTransform", "STTransform", "MatrixTransform"]


class NullTransform(BaseTransform):
    """The identity: maps every point to itself.

    Examples
    --------
    >>> from glframe.transforms import NullTransform
    >>> NullTransform().map([[1.0, 2.0]])
    array([[1., 2.]])
    """

    linear = separable = orthogonal = isotropic = nonscaling = True
    _glsl_names = ("null", "null")

    def _map(self, pos: np.ndarray) -> np.ndarray:
        return pos

    _imap = _map

    def _matrix(self) -> np.ndarray:
        return np.eye(4)

    def _st(self) -> tuple[np.ndarray, np.ndarray]:
        return np.ones(3), np.zeros(3)

    @property
    def inverse(self) -> NullTransform:
        return self


class STTransform(BaseTransform):
    """Scale, then translate: ``x' = scale * x + translate``, per axis.

    Parameters
    ----------
    scale
        One value (every axis) or 2 to 3 values; missing axes scale by 1.
    translate
        1 to 3 values; missing axes are not moved.

    Examples
    --------
    >>> from glframe.transforms import STTransform
    >>> st = STTransform(scale=(2, 10), translate=(1, 0))
    >>> st.map([[0.0, 1.0], [1.0, 2.0]])
    array([[ 1., 10.],
           [ 3., 20.]])
    >>> st.imap([3.0, 20.0])
    array([1., 2.])
    >>> st.scale = (4, 10)            # a uniform update for the GPU side
    """

    linear = separable = orthogonal = True
    _glsl_names = ("st_map", "st_imap")

    def __init__(
        self, scale: ArrayLike = (1.0, 1.0, 1.0), translate: ArrayLike = (0.0, 0.0, 0.0)
    ) -> None:
        super().__init__()
        self._scale = vec3(scale, 1.0, "scale", broadcast=True)
        self._translate = vec3(translate, 0.0, "translate")

    @property
    def scale(self) -> np.ndarray:
        """(sx, sy, sz); set with 1 to 3 values."""
        return self._scale.copy()

    @scale.setter
    def scale(self, value: ArrayLike) -> None:
        self._scale = vec3(value, 1.0, "scale", broadcast=True)
        self._update()

    @property
    def translate(self) -> np.ndarray:
        """(tx, ty, tz); set with 1 to 3 values."""
        return self._translate.copy()

    @translate.setter
    def translate(self, value: ArrayLike) -> None:
        self._translate = vec3(value, 0.0, "translate")
        self._update()

    def set_mapping(self, source: ArrayLike, target: ArrayLike) -> None:
        """Map the box ``source`` onto the box ``target``, each given by two corners.

        ``source`` and ``target`` are arrays of shape (2, d), d in 1..3: the
        first corner maps to the first, the second to the second. Axes not given
        are left alone. One change is emitted.

        >>> st = STTransform()
        >>> st.set_mapping([(0, 0), (100, 10)], [(-1, -1), (1, 1)])
        >>> st.map([50.0, 10.0])
        array([0., 1.])
        """
        src = np.asarray(source, dtype=np.float64).reshape(2, -1)
        dst = np.asarray(target, dtype=np.float64).reshape(2, -1)
        if src.shape != dst.shape or src.shape[1] > 3:
            raise ValueError(f"set_mapping: corners of shapes {src.shape} and {dst.shape}")
        if np.any(src[1] == src[0]):
            raise ValueError(f"set_mapping: the source box {src.tolist()} is flat")
        d = src.shape[1]
        scale = (dst[1] - dst[0]) / (src[1] - src[0])
        self._scale[:d] = scale
        self._translate[:d] = dst[0] - scale * src[0]
        self._update()

    # flags that depend on the parameters (x-y plane)
    @property
    def isotropic(self) -> bool:
        return bool(abs(self._scale[0]) == abs(self._scale[1]))

    @property
    def nonscaling(self) -> bool:
        return bool(abs(self._scale[0]) == 1.0 and abs(self._scale[1]) == 1.0)

    def _map(self, pos: np.ndarray) -> np.ndarray:
        return self._affine(pos, self._scale, self._translate)

    def _imap(self, pos: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):  # a zero scale has no inverse
            inverse = 1.0 / self._scale
            shift = -self._translate * inverse
        return self._affine(pos, inverse, shift)

    @staticmethod
    def _affine(pos: np.ndarray, scale: np.ndarray, translate: np.ndarray) -> np.ndarray:
        """(s * xyz + t * w, w) in place, one column at a time (see ``empty_points``)."""
        w = pos[:, 3]
        w_is_one = not translate.any() or bool(np.all(w == 1.0))
        for i in range(3):
            column = pos[:, i]
            column *= scale[i]
            if translate[i]:
                column += translate[i] if w_is_one else translate[i] * w
        return pos

    def _uniforms(self, which: str) -> dict[str, tuple[str, str, Any]]:
        return {
            "scale": ("u_st_scale", "vec3", tuple(self._scale)),
            "translate": ("u_st_translate", "vec3", tuple(self._translate)),
        }

    def _matrix(self) -> np.ndarray:
        m = np.diag([*self._scale, 1.0])
        m[:3, 3] = self._translate
        return m

    def _st(self) -> tuple[np.ndarray, np.ndarray]:
        return self._scale.copy(), self._translate.copy()

    def __repr__(self) -> str:
        return f"<STTransform scale={self._scale.tolist()} translate={self._translate.tolist()}>"


class MatrixTransform(BaseTransform):
    """A 4x4 matrix on homogeneous coordinates: ``p' = M @ p`` (affine or projective).

    The helpers (:meth:`rotate`, :meth:`scale`, :meth:`translate`,
    :meth:`perspective`, :meth:`ortho`, :meth:`look_at`) compose: each applies
    its transform *after* the current one (``M = H @ M``), and returns ``self``
    so that calls chain in the order they apply.

    Parameters
    ----------
    matrix
        A 4x4 array in math convention (column vectors); the identity by default.

    Examples
    --------
    >>> from glframe.transforms import MatrixTransform
    >>> m = MatrixTransform().scale(2).rotate(90, (0, 0, 1)).translate((1, 0))
    >>> m.map([1.0, 0.0]).round(12)      # scaled to (2, 0), rotated to (0, 2), moved
    array([1., 2.])
    >>> m.imap([1.0, 2.0]).round(12)
    array([1., 0.])
    """

    linear = True
    _glsl_names = ("matrix", "matrix")

    def __init__(self, matrix: ArrayLike | None = None) -> None:
        super().__init__()
        self._set(np.eye(4) if matrix is None else matrix, emit=False)

    # ---- the matrix --------------------------------------------------------------------
    @property
    def matrix(self) -> np.ndarray:
        """The 4x4 matrix (a copy; assign a new one to change it)."""
        return self._m.copy()

    @matrix.setter
    def matrix(self, value: ArrayLike) -> None:
        self._set(value)

    def _set(self, value: ArrayLike, emit: bool = True) -> None:
        m = np.array(value, dtype=np.float64)
        if m.shape != (4, 4):
            raise ValueError(f"MatrixTransform needs a 4x4 matrix, not shape {m.shape}")
        if not np.isfinite(m).all():
            raise ValueError("MatrixTransform: the matrix holds NaN or infinity")
        self._m = m
        self._inv: np.ndarray | None = None
        self._flags = matrix_flags(m)
        if emit:
            self._update()

    @property
    def inverse_matrix(self) -> np.ndarray:
        """The inverse matrix (cached until the matrix changes); raises if singular."""
        if self._inv is None:
            try:
                self._inv = np.linalg.inv(self._m)
            except np.linalg.LinAlgError:
                raise ValueError(
                    f"MatrixTransform: singular matrix, no inverse:\n{self._m}"
                ) from None
        return self._inv.copy()

    separable = property(lambda self: self._flags["separable"])
    orthogonal = property(lambda self: self._flags["orthogonal"])
    isotropic = property(lambda self: self._flags["isotropic"])
    nonscaling = property(lambda self: self._flags["nonscaling"])
    projective = property(lambda self: self._flags["projective"])

    # (M @ pos.T).T: a new array, column by column as the other transforms want it
    def _map(self, pos: np.ndarray) -> np.ndarray:
        return (self._m @ pos.T).T

    def _imap(self, pos: np.ndarray) -> np.ndarray:
        if self._inv is None:
            self.inverse_matrix  # noqa: B018 - computes and caches (or raises)
        return (self._inv @ pos.T).T

    def _uniforms(self, which: str) -> dict[str, tuple[str, str, Any]]:
        if which == "map":
            return {"matrix": ("u_matrix", "mat4", self._m.copy())}
        try:
            inv = self.inverse_matrix
        except ValueError:
            # The GPU side cannot raise: a singular matrix gets its pseudo-inverse there.
            inv = np.linalg.pinv(self._m)
        return {"matrix": ("u_matrix_inverse", "mat4", inv)}

    def _matrix(self) -> np.ndarray:
        return self._m.copy()

    # ---- helpers ------------------------------------------------------------------------
    def apply(self, matrix: ArrayLike) -> MatrixTransform:
        """Apply ``matrix`` after the current transform: ``M = matrix @ M``."""
        self._set(np.asarray(matrix, dtype=np.float64) @ self._m)
        return self

    def reset(self) -> MatrixTransform:
        """Back to the identity."""
        self._set(np.eye(4))
        return self

    def translate(self, offset: ArrayLike) -> MatrixTransform:
        """Then move by ``offset`` (1 to 3 values; missing axes do not move)."""
        m = np.eye(4)
        m[:3, 3] = vec3(offset, 0.0, "offset")
        return self.apply(m)

    def scale(self, factor: ArrayLike, center: ArrayLike | None = None) -> MatrixTransform:
        """Then scale by ``factor`` (one value for every axis, or 2 to 3), about ``center``."""
        m = np.diag([*vec3(factor, 1.0, "factor", broadcast=True), 1.0])
        if center is not None:
            c = vec3(center, 0.0, "center")
            m[:3, 3] = c - m[:3, :3] @ c
        return self.apply(m)

    def rotate(self, angle: float, axis: ArrayLike = (0.0, 0.0, 1.0)) -> MatrixTransform:
        """Then rotate by ``angle`` degrees about ``axis`` (counter-clockwise, right hand)."""
        k = np.asarray(axis, dtype=np.float64)
        norm = np.linalg.norm(k)
        if k.shape != (3,) or norm == 0:
            raise ValueError(f"rotate: axis must be a non-zero 3-vector, not {axis!r}")
        x, y, z = k / norm
        a = math.radians(angle)
        c, s = math.cos(a), math.sin(a)
        cross = np.array([[0, -z, y], [z, 0, -x], [-y, x, 0]])
        m = np.eye(4)
        m[:3, :3] = c * np.eye(3) + s * cross + (1 - c) * np.outer((x, y, z), (x, y, z))
        return self.apply(m)

    def perspective(self, fov: float, aspect: float, near: float, far: float) -> MatrixTransform:
        """Then project with a vertical field of view ``fov`` (degrees), as ``gluPerspective``.

        The camera looks down -z; points between ``-near`` and ``-far`` land in
        the clip cube [-1, 1]^3 after division by w.
        """
        if not (0 < fov < 180 and near > 0 and far > near and aspect > 0):
            raise ValueError("perspective: need 0 < fov < 180, aspect > 0 and 0 < near < far")
        f = 1.0 / math.tan(math.radians(fov) / 2)
        m = np.zeros((4, 4))
        m[0, 0], m[1, 1] = f / aspect, f
        m[2, 2] = (far + near) / (near - far)
        m[2, 3] = 2 * far * near / (near - far)
        m[3, 2] = -1.0
        return self.apply(m)

    def ortho(
        self, left: float, right: float, bottom: float, top: float, near: float, far: float
    ) -> MatrixTransform:
        """Then map the box [left, right] x [bottom, top] x [-near, -far] onto [-1, 1]^3."""
        if left == right or bottom == top or near == far:
            raise ValueError("ortho: the box is flat")
        m = np.eye(4)
        m[0, 0], m[0, 3] = 2 / (right - left), -(right + left) / (right - left)
        m[1, 1], m[1, 3] = 2 / (top - bottom), -(top + bottom) / (top - bottom)
        m[2, 2], m[2, 3] = -2 / (far - near), -(far + near) / (far - near)
        return self.apply(m)

    def look_at(self, eye: ArrayLike, center: ArrayLike, up: ArrayLike) -> MatrixTransform:
        """Then view from ``eye`` towards ``center`` (a camera looking down -z, ``up`` is +y)."""
        eye, center, up = (np.asarray(v, dtype=np.float64) for v in (eye, center, up))
        forward = center - eye
        side = np.cross(forward, up)
        if np.linalg.norm(forward) == 0 or np.linalg.norm(side) == 0:
            raise ValueError("look_at: eye equals center, or up is parallel to the view direction")
        forward /= np.linalg.norm(forward)
        side /= np.linalg.norm(side)
        true_up = np.cross(side, forward)
        m = np.eye(4)
        m[0, :3], m[1, :3], m[2, :3] = side, true_up, -forward
        m[:3, 3] = -m[:3, :3] @ eye
        return self.apply(m)

    def __repr__(self) -> str:
        return f"<MatrixTransform\n{self._m}>"
