"""Image and Volume visuals: pixels computed where they can be, references, reactivity, input."""

from __future__ import annotations

import numpy as np
import pytest
from imagecompare import assert_image_matches

from glframe import scene
from glframe.gloo import Cmd
from glframe.shaders import colormaps

# the default size of scene_canvas() (conftest.py)
SCENE_SIZE = (200, 150)


def image_view(scene_canvas, shape, size=None, bgcolor="black"):
    """A view showing exactly the image's rectangle, row 0 at the top."""
    h, w = shape[:2]
    canvas = scene_canvas(size or (200, 150), bgcolor=bgcolor)
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, w, h), flip=(False, True)))
    return canvas, view


def block_centres(image, rows, cols):
    """The pixel at the centre of each image pixel's block, (rows, cols, 4)."""
    h, w = image.shape[:2]
    ys = ((np.arange(rows) + 0.5) * h / rows).astype(int)
    xs = ((np.arange(cols) + 0.5) * w / cols).astype(int)
    return image[ys][:, xs]


def record(canvas):
    sent = []
    canvas.context.listeners.append(sent.extend)
    return sent


def wave(h=150, w=200):
    y, x = np.mgrid[0:h, 0:w]
    return np.sin(x / 9.0) * np.cos(y / 7.0) + x / w


# ---- Image: pixels ------------------------------------------------------------------------
def test_image_pixels_follow_the_colormap_and_limits(scene_canvas):
    data = np.arange(12, dtype=np.float64).reshape(3, 4)  # 50x50 screen pixels per pixel
    canvas, view = image_view(scene_canvas, data.shape)
    image = scene.visuals.Image(data, cmap="viridis", clim=(2, 9), parent=view.scene)
    got = block_centres(canvas.render(), 3, 4)[..., :3].astype(int)
    expected = colormaps.sample("viridis", (data - 2) / 7)[..., :3] * 255
    np.testing.assert_allclose(got, expected, atol=1.5)  # row 0 at the top, clamped ends
    image.gamma = 2.0
    got = block_centres(canvas.render(), 3, 4)[..., :3].astype(int)
    expected = colormaps.sample("viridis", np.clip((data - 2) / 7, 0, 1) ** 2)[..., :3] * 255
    np.testing.assert_allclose(got, expected, atol=1.5)
    assert image.bounds(0) == (0, 4) and image.bounds(1) == (0, 3) and image.bounds(2) == (0, 0)


def test_image_auto_limits_and_uint8(scene_canvas):
    data = np.array([[10, 20], [30, 110]], np.uint8)
    canvas, view = image_view(scene_canvas, data.shape)
    image = scene.visuals.Image(data, cmap="grays", parent=view.scene)
    assert image.clim == (10, 110)
    got = block_centres(canvas.render(), 2, 2)[..., 0].astype(int)
    np.testing.assert_allclose(got, (data - 10) / 100 * 255, atol=1.5)


def test_image_linear_is_bilinear_between_pixel_centres(scene_canvas):
    data = np.array([[0.0, 1.0, 0.25], [0.5, 0.0, 1.0], [1.0, 0.75, 0.0]])
    canvas, view = image_view(scene_canvas, data.shape, size=(150, 150))
    scene.visuals.Image(data, cmap="grays", clim=(0, 1), interpolation="linear", parent=view.scene)
    got = canvas.render()[..., 0].astype(float)
    # screen pixel centre (px + 0.5) / 50 in image pixels; texel centres at k + 0.5
    c = np.clip((np.arange(150) + 0.5) / 50 - 0.5, 0, 2)
    k = np.minimum(np.floor(c).astype(int), 1)
    f = c - k
    rows = data[k] * (1 - f)[:, None] + data[k + 1] * f[:, None]
    expected = rows[:, k] * (1 - f) + rows[:, k + 1] * f
    np.testing.assert_allclose(got, expected * 255, atol=2)


def cubic_bspline(x):
    """The cubic B-spline (vispy's and matplotlib's "bicubic"), textbook form."""
    x = np.abs(x)
    return np.where(x < 1, 2 / 3 - x**2 + x**3 / 2, np.where(x < 2, (2 - x) ** 3 / 6, 0.0))


def catmull_rom(x):
    """The Catmull-Rom cubic, textbook form."""
    x = np.abs(x)
    near = 1.5 * x**3 - 2.5 * x**2 + 1
    far = -0.5 * x**3 + 2.5 * x**2 - 4 * x + 2
    return np.where(x < 1, near, np.where(x < 2, far, 0.0))


def resample(data, kernel, scale):
    """numpy: the image resampled by a 4x4-tap kernel at the centres of screen pixels
    ``scale`` to a texel, edges clamped (what the shader computes)."""

    def matrix(n):
        c = (np.arange(n * scale) + 0.5) / scale - 0.5  # in texel centres
        taps = np.floor(c)[:, None] + np.arange(-1, 3)[None]
        weights = kernel(c[:, None] - taps)
        out = np.zeros((n * scale, n))
        for k in range(4):
            np.add.at(
                out,
                (np.arange(n * scale), np.clip(taps[:, k], 0, n - 1).astype(int)),
                weights[:, k],
            )
        return out / weights.sum(1, keepdims=True)

    h, w = data.shape
    return matrix(h) @ data @ matrix(w).T


@pytest.mark.parametrize(
    "interpolation, kernel", [("bicubic", cubic_bspline), ("catrom", catmull_rom)]
)
def test_image_cubic_kernels_equal_numpy(scene_canvas, interpolation, kernel):
    rng = np.random.default_rng(5)
    data = rng.random((6, 8)) * 1000 - 300  # R32F, beyond [0, 1]
    canvas, view = image_view(scene_canvas, data.shape, size=(200, 150))  # 25 pixels a texel
    image = scene.visuals.Image(
        data, cmap="grays", clim=(-300, 700), interpolation=interpolation, parent=view.scene
    )
    got = canvas.render()[..., 0].astype(float)
    expected = np.clip((resample(data, kernel, 25) + 300) / 1000, 0, 1) * 255
    np.testing.assert_allclose(got, expected, atol=2)
    image.interpolation = "linear"  # the kernels differ from bilinear: the test can fail
    assert np.abs(canvas.render()[..., 0] - expected).max() > 20
    # without a kernel the kernel code is compiled out (a constant, not a uniform branch:
    # llvmpipe ran both sides and a linear 4096^2 image took twice its frame time)
    assert "const float IMAGE_SAMPLING = 1.0;" in image.program.compiled.fragment
    image.interpolation = interpolation  # and back: recompiled with the kernel
    np.testing.assert_allclose(canvas.render()[..., 0].astype(float), expected, atol=2)
    assert "const float IMAGE_SAMPLING = 2.0;" in image.program.compiled.fragment


@pytest.mark.parametrize(
    "interpolation",
    ["bicubic", "catrom", "mitchell", "spline16", "spline36", "gaussian", "lanczos", "blackman"],
)
def test_image_kernels_keep_a_linear_ramp(scene_canvas, interpolation):
    h, w = 12, 16
    y, x = np.mgrid[0:h, 0:w] + 0.5  # texel centres
    ramp = 0.02 * x + 0.03 * y + 0.1
    canvas, view = image_view(scene_canvas, ramp.shape, size=(160, 120))  # 10 pixels a texel
    scene.visuals.Image(
        ramp, cmap="grays", clim=(0, 1), interpolation=interpolation, parent=view.scene
    )
    got = canvas.render()[..., 0].astype(float)
    py, px = (np.mgrid[0:120, 0:160] + 0.5) / 10  # screen pixel centres, in texels
    expected = (0.02 * px + 0.03 * py + 0.1) * 255
    inner = np.s_[40:80, 40:120]  # four texels from the edges, which are clamped
    # gaussian and lanczos, normalized when truncated, move a ramp by up to 0.03 texel
    np.testing.assert_allclose(got[inner], expected[inner], atol=1.5)


def test_image_bicubic_rgba_blends_premultiplied(scene_canvas):
    rgba = np.zeros((4, 4, 4), np.float32)
    rgba[..., :3] = (1.0, 0.5, 0.0)
    rgba[..., 3] = np.linspace(0, 1, 4)[None]
    rgba[:, 0, :3] = (0.0, 0.0, 1.0)  # a blue colour at alpha 0 must not bleed
    canvas, view = image_view(scene_canvas, rgba.shape, size=(160, 160))
    scene.visuals.Image(rgba, interpolation="bicubic", parent=view.scene)
    got = canvas.render().astype(float)
    alpha = resample(rgba[..., 3], cubic_bspline, 40)
    # over a black background: the colour times the blended alpha, no blue anywhere
    np.testing.assert_allclose(got[..., 0], alpha * 255, atol=2)
    np.testing.assert_allclose(got[..., 1], alpha * 0.5 * 255, atol=2)
    assert got[..., 2].max() <= 1


def test_image_rgb_and_rgba(scene_canvas):
    rgb = np.array([[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [255, 255, 0]]], np.uint8)
    canvas, view = image_view(scene_canvas, rgb.shape)
    image = scene.visuals.Image(rgb, parent=view.scene)
    got = block_centres(canvas.render(), 2, 2)[..., :3]
    np.testing.assert_array_equal(got, rgb)
    rgba = np.zeros((2, 2, 4))
    rgba[..., 1] = 1.0
    rgba[..., 3] = [[1.0, 0.5], [0.0, 0.25]]
    image.data = rgba  # floats in [0, 1] over a black background
    got = block_centres(canvas.render(), 2, 2)[..., 1].astype(int)
    np.testing.assert_allclose(got, rgba[..., 3] * 255, atol=1.5)


def test_image_nan_pixels_are_transparent_or_nan_color(scene_canvas):
    data = np.array([[0.0, np.nan], [1.0, 0.5]])
    canvas, view = image_view(scene_canvas, data.shape, bgcolor="blue")
    image = scene.visuals.Image(data, cmap="grays", parent=view.scene)
    assert image.clim == (0.0, 1.0)  # NaN left out
    for interpolation in ("nearest", "linear", "catrom", "lanczos"):  # through the texels
        image.interpolation = interpolation
        got = block_centres(canvas.render(), 2, 2)
        np.testing.assert_array_equal(got[0, 1, :3], (0, 0, 255))  # the background
        assert got[1, 0, 0] >= 252 and got[0, 0, 0] <= 3  # (linear: a little of the neighbours)
    image.nan_color = "red"
    got = block_centres(canvas.render(), 2, 2)
    np.testing.assert_array_equal(got[0, 1, :3], (255, 0, 0))


@pytest.mark.parametrize(
    "interpolation, kind",
    [
        ("nearest", "gray"),
        ("linear", "gray"),
        ("linear", "rgba"),
        ("bicubic", "gray"),
        ("lanczos", "gray"),
        ("spline36", "rgba"),
    ],
)
def test_tiled_image_renders_like_one_texture(scene_canvas, interpolation, kind):
    data = wave()
    data[40:60, 60:70] = np.nan  # across a seam
    if kind == "rgba":
        data = colormaps.lut("turbo")[np.nan_to_num(data * 100).astype(np.uint8)]
        data[::7, ::5, 3] = 0  # some transparent pixels too
    canvas, view = image_view(scene_canvas, data.shape)
    image = scene.visuals.Image(data, interpolation=interpolation, parent=view.scene)
    whole = canvas.render().astype(int)
    assert image.tiles == 1
    image.max_texture_size = 64  # tiles of 56 texels + four texels of apron each side
    tiled = canvas.render().astype(int)
    assert image.tiles == 4 * 3
    assert np.abs(tiled - whole).max() <= 1


def test_image_reference(scene_canvas):
    canvas = scene_canvas((200, 150), bgcolor="#202020")
    grid = canvas.add_grid(spacing=4)
    data = wave(30, 40)
    data[5:9, 28:34] = np.nan
    left = grid.add_view(0, 0, camera=scene.PanZoomCamera(aspect=1, flip=(False, True)))
    scene.visuals.Image(data, cmap="magma", clim=(-0.5, 1.5), parent=left.scene)
    left.camera.set_range(margin=0)
    right = grid.add_view(0, 1, camera=scene.PanZoomCamera(aspect=1, flip=(False, True)))
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[..., 0] = np.arange(4)[None] * 80
    rgba[..., 2] = np.arange(4)[:, None] * 80
    rgba[..., 1] = 60
    rgba[..., 3] = 255
    rgba[0, 0, 3] = 0
    scene.visuals.Image(rgba, interpolation="linear", parent=right.scene)
    right.camera.set_range(margin=0)
    assert_image_matches(canvas.render(), "image_gray_and_rgba")


@pytest.mark.parametrize("interpolation", ["bicubic", "catrom", "lanczos"])
def test_image_kernel_reference(scene_canvas, interpolation):
    # a 10x10 image with a sharp square (overshoot) beside a smooth wave, both colourmapped
    data = wave(10, 10)
    data[2:5, 2:5] = 2.0
    canvas, view = image_view(scene_canvas, data.shape, size=(150, 150), bgcolor="#202020")
    scene.visuals.Image(
        data, cmap="viridis", clim=(-1, 2), interpolation=interpolation, parent=view.scene
    )
    assert_image_matches(canvas.render(), f"image_{interpolation}")


# ---- Image: reactivity and input ---------------------------------------------------------
def test_image_changes_send_no_shaders(scene_canvas):
    data = wave(30, 40)
    canvas, view = image_view(scene_canvas, data.shape)
    image = scene.visuals.Image(data, parent=view.scene)
    canvas.render()
    sent = record(canvas)
    canvas.render()
    assert {c[0] for c in sent} <= {Cmd.FUNC, Cmd.DRAW, Cmd.READ_PIXELS}
    changes = {
        "cmap": (lambda: setattr(image, "cmap", "magma"), {Cmd.DATA}),
        "clim": (lambda: setattr(image, "clim", (0, 1)), {Cmd.UNIFORM}),
        # gamma 1 is a constant (no pow): leaving it compiles once, then gamma is a uniform
        "gamma": (lambda: setattr(image, "gamma", 0.5), {Cmd.UNIFORM, Cmd.SHADERS}),
        "gamma again": (lambda: setattr(image, "gamma", 0.7), {Cmd.UNIFORM}),
        "nan_color": (lambda: setattr(image, "nan_color", "red"), {Cmd.UNIFORM}),
        "data": (lambda: image.set_data(data * 2), {Cmd.DATA}),
        # the sampling is a constant (the nearest path carries no bilinear taps)
        "interpolation": (
            lambda: setattr(image, "interpolation", "linear"),
            {Cmd.UNIFORM, Cmd.SHADERS},
        ),
    }
    for name, (change, expected) in changes.items():
        sent.clear()
        change()
        canvas.render()
        kinds = {c[0] for c in sent} - {Cmd.FUNC, Cmd.DRAW, Cmd.READ_PIXELS}
        assert kinds == expected, name
    assert image.program.compilations == 3
    sent.clear()
    image.set_data(wave(20, 40))  # another shape: a new texture, still no new shader
    canvas.render()
    assert Cmd.CREATE in {c[0] for c in sent} and Cmd.SHADERS not in {c[0] for c in sent}


def test_image_validates_its_input():
    Image = scene.visuals.Image
    with pytest.raises(ValueError, match=r"Image.data: shape \(3, 4, 2\) is not \(H, W\)"):
        Image(np.zeros((3, 4, 2)))
    with pytest.raises(ValueError, match=r"Image.data: shape \(0, 4\) is empty"):
        Image(np.zeros((0, 4)))
    with pytest.raises(TypeError, match="Image.data: dtype complex128"):
        Image(np.zeros((3, 4), complex))
    with pytest.raises(TypeError, match="RGB\\(A\\) data must be uint8 or floats"):
        Image(np.zeros((3, 4, 3), np.int32))
    with pytest.raises(ValueError, match="does not fit in float32"):
        Image(np.full((2, 2), 1e300))
    image = Image(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="Image.cmap: no colormap 'magm'; did you mean 'magma'"):
        image.cmap = "magm"
    with pytest.raises(ValueError, match="Image.clim must be two finite, different numbers"):
        image.clim = (1, 1)
    with pytest.raises(ValueError, match="Image.clim must be two numbers"):
        image.clim = (1, 2, 3)
    with pytest.raises(ValueError, match="Image.clim must be \\(min, max\\) or 'auto'"):
        image.clim = "full"
    with pytest.raises(ValueError, match="Image.gamma must be a finite number > 0"):
        image.gamma = 0
    with pytest.raises(
        ValueError,
        match="Image.interpolation must be one of nearest, linear, bicubic, catrom, mitchell, "
        "spline16, spline36, gaussian, lanczos, blackman",
    ):
        image.interpolation = "cubic"
    with pytest.raises(ValueError, match="Image.max_texture_size must be a finite number >= 9"):
        Image(np.zeros((3, 4)), max_texture_size=8)  # the apron of 4 texels on each side
    with pytest.raises(ValueError, match="Image.nan_color: unknown colour"):
        image.nan_color = "reddish"


# ---- Volume ------------------------------------------------------------------------------
def cube_volume(n=32, lo=8, hi=24):
    data = np.zeros((n, n, n), np.float32)
    data[lo:hi, lo:hi, lo:hi] = 1
    return data


def blob_volume(n=32):
    z, y, x = (np.mgrid[0:n, 0:n, 0:n] + 0.5) / n * 2 - 1
    big = np.exp(-4 * ((x - 0.2) ** 2 + y**2 + (z + 0.1) ** 2))
    small = 0.7 * np.exp(-12 * ((x + 0.45) ** 2 + (y - 0.35) ** 2 + (z - 0.4) ** 2))
    return big + small


def top_view(scene_canvas, n=32, fov=0):
    """Looking straight down -z at an n^3 box, 40 units across 150 pixels."""
    canvas = scene_canvas((150, 150), bgcolor="black")
    camera = scene.TurntableCamera(
        azimuth=0, elevation=90, fov=fov, scale_factor=40, center=(n / 2, n / 2, n / 2)
    )
    return canvas, canvas.add_view(camera=camera)


def local_coordinate(pixels):
    """Local x (or y, counted from the bottom) at the centre of screen pixels, for top_view."""
    return 16 + (np.asarray(pixels) + 0.5 - 75) * 40 / 150


@pytest.mark.parametrize("dtype", ["float32", "uint8", "int16"])
def test_volume_mip_of_a_cube_is_its_silhouette(scene_canvas, dtype):
    canvas, view = top_view(scene_canvas)
    data = (cube_volume() * 200 + 10).astype(dtype)  # R8, or R32F normalized by the range
    volume = scene.visuals.Volume(data, cmap="viridis", parent=view.scene)
    assert volume.clim == (10, 210)
    image = canvas.render()[..., :3].astype(int)
    assert volume._texture.internalformat == ("r8" if dtype == "uint8" else "r32f")
    x = local_coordinate(np.arange(150))
    y = x[::-1]  # screen rows go down, local y up
    lut = colormaps.lut("viridis")[:, :3].astype(int)
    inside = (np.abs(y[:, None] - 16) < 7.3) & (np.abs(x[None] - 16) < 7.3)
    in_box = (np.abs(y[:, None] - 16) < 15.8) & (np.abs(x[None] - 16) < 15.8)
    outside_box = (np.abs(y[:, None] - 16) > 16.2) | (np.abs(x[None] - 16) > 16.2)
    ring = in_box & ((np.abs(y[:, None] - 16) > 8.7) | (np.abs(x[None] - 16) > 8.7))
    assert np.abs(image[inside] - lut[-1]).max() <= 1  # the cube: the top colour
    assert np.abs(image[ring] - lut[0]).max() <= 1  # the rest of the box: the bottom one
    assert image[outside_box].max() == 0  # the background
    assert [volume.bounds(a) for a in range(3)] == [(0, 32)] * 3


def test_volume_iso_surface_facing_the_light(scene_canvas):
    canvas, view = top_view(scene_canvas)
    scene.visuals.Volume(
        cube_volume(), method="iso", cmap="viridis", clim=(0, 1), threshold=0.5, parent=view.scene
    )
    image = canvas.render()[..., :3].astype(int)
    # the top face faces the headlight: base colour * (0.25 + 0.75) + 0.25 specular
    expected = np.clip(colormaps.sample("viridis", 0.5)[:3] + 0.25, 0, 1) * 255
    np.testing.assert_allclose(image[50:100, 50:100].reshape(-1, 3).mean(0), expected, atol=1.5)
    assert image[:20].max() == 0  # no surface there: nothing drawn


def test_volume_translucent_opacity_accumulates(scene_canvas):
    canvas, view = top_view(scene_canvas)
    slab = np.zeros((32, 32, 32), np.float32)
    slab[:, 8:24, 8:24] = 1  # 32 voxels deep, all at the top of the limits
    volume = scene.visuals.Volume(
        slab, method="translucent", cmap="grays", clim=(0, 1), opacity=0.05, parent=view.scene
    )
    got = canvas.render()[75, 75, 0]
    assert got == pytest.approx(255 * (1 - 0.95**32), abs=2)  # over black
    volume.opacity = 0.02
    assert canvas.render()[75, 75, 0] == pytest.approx(255 * (1 - 0.98**32), abs=2)


def test_volume_depth_hides_what_is_behind_it(scene_canvas):
    canvas, view = top_view(scene_canvas)
    scene.visuals.Volume(cube_volume(), method="iso", clim=(0, 1), threshold=0.5, parent=view.scene)
    markers = scene.visuals.Markers(
        [[16, 16, 4], [16, 28, 4], [16, 10, 30]],  # behind the cube, beside it, above it
        size=8,
        symbol="square",
        face_color="red",
        edge_width=0,
        parent=view.scene,
    )
    markers.order = 1  # drawn after the volume
    image = canvas.render()
    assert image[75, 75, 0] < 200  # hidden by the surface
    assert tuple(image[30, 75, :3]) == (255, 0, 0)  # beside the cube: seen
    assert tuple(image[97, 75, :3]) == (255, 0, 0)  # in front of the cube: seen


def test_volume_seen_from_inside(scene_canvas):
    canvas = scene_canvas((150, 150), bgcolor="black")
    camera = scene.TurntableCamera(
        azimuth=0, elevation=0, fov=60, scale_factor=2, center=(16, 16, 16)
    )
    view = canvas.add_view(camera=camera)
    scene.visuals.Volume(cube_volume(), cmap="grays", clim=(0, 1), parent=view.scene)
    assert np.linalg.norm(camera.eye - 16) < 8  # the eye is inside the cube
    image = canvas.render()
    assert image[75, 75, 0] == 255  # the ray starts at the eye, inside the cube


def voxel_pixels():
    """For top_view: screen pixels (rows, cols) near voxel centres, and their voxels (i, j)."""
    x = local_coordinate(np.arange(150))
    central = np.flatnonzero((np.abs(x % 1 - 0.5) < 0.2) & (x > 0) & (x < 32))
    voxel = np.floor(x[central]).astype(int)
    return 149 - central, central, voxel, voxel  # screen rows go down, local y up


@pytest.mark.parametrize("method", ["minip", "average", "additive"])
def test_volume_ray_projections_equal_numpy(scene_canvas, method):
    # nearest sampling, straight down z: each ray samples its column's 32 voxels, each twice
    rng = np.random.default_rng(17)
    i, j = np.mgrid[0:32, 0:32] / 32
    data = (0.5 * i + 0.3 * j + 0.2 * rng.random((32, 32, 32))).astype(np.float32)
    if method == "additive":
        data *= 0.05  # colours screened 32 times: small ones stay far from white
    canvas, view = top_view(scene_canvas)
    volume = scene.visuals.Volume(
        data, method=method, cmap="grays", clim=(0, 1), interpolation="nearest", parent=view.scene
    )
    expected = {
        "minip": data.min(0),
        "average": data.mean(0),
        "additive": 1 - np.prod(1 - data.astype(np.float64), axis=0),
    }[method]
    rows, cols, vi, vj = voxel_pixels()
    got = canvas.render()[rows][:, cols, 0].astype(float)
    np.testing.assert_allclose(got, expected[vi][:, vj] * 255, atol=2)
    assert np.ptp(expected) * 255 > 60  # the columns differ: a wrong column would show
    volume.step_size = 0.2  # five samples a voxel: the same picture (additive: weighted)
    got = canvas.render()[rows][:, cols, 0].astype(float)
    np.testing.assert_allclose(got, expected[vi][:, vj] * 255, atol=2)


@pytest.mark.parametrize("method", ["mip", "translucent", "iso", "minip", "average", "additive"])
def test_volume_reference(scene_canvas, method):
    canvas = scene_canvas((150, 150), bgcolor="#101018")
    camera = scene.TurntableCamera(
        azimuth=30, elevation=25, fov=40, scale_factor=50, center=(16, 16, 16)
    )
    view = canvas.add_view(camera=camera)
    data = blob_volume()
    if method == "minip":
        data = data.max() - data  # the blob's minimum is its centre: a dark core on light
    scene.visuals.Volume(
        data,
        method=method,
        cmap="viridis" if method == "iso" else "inferno",
        # additive: each sample's colour screened on, so limits well above the data
        clim={"additive": (0, 6), "average": (0, 0.4)}.get(method, "auto"),
        threshold=0.45,
        opacity=0.5,
        parent=view.scene,
    )
    assert_image_matches(canvas.render(), f"volume_{method}")


def test_volume_changes_send_no_shaders(scene_canvas):
    canvas, view = top_view(scene_canvas)
    volume = scene.visuals.Volume(blob_volume(), parent=view.scene)
    canvas.render()
    sent = record(canvas)
    canvas.render()
    assert {c[0] for c in sent} <= {Cmd.FUNC, Cmd.DRAW, Cmd.READ_PIXELS}
    changes = {
        "threshold": (lambda: setattr(volume, "threshold", 0.3), {Cmd.UNIFORM}),
        "clim": (lambda: setattr(volume, "clim", (0.1, 0.9)), {Cmd.UNIFORM}),
        "cmap": (lambda: setattr(volume, "cmap", "magma"), {Cmd.DATA}),
        "step_size": (lambda: setattr(volume, "step_size", 1.0), {Cmd.UNIFORM}),
        "interpolation": (lambda: setattr(volume, "interpolation", "nearest"), {Cmd.INTERPOLATION}),
        "camera": (lambda: setattr(view.camera, "azimuth", 40), {Cmd.UNIFORM}),
        "data": (lambda: volume.set_data(blob_volume()[::-1]), {Cmd.DATA}),  # same range
    }
    for name, (change, expected) in changes.items():
        sent.clear()
        change()
        canvas.render()
        kinds = {c[0] for c in sent} - {Cmd.FUNC, Cmd.DRAW, Cmd.READ_PIXELS}
        assert kinds == expected, name
    assert volume.program.compilations == 1
    # the method is a constant of the shader (llvmpipe runs every side of a uniform
    # branch: a MIP frame of 256^3 took ~10% longer with six methods behind a uniform)
    sent.clear()
    volume.method = "iso"
    canvas.render()
    assert Cmd.SHADERS in {c[0] for c in sent} and volume.program.compilations == 2
    assert "const float VOLUME_METHOD = 2.0;" in volume.program.compiled.fragment


def test_volume_validates_its_input():
    Volume = scene.visuals.Volume
    with pytest.raises(ValueError, match=r"Volume.data: shape \(3, 4\) is not \(D, H, W\)"):
        Volume(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="Volume.data: contains NaN"):
        Volume(np.full((2, 2, 2), np.nan))
    with pytest.raises(TypeError, match="Volume.data: dtype <U1"):
        Volume(np.full((2, 2, 2), "a"))
    volume = Volume(np.zeros((2, 2, 2)))
    volume.max_texture_size = 4
    with pytest.raises(ValueError, match="above max_texture_size"):
        volume.set_data(np.zeros((2, 2, 5)))
    with pytest.raises(
        ValueError,
        match="Volume.method must be one of mip, translucent, iso, minip, average, additive",
    ):
        volume.method = "mean"
    with pytest.raises(ValueError, match="Volume.cmap: no colormap 'jett'"):
        volume.cmap = "jett"
    with pytest.raises(ValueError, match="Volume.step_size must be a finite number > 0"):
        volume.step_size = 0
    with pytest.raises(ValueError, match="Volume.opacity must be a finite number >= 0 and <= 1"):
        volume.opacity = 2
    with pytest.raises(ValueError, match="Volume.threshold must be a finite number"):
        volume.threshold = float("nan")
    with pytest.raises(ValueError, match="Volume.clim must be two finite"):
        volume.clim = (0, np.inf)


def test_visuals_without_data_draw_nothing(scene_canvas):
    canvas = scene_canvas((50, 50), bgcolor="black")
    view = canvas.add_view(camera=scene.TurntableCamera())
    image, volume = scene.visuals.Image(parent=view.scene), scene.visuals.Volume(parent=view.scene)
    assert image.bounds(0) is None and volume.bounds(0) is None
    assert canvas.render()[..., :3].max() == 0
    image.set_data(np.ones((2, 2)))
    volume.set_data(np.ones((2, 2, 2)))
    assert volume.bounds(2) == (0, 2) and image.bounds(1) == (0, 2)
