"""Sources on disk: open OME-Zarr, zarr and HDF5 pyramids, and write OME-Zarr pyramids.

:func:`open_multiscale` turns what is on disk (or already in memory) into a
:class:`~glframe.data.Multiscale`:

- an OME-Zarr group (OME-NGFF 0.4 on zarr format 2, or 0.5 on zarr format 3):
  levels from ``multiscales[0].datasets[].path``, placement from their
  ``coordinateTransformations`` (scale, translation), spatial axes from ``axes``;
- a plain zarr group of arrays ``"0"``, ``"1"``, ... (each 2x coarser);
- an HDF5 file or group (``"file.h5"`` or ``"file.h5/group"``) of datasets
  ``"0"``, ``"1"``, ... (each 2x coarser);
- one array, or a list of arrays, finest first (numpy, dask, zarr, h5py).

:func:`build_pyramid` writes an OME-NGFF 0.4 pyramid on zarr format 2 (the
format most readers understand) from a numpy or dask array, chunk by chunk.

Limits: only the first entry of ``multiscales`` is read; the multiscale-wide
``coordinateTransformations`` are ignored (they move every level alike, so they
do not change placement relative to level 0); transformations stored in files
(``"path"`` instead of values) are refused; units are not converted (the levels
are placed relative to level 0 only). zarr, h5py and dask are imported only
when needed (``pip install glframe[data]``).
"""

from __future__ import annotations

import importlib
import itertools
import math
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._multiscale import Multiscale

__all__ = ["build_pyramid", "open_multiscale"]

_INSTALL = "pip install glframe[data]"
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_AXIS_TYPES_BY_NAME = {"x": "space", "y": "space", "z": "space", "t": "time", "c": "channel"}


def _require(module: str, what: str):
    """Import ``module`` or say which extra provides it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"glframe.data: {what} needs {module}: {_INSTALL}") from exc


def _is_array(obj: Any) -> bool:
    return hasattr(obj, "shape") and hasattr(obj, "dtype") and hasattr(obj, "__getitem__")


def _module_of(obj: Any) -> str:
    return type(obj).__module__.split(".")[0]


# ---------------------------------------------------------------------------- reading


def open_multiscale(
    path_or_store: Any, *, name: str | None = None, spatial_ndim: int | None = None
) -> Multiscale:
    """Open a multiscale image or volume from disk or from arrays.

    Parameters
    ----------
    path_or_store
        A path (``str`` or ``os.PathLike``) to a zarr group or array or to an
        HDF5 file, optionally followed by a group inside it
        (``"scan.h5/pyramid"``); a zarr store, group or array; an h5py file,
        group or dataset; one array or a list of arrays, finest first.
    name
        A label for messages (default: the path, or ``"Multiscale"``).
    spatial_ndim
        How many trailing axes are spatial (2 or 3). OME-Zarr says so in its
        ``axes`` (a value given here must agree); elsewhere the default is 2.

    Returns
    -------
    Multiscale
        With OME-Zarr placement converted to level-0 pixel corners: for level
        ``k`` with scale ``s_k`` and translation ``t_k`` (pixel centres, physical
        units), ``scale = s_k / s_0`` and
        ``translate = (t_k - t_0) / s_0 + 0.5 - 0.5 * s_k / s_0``. Plain groups,
        HDF5 groups and lists get ``scale = 2**k`` and ``translate = 0``, and
        their levels must shrink.

    Raises
    ------
    ValueError
        A group with neither ``multiscales`` metadata nor an array ``"0"``,
        levels that do not shrink, axes that cannot be told apart, malformed
        transformations. The message names the path and the rule.
    ImportError
        zarr or h5py is needed and not installed.

    Examples
    --------
    >>> import numpy as np
    >>> base = np.arange(64 * 64, dtype=np.uint16).reshape(64, 64)
    >>> ms = open_multiscale([base, base[::2, ::2]])
    >>> ms.nlevels, ms.scale[1], ms.translate[1]
    (2, (2.0, 2.0), (0.0, 0.0))
    """
    if spatial_ndim is not None and spatial_ndim not in (2, 3):
        raise ValueError(f"open_multiscale: spatial_ndim must be 2 or 3, not {spatial_ndim!r}")
    if isinstance(path_or_store, (list, tuple)):
        where = name or "list of arrays"
        return _numbered(list(path_or_store), where, name or "Multiscale", spatial_ndim)
    if isinstance(path_or_store, (str, os.PathLike)):
        return _open_path(os.fspath(path_or_store), name, spatial_ndim)
    if _module_of(path_or_store) == "h5py":
        return _open_h5(path_or_store, path_or_store.name, name, spatial_ndim)
    if _module_of(path_or_store) == "zarr" and hasattr(path_or_store, "array_keys"):
        return _open_zarr_group(path_or_store, name, spatial_ndim)
    if _is_array(path_or_store):
        return Multiscale(
            [path_or_store], spatial_ndim=spatial_ndim or 2, name=name or "Multiscale"
        )
    # Anything else is taken for a zarr store (memory, local, fsspec, ...).
    zarr = _require("zarr", "opening a zarr store")
    return _open_zarr_node(zarr.open(store=path_or_store, mode="r"), name, spatial_ndim)


def _has_hdf5_signature(path: str) -> bool:
    """The HDF5 signature at offset 0, or after a user block (at 512, 1024, 2048, ...)."""
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        offset = 0
        while offset + 8 <= size:
            fh.seek(offset)
            if fh.read(8) == _HDF5_SIGNATURE:
                return True
            offset = 512 if offset == 0 else 2 * offset
    return False


def _hdf5_split(path: str) -> tuple[str, str] | None:
    """``(file, inner group)`` when ``path`` is, or starts with, an HDF5 file."""
    parts = path.replace("\\", "/").split("/")
    for i in range(len(parts), 0, -1):
        head = "/".join(parts[:i]) or "/"
        if os.path.isfile(head):
            return (head, "/".join(parts[i:])) if _has_hdf5_signature(head) else None
        if os.path.isdir(head):
            return None
    return None


def _open_path(path: str, name: str | None, spatial_ndim: int | None) -> Multiscale:
    split = _hdf5_split(path)
    if split is not None:
        h5py = _require("h5py", f"opening the HDF5 file {split[0]!r}")
        f = h5py.File(split[0], "r")
        try:
            node = f[split[1]] if split[1] else f
        except KeyError:
            f.close()
            raise ValueError(f"{path}: no group or dataset {split[1]!r} in {split[0]!r}") from None
        try:
            return _open_h5(node, path, name, spatial_ndim)
        except Exception:
            f.close()  # refused: do not leave the file open
            raise
    if not os.path.exists(path) and "://" not in path:
        raise FileNotFoundError(f"open_multiscale: {path!r} does not exist")
    zarr = _require("zarr", f"opening {path!r}")
    try:
        node = zarr.open(path, mode="r")
    except Exception as exc:  # zarr raises several kinds for "not a zarr node"
        raise ValueError(f"{path}: neither an HDF5 file nor a zarr group or array ({exc})") from exc
    return _open_zarr_node(node, name or path, spatial_ndim, where=path)


def _open_h5(node: Any, where: str, name: str | None, spatial_ndim: int | None) -> Multiscale:
    if _is_array(node):
        return Multiscale([node], spatial_ndim=spatial_ndim or 2, name=name or where)
    levels = _numbered_members(node, list(node.keys()), where)
    return _numbered(levels, where, name or where, spatial_ndim)


def _open_zarr_node(
    node: Any, name: str | None, spatial_ndim: int | None, where: str | None = None
) -> Multiscale:
    if hasattr(node, "array_keys"):
        return _open_zarr_group(node, name, spatial_ndim, where)
    return Multiscale([node], spatial_ndim=spatial_ndim or 2, name=name or str(node.store_path))


def _open_zarr_group(
    group: Any, name: str | None, spatial_ndim: int | None, where: str | None = None
) -> Multiscale:
    where = where or str(group.store_path)
    attrs = group.attrs.asdict()
    ome = attrs.get("ome")
    # NGFF 0.5 (zarr v3) nests everything under "ome"; 0.4 and earlier put
    # "multiscales" at the top of the group's attributes.
    multiscales = ome.get("multiscales") if isinstance(ome, dict) else attrs.get("multiscales")
    if multiscales:
        if not isinstance(multiscales, list) or not isinstance(multiscales[0], dict):
            raise ValueError(
                f"{where}: 'multiscales' must be a list of objects, not {multiscales!r}"
            )
        return _from_ome(group, multiscales[0], where, name or where, spatial_ndim)
    levels = _numbered_members(group, sorted(group.array_keys()), where)
    return _numbered(levels, where, name or where, spatial_ndim)


def _numbered_members(container: Any, keys: Sequence[str], where: str) -> list[Any]:
    """Members ``"0"``, ``"1"``, ... of a zarr or HDF5 group, up to the first gap."""
    if "0" not in keys:
        raise ValueError(
            f"{where}: no OME-NGFF 'multiscales' metadata and no array named '0'; "
            f"expected an OME-Zarr group or arrays '0', '1', ... finest first (found {list(keys)})"
        )
    levels = []
    while str(len(levels)) in keys:
        member = container[str(len(levels))]
        if not _is_array(member):
            raise ValueError(f"{where}: member {len(levels)!r} is not an array: {member!r}")
        levels.append(member)
    return levels


def _numbered(levels: list[Any], where: str, name: str, spatial_ndim: int | None) -> Multiscale:
    """Levels without metadata: each 2x coarser than the one before, so they must shrink."""
    sn = spatial_ndim or 2
    if not levels:
        raise ValueError(f"{where}: needs at least one array")
    for k in range(1, len(levels)):
        prev = tuple(levels[k - 1].shape[-sn:])
        cur = tuple(levels[k].shape[-sn:])
        if len(cur) == sn and (any(c > p for c, p in zip(cur, prev)) or cur == prev):
            raise ValueError(
                f"{where}: level {k} has spatial shape {cur}, not smaller than level "
                f"{k - 1}'s {prev}; without metadata each level is read as 2x coarser "
                f"than the one before, so levels must shrink"
            )
    return Multiscale(levels, spatial_ndim=sn, name=name)


def _axis_types(axes: Any, ndim: int, where: str) -> list[str]:
    """One type per axis: 'space', 'time', 'channel', or a custom type (non-spatial)."""
    if not isinstance(axes, list) or len(axes) != ndim:
        raise ValueError(
            f"{where}: 'axes' must list one axis per array dimension ({ndim}), not {axes!r}"
        )
    types = []
    for i, ax in enumerate(axes):
        # NGFF 0.3 lists names only; 0.4+ objects with "name" and (should) "type".
        axname = ax if isinstance(ax, str) else ax.get("name") if isinstance(ax, dict) else None
        axtype = ax.get("type") if isinstance(ax, dict) else None
        if axtype is None:
            axtype = _AXIS_TYPES_BY_NAME.get(str(axname).lower())
        if not isinstance(axtype, str):
            raise ValueError(
                f"{where}: axis {i} {ax!r} has no type and its name is none of x, y, z, t, c; "
                f"cannot tell whether it is spatial (OME-NGFF axes need 'type': 'space', "
                f"'time' or 'channel')"
            )
        types.append(axtype)
    return types


def _transform(dataset: dict, kind: str, ndim: int, where: str) -> list[float] | None:
    found = None
    for tr in dataset.get("coordinateTransformations") or []:
        if not isinstance(tr, dict) or tr.get("type") != kind:
            continue
        if kind not in tr:
            raise ValueError(
                f"{where}: dataset {dataset.get('path')!r}: {kind} transformations stored "
                f"elsewhere ({tr!r}) are not supported; give the values inline"
            )
        values = tr[kind]
        if (
            not isinstance(values, list)
            or len(values) != ndim
            or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in values)
        ):
            raise ValueError(
                f"{where}: dataset {dataset.get('path')!r}: {kind} must be {ndim} finite "
                f"numbers (one per axis), not {values!r}"
            )
        if kind == "scale" and min(values) <= 0:
            raise ValueError(
                f"{where}: dataset {dataset.get('path')!r}: scale must be > 0, not {values!r}"
            )
        found = [float(v) for v in values]
    return found


def _from_ome(
    group: Any, meta: dict, where: str, name: str, spatial_ndim: int | None
) -> Multiscale:
    datasets = meta.get("datasets")
    if not isinstance(datasets, list) or not datasets:
        raise ValueError(f"{where}: multiscales[0] has no 'datasets' list: {meta!r}")
    levels = []
    for d in datasets:
        if not isinstance(d, dict) or not isinstance(d.get("path"), str):
            raise ValueError(f"{where}: each dataset needs a 'path' string, not {d!r}")
        try:
            levels.append(group[d["path"]])
        except KeyError:
            raise ValueError(
                f"{where}: dataset path {d['path']!r} named in 'multiscales' is not in the group"
            ) from None
    ndim = len(levels[0].shape)
    axes = meta.get("axes")
    if axes is None:
        # NGFF 0.1/0.2 had no axes: arrays were always (t, c, z, y, x).
        sn = spatial_ndim or (3 if ndim == 5 else 2)
    else:
        types = _axis_types(axes, ndim, where)
        spatial = [i for i, t in enumerate(types) if t == "space"]
        sn = len(spatial)
        if sn not in (2, 3) or spatial != list(range(ndim - sn, ndim)):
            raise ValueError(
                f"{where}: axes {axes!r}: the spatial axes (type 'space') must be the last "
                f"2 or 3 axes, found them at positions {spatial}"
            )
        if spatial_ndim is not None and spatial_ndim != sn:
            raise ValueError(
                f"{where}: spatial_ndim={spatial_ndim} disagrees with the {sn} spatial axes of "
                f"its metadata {axes!r}"
            )
    scales = [_transform(d, "scale", ndim, where) for d in datasets]
    translations = [_transform(d, "translation", ndim, where) for d in datasets]
    if all(s is None for s in scales):
        # Before NGFF 0.4 there were no transformations: each level 2x coarser.
        return _numbered(levels, where, name, sn)
    if any(s is None for s in scales):
        missing = [d["path"] for d, s in zip(datasets, scales) if s is None]
        raise ValueError(f"{where}: datasets {missing} have no 'scale' transformation")
    s0 = np.array(scales[0][-sn:])
    t0 = np.array((translations[0] or [0.0] * ndim)[-sn:])
    scale, translate = [], []
    for s, t in zip(scales, translations):
        sk = np.array(s[-sn:])
        tk = np.array((t or [0.0] * ndim)[-sn:])
        # OME places pixel centres: level k's pixel i is centred at t_k + i*s_k. In level-0
        # pixels with corners at integers, level 0's centres are at i + 0.5, so level k's
        # centre is at (t_k - t_0)/s_0 + 0.5 + i*s_k/s_0, and its corner half a pixel back.
        rel = sk / s0
        scale.append(tuple(rel))
        translate.append(tuple((tk - t0) / s0 + 0.5 - 0.5 * rel))
    return Multiscale(levels, scale=scale, translate=translate, spatial_ndim=sn, name=name)


# ---------------------------------------------------------------------------- writing


def _level_shapes(shape: tuple[int, ...], tile: int, levels: int | None, where: str) -> list:
    shapes = [tuple(shape)]
    while (levels is None and any(n > tile for n in shapes[-1])) or (
        levels is not None and len(shapes) < levels
    ):
        if all(n == 1 for n in shapes[-1]):
            raise ValueError(
                f"build_pyramid {where}: levels={levels} is more than the spatial shape "
                f"{tuple(shape)} allows (level {len(shapes) - 1} is already one pixel)"
            )
        shapes.append(tuple((n + 1) // 2 for n in shapes[-1]))
    return shapes


def _downsample(block: np.ndarray, sn: int, method: str) -> np.ndarray:
    """Halve the last ``sn`` axes: mean of 2x2(x2) blocks, or the first pixel of each.

    An odd edge gives a last pixel that is the mean of the pixels there are.
    """
    if method == "nearest":
        return block[(Ellipsis, *([slice(None, None, 2)] * sn))]
    spatial = block.shape[-sn:]
    odd = [n % 2 for n in spatial]
    if any(odd):
        # Zero-pad odd edges to even; the count below leaves the zeros out of the mean.
        block = np.pad(block, [(0, 0)] * (block.ndim - sn) + [(0, o) for o in odd])
    # Sum the 2**sn pixels of each block as strided views (in float64: exact for values
    # of up to 32 bits; no reshaped copy of the whole block).
    total = None
    for offsets in itertools.product((0, 1), repeat=sn):
        view = block[(Ellipsis, *(slice(o, None, 2) for o in offsets))]
        if total is None:
            total = view.astype(np.float64)
        else:
            total += view
    count = float(2**sn)
    if any(odd):
        # How many real (not padded) pixels each block holds: fewer on odd edges.
        count = np.ones((), np.float64)
        for i, n in enumerate(spatial):
            per_axis = np.full((n + 1) // 2, 2.0)
            per_axis[-1] = 2.0 - odd[i]
            count = np.multiply.outer(count, per_axis)
    mean = total / count
    if np.issubdtype(block.dtype, np.integer):
        info = np.iinfo(block.dtype)
        mean = np.clip(np.rint(mean), info.min, info.max)
    elif block.dtype == np.bool_:
        mean = np.rint(mean)
    return mean.astype(block.dtype)


_BLOCK_BYTES = 4 * 2**20


def _chunks_per_block(tile: int, sn: int, itemsize: int) -> int:
    """Chunks per spatial axis in one block: the block of the level before fits _BLOCK_BYTES."""
    return max(1, int((_BLOCK_BYTES / (itemsize * (2 * tile) ** sn)) ** (1 / sn) + 1e-9))


def _blocks(shape: Sequence[int], tile: int):
    """Slices of the ``tile``-sized blocks that cover ``shape``."""
    ranges = [range(0, n, tile) for n in shape]
    for starts in itertools.product(*ranges):
        yield tuple(slice(s, min(s + tile, n)) for s, n in zip(starts, shape))


class _Progress:
    """One line on stderr, rewritten at most every 0.2 s: levels and chunks done."""

    def __init__(self, where: str, nlevels: int, enabled: bool) -> None:
        self.where, self.nlevels, self.enabled = where, nlevels, enabled
        self.last = 0.0

    def show(self, level: int, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (done < total and now - self.last < 0.2):
            return
        self.last = now
        sys.stderr.write(
            f"\rbuild_pyramid {self.where}: level {level + 1}/{self.nlevels}, chunks {done}/{total}"
        )
        if level == self.nlevels - 1 and done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _axes_meta(ndim: int, sn: int, axes: str | None, where: str) -> list[dict]:
    if axes is None:
        lead = {0: "", 1: "t", 2: "tc"}.get(ndim - sn)
        if lead is None:
            raise ValueError(
                f"build_pyramid {where}: {ndim - sn} leading axes; OME-NGFF 0.4 allows at most "
                f"2 (time, channel) before the spatial ones"
            )
        axes = lead + "zyx"[3 - sn :]
    if len(axes) != ndim or any(a not in _AXIS_TYPES_BY_NAME for a in axes):
        raise ValueError(
            f"build_pyramid {where}: axes {axes!r} must name each of the {ndim} axes with one "
            f"of t, c, z, y, x"
        )
    types = [_AXIS_TYPES_BY_NAME[a] for a in axes]
    if types[ndim - sn :] != ["space"] * sn or "space" in types[: ndim - sn]:
        raise ValueError(
            f"build_pyramid {where}: axes {axes!r}: the last {sn} (and only they) must be "
            f"spatial (x, y, z)"
        )
    # No "unit": NGFF's units are physical (micrometer, second, ...) and a pixel is not one.
    return [{"name": a, "type": t} for a, t in zip(axes, types)]


def build_pyramid(
    array: Any,
    path: Any,
    *,
    tile: int = 256,
    levels: int | None = None,
    method: str = "mean",
    progress: bool = True,
    spatial_ndim: int = 2,
    axes: str | None = None,
    overwrite: bool = False,
) -> Multiscale:
    """Write an OME-Zarr pyramid (OME-NGFF 0.4 on zarr format 2) chunk by chunk.

    Level 0 is copied from ``array`` one ``tile``-sized block at a time; each
    further level is computed from blocks of the level before it, read back from
    disk, so memory holds a few blocks, never the whole array. Leading
    (non-spatial) axes are kept at every level.

    Parameters
    ----------
    array
        A numpy or dask array (or any array-like that slices into numpy).
    path
        Where to write the zarr group (a directory path or a zarr store).
    tile
        Chunk size along each spatial axis (leading axes are chunked by 1).
    levels
        How many levels, level 0 included (default: until a level fits in one tile).
    method
        ``"mean"``: each coarser pixel is the mean of the 2x2 (2x2x2) block it
        covers, rounded to the nearest integer (ties to even) for integer dtypes;
        ``"nearest"``: the first pixel of each block.
    progress
        Show one line on stderr with the levels and chunks done.
    spatial_ndim
        2 (images) or 3 (volumes): how many trailing axes are spatial.
    axes
        Axis names for the metadata, one letter each of ``t c z y x`` (default:
        ``"yx"``/``"zyx"`` after ``"t"`` or ``"tc"``).
    overwrite
        Replace what is at ``path`` (default: refuse).

    Returns
    -------
    Multiscale
        The pyramid opened from ``path`` with :func:`open_multiscale`.

    Notes
    -----
    The metadata places pixel centres, as OME-NGFF does: level ``k`` has scale
    ``2**k`` and, for ``"mean"``, translation ``0.5 * (2**k - 1)`` (the centre of
    the block it averages), which reads back as corner translate 0. For
    ``"nearest"`` the translation is 0 (each pixel is the sample at its block's
    first pixel), which reads back as corner translate ``-0.5 * (2**k - 1)``.
    On an odd edge the last coarse pixel averages the pixels there are.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> image = np.arange(600 * 1000, dtype=np.uint16).reshape(600, 1000)
    >>> out = os.path.join(tempfile.mkdtemp(), "image.ome.zarr")
    >>> ms = build_pyramid(image, out, tile=256, progress=False)
    >>> [ms.shape(k) for k in range(ms.nlevels)]
    [(600, 1000), (300, 500), (150, 250)]
    """
    where = os.fspath(path) if isinstance(path, (str, os.PathLike)) else repr(path)
    if method not in ("mean", "nearest"):
        raise ValueError(
            f"build_pyramid {where}: method must be 'mean' or 'nearest', not {method!r}"
        )
    if spatial_ndim not in (2, 3):
        raise ValueError(
            f"build_pyramid {where}: spatial_ndim must be 2 or 3, not {spatial_ndim!r}"
        )
    if not isinstance(tile, int) or tile < 1:
        raise ValueError(f"build_pyramid {where}: tile must be an int >= 1, not {tile!r}")
    if levels is not None and (not isinstance(levels, int) or levels < 1):
        raise ValueError(f"build_pyramid {where}: levels must be an int >= 1, not {levels!r}")
    if not _is_array(array) or len(array.shape) < spatial_ndim:
        raise ValueError(
            f"build_pyramid {where}: needs an array with at least {spatial_ndim} axes, "
            f"not {type(array).__name__} {getattr(array, 'shape', '')}"
        )
    zarr = _require("zarr", "build_pyramid")
    sn = spatial_ndim
    shape = tuple(int(n) for n in array.shape)
    lead_shape, spatial0 = shape[:-sn], shape[-sn:]
    ndim = len(shape)
    dtype = np.dtype(array.dtype)
    shapes = _level_shapes(spatial0, tile, levels, where)
    axes_meta = _axes_meta(ndim, sn, axes, where)
    if not overwrite and isinstance(path, (str, os.PathLike)) and os.path.exists(path):
        raise FileExistsError(
            f"build_pyramid {where}: already exists; pass overwrite=True to replace it"
        )
    group = zarr.open_group(path, mode="w" if overwrite else "w-", zarr_format=2)

    bar = _Progress(where, len(shapes), progress)
    previous = array
    for k, spatial in enumerate(shapes):
        level = group.create_array(
            str(k),
            shape=lead_shape + spatial,
            chunks=(1,) * len(lead_shape) + tuple(min(tile, n) for n in spatial),
            dtype=dtype,
        )
        # Several chunks per zarr call (fewer calls, chunks encoded in parallel), as many as
        # keep the block read from the level before under _BLOCK_BYTES.
        step = tile * _chunks_per_block(tile, sn, dtype.itemsize)
        blocks = [(lead, blk) for lead in np.ndindex(*lead_shape) for blk in _blocks(spatial, step)]
        total = math.prod(lead_shape) * math.prod(-(-n // tile) for n in spatial)
        done = 0
        for lead, blk in blocks:
            if k == 0:
                data = np.asarray(previous[lead + blk])
            else:
                # The 2x larger block of the level before, read back from disk.
                src = tuple(
                    slice(2 * s.start, min(2 * s.stop, n)) for s, n in zip(blk, shapes[k - 1])
                )
                data = _downsample(np.asarray(previous[lead + src]), sn, method)
            level[lead + blk] = data
            done += math.prod(-(-(s.stop - s.start) // tile) for s in blk)
            bar.show(k, done, total)
        previous = level

    datasets = []
    for k in range(len(shapes)):
        offset = 0.5 * (2**k - 1) if method == "mean" else 0.0
        transforms = [{"type": "scale", "scale": [1.0] * len(lead_shape) + [float(2**k)] * sn}]
        if offset:
            transforms.append(
                {"type": "translation", "translation": [0.0] * len(lead_shape) + [offset] * sn}
            )
        datasets.append({"path": str(k), "coordinateTransformations": transforms})
    group.attrs["multiscales"] = [
        {
            "version": "0.4",
            "name": os.path.basename(where.rstrip("/"))
            if isinstance(path, (str, os.PathLike))
            else "",
            "axes": axes_meta,
            "datasets": datasets,
            "type": method,
            "metadata": {"method": "glframe.data.build_pyramid", "tile": tile},
        }
    ]
    return open_multiscale(group, name=where)
