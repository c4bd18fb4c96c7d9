"""Aggregate and AggregateLines: data too big to draw, aggregated per screen pixel.

The data stays in Python (memory, memory-maps, Parquet, zarr, Dask: whatever
:class:`glframe.data.Points` reads); the GL-free kernel of :mod:`glframe.data`
reduces it to a grid of one cell per framebuffer pixel of the view's visible part
of the data, and only that grid, shaded, reaches the GPU: a float texture on a quad
placed at the grid's data range, so other visuals draw under or over it with the
same camera and the previous grid stays on screen, moved and scaled by the camera,
until the next one is ready.

Each frame (``_prepare``):

1. The view's corners, mapped back through the camera and the node's transforms
   (``imap``), give the visible box in data coordinates and the data size of one
   framebuffer pixel (``pixel_scale`` and HiDPI included: the viewport is in
   framebuffer pixels). Its intersection with the data's bounds, widened to whole
   pixels of the view, is the **target**: ``(x_range, y_range, width, height)``.
2. A target different from the last one starts a **settle timer**
   (``settle`` seconds, a ``threading.Timer``); each newer change restarts it, so a
   drag or a wheel spin aggregates nothing until the camera rests. When it fires,
   the target goes to this visual's worker thread (a one-thread
   ``concurrent.futures`` executor): aggregation, then the CPU half of the shading
   (spread, eq_hist ranks, category colours; see ``_aggregate_shading.py``). A job
   of a target made stale by a newer change is cancelled if it has not started, and
   its result dropped if it has (``stats()``: ``cancelled``, ``dropped``); a
   running kernel call is not interrupted.
3. A finished job asks for a frame (``update()``, safe from any thread), whose
   ``_prepare`` uploads the textures (values R32F, category colours RGBA8) and moves
   the quad to the new ``grid_range``. The draw never waits for an aggregation.

In a notebook or ``glframe.serve`` in client mode the page's camera state comes
back to Python, which draws (recorded) and so meets step 1 with the page's view;
the finished grid leaves as texture DATA in the next frame's GLIR. An exported page
holds the image resident at export time, which its own camera zooms as an image.

Limits: pan-zoom style views (a rotated or 3D camera aggregates the bounding box
of the view's corners on the z = 0 plane); float32 quad corners (data coordinates
far from 0, such as epoch seconds, lose precision: offset them); a sum of exactly
0 shows as an empty cell.
"""

from __future__ import annotations

import concurrent.futures
import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from ... import gloo
from ...shaders import snippet
from .._reactive import Prop
from .._visual import DrawContext, Visual
from . import _data as checks
from ._aggregate_shading import AGGS, HOWS, Prepared, color_key_colors, prepare
from ._data import Colormapped

__all__ = ["Aggregate", "AggregateLines"]

_GLSL = __package__
log = logging.getLogger("glframe")

VERT = """
in vec2 a_position;      // the quad's corner in data coordinates
in vec2 a_cell;          // the same corner in cells: (0, 0) .. (width, height)
out vec2 v_cell;
void main() {
    v_cell = a_cell;
    gl_Position = $transform(vec4(a_position, 0.0, 1.0));
}
"""
FRAG_DECLARATIONS = """
uniform highp sampler2D u_values;
uniform sampler2D u_colors;
uniform sampler2D u_cmap;
uniform vec2 u_size;
uniform vec2 u_limits;
uniform float u_how;
uniform float u_categorical;
uniform float u_min_alpha;
in vec2 v_cell;
out vec4 f_color;
"""
FRAG_MAIN = """
void main() {
    vec4 color = aggregate_color(v_cell);
    if (color.a <= 0.0) discard;
    f_color = $post(color);
}
"""


@dataclass(frozen=True)
class _Target:
    """What to aggregate: data ranges and the grid's size in cells (framebuffer px)."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    width: int
    height: int


@dataclass(frozen=True)
class _Result:
    generation: int
    target: _Target
    grid: np.ndarray
    prepared: Prepared
    shading: tuple
    aggregate_ms: float
    shade_ms: float


def _color_key(value: Any, what: str) -> Any:
    if value is None or isinstance(value, dict):
        return value
    if isinstance(value, str) or not hasattr(value, "__len__"):
        raise TypeError(
            f"{what} must be None, a list of colours (one per category) or a dict from "
            f"category to colour, not {value!r}"
        )
    return list(value)


class _AggregateVisual(Colormapped, Visual):
    """What Aggregate and AggregateLines share: view targets, the settle timer, the
    worker, shading and the GL side. Subclasses provide ``_bounds()`` (data bounds,
    ``((x0, x1), (y0, y1))``), ``_compute(target)`` (the grid) and ``_agg``."""

    _agg = "count"
    _labels: list | None = None

    how = Prop(
        checks.choice(*HOWS),
        'Transfer from values to colours: "eq_hist" (histogram equalization over the '
        'non-empty cells, ranked on the CPU), "log", "cbrt" or "linear" (in the shader).',
    )
    spread = Prop(
        checks.integer(minimum=0),
        "Each cell takes the largest value within n + 0.5 cells (the smallest for "
        "agg='min'): isolated points become visible discs. 0: off.",
    )
    min_alpha = Prop(
        checks.number(minimum=0, maximum=1),
        "Categories: the alpha of the sparsest cells (the densest get 1, through how).",
    )
    color_key = Prop(
        _color_key,
        "Categories: None (a default palette), a list of colours (one per category) or a "
        "dict from category name to colour; counts blend them per cell.",
    )
    settle = Prop(
        checks.number(minimum=0),
        "Seconds the view must rest before re-aggregating (0: at once).",
    )

    def __init__(
        self,
        *,
        cmap: str,
        how: str,
        clim: Any,
        spread: int,
        color_key: Any,
        min_alpha: float,
        settle: float,
        parent: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            VERT,
            FRAG_DECLARATIONS + snippet("aggregate/shade", _GLSL) + FRAG_MAIN,
            parent,
            **kwargs,
        )
        self._lock = threading.Lock()
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="glframe-aggregate"
        )
        self._generation = 0
        self._wanted: _Target | None = None  # the current view's target
        self._shown: _Target | None = None  # the target of the grid on screen
        self._timer: threading.Timer | None = None
        self._future: concurrent.futures.Future | None = None
        self._future_generation = -1
        self._result: _Result | None = None  # finished, not yet adopted by a frame
        self._error: BaseException | None = None
        self._grid: np.ndarray | None = None
        self._prepared: Prepared | None = None
        self._shading: tuple | None = None
        self._values_texture: gloo.Texture2D | None = None
        self._colors_texture: gloo.Texture2D | None = None
        self._position: gloo.VertexBuffer | None = None
        self._cells: gloo.VertexBuffer | None = None
        self._closed = False
        self._counts = dict(aggregations=0, cancelled=0, dropped=0, uploads=0)
        self._times = dict(aggregate_ms=0.0, shade_ms=0.0)
        self._assign(
            dict(
                cmap=cmap,
                clim=clim,
                how=how,
                spread=spread,
                color_key=color_key,
                min_alpha=min_alpha,
                settle=settle,
            ),
            caller="__init__",
        )
        self._check_color_key()

    # ---- public ----------------------------------------------------------------------
    @property
    def grid(self) -> np.ndarray | None:
        """The aggregate on screen (numpy, row 0 at ``grid_range``'s lower y; before
        spread and shading), or None before the first one."""
        return self._grid

    @property
    def grid_range(self) -> tuple[tuple[float, float], tuple[float, float]] | None:
        """``(x_range, y_range)``: the data ranges ``grid`` covers (None before it)."""
        if self._shown is None:
            return None
        return (self._shown.x_range, self._shown.y_range)

    def stats(self) -> dict[str, Any]:
        """``aggregations`` (kernel calls finished, stale ones included), ``cancelled``
        (targets made stale before their job started: settle timers cut short and queued
        jobs cancelled),
        ``dropped`` (finished jobs whose target was stale by then), ``uploads`` (grids
        uploaded), ``pending`` (the grid on screen is not the current view's),
        ``grid_shape``, ``aggregate_ms`` and ``shade_ms`` (the last job's kernel and
        CPU shading times)."""
        return {
            **self._counts,
            "pending": self._wanted is not None and self._wanted != self._shown,
            "grid_shape": None if self._grid is None else tuple(self._grid.shape),
            **self._times,
        }

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the aggregate of the current view (the camera now, the view's size
        as last drawn) is ready; the next frame shows it. Starts it at once (no settle)
        if needed. True, or False when ``timeout`` (seconds) passed first. Raises the
        aggregation's error, if it failed. For scripts and tests: ``render()`` never
        waits."""
        view = self.view
        size = None if view is None else self._viewport_size(view)
        target = None if size is None else self._target(view, size)
        if target is None:
            return True
        with self._lock:
            ready = (self._result is not None and self._result.target == target) or (
                self._result is None and self._shown == target
            )
            if not ready:
                if self._wanted != target or self._future_generation != self._generation:
                    self._new_target(target)
                    self._submit(self._generation, target)
            future = self._future
        if not ready and future is not None:
            try:
                future.result(timeout)
            except concurrent.futures.TimeoutError:
                return False
            except concurrent.futures.CancelledError:
                return False
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        self.update()
        return True

    def close(self) -> None:
        """Stop: cancel the settle timer and queued work, join the worker. A closed
        visual draws nothing."""
        self._closed = True
        with self._lock:
            self._generation += 1
            if self._timer is not None:
                self._timer.cancel()
        self._executor.shutdown(wait=True, cancel_futures=True)

    def draw(self, ctx: Any) -> None:
        """Draw as ``ctx`` says (nothing once closed)."""
        if not self._closed:
            super().draw(ctx)

    # ---- targets and jobs --------------------------------------------------------------
    def _viewport_size(self, view: Any) -> tuple[float, float] | None:
        size = tuple(view.variables["viewport"].value)
        if size == (1.0, 1.0):  # never drawn: the view's rect in framebuffer pixels
            ratio = float(getattr(view.canvas, "pixel_ratio", 1.0) or 1.0)
            size = (view.size[0] * ratio, view.size[1] * ratio)
        return size if size[0] >= 1 and size[1] >= 1 else None

    def _target(self, view: Any, size: tuple[float, float]) -> _Target | None:
        """The visible part of the data, widened to whole framebuffer pixels of the
        view; None when nothing of the data is visible."""
        clip = np.array([[-1, -1, 0], [1, -1, 0], [1, 1, 0], [-1, 1, 0]], float)
        local = self.transform_to(view.scene).imap(view.camera.transform.imap(clip))[:, :2]
        (bx0, bx1), (by0, by1) = self._bounds()
        ranges, cells = [], []
        for axis, n, (b0, b1) in ((0, size[0], (bx0, bx1)), (1, size[1], (by0, by1))):
            v0, v1 = float(local[:, axis].min()), float(local[:, axis].max())
            step = (v1 - v0) / n
            if not (math.isfinite(step) and step > 0):
                return None
            lo, hi = max(v0, b0), min(v1, b1)
            if hi < lo:
                return None
            # whole pixels of the view: cells land on screen pixels
            c0 = math.floor((lo - v0) / step + 1e-9)
            c1 = max(math.ceil((hi - v0) / step - 1e-9), c0 + 1)
            ranges.append((v0 + c0 * step, v0 + c1 * step))
            cells.append(c1 - c0)
        return _Target(ranges[0], ranges[1], cells[0], cells[1])

    def _new_target(self, target: _Target | None) -> None:
        """Make ``target`` the wanted one (lock held): earlier work becomes stale."""
        self._generation += 1
        self._wanted = target
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
            if self._future_generation != self._generation - 1:
                self._counts["cancelled"] += 1  # its job was never submitted
        if self._future is not None and self._future.cancel():
            self._counts["cancelled"] += 1

    def _submit(self, generation: int, target: _Target) -> None:
        """Queue the job of ``target`` (lock held), unless it is stale already."""
        if generation != self._generation or self._closed:
            return
        self._future_generation = generation
        self._future = self._executor.submit(self._job, generation, target, self._shading_key())

    def _on_settled(self, generation: int, target: _Target) -> None:
        with self._lock:
            self._timer = None
            self._submit(generation, target)

    def _shading_key(self) -> tuple:
        """What the CPU half of the shading depends on (the rest is uniforms)."""
        eq = self.how == "eq_hist"
        clim = self._given.get("clim", "auto")
        return (
            self._agg,
            eq,
            (clim if isinstance(clim, str) else tuple(self.clim)) if eq else None,
            int(self.spread),
            None if self._agg != "count_cat" else self._colors().tobytes(),
        )

    def _prepare_grid(self, grid: np.ndarray, key: tuple) -> Prepared:
        agg, eq, clim, spread, _ = key
        colors = self._colors() if agg == "count_cat" else None
        return prepare(
            grid,
            agg=agg,
            how="eq_hist" if eq else "linear",
            clim="auto" if clim is None else clim,
            spread=spread,
            colors=colors,
        )

    def _job(self, generation: int, target: _Target, key: tuple) -> None:
        """On the worker thread: aggregate, shade (CPU half), hand over, ask a frame."""
        if generation != self._generation:
            return
        try:
            t0 = time.perf_counter()
            grid = self._compute(target)
            t1 = time.perf_counter()
            with self._lock:
                self._counts["aggregations"] += 1
                if generation != self._generation:
                    self._counts["dropped"] += 1
                    return
            prepared = self._prepare_grid(grid, key)
            t2 = time.perf_counter()
        except Exception as exc:  # handed to wait() and logged: a draw never raises it
            log.error("%s: aggregation failed: %s", type(self).__name__, exc)
            self._error = exc
            return
        with self._lock:
            if generation != self._generation:
                self._counts["dropped"] += 1
                return
            self._result = _Result(
                generation, target, grid, prepared, key, (t1 - t0) * 1e3, (t2 - t1) * 1e3
            )
        self.update()

    # ---- frame work --------------------------------------------------------------------
    def _prepare(self, ctx: DrawContext) -> None:
        size = tuple(ctx.view.variables["viewport"].value)
        target = self._target(ctx.view, size)
        with self._lock:
            if target != self._wanted:
                self._new_target(target)
                if target is not None:
                    if self.settle <= 0 or self._shown is None:
                        self._submit(self._generation, target)
                    else:
                        self._timer = threading.Timer(
                            self.settle, self._on_settled, (self._generation, target)
                        )
                        self._timer.daemon = True
                        self._timer.start()
            result, self._result = self._result, None
        dirty, self._dirty = self._dirty, set()
        program = self.program
        if "cmap" in dirty:
            self._upload_colormap()
        if result is not None:
            self._grid, self._shown = result.grid, result.target
            self._prepared, self._shading = result.prepared, result.shading
            self._times = dict(aggregate_ms=result.aggregate_ms, shade_ms=result.shade_ms)
            dirty.add("upload")
        if self._grid is None:
            return
        if dirty & {"how", "clim", "spread", "color_key"}:
            key = self._shading_key()
            if key != self._shading:  # the CPU half changed (eq_hist, spread, colours)
                self._prepared, self._shading = self._prepare_grid(self._grid, key), key
                dirty.add("upload")
        if "upload" in dirty:
            self._upload()
        self._auto_clim = self._prepared.auto
        program["u_how"] = float(HOWS[self.how])
        program["u_limits"] = (0.0, 1.0) if self.how == "eq_hist" else tuple(self.clim)
        program["u_min_alpha"] = float(self.min_alpha)

    def _upload(self) -> None:
        p, t = self._prepared, self._shown
        if self._values_texture is None:
            self._values_texture = gloo.Texture2D(p.values)
            self._colors_texture = gloo.Texture2D(np.zeros((1, 1, 4), np.uint8))
            self._position = gloo.VertexBuffer(np.zeros((6, 2), np.float32))
            self._cells = gloo.VertexBuffer(np.zeros((6, 2), np.float32))
            program = self.program
            program["u_values"] = self._values_texture
            program["u_colors"] = self._colors_texture
            program["a_position"] = self._position
            program["a_cell"] = self._cells
        else:
            self._values_texture.set_data(p.values)
        if p.colors is not None:
            self._colors_texture.set_data(p.colors)
        (x0, x1), (y0, y1), w, h = t.x_range, t.y_range, t.width, t.height
        corners = [(0, 0), (1, 0), (1, 1), (0, 0), (1, 1), (0, 1)]
        self._position.set_data(
            np.array([(x1 if i else x0, y1 if j else y0) for i, j in corners], np.float32)
        )
        self._cells.set_data(np.array([(i * w, j * h) for i, j in corners], np.float32))
        program = self.program
        program["u_size"] = (float(w), float(h))
        program["u_categorical"] = 1.0 if p.colors is not None else 0.0
        self._counts["uploads"] += 1

    def _draw(self, ctx: DrawContext) -> None:
        if self._grid is not None and self._values_texture is not None:
            self.program.draw("triangles")

    def _assign(self, values: dict[str, Any], n: int | None = None, *, caller: str = "") -> None:
        # a colour key must fit the categories: checked here, where they are known
        before = (self._given.get("color_key"), self._values.get("color_key"))
        super()._assign(values, n, caller=caller)
        if "color_key" in values and caller != "__init__":
            try:
                self._check_color_key()
            except ValueError:
                self._given["color_key"], self._values["color_key"] = before
                raise

    # ---- for subclasses ----------------------------------------------------------------
    def _colors(self) -> np.ndarray:
        n = len(self._labels or [])
        return color_key_colors(self.color_key, n, self._labels, f"{type(self).__name__}.color_key")

    def _check_color_key(self) -> None:
        if self._agg == "count_cat":
            self._colors()

    def _bounds(self) -> tuple[tuple[float, float], tuple[float, float]]:
        raise NotImplementedError

    def _compute(self, target: _Target) -> np.ndarray:
        raise NotImplementedError

    def bounds(self, axis: int) -> tuple[float, float] | None:
        if axis > 1:
            return (0.0, 0.0)
        return self._bounds()[axis]


def _check_agg(agg: Any, value: Any, category: Any) -> str:
    if agg not in AGGS:
        raise ValueError(f"Aggregate.agg must be one of {', '.join(AGGS)}, not {agg!r}")
    if category is not None and agg == "count":
        agg = "count_cat"
    if agg in ("sum", "mean", "min", "max", "std") and value is None:
        raise ValueError(f"Aggregate.agg {agg!r} reduces a value column: give value=<column name>")
    if agg == "count_cat" and category is None:
        raise ValueError("Aggregate.agg 'count_cat' counts by category: give category=<column>")
    if category is not None and agg != "count_cat":
        raise ValueError(
            f"Aggregate.agg {agg!r} with category={category!r}: categories are counted "
            "(agg='count'); leave category out for other reductions"
        )
    return agg


class Aggregate(_AggregateVisual):
    """Points aggregated per screen pixel for the view's current range, shaded, drawn as
    an image in data coordinates; re-aggregated in the background after a pan or zoom.

    Parameters
    ----------
    data
        What :class:`glframe.data.Points` reads (a dict of columns, a pandas or polars
        DataFrame, a Parquet path, zarr, a Dask DataFrame or array, ...), or a Points.
    x, y, value, category
        Column names (``value`` for sum/mean/min/max/std, ``category`` to count by
        category).
    agg
        "count" (by category when ``category`` is given), "sum", "mean", "min",
        "max", "std" or "any".
    cmap, clim, how, spread
        Shading: colormap name, limits ("auto": the non-empty values' range), the
        transfer ("eq_hist", "log", "cbrt", "linear"), spread in pixels.
    color_key, min_alpha
        Categories: colours (None: a default palette) and the sparsest cells' alpha.
    settle
        Seconds the view must rest before a re-aggregation (0: at once).
    client
        A ``dask.distributed`` client for Dask sources (and Parquet/zarr pieces).
    parent, **kwargs
        As for :class:`~glframe.scene.Node`.

    Examples
    --------
    >>> import numpy as np
    >>> from glframe import scene
    >>> canvas = scene.SceneCanvas(size=(300, 200))
    >>> view = canvas.add_view(camera=scene.PanZoomCamera(aspect=1))
    >>> xy = np.random.default_rng(0).normal(size=(2, 1_000_000)).astype(np.float32)
    >>> points = scene.visuals.Aggregate({"x": xy[0], "y": xy[1]}, parent=view.scene)
    >>> view.camera.set_range()
    >>> canvas.render().shape            # the first frame starts the aggregation
    (200, 300, 4)
    >>> points.wait()                    # a script waits for it; a window does not
    True
    >>> points.grid.sum() <= 1_000_000   # counts of the visible part of the data
    True
    """

    _items = "points"

    def __init__(
        self,
        data: Any,
        x: str = "x",
        y: str = "y",
        agg: str = "count",
        value: str | None = None,
        category: str | None = None,
        *,
        cmap: str = "fire",
        how: str = "eq_hist",
        clim: Any = "auto",
        spread: int = 0,
        color_key: Any = None,
        min_alpha: float = 0.2,
        settle: float = 0.15,
        client: Any = None,
        parent: Any = None,
        **kwargs: Any,
    ) -> None:
        from ...data import Points

        self._agg = _check_agg(agg, value, category)
        if isinstance(data, Points):
            self._points = data
        else:
            try:
                self._points = Points(data, x=x, y=y, value=value, category=category)
            except (TypeError, ValueError, KeyError) as exc:
                # a missing column is a bad value of x, y, value or category
                kind = ValueError if isinstance(exc, KeyError) else type(exc)
                raise kind(f"Aggregate.data: {exc.args[0] if exc.args else exc}") from None
        self._client = client
        self._labels = list(self._points.categories) if self._agg == "count_cat" else None
        self._data_bounds = self._points.bounds()
        super().__init__(
            cmap=cmap,
            how=how,
            clim=clim,
            spread=spread,
            color_key=color_key,
            min_alpha=min_alpha,
            settle=settle,
            parent=parent,
            **kwargs,
        )

    @property
    def points(self) -> Any:
        """The :class:`glframe.data.Points` aggregated."""
        return self._points

    @property
    def agg(self) -> str:
        """The reduction ("count_cat" when counting by category)."""
        return self._agg

    @property
    def categories(self) -> list:
        """The category names (``[]`` without categories)."""
        return list(self._labels or [])

    def _bounds(self) -> tuple[tuple[float, float], tuple[float, float]]:
        return self._data_bounds

    def _compute(self, target: _Target) -> np.ndarray:
        return self._points.aggregate(
            target.width,
            target.height,
            target.x_range,
            target.y_range,
            agg=self._agg,
            client=self._client,
        )


class AggregateLines(_AggregateVisual):
    """Many series (an (N, M) array: N series of M points) rasterized per screen pixel,
    each series counted at most once per pixel: how many series pass there.

    A visual of its own rather than an option of :class:`Aggregate`: its data is one
    array of series (not a table of points), its bounds come from that array, it has
    no value or category columns, and it adds ``antialias``.

    Parameters
    ----------
    y
        (N, M) values: N series of M points (NaN breaks a series).
    x
        (M,) shared x values, (N, M), or None (0 .. M-1).
    antialias
        Each series adds its coverage (0 to 1) to a pixel instead of 1.
    cmap, clim, how, spread, settle, parent, **kwargs
        As for :class:`Aggregate`.

    Examples
    --------
    >>> import numpy as np
    >>> from glframe import scene
    >>> canvas = scene.SceneCanvas(size=(300, 200))
    >>> view = canvas.add_view(camera=scene.PanZoomCamera())
    >>> walks = np.random.default_rng(0).normal(size=(10_000, 100)).cumsum(axis=1)
    >>> lines = scene.visuals.AggregateLines(walks, parent=view.scene)
    >>> view.camera.set_range(margin=0)
    >>> canvas.render().shape
    (200, 300, 4)
    >>> lines.wait()
    True
    """

    _items = "series"

    def __init__(
        self,
        y: Any,
        x: Any = None,
        *,
        antialias: bool = False,
        cmap: str = "fire",
        how: str = "eq_hist",
        clim: Any = "auto",
        spread: int = 0,
        settle: float = 0.15,
        parent: Any = None,
        **kwargs: Any,
    ) -> None:
        y_arr = np.asarray(y)
        if y_arr.ndim != 2 or y_arr.shape[1] < 2 or y_arr.dtype.kind not in "iuf":
            raise ValueError(
                f"AggregateLines.y must be an (N, M) array of numbers, N series of M >= 2 "
                f"points, not shape {y_arr.shape} of {y_arr.dtype}"
            )
        m = y_arr.shape[1]
        if x is None:
            x_arr = None
            xb = (0.0, float(m - 1))
        else:
            x_arr = np.asarray(x)
            if x_arr.shape not in ((m,), y_arr.shape) or x_arr.dtype.kind not in "iuf":
                raise ValueError(
                    f"AggregateLines.x must be None, ({m},) or {y_arr.shape} numbers, "
                    f"not shape {x_arr.shape} of {x_arr.dtype}"
                )
            xb = _finite_bounds(x_arr, "AggregateLines.x")
        self._y, self._x = y_arr, x_arr
        self._antialias = checks.flag()(antialias, "AggregateLines.antialias")
        self._data_bounds = (xb, _finite_bounds(y_arr, "AggregateLines.y"))
        super().__init__(
            cmap=cmap,
            how=how,
            clim=clim,
            spread=spread,
            color_key=None,
            min_alpha=0.2,
            settle=settle,
            parent=parent,
            **kwargs,
        )

    @property
    def antialias(self) -> bool:
        """Whether series add their coverage (float) rather than 1 per pixel."""
        return self._antialias

    def _bounds(self) -> tuple[tuple[float, float], tuple[float, float]]:
        return self._data_bounds

    def _compute(self, target: _Target) -> np.ndarray:
        from ...data import aggregate_lines

        return aggregate_lines(
            self._y,
            self._x,
            width=target.width,
            height=target.height,
            x_range=target.x_range,
            y_range=target.y_range,
            antialias=self._antialias,
        )


def _finite_bounds(values: np.ndarray, what: str) -> tuple[float, float]:
    lo, hi = np.nanmin(values), np.nanmax(values)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"{what} has no finite values: nothing to aggregate")
    return (float(lo), float(hi))
