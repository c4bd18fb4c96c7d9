"""Mesh and Spheres: geometry helpers, input checks, computed pixels, depth, reactivity."""

from __future__ import annotations

import numpy as np
import pytest
from imagecompare import assert_image_matches

from glframe import scene
from glframe.gloo import Cmd
from glframe.scene.visuals import Mesh, Spheres, geometry
from glframe.transforms import PolarTransform, STTransform


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


def front_ortho(canvas3d, size=(200, 200), scale=4.0):
    """An orthographic camera looking along +y: x to the right, z up, ``scale`` units
    across the smaller side."""
    return canvas3d(size, azimuth=0, elevation=0, fov=0, scale_factor=scale)


def pixel_grid(size, scale, offset=(0.5, 0.5)):
    """Scene (x, z) of every pixel centre for :func:`front_ortho`."""
    w, h = size
    per_unit = min(w, h) / scale
    cols, rows = np.meshgrid(np.arange(w) + offset[0], np.arange(h) + offset[1])
    return (cols - w / 2) / per_unit, (h / 2 - rows) / per_unit


def stable(classify, size, scale):
    """Expected classes at pixel centres, and where the four pixel corners agree with them."""
    centre = classify(*pixel_grid(size, scale))
    same = np.ones(centre.shape, bool)
    for offset in ((0, 0), (1, 0), (0, 1), (1, 1)):
        same &= classify(*pixel_grid(size, scale, offset)) == centre
    return centre, same


def recorded(canvas):
    sent = []
    canvas.context.listeners.append(sent.extend)
    return sent


# ---- geometry -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make, volume, ring, shared",
    [
        (lambda: geometry.sphere(1.0, 3), 4 / 3 * np.pi, 0.0, True),
        (lambda: geometry.cube(2.0), 8.0, 0.0, False),  # each side has its own vertices
        (lambda: geometry.torus(1.0, 0.3, 96, 48), 2 * np.pi**2 * 0.3**2, 1.0, True),
    ],
    ids=["sphere", "cube", "torus"],
)
def test_generated_meshes_are_closed_and_wound_outwards(make, volume, ring, shared):
    v, f = make()
    assert v.dtype == np.float32 and f.dtype == np.uint32
    a, b, c = (v[f[:, k]].astype(np.float64) for k in range(3))
    signed = np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6
    assert signed == pytest.approx(volume, rel=0.02)  # positive: normals point out
    # each face points away from the solid's core: the centre, or the torus's ring
    centroid = (a + b + c) / 3
    core = centroid * [1, 1, 0]
    core *= ring / np.maximum(np.linalg.norm(core, axis=1, keepdims=True), 1e-9)
    assert (np.einsum("ij,ij->i", np.cross(b - a, c - a), centroid - core) > 0).all()
    if not shared:
        return
    # every directed edge appears once, and its reverse once: closed and consistent
    edges = np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]])
    keys = {tuple(e) for e in edges.tolist()}
    assert len(keys) == len(edges) and all((j, i) in keys for i, j in keys)


def test_plane_faces_up_and_vertex_normals_weigh_by_area():
    v, f = geometry.plane((2, 1), (4, 3))
    assert len(v) == 5 * 4 and len(f) == 2 * 4 * 3
    np.testing.assert_allclose(geometry.vertex_normals(v, f), np.tile([0, 0, 1], (len(v), 1)))
    v, f = geometry.sphere(2.0, 2)
    normals = geometry.vertex_normals(v, f)
    assert np.einsum("ij,ij->i", normals, v / 2).min() > 0.99
    # a big face pulls the shared vertex's normal more than a small one
    v = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 0.1]], float)
    n = geometry.vertex_normals(v, np.array([[0, 1, 2], [0, 3, 1]]))
    assert n[0] @ [0, 0, 1] > 0.99 and abs(np.linalg.norm(n[0]) - 1) < 1e-6


# ---- input checks -------------------------------------------------------------------------
def test_mesh_validates_its_input():
    v, f = geometry.cube()
    with pytest.raises(ValueError, match=r"Mesh.vertices: shape \(24, 4\)"):
        Mesh(np.zeros((24, 4)), f)
    with pytest.raises(ValueError, match="Mesh.vertices: contains NaN"):
        Mesh(np.where(np.arange(72).reshape(24, 3) == 5, np.nan, v), f)
    with pytest.raises(TypeError, match="Mesh.faces: dtype float64 is not an integer type"):
        Mesh(v, f.astype(float))
    with pytest.raises(ValueError, match=r"Mesh.faces: shape \(12, 4\) is not \(M, 3\)"):
        Mesh(v, np.zeros((12, 4), int))
    with pytest.raises(ValueError, match="Mesh.faces: index 24 is out of range for 24 vertices"):
        Mesh(v, f + 1)
    with pytest.raises(ValueError, match="Mesh.faces: index -1 is negative"):
        Mesh(v, f.astype(int) - 1)
    with pytest.raises(ValueError, match=r"Mesh.normals: shape \(3, 3\)"):
        Mesh(v, f, normals=np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"Mesh.face_colors: colours of shape \(11, 3\)"):
        Mesh(v, f, face_colors=np.zeros((11, 3)))
    with pytest.raises(ValueError, match="vertex_colors or face_colors, not both"):
        Mesh(v, f, face_colors=np.zeros((12, 3)), vertex_colors=np.zeros((24, 3)))
    mesh = Mesh(v, f, normals=np.ones((24, 3)))
    with pytest.raises(ValueError, match=r"Mesh.normals: shape \(24, 3\) .* is not \(8, 3\)"):
        mesh.set_data(v[:8], f[:2])  # the normals no longer fit: give them too
    mesh.set_data(v[:8], f[:2], normals=np.ones((8, 3)))
    with pytest.raises(ValueError, match="Mesh.shading must be one of None, flat, smooth"):
        mesh.shading = "phong"
    with pytest.raises(ValueError, match="Mesh.cull must be one of None, back, front"):
        mesh.cull = "both"
    with pytest.raises(ValueError, match="Mesh.wireframe_width must be a finite number >= 0"):
        mesh.wireframe_width = -1
    with pytest.raises(ValueError, match="Mesh.shininess must be a finite number > 0"):
        mesh.shininess = 0
    with pytest.raises(ValueError, match="Mesh.ambient must be a finite number >= 0"):
        mesh.ambient = float("nan")
    with pytest.raises(ValueError, match="Mesh.light_dir must be 3 finite numbers"):
        mesh.light_dir = (0, 0, 0)
    with pytest.raises(ValueError, match="Mesh.color: one colour"):
        mesh.color = np.zeros((8, 3))
    mesh.vertex_colors = np.ones((8, 3))
    mesh.face_colors = np.ones((2, 4))  # the latest wins
    assert mesh.vertex_colors is None and mesh.face_colors.shape == (2, 4)
    assert mesh.bounds(0) == (-0.5, 0.5)


def test_spheres_validate_their_input():
    with pytest.raises(ValueError, match=r"Spheres.positions: shape \(3, 4\)"):
        Spheres(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="Spheres.positions: contains NaN"):
        Spheres([[0, 0, np.nan]])
    with pytest.raises(ValueError, match="Spheres.radius must be a finite number >= 0"):
        Spheres(np.zeros((2, 3)), radius=-1)
    balls = Spheres(np.zeros((3, 3)), radius=[1, 2, 3])
    with pytest.raises(ValueError, match=r"Spheres.radius: shape \(2,\) is not \(\) or \(3,\)"):
        balls.radius = [1, 2]
    with pytest.raises(ValueError, match=r"Spheres.radius: shape \(3,\) is not \(\) or \(4,\)"):
        balls.positions = np.zeros((4, 3))  # the kept radii no longer fit
    balls.set_data(np.zeros((4, 3)), radius=0.5)
    with pytest.raises(ValueError, match="Spheres.color: colours contain NaN"):
        balls.color = np.full((4, 3), np.nan)
    with pytest.raises(ValueError, match="Spheres.shading must be one of None, smooth"):
        balls.shading = "flat"
    assert balls.bounds(2) == (-0.5, 0.5)


# ---- Mesh pixels --------------------------------------------------------------------------
def test_flat_colour_square_covers_its_pixels(canvas3d):
    canvas, view = front_ortho(canvas3d)
    v, f = geometry.plane((2, 2))
    Mesh(v[:, [0, 2, 1]], f, color="red", shading=None, parent=view.scene)  # the x-z plane
    image = canvas.render()
    red = image[..., 0] > 128
    assert red[50:150, 50:150].all() and red.sum() == 100 * 100


@pytest.mark.parametrize("shading", ["flat", "smooth"])
def test_lighting_is_blinn_phong_in_scene_coordinates(canvas3d, shading):
    canvas, view = front_ortho(canvas3d)
    v, f = geometry.plane((1.2, 1.2))
    # local: tilted 45 degrees about x; the parent stretches y by 2, tilting it to 63.4
    tilt = np.array([[1, 0, 0], [0, np.sqrt(0.5), -np.sqrt(0.5)], [0, np.sqrt(0.5), np.sqrt(0.5)]])
    parent = scene.Node(view.scene, transform=STTransform(scale=(1, 2, 1)))
    material = dict(ambient=0.2, diffuse=0.6, specular=0.25, shininess=8.0)
    Mesh(v @ tilt.T, f, color=(0.8, 0.6, 0.4), shading=shading, parent=parent, **material)
    normal = np.array([0, -1, 2]) / np.sqrt(5)  # the stretched plane's normal, facing -y
    for light in [(0, 0, 1), (1, 0, 1), (0, 1, 1)]:
        parent.children[0].light_dir = light
        image = canvas.render()
        to_light = np.array([light[0], -light[2], light[1]]) / np.linalg.norm(light)
        to_eye = np.array([0.0, -1.0, 0.0])
        half = (to_light + to_eye) / np.linalg.norm(to_light + to_eye)
        diffuse = max(normal @ to_light, 0.0)
        spec = 0.25 * max(normal @ half, 0.0) ** 8 if diffuse > 0 else 0.0
        expected = np.clip(np.array([0.8, 0.6, 0.4]) * (0.2 + 0.6 * diffuse) + spec, 0, 1) * 255
        np.testing.assert_allclose(image[100, 100, :3], expected, atol=2.5)


def test_face_and_vertex_colours(canvas3d):
    canvas, view = front_ortho(canvas3d)
    v, f = geometry.plane((2, 2))
    mesh = Mesh(v[:, [0, 2, 1]], f, face_colors=[[1, 0, 0], [0, 0, 1]], shading=None)
    mesh.parent = view.scene
    image = canvas.render()
    # triangle 0 is (-1,-1) (1,-1) (1,1): below the diagonal, on the right
    assert tuple(image[140, 120, :3]) == (255, 0, 0) and tuple(image[60, 80, :3]) == (0, 0, 255)
    mesh.set_data(
        np.array([[-1, 0, -1], [1, 0, -1], [0, 0, 1]]),
        np.array([[0, 1, 2]]),
        vertex_colors=[[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    )
    image = canvas.render()
    # the centroid (0, -1/3) is at pixel (100, 116.7): a third of each
    np.testing.assert_allclose(image[116, 99, :3], [85, 85, 85], atol=6)
    np.testing.assert_allclose(image[148, 52, :3], [255, 0, 0], atol=12)  # near vertex 0


def test_wireframe_width_is_in_pixels(canvas3d):
    canvas, view = front_ortho(canvas3d)
    v, f = geometry.plane((2, 2), (2, 2))
    mesh = Mesh(
        v[:, [0, 2, 1]], f, color=(0.0, 0.0, 0.3), shading=None, wireframe=True,
        wireframe_color="white", wireframe_width=4, parent=view.scene,
    )  # fmt: skip
    row = canvas.render()[75, :, 1].astype(float) / 255  # crosses the edge x = 0 at column 100
    assert row[90:110].sum() == pytest.approx(4, abs=0.3)
    assert row[98:102].min() > 0.9 and row[115] == 0
    big = canvas.render(size=(400, 400))[150, :, 1].astype(float) / 255
    assert big[180:220].sum() == pytest.approx(8, abs=0.4)  # pixel sizes scale with the render
    mesh.color = (0, 0, 0, 0)  # only the wireframe: the fill is transparent
    image = canvas.render()
    assert image[75, 115, 2] == 0 and image[75, 100, 1] > 230


def test_cull_follows_the_winding(canvas3d):
    canvas, view = front_ortho(canvas3d)
    # counter-clockwise seen from -y, where the camera is
    tri = Mesh([[-1, 0, -1], [1, 0, -1], [0, 0, 1]], [[0, 1, 2]], shading=None, parent=view.scene)
    assert canvas.render()[110, 100, 0] == 255
    tri.cull = "back"
    assert canvas.render()[110, 100, 0] == 255
    tri.cull = "front"
    assert canvas.render()[110, 100, 0] == 0
    view.camera.azimuth = 180  # seen from behind: the back face
    assert canvas.render()[110, 100, 0] == 255
    tri.cull = None
    tri.transform = STTransform(scale=(-1, 1, 1))  # a mirror keeps the mesh's own sides
    tri.cull = "front"
    assert canvas.render()[110, 100, 0] == 255
    tri.cull = "back"
    assert canvas.render()[110, 100, 0] == 0


def test_mesh_changes_send_no_shaders_or_buffers(canvas3d):
    canvas, view = canvas3d((120, 90))
    v, f = geometry.torus(1.0, 0.3, 24, 12)
    mesh = Mesh(v, f, color="red", parent=view.scene)
    view.camera.set_range()
    canvas.render()
    sent = recorded(canvas)
    canvas.render()
    assert {c[0] for c in sent} <= {Cmd.FUNC, Cmd.DRAW, Cmd.READ_PIXELS}
    mesh.color = "blue"
    mesh.shading = "flat"
    mesh.specular, mesh.shininess, mesh.light_dir = 0.9, 4, (1, 1, 1)
    mesh.cull = "back"
    view.camera.azimuth = 100
    sent.clear()
    canvas.render()
    kinds = {c[0] for c in sent}
    assert kinds <= {Cmd.FUNC, Cmd.DRAW, Cmd.READ_PIXELS, Cmd.UNIFORM, Cmd.ATTRIBUTE_VALUE}
    mesh.shading = "smooth"
    mesh.vertex_colors = np.random.default_rng(0).uniform(size=(len(v), 3))
    sent.clear()
    canvas.render()
    assert Cmd.DATA in {c[0] for c in sent}
    mesh.vertices = v * 1.1  # same faces: positions and (computed) normals only
    sent.clear()
    canvas.render()
    buffers = mesh._buffers
    expected = sorted([buffers["a_position"].id, buffers["a_normal"].id])
    assert sorted(c[1] for c in sent if c[0] == Cmd.DATA) == expected
    mesh.wireframe = True  # drawn de-indexed from now on: new data, same shaders
    sent.clear()
    canvas.render()
    mesh.wireframe_width, mesh.wireframe_color = 3, "white"
    canvas.render()
    kinds = {c[0] for c in sent}
    assert Cmd.SHADERS not in kinds and Cmd.CREATE not in kinds
    assert mesh.program.compilations == 1


def test_mesh_reference_image(canvas3d):
    canvas, view = canvas3d((200, 150), bgcolor="#1a1c22", azimuth=30, elevation=25, fov=40)
    v, f = geometry.torus(1.0, 0.35, 40, 20)
    hue = (np.arctan2(v[:, 1], v[:, 0]) + np.pi) / (2 * np.pi)
    colors = np.c_[0.9 - 0.6 * hue, 0.4 + 0.4 * hue, 0.3 + 0.6 * hue]
    Mesh(v, f, vertex_colors=colors, parent=view.scene)
    v, f = geometry.cube(0.9, center=(0, 0, 0.8))
    Mesh(v, f, face_colors=np.repeat(np.eye(3) * 0.6 + 0.3, 4, axis=0), shading="flat",
         parent=view.scene)  # fmt: skip
    v, f = geometry.sphere(0.45, 2, center=(1.7, 0.2, 0.2))
    Mesh(v, f, color=(0.3, 0.5, 0.9), wireframe=True, wireframe_color="white",
         parent=view.scene)  # fmt: skip
    view.camera.scale_factor = 4.2
    assert_image_matches(canvas.render(), "mesh_shading")


# ---- Spheres pixels -----------------------------------------------------------------------
def sphere_front(x, z, centre, radius):
    """The y of the front (nearest to -y) surface of a sphere at (x, z), +inf on a miss."""
    d2 = radius**2 - (x - centre[0]) ** 2 - (z - centre[2]) ** 2
    return np.where(d2 >= 0, centre[1] - np.sqrt(np.maximum(d2, 0)), np.inf)


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_intersecting_spheres_meet_along_the_right_curve(canvas3d, order):
    canvas, view = front_ortho(canvas3d)
    centres, radii = [(-0.3, 0.0, 0.0), (0.6, -0.4, 0.3)], [1.0, 0.7]
    colors = ["red", "blue"]
    for i in order:
        Spheres([centres[i]], radius=radii[i], color=colors[i], shading=None, parent=view.scene)

    def classify(x, z):
        a, b = (sphere_front(x, z, c, r) for c, r in zip(centres, radii))
        return np.where(np.isinf(a) & np.isinf(b), 0, np.where(a <= b, 1, 2))

    expected, safe = stable(classify, (200, 200), 4.0)
    image = canvas.render()
    got = np.where(image[..., 0] > 128, 1, np.where(image[..., 2] > 128, 2, 0))
    assert (got[safe] == expected[safe]).all()
    assert (expected[safe] == 2).sum() > 1000 and ((expected == 2) & (got == 2)).any()


def test_sphere_depth_against_a_mesh(canvas3d):
    canvas, view = front_ortho(canvas3d)
    Spheres([[0, 0, 0]], radius=1.0, color="red", shading=None, parent=view.scene)
    v, f = geometry.plane((3, 3))
    # the plane x + y = 0, through the sphere's centre
    v = np.c_[v[:, 0] * np.sqrt(0.5), -v[:, 0] * np.sqrt(0.5), v[:, 1]]
    Mesh(v, f, color="blue", shading=None, parent=view.scene)

    def classify(x, z):
        plane_y = np.where((np.abs(x * np.sqrt(2)) <= 1.5) & (np.abs(z) <= 1.5), -x, np.inf)
        ball = sphere_front(x, z, (0, 0, 0), 1.0)
        return np.where(ball < plane_y, 1, np.where(np.isfinite(plane_y), 2, 0))

    expected, safe = stable(classify, (200, 200), 4.0)
    image = canvas.render()
    got = np.where(image[..., 0] > 128, 1, np.where(image[..., 2] > 128, 2, 0))
    assert (got[safe] == expected[safe]).all()
    # on the middle row the sphere gives way to the plane at x = 1/sqrt(2), not at 0
    assert got[100, 100 + 34] == 1 and got[100, 100 + 37] == 2


def test_perspective_silhouette_is_the_projected_sphere(canvas3d):
    canvas, view = canvas3d((160, 120), azimuth=20, elevation=10, fov=70, scale_factor=3)
    centre, radius = np.array([1.1, 0.4, 0.5]), 0.6
    Spheres([centre], radius=radius, color="white", shading=None, parent=view.scene)
    image = canvas.render()
    inverse = np.linalg.inv(view.camera.transform.matrix)
    eye = view.camera.eye

    def classify(px, py):  # pixel positions (top-left origin) -> does the eye ray hit?
        ndc = np.stack([px / 80 - 1, 1 - py / 60, np.zeros_like(px), np.ones_like(px)], -1)
        p = ndc @ inverse.T
        d = p[..., :3] / p[..., 3:] - eye
        d /= np.linalg.norm(d, axis=-1, keepdims=True)
        oc = eye - centre
        b = d @ oc
        return b * b - (oc @ oc - radius**2) >= 0

    cols, rows = np.meshgrid(np.arange(160.0), np.arange(120.0))
    expected = classify(cols + 0.5, rows + 0.5)
    safe = np.ones_like(expected)
    for dx, dy in ((0, 0), (1, 0), (0, 1), (1, 1)):
        safe &= classify(cols + dx, rows + dy) == expected
    got = image[..., 0] > 128
    assert (got[safe] == expected[safe]).all() and expected.sum() > 500


@pytest.mark.parametrize("scale", [1.0, 2.5])
def test_lit_sphere_follows_the_light(canvas3d, scale):
    canvas, view = front_ortho(canvas3d)
    node = scene.Node(view.scene, transform=STTransform(scale=(scale,) * 3))
    balls = Spheres([[0, 0, 0]], radius=1.5 / scale, color=(0.9, 0.7, 0.5), ambient=0.1,
                    diffuse=0.9, specular=0.0, light_dir=(0, 0, 1), parent=node)  # fmt: skip
    image = canvas.render().astype(float)
    x, z = pixel_grid((200, 200), 4.0)
    inside = x**2 + z**2 < 1.4**2
    expected = (
        np.array([0.9, 0.7, 0.5])
        * (0.1 + 0.9 * np.sqrt(np.maximum(1.5**2 - x**2 - z**2, 0)) / 1.5)[..., None]
    )
    np.testing.assert_allclose(image[inside][:, :3], expected[inside] * 255, atol=2.5)
    balls.light_dir = (1, 0, 0)  # from the right: the left half is dark
    image = canvas.render()
    assert image[100, 60, 0] == pytest.approx(0.1 * 0.9 * 255, abs=2)
    assert image[100, 140, 0] > 120


def test_spheres_changes_send_no_shaders_and_pick_reports_the_sphere(canvas3d):
    canvas, view = front_ortho(canvas3d)
    balls = Spheres([[-1, 0, 0], [1, 0, 0]], radius=0.5, color="red", parent=view.scene)
    canvas.render()
    sent = recorded(canvas)
    balls.color = [[1, 0, 0], [0, 1, 0]]
    balls.radius = [0.5, 0.7]
    balls.ambient, balls.light_dir, balls.shading = 0.5, (1, 1, 1), None
    view.camera.azimuth, view.camera.fov = 30, 45
    canvas.render()
    kinds = {c[0] for c in sent}
    assert Cmd.SHADERS not in kinds and kinds <= {
        Cmd.FUNC, Cmd.DRAW, Cmd.READ_PIXELS, Cmd.UNIFORM, Cmd.ATTRIBUTE, Cmd.DATA, Cmd.SIZE,
        Cmd.CREATE,
    }  # fmt: skip
    creates = [c for c in sent if c[0] == Cmd.CREATE]
    assert len(creates) == 2  # the first per-sphere colour and radius buffers, nothing else
    sent.clear()
    balls.color = [[0, 0, 1], [0, 1, 0]]
    canvas.render()
    assert {c[0] for c in sent} <= {Cmd.FUNC, Cmd.DRAW, Cmd.READ_PIXELS, Cmd.DATA}
    assert [c[1] for c in sent if c[0] == Cmd.DATA] == [balls._buffers["a_color"].id]
    sent.clear()
    balls.shading, balls.specular, balls.shininess = "smooth", 0.8, 5
    canvas.render()
    assert {c[0] for c in sent} <= {Cmd.FUNC, Cmd.DRAW, Cmd.READ_PIXELS, Cmd.UNIFORM}
    view.camera.set_state(azimuth=0, fov=0)
    hit = canvas.pick((150, 100))
    assert hit is not None and hit.visual is balls and hit.index == 1


def test_spheres_need_linear_transforms(canvas3d):
    canvas, view = front_ortho(canvas3d)
    node = scene.Node(view.scene, transform=PolarTransform())
    Spheres([[0, 0, 0]], parent=node)
    with pytest.raises(TypeError, match="Spheres: the transforms from the visual to its scene"):
        canvas.render()


def test_spheres_reference_image(canvas3d):
    canvas, view = canvas3d((200, 150), bgcolor="#1a1c22", azimuth=-35, elevation=20, fov=45)
    rng = np.random.default_rng(7)
    positions = rng.normal(0, 0.9, (60, 3))
    radius = rng.uniform(0.2, 0.5, 60)
    colors = np.array([[0.9, 0.3, 0.2], [0.3, 0.6, 0.95], [0.95, 0.85, 0.3]])[np.arange(60) % 3]
    Spheres(positions, radius=radius, color=colors, parent=view.scene)
    Spheres([[0, 0, -2.4]], radius=0.9, color="white", parent=view.scene)  # big, in front
    view.camera.set_range()
    assert_image_matches(canvas.render(), "spheres_basic")


def test_big_spheres_in_a_2d_view_are_whole_discs(canvas3d):
    canvas, view = canvas3d((100, 100))
    view.camera = scene.PanZoomCamera(rect=(-10, -10, 20, 20))  # clip z is the scene's z
    Spheres([[0, 0, 0], [7, 7, 0]], radius=[6, 2], color=[[1, 0, 0], [0, 0, 1]], shading=None,
            parent=view.scene)  # fmt: skip
    image = canvas.render()
    red, safe = stable(lambda x, y: x**2 + y**2 < 36, (100, 100), 20.0)
    assert ((image[..., 0] > 128) == red)[safe].all()  # radius 6, beyond clip z in [-1, 1]
    assert image[15, 85, 2] == 255


@pytest.mark.parametrize("layout", ["indexed", "face colours", "wireframe"])
def test_picking_reports_the_face_under_the_pointer(canvas3d, layout):
    """A 2x2 grid of quads (8 triangles sharing vertices): each pixel names its face."""
    canvas, view = front_ortho(canvas3d)
    xs, ys = np.meshgrid(np.linspace(-1.5, 1.5, 3), np.linspace(-1.5, 1.5, 3))
    vertices = np.column_stack([xs.ravel(), np.zeros(9), ys.ravel()])  # the x-z plane
    faces = []
    for row in range(2):
        for col in range(2):
            a = row * 3 + col
            faces += [[a, a + 1, a + 4], [a, a + 4, a + 3]]
    options = {
        "indexed": {},
        "face colours": {"face_colors": np.tile([1.0, 0.5, 0.2, 1.0], (8, 1))},
        "wireframe": {"wireframe": True},
    }[layout]
    mesh = scene.visuals.Mesh(vertices, faces, parent=view.scene, **options)
    view.camera.set_range()
    before = canvas.render()
    # each face's centroid, scene -> clip (the camera) -> canvas pixels
    centres = vertices[np.array(faces)].mean(axis=1)
    clip = view.camera.transform.map(centres)
    pixels = [((x + 1) * 100, (1 - y) * 100) for x, y, _ in clip]
    found = []
    for pos in pixels:
        hit = canvas.pick(pos, radius=0)
        assert hit is not None and hit.visual is mesh, (layout, pos)
        found.append(hit.index)
    assert found == list(range(8)), found
    assert (canvas.render() == before).all()  # the picking pass leaves the frame as it was
    with canvas.record() as rec:
        canvas.pick(pixels[5])
        canvas.render()
    kinds = {c[0] for c in rec.frame_commands}
    assert Cmd.SHADERS not in kinds  # no recompilation: the pass only rebinds attributes
