"""Compiled (numba) kernels of the synthetic sources, point by point.

The same arithmetic, in the same order, as ``synthetic``'s numpy blocks, which stay
the fallback when numba is not installed: each point iterates only while it lives
(numpy iterates a block until its last point is done, freezing the others), and
nothing is allocated. Only ``log``, ``log2`` and ``log1p`` come from the C library
rather than numpy's own loops, so a value may differ from the fallback's where the
rounding to uint8 sits within an ulp of a half (not seen in 10^7 points). Loaded by
``synthetic`` on first use; compiled code is cached on disk.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

LOG2 = math.log(2.0)


@njit(inline="always")
def _mandelbrot_point(x, y, max_iter, bail2, scale):
    """``synthetic._mandelbrot_block``'s value of one point ``c = x + iy``."""
    y2 = y * y
    # main cardioid and period-2 disc (closed forms)
    xq = x - 0.25
    q = xq * xq + y2
    x1 = x + 1.0
    if q * (q + xq) <= 0.25 * y2 or x1 * x1 + y2 <= 0.0625:
        return 255
    zr = x  # z_1 = c
    zi = y
    sr = zr  # the orbit point saved at the last power-of-two iteration
    si = zi
    for n in range(1, max_iter + 1):
        zr2 = zr * zr
        zi2 = zi * zi
        mag = zr2 + zi2
        if mag > bail2:
            mu = n - math.log2(0.5 * math.log(mag) / LOG2)
            return int(min(max(np.rint(scale * math.log1p(mu)), 0.0), 254.0))
        # an orbit back at its saved point is a cycle: bounded forever
        if n > 8 and (n & 3) == 0 and abs(zr - sr) + abs(zi - si) < 1e-13:
            return 255
        if n & (n - 1) == 0:
            sr = zr
            si = zi
        zi = zi * zr
        zi = zi * 2.0
        zi = zi + y
        zr = zr2 - zi2
        zr = zr + x
    return 255


@njit(cache=True, nogil=True)
def mandelbrot_block(cr, ci, max_iter, bail2, out):
    """``synthetic._mandelbrot_block`` into ``out`` (uint8): points ``cr + i ci``."""
    scale = 254.0 / math.log1p(max_iter + 1)
    for k in range(cr.size):
        out[k] = _mandelbrot_point(cr[k], ci[k], max_iter, bail2, scale)


@njit(cache=True, nogil=True)
def mandelbrot_grid(re, im, max_iter, bail2, out):
    """The values of the grid ``re[j] + i im[i]`` into ``out[i, j]`` (uint8), built in
    place (a tile's coordinates are two vectors: nothing the tile's size is made)."""
    scale = 254.0 / math.log1p(max_iter + 1)
    for i in range(im.size):
        y = im[i]
        for j in range(re.size):
            out[i, j] = _mandelbrot_point(re[j], y, max_iter, bail2, scale)
