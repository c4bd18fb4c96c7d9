"""MeshData: a triangle mesh's vertices, faces and colours, with normals and edges derived.

vispy users build meshes with ``vispy.geometry.MeshData`` and hand it to
``Mesh(meshdata=md)``; this class offers that constructor and the methods
people call, so ported code keeps its shape. It lives in ``glframe.data``
because it is numpy arrays and arithmetic and knows no GL (the layer for
that, next to the OBJ/PLY readers that ``save`` and ``from_file`` use);
``glframe.scene.visuals.geometry`` re-exports it beside the ``create_*``
generators, where vispy users look, and ``Mesh`` takes it whole.

Derived data (face normals, vertex normals, unique edges) is computed on the
first request and cached until the vertices or faces change. Vertex normals
are area-weighted, as ``Mesh`` computes them (vispy averages unit face
normals: the two agree on meshes of even triangles).

``indexed='faces'`` (vispy's meaning) returns per-face data: (M, 3, 3) for
positions and normals, (M, 3, 4) for colours, one row per corner.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._meshio import read_mesh, write_mesh

__all__ = ["MeshData"]

_INDEXED = (None, "faces")
_PLURAL = {"vertex": "vertices", "face": "faces"}


def _check_indexed(indexed: Any, method: str) -> None:
    if indexed not in _INDEXED:
        raise ValueError(f"MeshData.{method}: indexed must be None or 'faces', not {indexed!r}")


class MeshData:
    """A triangle mesh as arrays: vertices, faces, vertex or face colours.

    Parameters
    ----------
    vertices
        (N, 3) positions (or (N, 2), z = 0); or, with ``faces`` None, (M, 3, 3):
        three corners per face (vispy's indexed form), unshared.
    faces
        (M, 3) integer indices into ``vertices``, counter-clockwise seen from the front.
    edges
        (E, 2) vertex index pairs that :meth:`get_edges` returns instead of the
        edges derived from ``faces`` (until the vertices or faces change).
    vertex_colors, face_colors
        (N, 3|4) or (M, 3|4) RGB(A) in [0, 1], or one colour for all; at most
        one of them (setting one clears the other, as ``Mesh`` does).

    Examples
    --------
    >>> import numpy as np
    >>> md = MeshData(np.eye(3), [[0, 1, 2]])
    >>> np.allclose(md.get_face_normals(), [3**-0.5] * 3)  # the unit normal of x + y + z = 1
    True
    >>> md.n_faces, md.get_edges().tolist()
    (1, [[0, 1], [0, 2], [1, 2]])
    """

    def __init__(
        self,
        vertices: ArrayLike | None = None,
        faces: ArrayLike | None = None,
        edges: ArrayLike | None = None,
        vertex_colors: ArrayLike | None = None,
        face_colors: ArrayLike | None = None,
    ) -> None:
        if vertex_colors is not None and face_colors is not None:
            raise ValueError("MeshData: give vertex_colors or face_colors, not both")
        self._vertices = np.zeros((0, 3), np.float32)
        self._faces = np.zeros((0, 3), np.uint32)
        self._vertex_colors: np.ndarray | None = None
        self._face_colors: np.ndarray | None = None
        self._given_normals: np.ndarray | None = None  # read from a file, until a change
        self._cache: dict[str, np.ndarray] = {}
        if vertices is not None:
            v = np.asarray(vertices)
            if faces is None and v.ndim == 3:
                self.set_vertices(v, indexed="faces")
            else:
                self.set_vertices(v)
        if faces is not None:
            self.set_faces(faces)
        if edges is not None:
            self._cache["edges"] = self._as_edges(edges)
        if vertex_colors is not None:
            self.set_vertex_colors(vertex_colors)
        if face_colors is not None:
            self.set_face_colors(face_colors)

    def __repr__(self) -> str:
        return f"<MeshData: {self.n_vertices} vertices, {self.n_faces} faces>"

    def __iter__(self):
        # vispy's create_cube and create_plane return tuples; unpacking this says what to do
        raise TypeError(
            "MeshData is not a tuple: use md.get_vertices(), md.get_faces(), md.get_edges() "
            "(vispy's create_cube/create_plane return (vertices, filled, outline); "
            "glframe's return MeshData, as its create_sphere does)"
        )

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> MeshData:
        """Read an OBJ or PLY file (:func:`~glframe.data.read_mesh`); normals it holds are
        kept as the vertex normals until the vertices or faces change."""
        vertices, faces, normals = read_mesh(path)
        md = cls(vertices, faces)
        md._given_normals = None if normals is None else np.asarray(normals, np.float32)
        return md

    def save(self, path: str | os.PathLike, *, ascii: bool = False) -> None:
        """Write vertices, faces and vertex normals to an OBJ or PLY file (by the suffix,
        :func:`~glframe.data.write_mesh`); colours are not written."""
        if self.is_empty():
            raise ValueError(f"MeshData.save({str(path)!r}): the mesh has no vertices")
        write_mesh(
            path,
            self._vertices,
            self._fitted("save"),
            normals=self.get_vertex_normals(),
            ascii=ascii,
        )

    # ---- counts and bounds ----------------------------------------------------------------
    @property
    def n_vertices(self) -> int:
        """The number of vertices."""
        return len(self._vertices)

    @property
    def n_faces(self) -> int:
        """The number of triangular faces."""
        return len(self._faces)

    def is_empty(self) -> bool:
        """True when the mesh has no vertices."""
        return not len(self._vertices)

    def get_bounds(self) -> list[tuple[float, float]] | None:
        """[(xmin, xmax), (ymin, ymax), (zmin, zmax)] of the vertices, or None if empty."""
        if self.is_empty():
            return None
        lo, hi = self._vertices.min(0), self._vertices.max(0)
        return [(float(a), float(b)) for a, b in zip(lo, hi)]

    # ---- vertices and faces ---------------------------------------------------------------
    def get_vertices(self, indexed: str | None = None) -> np.ndarray:
        """(N, 3) float32 positions, or (M, 3, 3) with ``indexed='faces'``."""
        _check_indexed(indexed, "get_vertices")
        return self._vertices if indexed is None else self._vertices[self._fitted("get_vertices")]

    def set_vertices(self, verts: ArrayLike, indexed: str | None = None) -> None:
        """Replace the positions: (N, 3) or (N, 2); with ``indexed='faces'``, (M, 3, 3)
        corners, which also sets the faces (each corner its own vertex). A new count
        drops the vertex colours; faces that no longer fit are refused where they are
        used with the vertices (set new ones with :meth:`set_faces`)."""
        _check_indexed(indexed, "set_vertices")
        v = np.asarray(verts)
        if v.dtype.kind not in "biuf":
            raise TypeError(f"MeshData.vertices: dtype {v.dtype} is not numeric")
        if indexed == "faces":
            if v.ndim != 3 or v.shape[1:] != (3, 3):
                raise ValueError(
                    f"MeshData.vertices with indexed='faces': shape {v.shape} is not (M, 3, 3)"
                )
            v = v.reshape(-1, 3)
        elif v.ndim != 2 or v.shape[1] not in (2, 3):
            raise ValueError(
                f"MeshData.vertices: shape {v.shape} is not (N, 3) or (N, 2); "
                "for three corners per face give indexed='faces' and (M, 3, 3)"
            )
        if v.shape[1] == 2:
            v = np.c_[v, np.zeros(len(v))]
        if not np.all(np.isfinite(v)):
            raise ValueError("MeshData.vertices: contains NaN or infinity")
        self._vertices = np.ascontiguousarray(v, np.float32)
        if indexed == "faces":
            self._faces = np.arange(len(v), dtype=np.uint32).reshape(-1, 3)
        self._changed()
        if self._vertex_colors is not None and len(self._vertex_colors) != len(v):
            self._vertex_colors = None  # no longer one per vertex (documented above)

    def _fitted(self, what: str) -> np.ndarray:
        """The faces, checked against the vertex count (set_vertices may change it first,
        set_faces after, as in vispy; what needs both together checks here)."""
        f = self._faces
        if len(f) and int(f.max()) >= len(self._vertices):
            raise ValueError(
                f"MeshData.{what}: the faces use vertex {int(f.max())} but there are "
                f"{len(self._vertices)} vertices; give faces that fit with set_faces()"
            )
        return f

    def has_vertex_color(self) -> bool:
        """True when colours per vertex are set."""
        return self._vertex_colors is not None

    def has_face_color(self) -> bool:
        """True when colours per face are set."""
        return self._face_colors is not None

    def get_faces(self) -> np.ndarray:
        """(M, 3) uint32 vertex indices."""
        return self._faces

    def set_faces(self, faces: ArrayLike) -> None:
        """Replace the faces: (M, 3) integer indices, each below :attr:`n_vertices`.
        A new count drops the face colours."""
        f = np.asarray(faces)
        if f.dtype.kind not in "iu" and not (f.size == 0 and f.dtype.kind == "f"):
            raise TypeError(f"MeshData.faces: dtype {f.dtype} is not an integer type")
        if f.ndim != 2 or f.shape[1] != 3:
            raise ValueError(f"MeshData.faces: shape {f.shape} is not (M, 3) (triangles)")
        if len(f) and int(f.min()) < 0:
            raise ValueError(f"MeshData.faces: index {int(f.min())} is negative")
        if len(f) and int(f.max()) >= len(self._vertices):
            raise ValueError(
                f"MeshData.faces: index {int(f.max())} is out of range for "
                f"{len(self._vertices)} vertices (indices must be below the vertex count)"
            )
        self._faces = np.ascontiguousarray(f, np.uint32)
        self._changed()
        if self._face_colors is not None and len(self._face_colors) != len(f):
            self._face_colors = None

    def get_edges(self, indexed: str | None = None) -> np.ndarray:
        """(E, 2) uint32 unique edges (low index first, sorted); with ``indexed='faces'``,
        (3M, 2): each face's three edges in order, shared ones repeated."""
        _check_indexed(indexed, "get_edges")
        per_face = self._faces[:, [0, 1, 1, 2, 2, 0]].reshape(-1, 2)
        if indexed == "faces":
            return per_face
        if "edges" not in self._cache:
            # one uint64 key per edge (low << 32 | high), sorted, repeats dropped: for 1.3M
            # faces 0.5 s here, where np.unique took 3.1 s on rows and 2.1 s on the keys
            a, b = per_face[:, 0].astype(np.uint64), per_face[:, 1].astype(np.uint64)
            keys = (np.minimum(a, b) << np.uint64(32)) | np.maximum(a, b)
            keys.sort()
            first = np.ones(len(keys), bool)
            first[1:] = keys[1:] != keys[:-1]
            keys = keys[first]
            edges = np.stack([keys >> np.uint64(32), keys & np.uint64(0xFFFFFFFF)], -1)
            self._cache["edges"] = edges.astype(np.uint32).reshape(-1, 2)
        return self._cache["edges"]

    def _as_edges(self, edges: ArrayLike) -> np.ndarray:
        e = np.asarray(edges)
        if e.dtype.kind not in "iu" or e.ndim != 2 or e.shape[1] != 2:
            raise ValueError(f"MeshData.edges: shape {e.shape} ({e.dtype}) is not (E, 2) integers")
        if len(e) and (int(e.min()) < 0 or int(e.max()) >= self.n_vertices):
            raise ValueError(
                f"MeshData.edges: indices {int(e.min())}..{int(e.max())} are out of range "
                f"for {self.n_vertices} vertices"
            )
        return np.ascontiguousarray(e, np.uint32)

    # ---- normals --------------------------------------------------------------------------
    def _cross(self) -> np.ndarray:
        """(M, 3) float64 cross products of each face's edges: twice its area, outwards."""
        if "cross" not in self._cache:
            v = self._vertices.astype(np.float64)
            f = self._fitted("normals").astype(np.int64)
            self._cache["cross"] = np.cross(v[f[:, 1]] - v[f[:, 0]], v[f[:, 2]] - v[f[:, 0]])
        return self._cache["cross"]

    def get_face_normals(self, indexed: str | None = None) -> np.ndarray:
        """(M, 3) float32 unit face normals (by the right-hand rule; zero for a degenerate
        face), or (M, 3, 3) with ``indexed='faces'`` (each corner its face's normal)."""
        _check_indexed(indexed, "get_face_normals")
        if "face_normals" not in self._cache:
            c = self._cross()
            length = np.linalg.norm(c, axis=1, keepdims=True)
            self._cache["face_normals"] = (c / np.where(length > 0, length, 1.0)).astype(np.float32)
        n = self._cache["face_normals"]
        return n if indexed is None else np.repeat(n[:, None], 3, axis=1)

    def get_vertex_normals(self, indexed: str | None = None) -> np.ndarray:
        """(N, 3) float32 area-weighted unit vertex normals (zero for a vertex in no face),
        or (M, 3, 3) with ``indexed='faces'``."""
        _check_indexed(indexed, "get_vertex_normals")
        if self._given_normals is not None:
            n = self._given_normals
        elif "vertex_normals" in self._cache:
            n = self._cache["vertex_normals"]
        else:
            c, index = self._cross(), self._faces.ravel().astype(np.int64)
            count = len(self._vertices)
            s = np.stack(
                [np.bincount(index, np.repeat(c[:, k], 3), minlength=count) for k in range(3)],
                -1,
            )
            length = np.linalg.norm(s, axis=1, keepdims=True)
            n = (s / np.where(length > 0, length, 1.0)).astype(np.float32)
            self._cache["vertex_normals"] = n
        return n if indexed is None else n[self._fitted("get_vertex_normals")]

    def _changed(self) -> None:
        self._cache.clear()
        self._given_normals = None

    # ---- colours --------------------------------------------------------------------------
    def get_vertex_colors(self, indexed: str | None = None) -> np.ndarray | None:
        """(N, 4) float32 RGBA per vertex (or (M, 3, 4) with ``indexed='faces'``), or None."""
        _check_indexed(indexed, "get_vertex_colors")
        c = self._vertex_colors
        return c if c is None or indexed is None else c[self._fitted("get_vertex_colors")]

    def set_vertex_colors(self, colors: ArrayLike | None, indexed: str | None = None) -> None:
        """Colours per vertex: (N, 3|4) in [0, 1], one colour for all, or (M, 3, 3|4)
        per face corner with ``indexed='faces'`` (faces must not share those vertices
        with other colours). None clears them; setting them clears face colours."""
        _check_indexed(indexed, "set_vertex_colors")
        if colors is None:
            self._vertex_colors = None
            return
        if indexed == "faces":
            c = np.asarray(colors)
            if c.ndim != 3 or c.shape[:2] != (self.n_faces, 3):
                raise ValueError(
                    f"MeshData.vertex_colors with indexed='faces': shape {c.shape} is not "
                    f"({self.n_faces}, 3, 3|4)"
                )
            rgba = _as_rgba(c.reshape(-1, c.shape[2]), 3 * self.n_faces, "vertex_colors")
            out = np.zeros((self.n_vertices, 4), np.float32)
            out[self._fitted("vertex_colors").ravel()] = rgba
            self._vertex_colors = out
        else:
            self._vertex_colors = _as_rgba(colors, self.n_vertices, "vertex_colors")
        self._face_colors = None

    def get_face_colors(self, indexed: str | None = None) -> np.ndarray | None:
        """(M, 4) float32 RGBA per face (or (M, 3, 4) with ``indexed='faces'``), or None."""
        _check_indexed(indexed, "get_face_colors")
        c = self._face_colors
        return c if c is None or indexed is None else np.repeat(c[:, None], 3, axis=1)

    def set_face_colors(self, colors: ArrayLike | None, indexed: str | None = None) -> None:
        """Colours per face: (M, 3|4) in [0, 1] or one colour for all. None clears them;
        setting them clears vertex colours."""
        _check_indexed(indexed, "set_face_colors")
        if colors is None:
            self._face_colors = None
            return
        self._face_colors = _as_rgba(colors, self.n_faces, "face_colors")
        self._vertex_colors = None


def _as_rgba(colors: Any, n: int, what: str) -> np.ndarray:
    """(n, 4) float32 from (n, 3|4) or (3|4,) numbers in [0, 1]; refuses anything else."""
    if isinstance(colors, str):
        raise TypeError(
            f"MeshData.{what}: {colors!r} is a name; give RGB(A) numbers in [0, 1] "
            "(or give the name to Mesh(color=...))"
        )
    c = np.asarray(colors)
    if c.dtype.kind not in "biuf":
        raise TypeError(f"MeshData.{what}: dtype {c.dtype} is not numeric")
    if c.ndim == 1 and c.shape[0] in (3, 4):
        c = np.broadcast_to(c, (n, c.shape[0]))
    if c.ndim != 2 or c.shape[1] not in (3, 4):
        raise ValueError(f"MeshData.{what}: shape {c.shape} is not ({n}, 3|4)")
    if len(c) != n:
        unit = "vertex" if what.startswith("vertex") else "face"
        raise ValueError(
            f"MeshData.{what}: {len(c)} colours for {n} {_PLURAL[unit]}; give one per {unit}"
        )
    if not np.all(np.isfinite(c)) or c.size and (c.min() < 0 or c.max() > 1):
        bad = c[~((c >= 0) & (c <= 1))].ravel()[0]
        raise ValueError(
            f"MeshData.{what}: value {bad} is outside [0, 1]; colours are fractions "
            "(divide 0-255 bytes by 255)"
        )
    if c.shape[1] == 3:
        c = np.c_[c, np.ones(len(c))]
    return np.ascontiguousarray(c, np.float32)
