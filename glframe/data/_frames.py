"""Frames being drawn: background readers yield the cores to the thread that draws,
and stop between two steps when their read is no longer wanted.

On a machine whose cores the tile workers fill, a frame drawn meanwhile took about
twice as long although the workers run niced (2 cores, llvmpipe, the Mandelbrot stop
views of ``benchmarks/multiscale.py``: 19-22 ms loading against 11-12 ms idle): the
rasterizer's threads wake and sleep many times a frame, and each wake-up waits for a
core. A scene canvas marks each frame, from the start of its views' recording to its
pixels (:func:`begin`, :func:`end`); a loader's worker calls :func:`yield_to_drawing`
before each read, and a source that computes in steps (the synthetic Mandelbrot and
Mandelbulb) between steps (:func:`steps`): it waits while a frame is marked, for the
end of one frame at most, so drawing without pause slows loading (about one step a
frame) and never stops it. The drawing thread never waits.

The mark starts with the recording (Python, one core), not after it: workers that
went on while the views were recorded were still in a step when the rasterizer's
threads woke, and in about half of the loading frames at the benchmark's second stop
view the rasterization then ran on one core's CPU time (11 ms against 7.5 ms; the
kernel left both rasterizer threads on one core, whose neighbour had just gone
idle). Marked from the start, those frames took what the same view idle takes.

A step already running when a frame starts runs on into it: steps are sized by time
(:data:`STEP_SECONDS`), not by points, since a point's cost varies a thousandfold (a
Mandelbrot point inside the set at a deep zoom against one that escapes at once).
Fixed steps of 8k points took ~6 ms at the benchmark's deepest stop view, and its
frames while loading took 1.2-1.3x those of the same view idle; see
docs/data.md.

A loader runs each read inside :func:`reading` with an event it sets when a newer
request no longer wants the tile: :func:`steps` then raises :class:`ReadCancelled`
before its next step, and the worker is free for a wanted tile at once (a read that
computes in no steps, or reads a file, runs to its end).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["ReadCancelled", "begin", "end", "reading", "steps", "yield_to_drawing"]

_changed = threading.Condition()
_read = threading.local()  # .cancelled: the event of the read this thread runs, if any
_active = 0  # frames being drawn now (several canvases may draw at once)
_ended = 0  # frames ended so far
#: the longest a worker waits for a frame's end (a frame that never ends: a canvas
#: stopped in a debugger, a frame that raised before its end was marked)
MAX_WAIT = 0.1
#: about how long one of :func:`steps`' steps runs (s): a frame that starts meanwhile
#: shares the cores with what is left of it
STEP_SECONDS = 0.0005


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


class ReadCancelled(Exception):
    """Raised by :func:`steps` in a read whose loader no longer wants its tile."""


@contextmanager
def reading(cancelled: threading.Event) -> Iterator[None]:
    """Run a read on this thread that stops (:class:`ReadCancelled`) at the first of its
    :func:`steps` after ``cancelled`` is set."""
    outer = getattr(_read, "cancelled", None)
    _read.cancelled = cancelled
    try:
        yield
    finally:
        _read.cancelled = outer


def steps(n: int, first: int = 1, seconds: float | None = None) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` ranges that cover ``range(n)`` in order, for a background
    thread computing ``n`` units (rows, planes, points) in steps: each is handed out
    after :func:`yield_to_drawing`, and sized from the time the previous ones took so
    that a step takes about ``seconds`` (default :data:`STEP_SECONDS`); the first has
    ``first`` units, a step at least one and at most twice the last one.

    The time of a step is that of the loop's body between two ``next`` calls. Inside
    :func:`reading`, a step is not handed out once its event is set:
    :class:`ReadCancelled` is raised instead.
    """
    target = STEP_SECONDS if seconds is None else seconds
    cancelled = getattr(_read, "cancelled", None)
    start, size = 0, max(1, int(first))
    while start < n:
        yield_to_drawing()
        if cancelled is not None and cancelled.is_set():
            raise ReadCancelled("the tile is no longer wanted")
        stop = min(n, start + size)
        began = time.perf_counter()
        yield start, stop
        took = time.perf_counter() - began
        done = stop - start
        if took > 0:
            size = max(1, min(2 * done, int(done * target / took)))
        else:
            size = 2 * done
        start = stop
