"""Axes: a 2D plot area with a frame, ticks, labels, a legend and a colorbar.

An Axes is two views of its figure's canvas: a *decoration* view covering its
cell, in pixels (frame, tick marks, tick labels, grid, axis labels, title,
colorbar), drawn first, and the *data* view, the plot area inside it, with a
:class:`~glframe.scene.PanZoomCamera` that pans and zooms the data. Before each
frame the figure asks every Axes to bring its ticks up to date: when the data
camera shows another range (a pan, a zoom, a linked axis) the tick marks, grid
and labels are computed again (:func:`glframe.plot.ticks`) and sent as new
vertex data; nothing else changes. The layout (how much room the labels,
title and colorbar take) is computed again when they change or the figure is
resized, not while panning, so that the plot area stays still.

Axis coordinates are what the camera sees: the data on linear axes, log10 of
it on log axes (a :class:`~glframe.transforms.LogTransform` on the data's
node, so the data stays as given), seconds since ``offset`` on time axes
(datetime64 data; the offset keeps float32 precise on the GPU).

Every plotting call returns the scene visual it made (a Line, Markers, an
Image, a Mesh, an Aggregate, a MultiscaleImage): everything below stays reachable and reactive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from ..scene import Node, PanZoomCamera
from ..scene.visuals import (
    Aggregate,
    Image,
    Line,
    Markers,
    Mesh,
    MultiscaleImage,
    Rectangle,
    Text,
)
from ..shaders import colormaps
from ..transforms import LogTransform, NullTransform, STTransform
from ._ticks import Ticks, ticks

if TYPE_CHECKING:
    from ._figure import Figure

__all__ = ["Axes", "PixelCamera"]

_PAD = 8.0  # pixels around a cell's contents
_LEGEND_LOCS = ("upper right", "upper left", "lower left", "lower right")


class PixelCamera(PanZoomCamera):
    """A camera showing a view's pixels, origin at the top left; it ignores input.

    The decorations of an Axes are laid out in these pixels.
    """

    def __init__(self) -> None:
        super().__init__((0.0, 0.0, 1.0, 1.0), flip=(False, True))

    def fit(self, size: tuple[float, float]) -> None:
        """Show ``size`` (w, h) pixels."""
        rect = (0.0, 0.0, float(max(size[0], 1)), float(max(size[1], 1)))
        if tuple(self.rect) != rect:
            self.rect = rect

    def on_mouse_press(self, event: Any) -> bool:
        return False

    def on_mouse_move(self, event: Any) -> bool:
        return False

    def on_mouse_wheel(self, event: Any) -> bool:
        return False

    def on_key_press(self, event: Any) -> bool:
        return False


class Axes:
    """A 2D plot: data in a pan-zoom view, framed, with ticks that follow the camera.

    Made by :func:`glframe.plot.subplots` (or ``figure.add_axes()``), not directly.

    Attributes
    ----------
    figure
        The :class:`~glframe.plot.Figure`.
    view
        The data view (its ``camera`` is a :class:`~glframe.scene.PanZoomCamera`).
    data
        The node the data visuals hang from (a log scale is its transform).
    xticks, yticks
        The :class:`~glframe.plot.Ticks` shown now.

    Examples
    --------
    >>> from glframe import plot
    >>> fig, ax = plot.subplots(size=(400, 300))
    >>> line = ax.plot([1, 2, 3], [2, 1, 3], label="a")
    >>> ax.set_xlabel("time (s)")
    >>> fig.render().shape
    (300, 400, 4)
    >>> fig.close()
    """

    def __init__(self, figure: Figure) -> None:
        self.figure = figure
        theme = figure.theme
        canvas = figure.canvas
        self._decor = canvas.add_view(camera=PixelCamera())
        self.view = canvas.add_view(camera=PanZoomCamera())
        self.data = Node(parent=self.view.scene, name="data")
        self._scales = ["linear", "linear"]
        self._offsets = [0.0, 0.0]
        self._limits: list[tuple[float, float] | None] = [None, None]
        self._artists: list[dict[str, Any]] = []
        self._texts = {"title": "", "xlabel": "", "ylabel": ""}
        self._grid = False
        self._legend_loc: str | None = None
        self._legend_view = None
        self._colorbar: dict[str, Any] | None = None
        self._cell = (0, 0, 1, 1)
        self._plot = (0.0, 0.0, 1.0, 1.0)  # the plot area in the decoration view's pixels
        self._tick_key: tuple | None = None
        self._color_index = 0
        self.xticks = self.yticks = Ticks((), ())
        fg, fs = theme.foreground, theme.font_size
        decor = self._decor.scene

        def text(**kw: Any) -> Text:
            return Text("", (0, 0), font=theme.font, color=fg, scaling="pixels", parent=decor, **kw)

        self._grid_lines = Line(connect="segments", color=theme.grid, width=1, parent=decor)
        self._frame = Line(connect="loop", color=fg, width=theme.line_width, parent=decor)
        self._tick_marks = Line(connect="segments", color=fg, width=theme.line_width, parent=decor)
        self._xlabels = text(font_size=fs, anchor_y="top")
        self._ylabels = text(font_size=fs, anchor_x="right")
        self._xlabel = text(font_size=theme.label_size, anchor_y="bottom")
        self._ylabel = text(font_size=theme.label_size, anchor_y="top", rotation=-90)
        self._title = text(font_size=theme.title_size, anchor_y="top", bold=True)
        self._grid_lines.visible = False

    # ---- matplotlib's setters ---------------------------------------------------------
    def set_title(self, title: str) -> Text:
        """The title above the plot area; returns its Text visual."""
        return self._set_text("title", title)

    def set_xlabel(self, label: str) -> Text:
        """The x axis's label; returns its Text visual."""
        return self._set_text("xlabel", label)

    def set_ylabel(self, label: str) -> Text:
        """The y axis's label (drawn rotated); returns its Text visual."""
        return self._set_text("ylabel", label)

    def _set_text(self, which: str, value: str) -> Text:
        if not isinstance(value, str):
            raise TypeError(f"Axes.set_{which} takes a string, not {value!r}")
        self._texts[which] = value
        self.figure._relayout()
        text = getattr(self, "_" + which)
        text.text = value  # placed at the next layout
        return text

    def set_xlim(self, left: Any = None, right: Any = None) -> tuple[float, float]:
        """Show x from ``left`` to ``right`` (data values; datetime64 on a time axis).

        Either may be a pair: ``set_xlim((0, 10))``. Returns the limits in axis
        coordinates (log10 on a log axis, seconds on a time axis).
        """
        return self._set_lim(0, left, right)

    def set_ylim(self, bottom: Any = None, top: Any = None) -> tuple[float, float]:
        """Show y from ``bottom`` to ``top`` (see :meth:`set_xlim`)."""
        return self._set_lim(1, bottom, top)

    def _set_lim(self, axis: int, lo: Any, hi: Any) -> tuple[float, float]:
        name = "set_xlim" if axis == 0 else "set_ylim"
        if hi is None and np.ndim(lo) == 1:
            lo, hi = lo
        values = self._to_axis(np.array([lo, hi]), axis, name)
        if not np.all(np.isfinite(values)) or values[0] == values[1]:
            raise ValueError(
                f"Axes.{name}: the limits must be two different finite values"
                f"{' > 0 on a log axis' if self._scales[axis] == 'log' else ''}, not ({lo}, {hi})"
            )
        self._limits[axis] = (float(values[0]), float(values[1]))
        self.autoscale()
        return self._limits[axis]

    def get_xlim(self) -> tuple[float, float]:
        """The x range shown now, in axis coordinates."""
        x, _, w, _ = self.view.camera.shown_rect
        return float(x), float(x + w)

    def get_ylim(self) -> tuple[float, float]:
        """The y range shown now, in axis coordinates."""
        _, y, _, h = self.view.camera.shown_rect
        return float(y), float(y + h)

    def set_xscale(self, scale: str) -> None:
        """ "linear" or "log" ("time" is chosen by datetime64 data)."""
        self._set_scale(0, scale)

    def set_yscale(self, scale: str) -> None:
        """ "linear" or "log"."""
        self._set_scale(1, scale)

    def _set_scale(self, axis: int, scale: str) -> None:
        name = "set_xscale" if axis == 0 else "set_yscale"
        if scale not in ("linear", "log"):
            raise ValueError(f"Axes.{name}: scale must be 'linear' or 'log', not {scale!r}")
        if self._scales[axis] == "time":
            raise ValueError(f"Axes.{name}: this axis shows datetime64 data; it stays a time axis")
        if self._scales[axis] == scale:
            return
        self._scales[axis] = scale
        self._limits[axis] = None
        bases = [10.0 if s == "log" else 0.0 for s in self._scales]
        self.data.transform = LogTransform((*bases, 0.0)) if any(bases) else NullTransform()
        self.autoscale()

    def grid(self, visible: bool = True) -> Line:
        """Show grid lines at the major ticks (under the data); returns their Line."""
        self._grid = bool(visible)
        self._grid_lines.visible = self._grid and not self.figure._exporting
        self._tick_key = None
        self.figure.canvas.update()
        return self._grid_lines

    @property
    def xscale(self) -> str:
        """One of :data:`glframe.plot.SCALES`."""
        return self._scales[0]

    @property
    def yscale(self) -> str:
        """One of :data:`glframe.plot.SCALES`."""
        return self._scales[1]

    # ---- data -------------------------------------------------------------------------
    def _to_axis(self, values: Any, axis: int, what: str) -> np.ndarray:
        """Data values -> axis coordinates (log10, or seconds since the offset)."""
        values = np.asarray(values)
        if np.issubdtype(values.dtype, np.datetime64):
            if self._scales[axis] == "log":
                raise ValueError(f"Axes.{what}: datetime64 values on a log axis")
            seconds = values.astype("datetime64[ns]").astype(np.int64)
            if self._scales[axis] != "time":
                if any(a["extent"][axis] is not None for a in self._artists):
                    raise ValueError(
                        f"Axes.{what}: datetime64 values on an axis that already shows numbers"
                    )
                first = seconds[np.argmin(np.abs(seconds))] if seconds.size else 0
                self._offsets[axis] = float(first // (86400 * 10**9) * 86400)  # a midnight
                self._scales[axis] = "time"
            return (seconds - int(self._offsets[axis] * 1e9)) / 1e9
        if self._scales[axis] == "time":
            raise ValueError(f"Axes.{what}: this axis shows time: give datetime64 values")
        try:
            out = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"Axes.{what}: values must be numbers, not {values.dtype}") from None
        if self._scales[axis] == "log":
            with np.errstate(divide="ignore", invalid="ignore"):
                out = np.where(out > 0, np.log10(np.where(out > 0, out, 1)), np.nan)
        return out

    def _add(self, visual: Any, kind: str, label: str | None, positions: Any, **style: Any):
        """Remember an artist (its extent, its legend entry) and fit the camera."""
        extents = [None, None]
        if positions is not None:
            extents = [self._extent(positions[k], k, kind) for k in range(2)]
        self._artists.append(
            {"visual": visual, "kind": kind, "label": label, "extent": extents, **style}
        )
        self.autoscale()
        return visual

    def _extent(self, values: Any, k: int, what: str) -> tuple[float, float, float] | None:
        """(min, max, smallest positive) of the data along axis ``k`` (time: in seconds
        since the offset), so that a later log scale can fit it too."""
        values = np.asarray(values)
        if np.issubdtype(values.dtype, np.datetime64) or self._scales[k] == "time":
            values = self._to_axis(values, k, what)
        else:
            values = np.asarray(values, dtype=np.float64)
        finite = values[np.isfinite(values)]
        if not finite.size:
            return None
        positive = finite[finite > 0]
        smallest = float(positive.min()) if positive.size else np.nan
        return float(finite.min()), float(finite.max()), smallest

    def _bounds(self, extent: tuple[float, float, float] | None, k: int):
        """An extent in axis coordinates (log10 on a log axis), or None."""
        if extent is None:
            return None
        lo, hi, smallest = extent
        if self._scales[k] != "log":
            return lo, hi
        if not hi > 0:
            return None
        return float(np.log10(smallest)), float(np.log10(hi))

    def _positions(self, x: Any, y: Any, what: str) -> np.ndarray:
        x, y = np.asarray(x), np.asarray(y)
        if x.shape != y.shape or x.ndim != 1:
            raise ValueError(
                f"Axes.{what}: x and y must be 1D of one length, not {x.shape} and {y.shape}"
            )
        return np.c_[self._scene(x, 0, what), self._scene(y, 1, what)]

    def _scene(self, values: np.ndarray, axis: int, what: str) -> np.ndarray:
        """Data values -> the data node's coordinates (the log is the node's transform)."""
        if self._scales[axis] == "log":
            return np.asarray(values, dtype=np.float64)
        return self._to_axis(values, axis, what)

    def _next_color(self, color: Any) -> Any:
        if color is not None:
            return color
        cycle = self.figure.theme.cycle
        self._color_index += 1
        return cycle[(self._color_index - 1) % len(cycle)]

    def plot(
        self,
        x: ArrayLike,
        y: ArrayLike | None = None,
        *,
        color: Any = None,
        width: float = 2.0,
        label: str | None = None,
        **kwargs: Any,
    ) -> Line:
        """A line through (x, y) (``plot(y)``: x = 0, 1, ...); returns the Line.

        ``kwargs`` go to :class:`~glframe.scene.visuals.Line` (``connect``, ``join``, ...).
        """
        if y is None:
            x, y = np.arange(len(np.asarray(x))), x
        pos = self._positions(x, y, "plot")
        color = self._next_color(color)
        line = Line(pos, color=color, width=width, parent=self.data, **kwargs)
        return self._add(line, "line", label, (x, y), color=color, width=width)

    def scatter(
        self,
        x: ArrayLike,
        y: ArrayLike,
        *,
        size: ArrayLike = 6.0,
        color: Any = None,
        cmap: str = "viridis",
        clim: tuple[float, float] | None = None,
        symbol: str = "disc",
        label: str | None = None,
        **kwargs: Any,
    ) -> Markers:
        """Points at (x, y); returns the Markers.

        ``color``: one colour, (N, 3|4) colours, or N numbers mapped through
        ``cmap`` between ``clim`` (default their range; a colorbar can show it).
        """
        pos = self._positions(x, y, "scatter")
        mapped = None
        values = np.asarray(color) if color is not None else None
        numbers = values is not None and values.ndim == 1 and np.issubdtype(values.dtype, np.number)
        # N numbers are values to map (as matplotlib's c=); 3 or 4 are one RGB(A) colour
        if numbers and len(values) != len(pos) and len(values) in (3, 4):
            numbers = False
        if numbers:
            if len(values) != len(pos):
                raise ValueError(
                    f"Axes.scatter: color has {len(values)} values for {len(pos)} points: give "
                    "one value per point (mapped through cmap) or one RGB(A) colour"
                )
            lo, hi = clim if clim is not None else (np.nanmin(values), np.nanmax(values))
            t = (values - lo) / (hi - lo) if hi != lo else np.zeros_like(values, float)
            color = colormaps.sample(cmap, t).astype(np.float32)
            mapped = (cmap, (float(lo), float(hi)))
        color = self._next_color(color)
        kwargs.setdefault("edge_width", 0.0)
        markers = Markers(
            pos, size=size, face_color=color, symbol=symbol, parent=self.data, **kwargs
        )
        style = {"color": color if mapped is None else "gray", "symbol": symbol}
        self._add(markers, "scatter", label, (x, y), colormap=mapped, **style)
        return markers

    def imshow(
        self,
        image: ArrayLike,
        *,
        cmap: str = "viridis",
        clim: Any = "auto",
        extent: tuple[float, float, float, float] | None = None,
        origin: str = "upper",
        aspect: float | None = 1.0,
        interpolation: str = "nearest",
        **kwargs: Any,
    ) -> Image:
        """An image over ``extent`` (left, right, bottom, top; default its pixels); returns it.

        ``origin="upper"`` (matplotlib's default) puts row 0 at the top: the y
        axis then grows downwards. ``aspect=1`` keeps pixels square (None: fill).
        """
        self._check_image("imshow", origin)
        data = np.asarray(image)
        h, w = data.shape[:2]
        node = Node(parent=self.data)
        img = Image(data, cmap=cmap, clim=clim, interpolation=interpolation, parent=node, **kwargs)
        return self._place_image(img, node, w, h, extent, origin, aspect)

    def multiscale(
        self,
        source: Any,
        *,
        cmap: str = "viridis",
        clim: Any = "auto",
        extent: tuple[float, float, float, float] | None = None,
        origin: str = "upper",
        aspect: float | None = 1.0,
        **kwargs: Any,
    ) -> MultiscaleImage:
        """A multiscale image (tiles of the levels the view needs, loaded in the
        background) over ``extent``, as :meth:`imshow` places an image; returns the
        :class:`~glframe.scene.visuals.MultiscaleImage`.

        ``source``: a :class:`glframe.data.Multiscale`, a list of arrays finest first,
        or one array; ``kwargs`` (``tile``, ``gpu_budget``, ``index``, ...) go to the
        visual.
        """
        self._check_image("multiscale", origin)
        node = Node(parent=self.data)
        visual = MultiscaleImage(source, cmap=cmap, clim=clim, parent=node, **kwargs)
        h, w = visual.source.shape(0)[-2:]
        return self._place_image(visual, node, w, h, extent, origin, aspect)

    def _check_image(self, what: str, origin: str) -> None:
        if origin not in ("upper", "lower"):
            raise ValueError(f"Axes.{what}: origin must be 'upper' or 'lower', not {origin!r}")
        if self._scales != ["linear", "linear"]:
            raise ValueError(
                f"Axes.{what}: images are drawn on linear axes only, not "
                f"{self._scales[0]} x {self._scales[1]} (make them on other axes)"
            )

    def _place_image(self, img: Any, node: Node, w: int, h: int, extent, origin, aspect):
        """Map the image's pixels (col, row) onto ``extent``; fit the camera."""
        upper = origin == "upper"
        if extent is None:
            extent = (0, w, h, 0) if upper else (0, w, 0, h)
        left, right, bottom, top = (float(v) for v in extent)
        # image pixel (col, row) -> (left + col * sx, y0 + row * sy)
        y0 = top if upper else bottom
        sy = (bottom - top) / h if upper else (top - bottom) / h
        node.transform = STTransform(scale=((right - left) / w, sy, 1), translate=(left, y0, 0))
        camera = self.view.camera
        camera.aspect = aspect
        camera.flip = (False, upper and bottom > top)
        xs, ys = [left, right], [bottom, top]
        self._add(img, "image", None, (xs, ys), tight=True)
        return img

    def hist(
        self,
        values: ArrayLike,
        bins: int | ArrayLike = 10,
        *,
        range: tuple[float, float] | None = None,  # noqa: A002 - numpy's and matplotlib's name
        color: Any = None,
        label: str | None = None,
        **kwargs: Any,
    ) -> Mesh:
        """A histogram of ``values`` as bars; returns their Mesh (counts on ``.counts``...).

        The counts and edges are numpy's: ``np.histogram(values, bins, range)``.
        """
        counts, edges = np.histogram(np.asarray(values, dtype=np.float64), bins, range)
        x0, x1 = edges[:-1], edges[1:]
        base = 0.0 if self._scales[1] != "log" else 1.0
        corners = np.stack(
            [np.c_[x0, np.full_like(x0, base)], np.c_[x1, np.full_like(x0, base)],
             np.c_[x1, counts], np.c_[x0, counts]], axis=1
        ).reshape(-1, 2)  # fmt: skip
        k = np.arange(len(counts)) * 4
        faces = np.c_[k, k + 1, k + 2, k, k + 2, k + 3].reshape(-1, 3)
        color = self._next_color(color)
        mesh = Mesh(corners, faces, color=color, shading=None, parent=self.data, **kwargs)
        self._add(mesh, "bar", label, ([x0[0], x1[-1]], [base, counts.max()]), color=color)
        return mesh

    def aggregate(
        self,
        data: Any,
        x: str = "x",
        y: str = "y",
        *,
        agg: str = "count",
        cmap: str = "fire",
        how: str = "eq_hist",
        clim: Any = "auto",
        **kwargs: Any,
    ) -> Aggregate:
        """Points counted (or reduced) per pixel of the plot area; returns the Aggregate.

        ``data``: anything :class:`glframe.data.Points` reads (a dict of columns, a
        DataFrame, Parquet, zarr, Dask). ``agg``, ``cmap``, ``how``, ``clim`` and
        ``kwargs`` (``value=``, ``category=``, ``spread=``, ...) go to
        :class:`~glframe.scene.visuals.Aggregate`, which re-aggregates the range
        shown after each pan or zoom. Linear axes only. A colorbar needs fixed
        limits and a linear transfer (``how="linear", clim=(lo, hi)``): otherwise
        the colours follow the data shown, and no fixed bar can tell them.
        """
        bad = [s for s in self._scales if s != "linear"]
        if bad:
            raise ValueError(
                f"Axes.aggregate: points are aggregated on linear axes only, this one has a "
                f"{bad[0]} axis (make the aggregate on axes without set_xscale/set_yscale)"
            )
        visual = Aggregate(
            data, x, y, agg, cmap=cmap, how=how, clim=clim, parent=self.data, **kwargs
        )
        (x0, x1), (y0, y1) = visual._bounds()
        fixed = how == "linear" and not isinstance(clim, str) and visual.agg != "count_cat"
        mapped = (cmap, tuple(float(v) for v in clim)) if fixed else None
        self._add(visual, "aggregate", None, ([x0, x1], [y0, y1]), colormap=mapped)
        return visual

    def autoscale(self) -> None:
        """Fit the camera to the data (and the limits set), with a 5% margin; shared axes
        fit all their group's data."""
        from ._figure import _set_range

        for k in range(2):
            group = self.figure._group(self, k)
            lo, hi = self._fit(k, group)
            for ax in group:
                _set_range(ax, k, (lo, hi - lo))
        self.figure._shared_changed(self)

    def _fit(self, k: int, group: list[Axes]) -> tuple[float, float]:
        """The range to show along axis ``k`` (axis coordinates)."""
        if self._limits[k] is not None:
            return self._limits[k]
        artists = [a for ax in group for a in ax._artists]
        found = [b for a in artists if (b := self._bounds(a["extent"][k], k)) is not None]
        if not found:
            return (0.0, 1.0)
        lo, hi = min(b[0] for b in found), max(b[1] for b in found)
        pad = 0.0 if all(a.get("tight") for a in artists) else (hi - lo) * 0.05
        if hi == lo:
            pad = 30.0 if self._scales[k] == "time" else 0.5
        return (lo - pad, hi + pad)

    # ---- legend, colorbar -------------------------------------------------------------
    def legend(self, loc: str = "upper right") -> Rectangle:
        """A box listing the labelled lines, scatters and bars; returns its Rectangle."""
        if loc not in _LEGEND_LOCS:
            raise ValueError(f"Axes.legend: loc must be one of {', '.join(_LEGEND_LOCS)}")
        if not any(a["label"] for a in self._artists):
            raise ValueError("Axes.legend: nothing has a label (plot(..., label='name'))")
        self._legend_loc = loc
        if self._legend_view is None:
            from ._legend import Legend

            self._legend_view = Legend(self)
        self.figure._relayout()
        return self._legend_view.box

    def _set_colorbar(self, cmap: str, clim: tuple[float, float], label: str | None) -> Image:
        from ._legend import Colorbar

        if self._colorbar is None:
            self._colorbar = Colorbar(self)
        self._colorbar.set(cmap, clim, label)
        self.figure._relayout()
        return self._colorbar.image

    # ---- layout and ticks -------------------------------------------------------------
    def _tick_options(self, axis: int) -> dict[str, Any]:
        return {"scale": self._scales[axis], "font_size": self.figure.theme.font_size}

    def _axis_ticks(self, axis: int, lo: float, hi: float, length: float) -> Ticks:
        off = self._offsets[axis]
        t = ticks(lo + off, hi + off, length, vertical=axis == 1, **self._tick_options(axis))
        if off:
            t = Ticks(
                tuple(p - off for p in t.positions), t.labels, tuple(p - off for p in t.minor)
            )
        return t

    def _layout(self, cell: tuple[int, int, int, int]) -> None:
        """Place the plot area in ``cell`` (canvas pixels), leaving room for the text."""
        theme = self.figure.theme
        fs, tl = theme.font_size, theme.tick_length
        cw = 0.64 * fs
        self._cell = cell
        _, _, w, h = cell
        top = _PAD + (theme.title_size * 1.5 if self._texts["title"] else fs * 0.5)
        bottom = tl + 4 + fs * 1.3 + (theme.label_size * 1.6 if self._texts["xlabel"] else 0)
        bottom += _PAD
        # the y labels' room: those of the range shown now, at least 4 characters
        _, y, _, hh = self.view.camera.shown_rect
        y_labels = self._axis_ticks(1, y, y + hh, h - top - bottom).labels
        widest = max([4, *(len(s) for s in y_labels)])
        left = _PAD + (theme.label_size * 1.6 if self._texts["ylabel"] else 0)
        left += widest * cw + 4 + tl
        x, _, ww, _ = self.view.camera.shown_rect
        x_labels = self._axis_ticks(0, x, x + ww, w - left - 3 * cw).labels
        right = _PAD + max([3, *(len(s) for s in x_labels)]) * cw / 2  # the last label's half
        if self._colorbar is not None:
            right += self._colorbar.width()
        pw, ph = max(w - left - right, 10.0), max(h - top - bottom, 10.0)
        self._plot = (left, top, pw, ph)
        self._decor.rect = cell
        self._decor.camera.fit((w, h))
        self.view.rect = (
            cell[0] + round(left), cell[1] + round(top), round(pw), round(ph)
        )  # fmt: skip
        self._plot = (round(left), round(top), round(pw), round(ph))
        self._place_texts()
        if self._colorbar is not None:
            self._colorbar.layout()
        if self._legend_view is not None and self._legend_loc is not None:
            self._legend_view.layout(self._legend_loc)
        self._tick_key = None

    def _place_texts(self) -> None:
        theme = self.figure.theme
        left, top, pw, ph = self._plot
        _, _, w, h = self._cell
        self._frame.set_data(
            np.array([[left, top], [left + pw, top], [left + pw, top + ph], [left, top + ph]])
        )
        for which, pos in (
            ("title", (left + pw / 2, _PAD)),
            ("xlabel", (left + pw / 2, h - _PAD)),
            ("ylabel", (_PAD, top + ph / 2)),
        ):
            visual = getattr(self, "_" + which)
            visual.visible = bool(self._texts[which])
            if self._texts[which]:
                visual.set_data(self._texts[which], pos)
        del theme

    def _refresh(self) -> None:
        """Ticks, labels and grid for the range the camera shows now (if it changed)."""
        camera = self.view.camera
        shown = camera.shown_rect
        live = not self.figure._exporting  # an exported page draws these itself (axes.js)
        key = (tuple(shown), self._plot, tuple(self._scales), camera.flip, self._grid, live)
        if key == self._tick_key:
            return
        self._tick_key = key
        self._tick_marks.visible = live
        self._grid_lines.visible = live and self._grid
        x, y, w, h = shown
        left, top, pw, ph = self._plot
        self.xticks = self._axis_ticks(0, x, x + w, pw)
        self.yticks = self._axis_ticks(1, y, y + h, ph)
        flip_x, flip_y = camera.flip

        def px(v: np.ndarray) -> np.ndarray:
            f = (np.asarray(v, float) - x) / w
            return left + (1 - f if flip_x else f) * pw

        def py(v: np.ndarray) -> np.ndarray:
            f = (np.asarray(v, float) - y) / h
            return top + (f if flip_y else 1 - f) * ph

        theme = self.figure.theme
        tl, ml = theme.tick_length, theme.minor_length
        bottom = top + ph
        segments, grid = [], []
        for values, length in ((self.xticks.positions, tl), (self.xticks.minor, ml)):
            for xv in px(values):
                segments += [(xv, bottom), (xv, bottom + length)]
        for values, length in ((self.yticks.positions, tl), (self.yticks.minor, ml)):
            for yv in py(values):
                segments += [(left, yv), (left - length, yv)]
        for xv in px(self.xticks.positions):
            grid += [(xv, top), (xv, bottom)]
        for yv in py(self.yticks.positions):
            grid += [(left, yv), (left + pw, yv)]
        self._tick_marks.set_data(np.array(segments, float).reshape(-1, 2))
        self._grid_lines.set_data(np.array(grid, float).reshape(-1, 2))
        xs, ys = px(self.xticks.positions), py(self.yticks.positions)
        self._set_labels(self._xlabels, self.xticks, np.c_[xs, np.full(len(xs), bottom + tl + 3)])
        self._set_labels(self._ylabels, self.yticks, np.c_[np.full(len(ys), left - tl - 4), ys])
        if not live:
            self._xlabels.visible = self._ylabels.visible = False

    @staticmethod
    def _set_labels(text: Text, t: Ticks, positions: np.ndarray) -> None:
        text.visible = bool(t.labels)
        if t.labels:
            text.set_data(list(t.labels), positions)

    def _export(self) -> dict[str, Any]:
        """What the page's axes overlay needs (glframe/backends/web/js/axes.js)."""
        theme = self.figure.theme
        views = self.figure.canvas.views
        return {
            "view": views.index(self.view),
            "cell": [float(v) for v in self._cell],
            "plot": [float(v) for v in self._plot],
            "scales": list(self._scales),
            "offsets": list(self._offsets),
            "flip": list(self.view.camera.flip),
            "grid": self._grid,
            "font": theme.font,
            "font_size": theme.font_size,
            "tick_length": theme.tick_length,
            "minor_length": theme.minor_length,
            "line_width": theme.line_width,
            "foreground": theme.foreground,
            "grid_color": [float(v) for v in theme.grid],
        }
