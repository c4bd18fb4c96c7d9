"""Text: labels drawn from a signed-distance-field glyph atlas, all in one draw.

One string or many, each at its anchor position (2D or 3D data coordinates).
Layout happens on the CPU: glyphs come from the font's shared atlas
(:mod:`._sdf`), advance with the font's metrics (and its kern table, where it
has one), lines break at ``"\\n"`` and are aligned by ``anchor_x``. Every glyph
is one instance of a 4-vertex quad whose corners are offsets in em from its
label's anchor; the vertex stage maps the anchor through ``$transform`` and
places the corners in pixels, rotated, so text keeps its pixel size when
zooming (``scaling="pixels"``, the default) or grows with the data
(``scaling="scene"``: the size is in data units along the scene's x axis at
the anchor, as for Markers). Thousands of labels are one DRAW.
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
from ...gloo import as_rgba
from ...shaders import snippet
from .._visual import Visual, finite_bounds
from ._data import as_colors, as_positions, per_item
from ._fonts import find_font
from ._sdf import EM, SPREAD, FontAtlas, layout

__all__ = ["Text", "ANCHORS_X", "ANCHORS_Y"]

_GLSL = __package__  # the visuals' GLSL lives next to them, in glsl/

ANCHORS_X = ("left", "center", "right")
ANCHORS_Y = ("top", "center", "baseline", "bottom")

_PROPERTIES = ("font", "bold", "italic", "font_size", "color", "anchor_x", "anchor_y")
_PROPERTIES += ("rotation", "scaling", "outline_color", "outline_width")
#: per-label properties: name -> (value, number of labels) -> checked value
_PER_LABEL = {
    "font_size": lambda v, n: per_item(v, n, "Text.font_size", nonnegative=True),
    "color": lambda v, n: as_colors(v, n, "Text.color"),
    "rotation": lambda v, n: np.radians(per_item(v, n, "Text.rotation")),
}


def _choice(name: str, choices: tuple[str, ...]) -> Any:
    def check(value: Any) -> str:
        if value not in choices:
            raise ValueError(f"Text.{name} must be one of {', '.join(choices)}, not {value!r}")
        return value

    return check


def _outline_color(value: Any) -> tuple[float, ...]:
    try:
        return tuple(float(c) for c in as_rgba(value))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"Text.outline_color: {exc}") from None


def _outline_width(value: Any) -> float:
    width = float(value)
    if not np.isfinite(width) or width < 0:
        raise ValueError(f"Text.outline_width must be >= 0, not {width}")
    return width


#: the other checked properties: name -> value -> checked value
_CHECKS = {
    "anchor_x": _choice("anchor_x", ANCHORS_X),
    "anchor_y": _choice("anchor_y", ANCHORS_Y),
    "scaling": _choice("scaling", ("pixels", "scene")),
    "outline_color": _outline_color,
    "outline_width": _outline_width,
}


def _checked(name: str, doc: str) -> property:
    """A property checked by ``_CHECKS[name]``; anchors change the layout."""
    dirty = "layout" if name.startswith("anchor") else None

    def setter(self: Text, value: Any) -> None:
        self._set(name, value, _CHECKS[name](value), dirty)

    return property(lambda self: self._values[name], setter, doc=doc)


# a triangle strip per glyph, twice: outlines first (z = 1), then fills, so that no
# glyph's outline covers its neighbour's fill
CORNERS = np.array([[x, y, z] for z in (1, 0) for y in (0, 1) for x in (0, 1)], np.float32)


class Text(Visual):
    """Text labels: one string, or one string per position.

    Parameters
    ----------
    text
        A string, or a list of N strings (one label each). ``"\\n"`` breaks lines.
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
        Size of an em: one value or one per label, in pixels (``scaling="pixels"``)
        or data units along the scene's x axis (``scaling="scene"``).
    color
        One colour (name, '#rrggbb', RGB(A) floats) or (N, 3|4), one per label.
    anchor_x, anchor_y
        Which point of the text box sits at the position: ``anchor_x`` in
        :data:`ANCHORS_X` (also aligns the lines of multi-line labels),
        ``anchor_y`` in :data:`ANCHORS_Y` (top of the first line's ascender,
        middle of the box, the first line's baseline, or bottom of the last
        line's descender).
    rotation
        Counter-clockwise, in degrees, about the anchor: one value or one per label.
    scaling
        "pixels" (default) or "scene".
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
        scaling: str = "pixels",
        outline_color: Any = "black",
        outline_width: float = 0.0,
        parent: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            snippet("text/vertex", _GLSL), snippet("text/fragment", _GLSL), parent, **kwargs
        )
        self._values: dict[str, Any] = {"bold": bool(bold), "italic": bool(italic)}
        self._dirty: set[str] = set()
        self._n = 0
        self._atlas: FontAtlas | None = None
        self._texture: gloo.Texture2D | None = None
        self._buffers: dict[str, gloo.VertexBuffer] = {}
        self._label_of = np.zeros(0, np.intp)  # per glyph: its label
        self._extents = np.zeros((0, 4))  # per label: ink box in em from the anchor
        self.font = font
        self.set_data(
            text,
            positions,
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
        self, text: str | Sequence[str] | None = None, positions: ArrayLike | None = None, **kw: Any
    ) -> None:
        """Set the strings and/or positions (checked together) and any other properties."""
        strings = _as_strings(text) if text is not None else self._values.get("strings", [""])
        if positions is not None:
            pos = np.asarray(positions)
            pos = as_positions(pos[None] if pos.shape in ((2,), (3,)) else pos, "Text.positions")
        else:
            pos = self._values.get("position", np.zeros((1, 3), np.float32))
        if len(strings) != 1 and len(pos) != len(strings):
            raise ValueError(
                f"Text.positions: {len(pos)} positions for {len(strings)} strings "
                "(give one position per string, or one string)"
            )
        unknown = sorted(set(kw) - set(_PROPERTIES))
        if unknown:
            raise TypeError(f"Text.set_data: unknown properties {unknown}; known: {_PROPERTIES}")
        # per-label values are checked against the new count before anything changes
        n, given = len(pos), set(kw)
        per_label = {
            name: kw.pop(name) if name in kw else self._values[name + "_given"]
            for name in _PER_LABEL
            if name in kw or (n != self._n and name in self._values)
        }
        converted = {}
        for name, value in per_label.items():
            try:
                converted[name] = _PER_LABEL[name](value, n)
            except ValueError as exc:
                hint = "" if name in given else f" (there are {n} labels now: give {name}= too)"
                raise ValueError(f"{exc}{hint}") from None
        for name, value in kw.items():  # checked by their setters; independent of the count
            setattr(self, name, value)
        if text is not None:
            self._values["text_given"] = text
            self._values["strings"] = strings
        if text is not None or n != self._n:
            self._dirty.add("layout")
        self._n = n
        self._values["position"] = pos
        self._dirty.add("position")
        for name, value in converted.items():
            self._set(name, per_label[name], value)
        self.update()

    @property
    def text(self) -> str | list[str]:
        return self._values["text_given"]

    @text.setter
    def text(self, value: str | Sequence[str]) -> None:
        self.set_data(value)

    @property
    def positions(self) -> np.ndarray:
        return self._values["position"]

    @positions.setter
    def positions(self, value: ArrayLike) -> None:
        self.set_data(positions=value)

    def _set(self, name: str, value: Any, converted: Any, dirty: str | None = None) -> None:
        self._values[name + "_given"] = value
        self._values[name] = converted
        self._dirty.add(dirty or name)
        self.update()

    def _per_label(self, name: str, value: Any) -> None:
        self._set(name, value, _PER_LABEL[name](value, self._n))

    font_size = property(
        lambda self: self._values["font_size"], lambda self, v: self._per_label("font_size", v)
    )
    color = property(
        lambda self: self._values["color"], lambda self, v: self._per_label("color", v)
    )

    @property
    def rotation(self) -> Any:
        """Rotation in degrees, counter-clockwise (one value or one per label)."""
        return self._values["rotation_given"]

    @rotation.setter
    def rotation(self, value: ArrayLike) -> None:
        self._per_label("rotation", value)

    font = property(
        lambda self: self._values["font"],
        lambda self, v: self._set_font(v, self.bold, self.italic),
        doc="A family name or a font file.",
    )
    bold = property(
        lambda self: self._values["bold"],
        lambda self, v: self._set_font(self.font, bool(v), self.italic),
    )
    italic = property(
        lambda self: self._values["italic"],
        lambda self, v: self._set_font(self.font, self.bold, bool(v)),
    )

    def _set_font(self, font: str | os.PathLike, bold: bool, italic: bool) -> None:
        if not isinstance(font, (str, os.PathLike)):
            raise TypeError(f"Text.font must be a family name or a path, not {font!r}")
        try:
            path = find_font(font, bold=bold, italic=italic)
        except ValueError as exc:
            raise ValueError(f"Text.font: {exc}") from None
        self._values.update(font=str(font), bold=bold, italic=italic)
        self._atlas = FontAtlas.for_font(path)
        self._dirty.add("layout")
        self.update()

    @property
    def font_path(self) -> str:
        """The font file in use."""
        return str(self._atlas.path)

    anchor_x = _checked("anchor_x", "Horizontal anchor and line alignment (ANCHORS_X).")
    anchor_y = _checked("anchor_y", "Vertical anchor (ANCHORS_Y).")
    scaling = _checked("scaling", "'pixels' or 'scene': the unit of font_size.")
    outline_color = _checked("outline_color", "The outline's colour (RGBA floats).")
    outline_width = _checked("outline_width", "The outline's width in pixels (0: none).")

    # ---- layout ------------------------------------------------------------------------
    def _layout(self) -> None:
        """Glyph quads and atlas rectangles of every label (em units from the anchor)."""
        strings = self._values["strings"]
        quads, texels, label_of, ink = layout(self._atlas, strings, self.anchor_x, self.anchor_y)
        if len(strings) == 1 and self._n != 1:  # one string at every position
            quads, texels = np.tile(quads, (self._n, 1)), np.tile(texels, (self._n, 1))
            label_of = np.repeat(np.arange(self._n), len(label_of))
            ink = np.repeat(ink, self._n, axis=0)
        self._quads, self._texels = quads.astype(np.float32), texels.astype(np.float32)
        self._label_of, self._extents = label_of, ink
        self._dirty |= {"position", "font_size", "color", "rotation", "glyphs"}

    def extent(self, index: int = 0) -> tuple[float, float, float, float]:
        """The ink box (x0, y0, x1, y1) of label ``index`` around its anchor, before rotation.

        In pixels (y up) for ``scaling="pixels"`` (at a pixel scale of 1), in
        data units for ``scaling="scene"``; all zeros for an empty label.
        """
        if "layout" in self._dirty:
            self._layout()
            self._dirty.discard("layout")
        if not 0 <= index < len(self._extents):
            raise IndexError(f"Text.extent: no label {index} (there are {len(self._extents)})")
        size = self._values["font_size"]
        size = float(size) if np.ndim(size) == 0 else float(size[index])
        return tuple(float(v) * size for v in self._extents[index])

    # ---- drawing -------------------------------------------------------------------------
    def _prepare(self, view: Any) -> None:
        program = self.program
        if "layout" in self._dirty:
            self._layout()
        texture = self._atlas.texture(gloo.get_current_context())
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
                self._upload("a_label", self._label_of.astype(np.float32))
            elif name == "position":
                self._upload("a_position", value[per_glyph])
            elif name in ("font_size", "rotation"):
                self._upload(f"a_{name}", value if np.ndim(value) == 0 else value[per_glyph])
            elif name == "color":
                self._upload("a_color", value if np.ndim(value) == 1 else value[per_glyph])
            elif name == "scaling":
                program["u_scene_scaling"] = 1.0 if value == "scene" else 0.0
            elif name in ("outline_color", "outline_width"):
                program[f"u_{name}"] = value
        self._dirty.clear()

    def _upload(self, attribute: str, value: np.ndarray) -> None:
        """Per-glyph arrays go to a per-instance buffer; one value to a constant.

        Buffers keep a capacity (a power of two) so that text changing length
        overwrites them in place (DATA) rather than reallocating (SIZE).
        """
        program = self.program
        if np.ndim(value) == 0 or (attribute == "a_color" and np.ndim(value) == 1):
            values = np.atleast_1d(value).astype(float)
            program[attribute] = tuple(values) if np.ndim(value) else float(value)
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
        program[attribute] = buf

    def _draw(self, view: Any) -> None:
        if len(self._label_of):
            n = len(self._label_of)
            if self._values["outline_width"] > 0:
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
