"""Synthetic multiscale sources computed tile by tile on demand, never stored.

:func:`mandelbrot` (a 2D ``uint8`` image of the Mandelbrot set, by default
2**27 x 2**27 pixels in 19 levels) and :func:`mandelbulb` (a 3D ``uint8``
volume of the power-8 Mandelbulb, by default 2**20 voxels a side in 15 levels)
return a :class:`~glframe.data.Multiscale` whose levels are
:class:`ComputedArray` objects: they have ``shape``, ``dtype``, ``ndim`` and
``chunks``, and slicing one computes exactly the requested region *at that
level's own resolution* (no level is a downsampled copy of another), so a
petapixel image costs nothing until a tile of it is read. They exist for
tests, demos and benchmarks of the tiled renderers.

Every level shows the same fixed window of the plane (or of space): level
``k``'s pixel ``i`` covers level-0 pixels ``[i * 2**k, (i + 1) * 2**k)``
(Multiscale's corner convention, translate 0, scale ``2**k``) and is sampled at
its centre, ``(i + 0.5) * 2**k`` in level-0 pixels. A pixel's value depends
only on its level and index, never on the region it was read with, so
overlapping reads agree exactly.

Values are computed point by point by numba kernels when numba is installed
(``_synthetic_kernels``: the Mandelbrot 2-3x faster on boundary tiles, more inside
the set; the Mandelbulb 1.3x inside, 2.5x outside; a tile's coordinates are
vectors, no broadcast copy, so a worker holds the GIL for almost none of it), else
by numpy (vectorized per block, iterating only the points still bounded); float64.
A read of several blocks (``_BLOCK`` points) outside a
:class:`~glframe.data.TileLoader`'s worker threads (the coarsest level, read on the
drawing thread at a visual's first frame) spreads its blocks (rows or planes) over
the cores; a read on a loader worker stays on that thread, the loader being
parallel already, and computes in steps of about half a millisecond (rows, planes or
points), each started after the frame being drawn (:func:`~glframe.data._frames.steps`).
A 512 x 512
Mandelbrot tile takes from under a millisecond (inside the set) to about 20 ms
compiled, 50 ms with numpy (a tile full of slowly escaping boundary points); a 64**3
Mandelbulb tile about 0.1 s inside the bulb, 15 ms outside. Detail finer than
``max_iter`` resolves is shown as "inside". Steps other than 1 and
``None``/newaxis are not supported in slicing, and a read is refused above
:attr:`ComputedArray.max_elements` elements.
"""

from __future__ import annotations

import importlib.util
import math
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from ._frames import steps
from ._loader import in_worker

__all__ = ["ComputedArray", "mandelbrot", "mandelbrot_values", "mandelbulb", "mandelbulb_values"]

# Points are iterated in blocks of this many so that the temporaries of one
# block (a dozen float64 arrays) stay in cache and memory stays bounded
# whatever the region's size.
_BLOCK = 1 << 16

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
# the compiled kernels (``_synthetic_kernels``) when numba is installed; off for tests
# of the numpy fallback
USE_NUMBA = importlib.util.find_spec("numba") is not None


def _load_kernels() -> None:
    """Import the compiled kernels and load their code now (when numba is installed).

    :func:`mandelbrot` and :func:`mandelbulb` call it, so that importing numba (0.2 s) and loading
    its cached code is not the first tile's cost, which a first frame waits for.
    """
    if USE_NUMBA:
        from . import _synthetic_kernels as k

        one, u8 = np.zeros(1), np.empty(1, np.uint8)
        k.mandelbrot_block(one, one, 1, 4.0, u8)
        k.mandelbrot_grid(one, one, 1, 4.0, u8.reshape(1, 1))
        k.mandelbulb_block(one, one, one, 1.0, 1, 8, 4.0, u8)
        k.mandelbulb_grid(one, one, one, 1.0, 1, 8, 4.0, u8.reshape(1, 1, 1))


def _blocks_pool() -> ThreadPoolExecutor | None:
    """The threads that share a read's blocks (one per core), or None: on one core, and
    on a TileLoader's worker threads, which already read in parallel."""
    global _pool

    cores = os.cpu_count() or 1
    if cores < 2 or in_worker():
        return None
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(cores, thread_name_prefix="glframe-synthetic")
        return _pool


class ComputedArray:
    """An array-like whose regions are computed on demand by a function.

    Parameters
    ----------
    shape
        The array's shape.
    dtype
        The dtype of what ``compute`` returns.
    compute
        ``compute(bounds) -> ndarray``: ``bounds`` is one ``(start, stop)`` pair
        per axis (``0 <= start < stop <= shape[axis]``), the result has shape
        ``(stop - start, ...)`` and must depend on each element's index only.
    chunks
        The natural tile shape (what a reader should ask for), default
        ``shape``.
    name
        A label for messages.

    Examples
    --------
    >>> import numpy as np
    >>> def ramp(bounds):
    ...     (r0, r1), (c0, c1) = bounds
    ...     return np.add.outer(np.arange(r0, r1), np.arange(c0, c1)).astype(np.int64)
    >>> a = ComputedArray((10**9, 10**9), np.int64, ramp, name="ramp")
    >>> a[5:7, -2:]
    array([[1000000003, 1000000004],
           [1000000004, 1000000005]])
    >>> a[3, 4]
    np.int64(7)
    """

    #: The most elements one read may return (a whole deep level would not fit
    #: in memory; read it by tiles).
    max_elements = 1 << 27

    def __init__(
        self,
        shape: tuple[int, ...],
        dtype: Any,
        compute: Callable[[tuple[tuple[int, int], ...]], np.ndarray],
        *,
        chunks: tuple[int, ...] | None = None,
        name: str = "ComputedArray",
    ) -> None:
        self.shape = tuple(int(n) for n in shape)
        if any(n < 0 for n in self.shape):
            raise ValueError(f"{name}: shape must be non-negative, not {shape!r}")
        self.dtype = np.dtype(dtype)
        self.chunks = tuple(int(c) for c in (chunks if chunks is not None else self.shape))
        if len(self.chunks) != len(self.shape):
            raise ValueError(f"{name}: chunks {chunks!r} do not match shape {self.shape}")
        self.name = name
        self._compute = compute

    @property
    def ndim(self) -> int:
        """Number of axes."""
        return len(self.shape)

    @property
    def size(self) -> int:
        """Number of elements (never materialized)."""
        return math.prod(self.shape)

    def __getitem__(self, key: Any) -> np.ndarray:
        """Compute the region ``key`` selects (ints, step-1 slices, one Ellipsis)."""
        bounds, drop = self._bounds(key)
        out_shape = tuple(b - a for a, b in bounds)
        n = math.prod(out_shape)
        if n > self.max_elements:
            raise MemoryError(
                f"{self.name}: a read of {out_shape} ({n} elements) exceeds max_elements="
                f"{self.max_elements}; read it by tiles of {self.chunks}"
            )
        if n == 0:
            out = np.zeros(out_shape, self.dtype)
        else:
            out = np.asarray(self._compute(bounds), self.dtype)
            if out.shape != out_shape:
                raise ValueError(
                    f"{self.name}: compute returned shape {out.shape} for bounds {bounds}, "
                    f"expected {out_shape}"
                )
        if drop:
            out = out[tuple(0 if d else slice(None) for d in drop)]
        return out

    def _bounds(self, key: Any) -> tuple[tuple[tuple[int, int], ...], tuple[bool, ...]]:
        key = key if isinstance(key, tuple) else (key,)
        if sum(k is Ellipsis for k in key) > 1:
            raise IndexError(f"{self.name}: at most one Ellipsis in an index, not {key!r}")
        if Ellipsis in key:
            i = key.index(Ellipsis)
            fill = self.ndim - (len(key) - 1)
            key = key[:i] + (slice(None),) * max(fill, 0) + key[i + 1 :]
        if len(key) > self.ndim:
            raise IndexError(
                f"{self.name}: too many indices ({len(key)}) for {self.ndim} axes: {key!r}"
            )
        key = key + (slice(None),) * (self.ndim - len(key))
        bounds, drop = [], []
        for axis, (k, n) in enumerate(zip(key, self.shape)):
            if isinstance(k, slice):
                start, stop, step = k.indices(n)
                if step != 1:
                    raise IndexError(
                        f"{self.name}: only step-1 slices are computed, not step {step} on "
                        f"axis {axis}; read a coarser level instead"
                    )
                bounds.append((start, max(start, stop)))
                drop.append(False)
            elif isinstance(k, (int, np.integer)) and not isinstance(k, bool):
                i = int(k) + n if k < 0 else int(k)
                if not 0 <= i < n:
                    raise IndexError(
                        f"{self.name}: index {int(k)} is out of bounds for axis {axis} of size {n}"
                    )
                bounds.append((i, i + 1))
                drop.append(True)
            else:
                raise IndexError(
                    f"{self.name}: only ints, step-1 slices and Ellipsis index a computed "
                    f"array, not {k!r} on axis {axis}"
                )
        return tuple(bounds), tuple(drop) if any(drop) else ()

    def __array__(self, dtype=None, copy=None):
        # A whole level is usually far too big: allow it only under max_elements,
        # through the same guarded path as any read.
        out = self[...]
        return out if dtype is None else out.astype(dtype)

    def __repr__(self) -> str:
        return f"<{self.name} {self.shape} {self.dtype} computed on demand, chunks {self.chunks}>"


# -- validation --------------------------------------------------------------------------


def _check_size_tile(what: str, size: Any, tile: Any, max_size: int) -> int:
    """Validate ``size`` = ``tile`` * 2**n; return the number of levels n + 1."""
    for label, v in (("size", size), ("tile", tile)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{what}: {label} must be an int, not {v!r}")
    size, tile = int(size), int(tile)
    if tile < 1:
        raise ValueError(f"{what}: tile must be >= 1, not {tile}")
    if size < tile or size % tile or (size // tile) & (size // tile - 1):
        raise ValueError(
            f"{what}: size must be tile * 2**n (n >= 0) so that every level halves down to "
            f"one tile; size={size} and tile={tile} are not"
        )
    if size > max_size:
        raise ValueError(
            f"{what}: size must be at most {max_size} (2**{max_size.bit_length() - 1}), where "
            f"float64 still resolves the pixels; not {size}"
        )
    return (size // tile).bit_length()


def _check_max_iter(what: str, max_iter: Any) -> int:
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ValueError(f"{what}: max_iter must be an int >= 1, not {max_iter!r}")
    return int(max_iter)


# -- Mandelbrot ---------------------------------------------------------------------------

# Escape radius: a large one makes the smooth (continuous) iteration count accurate.
_BAILOUT = 256.0
# The smooth count is measured against radius 2 (the set's own bound), so that
# points far outside count about 0 whatever the bailout.
_LOG2 = math.log(2.0)


def mandelbrot_values(re: Any, im: Any, max_iter: int = 256) -> np.ndarray:
    """The uint8 value of the Mandelbrot set's escape time at points ``re + 1j * im``.

    Points that stay bounded for ``max_iter`` iterations (or are proven inside:
    the main cardioid, the period-2 disc, or an orbit that returns to itself) are
    255. Escaping points get the smooth iteration count
    ``mu = n - log2(ln|z_n| / ln 2)`` (continuous in ``c``; ``n`` the first
    iteration with ``|z_n| > 256``, ``z_1 = c``; about the iterations ``|z|``
    takes to pass 2) mapped to ``round(254 * log1p(max(mu, 0)) / log1p(max_iter +
    1))``, so about 0 far outside and rising towards the set.

    Parameters
    ----------
    re, im
        Real and imaginary parts (broadcast together), float64.
    max_iter
        The most iterations per point.

    Returns
    -------
    numpy.ndarray
        uint8, the broadcast shape.

    Examples
    --------
    >>> mandelbrot_values([-0.75, 1.0, 0.3], [0.0, 1.0, 0.6], max_iter=100)
    array([255,  45, 149], dtype=uint8)
    """
    max_iter = _check_max_iter("mandelbrot_values", max_iter)
    re, im = np.broadcast_arrays(np.asarray(re, np.float64), np.asarray(im, np.float64))
    cr, ci = re.ravel(), im.ravel()
    out = np.empty(cr.size, np.uint8)

    def block(s: int, e: int) -> None:
        out[s:e] = _mandelbrot_block(cr[s:e], ci[s:e], max_iter)

    _bands(block, cr.size, _BLOCK, first=256)
    return out.reshape(re.shape)


def _bands(work: Callable[[int, int], None], n: int, band: int, first: int = 1) -> None:
    """``work(start, stop)`` over ``range(n)`` (rows, planes or points).

    On a loader's worker: in steps of about half a millisecond on this thread, each
    started after the frame being drawn, if any (:func:`~glframe.data._frames.steps`;
    the loader is parallel already, and the worker yields the cores to the drawing
    thread). Elsewhere (the coarsest level, read on the drawing thread): in bands of
    ``band`` units spread over the cores when there are several (``_blocks_pool``).
    """
    if in_worker():
        for s, e in steps(n, first=first):
            work(s, e)
        return
    band = max(1, band)
    starts = range(0, n, band)
    pool = _blocks_pool() if len(starts) > 1 else None
    if pool is None:
        for s in starts:
            work(s, min(n, s + band))
    else:  # map re-raises a band's error
        for _ in pool.map(lambda s: work(s, min(n, s + band)), starts):
            pass


def _mandelbrot_grid(re: np.ndarray, im: np.ndarray, max_iter: int) -> np.ndarray:
    """``mandelbrot_values(re[None, :], im[:, None])`` by the compiled grid kernel.

    Bands of rows go to the cores as ``mandelbrot_values``' blocks do (not on a
    loader's worker); the kernel holds the GIL for none of it, and no broadcast
    copy of the coordinates is made, which held the GIL against the drawing thread.
    """
    from ._synthetic_kernels import mandelbrot_grid

    out = np.empty((im.size, re.size), np.uint8)
    bailout2 = _BAILOUT * _BAILOUT

    def rows(s: int, e: int) -> None:
        mandelbrot_grid(re, im[s:e], max_iter, bailout2, out[s:e])

    _bands(rows, im.size, _BLOCK // max(re.size, 1))
    return out


def _mandelbrot_block(cr: np.ndarray, ci: np.ndarray, max_iter: int) -> np.ndarray:
    if USE_NUMBA:
        from ._synthetic_kernels import mandelbrot_block

        out = np.empty(cr.size, np.uint8)
        mandelbrot_block(cr, ci, max_iter, _BAILOUT * _BAILOUT, out)
        return out
    out = np.full(cr.size, 255, np.uint8)
    ci2 = ci * ci
    # Main cardioid and period-2 disc (closed forms): most of the set's area, which
    # would otherwise cost max_iter iterations per point.
    xq = cr - 0.25
    q = xq * xq + ci2
    inside = (q * (q + xq) <= 0.25 * ci2) | ((cr + 1.0) ** 2 + ci2 <= 0.0625)
    idx = np.flatnonzero(~inside)
    cr, ci = cr[idx], ci[idx]
    zr, zi = cr.copy(), ci.copy()  # z_1 = c
    sr, si = zr.copy(), zi.copy()  # saved orbit point for cycle detection
    alive = np.ones(idx.size, bool)
    dead = 0
    zr2, zi2, mag = np.empty_like(zr), np.empty_like(zr), np.empty_like(zr)
    scale = 254.0 / math.log1p(max_iter + 1)
    bail2 = _BAILOUT * _BAILOUT
    for n in range(1, max_iter + 1):
        np.multiply(zr, zr, out=zr2)
        np.multiply(zi, zi, out=zi2)
        np.add(zr2, zi2, out=mag)
        done = np.flatnonzero(mag > bail2)
        if done.size:
            mu = n - np.log2(0.5 * np.log(mag[done]) / _LOG2)
            out[idx[done]] = np.clip(np.rint(scale * np.log1p(mu)), 0, 254)
        # Attracting cycles: an orbit back (within rounding) at the point saved at the
        # last power-of-two iteration is bounded forever (minibrots, other bulbs).
        # Checked every 4th iteration only (a cycle recurs, so it is found a little
        # later): the check costs as much as the iteration itself.
        if n > 8 and not n & 3:
            cyc = np.flatnonzero((np.abs(zr - sr) + np.abs(zi - si) < 1e-13) & alive)
            done = np.concatenate([done, cyc]) if cyc.size else done
        if done.size:
            # Finished points are frozen at z = c = 0 (a fixed point that never escapes)
            # rather than removed: removing means copying every array, so it is done
            # only once a quarter of the points are frozen.
            for a in (zr, zi, cr, ci, zr2, zi2):
                a[done] = 0.0
            alive[done] = False
            dead += done.size
            if dead * 4 > idx.size:
                keep = np.flatnonzero(alive)
                if not keep.size:
                    break
                idx, cr, ci, zr, zi = idx[keep], cr[keep], ci[keep], zr[keep], zi[keep]
                zr2, zi2, sr, si = zr2[keep], zi2[keep], sr[keep], si[keep]
                alive, dead, mag = np.ones(keep.size, bool), 0, np.empty_like(zr)
        if n & (n - 1) == 0:
            sr, si = zr.copy(), zi.copy()
        # z <- z**2 + c, in place: im = 2 zr zi + ci, re = zr2 - zi2 + cr
        zi *= zr
        zi *= 2.0
        zi += ci
        np.subtract(zr2, zi2, out=zr)
        zr += cr
    return out


def mandelbrot(
    size: int = 2**27,
    tile: int = 512,
    *,
    max_iter: int = 256,
    center: complex = -0.75 + 0j,
    width: float = 3.0,
    name: str = "mandelbrot",
):
    """The Mandelbrot set as a 2D uint8 :class:`~glframe.data.Multiscale`, computed per tile.

    Level ``k`` has shape ``(size // 2**k, size // 2**k)``, down to one tile
    (``log2(size / tile) + 1`` levels: 19 by default). Level 0 covers the square
    window of the complex plane of side ``width`` centred on ``center``; its
    column ``x`` (in level-0 pixels, a float) is ``Re c = center.real + width *
    (x / size - 0.5)`` and its row ``y`` is ``Im c = center.imag + width * (0.5 -
    y / size)`` (row 0 at the top, as in a picture). Level ``k``'s pixel ``(i,
    j)`` is sampled at its centre ``((i + 0.5) * 2**k, (j + 0.5) * 2**k)``; values
    are :func:`mandelbrot_values` (255 inside the set).

    Parameters
    ----------
    size
        Level 0's side in pixels: ``tile * 2**n``.
    tile
        The chunk side (the coarsest level is one tile).
    max_iter
        The most iterations per pixel, the same on every level so that every
        level shows the same picture.
    center, width
        The window of the complex plane.
    name
        A label for messages.

    Returns
    -------
    Multiscale
        ``spatial_ndim=2``, scale ``2**k``, translate 0; levels are
        :class:`ComputedArray`.

    Examples
    --------
    >>> ms = mandelbrot()
    >>> ms.nlevels, ms.shape(0), ms.shape(18)
    (19, (134217728, 134217728), (512, 512))
    >>> tile = ms.read(10, (slice(0, 512), slice(512, 1024)))
    >>> tile.shape, tile.dtype
    ((512, 512), dtype('uint8'))
    """
    from ._multiscale import Multiscale

    nlevels = _check_size_tile(name, size, tile, 2**48)
    max_iter = _check_max_iter(name, max_iter)
    center = complex(center)
    width = float(width)
    if not (math.isfinite(center.real) and math.isfinite(center.imag)):
        raise ValueError(f"{name}: center must be finite, not {center!r}")
    if not (math.isfinite(width) and width > 0):
        raise ValueError(f"{name}: width must be a finite number > 0, not {width!r}")
    size, tile = int(size), int(tile)
    x0, y0 = center.real - 0.5 * width, center.imag + 0.5 * width
    _load_kernels()

    def level(k: int) -> ComputedArray:
        step = width * 2.0**k / size  # one level-k pixel in the plane

        def compute(bounds):
            (r0, r1), (c0, c1) = bounds
            # Each coordinate from its own index only, so any region gives equal pixels.
            re = x0 + (np.arange(c0, c1) + 0.5) * step
            im = y0 - (np.arange(r0, r1) + 0.5) * step
            if USE_NUMBA:
                return _mandelbrot_grid(re, im, max_iter)
            return mandelbrot_values(re[None, :], im[:, None], max_iter)

        n = size >> k
        return ComputedArray(
            (n, n), np.uint8, compute, chunks=(min(tile, n),) * 2, name=f"{name} level {k}"
        )

    return Multiscale([level(k) for k in range(nlevels)], spatial_ndim=2, name=name)


# -- Mandelbulb ---------------------------------------------------------------------------

_BULB_BAILOUT2 = 4.0  # |v| > 2 escapes: with power 8 the next step is already > 256


def _ipow(a: np.ndarray, p: int) -> np.ndarray:
    """``a**p`` for complex ``a`` and int ``p >= 1`` by repeated squaring (no pow/trig)."""
    result = None
    while True:
        if p & 1:
            result = a.copy() if result is None else result * a
        p >>= 1
        if not p:
            return result
        a = a * a


def mandelbulb_values(
    x: Any, y: Any, z: Any, voxel: float, max_iter: int = 16, power: int = 8
) -> np.ndarray:
    """The uint8 value of the power-``power`` Mandelbulb at points ``(x, y, z)``.

    The iteration is ``v <- v**power + c`` with the spherical power (radius to
    the ``power``, polar angle from +z and azimuth each times ``power``),
    ``v_1 = c``. Points still bounded (``|v| <= 2``) after ``max_iter``
    iterations are 255. An escaping point at distance estimate ``d = 0.5 ln|v|
    |v| / |v|'`` gets ``round(254 * max(0, 1 - d / voxel))``: 0 farther than one
    ``voxel`` from the surface, a one-voxel ramp up to 254 at the surface (so
    the surface is smooth for iso-surfaces and gradients at every level).

    The power is computed without trigonometry: ``(z + i rho)**p`` gives the
    radius and polar angle, ``((x + i y) / rho)**p`` the azimuth.

    Parameters
    ----------
    x, y, z
        Coordinates (broadcast together), float64.
    voxel
        The width of the surface ramp, in the same units (a voxel's side).
    max_iter
        The most iterations per point.
    power
        The Mandelbulb's power, an int >= 2.

    Returns
    -------
    numpy.ndarray
        uint8, the broadcast shape.

    Examples
    --------
    >>> mandelbulb_values([0.0, 1.2, 0.5], [0.0, 1.2, 0.0], [0.0, 1.2, 0.5], voxel=0.01)
    array([255,   0, 255], dtype=uint8)
    """
    max_iter = _check_max_iter("mandelbulb_values", max_iter)
    if isinstance(power, bool) or not isinstance(power, (int, np.integer)) or power < 2:
        raise ValueError(f"mandelbulb_values: power must be an int >= 2, not {power!r}")
    voxel = float(voxel)
    if not (math.isfinite(voxel) and voxel > 0):
        raise ValueError(f"mandelbulb_values: voxel must be a finite number > 0, not {voxel!r}")
    x, y, z = np.broadcast_arrays(*(np.asarray(v, np.float64) for v in (x, y, z)))
    cx, cy, cz = x.ravel(), y.ravel(), z.ravel()
    out = np.empty(cx.size, np.uint8)
    power = int(power)

    def block(s: int, e: int) -> None:
        out[s:e] = _mandelbulb_block(cx[s:e], cy[s:e], cz[s:e], voxel, max_iter, power)

    _bands(block, cx.size, _BLOCK, first=256)
    return out.reshape(x.shape)


def _mandelbulb_grid(x, y, z, voxel, max_iter, power):
    """``mandelbulb_values(x[None, None], y[None, :, None], z[:, None, None], ...)`` by
    the compiled grid kernel, in bands of planes as ``_mandelbrot_grid``'s rows."""
    from ._synthetic_kernels import mandelbulb_grid

    out = np.empty((z.size, y.size, x.size), np.uint8)

    def planes(s: int, e: int) -> None:
        mandelbulb_grid(x, y, z[s:e], voxel, max_iter, power, _BULB_BAILOUT2, out[s:e])

    _bands(planes, z.size, _BLOCK // max(x.size * y.size, 1))
    return out


def _mandelbulb_block(cx, cy, cz, voxel, max_iter, power):
    if USE_NUMBA:
        from ._synthetic_kernels import mandelbulb_block

        out = np.empty(cx.size, np.uint8)
        mandelbulb_block(cx, cy, cz, voxel, max_iter, power, _BULB_BAILOUT2, out)
        return out
    out = np.full(cx.size, 255, np.uint8)
    idx = np.arange(cx.size)
    vx, vy, vz = cx.copy(), cy.copy(), cz.copy()
    dr = np.ones(cx.size)  # |dv/dc|, for the distance estimate
    for _ in range(max_iter):
        rho2 = vx * vx + vy * vy
        r2 = rho2 + vz * vz
        esc = r2 > _BULB_BAILOUT2
        if esc.any():
            r = np.sqrt(r2[esc])
            dist = 0.5 * np.log(r) * r / dr[esc]
            out[idx[esc]] = np.rint(254.0 * np.clip(1.0 - dist / voxel, 0.0, 1.0))
            keep = ~esc
            idx, cx, cy, cz = idx[keep], cx[keep], cy[keep], cz[keep]
            vx, vy, vz, dr, rho2, r2 = vx[keep], vy[keep], vz[keep], dr[keep], rho2[keep], r2[keep]
            if not idx.size:
                break
        r = np.sqrt(r2)
        dr = power * _ipow(r, power - 1) * dr + 1.0
        rho = np.sqrt(rho2)
        polar = _ipow(vz + 1j * rho, power)  # r**p (cos p theta + i sin p theta)
        # On the z axis the azimuth is undefined; any unit value does (sin p theta = 0).
        safe = np.where(rho > 0, rho, 1.0)
        azim = _ipow(np.where(rho > 0, vx / safe, 1.0) + 1j * (vy / safe), power)
        vx = polar.imag * azim.real + cx
        vy = polar.imag * azim.imag + cy
        vz = polar.real + cz
    return out


def mandelbulb(
    size: int = 2**20,
    tile: int = 64,
    *,
    max_iter: int = 16,
    power: int = 8,
    width: float = 2.5,
    name: str = "mandelbulb",
):
    """The power-8 Mandelbulb as a 3D uint8 :class:`~glframe.data.Multiscale`, per tile.

    Level ``k`` has shape ``(size // 2**k,) * 3``, down to one tile
    (``log2(size / tile) + 1`` levels: 15 by default). Level 0 covers the cube
    of side ``width`` centred on the origin; axes are (plane, row, column) =
    (z, y, x), each coordinate ``width * (p / size - 0.5)`` for position ``p``
    in level-0 voxels, sampled at voxel centres ``(i + 0.5) * 2**k``. Values are
    :func:`mandelbulb_values` with ``voxel`` the level's voxel side: 255 inside,
    a one-voxel ramp at the surface, 0 outside.

    Parameters
    ----------
    size
        Level 0's side in voxels: ``tile * 2**n``.
    tile
        The chunk side (the coarsest level is one tile).
    max_iter
        The most iterations per voxel.
    power
        The Mandelbulb's power (int >= 2).
    width
        The side of the cube of space shown.
    name
        A label for messages.

    Returns
    -------
    Multiscale
        ``spatial_ndim=3``, scale ``2**k``, translate 0; levels are
        :class:`ComputedArray`.

    Examples
    --------
    >>> ms = mandelbulb()
    >>> ms.nlevels, ms.shape(0), ms.shape(14)
    (15, (1048576, 1048576, 1048576), (64, 64, 64))
    >>> int(ms.read(14, (slice(32, 33), slice(32, 33), slice(32, 33)))[0, 0, 0])
    255
    """
    from ._multiscale import Multiscale

    nlevels = _check_size_tile(name, size, tile, 2**40)
    max_iter = _check_max_iter(name, max_iter)
    if isinstance(power, bool) or not isinstance(power, (int, np.integer)) or power < 2:
        raise ValueError(f"{name}: power must be an int >= 2, not {power!r}")
    width = float(width)
    if not (math.isfinite(width) and width > 0):
        raise ValueError(f"{name}: width must be a finite number > 0, not {width!r}")
    size, tile, power = int(size), int(tile), int(power)
    lo = -0.5 * width
    _load_kernels()

    def level(k: int) -> ComputedArray:
        step = width * 2.0**k / size  # one level-k voxel in space

        def compute(bounds):
            (p0, p1), (r0, r1), (c0, c1) = bounds
            z = lo + (np.arange(p0, p1) + 0.5) * step
            y = lo + (np.arange(r0, r1) + 0.5) * step
            x = lo + (np.arange(c0, c1) + 0.5) * step
            if USE_NUMBA:
                return _mandelbulb_grid(x, y, z, step, max_iter, power)
            return mandelbulb_values(
                x[None, None, :], y[None, :, None], z[:, None, None], step, max_iter, power
            )

        n = size >> k
        return ComputedArray(
            (n, n, n), np.uint8, compute, chunks=(min(tile, n),) * 3, name=f"{name} level {k}"
        )

    return Multiscale([level(k) for k in range(nlevels)], spatial_ndim=3, name=name)
