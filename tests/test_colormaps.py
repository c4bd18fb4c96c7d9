"""Colormaps: every name against matplotlib's (and vispy's) tables, reversed names, user
colormaps (colours, positions, arrays, translucency) drawn by Image and Volume, errors."""

from __future__ import annotations

import os

import numpy as np
import pytest
from imagecompare import assert_image_matches

from glframe import scene
from glframe.shaders import colormaps
from glframe.shaders.colormaps import Colormap, UnknownColormapError

mpl = pytest.importorskip("matplotlib", reason="matplotlib is in the test extra").colormaps
T = np.linspace(0, 1, 256)
OURS = {"fire", "grays"}  # glframe's own ramps, kept under their names


def mpl_bytes(name):
    return np.round(mpl[name](T) * 255).astype(int)


def test_every_matplotlib_name_matches_matplotlib_within_one_step():
    mpl_names = sorted(n for n in mpl if not n.endswith("_r"))
    assert len(mpl_names) > 80
    assert set(mpl_names) <= set(colormaps.names())
    for name in mpl_names:
        for n in (name, f"{name}_r"):
            diff = np.abs(colormaps.lut(n).astype(int) - mpl_bytes(n)).max()
            assert diff <= 1, f"{n}: {diff} levels from matplotlib"


def test_reversed_names_reverse_the_table_and_sample():
    assert np.array_equal(colormaps.lut("viridis_r"), colormaps.lut("viridis")[::-1])
    assert np.array_equal(colormaps.lut("ice_r"), colormaps.lut("ice")[::-1])
    assert np.allclose(colormaps.sample("magma_r", 0.3), colormaps.sample("magma", 0.7))
    assert colormaps.resolve("RdBu_r").name == "RdBu_r"
    assert colormaps.resolve("RdBu_r").reversed() == colormaps.resolve("RdBu")
    with pytest.raises(UnknownColormapError, match="no colormap 'viridis_r_r'"):
        colormaps.lut("viridis_r_r")


def test_glframe_ramps_keep_their_meaning():
    assert np.array_equal(colormaps.lut("grays")[:, 0], np.arange(256))  # black to white
    assert np.array_equal(colormaps.lut("Grays")[[0, -1], 0], [255, 0])  # matplotlib's
    fire = colormaps.lut("fire")
    assert tuple(fire[0]) == (51, 0, 0, 255) and tuple(fire[-1]) == (255, 250, 209, 255)


def test_vispy_extras_match_vispy():
    try:
        import vispy.color as vispy_color
    except ImportError:  # scripts/setup.sh installs it: under CI this fails
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("vispy is in the bench extra")
    extras = ("ice", "hsl", "husl", "light_blues", "orange", "single_hue", "PuGr", "GrBu")
    extras += ("GrBu_d", "diverging", "RdYeBuCy", "HiLo", "blues", "greens", "reds")
    for name in extras:
        expected = np.round(vispy_color.get_colormap(name).map(T) * 255)
        diff = np.abs(colormaps.lut(name).astype(int) - expected).max()
        assert diff <= 1, f"{name}: {diff} levels from vispy"
    assert colormaps.resolve("RdYeBuCy").translucent  # vispy's translucent one
    # closed forms: ice is (t, t, 1); hsl runs the hue from 0 to 300 degrees
    assert np.allclose(colormaps.sample("ice", 0.25), (0.25, 0.25, 1, 1), atol=1 / 255)
    assert np.allclose(colormaps.sample("hsl", 0.5), (0, 1, 0.5, 1), atol=1 / 255)


def test_tables_interpolate_between_entries_for_other_sizes():
    lut = colormaps.lut("viridis")
    assert colormaps.lut("viridis", 256) is not lut and np.array_equal(
        colormaps.lut("viridis", 256), lut
    )
    small = colormaps.lut("viridis", 2)
    assert np.array_equal(small, lut[[0, -1]])
    mid = colormaps.sample("viridis", 0.5 / 255)  # halfway between entries 0 and 1
    assert np.allclose(mid, (lut[0].astype(int) + lut[1]) / 2 / 255)
    assert colormaps.sample("viridis", np.zeros((2, 3))).shape == (2, 3, 4)
    tex = colormaps.texture("jet")
    assert tex.shape == (256, 4)


def test_user_colormaps_from_colours_positions_and_arrays():
    ramp = Colormap(["black", (1, 0, 0, 0.5), "#fff"], positions=[0, 0.8, 1], name="mine")
    assert np.allclose(ramp.sample(0.4), (0.5, 0, 0, 0.75))
    assert np.allclose(ramp.sample(0.9), (1, 0.5, 0.5, 0.75))
    assert ramp.translucent and repr(ramp).startswith("<Colormap 'mine'")
    step = Colormap(["blue", "blue", "red", "red"], positions=[0, 0.5, 0.5, 1])
    assert tuple(step.lut()[127]) == (0, 0, 255, 255)
    assert tuple(step.lut()[128]) == (255, 0, 0, 255)
    # an (N, 3|4) array is a Colormap wherever a cmap is accepted; uint8 means bytes
    two = colormaps.resolve(np.array([[0, 0, 0], [1, 1, 1]]))
    assert np.array_equal(two.lut(), colormaps.lut("grays"))
    as_bytes = colormaps.resolve(np.array([[0, 0, 0, 0], [255, 128, 0, 255]], np.uint8))
    assert tuple(as_bytes.lut()[-1]) == (255, 128, 0, 255) and as_bytes.lut()[0, 3] == 0
    table = colormaps.lut("magma")
    assert np.array_equal(colormaps.lut(table / 255), table)  # a 256-entry LUT as it is
    assert colormaps.resolve(ramp) is ramp
    assert np.array_equal(colormaps.lut(ramp.rgba), ramp.lut())


def test_user_colormap_errors_say_what_to_write():
    with pytest.raises(ValueError, match=r"values must be in \[0, 1\], not up to 255.*uint8"):
        Colormap([[255, 0, 0], [0, 0, 255]])
    with pytest.raises(ValueError, match="Colormap 'colormap': needs at least 2 colours, not 1"):
        Colormap(["red"])
    with pytest.raises(ValueError, match=r"positions must increase from 0 to 1, not \[0.0, 0.7"):
        Colormap(["red", "green", "blue"], positions=[0, 0.7, 0.5])
    with pytest.raises(ValueError, match=r"positions of shape \(2,\) are not \(3,\)"):
        Colormap(["red", "green", "blue"], positions=[0, 1])
    with pytest.raises(ValueError, match=r"shape \(2, 5\) are not \(N, 3\) or \(N, 4\)"):
        Colormap(np.zeros((2, 5)))
    with pytest.raises(TypeError, match="not the string 'viridis'.*pass the name itself"):
        Colormap("viridis")
    with pytest.raises(ValueError, match="unknown colour 'redd'"):
        Colormap(["redd", "blue"])
    with pytest.raises(TypeError, match="Image.cmap must be a colormap name, a Colormap or an"):
        colormaps.resolve(None, "Image.cmap")


def test_unknown_names_suggest_the_closest():
    with pytest.raises(KeyError, match="no colormap 'virdis'; did you mean 'viridis'"):
        colormaps.function("virdis")
    with pytest.raises(ValueError, match="no colormap 'rdbu'; did you mean 'RdBu'"):
        colormaps.lut("rdbu")
    with pytest.raises(ValueError, match="did you mean 'magma_r'"):
        colormaps.sample("magam_r", 0.5)
    with pytest.raises(ValueError, match=r"lists all \d+ names \(add '_r' to reverse one\)"):
        colormaps.lut("qqqqqqq")
    image = scene.visuals.Image(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="Image.cmap: no colormap 'hott'; did you mean 'hot'"):
        image.cmap = "hott"
    assert image.cmap == "viridis"  # refused: unchanged


def test_the_package_data_stays_small():
    from importlib import resources

    size = resources.files("glframe.shaders").joinpath("colormaps.npz").stat().st_size
    assert size < 16_000, f"colormaps.npz is {size} bytes"  # ~108 maps of 256 RGBA bytes


# ---- drawn ------------------------------------------------------------------------------
def test_image_draws_a_user_colormap_and_its_translucency(scene_canvas):
    canvas = scene_canvas((160, 40), bgcolor="white")
    data = np.tile(np.linspace(0, 1, 8), (2, 1))  # 20x20 screen pixels per data pixel
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, 8, 2), flip=(False, True)))
    cmap = Colormap([(0, 0, 1, 1), (1, 0, 0, 0.5), (0, 0, 0, 0)], positions=[0, 0.5, 1])
    image = scene.visuals.Image(data, cmap=cmap, clim=(0, 1), parent=view.scene)
    assert image.cmap is cmap
    got = canvas.render()[10, 10::20, :3].astype(float)
    rgba = cmap.sample(data[0])
    expected = (rgba[:, :3] * rgba[:, 3:] + (1 - rgba[:, 3:])) * 255  # over white
    np.testing.assert_allclose(got, expected, atol=2)
    image.cmap = np.array([[0, 1, 0], [1, 0, 1]])  # an array works as well
    got = canvas.render()[10, 10::20, :3].astype(float)
    np.testing.assert_allclose(got[:, 1], (1 - data[0]) * 255, atol=2)


def test_volume_uses_a_translucent_colormap_alpha(scene_canvas):
    canvas = scene_canvas((150, 150), bgcolor="black")
    camera = scene.TurntableCamera(azimuth=0, elevation=90, fov=0, scale_factor=40)
    camera.center = (16, 16, 16)
    view = canvas.add_view(camera=camera)
    slab = np.zeros((32, 32, 32), np.float32)
    slab[:, 8:24, 8:24] = 1
    half = Colormap([(1, 1, 1, 0.5), (1, 1, 1, 0.5)])  # white, half as opaque
    scene.visuals.Volume(
        slab, method="translucent", cmap=half, clim=(0, 1), opacity=0.05, parent=view.scene
    )
    assert canvas.render()[75, 75, 0] == pytest.approx(255 * (1 - 0.975**32), abs=2)


def test_colormaps_reference(scene_canvas):
    """Named, reversed, vispy's and user colormaps side by side, one stripe each."""
    cmaps = [
        "jet",
        "hot",
        "RdBu",
        "tab10",
        "viridis_r",
        "ice",
        "hsl",
        Colormap(["navy", "#f80", "#ff08"], positions=[0, 0.3, 1]),
        np.array([[1, 0, 0, 1], [0, 0, 1, 0.2]]),
    ]
    canvas = scene_canvas((256, 18 * len(cmaps)), bgcolor="gray")
    grid = canvas.add_grid()
    for row, cmap in enumerate(cmaps):
        view = grid.add_view(
            row, 0, camera=scene.PanZoomCamera(rect=(0, 0, 256, 1), flip=(False, True))
        )
        scene.visuals.Image(np.linspace(0, 1, 256)[None], cmap=cmap, parent=view.scene)
    assert_image_matches(canvas.render(), "colormaps_stripes")


def test_plot_takes_user_colormaps_for_images_scatter_and_colorbars(make_canvas):
    make_canvas((1, 1))  # skips (or fails under CI) without GL
    from glframe import plot

    fig = plot.figure(size=(300, 200))
    try:
        ax = fig.add_axes()
        cmap = Colormap(["#00f", "#f00"], name="blue_red")
        image = ax.imshow(np.linspace(0, 1, 100).reshape(10, 10), cmap=cmap)
        bar = fig.colorbar(image)
        assert image.cmap is cmap and bar.cmap is cmap
        dots = ax.scatter([0, 9], [0, 9], color=[0.0, 1.0], cmap=np.array([[0, 1, 0], [1, 1, 0]]))
        assert np.allclose(dots.face_color[:, :3], [[0, 1, 0], [1, 1, 0]])
        pixels = fig.render()[..., :3].reshape(-1, 3).astype(int)
        purple = (pixels[:, 0] > 100) & (pixels[:, 2] > 100) & (pixels[:, 1] < 40)
        assert purple.sum() > 100  # the middle of blue_red, in the image and the bar
        with pytest.raises(ValueError, match="no colormap 'RdBux'; did you mean 'RdBu'"):
            ax.scatter([0], [0], color=[0.5], cmap="RdBux")
    finally:
        fig.close()
