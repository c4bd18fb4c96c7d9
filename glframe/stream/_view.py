"""stream.view: a live plot Figure of a stream store's series, following it as it grows.

Each ``(scope, name)`` the layout selects becomes a line (or scatter) of an Axes,
ring-buffered (``capacity`` points; the oldest roll off). ``poll()`` reads only
the rows committed since the last poll (``fetch_columns`` with each series'
cursor), appends them, adds series that appeared since, and in follow mode moves
each following axes to the newest data. A :class:`~glframe.app.Timer` calls it
every ``poll`` seconds while the figure is shown. GL (through ``glframe.plot``)
is imported only when a view is made, so ``import glframe.stream`` stays GL-free.

:func:`build_figure` makes the figure of a :class:`~._layout.Layout` (which plot
shows which names, where, how): :func:`view` builds its layout from its
arguments, the browser viewer (``_serve.py``) from a page's URL, so both draw
the same figure.
"""

from __future__ import annotations

import os
import re
import warnings
from typing import Any

import numpy as np

from ..data import StreamStore
from ._layout import AXES_SCALES, KINDS, Layout, Plot
from ._read import fetch_columns, names, scopes

__all__ = ["view", "build_figure", "AXES_SCALES"]
_X_COLUMNS = ("x", "step")
_Y_COLUMNS = ("y", "value")


def _regex(pattern: Any, what: str) -> re.Pattern:
    if not isinstance(pattern, str):
        raise TypeError(f"stream.view: {what} must be a regex string, not {pattern!r}")
    try:
        return re.compile(pattern)
    except re.error as err:
        raise ValueError(
            f"stream.view: {what} {pattern!r} is not a valid regex ({err}); "
            "escape special characters, e.g. 'loss\\.train'"
        ) from None


def _regexes(value: Any, what: str) -> list[re.Pattern]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not items:
        raise TypeError(
            f"stream.view: {what} must be a regex or a non-empty list of regexes, not {value!r}"
        )
    return [_regex(p, what) for p in items]


def _columns(cols: dict, series: str) -> tuple[str | None, str]:
    """The (x, y) column names of a series by the documented rule."""
    have = list(cols)
    x = next((c for c in _X_COLUMNS if c in cols), None)
    y = next((c for c in _Y_COLUMNS if c in cols), None)
    if y is None:
        others = [c for c in have if c != x]
        if len(others) == 1:
            y = others[0]
    if y is None:
        raise ValueError(
            f"stream.view: series {series!r} has columns {have}, none usable as y: a "
            "series is plotted from its column 'y' (or 'value', or its only column besides "
            "x), against 'x' (or 'step', or the point number); log one of those, or leave "
            "this series out with names= or rows="
        )
    return x, y


class _Series:
    """One (scope, name): its cursor, its visual, its points counted so far."""

    def __init__(self, scope: str, name: str) -> None:
        self.scope, self.name = scope, name
        self.cursor: int | None = None
        self.points = 0  # points appended so far (x when the series has no x column)
        self.visuals: list[Any] = []  # one per axes showing it
        self.bad: str | None = None

    @property
    def label(self) -> str:
        return f"{self.scope}/{self.name}"


def _figure_class():
    from ..plot import Figure

    class StreamFigure(Figure):
        """A :class:`glframe.plot.Figure` that follows a stream store (made by
        :func:`glframe.stream.view`).

        Attributes
        ----------
        series
            ``{(scope, name): [visual per axes showing it]}``: the lines or markers.
        rows_read
            Rows read by the last :meth:`poll` (only those new since the one before).
        timer
            The :class:`~glframe.app.Timer` that polls while the figure is shown.
        """

        def _setup(self, store, layout: Layout, poll: float) -> None:
            import glframe

            self._store = store
            self._groups = [[re.compile(p) for p in plot.names] for plot in layout.plots]
            self._scope_re = re.compile(layout.scopes)
            self._capacity = layout.capacity
            self._kinds = {id(ax): plot.kind for ax, plot in zip(self.axes, layout.plots)}
            self._windows = {id(ax): plot.window for ax, plot in zip(self.axes, layout.plots)}
            self._series: dict[tuple[str, str], _Series] = {}
            self._following = {id(ax): True for ax in self.axes}
            self._set_rects: dict[int, tuple] = {}  # the camera rect following set
            self._asked: dict[int, tuple] = {}  # the rect following asked for
            self.rows_read = 0
            self.timer = glframe.Timer(poll, connect=self._tick)
            self.canvas.events.close.connect(lambda event: self._stop_all())

        @property
        def series(self) -> dict[tuple[str, str], list[Any]]:
            """``{(scope, name): [Line or Markers per axes showing it]}`` (a new dict)."""
            return {key: list(s.visuals) for key, s in self._series.items() if s.visuals}

        # ---- the poll -----------------------------------------------------------
        def poll(self) -> int:
            """Read the rows committed since the last poll, append them, add new series,
            and move the following axes to the newest data. Returns the rows read.

            A series whose columns cannot be plotted raises ``ValueError`` once (naming
            it and its columns; later polls skip it)."""
            self._check_moved()
            store = self._store
            errors, read = [], 0
            for scope in scopes(store):
                if not self._scope_re.search(scope):
                    continue
                for name in names(store, scope):
                    axes = [ax for ax, group in zip(self.axes, self._groups)
                            if any(p.fullmatch(name) for p in group)]  # fmt: skip
                    if not axes:
                        continue
                    s = self._series.setdefault((scope, name), _Series(scope, name))
                    if s.bad:
                        continue
                    try:
                        read += self._read(s, axes)
                    except ValueError as err:
                        s.bad = str(err)
                        errors.append(s.bad)
            self.rows_read = read
            self._follow_all()
            if read or errors:  # nothing new: no frame (a browser page gets no message)
                self.canvas.update()
            if errors:
                raise ValueError("; ".join(errors))
            return read

        def update(self) -> int:
            """Same as :meth:`poll`."""
            return self.poll()

        def _read(self, s: _Series, axes: list[Any]) -> int:
            cols = fetch_columns(self._store, s.scope, s.name, since=s.cursor)
            s.cursor = cols.cursor
            n_rows = len(cols.indexes)
            if not n_rows:
                return 0
            xc, yc = _columns(cols, s.label)
            y = np.asarray(cols[yc], dtype=np.float64)
            if y.ndim != 1:
                raise ValueError(
                    f"stream.view: series {s.label!r} column {yc!r} has items of shape "
                    f"{y.shape[1:]}; a plotted column holds numbers (scalars or 1D rows)"
                )
            if xc is None:
                x = np.arange(s.points, s.points + len(y), dtype=np.float64)
            else:
                x = np.asarray(cols[xc], dtype=np.float64)
                if x.shape != y.shape:
                    raise ValueError(
                        f"stream.view: series {s.label!r} has {x.shape[0]} values of "
                        f"{xc!r} for {y.shape[0]} of {yc!r}; x and y need one per point"
                    )
            s.points += len(y)
            points = np.c_[x, y]
            if not s.visuals:
                keep = points[-self._capacity :]
                for ax in axes:
                    s.visuals.append(self._add(ax, keep, s.label))
            else:
                for visual in s.visuals:
                    visual.append(points)
                    self._extent(visual)
            return n_rows

        def _extent(self, visual: Any) -> None:
            """Keep the axes' record of the visual's extent (what ``ax.autoscale()``
            fits) up to date with the points kept."""
            ax = next(a for a in self.axes if visual.parent is a.data)
            record = next(r for r in ax._artists if r["visual"] is visual)
            kept = visual.positions
            record["extent"] = [ax._extent(kept[:, k], k, "stream.view") for k in range(2)]

        def _add(self, ax: Any, points: np.ndarray, label: str) -> Any:
            x, y = points[:, 0], points[:, 1]
            shown = ax.view.camera.rect  # adding fits the camera: keep a user's pan
            if self._kinds[id(ax)] == "line":
                visual = ax.plot(x, y, label=label, capacity=self._capacity)
            else:
                visual = ax.scatter(x, y, size=5, label=label, capacity=self._capacity)
            ax.legend("upper left")
            if not self._following[id(ax)]:
                ax.view.camera.rect = shown
                if id(ax) in self._set_rects:
                    self._set_rects[id(ax)] = tuple(ax.view.camera.rect)
            return visual

        # ---- following ----------------------------------------------------------
        def follow(self, on: bool = True, ax: Any = None) -> None:
            """Turn following on (or off) for ``ax`` (default: every axes).

            A following axes shows the newest data: x the last ``window`` (default: the
            points kept), y fitted to what is shown. A pan or zoom turns it off for that
            axes; ``follow()`` turns it back on (and moves there at once)."""
            targets = self.axes if ax is None else [ax]
            for a in targets:
                if id(a) not in self._following:
                    raise ValueError("StreamFigure.follow: ax is not an axes of this figure")
                self._following[id(a)] = bool(on)
            self._follow_all()
            self.canvas.update()

        def following(self, ax: Any = None) -> bool:
            """Whether ``ax`` (default: the first axes) follows the newest data."""
            return self._following[id(ax if ax is not None else self.axes[0])]

        def _check_moved(self) -> None:
            """A camera moved since the view set it: the user panned or zoomed."""
            for ax in self.axes:
                set_rect = self._set_rects.get(id(ax))
                if set_rect is not None and tuple(ax.view.camera.rect) != set_rect:
                    self._following[id(ax)] = False
                    self._set_rects.pop(id(ax))

        def _follow_all(self) -> None:
            for ax in self.axes:
                if self._following[id(ax)]:
                    self._follow(ax)

        def _follow(self, ax: Any) -> None:
            kept = [v.positions[:, :2] for s in self._series.values() for v in s.visuals
                    if v.parent is ax.data]  # fmt: skip
            kept = [p for p in kept if len(p)]
            if not kept:
                return
            pts = np.concatenate(kept)
            logs = (ax.xscale == "log", ax.yscale == "log")
            with np.errstate(divide="ignore", invalid="ignore"):
                for k in range(2):
                    if logs[k]:
                        pts[:, k] = np.where(pts[:, k] > 0, np.log10(pts[:, k]), np.nan)
            x = pts[:, 0]
            ok = np.isfinite(x)
            if not ok.any():
                return
            hi = float(x[ok].max())
            lo = float(x[ok].min())
            window = self._windows[id(ax)]
            if window is not None:
                lo = max(lo, np.log10(max(10**hi - window, 1e-300)) if logs[0] else hi - window)
            y = pts[ok & (x >= lo), 1]
            y = y[np.isfinite(y)]
            ylo, yhi = (float(y.min()), float(y.max())) if y.size else (0.0, 1.0)
            xpad = (hi - lo) * 0.02 or 0.5
            ypad = (yhi - ylo) * 0.05 or 0.5
            rect = (lo, ylo - ypad, hi - lo + xpad, yhi - ylo + 2 * ypad)
            if self._asked.get(id(ax)) == rect and id(ax) in self._set_rects:
                return  # there already: setting it again would redraw (and send a frame)
            self._asked[id(ax)] = rect
            ax.view.camera.rect = rect
            self._set_rects[id(ax)] = tuple(ax.view.camera.rect)

        # ---- running ------------------------------------------------------------
        def _tick(self, event: Any) -> None:
            try:
                self.poll()
            except ValueError as err:  # a bad series: warned once, the others go on
                warnings.warn(str(err), stacklevel=1)

        def start(self) -> None:
            """Poll every ``poll`` seconds (``show()`` and ``widget()`` start this)."""
            if not self.canvas.closed and not self.timer.running:
                self.timer.start()

        def stop(self) -> None:
            """Stop polling (``poll()`` still advances by hand)."""
            if self.timer.running:
                self.timer.stop()

        def show(self) -> None:
            """Show the figure (a window, or a notebook widget) and start polling."""
            super().show()
            self.start()

        def widget(self, mode: str | None = None, **options: Any) -> Any:
            """The notebook widget (see :meth:`glframe.plot.Figure.widget`); starts polling."""
            out = super().widget(mode, **options)
            self.start()
            return out

        def _repr_mimebundle_(self, **kwargs: Any) -> Any:
            self.start()
            return super()._repr_mimebundle_(**kwargs)

        def _stop_all(self) -> None:
            if getattr(self, "timer", None) is not None:
                self.stop()
            if getattr(self, "_owns_store", False):
                self._owns_store = False
                self._store.close()

        def close(self) -> None:
            """Stop polling, close the store (if opened here) and the canvas."""
            self._stop_all()
            super().close()

    return StreamFigure


def view(
    store: str | os.PathLike | StreamStore,
    names: Any = None,
    scopes: str | None = None,
    rows: list[list[str]] | None = None,
    axes: str | list[str] = "lin",
    kind: str = "line",
    follow: bool = True,
    capacity: int = 10_000,
    poll: float = 0.1,
    size: tuple[int, int] = (800, 600),
    *,
    window: float | list[float | None] | None = None,
    theme: Any = None,
    backend: str = "offscreen",
) -> Any:
    """A live :class:`glframe.plot.Figure` of ``store``'s series that follows it as it grows.

    Parameters
    ----------
    store
        The store's directory (opened here, never created) or an open ``StreamStore``.
    names
        A regex, or a list of them, that a series' name must match in full
        (``re.fullmatch``; default: every name). One axes shows them all.
    scopes
        A regex searched in each scope (``re.search``; default: every scope).
    rows
        Instead of ``names``: a list of groups of name regexes, one axes per group,
        stacked (``[["loss"], ["lr", "grad.*"]]``).
    axes
        "lin", "xlog", "ylog" or "xylog": for every axes, or a list with one per row.
    kind
        "line" or "scatter".
    follow
        Keep the newest data in view (until a pan or zoom; ``fig.follow()`` resumes).
    capacity
        Points kept per series (a ring buffer: the oldest roll off).
    poll
        Seconds between polls while the figure is shown.
    window
        In follow mode, the x span shown (data units) ending at the newest x
        (one value, or a list with one per row); None: the span of the points kept.
    size, theme, backend
        As for :class:`glframe.plot.Figure`.

    Each ``(scope, name)`` is one line labelled ``"scope/name"``: y from its column
    ``y`` (else ``value``, else its only column besides x), x from ``x`` (else
    ``step``, else the point's number, 0, 1, ... over the series). No series
    matching yet gives empty axes that fill when they appear. Returns the figure
    (``poll()`` advances it by hand; ``series`` holds its visuals). See docs/stream.md.
    """
    from ..scene.visuals._ring import as_capacity

    if rows is not None and names is not None:
        raise ValueError("stream.view: give names= (one axes) or rows= (one axes per group)")
    if rows is None:
        groups = [_regexes(names if names is not None else ".*", "names")]
    else:
        if not isinstance(rows, (list, tuple)) or not rows:
            raise TypeError(
                f"stream.view: rows must be a list of lists of name regexes, not {rows!r}"
            )
        groups = [_regexes(g, f"rows[{i}]") for i, g in enumerate(rows)]
    scope_re = _regex(scopes if scopes is not None else "", "scopes")
    scales = [axes] * len(groups) if isinstance(axes, str) else list(axes)
    if len(scales) != len(groups):
        raise ValueError(
            f"stream.view: axes has {len(scales)} values for {len(groups)} rows; "
            "give one value or one per row"
        )
    for s in scales:
        if s not in AXES_SCALES:
            raise ValueError(f"stream.view: axes={s!r} is not one of {', '.join(AXES_SCALES)}")
    if kind not in KINDS:
        raise ValueError(f"stream.view: kind must be 'line' or 'scatter', not {kind!r}")
    capacity = as_capacity(capacity, "stream.view capacity")
    if capacity is None:
        raise ValueError("stream.view: capacity must be an integer >= 1 (points per series)")
    if not (isinstance(poll, (int, float)) and poll > 0):
        raise ValueError(f"stream.view: poll must be seconds > 0, not {poll!r}")
    windows = list(window) if isinstance(window, (list, tuple)) else [window] * len(groups)
    if len(windows) != len(groups):
        raise ValueError(
            f"stream.view: window has {len(windows)} values for {len(groups)} rows; "
            "give one value or one per row"
        )
    for w in windows:
        if w is not None and (isinstance(w, bool) or not isinstance(w, (int, float)) or w <= 0):
            raise ValueError(f"stream.view: window must be None or an x span > 0, not {w!r}")
    layout = Layout(
        tuple(
            Plot(tuple(p.pattern for p in group), (row, 0, 1, 1), scale, kind, w)
            for row, (group, scale, w) in enumerate(zip(groups, scales, windows))
        ),
        scope_re.pattern,
        bool(follow),
        capacity,
    )
    return build_figure(store, layout, poll=poll, size=size, theme=theme, backend=backend)


def build_figure(
    store: str | os.PathLike | StreamStore,
    layout: Layout,
    *,
    poll: float = 0.1,
    size: tuple[int, int] = (800, 600),
    theme: Any = None,
    backend: str = "offscreen",
    strict: bool = True,
) -> Any:
    """The live figure of ``layout`` (one axes per plot, in its grid cell), polled once.

    What :func:`view` returns, and what each page of the browser viewer shows.
    ``store`` is a directory (opened here, closed with the figure) or an open
    ``StreamStore`` (left open). A series that cannot be plotted raises its
    ``ValueError`` when ``strict``; otherwise it is skipped and its message kept in
    ``fig.start_errors``."""
    from ..data import StreamStore as _Store

    if isinstance(store, _Store):
        opened, owns = store, False
    elif isinstance(store, (str, os.PathLike)):
        opened, owns = _Store(store, create=False), True
    else:
        raise TypeError(
            f"stream.view: store must be a directory path or a StreamStore, not "
            f"{type(store).__name__}"
        )
    try:
        fig = _figure_class()(tuple(size), theme=theme, backend=backend, title="glframe stream")
    except BaseException:
        if owns:
            opened.close()
        raise
    fig._owns_store, fig._store = owns, opened
    try:
        for plot in layout.plots:
            ax = fig.add_axes(*plot.cell)
            for which in AXES_SCALES[plot.axes]:
                getattr(ax, f"set_{which}scale")("log")
        fig._setup(opened, layout, poll)
        fig.start_errors = []
        try:
            fig.poll()  # following: the first view fits what the store holds
        except ValueError as err:
            if strict:
                raise
            fig.start_errors.append(str(err))
        if not layout.follow:
            fig._following = dict.fromkeys(fig._following, False)
    except BaseException:
        fig.close()
        raise
    return fig
