"""MultiscaleVolume: level and brick choice, priority, placement against a plain Volume,
budgets and no hole in any frame during a random walk, time series index, motion."""

from __future__ import annotations

import time

import numpy as np
import pytest

from glframe import scene
from glframe.data import Multiscale
from glframe.data.synthetic import mandelbulb
from glframe.transforms import STTransform

SCENE_SIZE = (150, 150)
RED = np.array([255, 0, 0])


@pytest.fixture
def made():
    volumes = []
    yield volumes
    for volume in volumes:
        volume.close()


def mvolume(made, source, view, **kwargs):
    volume = scene.visuals.MultiscaleVolume(source, parent=view.scene, **kwargs)
    made.append(volume)
    return volume


def top_view(scene_canvas, n, scale_factor, bgcolor="black", fov=0.0):
    """Looking down z at the centre of an n^3 box, ``scale_factor`` voxels across 150 px."""
    canvas = scene_canvas(bgcolor=bgcolor)
    camera = scene.TurntableCamera(
        azimuth=0, elevation=90, fov=fov, scale_factor=scale_factor, center=(n / 2,) * 3
    )
    return canvas, canvas.add_view(camera=camera)


def blob_pyramid(n=128, levels=4, dtype=np.float32):
    """A smooth blob (values in [1, 2]) and its 2x block means, finest first."""
    z, y, x = (np.mgrid[0:n, 0:n, 0:n] + 0.5) / n - 0.5
    base = (1 + np.exp(-8 * (x**2 + 2 * y**2 + 3 * z**2))).astype(np.float32)
    out = [base]
    for _ in range(levels - 1):
        a = out[-1]
        out.append(
            a.reshape(a.shape[0] // 2, 2, a.shape[1] // 2, 2, a.shape[2] // 2, 2).mean((1, 3, 5))
        )
    return [a.astype(dtype) for a in out]


def test_level_and_bricks_follow_the_camera(scene_canvas, made):
    canvas, view = top_view(scene_canvas, 256, 150)
    volume = mvolume(made, Multiscale(blob_pyramid(256), spatial_ndim=3), view, tile=32)
    # one screen pixel covers 1 level-0 voxel: voxels of at most 2 screen pixels -> level 1
    for scale_factor, level in [(150, 1), (75, 0), (300, 2), (600, 3), (2000, 3)]:
        view.camera.scale_factor = scale_factor
        canvas.render()
        assert volume.stats()["level"] == level, scale_factor
    # zoomed in on the centre: only the bricks under the view, through the whole depth
    view.camera.scale_factor = 40  # level 0, 40 voxels across: x, y in [108, 148)
    canvas.render()
    wanted = volume._wanted
    assert {k[0] for k in wanted} == {0}
    ys = {k[1][1] for k in wanted}
    xs = {k[1][2] for k in wanted}
    zs = {k[1][0] for k in wanted}
    # bricks of 32: 96..160; in depth, those below the near plane (an orthographic eye is
    # 2 * scale_factor = 80 voxels above the centre, at z = 208: brick 6 holds it)
    assert ys == xs == {3, 4} and zs == set(range(7))


def test_bricks_load_nearest_the_eye_and_the_axis_first(scene_canvas, made):
    canvas, view = top_view(scene_canvas, 256, 150)
    volume = mvolume(made, Multiscale(blob_pyramid(256), spatial_ndim=3), view, tile=32)
    canvas.render()
    wanted = volume._wanted
    # the eye looks down -z from above: the top plane of bricks (largest z) comes first
    depths = [k[1][0] for k in wanted]
    assert depths[0] == max(depths) and depths[-1] == min(depths)
    top = [k for k in wanted if k[1][0] == max(depths)]
    first = top[0][1]
    assert {first[1], first[2]} <= {1, 2}  # a central brick of the 4 x 4 (level 1: 128^3)
    # a camera change cancels what is no longer wanted
    view.camera.scale_factor = 20
    canvas.render()
    pending = set(volume._loader.pending())
    assert pending <= set(volume._wanted)


@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_after_wait_equal_to_a_plain_volume_of_the_level(scene_canvas, made, dtype):
    levels = blob_pyramid(64, 3)
    if dtype == np.uint8:
        levels = [(a * 100).astype(np.uint8) for a in levels]
    ms = Multiscale(levels, spatial_ndim=3)
    clim = (50, 200) if dtype == np.uint8 else (1, 2)
    # the level, then two pans at that level: the brick window moves (its slots wrap)
    for scale_factor, level, pans in [(40, 0, 2), (150, 1, 0)]:
        canvas, view = top_view(scene_canvas, 64, scale_factor, fov=30)
        view.camera.elevation, view.camera.azimuth = 30, 40
        volume = mvolume(made, ms, view, tile=8, clim=clim)
        plain = scene.visuals.Volume(levels[level], clim=clim, parent=view.scene)
        plain.transform = STTransform(scale=(2.0**level,) * 3)  # into level-0 voxels
        for pan in range(pans + 1):
            view.camera.center = (32 + 12 * pan, 32 - 9 * pan, 32)
            plain.visible, volume.visible = False, True
            assert volume.wait(timeout=60)
            tiled = canvas.render()
            stats = volume.stats()
            assert stats["level"] == level and stats["tiles_pending"] == 0, stats
            plain.visible, volume.visible = True, False
            reference = canvas.render()
            diff = np.abs(tiled.astype(int) - reference.astype(int)).max(axis=-1)
            assert np.mean(diff > 2) < 0.002, (level, pan, np.mean(diff > 2))
            assert (reference[..., :3].max(axis=-1) > 0).mean() > 0.3  # something drawn


def test_window_code_is_compiled_in_only_while_a_finer_level_is_drawn(
    scene_canvas, made, monkeypatch
):
    """Rays read the brick window only below the coarsest level: a GLSL constant (the
    window's lookups cost llvmpipe 5x on every sample, read or not); going back and
    forth links each program once (the interpreter keeps unused ones a while)."""
    from glframe.backends.gl import _interpreter

    links = []
    linked_program = _interpreter.LinkedProgram
    monkeypatch.setattr(
        _interpreter, "LinkedProgram", lambda *a: links.append(a) or linked_program(*a)
    )
    ms = Multiscale(blob_pyramid(64, 3), spatial_ndim=3)
    canvas, view = top_view(scene_canvas, 64, 600, fov=30)
    volume = mvolume(made, ms, view, tile=8, clim=(1, 2))
    states = []
    for scale_factor in (600, 40, 600, 40):  # the coarsest level, level 0, and again
        view.camera.scale_factor = scale_factor
        assert volume.wait(timeout=60)
        image = canvas.render()
        fragment = volume.program.compiled.fragment
        states.append((volume.stats()["level"], "MULTISCALE_WINDOW = 1.0" in fragment))
        assert image[..., :3].max() > 0
    assert states == [(2, False), (0, True), (2, False), (0, True)]
    assert len(links) == 2  # one program each way, linked once


class Gated:
    """A level that gives nothing until ``gate`` is set (a slow disk)."""

    def __init__(self, array, gate):
        self.array, self.gate = array, gate
        self.shape, self.dtype = array.shape, array.dtype

    def __getitem__(self, key):
        assert self.gate.wait(timeout=60)
        return self.array[key]


def test_no_brick_resident_draws_the_coarsest_level_alone(scene_canvas, made):
    """While no brick of the window is resident (a first frame, a new level), the rays
    read the coarsest level only: the program without the window's lookups, at the
    coarsest level's step, and the pixels of a plain Volume of that level."""
    import threading

    levels = blob_pyramid(64, 3)
    gate = threading.Event()
    ms = Multiscale([Gated(levels[0], gate), Gated(levels[1], gate), levels[2]], spatial_ndim=3)
    canvas, view = top_view(scene_canvas, 64, 40, fov=30)
    view.camera.elevation, view.camera.azimuth = 30, 40
    volume = mvolume(made, ms, view, tile=8, clim=(1, 2), cmap="grays", method="mip")
    plain = scene.visuals.Volume(levels[2], clim=(1, 2), cmap="grays", parent=view.scene)
    plain.transform = STTransform(scale=(4, 4, 4))
    plain.visible = False
    try:
        first = canvas.render()
        assert volume.stats()["level"] == 0 and volume.stats()["tiles_resident"] == 0
        assert "MULTISCALE_WINDOW = 1.0" not in volume.program.compiled.fragment
        assert volume.program["u_step"] == pytest.approx(0.5 * 4)  # in coarsest voxels
        plain.visible, volume.visible = True, False
        reference = canvas.render()
        plain.visible, volume.visible = False, True
    finally:
        gate.set()
    diff = np.abs(first.astype(int) - reference.astype(int)).max(axis=-1)
    assert np.mean(diff > 2) < 0.002, np.mean(diff > 2)
    assert np.ptp(reference[..., :3].max(axis=-1)) > 60  # a picture, not a flat colour
    assert volume.wait(timeout=60)
    canvas.render()
    assert "MULTISCALE_WINDOW = 1.0" in volume.program.compiled.fragment
    assert volume.program["u_step"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    "method, clim", [("minip", (1.0, 2.0)), ("average", (1.0, 1.4)), ("additive", (1.0, 40.0))]
)
def test_ray_methods_equal_a_plain_volume(scene_canvas, made, method, clim):
    # the methods live in the shared ray caster: the bricks give what the plain volume does
    levels = blob_pyramid(64, 3)
    if method == "minip":
        levels = [3 - a for a in levels]  # a dark core in a bright box: the minimum shows it
    canvas, view = top_view(scene_canvas, 64, 40, fov=30)
    view.camera.elevation, view.camera.azimuth = 30, 40
    ms = Multiscale(levels, spatial_ndim=3)
    volume = mvolume(made, ms, view, tile=8, clim=clim, cmap="grays")
    volume.method = method
    plain = scene.visuals.Volume(
        levels[0], method=method, clim=clim, cmap="grays", parent=view.scene
    )
    plain.visible = False
    assert volume.wait(timeout=60)
    tiled = canvas.render()
    assert volume.stats()["level"] == 0
    plain.visible, volume.visible = True, False
    reference = canvas.render()
    diff = np.abs(tiled.astype(int) - reference.astype(int)).max(axis=-1)
    assert np.mean(diff > 2) < 0.002, np.mean(diff > 2)
    assert np.ptp(reference[..., :3].max(axis=-1)) > 60  # a picture, not a flat colour


def test_coarse_levels_sit_where_level_0_is(scene_canvas, made):
    # levels of values 1, 2, 3 where a cube [16, 48)^3 of level 0 is: MIP from the top shows
    # the same square at every level, told apart by its value
    n = 64
    levels = []
    for k in range(3):
        m = n >> k
        a = np.zeros((m,) * 3, np.float32)
        a[16 >> k : 48 >> k, 16 >> k : 48 >> k, 16 >> k : 48 >> k] = k + 1
        levels.append(a)
    ms = Multiscale(levels, spatial_ndim=3)
    canvas, view = top_view(scene_canvas, n, 75)  # 0.5 voxel per screen pixel: level 0
    volume = mvolume(made, ms, view, tile=16, clim=(0, 4), cmap="grays", interpolation="nearest")
    x = 32 + (np.arange(150) + 0.5 - 75) * 75 / 150  # local x at each screen column
    inside = (np.abs(x - 32) < 15.5)[:, None] & (np.abs(x - 32) < 15.5)[None]
    outside = (np.abs(x - 32) > 16.5)[:, None] | (np.abs(x - 32) > 16.5)[None]
    for budget_levels, value in [(None, 1), (2, 3)]:
        if budget_levels is not None:  # a GPU share that holds only the coarsest level
            volume.close()
            volume = mvolume(
                made,
                ms,
                view,
                tile=16,
                clim=(0, 4),
                cmap="grays",
                interpolation="nearest",
                gpu_budget=16**3 * 4,
            )
        volume.wait(timeout=60)
        image = canvas.render()[..., 0].astype(int)
        assert np.all(np.abs(image[inside] - round(255 * value / 4)) <= 1), value
        assert np.all(image[outside] <= 1), value


def test_budgets_and_no_hole_in_any_frame_of_a_random_walk(scene_canvas, made):
    ms = Multiscale(blob_pyramid(128, 4), spatial_ndim=3)
    canvas, view = top_view(scene_canvas, 128, 200, bgcolor="red", fov=40)
    gpu_budget = 16**3 + 4 * 4 * 4 * 16**3 * 2  # the coarsest (float16) and 64 bricks
    volume = mvolume(
        made,
        ms,
        view,
        tile=16,
        clim=(0, 2),
        cmap="grays",
        cpu_budget=40 * 16**3 * 4,
        gpu_budget=gpu_budget,
        uploads_per_frame=3,
    )
    canvas.render()
    rng = np.random.default_rng(3)
    for frame in range(25):
        cam = view.camera
        cam.azimuth = float(rng.uniform(-180, 180))
        cam.elevation = float(rng.uniform(-80, 80))
        cam.scale_factor = float(rng.uniform(20, 250))
        image = canvas.render()
        stats = volume.stats()
        assert stats["gpu_bytes"] <= stats["gpu_budget"], (frame, stats)
        assert stats["cpu_bytes"] <= stats["cpu_budget"], (frame, stats)
        # every ray through the box has data (values >= 1: a gray >= 127): no red pixel
        # where the box is; the silhouette is where the picture is not red
        red = np.all(image[..., :3] == RED, axis=-1)
        gray = (np.abs(image[..., 0].astype(int) - image[..., 1]) <= 1) & (image[..., 0] >= 120)
        assert np.all(red | gray), frame
    assert volume.stats()["uploads"] > 0


def test_index_change_of_a_time_series(scene_canvas, made):
    # two time points: 1 and 3 (level 0), 1.5 and 3.5 (level 1), constant
    levels = [
        np.stack([np.full((32, 32, 32), v, np.float32) for v in (1.0, 3.0)]),
        np.stack([np.full((16, 16, 16), v, np.float32) for v in (1.5, 3.5)]),
    ]
    ms = Multiscale(levels, spatial_ndim=3)
    canvas, view = top_view(scene_canvas, 32, 30)
    volume = mvolume(made, ms, view, tile=8, clim=(0, 4), cmap="grays", interpolation="nearest")
    volume.wait(timeout=30)
    canvas.render()
    centre = lambda img: int(img[75, 75, 0])  # noqa: E731
    assert abs(centre(canvas.render()) - 64) <= 1  # t = 0, level 0
    volume.index = (1,)
    first = centre(canvas.render())
    assert abs(first - round(255 * 3.5 / 4)) <= 1 or abs(first - 191) <= 1  # never t = 0
    volume.wait(timeout=30)
    canvas.render()
    assert abs(centre(canvas.render()) - 191) <= 1  # t = 1, level 0
    with pytest.raises(IndexError, match=r"MultiscaleVolume.index \(2,\) is out of range"):
        volume.index = 2


def test_moving_camera_steps_coarser_then_settles(scene_canvas, made):
    canvas, view = top_view(scene_canvas, 64, 60)
    volume = mvolume(
        made, Multiscale(blob_pyramid(64, 3), spatial_ndim=3), view, tile=16, settle=0.2
    )
    canvas.render()
    assert volume.wait(timeout=30)
    canvas.render()  # the bricks drawn: the window's step
    assert not volume.stats()["moving"]
    still_step = volume.program["u_step"]
    assert still_step == pytest.approx(0.5)  # step_size 0.5 of a level-0 voxel
    view.camera.azimuth = 20
    canvas.render()
    assert volume.stats()["moving"]
    assert volume.program["u_step"] == pytest.approx(2 * still_step)
    canvas.render()  # a frame after the change: still within settle, so still moving
    assert volume.stats()["moving"]
    canvas._dirty = False
    time.sleep(0.35)
    assert canvas._dirty  # the settle timer asked for the full-quality frame
    canvas.render()
    assert not volume.stats()["moving"]
    assert volume.program["u_step"] == pytest.approx(still_step)


def test_mandelbulb_renders_and_debug_tints(scene_canvas, made):
    canvas = scene_canvas(bgcolor="black")
    view = canvas.add_view(camera=scene.TurntableCamera(azimuth=30, elevation=20))
    volume = mvolume(made, mandelbulb(size=2**9, tile=32), view, tile=32, method="iso")
    view.camera.set_range()
    assert volume.wait(timeout=60)
    plain = canvas.render()
    assert volume.stats()["level"] < volume.grid.nlevels - 1  # finer than the coarsest
    assert (plain[..., :3].max(axis=-1) > 30).mean() > 0.05  # a surface fills the middle
    volume.debug = True
    tinted = canvas.render()
    assert not np.array_equal(plain, tinted)


def test_errors_name_the_rule(made):
    v = scene.visuals
    with pytest.raises(ValueError, match=r"MultiscaleVolume.source must be 3D"):
        v.MultiscaleVolume(Multiscale([np.zeros((8, 8))]))
    with pytest.raises(ValueError, match=r"gpu_budget must hold the coarsest level"):
        v.MultiscaleVolume(Multiscale([np.zeros((8, 8, 8))], spatial_ndim=3), gpu_budget=10)
    volume = v.MultiscaleVolume(Multiscale([np.zeros((8, 8, 8))], spatial_ndim=3))
    made.append(volume)
    with pytest.raises(ValueError, match=r"MultiscaleVolume.method"):
        volume.method = "max"
    with pytest.raises(AttributeError, match=r"has no attribute 'setle'.*'settle'"):
        volume.setle = 1


def test_an_ome_zarr_time_series_written_by_build_pyramid(scene_canvas, made, tmp_path):
    pytest.importorskip("zarr")
    from glframe.data import build_pyramid, open_multiscale

    # two time points: a bright cube at x in [8, 24) (t = 0), then at x in [40, 56) (t = 1)
    series = np.zeros((2, 64, 64, 64), np.uint8)
    series[0, 24:40, 24:40, 8:24] = 200
    series[1, 24:40, 24:40, 40:56] = 200
    build_pyramid(series, tmp_path / "s.ome.zarr", tile=16, spatial_ndim=3, progress=False)
    ms = open_multiscale(tmp_path / "s.ome.zarr")
    assert ms.leading_shape == (2,) and ms.nlevels == 3
    canvas, view = top_view(scene_canvas, 64, 75)  # level 0: 0.5 voxel per screen pixel
    volume = mvolume(made, ms, view, tile=16, clim=(0, 200), cmap="grays")
    x = 32 + (np.arange(150) + 0.5 - 75) * 75 / 150  # local x of each screen column
    for t, (x0, x1) in enumerate([(8, 24), (40, 56)]):
        volume.index = (t,)
        assert volume.wait(timeout=60)
        row = canvas.render()[75, :, 0].astype(int)  # y = 32: through the cube
        assert volume.stats()["level"] == 0
        bright = row > 128
        assert np.all(bright[(x > x0 + 1) & (x < x1 - 1)]), t
        assert not np.any(bright[(x < x0 - 1) | (x > x1 + 1)]), t
