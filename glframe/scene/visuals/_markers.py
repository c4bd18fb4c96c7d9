"""Markers: a scatter of symbols, one GL point each, shaded by a signed distance.

Millions of points in one draw. Per point: position (2D or 3D), size, face
colour, edge colour and symbol; edge width is shared. Sizes are in screen
pixels (``scaling="pixels"``) or in data units (``scaling="scene"``: the size
along the scene's x axis at the point, so markers grow when zooming in). Edges
are antialiased over one pixel from the symbol's signed distance.

Properties are reactive: ``markers.size = 5`` uploads the size buffer (or a
constant) at the next draw, nothing else.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ...shaders import snippet
from .._reactive import Prop
from .._visual import DrawContext, Visual, finite_bounds
from . import _data as checks
from ._data import as_positions

__all__ = ["Markers", "SYMBOLS"]

_GLSL = __package__  # the visuals' GLSL lives next to them, in glsl/

#: symbol name -> its index in the fragment shader
SYMBOLS = {
    name: i
    for i, name in enumerate(
        (
            "disc",
            "square",
            "triangle",
            "diamond",
            "cross",
            "x",
            "ring",
            "star",
            "arrow",
            "hbar",
            "vbar",
            "triangle_down",
        )
    )
}

VERT = """
in vec3 a_position;
in float a_size;
in vec4 a_face_color;
in vec4 a_edge_color;
in float a_symbol;
uniform float u_edge_width;
uniform float u_scene_scaling;   // 0: sizes in pixels, 1: in scene x units
out vec4 v_face_color;
out vec4 v_edge_color;
out float v_size;
flat out int v_symbol;
void main() {
    vec4 clip = $transform(vec4(a_position, 1.0));
    float size = a_size * $pixel_scale;
    if (u_scene_scaling > 0.5) {
        vec4 other = $transform(vec4(a_position + vec3(a_size, 0.0, 0.0), 1.0));
        size = length((other.xy / other.w - clip.xy / clip.w) * $viewport * 0.5);
    }
    v_size = size;
    v_face_color = a_face_color;
    v_edge_color = a_edge_color;
    v_symbol = int(a_symbol + 0.5);
    gl_Position = clip;
    gl_PointSize = size + 2.0 * (u_edge_width * $pixel_scale + 1.0);
    $pick_index = gl_VertexID;
}
"""
FRAG = """
in vec4 v_face_color;
in vec4 v_edge_color;
in float v_size;
flat in int v_symbol;
uniform float u_edge_width;
out vec4 f_color;
"""


def _symbols(value: Any, what: str, n: int) -> Any:
    """One symbol name (its code) or one per point ((n,) float32 codes)."""
    names = [value] if isinstance(value, str) else list(value)
    unknown = sorted({str(name) for name in names if name not in SYMBOLS})
    if unknown:
        raise ValueError(f"{what}: unknown {unknown}; symbols: {', '.join(SYMBOLS)}")
    codes = np.array([SYMBOLS[name] for name in names], np.float32)
    if isinstance(value, str):
        return float(codes[0])
    if len(codes) != n:
        raise ValueError(f"{what}: {len(codes)} symbols for {n} points")
    return codes


class Markers(Visual):
    """Points drawn as symbols.

    Parameters
    ----------
    positions
        (N, 2) or (N, 3) data coordinates.
    size
        Diameter: one value or one per point (pixels, or scene units).
    face_color, edge_color
        One colour (name, '#rrggbb', RGB(A) floats) or (N, 3|4) colours.
    edge_width
        Outline width in pixels (0: none).
    symbol
        One name of :data:`SYMBOLS` or one per point.
    scaling
        "pixels" (default) or "scene".

    Examples
    --------
    >>> points = Markers(np.random.normal(size=(1000, 2)), size=6, face_color="red",
    ...                  parent=view.scene)            # doctest: +SKIP
    >>> points.symbol = "star"                          # doctest: +SKIP
    """

    _items = "points"

    def __init__(
        self,
        positions: ArrayLike | None = None,
        *,
        size: ArrayLike = 10.0,
        face_color: Any = "white",
        edge_color: Any = "black",
        edge_width: float = 1.0,
        symbol: Any = "disc",
        scaling: str = "pixels",
        parent: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(VERT, FRAG + snippet("markers/symbols", _GLSL), parent, **kwargs)
        self._values["position"] = np.zeros((0, 3), np.float32)
        self.set_data(
            positions if positions is not None else np.zeros((0, 2)),
            size=size,
            face_color=face_color,
            edge_color=edge_color,
            edge_width=edge_width,
            symbol=symbol,
            scaling=scaling,
        )

    # ---- data --------------------------------------------------------------------------
    def set_data(self, positions: ArrayLike | None = None, **properties: Any) -> None:
        """Set positions and any properties at once (checked together: all or nothing)."""
        pos = None if positions is None else as_positions(positions, "Markers.positions")
        self._set_items("position", pos, properties)

    @property
    def positions(self) -> np.ndarray:
        """(N, 3) float32 positions (z = 0 for 2D data); setting them keeps the other
        properties (per-point values must then fit the new count)."""
        return self._values["position"]

    @positions.setter
    def positions(self, value: ArrayLike) -> None:
        self.set_data(value)

    size = Prop(
        checks.numbers(minimum=0),
        "Diameter: one value or one per point, in pixels (or scene units, see scaling).",
        per_item=True,
    )
    face_color = Prop(
        checks.colors(), "Fill colour: one colour or (N, 3|4), one per point.", per_item=True
    )
    edge_color = Prop(
        checks.colors(), "Outline colour: one colour or (N, 3|4), one per point.", per_item=True
    )
    symbol = Prop(
        _symbols,
        f"One symbol for all points or one per point: {', '.join(SYMBOLS)}.",
        per_item=True,
        returns="given",
    )
    edge_width = Prop(checks.number(minimum=0), "Outline width in pixels (0: none).")
    scaling = Prop(
        checks.choice("pixels", "scene"),
        'Sizes in screen pixels ("pixels") or in scene units along x ("scene").',
    )

    # ---- drawing ------------------------------------------------------------------------
    def _prepare(self, ctx: DrawContext) -> None:
        program = self.program
        for name in sorted(self._dirty):
            value = self._values[name]
            if name == "edge_width":
                program["u_edge_width"] = value
            elif name == "scaling":
                program["u_scene_scaling"] = 1.0 if value == "scene" else 0.0
            else:
                self._bind(f"a_{name}", value, 1 if name.endswith("color") else 0)
        self._dirty.clear()

    def _draw(self, ctx: DrawContext) -> None:
        if self._n:
            self.program.draw("points")

    def bounds(self, axis: int) -> tuple[float, float] | None:
        pos = self._values["position"]
        if not len(pos):
            return None
        return finite_bounds(pos[:, axis]) if axis < pos.shape[1] else (0.0, 0.0)
