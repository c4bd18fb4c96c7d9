"""Mesh and image files: read and write Wavefront OBJ and PLY meshes; read images.

These readers live in ``glframe.data`` because they turn files into numpy
arrays and know nothing of GL, which is what this layer is for (as the
OME-Zarr and HDF5 readers next to them); ``Mesh`` and ``Image`` in
``glframe.scene`` take what they return as it is.

:func:`read_mesh` reads

- **OBJ**: ``v`` (extra values after x y z, such as w or a colour, are
  ignored), ``vn``, ``vt`` and ``f`` with the ``v``, ``v/vt``, ``v//vn`` and
  ``v/vt/vn`` forms and negative (relative) indices; a polygon of k corners
  becomes k - 2 triangles, a fan around its first corner (right for convex
  polygons, as OBJ exporters write them). Every other statement (``o``, ``g``,
  ``s``, ``usemtl``, ``l``...) is skipped. Normals are returned when every face
  gives them; a vertex given different normals by different faces (a hard
  edge) is split into one vertex per normal.
- **PLY** (``ascii``, ``binary_little_endian``, ``binary_big_endian``): the
  ``vertex`` element's ``x y z``, its ``nx ny nz`` when present (other
  properties, such as ``red green blue``, are read past), and the ``face``
  element's ``vertex_indices`` (or ``vertex_index``) lists, fans as above.
  Other elements are read past.

Files are untrusted input: anything malformed raises :class:`MeshFileError`
(a ``ValueError``) naming the file, the line (OBJ, ASCII PLY) or the element
(binary PLY) and the rule broken: an index out of range, a face of fewer than
3 corners, a count that disagrees with the data, a truncated binary body, a
non-finite coordinate. Nothing is guessed.

:func:`write_mesh` writes OBJ or PLY (binary little-endian, or ASCII) by the
file's suffix; :func:`read_image` reads an image through imageio and returns
an array that ``Image`` takes. Limits: texture coordinates and materials are
not returned; OBJ lines continued with a backslash are not joined.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["MeshFileError", "read_mesh", "write_mesh", "read_image"]

_PLY_TYPES = {
    "char": "i1", "int8": "i1", "uchar": "u1", "uint8": "u1",
    "short": "i2", "int16": "i2", "ushort": "u2", "uint16": "u2",
    "int": "i4", "int32": "i4", "uint": "u4", "uint32": "u4",
    "float": "f4", "float32": "f4", "double": "f8", "float64": "f8",
}  # fmt: skip
_PLY_FORMATS = {"ascii": None, "binary_little_endian": "<", "binary_big_endian": ">"}
_PLURALS = {"vertex": "vertices", "normal": "normals", "texture coordinate": "texture coordinates"}
_MAX_CORNERS = 1 << 16  # a face with more corners than this is taken for a corrupt count


class MeshFileError(ValueError):
    """A mesh file breaks a rule of its format (the message names the file and where)."""


def _fail(path: Path, where: str, rule: str) -> MeshFileError:
    return MeshFileError(f"{path}: {where}: {rule}" if where else f"{path}: {rule}")


def _suffix(path: Path, what: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".obj", ".ply"):
        raise ValueError(
            f"{what}({str(path)!r}): unknown mesh format {path.suffix!r}; "
            "name the file *.obj (Wavefront OBJ) or *.ply (PLY)"
        )
    return suffix


def read_mesh(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Read a triangle mesh from a Wavefront OBJ or PLY file (by its suffix).

    Parameters
    ----------
    path
        A ``*.obj`` or ``*.ply`` file.

    Returns
    -------
    vertices : (N, 3) float32
    faces : (M, 3) uint32
        Indices into ``vertices``; polygons are split into triangle fans.
    normals : (N, 3) float32 or None
        One normal per vertex, where the file gives them for every vertex.

    Raises
    ------
    MeshFileError
        The file breaks a rule of its format (the message says where and which).

    Examples
    --------
    >>> from glframe.data import read_mesh  # doctest: +SKIP
    >>> vertices, faces, normals = read_mesh("bunny.obj")  # doctest: +SKIP
    >>> Mesh(vertices, faces, parent=view.scene)  # doctest: +SKIP
    """
    path = Path(path)
    suffix = _suffix(path, "read_mesh")
    data = path.read_bytes()
    if suffix == ".obj":
        return _read_obj(path, data)
    return _read_ply(path, data)


# ---- OBJ ----------------------------------------------------------------------------------


def _floats(path: Path, lineno: int, tokens: list[str], keyword: str) -> list[float]:
    if len(tokens) < 3:
        raise _fail(path, f"line {lineno}", f"'{keyword}' needs 3 numbers, found {len(tokens)}")
    try:
        values = [float(t) for t in tokens[:3]]
    except ValueError:
        raise _fail(
            path, f"line {lineno}", f"'{keyword}' values must be numbers, not {' '.join(tokens)!r}"
        ) from None
    if not all(np.isfinite(values)):
        raise _fail(path, f"line {lineno}", f"'{keyword}' values must be finite, not {values}")
    return values


def _obj_index(path: Path, lineno: int, token: str, count: int, what: str) -> int:
    """A 0-based index from a 1-based (or negative, relative) OBJ index."""
    try:
        i = int(token)
    except ValueError:
        raise _fail(path, f"line {lineno}", f"{what} index {token!r} is not an integer") from None
    if i == 0:
        raise _fail(path, f"line {lineno}", f"{what} index 0: OBJ indices start at 1")
    k = i - 1 if i > 0 else count + i
    if not 0 <= k < count:
        raise _fail(
            path,
            f"line {lineno}",
            f"{what} index {i} is out of range: {count} "
            f"{what + ' is' if count == 1 else _PLURALS[what] + ' are'} defined before this line",
        )
    return k


def _read_obj(path: Path, data: bytes):
    vertices: list[list[float]] = []
    normals: list[list[float]] = []
    n_texcoords = 0
    corners: list[tuple[int, int]] = []  # (vertex, normal or -1), three per triangle
    for lineno, raw in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        tokens = raw.split("#", 1)[0].split()
        if not tokens:
            continue
        keyword, args = tokens[0], tokens[1:]
        if keyword == "v":
            vertices.append(_floats(path, lineno, args, "v"))
        elif keyword == "vn":
            normals.append(_floats(path, lineno, args, "vn"))
        elif keyword == "vt":
            n_texcoords += 1
        elif keyword == "f":
            if len(args) < 3:
                raise _fail(
                    path, f"line {lineno}", f"a face needs at least 3 corners, found {len(args)}"
                )
            polygon = []
            for token in args:
                parts = token.split("/")
                if len(parts) > 3 or parts[0] == "":
                    raise _fail(
                        path,
                        f"line {lineno}",
                        f"face corner {token!r} is not v, v/vt, v//vn or v/vt/vn",
                    )
                v = _obj_index(path, lineno, parts[0], len(vertices), "vertex")
                if len(parts) > 1 and parts[1]:
                    _obj_index(path, lineno, parts[1], n_texcoords, "texture coordinate")
                n = -1
                if len(parts) == 3 and parts[2]:
                    n = _obj_index(path, lineno, parts[2], len(normals), "normal")
                polygon.append((v, n))
            for a, b in zip(polygon[1:-1], polygon[2:]):  # a fan around the first corner
                corners.extend((polygon[0], a, b))
    if not vertices:
        raise _fail(path, "", "no vertices ('v' lines): is this an OBJ file?")
    verts = np.asarray(vertices, np.float32)
    if not corners:
        return verts, np.zeros((0, 3), np.uint32), None
    pairs = np.asarray(corners, np.int64)
    if (pairs[:, 1] < 0).any():  # some corners without normals: none returned
        return verts, pairs[:, 0].reshape(-1, 3).astype(np.uint32), None
    # one vertex per distinct (vertex, normal) pair; most files have one normal per vertex
    unique, inverse = np.unique(pairs, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    if len(unique) == len(np.unique(pairs[:, 0])) and len(unique) == len(verts):
        out_normals = np.zeros_like(verts)
        out_normals[unique[:, 0]] = np.asarray(normals, np.float32)[unique[:, 1]]
        return verts, pairs[:, 0].reshape(-1, 3).astype(np.uint32), out_normals
    return (
        verts[unique[:, 0]],
        inverse.reshape(-1, 3).astype(np.uint32),
        np.asarray(normals, np.float32)[unique[:, 1]],
    )


# ---- PLY ----------------------------------------------------------------------------------


class _Element:
    def __init__(self, name: str, count: int):
        self.name, self.count = name, count
        self.properties: list[tuple[str, str, str | None]] = []  # (name, type, list count type)


def _ply_header(path: Path, data: bytes):
    end = re.search(rb"end_header[ \t]*\r?\n", data)
    if not data.startswith(b"ply") or data[3:4] not in (b"\n", b"\r"):
        raise _fail(path, "line 1", "a PLY file starts with the line 'ply'")
    if end is None:
        raise _fail(path, "header", "no 'end_header' line")
    lines = data[: end.start()].decode("ascii", "replace").splitlines()
    fmt, elements = None, []
    for lineno, line in enumerate(lines[1:], 2):
        tokens = line.split()
        if not tokens or tokens[0] in ("comment", "obj_info"):
            continue
        where = f"line {lineno}"
        if tokens[0] == "format":
            if len(tokens) != 3 or tokens[1] not in _PLY_FORMATS:
                raise _fail(
                    path, where, f"format must be one of {list(_PLY_FORMATS)}, not {line!r}"
                )
            fmt = tokens[1]
        elif tokens[0] == "element":
            if len(tokens) != 3 or not tokens[2].isdigit():
                raise _fail(path, where, f"'element NAME COUNT' needs a count >= 0, not {line!r}")
            elements.append(_Element(tokens[1], int(tokens[2])))
        elif tokens[0] == "property":
            if not elements:
                raise _fail(path, where, "a property before any element")
            if tokens[1:2] == ["list"]:
                ok = len(tokens) == 5 and tokens[2] in _PLY_TYPES and tokens[3] in _PLY_TYPES
                if not ok or _PLY_TYPES[tokens[2]][0] == "f":
                    raise _fail(
                        path, where, f"'property list COUNT_TYPE ITEM_TYPE NAME' "
                        f"with integer COUNT_TYPE, not {line!r}; types: {sorted(_PLY_TYPES)}"
                    )  # fmt: skip
                elements[-1].properties.append((tokens[4], tokens[3], tokens[2]))
            else:
                if len(tokens) != 3 or tokens[1] not in _PLY_TYPES:
                    raise _fail(
                        path, where,
                        f"'property TYPE NAME' with a type of {sorted(_PLY_TYPES)}, not {line!r}",
                    )  # fmt: skip
                elements[-1].properties.append((tokens[2], tokens[1], None))
        else:
            raise _fail(path, where, f"unknown header line {line!r}")
    if fmt is None:
        raise _fail(path, "header", "no 'format' line")
    return fmt, elements, end.end(), len(lines) + 1


def _read_ply(path: Path, data: bytes):
    fmt, elements, offset, header_lines = _ply_header(path, data)
    by_name = {e.name: e for e in elements}
    vertex = by_name.get("vertex")
    if vertex is None:
        raise _fail(path, "header", "no 'vertex' element")
    names = [p[0] for p in vertex.properties]
    for axis in "xyz":
        if axis not in names:
            raise _fail(path, "element 'vertex'", f"no property {axis!r}")
    for name, _, list_type in vertex.properties:
        if list_type is not None:
            raise _fail(path, "element 'vertex'", f"list property {name!r} is not supported")
    has_normals = all(n in names for n in ("nx", "ny", "nz"))
    face = by_name.get("face")
    face_list = None
    if face is not None:
        lists = [p[0] for p in face.properties if p[2] is not None]
        face_list = next((n for n in ("vertex_indices", "vertex_index") if n in lists), None)
        if face_list is None:
            raise _fail(path, "element 'face'", "no list property 'vertex_indices'")
        kind = next(p[1] for p in face.properties if p[0] == face_list)
        if _PLY_TYPES[kind][0] == "f":
            raise _fail(
                path, "element 'face'", f"{face_list!r} holds {kind}s; indices are integers"
            )
    if fmt == "ascii":
        values = _ply_ascii(path, data[offset:], elements, header_lines)
    else:
        values = _ply_binary(path, data, offset, elements, _PLY_FORMATS[fmt])
    v = values["vertex"]
    vertices = np.stack([v["x"], v["y"], v["z"]], axis=1).astype(np.float32)
    normals = None
    if has_normals:
        normals = np.stack([v["nx"], v["ny"], v["nz"]], axis=1).astype(np.float32)
    bad = ~np.isfinite(vertices).all(axis=1)
    if normals is not None:
        bad |= ~np.isfinite(normals).all(axis=1)
    if bad.any():
        raise _fail(
            path, f"element 'vertex' {int(np.argmax(bad))}", "coordinates must be finite numbers"
        )
    faces = np.zeros((0, 3), np.uint32)
    if face is not None:
        faces = _fans(path, values["face"][face_list], len(vertices))
    return vertices, faces, normals


def _fans(path: Path, polygons: list[np.ndarray] | np.ndarray, n_vertices: int) -> np.ndarray:
    """Triangle fans of the faces (a list of index arrays, or one (M, k) array), checked."""
    if isinstance(polygons, np.ndarray):  # all faces of k corners
        lengths = np.full(len(polygons), polygons.shape[1] if polygons.ndim == 2 else 0)
        flat = polygons.reshape(-1).astype(np.int64)
    else:
        lengths = np.array([len(p) for p in polygons], np.int64)
        flat = np.concatenate([*polygons, np.zeros(0)]).astype(np.int64)
    if not len(lengths):
        return np.zeros((0, 3), np.uint32)
    if lengths.min() < 3:
        i = int(np.argmax(lengths < 3))
        raise _fail(
            path, f"element 'face' {i}", f"a face needs at least 3 corners, found {lengths[i]}"
        )
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    out = (flat < 0) | (flat >= n_vertices)
    if out.any():
        k = int(np.argmax(out))
        raise _fail(
            path,
            f"element 'face' {int(np.searchsorted(starts, k, 'right')) - 1}",
            f"vertex index {int(flat[k])} is out of range: "
            f"the file has {n_vertices} vertices (0 to {n_vertices - 1})",
        )
    n_triangles = lengths - 2
    first = np.repeat(starts, n_triangles)  # each triangle's polygon's first corner
    j = np.arange(len(first)) - np.repeat(np.cumsum(n_triangles) - n_triangles, n_triangles)
    return np.stack([flat[first], flat[first + j + 1], flat[first + j + 2]], 1).astype(np.uint32)


def _ply_ascii(path: Path, body: bytes, elements: list[_Element], first_line: int):
    lines = body.decode("ascii", "replace").splitlines()
    values, row = {}, 0
    for element in elements:
        records = []
        for k in range(element.count):
            while row < len(lines) and not lines[row].strip():
                row += 1
            where = f"line {first_line + row + 1} (element {element.name!r} {k})"
            if row >= len(lines):
                raise _fail(
                    path,
                    f"element {element.name!r} {k}",
                    f"the file ends after {k} of the {element.count} declared",
                )
            tokens, row = lines[row].split(), row + 1
            record, t = {}, 0
            try:
                for name, kind, list_type in element.properties:
                    if list_type is None:
                        is_float = _PLY_TYPES[kind][0] == "f"
                        record[name] = float(tokens[t]) if is_float else int(tokens[t])
                        t += 1
                    else:
                        n = int(tokens[t])
                        if not 0 <= n <= _MAX_CORNERS:
                            raise _fail(path, where, f"list count {n} of {name!r} is not in "
                                        f"0..{_MAX_CORNERS}")  # fmt: skip
                        record[name] = np.array([int(x) for x in tokens[t + 1 : t + 1 + n]])
                        if len(record[name]) != n:
                            raise IndexError
                        t += 1 + n
            except (IndexError, ValueError) as exc:
                if isinstance(exc, MeshFileError):
                    raise
                raise _fail(
                    path, where, f"values do not match the properties declared: {lines[row - 1]!r}"
                ) from None
            if t != len(tokens):
                raise _fail(path, where, f"{len(tokens)} values where the properties declare {t}")
            records.append(record)
        values[element.name] = _columns(element, records)
    return values


def _columns(element: _Element, records: list[dict]) -> dict:
    out = {}
    for name, _, list_type in element.properties:
        column = [r[name] for r in records]
        # ASCII values as float64: any int or float type fits, none wraps around
        out[name] = column if list_type is not None else np.asarray(column, np.float64)
    return out


def _ply_binary(path: Path, data: bytes, offset: int, elements: list[_Element], order: str):
    values = {}
    for element in elements:
        if all(p[2] is None for p in element.properties):  # fixed-size records: one read
            dtype = np.dtype([(n, order + _PLY_TYPES[t]) for n, t, _ in element.properties])
            need = dtype.itemsize * element.count
            if offset + need > len(data):
                raise _fail(
                    path,
                    f"element {element.name!r}",
                    f"truncated: {element.count} records of {dtype.itemsize} bytes need "
                    f"{need} bytes from byte {offset}, the file has {len(data) - offset}",
                )
            table = np.frombuffer(data, dtype, element.count, offset)
            values[element.name] = {n: table[n] for n in dtype.names}
            offset += need
            continue
        table = _uniform_lists(data, offset, element, order)
        if table is not None:  # every list of one length (all triangles, say): one read
            values[element.name] = {n: table[n] for n in table.dtype.names if n != "_count"}
            offset += table.nbytes
            continue
        records, view = [], memoryview(data)
        for k in range(element.count):
            record = {}
            for name, kind, list_type in element.properties:
                count_dtype = None if list_type is None else np.dtype(order + _PLY_TYPES[list_type])
                n = 1
                if count_dtype is not None:
                    if offset + count_dtype.itemsize > len(data):
                        raise _truncated(path, element, k, offset, len(data))
                    n = int(np.frombuffer(view, count_dtype, 1, offset)[0])
                    offset += count_dtype.itemsize
                    if not 0 <= n <= _MAX_CORNERS:
                        raise _fail(
                            path, f"element {element.name!r} {k}",
                            f"list count {n} of {name!r} is not in 0..{_MAX_CORNERS}",
                        )  # fmt: skip
                item = np.dtype(order + _PLY_TYPES[kind])
                if offset + n * item.itemsize > len(data):
                    raise _truncated(path, element, k, offset, len(data))
                items = np.frombuffer(view, item, n, offset)
                offset += n * item.itemsize
                record[name] = items if count_dtype is not None else items[0]
            records.append(record)
        values[element.name] = _columns(element, records)
    return values


def _uniform_lists(data: bytes, offset: int, element: _Element, order: str):
    """The element's records as one structured array, where it has one list property
    and every list has the first record's length (the usual all-triangles face
    element); else None (then records are read one by one, and any error named)."""
    if sum(p[2] is not None for p in element.properties) != 1:
        return None
    fields, at = [], offset
    for name, kind, list_type in element.properties:
        item = np.dtype(order + _PLY_TYPES[kind])
        if list_type is None:
            fields.append((name, item))
            at += item.itemsize
            continue
        count = np.dtype(order + _PLY_TYPES[list_type])
        if at + count.itemsize > len(data):
            return None
        n = int(np.frombuffer(data, count, 1, at)[0])
        if not 0 < n <= _MAX_CORNERS or name == "_count":
            return None
        fields += [("_count", count), (name, item, (n,))]
        at += count.itemsize + n * item.itemsize
    dtype = np.dtype(fields)
    if offset + dtype.itemsize * element.count > len(data):
        return None
    table = np.frombuffer(data, dtype, element.count, offset)
    return table if (table["_count"] == table["_count"][:1]).all() else None


def _truncated(path: Path, element: _Element, k: int, offset: int, size: int) -> MeshFileError:
    return _fail(
        path,
        f"element {element.name!r} {k}",
        f"truncated: the file ends at byte {size}, inside record {k} of {element.count} "
        f"(at byte {offset})",
    )


# ---- writing ------------------------------------------------------------------------------


def write_mesh(
    path: str | os.PathLike,
    vertices: ArrayLike,
    faces: ArrayLike,
    *,
    normals: ArrayLike | None = None,
    ascii: bool = False,
) -> None:
    """Write a triangle mesh as Wavefront OBJ or PLY (by the file's suffix).

    Parameters
    ----------
    path
        A ``*.obj`` or ``*.ply`` file (overwritten).
    vertices : (N, 3) array
    faces : (M, 3) integer array of indices into ``vertices``
    normals : (N, 3) array, optional
        One normal per vertex (``vn`` lines; ``nx ny nz`` properties).
    ascii
        PLY only: write ``format ascii`` instead of ``binary_little_endian``.

    Examples
    --------
    >>> from glframe.scene.visuals import geometry  # doctest: +SKIP
    >>> write_mesh("torus.ply", *geometry.torus())  # doctest: +SKIP
    """
    path = Path(path)
    suffix = _suffix(path, "write_mesh")
    v = np.asarray(vertices, np.float64)
    if v.ndim != 2 or v.shape[1] != 3 or not np.isfinite(v).all():
        raise ValueError(f"write_mesh: vertices must be finite (N, 3), not shape {v.shape}")
    f = np.asarray(faces)
    if f.ndim != 2 or f.shape[1] != 3 or (f.size and f.dtype.kind not in "iu"):
        raise ValueError(
            f"write_mesh: faces must be an (M, 3) integer array, not {f.dtype} {f.shape}"
        )
    f = f.astype(np.int64)
    if f.size and (f.min() < 0 or f.max() >= len(v)):
        raise ValueError(
            f"write_mesh: face indices must be in 0..{len(v) - 1} (one per vertex), "
            f"found {int(f.min())}..{int(f.max())}"
        )
    n = None
    if normals is not None:
        n = np.asarray(normals, np.float64)
        if n.shape != v.shape or not np.isfinite(n).all():
            raise ValueError(f"write_mesh: normals must be finite {v.shape}, not {n.shape}")
    if suffix == ".obj":
        _write_obj(path, v, f, n)
    else:
        _write_ply(path, v, f, n, ascii)


def _write_obj(path: Path, v: np.ndarray, f: np.ndarray, n: np.ndarray | None) -> None:
    # repr-exact floats: float32 data read back is bit-identical
    lines = ["# written by glframe.data.write_mesh"]
    lines += [f"v {x!r} {y!r} {z!r}" for x, y, z in v.tolist()]
    if n is None:
        lines += [f"f {a} {b} {c}" for a, b, c in (f + 1).tolist()]
    else:
        lines += [f"vn {x!r} {y!r} {z!r}" for x, y, z in n.tolist()]
        lines += [f"f {a}//{a} {b}//{b} {c}//{c}" for a, b, c in (f + 1).tolist()]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")


def _write_ply(path: Path, v: np.ndarray, f: np.ndarray, n: np.ndarray | None, ascii: bool):
    fields = ["x", "y", "z"] + (["nx", "ny", "nz"] if n is not None else [])
    header = ["ply", "format " + ("ascii" if ascii else "binary_little_endian") + " 1.0",
              "comment written by glframe.data.write_mesh", f"element vertex {len(v)}"]  # fmt: skip
    header += [f"property float {name}" for name in fields]
    header += [f"element face {len(f)}", "property list uchar uint vertex_indices", "end_header"]
    columns = v if n is None else np.concatenate([v, n], axis=1)
    with open(path, "wb") as out:
        out.write(("\n".join(header) + "\n").encode("ascii"))
        if ascii:
            rows = [" ".join(repr(x) for x in r) for r in columns.astype(np.float32).tolist()]
            rows += [f"3 {a} {b} {c}" for a, b, c in f.tolist()]
            out.write(("\n".join(rows) + "\n").encode("ascii"))
            return
        out.write(columns.astype("<f4").tobytes())
        records = np.zeros(len(f), [("n", "u1"), ("i", "<u4", 3)])
        records["n"], records["i"] = 3, f
        out.write(records.tobytes())


# ---- images -------------------------------------------------------------------------------


def read_image(path: str | os.PathLike) -> np.ndarray:
    """Read an image file through imageio, as an array that ``Image`` takes.

    Returns (H, W) for grey images (any dtype, as stored: use ``clim`` for 16 bit),
    (H, W, 3) or (H, W, 4) uint8 for colour; colour images of more than 8 bits
    become float32 in [0, 1]; grey with alpha becomes RGBA. For a multi-frame file
    (GIF, TIFF stack) the first frame is returned.

    Examples
    --------
    >>> Image(read_image("photo.png"), parent=view.scene)  # doctest: +SKIP
    """
    import imageio.v3 as iio

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"read_image: no file {str(path)!r}")
    try:
        image = np.asarray(iio.imread(path, index=0))
    except Exception as exc:  # imageio raises many types; say which file and why
        raise ValueError(f"read_image({str(path)!r}): imageio cannot read it: {exc}") from exc
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[..., 0]
    if image.ndim == 3 and image.shape[2] == 2:  # grey + alpha
        image = image[..., [0, 0, 0, 1]]
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (3, 4)):
        raise ValueError(
            f"read_image({str(path)!r}): shape {image.shape} is not an image of "
            "(H, W), (H, W, 3) or (H, W, 4)"
        )
    if image.dtype.kind not in "biuf":
        raise ValueError(f"read_image({str(path)!r}): pixel type {image.dtype} is not a number")
    if image.ndim == 3 and image.dtype != np.uint8:
        if image.dtype.kind in "iu":
            image = image.astype(np.float32) / np.iinfo(image.dtype).max
        image = np.clip(image, 0, 1).astype(np.float32)
    return np.ascontiguousarray(image)
