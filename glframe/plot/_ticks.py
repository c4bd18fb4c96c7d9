"""Where an axis puts its ticks and what their labels say (no GL: plain Python).

One rule for the three kinds of axis, written again, step for step, in
``glframe/backends/web/js/ticks.js`` so that a page whose camera runs in
JavaScript shows the labels Python shows (a node test compares them on 1000
random ranges):

- **linear**: ticks at multiples of a "nice" step, 1, 2 or 5 times a power of
  ten. Every tick is an integer ``N`` times ``10**k``, so its label is written
  from that integer's digits, exactly: with as many decimals as the step has
  (``0.5, 1.0, 1.5``), in scientific notation (``2.5e−12``) when the largest
  tick is at least 1e6 or below 1e−4.
- **log**: the axis coordinate is ``log10(value)``. Spanning a decade or more,
  ticks sit on decades (every 1, 2, 5, 10, ... decades), labelled ``10⁻³``, with
  minor ticks at 2..9 times each decade when there is room; less than a decade,
  linear ticks of the values, placed at their logarithm.
- **time**: the axis coordinate is seconds since 1970-01-01 (UTC, proleptic
  Gregorian), from datetime64 data. Steps are calendar units: 1, 2, 5, 10, 20,
  50... years; 1, 2, 3, 4, 6 months; 1, 2, 7, 14 days; 1, 2, 3, 6, 12 hours; 1,
  2, 5, 10, 15, 30 minutes or seconds; 1, 2, 5 times a power of ten below a
  second. Labels say just the unit's precision: ``2024``, ``2024-03``,
  ``2024-03-05``, ``14:30`` (``03-05 14:30`` when the ticks span several days),
  ``14:30:05``, ``14:30:05.250``.

The step is the smallest one that keeps ticks ``min_spacing`` pixels apart
(or a fifth of the range, if smaller: at least two ticks are tried) and whose
labels do not overlap. Labels are measured the same way on both
sides, so that both choose the same step: along a horizontal axis a label
is ``len(label) * char_width`` pixels wide, along a vertical one it is
``font_size`` high, and two neighbours need ``font_size / 2`` pixels between
them. Powers of ten come from parsing ``"1e<k>"`` (correctly rounded in both
languages) and tick values from one multiplication or division of exact
integers, so both languages compute the same floats.

Limits: a range narrower than float64 can resolve at its offset (more than
2**52 steps from zero) gets no ticks; times are UTC without leap seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Ticks", "ticks", "SCALES", "MINUS"]

SCALES = ("linear", "log", "time")
MINUS = "\u2212"  # the typographic minus sign, as wide as a digit's neighbours expect
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_MAX_INT = 2.0**52
_LN10 = 2.302585092994046
_MONTH_STEPS = (1, 2, 3, 4, 6)
_DAY = 86400


@dataclass(frozen=True)
class Ticks:
    """The ticks of one axis for one range.

    Attributes
    ----------
    positions
        Major ticks in axis coordinates (the camera's: log10 of the value on a log
        axis, seconds since 1970 on a time axis), ascending.
    labels
        One label per major tick.
    minor
        Minor ticks in axis coordinates (none on time axes).
    """

    positions: tuple[float, ...]
    labels: tuple[str, ...]
    minor: tuple[float, ...] = ()


def ticks(
    lo: float,
    hi: float,
    length: float,
    *,
    scale: str = "linear",
    font_size: float = 12.0,
    char_width: float | None = None,
    vertical: bool = False,
    min_spacing: float | None = None,
) -> Ticks:
    """The ticks of an axis showing axis coordinates ``lo``..``hi`` over ``length`` pixels.

    Parameters
    ----------
    lo, hi
        The range shown, in axis coordinates (either order).
    length
        The axis's length in pixels.
    scale
        One of :data:`SCALES`.
    font_size
        The labels' size in pixels (a vertical axis's label extent; the gap).
    char_width
        Width of one label character in pixels (default ``0.64 * font_size``, a
        digit of DejaVu Sans).
    vertical
        True for a y axis (labels are measured by their height).
    min_spacing
        Fewest pixels between ticks (default ``5 * font_size`` along x,
        ``3.5 * font_size`` along y).

    Examples
    --------
    >>> ticks(0, 1, 400).labels
    ('0.0', '0.2', '0.4', '0.6', '0.8', '1.0')
    >>> ticks(-3, 3, 600, scale="log").labels
    ('10⁻³', '10⁻²', '10⁻¹', '10⁰', '10¹', '10²', '10³')
    """
    if scale not in SCALES:
        raise ValueError(f"ticks: scale must be one of {', '.join(SCALES)}, not {scale!r}")
    given = {"lo": lo, "hi": hi, "length": length}
    for name, value in given.items():
        try:
            given[name] = float(value)
        except (TypeError, ValueError):
            given[name] = math.nan
        if not math.isfinite(given[name]):
            raise ValueError(f"ticks: {name} must be a finite number, not {value!r}")
    lo, hi = min(given["lo"], given["hi"]), max(given["lo"], given["hi"])
    length = given["length"]
    if hi == lo or length <= 0:
        return Ticks((), ())
    rule = _Rule(lo, hi, float(length), float(font_size), vertical, char_width, min_spacing)
    if scale == "linear":
        return rule.linear()
    if scale == "log":
        return rule.log()
    return rule.time()


def pow10(k: int) -> float:
    """10**k as the float nearest to it (parsed, as JavaScript's Number("1e<k>") is)."""
    return float(f"1e{k}")


def _scaled(n: float, k: int) -> float:
    """n * 10**k for an integer n, rounded once."""
    return n * pow10(k) if k >= 0 else n / pow10(-k)


def _decade(x: float) -> int:
    """The k with 10**k <= x < 10**(k + 1), for x > 0."""
    k = math.floor(math.log10(x))
    while pow10(k) > x:
        k -= 1
    while pow10(k + 1) <= x:
        k += 1
    return k


def _digits(n: float) -> str:
    """The decimal digits of a non-negative integer held in a float."""
    return str(int(n))


def decimal_label(n: float, k: int, scientific: bool) -> str:
    """The exact decimal n * 10**k (n an integer) with max(0, -k) decimals, or in
    scientific notation with the mantissa's significant digits."""
    if n == 0:
        return "0" if scientific or k >= 0 else "0." + "0" * -k
    sign = MINUS if n < 0 else ""
    digits = _digits(abs(n))
    if scientific:
        significant = digits.rstrip("0")
        exponent = len(digits) - 1 + k
        mantissa = significant[0] + ("." + significant[1:] if len(significant) > 1 else "")
        return f"{sign}{mantissa}e{str(exponent).replace('-', MINUS)}"
    if k >= 0:
        return sign + digits + "0" * k
    digits = digits.rjust(-k + 1, "0")
    return f"{sign}{digits[:k]}.{digits[k:]}"


def decade_label(e: int) -> str:
    """10 to the integer power ``e``, with superscript digits: ``10⁻³``."""
    return "10" + str(e).translate(_SUPERSCRIPT)


class _Rule:
    """The search for the smallest step whose labels fit, for one range and axis."""

    def __init__(self, lo, hi, length, font_size, vertical, char_width, min_spacing):
        self.lo, self.hi, self.length = lo, hi, length
        self.font_size = font_size
        self.vertical = vertical
        self.char_width = 0.64 * font_size if char_width is None else float(char_width)
        default = (3.5 if vertical else 5.0) * font_size
        self.min_spacing = default if min_spacing is None else float(min_spacing)

    # ---- shared ---------------------------------------------------------------------
    def pixels(self, position: float) -> float:
        return (position - self.lo) / (self.hi - self.lo) * self.length

    def fits(self, positions: list[float], labels: list[str]) -> bool:
        """No two neighbouring labels closer than half a font size."""
        gap = 0.5 * self.font_size
        previous = None
        for position, label in zip(positions, labels):
            extent = self.font_size if self.vertical else len(label) * self.char_width
            at = self.pixels(position)
            if previous is not None:
                if at - previous[0] < (extent + previous[1]) / 2 + gap:
                    return False
            previous = (at, extent)
        return True

    def first_step(self, span: float) -> tuple[int, int]:
        """The smallest nice step (m, k), m * 10**k, at least ``span`` units."""
        k = _decade(span)
        for m in (1, 2, 5):
            if _scaled(m, k) >= span:
                return m, k
        return 1, k + 1

    # ---- linear ---------------------------------------------------------------------
    def multiples(self, lo: float, hi: float, m: int, k: int) -> list[float] | None:
        """The integers N (multiples of m) with N * 10**k in [lo, hi]; None if too many."""
        step = _scaled(m, k)
        n0, n1 = math.ceil(lo / step), math.floor(hi / step)
        if max(abs(n0), abs(n1)) * m > _MAX_INT or n1 - n0 > 1000:
            return None
        return [float(n * m) for n in range(n0, n1 + 1)]

    def linear_labels(self, ns: list[float], k: int) -> list[str]:
        biggest = max(abs(n) for n in ns)
        exponent = len(_digits(biggest)) - 1 + k if biggest else 0
        scientific = biggest != 0 and (exponent >= 6 or exponent <= -5)
        return [decimal_label(n, k, scientific) for n in ns]

    def nice(self, lo: float, hi: float, first: tuple[int, int], place) -> Ticks | None:
        """Steps from ``first`` up, values in [lo, hi] placed by ``place``: the first fit."""
        m, k = first
        for _ in range(60):
            ns = self.multiples(lo, hi, m, k)
            if ns is None:
                return Ticks((), ())
            labels = self.linear_labels(ns, k) if ns else []
            positions = [place(_scaled(n, k)) for n in ns]
            if len(ns) <= 1 or self.fits(positions, labels):
                minor = self.linear_minor(lo, hi, m, k, place)
                return Ticks(tuple(positions), tuple(labels), minor)
            m, k = (2, k) if m == 1 else (5, k) if m == 2 else (1, k + 1)
        return Ticks((), ())

    def linear_minor(self, lo, hi, m, k, place) -> tuple[float, ...]:
        mm, kk = {1: (2, k - 1), 2: (5, k - 1), 5: (1, k)}[m]
        ns = self.multiples(lo, hi, mm, kk)
        if ns is None:
            return ()
        major = m * (10 if kk < k else 1)  # the major step in units of 10**kk
        return tuple(place(_scaled(n, kk)) for n in ns if n % major != 0)

    def raw_step(self) -> float:
        """The step that puts ticks ``min_spacing`` apart, or a fifth of the range if
        smaller (then the first nice step leaves at least two ticks to try)."""
        span = self.hi - self.lo
        return min(span * self.min_spacing / self.length, span / 5)

    def linear(self) -> Ticks:
        raw = self.raw_step()
        return self.nice(self.lo, self.hi, self.first_step(raw), lambda v: v)

    # ---- log --------------------------------------------------------------------------
    def log(self) -> Ticks:
        lo, hi = self.lo, self.hi
        if hi - lo < 1:  # less than a decade: linear steps of the values
            vlo, vhi = 10.0**lo, 10.0**hi
            raw = min(self.min_spacing * (hi - lo) * vlo * _LN10 / self.length, (vhi - vlo) / 5)
            return self.nice(vlo, vhi, self.first_step(raw), math.log10)
        per_decade = self.length / (hi - lo)
        step = max(1.0, min(self.min_spacing / per_decade, (hi - lo) / 5))
        m, k = self.first_step(step)
        for _ in range(60):
            every = int(_scaled(m, k))
            decades = [e for e in range(math.ceil(lo), math.floor(hi) + 1) if e % every == 0]
            labels = [decade_label(e) for e in decades]
            if len(decades) <= 1 or self.fits([float(e) for e in decades], labels):
                break
            m, k = (2, k) if m == 1 else (5, k) if m == 2 else (1, k + 1)
        if every == 1:  # 2..9 times each decade, where each is 2 pixels from the next
            gap = per_decade * (math.log10(10) - math.log10(9))
            minor = [
                e + math.log10(j)
                for e in range(math.floor(lo), math.ceil(hi) + 1)
                for j in range(2, 10)
                if gap >= 2
            ]
        else:
            minor = [float(e) for e in range(math.ceil(lo), math.floor(hi) + 1) if e % every]
        minor = [v for v in minor if lo <= v <= hi]
        return Ticks(tuple(float(e) for e in decades), tuple(labels), tuple(minor))

    # ---- time -------------------------------------------------------------------------
    def time(self) -> Ticks:
        raw = self.raw_step()
        for unit, step in _time_steps(raw):
            found = self.time_ticks(unit, step)
            if found is None:
                return Ticks((), ())
            positions, labels = found
            if len(positions) <= 1 or self.fits(positions, labels):
                return Ticks(tuple(positions), tuple(labels))
        return Ticks((), ())

    def time_ticks(self, unit: str, step: float) -> tuple[list[float], list[str]] | None:
        lo, hi = self.lo, self.hi
        if unit == "sub":  # step = (m, k): m * 10**k seconds, k < 0
            m, k = step
            ns = self.multiples(lo, hi, m, k)
            if ns is None:
                return None
            scale = int(pow10(-k))
            labels = []
            for n in ns:
                whole = math.floor(n / scale)  # exact: n is an integer below 2**53
                fraction = int(n - whole * scale)
                clock = _clock(whole, seconds=True)
                labels.append(f"{clock}.{str(fraction).rjust(-k, '0')}")
            return [_scaled(n, k) for n in ns], labels
        if unit in ("second", "day"):
            seconds = int(step)
            offset = 4 * _DAY if step in (7 * _DAY, 14 * _DAY) else 0  # weeks start on Mondays
            n0 = math.ceil((lo - offset) / seconds)
            n1 = math.floor((hi - offset) / seconds)
            if n1 - n0 > 1000:
                return None
            values = [n * seconds + offset for n in range(n0, n1 + 1)]
            if step >= _DAY:
                labels = [_date(v // _DAY) for v in values]
            else:
                days = {v // _DAY for v in values}
                labels = [
                    (_date(v // _DAY)[5:] + " " if len(days) > 1 else "")
                    + _clock(v, seconds=step < 60)
                    for v in values
                ]
            return [float(v) for v in values], labels
        # months and years: calendar steps
        y0, m0, _ = _civil(math.floor(lo / _DAY))
        y1, _, _ = _civil(math.floor(hi / _DAY))
        months = int(step) if unit == "month" else int(step) * 12
        first, last = y0 * 12 + m0 - 1, y1 * 12 + 11
        start = first - first % months + (months if first % months else 0)
        if (last - start) // months > 1000:
            return None
        values, labels = [], []
        for index in range(start, last + 1, months):
            year, month = index // 12, index % 12 + 1
            at = float(_days(year, month, 1) * _DAY)
            if lo <= at <= hi:
                values.append(at)
                labels.append(f"{year:04d}-{month:02d}" if unit == "month" else f"{year}")
        return values, labels


def _time_steps(raw: float):
    """(unit, step) from the smallest step at least ``raw`` seconds, ascending."""
    steps: list[tuple[str, object, float]] = []
    if raw < 1:
        m, k = _Rule.first_step(None, raw)  # type: ignore[arg-type]
        while k < 0:
            steps.append(("sub", (m, k), _scaled(m, k)))
            m, k = (2, k) if m == 1 else (5, k) if m == 2 else (1, k + 1)
    for s in (1, 2, 5, 10, 15, 30):
        steps.append(("second", s, s))
    for s in (1, 2, 5, 10, 15, 30):
        steps.append(("second", 60 * s, 60 * s))
    for s in (1, 2, 3, 6, 12):
        steps.append(("second", 3600 * s, 3600 * s))
    for s in (1, 2, 7, 14):
        steps.append(("day", s * _DAY, s * _DAY))
    for s in _MONTH_STEPS:
        steps.append(("month", s, s * 30.4375 * _DAY))
    for unit, step, seconds in steps:
        if seconds >= raw or unit == "sub":
            yield unit, step
    m, k = 1, 0
    while True:  # years: 1, 2, 5, 10, ...
        years = int(_scaled(m, k))
        if years * 365.25 * _DAY >= raw or years > 1e9:
            yield "year", years
        if years > 1e9:
            return
        m, k = (2, k) if m == 1 else (5, k) if m == 2 else (1, k + 1)


def _days(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _civil(days: int) -> tuple[int, int, int]:
    """(year, month, day) of the day ``days`` after 1970-01-01."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day


def _date(days: float) -> str:
    year, month, day = _civil(int(days))
    return f"{year:04d}-{month:02d}-{day:02d}"


def _clock(t: float, *, seconds: bool) -> str:
    """The time of day of ``t`` (whole seconds since 1970): HH:MM, or HH:MM:SS."""
    t = int(t) % _DAY
    hm = f"{t // 3600:02d}:{t % 3600 // 60:02d}"
    return f"{hm}:{t % 60:02d}" if seconds else hm
