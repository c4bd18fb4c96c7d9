"""MultiscaleImage: a 2D image bigger than memory, drawn from tiles of a multiscale source.

Level 0's pixel (column, row) covers [column, column + 1] x [row, row + 1] in the
visual's coordinates, as with :class:`~glframe.scene.visuals.Image`; coarser levels
cover the same extent (their placement comes from the source's ``scale`` and
``translate``). The GL-free work is done by :mod:`glframe.data`: a
:class:`~glframe.data.TileGrid` picks the level and the visible tiles, a
:class:`~glframe.data.TileCache` holds tiles in RAM under ``cpu_budget``, and a
:class:`~glframe.data.TileLoader` reads them on worker threads, most important
first; the draw never waits for a read.

Each frame (``_prepare``):

1. The view's corners, mapped through the camera's and the node's transforms
   (``imap``), give the visible box in level-0 pixels and how many level-0 pixels
   one framebuffer pixel covers; ``TileGrid.choose_level`` picks the level (the
   coarsest with at least one texel per screen pixel).
2. The visible tiles of that level are requested, nearest the view centre
   first. Every tile of the coarsest level is pinned in the cache and was read
   synchronously at the first draw, so no frame shows a pixel without data.
3. At most ``uploads_per_frame`` loaded tiles become textures (one texture per
   resident tile; a tile evicted for a same-shaped one lends it its texture,
   updated with ``set_data``). GPU bytes stay within ``gpu_budget``: the least
   recently drawn tiles not of the coarsest level are evicted.
4. Drawing: the coarsest level first, then the resident tiles of finer levels
   down to the chosen one, coarse to fine, so a missing fine tile shows the
   coarse one under it.

A tile loaded on a worker thread asks for a redraw with ``update()`` (safe from
any thread: it sets the canvas's dirty flag and wakes the event loop with a
thread-safe call).

Leading axes (time, channel) are sliced by ``index``; changing it reads the new
slice's coarsest level at the next frame and its finer tiles in the background,
while the GPU keeps the other slices' textures until the budget needs room.

Limits: PanZoom-style views (a
rotated or 3D camera is handled through the bounding box of the view's corners on
the image plane), nearest-neighbour sampling only, grayscale values through a
colormap. Positions are float32 on the GPU: texel choice is exact (tile-local
coordinates), but tile placement is off by about ``x / 2**24`` level-0 pixels at
level-0 coordinate ``x``, which shows as seams only when one screen pixel covers
fewer than about ``x / 2**22`` level-0 pixels.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from ... import gloo
from ...shaders import snippet
from .._reactive import Prop
from .._visual import DrawContext
from . import _data as checks
from ._tiled import Tiled

__all__ = ["MultiscaleImage"]

_GLSL = __package__

DEFAULT_TILE = 512

VERT = """
in vec2 a_unit;          // the unit quad
uniform vec2 u_origin;   // the tile's corner in level-0 pixels (x, y)
uniform vec2 u_scale;    // one texel of the tile's level in level-0 pixels (x, y)
uniform vec2 u_size;     // the tile's size in its level's pixels (columns, rows)
out vec2 v_local;        // position in the tile, in its level's pixels
void main() {
    v_local = a_unit * u_size;
    gl_Position = $transform(vec4(u_origin + v_local * u_scale, 0.0, 1.0));
}
"""
FRAG_DECLARATIONS = """
uniform highp sampler2D u_data;
uniform sampler2D u_cmap;
uniform vec2 u_tile_origin;   // unused here (sample.glsl's image_texel)
uniform vec2 u_image_size;    // unused here
uniform float u_linear;       // unused here
uniform float u_color_mode;   // unused here
uniform vec2 u_clim;
uniform float u_gamma;
uniform float u_value_scale;
uniform vec2 u_size;
uniform float u_debug;
uniform float u_level;
in vec2 v_local;
out vec4 f_color;
"""
FRAG_MAIN = """
vec3 level_tint(float level) {
    int k = int(level) % 6;
    if (k == 0) return vec3(1.0, 0.2, 0.2);
    if (k == 1) return vec3(0.2, 1.0, 0.2);
    if (k == 2) return vec3(0.3, 0.4, 1.0);
    if (k == 3) return vec3(1.0, 1.0, 0.2);
    if (k == 4) return vec3(1.0, 0.2, 1.0);
    return vec3(0.2, 1.0, 1.0);
}
void main() {
    // texel by tile-local index: exact however far the tile is from the origin
    ivec2 i = clamp(ivec2(floor(v_local)), ivec2(0), ivec2(u_size) - 1);
    vec4 s = texelFetch(u_data, i, 0);
    vec4 color = image_colormap(s.r * u_value_scale);
    if (image_missing(s)) color = vec4(0.0);
    if (u_debug > 0.5) {
        color.rgb = mix(color.rgb, level_tint(u_level), 0.45);
        vec2 w = fwidth(v_local);
        vec2 edge = min(v_local, u_size - v_local) / max(w, vec2(1e-6));
        if (min(edge.x, edge.y) < 1.5) color = vec4(1.0, 1.0, 1.0, 1.0);
    }
    if (color.a <= 0.0) discard;
    f_color = $post(color);
}
"""

_UNIT_QUAD = np.array([(0, 0), (1, 0), (1, 1), (0, 0), (1, 1), (0, 1)], np.float32)


class MultiscaleImage(Tiled):
    """A 2D multiscale image drawn from tiles loaded in the background.

    Parameters
    ----------
    source
        A :class:`glframe.data.Multiscale` (2D, real numbers; leading axes such as
        time or channel are sliced by ``index``), a list of arrays finest first (each
        2x coarser), or one array.
    cmap
        A colormap name of :func:`glframe.shaders.colormaps.names`.
    clim
        (min, max) contrast limits, or "auto": the coarsest level's range
        (known after the first draw or :meth:`wait`; (0, 255) for uint8 before).
    tile
        Tile side in each level's pixels (default 512).
    cpu_budget
        Bytes of tiles held in RAM: an int (this visual's own), a
        :class:`glframe.data.Budget` (shared fairly with the visuals given the same
        one) or None (the default, shared by every multiscale visual without its own:
        1/8 of physical RAM). The visual's share must hold the coarsest level.
    gpu_budget
        Bytes of tile textures, likewise (default: 512 MiB shared).
    uploads_per_frame
        Loaded tiles turned into textures per frame at most (default 4).
    index
        The position on the source's leading axes (default: all 0); see
        :attr:`index`.
    parent, **kwargs
        As for :class:`~glframe.scene.Node`.

    Examples
    --------
    >>> from glframe import scene
    >>> from glframe.data.synthetic import mandelbrot
    >>> canvas = scene.SceneCanvas(size=(256, 256))
    >>> view = canvas.add_view(camera=scene.PanZoomCamera(aspect=1, flip=(False, True)))
    >>> image = scene.visuals.MultiscaleImage(mandelbrot(size=2**14, tile=256),
    ...                                       parent=view.scene)
    >>> view.camera.set_range(margin=0)
    >>> image.wait(timeout=60)
    True
    >>> canvas.render().shape, image.stats()["level"]
    ((256, 256, 4), 6)
    >>> image.close(); canvas.close()
    """

    debug = Prop(
        checks.flag(),
        "The visual debugger: tint each tile by its level (red, green, blue, yellow, magenta, "
        "cyan, then again) and outline tile borders in white.",
    )
    uploads_per_frame = Prop(
        checks.integer(minimum=1),
        "Loaded tiles turned into textures per frame at most, so that a frame never stalls "
        "on uploads (the coarsest level is uploaded whole at the first draw, and the frame "
        "after wait() uploads every wanted tile).",
    )

    def __init__(
        self,
        source: Any,
        *,
        cmap: str = "viridis",
        clim: Any = "auto",
        tile: int | None = None,
        cpu_budget: Any = None,
        gpu_budget: Any = None,
        uploads_per_frame: int = 4,
        index: Any = None,
        parent: Any = None,
        **kwargs: Any,
    ) -> None:
        dtype = getattr(source, "dtype", None)
        if dtype is None and isinstance(source, (list, tuple)) and source:
            dtype = getattr(source[0], "dtype", None)
        self._float = dtype is not None and np.dtype(dtype) not in (np.uint8, np.bool_)
        super().__init__(
            source,
            VERT,
            FRAG_DECLARATIONS + snippet("image/sample", _GLSL) + FRAG_MAIN,
            tile=DEFAULT_TILE if tile is None else tile,
            cpu_budget=cpu_budget,
            gpu_budget=gpu_budget,
            gpu_itemsize=4 if self._float else 1,
            index=index,
            parent=parent,
            **kwargs,
        )
        # GPU side: (key, index) -> [texture, nbytes, frame last drawn], least recently
        # drawn first
        self._gpu: OrderedDict[Any, list] = OrderedDict()
        self._gpu_bytes = 0
        self._gpu_limit = self._gpu_share.share(self)
        self._uploads = 0
        self._geometry: gloo.VertexBuffer | None = None
        self._level = self._coarsest
        self._wanted: list = []  # the chosen level's visible tiles, in priority order
        self._frame = 0
        self._box: tuple = ((0.0, 0.0), (0.0, 0.0))
        self._assign(
            dict(cmap=cmap, clim=clim, debug=False, uploads_per_frame=uploads_per_frame),
            caller="__init__",
        )

    # ---- public ----------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """``level`` (the level chosen for the last view), ``tiles_pending`` (its visible
        tiles not drawn-ready: not loaded, or loaded and not uploaded), ``cpu_bytes``,
        ``gpu_bytes``, ``tiles_loaded`` (reads done), ``tiles_resident`` (textures),
        ``uploads`` (textures filled so far), ``cpu_budget`` and ``gpu_budget`` (this
        visual's shares of the budgets now), and ``wanted_share``: the share (0 to 1) of
        the image's visible area, as last drawn, covered by resident tiles of the chosen
        level (1.0 when nothing finer than the coarsest level is wanted); the rest shows
        a coarser level."""
        loader = self._loader.stats()
        index = self._index
        pending = sum(1 for k in self._wanted if (k, index) not in self._gpu)
        (y0, y1), (x0, x1) = self._box
        total = drawn = 0.0
        for key in self._wanted:
            (r0, r1), (c0, c1) = self._grid.extent(key)
            area = max(0.0, min(r1, y1) - max(r0, y0)) * max(0.0, min(c1, x1) - max(c0, x0))
            total += area
            if (key, index) in self._gpu:
                drawn += area
        return {
            "level": self._level,
            "tiles_pending": pending,
            "cpu_bytes": self._cache.bytes,
            "gpu_bytes": self._gpu_bytes,
            "tiles_loaded": loader["tiles_loaded"],
            "tiles_resident": len(self._gpu),
            "uploads": self._uploads,
            "cpu_budget": self._cache.budget_bytes,
            "gpu_budget": self._gpu_limit,
            "wanted_share": drawn / total if total > 0 else 1.0,
        }

    # ---- frame work --------------------------------------------------------------------
    def view_box(self, view: Any, size: Sequence[float]) -> tuple[tuple, tuple, float]:
        """The view's box in level-0 pixels, ``((row0, row1), (col0, col1))``, unclipped;
        the view centre ``(row, col)``; and level-0 pixels per framebuffer pixel
        (the larger of the two axes). ``size`` is the view's (w, h) in framebuffer
        pixels."""
        clip = np.array([[-1, -1, 0], [1, -1, 0], [1, 1, 0], [-1, 1, 0], [0, 0, 0]], float)
        scene_pts = view.camera.transform.imap(clip)
        local = self.transform_to(view.scene).imap(scene_pts)[:, :2]
        corners = local[:4]
        x0, x1 = float(corners[:, 0].min()), float(corners[:, 0].max())
        y0, y1 = float(corners[:, 1].min()), float(corners[:, 1].max())
        # per axis: the view's width on screen spans size[0] pixels (rotations: the box)
        px = max((x1 - x0) / size[0], (y1 - y0) / size[1])
        centre = (float(local[4, 1]), float(local[4, 0]))
        return ((y0, y1), (x0, x1)), centre, px

    def _update_wanted(self, view: Any, size: Sequence[float]) -> tuple:
        box, centre, px = self.view_box(view, size)
        grid = self._grid
        if not (np.isfinite(px) and px > 0):
            level = self._coarsest
        else:
            level = grid.choose_level(px)
        wanted = (
            grid.prioritize(grid.visible(level, box), centre) if level != self._coarsest else []
        )
        # only what is not a texture yet (so a tile read, then evicted from a full CPU
        # cache before its upload, is asked for again once another tile is uploaded); the
        # coarsest level is pinned and already in the cache, so requesting it is free
        index = self._index
        missing = [k for k in wanted if (k, index) not in self._gpu]
        self._loader.request(missing + list(grid.keys(self._coarsest)), index)
        self._level = level
        self._wanted = wanted
        return box

    def _texture_bytes(self, tile: np.ndarray) -> int:
        return int(tile.size) * (4 if self._float else 1)

    def _upload(self, key: Any, tile: np.ndarray, protected: set) -> bool:
        """Make ``key`` (a tile key and an index) resident; False when the GPU budget has
        no room."""
        data = tile.astype(np.float32) if self._float and tile.dtype != np.float32 else tile
        if data.dtype == np.bool_:
            data = data.astype(np.uint8)
        size = self._texture_bytes(data)
        need = self._gpu_bytes + size - self._gpu_limit
        victims = []
        if need > 0:
            for vk, entry in self._gpu.items():  # least recently drawn first
                if vk in protected:
                    continue
                victims.append(vk)
                need -= entry[1]
                if need <= 0:
                    break
            if need > 0:
                return False
        reuse = None
        for vk in victims:
            texture, nbytes, _ = self._gpu.pop(vk)
            self._gpu_bytes -= nbytes
            if reuse is None and texture.shape[:2] == data.shape[:2] and nbytes == size:
                reuse = texture
            else:
                texture.delete()
        if reuse is not None:
            reuse.set_data(data)
            texture = reuse
        else:
            texture = gloo.Texture2D(data)
        self._gpu[key] = [texture, size, self._frame]
        self._gpu_bytes += size
        self._uploads += 1
        return True

    def _prepare(self, ctx: DrawContext) -> None:
        self._frame += 1
        program = self.program
        self._gpu_limit = self._budgets()
        coarse_tiles = self._load_coarsest()
        if self._geometry is None:
            self._geometry = gloo.VertexBuffer(_UNIT_QUAD)
            program["a_unit"] = self._geometry
            program["u_value_scale"] = 255.0 if not self._float else 1.0
            program["u_linear"] = 0.0
            program["u_color_mode"] = 0.0
            program["u_gamma"] = 1.0
            program["u_image_size"] = (1.0, 1.0)
            program["u_tile_origin"] = (0.0, 0.0)
        dirty, self._dirty = self._dirty, set()
        if "cmap" in dirty:
            self._upload_colormap()
        if "clim" in dirty:
            program["u_clim"] = self.clim
        if "debug" in dirty:
            program["u_debug"] = 1.0 if self.debug else 0.0
        size = tuple(ctx.view.variables["viewport"].value)
        self._box = self._update_wanted(ctx.view, size)
        index = self._index
        # the coarsest level: whole at the first draw and at each index change
        coarse = [(key, index) for key in self._grid.keys(self._coarsest)]
        protected = set(coarse) | {(key, index) for key in self._wanted}
        for key, tile in zip(coarse, coarse_tiles):
            if key not in self._gpu:
                self._upload(key, tile, protected)
        budget = len(self._wanted) if self._upload_all else int(self.uploads_per_frame)
        self._upload_all = False
        for key in self._wanted:
            if budget <= 0:
                break
            if (key, index) in self._gpu:
                continue
            tile = self._cache.get(key, index)
            if tile is None:
                continue
            if not self._upload((key, index), tile, protected):
                break
            budget -= 1
        # over the share (another visual joined): give back what is not drawn
        self._evict_to(self._gpu_limit, protected)

    def _evict_to(self, limit: int, protected: set) -> None:
        for vk in [k for k in self._gpu if k not in protected]:
            if self._gpu_bytes <= limit:
                break
            texture, nbytes, _ = self._gpu.pop(vk)
            texture.delete()
            self._gpu_bytes -= nbytes

    def _draw(self, ctx: DrawContext) -> None:
        if self._geometry is None:
            return
        (y0, y1), (x0, x1) = self._box
        grid, ms = self._grid, self._ms
        drawn = []
        index = self._index
        for key, key_index in self._gpu:
            if key_index != index:
                continue
            level = key[0]
            if key[0] != self._coarsest and max(ms.scale[level]) < max(ms.scale[self._level]):
                continue  # finer than the chosen level: not drawn
            (r0, r1), (c0, c1) = grid.extent(key)
            if r1 <= y0 or r0 >= y1 or c1 <= x0 or c0 >= x1:
                continue
            drawn.append(key)
        # coarse to fine: finer tiles go over the coarser ones
        drawn.sort(key=lambda k: (-max(ms.scale[k[0]]), -k[0]))
        program = self.program
        for key in drawn:
            entry = self._gpu[key, index]
            entry[2] = self._frame
            self._gpu.move_to_end((key, index))
            level = key[0]
            rows, cols = grid.region(key)
            sy, sx = ms.scale[level]
            ty, tx = ms.translate[level]
            program["u_data"] = entry[0]
            program["u_origin"] = (tx + cols.start * sx, ty + rows.start * sy)
            program["u_scale"] = (sx, sy)
            program["u_size"] = (float(cols.stop - cols.start), float(rows.stop - rows.start))
            program["u_level"] = float(level)
            program.draw("triangles")

    def bounds(self, axis: int) -> tuple[float, float] | None:
        (r0, r1), (c0, c1) = self._ms.extent(0)
        if axis == 0:
            return (float(c0), float(c1))
        if axis == 1:
            return (float(r0), float(r1))
        return (0.0, 0.0)
