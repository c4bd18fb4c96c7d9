"""Figure and subplots: a canvas of axes laid out in a grid, with matplotlib's names.

A :class:`Figure` owns a :class:`~glframe.scene.SceneCanvas` whose frames first
let the figure lay out its axes (when something changed: a resize, a title, new
data), keep shared axes on one range, and bring every axes' ticks up to date,
then draw the views. So the ticks follow any camera move, wherever it comes
from: the mouse, code, a linked axis, or a browser in client mode (whose
camera state comes back to Python before Python draws).

``figure.export_html(path)`` writes a standalone page (docs/web.md) in which
the cameras run in JavaScript; there the ticks, their labels and the grid are
drawn by ``axes.js`` over the WebGL canvas with the same tick rule
(``ticks.js``), so a zoom in the page shows the labels Python would show
(``_export.py`` says what the page gets).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..scene import SceneCanvas
from ._axes import Axes
from ._theme import Theme, get_theme

__all__ = ["Figure", "subplots", "figure"]


class FigureCanvas(SceneCanvas):
    """The canvas of a :class:`Figure`: before drawing, the figure updates its axes."""

    def __init__(self, figure: Figure, size: tuple[int, int], **kwargs: Any) -> None:
        self._figure = figure
        super().__init__(size, bgcolor=figure.theme.background, **kwargs)

    def _draw_views(self, target_size: tuple[int, int], scale: float) -> None:
        asked = self._update_in_frame
        self._figure._before_draw()
        if not self._figure._dirty:
            # the ticks and labels just set are drawn in this frame: their update()
            # asks for no other (a browser would get a second message for each change)
            self._update_in_frame = asked
        super()._draw_views(target_size, scale)

    def export_html(
        self, path: str | Path, *, title: str | None = None, pixel_ratio: float | None = None
    ) -> Path:
        """A standalone page of the figure; the page draws the ticks that follow its
        cameras (see :meth:`Figure.export_html`)."""
        figure = self._figure
        figure._exporting = True
        try:
            return super().export_html(path, title=title, pixel_ratio=pixel_ratio)
        finally:
            figure._exporting = False
            self.update()

    def _export_extras(self) -> dict:
        from ._export import plot_data

        return {"plot": plot_data(self._figure)}


class Figure:
    """A canvas of axes in a grid of ``rows`` x ``cols`` cells.

    Parameters
    ----------
    size
        (width, height) in logical pixels.
    theme
        "light" (default, see :func:`glframe.plot.set_theme`), "dark" or a
        :class:`~glframe.plot.Theme`.
    backend, title
        As for :class:`glframe.scene.SceneCanvas` ("offscreen" by default;
        "auto" opens a window where there is a display).

    Examples
    --------
    >>> from glframe import plot
    >>> fig = plot.Figure(size=(400, 300))
    >>> ax = fig.add_axes()
    >>> points = ax.scatter([0, 1, 2], [3, 1, 2], label="three")
    >>> fig.render().shape
    (300, 400, 4)
    >>> fig.close()
    """

    def __init__(
        self,
        size: tuple[int, int] = (800, 600),
        *,
        theme: str | Theme | None = None,
        backend: str = "offscreen",
        title: str = "glframe plot",
    ) -> None:
        self.theme = get_theme(theme)
        self.canvas = FigureCanvas(self, tuple(size), backend=backend, title=title)
        self.axes: list[Any] = []
        self._cells: list[tuple[int, int, int, int]] = []  # row, col, row span, col span
        self._dirty = True
        self._laid_out_for: tuple | None = None
        self._shared: list[list[list[Any]]] = [[], []]  # per axis: groups of axes
        self._synced: dict[tuple[int, int], tuple[float, float]] = {}
        self._exporting = False  # while exporting, ticks are left to the page

    # ---- axes -------------------------------------------------------------------------
    def add_axes(
        self,
        row: int = 0,
        col: int = 0,
        row_span: int = 1,
        col_span: int = 1,
        *,
        projection: str | None = None,
    ) -> Any:
        """New axes in the grid cell (row, col) (spanning cells if asked).

        ``projection="3d"`` makes :class:`~glframe.plot.Axes3D` (a turntable camera).
        """
        if min(row, col) < 0 or min(row_span, col_span) < 1:
            raise ValueError(
                f"Figure.add_axes: bad cell row={row} col={col} spans=({row_span}, {col_span})"
            )
        if projection not in (None, "3d"):
            raise ValueError(
                f"Figure.add_axes: projection must be None or '3d', not {projection!r}"
            )
        if projection == "3d":
            from ._axes3d import Axes3D

            ax = Axes3D(self)
        else:
            ax = Axes(self)
        self.axes.append(ax)
        self._cells.append((row, col, row_span, col_span))
        self._relayout()
        return ax

    def share(self, axis: str, axes: list[Axes]) -> None:
        """Keep ``axes`` on one range along ``axis`` ("x" or "y"): a pan or zoom of one
        moves the others (``subplots(sharex=True)`` does this)."""
        if axis not in ("x", "y"):
            raise ValueError(f"Figure.share: axis must be 'x' or 'y', not {axis!r}")
        k = "xy".index(axis)
        axes = [a for a in axes if isinstance(a, Axes)]
        for group in self._shared[k]:
            if set(group) & set(axes):
                group.extend(a for a in axes if a not in group)
                break
        else:
            self._shared[k].append(list(axes))
        for ax in axes:
            ax.autoscale()

    def _group(self, ax: Axes, k: int) -> list[Axes]:
        for group in self._shared[k]:
            if ax in group:
                return group
        return [ax]

    def colorbar(self, artist: Any, ax: Axes | None = None, *, label: str | None = None) -> Any:
        """A colorbar right of ``ax`` (default: the axes holding ``artist``) for the colormap
        and limits of ``artist`` (an image, a volume, or a scatter coloured by values).

        Returns the colorbar's Image visual.
        """
        owner = next((a for a in self.axes if any(r["visual"] is artist for r in a._artists)), None)
        ax = ax if ax is not None else owner
        if ax is None:
            raise ValueError("Figure.colorbar: the artist is not in this figure's axes; pass ax=")
        record = next((r for r in (owner._artists if owner else []) if r["visual"] is artist), {})
        if record.get("colormap"):
            cmap, clim = record["colormap"]
        elif record.get("kind") == "aggregate":
            raise ValueError(
                f"Figure.colorbar: this aggregate's colours follow the data shown "
                f"(how={artist.how!r}, or limits 'auto'); for a colorbar give "
                "ax.aggregate(..., how='linear', clim=(lo, hi))"
            )
        elif hasattr(type(artist), "cmap") and hasattr(type(artist), "clim"):
            cmap, clim = artist.cmap, artist.clim
        else:
            raise TypeError(
                f"Figure.colorbar: a {type(artist).__name__} has no colormap "
                "(give an image, a volume, or scatter(..., color=values))"
            )
        return ax._set_colorbar(cmap, clim, label)

    # ---- frames -----------------------------------------------------------------------
    def _relayout(self) -> None:
        self._dirty = True
        self.canvas.update()

    def _shared_changed(self, ax: Axes) -> None:
        """``ax``'s camera was fitted (and its group's with it): lay out again."""
        self._relayout()

    def _before_draw(self) -> None:
        self._sync_shared()
        size = tuple(self.canvas.logical_size)
        if self._dirty or size != self._laid_out_for:
            self._dirty = False
            self._laid_out_for = size
            rows = max([r + rs for r, _, rs, _ in self._cells] or [1])
            cols = max([c + cs for _, c, _, cs in self._cells] or [1])
            w, h = size
            for ax, (r, c, rs, cs) in zip(self.axes, self._cells):
                x0, x1 = round(c * w / cols), round((c + cs) * w / cols)
                y0, y1 = round(r * h / rows), round((r + rs) * h / rows)
                ax._layout((x0, y0, x1 - x0, y1 - y0))
        for ax in self.axes:
            ax._refresh()

    def _sync_shared(self) -> None:
        """Shared axes follow the one whose range changed since the last frame."""
        for k in range(2):
            for group in self._shared[k]:
                ranges = {ax: _range(ax, k) for ax in group}
                moved = [ax for ax in group if self._synced.get((id(ax), k)) != ranges[ax]]
                if not moved:
                    continue
                source = ranges[moved[0]]
                for ax in group:
                    if ranges[ax] != source:
                        _set_range(ax, k, source)
                    self._synced[(id(ax), k)] = source

    # ---- output -----------------------------------------------------------------------
    def render(self, size: tuple[int, int] | None = None) -> np.ndarray:
        """Draw the figure: an (h, w, 4) uint8 RGBA array (at ``size`` if given)."""
        return self.canvas.render(size)

    def savefig(self, path: str | Path, *, size: tuple[int, int] | None = None) -> Path:
        """Write the figure to an image file (PNG, JPEG, ... by its extension)."""
        import imageio.v3 as iio

        iio.imwrite(path, self.render(size))
        return Path(path)

    def show(self) -> None:
        """Show the figure: its window (``backend="auto"``), or in a notebook its widget."""
        self.canvas.show()

    def widget(self, mode: str | None = None, **options: Any) -> Any:
        """The notebook widget. "server": the kernel renders and streams frames;
        "client": the page draws with WebGL2 and moves the cameras itself, and the
        ticks follow once Python, given the page's camera, sends their new data
        (one round trip later). See docs/notebook.md and docs/plot.md."""
        return self.canvas.widget(mode, **options)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """A figure as a notebook cell's result: its canvas's widget (docs/notebook.md)."""
        return self.canvas._repr_mimebundle_(**kwargs)

    def export_html(
        self, path: str | Path, *, title: str | None = None, pixel_ratio: float | None = None
    ) -> Path:
        """A standalone HTML page of the figure (opens from file://, no server).

        The data, frames, titles, axis labels, legends and colorbars are drawn
        by WebGL2 as in Python, and the 2D axes pan and zoom in the page as
        here; the ticks, their labels and the grid are drawn over it by
        ``axes.js``, recomputed after each move by Python's tick rule, so the
        page shows the labels Python shows for the same camera. Shared axes
        stay shared. 3D axes turn, their labels with them. ``pixel_ratio``:
        as for :meth:`glframe.app.Canvas.export_html`. See docs/plot.md.
        """
        return self.canvas.export_html(path, title=title, pixel_ratio=pixel_ratio)

    def close(self) -> None:
        """Release the canvas."""
        self.canvas.close()

    def __repr__(self) -> str:
        w, h = self.canvas.logical_size
        return f"<Figure {w}x{h}, {len(self.axes)} axes>"


def _range(ax: Any, k: int) -> tuple[float, float]:
    rect = ax.view.camera.rect
    return float(rect[k]), float(rect[k + 2])


def _set_range(ax: Any, k: int, rng: tuple[float, float]) -> None:
    rect = ax.view.camera.rect
    rect[k], rect[k + 2] = rng
    ax.view.camera.rect = rect


def figure(size: tuple[int, int] = (800, 600), **kwargs: Any) -> Figure:
    """A new empty :class:`Figure` (add axes with ``fig.add_axes()``)."""
    return Figure(size, **kwargs)


def subplots(
    nrows: int = 1,
    ncols: int = 1,
    *,
    size: tuple[int, int] = (800, 600),
    sharex: bool = False,
    sharey: bool = False,
    projection: str | None = None,
    theme: str | Theme | None = None,
    backend: str = "offscreen",
    title: str = "glframe plot",
    squeeze: bool = True,
) -> tuple[Figure, Any]:
    """A figure and a grid of axes, as matplotlib's ``plt.subplots``.

    Returns ``(fig, ax)`` for one axes, else ``(fig, axes)`` with ``axes`` a
    numpy array of shape (nrows, ncols) (squeezed to 1D for one row or column
    unless ``squeeze=False``). ``sharex``/``sharey`` keep the axes on one range.

    Examples
    --------
    >>> from glframe import plot
    >>> fig, axes = plot.subplots(2, 2, sharex=True, size=(600, 400))
    >>> axes.shape
    (2, 2)
    >>> fig.close()
    """
    if nrows < 1 or ncols < 1:
        raise ValueError(f"subplots: nrows and ncols must be >= 1, not {nrows}, {ncols}")
    fig = Figure(size, theme=theme, backend=backend, title=title)
    grid = np.empty((nrows, ncols), dtype=object)
    for r in range(nrows):
        for c in range(ncols):
            grid[r, c] = fig.add_axes(r, c, projection=projection)
    if sharex:
        fig.share("x", list(grid.ravel()))
    if sharey:
        fig.share("y", list(grid.ravel()))
    if squeeze and grid.size == 1:
        return fig, grid[0, 0]
    return fig, grid.squeeze() if squeeze else grid
