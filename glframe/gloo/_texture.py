"""Texture1D, Texture2D, Texture3D: sampled images on the GPU.

The shape of the data gives the texture's size and its number of channels:
(W[, C]) for 1D, (H, W[, C]) for 2D, (D, H, W[, C]) for 3D, with C in 1..4
("red", "rg", "rgb", "rgba"). The dtype gives the internal format unless one is
given: uint8 -> "rgba8" and friends, float32 -> "rgba32f", float16 ->
"rgba16f", integers -> "rgba32i"/"rgba8ui"/... (read with isampler/usampler).

GLSL ES 3.00 has no sampler1D: a Texture1D is a 2D texture of height 1 in every
interpreter, declared ``sampler2D`` in shaders.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import glir
from ._arrays import as_gl_array
from ._objects import GLObject
from .glir import ALLOC_DTYPES, FILTERS, TEXTURE_FORMATS, WRAPS, Cmd

__all__ = ["Texture1D", "Texture2D", "Texture3D", "INTERNAL_FORMATS"]

#: the colour formats, by channel count (red, rg, rgb, rgba)
FORMATS = tuple(f for f in TEXTURE_FORMATS if not f.startswith("depth"))

#: internal format -> (channels, kind): kind "n" normalized/float, "i" signed
#: integer, "u" unsigned integer, "d" depth, "s" depth-stencil.
INTERNAL_FORMATS: dict[str, tuple[int, str]] = {
    name: (
        TEXTURE_FORMATS[fmt],
        {"depth_component": "d", "depth_stencil": "s"}.get(fmt)
        or ("u" if name.endswith("ui") else "i" if name.endswith("i") else "n"),
    )
    for name, fmt in glir.INTERNAL_FORMATS.items()
}

# The internal-format suffix of data of each dtype (uint8 data: normalized "8", not "8ui").
_DTYPE_SUFFIX = {dtype: suffix for suffix, dtype in ALLOC_DTYPES.items() if suffix != "8ui"}
# Data dtypes that each internal format suffix accepts (GLES 3.0 table 3.2).
_UPLOAD_DTYPES = {suffix: (dtype,) for suffix, dtype in ALLOC_DTYPES.items()}
_UPLOAD_DTYPES["16f"] = ("float16", "float32")


def _default_internal(fmt: str, dtype: np.dtype) -> str:
    base = {"red": "r"}.get(fmt, fmt)
    return base + _DTYPE_SUFFIX[dtype.name]


class _Texture(GLObject):
    _ndim = 2

    def __init__(
        self,
        data: ArrayLike | None = None,
        *,
        shape: tuple | None = None,
        format: str | None = None,
        internalformat: str | None = None,
        interpolation: str | tuple[str, str] = "nearest",
        wrapping: str | tuple = "clamp_to_edge",
    ) -> None:
        super().__init__()
        self._shape: tuple = ()  # spatial shape, then channels
        self._format: str | None = None
        self._internal = internalformat
        if internalformat is not None and internalformat not in INTERNAL_FORMATS:
            raise ValueError(
                f"{self._kind}: unknown internal format {internalformat!r}; "
                f"known: {', '.join(INTERNAL_FORMATS)}"
            )
        self.interpolation = interpolation
        self.wrapping = wrapping
        if data is not None:
            self.set_data(data, format=format)
        elif shape is not None:
            self.resize(shape, format=format)

    # ---- properties ------------------------------------------------------
    @property
    def shape(self) -> tuple:
        """Spatial shape followed by the number of channels, e.g. (H, W, C)."""
        return self._shape

    @property
    def format(self) -> str | None:
        return self._format

    @property
    def internalformat(self) -> str | None:
        return self._internal

    @property
    def interpolation(self) -> tuple[str, str]:
        return self._interpolation

    @interpolation.setter
    def interpolation(self, value: str | tuple[str, str]) -> None:
        pair = (value, value) if isinstance(value, str) else tuple(value)
        if len(pair) != 2 or any(v not in FILTERS for v in pair):
            raise ValueError(f"{self._kind}: interpolation {value!r} must be one of {FILTERS}")
        self._interpolation = pair
        self._glir(Cmd.INTERPOLATION, *pair)

    @property
    def wrapping(self) -> tuple:
        return self._wrapping

    @wrapping.setter
    def wrapping(self, value: str | tuple) -> None:
        n = max(self._ndim, 2)
        wraps = (value,) * n if isinstance(value, str) else tuple(value)
        if len(wraps) != n or any(w not in WRAPS for w in wraps):
            raise ValueError(
                f"{self._kind}: wrapping {value!r} must be one of {WRAPS} or {n} of them"
            )
        self._wrapping = wraps
        self._glir(Cmd.WRAPPING, wraps)

    # ---- data --------------------------------------------------------------
    def _split_shape(self, shape: tuple) -> tuple[tuple, int]:
        nd = self._ndim
        if len(shape) == nd:
            return tuple(shape), 1
        if len(shape) == nd + 1 and 1 <= shape[-1] <= 4:
            return tuple(shape[:-1]), shape[-1]
        names = {1: "(W[, C])", 2: "(H, W[, C])", 3: "(D, H, W[, C])"}[nd]
        raise ValueError(
            f"{self._kind}: data of shape {tuple(shape)} is not {names} with C in 1..4 channels"
        )

    def resize(self, shape: tuple, format: str | None = None) -> None:
        """Reallocate to ``shape`` (spatial[, channels]); the content is lost."""
        spatial, channels = self._split_shape(tuple(int(s) for s in shape))
        if any(s < 1 for s in spatial):
            raise ValueError(f"{self._kind}: shape {tuple(shape)} must be positive")
        fmt = format or FORMATS[channels - 1]
        if fmt not in TEXTURE_FORMATS:
            raise ValueError(
                f"{self._kind}: unknown format {fmt!r}; known: {tuple(TEXTURE_FORMATS)}"
            )
        internal = self._internal
        if internal is None:
            depth = {"depth_component": "depth_component24", "depth_stencil": "depth24_stencil8"}
            internal = depth.get(fmt) or _default_internal(fmt, np.dtype("uint8"))
        self._internal = internal
        self._format = fmt
        self._shape = (*spatial, channels)
        self._glir(Cmd.SIZE, spatial, fmt, internal)

    def set_data(
        self, data: ArrayLike, offset: tuple | None = None, *, format: str | None = None
    ) -> None:
        """Upload ``data``; with ``offset`` (texels, per spatial axis) update a region.

        Without ``offset`` the texture takes the data's shape (reallocating only
        when it changes). With it, the region must lie inside the texture and
        have its number of channels.
        """
        arr = as_gl_array(data, self._kind)
        spatial, channels = self._split_shape(arr.shape)
        if self._internal is None:
            self._internal = _default_internal(format or FORMATS[channels - 1], arr.dtype)
        arr = self._upload_array(arr)
        if offset is None:
            if (*spatial, channels) != self._shape or (format and format != self._format):
                self.resize((*spatial, channels), format=format)
            self._check_channels(channels)
            self._glir(Cmd.DATA, (0,) * self._ndim, arr)
            return
        offset = tuple(int(o) for o in offset)
        if not self._shape:
            raise ValueError(f"{self._kind}: set the size (set_data or resize) before a region")
        if len(offset) != self._ndim:
            raise ValueError(f"{self._kind}: offset {offset} needs {self._ndim} values")
        self._check_channels(channels)
        for o, n, size in zip(offset, spatial, self._shape):
            if o < 0 or o + n > size:
                raise ValueError(
                    f"{self._kind}: region {spatial} at offset {offset} does not fit in "
                    f"the texture of shape {self._shape[:-1]}"
                )
        self._glir(Cmd.DATA, offset, arr)

    def _upload_array(self, arr: np.ndarray) -> np.ndarray:
        """``arr`` in a dtype the internal format accepts in GLES3/WebGL2."""
        internal = self._internal
        if internal.startswith(("depth", "srgb")):
            allowed = {"depth_component32f": ("float32",), "depth_component16": ("uint16",)}
            accepted = allowed.get(internal, ("uint32",) if internal[0] == "d" else ("uint8",))
        else:
            suffix = internal.lstrip("rgba")
            accepted = _UPLOAD_DTYPES[suffix]
        if arr.dtype.name in accepted:
            return arr
        target = np.dtype(accepted[-1])
        if np.can_cast(arr.dtype, target, "safe"):
            return arr.astype(target)
        raise TypeError(
            f"{self._kind}: internal format {internal!r} takes {' or '.join(accepted)} data, "
            f"not {arr.dtype}; convert the data or create the texture with another "
            f"internalformat (for example {_default_internal(self._format or 'rgba', arr.dtype)!r})"
        )

    def _check_channels(self, channels: int) -> None:
        if channels != self._shape[-1]:
            raise ValueError(
                f"{self._kind}: data has {channels} channels, the texture has "
                f"{self._shape[-1]} ({self._format})"
            )


class Texture1D(_Texture):
    """A 1D texture (data (W,) or (W, C)); a sampler2D of height 1 in shaders.

    Examples
    --------
    >>> lut = Texture1D(np.zeros((256, 4), np.uint8), interpolation="linear")
    """

    _kind = "Texture1D"
    _ndim = 1


class Texture2D(_Texture):
    """A 2D texture (data (H, W) or (H, W, C)).

    Examples
    --------
    >>> tex = Texture2D(np.zeros((64, 64, 3), np.uint8))
    >>> tex.set_data(np.ones((8, 8, 3), np.uint8), offset=(4, 4))
    """

    _kind = "Texture2D"
    _ndim = 2


class Texture3D(_Texture):
    """A 3D texture (data (D, H, W) or (D, H, W, C)), for volumes.

    Examples
    --------
    >>> vol = Texture3D(np.zeros((32, 64, 64), np.float32), interpolation="linear")
    """

    _kind = "Texture3D"
    _ndim = 3
