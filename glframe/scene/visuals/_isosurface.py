"""Isosurface: the surface where a 3D scalar volume crosses a level, drawn as a lit Mesh.

The triangles come from marching cubes (``skimage.measure.marching_cubes``,
Lewiner's variant, which resolves the ambiguous cases so that the surface has
no holes). scikit-image is an optional dependency: ``pip install
'glframe[isosurface]'``; without it, making an Isosurface with data raises an
ImportError that names the extra.

Coordinates match :class:`~glframe.scene.visuals.Volume`: voxel (k, i, j) of a
(D, H, W) array is centred at (j, i, k) + 0.5, so an Isosurface and a Volume of
the same data, under the same transform, overlay exactly. Front faces (counter-
clockwise) and the normals (from the data's gradient) point towards lower
values: out of the regions above the level, as for a density. Negate the data
to turn the surface around.

Everything but the geometry is the mesh's: colour, shading, the material,
the wireframe, culling, picking. Setting ``data`` or ``level`` computes the
geometry again at once (on the CPU) and uploads it at the next draw.

Limits: a surface that reaches the array's border is open there (marching
cubes sees nothing outside the array; pad the data with a low value to close
it); a level that is not strictly between the data's minimum and maximum
gives an empty mesh (0 vertices, nothing drawn), not an error, so that a level
slider may run past the data's range.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .._reactive import Auto, Prop
from . import _data as checks
from ._mesh import Mesh

__all__ = ["Isosurface", "marching_cubes"]

EXTRA = "pip install 'glframe[isosurface]'"


def _volume(value: Any, what: str) -> np.ndarray | None:
    """Check: None, or a (D, H, W) array of finite real numbers, each side >= 2 -> float32."""
    if value is None:
        return None
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what}: dtype {arr.dtype} is not a real number type")
    if arr.ndim != 3:
        raise ValueError(
            f"{what}: shape {arr.shape} is not (D, H, W): an isosurface needs a 3D volume "
            "(for a 2D array, draw contour lines or a SurfacePlot)"
        )
    if min(arr.shape) < 2:
        raise ValueError(f"{what}: shape {arr.shape} has a side < 2 (a cube needs 2 samples)")
    arr = arr.astype(np.float32, copy=False)  # float32 data are kept, not copied
    if not np.all(np.isfinite(arr)):
        raise ValueError(
            f"{what}: contains NaN or infinity (replace them, e.g. np.nan_to_num(data, nan=low))"
        )
    return arr


_finite = checks.number()


def _level(value: Any, what: str) -> float | None:
    """Check: None (the middle of the data's range) or a finite number."""
    return None if value is None else _finite(value, what)


def _middle(iso: Isosurface) -> float | None:
    data = iso._values.get("data")
    return None if data is None else float(data.min() + data.max()) / 2


def marching_cubes(data: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(vertices, faces, normals) of the surface where ``data`` (D, H, W) crosses ``level``.

    Vertices are (x, y, z) = (column, row, slice) + 0.5, as :class:`Volume` places
    voxels; faces are uint32 and counter-clockwise seen from the lower values;
    normals are unit vectors towards the lower values. Empty (0 rows) when
    ``level`` is not strictly between the data's minimum and maximum.
    """
    if not float(data.min()) < level < float(data.max()):
        none = np.zeros((0, 3), np.float32)
        return none, np.zeros((0, 3), np.uint32), none.copy()
    try:
        from skimage.measure import marching_cubes as _skimage_marching_cubes
    except ImportError as exc:
        raise ImportError(
            f"Isosurface needs scikit-image for marching cubes: {EXTRA} "
            "(or pip install scikit-image)"
        ) from exc
    verts, faces, normals, _ = _skimage_marching_cubes(data, level)
    # scikit-image gives (slice, row, column); reversing the axes mirrors the space,
    # which turns its clockwise faces counter-clockwise seen from the lower values
    vertices = np.ascontiguousarray(verts[:, ::-1] + 0.5, dtype=np.float32)
    normals = np.ascontiguousarray(normals[:, ::-1], dtype=np.float32)
    bad = ~np.all(np.isfinite(normals), axis=1)  # a zero gradient has no direction
    if bad.any():
        normals[bad] = 0.0
    return vertices, faces.astype(np.uint32), normals


class Isosurface(Mesh):
    """The surface where a volume crosses ``level``, a lit :class:`Mesh` (vispy's name).

    Parameters
    ----------
    data
        A (D, H, W) array of finite real numbers (z, y, x, as for
        :class:`~glframe.scene.visuals.Volume`), each side >= 2; or None (nothing).
    level
        The value of the surface; None: the middle of the data's range. Outside
        the data's range, the mesh is empty.
    color
        One colour for the surface (vispy's default: a light blue).
    shading
        "smooth" (normals from the data's gradient), "flat" or None.
    **kwargs
        As for :class:`Mesh` (``ambient``, ``specular``, ``wireframe``, ``cull``,
        ``parent``, ``transform``...). ``vertex_colors`` and ``face_colors`` fit
        one geometry: a new level or new data clears them unless given again.

    Examples
    --------
    >>> z, y, x = np.mgrid[-1:1:40j, -1:1:40j, -1:1:40j]
    >>> iso = Isosurface(x**2 + y**2 + z**2, level=0.5,
    ...                  parent=view.scene)                       # doctest: +SKIP
    >>> iso.level = 0.8   # new triangles now, uploaded at the next draw  # doctest: +SKIP
    >>> vertices, faces, normals = iso.mesh_data()  # to save or process  # doctest: +SKIP
    """

    _shape = ("data", "level")

    data = Prop(
        _volume,
        "The (D, H, W) volume (z, y, x), finite real numbers, or None; setting it computes "
        "the surface again.",
        dirty="shape",
    )
    level = Auto(
        _level,
        "The value of the surface; None: the middle of the data's range (reads give the level "
        "in use). Outside the data's range the mesh is empty; setting it computes the surface "
        "again.",
        unset=None,
        resolve=_middle,
        dirty="shape",
    )

    def __init__(
        self,
        data: ArrayLike | None = None,
        level: float | None = None,
        *,
        color: Any = (0.5, 0.5, 1.0, 1.0),
        shading: str | None = "smooth",
        **kwargs: Any,
    ) -> None:
        self._reshaping = False  # set while the mesh takes a geometry this class computed
        params = {"data": data, "level": level}
        vertices, faces, normals = self._surface(params)  # bad input raises before anything
        self._reshaping = True
        try:
            super().__init__(
                vertices, faces, normals=normals, color=color, shading=shading, **kwargs
            )
            self._assign(params)
        finally:
            self._reshaping = False

    def _surface(self, values: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Check ``data`` and ``level`` given in ``values`` (converted in place) and
        compute (vertices, faces, normals) with them, or the current ones."""
        for k in self._shape:  # converted once: Mesh.set_data's check then keeps the array
            if k in values:
                values[k] = self._props[k].convert(self, values[k], 0)
        data = values["data"] if "data" in values else self._values.get("data")
        level = values["level"] if "level" in values else self._values.get("level")
        if data is None:
            return marching_cubes(np.zeros((2, 2, 2), np.float32), 0.0)  # empty
        if level is None:
            level = float(data.min() + data.max()) / 2
        return marching_cubes(data, level)

    def set_data(
        self, vertices: ArrayLike | None = None, faces: ArrayLike | None = None, **kwargs: Any
    ) -> None:
        """Change ``data`` and/or ``level`` (the surface follows) and any other properties
        together (all or nothing); as for a :class:`Mesh`, ``vertex_colors`` or
        ``face_colors`` given with them must fit the new surface. Without ``data`` or
        ``level``, this is :meth:`Mesh.set_data`."""
        shape = {k: kwargs.pop(k) for k in self._shape if k in kwargs}
        if self._reshaping or not shape:
            super().set_data(vertices, faces, **kwargs)
            return
        if vertices is not None or faces is not None:
            raise ValueError(
                f"{type(self).__name__}.set_data: the surface follows from data and level; "
                "give those or vertices and faces, not both"
            )
        vertices, faces, normals = self._surface(shape)
        kwargs.setdefault("normals", normals)
        kwargs.setdefault("vertex_colors", None)  # the old ones fitted the old surface
        kwargs.setdefault("face_colors", None)
        self._reshaping = True
        try:  # Mesh.set_data checks the rest before any change
            Mesh.set_data(self, vertices, faces, **kwargs, **shape)
        finally:
            self._reshaping = False

    def _assign(self, values: dict[str, Any], n: int | None = None, *, caller: str = "") -> None:
        if self._reshaping or not values.keys() & set(self._shape):
            super()._assign(values, n, caller=caller)
        else:  # iso.level = 0.3: the surface follows
            self.set_data(**values)

    def mesh_data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Copies of (vertices (N, 3) float32, faces (M, 3) uint32, normals (N, 3) float32),
        to save the surface (``glframe.data.write_mesh``: OBJ or PLY) or process it elsewhere."""
        normals = self._smooth_normals() if len(self._vertices) else np.zeros((0, 3), np.float32)
        return self._vertices.copy(), self._faces.copy(), np.array(normals, np.float32)
