"""Compiled (numba) kernels of the synthetic sources, point by point.

The same arithmetic, in the same order, as ``synthetic``'s numpy blocks, which stay
the fallback when numba is not installed: each point iterates only while it lives
(numpy iterates a block until its last point is done, freezing the others), and
nothing is allocated. Only ``log``, ``log2`` and ``log1p`` come from the C library
rather than numpy's own loops, so a value may differ from the fallback's where the
rounding to uint8 sits within an ulp of a half (not seen in 10^7 Mandelbrot points
nor in the Mandelbulb tiles of the tests). Powers are products, as the fallback's
``_ipow``. Loaded by ``synthetic``'s sources when made; compiled code is cached on
disk.
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


@njit(inline="always")
def _cmul(ar, ai, br, bi):
    """The complex product ``(ar + i ai)(br + i bi)``, as numpy computes it."""
    return ar * br - ai * bi, ar * bi + ai * br


@njit(inline="always")
def _ipow(ar, ai, p):
    """``synthetic._ipow`` of one complex number: ``(ar + i ai)**p`` by squaring."""
    rr = ar
    ri = ai
    first = True
    while True:
        if p & 1:
            if first:
                rr = ar
                ri = ai
                first = False
            else:
                rr, ri = _cmul(rr, ri, ar, ai)
        p >>= 1
        if p == 0:
            return rr, ri
        ar, ai = _cmul(ar, ai, ar, ai)


@njit(inline="always")
def _rpow(a, p):
    """``a**p`` for float ``a`` and int ``p >= 1`` by squaring, as ``synthetic._ipow``."""
    r = 1.0
    first = True
    while True:
        if p & 1:
            if first:
                r = a
                first = False
            else:
                r = r * a
        p >>= 1
        if p == 0:
            return r
        a = a * a


@njit(inline="always")
def _mandelbulb_point(cx, cy, cz, voxel, max_iter, power, bail2):
    """``synthetic._mandelbulb_block``'s value of one point ``(cx, cy, cz)``."""
    vx = cx
    vy = cy
    vz = cz
    dr = 1.0
    for _ in range(max_iter):
        rho2 = vx * vx + vy * vy
        r2 = rho2 + vz * vz
        if r2 > bail2:
            r = math.sqrt(r2)
            dist = 0.5 * math.log(r) * r / dr
            return np.uint8(np.rint(254.0 * min(max(1.0 - dist / voxel, 0.0), 1.0)))
        r = math.sqrt(r2)
        dr = power * _rpow(r, power - 1) * dr + 1.0
        rho = math.sqrt(rho2)
        pr, pi = _ipow(vz, rho, power)  # r**p (cos p theta + i sin p theta)
        if rho > 0:
            ar, ai = _ipow(vx / rho, vy / rho, power)
        else:  # on the z axis any unit azimuth does (sin p theta = 0)
            ar, ai = _ipow(1.0, vy, power)
        vx = pi * ar + cx
        vy = pi * ai + cy
        vz = pr + cz
    return np.uint8(255)


@njit(cache=True, nogil=True)
def mandelbulb_block(cx, cy, cz, voxel, max_iter, power, bail2, out):
    """``synthetic._mandelbulb_block`` into ``out`` (uint8): points ``(cx, cy, cz)``."""
    for k in range(cx.size):
        out[k] = _mandelbulb_point(cx[k], cy[k], cz[k], voxel, max_iter, power, bail2)


@njit(cache=True, nogil=True)
def mandelbulb_grid(x, y, z, voxel, max_iter, power, bail2, out):
    """The values at ``(x[j], y[i], z[k])`` into ``out[k, i, j]`` (uint8), in place."""
    for k in range(z.size):
        for i in range(y.size):
            for j in range(x.size):
                out[k, i, j] = _mandelbulb_point(x[j], y[i], z[k], voxel, max_iter, power, bail2)
