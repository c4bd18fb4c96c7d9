"""Origins for positions far from zero: float64 data drawn without losing precision.

float32 has 24 bits: at x = 1e7 its spacing is 1, so points one unit apart there
collapse once uploaded. A visual given float64 positions instead uploads
``positions - origin`` (subtracted in float64) and draws through a transform that
adds the origin back on the CPU in float64 (``Visual._set_origin``, see
glframe/scene/_visual.py). The origin is chosen per axis:

- 0 where the data are not far from zero compared with their extent
  (``max |v| <= FAR * (max - min)``; an axis with one value is measured against
  the widest axis, a lone point against 1): nothing is lost, the chain stays the
  plain one;
- else the centre of the finite data, rounded to a power of two not above their
  extent (a stable number: data that change a little keep their origin).

A ring buffer (Line and Markers with a ``capacity``) keeps float64 positions and
its origin while appended points stay within ``FAR`` extents of it. It looks
again (:meth:`RingOrigin.appended`) when new points go further, and every
``capacity / LOOK`` rows, since the extent also shrinks when rows roll off (a far
outlier that made it large, gone: the data left may then be far from the origin
compared with their own extent): a scan of the kept rows, amortized ``LOOK``
element reads a row. The origin changes (one full upload) only where the old one
no longer fits. So after such an outlier rolls off, at most ``capacity / LOOK``
more rows are drawn at the precision the outlier's extent allowed.

Relative to that origin every value is at most ``FAR`` extents away, so float32
keeps about ``24 - log2(FAR)`` bits of the extent. A ring buffer keeps its origin
while appended points stay within ``FAR`` extents of it (:func:`drifted`), and is
re-based (a new origin, one full upload) when they go further (see below).
"""

from __future__ import annotations

import numpy as np

__all__ = ["FAR", "LOOK", "RingOrigin", "choose_origin", "drifted", "relative"]

#: how many extents from the origin data may be before precision counts as lost
FAR = 16.0
#: a ring looks at its kept rows again every capacity / LOOK appended rows
LOOK = 16


def _extent(pos: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(min, max) per axis of the finite rows of (N, 3) ``pos``, or None."""
    if not len(pos):
        return None
    # column by column: numpy reduces a strided column ~25x faster than (N, 3) on axis 0
    lo = np.array([pos[:, i].min() for i in range(pos.shape[1])])
    hi = np.array([pos[:, i].max() for i in range(pos.shape[1])])
    if not (np.isfinite(lo).all() and np.isfinite(hi).all()):  # NaN or inf: mask them
        finite = pos[np.all(np.isfinite(pos), axis=1)]
        if not len(finite):
            return None
        lo, hi = finite.min(axis=0), finite.max(axis=0)
    return lo.astype(np.float64), hi.astype(np.float64)


def _origin_of(ext: tuple[np.ndarray, np.ndarray] | None) -> tuple[np.ndarray, np.ndarray]:
    """(origin, extent) from the data's (min, max) per axis."""
    if ext is None:
        return np.zeros(3), np.zeros(3)
    lo, hi = ext
    span = hi - lo
    far = np.maximum(np.abs(lo), np.abs(hi)) > FAR * _reference(span)
    mid = (lo + hi) / 2
    with np.errstate(divide="ignore"):
        step = np.where(span > 0, 2.0 ** np.floor(np.log2(np.where(span > 0, span, 1.0))), 0.0)
    rounded = np.where(step > 0, np.round(mid / np.where(step > 0, step, 1.0)) * step, mid)
    return np.where(far, rounded, 0.0), span


def _beyond(
    ext: tuple[np.ndarray, np.ndarray] | None, origin: np.ndarray, span: np.ndarray
) -> bool:
    """Whether data of (min, max) ``ext`` reach more than FAR extents from ``origin``."""
    if ext is None:
        return False
    reach = np.maximum(np.abs(ext[0] - origin), np.abs(ext[1] - origin))
    return bool(np.any(reach > FAR * _reference(span)))


def choose_origin(pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(origin, extent) for (N, 3) positions: see the module docstring."""
    return _origin_of(_extent(pos))


def _reference(span: np.ndarray) -> np.ndarray:
    """The extent precision is measured against: the axis's own, or for an axis with
    one value (a flat line, a lone point) the largest other one, or 1 for a point."""
    widest = span.max()
    return np.where(span > 0, span, widest if widest > 0 else 1.0)


def drifted(new: np.ndarray, origin: np.ndarray, span: np.ndarray) -> bool:
    """Whether appended (K, 3) positions are more than ``FAR`` extents from ``origin``
    on an axis (then the visual re-bases: a new origin from all its data)."""
    return _beyond(_extent(new), origin, span)


def relative(pos: np.ndarray, origin: np.ndarray) -> np.ndarray:
    """``pos - origin`` in float64, as float32 for the GPU (NaN stays NaN)."""
    if not origin.any():
        return np.asarray(pos, np.float32)
    return (np.asarray(pos, np.float64) - origin).astype(np.float32)


class RingOrigin:
    """The origin of a ring buffer's positions (see the module docstring)."""

    def __init__(self) -> None:
        self.span = np.zeros(3)  # the kept rows' extent when last looked at
        self.looked_at = 0  # the ring's total then

    def filled(self, kept: np.ndarray, total: int) -> np.ndarray:
        """The origin for a ring just filled with ``kept``."""
        origin, self.span = choose_origin(kept)
        self.looked_at = total
        return origin

    def appended(
        self, new: np.ndarray, kept: np.ndarray, origin: np.ndarray, total: int, capacity: int
    ) -> np.ndarray | None:
        """After an append of ``new``: a new origin (the ring must upload everything)
        or None (the current one keeps the kept rows' precision)."""
        period = max(capacity // LOOK, 1)
        if not drifted(new, origin, self.span) and total - self.looked_at < period:
            return None
        ext = _extent(kept)  # one scan of the kept rows
        candidate, self.span = _origin_of(ext)
        self.looked_at = total
        return candidate if _beyond(ext, origin, self.span) else None
