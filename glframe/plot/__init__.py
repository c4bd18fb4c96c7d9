"""plot: figures with axes, ticks, colorbars and legends, on top of the scene.

matplotlib's names where they fit::

    from glframe import plot
    fig, ax = plot.subplots(size=(800, 600))
    line = ax.plot(x, y, label="signal")        # every call returns its scene visual
    ax.set_xlabel("time (s)"); ax.legend()
    fig.savefig("figure.png"); fig.export_html("figure.html")

- :func:`subplots`, :class:`Figure`: a canvas of axes in a grid; shared axes;
- :class:`Axes`: 2D (pan-zoom), linear, log and time axes: ``plot``, ``scatter``,
  ``imshow``, ``hist``, ``aggregate``, ``multiscale``; :class:`Axes3D`;
- :func:`ticks`: the tick rule (also in the browser, ``ticks.js``);
- themes: :func:`set_theme` ("light", the default, or "dark");
- ``fig.export_html(path)``: a page whose ticks are recomputed in JavaScript.

See docs/plot.md.
"""

from ._axes import Axes
from ._axes3d import Axes3D
from ._figure import Figure, figure, subplots
from ._theme import THEMES, Theme, get_theme, set_theme
from ._ticks import SCALES, Ticks, ticks

__all__ = [
    "subplots",
    "figure",
    "Figure",
    "Axes",
    "Axes3D",
    "Ticks",
    "ticks",
    "SCALES",
    "Theme",
    "THEMES",
    "set_theme",
    "get_theme",
]
