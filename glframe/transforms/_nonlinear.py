"""Nonlinear transforms: polar, logarithmic, Mercator and a fisheye lens.

Each acts on the Cartesian point (x/w, y/w, z/w) and returns w = 1, on the
CPU (numpy, float64) and in its GLSL snippets (float32). Points outside a
transform's domain (a log of a non-positive value, a latitude beyond ±90°)
become NaN or infinity quietly: plots meet such data routinely and a warning
per frame would help nobody.

Every parameter is a uniform on the GPU; where precision matters the uniform
holds a value precomputed in float64 (``LogTransform`` passes ``1 / ln(base)``
rather than the base, so bases close to 1 stay accurate in float32).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._base import BaseTransform, make_cartesian

__all__ = ["PolarTransform", "LogTransform", "MercatorTransform", "MagnifyTransform"]


class PolarTransform(BaseTransform):
    """Polar to Cartesian: (theta, r) -> (r cos theta, r sin theta); z passes through.

    The inverse uses ``atan2`` and ``hypot``, so it is a bijection for r > 0
    and theta in (-pi, pi); other angles come back wrapped into that range.

    Examples
    --------
    >>> import numpy as np
    >>> from glframe.transforms import PolarTransform
    >>> polar = PolarTransform()
    >>> polar.map([np.pi / 2, 2.0]).round(12)
    array([0., 2.])
    >>> polar.imap([0.0, 2.0]).round(12)
    array([1.57079633, 2.        ])
    """

    orthogonal = True  # rays and circles cross at right angles
    _glsl_names = ("polar_map", "polar_imap")

    def _map(self, pos: np.ndarray) -> np.ndarray:
        p = make_cartesian(pos)
        theta, r = p[:, 0], p[:, 1]
        cos, sin = np.cos(theta), np.sin(theta)
        np.multiply(r, cos, out=theta)
        np.multiply(r, sin, out=r)
        return p

    def _imap(self, pos: np.ndarray) -> np.ndarray:
        p = make_cartesian(pos)
        x, y = p[:, 0], p[:, 1]
        theta, r = np.arctan2(y, x), np.hypot(x, y)
        x[:], y[:] = theta, r
        return p


class LogTransform(BaseTransform):
    """A logarithm per axis: x' = log_b(x); the inverse is b ** x'.

    Parameters
    ----------
    base
        One base per axis (1 to 3 values; missing axes are 0). A base of 0 or
        None leaves that axis unchanged; others must be positive and not 1.

    Examples
    --------
    >>> from glframe.transforms import LogTransform
    >>> log = LogTransform(base=(10, 0))         # log10 on x, y unchanged
    >>> log.map([[1000.0, 5.0]])
    array([[3., 5.]])
    >>> log.imap([[2.0, 5.0]])
    array([[100.,   5.]])
    """

    separable = orthogonal = True
    _glsl_names = ("log_map", "log_imap")

    def __init__(self, base: ArrayLike | None = (10.0, 10.0, 0.0)) -> None:
        super().__init__()
        self._set_base(base)

    @property
    def base(self) -> tuple[float, float, float]:
        """The base per axis, 0 where the axis is unchanged."""
        return tuple(float(b) for b in self._base)

    @base.setter
    def base(self, value: ArrayLike | None) -> None:
        self._set_base(value)
        self._update()

    def _set_base(self, value: ArrayLike | None) -> None:
        items = [value] if value is None or np.ndim(value) == 0 else list(value)
        if not 1 <= len(items) <= 3:
            raise ValueError(f"LogTransform: base takes 1 to 3 values, not {value!r}")
        base = np.array([0.0 if b is None else float(b) for b in items] + [0.0] * (3 - len(items)))
        bad = [b for b in base if b != 0 and not (b > 0 and b != 1 and np.isfinite(b))]
        if bad:
            raise ValueError(f"LogTransform: a base must be 0 (none), or positive and not 1: {bad}")
        self._base = base
        self._axes = np.flatnonzero(base)
        self._ln = np.zeros(3)
        self._ln[self._axes] = np.log(base[self._axes])

    # A log on x or y bends the x-y plane; on z alone it does not.
    @property
    def isotropic(self) -> bool:
        return not (self._base[0] or self._base[1])

    nonscaling = isotropic

    def _map(self, pos: np.ndarray) -> np.ndarray:
        out = make_cartesian(pos)
        with np.errstate(divide="ignore", invalid="ignore"):
            for i in self._axes:
                column = out[:, i]
                np.log(column, out=column)
                column *= 1.0 / self._ln[i]
        return out

    def _imap(self, pos: np.ndarray) -> np.ndarray:
        out = make_cartesian(pos)
        with np.errstate(over="ignore"):
            for i in self._axes:
                column = out[:, i]
                column *= self._ln[i]
                np.exp(column, out=column)
        return out

    def _uniforms(self, which: str) -> dict[str, tuple[str, str, Any]]:
        if which == "map":
            inv = np.zeros(3)
            inv[self._axes] = 1.0 / self._ln[self._axes]
            return {"factor": ("u_log_inv_ln_base", "vec3", tuple(inv))}
        return {"factor": ("u_log_ln_base", "vec3", tuple(self._ln))}

    def __repr__(self) -> str:
        return f"<LogTransform base={list(self.base)}>"


class MercatorTransform(BaseTransform):
    """The Mercator projection of (longitude, latitude) in degrees.

    x = longitude; y = degrees(ln(tan(pi/4 + latitude/2))), so y is in
    "degrees at the equator" and the map is conformal on the sphere. The
    domain is |latitude| < 85 (the poles go to infinity). It is separable:
    x depends on the longitude only, y on the latitude only.

    Both sides compute y as asinh(tan(latitude)) and the latitude as
    atan(sinh(y)), the same functions written so that the equator maps to
    exactly 0 and small latitudes keep their relative precision.

    Examples
    --------
    >>> from glframe.transforms import MercatorTransform
    >>> merc = MercatorTransform()
    >>> merc.map([[10.0, 0.0], [10.0, 60.0]]).round(3)
    array([[10.   ,  0.   ],
           [10.   , 75.456]])
    >>> merc.imap([10.0, 75.456]).round(3)
    array([10., 60.])
    """

    separable = orthogonal = True
    _glsl_names = ("mercator_map", "mercator_imap")

    def _map(self, pos: np.ndarray) -> np.ndarray:
        out = make_cartesian(pos)
        with np.errstate(invalid="ignore"):
            out[:, 1] = np.degrees(np.arcsinh(np.tan(np.radians(out[:, 1]))))
        return out

    def _imap(self, pos: np.ndarray) -> np.ndarray:
        out = make_cartesian(pos)
        with np.errstate(over="ignore"):
            out[:, 1] = np.degrees(np.arctan(np.sinh(np.radians(out[:, 1]))))
        return out


class MagnifyTransform(BaseTransform):
    """A fisheye lens: magnifies a disc around ``center``, leaves the rest unchanged.

    At distance d < ``radius`` from the centre a point moves radially to
    d' = d * mag / (1 + (mag - 1) * d / radius): the magnification is ``mag``
    at the centre and falls smoothly to 1 at the rim, where d' = d, so the
    lens joins the unchanged outside without a seam. d' grows with d, so the
    map is a bijection; its inverse is d = d' / (mag - (mag - 1) * d' / radius).
    Acts on x and y only.

    Parameters
    ----------
    center
        (x, y) of the lens.
    mag
        Magnification at the centre, >= 1 (1 is the identity).
    radius
        Radius of the lens, > 0.

    Examples
    --------
    >>> from glframe.transforms import MagnifyTransform
    >>> lens = MagnifyTransform(center=(0, 0), mag=3, radius=1)
    >>> lens.map([[0.1, 0.0], [0.5, 0.0], [2.0, 0.0]]).round(4)
    array([[0.25, 0.  ],
           [0.75, 0.  ],
           [2.  , 0.  ]])
    >>> lens.imap([0.75, 0.0]).round(12)
    array([0.5, 0. ])
    """

    _glsl_names = ("magnify_map", "magnify_imap")

    def __init__(
        self, center: ArrayLike = (0.0, 0.0), mag: float = 3.0, radius: float = 1.0
    ) -> None:
        super().__init__()
        self._center = np.zeros(2)
        self._mag = 1.0
        self._radius = 1.0
        self._set(center=center, mag=mag, radius=radius)

    @property
    def center(self) -> np.ndarray:
        """(x, y) of the lens centre."""
        return self._center.copy()

    @center.setter
    def center(self, value: ArrayLike) -> None:
        self._set(center=value)
        self._update()

    @property
    def mag(self) -> float:
        """Magnification at the centre (>= 1)."""
        return self._mag

    @mag.setter
    def mag(self, value: float) -> None:
        self._set(mag=value)
        self._update()

    @property
    def radius(self) -> float:
        """Radius of the lens (> 0)."""
        return self._radius

    @radius.setter
    def radius(self, value: float) -> None:
        self._set(radius=value)
        self._update()

    def _set(
        self, center: ArrayLike | None = None, mag: float | None = None, radius: float | None = None
    ) -> None:
        if center is not None:
            c = np.asarray(center, dtype=np.float64)
            if c.shape != (2,) or not np.isfinite(c).all():
                raise ValueError(f"MagnifyTransform: center must be finite (x, y), not {center!r}")
            self._center = c.copy()
        if mag is not None:
            if not (np.isfinite(mag) and mag >= 1):
                raise ValueError(f"MagnifyTransform: mag must be >= 1, not {mag!r}")
            self._mag = float(mag)
        if radius is not None:
            if not (np.isfinite(radius) and radius > 0):
                raise ValueError(f"MagnifyTransform: radius must be > 0, not {radius!r}")
            self._radius = float(radius)

    def _radial(self, pos: np.ndarray, inverse: bool) -> np.ndarray:
        out = make_cartesian(pos)
        d = out[:, :2] - self._center
        r = np.hypot(d[:, 0], d[:, 1])
        inside = r < self._radius
        k = (self._mag - 1.0) / self._radius
        ri = r[inside]
        factor = 1.0 / (self._mag - k * ri) if inverse else self._mag / (1.0 + k * ri)
        out[inside, :2] = self._center + d[inside] * factor[:, np.newaxis]
        return out

    def _map(self, pos: np.ndarray) -> np.ndarray:
        return self._radial(pos, inverse=False)

    def _imap(self, pos: np.ndarray) -> np.ndarray:
        return self._radial(pos, inverse=True)

    def _uniforms(self, which: str) -> dict[str, tuple[str, str, Any]]:
        return {
            "center": ("u_magnify_center", "vec2", tuple(self._center)),
            "mag": ("u_magnify_mag", "float", self._mag),
            "radius": ("u_magnify_radius", "float", self._radius),
        }

    def __repr__(self) -> str:
        return (
            f"<MagnifyTransform center={self._center.tolist()} mag={self._mag} "
            f"radius={self._radius}>"
        )
