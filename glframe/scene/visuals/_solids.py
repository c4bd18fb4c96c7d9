"""Box, Plane and Tube: lit meshes computed from a few parameters (vispy's names).

Each is a :class:`Mesh` whose vertices and faces follow from its parameters,
which are :class:`~glframe.scene.Prop` s: setting one (``box.width = 2``)
computes the geometry again and uploads it at the next draw (new vertex data,
never a new shader); everything else (colours, shading, the material, the
wireframe, culling, picking) is the mesh's. Box and Plane are built from
:func:`~glframe.scene.visuals.geometry.cube` and
:func:`~glframe.scene.visuals.geometry.plane`.

A Tube is a ring of ``tube_points`` vertices around each point of a path. The
rings are oriented by parallel transport (each ring turns from the last by the
smallest rotation that follows the path), not by the Frenet frame, which
flips at inflections and is undefined on straight stretches; a closed tube
spreads the twist the transport gathers around the loop evenly over its rings,
so the last ring meets the first. Normals point straight out of the path.

Limits: an open tube's ends are not capped (as in vispy); at a sharp bend
narrower than the radius, the rings of neighbouring points cross each other.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike

from .._reactive import Prop
from . import _data as checks
from ._data import as_colors, as_positions
from ._geometry import DIRECTIONS, cube, plane
from ._mesh import Mesh

__all__ = ["Box", "Plane", "Tube", "tube"]


class _Solid(Mesh):
    """A mesh whose geometry is computed from the :class:`Prop` s named in ``_shape``."""

    _shape: ClassVar[tuple[str, ...]] = ()

    def __init__(self, params: dict[str, Any], **kwargs: Any) -> None:
        self._reshaping = False  # set while the mesh takes a geometry this class computed
        checked = {k: self._props[k].convert(self, params[k], 0) for k in self._shape}
        vertices, faces, extra = self._make(checked)  # bad parameters raise before anything
        self._reshaping = True
        try:
            super().__init__(vertices, faces, **extra, **kwargs)
            self._assign(params)
        finally:
            self._reshaping = False

    def _make(self, params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
        """(vertices, faces, other Mesh.set_data arguments) for checked ``params``."""
        raise NotImplementedError

    def set_data(
        self, vertices: ArrayLike | None = None, faces: ArrayLike | None = None, **kwargs: Any
    ) -> None:
        """Change the parameters (the geometry follows) and any other properties together,
        or, as for a :class:`Mesh`, the vertices and faces themselves."""
        shape = {k: kwargs.pop(k) for k in self._shape if k in kwargs}
        if not shape:
            super().set_data(vertices, faces, **kwargs)
            return
        if vertices is not None or faces is not None:
            name = type(self).__name__
            raise ValueError(
                f"{name}.set_data: the geometry follows from {', '.join(shape)}; give those "
                "or vertices and faces, not both"
            )
        params = {
            k: self._props[k].convert(self, shape[k], 0) if k in shape else self._values[k]
            for k in self._shape
        }
        vertices, faces, extra = self._make(params)
        self._reshaping = True
        try:  # Mesh.set_data checks the rest (colours for the new counts) before any change
            super().set_data(vertices, faces, **{**extra, **kwargs}, **shape)
        finally:
            self._reshaping = False

    def _assign(self, values: dict[str, Any], n: int | None = None, *, caller: str = "") -> None:
        if self._reshaping or not values.keys() & set(self._shape):
            super()._assign(values, n, caller=caller)
        else:  # a parameter set alone (box.width = 2)
            self.set_data(**values)


def _size(doc: str) -> Prop:
    return Prop(checks.number(above=0), doc, dirty="shape")


def _cells(doc: str) -> Prop:
    return Prop(checks.integer(minimum=1), doc, dirty="shape")


class Box(_Solid):
    """A box centred at the origin, its sides split into cells.

    Parameters
    ----------
    width, height, depth
        Sizes along x, y and z in scene units (> 0).
    width_segments, height_segments, depth_segments
        Cells along x, y and z (>= 1): more cells, more vertices to colour or deform.
    **kwargs
        As for :class:`Mesh` (``color``, ``face_colors``, ``shading``, ``wireframe``,
        ``parent``, ``transform``...). Each side has its own vertices, so smooth
        shading shows flat sides.

    Examples
    --------
    >>> box = Box(2, 1, 0.5, color="orange", parent=view.scene)  # doctest: +SKIP
    >>> box.depth = 1.5              # new vertices at the next draw  # doctest: +SKIP
    """

    _shape = ("width", "height", "depth", "width_segments", "height_segments", "depth_segments")

    width = _size("Size along x in scene units (> 0).")
    height = _size("Size along y in scene units (> 0).")
    depth = _size("Size along z in scene units (> 0).")
    width_segments = _cells("Cells along x (an integer >= 1).")
    height_segments = _cells("Cells along y (an integer >= 1).")
    depth_segments = _cells("Cells along z (an integer >= 1).")

    def __init__(
        self,
        width: float = 1.0,
        height: float = 1.0,
        depth: float = 1.0,
        width_segments: int = 1,
        height_segments: int = 1,
        depth_segments: int = 1,
        **kwargs: Any,
    ) -> None:
        params = {"width": width, "height": height, "depth": depth}
        segments = (width_segments, height_segments, depth_segments)
        params.update(zip(self._shape[3:], segments, strict=True))
        super().__init__(params, **kwargs)

    def _make(self, params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
        sizes = [params[k] for k in self._shape[:3]]
        vertices, faces = cube(sizes, divisions=tuple(params[k] for k in self._shape[3:]))
        return vertices, faces, {"normals": None}


class Plane(_Solid):
    """A flat rectangle centred at the origin, facing one axis, split into cells.

    Parameters
    ----------
    width, height
        Sizes in scene units (> 0) along the two other axes in x, y, z order: x
        and y for a plane facing z, y and z for one facing x, x and z for one
        facing y.
    width_segments, height_segments
        Cells along the width and the height (>= 1).
    direction
        The side the front faces: "+z" (default), "-z", "+x", "-x", "+y" or "-y".
    **kwargs
        As for :class:`Mesh`.

    Examples
    --------
    >>> floor = Plane(4, 4, 8, 8, color="gray", wireframe=True,
    ...               parent=view.scene)                  # doctest: +SKIP
    >>> floor.direction = "+y"                          # doctest: +SKIP
    """

    _shape = ("width", "height", "width_segments", "height_segments", "direction")

    width = _size("Size along the first of the plane's axes (x for +z, y for +x, x for +y).")
    height = _size("Size along the second of the plane's axes (y for +z, z for +x, z for +y).")
    width_segments = _cells("Cells along the width (an integer >= 1).")
    height_segments = _cells("Cells along the height (an integer >= 1).")
    direction = Prop(
        checks.choice(*DIRECTIONS),
        f"The side the front faces: {', '.join(repr(d) for d in DIRECTIONS)}.",
        dirty="shape",
    )

    def __init__(
        self,
        width: float = 1.0,
        height: float = 1.0,
        width_segments: int = 1,
        height_segments: int = 1,
        direction: str = "+z",
        **kwargs: Any,
    ) -> None:
        values = (width, height, width_segments, height_segments, direction)
        super().__init__(dict(zip(self._shape, values, strict=True)), **kwargs)

    def _make(self, params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
        size = (params["width"], params["height"])
        divisions = (params["width_segments"], params["height_segments"])
        vertices, faces = plane(size, divisions, params["direction"])
        return vertices, faces, {"normals": None}


# ---- tubes -------------------------------------------------------------------------------
def _as_path(value: Any, what: str) -> np.ndarray:
    """Check: (N, 3) float64 finite points (N >= 2; (N, 2) gets z = 0)."""
    points = as_positions(value, what).astype(np.float64)
    if len(points) < 2:
        raise ValueError(f"{what}: a tube needs at least 2 points, not {len(points)}")
    if not np.all(np.isfinite(points)):
        raise ValueError(f"{what}: contains NaN or infinity")
    points.flags.writeable = False
    return points


def _as_radius(value: Any, what: str) -> float | np.ndarray:
    """Check: one radius > 0, or a 1-D array of them (one per point, counted later)."""
    try:
        arr = np.asarray(value, np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{what} must be a finite number > 0 or one per point, not {value!r}"
        ) from None
    if arr.ndim > 1 or not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"{what} must be a finite number > 0 or one per point, not {value!r}")
    return float(arr) if arr.ndim == 0 else arr


def _as_point_colors(value: Any, what: str) -> np.ndarray | None:
    """Check: None, or (N, 3|4) colours (one per point, counted later) -> (N, 4)."""
    if value is None:
        return None
    if isinstance(value, str) or np.ndim(value) != 2:
        raise ValueError(
            f"{what}: expected (N, 3|4) colours, one per point, got {np.shape(value)} "
            "(for one colour use color=)"
        )
    return as_colors(value, len(value), what)


def _transport(
    v: tuple[float, float, float], t0: tuple[float, float, float], t1: tuple[float, float, float]
) -> tuple[float, float, float]:
    """``v`` (unit, across ``t0``) turned as the smallest rotation from unit t0 to t1 turns
    (Rodrigues' formula). Plain floats: called once per point, where numpy's per-call cost
    would make a 10,000-point tube take half a second."""
    (vx, vy, vz), (ax, ay, az), (bx, by, bz) = v, t0, t1
    kx, ky, kz = ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx  # the axis, sin long
    s = math.sqrt(kx * kx + ky * ky + kz * kz)
    if s > 1e-12:
        c = ax * bx + ay * by + az * bz
        kx, ky, kz = kx / s, ky / s, kz / s
        kv = (kx * vx + ky * vy + kz * vz) * (1 - c)
        vx, vy, vz = (
            vx * c + (ky * vz - kz * vy) * s + kx * kv,
            vy * c + (kz * vx - kx * vz) * s + ky * kv,
            vz * c + (kx * vy - ky * vx) * s + kz * kv,
        )
    d = vx * bx + vy * by + vz * bz  # drop the rounding that leaves the plane across t1
    vx, vy, vz = vx - d * bx, vy - d * by, vz - d * bz
    length = math.sqrt(vx * vx + vy * vy + vz * vz)
    return vx / length, vy / length, vz / length


def _frames(points: np.ndarray, closed: bool, what: str) -> tuple[np.ndarray, np.ndarray]:
    """(tangents, normals): unit (N, 3) each, normals transported along the path."""
    seg = (np.roll(points, -1, 0) if closed else points[1:]) - points[: len(points) - 1 + closed]
    length = np.linalg.norm(seg, axis=1)
    if np.any(length == 0):
        i = int(np.argmin(length))
        raise ValueError(
            f"{what}: points {i} and {(i + 1) % len(points)} are the same; a tube needs a "
            "direction between consecutive points (drop the repeated one)"
        )
    d = seg / length[:, None]
    out = d if closed else np.r_[d, d[-1:]]  # the way on from each point
    into = np.roll(d, 1, 0) if closed else np.r_[d[:1], d]  # the way in
    t = out + into
    norm = np.linalg.norm(t, axis=1, keepdims=True)
    t = np.where(norm > 1e-9, t / np.where(norm > 0, norm, 1), out)  # a U-turn: the way on
    start = np.eye(3)[np.argmin(np.abs(t[0]))]  # the axis least along the first tangent
    first = start - (start @ t[0]) * t[0]
    tangents = [tuple(row) for row in t.tolist()]
    transported = [tuple(first / np.linalg.norm(first))]
    for i in range(1, len(t)):
        transported.append(_transport(transported[-1], tangents[i - 1], tangents[i]))
    normals = np.array(transported)
    if closed:  # spread the twist gathered around the loop over the rings
        back = np.array(_transport(transported[-1], tangents[-1], tangents[0]))
        twist = np.arctan2(np.cross(normals[0], back) @ t[0], normals[0] @ back)
        angle = -twist * np.arange(len(t)) / len(t)
        binormals = np.cross(t, normals)
        normals = np.cos(angle)[:, None] * normals + np.sin(angle)[:, None] * binormals
    return t, normals


def tube(
    points: ArrayLike,
    radius: float | ArrayLike = 1.0,
    closed: bool = False,
    tube_points: int = 8,
    what: str = "tube",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(vertices, faces, normals) of a tube around a path (see the module docstring).

    Vertex ``i * tube_points + j`` is the ``j``-th of the ring around ``points[i]``,
    at ``radius`` (one, or one per point) from it, across the path. Faces are wound
    counter-clockwise seen from outside; ``closed`` joins the last ring to the first.
    """
    p = _as_path(points, f"{what}.points")
    r = np.asarray(radius, np.float64)
    r = np.full(len(p), float(r)) if r.ndim == 0 else r
    if r.shape != (len(p),):
        raise ValueError(
            f"{what}.radius: {len(r)} radii for {len(p)} points; give one, or one per point"
        )
    k = int(tube_points)
    t, n = _frames(p, closed, f"{what}.points")
    b = np.cross(t, n)
    phi = 2 * np.pi * np.arange(k) / k
    # ring directions, (N, K, 3): counter-clockwise around the tangent
    dirs = np.cos(phi)[None, :, None] * n[:, None] + np.sin(phi)[None, :, None] * b[:, None]
    vertices = (p[:, None] + r[:, None, None] * dirs).reshape(-1, 3)
    rings = np.arange(len(p) if closed else len(p) - 1)
    i, j = np.meshgrid(rings, np.arange(k), indexing="ij")
    a = i * k + j
    nxt = (i + 1) % len(p) * k
    c, d = nxt + (j + 1) % k, i * k + (j + 1) % k
    bb = nxt + j
    # around (d - a), then along (c - d): their cross product points out of the path
    faces = np.stack([np.stack([a, d, c], -1), np.stack([a, c, bb], -1)], -2).reshape(-1, 3)
    return (
        vertices.astype(np.float32),
        faces.astype(np.uint32),
        dirs.reshape(-1, 3).astype(np.float32),
    )


class Tube(_Solid):
    """A tube of round section around a path, smooth-shaded.

    Parameters
    ----------
    points
        (N, 3) (or (N, 2), z = 0) points of the path, N >= 2, finite, no two
        consecutive ones equal.
    radius
        The tube's radius in scene units (> 0): one, or (N,) one per point.
    closed
        Join the last point to the first (a ring); if the last point repeats the
        first, give it once.
    color
        One colour for the tube (in vispy's place: the fourth argument).
    tube_points
        Vertices around each point (>= 3).
    colors
        None, or (N, 3|4) colours, one per point (blended along the tube). Else
        ``color=`` (one colour) or Mesh's ``vertex_colors`` / ``face_colors``.
    **kwargs
        As for :class:`Mesh`.

    Examples
    --------
    >>> s = np.linspace(0, 4 * np.pi, 200)
    >>> spring = Tube(np.c_[np.cos(s), np.sin(s), s / 6], radius=0.1, color="teal",
    ...               parent=view.scene)                  # doctest: +SKIP
    >>> spring.tube_points = 16                         # doctest: +SKIP
    """

    _shape = ("points", "radius", "closed", "tube_points", "colors")

    points = Prop(_as_path, "(N, 3) float64 points of the path (read-only).", dirty="shape")
    radius = Prop(
        _as_radius, "Radius in scene units: one, or (N,) one per point (> 0).", dirty="shape"
    )
    closed = Prop(checks.flag(), "Join the last point to the first (True or False).", dirty="shape")
    tube_points = Prop(
        checks.integer(minimum=3), "Vertices around each point (an integer >= 3).", dirty="shape"
    )
    colors = Prop(
        _as_point_colors,
        "None, or (N, 4) colours, one per point (else color= colours the tube).",
        dirty="shape",
    )

    def __init__(
        self,
        points: ArrayLike,
        radius: float | ArrayLike = 1.0,
        closed: bool = False,
        color: Any = "white",
        tube_points: int = 8,
        *,
        colors: ArrayLike | None = None,
        **kwargs: Any,
    ) -> None:
        if colors is not None and kwargs.keys() & {"vertex_colors", "face_colors"}:
            raise ValueError("Tube: give colors (one per point) or vertex_colors/face_colors")
        values = (points, radius, closed, tube_points, colors)
        super().__init__(dict(zip(self._shape, values, strict=True)), color=color, **kwargs)

    def _make(self, params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
        p, colors = params["points"], params["colors"]
        vertices, faces, normals = tube(
            p, params["radius"], params["closed"], params["tube_points"], "Tube"
        )
        extra: dict[str, Any] = {"normals": normals}
        if colors is not None:
            if len(colors) != len(p):
                raise ValueError(
                    f"Tube.colors: {len(colors)} colours for {len(p)} points; give one per point"
                )
            extra["vertex_colors"] = np.repeat(colors, params["tube_points"], axis=0)
        elif getattr(self, "_values", {}).get("colors") is not None:  # colours taken away
            extra["vertex_colors"] = None
        return vertices, faces, extra
