"""plot: figures with axes, ticks, colorbars and legends, on top of the scene (docs/plot.md)."""

from ._ticks import Ticks, ticks

__all__ = ["Ticks", "ticks"]
