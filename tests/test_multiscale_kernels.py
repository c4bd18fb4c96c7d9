"""MultiscaleImage's interpolation kernels: equal to Image's across tile edges (each slot
holds a margin copied from the neighbouring tiles), the sampling chosen by a compiled
constant, unknown names refused with the list."""

from __future__ import annotations

import numpy as np
import pytest

from glframe import scene
from glframe.scene.visuals import _multiscale_image
from glframe.scene.visuals._image import INTERPOLATIONS

SCENE_SIZE = (128, 128)
TILE = 16  # several tiles in view: a 64^2 image, 4 x 4 tiles at level 0


@pytest.fixture
def made():
    images = []
    yield images
    for image in images:
        image.close()


def render(scene_canvas, rect, visual, *args, **kwargs):
    canvas = scene_canvas(bgcolor="black")
    camera = scene.PanZoomCamera(rect=rect, aspect=1, flip=(False, True))
    view = canvas.add_view(camera=camera)
    image = visual(*args, parent=view.scene, clim=(0, 1), **kwargs)
    if isinstance(image, scene.visuals.MultiscaleImage):
        canvas.render()
        assert image.wait(timeout=30)
    return canvas.render(), image


def smooth_noise(n=64, seed=5):
    rng = np.random.default_rng(seed)
    return rng.random((n, n)).astype(np.float32)


def pyramid(base):
    return [base, base[::2, ::2].copy(), base[::4, ::4].copy()]


def diff(a, b):
    return np.abs(a.astype(int) - b.astype(int))


# zoomed in (a texel spans 8 pixels): 16 x 16 texels around tile corners, one view at the
# image's corner (the index clamped at the data's edge as Image clamps it)
RECTS = [(8, 24, 16, 16), (36, 4, 16, 16), (-2, -2, 20, 20), (44, 44, 22, 22)]


@pytest.mark.parametrize("interpolation", ["bicubic", "lanczos", "catrom", "linear"])
@pytest.mark.parametrize("rect", RECTS)
def test_equals_a_plain_image_across_tile_edges(scene_canvas, made, interpolation, rect):
    base = smooth_noise()
    expected, _ = render(scene_canvas, rect, scene.visuals.Image, base, interpolation=interpolation)
    got, image = render(
        scene_canvas,
        rect,
        scene.visuals.MultiscaleImage,
        pyramid(base),
        tile=TILE,
        interpolation=interpolation,
    )
    made.append(image)
    assert image.stats()["level"] == 0 and image.stats()["tiles_pending"] == 0
    assert image.stats()["tiles_resident"] >= 5  # 4 level-0 tiles (and the coarsest)
    assert diff(got, expected).max() <= 2


def seam_data():
    """Zeros, and one bright column: the first of the second tile column (x = 16)."""
    base = np.zeros((64, 64), np.float32)
    base[:, TILE] = 1.0
    return base


def test_a_kernel_reads_the_neighbouring_tile_at_a_seam(scene_canvas, made, monkeypatch):
    rect = (8, 8, 16, 16)  # x from 8 to 24: the seam at x = 16 mid-view (pixel 64)
    base = seam_data()
    expected, _ = render(scene_canvas, rect, scene.visuals.Image, base, interpolation="bicubic")
    got, image = render(
        scene_canvas,
        rect,
        scene.visuals.MultiscaleImage,
        pyramid(base),
        tile=TILE,
        interpolation="bicubic",
    )
    made.append(image)
    # the B-spline spreads the bright column over x in [14, 19]: pixels 48..63, left of
    # the seam and drawn from the first tile column, are lit by the second one's texels
    background = expected[64, 4]
    assert diff(expected[64, 50:62], background).max() > 20
    assert diff(got, expected).max() <= 2

    # the same without the margin (each tile clamped at its own edge): the seam shows
    def edge_only(self, key, index, tile, pending):
        return np.pad(tile, self._margin, mode="edge"), True

    monkeypatch.setattr(_multiscale_image.MultiscaleImage, "_with_margin", edge_only)
    broken, image2 = render(
        scene_canvas,
        rect,
        scene.visuals.MultiscaleImage,
        pyramid(base),
        tile=TILE,
        interpolation="bicubic",
    )
    made.append(image2)
    assert diff(broken[64, 50:62], expected[64, 50:62]).max() > 20


def test_the_choice_is_a_compiled_constant_and_nearest_comes_back(scene_canvas, made):
    rect = (8, 24, 16, 16)
    base = smooth_noise()
    nearest, image = render(
        scene_canvas, rect, scene.visuals.MultiscaleImage, pyramid(base), tile=TILE
    )
    made.append(image)
    canvas = image.view.canvas
    assert "const float MULTISCALE_SAMPLING = 0.0;" in image.program.compiled.fragment
    assert image.stats()["gpu_bytes"] == image.stats()["tiles_resident"] * TILE * TILE * 4
    image.interpolation = "bicubic"
    canvas.render()  # refills the atlas with margins (slots of 24^2 texels)
    assert image.wait(timeout=30)
    bicubic = canvas.render()
    assert "const float MULTISCALE_SAMPLING = 2.0;" in image.program.compiled.fragment
    assert image.stats()["gpu_bytes"] == image.stats()["tiles_resident"] * 24 * 24 * 4
    expected, _ = render(scene_canvas, rect, scene.visuals.Image, base, interpolation="bicubic")
    assert diff(bicubic, expected).max() <= 2
    assert diff(bicubic, nearest).max() > 20
    image.interpolation = "nearest"
    canvas.render()
    assert image.wait(timeout=30)
    np.testing.assert_array_equal(canvas.render(), nearest)
    assert "const float MULTISCALE_SAMPLING = 0.0;" in image.program.compiled.fragment


def test_an_unknown_interpolation_is_refused_with_the_list(scene_canvas, made):
    base = smooth_noise()
    listed = ", ".join(INTERPOLATIONS)
    with pytest.raises(ValueError, match="MultiscaleImage.interpolation must be one of") as e:
        scene.visuals.MultiscaleImage(pyramid(base), interpolation="cubic")
    assert listed in str(e.value) and "'cubic'" in str(e.value)
    image = scene.visuals.MultiscaleImage(pyramid(base), tile=TILE)
    made.append(image)
    with pytest.raises(ValueError, match="must be one of") as e:
        image.interpolation = "sinc"
    assert listed in str(e.value)
    assert image.interpolation == "nearest"


@pytest.mark.parametrize("interpolation", ["bicubic", "lanczos"])
def test_edge_tiles_narrower_than_the_margin(scene_canvas, made, interpolation):
    # 50 x 35: the last tile row is 2 texels tall, the last tile column 3 wide, so the
    # margins of the tiles before them reach past those tiles to the data's edge
    base = smooth_noise()[:50, :35].copy()
    rect = (24, 36, 16, 16)  # the far corner, with the background beyond it
    expected, _ = render(scene_canvas, rect, scene.visuals.Image, base, interpolation=interpolation)
    # level 1 inside level 0's extent (48 x 34), so that only level 0 shows at its edge
    got, image = render(
        scene_canvas,
        rect,
        scene.visuals.MultiscaleImage,
        [base, base[:48:2, :34:2].copy()],
        tile=TILE,
        interpolation=interpolation,
    )
    made.append(image)
    assert image.stats()["level"] == 0 and image.stats()["tiles_pending"] == 0
    assert image.stats()["tiles_resident"] >= 4 + 2  # the 4 in view, the coarse ones
    assert (expected[..., :3] == 0).all(axis=-1).mean() > 0.2  # the background shows
    assert diff(got, expected).max() <= 2


def test_a_cpu_share_too_small_for_the_neighbours_still_fills_the_view(scene_canvas, made):
    # 16 tiles in view, 20 neighbours around them, room for 8 tiles besides the coarsest
    # level: the neighbours are not read (they would evict the wanted tiles before their
    # upload, again and again); every wanted tile is drawn within a few frames
    base = smooth_noise(256)
    coarse = base[::2, ::2].copy()
    cpu = coarse.nbytes + 8 * 32 * 32 * 4
    canvas = scene_canvas(bgcolor="black")
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(70, 70, 96, 96), aspect=1))
    image = scene.visuals.MultiscaleImage(
        [base, coarse], tile=32, cpu_budget=cpu, interpolation="bicubic", parent=view.scene
    )
    made.append(image)
    for _ in range(30):
        canvas.render()
        assert image.stats()["cpu_bytes"] <= cpu
        image.wait(timeout=30)
        if image.stats()["tiles_pending"] == 0:
            break
    stats = image.stats()
    assert stats["level"] == 0 and stats["tiles_pending"] == 0 and stats["wanted_share"] == 1.0


def test_several_atlas_pages_with_a_kernel(scene_canvas, made, monkeypatch):
    # pages of 2 x 2 slots of 24^2 (16 + a margin of 4 each side): the view's tiles and
    # the coarsest ones fill several pages, each drawn with its own draws
    monkeypatch.setattr(_multiscale_image, "MAX_SIDE", 48)
    rect = (8, 24, 16, 16)
    base = smooth_noise()
    expected, _ = render(scene_canvas, rect, scene.visuals.Image, base, interpolation="bicubic")
    got, image = render(
        scene_canvas,
        rect,
        scene.visuals.MultiscaleImage,
        pyramid(base),
        tile=TILE,
        interpolation="bicubic",
    )
    made.append(image)
    pages = len(image._atlas.pages)
    assert pages >= 2
    assert image._draws >= 2 and "u_atlas1" not in image.program.compiled.fragment
    assert diff(got, expected).max() <= 2
