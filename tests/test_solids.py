"""Box, Plane and Tube: their geometry (extents, outward normals, rings around the path,
open and closed), input checks, reactivity, and a reference image."""

from __future__ import annotations

import numpy as np
import pytest
from imagecompare import assert_image_matches

from glframe import scene
from glframe.gloo import Cmd
from glframe.scene.visuals import Box, Plane, Tube, geometry
from glframe.transforms import STTransform


def outward(v, f, core=None):
    """Whether every face's normal (right-hand rule) points away from ``core`` (per face
    points, default the origin)."""
    a, b, c = (v[f[:, k]].astype(np.float64) for k in range(3))
    centroid = (a + b + c) / 3
    core = 0 * centroid if core is None else core
    return np.einsum("ij,ij->i", np.cross(b - a, c - a), centroid - core) > 0


def signed_volume(v, f):
    a, b, c = (v[f[:, k]].astype(np.float64) for k in range(3))
    return np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6


def closed_and_consistent(f):
    edges = np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]])
    keys = {tuple(e) for e in edges.tolist()}
    return len(keys) == len(edges) and all((j, i) in keys for i, j in keys)


# ---- Box ----------------------------------------------------------------------------------
@pytest.mark.parametrize("segments", [(1, 1, 1), (3, 2, 4)])
def test_box_spans_its_sizes_with_outward_normals(segments):
    box = Box(2.0, 3.0, 0.5, *segments)
    v, f = box.vertices, box.faces
    np.testing.assert_allclose(v.min(0), [-1.0, -1.5, -0.25])
    np.testing.assert_allclose(v.max(0), [1.0, 1.5, 0.25])
    nx, ny, nz = segments
    assert len(f) == 4 * (ny * nz + nx * nz + nx * ny)  # two triangles a cell, two sides
    assert outward(v, f).all()
    assert signed_volume(v, f) == pytest.approx(2.0 * 3.0 * 0.5)
    # each side has its own vertices: their normals are the side's, an axis outwards
    a, b, c = (v[f[:, k]].astype(np.float64) for k in range(3))
    face_n = np.cross(b - a, c - a)
    face_n /= np.linalg.norm(face_n, axis=1, keepdims=True)
    assert np.isclose(np.abs(face_n).max(axis=1), 1).all()
    normals = geometry.vertex_normals(v, f)
    for k in range(3):
        np.testing.assert_allclose(normals[f[:, k]], face_n, atol=1e-6)


def test_box_parameters_are_reactive_and_checked():
    box = Box()
    box.depth = 4
    assert np.ptp(box.vertices[:, 2]) == 4 and box.depth == 4.0
    box.set_data(width=3, width_segments=2)
    assert np.ptp(box.vertices[:, 0]) == 3 and len(box.faces) == 2 * (2 + 2 + 1 + 2 + 2 + 1)
    with pytest.raises(ValueError, match="Box.height must be a finite number > 0, not 0"):
        box.height = 0
    with pytest.raises(ValueError, match="Box.depth_segments must be an integer >= 1, not 1.5"):
        Box(depth_segments=1.5)
    with pytest.raises(ValueError, match=r"Box.face_colors: .*\(20, 3\|4\)"):
        Box(face_colors=np.ones((12, 3)), width_segments=2)
    box = Box(face_colors=np.ones((12, 3)))
    with pytest.raises(ValueError, match=r"Box.face_colors: .*\(20, 3\|4\)"):
        box.width_segments = 2  # the colours no longer fit: refused, nothing changed
    assert box.width_segments == 1 and len(box.faces) == 12
    with pytest.raises(AttributeError, match="Box has no attribute 'widht'.*'width'"):
        box.widht = 2


# ---- Plane --------------------------------------------------------------------------------
@pytest.mark.parametrize("direction", ["+x", "-x", "+y", "-y", "+z", "-z"])
def test_plane_faces_its_direction(direction):
    plane = Plane(2.0, 1.0, 4, 3, direction=direction)
    v, f = plane.vertices, plane.faces
    axis = "xyz".index(direction[1])
    normal = np.eye(3)[axis] * (1 if direction[0] == "+" else -1)
    np.testing.assert_allclose(geometry.vertex_normals(v, f), np.tile(normal, (len(v), 1)))
    width_axis, height_axis = {0: (1, 2), 1: (0, 2), 2: (0, 1)}[axis]
    extent = np.ptp(v, axis=0)
    assert (extent[width_axis], extent[height_axis], extent[axis]) == (2.0, 1.0, 0.0)
    assert len(v) == 5 * 4 and len(f) == 2 * 4 * 3


def test_plane_checks_its_direction():
    with pytest.raises(ValueError, match=r"Plane.direction must be one of .*not 'z'"):
        Plane(direction="z")
    plane = Plane()
    plane.direction = "-y"
    assert plane.vertices[:, 1].any() == 0 and geometry.vertex_normals(plane.vertices, plane.faces)[
        0
    ] @ [0, -1, 0] == pytest.approx(1)


# ---- Tube ---------------------------------------------------------------------------------
def helix(n=120, turns=2.0):
    s = np.linspace(0, 2 * np.pi * turns, n)
    return np.c_[np.cos(s), np.sin(s), s / 5]


def test_tube_rings_are_at_the_radius_across_the_path():
    points, k = helix(), 10
    radius = np.linspace(0.05, 0.2, len(points))
    tube = Tube(points, radius=radius, tube_points=k)
    rings = tube.vertices.reshape(len(points), k, 3).astype(np.float64)
    offsets = rings - points[:, None]
    np.testing.assert_allclose(np.linalg.norm(offsets, axis=2), radius[:, None] * np.ones(k),
                               rtol=1e-5)  # fmt: skip
    # across the path: perpendicular to the direction through each point
    tangent = np.gradient(points, axis=0)
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True)
    assert np.abs(np.einsum("ikj,ij->ik", offsets, tangent)).max() < 0.01 * radius.max()
    # normals point straight out; faces are wound outwards (away from the path)
    normals = tube.normals.reshape(len(points), k, 3)
    np.testing.assert_allclose(normals, offsets / radius[:, None, None], atol=1e-5)
    core = np.repeat(points, k, axis=0)[tube.faces[:, 0]]
    assert outward(tube.vertices, tube.faces, core).all()


def test_tube_open_and_closed():
    s = np.linspace(0, 2 * np.pi, 96, endpoint=False)
    # a trefoil knot: transported around it, a frame comes back turned by ~128 degrees
    ring = np.c_[np.sin(s) + 2 * np.sin(2 * s), np.cos(s) - 2 * np.cos(2 * s), -np.sin(3 * s)]
    k = 12
    open_, closed = Tube(ring, 0.1, tube_points=k), Tube(ring, 0.1, closed=True, tube_points=k)
    assert len(open_.faces) == 2 * k * (len(ring) - 1)
    assert len(closed.faces) == 2 * k * len(ring)
    assert not closed_and_consistent(open_.faces)  # open ends
    assert closed_and_consistent(closed.faces)  # watertight, consistently wound
    assert signed_volume(closed.vertices, closed.faces) > 0  # wound outwards
    # the twist is spread over the loop: the last ring meets the first with no jump
    # (each vertex turns around the path from one ring to the next as little at the seam
    # as anywhere; uncorrected, by ~128 degrees there)
    out = closed.vertices.reshape(len(ring), k, 3) - ring[:, None]
    out /= np.linalg.norm(out, axis=2, keepdims=True)
    turn = np.degrees(np.arccos(np.clip(np.einsum("ikj,ikj->ik", out, np.roll(out, -1, 0)), -1, 1)))
    assert turn[-1].max() <= 1.05 * turn[:-1].max() < 30
    # an open path's rings at the ends are across its first and last segments
    rings = open_.vertices.reshape(len(ring), k, 3) - ring[:, None]
    for end, seg in ((0, ring[1] - ring[0]), (-1, ring[-1] - ring[-2])):
        assert np.abs(rings[end] @ seg).max() < 1e-5


def test_tube_colors_and_checks():
    points = helix(20)
    colors = np.c_[np.linspace(0, 1, 20), np.zeros(20), np.ones(20)]
    tube = Tube(points, 0.1, tube_points=6, colors=colors)
    np.testing.assert_allclose(tube.vertex_colors[:, :3], np.repeat(colors, 6, axis=0))
    tube.tube_points = 5  # the points' colours follow the new rings
    assert tube.vertex_colors.shape == (100, 4)
    tube.colors = None  # back to color=
    assert tube.vertex_colors is None
    with pytest.raises(ValueError, match="Tube.colors: 3 colours for 20 points; give one per"):
        tube.colors = np.ones((3, 3))
    with pytest.raises(ValueError, match="Tube.radius: 2 radii for 20 points; give one, or one"):
        tube.radius = [0.1, 0.2]
    with pytest.raises(ValueError, match=r"Tube.radius must be a finite number > 0 .*-1"):
        tube.radius = -1
    with pytest.raises(ValueError, match="Tube.points: points 1 and 2 are the same"):
        Tube([[0, 0, 0], [1, 0, 0], [1, 0, 0]])
    with pytest.raises(ValueError, match="Tube.points: a tube needs at least 2 points, not 1"):
        Tube([[0, 0, 0]])
    with pytest.raises(ValueError, match="Tube.tube_points must be an integer >= 3, not 2"):
        Tube(points, tube_points=2)
    with pytest.raises(ValueError, match="Tube: give colors .* or vertex_colors/face_colors"):
        Tube(points, colors=colors, vertex_colors=np.ones((160, 3)))
    assert len(tube.vertices) == 100  # the refused changes changed nothing
    # vispy's order of arguments: points, radius, closed, color, tube_points
    tube = Tube(points, 0.2, True, "red", 5)
    assert (tube.color, tube.tube_points, tube.closed) == ((1.0, 0.0, 0.0, 1.0), 5, True)


# ---- drawing ------------------------------------------------------------------------------
@pytest.fixture
def canvas3d(make_canvas):
    make_canvas((1, 1))  # skips (or fails under CI) without GL
    canvases = []

    def factory(size=(200, 150), bgcolor="#1a1c22", **camera):
        canvas = scene.SceneCanvas(size=size, bgcolor=bgcolor)
        canvases.append(canvas)
        return canvas, canvas.add_view(camera=scene.TurntableCamera(**camera))

    yield factory
    for canvas in canvases:
        canvas.close()


def test_box_covers_its_size_on_screen_and_changes_are_data(canvas3d):
    # orthographic, looking along +y: x to the right, z up, 50 px per unit
    canvas, view = canvas3d((200, 200), azimuth=0, elevation=0, fov=0, scale_factor=4.0)
    box = Box(2.0, 1.0, 1.0, color="white", shading=None, parent=view.scene)
    lit = canvas.render()[..., 0] > 128
    rows, cols = np.nonzero(lit)
    assert (cols.min(), cols.max(), rows.min(), rows.max()) == (50, 149, 75, 124)
    sent = []
    canvas.context.listeners.append(sent.extend)
    box.depth = 2.0  # new vertices, no new shader
    rows, cols = np.nonzero(canvas.render()[..., 0] > 128)
    assert (rows.min(), rows.max()) == (50, 149)
    kinds = {c[0] for c in sent}
    assert Cmd.DATA in kinds and Cmd.SHADERS not in kinds


def test_solids_reference_image(canvas3d):
    canvas, view = canvas3d(azimuth=30, elevation=25, fov=40, scale_factor=4.2)
    Plane(3.6, 3.6, 6, 6, color=(0.35, 0.37, 0.45), wireframe=True,
          wireframe_color=(0.1, 0.1, 0.12), parent=view.scene)  # fmt: skip
    Box(0.8, 0.6, 0.5, 2, 2, 2, color=(0.9, 0.55, 0.2), wireframe=True,
        transform=STTransform(translate=(-0.9, 0.8, 0.25)),
        parent=view.scene)  # fmt: skip
    points = helix(80, 1.5) * [0.8, 0.8, 0.6] + [0.5, -0.3, 0.2]
    hue = np.linspace(0, 1, len(points))
    Tube(points, radius=np.linspace(0.05, 0.14, len(points)), tube_points=12,
         colors=np.c_[0.3 + 0.6 * hue, 0.8 - 0.5 * hue, 0.9 - 0.3 * hue],
         parent=view.scene)  # fmt: skip
    assert_image_matches(canvas.render(), "solids")
