"""Qt's event loop, seen through the few asyncio-loop methods glframe's loop uses.

glframe's event loop (``glframe/app/_loop.py``) already knows how to live on
someone else's loop: it schedules its turns with ``call_later`` and
``call_soon_threadsafe`` on an asyncio loop. :class:`QtLoopAdapter` offers
those methods on Qt's loop (single-shot ``QTimer``s, and a queued signal for
other threads), so timers fire and glfw windows are polled while Qt runs,
whether ``glframe.run()`` or the application's own ``app.exec()`` runs it.
:class:`QtFuture` is what ``glframe.run()`` waits on: a nested ``QEventLoop``
that ends when the future is set.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable

from ._compat import QtCore

__all__ = ["QtLoopAdapter", "QtFuture"]


class _Handle:
    """A scheduled call (``cancel()`` it), like asyncio's ``TimerHandle``."""

    def __init__(self, delay: float, fn: Callable[[], object]) -> None:
        self._timer = QtCore.QTimer()
        self._timer.setSingleShot(True)
        self._timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(fn)
        self._timer.start(max(0, round(delay * 1000)))

    def cancel(self) -> None:
        self._timer.stop()


class _Relay(QtCore.QObject):
    """Runs callables posted from any thread on the thread that made it."""

    try:
        posted = QtCore.pyqtSignal(object)
    except AttributeError:  # PySide6
        posted = QtCore.Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.posted.connect(self._run, QtCore.Qt.ConnectionType.QueuedConnection)

    def _run(self, fn) -> None:
        fn()


class QtLoopAdapter:
    """``call_later``, ``call_soon_threadsafe``, ``is_closed`` and
    ``call_exception_handler`` on Qt's event loop (made in the GUI thread)."""

    def __init__(self) -> None:
        self._relay = _Relay()

    def call_later(self, delay: float, fn: Callable[[], object]) -> _Handle:
        """Call ``fn()`` after ``delay`` seconds of Qt's loop."""
        return _Handle(delay, fn)

    def call_soon_threadsafe(self, fn: Callable[[], object]) -> None:
        """Call ``fn()`` at the next turn of Qt's loop (safe from any thread)."""
        self._relay.posted.emit(fn)

    def is_closed(self) -> bool:
        """Whether Qt's application is gone."""
        return QtCore.QCoreApplication.instance() is None

    def call_exception_handler(self, context: dict) -> None:
        """Report an error that has nobody to raise into (Qt's ``app.exec()`` runs)."""
        exc = context.get("exception")
        print(context.get("message", "glframe: error"), file=sys.stderr)
        if exc is not None:
            traceback.print_exception(type(exc), exc, exc.__traceback__)


class QtFuture:
    """Set once by glframe's loop; :meth:`wait` runs Qt's loop until then."""

    def __init__(self) -> None:
        self._done = False
        self._exception: BaseException | None = None
        self._loop = QtCore.QEventLoop()

    def done(self) -> bool:
        """Whether a result or an exception was set."""
        return self._done

    def set_result(self, _result) -> None:
        """The loop ended normally."""
        self._done = True
        self._loop.quit()

    def set_exception(self, exc: BaseException) -> None:
        """The loop ended with ``exc``, which :meth:`wait` raises."""
        self._exception = exc
        self.set_result(None)

    def wait(self) -> None:
        """Run Qt's event loop until the future is set; raise its exception."""
        if not self._done:
            self._loop.exec()
        if self._exception is not None:
            raise self._exception
