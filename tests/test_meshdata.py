"""MeshData (vispy's): normals, edges, colours, caching, files, generators, errors, and
Mesh(meshdata=...) drawing what Mesh(vertices, faces) draws."""

from __future__ import annotations

import numpy as np
import pytest

from glframe import scene
from glframe.data import MeshData
from glframe.scene.visuals import Mesh, geometry

# a unit right triangle in the x-y plane and one standing on its x edge, tilted
V = np.array([[0, 0, 0], [2, 0, 0], [0, 1, 0], [0, 0, 3]], np.float64)
F = np.array([[0, 1, 2], [0, 3, 1]])


def test_face_and_vertex_normals_match_hand_computed_ones():
    md = MeshData(V, F)
    # face 0: (2,0,0) x (0,1,0) = (0,0,2): +z; face 1: (0,0,3) x (2,0,0) = (0,6,0): +y
    np.testing.assert_allclose(md.get_face_normals(), [[0, 0, 1], [0, 1, 0]])
    # vertices 0 and 1 are in both faces, weighted by twice the areas 2 and 6
    both = np.array([0, 6, 2]) / np.sqrt(40)
    expected = [both, both, [0, 0, 1], [0, 1, 0]]
    np.testing.assert_allclose(md.get_vertex_normals(), expected, rtol=1e-6)
    # Mesh computes the same normals (same formula): the pixels below depend on it
    np.testing.assert_array_equal(md.get_vertex_normals(), geometry.vertex_normals(V, F))
    # indexed='faces': per corner
    assert md.get_vertices(indexed="faces").shape == (2, 3, 3)
    np.testing.assert_array_equal(md.get_vertices(indexed="faces")[1], V[[0, 3, 1]])
    np.testing.assert_allclose(md.get_vertex_normals(indexed="faces")[0, 2], [0, 0, 1])
    np.testing.assert_allclose(md.get_face_normals(indexed="faces")[1], [[0, 1, 0]] * 3)
    # a vertex in no face and a degenerate face get zero normals, not NaN
    md = MeshData([[0, 0, 0], [1, 0, 0], [2, 0, 0], [5, 5, 5]], [[0, 1, 2]])
    assert (md.get_face_normals() == 0).all() and (md.get_vertex_normals() == 0).all()


def test_cube_has_18_unique_edges_and_counts_bounds():
    v, f = geometry.cube(2.0)
    # weld the 24 per-side vertices into the cube's 8 corners
    corners, weld = np.unique(v, axis=0, return_inverse=True)
    md = MeshData(corners, weld.ravel()[f])
    assert (md.n_vertices, md.n_faces) == (8, 12)
    edges = md.get_edges()
    assert edges.shape == (18, 2) and edges.dtype == np.uint32  # 12 sides + 6 diagonals
    assert (edges[:, 0] < edges[:, 1]).all() and len({tuple(e) for e in edges.tolist()}) == 18
    lengths = np.linalg.norm(corners[edges[:, 0]] - corners[edges[:, 1]], axis=1)
    np.testing.assert_allclose(np.sort(lengths), [2.0] * 12 + [8**0.5] * 6, rtol=1e-6)
    assert md.get_edges(indexed="faces").shape == (36, 2)
    assert md.get_bounds() == [(-1.0, 1.0)] * 3 and not md.is_empty()
    assert MeshData().is_empty() and MeshData().get_bounds() is None
    assert MeshData().get_edges().shape == (0, 2)
    # edges given are returned, checked against the vertices
    md = MeshData(corners, weld.ravel()[f], edges=[[0, 1], [1, 3]])
    assert md.get_edges().tolist() == [[0, 1], [1, 3]]
    with pytest.raises(ValueError, match=r"MeshData.edges: indices 0..8 are out of range for 8"):
        MeshData(corners, weld.ravel()[f], edges=[[0, 8]])


def test_colours_per_vertex_and_per_face():
    md = MeshData(V, F, vertex_colors=[[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]])
    assert md.get_vertex_colors().shape == (4, 4) and md.get_vertex_colors()[:, 3].min() == 1
    np.testing.assert_array_equal(md.get_vertex_colors(indexed="faces")[1, 1], [1, 1, 1, 1])
    assert md.get_face_colors() is None and md.has_vertex_color() and not md.has_face_color()
    md.set_face_colors([0.5, 0.25, 0, 0.5])  # one colour for every face
    assert md.get_vertex_colors() is None  # one kind at a time, as Mesh
    np.testing.assert_array_equal(md.get_face_colors(), [[0.5, 0.25, 0, 0.5]] * 2)
    assert md.get_face_colors(indexed="faces").shape == (2, 3, 4)
    # per-corner colours set through indexed='faces' land on the vertices
    md.set_vertex_colors(np.tile([[[0, 0, 1]]], (2, 3, 1)), indexed="faces")
    np.testing.assert_array_equal(md.get_vertex_colors(), [[0, 0, 1, 1]] * 4)
    md.set_vertex_colors(None)
    assert md.get_vertex_colors() is None and md.get_face_colors() is None
    # a new vertex count drops vertex colours; a new face count drops face colours
    md.set_vertex_colors([0, 1, 0])
    md.set_vertices(V[:3])
    assert md.get_vertex_colors() is None
    md.set_faces(F[:1])
    md.set_face_colors([[1, 0, 0]])
    md.set_faces(np.r_[F[:1], F[:1]])
    assert md.get_face_colors() is None


def test_normals_and_edges_are_cached_until_the_geometry_changes():
    md = MeshData(V, F)
    first = md.get_vertex_normals()
    assert md.get_vertex_normals() is first and md.get_face_normals() is md.get_face_normals()
    edges = md.get_edges()
    assert md.get_edges() is edges
    md.set_vertices(V * [1, -1, 1])  # mirrored in y: face 0 now faces -z
    np.testing.assert_allclose(md.get_face_normals()[0], [0, 0, -1])
    assert md.get_vertex_normals() is not first
    md.set_faces(F[:, ::-1])  # reversed winding: back to +z
    np.testing.assert_allclose(md.get_face_normals()[0], [0, 0, 1])
    np.testing.assert_allclose(md.get_vertex_normals()[2], [0, 0, 1])
    md.set_faces(F[:1])
    assert md.get_edges().tolist() == [[0, 1], [0, 2], [1, 2]] and md.n_faces == 1


def test_indexed_vertices_build_unshared_faces():
    corners = V[F]  # (2, 3, 3)
    md = MeshData(corners)
    assert (md.n_vertices, md.n_faces) == (6, 2)
    np.testing.assert_array_equal(md.get_vertices(indexed="faces"), corners)
    np.testing.assert_allclose(md.get_face_normals(), [[0, 0, 1], [0, 1, 0]])


@pytest.mark.parametrize("suffix", [".obj", ".ply"])
def test_save_and_from_file_round_trip(tmp_path, suffix):
    md = geometry.create_sphere(8, 12)
    path = tmp_path / f"sphere{suffix}"
    md.save(path)
    back = MeshData.from_file(path)
    np.testing.assert_array_equal(back.get_vertices(), md.get_vertices())
    np.testing.assert_array_equal(back.get_faces(), md.get_faces())
    np.testing.assert_allclose(back.get_vertex_normals(), md.get_vertex_normals(), atol=1e-6)
    # normals read from the file are kept until the geometry changes
    back.set_vertices(back.get_vertices() * 2)
    np.testing.assert_allclose(back.get_vertex_normals(), md.get_vertex_normals(), atol=1e-5)
    with pytest.raises(ValueError, match="MeshData.save.*no vertices"):
        MeshData().save(tmp_path / "empty.obj")
    with pytest.raises(ValueError, match="unknown mesh format '.stl'"):
        md.save(tmp_path / "m.stl")


def test_docstring_examples_run():
    import doctest

    import glframe.data._meshdata

    result = doctest.testmod(glframe.data._meshdata)
    assert result.attempted >= 4 and result.failed == 0


# ---- generators ---------------------------------------------------------------------------
def outward(md: MeshData, core=lambda c: c * [0, 0, 1]) -> bool:
    """Every face's normal points away from ``core(centroid)`` (the axis, by default)."""
    c = md.get_vertices(indexed="faces").astype(np.float64).mean(1)
    return bool((np.einsum("ij,ij->i", md.get_face_normals(), c - core(c)) > 0).all())


def test_cylinder_vertices_lie_on_their_radius():
    md = geometry.create_cylinder(4, 16, radius=(2.0, 1.0), length=3.0)
    v = md.get_vertices()
    assert (md.n_vertices, md.n_faces) == (5 * 16, 2 * 4 * 16)
    z = v[:, 2]
    np.testing.assert_allclose(np.unique(z), [0, 0.75, 1.5, 2.25, 3.0], atol=1e-6)
    np.testing.assert_allclose(np.hypot(v[:, 0], v[:, 1]), 2.0 - z / 3.0, rtol=1e-6)
    assert outward(md)
    # offset turns every other ring by half a step
    odd = geometry.create_cylinder(2, 8, offset=True).get_vertices()[8]
    np.testing.assert_allclose(np.arctan2(odd[1], odd[0]), np.pi / 8, rtol=1e-6)
    assert outward(geometry.create_cylinder(2, 8, offset=True))


def test_cone_apex_base_and_winding():
    md = geometry.create_cone(12, radius=0.5, length=2.0)
    v = md.get_vertices()
    assert (md.n_vertices, md.n_faces) == (14, 24)
    np.testing.assert_array_equal(v[13], [0, 0, 2])  # the apex
    np.testing.assert_array_equal(v[12], [0, 0, 0])  # the base's centre
    np.testing.assert_allclose(np.hypot(v[:12, 0], v[:12, 1]), 0.5, rtol=1e-6)
    # closed, wound outwards: the signed volume is the cone's, pi r^2 h / 3
    a, b, c = (v[md.get_faces()[:, k]].astype(np.float64) for k in range(3))
    volume = np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6
    exact = 12 / 2 * 0.5**2 * np.sin(2 * np.pi / 12) * 2.0 / 3  # the 12-sided pyramid's
    assert volume == pytest.approx(exact, rel=1e-6)
    assert len(md.get_edges()) == 3 * 12  # base ring, spokes to the centre, to the apex


@pytest.mark.parametrize("method", ["latitude", "ico"])
def test_sphere_generators(method):
    md = geometry.create_sphere(6, 10, radius=2.0, method=method)
    np.testing.assert_allclose(np.linalg.norm(md.get_vertices(), axis=1), 2.0, rtol=1e-6)
    assert outward(md, core=lambda c: 0 * c)
    if method == "latitude":
        assert (md.n_vertices, md.n_faces) == (2 + 5 * 10, 2 * 10 * 5)
        # closed: every edge is in two faces
        assert len(md.get_edges()) * 2 == 3 * md.n_faces
    n = md.get_vertex_normals()
    assert np.einsum("ij,ij->i", n, md.get_vertices() / 2).min() > 0.9
    with pytest.raises(ValueError, match="create_sphere: method 'cube' is not 'latitude' or 'ico'"):
        geometry.create_sphere(method="cube")


def test_cube_and_plane_return_meshdata_and_unpacking_says_so():
    md = geometry.create_cube(2.0)
    assert (md.n_vertices, md.n_faces) == (24, 12) and md.get_bounds() == [(-1.0, 1.0)] * 3
    plane = geometry.create_plane(2, 4, 2, 3, direction="+y")
    assert plane.n_faces == 12 and plane.get_bounds()[1] == (0.0, 0.0)
    np.testing.assert_allclose(plane.get_face_normals(), [[0, 1, 0]] * 12)
    with pytest.raises(TypeError, match="MeshData is not a tuple.*create_cube"):
        vertices, filled, outline = md
    assert repr(md) == "<MeshData: 24 vertices, 12 faces>"


def test_create_box_sizes_segments_and_open_sides():
    md = geometry.create_box(2, 1, 0.5, width_segments=2, height_segments=3, depth_segments=1)
    assert md.get_bounds() == [(-1.0, 1.0), (-0.5, 0.5), (-0.25, 0.25)]
    # cells per side: -x/+x 3x1, -y/+y 2x1, -z/+z 2x3, two triangles each
    assert md.n_faces == 2 * 2 * (3 * 1 + 2 * 1 + 2 * 3)
    assert outward(md, core=lambda c: 0 * c)
    open_box = geometry.create_box(planes=["-z", "+x"])
    np.testing.assert_allclose(
        open_box.get_face_normals(), [[1, 0, 0]] * 2 + [[0, 0, -1]] * 2, atol=1e-6
    )
    with pytest.raises(ValueError, match=r"cube sides: \['top'\] not a list of \+x, -x"):
        geometry.create_box(planes=["top"])
    with pytest.raises(ValueError, match=r"create_box: segments \(0, 1, 1\) must be integers"):
        geometry.create_box(width_segments=0)
    with pytest.raises(TypeError, match="MeshData is not a tuple"):
        vertices, faces, outline = geometry.create_box()


def test_create_grid_mesh_is_vispys_vertices_and_faces():
    ys, xs = np.mgrid[0:3, 0:4].astype(float)
    vertices, faces = geometry.create_grid_mesh(xs, ys, xs * ys)
    assert vertices.shape == (12, 3) and faces.shape == (2 * 2 * 3, 3)
    assert vertices.dtype == np.float32 and faces.dtype == np.uint32
    np.testing.assert_array_equal(vertices[5], [1, 1, 1])  # point (1, 1) is vertex 1 * 4 + 1
    flat = MeshData(*geometry.create_grid_mesh(xs, ys, 0 * xs))
    np.testing.assert_allclose(flat.get_face_normals(), [[0, 0, 1]] * 12, atol=1e-6)
    assert sum(MeshData(vertices, faces).get_bounds()[2]) == 6.0  # z from 0 to 6
    with pytest.raises(ValueError, match=r"create_grid_mesh: zs has shape \(3,\)"):
        geometry.create_grid_mesh(xs, ys, np.zeros(3))
    with pytest.raises(ValueError, match="create_grid_mesh: ys must hold finite real numbers"):
        geometry.create_grid_mesh(xs, ys * np.nan, xs)


def test_create_arrow_is_a_shaft_and_a_cone_on_its_end():
    md = geometry.create_arrow(2, 12, radius=0.1, length=2.0)
    v = md.get_vertices()
    assert md.n_vertices == 3 * 12 + 12 + 2 and md.n_faces == 2 * 2 * 12 + 2 * 12
    assert v[:, 2].min() == 0.0 and v[:, 2].max() == pytest.approx(2.0 + 2.0 / 3)
    head = v[np.isclose(v[:, 2], 2.0)]
    assert np.hypot(head[:, 0], head[:, 1]).max() == pytest.approx(0.16, rel=1e-6)  # 1.6 r
    custom = geometry.create_arrow(1, 8, 0.2, 1.0, cone_radius=0.5, cone_length=0.5)
    assert custom.get_bounds()[2] == pytest.approx((0.0, 1.5))
    with pytest.raises(ValueError, match="create_arrow: radius=0.1, length=0.*must be > 0"):
        geometry.create_arrow(1, 8, length=0)


def test_generators_refuse_bad_counts():
    with pytest.raises(ValueError, match="cylinder: rows=0, cols=8; need rows >= 1"):
        geometry.create_cylinder(0, 8)
    with pytest.raises(ValueError, match="cone: cols=2; need cols >= 3"):
        geometry.create_cone(2)


# ---- errors -------------------------------------------------------------------------------
def test_bad_input_is_refused_naming_meshdata_the_rule_and_the_value():
    with pytest.raises(ValueError, match=r"MeshData.faces: index 4 is out of range for 4 vert"):
        MeshData(V, [[0, 1, 4]])
    with pytest.raises(ValueError, match="MeshData.faces: index -1 is negative"):
        MeshData(V, [[0, 1, -1]])
    with pytest.raises(ValueError, match=r"MeshData.faces: shape \(1, 4\) is not \(M, 3\)"):
        MeshData(V, [[0, 1, 2, 3]])
    with pytest.raises(TypeError, match="MeshData.faces: dtype float64 is not an integer"):
        MeshData(V, [[0.0, 1.0, 2.0]])
    with pytest.raises(ValueError, match=r"MeshData.vertices: shape \(4, 4\) is not \(N, 3\)"):
        MeshData(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="MeshData.vertices: contains NaN"):
        MeshData([[0, 0, np.nan]])
    with pytest.raises(ValueError, match="MeshData.vertex_colors: 3 colours for 4 vertices"):
        MeshData(V, F, vertex_colors=np.ones((3, 4)))
    with pytest.raises(ValueError, match="MeshData.face_colors: 3 colours for 2 faces"):
        MeshData(V, F, face_colors=np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"MeshData.face_colors: value 255 is outside \[0, 1\]"):
        MeshData(V, F, face_colors=[[255, 0, 0], [0, 255, 0]])
    with pytest.raises(TypeError, match="MeshData.vertex_colors: 'red' is a name"):
        MeshData(V, F, vertex_colors="red")
    with pytest.raises(ValueError, match="MeshData: give vertex_colors or face_colors, not both"):
        MeshData(V, F, vertex_colors=np.ones((4, 3)), face_colors=np.ones((2, 3)))
    with pytest.raises(ValueError, match="MeshData.get_vertices: indexed must be None or 'faces'"):
        MeshData(V, F).get_vertices(indexed="vertices")
    # vispy's order, vertices then faces, works; what needs both checks that they fit
    md = MeshData(V, F)
    md.set_vertices(V[:3])
    with pytest.raises(ValueError, match="MeshData.normals: the faces use vertex 3 but there"):
        md.get_vertex_normals()
    with pytest.raises(ValueError, match="MeshData.get_vertices: the faces use vertex 3"):
        md.get_vertices(indexed="faces")
    md.set_faces(F[:1])
    np.testing.assert_allclose(md.get_vertex_normals(), [[0, 0, 1]] * 3)


# ---- Mesh(meshdata=...) -------------------------------------------------------------------
@pytest.fixture
def render(make_canvas):
    make_canvas((1, 1))  # skips (or fails under CI) without GL
    canvases = []

    def draw(**mesh):
        canvas = scene.SceneCanvas(size=(160, 120), bgcolor="black")
        canvases.append(canvas)
        view = canvas.add_view(camera=scene.TurntableCamera(elevation=30, azimuth=20))
        Mesh(parent=view.scene, color=(0.9, 0.6, 0.2), **mesh)
        view.camera.set_range()
        return canvas.render()

    yield draw
    for canvas in canvases:
        canvas.close()


def test_mesh_from_meshdata_draws_the_same_pixels(render):
    v, f = geometry.torus(1.0, 0.4, 32, 16)
    image = render(vertices=v, faces=f)
    lit = image[..., 0] > 40
    assert 2000 < lit.sum() < 0.8 * lit.size  # a torus, not a blank or a filled frame
    assert len(np.unique(image[lit][:, 0])) > 50  # shaded smoothly
    np.testing.assert_array_equal(render(meshdata=MeshData(v, f)), image)
    colors = np.linspace([1, 0, 0], [0, 0, 1], len(f))
    with_colors = render(vertices=v, faces=f, face_colors=colors)
    assert not np.array_equal(with_colors, image)
    md = MeshData(v, f, face_colors=colors)
    np.testing.assert_array_equal(render(meshdata=md), with_colors)


def test_mesh_set_data_takes_meshdata(make_canvas):
    make_canvas((1, 1))
    mesh = Mesh()
    md = geometry.create_cone(8)
    mesh.set_data(meshdata=md)
    np.testing.assert_array_equal(mesh.vertices, md.get_vertices())
    np.testing.assert_array_equal(mesh.faces, md.get_faces())
    np.testing.assert_array_equal(mesh.normals, md.get_vertex_normals())
    md.set_vertex_colors(np.ones((md.n_vertices, 3)) * 0.5)
    mesh.set_data(meshdata=md)
    assert mesh.vertex_colors.shape == (10, 4) and mesh.face_colors is None
    with pytest.raises(ValueError, match="Mesh: give meshdata or vertices, not both"):
        Mesh(md.get_vertices(), meshdata=md)
    with pytest.raises(TypeError, match="Mesh: a MeshData goes in meshdata=, not vertices"):
        Mesh(md)
    with pytest.raises(TypeError, match="Mesh.meshdata: expected a glframe.data.MeshData, got"):
        mesh.set_data(meshdata=(md.get_vertices(), md.get_faces()))


def test_generated_shapes_drawn_from_meshdata(make_canvas):
    from imagecompare import assert_image_matches

    make_canvas((1, 1))
    canvas = scene.SceneCanvas(size=(240, 100), bgcolor="black")
    try:
        view = canvas.add_view(
            camera=scene.TurntableCamera(elevation=20, azimuth=0, fov=0, scale_factor=2.6)
        )
        shapes = [
            geometry.create_sphere(12, 16, radius=0.5),
            geometry.create_cylinder(3, 24, radius=(0.45, 0.25), length=1.0),
            geometry.create_cone(24, radius=0.45, length=1.0),
        ]
        for k, md in enumerate(shapes):
            md.set_face_colors(np.tile([[0.9, 0.5, 0.1], [0.2, 0.6, 0.9]], (md.n_faces // 2, 1)))
            # vispy's tubes and cones start at z = 0: lower them to stand about the centre
            lift = 0.0 if k == 0 else -0.5
            md.set_vertices(md.get_vertices() + [(k - 1) * 1.3, 0.0, lift])
            Mesh(meshdata=md, shading="flat", parent=view.scene)
        view.camera.center = (0.0, 0.0, 0.0)
        image = canvas.render()
        # three separate shapes: dark columns between them, each shape lit
        lit = image[..., :3].max(-1) > 30
        columns = lit.any(0)
        runs = np.flatnonzero(np.diff(columns.astype(int)) == 1)
        assert len(runs) == 3 and not columns[0] and not columns[-1]
        assert_image_matches(image, "meshdata_generated_shapes")
    finally:
        canvas.close()
