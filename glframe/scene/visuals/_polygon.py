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
from .._reactive import Prop
from .._visual import DrawContext, Visual
from . import _data as checks
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


#: check: None (nothing drawn) or one colour -> (4,) float32 RGBA
_color_or_none = checks.optional(lambda value, what: as_colors(value, 1, what).reshape(4))


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
        self._count = 0  # indices to draw
        self._ibo: gloo.IndexBuffer | None = None  # made at the first draw
        self._assign(
            {
                "color": color,
                "border_color": border_color,
                "border_width": border_width,
                "border_join": border_join,
            }
        )
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
        """(N, 2) vertices of the outline, either winding (computed for shapes)."""
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
        """The (M, 2) rings cut out of the fill (a list, empty for none)."""
        return list(self._rings[1:])

    @holes.setter
    def holes(self, value: list[ArrayLike] | None) -> None:
        self._set_rings(self._rings[:1], value)

    # ---- style ---------------------------------------------------------------------------
    color = Prop(_color_or_none, "Fill colour, (4,) RGBA, or None for no fill.")
    border_color = Prop(
        _color_or_none, "Outline colour, (4,) RGBA, or None for no outline.", dirty="borders"
    )
    border_width = Prop(checks.number(minimum=0), "Outline width in pixels.", dirty="borders")
    border_join = Prop(
        checks.choice(*JOINS), f"How the outline's sides meet: {', '.join(JOINS)}.", dirty="borders"
    )

    def _assign(self, values: dict[str, Any], n: int | None = None, *, caller: str = "") -> None:
        super()._assign(values, n, caller=caller)
        if "borders" in self._dirty:  # the outline is drawn by Line children: style them now
            self._dirty.discard("borders")
            self._style_borders()

    def _style_borders(self) -> None:
        color, width = self._values["border_color"], self._values["border_width"]
        for line in self._borders:
            line.visible = color is not None and width > 0
            if color is not None:
                line.color = color
            line.width = width
            line.join = self._values["border_join"]

    # ---- drawing ---------------------------------------------------------------------------
    def _update_shape(self, ctx: DrawContext) -> None:
        """Hook for shapes: recompute the vertices if the view needs other ones."""

    def _prepare(self, ctx: DrawContext) -> None:
        self._update_shape(ctx)
        if "geometry" in self._dirty:
            self._count = 0
            if self._rings:
                vertices, triangles = triangulate(self._rings[0], self._rings[1:])
                self._count = triangles.size
                if self._count:
                    if self._ibo is None:
                        self._ibo = gloo.IndexBuffer()
                    self._ibo.set_data(triangles)
                    xyz = np.c_[vertices, np.zeros(len(vertices))].astype(np.float32)
                    self._bind("a_position", xyz, 1)
        color = self._values["color"]
        if "color" in self._dirty and color is not None:
            self.program["u_color"] = tuple(color.tolist())
        self._dirty.clear()

    def _draw(self, ctx: DrawContext) -> None:
        color = self._values["color"]
        if self._count and color is not None and color[3] > 0:
            self.program.draw("triangles", self._ibo)

    def bounds(self, axis: int) -> tuple[float, float] | None:
        if not self._rings:
            return None
        if axis >= 2:
            return (0.0, 0.0)
        values = self._rings[0][:, axis]
        return float(values.min()), float(values.max())
