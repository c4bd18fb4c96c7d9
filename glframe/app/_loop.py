"""The event loop: window events, timers and redraws, blocking or inside asyncio.

One :class:`EventLoop` per process (``glframe.app.loop``) knows the open window
canvases and the running timers. A turn of the loop waits for window events
(glfw) or the next timer's deadline, whichever comes first, runs the event
callbacks, fires the timers that are due, and draws the window canvases marked
by ``canvas.update()`` (draw event, then swap). Nothing is drawn unless asked
for, so an idle window costs nothing. Offscreen canvases are never drawn by
the loop: they render on demand.

Three ways to drive it:

- ``glframe.run()`` blocks in ``glfw.wait_events_timeout`` (or, without a
  window, in a plain wait) and returns when the last window has closed, when
  there never was a window and the last timer has stopped, or on
  ``glframe.quit()``;
- ``await glframe.run_async()`` does the same inside a running asyncio loop:
  a callback on that loop polls glfw every ``poll_interval`` seconds while a
  window is open (glfw offers no file descriptor to watch) and is scheduled
  with ``call_later`` for the next timer's deadline;
- with neither, if an asyncio loop is running when a timer starts or a window
  opens (a Jupyter kernel), the same callback is scheduled on that loop and
  keeps going while there are timers or windows, so timers run while other
  cells execute.

With a Qt application (a ``QApplication`` exists), Qt's event loop drives it
instead: ``glframe.run()`` runs Qt's loop until the last canvas closes, and
timers started while the application's own ``app.exec()`` runs fire on it;
Qt canvases are drawn by Qt's repaints (``paintGL``), not by the loop.

Errors raised by callbacks propagate out of ``run()`` and ``run_async()``;
the canvas and the timers stay usable, so the loop can be run again. With no
``run`` or ``run_async`` to raise into, an error is handed to the asyncio
loop's exception handler and the timer that raised is stopped.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import backends

if TYPE_CHECKING:
    import asyncio

    from ._timer import Timer

__all__ = ["EventLoop", "loop", "run", "run_async", "quit", "process_events"]

# The longest single wait: a blocked C call (glfw) does not see Ctrl-C until it returns.
_MAX_WAIT = 0.1


def _running_asyncio_loop() -> asyncio.AbstractEventLoop | None:
    asyncio = sys.modules.get("asyncio")  # not imported: no asyncio loop can be running
    if asyncio is None:
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class _Run:
    """What one run of the loop remembers: whether it has seen a window."""

    had_windows = False

    def finished(self, owner: EventLoop) -> bool:
        if owner._windows:
            self.had_windows = True
            return False
        return self.had_windows or not owner._timers


class EventLoop:
    """The process's event loop (use the instance ``glframe.app.loop``).

    Examples
    --------
    >>> import glframe
    >>> timer = glframe.Timer(0.01, iterations=2, start=True)
    >>> glframe.app.loop.run()
    >>> timer.count
    2
    """

    def __init__(self) -> None:
        self.poll_interval = 0.005  # seconds between glfw polls under asyncio
        self._windows: list[Any] = []  # open window canvases (kept alive until closed)
        self._timers: set[Timer] = set()  # running timers (kept alive until stopped)
        self._mode: str | None = None  # "run" or "async" while one of them runs
        self._thread: threading.Thread | None = None
        self._quit = False
        self._driver: _AsyncDriver | None = None
        self._wakeup = threading.Event()

    # ---- state ---------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """Whether ``run()``, ``run_async()`` or an asyncio-driven loop is going."""
        return self._mode is not None or self._driver_alive()

    @property
    def windows(self) -> tuple:
        """The open window canvases."""
        return tuple(self._windows)

    @property
    def timers(self) -> tuple:
        """The running timers."""
        return tuple(self._timers)

    def _driver_alive(self) -> bool:
        driver = self._driver
        return driver is not None and driver.alive and not driver.aloop.is_closed()

    # ---- registration (by Canvas and Timer) ------------------------------------------------
    def _add_window(self, canvas: Any) -> None:
        if canvas not in self._windows:
            self._windows.append(canvas)
        self._wake()

    def _remove_window(self, canvas: Any) -> None:
        if canvas in self._windows:
            self._windows.remove(canvas)
        self._wake()

    def _add_timer(self, timer: Timer) -> None:
        self._timers.add(timer)
        self._wake()

    def _remove_timer(self, timer: Timer) -> None:
        self._timers.discard(timer)

    def _wake(self) -> None:
        """Something changed (a timer, a window, a canvas to redraw): let a driver see it."""
        if self._mode == "run":
            if threading.current_thread() is not self._thread:
                self._interrupt_wait()
            return  # same thread: the loop looks again after this callback
        if self._driver_alive():
            self._driver.kick()
            return
        if self._mode is None and (self._timers or self._windows):
            aloop = _running_asyncio_loop()
            if aloop is None and backends.qt_application() is not None:
                from ..backends.qt import QtLoopAdapter

                aloop = QtLoopAdapter()  # Qt's own app.exec() drives glframe's timers
            if aloop is not None:
                self._driver = _AsyncDriver(self, aloop)
                self._driver.kick()

    def _interrupt_wait(self) -> None:
        self._wakeup.set()
        backends.wake()

    # ---- one turn ------------------------------------------------------------------------------
    def _timeout(self) -> float | None:
        """Seconds until something is due (0: now), None when only events can wake us."""
        if any(canvas._dirty and canvas.backend != "qt" for canvas in self._windows):
            return 0.0
        if not self._timers:
            return None
        return max(0.0, min(t.deadline for t in self._timers) - time.perf_counter())

    def _wait(self, timeout: float | None) -> None:
        timeout = _MAX_WAIT if timeout is None else min(timeout, _MAX_WAIT)
        if self._windows:
            backends.wait_events(timeout)
        elif timeout > 0:
            self._wakeup.wait(timeout)
        self._wakeup.clear()

    def _fire_due_timers(self, on_error: Callable | None = None) -> None:
        now = time.perf_counter()
        due = sorted((t for t in self._timers if t.deadline <= now), key=lambda t: t.deadline)
        for timer in due:
            # an earlier callback may have stopped or restarted this one
            if timer.running and timer.deadline <= now:
                try:
                    timer._fire(now)
                except Exception as exc:
                    if on_error is None:
                        raise
                    timer.stop()
                    on_error(exc, f"in a callback of {timer!r} (the timer is stopped)")

    def _close_requested(self) -> None:
        """Close the canvases whose window was flagged (``glfw.set_window_should_close``)."""
        for canvas in list(self._windows):
            if canvas._surface.should_close():
                canvas.close()

    def _draw_dirty(self, on_error: Callable | None = None) -> None:
        for canvas in list(self._windows):
            try:
                canvas._draw_if_dirty()
            except Exception as exc:
                if on_error is None:
                    raise
                on_error(exc, f"while drawing {canvas!r}")

    def process_events(self) -> None:
        """One turn without waiting: window events, due timers, dirty windows drawn."""
        backends.poll_events()
        self._close_requested()
        self._fire_due_timers()
        self._draw_dirty()

    # ---- drivers ----------------------------------------------------------------------------
    def run(self) -> None:
        """Run until the last window closes (or, with none, the last timer stops) or quit().

        Examples
        --------
        >>> import glframe
        >>> canvas = glframe.Canvas(backend="window")     # doctest: +SKIP
        >>> glframe.run()                                 # doctest: +SKIP
        """
        self._run(lambda: False)

    def _run(self, stop: Callable[[], bool]) -> None:
        if self._mode is not None:
            raise RuntimeError(f"the glframe event loop is already running ({self._mode})")
        if backends.qt_application() is not None:
            self._run_qt(stop)
            return
        self._mode, self._thread, self._quit = "run", threading.current_thread(), False
        state = _Run()
        try:
            while not (self._quit or stop() or state.finished(self)):
                self._draw_dirty()
                self._wait(self._timeout())
                self._close_requested()
                self._fire_due_timers()
        finally:
            self._mode, self._thread, self._quit = None, None, False

    def _run_qt(self, stop: Callable[[], bool]) -> None:
        """:meth:`run` on Qt's event loop (a ``QApplication`` exists)."""
        from ..backends.qt import QtFuture, QtLoopAdapter

        if self._driver is not None:
            self._driver.finish()
        future = QtFuture()
        driver = self._driver = _AsyncDriver(self, QtLoopAdapter(), future, stop=stop)
        self._mode, self._quit = "qt", False
        driver.kick()
        try:
            future.wait()
        finally:
            driver.finish()
            self._mode, self._quit = None, False

    async def run_async(self) -> None:
        """Like :meth:`run`, inside the running asyncio loop (awaitable).

        Examples
        --------
        >>> import asyncio, glframe
        >>> timer = glframe.Timer(0.01, iterations=3, start=True)
        >>> asyncio.run(glframe.run_async())
        >>> timer.count
        3
        """
        import asyncio

        if self._mode is not None:
            raise RuntimeError(f"the glframe event loop is already running ({self._mode})")
        aloop = asyncio.get_running_loop()
        if self._driver is not None:
            self._driver.finish()  # an awaited driver takes over
        future = aloop.create_future()
        driver = self._driver = _AsyncDriver(self, aloop, future)
        self._mode, self._quit = "async", False
        driver.kick()
        try:
            await future
        finally:
            driver.finish()
            self._mode, self._quit = None, False

    def quit(self) -> None:
        """Make ``run()`` / ``run_async()`` return; stop an asyncio-driven loop.

        Timers stay started: they resume when a loop runs again.
        """
        if self._mode is not None:
            self._quit = True
            self._interrupt_wait()
        if self._driver is not None:
            self._driver.finish()


class _AsyncDriver:
    """Turns of the event loop as callbacks on an asyncio loop.

    ``future`` is set when ``run_async()`` awaits this driver: errors and the
    end are reported through it. Without one, the driver stops when no window
    and no timer are left, and reports errors to the asyncio loop.
    """

    def __init__(
        self,
        owner: EventLoop,
        aloop: asyncio.AbstractEventLoop,
        future: Any = None,
        stop: Callable[[], bool] | None = None,
    ) -> None:
        self.owner, self.aloop, self.future = owner, aloop, future
        self.stop = stop or (lambda: False)
        self.alive = True
        self.state = _Run()
        self._handle: Any = None
        self._thread_id = threading.get_ident()

    def kick(self) -> None:
        """Take a turn as soon as possible (safe from any thread)."""
        if threading.get_ident() != self._thread_id:
            self.aloop.call_soon_threadsafe(self.kick)
        else:
            self._schedule(0.0)

    def _schedule(self, delay: float) -> None:
        if not self.alive:
            return
        if self._handle is not None:
            self._handle.cancel()
        self._handle = self.aloop.call_later(delay, self._turn)

    def _turn(self) -> None:
        self._handle = None
        owner = self.owner
        report = None if self.future is not None else self._report
        try:
            if owner._windows:
                backends.poll_events()
                owner._close_requested()
            owner._fire_due_timers(report)
            owner._draw_dirty(report)
        except Exception as exc:
            if report is None:
                self.finish(exc)  # raised by run_async()
                return
            report(exc, "in a window event callback")
        if not self.alive:  # quit() from a callback
            return
        if self.future is not None:
            finished = self.state.finished(owner) or self.stop()
        else:
            finished = not (owner._windows or owner._timers)
        if finished:
            self.finish()
            return
        delay = owner._timeout()
        if any(canvas.backend == "window" for canvas in owner._windows):  # glfw: poll
            delay = owner.poll_interval if delay is None else min(delay, owner.poll_interval)
        if delay is not None:
            self._schedule(delay)

    def _report(self, exc: BaseException, where: str) -> None:
        self.aloop.call_exception_handler({"message": f"glframe: error {where}", "exception": exc})

    def finish(self, exc: BaseException | None = None) -> None:
        self.alive = False
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if self.owner._driver is self:
            self.owner._driver = None
        if self.future is not None and not self.future.done():
            if exc is None:
                self.future.set_result(None)
            else:
                self.future.set_exception(exc)


loop = EventLoop()


def run() -> None:
    """Run the event loop until the last window closes or ``quit()`` (see :class:`EventLoop`).

    Without any window it runs until the last timer stops.

    Examples
    --------
    >>> import glframe
    >>> timer = glframe.Timer(0.01, iterations=5, start=True)
    >>> glframe.run()
    >>> timer.count
    5
    """
    loop.run()


async def run_async() -> None:
    """``await glframe.run_async()``: :func:`run` inside the running asyncio loop."""
    await loop.run_async()


def quit() -> None:  # noqa: A001 - glframe.quit() reads best
    """Make the running event loop return (from a callback, or another thread)."""
    loop.quit()


def process_events() -> None:
    """One turn of the event loop without waiting (useful in tests and scripts)."""
    loop.process_events()
