"""glframe.data tiles, cache and loader: TileGrid layout, visibility, level choice and
priority; TileCache budget, pinning and LRU order; TileLoader order, cancellation,
waiting, errors, callbacks and shutdown."""

from __future__ import annotations

import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from glframe.data import (
    Multiscale,
    TileCache,
    TileGrid,
    TileLoader,
    TileLoadError,
    default_cpu_budget,
)


def pyramid2d() -> Multiscale:
    base = np.arange(100 * 150, dtype=np.uint16).reshape(100, 150)
    return Multiscale([base[:: 2**k, :: 2**k] for k in range(3)], name="pyr2d")


def pyramid3d() -> Multiscale:
    base = np.zeros((40, 64, 64), np.uint8)
    return Multiscale([base[:: 2**k, :: 2**k, :: 2**k] for k in range(3)], spatial_ndim=3)


# -- TileGrid: layout -------------------------------------------------------------


def test_2d_tile_counts_regions_and_extents():
    grid = TileGrid(pyramid2d(), 32)
    # level shapes (100, 150), (50, 75), (25, 38): ceil(shape / 32) tiles per axis
    assert [grid.grid_shape(k) for k in range(3)] == [(4, 5), (2, 3), (1, 2)]
    assert [grid.ntiles(k) for k in range(3)] == [20, 6, 2]
    assert list(grid.keys(2)) == [(2, (0, 0)), (2, (0, 1))]
    assert grid.region((0, (0, 0))) == (slice(0, 32), slice(0, 32))
    assert grid.region((0, (3, 4))) == (slice(96, 100), slice(128, 150))  # clipped
    assert grid.extent((0, (3, 4))) == ((96.0, 100.0), (128.0, 150.0))
    assert grid.region((1, (1, 2))) == (slice(32, 50), slice(64, 75))
    assert grid.extent((1, (1, 2))) == ((64.0, 100.0), (128.0, 150.0))
    # level 2 has 38 columns of 4 level-0 pixels: it reaches 152, past level 0's 150
    assert grid.region((2, (0, 1))) == (slice(0, 25), slice(32, 38))
    assert grid.extent((2, (0, 1))) == ((0.0, 100.0), (128.0, 152.0))
    assert grid.centre((2, (0, 1))).tolist() == [50.0, 140.0]


def test_extents_follow_scale_and_translate():
    base = np.zeros((64, 64))
    ms = Multiscale([base, base[::2, ::2]], scale=[(1, 1), (2, 3)], translate=[(0, 0), (0.5, -1)])
    grid = TileGrid(ms, (16, 8))
    assert grid.grid_shape(1) == (2, 4)
    assert grid.extent((1, (1, 3))) == ((0.5 + 16 * 2, 0.5 + 32 * 2), (-1 + 24 * 3, -1 + 32 * 3))


def test_3d_tile_counts_regions_and_extents():
    grid = TileGrid(pyramid3d(), 16)
    assert [grid.grid_shape(k) for k in range(3)] == [(3, 4, 4), (2, 2, 2), (1, 1, 1)]
    assert grid.ntiles(0) == 48
    assert grid.region((0, (2, 3, 0))) == (slice(32, 40), slice(48, 64), slice(0, 16))
    assert grid.region((1, (1, 1, 1))) == (slice(16, 20), slice(16, 32), slice(16, 32))
    assert grid.extent((1, (1, 1, 1))) == ((32.0, 40.0), (32.0, 64.0), (32.0, 64.0))
    assert grid.extent((2, (0, 0, 0))) == ((0.0, 40.0), (0.0, 64.0), (0.0, 64.0))


def test_bad_tiles_and_keys_are_refused_by_name():
    ms = pyramid2d()
    for tile in (0, (32,), (32, -1), 2.5):
        with pytest.raises(ValueError, match=r"TileGrid\(pyr2d\): tile must be"):
            TileGrid(ms, tile)
    grid = TileGrid(ms, 32)
    with pytest.raises(IndexError, match=r"level must be in \[0, 3\), not 3"):
        grid.grid_shape(3)
    with pytest.raises(IndexError, match=r"tile \(4, 0\) is outside level 0's grid of \(4, 5\)"):
        grid.region((0, (4, 0)))
    with pytest.raises(ValueError, match="a tile key is"):
        grid.region(7)


# -- TileGrid: what a view wants ---------------------------------------------------


def test_visible_2d_keys_for_known_boxes():
    grid = TileGrid(pyramid2d(), 32)
    # half open: a box ending at a tile's start does not reach it
    assert grid.visible(0, ((0, 32), (0, 32))) == [(0, (0, 0))]
    assert grid.visible(0, ((31, 33), (31, 33))) == [
        (0, (0, 0)),
        (0, (0, 1)),
        (0, (1, 0)),
        (0, (1, 1)),
    ]
    assert grid.visible(0, ((98.5, 99), (0, 150))) == [(0, (3, j)) for j in range(5)]
    assert grid.visible(0, ((99, 500), (149, 500))) == [(0, (3, 4))]
    assert grid.visible(0, ((-1e6, 1e6), (-1e6, 1e6))) == list(grid.keys(0))
    assert grid.visible(0, ((-10, -1), (0, 10))) == []
    assert grid.visible(0, ((5, 5), (0, 10))) == []  # empty box
    assert grid.visible(0, ((100, 120), (0, 10))) == []  # past the image
    # level 2's last column reaches 152: a box at 150..151 sees it, one at 152.. does not
    assert grid.visible(2, ((0, 1), (150, 151))) == [(2, (0, 1))]
    assert grid.visible(2, ((0, 1), (152, 153))) == []
    assert grid.visible(1, ((60, 70), (60, 70))) == [
        (1, (0, 0)),
        (1, (0, 1)),
        (1, (1, 0)),
        (1, (1, 1)),
    ]


def test_visible_3d_keys_for_known_boxes():
    grid = TileGrid(pyramid3d(), 16)
    assert grid.visible(0, ((0, 16), (0, 1), (0, 1))) == [(0, (0, 0, 0))]
    assert grid.visible(0, ((15, 17), (31, 33), (63, 64))) == [
        (0, (0, 1, 3)),
        (0, (0, 2, 3)),
        (0, (1, 1, 3)),
        (0, (1, 2, 3)),
    ]
    assert grid.visible(1, ((39, 40), (0, 64), (0, 1))) == [(1, (1, 0, 0)), (1, (1, 1, 0))]
    assert len(grid.visible(0, ((0, 40), (0, 64), (0, 64)))) == 48
    with pytest.raises(ValueError, match=r"box must be 3 \(start, stop\) pairs"):
        grid.visible(0, ((0, 1), (0, 1)))


def test_choose_level_2d_coarsest_with_a_texel_per_screen_pixel():
    grid = TileGrid(pyramid2d(), 32)  # scales 1, 2, 4
    cases = {0.25: 0, 1: 0, 1.99: 0, 2: 1, 3.99: 1, 4: 2, 1000: 2}
    assert {p: grid.choose_level(p) for p in cases} == cases
    # float noise at an exact power of two still picks that level
    assert grid.choose_level(2 * (1 - 1e-12)) == 1
    # per axis: the finer axis decides
    assert grid.choose_level((4, 1)) == 0
    assert grid.choose_level((4, 2)) == 1
    assert grid.choose_level(4, max_screen_pixels_per_texel=0.5) == 1
    for bad in (0, -1, float("nan")):
        with pytest.raises(ValueError, match="pixels_per_screen_pixel must be finite numbers > 0"):
            grid.choose_level(bad)


def test_choose_level_3d_voxels_of_at_most_two_screen_pixels():
    grid = TileGrid(pyramid3d(), 16)  # scales 1, 2, 4
    cases = {0.25: 0, 0.49: 0, 0.5: 0, 0.99: 0, 1: 1, 1.5: 1, 1.99: 1, 2: 2, 50: 2}
    assert {p: grid.choose_level(p) for p in cases} == cases
    assert grid.choose_level(1, max_screen_pixels_per_texel=1) == 0


def test_choose_level_by_scale_not_by_index():
    base = np.zeros((64, 64))
    ms = Multiscale([base, base[::4, ::4], base[::2, ::2]], scale=[(1, 1), (4, 4), (2, 2)])
    grid = TileGrid(ms, 16)
    assert [grid.choose_level(p) for p in (1, 2, 3, 4)] == [0, 2, 2, 1]


def test_priority_2d_centre_first_and_coarse_first():
    base = np.zeros((64, 64))
    grid = TileGrid(Multiscale([base, base[::2, ::2], base[::4, ::4]]), 16)
    # level 0 tile centres are at 8, 24, 40, 56 on each axis
    order = grid.prioritize(grid.keys(0), centre=(40, 8))
    assert order[:4] == [(0, (2, 0)), (0, (1, 0)), (0, (2, 1)), (0, (3, 0))]
    assert grid.priority((0, (1, 0)), (40, 8)) == (0, 16.0, (1, 0))
    assert grid.priority((0, (0, 3)), (40, 8)) == (0, math.hypot(32, 48), (0, 3))
    distances = [grid.priority(k, (40, 8))[1] for k in order]
    assert distances == sorted(distances)
    mixed = [*grid.keys(0), *grid.keys(1), *grid.keys(2)]
    levels = [k[0] for k in grid.prioritize(mixed, centre=(0, 0))]
    assert levels == [2] * 1 + [1] * 4 + [0] * 16
    with pytest.raises(ValueError, match="centre must be 2 finite numbers"):
        grid.priority((0, (0, 0)), (1, 2, 3))


def test_priority_3d_depth_along_the_view_plus_distance_from_its_axis():
    grid = TileGrid(Multiscale([np.zeros((64, 64, 64))], spatial_ndim=3), 16)
    keys = [(0, (3, 1, 1)), (0, (0, 0, 0)), (0, (1, 1, 1)), (0, (0, 1, 1))]
    # looking along +planes through (32, 32, 32); direction need not be unit length
    order = grid.prioritize(keys, centre=(32, 32, 32), direction=(2, 0, 0))
    assert order == [(0, (0, 1, 1)), (0, (1, 1, 1)), (0, (0, 0, 0)), (0, (3, 1, 1))]
    score = grid.priority((0, (0, 1, 1)), (32, 32, 32), (1, 0, 0))[1]
    assert score == pytest.approx(-24 + math.sqrt(8**2 + 8**2))
    score = grid.priority((0, (3, 1, 1)), (32, 32, 32), (1, 0, 0))[1]
    assert score == pytest.approx(24 + math.sqrt(8**2 + 8**2))
    # looking the other way reverses depth
    back = grid.prioritize(keys, centre=(32, 32, 32), direction=(-1, 0, 0))
    assert back[0] == (0, (3, 1, 1))
    with pytest.raises(ValueError, match="direction must not be zero"):
        grid.priority(keys[0], (0, 0, 0), (0, 0, 0))


def test_prioritize_orders_as_priority_does_and_checks_every_key():
    rng = np.random.default_rng(3)
    levels = [np.zeros((80, 96, 112)), np.zeros((40, 48, 56)), np.zeros((20, 24, 28))]
    grid = TileGrid(Multiscale(levels, spatial_ndim=3), 16)  # partial edge bricks too
    keys = [*grid.keys(0), *grid.keys(1), *grid.keys(2)]
    keys = [keys[i] for i in rng.permutation(len(keys))]
    for centre, direction in [((40, 30, 20), None), ((5, 90, 3), (1, -2, 0.5))]:
        want = sorted(keys, key=lambda k: grid.priority(k, centre, direction))
        assert grid.prioritize(keys, centre, direction) == want
        assert grid.prioritize(iter(keys), centre, direction) == want
    assert grid.prioritize([], (0, 0, 0)) == []
    for bad, error, message in [
        ((0, (5, 0, 0)), IndexError, r"tile \(5, 0, 0\) is outside level 0's grid of \(5, 6, 7\)"),
        ((3, (0, 0, 0)), IndexError, r"level must be in \[0, 3\), not 3"),
        ((0, (0, 0)), IndexError, "outside level 0's grid"),
        ("nonsense", ValueError, "a tile key is"),
    ]:
        with pytest.raises(error, match=message):
            grid.prioritize([(0, (0, 0, 0)), bad], (0, 0, 0))


# -- TileCache ----------------------------------------------------------------------


def tile(nbytes: int, value: int = 0) -> np.ndarray:
    return np.full(nbytes, value, np.uint8)


def test_cache_never_exceeds_budget_during_random_puts_and_keeps_pinned_tiles():
    rng = np.random.default_rng(12)
    cache = TileCache(10_000, pinned_levels={3})
    pinned = {(3, (0, 0)): 1000, (3, (0, 1)): 1500}
    for key, size in pinned.items():
        cache.put(key, tile(size))
    for step in range(2000):
        key = (int(rng.integers(0, 3)), (int(rng.integers(0, 6)), int(rng.integers(0, 6))))
        index = (int(rng.integers(0, 2)),)
        cache.put(key, tile(int(rng.integers(1, 3000))), index)
        assert cache.bytes <= cache.budget_bytes, step
        assert cache.bytes == sum(cache.get(k[:2], k[2]).nbytes for k in cache.keys()), step
        assert all(cache.contains(k) for k in pinned), step
    stats = cache.stats()
    assert stats["evictions"] > 0 and stats["bytes"] == cache.bytes <= 10_000
    assert stats["tiles"] == len(cache)


def test_cache_evicts_least_recently_used_first():
    cache = TileCache(300)
    for name in "abc":
        cache.put((0, (ord(name),)), tile(100))
    assert cache.get((0, (ord("a"),))) is not None  # a is now the most recent
    assert cache.get((0, (ord("z"),))) is None
    cache.put((0, (ord("d"),)), tile(100))
    assert [k[1][0] for k in cache.keys()] == [ord("c"), ord("a"), ord("d")]  # b went
    cache.put((0, (ord("e"),)), tile(150))  # needs c and a out
    assert [k[1][0] for k in cache.keys()] == [ord("d"), ord("e")]
    assert cache.stats() == {
        "hits": 1,
        "misses": 1,
        "evictions": 3,
        "bytes": 250,
        "tiles": 2,
        "budget_bytes": 300,
    }


def test_cache_replaces_keys_and_separates_leading_indices():
    cache = TileCache(1000)
    cache.put((0, (0, 0)), tile(100, 1))
    cache.put((0, (0, 0)), tile(300, 2))
    cache.put((0, (0, 0)), tile(200, 3), index=(1,))
    assert cache.bytes == 500 and len(cache) == 2
    assert cache.get((0, (0, 0)))[0] == 2 and cache.get((0, (0, 0)), (1,))[0] == 3
    assert not cache.contains((0, (0, 0)), (2,))


def test_cache_refuses_what_cannot_fit():
    cache = TileCache(1000, pinned_levels=[2])
    with pytest.raises(ValueError, match="1001 bytes, more than the whole budget of 1000 bytes"):
        cache.put((0, (0, 0)), tile(1001))
    cache.put((2, (0, 0)), tile(600))
    cache.put((0, (0, 0)), tile(300))
    with pytest.raises(MemoryError, match=r"pinned levels \[2\] hold 600 of the 1000-byte"):
        cache.put((0, (0, 1)), tile(500))
    # refused without evicting anything
    assert cache.contains((0, (0, 0))) and cache.bytes == 900
    with pytest.raises(ValueError, match="budget_bytes must be an int > 0"):
        TileCache(0)


def test_default_budget_is_a_fraction_of_physical_ram():
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert default_cpu_budget() == int(ram * 0.125)
    assert default_cpu_budget(0.5) == int(ram * 0.5)
    assert TileCache().budget_bytes == default_cpu_budget()
    with pytest.raises(ValueError, match=r"fraction must be in \(0, 1\]"):
        default_cpu_budget(0)


# -- TileLoader -----------------------------------------------------------------------


class Recording:
    """An array-like level that logs each read; reads can be held on a gate or fail."""

    def __init__(self, array, level, log, gate=None, started=None, fail=None):
        self.array, self.level, self.log = array, level, log
        self.shape, self.dtype = array.shape, array.dtype
        self.gate, self.started, self.fail = gate, started, fail

    def __getitem__(self, item):
        self.log.append((self.level, item))
        if self.started is not None:
            self.started.set()
        if self.gate is not None:
            assert self.gate.wait(10), "test gate never opened"
        if self.fail is not None and self.fail(self.level, item):
            raise OSError(f"bad sector at level {self.level}")
        return self.array[item]


def recorded(gate=None, started=None, fail=None, leading=()):
    base = np.arange(math.prod(leading) * 64 * 64, dtype=np.uint16).reshape(*leading, 64, 64)
    log = []
    lead = (slice(None),) * len(leading)
    levels = [
        Recording(
            base[(*lead, slice(None, None, 2**k), slice(None, None, 2**k))],
            k,
            log,
            gate,
            started,
            fail,
        )
        for k in range(3)
    ]
    ms = Multiscale(levels, name="rec")
    return ms, TileGrid(ms, 16), log, base


def read_keys(grid, log, nlead=0):
    # map each logged read back to the tile key whose region it was
    def bounds(region):
        return tuple((r.start, r.stop) for r in region)  # slices are not hashable

    by_region = {(k, bounds(grid.region(key))): key for k in range(3) for key in grid.keys(k)}
    return [by_region[(level, bounds(item[nlead:]))] for level, item in log]


def loader_threads():
    return [t for t in threading.enumerate() if t.name.startswith("glframe-tiles")]


def test_loader_reads_in_priority_order_into_the_cache():
    ms, grid, log, base = recorded()
    cache = TileCache(1 << 20, pinned_levels={2})
    keys = grid.prioritize(
        [*grid.visible(2, ((0, 64), (0, 64))), *grid.visible(0, ((8, 40), (8, 40)))],
        centre=(20, 20),
    )
    assert keys[0] == (2, (0, 0)) and keys[1] == (0, (1, 1))
    loaded = []
    with TileLoader(grid, cache, max_workers=1, on_loaded=loaded.append) as loader:
        loader.request(keys)
        assert loader.wait(timeout=10)
        assert read_keys(grid, log) == keys
        assert loaded == keys  # once per tile, in order (one worker)
        stats = loader.stats()
    assert stats == {
        "tiles_loaded": 10,
        "tiles_pending": 0,
        "reads_active": 0,
        "cancelled": 0,
        "cpu_bytes": 16 * 16 * 2 * 10,
        "errors": 0,
        "last_error": None,
    }
    np.testing.assert_array_equal(cache.get((0, (1, 2))), base[16:32, 32:48])
    np.testing.assert_array_equal(cache.get((2, (0, 0))), base[::4, ::4])
    assert cache.get((0, (1, 2))).flags.c_contiguous


def test_loader_skips_tiles_already_cached():
    ms, grid, log, base = recorded()
    cache = TileCache(1 << 20)
    cache.put((0, (0, 0)), np.zeros((16, 16), np.uint16))
    with TileLoader(grid, cache, max_workers=1) as loader:
        loader.request([(0, (0, 0)), (0, (0, 1))])
        assert loader.wait(timeout=10)
        assert read_keys(grid, log) == [(0, (0, 1))]
        assert loader.ready((0, (0, 0))) and loader.ready((0, (0, 1)))
        assert not loader.ready((0, (1, 1)))
        assert loader.stats()["tiles_loaded"] == 1


def test_a_new_request_cancels_unstarted_reads_and_reorders_the_rest():
    gate, started = threading.Event(), threading.Event()
    ms, grid, log, base = recorded(gate=gate, started=started)
    cache = TileCache(1 << 20)
    loaded = []
    a = [(0, (0, 0)), (0, (0, 1)), (0, (0, 2)), (0, (0, 3))]
    b = [(0, (3, 3)), (0, (0, 3)), (0, (3, 2))]
    with TileLoader(grid, cache, max_workers=1, on_loaded=loaded.append) as loader:
        loader.request(a)
        assert started.wait(10)  # a[0] is being read, the others are queued
        assert loader.pending() == a
        loader.request(b)
        # a[1] and a[2] are no longer wanted and had not started; a[3] is wanted
        # again, so it is requeued after b[0]
        assert loader.stats()["cancelled"] == 2
        assert loader.pending() == b
        assert loader.stats()["reads_active"] == 4  # a[0] runs on, unwanted; b queued
        assert not loader.wait(timeout=0.05)
        gate.set()
        assert loader.wait(timeout=10)
        assert loader.pending() == []
        assert read_keys(grid, log) == [a[0], *b]
        assert sorted(loaded) == sorted([a[0], *b]) and len(loaded) == 4
        for key in (a[1], a[2]):
            assert not cache.contains(key)
        # the started read finished and was kept, though no longer wanted
        assert cache.contains(a[0])
        assert loader.stats()["tiles_loaded"] == 4
        assert loader.stats()["reads_active"] == 0


def test_the_same_request_again_changes_nothing():
    gate, started = threading.Event(), threading.Event()
    ms, grid, log, base = recorded(gate=gate, started=started)
    with TileLoader(grid, TileCache(1 << 20), max_workers=1) as loader:
        keys = [(1, (0, 0)), (1, (0, 1)), (1, (1, 0))]
        loader.request(keys)
        assert started.wait(10)
        loader.request(list(keys))
        gate.set()
        assert loader.wait(timeout=10)
        assert read_keys(grid, log) == keys
        assert loader.stats()["cancelled"] == 0


def test_a_request_of_what_is_left_keeps_the_queue():
    """A view held while its tiles arrive asks again for its tiles less those loaded
    (and with cached ones): the queued reads stay as they are, nothing is requeued."""
    gate, started = threading.Event(), threading.Event()
    ms, grid, log, base = recorded(gate=gate, started=started)
    cache = TileCache(1 << 20)
    cache.put((2, (0, 0)), np.zeros((16, 16), np.uint16))
    with TileLoader(grid, cache, max_workers=1) as loader:
        keys = [(0, (0, 0)), (0, (0, 1)), (0, (1, 0)), (0, (1, 1))]
        loader.request(keys)
        assert started.wait(10)
        queued = dict(loader._futures)
        loader.request([(2, (0, 0)), *keys])  # a cached key more: no read for it
        assert loader._futures == queued and all(loader._futures[k] is f for k, f in queued.items())
        loader.request([*keys[2:], *keys[:2]])  # another order: requeued
        assert loader._futures[(keys[1], ())] is not queued[(keys[1], ())]
        gate.set()
        assert loader.wait(timeout=10)
        assert read_keys(grid, log) == [keys[0], keys[2], keys[3], keys[1]]
        assert loader.stats()["cancelled"] == 0


def test_wait_reraises_a_read_error_once_and_loading_goes_on():
    ms, grid, log, base = recorded(fail=lambda level, item: level == 0 and item[0].start == 16)
    with TileLoader(grid, TileCache(1 << 20), max_workers=2) as loader:
        keys = [(0, (0, 0)), (0, (1, 0)), (0, (2, 0))]
        loader.request(keys)
        with pytest.raises(
            TileLoadError, match=r"rec\): reading tile \(0, \(1, 0\)\) at index"
        ) as err:
            loader.wait(timeout=10)
        assert isinstance(err.value.__cause__, OSError)
        assert loader.wait(timeout=10)  # raised once; the other tiles loaded
        assert loader.ready((0, (0, 0))) and loader.ready((0, (2, 0)))
        assert not loader.ready((0, (1, 0)))
        stats = loader.stats()
        assert stats["errors"] == 1 and stats["tiles_loaded"] == 2
        assert "bad sector at level 0" in stats["last_error"]


def test_an_on_loaded_error_is_kept_too():
    ms, grid, log, base = recorded()

    def boom(key):
        raise ValueError(f"no redraw for {key}")

    with TileLoader(grid, TileCache(1 << 20), max_workers=1, on_loaded=boom) as loader:
        loader.request([(2, (0, 0))])
        with pytest.raises(TileLoadError, match="on_loaded for tile") as err:
            loader.wait(timeout=10)
        assert isinstance(err.value.__cause__, ValueError)


def test_loader_reads_at_the_leading_index():
    ms, grid, log, base = recorded(leading=(3,))
    cache = TileCache(1 << 20)
    with TileLoader(grid, cache, max_workers=1) as loader:
        loader.request([(0, (1, 1))], index=(2,))
        assert loader.wait(timeout=10)
        assert loader.ready((0, (1, 1))) and not loader.ready((0, (1, 1)), (0,))
        np.testing.assert_array_equal(cache.get((0, (1, 1)), (2,)), base[2, 16:32, 16:32])
        with pytest.raises(IndexError, match=r"index \(\) does not match the leading axes \(3,\)"):
            loader.request([(0, (0, 0))])


def test_close_leaves_no_threads_and_refuses_requests():
    before = set(loader_threads())
    ms, grid, log, base = recorded()
    loader = TileLoader(grid, TileCache(1 << 20), max_workers=3)
    loader.request(list(grid.keys(0)))
    assert loader.wait(timeout=10)
    assert set(loader_threads()) - before
    loader.close()
    assert set(loader_threads()) - before == set()
    loader.close()  # twice is fine
    with pytest.raises(RuntimeError, match=r"TileLoader\(rec\): closed"):
        loader.request([(0, (0, 0))])


def test_a_given_executor_is_used_and_left_running():
    ms, grid, log, base = recorded()
    with ThreadPoolExecutor(2, thread_name_prefix="shared") as pool:
        loader = TileLoader(grid, TileCache(1 << 20), executor=pool)
        loader.request(list(grid.keys(1)))
        assert loader.wait(timeout=10)
        loader.close()
        assert pool.submit(lambda: 7).result(timeout=10) == 7
        assert loader.stats()["tiles_loaded"] == 4
        with pytest.raises(ValueError, match="sizes the loader's own executor"):
            TileLoader(grid, TileCache(1 << 20), executor=pool, max_workers=2)


def test_loader_refuses_bad_keys_before_changing_anything():
    ms, grid, log, base = recorded()
    with TileLoader(ms, TileCache(1 << 20), tile=16, max_workers=1) as loader:
        assert loader.grid.tile == (16, 16)
        with pytest.raises(IndexError, match="outside level 2's grid"):
            loader.request([(2, (0, 0)), (2, (1, 0))])
        assert loader.pending() == [] and log == []


# -- Budget, resize, pinned index ---------------------------------------------------------


def test_budget_shares_fairly_and_refuses_minimums_that_do_not_fit():
    from glframe.data import Budget

    class Consumer:
        pass

    budget = Budget(1200, name="gpu_budget")
    a, b, c = Consumer(), Consumer(), Consumer()
    budget.join(a, minimum=100)
    assert budget.share(a) == 1200
    budget.join(b, minimum=100)
    assert (budget.share(a), budget.share(b)) == (600, 600)
    budget.join(c, minimum=900)  # above an equal share: its minimum, the rest split
    assert (budget.share(a), budget.share(b), budget.share(c)) == (150, 150, 900)
    with pytest.raises(ValueError, match=r"gpu_budget: 200 bytes needed.*1100 of the 1200"):
        budget.join(Consumer(), minimum=200)
    assert budget.consumers == 3
    budget.leave(c)
    assert (budget.share(a), budget.share(b)) == (600, 600)
    del b  # dropped without leave(): its share goes back
    import gc

    gc.collect()
    assert budget.share(a) == 1200
    with pytest.raises(ValueError, match=r"must be an int > 0"):
        Budget(0)


def test_cache_resize_evicts_unpinned_and_pinned_index_limits_pinning():
    cache = TileCache(1000, pinned_levels={1}, pinned_index=(0,))
    tile = np.zeros(100, np.uint8)
    cache.put((1, (0, 0)), tile, (0,))
    cache.put((1, (0, 0)), tile, (1,))  # another time point's coarsest: not pinned
    for j in range(5):
        cache.put((0, (0, j)), tile, (0,))
    cache.resize(350)
    assert cache.bytes <= 350 and cache.contains((1, (0, 0)), (0,))
    assert not cache.contains((1, (0, 0)), (1,))  # evicted first (least recently used)
    cache.pinned_index = (1,)
    cache.resize(100)
    assert cache.bytes == 100 and not cache.contains((1, (0, 0)), (0,))


class Niceness:
    """An array that records, at each read, the reading thread's niceness and whether it
    is a loader worker."""

    def __init__(self, array):
        self.array, self.shape, self.dtype = array, array.shape, array.dtype
        self.seen = []

    def __getitem__(self, region):
        from glframe.data._loader import in_worker

        nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        self.seen.append((nice, in_worker()))
        return self.array[region]


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="per-thread niceness: Linux")
def test_the_loaders_own_threads_run_at_a_lower_priority():
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("per-thread niceness is Linux's")
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    for nice, expected in [(None, min(19, mine + 10)), (0, mine), (5, min(19, mine + 5))]:
        source = Niceness(np.zeros((64, 64), np.uint8))
        grid = TileGrid(Multiscale([source]), 32)
        kwargs = {} if nice is None else {"nice": nice}
        with TileLoader(grid, TileCache(1 << 20), max_workers=2, **kwargs) as loader:
            loader.request(list(grid.keys(0)))
            assert loader.wait(timeout=10)
        assert source.seen and all(s == (expected, True) for s in source.seen), nice
    # the caller keeps its own; a thread outside a loader is not a worker
    from glframe.data._loader import in_worker

    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine
    assert not in_worker()
    with pytest.raises(ValueError, match=r"nice must be an int from 0 to 19"):
        TileLoader(grid, TileCache(1 << 20), nice=-1)


def test_a_worker_waits_for_the_frame_being_drawn_one_frame_at_most():
    import time

    from glframe.data import _frames

    start = time.perf_counter()
    _frames.yield_to_drawing()  # no frame being drawn: at once
    assert time.perf_counter() - start < 0.05
    done = threading.Event()

    def worker():
        _frames.yield_to_drawing(timeout=10)
        done.set()

    _frames.begin()
    try:
        thread = threading.Thread(target=worker)
        thread.start()
        deadline = time.perf_counter() + 10
        while not _frames._changed._waiters and time.perf_counter() < deadline:
            time.sleep(0.001)  # until the worker waits (CPython's Condition keeps its waiters)
        assert not done.wait(0.2)  # waits while the frame is drawn
        _frames.begin()  # another canvas starts a frame: the first one's end still frees it
        _frames.end()
        assert done.wait(5)
        thread.join()
        start = time.perf_counter()  # drawing without pause: the wait is bounded
        _frames.yield_to_drawing(timeout=0.1)
        assert 0.09 < time.perf_counter() - start < 1.0
    finally:
        _frames.end()
    assert _frames._active == 0


class Stamped:
    """An array that records when each read starts."""

    def __init__(self, array):
        self.array, self.shape, self.dtype = array, array.shape, array.dtype
        self.starts = []

    def __getitem__(self, region):
        import time

        self.starts.append(time.perf_counter())
        return self.array[region]


def test_loader_reads_start_after_the_frame_being_drawn(scene_canvas, monkeypatch):
    import time

    from glframe.data import _frames

    monkeypatch.setattr(_frames, "MAX_WAIT", 30.0)  # the frame below ends when the test says

    source = Stamped(np.zeros((64, 64), np.uint8))
    grid = TileGrid(Multiscale([source]), 32)
    with TileLoader(grid, TileCache(1 << 20), max_workers=2) as loader:
        _frames.begin()
        try:
            loader.request(list(grid.keys(0)))
            time.sleep(0.2)
            assert source.starts == []  # nothing read while the frame is drawn
            ended = time.perf_counter()
        finally:
            _frames.end()
        assert loader.wait(timeout=10)
    assert len(source.starts) == 4 and min(source.starts) >= ended
    # a scene canvas marks its frames: from the views recorded to the pixels read
    canvas = scene_canvas()
    marked = []
    execute = canvas.context.execute_pending

    def spy(*args, **kwargs):
        marked.append(_frames._active)
        return execute(*args, **kwargs)

    canvas.context.execute_pending = spy
    draw_views = canvas._draw_views

    def recording(*args, **kwargs):  # the views' recording is marked too
        marked.append(("recording", _frames._active))
        return draw_views(*args, **kwargs)

    canvas._draw_views = recording
    canvas.render()
    assert marked[0] == ("recording", 1) and marked[-1] == 1 and _frames._active == 0


def test_steps_cover_the_range_in_order_sized_by_time():
    import time

    from glframe.data import _frames

    got = list(_frames.steps(1000, first=3))  # an empty body: each step twice the last
    assert got[0] == (0, 3) and got[1] == (3, 9) and got[-1][1] == 1000
    assert all(a[1] == b[0] for a, b in zip(got, got[1:]))
    sizes = []
    for s, e in _frames.steps(40, first=8, seconds=0.002):
        sizes.append(e - s)
        time.sleep(0.001 * (e - s))  # a millisecond a unit: two units a step
    assert sizes[0] == 8 and sizes[1:-1] and all(n <= 2 for n in sizes[1:]) and sum(sizes) == 40


class Stepped:
    """A source whose reads compute in ``n`` steps of ``dt`` seconds (``_frames.steps``),
    recording each read's start and end ("done" or "stopped"); ``stopped_at``: when the
    last read stopped."""

    def __init__(self, n=200, dt=0.005):
        self.shape, self.dtype = (64, 64), np.dtype(np.uint8)
        self.n, self.dt = n, dt
        self.log = []
        self.started = threading.Event()
        self.stopped_at = None

    def __getitem__(self, region):
        import time

        from glframe.data import _frames

        name = (region[0].start, region[1].start)
        self.log.append(("start", name))
        self.started.set()
        try:
            for _ in _frames.steps(self.n, seconds=1e-9):  # one unit a step
                time.sleep(self.dt)
        except _frames.ReadCancelled:
            self.stopped_at = time.perf_counter()
            self.log.append(("stopped", name))
            raise
        self.log.append(("done", name))
        return np.full(
            (region[0].stop - region[0].start, region[1].stop - region[1].start), 7, np.uint8
        )


def test_a_running_read_no_longer_wanted_stops_at_its_next_step():
    import time

    source = Stepped()  # a read runs a second unless stopped
    grid = TileGrid(Multiscale([source]), 32)
    a, b = (0, (0, 0)), (0, (1, 1))
    with TileLoader(grid, TileCache(1 << 20), max_workers=1) as loader:
        loader.request([a])
        assert source.started.wait(10)
        start = time.perf_counter()
        loader.request([b])  # a is running: told to stop
        assert loader.wait(timeout=10)
        assert source.stopped_at - start < 0.3  # a's read (a second) stopped at once
        assert source.log == [
            ("start", (0, 0)),
            ("stopped", (0, 0)),
            ("start", (32, 32)),
            ("done", (32, 32)),
        ]
        assert not loader.ready(a) and loader.ready(b)
        s = loader.stats()
        assert s["cancelled"] == 1 and s["reads_active"] == 0 and s["errors"] == 0
        # wanted again while running: it goes on (or, stopped already, is read again)
        source.started.clear()
        loader.request([a])
        assert source.started.wait(10)
        loader.request([b])
        loader.request([a])
        assert loader.wait(timeout=10) and loader.ready(a)
        assert source.log[-1] == ("done", (0, 0))


def test_close_stops_a_running_read_at_its_next_step():
    import time

    source = Stepped()
    grid = TileGrid(Multiscale([source]), 32)
    loader = TileLoader(grid, TileCache(1 << 20), max_workers=1)
    loader.request([(0, (0, 0))])
    assert source.started.wait(10)
    start = time.perf_counter()
    loader.close()
    assert time.perf_counter() - start < 0.5  # not the read's whole second
    assert source.log == [("start", (0, 0)), ("stopped", (0, 0))]
    assert loader.stats()["errors"] == 0
