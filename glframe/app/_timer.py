"""Timer: a callback every ``interval`` seconds, driven by whichever loop runs.

A timer holds no thread and no loop of its own. ``start()`` hands it to the
process's event loop (:mod:`glframe.app._loop`), which fires it: inside
``glframe.run()``, inside ``await glframe.run_async()``, or, when neither runs
but an asyncio loop does (a Jupyter kernel), on that asyncio loop. A running
timer is kept alive by the loop, like a browser's ``setInterval``, until it
stops.

Late timeouts are not made up for: when a turn of the loop took longer than
the interval, the next timeout is due one interval after the late one. ``dt``
tells the callback how much time really passed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from ._events import EmitterGroup, Event

__all__ = ["Timer"]


class Timer:
    """Emit ``timeout`` every ``interval`` seconds while started.

    Parameters
    ----------
    interval
        Seconds between timeouts (0: every turn of the loop).
    connect
        A callback to connect to ``timer.events.timeout``.
    iterations
        How many timeouts before the timer stops by itself; -1 for no limit.
    start
        Start now.

    The ``timeout`` event carries ``iteration`` (0 for the first timeout after
    ``start()``), ``elapsed`` (seconds since ``start()``) and ``dt`` (seconds
    since the previous timeout, or since ``start()`` for the first).
    ``timer.count`` is the number of timeouts since ``start()``.

    Examples
    --------
    >>> import glframe
    >>> ticks = []
    >>> timer = glframe.Timer(0.01, connect=lambda ev: ticks.append(ev.iteration), iterations=3)
    >>> timer.start()
    >>> glframe.run()          # returns once the last timer has stopped
    >>> ticks
    [0, 1, 2]
    """

    def __init__(
        self,
        interval: float = 1 / 60,
        connect: Callable[[Event], object] | None = None,
        iterations: int = -1,
        start: bool = False,
    ) -> None:
        self.interval = interval
        self.iterations = iterations
        self.events = EmitterGroup(self, "timeout")
        self.count = 0
        self.running = False
        self._started = self._last = self._deadline = 0.0
        if connect is not None:
            self.connect(connect)
        if start:
            self.start()

    @property
    def interval(self) -> float:
        """Seconds between timeouts."""
        return self._interval

    @interval.setter
    def interval(self, value: float) -> None:
        value = float(value)
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"timer interval must be a finite number >= 0, not {value!r}")
        self._interval = value

    @property
    def iterations(self) -> int:
        """Timeouts before stopping (-1: no limit)."""
        return self._iterations

    @iterations.setter
    def iterations(self, value: int) -> None:
        if int(value) != value or value < -1:
            raise ValueError(f"timer iterations must be -1 or a count >= 0, not {value!r}")
        self._iterations = int(value)

    @property
    def deadline(self) -> float:
        """When the next timeout is due, in :func:`time.perf_counter` seconds."""
        return self._deadline

    def connect(self, callback: Callable[[Event], object]) -> Callable[[Event], object]:
        """Connect ``callback(event)`` to the timeout (returned: usable as a decorator)."""
        return self.events.timeout.connect(callback)

    def start(self, interval: float | None = None, iterations: int | None = None) -> None:
        """(Re)start: count from zero; the first timeout comes after one interval."""
        from ._loop import loop

        if interval is not None:
            self.interval = interval
        if iterations is not None:
            self.iterations = iterations
        self.count = 0
        self._started = self._last = time.perf_counter()
        self._deadline = self._started + self._interval
        self.running = self._iterations != 0
        if self.running:
            loop._add_timer(self)

    def stop(self) -> None:
        """Stop: no more timeouts until ``start()``."""
        from ._loop import loop

        self.running = False
        loop._remove_timer(self)

    def _fire(self, now: float) -> None:
        """Emit one timeout (the loop calls this when ``deadline`` has passed)."""
        iteration, dt = self.count, now - self._last
        self.count += 1
        self._last = now
        self._deadline += self._interval
        if self._deadline <= now:  # late: skip the missed timeouts
            self._deadline = now + self._interval
        last = self._iterations >= 0 and self.count >= self._iterations
        try:
            self.events.timeout(iteration=iteration, elapsed=now - self._started, dt=dt)
        finally:
            if last and self.count >= self._iterations:  # unless restarted by the callback
                self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<Timer every {self._interval:g} s, {state}, {self.count} timeouts>"
