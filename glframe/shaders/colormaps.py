"""Named colormaps, as GLSL functions and as 1D textures, from one source.

Each colormap is a snippet ``glsl/colormaps/NAME.glsl`` defining
``vec4 NAME(float t)`` by linear interpolation between control points (written
by tools/make_colormaps.py). :func:`lut` reads the same points back, so the
texture (:func:`texture`) and the function agree.

Examples
--------
>>> from glframe.shaders import colormaps
>>> colormaps.names()[:3]
['cividis', 'coolwarm', 'grays']
>>> frag["colormap"] = colormaps.function("viridis")      # doctest: +SKIP
>>> program["u_lut"] = colormaps.texture("magma")           # doctest: +SKIP
"""

from __future__ import annotations

import functools
import re

import numpy as np
from numpy.typing import ArrayLike

from ..gloo import Texture1D
from ._function import Function
from ._library import load_function, snippet, snippet_names

__all__ = ["names", "function", "sample", "lut", "texture"]

_VEC3 = re.compile(r"vec3\(([-\d.e]+), ([-\d.e]+), ([-\d.e]+)\)")


def names() -> list[str]:
    """The available colormaps."""
    return [n.split("/", 1)[1] for n in snippet_names() if n.startswith("colormaps/")]


def _check(name: str) -> None:
    if name not in names():
        raise KeyError(f"no colormap {name!r}; colormaps: {', '.join(names())}")


def function(name: str) -> Function:
    """A new Function ``vec4 NAME(float t)`` (t clamped to [0, 1])."""
    _check(name)
    return load_function(f"colormaps/{name}")


@functools.cache
def _points(name: str) -> np.ndarray:
    _check(name)
    return np.array(_VEC3.findall(snippet(f"colormaps/{name}")), dtype=np.float64)


def sample(name: str, t: ArrayLike) -> np.ndarray:
    """The colormap at ``t`` (clamped to [0, 1]) as float RGBA, shape t.shape + (4,)."""
    points = _points(name)
    x = np.linspace(0, 1, len(points))
    t = np.clip(np.asarray(t, dtype=np.float64), 0, 1)
    rgb = [np.interp(t, x, points[:, k]) for k in range(3)]
    return np.stack([*rgb, np.ones_like(t)], axis=-1)


def lut(name: str, n: int = 256) -> np.ndarray:
    """(n, 4) uint8 RGBA samples of the colormap at t = 0 .. 1."""
    return np.round(sample(name, np.linspace(0, 1, n)) * 255).astype(np.uint8)


def texture(name: str, n: int = 256) -> Texture1D:
    """A linearly interpolated Texture1D of the colormap (sample at (t, 0.5))."""
    return Texture1D(lut(name, n), interpolation="linear")
