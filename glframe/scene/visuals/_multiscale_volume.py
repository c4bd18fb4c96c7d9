"""MultiscaleVolume: a 3D volume bigger than memory, ray cast from bricks of a multiscale source.

Level 0's voxel (k, i, j) covers [j, j + 1] x [i, i + 1] x [k, k + 1] in the visual's
coordinates, as with :class:`~glframe.scene.visuals.Volume`; coarser levels cover the
same box. The GL-free work (level and brick choice, RAM cache, background reads in
priority order) is done by :mod:`glframe.data` through the :class:`Tiled` base.

On the GPU there are two 3D textures:

- the **coarsest level**, whole, read and uploaded at the first draw (and at each
  ``index`` change): every ray always has data, so no frame shows a hole;
- a **brick window** of the chosen level: a texture of ``slots`` bricks per axis into
  which the visible bricks are patched with partial uploads (``set_data(offset=)``),
  brick ``b`` in slot ``b mod slots`` on each axis. The texture wraps (REPEAT), so
  the window is a torus: when the view moves by a brick, only the bricks that came
  into view are uploaded, and linear filtering is seamless across slots. A small
  ``presence`` texture (one texel per slot) says which slots hold the brick of the
  window; the ray samples the window there and the coarsest level elsewhere.

Each frame (``_prepare``): the view's frustum (for a perspective camera, up to twice
the distance of the camera's centre: beyond it the coarsest level shows), clipped to the
box, and the size of a screen pixel at the camera's centre give the visible box and the
level (voxels of at
most about 2 screen pixels, ``TileGrid.choose_level``), made coarser until the window
fits the GPU share; its visible bricks are requested nearest the eye and the view axis
first; at most ``uploads_per_frame`` loaded bricks are uploaded (a quarter of that
while the camera moves). While the camera moves the ray steps twice as far; a timer
redraws at full quality once it has been still for ``settle`` seconds.

Values: uint8 as R8; other types normalized by the coarsest level's range (read at
the first draw) and stored as R16F: half of Volume's R32F, so the budgets hold
twice the bricks.

Limits: the chain from the visual to clip space must be linear (as for Volume); level
0's ``translate`` is taken as 0 (the box is ``[0, W] x [0, H] x [0, D]``); positions
are float32 in the shader, so at level-0 coordinate x a sample lands within about
``x / 2**23`` voxels (1/8 voxel at 2**20); one fine level at a time: where a brick
of the chosen level is not resident yet the coarsest level shows; at most 1024 steps
per ray. ``debug`` tints each pixel by the finest level its ray sampled (no outlines).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np

from ... import gloo
from ...shaders import Variable, snippet
from .._reactive import Prop
from .._visual import DrawContext
from . import _data as checks
from ._tiled import Tiled
from ._volume import FRAG_MAIN, VERT, RayCast, _box, ray_caster

__all__ = ["MultiscaleVolume"]

_GLSL = __package__
DEFAULT_TILE = 64
#: largest side of the brick window texture, in voxels (WebGL2 guarantees 256 only)
MAX_WINDOW_SIDE = 2048

FRAG_DECLARATIONS = """
uniform highp sampler3D u_coarse;   // the coarsest level, whole
uniform highp sampler3D u_window;   // the chosen level's brick window (wraps)
uniform lowp sampler3D u_present;   // one texel per slot: 1 where it holds its brick
uniform vec3 u_box_lo;              // the part drawn: the view's frustum (to a depth) ...
uniform vec3 u_box_hi;              // ... clipped to the volume (x, y, z)
uniform vec3 u_coarse_origin;       // the coarsest level's corner, level-0 voxels (x, y, z)
uniform vec3 u_coarse_scale;        // one of its voxels in level-0 voxels
uniform vec3 u_coarse_size;         // its voxels (x, y, z)
uniform vec3 u_fine_origin;         // the chosen level's corner, its scale and ...
uniform vec3 u_fine_scale;
uniform vec3 u_window_lo;           // ... the window, in its voxels (brick-aligned)
uniform vec3 u_window_hi;
uniform vec3 u_window_size;         // the window texture's voxels (slots * brick)
uniform vec3 u_brick;               // brick size in voxels
uniform vec3 u_slots;               // slots per axis
uniform float u_debug;
uniform float u_level;
uniform float u_coarsest;
float g_fine_used = 0.0;  // for the debugger: did this ray sample the window?

float volume_value(vec3 p) {
    // $has_window: a constant, 0 while the coarsest level is drawn alone (llvmpipe
    // runs every side of a uniform branch: the window's lookups cost a frame of the
    // Mandelbulb drawn from its coarsest level 13-20 -> 7 ms)
    if ($has_window > 0.5) {
        vec3 q = (p - u_fine_origin) / u_fine_scale;   // voxels of the chosen level
        if (all(greaterThanEqual(q, u_window_lo)) && all(lessThan(q, u_window_hi))) {
            ivec3 slot = ivec3(mod(floor(q / u_brick), u_slots));
            if (texelFetch(u_present, slot, 0).r > 0.5) {
                g_fine_used = 1.0;
                // wrapped before normalizing: exact for q < 2^24
                return texture(u_window, mod(q, u_window_size) / u_window_size).r;
            }
        }
    }
    vec3 c = (p - u_coarse_origin) / u_coarse_scale;
    return texture(u_coarse, c / u_coarse_size).r;
}
float volume_voxel() {
    return $has_window > 0.5 ? min(u_fine_scale.x, min(u_fine_scale.y, u_fine_scale.z))
                              : min(u_coarse_scale.x, min(u_coarse_scale.y, u_coarse_scale.z));
}
"""
DEBUG = """
vec4 debug_tint(vec4 color) {
    if (u_debug < 0.5) return color;
    float level = g_fine_used > 0.5 ? u_level : u_coarsest;
    return vec4(mix(color.rgb, level_tint(level), 0.45), color.a);
}
"""
# the ray caster's main, with the debugger's tint before the colour goes out
MAIN = FRAG_MAIN.replace("f_color = $post(color);", "f_color = $post(debug_tint(color));")
# rays are clipped to the box drawn (the visible part of the volume), not the whole volume
MAIN = MAIN.replace(
    "volume_ray_box(origin, d)", "volume_ray_between(origin, d, u_box_lo, u_box_hi)"
)
assert "volume_ray_between" in MAIN and "debug_tint" in MAIN


class MultiscaleVolume(RayCast, Tiled):
    """A 3D multiscale volume ray cast from bricks loaded in the background.

    Parameters
    ----------
    source
        A :class:`glframe.data.Multiscale` with ``spatial_ndim=3`` (real numbers;
        leading axes such as time are sliced by ``index``), a list of (D, H, W)
        arrays finest first, or one array.
    method, cmap, clim, gamma, threshold, step_size, opacity, interpolation
        As for :class:`~glframe.scene.visuals.Volume`; ``step_size`` is in voxels of
        the level drawn; "auto" clim is the coarsest level's range.
    tile
        Brick side in each level's voxels (default 64).
    cpu_budget, gpu_budget
        As for :class:`~glframe.scene.visuals.MultiscaleImage` (an int, a shared
        :class:`glframe.data.Budget`, or None for the default shared ones). The GPU
        share holds the coarsest level and the brick window: the level drawn is made
        coarser until its visible bricks fit.
    uploads_per_frame
        Loaded bricks uploaded per frame at most (default 8; a quarter while the
        camera moves).
    settle
        Seconds without camera motion after which the full quality frame is drawn
        (default 0.25).
    index
        The position on the source's leading axes (default: all 0).
    parent, **kwargs
        As for :class:`~glframe.scene.Node`.

    Examples
    --------
    >>> from glframe import scene
    >>> from glframe.data.synthetic import mandelbulb
    >>> canvas = scene.SceneCanvas(size=(128, 128))
    >>> view = canvas.add_view(camera=scene.TurntableCamera(azimuth=30, elevation=20))
    >>> volume = scene.visuals.MultiscaleVolume(mandelbulb(size=2**9, tile=32),
    ...                                         tile=32, parent=view.scene)
    >>> view.camera.set_range()
    >>> volume.wait(timeout=60)
    True
    >>> canvas.render().shape, volume.stats()["tiles_pending"]
    ((128, 128, 4), 0)
    >>> volume.close(); canvas.close()
    """

    _ndim = 3

    debug = Prop(
        checks.flag(),
        "The visual debugger: tint each pixel by the finest level its ray sampled (red, "
        "green, blue, yellow, magenta, cyan, then again: level modulo 6).",
    )
    uploads_per_frame = Prop(
        checks.integer(minimum=1),
        "Loaded bricks uploaded per frame at most (a quarter of it, at least 1, while the "
        "camera moves; the frame after wait() uploads every wanted brick).",
    )
    settle = Prop(
        checks.number(above=0),
        "Seconds without camera motion after which the frame is drawn at full quality "
        "(finer ray steps, full upload rate).",
    )

    def __init__(
        self,
        source: Any,
        *,
        method: str = "mip",
        cmap: str = "viridis",
        clim: Any = "auto",
        gamma: float = 1.0,
        threshold: float | None = None,
        step_size: float = 0.5,
        opacity: float = 0.1,
        interpolation: str = "linear",
        tile: int | None = None,
        cpu_budget: Any = None,
        gpu_budget: Any = None,
        uploads_per_frame: int = 8,
        settle: float = 0.25,
        index: Any = None,
        parent: Any = None,
        **kwargs: Any,
    ) -> None:
        dtype = getattr(source, "dtype", None)
        if dtype is None and isinstance(source, (list, tuple)) and source:
            dtype = getattr(source[0], "dtype", None)
        self._uint8 = dtype is not None and np.dtype(dtype) in (np.uint8, np.bool_)
        frag = ray_caster(FRAG_DECLARATIONS + snippet("multiscale/tint", _GLSL) + DEBUG, MAIN)
        super().__init__(
            source,
            VERT,
            frag,
            tile=DEFAULT_TILE if tile is None else tile,
            cpu_budget=cpu_budget,
            gpu_budget=gpu_budget,
            index=index,
            parent=parent,
            **kwargs,
        )
        self.frag["transform"] = self._chain  # depths in the fragment stage, as Volume
        self._bind_method()
        self._has_window = Variable("MULTISCALE_WINDOW", 0.0, kind="const")
        self.frag["has_window"] = self._has_window
        ms = self._ms
        self._brick = np.array(self._grid.tile, int)  # (z, y, x)
        self._coarse_tex: gloo.Texture3D | None = None
        self._coarse_at: tuple | None = None  # the index the coarse texture holds
        self._window: gloo.Texture3D | None = None
        self._slots = np.zeros(3, int)  # slots per axis (z, y, x) of the window texture
        self._present_tex: gloo.Texture3D | None = None
        self._in_slot: dict[tuple, Any] = {}  # slot (z, y, x) -> (key, index) it holds
        self._window_lo = np.zeros(3, int)  # the window, in bricks (z, y, x)
        self._window_n = np.zeros(3, int)
        self._window_level: int | None = None
        self._geometry: gloo.VertexBuffer | None = None
        self._level = self._coarsest
        self._wanted: list = []
        self._gpu_limit = self._gpu_share.share(self)
        self._uploads = 0
        self._motion_key: Any = None
        self._px = 0.0
        self._box: tuple = ()
        self._drawn: Any = None  # (lo, hi) x, y, z of the box the rays march
        self._drawn_now: Any = None  # what the geometry holds
        self._next_window: Any = None
        self._moving = False
        self._moved_at = 0.0
        self._timer: threading.Timer | None = None
        self._range = (0.0, 255.0) if self._uint8 else (0.0, 1.0)
        extent = ms.extent(0)
        self._extent = np.array([e[1] for e in extent], float)  # (D, H, W)
        self._assign(
            dict(
                method=method,
                cmap=cmap,
                clim=clim,
                gamma=gamma,
                threshold=threshold,
                step_size=step_size,
                opacity=opacity,
                interpolation=interpolation,
                debug=False,
                uploads_per_frame=uploads_per_frame,
                settle=settle,
            ),
            caller="__init__",
        )

    def _gpu_minimum(self, ms: Any, grid: Any, coarsest: int) -> int:
        # the coarsest level's texture (R8, or R16F)
        return int(np.prod(ms.shape(coarsest))) * (1 if self._uint8 else 2)

    # ---- public ----------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """``level`` (the level chosen for the last view), ``tiles_pending`` (its
        visible bricks not resident), ``cpu_bytes``, ``gpu_bytes`` (the coarsest level,
        the window and its presence texture), ``tiles_loaded`` (reads done),
        ``reads_active`` (reads queued or running, wanted or not: 0 when the loader is
        idle),
        ``tiles_resident`` (bricks in the window), ``uploads`` (bricks uploaded so
        far), ``cpu_budget`` and ``gpu_budget`` (this visual's shares now),
        ``wanted_share`` (the share of the visible bricks' volume resident; 1.0 when
        only the coarsest level is wanted), ``moving`` (whether the last frame saw the
        camera move) and ``window_slots`` (slots per axis, z, y, x)."""
        index = self._index
        resident = self._resident_keys()
        loader = self._loader.stats()
        total = drawn = 0.0
        for key in self._wanted:
            v = float(np.prod([b - a for a, b in self._grid.extent(key)]))
            total += v
            if (key, index) in resident:
                drawn += v
        return {
            "level": self._level,
            "tiles_pending": sum(1 for k in self._wanted if (k, index) not in resident),
            "cpu_bytes": self._cache.bytes,
            "gpu_bytes": self._gpu_bytes(),
            "tiles_loaded": loader["tiles_loaded"],
            "reads_active": loader["reads_active"],
            "tiles_resident": len(resident),
            "uploads": self._uploads,
            "cpu_budget": self._cache.budget_bytes,
            "gpu_budget": self._gpu_limit,
            "wanted_share": drawn / total if total > 0 else 1.0,
            "moving": self._moving,
            "window_slots": tuple(int(s) for s in self._slots),
        }

    def close(self) -> None:
        """Stop loading and the settle timer; give the budgets' shares back."""
        if self._timer is not None:
            self._timer.cancel()
        super().close()

    # ---- the view ----------------------------------------------------------------------
    @property
    def _itemsize(self) -> int:
        return 1 if self._uint8 else 2

    def _gpu_bytes(self) -> int:
        coarse = int(np.prod(self._ms.shape(self._coarsest))) * self._itemsize
        window = int(np.prod(self._slots * self._brick)) * self._itemsize
        return coarse + window + int(np.prod(self._slots))

    def _resident_keys(self) -> set:
        """(key, index) of the bricks in the window that it draws now."""
        lo, n = self._window_lo, self._window_n
        out = set()
        for key in self._in_slot.values():
            b = np.array(key[0][1])
            if key[0][0] == self._window_level and np.all(b >= lo) and np.all(b < lo + n):
                out.add(key)
        return out

    def view_state(self, view: Any, size: Any) -> dict[str, Any]:
        """For ``view`` of ``size`` (w, h) framebuffer pixels: ``box``, the part of the
        volume whose bricks the view wants, in level-0 voxels ``((z0, z1), (y0, y1), (x0,
        x1))`` (the frustum's bounding box clipped to the volume; for a perspective
        camera, the frustum up to twice the focus's distance); ``drawn`` (x, y, z lo and
        hi), the part the rays march (the frustum to half the far plane's distance, whose
        bounding box stays within the far plane); ``focus`` (z, y, x: the camera's
        centre, or the volume's); ``direction`` (z, y, x, away from the eye); ``px``,
        level-0 voxels per screen pixel at the focus."""
        to_local = self.transform_to(view.scene)
        cam = view.camera.transform
        d, h, w = self._extent
        centre = getattr(view.camera, "center", None)
        focus = (
            to_local.imap(np.array([centre], float))[0, :3]
            if centre is not None and len(centre) == 3
            else np.array([w / 2, h / 2, d / 2])
        )

        def ndc_z(point: np.ndarray) -> float:
            clip = cam.map(to_local.map(np.array([[*point, 1.0]])))[0]
            return float(np.clip(clip[2] / clip[3], -1.0, 1.0)) if clip[3] > 0 else 1.0

        def frustum_box(z_far: float) -> tuple[np.ndarray, np.ndarray]:
            corners = [[x, y, z, 1.0] for x in (-1, 1) for y in (-1, 1) for z in (-1, z_far)]
            hom = to_local.imap(cam.imap(np.array(corners, float)))
            lo, hi = np.zeros(3), np.array([w, h, d])
            if np.all(np.abs(hom[:, 3]) > 1e-12):
                pts = hom[:, :3] / hom[:, 3:4]
                if np.all(np.isfinite(pts)):
                    lo, hi = np.maximum(lo, pts.min(axis=0)), np.minimum(hi, pts.max(axis=0))
            return lo, np.maximum(hi, lo)

        z = float(np.clip(ndc_z(focus), -0.999, 0.999))
        probe = np.array([[0, 0, z], [2.0 / size[0], 0, z], [0, 2.0 / size[1], z]], float)
        p = to_local.imap(cam.imap(probe))[:, :3]
        px = max(np.linalg.norm(p[1] - p[0]), np.linalg.norm(p[2] - p[0]))
        eye = self._eye(view)
        if eye[3] > 0.5:  # perspective: depths along the ray from the eye
            e = np.array(eye[:3])
            far = to_local.imap(cam.imap(np.array([[0.0, 0.0, 1.0]])))[0, :3]
            toward = (focus - e) / max(np.linalg.norm(focus - e), 1e-300)
            t_far = float((far - e) @ toward)
            z_wanted = ndc_z(e + 2.0 * (focus - e))
            z_drawn = ndc_z(e + 0.5 * t_far * toward)
            direction = focus - e
        else:  # orthographic: NDC z is linear in depth
            z_wanted, z_drawn = 1.0, 0.0
            direction = -np.array(eye[:3])
        lo, hi = frustum_box(z_wanted)
        return {
            "box": tuple((float(lo[a]), float(hi[a])) for a in (2, 1, 0)),
            "drawn": frustum_box(z_drawn),
            "focus": focus[::-1].copy(),
            "direction": direction[::-1].copy(),
            "px": float(px),
        }

    def _window_bytes(self, slots: np.ndarray) -> int:
        """GPU bytes of the coarsest level plus a window of ``slots`` (z, y, x)."""
        coarse = int(np.prod(self._ms.shape(self._coarsest))) * self._itemsize
        return coarse + int(np.prod(slots * self._brick)) * self._itemsize + int(np.prod(slots))

    def _fits(self, level: int, box: tuple, limit: int) -> tuple[np.ndarray, np.ndarray] | None:
        """The window (first brick, bricks per axis; z, y, x) holding ``level``'s visible
        bricks, or None when it does not fit ``limit`` GPU bytes or MAX_WINDOW_SIDE."""
        keys = self._grid.visible(level, box)
        if not keys:
            return np.zeros(3, int), np.zeros(3, int)
        idx = np.array([k[1] for k in keys])
        lo, n = idx.min(axis=0), idx.max(axis=0) - idx.min(axis=0) + 1
        if self._window_bytes(n) > limit or (n * self._brick).max() > MAX_WINDOW_SIDE:
            return None
        return lo, n

    def _update_wanted(self, view: Any, size: Any) -> tuple:
        state = self.view_state(view, size)
        box, focus, direction, px = (state[k] for k in ("box", "focus", "direction", "px"))
        grid = self._grid
        level = grid.choose_level(px) if np.isfinite(px) and px > 0 else self._coarsest
        scales = [max(s) for s in self._ms.scale]
        window = None
        while level != self._coarsest:
            window = self._fits(level, box, self._gpu_limit)
            if window is not None:
                break
            coarser = [k for k in range(self._ms.nlevels) if scales[k] > scales[level]]
            level = min(coarser, key=lambda k: scales[k])  # the next coarser level
        wanted: list = []
        if level != self._coarsest and window is not None:
            keys = grid.visible(level, box)
            if np.linalg.norm(direction) > 0:
                wanted = grid.prioritize(keys, focus, direction)
            else:
                wanted = grid.prioritize(keys, focus)
        index = self._index
        resident = self._resident_keys() if level == self._window_level else set()
        missing = [k for k in wanted if (k, index) not in resident]
        self._loader.request(missing + list(grid.keys(self._coarsest)), index)
        self._level = level
        self._wanted = wanted
        self._next_window = window
        self._px, self._box, self._drawn = px, box, state["drawn"]
        return box

    # ---- frame work --------------------------------------------------------------------
    def _upload_coarse(self, tiles: list) -> None:
        grid, level = self._grid, self._coarsest
        data = np.zeros(self._ms.shape(level), np.uint8 if self._uint8 else np.float16)
        for key, tile in zip(grid.keys(level), tiles):
            data[grid.region(key)] = self._stored(tile)
        if self._coarse_tex is None or self._coarse_tex.shape[:3] != data.shape:
            if self._coarse_tex is not None:
                self._coarse_tex.delete()
            self._coarse_tex = gloo.Texture3D(data, interpolation=self.interpolation)
            self.program["u_coarse"] = self._coarse_tex
        else:
            self._coarse_tex.set_data(data)
        self._coarse_at = self._index

    def _stored(self, tile: np.ndarray) -> np.ndarray:
        if self._uint8:
            return tile.astype(np.uint8, copy=False)
        lo, hi = self._range
        return ((tile.astype(np.float32) - np.float32(lo)) / np.float32(hi - lo)).astype(np.float16)

    def _set_window(self, level: int, lo: np.ndarray, n: np.ndarray) -> None:
        """Make the window show ``n`` bricks from ``lo`` of ``level``. The texture is kept
        while the level stays and its slots suffice (then only bricks that came into view
        are uploaded); a new one when the level changes, more slots are needed, or the
        slots no longer fit the GPU share."""
        n = np.maximum(n, 1)
        slots = self._slots
        keep = (
            level == self._window_level
            and np.all(n <= slots)
            and self._window_bytes(slots) <= self._gpu_limit
        )
        if not keep:
            grown = np.maximum(n, slots) if level == self._window_level else n
            if self._window_bytes(grown) > self._gpu_limit or (grown * self._brick).max() > (
                MAX_WINDOW_SIDE
            ):
                grown = n
            self._in_slot.clear()
            if self._window is not None:
                self._window.delete()
                self._present_tex.delete()
            self._window = gloo.Texture3D(
                shape=tuple(int(v) for v in grown * self._brick),
                internalformat="r8" if self._uint8 else "r16f",
                interpolation=self.interpolation,
                wrapping="repeat",
            )
            self._present_tex = gloo.Texture3D(
                shape=tuple(int(v) for v in grown), internalformat="r8", interpolation="nearest"
            )
            self._slots = grown
            self._window_level = level
            program = self.program
            program["u_window"] = self._window
            program["u_present"] = self._present_tex
            program["u_slots"] = tuple(float(v) for v in grown[::-1])
            program["u_window_size"] = tuple(float(v) for v in (grown * self._brick)[::-1])
        self._window_lo, self._window_n = lo, n

    def _upload_brick(self, key: Any, tile: np.ndarray) -> None:
        b = np.array(key[1])
        slot = tuple(int(v) for v in b % self._slots)
        self._window.set_data(
            self._stored(tile), offset=tuple(int(v) for v in np.array(slot) * self._brick)
        )
        self._in_slot[slot] = (key, self._index)
        self._uploads += 1

    def _presence(self) -> bool:
        """Upload which slots hold their brick of the window; whether any does."""
        present = np.zeros(tuple(int(v) for v in self._slots), np.uint8)
        for slot, (key, index) in self._in_slot.items():
            b = np.array(key[1])
            lo, n = self._window_lo, self._window_n
            if index == self._index and np.all(b >= lo) and np.all(b < lo + n):
                present[slot] = 255
        self._present_tex.set_data(present)
        return bool(present.any())

    def _prepare(self, ctx: DrawContext) -> None:
        program = self.program
        self._gpu_limit = self._budgets()
        coarse_tiles = self._load_coarsest()
        if self._range == (0.0, 1.0) and not self._uint8:
            self._range = self._auto_clim  # float data: stored normalized by this range
        dirty, self._dirty = self._dirty, set()
        if self._geometry is None:
            d, h, w = self._extent
            self._geometry = gloo.VertexBuffer(_box() * np.array([w, h, d], np.float32))
            program["a_position"] = self._geometry
            program["u_box_lo"], program["u_box_hi"] = (0.0, 0.0, 0.0), (w, h, d)
            program["u_shape"] = (float(w), float(h), float(d))
            program["u_coarsest"] = float(self._coarsest)
            ms, k = self._ms, self._coarsest
            program["u_coarse_origin"] = tuple(ms.translate[k][::-1])
            program["u_coarse_scale"] = tuple(ms.scale[k][::-1])
            program["u_coarse_size"] = tuple(float(v) for v in ms.shape(k)[::-1])
            program["u_brick"] = tuple(float(v) for v in self._brick[::-1])
            # until a finer level is wanted: a one-voxel window, never sampled
            internal = "r8" if self._uint8 else "r16f"
            self._window = gloo.Texture3D(shape=(1, 1, 1), internalformat=internal)
            self._present_tex = gloo.Texture3D(shape=(1, 1, 1), internalformat="r8")
            program["u_window"] = self._window
            program["u_present"] = self._present_tex
            program["u_slots"] = program["u_window_size"] = (1.0, 1.0, 1.0)
            for name in ("u_fine_origin", "u_fine_scale", "u_window_lo", "u_window_hi"):
                program[name] = (0.0, 0.0, 0.0)
            program["u_level"] = float(self._coarsest)
        if self._coarse_at != self._index:
            self._upload_coarse(coarse_tiles)
        if "cmap" in dirty:
            self._upload_colormap()
        if "interpolation" in dirty:
            for texture in (self._coarse_tex, self._window):
                if texture is not None:
                    texture.interpolation = self.interpolation
        if "debug" in dirty:
            program["u_debug"] = 1.0 if self.debug else 0.0
        self._ray_uniforms(dirty)
        program["u_eye"] = eye = self._eye(ctx.view)
        size = tuple(ctx.view.variables["viewport"].value)
        self._update_wanted(ctx.view, size)
        # the frame after wait() is complete: full quality whatever the camera did
        self._track_motion((eye, self._px, self._box, tuple(size)), still=self._upload_all)
        lo, hi = self._drawn
        if self._drawn_now is None or not (
            np.array_equal(lo, self._drawn_now[0]) and np.array_equal(hi, self._drawn_now[1])
        ):
            # the box drawn: its back faces start the rays (within the far plane)
            self._geometry.set_data((lo + _box() * (hi - lo)).astype(np.float32))
            program["u_box_lo"], program["u_box_hi"] = tuple(lo), tuple(hi)
            self._drawn_now = (lo, hi)
        window = self._next_window
        if self._level != self._coarsest and window is not None:
            self._set_window(self._level, *window)
            budget = int(self.uploads_per_frame)
            if self._moving:
                budget = max(1, budget // 4)
            if self._upload_all:
                budget = len(self._wanted)
            resident = self._resident_keys()
            index = self._index
            for key in self._wanted:
                if (key, index) in resident or not self._cache.contains(key, index):
                    continue
                if budget <= 0:
                    # loaded bricks left over: their on_loaded already fired, so ask for
                    # the frame that uploads them (else a window would wait for input)
                    self.update()
                    break
                tile = self._cache.get(key, index)
                if tile is not None:
                    self._upload_brick(key, tile)
                    budget -= 1
            fine = self._presence()
            ms, level = self._ms, self._level
            lo, n = self._window_lo, self._window_n
            program["u_level"] = float(level)
            program["u_fine_origin"] = tuple(ms.translate[level][::-1])
            program["u_fine_scale"] = tuple(ms.scale[level][::-1])
            program["u_window_lo"] = tuple(float(v) for v in (lo * self._brick)[::-1])
            program["u_window_hi"] = tuple(float(v) for v in ((lo + n) * self._brick)[::-1])
        else:
            fine = False
        # no brick of the window resident yet (a first frame, a new level): every ray
        # reads the coarsest level, so the program without the window's lookups draws the
        # same at its step (a first frame of the Mandelbulb ~10x cheaper on llvmpipe)
        self._has_window.value = 1.0 if fine else 0.0  # changed: the other program
        voxel = min(self._ms.scale[self._level if fine else self._coarsest])
        self._upload_all = False
        program["u_step"] = self.step_size * voxel * (2.0 if self._moving else 1.0)

    def _track_motion(self, key: Any, still: bool = False) -> None:
        """``moving`` while the camera changes between frames; a timer asks for the
        full-quality frame once it has been still for ``settle`` seconds."""
        now = time.monotonic()
        changed = self._motion_key is not None and key != self._motion_key
        self._motion_key = key
        if still:
            self._moved_at = -np.inf
        elif changed:
            self._moved_at = now
        self._moving = now - self._moved_at < self.settle
        if self._moving and (self._timer is None or not self._timer.is_alive()):
            self._timer = threading.Timer(self.settle * 1.05, self.update)
            self._timer.daemon = True
            self._timer.start()

    def _draw(self, ctx: DrawContext) -> None:
        if self._geometry is not None:
            self.program.draw("triangles")

    def bounds(self, axis: int) -> tuple[float, float] | None:
        d, h, w = self._extent
        return (0.0, float((w, h, d)[axis]))
