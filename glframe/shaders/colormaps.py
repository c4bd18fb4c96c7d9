"""Colormaps: named ones and the user's, as textures, numpy samples and GLSL functions.

Every named colormap is 256 RGBA bytes at t = i / 255, stored together in
``colormaps.npz`` beside this module (written by tools/make_colormaps.py: all of
matplotlib's names, glframe's ``fire`` and ``grays``, and vispy's names that
matplotlib does not use, such as ``ice`` and ``hsl``). Any name followed by ``_r`` is
the same colormap reversed. A :class:`Colormap` made from the user's colours (with
alpha: translucent colormaps for volumes) is used exactly like a name.

:func:`resolve` is the one place where a ``cmap`` argument is understood (a name, a
:class:`Colormap`, or an (N, 3|4) array of colours); :func:`lut`, :func:`sample`,
:func:`texture` and :func:`function` accept all three and, as every visual and plot
call that takes a ``cmap``, go through it. All of them interpolate linearly between
the same 256 entries, so the texture, numpy and the GLSL function agree.

Examples
--------
>>> from glframe.shaders import colormaps
>>> colormaps.names()[:3]
['Accent', 'afmhot', 'autumn']
>>> colormaps.lut("viridis_r")[0]                 # the last entry of viridis
array([253, 231,  37, 255], dtype=uint8)
>>> ramp = colormaps.Colormap(["black", (1, 0, 0, 0.5), "white"], positions=[0, 0.8, 1])
>>> colormaps.sample(ramp, 0.4)
array([0.5 , 0.  , 0.  , 0.75])
>>> frag["colormap"] = colormaps.function("viridis")      # doctest: +SKIP
>>> program["u_lut"] = colormaps.texture("magma")           # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import functools
import re
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..gloo import Texture1D
from ..gloo._state import as_rgba
from ._function import Function

__all__ = [
    "Colormap",
    "UnknownColormapError",
    "names",
    "resolve",
    "function",
    "sample",
    "lut",
    "texture",
]

#: entries of every stored table, at t = i / (N - 1)
N = 256


class UnknownColormapError(KeyError, ValueError):
    """No colormap of that name (a KeyError for lookups, a ValueError for arguments)."""

    def __str__(self) -> str:  # KeyError's str() would quote the whole message
        return str(self.args[0])


@functools.cache
def _tables() -> dict[str, np.ndarray]:
    """Every stored colormap by name: (256, 4) uint8 RGBA, read on first use."""
    with resources.files("glframe.shaders").joinpath("colormaps.npz").open("rb") as f:
        data = np.load(f, allow_pickle=False)
        names, steps = data["names"], data["steps"]
    # the file holds each channel's steps from one entry to the next (see the tool)
    rgba = np.cumsum(steps, axis=2, dtype=np.uint8).transpose(0, 2, 1)
    return {str(name): np.ascontiguousarray(table) for name, table in zip(names, rgba)}


def names() -> list[str]:
    """The named colormaps, sorted (case aside); each also works with ``_r`` (reversed)."""
    tables = _tables()
    # the few stored NAME_r tables (see the tool) are reversals, not names of their own
    bases = [n for n in tables if not (n.endswith("_r") and n[:-2] in tables)]
    return sorted(bases, key=lambda n: (n.lower(), n))


class Colormap:
    """A colormap: colours at positions in [0, 1], linearly interpolated.

    Parameters
    ----------
    colors
        N >= 2 colours, first to last: colour names, '#rgb[a]' / '#rrggbb[aa]' strings,
        or an (N, 3|4) array of floats in [0, 1] (a uint8 array is read as 0-255
        bytes). Alpha below 1 makes a translucent colormap (for volumes).
    positions
        N increasing numbers from 0 to 1 where the colours sit (equal neighbours make a
        hard step); default: evenly spaced. An (N, 4) array of 256 entries without
        positions is a lookup table taken as it is.
    name
        What messages and the GLSL function call it.

    Examples
    --------
    >>> import numpy as np
    >>> from glframe.shaders.colormaps import Colormap
    >>> fade = Colormap([(0, 0, 1, 0), (0, 0, 1, 1)], name="blue_fade")
    >>> fade.lut()[[0, 255]]
    array([[  0,   0, 255,   0],
           [  0,   0, 255, 255]], dtype=uint8)
    >>> fade.reversed().name
    'blue_fade_r'
    """

    def __init__(
        self,
        colors: ArrayLike | list[Any],
        positions: ArrayLike | None = None,
        *,
        name: str = "colormap",
    ) -> None:
        what = f"Colormap {name!r}"
        rgba = _as_color_table(colors, what)
        t = np.linspace(0, 1, N)
        if positions is None:
            x = np.linspace(0, 1, len(rgba))
        else:
            x = _as_positions(positions, len(rgba), what)
        self.name = str(name)
        self._rgba = np.stack([np.interp(t, x, rgba[:, k]) for k in range(4)], axis=-1)

    @classmethod
    def _from_bytes(cls, table: np.ndarray, name: str) -> Colormap:
        cmap = cls.__new__(cls)
        cmap.name, cmap._rgba = name, table.astype(np.float64) / 255
        return cmap

    @property
    def rgba(self) -> np.ndarray:
        """The (256, 4) float RGBA entries at t = i / 255 (a copy)."""
        return self._rgba.copy()

    def sample(self, t: ArrayLike) -> np.ndarray:
        """The colormap at ``t`` (clamped to [0, 1]) as float RGBA, shape t.shape + (4,)."""
        t = np.clip(np.asarray(t, dtype=np.float64), 0, 1)
        x = np.linspace(0, 1, N)
        return np.stack([np.interp(t, x, self._rgba[:, k]) for k in range(4)], axis=-1)

    def lut(self, n: int = N) -> np.ndarray:
        """(n, 4) uint8 RGBA samples at t = 0 .. 1."""
        rgba = self._rgba if n == N else self.sample(np.linspace(0, 1, n))
        return np.round(rgba * 255).astype(np.uint8)

    def reversed(self) -> Colormap:
        """The same colormap from 1 to 0, named NAME_r."""
        name = self.name[:-2] if self.name.endswith("_r") else f"{self.name}_r"
        cmap = Colormap.__new__(Colormap)
        cmap.name, cmap._rgba = name, self._rgba[::-1].copy()
        return cmap

    @property
    def translucent(self) -> bool:
        """Whether any entry has alpha below 1."""
        return bool((self._rgba[:, 3] < 1).any())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Colormap):
            return NotImplemented
        return self.name == other.name and np.array_equal(self._rgba, other._rgba)

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        first, last = (tuple(round(float(v), 3) for v in self._rgba[i]) for i in (0, -1))
        return f"<Colormap {self.name!r}: {first} .. {last}>"


def _as_color_table(colors: Any, what: str) -> np.ndarray:
    """(N, 4) float64 in [0, 1] from colour names or an (N, 3|4) array; N >= 2."""
    if isinstance(colors, str):
        raise TypeError(
            f"{what}: colors must be a list of colours, not the string {colors!r} "
            "(for a named colormap, pass the name itself as cmap)"
        )
    if isinstance(colors, (list, tuple)) and any(isinstance(c, str) for c in colors):
        try:
            rows = np.array([as_rgba(c) for c in colors], np.float64)
        except ValueError as exc:
            raise ValueError(f"{what}: {exc}") from None
    else:
        arr = np.asarray(colors)
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{what}: colors of dtype {arr.dtype} are not numbers")
        if arr.ndim != 2 or arr.shape[1] not in (3, 4):
            raise ValueError(f"{what}: colors of shape {arr.shape} are not (N, 3) or (N, 4)")
        rows = arr.astype(np.float64) / (255 if arr.dtype == np.uint8 else 1)
        if not np.all(np.isfinite(rows)):
            raise ValueError(f"{what}: colors contain NaN or infinity")
        if rows.min(initial=0) < 0 or rows.max(initial=0) > 1:
            raise ValueError(
                f"{what}: colour values must be in [0, 1], not up to {rows.max():g} "
                "(for 0-255 bytes, pass a numpy uint8 array or divide by 255)"
            )
        if rows.shape[1] == 3:
            rows = np.c_[rows, np.ones(len(rows))]
    if len(rows) < 2:
        raise ValueError(f"{what}: needs at least 2 colours, not {len(rows)}")
    return rows


def _as_positions(positions: Any, n: int, what: str) -> np.ndarray:
    try:
        x = np.asarray(positions, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{what}: positions must be {n} numbers, not {positions!r}") from None
    if x.shape != (n,):
        raise ValueError(f"{what}: positions of shape {x.shape} are not ({n},), one per colour")
    if not np.all(np.isfinite(x)) or x[0] != 0 or x[-1] != 1 or np.any(np.diff(x) < 0):
        raise ValueError(
            f"{what}: positions must increase from 0 to 1, not {x.tolist()} "
            "(equal neighbours make a hard step)"
        )
    return x


@functools.cache
def _named(name: str) -> Colormap:
    tables = _tables()
    if name in tables:
        return Colormap._from_bytes(tables[name], name)
    if name.endswith("_r") and name[:-2] in tables:
        return _named(name[:-2]).reversed()
    raise UnknownColormapError(_unknown(name))


def _unknown(name: str) -> str:
    known = names()
    by_lower = {n.lower(): n for n in (*known, *(f"{n}_r" for n in known))}
    near = [by_lower[n] for n in difflib.get_close_matches(name.lower(), list(by_lower), n=3)]
    hint = f"did you mean {' or '.join(map(repr, near))}? " if near else ""
    return (
        f"no colormap {name!r}; {hint}glframe.shaders.colormaps.names() lists all "
        f"{len(known)} names (add '_r' to reverse one), or pass your own colours "
        "as Colormap(colors, positions) or an (N, 3|4) array"
    )


def resolve(cmap: str | Colormap | ArrayLike, what: str = "cmap") -> Colormap:
    """The :class:`Colormap` meant by a ``cmap`` argument, or a clear error.

    ``cmap`` is a name of :func:`names` (``"viridis"``, ``"viridis_r"``), a
    :class:`Colormap`, or an (N, 3|4) array of colours (evenly spaced; a uint8 array
    holds 0-255 bytes). ``what`` names the argument in messages (``"Image.cmap"``).
    """
    if isinstance(cmap, Colormap):
        return cmap
    if isinstance(cmap, str):
        try:
            return _named(cmap)
        except UnknownColormapError as exc:
            raise UnknownColormapError(f"{what}: {exc}") from None
    if cmap is None or np.ndim(cmap) != 2:
        raise TypeError(
            f"{what} must be a colormap name, a Colormap or an (N, 3|4) array of colours, "
            f"not {cmap!r}"
        )
    return Colormap(cmap, name=what)


def sample(cmap: str | Colormap | ArrayLike, t: ArrayLike) -> np.ndarray:
    """The colormap at ``t`` (clamped to [0, 1]) as float RGBA, shape t.shape + (4,)."""
    return resolve(cmap).sample(t)


def lut(cmap: str | Colormap | ArrayLike, n: int = N) -> np.ndarray:
    """(n, 4) uint8 RGBA samples of the colormap at t = 0 .. 1."""
    return resolve(cmap).lut(n)


def texture(cmap: str | Colormap | ArrayLike, n: int = N) -> Texture1D:
    """A linearly interpolated Texture1D of the colormap (sample at (t, 0.5))."""
    return Texture1D(lut(cmap, n), interpolation="linear")


def function(cmap: str | Colormap | ArrayLike) -> Function:
    """A new Function ``vec4 NAME(float t)`` (t clamped to [0, 1]) for the colormap.

    Its 256 entries are constants in the shader, packed as one uint per RGBA colour,
    interpolated as :func:`sample` does::

        const uint viridis_lut[256] = uint[256](0x440154ffu, 0x440256ffu, ...);
        vec4 viridis(float t) {
            float x = clamp(t, 0.0, 1.0) * 255.0;
            int i = min(int(x), 254);
            ...
            return mix(viridis_rgba(i), viridis_rgba(i + 1), x - float(i));
        }
    """
    cmap = resolve(cmap)
    fn = re.sub(r"\W", "_", cmap.name)
    fn = fn if fn[:1].isalpha() else f"cmap_{fn}"
    packed = cmap.lut().astype(np.uint32) @ np.array([1 << 24, 1 << 16, 1 << 8, 1], np.uint32)
    rows = ",\n".join(
        "    " + ", ".join(f"0x{int(v):08x}u" for v in packed[i : i + 8]) for i in range(0, N, 8)
    )
    code = (
        f"// colormap {cmap.name}: {N} RGBA bytes per entry, linearly interpolated.\n"
        f"const uint {fn}_lut[{N}] = uint[{N}](\n{rows}\n);\n\n"
        f"vec4 {fn}_rgba(int i) {{\n"
        f"    uvec4 c = (uvec4({fn}_lut[i]) >> uvec4(24u, 16u, 8u, 0u)) & uvec4(255u);\n"
        "    return vec4(c) / 255.0;\n"
        "}\n\n"
        f"vec4 {fn}(float t) {{\n"
        f"    float x = clamp(t, 0.0, 1.0) * {N - 1}.0;\n"
        f"    int i = min(int(x), {N - 2});\n"
        f"    return mix({fn}_rgba(i), {fn}_rgba(i + 1), x - float(i));\n"
        "}\n"
    )
    return Function(code, name=f"colormap {cmap.name}")
