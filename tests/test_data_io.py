"""Sources on disk: open_multiscale (OME-Zarr 0.4/0.5, plain zarr, HDF5, lists) and build_pyramid.

Every level written is compared exactly with a downsample computed here with
numpy (np.add.reduceat, independent of the writer's reshape), placement is
checked against hand-computed numbers, and a dask array 4x larger than the
allowed peak is written under tracemalloc.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest

import glframe.data._io
from glframe.data import Multiscale, build_pyramid, open_multiscale

zarr = pytest.importorskip("zarr")
h5py = pytest.importorskip("h5py")
da = pytest.importorskip("dask.array")


def reference_mean(a: np.ndarray, sn: int) -> np.ndarray:
    """2x mean of the last ``sn`` axes; an odd edge averages the pixels it has."""
    total = a.astype(np.float64)
    count = np.ones(a.shape[-sn:])
    for i in range(sn):
        axis = a.ndim - sn + i
        starts = np.arange(0, a.shape[axis], 2)
        total = np.add.reduceat(total, starts, axis=axis)
        count = np.add.reduceat(count, starts, axis=i)
    mean = total / count
    if np.issubdtype(a.dtype, np.integer):
        mean = np.rint(mean)
    return mean.astype(a.dtype)


def reference_levels(a: np.ndarray, n: int, sn: int = 2) -> list[np.ndarray]:
    out = [a]
    for _ in range(n - 1):
        out.append(reference_mean(out[-1], sn))
    return out


def read_all(ms: Multiscale, k: int, index=()) -> np.ndarray:
    return ms.read(k, tuple(slice(0, n) for n in ms.shape(k)), index)


def gradient(shape=(300, 500)) -> np.ndarray:
    i, j = np.indices(shape)
    # a gradient plus a quadratic term, so that block means are not all integers
    return ((7 * i + j * j) % 60000).astype(np.uint16)


# ---------------------------------------------------------------------------- build_pyramid


@pytest.fixture(params=["one chunk per block", "default blocks"])
def blocks(request, monkeypatch):
    """Write one chunk per block (block edges everywhere), or as many as the default allows."""
    if request.param == "one chunk per block":
        monkeypatch.setattr(glframe.data._io, "_BLOCK_BYTES", 1)
    return request.param


def test_build_pyramid_2d_every_level_exact(tmp_path, blocks):
    image = gradient()
    path = tmp_path / "gradient.ome.zarr"
    ms = build_pyramid(image, path, tile=64, progress=False)
    # 300x500 -> 150x250 -> 75x125 -> 38x63: the last fits in one 64 tile (odd edges on the way)
    assert [ms.shape(k) for k in range(ms.nlevels)] == [(300, 500), (150, 250), (75, 125), (38, 63)]
    assert ms.dtype == np.uint16 and ms.spatial_ndim == 2 and ms.leading_shape == ()
    for k, expected in enumerate(reference_levels(image, 4)):
        np.testing.assert_array_equal(read_all(ms, k), expected, err_msg=f"level {k}")
    assert ms.scale == [(1.0, 1.0), (2.0, 2.0), (4.0, 4.0), (8.0, 8.0)]
    assert ms.translate == [(0.0, 0.0)] * 4
    # NGFF 0.4 on zarr format 2, translations at pixel centres
    meta = json.loads((path / ".zattrs").read_text())["multiscales"][0]
    assert (path / ".zgroup").exists() and meta["version"] == "0.4"
    assert meta["axes"] == [{"name": "y", "type": "space"}, {"name": "x", "type": "space"}]
    assert [d["coordinateTransformations"] for d in meta["datasets"]][:2] == [
        [{"type": "scale", "scale": [1.0, 1.0]}],
        [
            {"type": "scale", "scale": [2.0, 2.0]},
            {"type": "translation", "translation": [0.5, 0.5]},
        ],
    ]
    assert [d["coordinateTransformations"][1]["translation"] for d in meta["datasets"][1:]] == [
        [0.5, 0.5],
        [1.5, 1.5],
        [3.5, 3.5],
    ]
    assert zarr.open_array(path / "0", mode="r").chunks == (64, 64)
    # reopening from the path gives the same thing
    again = open_multiscale(path)
    assert again.scale == ms.scale and again.translate == ms.translate


def test_build_pyramid_float_values_and_region_reads(tmp_path, blocks):
    image = np.random.default_rng(1).random((130, 70), dtype=np.float32)
    ms = build_pyramid(image, tmp_path / "f.zarr", tile=32, progress=False)
    expected = reference_levels(image, ms.nlevels)
    assert [ms.shape(k) for k in range(ms.nlevels)] == [(130, 70), (65, 35), (33, 18), (17, 9)]
    for k in range(ms.nlevels):
        np.testing.assert_array_equal(read_all(ms, k), expected[k])
    region = (slice(10, 40), slice(5, 31))
    np.testing.assert_array_equal(ms.read(1, region), expected[1][region])


def test_build_pyramid_3d_time_series(tmp_path, blocks):
    series = np.random.default_rng(2).integers(0, 255, (2, 64, 96, 96), dtype=np.uint8)
    path = tmp_path / "series.ome.zarr"
    ms = build_pyramid(
        da.from_array(series, chunks=(1, 16, 48, 48)), path, tile=32, spatial_ndim=3, progress=False
    )
    assert ms.spatial_ndim == 3 and ms.leading_shape == (2,)
    assert [ms.shape(k) for k in range(ms.nlevels)] == [(64, 96, 96), (32, 48, 48), (16, 24, 24)]
    assert ms.scale[2] == (4.0, 4.0, 4.0) and ms.translate[2] == (0.0, 0.0, 0.0)
    expected = reference_levels(series, 3, sn=3)
    for k in range(3):
        for t in range(2):
            np.testing.assert_array_equal(read_all(ms, k, (t,)), expected[k][t])
    meta = json.loads((path / ".zattrs").read_text())["multiscales"][0]
    assert [a["name"] for a in meta["axes"]] == ["t", "z", "y", "x"]
    assert [a["type"] for a in meta["axes"]] == ["time", "space", "space", "space"]
    assert meta["datasets"][1]["coordinateTransformations"][1]["translation"] == [0, 0.5, 0.5, 0.5]
    assert zarr.open_array(path / "1", mode="r").chunks == (1, 32, 32, 32)


def test_build_pyramid_nearest_places_samples_at_their_centres(tmp_path):
    image = gradient((40, 24))
    ms = build_pyramid(image, tmp_path / "n.zarr", tile=8, method="nearest", progress=False)
    assert ms.nlevels == 4  # 40x24 -> 20x12 -> 10x6 -> 5x3
    for k in range(4):
        np.testing.assert_array_equal(read_all(ms, k), image[:: 2**k, :: 2**k])
        # level k's pixel i is level-0 pixel 2**k * i: centred on it, half a coarse pixel back
        assert ms.translate[k] == (-0.5 * (2**k - 1),) * 2


def test_build_pyramid_levels_progress_and_refusals(tmp_path, capsys):
    image = gradient((64, 64))
    ms = build_pyramid(image, tmp_path / "a.zarr", tile=16, levels=2)
    assert ms.nlevels == 2
    err = capsys.readouterr().err
    assert "level 2/2, chunks 4/4" in err and "level 1/2, chunks 16/16" in err
    assert err.endswith("\n")
    with pytest.raises(FileExistsError, match=r"a\.zarr: already exists; pass overwrite=True"):
        build_pyramid(image, tmp_path / "a.zarr", progress=False)
    assert build_pyramid(image, tmp_path / "a.zarr", tile=64, overwrite=True, progress=False)
    with pytest.raises(ValueError, match=r"levels=9 is more than the spatial shape \(64, 64\)"):
        build_pyramid(image, tmp_path / "b.zarr", levels=9, progress=False)
    with pytest.raises(ValueError, match=r"c\.zarr: method must be 'mean' or 'nearest', not 'max'"):
        build_pyramid(image, tmp_path / "c.zarr", method="max", progress=False)
    with pytest.raises(ValueError, match=r"3 leading axes; OME-NGFF 0.4 allows at most 2"):
        build_pyramid(np.zeros((1, 1, 1, 4, 4)), tmp_path / "d.zarr", progress=False)


def test_build_pyramid_of_a_large_dask_array_stays_chunked(tmp_path):
    # 4096x4096 float32 = 64 MiB, made of random 512x512 chunks computed on demand
    big = da.random.default_rng(3).random((4096, 4096), chunks=512, dtype=np.float32)
    limit = big.nbytes // 4
    # Warm up first: the first write imports codecs and sets zarr up (several MiB, once).
    build_pyramid(big[:600, :600], tmp_path / "warm.zarr", progress=False)
    tracemalloc.start()
    try:
        ms = build_pyramid(big, tmp_path / "big.zarr", tile=256, progress=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"build_pyramid 4096x4096 float32: peak traced {peak / 2**20:.1f} MiB")
    assert peak < limit, f"peak {peak} bytes, limit {limit} (array {big.nbytes})"
    assert [ms.shape(k) for k in range(ms.nlevels)] == [(4096 >> k,) * 2 for k in range(5)]
    # spot-check: one level-0 tile and its level-1 mean
    block = (slice(512, 768), slice(1024, 1280))
    tile0 = big[block].compute()
    np.testing.assert_array_equal(ms.read(0, block), tile0)
    np.testing.assert_array_equal(
        ms.read(1, (slice(256, 384), slice(512, 640))), reference_mean(tile0, 2)
    )


# ---------------------------------------------------------------------------- OME metadata


def write_ome(path, shapes, transforms, axes, version="0.4", dtype=np.uint8, extra=None):
    """A hand-written OME-Zarr group: NGFF 0.4 on zarr v2, or 0.5 (``ome``) on zarr v3."""
    fmt = 2 if version == "0.4" else 3
    group = zarr.open_group(path, mode="w", zarr_format=fmt)
    datasets = []
    for k, (shape, tr) in enumerate(zip(shapes, transforms)):
        arr = group.create_array(str(k), shape=shape, dtype=dtype, chunks=shape)
        arr[...] = np.full(shape, k, dtype)
        datasets.append({"path": str(k), "coordinateTransformations": tr})
    ms = {"axes": axes, "datasets": datasets, **(extra or {})}
    if version == "0.4":
        group.attrs["multiscales"] = [{"version": "0.4", **ms}]
    else:
        group.attrs["ome"] = {"version": "0.5", "multiscales": [ms]}
    return group


YX = [{"name": "y", "type": "space"}, {"name": "x", "type": "space"}]


def placed(scale, translation):
    return [
        {"type": "scale", "scale": scale},
        {"type": "translation", "translation": translation},
    ]


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_ome_pixel_centre_translations_read_as_corner_zero(tmp_path, version):
    transforms = [placed([2.0**k] * 2, [t, t]) for k, t in enumerate([0.0, 0.5, 1.5])]
    write_ome(tmp_path / "p.zarr", [(16, 16), (8, 8), (4, 4)], transforms, YX, version)
    ms = open_multiscale(tmp_path / "p.zarr")
    assert ms.scale == [(1.0, 1.0), (2.0, 2.0), (4.0, 4.0)]
    assert ms.translate == [(0.0, 0.0)] * 3
    assert {ms.extent(k) for k in range(3)} == {((0.0, 16.0), (0.0, 16.0))}
    assert ms.read(2, (slice(0, 1), slice(0, 1))).tolist() == [[2]]
    # without translations the coarse levels' centres sit on level 0's: shifted back
    bare = [[{"type": "scale", "scale": [2.0**k] * 2}] for k in range(3)]
    write_ome(tmp_path / "q.zarr", [(16, 16), (8, 8), (4, 4)], bare, YX, version)
    assert open_multiscale(tmp_path / "q.zarr").translate == [(0, 0), (-0.5, -0.5), (-1.5, -1.5)]


def test_ome_known_offsets_anisotropic_with_a_channel_axis(tmp_path):
    axes = [{"name": "c", "type": "channel"}, *YX]
    # physical units: level 0 pixels 0.5 x 0.25 um at (10, -1); level 1 3x and 4x coarser
    transforms = [
        placed([1, 0.5, 0.25], [0, 10, -1]),
        placed([1, 1.5, 1.0], [0, 10.25, 0]),
    ]
    extra = {"coordinateTransformations": [{"type": "scale", "scale": [1, 7, 7]}]}
    write_ome(tmp_path / "k.zarr", [(3, 30, 40), (3, 10, 10)], transforms, axes, extra=extra)
    ms = open_multiscale(tmp_path / "k.zarr", name="known")
    assert ms.name == "known" and ms.leading_shape == (3,) and ms.spatial_ndim == 2
    assert ms.scale == [(1.0, 1.0), (3.0, 4.0)]
    # y: (10.25 - 10)/0.5 + 0.5 - 0.5*3 = -0.5;  x: (0 + 1)/0.25 + 0.5 - 0.5*4 = 2.5
    assert ms.translate == [(0.0, 0.0), (-0.5, 2.5)]


def test_ome_3d_axes_and_spatial_ndim(tmp_path):
    axes = [{"name": "t", "type": "time"}, {"name": "z", "type": "space"}, *YX]
    transforms = [[{"type": "scale", "scale": [1, 2.0**k, 2.0**k, 2.0**k]}] for k in range(2)]
    write_ome(tmp_path / "v.zarr", [(2, 8, 8, 8), (2, 4, 4, 4)], transforms, axes)
    ms = open_multiscale(tmp_path / "v.zarr")
    assert ms.spatial_ndim == 3 and ms.leading_shape == (2,)
    with pytest.raises(ValueError, match=r"spatial_ndim=2 disagrees with the 3 spatial axes"):
        open_multiscale(tmp_path / "v.zarr", spatial_ndim=2)


# ---------------------------------------------------------------------------- other sources


def test_hdf5_file_and_group(tmp_path):
    image = gradient((64, 48))
    levels = reference_levels(image, 3)
    path = tmp_path / "scan.h5"
    with h5py.File(path, "w") as f:
        for k, level in enumerate(levels):
            f.create_dataset(f"pyramid/{k}", data=level, chunks=True)
            f.create_dataset(str(k), data=level)
        f.create_dataset("pyramid/labels", data=np.zeros(3))  # not a level: ignored
    for source in (f"{path}/pyramid", path):
        ms = open_multiscale(source)
        assert ms.name == str(source) and ms.nlevels == 3
        assert ms.scale == [(1.0, 1.0), (2.0, 2.0), (4.0, 4.0)]
        assert ms.translate == [(0.0, 0.0)] * 3
        for k in range(3):
            np.testing.assert_array_equal(read_all(ms, k), levels[k])
        assert ms.read(1, (slice(3, 5), slice(7, 9))).tolist() == levels[1][3:5, 7:9].tolist()
    with h5py.File(path, "r") as f:
        ms = open_multiscale(f["pyramid"])
        assert ms.nlevels == 3 and ms.name == "/pyramid"
    with pytest.raises(ValueError, match=r"scan\.h5/nothing: no group or dataset 'nothing'"):
        open_multiscale(f"{path}/nothing")


def test_hdf5_with_a_user_block_and_refused_hdf5_levels(tmp_path):
    path = tmp_path / "block.hdf5"
    with h5py.File(path, "w", userblock_size=1024) as f:
        f["0"] = np.zeros((8, 8), np.uint8)
        f["1"] = np.zeros((8, 8), np.uint8)
        f["g/0"] = np.ones((8, 8), np.uint8)
        f["g/1"] = np.ones((4, 4), np.uint8)
    assert open_multiscale(f"{path}/g").shape(1) == (4, 4)
    with pytest.raises(
        ValueError,
        match=r"block\.hdf5: level 1 has spatial shape \(8, 8\), not "
        r"smaller than level 0's \(8, 8\)",
    ):
        open_multiscale(path)
    with h5py.File(path, "r+"):  # the refused open closed its file
        pass
    (tmp_path / "notes.txt").write_text("not an image")
    with pytest.raises(ValueError, match=r"notes\.txt: neither an HDF5 file nor a zarr group"):
        open_multiscale(tmp_path / "notes.txt")


def test_plain_zarr_group_and_single_array(tmp_path):
    group = zarr.open_group(tmp_path / "plain.zarr", mode="w")
    image = gradient((40, 40))
    for k, level in enumerate(reference_levels(image, 3)):
        group.create_array(str(k), data=level, chunks=(16, 16))
    group.create_array("5", data=image)  # after a gap: not a level
    ms = open_multiscale(tmp_path / "plain.zarr")
    assert [ms.shape(k) for k in range(ms.nlevels)] == [(40, 40), (20, 20), (10, 10)]
    assert ms.scale[2] == (4.0, 4.0) and ms.translate[2] == (0.0, 0.0)
    one = open_multiscale(tmp_path / "plain.zarr" / "1")
    assert one.nlevels == 1 and one.shape() == (20, 20)
    assert open_multiscale(group).nlevels == 3
    np.testing.assert_array_equal(read_all(open_multiscale(group["0"]), 0), image)


def test_list_of_numpy_dask_zarr_h5py_arrays(tmp_path):
    levels = reference_levels(gradient((32, 32)), 4)
    with h5py.File(tmp_path / "l.h5", "w") as f:
        f["3"] = levels[3]
    f = h5py.File(tmp_path / "l.h5", "r")
    try:
        mixed = [
            levels[0],
            da.from_array(levels[1], chunks=8),
            zarr.array(levels[2]),
            f["3"],
        ]
        ms = open_multiscale(mixed, name="mixed")
        assert ms.name == "mixed" and ms.nlevels == 4
        assert ms.scale[3] == (8.0, 8.0)
        for k in range(4):
            np.testing.assert_array_equal(read_all(ms, k), levels[k])
    finally:
        f.close()


# ---------------------------------------------------------------------------- errors


def test_refused_sources_name_the_path_and_the_rule(tmp_path):
    group = zarr.open_group(tmp_path / "none.zarr", mode="w")
    group.create_array("image", shape=(4, 4), dtype="u1")
    with pytest.raises(
        ValueError,
        match=r"none\.zarr: no OME-NGFF 'multiscales' metadata and "
        r"no array named '0'.*\['image'\]",
    ):
        open_multiscale(tmp_path / "none.zarr")

    grow = zarr.open_group(tmp_path / "grow.zarr", mode="w")
    grow.create_array("0", shape=(8, 8), dtype="u1")
    grow.create_array("1", shape=(4, 16), dtype="u1")
    with pytest.raises(
        ValueError,
        match=r"grow\.zarr: level 1 has spatial shape \(4, 16\), not "
        r"smaller than level 0's \(8, 8\).*levels must shrink",
    ):
        open_multiscale(tmp_path / "grow.zarr")
    with pytest.raises(ValueError, match=r"list of arrays: level 1 .*must shrink"):
        open_multiscale([np.zeros((4, 4)), np.zeros((4, 4))])

    axes = [{"name": "q"}, *YX]
    tr = [[{"type": "scale", "scale": [1, 1, 1]}]]
    write_ome(tmp_path / "axes.zarr", [(2, 4, 4)], tr, axes)
    with pytest.raises(
        ValueError,
        match=r"axes\.zarr: axis 0 \{'name': 'q'\} has no type and its "
        r"name is none of x, y, z, t, c; cannot tell",
    ):
        open_multiscale(tmp_path / "axes.zarr")

    axes = [YX[0], {"name": "c", "type": "channel"}, YX[1]]
    write_ome(tmp_path / "order.zarr", [(4, 2, 4)], tr, axes)
    with pytest.raises(
        ValueError,
        match=r"order\.zarr: axes .* the spatial axes \(type 'space'\) "
        r"must be the last 2 or 3 axes, found them at positions \[0, 2\]",
    ):
        open_multiscale(tmp_path / "order.zarr")

    bad = [[{"type": "scale", "scale": [1, 0]}]]
    write_ome(tmp_path / "scale.zarr", [(4, 4)], bad, YX)
    with pytest.raises(ValueError, match=r"scale\.zarr: dataset '0': scale must be > 0"):
        open_multiscale(tmp_path / "scale.zarr")

    with pytest.raises(FileNotFoundError, match=r"'.*missing\.zarr' does not exist"):
        open_multiscale(tmp_path / "missing.zarr")


def test_missing_extras_name_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "zarr", None)
    (tmp_path / "x.zarr").mkdir()
    with pytest.raises(ImportError, match=r"needs zarr: pip install glframe\[data\]"):
        open_multiscale(tmp_path / "x.zarr")
    with pytest.raises(ImportError, match=r"build_pyramid needs zarr: pip install glframe\[data\]"):
        build_pyramid(np.zeros((4, 4)), tmp_path / "y.zarr")
    # the package itself imports without zarr, h5py and dask
    code = (
        "import sys\n"
        "for m in ('zarr', 'h5py', 'dask'): sys.modules[m] = None\n"
        "import glframe.data as d\n"
        "print(d.open_multiscale([__import__('numpy').zeros((4, 4))]).nlevels)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1"


def test_docstring_examples():
    import doctest

    result = doctest.testmod(glframe.data._io, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 2 and result.failed == 0
