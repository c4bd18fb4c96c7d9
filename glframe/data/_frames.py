"""Frames being drawn: background readers yield the cores to the thread that draws.

On a machine whose cores the tile workers fill, a frame drawn meanwhile took about
twice as long although the workers run niced (2 cores, llvmpipe, the Mandelbrot stop
views of ``benchmarks/multiscale.py``: 19-22 ms loading against 11-12 ms idle): the
rasterizer's threads wake and sleep many times a frame, and each wake-up waits for a
core. A scene canvas marks each frame's rasterization, from the end of its views'
recording to its pixels (:func:`begin`, :func:`end`); a loader's worker calls
:func:`yield_to_drawing` before each read, and a source that computes in steps (the
synthetic Mandelbrot) between steps: it waits while a frame is marked, for the end of
one frame at most, so drawing without pause slows loading (about one step a frame) and
never stops it. The drawing thread never waits; while it records the views (Python,
one core) the workers go on.
"""

from __future__ import annotations

import threading

__all__ = ["begin", "end", "yield_to_drawing"]

_changed = threading.Condition()
_active = 0  # frames being drawn now (several canvases may draw at once)
_ended = 0  # frames ended so far
#: the longest a worker waits for a frame's end (a frame that never ends: a canvas
#: stopped in a debugger, a frame that raised before its end was marked)
MAX_WAIT = 0.1


def begin() -> None:
    """A frame starts being drawn (its rasterization, up to its pixels)."""
    global _active
    with _changed:
        _active += 1


def end() -> None:
    """The frame :func:`begin` marked has its pixels."""
    global _active, _ended
    with _changed:
        _active -= 1
        _ended += 1
        _changed.notify_all()


def yield_to_drawing(timeout: float | None = None) -> None:
    """Wait, on a background thread, until the frame being drawn ends (none: return at
    once); at most ``timeout`` seconds (default ``MAX_WAIT``), and at most one frame."""
    if not _active:  # the common case, without the lock
        return
    with _changed:
        if _active:
            seen = _ended
            _changed.wait_for(lambda: _ended > seen, MAX_WAIT if timeout is None else timeout)
