"""Mesa llvmpipe's rasterizer threads, one per core (Linux).

llvmpipe rasterizes a frame on its own threads (``llvmpipe-0``, ``llvmpipe-1``, ...,
one per core by default), which the drawing thread wakes for each frame. On Linux the
scheduler may wake them all on the core the drawing thread runs on; a core that has
just gone idle then often waits for its next tick before it takes one of them, and
the frame is rasterized on one core's time. Measured on 2 cores (a resident
MultiscaleImage stop view, 800x600, 30 frames, four runs): 1 to 4 frames of 30 took
11.5-12.5 ms at one core's CPU time against 7.0-7.3 ms at 1.6 cores for the others
(8% on the mean, and the noise of every frame-time measurement); with each thread
kept on its own core, none did.

:func:`spread_rasterizer_threads` gives the ``n``-th rasterizer thread the ``n``-th
CPU of the process's allowed set (modulo its size), once per thread. The threads
share their work from one queue of screen bins, so a thread whose core is busy with
something else leaves more bins to the others rather than holding the frame. Set
``GLFRAME_LLVMPIPE_AFFINITY=0`` to leave them to the scheduler. Elsewhere than Linux,
with one CPU, or without llvmpipe, it does nothing.
"""

from __future__ import annotations

import os
import re
import sys

__all__ = ["spread_rasterizer_threads"]

_THREAD = re.compile(r"llvmpipe-(\d+)$")
_done: set[int] = set()  # thread ids given a core already


def spread_rasterizer_threads() -> int:
    """Keep each llvmpipe rasterizer thread of this process on its own CPU; returns how
    many threads were given one now (0 when none, or nothing to do here)."""
    if not sys.platform.startswith("linux") or os.environ.get("GLFRAME_LLVMPIPE_AFFINITY") == "0":
        return 0
    try:
        cpus = sorted(os.sched_getaffinity(0))
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return 0
    if len(cpus) < 2:
        return 0
    pinned = 0
    for task in tasks:
        tid = int(task)
        if tid in _done:
            continue
        try:
            with open(f"/proc/self/task/{task}/comm") as f:
                match = _THREAD.match(f.read().strip())
            if match is None:
                continue
            os.sched_setaffinity(tid, {cpus[int(match.group(1)) % len(cpus)]})
        except OSError:  # the thread ended, or a sandbox refuses: leave it be
            continue
        _done.add(tid)
        pinned += 1
    return pinned
