"""glframe.data.synthetic: the Mandelbrot and Mandelbulb sources computed per tile on demand."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from glframe.data import Multiscale, synthetic
from glframe.data.synthetic import (
    ComputedArray,
    mandelbrot,
    mandelbrot_values,
    mandelbulb,
    mandelbulb_values,
)


def naive_mandelbrot(re, im, max_iter):
    """The documented value, iterating every point max_iter times (no shortcut)."""
    cr, ci = np.broadcast_arrays(np.asarray(re, float), np.asarray(im, float))
    zr, zi = cr.copy(), ci.copy()
    value = np.full(cr.shape, 255, np.uint8)
    done = np.zeros(cr.shape, bool)
    with np.errstate(over="ignore", invalid="ignore"):
        for n in range(1, max_iter + 1):
            zr2, zi2 = zr * zr, zi * zi
            mag = zr2 + zi2
            new = (mag > 256.0**2) & ~done
            mu = n - np.log2(0.5 * np.log(mag[new]) / math.log(2.0))
            value[new] = np.clip(np.rint(254 / math.log1p(max_iter + 1) * np.log1p(mu)), 0, 254)
            done |= new
            zi = zi * zr * 2.0 + ci
            zr = zr2 - zi2 + cr
    return value


def naive_mandelbulb(x, y, z, voxel, max_iter, power=8):
    """The documented value with the spherical power in trigonometry (another route)."""
    cx, cy, cz = (np.asarray(v, float).ravel() for v in np.broadcast_arrays(x, y, z))
    vx, vy, vz = cx.copy(), cy.copy(), cz.copy()
    dr = np.ones_like(cx)
    value = np.full(cx.shape, 255, np.uint8)
    done = np.zeros(cx.shape, bool)
    with np.errstate(all="ignore"):
        for _ in range(max_iter):
            r = np.sqrt(vx * vx + vy * vy + vz * vz)
            new = (r > 2.0) & ~done
            dist = 0.5 * np.log(r[new]) * r[new] / dr[new]
            value[new] = np.rint(254 * np.clip(1 - dist / voxel, 0, 1))
            done |= new
            theta = np.arccos(np.where(r > 0, vz / np.where(r > 0, r, 1), 1.0))
            phi = np.arctan2(vy, vx)
            dr = power * r ** (power - 1) * dr + 1
            rp = r**power
            vx = rp * np.sin(power * theta) * np.cos(power * phi) + cx
            vy = rp * np.sin(power * theta) * np.sin(power * phi) + cy
            vz = rp * np.cos(power * theta) + cz
    return value.reshape(np.broadcast_shapes(np.shape(x), np.shape(y), np.shape(z)))


def plane_coords(size, k, rows, cols, center=-0.75, width=3.0):
    """Level k's pixel centres in the plane, from the documented mapping."""
    y = (np.arange(*rows) + 0.5) * 2.0**k
    x = (np.arange(*cols) + 0.5) * 2.0**k
    re = center + width * (x / size - 0.5)
    im = width * (0.5 - y / size)
    return re[None, :], im[:, None]


# -- shapes, levels, laziness ---------------------------------------------------------


def test_mandelbrot_defaults_are_19_levels_down_to_one_tile_without_computing(monkeypatch):
    def refuse(*args):
        raise AssertionError("computed")

    monkeypatch.setattr(synthetic, "_mandelbrot_block", refuse)
    ms = mandelbrot()
    assert isinstance(ms, Multiscale) and ms.name == "mandelbrot"
    assert ms.nlevels == 19 and ms.spatial_ndim == 2 and ms.leading_shape == ()
    assert ms.dtype == np.uint8
    assert [ms.shape(k) for k in range(19)] == [(2 ** (27 - k),) * 2 for k in range(19)]
    assert ms.scale == [(2.0**k,) * 2 for k in range(19)]
    assert ms.translate == [(0.0, 0.0)] * 19
    for k, level in enumerate(ms.levels):
        assert isinstance(level, ComputedArray)
        assert level.ndim == 2 and level.dtype == np.uint8 and level.chunks == (512, 512)
        assert level.shape == (2 ** (27 - k),) * 2
    assert ms.levels[0].size == 2**54


def test_mandelbulb_defaults_are_15_levels_down_to_one_tile_without_computing(monkeypatch):
    def refuse(*args):
        raise AssertionError("computed")

    monkeypatch.setattr(synthetic, "_mandelbulb_block", refuse)
    monkeypatch.setattr(synthetic, "_mandelbulb_grid", refuse)
    ms = mandelbulb()
    assert ms.nlevels == 15 and ms.spatial_ndim == 3 and ms.dtype == np.uint8
    assert [ms.shape(k) for k in range(15)] == [(2 ** (20 - k),) * 3 for k in range(15)]
    assert ms.scale[14] == (2.0**14,) * 3 and ms.translate[14] == (0.0,) * 3
    assert ms.levels[3].ndim == 3 and ms.levels[3].chunks == (64, 64, 64)


def test_small_sizes_give_log2_levels():
    assert mandelbrot(512, 512).nlevels == 1
    assert mandelbrot(4096, 64).nlevels == 7
    ms = mandelbulb(32, 8)
    assert [ms.shape(k) for k in range(ms.nlevels)] == [(32,) * 3, (16,) * 3, (8,) * 3]


# -- values -------------------------------------------------------------------------------


def test_region_equals_direct_sampling_at_its_level(kernel):
    ms = mandelbrot(1024, 64, max_iter=64)
    for k, rows, cols in [
        (0, (300, 340), (37, 90)),
        (1, (100, 164), (200, 256)),
        (4, (0, 64), (0, 64)),
    ]:
        got = ms.read(k, (slice(*rows), slice(*cols)))
        re, im = plane_coords(1024, k, rows, cols)
        np.testing.assert_array_equal(got, naive_mandelbrot(re, im, 64))
    # the whole of level 4 has both the set and its outside
    assert (got == 255).any() and (got < 255).any()


def test_values_equal_the_unshortcut_iteration(kernel):
    rng = np.random.default_rng(1)
    re = rng.uniform(-2.25, 0.75, 20000)
    im = rng.uniform(-1.5, 1.5, 20000)
    np.testing.assert_array_equal(mandelbrot_values(re, im, 200), naive_mandelbrot(re, im, 200))
    # known points: inside (cardioid, period-2 disc, their contact, a period-3 bulb)
    assert (
        mandelbrot_values([0.0, -1.0, -0.75, -0.122], [0.0, 0.0, 0.0, 0.745]).tolist() == [255] * 4
    )
    # outside: low far away, rising towards the set
    far, near = mandelbrot_values([1.0, -0.75], [1.0, 0.05], 256)
    assert far < 60 < near < 255


def test_compiled_kernel_equals_the_numpy_one_on_boundary_tiles(monkeypatch):
    pytest.importorskip("numba")
    ms = mandelbrot(2**20, 256)
    # tiles across the set's boundary at three levels (slow escapes, cycles, the inside)
    regions = [(12, (0, 256), (0, 256)), (8, (1792, 2048), (1024, 1280)), (4, (32768, 33024),
               (18000, 18256))]  # fmt: skip
    got = {}
    for use in (True, False):
        monkeypatch.setattr(synthetic, "USE_NUMBA", use)
        got[use] = [ms.read(k, (slice(*r), slice(*c))) for k, r, c in regions]
    for fast, slow in zip(got[True], got[False]):
        assert (slow == 255).any() and (slow < 255).any()
        np.testing.assert_array_equal(fast, slow)


def test_slices_agree_with_a_larger_region_and_the_index_forms():
    level = mandelbrot(2048, 128, max_iter=96).levels[1]  # 1024 x 1024
    big = level[400:520, 100:260]
    np.testing.assert_array_equal(level[430:470, 150:151], big[30:70, 50:51])
    np.testing.assert_array_equal(level[450, 100:260], big[50])
    np.testing.assert_array_equal(level[400:520, 259], big[:, -1])
    assert level[450, 120] == big[50, 20] and level[450, 120].shape == ()
    np.testing.assert_array_equal(level[-1, -3:], level[1023:1024, 1021:1024][0])
    np.testing.assert_array_equal(level[1000:5000, ..., 1020:], level[1000:1024, 1020:1024])
    assert level[5:5, 3:9].shape == (0, 6) and level[7:2, 3].shape == (0,)


@pytest.mark.parametrize(
    "key, message",
    [
        (
            (slice(0, 8, 2), slice(0, 4)),
            r"mandelbrot level 1: only step-1 slices .* step 2 on axis 0",
        ),
        ((None, 3), r"only ints, step-1 slices and Ellipsis .* not None on axis 0"),
        ((1, 2, 3), r"too many indices \(3\) for 2 axes"),
        ((0, 1024), r"index 1024 is out of bounds for axis 1 of size 1024"),
        ((-1025, 0), r"index -1025 is out of bounds for axis 0"),
        ((Ellipsis, Ellipsis), r"at most one Ellipsis"),
        ((1.5, 0), r"not 1.5 on axis 0"),
    ],
)
def test_bad_indices_are_refused_by_name(key, message):
    level = mandelbrot(2048, 128).levels[1]
    with pytest.raises(IndexError, match=message):
        level[key]


def test_a_whole_deep_level_is_refused_not_allocated():
    level = mandelbrot().levels[0]
    with pytest.raises(
        MemoryError, match=r"mandelbrot level 0: a read of \(134217728, 134217728\)"
    ):
        level[:, :]
    with pytest.raises(MemoryError, match="read it by tiles of \\(512, 512\\)"):
        np.asarray(level)
    # small levels convert as a whole
    assert np.asarray(mandelbrot(64, 16).levels[2]).shape == (16, 16)


def test_the_coarsest_level_looks_like_the_set():
    ms = mandelbrot()
    top = ms.read(18, (slice(0, 512), slice(0, 512)))
    assert top.shape == (512, 512) and top.dtype == np.uint8
    step = 3.0 / 512
    # the four pixels around -0.75 + 0j (a pixel corner) and around 0j are inside
    col = round((-0.75 + 2.25) / step)  # 256
    assert (top[255:257, col - 1 : col + 1] == 255).all()
    col0 = round(2.25 / step)  # 0j is at column 384
    assert (top[255:257, col0 - 1 : col0 + 1] == 255).all()
    # corners of the window are outside: low (-2.25 +- 1.5j, |c| > 2, lowest)
    assert top[0, 0] == top[-1, 0] == 25 and top[0, -1] == top[-1, -1] == 34
    # the set's area is about 1.5066 of the window's 9; it is symmetric about the real axis
    assert abs((top == 255).mean() * 9 - 1.5066) < 0.04
    np.testing.assert_array_equal(top, top[::-1])


def test_a_coarser_pixel_agrees_with_the_finer_2x2_block():
    ms = mandelbrot(4096, 256, max_iter=128)
    fine = ms.read(3, (slice(0, 512), slice(0, 512))).astype(float)
    coarse = ms.read(4, (slice(0, 256), slice(0, 256))).astype(float)
    blocks = fine.reshape(256, 2, 256, 2).transpose(0, 2, 1, 3).reshape(256, 256, 4)
    inside = (blocks == 255).all(-1)
    assert inside.sum() > 5000 and (coarse[inside] == 255).mean() > 0.995
    outside = (blocks < 255).all(-1)
    assert (coarse[outside] < 255).mean() > 0.99
    smooth = outside & (np.ptp(blocks, -1) <= 4)
    assert smooth.sum() > 30000
    diff = np.abs(coarse[smooth] - blocks[smooth].mean(-1))
    assert np.median(diff) <= 0.5 and (diff <= 2).mean() > 0.99


def test_one_tile_of_level_0_of_the_2_to_27_image_in_under_a_second():
    ms = mandelbrot()
    size, step = 2**27, 3.0 / 2**27
    # Seahorse valley: slowly escaping points and inside points in one tile
    col = round((-0.7436438870371587 + 2.25) / step) - 256
    row = round((1.5 - 0.1318259042) / step) - 256
    t = time.perf_counter()
    tile = ms.read(0, (slice(row, row + 512), slice(col, col + 512)))
    elapsed = time.perf_counter() - t
    assert tile.shape == (512, 512) and elapsed < 1.0
    assert 0 < (tile == 255).mean() < 1  # both the set and its outside, at 2**-18 of the window
    re, im = plane_coords(size, 0, (row, row + 4), (col, col + 4))
    np.testing.assert_array_equal(tile[:4, :4], naive_mandelbrot(re, im, 256))


# -- Mandelbulb ---------------------------------------------------------------------------


def test_bulb_centre_is_inside_and_corners_outside():
    ms = mandelbulb()
    top = ms.read(14, (slice(0, 64),) * 3)
    assert top.shape == (64, 64, 64) and top.dtype == np.uint8
    assert (top[31:33, 31:33, 31:33] == 255).all()
    corners = top[[0, 0, 0, 0, -1, -1, -1, -1], [0, 0, -1, -1, 0, 0, -1, -1], [0, -1, 0, -1] * 2]
    assert (corners == 0).all()
    # a one-voxel surface ramp between 0 and 255, and the bulb is mirror symmetric in y
    assert ((top > 0) & (top < 255)).any()
    assert 0.05 < (top == 255).mean() < 0.4
    assert (top == top[:, ::-1, :]).mean() > 0.995


def test_bulb_region_matches_the_trigonometric_iteration():
    ms = mandelbulb(256, 32, max_iter=10)
    got = ms.read(2, (slice(10, 30), slice(0, 64), slice(20, 40)))
    big = ms.read(2, (slice(0, 64),) * 3)
    np.testing.assert_array_equal(got, big[10:30, :, 20:40])
    step = 2.5 * 4 / 256
    z, y, x = ((np.arange(a, b) + 0.5) * step - 1.25 for a, b in [(10, 30), (0, 64), (20, 40)])
    want = naive_mandelbulb(x[None, None], y[None, :, None], z[:, None, None], step, 10)
    # another route to the same power (trig vs complex powers): the same values up to a
    # rare rounding difference at the surface (all 25600 equal with this numpy)
    assert (got == want).mean() > 0.998
    assert mandelbulb_values(0.0, 0.0, 0.0, 0.01) == 255
    assert mandelbulb_values(1.2, 1.2, 1.2, 0.01) == 0


def test_compiled_bulb_kernel_equals_the_numpy_one_at_the_surface(monkeypatch):
    pytest.importorskip("numba")
    ms = mandelbulb(2**12, 32)
    # the whole coarsest level, a tile across the surface, a tile inside with its ramp
    regions = [(7, (0, 32), (0, 32), (0, 32)), (5, (48, 80), (48, 80), (96, 128)),
               (2, (480, 512), (512, 544), (800, 832))]  # fmt: skip
    got = {}
    for use in (True, False):
        monkeypatch.setattr(synthetic, "USE_NUMBA", use)
        got[use] = [ms.read(k, tuple(slice(*r) for r in region)) for k, *region in regions]
    for fast, slow in zip(got[True], got[False]):
        assert ((slow > 0) & (slow < 255)).any() and (slow == 255).any()
        np.testing.assert_array_equal(fast, slow)
    # values at points (the block kernel) equal the grid's
    z, y, x = ((np.arange(a, b) + 0.5) * 2.5 * 32 / 2**12 - 1.25 for a, b in regions[1][1:])
    points = mandelbulb_values(x[None, None], y[None, :, None], z[:, None, None], 2.5 * 32 / 2**12)
    np.testing.assert_array_equal(points, got[True][1])


def test_one_bulb_tile_of_level_0_in_under_a_second():
    ms = mandelbulb()
    centre = 2**19 - 32
    t = time.perf_counter()
    tile = ms.read(0, (slice(centre, centre + 64),) * 3)
    assert time.perf_counter() - t < 1.0
    assert (tile == 255).all()  # the middle of the bulb, 64 voxels of 2.4e-6


# -- refused parameters -------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: mandelbrot(1000, 512), ValueError, r"mandelbrot: size must be tile \* 2\*\*n"),
        (lambda: mandelbrot(3 * 512, 512), ValueError, "size=1536 and tile=512 are not"),
        (lambda: mandelbrot(256, 512), ValueError, "size=256 and tile=512"),
        (lambda: mandelbrot(512, 0), ValueError, "mandelbrot: tile must be >= 1, not 0"),
        (lambda: mandelbrot(512.0, 512), TypeError, "size must be an int, not 512.0"),
        (lambda: mandelbrot(512, True), TypeError, "tile must be an int, not True"),
        (lambda: mandelbrot(2**50, 512), ValueError, r"size must be at most 281474976710656"),
        (lambda: mandelbrot(max_iter=0), ValueError, "max_iter must be an int >= 1, not 0"),
        (lambda: mandelbrot(width=-3), ValueError, "width must be a finite number > 0"),
        (lambda: mandelbrot(center=complex("nan")), ValueError, "center must be finite"),
        (lambda: mandelbulb(100, 64), ValueError, "mandelbulb: size must be tile"),
        (lambda: mandelbulb(power=1), ValueError, "mandelbulb: power must be an int >= 2, not 1"),
        (lambda: mandelbulb(power=7.5), ValueError, "power must be an int >= 2, not 7.5"),
        (lambda: mandelbulb_values(0, 0, 0, voxel=0), ValueError, "voxel must be a finite"),
    ],
)
def test_bad_parameters_are_refused_by_name(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_computed_array_checks_what_compute_returns():
    a = ComputedArray((4, 4), np.uint8, lambda b: np.zeros((1, 1)), name="bad")
    with pytest.raises(ValueError, match=r"bad: compute returned shape \(1, 1\) for bounds"):
        a[0:2, 0:2]
    with pytest.raises(ValueError, match="chunks"):
        ComputedArray((4, 4), np.uint8, lambda b: b, chunks=(2,))


def test_a_read_of_several_blocks_is_shared_by_the_cores_off_the_loader(monkeypatch):
    import os
    import threading

    from glframe.data import TileCache, TileGrid, TileLoader
    from glframe.data import synthetic as syn

    ms = syn.mandelbrot(size=2**10, tile=512)
    region = (slice(0, 512), slice(0, 512))  # 4 blocks of 2^16 points
    used = []
    original = syn._blocks_pool

    def spy():
        pool = original()
        used.append((threading.current_thread().name, pool is not None))
        return pool

    monkeypatch.setattr(syn, "_blocks_pool", spy)
    shared = ms.read(0, region)
    assert used == [(threading.current_thread().name, (os.cpu_count() or 1) > 1)]
    monkeypatch.setattr(syn, "_blocks_pool", lambda: None)
    np.testing.assert_array_equal(shared, ms.read(0, region))  # the same pixels
    # on a loader's worker thread, the read stays on that thread, in steps of rows
    monkeypatch.setattr(syn, "_blocks_pool", spy)
    used.clear()
    stepped = []
    original_steps = syn.steps

    def steps(n, **kwargs):
        for s, e in original_steps(n, **kwargs):
            stepped.append((threading.current_thread().name, s, e))
            yield s, e

    monkeypatch.setattr(syn, "steps", steps)
    grid = TileGrid(ms, 512)
    with TileLoader(grid, TileCache(1 << 22), max_workers=1) as loader:
        loader.request([(0, (0, 0))])
        assert loader.wait(timeout=60)
        np.testing.assert_array_equal(loader.cache.get((0, (0, 0))), shared)
    assert used == []
    assert len(stepped) > 1 and all(name.startswith("glframe-tiles") for name, _, _ in stepped)
    assert [s for _, s, _ in stepped[1:]] == [e for _, _, e in stepped[:-1]]  # in order
    assert stepped[0][1] == 0 and stepped[-1][2] == 512
