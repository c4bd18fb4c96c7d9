"""Tiled: what MultiscaleImage and MultiscaleVolume share.

A tiled visual draws a :class:`glframe.data.Multiscale` from tiles: a
:class:`~glframe.data.TileGrid` picks the level and the tiles, a
:class:`~glframe.data.TileCache` holds them in RAM, a
:class:`~glframe.data.TileLoader` reads them on worker threads. This base owns
the source and its checks, the budgets (shared fairly between visuals through
:class:`~glframe.data.Budget`), the leading ``index`` (time, channel), the
coarsest level (read synchronously at the first draw and at each index change,
so no frame shows a pixel without data), ``wait()`` and ``close()``. The
subclass chooses the tiles for a view (``_update_wanted``), makes them
resident on the GPU and draws them.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np

from ...data import Budget, Multiscale, TileCache, TileGrid, TileLoader, default_cpu_budget
from .._visual import Visual
from ._data import Colormapped, finite_range

__all__ = ["Tiled", "default_budgets"]

#: GPU bytes of all multiscale visuals together when none is given (GLIR has no query
#: for the GPU's memory)
DEFAULT_GPU_BUDGET = 512 * 2**20

_defaults: dict[str, Budget] = {}


def default_budgets() -> tuple[Budget, Budget]:
    """The (cpu, gpu) budgets shared by every multiscale visual made without its own:
    1/8 of physical RAM and 512 MiB."""
    if not _defaults:
        _defaults["cpu"] = Budget(default_cpu_budget(), name="cpu_budget (default, shared)")
        _defaults["gpu"] = Budget(DEFAULT_GPU_BUDGET, name="gpu_budget (default, shared)")
    return _defaults["cpu"], _defaults["gpu"]


def _as_budget(value: Any, what: str, default: Budget) -> Budget:
    if value is None:
        return default
    if isinstance(value, Budget):
        return value
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
        raise ValueError(
            f"{what} must be an int > 0 (bytes), a glframe.data.Budget (shared) or None, "
            f"not {value!r}"
        )
    return Budget(int(value), name=what)


def as_multiscale(source: Any, ndim: int, what: str) -> Multiscale:
    """``source`` as a checked :class:`Multiscale` of ``ndim`` spatial axes."""
    if isinstance(source, Multiscale):
        ms = source
    elif (
        isinstance(source, (list, tuple))
        and source
        and all(hasattr(a, "shape") and hasattr(a, "dtype") for a in source)
    ):
        ms = Multiscale(list(source), spatial_ndim=ndim, name=f"{what}.source")
    elif hasattr(source, "shape") and hasattr(source, "dtype"):
        ms = Multiscale([source], spatial_ndim=ndim, name=f"{what}.source")
    else:
        raise TypeError(
            f"{what}.source must be a glframe.data.Multiscale, a list of arrays "
            f"(finest first) or one array, not {type(source).__name__}"
        )
    if ms.spatial_ndim != ndim:
        raise ValueError(
            f"{what}.source must be {ndim}D (spatial_ndim {ndim}), not {ms.spatial_ndim}D "
            f"({ms.name})"
        )
    if ms.dtype.kind not in "biuf":
        raise TypeError(
            f"{what}.source must hold real numbers (grayscale), not {ms.dtype} ({ms.name})"
        )
    return ms


class Tiled(Colormapped, Visual):
    """Base of the multiscale visuals (not made directly).

    Subclasses set ``_ndim`` and implement ``_gpu_minimum`` (the coarsest level's GPU
    bytes), ``_update_wanted(view, size)`` (choose the level and the wanted tiles for a
    view, request them from ``self._loader`` with ``index=self._index``), the GPU side
    and the draw.
    """

    _ndim = 2

    def __init__(
        self,
        source: Any,
        vert: str,
        frag: str,
        *,
        tile: int,
        cpu_budget: Any,
        gpu_budget: Any,
        index: Any,
        parent: Any,
        **kwargs: Any,
    ) -> None:
        what = type(self).__name__
        ms = as_multiscale(source, self._ndim, what)
        if not isinstance(tile, (int, np.integer)) or isinstance(tile, bool) or tile < 1:
            raise ValueError(f"{what}.tile must be an int >= 1 or None, not {tile!r}")
        cpu_default, gpu_default = default_budgets()
        cpu = _as_budget(cpu_budget, f"{what}.cpu_budget", cpu_default)
        gpu = _as_budget(gpu_budget, f"{what}.gpu_budget", gpu_default)
        coarsest = max(range(ms.nlevels), key=lambda k: (max(ms.scale[k]), k))
        grid = TileGrid(ms, int(tile))
        cpu_itemsize = np.dtype(np.uint8 if ms.dtype == np.bool_ else ms.dtype).itemsize
        npx = int(np.prod(ms.shape(coarsest)))
        # the coarsest level is always resident: each budget must hold it (checked by join)
        for name, budget, size in (
            ("cpu", cpu, npx * cpu_itemsize),
            ("gpu", gpu, self._gpu_minimum(ms, grid, coarsest)),
        ):
            try:
                budget.join(self, minimum=size)
            except ValueError as exc:
                cpu.leave(self)
                raise ValueError(
                    f"{what}.{name}_budget must hold the coarsest level (level {coarsest}, "
                    f"{size} bytes, always resident): {exc}"
                ) from None
        super().__init__(vert, frag, parent, **kwargs)
        self._ms = ms
        self._grid = grid
        self._coarsest = coarsest
        self._cpu = cpu
        self._gpu_share = gpu
        self._cache = TileCache(cpu.share(self), pinned_levels={coarsest})
        self._loader = TileLoader(self._grid, self._cache, on_loaded=self._on_loaded)
        self._lock = threading.Lock()
        self._index: tuple[int, ...] = self._check_index(
            (0,) * len(ms.leading_shape) if index is None else index
        )
        self._cache.pinned_index = self._index
        self._coarse_index: tuple | None = None  # the index whose coarsest level is loaded
        self._auto_clim = (0.0, 255.0) if ms.dtype == np.uint8 else (0.0, 1.0)
        self._clim_known = False
        self._upload_all = False
        self._closed = False

    # ---- public ----------------------------------------------------------------------
    @property
    def source(self) -> Multiscale:
        """The multiscale source drawn."""
        return self._ms

    @property
    def grid(self) -> TileGrid:
        """The tile grid (levels, tiles, level choice)."""
        return self._grid

    @property
    def index(self) -> tuple[int, ...]:
        """The position on the source's leading axes (time, channel), one int per axis
        (``()`` without leading axes). Setting it loads that slice progressively, like a
        pan: its coarsest level is read at the next frame (a short synchronous read),
        its finer tiles in the background."""
        return self._index

    @index.setter
    def index(self, value: Any) -> None:
        index = self._check_index(value)
        if index != self._index:
            self._index = index
            self._cache.pinned_index = index
            self._dirty.add("index")
            self.update()

    def _check_index(self, value: Any) -> tuple[int, ...]:
        what = f"{type(self).__name__}.index"
        shape = self._ms.leading_shape
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            value = (value,)
        try:
            index = tuple(value)
        except TypeError:
            raise TypeError(
                f"{what} must be a tuple of {len(shape)} ints (leading axes {shape}), not {value!r}"
            ) from None
        ok = len(index) == len(shape) and all(
            isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in index
        )
        if not ok:
            raise ValueError(
                f"{what} must be a tuple of {len(shape)} ints (leading axes {shape}), not {value!r}"
            )
        for i, n in zip(index, shape):
            if not 0 <= i < n:
                raise IndexError(f"{what} {index} is out of range for leading axes {shape}")
        return tuple(int(i) for i in index)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every tile the current view wants is loaded; the next frame then
        uploads all of them (past ``uploads_per_frame``), so it is complete.

        The wanted tiles are computed from the camera now (the view's size as last
        drawn, or its rect times the canvas's pixel ratio before any draw); the
        coarsest level is read here too if no frame was drawn yet. Returns True, or
        False when ``timeout`` (seconds) passed first. For scripts and tests:
        ``render()`` itself never waits. Raises a read error of the source as
        :class:`glframe.data.TileLoadError`.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        self._load_coarsest()
        view = self.view
        if view is not None:
            size = self._viewport_size(view)
            if size is not None:
                self._update_wanted(view, size)
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        done = self._loader.wait(remaining)
        self._upload_all = True
        self.update()
        return done

    def close(self) -> None:
        """Stop loading (cancel queued reads, join the loader's threads) and give the
        budgets' shares back to the other visuals. A closed visual draws nothing."""
        self._closed = True
        self._loader.close()
        self._cpu.leave(self)
        self._gpu_share.leave(self)

    def draw(self, ctx: Any) -> None:
        """Draw as ``ctx`` says (nothing once closed)."""
        if not self._closed:
            super().draw(ctx)

    # ---- for subclasses ------------------------------------------------------------------
    def _on_loaded(self, key: Any) -> None:
        # on a loader thread: canvas.update() only sets a flag and wakes the loop
        self.update()

    def _budgets(self) -> int:
        """Follow the budgets' fair shares (they change as visuals join and leave): the
        CPU cache is resized now; returns the GPU bytes this visual may hold."""
        share = self._cpu.share(self)
        if share != self._cache.budget_bytes:
            self._cache.resize(share)
        return self._gpu_share.share(self)

    def _load_coarsest(self) -> list[np.ndarray]:
        """Read the coarsest level at the current index (once per index), synchronously;
        returns its tiles in ``grid.keys`` order."""
        with self._lock:
            index = self._index
            tiles = []
            for key in self._grid.keys(self._coarsest):
                tile = self._cache.get(key, index)
                if tile is None:
                    region = self._grid.region(key)
                    tile = np.ascontiguousarray(self._ms.read(self._coarsest, region, index))
                    if tile.dtype == np.bool_:
                        tile = tile.astype(np.uint8)
                    self._cache.put(key, tile, index)
                tiles.append(tile)
            if self._coarse_index != index:
                self._coarse_index = index
                if not self._clim_known:  # "auto" limits from the first slice shown
                    self._auto_clim = finite_range(tiles) or self._auto_clim
                    self._clim_known = True
                    self._dirty.add("clim")
            return tiles

    def _viewport_size(self, view: Any) -> tuple[float, float] | None:
        size = tuple(view.variables["viewport"].value)
        if size == (1.0, 1.0):  # never drawn: the view's rect in framebuffer pixels
            ratio = float(getattr(view.canvas, "pixel_ratio", 1.0) or 1.0)
            size = (view.size[0] * ratio, view.size[1] * ratio)
        return size if size[0] >= 1 and size[1] >= 1 else None

    def _update_wanted(self, view: Any, size: Any) -> Any:
        raise NotImplementedError

    def _gpu_minimum(self, ms: Multiscale, grid: TileGrid, coarsest: int) -> int:
        """GPU bytes the coarsest level takes once resident (called before ``__init__``
        of Visual: it may use only what the subclass set before calling the base)."""
        raise NotImplementedError
