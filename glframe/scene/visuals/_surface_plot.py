"""SurfacePlot: a height field z[i, j] over a grid, drawn as a lit Mesh (vispy's name).

As in vispy, ``z[i, j]`` is the height at ``(x[i], y[j])``: ``x`` runs along z's
first axis and ``y`` along its second (1D, one value per row or column, or 2D,
z's shape, for a grid that is not rectangular); both default to the indices.
The grid's (rows - 1) x (cols - 1) cells are split into two triangles each,
counter-clockwise seen from +z when x and y increase, so the front faces up.

Colours: ``cmap`` (a colormap of z between ``clim``) gives each vertex a
colour, computed on the CPU and uploaded as vertex colours (changing ``cmap``
or ``clim`` re-sends that buffer, no shader changes); with ``cmap=None`` the
surface has one ``color``. Everything else (shading, the material, the
wireframe, culling, picking) is the mesh's.

``set_data(x=None, y=None, z=None)`` changes what is given and keeps the rest:
new z of another shape needs x and y that fit it (given again, or the default
indices). The faces are made again only when z's shape changes.

Limits: z must be finite (a NaN hole would need faces left out; mask the data
by setting such heights to a value and ``clim`` around it); the grid is one
sheet, not closed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .._reactive import Auto, Prop
from . import _data as checks
from ._mesh import Mesh

__all__ = ["SurfacePlot", "grid_faces"]

_NAME = "SurfacePlot"


def grid_faces(rows: int, cols: int) -> np.ndarray:
    """(2 (rows - 1) (cols - 1), 3) uint32 triangles over a rows x cols grid of vertices
    numbered row by row, counter-clockwise when the row index runs along x and the
    column index along y."""
    i, j = np.mgrid[0 : rows - 1, 0 : cols - 1]
    a = (i * cols + j).ravel().astype(np.uint32)
    b, c, d = a + cols, a + cols + 1, a + 1  # (i+1, j), (i+1, j+1), (i, j+1)
    return np.concatenate([np.c_[a, b, c], np.c_[a, c, d]])


def _heights(value: Any) -> np.ndarray:
    z = np.asarray(value)
    if z.dtype.kind not in "biuf":
        raise TypeError(f"{_NAME}.z: dtype {z.dtype} is not a real number type")
    if z.ndim != 2 or min(z.shape) < 2:
        raise ValueError(
            f"{_NAME}.z: shape {z.shape} is not (rows, cols) with both >= 2 (one height per "
            "grid point; for a line, use Line)"
        )
    z = z.astype(np.float32)
    if not np.all(np.isfinite(z)):
        raise ValueError(f"{_NAME}.z: contains NaN or infinity (every grid point needs a height)")
    return z


def _coordinate(value: Any, name: str, axis: int, shape: tuple[int, int]) -> np.ndarray:
    """x (axis 0) or y (axis 1) as a (rows, cols) float32 array for z of ``shape``."""
    n = shape[axis]
    if value is None:
        values = np.arange(n, dtype=np.float32)
    else:
        values = np.asarray(value)
        if values.dtype.kind not in "biuf":
            raise TypeError(f"{_NAME}.{name}: dtype {values.dtype} is not a real number type")
        if values.shape not in ((n,), shape):
            along = "rows" if axis == 0 else "columns"
            raise ValueError(
                f"{_NAME}.{name}: shape {values.shape} fits neither z's {n} {along} ({n},) nor "
                f"z's shape {shape} (z[i, j] is at (x[i], y[j])); give {name}= with z, or "
                "transpose z"
            )
        values = values.astype(np.float32)
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{_NAME}.{name}: contains NaN or infinity")
    if values.ndim == 1:
        values = values[:, None] if axis == 0 else values[None, :]
    return np.broadcast_to(values, shape)


def _clim(value: Any, what: str) -> Any:
    if isinstance(value, str) and value == "auto":
        return "auto"
    return checks.limits(value, what)


def _z_range(surface: SurfacePlot) -> tuple[float, float]:
    z = surface._z
    return checks.finite_range([z]) if z is not None else (0.0, 1.0)


class SurfacePlot(Mesh):
    """A height field ``z[i, j]`` at ``(x[i], y[j])``, a lit :class:`Mesh`.

    Parameters
    ----------
    x, y
        Positions along z's first and second axis: 1D (one per row, one per
        column) or 2D (z's shape); None: the indices 0, 1, 2...
    z
        A (rows, cols) array of finite heights, both >= 2; or None (nothing yet).
    cmap
        A colormap of z (a name of ``glframe.shaders.colormaps.names()``, a
        Colormap, or an (N, 3|4) array of colours); None: one ``color``.
    clim
        The heights at the colormap's ends (min, max), or "auto" (z's range).
    color
        The colour when ``cmap`` is None (vispy's default: a light blue).
    **kwargs
        As for :class:`Mesh` (``shading``, ``specular``, ``wireframe``,
        ``parent``, ``transform``...).

    Examples
    --------
    >>> x = y = np.linspace(-2, 2, 60)
    >>> z = np.exp(-(x[:, None] ** 2 + y[None, :] ** 2))
    >>> surface = SurfacePlot(x, y, z, cmap="viridis", parent=view.scene)  # doctest: +SKIP
    >>> surface.set_data(z=z * 1.5)       # new heights, same faces  # doctest: +SKIP
    >>> surface.clim = (0, 1)             # the vertex colours again  # doctest: +SKIP
    """

    cmap = Prop(
        checks.optional(checks.colormap()),
        "A colormap of z (a name of glframe.shaders.colormaps.names(), a Colormap or an "
        "(N, 3|4) array of colours), or None for one colour (color); a change re-sends the "
        "vertex colours.",
    )
    clim = Auto(
        _clim,
        'The heights at the colormap\'s ends (min, max; reversed: a reversed colormap), or "auto"'
        ' (reads give the limits in use: z\'s range while "auto").',
        unset="auto",
        resolve=_z_range,
    )

    def __init__(
        self,
        x: ArrayLike | None = None,
        y: ArrayLike | None = None,
        z: ArrayLike | None = None,
        *,
        cmap: Any = None,
        clim: Any = "auto",
        color: Any = (0.5, 0.5, 1.0, 1.0),
        shading: str | None = "smooth",
        **kwargs: Any,
    ) -> None:
        self._building = True  # Mesh.__init__ calls set_data with Mesh's arguments
        self._x: np.ndarray | None = None  # as given (None: the indices)
        self._y: np.ndarray | None = None
        self._z: np.ndarray | None = None
        try:
            super().__init__(color=color, shading=shading, **kwargs)
            self._assign({"cmap": cmap, "clim": clim})
        finally:
            self._building = False
        if z is not None or x is not None or y is not None:
            self.set_data(x, y, z)

    def set_data(
        self,
        x: ArrayLike | None = None,
        y: ArrayLike | None = None,
        z: ArrayLike | None = None,
        **properties: Any,
    ) -> None:
        """Change x, y and/or z (what is not given is kept) and any properties together
        (all or nothing): ``set_data(z=new_heights, clim=(0, 1))``. New z of another
        shape needs x and y that fit it (give them too, unless they are the indices)."""
        if self._building:  # Mesh.__init__: its (empty) vertices and faces and properties
            Mesh.set_data(self, x, y, **properties)
            return
        new_z = self._z if z is None else _heights(z)
        new_x = self._x if x is None else np.asarray(x)
        new_y = self._y if y is None else np.asarray(y)
        if new_z is None:
            if x is not None or y is not None:  # kept for the z to come, checked then
                self._x, self._y = new_x, new_y
            Mesh.set_data(self, **properties)
            return
        shape = new_z.shape
        xs = _coordinate(new_x, "x", 0, shape)
        ys = _coordinate(new_y, "y", 1, shape)
        vertices = np.empty((*shape, 3), np.float32)
        vertices[..., 0], vertices[..., 1], vertices[..., 2] = xs, ys, new_z
        faces = None if self._z is not None and self._z.shape == shape else grid_faces(*shape)
        given = properties.keys() & {"vertex_colors", "face_colors"}  # the user's colours win
        colors = {} if given else self._colors(new_z, properties)
        Mesh.set_data(self, vertices.reshape(-1, 3), faces, **colors, **properties)
        self._x, self._y, self._z = new_x, new_y, new_z

    def _colors(self, z: np.ndarray, properties: dict[str, Any]) -> dict[str, Any]:
        """The vertex_colors argument for heights ``z`` and the colormap and limits in
        ``properties`` (checked here) or in use."""
        from ...shaders import colormaps

        def value(name: str) -> Any:
            if name in properties:
                return self._props[name].convert(self, properties[name], 0)
            return self._values[name]

        cmap, clim = value("cmap"), value("clim")
        if cmap is None:  # one colour: clear the colormap's, keep a user's vertex colours
            return {"vertex_colors": None} if self._colormapped else {}
        lo, hi = checks.finite_range([z]) if clim == "auto" else clim
        return {"vertex_colors": colormaps.sample(cmap, (z.ravel() - lo) / (hi - lo))}

    @property
    def _colormapped(self) -> bool:
        return self._values.get("cmap") is not None and self._vertex_colors is not None

    def _assign(self, values: dict[str, Any], n: int | None = None, *, caller: str = "") -> None:
        recolour = self._z is not None and values.keys() & {"cmap", "clim"}
        if caller == "set_data" or self._building or not recolour:
            super()._assign(values, n, caller=caller)
        else:  # surface.cmap = "magma": the vertex colours again, with the check
            Mesh.set_data(self, **self._colors(self._z, values), **values)

    @property
    def x(self) -> np.ndarray | None:
        """x as given (1D or 2D), or None (the row indices); setting it is ``set_data(x=...)``."""
        return self._x

    @x.setter
    def x(self, value: ArrayLike) -> None:
        self.set_data(x=value)

    @property
    def y(self) -> np.ndarray | None:
        """y as given (1D or 2D), or None (the column indices); setting it is
        ``set_data(y=...)``."""
        return self._y

    @y.setter
    def y(self, value: ArrayLike) -> None:
        self.set_data(y=value)

    @property
    def z(self) -> np.ndarray | None:
        """The (rows, cols) float32 heights, or None; setting them is ``set_data(z=...)``."""
        return self._z

    @z.setter
    def z(self, value: ArrayLike) -> None:
        self.set_data(z=value)

    @property
    def vertices(self) -> np.ndarray:
        """(rows * cols, 3) float32 vertex positions, row by row; they follow from x, y, z."""
        return self._vertices

    @vertices.setter
    def vertices(self, value: ArrayLike) -> None:
        raise AttributeError(
            f"{_NAME}.vertices follow from x, y and z: use set_data(x=..., y=..., z=...)"
        )

    @property
    def faces(self) -> np.ndarray:
        """(2 (rows - 1) (cols - 1), 3) uint32 triangles of the grid; they follow from z's
        shape."""
        return self._faces

    @faces.setter
    def faces(self, value: ArrayLike) -> None:
        raise AttributeError(f"{_NAME}.faces follow from z's shape: use set_data(z=...)")
