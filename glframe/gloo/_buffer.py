"""VertexBuffer and IndexBuffer: arrays on the GPU.

A VertexBuffer holds per-vertex (or, with ``divisor=1``, per-instance) data: a
1D array, an (N, C) array with C in 1..4 (or an (N, R, C) array for matrix
attributes), or a structured array whose fields are views for several
attributes (``vbo["a_position"]``). An IndexBuffer holds uint8, uint16 or
uint32 indices. ``set_data`` replaces everything (SIZE only when the byte size
changes); ``set_subdata`` updates a range in place.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import as_gl_array
from ._objects import GLObject
from .glir import Cmd

__all__ = ["VertexBuffer", "IndexBuffer", "BufferView"]


def _payload(arr: np.ndarray) -> np.ndarray:
    """What DATA carries: the array, or the bytes of a structured one (GLIR has no records)."""
    return arr.view(np.uint8).reshape(-1) if arr.dtype.fields is not None else arr


class _Buffer(GLObject):
    def __init__(self, data: ArrayLike | None = None) -> None:
        super().__init__()
        self._nbytes = 0
        self._data_dtype: np.dtype | None = None
        self._data_shape: tuple = ()
        if data is not None:
            self.set_data(data)

    @property
    def nbytes(self) -> int:
        return self._nbytes

    @property
    def dtype(self) -> np.dtype | None:
        return self._data_dtype

    @property
    def shape(self) -> tuple:
        return self._data_shape

    def __len__(self) -> int:
        return self._data_shape[0] if self._data_shape else 0

    def _prepare(self, data: ArrayLike) -> np.ndarray:
        raise NotImplementedError

    def set_data(self, data: ArrayLike) -> None:
        """Replace the whole content (and the dtype and shape)."""
        arr = self._prepare(data)
        if arr.nbytes != self._nbytes:
            self._glir(Cmd.SIZE, arr.nbytes)
            self._nbytes = arr.nbytes
        self._data_dtype, self._data_shape = arr.dtype, arr.shape
        self._glir(Cmd.DATA, 0, _payload(arr))

    def set_subdata(self, data: ArrayLike, offset: int = 0) -> None:
        """Overwrite rows ``offset .. offset + len(data)`` (rows, not bytes).

        ``data`` must have the buffer's dtype (after lossless conversion) and
        its row shape; the buffer keeps its size.
        """
        if self._data_dtype is None:
            raise ValueError(f"{self!r}: set_data must come before set_subdata")
        arr = self._prepare(data)
        if self._data_dtype.fields is None:
            arr = as_gl_array(arr, self._what(), dtype=self._data_dtype)
        if arr.dtype != self._data_dtype or arr.shape[1:] != self._data_shape[1:]:
            raise ValueError(
                f"{self!r}: subdata of dtype {arr.dtype} and rows of shape {arr.shape[1:]} "
                f"does not match the buffer ({self._data_dtype}, rows {self._data_shape[1:]})"
            )
        if offset < 0 or offset + len(arr) > len(self):
            raise ValueError(
                f"{self!r}: rows {offset}..{offset + len(arr)} are outside the "
                f"buffer's {len(self)} rows"
            )
        row_bytes = self._nbytes // max(len(self), 1)
        self._glir(Cmd.DATA, offset * row_bytes, _payload(arr))

    def _what(self) -> str:
        return type(self).__name__


class VertexBuffer(_Buffer):
    """Vertex attribute data.

    Parameters
    ----------
    data
        (N,), (N, C) with C <= 4, (N, R, C) for matrix attributes, or a
        structured array. float64 becomes float32, int64 int32 (see _arrays).
    divisor
        0 for per-vertex data; k > 0 advances once every k instances.
    normalized
        Integer data read by a float attribute is mapped to [0, 1] ([-1, 1]).

    Examples
    --------
    >>> vbo = VertexBuffer(np.zeros((100, 2), np.float32))
    >>> program["a_position"] = vbo          # doctest: +SKIP
    """

    _kind = "VertexBuffer"

    def __init__(
        self, data: ArrayLike | None = None, *, divisor: int = 0, normalized: bool = False
    ) -> None:
        if divisor < 0:
            raise ValueError(f"divisor must be >= 0, not {divisor}")
        self.divisor = int(divisor)
        self.normalized = bool(normalized)
        super().__init__(data)

    def _prepare(self, data: ArrayLike) -> np.ndarray:
        arr = as_gl_array(data, "vertex buffer")
        if arr.dtype.fields is not None:
            if arr.ndim != 1:
                raise ValueError(f"vertex buffer: a structured array must be 1D, not {arr.shape}")
        elif arr.ndim not in (1, 2, 3) or (arr.ndim >= 2 and arr.shape[-1] > 4):
            raise ValueError(
                f"vertex buffer: shape {arr.shape} is not (N,), (N, C) or (N, R, C) with C <= 4"
            )
        return arr

    def __getitem__(self, field: str) -> BufferView:
        """A view of one field of a structured buffer, to bind to an attribute."""
        fields = self._data_dtype.fields if self._data_dtype is not None else None
        if not fields or field not in fields:
            names = ", ".join(fields) if fields else "none (not a structured buffer)"
            raise KeyError(f"{self!r} has no field {field!r}; fields: {names}")
        fdtype, offset = fields[field][:2]
        return BufferView(self, fdtype.base, fdtype.shape, offset, self._data_dtype.itemsize)

    def view(self) -> BufferView:
        """The whole (non-structured) buffer as one attribute source."""
        if self._data_dtype is None:
            raise ValueError(f"{self!r} has no data yet")
        if self._data_dtype.fields is not None:
            raise ValueError(
                f"{self!r} is structured; bind a field: vbo[name] for one of "
                f"{', '.join(self._data_dtype.fields)}"
            )
        row = self._data_shape[1:]
        return BufferView(self, self._data_dtype, row, 0, 0)


class BufferView:
    """Where an attribute reads in a VertexBuffer: dtype, row shape, offset, stride."""

    def __init__(
        self, buffer: VertexBuffer, dtype: np.dtype, row_shape: tuple, offset: int, stride: int
    ) -> None:
        self.buffer = buffer
        self.dtype = np.dtype(dtype)
        self.row_shape = tuple(row_shape)
        self.offset = offset
        self.stride = stride

    @property
    def components(self) -> int:
        """Components per row (C of (N, C); R*C of (N, R, C))."""
        return int(np.prod(self.row_shape)) if self.row_shape else 1

    def __len__(self) -> int:
        return len(self.buffer)


class IndexBuffer(_Buffer):
    """Vertex indices for indexed draws (uint8, uint16 or uint32).

    Signed or 64-bit integer arrays are converted when every index fits; an
    (N, 3) array of triangles is flattened.

    Examples
    --------
    >>> ibo = IndexBuffer([[0, 1, 2], [2, 1, 3]])
    >>> program.draw("triangles", ibo)        # doctest: +SKIP
    """

    _kind = "IndexBuffer"

    def _prepare(self, data: ArrayLike) -> np.ndarray:
        arr = np.asarray(data)
        if arr.dtype.kind not in "ui":
            raise TypeError(f"index buffer: dtype {arr.dtype} is not an integer type")
        if arr.dtype not in (np.uint8, np.uint16, np.uint32):
            if arr.size and arr.min() < 0:
                raise ValueError(f"index buffer: negative index {arr.min()}")
            if arr.size and arr.max() > np.iinfo(np.uint32).max:
                raise ValueError(f"index buffer: index {arr.max()} does not fit in uint32")
            arr = arr.astype(np.uint32)
        return as_gl_array(arr.reshape(-1), "index buffer")
