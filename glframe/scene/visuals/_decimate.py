"""Column decimation of a line strip whose x only grows (or only falls) on screen.

A time series of a million samples drawn 800 pixels wide puts over a thousand vertices
in each pixel column. Drawn as an aliased line strip one pixel wide (Line's thin path),
the pixels a column gets are those between the lowest and the highest vertex in it, and
the segments that leave it. Keeping, in each column, its first and last vertex and its
lowest and highest one (in their order: the M4 reduction of Jugel et al., VLDB 2014)
draws those same pixels with at most four vertices a column. What can differ: inside a
column, a segment shorter than a pixel that lit no pixel of a row the others cross (the
kept vertices join them with longer segments, which do): a few pixels of a line
(``tests/test_line_polygon.py`` counts them against the whole strip's).

The vertices kept are indices into the strip: the buffers stay whole, and a camera
change picks again (about 20 ms for a million vertices, against about 50 ms to draw
them all on llvmpipe).
"""

from __future__ import annotations

import numpy as np

__all__ = ["column_extremes", "monotonic"]


def monotonic(x: np.ndarray) -> bool:
    """Whether ``x`` never falls, or never grows (finite values)."""
    step = np.diff(x)
    return bool(np.all(step >= 0) or np.all(step <= 0))


def column_extremes(columns: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The indices, ascending, of each run of equal ``columns``' first, last, lowest and
    highest ``y`` (the first of equal extremes). ``columns``: integers, one per vertex,
    in runs; ``y``: finite values, as long."""
    n = len(columns)
    if n == 0:
        return np.zeros(0, np.intp)
    change = np.flatnonzero(columns[1:] != columns[:-1]) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [n])) - 1
    lengths = ends - starts + 1
    run = np.repeat(np.arange(len(starts)), lengths)
    keep = np.zeros(n, bool)
    keep[starts] = keep[ends] = True
    for reduce in (np.minimum, np.maximum):
        at = np.flatnonzero(y == np.repeat(reduce.reduceat(y, starts), lengths))
        first = np.concatenate(([True], run[at[1:]] != run[at[:-1]]))
        keep[at[first]] = True
    return np.flatnonzero(keep)
