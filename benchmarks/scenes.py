"""Scenes: eight everyday scenes drawn by glframe, vispy.scene and pygfx, side by side.

The scenes (issue 16), 800x600, black background, the same data for all three libraries
(``numpy.random.default_rng(12345)`` and the same generator functions below):

- ``markers``: 1M markers (discs), 3 px, one colour, no edge;
- ``line``: one line of 1M vertices (a random walk), 1 px wide;
- ``lines``: 1000 line visuals of 100 points each (random walks on a grid);
- ``image``: a 4096x4096 float32 image, viridis, clim (0, 1);
- ``volume``: a 256^3 float32 volume (Gaussian blobs), maximum intensity projection;
- ``labels``: 1000 labels in one Text visual (pygfx: one ``MultiText``);
- ``texts``: 1000 separate Text visuals;
- ``mesh``: a torus of 200,000 faces (100,000 vertices), smooth shading.

2D scenes use a pan-zoom camera showing the same rectangle in all three; 3D scenes a
turntable camera (pygfx: a perspective camera put at the same eye) with the same angles,
field of view and distance.

Like-for-like settings: glframe and vispy render on Mesa's OpenGL (offscreen EGL; here
llvmpipe, on a machine with a GPU its driver); pygfx renders with wgpu on Vulkan (here
lavapipe, picked by ``PYGFX_WGPU_ADAPTER_NAME="via Vulkan"``) into
``rendercanvas.offscreen.RenderCanvas``, with ``ppaa="none"`` and pixel ratio 1 (its
defaults add a full-screen antialiasing pass and render at twice the size), ``aa=True`` on
points (glframe and vispy antialias them; the same share of the screen drawn) and pygfx's
default ``aa=False`` on lines (with ``aa=True`` its 1 px lines fade to a fifth of the pixels
the others draw), so glframe's lines are aliased too (``antialias=False``: vispy draws a GL
line strip, and so does glframe for an aliased opaque line one pixel wide). The volume's
rays take a sample every 0.8 voxel in all three (``step_size=0.8`` for glframe, whose
default is 0.5; vispy's ``relative_step_size`` default and pygfx's step for a 256^3
volume are 0.8), so that the three do the same work. vispy's font size is in points
(9 pt is about glframe's and pygfx's 12 px).

Measured, per scene and library, each in a fresh process (one after another, never two
at once, so peak memory is the scene's and no library warms another's caches):

- frame: the median wall time of ``--repeat`` (5) ``render()`` calls after the first
  (draw and read-back of the pixels);
- CPU: the median CPU time of the rendering thread over those calls
  (``time.thread_time()``; llvmpipe and lavapipe rasterize on their own threads, so this
  is the library's Python and driver-call work, what stays on a GPU);
- first: canvas + view + visuals + the first render (the data already made), imports
  included: glframe's modules are byte-compiled before the runs (``compileall``), as pip
  does for an installed package and as the peers' are, so that a machine with
  ``PYTHONDONTWRITEBYTECODE`` set (this one) does not charge glframe alone ~0.15 s of
  compiling its sources in every process;
- peak: the process's peak resident memory (``ru_maxrss``), data included;
- drawn: the share of the pixels that differ from the background;
- glframe / faster peer: glframe's frame over the faster peer's.

``--scale`` measures glframe (and the libraries named with ``--libs``) at growing sizes:
one Markers visual of 10k, 100k, 1M and 10M points, and 0, 1000 and 10,000 separate line
(100 points), marker (10 points) and text visuals; for the separate visuals it prints the
rendering thread's CPU per frame and what one unchanged visual costs, (CPU with N - CPU
with 0) / N (goal of issue 16: at most 10 us).

Run from the repository root::

    .venv/bin/python benchmarks/scenes.py [--png DIR] [--libs glframe,vispy,pygfx]
        [--scenes markers,line,...] [--size 800x600] [--repeat 5] [--timeout 900]
    .venv/bin/python benchmarks/scenes.py --scale [--libs glframe,pygfx]
    .venv/bin/python benchmarks/scenes.py --quick   # tiny sizes, what the test suite runs

The peers come with the ``bench`` extra; one that is not installed is reported ("not
installed: pip install ...") and the run goes on. Each library prints what it ran on
(GL_RENDERER for glframe and vispy, the wgpu adapter for pygfx). About 5 minutes here, 3 of
them vispy's 1000 text visuals (minutes to its first frame); ``--scale`` about 3 minutes for
glframe alone, 6 with pygfx.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

SEED = 12345
LIBS = ("glframe", "vispy", "pygfx")
PIP_NAMES = {"vispy": "vispy", "pygfx": "pygfx wgpu rendercanvas"}
BACKGROUND = (0, 0, 0)
MARKER_COLOR = (1.0, 0.6, 0.1, 1.0)
LINE_COLOR = (0.35, 0.75, 1.0, 1.0)
MESH_COLOR = (0.8, 0.8, 0.8, 1.0)
# (azimuth, elevation, fov) of the 3D scenes' cameras
TURNTABLE = (30.0, 25.0, 45.0)

# name: (title, full size, quick size)
SCENES = {
    "markers": ("1M markers, size 3", 1_000_000, 1000),
    "line": ("one line of 1M vertices, width 1", 1_000_000, 1000),
    "lines": ("1000 line visuals of 100 points", 1000, 10),
    "image": ("4096^2 float image, viridis", 4096, 64),
    "volume": ("256^3 volume, MIP", 256, 16),
    "labels": ("1000 labels in one Text", 1000, 10),
    "texts": ("1000 separate Text visuals", 1000, 10),
    "mesh": ("mesh, 200k faces, smooth", 200_000, 200),
}
SCALE_MARKERS = (10_000, 100_000, 1_000_000, 10_000_000)
SCALE_COUNTS = (1000, 10_000)
SCALE_KINDS = ("lines", "markers", "texts")


# ---- data: one generator per scene, shared by the three libraries --------------------------
def rng() -> np.random.Generator:
    return np.random.default_rng(SEED)


def gen_markers(n: int) -> np.ndarray:
    return rng().normal(size=(n, 2)).astype(np.float32)


def gen_line(n: int) -> np.ndarray:
    y = np.cumsum(rng().normal(size=n))
    y = (y - y.min()) / max(np.ptp(y), 1e-9) * 2 - 1
    return np.column_stack([np.linspace(-1, 1, n), y]).astype(np.float32)


def gen_lines(count: int, points: int = 100) -> list[np.ndarray]:
    """``count`` random walks of ``points`` each, one per cell of a square grid."""
    side = int(np.ceil(np.sqrt(count)))
    steps = rng().normal(size=(count, points, 2)) * 0.06
    walks = np.cumsum(steps, axis=1)
    walks -= walks.mean(axis=1, keepdims=True)
    cells = np.column_stack([np.arange(count) % side, np.arange(count) // side])
    return [(walk + cell + 0.5).astype(np.float32) for walk, cell in zip(walks, cells)]


def gen_image(n: int) -> np.ndarray:
    y, x = (a / np.float32(n) for a in np.ogrid[0:n, 0:n])
    wave = 0.5 + 0.2 * np.sin(x * 25) * np.cos(y * 17) + 0.2 * np.sin((x + y) * 9)
    noise = rng().random((n, n), dtype=np.float32) * 0.1
    return np.clip(wave.astype(np.float32) + noise, 0, 1)


def gen_volume(n: int) -> np.ndarray:
    """A sum of 8 Gaussian blobs, built from separable factors (cheap at 256^3)."""
    r = rng()
    axis = np.arange(n, dtype=np.float32) + 0.5
    vol = np.zeros((n, n, n), np.float32)
    for _ in range(8):
        cz, cy, cx = r.uniform(0.2, 0.8, 3) * n
        s = r.uniform(0.05, 0.15) * n
        amp = np.float32(r.uniform(0.5, 1.0))
        fz, fy, fx = (np.exp(-((axis - c) ** 2) / (2 * s * s)) for c in (cz, cy, cx))
        vol += amp * fz[:, None, None] * fy[None, :, None] * fx[None, None, :]
    return np.clip(vol, 0, 1)


def gen_labels(n: int) -> tuple[list[str], np.ndarray]:
    positions = rng().uniform(-1, 1, size=(n, 2)).astype(np.float32)
    return [f"label {i}" for i in range(n)], positions


def gen_mesh(faces: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A bumpy torus of ``faces`` triangles (a 2:1 grid of quads); vertices, faces, normals."""
    nv = max(int(round(np.sqrt(faces / 2 / 1.6))), 3)  # around the tube
    nu = max(faces // (2 * nv), 3)  # around the ring: 400 x 250 for 200k
    u, v = np.meshgrid(
        np.linspace(0, 2 * np.pi, nu, endpoint=False),
        np.linspace(0, 2 * np.pi, nv, endpoint=False),
        indexing="ij",
    )
    r = 0.35 + 0.03 * np.sin(8 * u) * np.sin(6 * v)
    verts = np.stack(
        [(1 + r * np.cos(v)) * np.cos(u), (1 + r * np.cos(v)) * np.sin(u), r * np.sin(v)], -1
    ).reshape(-1, 3)
    i, j = np.meshgrid(np.arange(nu), np.arange(nv), indexing="ij")
    a, b = i * nv + j, ((i + 1) % nu) * nv + j
    c, d = ((i + 1) % nu) * nv + (j + 1) % nv, i * nv + (j + 1) % nv
    tris = np.concatenate([np.stack([a, b, c], -1), np.stack([a, c, d], -1)]).reshape(-1, 3)
    # area-weighted vertex normals (pygfx needs them given; glframe takes them too)
    p = verts[tris]
    fn = np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0])
    normals = np.stack(
        [np.bincount(tris.ravel(), np.repeat(fn[:, k], 3), len(verts)) for k in range(3)], -1
    )
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    return verts.astype(np.float32), tris.astype(np.uint32), normals.astype(np.float32)


def fit_rect(lo, hi, size: tuple[int, int], margin: float = 0.05) -> tuple[float, ...]:
    """(x, y, w, h) around lo..hi with a margin, widened to the canvas's aspect."""
    (x0, y0), (x1, y1) = lo, hi
    w, h = (x1 - x0) * (1 + 2 * margin), (y1 - y0) * (1 + 2 * margin)
    aspect = size[0] / size[1]
    w, h = max(w, h * aspect), max(h, w / aspect)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (cx - w / 2, cy - h / 2, w, h)


# ---- the three libraries, behind one small interface -------------------------------------
class Glframe:
    def __init__(self, size):
        from glframe import scene

        self.scene = scene
        self.canvas = scene.SceneCanvas(size=size, bgcolor="black")
        self.view = self.canvas.add_view()
        self.parent = self.view.scene

    def renderer(self) -> str:
        return f"glframe (GL_RENDERER {self.canvas.renderer})"

    def camera2d(self, rect):
        self.view.camera = self.scene.PanZoomCamera(rect=rect)

    def camera3d(self, center, scale):
        az, el, fov = TURNTABLE
        self.view.camera = self.scene.TurntableCamera(
            azimuth=az, elevation=el, fov=fov, scale_factor=scale, center=tuple(center)
        )

    def markers(self, pos, size):
        v = self.scene.visuals
        v.Markers(pos, size=size, face_color=MARKER_COLOR, edge_width=0, parent=self.parent)

    def line(self, pos, width=1.0):
        # aliased, as vispy's and pygfx's lines here (glframe's default antialiases)
        v = self.scene.visuals
        v.Line(pos, color=LINE_COLOR, width=width, antialias=False, parent=self.parent)

    def image(self, data):
        v = self.scene.visuals
        v.Image(data, cmap="viridis", clim=(0, 1), parent=self.parent)

    def volume(self, data):
        v = self.scene.visuals
        # a sample every 0.8 voxel, as vispy's and pygfx's rays (glframe's default: 0.5)
        v.Volume(data, method="mip", cmap="viridis", clim=(0, 1), step_size=0.8, parent=self.parent)

    def labels(self, strings, positions):
        v = self.scene.visuals
        v.Text(strings, positions=positions, font_size=9, color="white", parent=self.parent)

    def text(self, string, position):
        v = self.scene.visuals
        v.Text(string, positions=position, font_size=9, color="white", parent=self.parent)

    def mesh(self, verts, faces, normals):
        v = self.scene.visuals
        v.Mesh(verts, faces, normals=normals, color=MESH_COLOR, shading="smooth",
               parent=self.parent)  # fmt: skip

    def render(self) -> np.ndarray:
        return self.canvas.render()


class Vispy:
    def __init__(self, size):
        import vispy
        from vispy import scene

        vispy.use(app="egl")
        self.scene = scene
        self.canvas = scene.SceneCanvas(size=size, show=False, bgcolor="black")
        self.view = self.canvas.central_widget.add_view()
        self.parent = self.view.scene

    def renderer(self) -> str:
        from vispy.gloo import gl

        self.canvas.set_current()
        return f"vispy {vispy_version()} (GL_RENDERER {gl.glGetParameter(gl.GL_RENDERER)})"

    def camera2d(self, rect):
        self.view.camera = self.scene.PanZoomCamera(rect=rect, aspect=None)

    def camera3d(self, center, scale):
        az, el, fov = TURNTABLE
        self.view.camera = self.scene.TurntableCamera(
            azimuth=az, elevation=el, fov=fov, scale_factor=scale, center=tuple(center)
        )

    def markers(self, pos, size):
        m = self.scene.visuals.Markers(parent=self.parent)
        m.set_data(pos, size=size, face_color=MARKER_COLOR, edge_width=0)

    def line(self, pos, width=1.0):
        # aliased, as vispy's and pygfx's lines here (glframe's default antialiases)
        v = self.scene.visuals
        v.Line(pos, color=LINE_COLOR, width=width, antialias=False, parent=self.parent)

    def image(self, data):
        v = self.scene.visuals
        v.Image(data, cmap="viridis", clim=(0, 1), parent=self.parent)

    def volume(self, data):
        v = self.scene.visuals
        v.Volume(data, method="mip", cmap="viridis", clim=(0, 1), parent=self.parent)

    def labels(self, strings, positions):
        v = self.scene.visuals
        v.Text(strings, pos=positions, font_size=9, color="white", parent=self.parent)

    def text(self, string, position):
        v = self.scene.visuals
        v.Text(string, pos=position, font_size=9, color="white", parent=self.parent)

    def mesh(self, verts, faces, normals):
        v = self.scene.visuals
        v.Mesh(verts, faces, color=MESH_COLOR, shading="smooth", parent=self.parent)

    def render(self) -> np.ndarray:
        return self.canvas.render()


def vispy_version() -> str:
    return importlib.metadata.version("vispy")


class Pygfx:
    def __init__(self, size):
        import pygfx as gfx
        from rendercanvas.offscreen import RenderCanvas

        self.gfx = gfx
        self.canvas = RenderCanvas(size=size, pixel_ratio=1)
        self.renderer_ = gfx.WgpuRenderer(self.canvas, ppaa="none", pixel_ratio=1)
        self.root = gfx.Scene()
        self.root.add(gfx.Background.from_color("#000"))
        self.parent = self.root
        self.camera = None
        self.size = size
        self.canvas.request_draw(lambda: self.renderer_.render(self.root, self.camera))

    def renderer(self) -> str:
        from pygfx.renderers.wgpu import get_shared

        info = get_shared().adapter.info
        return (
            f"pygfx {importlib.metadata.version('pygfx')}, wgpu "
            f"{importlib.metadata.version('wgpu')} (adapter {info['device']}, "
            f"{info['backend_type']}, {info['adapter_type']})"
        )

    def camera2d(self, rect):
        x, y, w, h = rect
        self.camera = self.gfx.OrthographicCamera(w, h, maintain_aspect=False)
        self.camera.show_rect(x, x + w, y, y + h)

    def camera3d(self, center, scale):
        az, el, fov = (np.radians(a) for a in TURNTABLE)
        distance = scale / 2 / np.tan(fov / 2)  # as the OpenGL turntables: scale fills the view
        direction = [np.sin(az) * np.cos(el), -np.cos(az) * np.cos(el), np.sin(el)]
        aspect = self.size[0] / self.size[1]
        # pygfx's fov spans the geometric mean of the view's sides (measured: the same
        # drawn share as glframe and vispy), the OpenGL turntables' the narrower side
        wide = np.degrees(2 * np.arctan(np.tan(fov / 2) * np.sqrt(max(aspect, 1 / aspect))))
        self.camera = self.gfx.PerspectiveCamera(wide, aspect)
        self.camera.world.reference_up = (0, 0, 1)
        self.camera.local.position = tuple(np.asarray(center) + np.multiply(direction, distance))
        self.camera.look_at(tuple(center))
        self.root.add(self.camera)
        self.root.add(self.gfx.AmbientLight())
        self.camera.add(self.gfx.DirectionalLight())

    def markers(self, pos, size):
        gfx = self.gfx
        geometry = gfx.Geometry(positions=as3(pos))
        material = gfx.PointsMaterial(size=size, color=MARKER_COLOR, aa=True)
        self.parent.add(gfx.Points(geometry, material))

    def line(self, pos, width=1.0):
        gfx = self.gfx
        material = gfx.LineMaterial(thickness=width, color=LINE_COLOR, aa=False)
        self.parent.add(gfx.Line(gfx.Geometry(positions=as3(pos)), material))

    def image(self, data):
        gfx = self.gfx
        image = gfx.Image(
            gfx.Geometry(grid=gfx.Texture(data, dim=2)),
            gfx.ImageBasicMaterial(clim=(0, 1), map=gfx.cm.viridis),
        )
        image.local.position = (0.5, 0.5, 0)  # pygfx centres pixel (0, 0) on the origin
        self.parent.add(image)

    def volume(self, data):
        gfx = self.gfx
        volume = gfx.Volume(
            gfx.Geometry(grid=gfx.Texture(data, dim=3)),
            gfx.VolumeMipMaterial(clim=(0, 1), map=gfx.cm.viridis),
        )
        volume.local.position = (0.5, 0.5, 0.5)
        self.parent.add(volume)

    def labels(self, strings, positions):
        gfx = self.gfx
        multi = gfx.MultiText(
            font_size=12, screen_space=True, material=gfx.TextMaterial(color="#fff")
        )
        multi.set_text_block_count(len(strings))
        for i, (string, (x, y)) in enumerate(zip(strings, positions)):
            block = multi.get_text_block(i)
            block.set_text(string)
            block.set_position(float(x), float(y))
        self.parent.add(multi)

    def text(self, string, position):
        gfx = self.gfx
        text = gfx.Text(
            text=string, font_size=12, screen_space=True, material=gfx.TextMaterial(color="#fff")
        )
        text.local.position = (float(position[0]), float(position[1]), 0)
        self.parent.add(text)

    def mesh(self, verts, faces, normals):
        gfx = self.gfx
        geometry = gfx.Geometry(positions=verts, indices=faces.astype(np.int32), normals=normals)
        self.parent.add(gfx.Mesh(geometry, gfx.MeshPhongMaterial(color=MESH_COLOR)))

    def render(self) -> np.ndarray:
        self.canvas.request_draw()
        return np.asarray(self.canvas.draw())


def as3(pos: np.ndarray) -> np.ndarray:
    return np.column_stack([pos, np.zeros(len(pos), np.float32)]).astype(np.float32)


ADAPTERS = {"glframe": Glframe, "vispy": Vispy, "pygfx": Pygfx}


# ---- scenes: data first (not timed), then a builder timed as part of the first frame -----
def prepare(job: str, n: int, size: tuple[int, int]):
    """Data and a builder ``build(lib)`` for a job: a scene name, ``markers:N`` or
    ``many:KIND:N`` (N separate visuals of one kind, for --scale)."""
    kind = job.split(":")
    if kind[0] == "many":
        what, count = kind[1], int(kind[2])
        rect = fit_rect((0, 0), (np.sqrt(max(count, 1)),) * 2, size)
        if what == "lines":
            data = gen_lines(count)
            return lambda lib: (lib.camera2d(rect), [lib.line(p) for p in data])
        if what == "markers":
            data = [p[::10] for p in gen_lines(count)]  # 10 points each
            return lambda lib: (lib.camera2d(rect), [lib.markers(p, 3) for p in data])
        strings, _ = gen_labels(count)
        pos = [p[0] for p in gen_lines(count, 2)]
        return lambda lib: (lib.camera2d(rect), [lib.text(s, p) for s, p in zip(strings, pos)])
    if kind[0] == "markers":
        pos = gen_markers(int(kind[1]) if len(kind) > 1 else n)
        rect = fit_rect((-4, -4), (4, 4), size)
        return lambda lib: (lib.camera2d(rect), lib.markers(pos, 3))
    if job == "line":
        pos = gen_line(n)
        rect = fit_rect((-1, -1), (1, 1), size)
        return lambda lib: (lib.camera2d(rect), lib.line(pos))
    if job == "lines":
        return prepare(f"many:lines:{n}", n, size)
    if job == "image":
        data = gen_image(n)
        rect = fit_rect((0, 0), (n, n), size, margin=0.02)
        return lambda lib: (lib.camera2d(rect), lib.image(data))
    if job == "volume":
        data = gen_volume(n)
        center = np.array([n / 2] * 3)
        return lambda lib: (lib.camera3d(center, n * np.sqrt(3)), lib.volume(data))
    if job == "labels":
        strings, pos = gen_labels(n)
        rect = fit_rect((-1, -1), (1, 1), size)
        return lambda lib: (lib.camera2d(rect), lib.labels(strings, pos))
    if job == "texts":
        strings, pos = gen_labels(n)
        rect = fit_rect((-1, -1), (1, 1), size)
        return lambda lib: (lib.camera2d(rect), [lib.text(s, p) for s, p in zip(strings, pos)])
    if job == "mesh":
        verts, faces, normals = gen_mesh(n)
        return lambda lib: (lib.camera3d((0, 0, 0), 2.9), lib.mesh(verts, faces, normals))
    raise ValueError(f"unknown job {job!r}")


def run_job(lib_name: str, job: str, n: int, size, repeat: int, png_dir: str | None) -> dict:
    build = prepare(job, n, size)
    t0 = time.perf_counter()
    lib = ADAPTERS[lib_name](size)
    build(lib)
    lib.render()
    first = time.perf_counter() - t0
    walls, cpus = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.thread_time()
        picture = lib.render()
        cpus.append(time.thread_time() - c0)
        walls.append(time.perf_counter() - w0)
    picture = np.asarray(picture)[..., :3]
    drawn = float(np.any(picture != np.array(BACKGROUND, picture.dtype), axis=-1).mean())
    if png_dir:
        np.save(Path(png_dir) / f"{job.replace(':', '_')}-{lib_name}.npy", picture)
    return {
        "renderer": lib.renderer(),
        "first_s": first,
        "frame_ms": float(np.median(walls)) * 1e3,
        "cpu_ms": float(np.median(cpus)) * 1e3,
        "drawn": drawn,
        "shape": list(picture.shape),
    }


def worker(args: argparse.Namespace) -> None:
    """Run jobs in this process; one JSON line per job on stdout."""
    size = parse_size(args.size)
    for job, n in (item.rsplit("=", 1) for item in args.worker_jobs.split(",")):
        try:
            result = run_job(args.worker, job, int(n), size, args.repeat, args.npy_dir)
        except Exception as exc:  # reported in the table; the other jobs still run
            traceback.print_exc()
            result = {"error": f"{type(exc).__name__}: {exc}"}
        result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print("RESULT " + json.dumps({"job": job, **result}), flush=True)


# ---- the parent: runs the workers one after another and prints tables ---------------------
def installed(lib: str) -> bool:
    mods = {"glframe": ["glframe"], "vispy": ["vispy"], "pygfx": ["pygfx", "rendercanvas"]}
    return all(importlib.util.find_spec(m) is not None for m in mods[lib])


def spawn(lib: str, jobs: list[tuple[str, int]], args, npy_dir: str | None) -> dict[str, dict]:
    """Run ``jobs`` in one fresh process of ``lib``; results by job, or {"error": why}."""
    cmd = [sys.executable, __file__, "--worker", lib, "--size", args.size]
    cmd += ["--repeat", str(args.repeat), "--worker-jobs", ",".join(f"{j}={n}" for j, n in jobs)]
    if npy_dir:
        cmd += ["--npy-dir", npy_dir]
    env = dict(os.environ)
    env.setdefault("EGL_PLATFORM", "surfaceless")  # vispy's EGL app on Mesa needs it
    env.setdefault("PYGFX_WGPU_ADAPTER_NAME", "via Vulkan")  # lavapipe here, the GPU elsewhere
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=args.timeout)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        proc = subprocess.CompletedProcess(cmd, -1, out, f"timed out after {args.timeout} s")
    results = {}
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            r = json.loads(line[7:])
            results[r.pop("job")] = r
    for job, _ in jobs:
        if job not in results:
            err = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
            results[job] = {"error": err[-1] if err else f"exit code {proc.returncode}"}
    return results


def run_all(libs, jobs, args, npy_dir, per_process: bool) -> dict[str, dict[str, dict]]:
    """results[lib][job]; one process per job, or one per library (``--quick``)."""
    out = {}
    for lib in libs:
        out[lib] = {}
        groups = [[j] for j in jobs] if per_process else [jobs]
        for group in groups:
            out[lib].update(spawn(lib, group, args, npy_dir))
        renderers = {r["renderer"] for r in out[lib].values() if "renderer" in r}
        for renderer in sorted(renderers):
            print(f"{lib}: {renderer}", flush=True)
        if not renderers:
            first = next(iter(out[lib].values()), {})
            print(f"{lib}: every job failed: {first.get('error', '?')}", flush=True)
    return out


def fmt(r: dict | None, key: str, spec: str) -> str:
    if r is None or key not in r:
        return "-"
    return format(r[key], spec)


def print_scenes(results, libs, names) -> None:
    print("\nper scene and library: frame = median render() (draw + read-back), CPU = the")
    print("rendering thread's CPU per frame, first = canvas + view + visuals + first render")
    head = f"{'scene':34} {'library':8} | {'frame ms':>8} {'CPU ms':>7} {'first s':>7}"
    print(head + f" {'peak MiB':>8} {'drawn %':>7}")
    for name in names:
        for i, lib in enumerate(libs):
            r = results[lib][name]
            title = SCENES[name][0] if i == 0 else ""
            if "error" in r:
                print(f"{title:34} {lib:8} | failed: {r['error'][:120]}")
                continue
            print(
                f"{title:34} {lib:8} | {r['frame_ms']:8.1f} {r['cpu_ms']:7.1f} "
                f"{r['first_s']:7.2f} {r['peak_mib']:8.0f} {100 * r['drawn']:7.1f}"
            )
    peers = [lib for lib in libs if lib != "glframe"]
    if "glframe" not in libs or not peers:
        return
    print("\nside by side: frame ms (first s); ratio = glframe frame / the faster peer's")
    print(f"{'scene':34} | " + " | ".join(f"{lib:>16}" for lib in libs) + " | glframe/faster")
    for name in names:
        cells, frames = [], {}
        for lib in libs:
            r = results[lib][name]
            if "frame_ms" in r:
                frames[lib] = r["frame_ms"]
                cells.append(f"{r['frame_ms']:8.1f} ({r['first_s']:5.2f})")
            else:
                cells.append(f"{'failed':>16}")
        peer = min((lib for lib in peers if lib in frames), key=frames.get, default=None)
        ratio = (
            f"{frames['glframe'] / frames[peer]:5.2f} ({peer})"
            if peer and ("glframe" in frames)
            else "-"
        )
        print(f"{SCENES[name][0]:34} | " + " | ".join(cells) + f" | {ratio}")


def write_pngs(npy_dir: str, png_dir: Path, names, libs) -> None:
    """Per scene, the libraries' pictures side by side with their names above."""
    from PIL import Image, ImageDraw

    png_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        pics = []
        for lib in libs:
            path = Path(npy_dir) / f"{name}-{lib}.npy"
            if path.exists():
                pics.append((lib, np.load(path)))
        if not pics:
            continue
        h = max(p.shape[0] for _, p in pics)
        w = sum(p.shape[1] for _, p in pics) + 8 * (len(pics) - 1)
        sheet = Image.new("RGB", (w, h + 20), (60, 60, 60))
        draw, x = ImageDraw.Draw(sheet), 0
        for lib, pic in pics:
            sheet.paste(Image.fromarray(np.ascontiguousarray(pic, np.uint8)), (x, 20))
            draw.text((x + 4, 4), f"{lib}: {SCENES[name][0]}", fill=(255, 255, 255))
            x += pic.shape[1] + 8
        sheet.save(png_dir / f"{name}.png")
    print(f"\npictures: {png_dir}/<scene>.png ({', '.join(libs)}, left to right)")


def scale(libs, args) -> None:
    quick = args.quick
    sizes = (1000, 10_000) if quick else SCALE_MARKERS
    counts = (10, 100) if quick else SCALE_COUNTS
    jobs = [f"markers:{n}" for n in sizes]
    many = [f"many:{k}:{c}" for k in SCALE_KINDS for c in (0, *counts)]
    res = run_all(libs, [(j, 0) for j in jobs + many], args, None, per_process=not quick)
    print("\n--scale: one Markers visual of N points (3 px)")
    print(f"{'library':8} {'N':>10} | {'frame ms':>8} {'CPU ms':>7} {'first s':>7} {'peak MiB':>8}")
    for lib in libs:
        for n, job in zip(sizes, jobs):
            r = res[lib][job]
            if "error" in r:
                print(f"{lib:8} {n:10,} | failed: {r['error'][:120]}")
                continue
            print(
                f"{lib:8} {n:10,} | {r['frame_ms']:8.1f} {r['cpu_ms']:7.1f} "
                f"{r['first_s']:7.2f} {r['peak_mib']:8.0f}"
            )
    print("\n--scale: N separate visuals (lines of 100 points, markers of 10, one-label texts);")
    print("CPU = the rendering thread's CPU per frame; per visual = (CPU(N) - CPU(0)) / N")
    print(
        f"{'library':8} {'kind':8} {'N':>7} | {'frame ms':>8} {'CPU ms':>8} "
        f"{'us/visual':>9} {'first s':>7} {'peak MiB':>8}"
    )
    for lib in libs:
        for kind in SCALE_KINDS:
            base = res[lib][f"many:{kind}:0"]
            for c in (0, *counts):
                r = res[lib][f"many:{kind}:{c}"]
                if "error" in r:
                    print(f"{lib:8} {kind:8} {c:7,} | failed: {r['error'][:120]}")
                    continue
                per = (
                    f"{(r['cpu_ms'] - base['cpu_ms']) / c * 1e3:9.1f}"
                    if c and "cpu_ms" in base
                    else f"{'-':>9}"
                )
                print(
                    f"{lib:8} {kind:8} {c:7,} | {r['frame_ms']:8.1f} {r['cpu_ms']:8.2f} "
                    f"{per} {r['first_s']:7.2f} {r['peak_mib']:8.0f}"
                )


def parse_size(text: str) -> tuple[int, int]:
    w, h = text.lower().split("x")
    return int(w), int(h)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--libs", help="comma-separated, of glframe,vispy,pygfx (default all)")
    parser.add_argument("--scenes", help=f"comma-separated, of {','.join(SCENES)}")
    parser.add_argument("--size", help="canvas size (default 800x600; --quick 200x150)")
    parser.add_argument("--repeat", type=int, help="timed renders after the first (5)")
    parser.add_argument("--png", metavar="DIR", help="write the pictures side by side here")
    parser.add_argument("--scale", action="store_true", help="markers 10k..10M, many visuals")
    parser.add_argument("--timeout", type=float, default=900, help="s per process (900)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the tests")
    parser.add_argument("--worker", choices=LIBS, help=argparse.SUPPRESS)
    parser.add_argument("--worker-jobs", help=argparse.SUPPRESS)
    parser.add_argument("--npy-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.size = args.size or ("200x150" if args.quick else "800x600")
    args.repeat = args.repeat or (2 if args.quick else 5)
    if args.worker:
        worker(args)
        return

    wanted = args.libs.split(",") if args.libs else list(LIBS)
    if args.scale and not args.libs:
        wanted = ["glframe"]  # vispy's 10,000 texts alone would take an hour here
    unknown = set(wanted) - set(LIBS)
    if unknown:
        sys.exit(f"unknown libraries {sorted(unknown)}: choose from {', '.join(LIBS)}")
    libs = []
    for lib in wanted:
        if installed(lib):
            libs.append(lib)
        else:
            print(f"{lib}: not installed: pip install {PIP_NAMES.get(lib, lib)}")
    if not libs:
        sys.exit("no library to measure")
    if "glframe" in libs:  # its bytecode, as the peers' (see "first" above)
        import compileall

        import glframe

        compileall.compile_dir(Path(glframe.__file__).parent, quiet=1)
    per = "library" if args.quick else "library and scene"
    print(f"canvas {args.size}, seed {SEED}; frame = median of {args.repeat} render() after "
          f"the first; one process per {per}, one after another")  # fmt: skip
    if args.scale:
        scale(libs, args)
        return
    names = args.scenes.split(",") if args.scenes else list(SCENES)
    jobs = [(name, SCENES[name][2 if args.quick else 1]) for name in names]
    with tempfile.TemporaryDirectory() as tmp:
        npy_dir = tmp if args.png else None
        results = run_all(libs, jobs, args, npy_dir, per_process=not args.quick)
        print_scenes(results, libs, names)
        if args.png:
            write_pngs(npy_dir, Path(args.png), names, libs)
    failed = [(lib, n) for lib in libs for n in names if "error" in results[lib][n]]
    if "glframe" in libs and any(lib == "glframe" for lib, _ in failed):
        sys.exit("glframe failed on " + ", ".join(n for lib, n in failed if lib == "glframe"))


if __name__ == "__main__":
    main()
