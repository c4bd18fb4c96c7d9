"""Checks and conversions shared by visuals: positions, colours, per-item values.

Every rule a visual's property follows is written here once, with its wording.
The check builders (:func:`number`, :func:`numbers`, :func:`choice`,
:func:`color`, :func:`colors`, :func:`flag`, :func:`vector`) return the
``check`` of a :class:`~glframe.scene._reactive.Prop`: ``check(value, what)``,
or ``check(value, what, n)`` for per-item properties, which returns the value
converted for the shaders or raises naming ``what`` (``"Markers.size"``), the
rule and the value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ...gloo import as_rgba
from .._reactive import Auto, Prop

__all__ = [
    "as_positions",
    "as_colors",
    "per_item",
    "limits",
    "number",
    "numbers",
    "choice",
    "color",
    "colors",
    "flag",
    "vector",
    "finite_range",
    "Colormapped",
]


def _bound_rule(minimum: float | None, above: float | None, maximum: float | None) -> str:
    rule = []
    if minimum is not None:
        rule.append(f">= {minimum:g}")
    if above is not None:
        rule.append(f"> {above:g}")
    if maximum is not None:
        rule.append(f"<= {maximum:g}")
    return "a finite number" + (" " + " and ".join(rule) if rule else "")


def _first_bad(
    v: np.ndarray, minimum: float | None, above: float | None, maximum: float | None
) -> float | None:
    """The first value of ``v`` that breaks the bounds (or is not finite), or None."""
    ok = np.isfinite(v)
    if minimum is not None:
        ok &= v >= minimum
    if above is not None:
        ok &= v > above
    if maximum is not None:
        ok &= v <= maximum
    return None if np.all(ok) else float(np.atleast_1d(v)[~np.atleast_1d(ok)][0])


def number(
    *, minimum: float | None = None, above: float | None = None, maximum: float | None = None
) -> Any:
    """Check: one finite float within the bounds (``above``: strictly greater)."""
    rule = _bound_rule(minimum, above, maximum)

    def check(value: Any, what: str) -> float:
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"{what} must be {rule}, not {value!r}") from None
        if _first_bad(np.float64(v), minimum, above, maximum) is not None:
            raise ValueError(f"{what} must be {rule}, not {value!r}")
        return v

    return check


def numbers(*, minimum: float | None = None, above: float | None = None) -> Any:
    """Check (per item): one finite float, or (n,) float32, within the bounds."""
    rule = _bound_rule(minimum, above, None)

    def check(value: Any, what: str, n: int) -> Any:
        try:
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{what} must be {rule} or {n} of them, not {value!r}") from None
        if arr.ndim and arr.shape != (n,):
            raise ValueError(f"{what}: shape {arr.shape} is not () or ({n},)")
        bad = _first_bad(arr, minimum, above, None)
        if bad is not None:
            each = "" if arr.ndim == 0 else " (each)"
            raise ValueError(f"{what} must be {rule}{each}, not {bad!r}")
        return float(arr) if arr.ndim == 0 else arr.astype(np.float32)

    return check


def choice(*options: str | None) -> Any:
    """Check: one of ``options`` (strings, and None where "none" is a choice)."""
    listed = ", ".join(str(o) for o in options)

    def check(value: Any, what: str) -> str | None:
        if not (value is None or isinstance(value, str)) or value not in options:
            raise ValueError(f"{what} must be one of {listed}, not {value!r}")
        return value

    return check


def color() -> Any:
    """Check: one colour (a name, '#rrggbb[aa]', RGB(A) floats) -> a tuple of 4 floats."""

    def check(value: Any, what: str) -> tuple[float, ...]:
        if np.ndim(value) > 1:
            raise ValueError(
                f"{what}: one colour (a name, '#rrggbb', 3 or 4 floats) is needed, "
                f"not an array of shape {np.shape(value)}"
            )
        try:
            return tuple(float(c) for c in as_rgba(value))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{what}: {exc}") from None

    return check


def colors() -> Any:
    """Check (per item): one colour, (4,) float32, or (n, 4) float32 (see :func:`as_colors`)."""

    def check(value: Any, what: str, n: int) -> np.ndarray:
        return as_colors(value, n, what)

    return check


def flag() -> Any:
    """Check: True or False (also numpy booleans, 0 and 1); a string is refused."""

    def check(value: Any, what: str) -> bool:
        if isinstance(value, (bool, np.bool_)) or (
            isinstance(value, (int, np.integer)) and value in (0, 1)
        ):
            return bool(value)
        raise TypeError(f"{what} must be True or False, not {value!r}")

    return check


def vector(size: int, *, nonzero: bool = False) -> Any:
    """Check: ``size`` finite numbers (not all 0 if ``nonzero``) -> float64 array."""
    rule = f"{size} finite numbers" + (", not all 0" if nonzero else "")

    def check(value: Any, what: str) -> np.ndarray:
        try:
            v = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{what} must be {rule}, not {value!r}") from None
        if v.shape != (size,) or not np.all(np.isfinite(v)) or (nonzero and not np.any(v)):
            raise ValueError(f"{what} must be {rule}, not {value!r}")
        return v

    return check


def optional(check: Any) -> Any:
    """Check: None, or a value that ``check`` accepts."""

    def checked(value: Any, what: str, *n: int) -> Any:
        return None if value is None else check(value, what, *n)

    return checked


def colormap() -> Any:
    """Check: a colormap (:func:`glframe.shaders.colormaps.resolve`): a name is kept as
    given, a :class:`~glframe.shaders.colormaps.Colormap` or an (N, 3|4) array of
    colours becomes a Colormap."""

    def check(value: Any, what: str) -> Any:
        from ...shaders import colormaps

        resolved = colormaps.resolve(value, what)
        return value if isinstance(value, str) else resolved

    return check


def integer(*, minimum: int | None = None) -> Any:
    """Check: a whole number (3 or 3.0, not 3.5) >= ``minimum`` -> int."""
    rule = "an integer" + ("" if minimum is None else f" >= {minimum}")

    def check(value: Any, what: str) -> int:
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"{what} must be {rule}, not {value!r}") from None
        if not v.is_integer() or (minimum is not None and v < minimum):
            raise ValueError(f"{what} must be {rule}, not {value!r}")
        return int(v)

    return check


def broadcast(size: int, *, minimum: float | None = None, above: float | None = None) -> Any:
    """Check: one finite number (used ``size`` times) or ``size`` of them, within the
    bounds -> a (size,) float64 array."""
    bounds = _bound_rule(minimum, above, None).removeprefix("a finite number")
    rule = f"one or {size} finite numbers{bounds}"

    def check(value: Any, what: str) -> np.ndarray:
        try:
            v = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{what} must be {rule}, not {value!r}") from None
        if v.shape not in ((), (size,)) or _first_bad(v, minimum, above, None) is not None:
            raise ValueError(f"{what} must be {rule}, not {value!r}")
        return np.broadcast_to(v, (size,)).copy()

    return check


def as_positions(
    data: ArrayLike, what: str, dims: tuple[int, ...] = (2, 3), *, precise: bool = False
) -> np.ndarray:
    """(N, 3) float32 positions; NaN is allowed (such points are not drawn).

    With ``precise``, float64 data stay float64 (a visual that draws relative to an
    origin near its data keeps their precision, see ``_origin.py``)."""
    arr = np.asarray(data)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what}: dtype {arr.dtype} is not numeric")
    if arr.ndim != 2 or arr.shape[1] not in dims:
        raise ValueError(f"{what}: shape {arr.shape} is not (N, {' or '.join(map(str, dims))})")
    big = np.abs(arr[np.isfinite(arr)]).max(initial=0)
    if big > np.finfo(np.float32).max:
        raise ValueError(f"{what}: value {big:g} does not fit in float32")
    keep = precise and arr.dtype == np.float64
    out = np.zeros((len(arr), 3), np.float64 if keep else np.float32)
    out[:, : arr.shape[1]] = arr
    return out


def as_colors(value: Any, n: int, what: str) -> np.ndarray:
    """One RGBA colour (4,) float32, or (n, 4) float32 for per-item colours."""
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
        try:  # one colour name (or '#rrggbb') per item
            value = [as_rgba(v) for v in value]
        except ValueError as exc:
            raise ValueError(f"{what}: {exc}") from None
    if isinstance(value, str) or np.ndim(value) == 1:
        try:
            return np.array(as_rgba(value), np.float32)
        except ValueError as exc:
            raise ValueError(f"{what}: {exc}") from None
    given = np.asarray(value)
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] not in (3, 4) or len(arr) != n:
        raise ValueError(f"{what}: colours of shape {arr.shape} are not ({n}, 3|4)")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what}: colours contain NaN or infinity")
    if given.dtype.kind in "biu" and arr.max(initial=0) > 1:  # 0-255 bytes, not floats
        raise ValueError(
            f"{what}: colours are floats in [0, 1], not integers up to {arr.max():g}; "
            "for 0-255 bytes pass colors / 255"
        )
    if arr.shape[1] == 3:
        arr = np.c_[arr, np.ones(n)]
    return np.clip(arr, 0, 1).astype(np.float32)


def per_item(value: ArrayLike, n: int, what: str, *, nonnegative: bool = False) -> Any:
    """One float, or an (n,) float32 array."""
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what}: contains NaN or infinity")
    if nonnegative and np.any(arr < 0):
        raise ValueError(f"{what}: must be >= 0")
    if arr.ndim == 0:
        return float(arr)
    if arr.shape != (n,):
        raise ValueError(f"{what}: shape {arr.shape} is not () or ({n},)")
    return arr.astype(np.float32)


def limits(value: Any, what: str) -> tuple[float, float]:
    """Two finite, distinct numbers (a reversed pair reverses the colormap)."""
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be two numbers (min, max), not {value!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo == hi:
        raise ValueError(f"{what} must be two finite, different numbers, not {value!r}")
    return lo, hi


def finite_range(arrays: Any) -> tuple[float, float] | None:
    """(min, max) of the finite values of ``arrays``, widened by 0.5 each way when they are
    all equal (a colormap needs two limits); None when there are none."""
    lo, hi = np.inf, -np.inf
    for arr in arrays:
        finite = arr[np.isfinite(arr)] if arr.dtype.kind == "f" else arr
        if finite.size:
            lo, hi = min(lo, float(finite.min())), max(hi, float(finite.max()))
    if not np.isfinite(lo):
        return None
    return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)


def _clim(value: Any, what: str) -> Any:
    if isinstance(value, str):
        if value != "auto":
            raise ValueError(f"{what} must be (min, max) or 'auto', not {value!r}")
        return "auto"
    return limits(value, what)


class Colormapped:
    """``cmap`` and ``clim`` for visuals that map values through a colormap.

    The visual sets ``_auto_clim`` (the data's range, the limits while ``clim`` is
    "auto") and calls :meth:`_upload_colormap` when "cmap" is dirty.
    """

    _auto_clim: tuple[float, float] = (0.0, 1.0)
    _lut: Any = None  # the lookup texture, made at the first draw

    cmap = Prop(
        colormap(),
        "The colormap: a name of glframe.shaders.colormaps.names() (NAME_r reversed), a "
        "Colormap, or an (N, 3|4) array of colours, translucent allowed (a 256-texel lookup "
        "texture: a new one sends its data, no new shader).",
    )
    clim = Auto(
        _clim,
        'Contrast limits (min, max) in data units (reversed: a reversed colormap), or "auto"; '
        'reads give the limits in use (the data\'s range while "auto").',
        unset="auto",
        resolve=lambda visual: visual._auto_clim,
    )

    def _upload_colormap(self) -> None:
        """Send the colormap's lookup texture: made once, then its DATA only."""
        from ...gloo import Texture1D
        from ...shaders import colormaps

        if self._lut is None:
            self._lut = Texture1D(colormaps.lut(self.cmap))
            self.program["u_cmap"] = self._lut
        else:
            self._lut.set_data(colormaps.lut(self.cmap))
