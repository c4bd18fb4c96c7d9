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

from ... import gloo
from ...shaders import snippet
from .._visual import Visual, finite_bounds
from ._data import as_colors, as_positions, per_item

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
        self._n = 0
        self._dirty: set[str] = set()
        self._values: dict[str, Any] = {}
        self._buffers: dict[str, gloo.VertexBuffer] = {}
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
        """Set positions and any properties at once (fewer checks than one by one)."""
        if positions is not None:
            pos = as_positions(positions, "Markers.positions")
            self._values["position"] = pos
            self._n = len(pos)
            self._dirty.add("position")
            for name in ("size", "face_color", "edge_color", "symbol"):
                if name in self._values and name not in properties:
                    properties[name] = self._values[name + "_given"]
        for name, value in properties.items():
            setattr(self, name, value)
        self.update()

    @property
    def positions(self) -> np.ndarray:
        return self._values["position"]

    @positions.setter
    def positions(self, value: ArrayLike) -> None:
        self.set_data(value)

    def _set(self, name: str, value: Any, converted: Any) -> None:
        self._values[name + "_given"] = value
        self._values[name] = converted
        self._dirty.add(name)
        self.update()

    size = property(
        lambda self: self._values["size"],
        lambda self, v: self._set(
            "size", v, per_item(v, self._n, "Markers.size", nonnegative=True)
        ),
    )
    face_color = property(
        lambda self: self._values["face_color"],
        lambda self, v: self._set("face_color", v, as_colors(v, self._n, "Markers.face_color")),
    )
    edge_color = property(
        lambda self: self._values["edge_color"],
        lambda self, v: self._set("edge_color", v, as_colors(v, self._n, "Markers.edge_color")),
    )

    @property
    def symbol(self) -> Any:
        return self._values["symbol_given"]

    @symbol.setter
    def symbol(self, value: Any) -> None:
        names = [value] if isinstance(value, str) else list(value)
        unknown = sorted({n for n in names if n not in SYMBOLS})
        if unknown:
            raise ValueError(f"Markers.symbol: unknown {unknown}; symbols: {', '.join(SYMBOLS)}")
        codes = np.array([SYMBOLS[n] for n in names], np.float32)
        if not isinstance(value, str) and len(codes) != self._n:
            raise ValueError(f"Markers.symbol: {len(codes)} symbols for {self._n} points")
        self._set("symbol", value, codes[0] if isinstance(value, str) else codes)

    @property
    def edge_width(self) -> float:
        return self._values["edge_width"]

    @edge_width.setter
    def edge_width(self, value: float) -> None:
        value = float(value)
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"Markers.edge_width must be >= 0, not {value}")
        self._set("edge_width", value, value)

    @property
    def scaling(self) -> str:
        return self._values["scaling"]

    @scaling.setter
    def scaling(self, value: str) -> None:
        if value not in ("pixels", "scene"):
            raise ValueError(f"Markers.scaling must be 'pixels' or 'scene', not {value!r}")
        self._set("scaling", value, value)

    # ---- drawing ------------------------------------------------------------------------
    def _prepare(self, view: Any) -> None:
        program = self.program
        for name in sorted(self._dirty):
            value = self._values[name]
            if name == "edge_width":
                program["u_edge_width"] = value
            elif name == "scaling":
                program["u_scene_scaling"] = 1.0 if value == "scene" else 0.0
            else:
                self._upload(f"a_{name}", value)
        self._dirty.clear()

    def _upload(self, attribute: str, value: np.ndarray) -> None:
        """Per-point arrays go to a buffer (updated in place); one value to a constant."""
        program = self.program
        if np.ndim(value) == 0 or (attribute.endswith("color") and np.ndim(value) == 1):
            program[attribute] = (
                tuple(np.atleast_1d(value).astype(float)) if np.ndim(value) else float(value)
            )
            return
        buf = self._buffers.get(attribute)
        if buf is None:
            buf = self._buffers[attribute] = gloo.VertexBuffer(value)
        else:
            buf.set_data(value)
        program[attribute] = buf

    def _draw(self, view: Any) -> None:
        if self._n:
            self.program.draw("points")

    def bounds(self, axis: int) -> tuple[float, float] | None:
        pos = self._values["position"]
        if not len(pos):
            return None
        return finite_bounds(pos[:, axis]) if axis < pos.shape[1] else (0.0, 0.0)
