"""Text: labels drawn from a signed-distance-field glyph atlas, all in one draw.

One string or many, each at its anchor position (2D or 3D data coordinates).
Layout happens on the CPU: glyphs come from the font's shared atlas
(:mod:`._sdf`), advance with the font's metrics (and its kern table, where it
has one), lines break at ``"\\n"`` and are aligned by ``anchor_x``. Every glyph
is one instance of a 4-vertex quad whose corners are offsets in em from its
label's anchor; the vertex stage maps the anchor through ``$transform`` and
places the corners in pixels, rotated, so text keeps its size on screen when
zooming (``scaling="points"``, the default, or ``"pixels"``) or grows with the
data (``scaling="scene"``: the size is in data units along the scene's x axis
at the anchor, as for Markers). Thousands of labels are one DRAW.

Units and sense are vispy's (and, for sizes, matplotlib's and Qt's):
``font_size`` is in points by default, 1/72 inch at 96 pixels an inch, so
12 pt is 16 pixels (times the canvas's pixel scale); ``scaling="pixels"``
takes pixels instead, by name. ``rotation`` turns the text clockwise on
screen, in degrees, as vispy, CSS and SVG do (matplotlib turns it the other
way: the plot layer converts).
:meth:`SceneCanvas.pick` reports the index of the label under the pointer.

Limits: no shaping (ligatures, right-to-left scripts, combining marks are
drawn as separate code points), no tabs, no per-character styles, no word
wrap. A character the font lacks draws the font's .notdef box. Fonts are the
machine's (see :mod:`._fonts`).

Properties are reactive: ``text.color = "red"`` sends one attribute value (or
the per-glyph colours) at the next draw, ``text.text = ...`` lays out again.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ... import gloo
from ...shaders import snippet
from .._reactive import Alias, Prop, aliased_argument
from .._visual import DrawContext, Visual, finite_bounds
from . import _data as checks
from ._data import as_positions
from ._fonts import find_font
from ._origin import choose_origin, relative
from ._sdf import EM, SPREAD, FontAtlas, layout

__all__ = ["Text", "ANCHORS_X", "ANCHORS_Y"]

_GLSL = __package__  # the visuals' GLSL lives next to them, in glsl/

ANCHORS_X = ("left", "center", "right")
ANCHORS_Y = ("top", "center", "baseline", "bottom")

_angles = checks.numbers()
#: what a new font, bold or italic marks dirty: the atlas (found again), then the layout
_FACE = ("font", "layout")


#: pixels per point: 96 pixels an inch (a pixel scale of 1), 72 points an inch
PIXELS_PER_POINT = 96 / 72


def _radians(value: Any, what: str, n: int) -> Any:
    """Check (per label): degrees clockwise, one or (n,), -> radians counter-clockwise
    (the shader's sense)."""
    return -np.radians(_angles(value, what, n))


def _font(value: Any, what: str) -> str:
    """Check: a family name, a generic name or a font file that exists -> a str."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{what} must be a family name or a path, not {value!r}")
    try:
        find_font(value)  # the face (bold, italic) is chosen when the atlas is needed
    except ValueError as exc:
        raise ValueError(f"{what}: {exc}") from None
    return str(value)


# a triangle strip per glyph, twice: outlines first (z = 1), then fills, so that no
# glyph's outline covers its neighbour's fill
CORNERS = np.array([[x, y, z] for z in (1, 0) for y in (0, 1) for x in (0, 1)], np.float32)


class Text(Visual):
    """Text labels: one string, or one string per position.

    Parameters
    ----------
    text
        A string, or a list of N strings (one label each); None: no text (vispy's
        default). ``"\\n"`` breaks lines.
    positions
        Anchor positions: (2,), (3,) or (1, 2|3) for one string (default: the
        origin), (N, 2|3) for N strings. One string with N positions is drawn N times.
    font
        A family name (``"DejaVu Sans"``, ``"DejaVu Serif"``, ...), a generic name
        (``"sans"``, the default, ``"serif"``, ``"monospace"``: the first of a
        few common families found, DejaVu first) or a font file.
    bold, italic
        Pick the family's bold or italic face (when it has one).
    font_size
        Size of an em: one value or one per label, in points (``scaling="points"``,
        the default: 12 pt is 16 pixels), pixels (``scaling="pixels"``) or data
        units along the scene's x axis (``scaling="scene"``).
    color
        One colour (name, '#rrggbb', RGB(A) floats) or (N, 3|4), one per label.
    anchor_x, anchor_y
        Which point of the text box sits at the position: ``anchor_x`` in
        :data:`ANCHORS_X` (also aligns the lines of multi-line labels),
        ``anchor_y`` in :data:`ANCHORS_Y` (top of the first line's ascender,
        middle of the box, the first line's baseline, or bottom of the last
        line's descender).
    rotation
        Clockwise on screen, in degrees, about the anchor (vispy's sense): one value
        or one per label.
    scaling
        The unit of ``font_size``: "points" (default), "pixels" or "scene".
    outline_color, outline_width
        An outline outside the glyphs (width in pixels; 0, the default: none),
        drawn behind every glyph of the visual (a second DRAW). It is limited to
        what the distance field holds: about ``font_size * SPREAD / EM`` pixels
        (a sixth of an em).

    Examples
    --------
    >>> label = Text("Hello, world", positions=(0, 0), font_size=24, color="white",
    ...              parent=view.scene)                                   # doctest: +SKIP
    >>> ticks = Text([f"{v:.1f}" for v in values], positions=np.c_[values, 0 * values],
    ...              anchor_y="top", font="DejaVu Serif", parent=view.scene)  # doctest: +SKIP
    >>> label.color = "#ffa500"       # one attribute value at the next draw  # doctest: +SKIP
    """

    _items = "labels"

    def __init__(
        self,
        text: str | Sequence[str] = "",
        positions: ArrayLike | None = None,
        *,
        font: str | os.PathLike = "sans",
        bold: bool = False,
        italic: bool = False,
        font_size: ArrayLike = 12.0,
        color: Any = "white",
        anchor_x: str = "center",
        anchor_y: str = "center",
        rotation: ArrayLike = 0.0,
        scaling: str = "points",
        outline_color: Any = "black",
        outline_width: float = 0.0,
        parent: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            snippet("text/vertex", _GLSL), snippet("text/fragment", _GLSL), parent, **kwargs
        )
        self._atlas: FontAtlas | None = None  # of font, bold and italic (see _font_atlas)
        self._texture: gloo.Texture2D | None = None
        self._label_of = np.zeros(0, np.intp)  # per glyph: its label
        self._extents = np.zeros((0, 4))  # per label: ink box in em from the anchor
        self._values.update(strings=[""], position=np.zeros((1, 3), np.float32))
        self._given["text"] = ""
        self.set_data(
            text,
            positions,
            font=font,
            bold=bold,
            italic=italic,
            font_size=font_size,
            color=color,
            anchor_x=anchor_x,
            anchor_y=anchor_y,
            rotation=rotation,
            scaling=scaling,
            outline_color=outline_color,
            outline_width=outline_width,
        )

    # ---- data -----------------------------------------------------------------------
    def set_data(
        self,
        text: str | Sequence[str] | None = None,
        positions: ArrayLike | None = None,
        **properties: Any,
    ) -> None:
        """Set the strings, positions and any properties at once (checked together: all
        or nothing)."""
        positions, properties = aliased_argument(
            Text, "positions", positions, properties, "Text.set_data"
        )
        strings = self._values["strings"] if text is None else _as_strings(text)
        pos = self._values["position"]
        if positions is not None:
            pos = np.asarray(positions)
            pos = as_positions(
                pos[None] if pos.shape in ((2,), (3,)) else pos, "Text.positions", precise=True
            )
        if len(strings) != 1 and len(pos) != len(strings):
            raise ValueError(
                f"Text.positions: {len(pos)} positions for {len(strings)} strings "
                "(give one position per string, or one string)"
            )
        relayout = text is not None or len(pos) != self._n
        self._assign(properties, len(pos), caller="set_data")
        if text is not None:
            self._given["text"] = text
            self._values["strings"] = strings
        if positions is not None:
            self._values["position"] = pos
            self._dirty.add("position")
            # float64 anchors far from zero: drawn relative to an origin near them
            self._set_origin(choose_origin(pos)[0] if pos.dtype == np.float64 else np.zeros(3))
        if relayout:
            self._dirty.add("layout")

    @property
    def text(self) -> str | list[str]:
        """The string, or one string per label, as given (``"\\n"`` breaks lines); setting it
        keeps the positions. None (vispy's empty text) is ``""``."""
        return self._given["text"]

    @text.setter
    def text(self, value: str | Sequence[str] | None) -> None:
        # None is vispy's "no text": it clears (set_data's None keeps the strings)
        self.set_data("" if value is None else value)

    @property
    def positions(self) -> np.ndarray:
        """(N, 3) anchor positions (z = 0 for 2D data), in data coordinates: float64
        when given float64 (drawn relative to an origin near them, keeping their
        precision), float32 otherwise. Setting them keeps the strings and the other
        properties (per-label values must then fit the new count)."""
        return self._values["position"]

    @positions.setter
    def positions(self, value: ArrayLike) -> None:
        self.set_data(positions=value)

    pos = Alias("positions")

    font = Prop(
        _font,
        'A family name ("DejaVu Serif"), a generic name ("sans", "serif", "monospace") '
        "or a font file.",
        dirty=_FACE,
    )
    bold = Prop(checks.flag(), "Use the family's bold face (when it has one).", dirty=_FACE)
    italic = Prop(checks.flag(), "Use the family's italic face (when it has one).", dirty=_FACE)
    font_size = Prop(
        checks.numbers(minimum=0),
        "Size of an em: one value or one per label, in points (12 pt = 16 pixels), "
        "or pixels or scene units (see scaling).",
        per_item=True,
    )
    color = Prop(
        checks.colors(), "Text colour: one colour or (N, 3|4), one per label.", per_item=True
    )
    rotation = Prop(
        _radians,
        "Rotation about the anchor in degrees, clockwise on screen (vispy's sense): "
        "one value or one per label.",
        per_item=True,
        returns="given",
    )
    anchor_x = Prop(
        checks.choice(*ANCHORS_X),
        f"Horizontal anchor, also aligning the lines: {', '.join(ANCHORS_X)}.",
        dirty="layout",
    )
    anchor_y = Prop(
        checks.choice(*ANCHORS_Y), f"Vertical anchor: {', '.join(ANCHORS_Y)}.", dirty="layout"
    )
    scaling = Prop(
        checks.choice("points", "pixels", "scene"),
        'The unit of font_size: points ("points", 96/72 pixels each), screen pixels '
        '("pixels") or scene units along x ("scene").',
        dirty=("scaling", "font_size"),
    )
    outline_color = Prop(checks.color(), "The outline's colour (RGBA floats).")
    outline_width = Prop(checks.number(minimum=0), "The outline's width in pixels (0: none).")

    @property
    def font_path(self) -> str:
        """The font file in use."""
        return str(self._font_atlas().path)

    def _font_atlas(self) -> FontAtlas:
        """The shared atlas of the face of font, bold and italic (found again when they change)."""
        if self._atlas is None or "font" in self._dirty:
            path = find_font(self.font, bold=self.bold, italic=self.italic)
            self._atlas = FontAtlas.for_font(path)
            self._dirty.discard("font")
        return self._atlas

    # ---- layout ------------------------------------------------------------------------
    def _layout(self) -> None:
        """Glyph quads and atlas rectangles of every label (em units from the anchor)."""
        strings = self._values["strings"]
        atlas = self._font_atlas()
        quads, texels, label_of, ink = layout(atlas, strings, self.anchor_x, self.anchor_y)
        if len(strings) == 1 and self._n != 1:  # one string at every position
            quads, texels = np.tile(quads, (self._n, 1)), np.tile(texels, (self._n, 1))
            label_of = np.repeat(np.arange(self._n), len(label_of))
            ink = np.repeat(ink, self._n, axis=0)
        self._quads, self._texels = quads.astype(np.float32), texels.astype(np.float32)
        self._label_of, self._extents = label_of, ink
        self._dirty |= {"position", "font_size", "color", "rotation", "glyphs"}

    def extent(self, index: int = 0) -> tuple[float, float, float, float]:
        """The ink box (x0, y0, x1, y1) of label ``index`` around its anchor, before rotation.

        In pixels (y up) for ``scaling="points"`` and ``"pixels"`` (at a pixel
        scale of 1), in data units for ``scaling="scene"``; all zeros for an
        empty label.
        """
        if "layout" in self._dirty:
            self._layout()
            self._dirty.discard("layout")
        if not 0 <= index < len(self._extents):
            raise IndexError(f"Text.extent: no label {index} (there are {len(self._extents)})")
        size = self._values["font_size"]
        size = float(size) if np.ndim(size) == 0 else float(size[index])
        size *= self._pixels_per_unit()
        return tuple(float(v) * size for v in self._extents[index])

    def _pixels_per_unit(self) -> float:
        """Pixels of one font_size unit: 96/72 for points, 1 for pixels and scene units."""
        return PIXELS_PER_POINT if self._values["scaling"] == "points" else 1.0

    # ---- drawing -------------------------------------------------------------------------
    def _prepare(self, ctx: DrawContext) -> None:
        program = self.program
        if "layout" in self._dirty:
            self._layout()
        texture = self._font_atlas().texture(gloo.get_current_context())
        if texture is not self._texture:
            program["u_atlas"] = self._texture = texture
            program["u_em"] = float(EM)
            program["u_spread"] = float(SPREAD)
            program["a_corner"] = CORNERS
        if not len(self._label_of):  # nothing to draw: upload the rest when there is
            self._dirty.discard("layout")
            return
        per_glyph = self._label_of
        for name in sorted(self._dirty):
            value = self._values.get(name)
            if name == "glyphs":
                self._upload("a_quad", self._quads)
                self._upload("a_texels", self._texels)
                self._upload("a_label", self._label_of.astype(np.float32), 0)
            elif name == "position":
                self._upload("a_position", relative(value[per_glyph], self._origin))
            elif name in ("font_size", "rotation", "color"):
                item_ndim = 1 if name == "color" else 0  # one colour is 4 floats
                per_label = np.ndim(value) > item_ndim
                if name == "font_size":  # the shader takes pixels (or scene units)
                    value = np.asarray(value, np.float32) * self._pixels_per_unit()
                self._upload(f"a_{name}", value[per_glyph] if per_label else value, item_ndim)
            elif name == "scaling":
                program["u_scene_scaling"] = 1.0 if value == "scene" else 0.0
            elif name in ("outline_color", "outline_width"):
                program[f"u_{name}"] = value
        self._dirty.clear()

    def _upload(self, attribute: str, value: Any, item_ndim: int = 1) -> None:
        """One value: a constant attribute (:meth:`_bind`); one per glyph: a per-instance
        buffer (``divisor=1``).

        Buffers keep a capacity (a power of two) so that text changing length
        overwrites them in place (DATA) rather than reallocating (SIZE).
        """
        if np.ndim(value) <= item_ndim:
            self._bind(attribute, value, item_ndim)
            return
        value = np.asarray(value, np.float32)
        buf = self._buffers.get(attribute)
        if buf is not None and len(buf) >= len(value) and buf.shape[1:] == value.shape[1:]:
            buf.set_subdata(value)
        else:
            capacity = max(64, 1 << (len(value) - 1).bit_length())
            full = np.zeros((capacity, *value.shape[1:]), np.float32)
            full[: len(value)] = value
            if buf is None:
                buf = self._buffers[attribute] = gloo.VertexBuffer(full, divisor=1)
            else:
                buf.set_data(full)
        self.program[attribute] = buf

    def _draw(self, ctx: DrawContext) -> None:
        if len(self._label_of):
            n = len(self._label_of)
            if self.outline_width > 0:
                self.program.draw("triangle_strip", first=0, count=4, instances=n)
            self.program.draw("triangle_strip", first=4, count=4, instances=n)

    def bounds(self, axis: int) -> tuple[float, float] | None:
        """Extent of the anchor positions (text sizes in pixels have no data extent)."""
        pos = self._values["position"]
        return finite_bounds(pos[:, axis]) if len(pos) else None


def _as_strings(text: Any) -> list[str]:
    if isinstance(text, str):
        return [text]
    try:
        strings = list(text)
    except TypeError:
        strings = None
    if strings is None or isinstance(text, bytes):
        raise TypeError(f"Text.text must be a str or a list of str, not {type(text).__name__}")
    for i, s in enumerate(strings):
        if not isinstance(s, str):
            raise TypeError(f"Text.text: item {i} is {type(s).__name__}, not str")
    return strings
