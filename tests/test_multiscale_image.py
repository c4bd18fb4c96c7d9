"""MultiscaleImage: level choice, placement of every level, no frame without data, budgets,
wait() against a plain Image, errors."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from glframe import scene
from glframe.data import Multiscale
from glframe.data.synthetic import mandelbrot

SCENE_SIZE = (128, 128)
RED = np.array([255, 0, 0])  # the background: not a viridis colour


@pytest.fixture
def made():
    images = []
    yield images
    for image in images:
        image.close()


def mimage(made, source, view, **kwargs):
    image = scene.visuals.MultiscaleImage(source, parent=view.scene, **kwargs)
    made.append(image)
    return image


def view_of(scene_canvas, rect, bgcolor="black"):
    canvas = scene_canvas(bgcolor=bgcolor)
    camera = scene.PanZoomCamera(rect=rect, aspect=1, flip=(False, True))
    return canvas, canvas.add_view(camera=camera)


def constant_pyramid(translate=None):
    """128^2, 64^2, 32^2 levels of constant values 1, 2, 3 (grays at 1/4, 2/4, 3/4)."""
    levels = [np.full((128 >> k, 128 >> k), k + 1.0, np.float32) for k in range(3)]
    return Multiscale(levels, translate=translate)


def classify(pixels):
    """Per pixel: 0 (black background), 1, 2 or 3 (the level's value), by the red channel."""
    r = pixels[..., 0].astype(float)
    return np.argmin(np.abs(r[..., None] - np.array([0, 63.75, 127.5, 191.25])), axis=-1)


def test_level_follows_the_camera(scene_canvas, made):
    canvas, view = view_of(scene_canvas, (0, 0, 128, 128))
    image = mimage(made, mandelbrot(size=2**14, tile=256), view)  # levels 0..6
    view.camera.set_range(margin=0)  # 16384 level-0 pixels over 128 screen pixels
    canvas.render()
    assert image.stats()["level"] == 6  # zoomed out: the coarsest
    for rect, level in [((0, 0, 128, 128), 0), ((0, 0, 64, 64), 0), ((0, 0, 512, 512), 2)]:
        view.camera.rect = rect
        canvas.render()
        assert image.stats()["level"] == level, rect
    view.camera.rect = (0, 0, 16384 / 4, 16384 / 4)  # 32 level-0 pixels per screen pixel
    canvas.render()
    assert image.stats()["level"] == 5
    assert image.bounds(0) == (0.0, 16384.0) and image.bounds(1) == (0.0, 16384.0)


@pytest.mark.parametrize(
    "rect, level, width",
    [((0, 0, 128, 128), 0, 128), ((0, 0, 256, 256), 1, 64), ((0, 0, 512, 512), 2, 32)],
)
def test_each_level_covers_the_image_exactly(scene_canvas, made, rect, level, width):
    canvas, view = view_of(scene_canvas, rect)
    image = mimage(made, constant_pyramid(), view, cmap="grays", clim=(0, 4), tile=32)
    canvas.render()
    assert image.wait(timeout=30)
    got = classify(canvas.render())
    assert image.stats()["level"] == level
    expected = np.zeros((128, 128), int)
    expected[:width, :width] = level + 1
    np.testing.assert_array_equal(got, expected)


def test_a_translated_level_is_placed_in_level0_pixels(scene_canvas, made):
    # level 1 shifted by 2 level-0 pixels along x (columns): one screen pixel at 2:1
    canvas, view = view_of(scene_canvas, (0, 0, 256, 256))
    ms = constant_pyramid(translate=[(0, 0), (0, 2), (0, 0)])
    image = mimage(made, ms, view, cmap="grays", clim=(0, 4), tile=32)
    canvas.render()
    image.wait(timeout=30)
    got = classify(canvas.render())
    expected = np.zeros((128, 128), int)
    expected[:64, :64] = 3  # the coarsest level, under it
    expected[:64, 1:65] = 2  # level 1: columns [2, 130) in level-0 pixels
    np.testing.assert_array_equal(got, expected)


def test_tiles_go_into_one_atlas_by_partial_uploads_and_are_drawn_by_one_draw(
    scene_canvas, made, monkeypatch
):
    from glframe.gloo.glir import Cmd
    from glframe.scene.visuals import _multiscale_image

    monkeypatch.setattr(_multiscale_image, "FIRST_PAGE_SLOTS", 32)  # all 17 in one page
    canvas, view = view_of(scene_canvas, (0, 0, 128, 128))
    image = mimage(made, constant_pyramid(), view, cmap="grays", clim=(0, 4), tile=32)
    sent = []
    canvas.context.listeners.append(sent.extend)
    frames = []
    for _ in range(8):  # 1 coarsest tile, then 16 level-0 tiles at most 4 a frame
        sent.clear()
        got = classify(canvas.render())
        frames.append((list(sent), image.stats()))
        image._loader.wait(timeout=30)
    np.testing.assert_array_equal(got, np.full((128, 128), 1))
    commands = [c for cmds, _ in frames for c in cmds]
    atlas = image._atlas.pages
    assert len(atlas) == 1  # one texture for every tile: made once, never resized
    textures = [c for c in commands if c[0] == Cmd.CREATE and c[2] == "Texture2D"]
    assert [c[1] for c in textures] == [atlas[0].id]
    assert [c for c in commands if c[0] == Cmd.SIZE and c[1] == atlas[0].id][1:] == []
    uploads = [c for c in commands if c[0] == Cmd.DATA and c[1] == atlas[0].id]
    assert len(uploads) == 17 == image.stats()["uploads"] == image.stats()["tiles_resident"]
    offsets = {c[2] for c in uploads}
    assert len(offsets) == 17 and all(r % 32 == 0 and c % 32 == 0 for r, c in offsets)
    assert all(c[3].shape == (32, 32) for c in uploads)  # a tile each, not the atlas
    assert image.stats()["atlas_slots"] >= 17
    assert image.stats()["gpu_bytes"] == 17 * 32 * 32 * 4  # float32 slots in use
    # each frame: one instanced draw of every drawn tile (the coarsest, then level 0's),
    # all in the one page
    for cmds, stats in frames:
        draws = [c for c in cmds if c[0] == Cmd.DRAW and c[1] == image.program.id]
        assert len(draws) == 1 == image._draws
        # uploads_per_frame (4), and the coarsest tile at the first frame
        assert sum(1 for c in cmds if c[0] == Cmd.DATA and c[1] == atlas[0].id) <= 1 + 4
        assert stats["gpu_bytes"] == stats["tiles_resident"] * 32 * 32 * 4
    assert draws[0][4] == 16  # the coarsest tile, covered by level 0's, is left out


def test_covered_tiles_are_not_drawn_unless_a_finer_texel_is_missing(scene_canvas, made):
    from glframe.gloo.glir import Cmd

    canvas, view = view_of(scene_canvas, (0, 0, 128, 128))
    ms = constant_pyramid()
    ms.levels[0][5, 70] = np.nan  # one missing texel in level 0's tile (0, 2)
    image = mimage(made, ms, view, cmap="grays", clim=(0, 4), tile=32)
    canvas.render()
    image.wait(timeout=30)
    sent = []
    canvas.context.listeners.append(sent.extend)
    got = classify(canvas.render())
    expected = np.full((128, 128), 1)
    expected[5, 70] = 3  # the coarsest level shows through the hole
    np.testing.assert_array_equal(got, expected)
    draws = [c for c in sent if c[0] == Cmd.DRAW and c[1] == image.program.id]
    # the coarsest is drawn (not covered), first; a draw per page (the first holds 16 slots)
    pages = image._atlas.pages
    assert len(pages) == 2 and [d[4] for d in draws] == [16, 1]
    ms.levels[0][5, 70] = 1.0
    image.close()
    made.remove(image)
    image = mimage(made, ms, view, cmap="grays", clim=(0, 4), tile=32)
    canvas.render()
    image.wait(timeout=30)
    sent.clear()
    np.testing.assert_array_equal(classify(canvas.render()), np.full((128, 128), 1))
    draws = [c for c in sent if c[0] == Cmd.DRAW and c[1] == image.program.id]
    # level 0's 16 tiles (the coarsest is covered), 15 in the first page
    assert [d[4] for d in draws] == [15, 1]


class Gated:
    """An array whose reads wait until ``go`` is set (a slow disk, made deterministic)."""

    def __init__(self, array):
        self.array, self.shape, self.dtype = array, array.shape, array.dtype
        self.go = threading.Event()

    def __getitem__(self, region):
        assert self.go.wait(30)
        return self.array[region]


class LeftGated(Gated):
    """Reads of the left half (columns < 64) wait until ``go`` is set."""

    def __getitem__(self, region):
        if region[1].start < 64:
            assert self.go.wait(30)
        return self.array[region]


def test_a_missing_tile_is_drawn_once_from_the_finest_level_that_has_it(
    scene_canvas, made, monkeypatch
):
    from glframe.data import _loader

    monkeypatch.setattr(_loader, "DEFAULT_MAX_WORKERS", 16)  # the gated reads wait apart
    canvas, view = view_of(scene_canvas, (0, 0, 256, 256))  # 2 level-0 pixels a pixel
    ms = constant_pyramid()
    gated = ms.levels[0] = LeftGated(ms.levels[0])
    image = mimage(made, ms, view, cmap="grays", clim=(0, 4), tile=32)
    try:
        canvas.render()
        assert image.wait(timeout=30) and image.stats()["level"] == 1
        canvas.render()
        image._atlas.give(image._gpu.pop(((1, (0, 0)), ())))  # level 1 lacks its first tile
        view.camera.rect = (0, 0, 128, 128)  # level 0: its right half loads, not its left
        canvas.render()
        image._loader.wait(timeout=1)  # the right half's 8 tiles load meanwhile
        drawn = []
        pieces = image._pieces
        image._pieces = lambda keys: drawn.append(pieces(keys)) or drawn[-1]
        for _ in range(4):
            got = classify(canvas.render())
        expected = np.full((128, 128), 1)
        expected[:64, :64] = 3  # neither level 0 nor level 1: the coarsest
        expected[64:, :64] = 2  # level 1's tile, under level 0's missing ones
        np.testing.assert_array_equal(got, expected)
        # every pixel drawn once: level 1's tile whole, the coarsest tile in 4 parts, only
        # where level 1 lacks its tile (before: also under level 1's, drawn over them)
        assert sorted((k[0], part is None) for k, part in drawn[-1]) == (
            [(0, True)] * 8 + [(1, True)] + [(2, False)] * 4
        )
        areas = [
            (r1 - r0) * (c1 - c0)
            for k, part in drawn[-1]
            for (r0, r1), (c0, c1) in [part or image.grid.extent(k)]
        ]
        assert sum(areas) == 128 * 128
    finally:
        gated.go.set()


def test_a_pan_reads_first_the_tiles_where_the_view_is_going(scene_canvas, made, monkeypatch):
    from glframe.scene.visuals import _multiscale_image

    clock = [100.0]
    monkeypatch.setattr(_multiscale_image.time, "monotonic", lambda: clock[0])
    ms = constant_pyramid()
    gated = ms.levels[0] = Gated(ms.levels[0])  # nothing loads: only the order counts
    canvas, view = view_of(scene_canvas, (32, 32, 64, 64))
    image = mimage(made, ms, view, cmap="grays", clim=(0, 4), tile=32)
    try:
        canvas.render()
        still = list(image._wanted)  # nearest the centre (64, 64) first
        assert image.grid.extent(still[0]) == ((32, 64), (32, 64))
        clock[0] += 0.1  # 16 level-0 pixels to the right in 0.1 s: 48 more in 0.3 s
        view.camera.rect = (48, 32, 64, 64)
        canvas.render()
        panning = list(image._wanted)
        assert set(panning) == set(still) | {(0, (1, 3)), (0, (2, 3))} - {(0, (1, 1)), (0, (2, 1))}
        # nearest (64, 128), where the centre will be: the right column first
        assert [image.grid.extent(k)[1] for k in panning[:2]] == [(96, 128)] * 2
        clock[0] += 1.0  # still again: nearest the centre (64, 80)
        canvas.render()
        assert [image.grid.extent(k)[1] for k in image._wanted[:2]] == [(64, 96)] * 2
    finally:
        gated.go.set()


def test_a_missing_fine_tile_shows_the_coarse_one(scene_canvas, made):
    canvas, view = view_of(scene_canvas, (0, 0, 128, 128))
    ms = constant_pyramid()
    gated = ms.levels[0] = Gated(ms.levels[0])
    image = mimage(made, ms, view, cmap="grays", clim=(0, 4), tile=32)
    image.uploads_per_frame = 1
    drawn = []  # what each frame draws: (tile, None) whole, (tile, extent) a part of it
    pieces = image._pieces
    image._pieces = lambda keys: drawn.append(pieces(keys)) or drawn[-1]
    got = classify(canvas.render())  # first frame: the coarsest level only
    np.testing.assert_array_equal(got, np.full((128, 128), 3))
    assert image.stats()["wanted_share"] == 0.0
    gated.go.set()
    image._loader.wait(timeout=30)  # every level-0 tile loaded; one uploaded per frame
    got = classify(canvas.render())
    first = image._wanted[0]  # the most important tile: nearest the view centre
    (r0, r1), (c0, c1) = image.grid.extent(first)
    expected = np.full((128, 128), 3)
    expected[int(r0) : int(r1), int(c0) : int(c1)] = 1
    np.testing.assert_array_equal(got, expected)
    assert image.stats()["tiles_pending"] == 15
    assert image.stats()["wanted_share"] == pytest.approx(1 / 16)  # one of 16 equal tiles
    # the coarse tile is drawn in 15 parts, under the 15 missing tiles only: every pixel
    # of the view is drawn once (no overdraw), the fine tile's 32^2 by the fine tile
    assert [k[0] for k, part in drawn[-1]] == [2] * 15 + [0]
    areas = [
        (r1 - r0) * (c1 - c0)
        for k, part in drawn[-1]
        for (r0, r1), (c0, c1) in [part or image.grid.extent(k)]
    ]
    assert sum(areas) == 128 * 128 and areas[-1] == 32 * 32
    for _ in range(15):
        canvas.render()
    np.testing.assert_array_equal(classify(canvas.render()), np.full((128, 128), 1))
    assert image.stats()["tiles_pending"] == 0
    assert image.stats()["wanted_share"] == 1.0


def test_uploads_are_paced_while_the_camera_moves(scene_canvas, made):
    # 64 level-0 tiles of 16^2, all loaded; 8 uploads a frame when still, 2 when moving
    canvas, view = view_of(scene_canvas, (0, 0, 128, 128))
    image = mimage(made, constant_pyramid(), view, tile=16, uploads_per_frame=8)
    canvas.render()
    assert image.stats()["moving"] is False
    assert image._loader.wait(timeout=30)
    uploads = image.stats()["uploads"]
    for frame in range(5):
        view.camera.rect = (0.25 * (frame + 1), 0, 128, 128)  # a slow pan: same tiles
        canvas.render()
        s = image.stats()
        assert s["moving"] is True and s["level"] == 0
        assert s["uploads"] - uploads == 2, frame  # max(1, 8 // 4)
        uploads = s["uploads"]
    canvas.render()  # the camera stopped: full rate again
    s = image.stats()
    assert s["moving"] is False and s["uploads"] - uploads == 8
    image.uploads_per_frame = 3  # a quarter of 3 rounds down to 0: at least 1
    uploads = s["uploads"]
    view.camera.rect = (0, 0, 128, 128)
    canvas.render()
    assert image.stats()["moving"] is True and image.stats()["uploads"] - uploads == 1


def test_loaded_tiles_left_for_the_next_frame_ask_for_it(scene_canvas, made):
    # an event loop draws only when asked: the frame that leaves loaded tiles unuploaded
    # (uploads_per_frame) asks for the next, until every wanted tile is in the atlas
    canvas, view = view_of(scene_canvas, (0, 0, 128, 128))
    image = mimage(made, constant_pyramid(), view, tile=32, uploads_per_frame=4)
    canvas.render()
    assert image._loader.wait(timeout=30)
    asked = []
    while not asked or asked[-1][1] > 0:
        canvas.render()
        asked.append((canvas._dirty, image.stats()["tiles_pending"]))
        assert len(asked) <= 4  # 16 tiles, 4 a frame
    assert len(asked) >= 2 and all(dirty for dirty, _ in asked[:-1]), asked
    assert asked[-1] == (False, 0)  # all uploaded: nothing more to ask


def test_tiles_evicted_before_their_upload_are_read_again(scene_canvas, made):
    # the CPU cache holds the coarsest tile and 3 of the 16 level-0 tiles (4 KiB each)
    canvas, view = view_of(scene_canvas, (0, 0, 128, 128))
    image = mimage(
        made, constant_pyramid(), view, cmap="grays", clim=(0, 4), tile=32, cpu_budget=4 * 4096
    )
    image.uploads_per_frame = 1
    for _ in range(60):
        canvas.render()
        assert image.stats()["cpu_bytes"] <= 4 * 4096
        if image.stats()["tiles_pending"] == 0:
            break
        image._loader.wait(timeout=30)
    assert image.stats()["tiles_pending"] == 0
    np.testing.assert_array_equal(classify(canvas.render()), np.full((128, 128), 1))


def test_wait_then_render_equals_a_plain_image(scene_canvas, made):
    rng = np.random.default_rng(3)
    base = rng.random((128, 128)).astype(np.float32)
    levels = [base, base[::2, ::2].copy(), base[::4, ::4].copy()]
    canvas, view = view_of(scene_canvas, (0, 0, 128, 128))
    image = mimage(made, levels, view, clim=(0, 1), tile=48)
    canvas.render()
    assert image.wait(timeout=30)
    got = canvas.render()
    assert image.stats()["level"] == 0 and image.stats()["tiles_pending"] == 0
    canvas2, view2 = view_of(scene_canvas, (0, 0, 128, 128))
    scene.visuals.Image(base, clim=(0, 1), parent=view2.scene)
    np.testing.assert_array_equal(got, canvas2.render())


def test_atlas_pages_when_one_texture_is_too_small(scene_canvas, made, monkeypatch):
    from glframe.scene.visuals import _multiscale_image

    # pages of 2x2 slots of 48^2: 9 level-0 tiles and the coarsest tile fill 3 pages
    monkeypatch.setattr(_multiscale_image, "MAX_SIDE", 96)
    rng = np.random.default_rng(5)
    base = rng.random((128, 128)).astype(np.float32)
    levels = [base, base[::2, ::2].copy(), base[::4, ::4].copy()]
    canvas, view = view_of(scene_canvas, (0, 0, 128, 128))
    image = mimage(made, levels, view, clim=(0, 1), tile=48)
    canvas.render()
    assert image.wait(timeout=30)
    got = canvas.render()
    assert len(image._atlas.pages) == 3 and image.stats()["atlas_slots"] == 12
    assert image.stats()["tiles_resident"] == 10 and image.stats()["tiles_pending"] == 0
    canvas2, view2 = view_of(scene_canvas, (0, 0, 128, 128))
    scene.visuals.Image(base, clim=(0, 1), parent=view2.scene)
    np.testing.assert_array_equal(got, canvas2.render())


def test_atlas_pages_grow_from_a_small_first_one(scene_canvas, made):
    # 64 level-0 tiles and 4 coarsest tiles of 16^2: a first page of 16 slots, then 64
    canvas, view = view_of(scene_canvas, (0, 0, 128, 128))
    image = mimage(made, constant_pyramid(), view, cmap="grays", clim=(0, 4), tile=16)
    canvas.render()
    assert image._atlas.slots == 16  # the first frame allocates 16 slots (4 coarsest)
    image.wait(timeout=30)
    np.testing.assert_array_equal(classify(canvas.render()), np.full((128, 128), 1))
    assert [p.shape for p in image._atlas.pages] == [(64, 64, 1), (128, 128, 1)]
    assert image.stats()["atlas_slots"] == 80 and image.stats()["tiles_resident"] == 68


def inside_view(rng, rect, size):
    """A random rect of the scene inside [0, size)^2."""
    x, y, w, h = rect
    f = rng.choice([0.5, 0.8, 1.0, 1.25, 2.0])
    w = min(max(w / f, 64.0), size)
    x = float(np.clip(x + rng.uniform(-0.3, 0.3) * w, 0, size - w))
    y = float(np.clip(y + rng.uniform(-0.3, 0.3) * w, 0, size - w))
    return (x, y, w, w)


def test_no_frame_shows_a_pixel_without_data(scene_canvas, made):
    size = 2**16
    canvas, view = view_of(scene_canvas, (0, 0, size, size), bgcolor="red")
    image = mimage(made, mandelbrot(size=size, tile=256), view, uploads_per_frame=2)
    # a scripted zoom into the set's boundary, then a pan; the view stays inside the image
    cx, cy = (-0.7453 + 0.75 + 1.5) / 3 * size, (0.5 - 0.1127 / 3) * size
    w = float(size)
    for frame in range(24):
        if frame < 16:
            w = max(w / 1.6, 64.0)
        else:
            cx += 0.4 * w
        rect = (cx - w / 2, cy - w / 2, w, w)
        view.camera.rect = rect
        pixels = canvas.render()[..., :3]
        background = np.all(pixels == RED, axis=-1)
        assert not background.any(), (frame, rect, int(background.sum()))
    assert image.stats()["level"] == 0


def test_budgets_hold_in_every_frame_of_a_random_walk(scene_canvas, made):
    size, tile = 2**14, 128  # coarsest: level 7, one 128^2 uint8 tile (16 KiB)
    ms = mandelbrot(size=size, tile=tile)
    cpu, gpu = 16384 * 7, 16384 * 5
    canvas, view = view_of(scene_canvas, (0, 0, size, size), bgcolor="red")
    image = mimage(made, ms, view, tile=tile, cpu_budget=cpu, gpu_budget=gpu)
    rng = np.random.default_rng(12)
    rect = (0.0, 0.0, float(size), float(size))
    for frame in range(40):
        rect = inside_view(rng, rect, size)
        view.camera.rect = rect
        pixels = canvas.render()[..., :3]
        s = image.stats()
        assert s["cpu_bytes"] <= cpu and s["gpu_bytes"] <= gpu, (frame, s)
        assert not np.all(pixels == RED, axis=-1).any(), frame
        if frame % 5 == 0:
            image._loader.wait(timeout=30)
    assert image.stats()["tiles_loaded"] > 5


def test_debug_tints_and_outlines(scene_canvas, made):
    canvas, view = view_of(scene_canvas, (0, 0, 128, 128))
    image = mimage(made, constant_pyramid(), view, cmap="grays", clim=(0, 4), tile=32)
    canvas.render()
    image.wait(timeout=30)
    plain = canvas.render()
    image.debug = True
    tinted = canvas.render()
    assert not np.array_equal(plain, tinted)
    # level 0 is tinted red; tile borders (every 32 pixels) are white
    assert tinted[16, 16, 0] > tinted[16, 16, 1] + 40
    assert np.all(tinted[32, 5:25, :3] == 255) or np.all(tinted[31, 5:25, :3] == 255)


def test_errors_name_the_rule(made):
    v = scene.visuals
    with pytest.raises(TypeError, match=r"MultiscaleImage.source must be a glframe.data"):
        v.MultiscaleImage("image.zarr")
    cube = Multiscale([np.zeros((4, 4, 4))], spatial_ndim=3)
    with pytest.raises(ValueError, match=r"MultiscaleImage.source must be 2D"):
        v.MultiscaleImage(cube)
    series = Multiscale([np.zeros((3, 8, 8))])
    with pytest.raises(IndexError, match=r"MultiscaleImage.index \(3,\) is out of range.*\(3,\)"):
        v.MultiscaleImage(series, index=(3,))
    with pytest.raises(ValueError, match=r"MultiscaleImage.index must be a tuple of 1 ints"):
        v.MultiscaleImage(series, index=(0, 0))
    with pytest.raises(TypeError, match=r"must hold real numbers.*complex"):
        v.MultiscaleImage(np.zeros((8, 8), complex))
    for bad in (0, -1, True, 1.5):
        with pytest.raises(ValueError, match=r"MultiscaleImage.cpu_budget must be an int > 0"):
            v.MultiscaleImage(np.zeros((8, 8)), cpu_budget=bad)
        with pytest.raises(ValueError, match=r"MultiscaleImage.gpu_budget must be an int > 0"):  # noqa: E501
            v.MultiscaleImage(np.zeros((8, 8)), gpu_budget=bad)
    with pytest.raises(ValueError, match=r"gpu_budget must hold the coarsest level.*256 bytes"):
        v.MultiscaleImage(np.zeros((8, 8)), gpu_budget=100)
    with pytest.raises(ValueError, match=r"MultiscaleImage.tile must be an int >= 1"):
        v.MultiscaleImage(np.zeros((8, 8)), tile=0)
    image = v.MultiscaleImage(np.zeros((8, 8)))
    made.append(image)
    with pytest.raises(ValueError, match=r"MultiscaleImage.uploads_per_frame"):
        image.uploads_per_frame = 0
    with pytest.raises(AttributeError, match=r"has no attribute 'debgu'.*'debug'"):
        image.debgu = True
    assert set(image.stats()) >= {"level", "tiles_pending", "cpu_bytes", "gpu_bytes"}


def test_index_change_loads_the_new_slice_with_no_frame_without_data(scene_canvas, made):
    # three time points of a two-level pyramid, valued t + 1 (level 0) and t + 1.5 (level 1)
    levels = [
        np.stack([np.full((64, 64), t + 1.0, np.float32) for t in range(3)]),
        np.stack([np.full((32, 32), t + 1.5, np.float32) for t in range(3)]),
    ]
    canvas, view = view_of(scene_canvas, (0, 0, 64, 64))
    image = mimage(made, Multiscale(levels), view, tile=16, clim=(0, 4), cmap="grays")
    assert image.index == (0,)
    image.wait(timeout=30)
    canvas.render()
    assert abs(int(canvas.render()[64, 64, 0]) - round(255 * 1 / 4)) <= 1  # t = 0, level 0
    image.index = 2
    assert image.index == (2,)
    first = canvas.render()[..., 0].astype(int)
    # the new slice at once: its coarsest level (3.5) or level 0 (3), never the old slice
    new_values = (np.abs(first - round(255 * 3.5 / 4)) <= 1) | (np.abs(first - 191) <= 1)
    assert np.all(new_values)
    image.wait(timeout=30)
    canvas.render()
    final = canvas.render()[..., 0].astype(int)
    assert np.all(np.abs(final - round(255 * 3 / 4)) <= 1)  # t = 2, level 0 everywhere
    assert image.stats()["tiles_pending"] == 0


def test_visuals_share_a_budget_fairly(scene_canvas, made):
    from glframe.data import Budget

    source = mandelbrot(size=2**12, tile=64)
    level_bytes = 64 * 64  # the coarsest level: one uint8 tile of 64x64
    shared = Budget(40 * level_bytes, name="gpu")
    canvas, view = view_of(scene_canvas, (0, 0, 512, 512))
    a = mimage(made, source, view, tile=64, gpu_budget=shared, uploads_per_frame=64)
    canvas.render()
    assert a.stats()["gpu_budget"] == 40 * level_bytes
    b = mimage(made, source, view, tile=64, gpu_budget=shared, uploads_per_frame=64)
    rng = np.random.default_rng(1)
    for _ in range(12):
        x, y = rng.uniform(0, 4096 - 256, 2)
        view.camera.rect = (x, y, 256, 256)
        a.wait(timeout=30)
        b.wait(timeout=30)
        canvas.render()
        sa, sb = a.stats(), b.stats()
        assert sa["gpu_budget"] == sb["gpu_budget"] == 20 * level_bytes
        assert sa["gpu_bytes"] <= sa["gpu_budget"] and sb["gpu_bytes"] <= sb["gpu_budget"]
    b.close()
    canvas.render()
    assert a.stats()["gpu_budget"] == 40 * level_bytes
