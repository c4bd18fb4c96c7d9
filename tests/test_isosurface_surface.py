"""Isosurface (marching cubes of a volume) and SurfacePlot (a height field): geometry,
orientation, updates, refused input and pixels."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest
from imagecompare import assert_image_matches

from glframe import scene
from glframe.gloo import Cmd
from glframe.scene.visuals import Isosurface, SurfacePlot
from glframe.shaders import colormaps
from glframe.transforms import STTransform

if os.environ.get("CI") == "true":
    import skimage  # noqa: F401 - scripts/setup.sh installs the isosurface extra: never skip
else:
    pytest.importorskip("skimage", reason="the isosurface extra (scikit-image) is not installed")

N = 32
CENTRE = np.array([15.5, 15.5, 15.5]) + 0.5  # where voxel (15.5, 15.5, 15.5) is drawn


def ball(n=N, radius=10.0):
    """A (n, n, n) volume of ``radius - distance`` to the middle: positive inside a ball."""
    k, i, j = np.mgrid[0:n, 0:n, 0:n].astype(float)
    c = (n - 1) / 2
    return radius - np.sqrt((j - c) ** 2 + (i - c) ** 2 + (k - c) ** 2)


@pytest.fixture
def canvas3d(make_canvas):
    make_canvas((1, 1))  # skips (or fails under CI) without GL; closed after the test
    canvases = []

    def factory(size=(200, 200), bgcolor="black", **camera):
        canvas = scene.SceneCanvas(size=size, bgcolor=bgcolor)
        canvases.append(canvas)
        view = canvas.add_view(camera=scene.TurntableCamera(**camera))
        return canvas, view

    yield factory
    for canvas in canvases:
        canvas.close()


def recorded(canvas):
    sent = []
    canvas.context.listeners.append(sent.extend)
    return sent


def face_normals(vertices, faces):
    tri = vertices[faces].astype(float)
    return np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), tri.mean(1)


# ---- Isosurface geometry --------------------------------------------------------------------
@pytest.mark.parametrize("level", [0.0, 3.0])
def test_isosurface_of_a_ball_is_a_sphere_facing_out(level):
    iso = Isosurface(ball(), level)
    v, f = iso.vertices, iso.faces
    assert v.dtype == np.float32 and f.dtype == np.uint32 and len(f) > 500
    distance = np.linalg.norm(v - CENTRE, axis=1)
    assert np.abs(distance - (10.0 - level)).max() < 0.05  # linear interpolation on a cone
    n, centroid = face_normals(v, f)
    area = np.linalg.norm(n, axis=1)
    real = area > 1e-6 * area.max()  # marching cubes may leave zero-area triangles
    outward = np.einsum("ij,ij->i", n[real], centroid[real] - CENTRE) / area[real]
    assert outward.min() > 0.5  # counter-clockwise seen from outside, every one
    radial = (v - CENTRE) / distance[:, None]
    assert np.einsum("ij,ij->i", iso.normals, radial).min() > 0.95  # the gradient's normals


def test_isosurface_follows_volume_coordinates_and_the_default_level():
    data = np.zeros((4, 5, 6))
    data[1:3, 1:4, 1:5] = 1.0  # a block of voxels 1..2 (z), 1..3 (y), 1..4 (x)
    iso = Isosurface(data)
    assert iso.level == 0.5  # the middle of the range while unset
    lo, hi = iso.vertices.min(0), iso.vertices.max(0)
    # voxel (k, i, j) is centred at (j, i, k) + 0.5, as in Volume: halfway to the zeros
    np.testing.assert_allclose(lo, [1.0, 1.0, 1.0])
    np.testing.assert_allclose(hi, [5.0, 4.0, 3.0])
    assert iso.bounds(0) == pytest.approx((1.0, 5.0))


def test_isosurface_level_and_data_changes_recompute():
    iso = Isosurface(ball(), 0.0)
    first = iso.vertices
    iso.level = 4.0
    assert np.linalg.norm(iso.vertices - CENTRE, axis=1).mean() == pytest.approx(6.0, abs=0.05)
    iso.data = ball(radius=8.0)
    assert iso.level == 4.0  # kept
    assert np.linalg.norm(iso.vertices - CENTRE, axis=1).mean() == pytest.approx(4.0, abs=0.05)
    iso.set_data(data=ball(radius=10.0), level=0.0, color="red")
    np.testing.assert_array_equal(iso.vertices, first)
    assert iso.color == (1.0, 0.0, 0.0, 1.0)
    iso.level = None  # the middle of the data's range again
    data = ball(radius=10.0)
    assert iso.level == pytest.approx((data.min() + data.max()) / 2)


def test_isosurface_level_outside_the_data_gives_an_empty_mesh():
    iso = Isosurface(ball(), 0.0)
    for level in (10.0, 50.0, -100.0):  # 10.0 is the maximum: nothing is strictly above it
        iso.level = level
        assert iso.vertices.shape == (0, 3) and iso.faces.shape == (0, 3)
        vertices, faces, normals = iso.mesh_data()
        assert vertices.shape == faces.shape == normals.shape == (0, 3)
    iso.level = 9.0  # back inside: a small sphere
    assert np.linalg.norm(iso.vertices - CENTRE, axis=1).mean() == pytest.approx(1.0, abs=0.1)
    assert Isosurface().vertices.shape == (0, 3)  # no data: nothing, as in vispy


def test_isosurface_mesh_data_is_a_copy_for_export():
    iso = Isosurface(ball(), 2.0)
    vertices, faces, normals = iso.mesh_data()
    np.testing.assert_array_equal(vertices, iso.vertices)
    np.testing.assert_array_equal(faces, iso.faces)
    np.testing.assert_array_equal(normals, iso.normals)
    vertices[:] = 0  # the visual keeps its own
    assert iso.vertices.any()
    iso.shading = "flat"
    assert iso.mesh_data()[2].shape == iso.vertices.shape


def test_isosurface_saved_and_read_back(tmp_path):
    from glframe.data import read_mesh, write_mesh

    vertices, faces, normals = Isosurface(ball(), 2.0).mesh_data()
    write_mesh(tmp_path / "ball.obj", vertices, faces, normals=normals)
    v, f, n = read_mesh(tmp_path / "ball.obj")
    np.testing.assert_allclose(v, vertices, atol=1e-5)
    np.testing.assert_array_equal(f, faces)
    np.testing.assert_allclose(n, normals, atol=1e-5)


def test_isosurface_refuses_bad_input_and_keeps_its_state():
    iso = Isosurface(ball(), 0.0)
    before = iso.vertices
    with pytest.raises(ValueError, match=r"Isosurface.data: shape \(4, 4\) is not \(D, H, W\)"):
        iso.data = np.zeros((4, 4))
    with pytest.raises(ValueError, match=r"Isosurface.data: shape \(1, 4, 4\) has a side < 2"):
        Isosurface(np.zeros((1, 4, 4)))
    with pytest.raises(TypeError, match="Isosurface.data: dtype <U1 is not a real number"):
        Isosurface(np.full((2, 2, 2), "a"))
    bad = ball()
    bad[3, 3, 3] = np.nan
    with pytest.raises(ValueError, match="Isosurface.data: contains NaN.*nan_to_num"):
        iso.data = bad
    with pytest.raises(ValueError, match="Isosurface.level must be a finite number, not nan"):
        iso.level = float("nan")
    with pytest.raises(TypeError, match="Isosurface.level must be a finite number, not 'high'"):
        Isosurface(ball(), "high")
    with pytest.raises(ValueError, match="Isosurface.color"):  # all or nothing
        iso.set_data(level=3.0, color="nocolour")
    with pytest.raises(ValueError, match="follows from data and level"):
        iso.set_data(np.zeros((3, 3)), level=3.0)
    assert iso.level == 0.0 and iso.vertices is before


def test_isosurface_without_scikit_image_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "skimage.measure", None)  # import fails
    with pytest.raises(ImportError, match=r"pip install 'glframe\[isosurface\]'"):
        Isosurface(ball(), 0.0)
    assert Isosurface(ball(), 99.0).faces.shape == (0, 3)  # nothing to compute: no import


# ---- Isosurface pixels ----------------------------------------------------------------------
def test_isosurface_silhouette_is_the_ball(canvas3d):
    """Seen orthographically, the sphere's isosurface covers the disk of its radius."""
    size, scale = (160, 160), 32.0
    canvas, view = canvas3d(size, azimuth=0, elevation=0, fov=0, scale_factor=scale)
    Isosurface(ball(), 0.0, transform=STTransform(translate=-CENTRE), parent=view.scene)
    lit = canvas.render()[..., :3].max(-1) > 0
    per_unit = size[0] / scale
    cols, rows = np.meshgrid(np.arange(size[0]) + 0.5, np.arange(size[1]) + 0.5)
    r = np.hypot(cols - size[0] / 2, rows - size[1] / 2) / per_unit
    assert lit[r < 9.85].all() and not lit[r > 10.15].any()  # 0.15 voxel: the chords' sag


def test_isosurface_level_change_sends_new_data_not_new_shaders(canvas3d):
    canvas, view = canvas3d((64, 64), fov=0, scale_factor=32.0)
    iso = Isosurface(ball(), 0.0, transform=STTransform(translate=-CENTRE), parent=view.scene)
    first = canvas.render()
    sent = recorded(canvas)
    iso.level = 6.0
    smaller = canvas.render()
    kinds = {c[0] for c in sent}
    assert Cmd.DATA in kinds and Cmd.SHADERS not in kinds
    assert iso.program.compilations == 1
    lit = lambda img: int((img[..., :3].max(-1) > 0).sum())
    assert lit(smaller) < 0.3 * lit(first)  # radius 4 for 10: a sixth of the area
    iso.level = 20.0  # outside the data: nothing drawn
    assert lit(canvas.render()) == 0


def test_isosurface_reference_image(canvas3d):
    canvas, view = canvas3d((200, 150), bgcolor="#1a1c22", azimuth=30, elevation=25, fov=40)
    # two blobs melting together, and a flat-shaded ball with its wireframe
    k, i, j = np.mgrid[0:40, 0:40, 0:40].astype(float)
    blobs = sum(np.exp(-((j - a) ** 2 + (i - b) ** 2 + (k - c) ** 2) / 60.0)
                for a, b, c in ((13, 20, 19), (26, 21, 22)))  # fmt: skip
    Isosurface(blobs, 0.45, color="#e8803a", transform=STTransform(translate=(-24, -20, -20)),
               parent=view.scene)  # fmt: skip
    Isosurface(ball(18, 7.0), 0.0, color=(0.3, 0.5, 0.9), shading="flat", wireframe=True,
               wireframe_color="#c8dcff", transform=STTransform(translate=(6, -2, -9)),
               parent=view.scene)  # fmt: skip
    view.camera.scale_factor = 44
    assert_image_matches(canvas.render(), "isosurface_blobs")


# ---- SurfacePlot geometry -------------------------------------------------------------------
X = np.linspace(-2.0, 2.0, 9)
Y = np.linspace(-1.0, 1.0, 5)
Z = np.sin(X[:, None]) * np.cos(2 * Y[None, :])  # z[i, j] at (x[i], y[j])


def test_surface_vertices_are_the_data():
    surface = SurfacePlot(X, Y, Z)
    v = surface.vertices.reshape(9, 5, 3)
    np.testing.assert_allclose(v[..., 0], np.broadcast_to(X[:, None], (9, 5)), rtol=1e-6)
    np.testing.assert_allclose(v[..., 1], np.broadcast_to(Y[None, :], (9, 5)), rtol=1e-6)
    np.testing.assert_allclose(v[..., 2], Z, rtol=1e-6, atol=1e-7)
    assert surface.faces.shape == (2 * 8 * 4, 3)
    n, _ = face_normals(surface.vertices, surface.faces)
    assert (n[:, 2] > 0).all()  # the front faces up
    # 2D x and y: any grid, here a sheared one
    xx, yy = np.meshgrid(X, Y, indexing="ij")
    sheared = SurfacePlot(xx + 0.5 * yy, yy, Z)
    np.testing.assert_allclose(sheared.vertices[:, 0], (xx + 0.5 * yy).ravel(), rtol=1e-6)
    # no x and y: the indices
    plain = SurfacePlot(z=Z)
    np.testing.assert_array_equal(
        plain.vertices[:7, :2], [[0, j] for j in range(5)] + [[1, 0], [1, 1]]
    )


def test_surface_set_data_updates_what_is_given():
    surface = SurfacePlot(X, Y, Z, cmap="viridis")
    faces = surface.faces
    surface.set_data(z=2 * Z)
    np.testing.assert_allclose(surface.vertices[:, 2], 2 * Z.ravel(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(surface.vertices[:, 0], np.repeat(X, 5), rtol=1e-6)  # x kept
    assert surface.faces is faces  # same shape: the same faces, no new index data
    assert surface.clim == pytest.approx((2 * Z.min(), 2 * Z.max()))
    surface.set_data(x=X + 10)
    assert surface.vertices[:, 0].min() == pytest.approx(8.0)
    # another shape: x and y must follow
    x3, y3 = np.arange(3.0), np.arange(4.0)
    surface.set_data(x3, y3, np.ones((3, 4)))
    assert surface.vertices.shape == (12, 3) and surface.faces.shape == (12, 3)
    assert surface.vertex_colors.shape == (12, 4)


def test_surface_colours_from_cmap_and_clim_or_one_colour():
    surface = SurfacePlot(X, Y, Z, cmap="viridis")
    lo, hi = Z.min(), Z.max()
    expected = colormaps.sample("viridis", (Z.ravel() - lo) / (hi - lo))
    np.testing.assert_allclose(surface.vertex_colors, expected, atol=1e-6)
    surface.clim = (0.0, 1.0)
    expected = colormaps.sample("viridis", np.clip(Z.ravel(), 0, 1))
    np.testing.assert_allclose(surface.vertex_colors, expected, atol=1e-6)
    surface.cmap = "magma"
    expected = colormaps.sample("magma", np.clip(Z.ravel(), 0, 1))  # the limits kept
    np.testing.assert_allclose(surface.vertex_colors, expected, atol=1e-6)
    surface.set_data(cmap=None, color="red")  # one colour: the colormap's colours go
    assert surface.vertex_colors is None and surface.color == (1.0, 0.0, 0.0, 1.0)
    assert SurfacePlot(z=Z).vertex_colors is None  # vispy's default: one colour


def test_surface_refuses_bad_shapes_and_keeps_its_state():
    surface = SurfacePlot(X, Y, Z)
    before = surface.vertices
    with pytest.raises(ValueError, match=r"SurfacePlot.z: shape \(9,\) is not \(rows, cols\)"):
        surface.set_data(z=X)
    with pytest.raises(ValueError, match=r"SurfacePlot.z: shape \(1, 5\) is not"):
        SurfacePlot(z=np.zeros((1, 5)))
    with pytest.raises(ValueError, match=r"SurfacePlot.x: shape \(5,\) fits neither z's 9 rows"):
        surface.set_data(x=Y)
    with pytest.raises(ValueError, match=r"SurfacePlot.y: shape \(5, 9\) fits neither .*transpose"):
        surface.set_data(y=np.zeros((5, 9)))
    with pytest.raises(ValueError, match=r"SurfacePlot.x: shape \(9,\) fits neither z's 3 rows"):
        surface.set_data(z=np.zeros((3, 5)))  # x was given for 9 rows: give x= too
    bad = Z.copy()
    bad[2, 2] = np.nan
    with pytest.raises(ValueError, match="SurfacePlot.z: contains NaN"):
        surface.set_data(z=bad)
    with pytest.raises(ValueError, match="SurfacePlot.clim"):
        surface.set_data(z=2 * Z, clim=(1, 1))
    with pytest.raises(ValueError, match="SurfacePlot.cmap"):
        surface.cmap = "no-such-map"
    with pytest.raises(AttributeError, match=r"SurfacePlot.vertices follow from x, y and z"):
        surface.vertices = before
    with pytest.raises(TypeError, match="SurfacePlot.set_data.*'shadin'"):
        surface.set_data(z=Z, shadin="flat")
    assert surface.vertices is before and surface.clim == pytest.approx((Z.min(), Z.max()))
    surface.z = 3 * Z  # the setters are set_data
    np.testing.assert_allclose(surface.vertices[:, 2], 3 * Z.ravel(), rtol=1e-6, atol=1e-7)


def test_surface_updates_send_data_not_shaders(canvas3d):
    canvas, view = canvas3d((64, 64), fov=0, scale_factor=6.0)
    surface = SurfacePlot(X, Y, Z, cmap="viridis", parent=view.scene)
    canvas.render()
    sent = recorded(canvas)
    surface.clim = (0.0, 1.0)
    canvas.render()
    data = [c[1] for c in sent if c[0] == Cmd.DATA]
    assert data == [surface._buffers["a_color"].id]  # the vertex colours only
    sent.clear()
    surface.set_data(z=2 * Z)  # same shape: positions, normals, colours; no index data
    canvas.render()
    data = {c[1] for c in sent if c[0] == Cmd.DATA}
    assert surface._buffers["a_position"].id in data and surface._index.id not in data
    assert Cmd.SHADERS not in {c[0] for c in sent} and surface.program.compilations == 1


# ---- SurfacePlot pixels ---------------------------------------------------------------------
def test_surface_pixels_are_the_colormap_of_z(canvas3d):
    """Seen from above (x right, y up), unlit, a ramp along x or y shows the colormap."""
    size, scale = (120, 120), 4.0
    per_unit = size[0] / scale
    along = (np.arange(size[0]) + 0.5 - size[0] / 2) / per_unit  # scene units, left to right
    inside = np.abs(along) < 1.45
    expected = np.round(colormaps.sample("viridis", (along + 1.5) / 3)[:, :3] * 255)
    ramp = np.linspace(-1.5, 1.5, 31)
    for axis in (0, 1):
        canvas, view = canvas3d(size, azimuth=0, elevation=90, fov=0, scale_factor=scale)
        z = np.repeat(ramp[:, None], 2, axis=1) * 0.01  # nearly flat: the colour tells x
        xy = (ramp, [-1.5, 1.5]) if axis == 0 else ([-1.5, 1.5], ramp)
        SurfacePlot(*xy, z if axis == 0 else z.T, cmap="viridis", shading=None, parent=view.scene)
        img = canvas.render()[..., :3].astype(int)
        # along x: the middle row, left to right; along y: the middle column, bottom to top
        line = img[size[1] // 2] if axis == 0 else img[::-1, size[0] // 2]
        assert np.abs(line[inside] - expected[inside]).max() <= 3, f"axis {axis}"
        beyond = ~inside & (np.abs(along) > 1.55)
        assert (line[beyond] == 0).all(), f"axis {axis}: drawn beyond the surface"


def test_surface_reference_image(canvas3d):
    canvas, view = canvas3d((200, 150), bgcolor="#1a1c22", azimuth=35, elevation=30, fov=35)
    x = np.linspace(-3, 3, 40)
    y = np.linspace(-2, 2, 30)
    z = 0.8 * np.exp(-(x[:, None] ** 2 + y[None, :] ** 2) / 2) * np.cos(2 * x[:, None])
    SurfacePlot(x, y, z, cmap="viridis", specular=0.2, parent=view.scene)
    view.camera.scale_factor = 6.5
    assert_image_matches(canvas.render(), "surface_plot_gaussian")
