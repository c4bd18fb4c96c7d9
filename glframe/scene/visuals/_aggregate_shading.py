"""Shading an aggregate grid: the CPU half of the transfer function, and its CPU reference.

An aggregate (:mod:`glframe.data`'s ``aggregate``) is a (height, width) grid of counts,
sums, means... (or (height, width, K) counts by category). Shading turns it into
colours: empty cells transparent, the others through a transfer function ``how`` onto
a colormap (or, for categories, a colour blended by count, with an alpha from the
total).

Where each step runs, and why:

- **Spread** (``spread=n``: each cell takes the largest value within a disc of radius
  ``n + 0.5`` cells, the smallest for ``agg="min"``; categories per category) runs on
  the CPU with the aggregation, on the worker thread: it changes the values that the
  equalization ranks, so it must come first, and a per-fragment neighbourhood search
  would be paid by every frame of a pan on a software rasterizer.
- **eq_hist** (histogram equalization over the non-empty cells) needs a global sort:
  the CPU ranks the grid once per aggregate (one ``np.unique`` with inverse indices:
  about 57 ms for 800x600 distinct float cells, 22 ms for counts, here) and the
  texture holds the ranks in [0, 1]; the fragment shader then does one texel fetch, as
  for the other transfers. A rank lookup
  in the shader (a binary search over a texture of distinct values) would cost about
  20 dependent fetches per pixel in every frame instead of once per aggregate.
- **linear, log, cbrt** are closed forms: the texture holds the values themselves
  (float32, NaN for empty cells) and the GLSL (``glsl/aggregate/shade.glsl``) applies
  ``clim`` and the transfer, so changing ``clim`` (or switching between these three)
  sends a uniform, and ``cmap`` the 256-texel lookup texture's data.
- **Categories**: the count-weighted mean of the colour key's colours is made on the
  CPU (an RGBA8 texture: K channels per cell would not fit a texture); the total goes
  through ``how`` in the shader like any value and gives the alpha.

:func:`prepare` computes what the textures hold; :func:`shade` is the CPU reference of
what the GPU draws (the tests compare the visual's pixels with it), written with the
same float32 arithmetic and the same colormap interpolation as ``image_lut``.
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...gloo import as_rgba

__all__ = [
    "AGGS",
    "HOWS",
    "Prepared",
    "spread_grid",
    "empty_cells",
    "auto_limits",
    "eq_hist_ranks",
    "palette",
    "prepare",
    "transfer",
    "shade",
]

#: reductions of the kernel: empty cells hold 0 for the first group, NaN for the second
AGGS = ("count", "sum", "any", "mean", "min", "max", "std", "count_cat")
_ZERO_EMPTY = ("count", "sum", "any", "count_cat")
#: transfer functions, by the code the shader gets (u_how)
HOWS = {"linear": 0, "log": 1, "cbrt": 2, "eq_hist": 3}


@dataclass(frozen=True)
class Prepared:
    """What the textures and uniforms of one shaded aggregate hold.

    Attributes
    ----------
    values
        (H, W) float32: the value (linear, log, cbrt) or its rank in [0, 1] (eq_hist)
        of each cell; NaN where the cell is empty.
    colors
        (H, W, 4) uint8 blended category colours, or None.
    limits
        (lo, hi) the transfer maps to [0, 1] in the shader (as given: reversed
        reverses the colormap; (0, 1) for eq_hist, whose ranks are made here).
    auto
        (lo, hi) of the non-empty values after spread: the limits of ``clim="auto"``.
    """

    values: np.ndarray
    colors: np.ndarray | None
    limits: tuple[float, float]
    auto: tuple[float, float]


def _disc(n: int) -> list[tuple[int, int]]:
    r2 = (n + 0.5) ** 2
    return [
        (dy, dx) for dy in range(-n, n + 1) for dx in range(-n, n + 1) if dy * dy + dx * dx <= r2
    ]


def spread_grid(grid: np.ndarray, n: int, agg: str) -> np.ndarray:
    """``grid`` with each cell the largest value within a disc of radius ``n + 0.5``
    cells (the smallest for ``agg="min"``); NaN (empty) cells are ignored, and a
    (H, W, K) grid spreads per category."""
    if n <= 0:
        return grid
    pick = np.fmin if agg == "min" else np.fmax
    fill = 0 if agg in _ZERO_EMPTY else np.nan
    h, w = grid.shape[:2]
    pad = [(n, n), (n, n)] + [(0, 0)] * (grid.ndim - 2)
    padded = np.pad(grid, pad, constant_values=fill)
    out = grid.copy()
    for dy, dx in _disc(n):
        pick(out, padded[n + dy : n + dy + h, n + dx : n + dx + w], out=out)
    return out


def empty_cells(values: np.ndarray, agg: str) -> np.ndarray:
    """Where ``values`` (a scalar grid, or the totals of a category grid) is empty:
    NaN, and 0 for count, sum, any and count_cat (a sum of exactly 0 shows as empty)."""
    empty = ~np.isfinite(values)
    if agg in _ZERO_EMPTY:
        empty |= values == 0
    return empty


def auto_limits(values: np.ndarray) -> tuple[float, float]:
    """(min, max) of ``values`` (the non-empty ones); (v - 1, v) when all equal ``v``
    (they show at the top of the colormap), (0, 1) when there are none."""
    if values.size == 0:
        return (0.0, 1.0)
    lo, hi = float(values.min()), float(values.max())
    return (lo, hi) if hi > lo else (lo - 1.0, hi)


def eq_hist_ranks(values: np.ndarray, limits: tuple[float, float] | None) -> np.ndarray:
    """Histogram equalization of ``values`` (the non-empty cells, 1D): each value's
    share of the cells below or equal to it, as float32 in [0, 1], shifted so that the
    smallest value gets 0 and the largest 1 (all 1 when they are all equal). With
    ``limits`` (lo, hi), values are clamped to them first (reversed: ranks reversed)."""
    if values.size == 0:
        return values.astype(np.float32)
    if limits is not None:
        lo, hi = sorted(limits)
        values = np.clip(values, lo, hi)
    # one sort; the inverse indices (not a searchsorted: 3x slower on 480k floats here)
    distinct, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    if distinct.size == 1:
        ranks = np.ones(values.shape, np.float64)
    else:
        cum = np.cumsum(counts, dtype=np.float64)
        cdf = (cum - cum[0]) / (cum[-1] - cum[0])
        ranks = cdf[inverse.reshape(values.shape)]
    if limits is not None and limits[0] > limits[1]:
        ranks = 1.0 - ranks
    return ranks.astype(np.float32)


def palette(n: int) -> np.ndarray:
    """(n, 4) float32 default category colours: hues spaced by the golden angle, at
    two alternating lightnesses, so neighbouring categories differ."""
    colors = []
    for k in range(n):
        hue = (0.02 + k * 0.381966) % 1.0
        light, sat = (0.55, 0.85) if k % 2 == 0 else (0.42, 0.75)
        colors.append((*colorsys.hls_to_rgb(hue, light, sat), 1.0))
    return np.array(colors, np.float32).reshape(n, 4)


def color_key_colors(color_key: Any, n: int, labels: Any, what: str) -> np.ndarray:
    """(n, 4) float32 colours of ``n`` categories from ``color_key``: None (the default
    palette), a list of at least ``n`` colours, or a dict from category label (of
    ``labels``) to colour."""
    if color_key is None:
        return palette(n)
    if isinstance(color_key, dict):
        labels = list(range(n)) if labels is None else list(labels)
        missing = [lab for lab in labels[:n] if lab not in color_key]
        if missing:
            raise ValueError(
                f"{what} has no colour for categor{'y' if len(missing) == 1 else 'ies'} "
                f"{', '.join(map(repr, missing[:5]))}; give one for each of {labels[:n]}"
            )
        items = [color_key[lab] for lab in labels[:n]]
    else:
        items = list(color_key)
        if len(items) < n:
            raise ValueError(
                f"{what} has {len(items)} colours for {n} categories; give at least {n} "
                "(or a dict from category to colour)"
            )
        items = items[:n]
    try:
        return np.array([as_rgba(c) for c in items], np.float32).reshape(n, 4)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what}: {exc}") from None


def prepare(
    grid: np.ndarray,
    *,
    agg: str,
    how: str,
    clim: Any = "auto",
    spread: int = 0,
    colors: np.ndarray | None = None,
) -> Prepared:
    """What the textures hold for ``grid`` shaded by ``how`` (see the module's notes).

    ``grid`` is (H, W), or (H, W, K) for ``agg="count_cat"`` with ``colors`` (K, 4)
    float32 (the colour key's colours). ``clim`` is "auto" or (lo, hi).
    """
    grid = spread_grid(grid, int(spread), agg)
    categorical = grid.ndim == 3
    values = grid.sum(axis=2, dtype=np.float64) if categorical else grid
    values = np.asarray(values, np.float64)
    empty = empty_cells(values, agg)
    full = values[~empty]
    auto = auto_limits(full)
    out = np.full(values.shape, np.nan, np.float32)
    limits = auto if isinstance(clim, str) else (float(clim[0]), float(clim[1]))
    if how == "eq_hist":
        out[~empty] = eq_hist_ranks(full, None if isinstance(clim, str) else limits)
        limits = (0.0, 1.0)
    else:
        out[~empty] = full
    blended = None
    if categorical:
        counts = grid.reshape(-1, grid.shape[2]).astype(np.float64)
        total = counts.sum(axis=1, keepdims=True)
        rgb = counts @ colors[:, :3].astype(np.float64) / np.where(total > 0, total, 1.0)
        blended = np.empty((*values.shape, 4), np.uint8)
        blended[..., :3] = np.round(np.clip(rgb, 0, 1) * 255).reshape(*values.shape, 3)
        blended[..., 3] = 255
    return Prepared(out, blended, limits, auto)


def transfer(values: np.ndarray, how: str, limits: tuple[float, float]) -> np.ndarray:
    """The shader's transfer in numpy (float32): ``values`` (NaN: empty) to t in [0, 1]."""
    v = values.astype(np.float32)
    if how == "eq_hist":
        return v
    a, b = np.float32(min(limits)), np.float32(max(limits))
    c = np.clip(v, a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        if how == "log":
            if a > 0:
                t = np.log(c / a) / np.log(b / a)
            else:
                t = np.log(np.float32(1) + c - a) / np.log(np.float32(1) + b - a)
        else:
            t = (c - a) / (b - a)
            if how == "cbrt":
                t = np.power(t, np.float32(1.0 / 3.0))
    t = t.astype(np.float32)
    return np.float32(1) - t if limits[0] > limits[1] else t


def _lut(cmap: str, t: np.ndarray) -> np.ndarray:
    """The 256-texel colormap at ``t``, interpolated between two texels (as image_lut)."""
    from ...shaders import colormaps

    lut = colormaps.lut(cmap).astype(np.float32) / np.float32(255)
    x = np.clip(np.nan_to_num(t), 0, 1) * np.float32(255)
    i = np.minimum(x.astype(np.int64), 254)
    f = (x - i)[..., None]
    return lut[i] * (1 - f) + lut[i + 1] * f


def shade(
    grid: np.ndarray,
    *,
    agg: str = "count",
    how: str = "eq_hist",
    cmap: str = "fire",
    clim: Any = "auto",
    spread: int = 0,
    colors: np.ndarray | None = None,
    min_alpha: float = 0.2,
) -> np.ndarray:
    """The CPU reference of the Aggregate visual's colours: (H, W, 4) uint8 RGBA,
    straight (not premultiplied) alpha, row 0 first as in ``grid``; empty cells are
    (0, 0, 0, 0). Categories (``grid`` (H, W, K)) need ``colors`` (K, 4)."""
    if grid.ndim == 3 and colors is None:
        colors = palette(grid.shape[2])
    p = prepare(grid, agg=agg, how=how, clim=clim, spread=spread, colors=colors)
    t = transfer(p.values, how, p.limits)
    rgba = np.zeros((*t.shape, 4), np.float32)
    if p.colors is not None:
        rgba[..., :3] = p.colors[..., :3].astype(np.float32) / np.float32(255)
        rgba[..., 3] = np.float32(min_alpha) + (1 - np.float32(min_alpha)) * np.nan_to_num(t)
    else:
        rgba[:] = _lut(cmap, t)
    rgba[np.isnan(p.values)] = 0
    return np.round(rgba * 255).astype(np.uint8)
