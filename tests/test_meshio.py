"""Mesh and image files (glframe.data): OBJ and PLY round trips, hand-written files,
malformed files refused with the file, the place and the rule; a read mesh draws
as the generated one; images read for Image."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from glframe import scene
from glframe.data import MeshFileError, read_image, read_mesh, write_mesh
from glframe.scene.visuals import Mesh, geometry


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


# ---- round trips --------------------------------------------------------------------------


@pytest.mark.parametrize("name,ascii", [("m.obj", False), ("m.ply", False), ("m.ply", True)])
@pytest.mark.parametrize("with_normals", [False, True])
def test_round_trip_is_exact(tmp_path, name, ascii, with_normals):
    v, f = geometry.torus(0.55, 0.2, 12, 8)
    n = geometry.vertex_normals(v, f) if with_normals else None
    write_mesh(tmp_path / name, v, f, normals=n, ascii=ascii)
    v2, f2, n2 = read_mesh(tmp_path / name)
    assert v2.dtype == np.float32 and f2.dtype == np.uint32
    np.testing.assert_array_equal(v2, v.astype(np.float32))
    np.testing.assert_array_equal(f2, f)
    if with_normals:
        np.testing.assert_array_equal(n2, n.astype(np.float32))
    else:
        assert n2 is None


def test_binary_ply_is_compact(tmp_path):
    v, f = geometry.sphere(1.0, 3)
    write_mesh(tmp_path / "s.ply", v, f)
    header = (tmp_path / "s.ply").read_bytes().split(b"end_header\n")[0]
    body = (tmp_path / "s.ply").stat().st_size - len(header) - len(b"end_header\n")
    assert b"format binary_little_endian 1.0" in header
    assert body == len(v) * 12 + len(f) * 13


# ---- hand-written files -------------------------------------------------------------------

OBJ_QUAD_AND_PENTAGON = """\
# a unit square split as a fan, then a pentagon by negative indices
o square
v 0 0 0
v 1 0 0
v 1 1 0
v 0 1 0 1.0   # w is ignored
vt 0 0
vn 0 0 1
s off
f 1/1/1 2/1/1 3/1/1 4/1/1
v 0 0 1
v 2 0 1
v 3 1 1
v 1 2 1
v -1 1 1
f -5 -4 -3 -2 -1
"""


def test_obj_fans_forms_and_negative_indices(tmp_path):
    v, f, n = read_mesh(write(tmp_path, "q.obj", OBJ_QUAD_AND_PENTAGON))
    assert v.shape == (9, 3) and v[3].tolist() == [0, 1, 0]
    assert f.tolist() == [[0, 1, 2], [0, 2, 3], [4, 5, 6], [4, 6, 7], [4, 7, 8]]
    assert n is None  # the pentagon gives no normals


def test_obj_normals_per_vertex_and_split_at_hard_edges(tmp_path):
    text = "v 0 0 0\nv 1 0 0\nv 0 1 0\nvn 0 0 1\nf 1//1 2//1 3//1\n"
    v, f, n = read_mesh(write(tmp_path, "t.obj", text))
    assert f.tolist() == [[0, 1, 2]] and n.tolist() == [[0, 0, 1]] * 3
    # two triangles sharing the edge 1-2 with different normals: the edge's vertices split
    text = "v 0 0 0\nv 1 0 0\nv 0 1 0\nv 1 1 1\nvn 0 0 1\nvn 1 0 0\n"
    text += "f 1//1 2//1 3//1\nf 2//2 4//2 3//2\n"
    v, f, n = read_mesh(write(tmp_path, "h.obj", text))
    assert len(v) == 6
    corners = v[f]  # every triangle keeps its positions and gets its normal
    assert corners[0].tolist() == [[0, 0, 0], [1, 0, 0], [0, 1, 0]]
    assert corners[1].tolist() == [[1, 0, 0], [1, 1, 1], [0, 1, 0]]
    assert n[f[0]].tolist() == [[0, 0, 1]] * 3 and n[f[1]].tolist() == [[1, 0, 0]] * 3


PLY_ASCII = """\
ply
format ascii 1.0
comment a square with colours and normals, then an edge element to read past
element vertex 4
property float x
property float y
property float z
property float nx
property float ny
property float nz
property uchar red
property uchar green
property uchar blue
element face 1
property list uchar int vertex_indices
element edge 1
property int vertex1
property int vertex2
end_header
0 0 0 0 0 1 255 0 0
1 0 0 0 0 1 0 255 0

1 1 0 0 0 1 0 0 255
0 1 0 0 0 1 255 255 255
4 0 1 2 3
0 1
"""


def test_ply_ascii_with_normals_colours_and_other_elements(tmp_path):
    v, f, n = read_mesh(write(tmp_path, "a.ply", PLY_ASCII))
    assert v.tolist() == [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]]
    assert f.tolist() == [[0, 1, 2], [0, 2, 3]]
    assert n.tolist() == [[0, 0, 1]] * 4


def binary_ply(vertices, polygons, *, order="<", fmt="binary_little_endian", extra=b""):
    header = (
        f"ply\nformat {fmt} 1.0\nelement vertex {len(vertices)}\n"
        "property double x\nproperty double y\nproperty double z\nproperty uchar red\n"
        "property uchar green\nproperty uchar blue\n"
        f"element face {len(polygons)}\nproperty uchar flags\n"
        "property list uchar uint vertex_index\nend_header\n"
    ).encode()
    body = b"".join(struct.pack(order + "dddBBB", *p, 1, 2, 3) for p in vertices)
    for poly in polygons:
        body += struct.pack(order + "BB" + "I" * len(poly), 7, len(poly), *poly)
    return header + body + extra


@pytest.mark.parametrize("order,fmt", [("<", "binary_little_endian"), (">", "binary_big_endian")])
def test_ply_binary_with_colours_and_polygons(tmp_path, order, fmt):
    square = [(0, 0, 0), (1, 0, 0), (1, 1, 0), (0, 1, 0), (0.5, 2, 0)]
    data = binary_ply(square, [(0, 1, 2, 3), (3, 2, 4)], order=order, fmt=fmt)
    v, f, n = read_mesh(write(tmp_path, "b.ply", data))
    assert v.tolist() == [list(p) for p in square]
    assert f.tolist() == [[0, 1, 2], [0, 2, 3], [3, 2, 4]] and n is None


# ---- malformed files ----------------------------------------------------------------------

TRI = "v 0 0 0\nv 1 0 0\nv 0 1 0\n"
MALFORMED_OBJ = [
    (TRI + "f 1 2 4\n", r"line 4: vertex index 4 is out of range: 3 vertices are defined"),
    (TRI + "f 1 2 -4\n", r"line 4: vertex index -4 is out of range"),
    (TRI + "f 0 1 2\n", r"line 4: vertex index 0: OBJ indices start at 1"),
    (TRI + "f 1 2\n", r"line 4: a face needs at least 3 corners, found 2"),
    (TRI + "f 1//1 2//1 3//1\n", r"line 4: normal index 1 is out of range: 0 normals"),
    (TRI + "f 1/2 2/2 3/2\n", r"line 4: texture coordinate index 2 is out of range"),
    (TRI + "f 1/1/1/1 2 3\n", r"line 4: face corner '1/1/1/1' is not v, v/vt"),
    (TRI + "f 1 2 x\n", r"line 4: vertex index 'x' is not an integer"),
    ("v 0 0\n", r"line 1: 'v' needs 3 numbers, found 2"),
    ("v 0 zero 0\n", r"line 1: 'v' values must be numbers"),
    ("v 0 nan 0\n", r"line 1: 'v' values must be finite"),
    ("# nothing\n", r"no vertices \('v' lines\)"),
]


@pytest.mark.parametrize("text,message", MALFORMED_OBJ)
def test_malformed_obj_is_refused_with_line_and_rule(tmp_path, text, message):
    path = write(tmp_path, "bad.obj", text)
    with pytest.raises(MeshFileError, match=message) as info:
        read_mesh(path)
    assert str(info.value).startswith(str(path))


HEADER = "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
HEADER += "property float z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n"
VERTS = "0 0 0\n1 0 0\n0 1 0\n"
MALFORMED_PLY = [
    (HEADER + VERTS + "3 0 1 3\n", r"element 'face' 0: vertex index 3 is out of range: "
     r"the file has 3 vertices \(0 to 2\)"),
    (HEADER + VERTS + "3 0 1 -1\n", r"element 'face' 0: vertex index -1 is out of range"),
    (HEADER + VERTS + "2 0 1\n", r"element 'face' 0: a face needs at least 3 corners, found 2"),
    (HEADER + VERTS + "3 0 1\n", r"line 13 \(element 'face' 0\): values do not match"),
    (HEADER + VERTS + "3 0 1 2 5\n", r"line 13 \(element 'face' 0\): 5 values where"),
    (HEADER + VERTS, r"element 'face' 0: the file ends after 0 of the 1 declared"),
    (HEADER + "0 0 0\n1 0\n0 1 0\n3 0 1 2\n", r"line 11 \(element 'vertex' 1\)"),
    (HEADER + "0 0 0\n1 0 inf\n0 1 0\n3 0 1 2\n", r"'vertex' 1: coordinates must be finite"),
    (HEADER.replace("element vertex 3", "element vertex -3"), r"line 3: 'element NAME COUNT'"),
    (HEADER.replace("ascii", "binary_middle_endian"), r"line 2: format must be one of"),
    (HEADER.replace("float y", "real y"), r"line 5: 'property TYPE NAME' with a type of"),
    (HEADER.replace("property float z\n", ""), r"element 'vertex': no property 'z'"),
    (HEADER.replace("uchar int", "uchar float"), r"'vertex_indices' holds floats; indices are"),
    (HEADER.replace("end_header\n", ""), r"header: no 'end_header' line"),
    ("solid STL\n" + VERTS, r"line 1: a PLY file starts with the line 'ply'"),
]  # fmt: skip


@pytest.mark.parametrize("text,message", MALFORMED_PLY)
def test_malformed_ascii_ply_is_refused_with_place_and_rule(tmp_path, text, message):
    path = write(tmp_path, "bad.ply", text)
    with pytest.raises(MeshFileError, match=message) as info:
        read_mesh(path)
    assert str(info.value).startswith(str(path))


def test_ply_binary_quads_read_at_once_match_ascii(tmp_path):
    grid, quads = geometry.plane((2, 2), (3, 2))[0], []
    for row in range(2):  # a 4 x 3 grid of vertices, 3 x 2 quads
        for col in range(3):
            a = row * 4 + col
            quads.append((a, a + 1, a + 5, a + 4))
    v, f, _ = read_mesh(write(tmp_path, "q.ply", binary_ply(grid.tolist(), quads)))
    text = "".join(f"v {x} {y} {z}\n" for x, y, z in grid.tolist())
    text += "".join("f " + " ".join(str(i + 1) for i in q) + "\n" for q in quads)
    v2, f2, _ = read_mesh(write(tmp_path, "q.obj", text))
    assert f.shape == (12, 3) and f.tolist() == f2.tolist() and (v == v2).all()
    assert f[:2].tolist() == [[0, 1, 5], [0, 5, 4]]


def test_malformed_binary_ply_is_refused(tmp_path):
    tri = [(0, 0, 0), (1, 0, 0), (0, 1, 0)]
    good = binary_ply(tri, [(0, 1, 2), (2, 1, 0)])
    assert read_mesh(write(tmp_path, "ok.ply", good))[1].shape == (2, 3)
    cases = [
        (good[:-3], r"element 'face' 1: truncated: the file ends at byte"),
        (good[: good.index(b"end_header\n") + 11 + 40], r"element 'vertex': truncated: 3 records"),
        (binary_ply(tri, [(0, 1, 7)]), r"element 'face' 0: vertex index 7 is out of range"),
        (binary_ply(tri, [(0, 1)]), r"element 'face' 0: a face needs at least 3 corners"),
    ]
    for data, message in cases:
        with pytest.raises(MeshFileError, match=message):
            read_mesh(write(tmp_path, "bad.ply", data))
    # a count in a signed type that is negative
    data = good.replace(b"list uchar uint", b"list char uint")
    start = data.index(b"end_header\n") + 11 + 3 * 27
    data = data[: start + 1] + struct.pack("<b", -1) + data[start + 2 :]
    with pytest.raises(MeshFileError, match=r"element 'face' 0: list count -1 of 'vertex_index'"):
        read_mesh(write(tmp_path, "neg.ply", data))


def test_unknown_suffix_and_bad_write_arguments(tmp_path):
    with pytest.raises(ValueError, match=r"unknown mesh format '.stl'; name the file \*.obj"):
        read_mesh(tmp_path / "m.stl")
    v, f = geometry.cube(1.0)
    with pytest.raises(ValueError, match=r"write_mesh: face indices must be in 0..23"):
        write_mesh(tmp_path / "m.obj", v, f + 1)
    with pytest.raises(ValueError, match=r"write_mesh: faces must be an \(M, 3\) integer"):
        write_mesh(tmp_path / "m.obj", v, f.astype(float))
    with pytest.raises(ValueError, match=r"write_mesh: vertices must be finite \(N, 3\)"):
        write_mesh(tmp_path / "m.ply", v[:, :2], f)


# ---- drawn --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["torus.obj", "torus.ply"])
def test_read_mesh_draws_like_the_generated_one(make_canvas, tmp_path, name):
    make_canvas((1, 1))  # skips (or fails under CI) without GL
    v, f = geometry.torus(0.55, 0.2, 24, 12)
    write_mesh(tmp_path / name, v, f)
    frames = []
    for vertices, faces in [(v, f), read_mesh(tmp_path / name)[:2]]:
        canvas = scene.SceneCanvas(size=(120, 100), bgcolor="black")
        view = canvas.add_view(camera=scene.TurntableCamera(azimuth=30, elevation=40))
        Mesh(vertices, faces, color="#e8803a", parent=view.scene)
        view.camera.set_state(scale_factor=1.8)
        frames.append(canvas.render())
        canvas.close()
    lit = (frames[0][..., :3].max(-1) > 40).mean()
    assert 0.2 < lit < 0.8  # the torus is there and lit
    np.testing.assert_array_equal(frames[1], frames[0])


# ---- images -------------------------------------------------------------------------------


def test_read_image_for_image(tmp_path):
    import imageio.v3 as iio

    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (6, 5, 3), dtype=np.uint8)
    iio.imwrite(tmp_path / "rgb.png", rgb)
    np.testing.assert_array_equal(read_image(tmp_path / "rgb.png"), rgb)
    grey16 = rng.integers(0, 65536, (4, 3), dtype=np.uint16)
    iio.imwrite(tmp_path / "g16.png", grey16)
    out = read_image(tmp_path / "g16.png")
    assert out.dtype == np.uint16 and (out == grey16).all()  # as stored, for clim
    la = rng.integers(0, 256, (4, 3, 2), dtype=np.uint8)
    iio.imwrite(tmp_path / "la.png", la)
    rgba = read_image(tmp_path / "la.png")
    assert rgba.shape == (4, 3, 4) and (rgba[..., 0] == la[..., 0]).all()
    assert (rgba[..., 2] == la[..., 0]).all() and (rgba[..., 3] == la[..., 1]).all()
    frames = rng.integers(0, 256, (3, 4, 5, 3), dtype=np.uint8)
    iio.imwrite(tmp_path / "f.gif", frames)
    assert read_image(tmp_path / "f.gif").shape[:2] == (4, 5)  # the first frame


def test_read_image_errors_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"read_image: no file '.*nothing.png'"):
        read_image(tmp_path / "nothing.png")
    path = write(tmp_path, "notes.png", "not an image")
    with pytest.raises(ValueError, match=r"read_image\('.*notes.png'\): imageio cannot read it"):
        read_image(path)
