"""Plot layouts of the stream viewers: which series each plot shows, and where it sits.

A :class:`Layout` is what both viewers build a figure from (``stream.view`` in
Python, ``python -m glframe stream serve`` in a browser; ``_view.build_figure``
makes the figure): a list of :class:`Plot` (name regexes, a grid cell, axes
scales, line or scatter, follow window) and what applies to all of them (a scope
regex, following, ring capacity).

:func:`parse_query` reads a layout from a plot page's URL parameters, the grammar
of streamvis: ``rows=A,B;C`` (rows separated by ``;``, the plots of a row by
``,``; each plot's entry a regex on names), or ``cols=`` (the same, by columns),
or ``names=`` (one plot), with ``width=``, ``height=`` (integer weights),
``scopes=``, ``axes=``, ``kind=``, ``window=``, ``follow=``, ``capacity=``. A
malformed value raises :class:`LayoutError`, which names the parameter, the rule
and the value (the server answers it with HTTP 400). :func:`load_config` reads
default parameters from a JSON or TOML file. No GL here: the server parses a
URL before it makes a figure.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "AXES_SCALES",
    "KINDS",
    "PARAMETERS",
    "Layout",
    "LayoutError",
    "Plot",
    "load_config",
    "parse_query",
]

#: the values of ``axes=``: which axes of a plot are logarithmic
AXES_SCALES = {"lin": (), "xlog": ("x",), "ylog": ("y",), "xylog": ("x", "y")}
KINDS = ("line", "scatter")
MAX_PLOTS = 64
MAX_CELLS = 720  # grid columns (or rows) that the weights may ask for
MAX_CAPACITY = 10_000_000

#: each URL parameter of a plot page and its rule (the 400 page quotes it)
PARAMETERS = {
    "rows": "rows of plots: rows separated by ';', the plots of a row by ',', each plot "
    "a regex matched in full against names (rows=loss,acc;lr)",
    "cols": "columns of plots: columns separated by ';', the plots of a column (top to "
    "bottom) by ',', each a regex on names (cols=loss;lr,acc)",
    "names": "one plot of every name matching one of these regexes, separated by ','",
    "scopes": "a regex searched in each scope (scopes=^run2)",
    "width": "positive integer weights separated by ',': with rows=, one per plot "
    "position in a row; with cols=, one per column",
    "height": "positive integer weights separated by ',': with rows=, one per row; "
    "with cols=, one per plot position in a column",
    "axes": "lin, xlog, ylog or xylog: one value, or one per plot separated by ','",
    "kind": "line or scatter: one value, or one per plot separated by ','",
    "window": "the x span a following plot shows (a number > 0, or 'all'): one value, "
    "or one per plot",
    "follow": "1 (keep the newest data in view) or 0",
    "capacity": f"points kept per series, an integer from 1 to {MAX_CAPACITY}",
}
#: parameters a plot page's URL may carry that are not the layout's (pages are always
#: in client mode: ``mode=`` is refused as unknown)
OTHER_PARAMETERS = ("token",)


class LayoutError(ValueError):
    """A layout parameter that breaks its rule: ``param``, ``rule``, ``value``."""

    def __init__(self, param: str, rule: str, value: Any, detail: str = "") -> None:
        self.param, self.rule, self.value = param, rule, value
        text = f"{param}={value!r}"
        if detail:
            text += f": {detail}"
        super().__init__(f"parameter {text}. Rule: {param} is {rule}")


@dataclass(frozen=True)
class Plot:
    """One plot: the name regexes it shows (``re.fullmatch``), its grid cell
    ``(row, col, row_span, col_span)``, its scales, kind and follow window."""

    names: tuple[str, ...]
    cell: tuple[int, int, int, int]
    axes: str = "lin"
    kind: str = "line"
    window: float | None = None


@dataclass(frozen=True)
class Layout:
    """The plots of a figure and what applies to all of them."""

    plots: tuple[Plot, ...]
    scopes: str = ""
    follow: bool = True
    capacity: int = 10_000

    @property
    def grid(self) -> tuple[int, int]:
        """(rows, cols) of the grid the cells are in."""
        return (
            max(p.cell[0] + p.cell[2] for p in self.plots),
            max(p.cell[1] + p.cell[3] for p in self.plots),
        )


def _compile(param: str, pattern: str, whole: str) -> str:
    """``pattern`` (an entry of the parameter's value ``whole``) if it is a regex."""
    if not pattern:
        raise LayoutError(param, PARAMETERS[param], whole, "an empty regex")
    try:
        re.compile(pattern)
    except re.error as err:
        raise LayoutError(
            param, PARAMETERS[param], whole, f"{pattern!r} is not a valid regex ({err})"
        ) from None
    return pattern


def _weights(param: str, text: str | None, count: int) -> list[int]:
    """``count`` integer weights (all 1 when not given)."""
    if text is None:
        return [1] * count
    items = text.split(",")
    if not all(re.fullmatch(r"[1-9][0-9]{0,2}", item.strip()) for item in items):
        raise LayoutError(param, PARAMETERS[param], text, "not positive integers below 1000")
    if len(items) != count:
        raise LayoutError(
            param, PARAMETERS[param], text, f"{len(items)} values where the layout has {count}"
        )
    return [int(item) for item in items]


def _spans(weights: list[int], total: int) -> list[tuple[int, int]]:
    """(start, span) of each weight on a grid of ``total`` cells (a multiple of their sum)."""
    unit = total // sum(weights)
    starts = [sum(weights[:i]) * unit for i in range(len(weights))]
    return [(s, w * unit) for s, w in zip(starts, weights)]


def _per_plot(param: str, text: str, count: int, parse) -> list:
    items = text.split(",")
    if len(items) not in (1, count):
        raise LayoutError(
            param,
            PARAMETERS[param],
            text,
            f"{len(items)} values for {count} plots (give one value, or one per plot)",
        )
    values = [parse(item.strip()) for item in items]
    return values * count if len(values) == 1 else values


def _grid(param: str, text: str) -> list[list[str]]:
    groups = [
        [_compile(param, e.strip(), text) for e in part.split(",")] for part in text.split(";")
    ]
    if sum(map(len, groups)) > MAX_PLOTS:
        raise LayoutError(param, PARAMETERS[param], text, f"more than {MAX_PLOTS} plots")
    return groups


def _cells(groups: list[list[str]], across: list[int], along: list[int]) -> list:
    """Cells of plots in groups (rows, or columns transposed): ``along`` weights the
    groups, ``across`` the positions inside a group (its first k for a group of k)."""
    totals = [sum(across[: len(g)]) for g in groups]
    n = math.lcm(*totals)
    if n > MAX_CELLS:
        raise ValueError(n)
    out = []
    starts = _spans(along, sum(along))
    for (start, span), group in zip(starts, groups):
        for (c, cs), pattern in zip(_spans(across[: len(group)], n), group):
            out.append((pattern, (start, c, span, cs)))
    return out


def parse_query(query: Mapping[str, str], defaults: Mapping[str, str] | None = None) -> Layout:
    """A :class:`Layout` from a plot page's URL parameters (``defaults`` fill those not
    given: a config file's). Raises :class:`LayoutError` naming the first bad one."""
    for key in query:
        if key not in PARAMETERS and key not in OTHER_PARAMETERS:
            raise LayoutError(
                key,
                "not a parameter of a plot page; they are " + ", ".join(PARAMETERS),
                query[key],
            )
    given = [k for k in ("rows", "cols", "names") if k in query]
    merged = dict(defaults or {}) if not given else {
        k: v for k, v in (defaults or {}).items() if k not in ("rows", "cols", "names")
    }  # fmt: skip
    merged.update({k: v for k, v in query.items() if k in PARAMETERS})
    layouts = [k for k in ("rows", "cols", "names") if k in merged]
    if len(layouts) > 1:
        raise LayoutError(
            layouts[1],
            "given alone: a page is laid out by one of rows=, cols= or names=",
            merged[layouts[1]],
        )
    kind = layouts[0] if layouts else "names"
    text = merged.get(kind, ".*")
    if kind == "names":
        patterns = tuple(_compile("names", e.strip(), text) for e in text.split(","))
        cells = [(patterns, (0, 0, 1, 1))]
        for key in ("width", "height"):
            _weights(key, merged.get(key), 1)
    else:
        groups = _grid(kind, text)
        longest = max(map(len, groups))
        across_key, along_key = ("width", "height") if kind == "rows" else ("height", "width")
        across = _weights(across_key, merged.get(across_key), longest)
        along = _weights(along_key, merged.get(along_key), len(groups))
        try:
            placed = _cells(groups, across, along)
        except ValueError as err:
            raise LayoutError(
                across_key, PARAMETERS[across_key], merged.get(across_key),
                f"the rows need a grid of {err.args[0]} cells (at most {MAX_CELLS}): "
                "use smaller weights",
            ) from None  # fmt: skip
        if kind == "cols":  # transposed: groups are columns
            placed = [(p, (c, r, cs, rs)) for p, (r, c, rs, cs) in placed]
        cells = [((p,), cell) for p, cell in placed]
    count = len(cells)
    axes = _per_plot("axes", merged.get("axes", "lin"), count, _choice("axes", AXES_SCALES))
    kinds = _per_plot("kind", merged.get("kind", "line"), count, _choice("kind", KINDS))
    windows = _per_plot("window", merged.get("window", "all"), count, _window)
    scopes = merged.get("scopes", "")
    if scopes:
        _compile("scopes", scopes, scopes)
    follow = merged.get("follow", "1")
    if follow not in ("1", "0", "true", "false", "yes", "no"):
        raise LayoutError("follow", PARAMETERS["follow"], follow)
    capacity = merged.get("capacity", "10000")
    if not re.fullmatch(r"[0-9]{1,8}", capacity) or not 1 <= int(capacity) <= MAX_CAPACITY:
        raise LayoutError("capacity", PARAMETERS["capacity"], capacity)
    plots = tuple(
        Plot(names, cell, a, k, w) for (names, cell), a, k, w in zip(cells, axes, kinds, windows)
    )
    return Layout(plots, scopes, follow in ("1", "true", "yes"), int(capacity))


def _choice(param: str, allowed):
    def parse(value: str) -> str:
        if value not in allowed:
            raise LayoutError(param, PARAMETERS[param], value)
        return value

    return parse


def _window(value: str) -> float | None:
    if value in ("all", "none", ""):
        return None
    try:
        span = float(value)
    except ValueError:
        span = math.nan
    if not (math.isfinite(span) and span > 0):
        raise LayoutError("window", PARAMETERS["window"], value)
    return span


def load_config(path: str | Path) -> dict[str, str]:
    """Default plot-page parameters from a JSON (``.json``) or TOML file: an object
    whose keys are URL parameters, each a string as in a URL or a list (``rows`` and
    ``cols`` as lists of lists), a number or a bool. Raises ValueError naming the file."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import tomllib

            data = tomllib.loads(text)
    except ValueError as err:
        raise ValueError(f"stream serve: config {path} is not valid: {err}") from None
    if not isinstance(data, dict):
        raise ValueError(f"stream serve: config {path} must hold an object of parameters")
    out = {}
    for key, value in data.items():
        if key not in PARAMETERS:
            raise ValueError(
                f"stream serve: config {path}: {key!r} is not a plot page parameter; "
                f"they are {', '.join(PARAMETERS)}"
            )
        out[key] = _as_text(value, key, path)
    parse_query({}, out)  # refused now rather than on every page
    return out


def _as_text(value: Any, key: str, path: Path) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float, str)):
        return str(value)
    if isinstance(value, list) and value:
        sep = ";" if key in ("rows", "cols") and all(isinstance(v, list) for v in value) else ","
        return sep.join(_as_text(v, key, path) for v in value)
    raise ValueError(f"stream serve: config {path}: {key} = {value!r} is not a string or list")
