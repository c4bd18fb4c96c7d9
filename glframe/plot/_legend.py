"""Legends and colorbars of an Axes.

A legend is a small view of its own, over the plot area's corner (so it draws
over the data), in pixels: a box, a sample of each labelled artist (a line
segment, a marker, a square for bars) and its label. A colorbar lives in the
Axes's decoration view, right of the plot area: the colormap as an
:class:`~glframe.scene.visuals.Image` of 256 rows between ``clim``, a frame,
ticks and labels by the axes' tick rule, and an optional label. Both are
placed again when the figure lays out (a resize, a new title).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..gloo import as_rgba
from ..scene import Node
from ..scene.visuals import Image, Line, Markers, Rectangle, Text
from ..transforms import STTransform
from ._ticks import ticks

if TYPE_CHECKING:
    from ._axes import Axes

__all__ = ["Legend", "Colorbar"]


class Legend:
    """The legend of an Axes (``ax.legend()`` makes it); ``box`` is its Rectangle."""

    def __init__(self, axes: Axes) -> None:
        from ._axes import PixelCamera

        self.axes = axes
        theme = axes.figure.theme
        self.view = axes.figure.canvas.add_view(camera=PixelCamera())
        scene = self.view.scene
        self.box = Rectangle(
            (10, 10), 20, 20, color=theme.legend_background, border_color=theme.foreground,
            border_width=1, parent=scene,
        )  # fmt: skip
        self.lines = Line(connect="segments", width=2, parent=scene)
        self.markers = Markers(np.zeros((0, 2)), edge_width=0, parent=scene)
        self.labels = Text(
            "", (0, 0), scaling="pixels", font=theme.font,
            font_size=theme.font_size, color=theme.foreground,
            anchor_x="left", parent=scene,
        )  # fmt: skip

    def layout(self, loc: str) -> None:
        """Size the box for the labelled artists and put it in the plot area's ``loc``."""
        theme = self.axes.figure.theme
        entries = [a for a in self.axes._artists if a["label"]]
        fs = theme.font_size
        row, sample, pad = fs * 1.6, 26.0, 8.0
        width = pad + sample + 8 + max(len(a["label"]) for a in entries) * 0.64 * fs + pad
        height = 2 * pad + row * len(entries) - (row - fs * 1.2)
        left, top, pw, ph = self.axes._plot
        cx, cy = self.axes._cell[:2]
        x = left + 10 if "left" in loc else left + pw - width - 10
        y = top + 10 if "upper" in loc else top + ph - height - 10
        self.view.rect = (cx + round(x), cy + round(y), round(width), round(height))
        self.view.camera.fit((round(width), round(height)))
        w, h = round(width), round(height)
        self.box.center, self.box.width, self.box.height = (w / 2, h / 2), w - 1, h - 1
        segments, seg_colors, points, point_colors, symbols, positions = [], [], [], [], [], []
        for i, artist in enumerate(entries):
            yc = pad + fs * 0.6 + i * row
            if artist["kind"] == "line":
                segments += [(pad, yc), (pad + sample, yc)]
                seg_colors += [artist["color"]] * 2
            else:
                points.append((pad + sample / 2, yc))
                point_colors.append(artist["color"])
                bar = artist["kind"] == "bar"
                symbols.append("square" if bar else artist.get("symbol", "square"))
            positions.append((pad + sample + 8, yc))
        self.lines.visible = bool(segments)
        if segments:
            self.lines.set_data(np.array(segments, float), color=_rgba(seg_colors))
        self.markers.visible = bool(points)
        if points:
            self.markers.set_data(
                np.array(points, float), face_color=_rgba(point_colors), symbol=symbols, size=10
            )
        self.labels.set_data([a["label"] for a in entries], np.array(positions, float))


def _rgba(colors: list[Any]) -> np.ndarray:
    return np.array([as_rgba(c) for c in colors], np.float32)


class Colorbar:
    """The colorbar of an Axes (``fig.colorbar(artist, ax=ax)`` makes it)."""

    BAR = 14.0  # the bar's width in pixels
    GAP = 16.0  # between the plot area and the bar

    def __init__(self, axes: Axes) -> None:
        self.axes = axes
        theme = axes.figure.theme
        decor = axes._decor.scene
        self.node = Node(parent=decor)
        self.image = Image(np.linspace(0, 1, 256)[:, None], clim=(0, 1), parent=self.node)
        fg = theme.foreground
        self.frame = Line(connect="loop", color=fg, width=theme.line_width, parent=decor)
        self.marks = Line(connect="segments", color=fg, width=theme.line_width, parent=decor)
        self.labels = Text(
            "", (0, 0), scaling="pixels", font=theme.font,
            font_size=theme.font_size, color=fg, anchor_x="left",
            parent=decor,
        )  # fmt: skip
        self.title = Text(
            "", (0, 0), scaling="pixels", font=theme.font,
            font_size=theme.label_size, color=fg, rotation=-90,
            anchor_y="bottom", parent=decor,
        )  # fmt: skip
        self.clim = (0.0, 1.0)
        self.label: str | None = None
        self._chars = 4

    def set(self, cmap: str, clim: tuple[float, float], label: str | None) -> None:
        """Show ``cmap`` between ``clim``, with ``label`` beside it."""
        self.image.cmap = cmap
        self.clim = (float(clim[0]), float(clim[1]))
        self.label = label

    def width(self) -> float:
        """The room it takes right of the plot area, in pixels."""
        theme = self.axes.figure.theme
        extra = theme.label_size * 1.6 if self.label else 0.0
        labels = self._chars * 0.64 * theme.font_size
        return self.GAP + self.BAR + theme.tick_length + 4 + labels + extra

    def layout(self) -> None:
        """Place the bar beside the plot area, with its ticks for its height."""
        theme = self.axes.figure.theme
        left, top, pw, ph = self.axes._plot
        x0 = left + pw + self.GAP
        self.node.transform = STTransform(
            scale=(self.BAR, -ph / 256, 1), translate=(x0, top + ph, 0)
        )
        self.frame.set_data(
            np.array([[x0, top], [x0 + self.BAR, top], [x0 + self.BAR, top + ph], [x0, top + ph]])
        )
        lo, hi = self.clim
        t = ticks(lo, hi, ph, vertical=True, font_size=theme.font_size)
        self._chars = max([4, *(len(s) for s in t.labels)])
        ys = top + ph - (np.array(t.positions) - min(lo, hi)) / abs(hi - lo) * ph
        if hi < lo:
            ys = top + (np.array(t.positions) - hi) / (lo - hi) * ph
        xr = x0 + self.BAR
        segments = [p for y in ys for p in ((xr, y), (xr + theme.tick_length, y))]
        self.marks.set_data(np.array(segments, float).reshape(-1, 2))
        self.labels.visible = bool(t.labels)
        if t.labels:
            at = np.c_[np.full(len(ys), xr + theme.tick_length + 3), ys]
            self.labels.set_data(list(t.labels), at)
        self.title.visible = bool(self.label)
        if self.label:
            x = xr + theme.tick_length + 4 + self._chars * 0.64 * theme.font_size + 4
            self.title.set_data(self.label, (x, top + ph / 2))
