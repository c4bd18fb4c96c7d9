"""glframe.data: what knows no GL — multiscale sources, tile caches and loaders,
aggregation of points and lines into grids, the stream store, mesh (OBJ, PLY)
and image readers, MeshData.

This layer imports nothing else of glframe (numpy always; zarr, h5py and dask
where installed: ``pip install glframe[data]``), so it can be used, tested and
run in workers without any GL. ``glframe.scene`` builds its multiscale visuals
on it. See docs/data.md.
"""

from ._aggregate import aggregate
from ._aggregate_lines import aggregate_lines
from ._budget import Budget
from ._cache import TileCache, default_cpu_budget
from ._doorbell import Doorbell
from ._io import build_pyramid, open_multiscale
from ._loader import TileLoader, TileLoadError
from ._meshdata import MeshData
from ._meshio import MeshFileError, read_image, read_mesh, write_mesh
from ._multiscale import Multiscale
from ._points import Points
from ._store import StreamStore, StreamStoreError
from ._tiles import TileGrid, TileKey
from .synthetic import ComputedArray, mandelbrot, mandelbulb

__all__ = [
    "aggregate",
    "aggregate_lines",
    "Points",
    "Budget",
    "build_pyramid",
    "open_multiscale",
    "Multiscale",
    "TileCache",
    "TileGrid",
    "TileKey",
    "TileLoader",
    "TileLoadError",
    "default_cpu_budget",
    "ComputedArray",
    "mandelbrot",
    "mandelbulb",
    "StreamStore",
    "StreamStoreError",
    "Doorbell",
    "read_mesh",
    "write_mesh",
    "read_image",
    "MeshFileError",
    "MeshData",
]
