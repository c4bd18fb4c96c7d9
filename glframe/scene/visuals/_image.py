"""Image: a 2D array drawn as pixels, through a colormap or as RGB(A) colours.

Pixel (i, j) of an (H, W) image covers the square [j, j+1] x [i, i+1] in the
visual's coordinates (x = column, y = row); use ``PanZoomCamera(flip=(False,
True))`` to show row 0 at the top.

How it is drawn: one quad per tile, each tile a texture read by index
(``texelFetch``) in the fragment shader. Grayscale data is stored as R8 (uint8
and bool) or R32F (everything else); WebGL2 cannot filter R32F, so
``interpolation="linear"`` is a bilinear blend computed in the shader from the
four nearest texels, and the kernels (``KERNELS``: "bicubic" and the other kernels
vispy offers that need no special function) weigh 4x4 to 8x8 fetched texels there
(glsl/image/kernels.glsl). The same code serves RGB(A) data (RGB8/RGBA8 for uint8,
RGB32F/RGBA32F for floats). Contrast limits, gamma and the colormap (a 256-texel
lookup texture) are applied in the shader, so changing them sends a uniform or
the texture's DATA, never a new shader.

Images wider or taller than ``max_texture_size`` (default 4096: WebGL2 only
guarantees 2048, but practically every implementation has 4096 or more) are
split into tiles of at most that size, overlapping by ``APRON`` (4) texels on each
side so that interpolation across a seam (the widest kernel reaches 4 texels) reads
the same texels as it would without tiles: a tiled image renders like an untiled
one. No GL query is made
(GLIR has none); lower the limit for a smaller GPU.

Limits: NaN pixels show ``nan_color`` (transparent by default; with "linear" or a
kernel, NaN neighbours are left out of the blend). Kernels with negative lobes
("catrom", "mitchell", the splines, "lanczos", "blackman") overshoot beside sharp
edges, as they do in any library. Integers beyond 2**24 lose precision in float32.
``clim``, ``cmap`` and ``gamma`` apply to grayscale data only; RGB(A) floats are
clamped to [0, 1].
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ... import gloo
from ...shaders import Variable, snippet
from .._reactive import Prop
from .._visual import DrawContext, Visual
from . import _data as checks
from ._data import Colormapped, finite_range

__all__ = ["Image"]

_GLSL = __package__  # the visuals' GLSL lives next to them, in glsl/

VERT = """
in vec2 a_position;
out vec2 v_pos;
void main() {
    v_pos = a_position;
    gl_Position = $transform(vec4(a_position, 0.0, 1.0));
}
"""
FRAG_DECLARATIONS = """
uniform highp sampler2D u_data;
uniform sampler2D u_cmap;
uniform vec2 u_tile_origin;
uniform vec2 u_image_size;
uniform vec2 u_clim;
uniform float u_gamma;
uniform float u_linear;
uniform float u_kernel;
uniform vec2 u_kernel_bc;
uniform float u_kernel_radius;
uniform float u_color_mode;
uniform float u_value_scale;
uniform vec4 u_nan_color;
in vec2 v_pos;
out vec4 f_color;
"""
FRAG_MAIN = """
void main() {
    // $sampling (0 nearest, 1 linear, 2 a kernel) and $colors (0 values, 1 RGBA colours)
    // are constants: the compiler drops the paths not taken (llvmpipe runs every side of
    // a uniform branch: a nearest 4096^2 image paid the bilinear taps, 7.2 -> 5.9 ms a
    // frame without them; the kernels' taps doubled a linear image's frame time)
    vec4 s = $sampling > 1.5 ? image_sample_kernel(v_pos)
           : $sampling > 0.5 ? image_sample(v_pos)
           : image_texel(ivec2(floor(v_pos)));
    vec4 color = $colors > 0.5 ? clamp(s, 0.0, 1.0) : image_colormap(s.r * u_value_scale);
    if (image_missing(s)) color = u_nan_color;
    if (color.a <= 0.0) discard;
    f_color = $post(color);
}
"""

#: the resampling kernels of glsl/image/kernels.glsl: name -> (u_kernel id, radius in
#: texels, (B, C) of the Mitchell-Netravali cubic family); the names and kernels are
#: vispy's (and matplotlib's): "bicubic" is the cubic B-spline, which smooths a little
#: and does not pass through the texel values, "catrom" is the interpolating cubic
KERNELS: dict[str, tuple[float, float, tuple[float, float]]] = {
    "bicubic": (1.0, 2.0, (1.0, 0.0)),
    "catrom": (1.0, 2.0, (0.0, 0.5)),
    "mitchell": (1.0, 2.0, (1 / 3, 1 / 3)),
    "spline16": (2.0, 2.0, (0.0, 0.0)),
    "spline36": (3.0, 3.0, (0.0, 0.0)),
    "gaussian": (4.0, 2.0, (0.0, 0.0)),
    "lanczos": (5.0, 4.0, (0.0, 0.0)),
    "blackman": (6.0, 4.0, (0.0, 0.0)),
}
INTERPOLATIONS = ("nearest", "linear", *KERNELS)
#: texels of apron on each side of a tile: the widest kernel's reach (lanczos, blackman)
APRON = 4

_max_size = checks.number(minimum=2 * APRON + 1)


def _tile_ranges(n: int, max_size: int) -> list[tuple[int, int]]:
    """[start, stop) index ranges covering 0..n, each drawn by one tile."""
    if n <= max_size:
        return [(0, n)]
    step = max_size - 2 * APRON  # room for the apron on each side
    return [(start, min(start + step, n)) for start in range(0, n, step)]


def _as_image(data: ArrayLike) -> np.ndarray:
    """(H, W[, 3|4]) uint8 or float32, C-contiguous; refuses what cannot be drawn."""
    arr = np.asarray(data)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"Image.data: dtype {arr.dtype} is not a real number type")
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (3, 4)):
        raise ValueError(f"Image.data: shape {arr.shape} is not (H, W), (H, W, 3) or (H, W, 4)")
    if arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(f"Image.data: shape {arr.shape} is empty")
    if arr.ndim == 3 and arr.dtype != np.uint8 and arr.dtype.kind != "f":
        raise TypeError(
            f"Image.data: RGB(A) data must be uint8 or floats in [0, 1], not {arr.dtype}"
        )
    if arr.dtype.kind == "f":
        big = np.abs(arr[np.isfinite(arr)]).max(initial=0)
        if big > np.finfo(np.float32).max:
            raise ValueError(f"Image.data: value {big:g} does not fit in float32")
    if arr.dtype == np.bool_:
        arr = arr.astype(np.uint8)
    if arr.dtype != np.uint8:
        arr = arr.astype(np.float32)
    return np.ascontiguousarray(arr)


class Image(Colormapped, Visual):
    """An image: grayscale through a colormap, or RGB(A).

    Parameters
    ----------
    data
        (H, W) values of any real dtype (NaN allowed), or (H, W, 3|4) colours,
        uint8 or floats in [0, 1].
    cmap
        A colormap name of :func:`glframe.shaders.colormaps.names`.
    clim
        (min, max) contrast limits in data units, or "auto" (the finite data's range).
    gamma
        Exponent applied to the normalized value (> 0).
    interpolation
        "nearest", "linear" (bilinear) or a resampling kernel ("bicubic",
        "catrom", "mitchell", "spline16", "spline36", "gaussian", "lanczos",
        "blackman"; see docs/visuals.md), computed in the shader.
    nan_color
        The colour of NaN pixels (default transparent).
    max_texture_size
        Largest texture side; larger images are tiled (default: the class
        attribute, 4096).
    parent, **kwargs
        As for :class:`~glframe.scene.Node`.

    Examples
    --------
    >>> from glframe import scene
    >>> canvas = scene.SceneCanvas(size=(300, 200))
    >>> view = canvas.add_view(camera=scene.PanZoomCamera(aspect=1, flip=(False, True)))
    >>> data = np.hypot(*np.mgrid[-1:1:120j, -1:1:160j])
    >>> image = scene.visuals.Image(data, cmap="magma", parent=view.scene)
    >>> view.camera.set_range()
    >>> image.clim = (0.2, 1.0)          # a uniform update at the next frame
    >>> image.cmap = "viridis"           # the lookup texture's data, no recompilation
    >>> canvas.render().shape
    (200, 300, 4)
    >>> canvas.close()
    """

    #: largest texture side used (a tile's, apron included); WebGL2 guarantees 2048,
    #: practically every implementation 4096 or more
    max_texture_size: int = 4096

    def __init__(
        self,
        data: ArrayLike | None = None,
        *,
        cmap: str = "viridis",
        clim: Any = "auto",
        gamma: float = 1.0,
        interpolation: str = "nearest",
        nan_color: gloo.Color = "transparent",
        max_texture_size: int | None = None,
        parent: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            VERT,
            FRAG_DECLARATIONS
            + snippet("image/texel", _GLSL)
            + snippet("image/sample", _GLSL)
            + snippet("image/kernels", _GLSL)
            + FRAG_MAIN,
            parent,
            **kwargs,
        )
        # 0 nearest, 1 linear, 2 a kernel; 0 values, 1 colours: constants, so an image
        # carries the code of its own sampling and colouring only
        self._sampling = Variable("IMAGE_SAMPLING", 0.0, kind="const")
        self.frag["sampling"] = self._sampling
        self._colors = Variable("IMAGE_COLORS", 0.0, kind="const")
        self.frag["colors"] = self._colors
        self._gamma_one = Variable("IMAGE_GAMMA_ONE", 1.0, kind="const")  # 1: gamma is 1
        self.frag["gamma_one"] = self._gamma_one
        self._data: np.ndarray | None = None  # nothing is drawn until set_data
        self._tiles: list[tuple[gloo.Texture2D, tuple[int, int]]] = []  # texture, origin
        self._tile_key: tuple | None = None
        self._geometry: gloo.VertexBuffer | None = None
        if max_texture_size is not None:
            self.max_texture_size = int(_max_size(max_texture_size, "Image.max_texture_size"))
        self.set_data(
            data,
            cmap=cmap,
            clim=clim,
            gamma=gamma,
            interpolation=interpolation,
            nan_color=nan_color,
        )

    # ---- data --------------------------------------------------------------------------
    def set_data(self, data: ArrayLike | None = None, **properties: Any) -> None:
        """Replace the image (None: keep it) and set any properties, checked together (all
        or nothing); data of the same shape and kind reuses the textures."""
        arr = None if data is None else _as_image(data)
        self._assign(properties, caller="set_data")
        if arr is None:
            return
        self._data = arr
        if arr.ndim == 2:
            self._auto_clim = finite_range([arr]) or (0.0, 1.0)
        self._dirty.update(("data", "clim"))

    @property
    def data(self) -> np.ndarray | None:
        """The image as stored: (H, W[, 3|4]) uint8, or float32 (None before any data)."""
        return self._data

    @data.setter
    def data(self, value: ArrayLike) -> None:
        self.set_data(value)

    gamma = Prop(
        checks.number(above=0),
        "Exponent applied to the normalized value (> 0; grayscale data only).",
    )
    interpolation = Prop(
        checks.choice(*INTERPOLATIONS),
        '"nearest" (pixels as squares), "linear" (bilinear) or a kernel: "bicubic" (cubic '
        'B-spline, smooth), "catrom" (Catmull-Rom, through the texels), "mitchell", '
        '"spline16", "spline36", "gaussian", "lanczos" or "blackman" (radius 4); all '
        "computed in the shader from the nearest texels.",
    )
    nan_color = Prop(
        checks.color(), "The colour of NaN pixels, as RGBA floats (default transparent)."
    )

    @property
    def tiles(self) -> int:
        """How many textures the image is drawn from (1 unless tiled)."""
        return len(self._tiles)

    # ---- drawing ------------------------------------------------------------------------
    def _prepare(self, ctx: DrawContext) -> None:
        if self._data is None:
            return  # what is dirty stays so until there is data
        program = self.program
        dirty, self._dirty = self._dirty, set()
        if "cmap" in dirty:
            self._upload_colormap()
        if self._tile_key is not None and self._tile_key[2] != int(self.max_texture_size):
            dirty.add("data")  # the limit changed: tile again
        if "data" in dirty:
            self._upload()
        if "clim" in dirty:
            program["u_clim"] = self.clim
        if "gamma" in dirty:
            program["u_gamma"] = self.gamma
            self._gamma_one.value = float(self.gamma == 1)  # changed: recompiled
        if "interpolation" in dirty:
            linear = 1.0 if self.interpolation == "linear" else 0.0
            program["u_linear"] = linear
            kernel, radius, bc = KERNELS.get(self.interpolation, (0.0, 1.0, (0.0, 0.0)))
            sampling = 2.0 if kernel > 0 else linear
            self._sampling.value = sampling  # changed: another program, recompiled
            program["u_kernel"] = kernel
            program["u_kernel_radius"] = radius
            program["u_kernel_bc"] = bc
        if "nan_color" in dirty:
            program["u_nan_color"] = self.nan_color

    def _upload(self) -> None:
        """Textures and quads for the tiles; same shape and format: DATA only."""
        data = self._data
        h, w = data.shape[:2]
        limit = int(_max_size(self.max_texture_size, "Image.max_texture_size"))
        rows, cols = _tile_ranges(h, limit), _tile_ranges(w, limit)
        kind = (data.dtype.name, data.shape[2] if data.ndim == 3 else 1)
        key = (h, w, limit, kind)
        tiled = len(rows) * len(cols) > 1
        regions = []
        for r0, r1 in rows:
            for c0, c1 in cols:
                # with tiles, APRON texels on each side (inside the image)
                t0, t1 = (max(r0 - APRON, 0), min(r1 + APRON, h)) if tiled else (r0, r1)
                s0, s1 = (max(c0 - APRON, 0), min(c1 + APRON, w)) if tiled else (c0, c1)
                regions.append(((r0, r1, c0, c1), (t0, t1, s0, s1)))
        if key != self._tile_key:
            for texture, _ in self._tiles:
                texture.delete()
            self._tiles = [
                (gloo.Texture2D(data[t0:t1, s0:s1]), (s0, t0)) for _, (t0, t1, s0, s1) in regions
            ]
            quads = []
            for (r0, r1, c0, c1), _ in regions:
                quads += [(c0, r0), (c1, r0), (c1, r1), (c0, r0), (c1, r1), (c0, r1)]
            quads = np.array(quads, np.float32)
            if self._geometry is None:
                self._geometry = gloo.VertexBuffer(quads)
            else:
                self._geometry.set_data(quads)
            self._tile_key = key
        else:
            for (texture, _), (_, (t0, t1, s0, s1)) in zip(self._tiles, regions):
                texture.set_data(data[t0:t1, s0:s1])
        program = self.program
        program["a_position"] = self._geometry
        program["u_image_size"] = (float(w), float(h))
        colors = 1.0 if data.ndim == 3 else 0.0
        program["u_color_mode"] = colors  # for image/sample.glsl's blending
        self._colors.value = colors  # changed: another program, recompiled
        program["u_value_scale"] = 255.0 if data.dtype == np.uint8 else 1.0

    def _draw(self, ctx: DrawContext) -> None:
        if self._data is None:
            return
        program = self.program
        for k, (texture, origin) in enumerate(self._tiles):
            program["u_data"] = texture
            program["u_tile_origin"] = (float(origin[0]), float(origin[1]))
            program.draw("triangles", first=6 * k, count=6)

    def bounds(self, axis: int) -> tuple[float, float] | None:
        if self._data is None:
            return None
        if axis == 0:
            return (0.0, float(self._data.shape[1]))
        if axis == 1:
            return (0.0, float(self._data.shape[0]))
        return (0.0, 0.0)
