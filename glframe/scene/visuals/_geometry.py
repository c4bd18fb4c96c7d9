"""Geometry and lighting for the 3D visuals: test meshes, normals, the frame a visual is
lit in, and the lighting parameters Mesh and Spheres share.

Mesh generators (``sphere``, ``cube``, ``torus``, ``plane``; boxes and planes of any
size, split into cells, planes facing any axis) return
``(vertices, faces)``: (N, 3) float32 and (M, 3) uint32, faces wound
counter-clockwise when seen from outside (the right-hand rule gives outward
normals), which is what GL calls front-facing under a standard camera.

``cylinder``, ``cone`` and ``latitude_sphere`` follow vispy's shapes; vispy's
names ``create_sphere``, ``create_cylinder``, ``create_cone``, ``create_cube``,
``create_plane``, ``create_box`` and ``create_arrow`` return them as
:class:`~glframe.data.MeshData` (``create_grid_mesh`` returns vertices and faces, as
vispy's does; MeshData is re-exported here,
where vispy users look for it: ``vispy.geometry.MeshData``).

``vertex_normals`` computes area-weighted vertex normals, with ``bincount``
rather than a Python loop (1.3M faces in about 0.5 s here).

``ShadingFrame`` gathers what Mesh and Spheres need to light and ray-cast in
the fragment shader without a separate view matrix from the camera: the
4x4 matrix from the visual to the scene (exact for linear transforms, the
affine approximation at the data centre otherwise), the camera's matrix
(scene to clip), the eye in homogeneous scene coordinates (w = 0 for an
orthographic camera: a direction towards the viewer), the camera's right, up
and backward axes in the scene, and whether the whole map mirrors (which
swaps GL's front and back faces). Everything comes from the cameras' public
``transform``; a camera whose transform is not linear is refused.

``ShadedMixin`` declares the Blinn-Phong material (ambient, diffuse, specular,
shininess) and the light direction as :class:`~glframe.scene.Prop`; the visuals
turn them into uniforms (the GLSL is ``glframe/scene/visuals/glsl/mesh/lighting.glsl``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from ...data import MeshData
from ...transforms import BaseTransform
from .._reactive import Prop
from . import _data as checks

if TYPE_CHECKING:
    from .._view import View
    from .._visual import Visual

__all__ = [
    "sphere",
    "cube",
    "torus",
    "plane",
    "cylinder",
    "cone",
    "latitude_sphere",
    "MeshData",
    "create_sphere",
    "create_cylinder",
    "create_cone",
    "create_cube",
    "create_plane",
    "create_box",
    "create_grid_mesh",
    "create_arrow",
    "DIRECTIONS",
    "vertex_normals",
    "linear_matrix",
    "ShadingFrame",
    "ShadedMixin",
]


# ---- generators -------------------------------------------------------------------------
def _result(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.ascontiguousarray(vertices, np.float32), np.ascontiguousarray(faces, np.uint32)


def sphere(
    radius: float = 1.0, subdivisions: int = 3, center: ArrayLike = (0.0, 0.0, 0.0)
) -> tuple[np.ndarray, np.ndarray]:
    """An icosphere: an icosahedron whose faces are split in 4, ``subdivisions`` times.

    ``subdivisions=3`` gives 642 vertices and 1280 faces.
    """
    t = (1 + 5**0.5) / 2
    v = np.array(
        [[-1, t, 0], [1, t, 0], [-1, -t, 0], [1, -t, 0], [0, -1, t], [0, 1, t],
         [0, -1, -t], [0, 1, -t], [t, 0, -1], [t, 0, 1], [-t, 0, -1], [-t, 0, 1]],
        np.float64,
    )  # fmt: skip
    f = np.array(
        [[0, 11, 5], [0, 5, 1], [0, 1, 7], [0, 7, 10], [0, 10, 11], [1, 5, 9], [5, 11, 4],
         [11, 10, 2], [10, 7, 6], [7, 1, 8], [3, 9, 4], [3, 4, 2], [3, 2, 6], [3, 6, 8],
         [3, 8, 9], [4, 9, 5], [2, 4, 11], [6, 2, 10], [8, 6, 7], [9, 8, 1]],
        np.int64,
    )  # fmt: skip
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    for _ in range(int(subdivisions)):
        # one new vertex per edge: edges keyed by (low, high) vertex index
        edges = np.sort(np.stack([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]], 1), -1)
        keys, inverse = np.unique(edges.reshape(-1, 2), axis=0, return_inverse=True)
        mid = v[keys[:, 0]] + v[keys[:, 1]]
        mid /= np.linalg.norm(mid, axis=1, keepdims=True)
        m = (inverse.reshape(-1, 3) + len(v)).astype(np.int64)  # midpoints of ab, bc, ca
        a, b, c = f.T
        f = np.concatenate(
            [np.c_[a, m[:, 0], m[:, 2]], np.c_[b, m[:, 1], m[:, 0]],
             np.c_[c, m[:, 2], m[:, 1]], m]
        )  # fmt: skip
        v = np.concatenate([v, mid])
    return _result(v * radius + np.asarray(center, np.float64), f)


def cube(
    size: float | ArrayLike = 1.0,
    center: ArrayLike = (0.0, 0.0, 0.0),
    divisions: tuple[int, int, int] = (1, 1, 1),
    sides: Sequence[str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """A box of side ``size`` (one value, or (x, y, z) sizes), its sides split into
    ``divisions`` (nx, ny, nz) cells along each axis.

    Each side has its own vertices (so its own normals): with one division, 24
    vertices and 12 faces, two per side in the order -x, +x, -y, +y, -z, +z (in
    general, each side's :func:`plane` in that order). ``sides``: only those of
    :data:`DIRECTIONS` named (None: all six), an open box.
    """
    sizes = np.broadcast_to(np.asarray(size, np.float64), (3,))
    c = np.asarray(center, np.float64).reshape(3)
    if sides is not None:
        unknown = sorted(set(sides) - set(DIRECTIONS))
        if unknown or isinstance(sides, str):
            raise ValueError(
                f"cube sides: {unknown or sides!r} not a list of {', '.join(DIRECTIONS)}"
            )
    vertices, faces, count = [], [], 0
    for axis in range(3):
        u, w = _PLANE_AXES[axis]
        for sign in "-+":
            if sides is not None and sign + "xyz"[axis] not in sides:
                continue
            offset = c.copy()
            offset[axis] += (0.5 if sign == "+" else -0.5) * sizes[axis]
            v, f = plane(
                (sizes[u], sizes[w]), (divisions[u], divisions[w]), sign + "xyz"[axis], offset
            )
            vertices.append(v)
            faces.append(f.astype(np.int64) + count)
            count += len(v)
    if not vertices:
        return _result(np.zeros((0, 3)), np.zeros((0, 3), np.int64))
    return _result(np.concatenate(vertices), np.concatenate(faces))


def torus(
    major: float = 1.0, minor: float = 0.3, n_major: int = 48, n_minor: int = 24
) -> tuple[np.ndarray, np.ndarray]:
    """A torus around the z axis: ``n_major * n_minor`` vertices, twice as many faces."""
    theta = np.linspace(0, 2 * np.pi, n_major, endpoint=False)[:, None]  # around z
    phi = np.linspace(0, 2 * np.pi, n_minor, endpoint=False)[None, :]  # around the tube
    ring = major + minor * np.cos(phi)
    v = np.stack(
        [ring * np.cos(theta), ring * np.sin(theta), minor * np.sin(phi) + 0 * theta], -1
    ).reshape(-1, 3)
    i, j = np.meshgrid(np.arange(n_major), np.arange(n_minor), indexing="ij")
    a = i * n_minor + j
    b = ((i + 1) % n_major) * n_minor + j
    c = ((i + 1) % n_major) * n_minor + (j + 1) % n_minor
    d = i * n_minor + (j + 1) % n_minor
    f = np.concatenate([np.stack([a, b, c], -1), np.stack([a, c, d], -1)]).reshape(-1, 3)
    return _result(v, f)


#: for a plane facing each axis: the axes along its width and its height
_PLANE_AXES = {0: (1, 2), 1: (0, 2), 2: (0, 1)}
#: the directions a plane can face
DIRECTIONS = ("+x", "-x", "+y", "-y", "+z", "-z")


def plane(
    size: tuple[float, float] = (1.0, 1.0),
    divisions: tuple[int, int] = (1, 1),
    direction: str = "+z",
    center: ArrayLike = (0.0, 0.0, 0.0),
) -> tuple[np.ndarray, np.ndarray]:
    """A rectangle facing ``direction``, centred at ``center``, split into ``divisions``
    cells of two triangles each.

    ``size`` and ``divisions`` go along the two other axes in x, y, z order: x and y
    for a plane facing +z or -z, y and z for +x or -x, x and z for +y or -y.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"plane direction {direction!r} is not one of {', '.join(DIRECTIONS)}")
    nx, ny = (int(n) for n in divisions)
    us = np.linspace(-size[0] / 2, size[0] / 2, nx + 1)
    ws = np.linspace(-size[1] / 2, size[1] / 2, ny + 1)
    x, y = np.meshgrid(us, ws)  # row j holds ws[j]
    axis = "xyz".index(direction[1])
    u, w = _PLANE_AXES[axis]
    v = np.zeros((x.size, 3))
    v[:, u], v[:, w] = x.ravel(), y.ravel()
    i, j = np.meshgrid(np.arange(nx), np.arange(ny))
    a = j * (nx + 1) + i
    b, c, d = a + 1, a + nx + 2, a + nx + 1
    f = np.stack([np.stack([a, b, c], -1), np.stack([a, c, d], -1)], -2).reshape(-1, 3)
    # counter-clockwise in (u, w) faces u x w: +z and +x, but -y (x cross z)
    facing = -1 if axis == 1 else 1
    if facing != (1 if direction[0] == "+" else -1):
        f = f[:, ::-1]
    return _result(v + np.asarray(center, np.float64).reshape(3), f)


def _rings(n_rings: int, cols: int, start: int = 0) -> np.ndarray:
    """Faces joining ``n_rings`` rings of ``cols`` vertices each, numbered from ``start``;
    counter-clockwise seen from outside when each ring's angle grows about +z and each
    ring lies above (towards +z) the one before."""
    k, j = np.meshgrid(np.arange(n_rings - 1), np.arange(cols), indexing="ij")
    a = start + k * cols + j  # lower ring, this column
    b = start + k * cols + (j + 1) % cols  # lower ring, next column
    c, d = b + cols, a + cols  # the ring above
    return np.stack([np.stack([a, b, c], -1), np.stack([a, c, d], -1)], -2).reshape(-1, 3)


def cylinder(
    rows: int = 1,
    cols: int = 32,
    radius: float | tuple[float, float] = 1.0,
    length: float = 1.0,
    offset: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """An open tube along +z from z = 0 to ``length``: ``rows + 1`` rings of ``cols``
    vertices, the radius going linearly from ``radius[0]`` (bottom) to ``radius[1]``
    (one value: both). ``offset`` turns every other ring by half a step, as vispy's
    ``create_cylinder`` does. No caps; ``2 * rows * cols`` faces."""
    rows, cols = int(rows), int(cols)
    if rows < 1 or cols < 3:
        raise ValueError(f"cylinder: rows={rows}, cols={cols}; need rows >= 1 and cols >= 3")
    r0, r1 = np.broadcast_to(np.asarray(radius, np.float64), (2,))
    t = np.linspace(0.0, 1.0, rows + 1)[:, None]
    theta = np.repeat(2 * np.pi * np.arange(cols)[None, :] / cols, rows + 1, axis=0)
    if offset:
        theta += (np.arange(rows + 1)[:, None] % 2) * np.pi / cols
    r = r0 + (r1 - r0) * t
    z = np.broadcast_to(length * t, theta.shape)
    v = np.stack([r * np.cos(theta), r * np.sin(theta), z], -1).reshape(-1, 3)
    return _result(v, _rings(rows + 1, cols))


def cone(cols: int = 32, radius: float = 1.0, length: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """A closed cone along +z: a base circle of ``cols`` vertices at z = 0, then its
    centre (index ``cols``) and the apex at z = ``length`` (index ``cols + 1``);
    ``2 * cols`` faces (the sides, then the base)."""
    cols = int(cols)
    if cols < 3:
        raise ValueError(f"cone: cols={cols}; need cols >= 3")
    theta = 2 * np.pi * np.arange(cols) / cols
    ring = np.c_[radius * np.cos(theta), radius * np.sin(theta), np.zeros(cols)]
    v = np.concatenate([ring, [[0.0, 0.0, 0.0], [0.0, 0.0, length]]])
    j = np.arange(cols)
    nxt = (j + 1) % cols
    sides = np.c_[j, nxt, np.full(cols, cols + 1)]
    base = np.c_[np.full(cols, cols), nxt, j]  # seen from below
    return _result(v, np.concatenate([sides, base]))


def latitude_sphere(
    rows: int = 10, cols: int = 10, radius: float = 1.0, offset: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """A UV sphere: ``rows - 1`` rings of ``cols`` vertices between two poles (the
    north pole first, the south pole last); ``offset`` turns every other ring by half
    a step. ``2 * cols * (rows - 1)`` faces."""
    rows, cols = int(rows), int(cols)
    if rows < 2 or cols < 3:
        raise ValueError(f"latitude_sphere: rows={rows}, cols={cols}; need rows >= 2, cols >= 3")
    phi = np.pi * np.arange(rows - 1, 0, -1)[:, None] / rows  # from the south, going up
    theta = 2 * np.pi * np.arange(cols)[None, :] / cols
    if offset:
        theta = theta + (np.arange(rows - 1)[:, None] % 2) * np.pi / cols
    ring = np.stack(
        [np.sin(phi) * np.cos(theta), np.sin(phi) * np.sin(theta), np.cos(phi) + 0 * theta], -1
    ).reshape(-1, 3)
    v = np.concatenate([[[0.0, 0.0, 1.0]], ring, [[0.0, 0.0, -1.0]]]) * radius
    n = len(v)
    j = np.arange(cols)
    first, last = 1, 1 + (rows - 2) * cols  # the southernmost ring, the northernmost ring
    north = np.c_[np.zeros(cols, int), last + j, last + (j + 1) % cols]
    south = np.c_[np.full(cols, n - 1), first + (j + 1) % cols, first + j]
    f = np.concatenate([north, _rings(rows - 1, cols, start=1), south])
    return _result(v, f)


# ---- vispy's names: generators returning MeshData --------------------------------------------
def create_sphere(
    rows: int = 10,
    cols: int = 10,
    depth: int | None = None,
    radius: float = 1.0,
    offset: bool = True,
    subdivisions: int = 3,
    method: str = "latitude",
) -> MeshData:
    """vispy's ``create_sphere``: a :class:`~glframe.data.MeshData` sphere about the origin.

    ``method="latitude"`` (rows, cols, offset: :func:`latitude_sphere`) or ``"ico"``
    (subdivisions: :func:`sphere`). vispy's ``"cube"`` method (and ``depth``) is not
    offered: use one of these.
    """
    if method == "latitude":
        return MeshData(*latitude_sphere(rows, cols, radius, offset))
    if method == "ico":
        return MeshData(*sphere(radius, subdivisions))
    raise ValueError(f"create_sphere: method {method!r} is not 'latitude' or 'ico'")


def create_cylinder(
    rows: int,
    cols: int,
    radius: float | tuple[float, float] = (1.0, 1.0),
    length: float = 1.0,
    offset: bool = False,
) -> MeshData:
    """vispy's ``create_cylinder``: an open tube along +z (:func:`cylinder`) as MeshData."""
    return MeshData(*cylinder(rows, cols, radius, length, offset))


def create_cone(cols: int, radius: float = 1.0, length: float = 1.0) -> MeshData:
    """vispy's ``create_cone``: a closed cone along +z (:func:`cone`) as MeshData."""
    return MeshData(*cone(cols, radius, length))


def create_cube(size: float | ArrayLike = 1.0) -> MeshData:
    """A cube of side ``size`` about the origin (:func:`cube`) as MeshData.

    vispy's ``create_cube`` returns ``(vertices, filled, outline)`` for gloo; this one
    returns MeshData (unpacking it raises, saying so): ``md.get_faces()`` are the
    filled triangles, ``md.get_edges()`` include the diagonals.
    """
    return MeshData(*cube(size))


def create_plane(
    width: float = 1.0,
    height: float = 1.0,
    width_segments: int = 1,
    height_segments: int = 1,
    direction: str = "+z",
) -> MeshData:
    """A rectangle (:func:`plane`) as MeshData, with vispy's ``create_plane`` arguments.

    vispy's returns ``(vertices, faces, outline)`` for gloo; this one returns MeshData
    (unpacking it raises, saying so).
    """
    return MeshData(*plane((width, height), (width_segments, height_segments), direction))


def create_box(
    width: float = 1.0,
    height: float = 1.0,
    depth: float = 1.0,
    width_segments: int = 1,
    height_segments: int = 1,
    depth_segments: int = 1,
    planes: Sequence[str] | None = None,
) -> MeshData:
    """vispy's ``create_box``: a box about the origin (:func:`cube`) as MeshData.

    ``width``, ``height`` and ``depth`` along x, y and z (as :class:`Box`), each side
    split into cells; ``planes``: the sides to make, of ``"-x" "+x" "-y" "+y" "-z"
    "+z"`` (None: all). vispy's returns ``(vertices, faces, outline)`` for gloo; this
    one returns MeshData (unpacking it raises, saying so).
    """
    counts = (width_segments, height_segments, depth_segments)
    if any(int(n) != n or n < 1 for n in counts):
        raise ValueError(f"create_box: segments {counts} must be integers >= 1")
    if min(width, height, depth) <= 0:
        raise ValueError(f"create_box: sizes {(width, height, depth)} must be > 0")
    return MeshData(*cube((width, height, depth), divisions=counts, sides=planes))


def create_grid_mesh(xs: ArrayLike, ys: ArrayLike, zs: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """vispy's ``create_grid_mesh``: the vertices and faces of a grid of points.

    ``xs``, ``ys`` and ``zs`` are (R, C) arrays (R, C >= 2): point ``(i, j)`` is
    vertex ``i * C + j``, and each cell is two triangles, counter-clockwise seen from
    +z where x grows along ``j`` and y along ``i``. Returns ``(vertices, faces)``,
    (R * C, 3) float32 and (2 * (R - 1) * (C - 1), 3) uint32, as vispy does
    (``MeshData(*create_grid_mesh(...))`` makes MeshData of it).
    """
    arrays = [np.asarray(a) for a in (xs, ys, zs)]
    shape = arrays[0].shape
    for name, a in zip("xyz", arrays):
        if a.ndim != 2 or a.shape != shape or min(a.shape) < 2:
            raise ValueError(
                f"create_grid_mesh: {name}s has shape {a.shape}; xs, ys and zs must be 2D "
                f"arrays of one shape, at least 2 x 2 (xs has {shape})"
            )
        if a.dtype.kind not in "biuf" or not np.all(np.isfinite(a)):
            raise ValueError(f"create_grid_mesh: {name}s must hold finite real numbers")
    rows, cols = shape
    vertices = np.stack([a.astype(np.float64).ravel() for a in arrays], -1)
    i, j = np.meshgrid(np.arange(rows - 1), np.arange(cols - 1), indexing="ij")
    a = i * cols + j
    b, c, d = a + 1, a + cols + 1, a + cols
    faces = np.stack([np.stack([a, b, c], -1), np.stack([a, c, d], -1)], -2).reshape(-1, 3)
    return _result(vertices, faces)


def create_arrow(
    rows: int,
    cols: int,
    radius: float = 0.1,
    length: float = 1.0,
    cone_radius: float | None = None,
    cone_length: float | None = None,
) -> MeshData:
    """vispy's ``create_arrow``: a shaft and a head along +z, as MeshData.

    The shaft is an open cylinder (:func:`cylinder`) of ``radius`` from z = 0 to
    ``length`` in ``rows`` rings; the head a closed cone (:func:`cone`) of
    ``cone_radius`` (default 1.6 x ``radius``) from z = ``length`` to ``length +
    cone_length`` (default ``length / 3``), as vispy's; ``cols`` vertices around both.
    """
    cone_radius = 1.6 * radius if cone_radius is None else cone_radius
    cone_length = length / 3.0 if cone_length is None else cone_length
    if min(radius, length, cone_radius, cone_length) <= 0:
        raise ValueError(
            f"create_arrow: radius={radius}, length={length}, cone_radius={cone_radius}, "
            f"cone_length={cone_length}; each must be > 0"
        )
    shaft_v, shaft_f = cylinder(rows, cols, radius, length)
    head_v, head_f = cone(cols, cone_radius, cone_length)
    head_v = head_v + np.array([0.0, 0.0, length], np.float32)
    faces = np.concatenate([shaft_f.astype(np.int64), head_f.astype(np.int64) + len(shaft_v)])
    return MeshData(*_result(np.concatenate([shaft_v, head_v]), faces))


def vertex_normals(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Area-weighted unit vertex normals (zero for vertices in no face), float32."""
    v = np.asarray(vertices, np.float64)
    f = np.asarray(faces, np.int64)
    # the cross product's length is twice the face's area: bigger faces weigh more
    face_n = np.cross(v[f[:, 1]] - v[f[:, 0]], v[f[:, 2]] - v[f[:, 0]])
    index = f.ravel()
    normals = np.stack(
        [np.bincount(index, np.repeat(face_n[:, k], 3), minlength=len(v)) for k in range(3)], -1
    )
    length = np.linalg.norm(normals, axis=1, keepdims=True)
    return (normals / np.where(length > 0, length, 1.0)).astype(np.float32)


# ---- the frame a visual is lit in --------------------------------------------------------
def linear_matrix(transform: BaseTransform, around: ArrayLike | None = None) -> np.ndarray:
    """The 4x4 matrix (``M @ p``) of a linear transform; for another, its affine
    approximation at the point ``around`` (by central differences)."""
    if transform.linear:
        # mapping the homogeneous basis vectors gives the matrix's columns
        return transform.map(np.eye(4)).T
    p = np.zeros(3) if around is None else np.asarray(around, np.float64).reshape(3)
    h = 1e-4 * max(1.0, float(np.abs(p).max()))
    m = np.eye(4)
    for k in range(3):
        step = np.zeros(3)
        step[k] = h
        m[:3, k] = (transform.map(p + step) - transform.map(p - step))[:3] / (2 * h)
    m[:3, 3] = transform.map(p)[:3] - m[:3, :3] @ p
    return m


@dataclass
class ShadingFrame:
    """What a lit visual needs of its view, in the visual's scene (see the module docstring).

    Attributes
    ----------
    model
        4x4, the visual's coordinates to the scene's.
    camera
        4x4, scene to clip coordinates.
    eye
        (4,) homogeneous scene coordinates of the eye; w = 0: orthographic, xyz
        points towards the viewer.
    axes
        3x3 whose columns are the camera's right, up and backward (towards the
        viewer) unit vectors in scene coordinates.
    mirrored
        The map from the visual to the window mirrors (front faces are wound
        clockwise on screen).
    """

    model: np.ndarray
    camera: np.ndarray
    eye: np.ndarray
    axes: np.ndarray
    mirrored: bool

    @classmethod
    def of(cls, visual: Visual, view: View, around: ArrayLike | None = None) -> ShadingFrame:
        """The frame of ``visual`` drawn in ``view``; ``around`` is the data centre."""
        transform = view.camera.transform
        if not transform.linear:
            raise TypeError(f"{type(visual).__name__}: the camera's transform is not linear")
        camera = linear_matrix(transform)
        model = linear_matrix(visual.transform_to(view.scene), around)
        inverse = np.linalg.inv(camera)
        eye = inverse @ (0.0, 0.0, -1.0, 0.0)  # the clip-space point at the eye
        if abs(eye[3]) > 1e-12 * np.abs(eye[:3]).max():
            eye = np.r_[eye[:3] / eye[3], 1.0]
        else:
            eye = np.r_[eye[:3] / np.linalg.norm(eye[:3]), 0.0]
        near = inverse @ (0.0, 0.0, -1.0, 1.0)
        far = inverse @ (0.0, 0.0, 1.0, 1.0)
        back = near[:3] / near[3] - far[:3] / far[3]
        right, up = (inverse @ (1.0, 0.0, 0.0, 0.0))[:3], (inverse @ (0.0, 1.0, 0.0, 0.0))[:3]
        axes = np.stack([v / np.linalg.norm(v) for v in (right, up, back)], -1)
        # standard GL cameras have a negative determinant (NDC is left-handed)
        mirrored = bool(np.linalg.det(camera @ model) > 0)
        return cls(model, camera, eye, axes, mirrored)

    @property
    def normal_matrix(self) -> np.ndarray:
        """3x3: normals from the visual's coordinates to the scene's.

        The inverse transpose, up to a positive factor: the cofactor matrix times
        the determinant's sign, which also serves a flattening (singular) transform.
        """
        a, b, c = self.model[:3, :3].T
        cofactor = np.stack([np.cross(b, c), np.cross(c, a), np.cross(a, b)], -1)
        return cofactor * (-1.0 if np.linalg.det(self.model[:3, :3]) < 0 else 1.0)

    def light_direction(self, direction: ArrayLike) -> np.ndarray:
        """A direction given in camera axes (x right, y up, z towards the viewer), in the
        scene, normalized."""
        d = self.axes @ np.asarray(direction, np.float64)
        return d / np.linalg.norm(d)


# ---- lighting parameters -----------------------------------------------------------------
class ShadedMixin:
    """Lighting parameters of Mesh and Spheres: a Blinn-Phong material and a light
    direction in camera axes. Changing one is a uniform update at the next draw."""

    ambient = Prop(
        checks.number(minimum=0),
        "Light everywhere, a fraction of the colour (>= 0).",
        dirty="material",
    )
    diffuse = Prop(
        checks.number(minimum=0),
        "Lambertian light, a fraction of the colour (>= 0).",
        dirty="material",
    )
    specular = Prop(
        checks.number(minimum=0), "Strength of the white highlight (>= 0).", dirty="material"
    )
    shininess = Prop(
        checks.number(above=0),
        "Blinn-Phong exponent (> 0): larger, a smaller spot.",
        dirty="material",
    )
    light_dir = Prop(
        checks.vector(3, nonzero=True),
        "Direction towards the light in camera axes (x right, y up, z towards the viewer).",
    )

    def _material(self) -> list[float]:
        """The material as the lighting GLSL reads it: ambient, diffuse, specular, shininess."""
        return [self._values[k] for k in ("ambient", "diffuse", "specular", "shininess")]

    def _lighting_recipes(self, prefix: str, local: np.ndarray) -> list[dict]:
        """The camera uniforms an exported page recomputes (see Visual._camera_uniforms):
        ``<prefix>_eye`` (the eye mapped by ``local``, 4x4) and ``<prefix>_light_dir``."""
        return [
            {"name": f"{prefix}_eye", "recipe": "eye", "local": local.ravel().tolist()},
            {
                "name": f"{prefix}_light_dir",
                "recipe": "light",
                "direction": [float(v) for v in self.light_dir],
            },
        ]
