"""TileLoader: read the tiles a view wants, in priority order, on background threads.

A multiscale visual decides each frame which tiles it wants (a
:class:`~glframe.data.TileGrid` answers that) and hands them, most important
first, to :meth:`TileLoader.request`. The loader reads them from the
:class:`~glframe.data.Multiscale` with a :class:`concurrent.futures.ThreadPoolExecutor`
(its own, or any ``concurrent.futures.Executor`` given, e.g. a shared one) and
puts them into a :class:`~glframe.data.TileCache`; the draw only looks in the
cache and never waits for a read.

A new request *replaces* the wanted set: tiles already cached are skipped,
tiles no longer wanted that have not started are cancelled
(:meth:`concurrent.futures.Future.cancel`), and the tiles still queued are
resubmitted in the new order, so a camera move reorders the queue at once. A read
no longer wanted that has started is told so: a source that computes in steps
(``glframe.data._frames.steps``: the synthetic sources) stops at its next step,
a few milliseconds, and the worker takes the next wanted tile.

The loader's own threads run at a lower OS priority than the thread that
draws (``nice``, default +10, on Linux where a thread's niceness is its own):
reads are CPU work too (decompression, computed sources) and on a small machine
they would otherwise take the cores from the render thread and the software
rasterizer's threads in the middle of a frame; an idle render thread leaves
them every core.

Limits: a read of a file or an array that has started runs to the end (threads
cannot be interrupted; its tile still lands in the cache). Niceness cannot be lowered
back without privileges, so each worker thread keeps it for its life (the
threads are the loader's own, joined by :meth:`close`); elsewhere than Linux
``nice`` is ignored. The priority order holds
within one loader; with a shared executor, loaders' tasks interleave in
submission order. Dask-backed levels are computed inside the worker thread
(``np.asarray`` on the dask slice), with dask's own scheduler.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from typing import Any

import numpy as np

from ._cache import TileCache
from ._frames import ReadCancelled, reading, yield_to_drawing
from ._tiles import TileGrid, TileKey

__all__ = ["TileLoadError", "TileLoader"]

# Default tile shapes: a 512x512 RGBA8 tile is 1 MiB and one texture upload; a
# 64^3 uint8 brick is 256 KiB, small enough to load many per frame.
DEFAULT_TILE = {2: 512, 3: 64}
# Reads are mostly I/O or decompression (which releases the GIL); a few threads
# saturate a disk. They run niced (below), so they take no core the draw needs and
# every core when it is idle: fewer threads on small machines would only slow loading
# (measured on 2 cores: one niced thread loaded half as many tiles, frames no faster).
DEFAULT_MAX_WORKERS = min(4, os.cpu_count() or 1)
#: the niceness added to the loader's own worker threads (Linux)
DEFAULT_NICE = 10
THREAD_NAME_PREFIX = "glframe-tiles"

_worker = threading.local()


def in_worker() -> bool:
    """Whether the calling thread is a worker of a TileLoader's own executor (sources
    that could split a read over threads do not, there: the loader already reads in
    parallel)."""
    return getattr(_worker, "active", False)


def _init_worker(nice: int) -> None:
    # the ThreadPoolExecutor initializer: runs once on each new worker thread
    _worker.active = True
    if nice and sys.platform.startswith("linux"):
        try:  # on Linux a thread's niceness is its own (a thread id is a process id)
            tid = threading.get_native_id()
            # added to the niceness it inherited: a process run under `nice` stays below
            own = os.getpriority(os.PRIO_PROCESS, tid)
            os.setpriority(os.PRIO_PROCESS, tid, min(19, own + nice))
        except OSError:  # a sandbox without setpriority: normal priority
            pass


class TileLoadError(RuntimeError):
    """A tile's read (or its ``on_loaded`` callback) failed; the cause is chained."""


class TileLoader:
    """Reads wanted tiles into a cache on background threads, most important first.

    Parameters
    ----------
    multiscale
        A :class:`~glframe.data.Multiscale`, or a :class:`~glframe.data.TileGrid`
        of one (then ``tile`` is not given).
    cache
        The :class:`~glframe.data.TileCache` that receives the tiles.
    tile
        Tile shape when ``multiscale`` is a Multiscale (default 512 for 2D, 64
        for 3D).
    executor
        A ``concurrent.futures.Executor`` to read on (shared between loaders,
        or a dask ``Client.get_executor()``); not shut down by :meth:`close`.
        Default: the loader's own ``ThreadPoolExecutor``.
    max_workers
        Threads of the loader's own executor (default ``min(4, cpu_count)``).
    nice
        Niceness added to the own executor's threads (default ``DEFAULT_NICE``, +10: they yield the
        cores to the drawing threads; 0 leaves them at the caller's priority). Linux
        only; not for a given ``executor``.
    on_loaded
        ``on_loaded(key)`` after each tile is in the cache, e.g. to ask for a
        redraw. It is called **from the worker thread**: keep it short and
        thread-safe (set a flag, post an event); an exception it raises is
        kept and re-raised by :meth:`wait`.

    Examples
    --------
    >>> import numpy as np
    >>> from glframe.data import Multiscale, TileCache, TileGrid, TileLoader
    >>> base = np.arange(64 * 64, dtype=np.uint16).reshape(64, 64)
    >>> grid = TileGrid(Multiscale([base, base[::2, ::2]]), 32)
    >>> cache = TileCache(1 << 20, pinned_levels={1})
    >>> with TileLoader(grid, cache, max_workers=2) as loader:
    ...     loader.request(grid.prioritize(grid.visible(0, ((0, 40), (0, 20))), (20, 10)))
    ...     loader.wait(timeout=10)
    ...     loader.stats()["tiles_loaded"], int(cache.get((0, (1, 0)))[0, 0])
    True
    (2, 2048)
    """

    def __init__(
        self,
        multiscale: Any,
        cache: TileCache,
        *,
        tile: int | tuple[int, ...] | None = None,
        executor: Executor | None = None,
        max_workers: int | None = None,
        nice: int | None = None,
        on_loaded: Callable[[TileKey], Any] | None = None,
    ) -> None:
        if isinstance(multiscale, TileGrid):
            if tile is not None:
                raise ValueError(
                    f"TileLoader({multiscale.multiscale.name}): tile is given by the TileGrid "
                    f"{multiscale.tile}, not also as tile={tile!r}"
                )
            grid = multiscale
        else:
            if tile is None:
                tile = DEFAULT_TILE[multiscale.spatial_ndim]
            grid = TileGrid(multiscale, tile)
        self.grid = grid
        self.multiscale = grid.multiscale
        self.name = self.multiscale.name
        self.cache = cache
        self.on_loaded = on_loaded
        if executor is None:
            workers = DEFAULT_MAX_WORKERS if max_workers is None else max_workers
            if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
                raise ValueError(
                    f"TileLoader({self.name}): max_workers must be an int >= 1, not {max_workers!r}"
                )
            nice = DEFAULT_NICE if nice is None else nice
            if not isinstance(nice, int) or isinstance(nice, bool) or not 0 <= nice <= 19:
                raise ValueError(
                    f"TileLoader({self.name}): nice must be an int from 0 to 19, not {nice!r}"
                )
            executor = ThreadPoolExecutor(
                workers,
                thread_name_prefix=THREAD_NAME_PREFIX,
                initializer=_init_worker,
                initargs=(nice,),
            )
            self._own_executor = True
        else:
            if max_workers is not None:
                raise ValueError(
                    f"TileLoader({self.name}): max_workers={max_workers!r} sizes the loader's "
                    f"own executor; the executor given is sized by its owner"
                )
            self._own_executor = False
        self.executor = executor
        # One lock for the bookkeeping below; workers take it only after their
        # read and cache put, so a slow read never blocks request() or the draw.
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._index: tuple[int, ...] = ()
        self._wanted: list[tuple[TileKey, tuple]] = []  # current request, in order
        self._outstanding: set[tuple[TileKey, tuple]] = set()  # wanted, not yet done
        self._futures: dict[tuple[TileKey, tuple], Future] = {}  # at most one live per key
        # the reads running now, each with the event that tells it it is no longer wanted
        self._running: dict[tuple[TileKey, tuple], threading.Event] = {}
        # not yet raised by wait(): (what failed, the exception)
        self._errors: dict[tuple[TileKey, tuple], tuple[str, BaseException]] = {}
        self._loaded = 0
        self._cancelled = 0
        self._nerrors = 0
        self._last_error: str | None = None
        self._closed = False

    # -- requests ----------------------------------------------------------------

    def request(self, keys: Iterable[TileKey], index: tuple[int, ...] = ()) -> None:
        """Make ``keys`` (most important first), at leading ``index``, the wanted set.

        Keys already in the cache are skipped; queued keys no longer wanted are
        cancelled; the rest are (re)submitted in the given order. Reads already
        running finish either way.
        """
        index = tuple(int(i) for i in index)
        if len(index) != len(self.multiscale.leading_shape):
            raise IndexError(
                f"TileLoader({self.name}): index {index} does not match the leading axes "
                f"{self.multiscale.leading_shape}"
            )
        # Validate (and normalize) every key before touching any state.
        wanted = list(dict.fromkeys((k, index) for k in self.grid.check_keys(keys)))
        with self._lock:
            if self._closed:
                raise RuntimeError(f"TileLoader({self.name}): closed; make a new one")
            if wanted == self._wanted:
                return  # the same view again: the queue is already right
            if index == self._index and [k for k in wanted if not self.cache.contains(*k)] == [
                k for k in self._wanted if k in self._outstanding
            ]:
                # what is left of the last request, in its order (a view held while its
                # tiles arrive): the queue is right; re-queuing thousands of reads took
                # ~20 ms of every such frame
                self._wanted = wanted
                return
            new = set(wanted)
            # Take every queued (not started) read off the executor's queue:
            # the unwanted ones for good, the wanted ones to requeue in the new
            # order (an executor's queue cannot be reordered in place).
            for k, f in list(self._futures.items()):
                if f.cancel():
                    del self._futures[k]
                    if k not in new:
                        self._cancelled += 1
                elif k in self._running:  # running: stop it at its next step, or go on
                    if k in new:
                        self._running[k].clear()
                    else:
                        self._running[k].set()
            self._index = index
            self._wanted = wanted
            self._outstanding = set()
            for k in wanted:
                if k in self._futures:  # running now
                    self._outstanding.add(k)
                elif not self.cache.contains(*k):
                    self._outstanding.add(k)
                    self._futures[k] = self.executor.submit(self._load, k)
            self._changed.notify_all()

    def _load(self, k: tuple[TileKey, tuple]) -> None:
        # Runs on a worker thread. Everything it raises is kept for wait().
        key, index = k
        what = "reading"
        try:
            if in_worker():  # the loader's own threads: a frame being drawn goes first
                yield_to_drawing()
            region = self.grid.region(key)
            cancelled = threading.Event()  # set by a request that no longer wants k
            with self._lock:
                self._running[k] = cancelled
                if k not in self._outstanding:  # a request since its start dropped it
                    cancelled.set()
            try:
                with reading(cancelled):
                    tile = np.ascontiguousarray(self.multiscale.read(key[0], region, index))
            finally:
                with self._lock:
                    del self._running[k]
            self.cache.put(key, tile, index)
            with self._lock:
                self._loaded += 1
            what = "on_loaded for"
            callback = self.on_loaded
            if callback is not None:
                callback(key)
        except ReadCancelled:  # no longer wanted (request), or the loader closed
            with self._lock:
                self._cancelled += 1
                if k in self._outstanding and not self._closed:  # wanted again meanwhile
                    self._futures[k] = self.executor.submit(self._load, k)
                else:
                    self._finish(k)
            return
        except Exception as exc:  # kept and re-raised by wait(), never swallowed
            with self._lock:
                self._errors[k] = (what, exc)
                self._nerrors += 1
                self._last_error = f"{what} tile {key} at index {index}: {exc!r}"
                self._finish(k)
            return
        with self._lock:
            self._finish(k)

    def _finish(self, k: tuple[TileKey, tuple]) -> None:
        # Called with the lock held.
        self._futures.pop(k, None)
        self._outstanding.discard(k)
        self._changed.notify_all()

    # -- state ---------------------------------------------------------------------

    def ready(self, key: TileKey, index: tuple[int, ...] | None = None) -> bool:
        """Whether ``key`` is in the cache (at ``index``; default: the last request's)."""
        return self.cache.contains(key, self._index if index is None else tuple(index))

    def pending(self) -> list[TileKey]:
        """The wanted keys not loaded yet (queued or being read), most important first."""
        with self._lock:
            return [k for k, i in self._wanted if (k, i) in self._outstanding]

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every wanted tile is loaded; True, or False when ``timeout`` passed.

        Raises
        ------
        TileLoadError
            For a read (or ``on_loaded`` call) that failed since the last
            ``wait``, with the original exception as its cause. Each error is
            raised once; the other tiles keep loading.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while True:
                if self._errors:
                    k = next(iter(self._errors))
                    what, exc = self._errors.pop(k)
                    raise TileLoadError(
                        f"TileLoader({self.name}): {what} tile {k[0]} at index {k[1]} "
                        f"failed: {exc!r}"
                    ) from exc
                if not self._outstanding:
                    return True
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._changed.wait(remaining)

    def stats(self) -> dict[str, Any]:
        """``tiles_loaded`` (reads done), ``tiles_pending``, ``reads_active`` (reads
        queued or running, with those a newer request no longer wants but that had
        started: a read in steps stops at its next one, others run to the end),
        ``cancelled`` (reads dropped from the queue or stopped), ``cpu_bytes`` (the cache's),
        ``errors`` (failures so far) and ``last_error`` (or None)."""
        with self._lock:
            return {
                "tiles_loaded": self._loaded,
                "tiles_pending": len(self._outstanding),
                "reads_active": len(self._futures),
                "cancelled": self._cancelled,
                "cpu_bytes": self.cache.bytes,
                "errors": self._nerrors,
                "last_error": self._last_error,
            }

    # -- shutdown ------------------------------------------------------------------

    def close(self) -> None:
        """Cancel queued reads, stop running ones at their next step (those without steps
        finish), and stop the loader's own threads.

        An executor that was given is left running (its owner shuts it down),
        but this loader's reads on it are finished or cancelled on return.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for k, f in list(self._futures.items()):
                if f.cancel():
                    del self._futures[k]
            for flag in self._running.values():
                flag.set()
            running = list(self._futures.values())
            self._outstanding.clear()
            self._wanted = []
            self._changed.notify_all()
        if self._own_executor:
            self.executor.shutdown(wait=True, cancel_futures=True)
        else:
            # _load keeps its own errors, so these futures only need to finish.
            futures_wait(running)

    def __enter__(self) -> TileLoader:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        s = self.stats()
        return (
            f"<TileLoader {self.name}: {s['tiles_loaded']} loaded, {s['tiles_pending']} pending, "
            f"{s['cancelled']} cancelled>"
        )
