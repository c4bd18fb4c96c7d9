"""What an exported page of a figure needs to draw its axes' ticks itself.

An HTML export (``Figure.export_html``, docs/web.md) records one frame of the
canvas and replays it in the page with the views' cameras running in
JavaScript. The frame, the titles, axis labels, legends and colorbars do not
depend on the camera and are recorded as they are; the tick marks, tick
labels and grid of the 2D axes do, so they are left out of the recorded frame
(``Figure._exporting`` hides them while the canvas records) and the page's
``axes.js`` draws them over the WebGL canvas after each camera move, from:

- each 2D axes' data view (its index among the canvas's views), cell and
  plot area (pixels, as laid out now: the page does not lay out again), its
  scales and time offsets, whether the camera is flipped, the grid, and the
  theme's font, sizes and colours (:meth:`Axes._export`);
- the groups of shared axes (indices into that list), per axis, so that a
  zoom of one moves the others in the page as in Python.

The tick rule is ``ticks.js``, the same as ``_ticks.py``, called with the same
plot-area lengths, so the labels equal Python's for the same camera state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._axes import Axes

if TYPE_CHECKING:
    from ._figure import Figure

__all__ = ["plot_data"]


def plot_data(figure: Figure) -> dict[str, Any]:
    """The figure data's ``plot`` entry: the 2D axes and their shared groups."""
    flat = [ax for ax in figure.axes if isinstance(ax, Axes)]
    index = {id(ax): i for i, ax in enumerate(flat)}
    shared = [
        [[index[id(ax)] for ax in group if id(ax) in index] for group in groups]
        for groups in figure._shared
    ]
    return {"axes": [ax._export() for ax in flat], "shared": shared}
