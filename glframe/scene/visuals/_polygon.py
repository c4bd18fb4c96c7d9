"""Polygon: a filled shape with an outline.

The fill is triangulated on the CPU by ear clipping (``_triangulate``:
concave outlines, either winding, collinear points, holes) and drawn as
indexed triangles with one colour; it is triangulated again only when the
vertices change. The outline is drawn by :class:`~glframe.scene.visuals.Line`
children (one closed loop per ring, named "border"), so it has the line's
pixel width, antialiasing and joins. The fill itself is not antialiased: give
a border for smooth edges. Rectangle and Ellipse (``_shapes``) are polygons
computed from parameters.

Limits: the outline must be simple (not self-intersecting); vertices are 2D
(z = 0 in the visual's coordinates).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ... import gloo
from .._visual import Visual
from ._data import as_colors
from ._line import JOINS, Line
from ._triangulate import triangulate

__all__ = ["Polygon"]

VERT = """
in vec3 a_position;
void main() {
    gl_Position = $transform(vec4(a_position, 1.0));
}
"""
FRAG = """
uniform vec4 u_color;
out vec4 f_color;
void main() {
    f_color = $post(u_color);
}
"""


def _as_ring(value: ArrayLike, what: str) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what}: dtype {arr.dtype} is not numeric")
    if arr.ndim != 2 or arr.shape[1] != 2 or len(arr) < 3:
        raise ValueError(f"{what}: shape {arr.shape} is not (N, 2) with N >= 3")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what}: contains NaN or infinity")
    return arr


def _as_color_or_none(value: Any, what: str) -> np.ndarray | None:
    return None if value is None else as_colors(value, 1, what).reshape(4)


class Polygon(Visual):
    """A filled polygon (concave allowed, optional holes) with an optional outline.

    Parameters
    ----------
    vertices
        (N, 2) vertices of a simple polygon, either winding.
    holes
        A list of (M, 2) rings inside the polygon, or None.
    color
        Fill colour, or None for no fill.
    border_color
        Outline colour, or None (default) for no outline.
    border_width
        Outline width in pixels.
    border_join
        "miter" (default), "round" or "bevel".
    parent, **kwargs
        As for :class:`~glframe.scene.Node`.

    Examples
    --------
    >>> L = [[0, 0], [3, 0], [3, 1], [1, 1], [1, 3], [0, 3]]
    >>> shape = Polygon(L, color="teal", border_color="white", border_width=2,
    ...                 parent=view.scene)                 # doctest: +SKIP
    >>> shape.color = (1, 0, 0, 0.5)        # one uniform at the next draw  # doctest: +SKIP
    """

    _fixed_vertices = False  # True for shapes computed from parameters

    def __init__(
        self,
        vertices: ArrayLike | None = None,
        *,
        holes: list[ArrayLike] | None = None,
        color: Any = "white",
        border_color: Any = None,
        border_width: float = 1.0,
        border_join: str = "miter",
        parent: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(VERT, FRAG, parent, **kwargs)
        self._rings: list[np.ndarray] = []
        self._borders: list[Line] = []
        self._dirty: set[str] = set()
        self._count = 0  # indices to draw
        self._vbo: gloo.VertexBuffer | None = None  # made at the first draw
        self._ibo: gloo.IndexBuffer | None = None
        self._border = {"color": None, "width": 1.0, "join": "miter"}
        self.color = color
        self.border_width = border_width
        self.border_join = border_join
        self.border_color = border_color
        if not self._fixed_vertices:
            self._set_rings(
                [_as_ring(vertices, "Polygon.vertices")] if vertices is not None else [],
                holes,
            )

    # ---- geometry ------------------------------------------------------------------------
    def _set_rings(self, rings: list[np.ndarray], holes: list[ArrayLike] | None) -> None:
        name = type(self).__name__
        rings = rings + [_as_ring(h, f"{name}.holes[{i}]") for i, h in enumerate(holes or [])]
        self._rings = rings
        self._dirty.add("geometry")
        while len(self._borders) < len(rings):
            self._borders.append(Line(connect="loop", name="border", parent=self))
        while len(self._borders) > len(rings):
            self._borders.pop().parent = None
        for line, ring in zip(self._borders, rings, strict=True):
            line.set_data(ring, connect="loop")
        self._style_borders()
        self.update()

    @property
    def vertices(self) -> np.ndarray:
        """(N, 2) vertices of the outline."""
        return self._rings[0] if self._rings else np.zeros((0, 2))

    @vertices.setter
    def vertices(self, value: ArrayLike) -> None:
        if self._fixed_vertices:
            raise AttributeError(
                f"{type(self).__name__}.vertices are computed; set its shape parameters"
            )
        self._set_rings([_as_ring(value, "Polygon.vertices")], self.holes)

    @property
    def holes(self) -> list[np.ndarray]:
        return list(self._rings[1:])

    @holes.setter
    def holes(self, value: list[ArrayLike] | None) -> None:
        self._set_rings(self._rings[:1], value)

    # ---- style ---------------------------------------------------------------------------
    @property
    def color(self) -> np.ndarray | None:
        return self._color

    @color.setter
    def color(self, value: Any) -> None:
        self._color = _as_color_or_none(value, f"{type(self).__name__}.color")
        self._dirty.add("color")
        self.update()

    @property
    def border_color(self) -> np.ndarray | None:
        return self._border["color"]

    @border_color.setter
    def border_color(self, value: Any) -> None:
        self._border["color"] = _as_color_or_none(value, f"{type(self).__name__}.border_color")
        self._style_borders()

    @property
    def border_width(self) -> float:
        return self._border["width"]

    @border_width.setter
    def border_width(self, value: float) -> None:
        value = float(value)
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{type(self).__name__}.border_width must be >= 0, not {value}")
        self._border["width"] = value
        self._style_borders()

    @property
    def border_join(self) -> str:
        return self._border["join"]

    @border_join.setter
    def border_join(self, value: str) -> None:
        if value not in JOINS:
            name, joins = type(self).__name__, ", ".join(JOINS)
            raise ValueError(f"{name}.border_join must be one of {joins}, not {value!r}")
        self._border["join"] = value
        self._style_borders()

    def _style_borders(self) -> None:
        color, width = self._border["color"], self._border["width"]
        for line in self._borders:
            line.visible = color is not None and width > 0
            if color is not None:
                line.color = color
            line.width = width
            line.join = self._border["join"]

    # ---- drawing ---------------------------------------------------------------------------
    def _update_shape(self, view: Any) -> None:
        """Hook for shapes: recompute the vertices if the view needs other ones."""

    def _prepare(self, view: Any) -> None:
        self._update_shape(view)
        if "geometry" in self._dirty:
            if self._rings:
                vertices, triangles = triangulate(self._rings[0], self._rings[1:])
                self._count = triangles.size
                if self._count:
                    if self._vbo is None:
                        self._vbo, self._ibo = gloo.VertexBuffer(), gloo.IndexBuffer()
                    self._vbo.set_data(np.c_[vertices, np.zeros(len(vertices))].astype(np.float32))
                    self._ibo.set_data(triangles)
                    self.program["a_position"] = self._vbo
            else:
                self._count = 0
        if "color" in self._dirty and self._color is not None:
            self.program["u_color"] = tuple(self._color.tolist())
        self._dirty.clear()

    def _draw(self, view: Any) -> None:
        if self._count and self._color is not None and self._color[3] > 0:
            self.program.draw("triangles", self._ibo)

    def bounds(self, axis: int) -> tuple[float, float] | None:
        if not self._rings:
            return None
        if axis >= 2:
            return (0.0, 0.0)
        values = self._rings[0][:, axis]
        return float(values.min()), float(values.max())
