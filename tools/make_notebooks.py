"""Write the example notebooks of examples/notebooks/ (without outputs) with nbformat.

Usage: python tools/make_notebooks.py

The notebooks are generated so that they stay small, reviewable and free of
outputs; tests/test_notebooks.py executes each of them (nbclient), and checks
that the committed files are what this script writes. This script lives in
tools/ because examples/run_gallery.py runs every ``*.py`` under examples/.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).resolve().parent.parent / "examples" / "notebooks"

SCATTER = [
    new_markdown_cell(
        "# A scatter in a notebook\n\n"
        "A glframe canvas in a cell behaves like a desktop window, even when the kernel "
        "runs on a remote server with no display and no GPU: drag to pan, turn the wheel "
        "to zoom.\n\n"
        "- **server mode** (the default): the kernel renders offscreen (EGL) and streams "
        "frames, JPEG while the picture moves and an exact PNG once it settles;\n"
        "- **client mode**: the kernel sends the GLIR once and the browser draws it with "
        "WebGL2; the camera moves in the browser and its state comes back to Python."
    ),
    new_code_cell(
        "import numpy as np\n"
        "\n"
        "from glframe import scene\n"
        "from glframe.shaders import colormaps\n"
        "\n"
        "rng = np.random.default_rng(0)\n"
        "centers = np.array([[-2.0, 0.5], [1.5, 1.5], [0.5, -1.5]])\n"
        "labels = rng.integers(0, 3, 50_000)\n"
        "points = centers[labels] + rng.normal(0, 0.6, (50_000, 2))\n"
        "\n"
        'canvas = scene.SceneCanvas(size=(600, 400), bgcolor="#0e1117")\n'
        "view = canvas.add_view(camera=scene.PanZoomCamera(aspect=1))\n"
        "markers = scene.visuals.Markers(\n"
        "    points,\n"
        "    size=4,\n"
        "    edge_width=0,\n"
        "    parent=view.scene,\n"
        '    face_color=colormaps.sample("turbo", 0.15 + labels * 0.35) * (1, 1, 1, 0.6),\n'
        ")\n"
        "view.camera.set_range()"
    ),
    new_markdown_cell(
        "A canvas as the last expression of a cell shows its widget (so does "
        "`canvas.show()`). `canvas.widget()` returns it: one widget per canvas."
    ),
    new_code_cell('widget = canvas.widget(mode="server")\nwidget'),
    new_markdown_cell(
        "Switch the widget above to client mode: no need to re-run its cell. "
        "Pan it, then read the camera back in Python."
    ),
    new_code_cell('widget.mode = "client"'),
    new_code_cell("view.camera.rect"),
    new_markdown_cell(
        "Changes made in Python reach the widget in either mode: recolour the clusters."
    ),
    new_code_cell(
        'markers.face_color = colormaps.sample("viridis", 0.1 + labels * 0.4)\n'
        "view.camera.zoom(1.5)"
    ),
    new_markdown_cell(
        "Frames sent and shown, round trip, encode time and frame rate (server mode; "
        "in client mode, the GLIR messages sent). Zero until a browser shows the widget. "
        "`stream_views` counts the views that reach the kernel over its own websocket "
        "(directly, or relayed by the notebook server for a remote browser) rather than "
        "the Jupyter comm: the fast path while dragging."
    ),
    new_code_cell('widget.mode = "server"\nwidget.stats()'),
]

ANIMATION = [
    new_markdown_cell(
        "# An animation that keeps running\n\n"
        "A `glframe.Timer` runs on the kernel's asyncio loop: it turns the camera while "
        "you run other cells, and stops only when told to. (A cell that computes for a "
        "long time holds the loop, and the animation waits for it, as a desktop window "
        "waits for its event loop.)"
    ),
    new_code_cell(
        "import asyncio\n"
        "\n"
        "import glframe\n"
        "from glframe import scene\n"
        "from glframe.scene.visuals import Mesh, geometry\n"
        "\n"
        'canvas = scene.SceneCanvas(size=(480, 360), bgcolor="#16181e")\n'
        "view = canvas.add_view(camera=scene.TurntableCamera(azimuth=30, elevation=25))\n"
        "vertices, faces = geometry.torus(1.0, 0.35, 48, 24)\n"
        'Mesh(vertices, faces, color="#e8803a", parent=view.scene)\n'
        "view.camera.set_state(scale_factor=4.0)\n"
        "canvas.show()  # in a notebook: the live widget"
    ),
    new_code_cell(
        "def turn(event):\n"
        "    view.camera.azimuth = (view.camera.azimuth + 45 * event.dt) % 360  # 45 deg/s\n"
        "\n"
        "\n"
        "timer = glframe.Timer(1 / 30, connect=turn, start=True)"
    ),
    new_markdown_cell(
        "The timer fires whenever the kernel is idle, between and after cells. Here the "
        "cell itself waits (`await`), as the kernel does between your cells:"
    ),
    new_code_cell(
        "count, azimuth = timer.count, view.camera.azimuth\n"
        "await asyncio.sleep(0.5)\n"
        'print(f"{timer.count - count} timeouts, azimuth {azimuth:.0f} -> '
        '{view.camera.azimuth:.0f} degrees")\n'
        "assert timer.running and timer.count > count"
    ),
    new_code_cell(
        "total = sum(i * i for i in range(100_000))  # any other work: the timer carries on\n"
        "timer.count"
    ),
    new_code_cell("timer.stop()"),
]

MULTISCALE = [
    new_markdown_cell(
        "# The Mandelbrot set as a multiscale image\n\n"
        "`MultiscaleImage` draws an image far bigger than memory from tiles of a "
        "multiscale source, read (here: computed) on worker threads while the view "
        "moves; the coarsest level is always there, finer tiles replace it as they "
        "arrive. `glframe.data.synthetic.mandelbrot(size=2**27)` (the default) is the "
        "set as a 134,217,728² image of 19 levels; this notebook uses `2**20` so that "
        "it runs in a second or two, but a view costs the same at any size: only the "
        "visible tiles of one level are ever computed."
    ),
    new_code_cell(
        "from glframe import scene\n"
        "from glframe.data.synthetic import mandelbrot\n"
        "\n"
        "size = 2**20  # 2**27: the whole 134M-pixel set, just as fast per view\n"
        "source = mandelbrot(size=size, tile=256)\n"
        "\n"
        'canvas = scene.SceneCanvas(size=(480, 320), bgcolor="black")\n'
        "view = canvas.add_view(camera=scene.PanZoomCamera(aspect=1, flip=(False, True)))\n"
        "image = scene.visuals.MultiscaleImage(\n"
        '    source, cmap="magma", clim=(20, 255), tile=256, parent=view.scene\n'
        ")\n"
        "view.camera.set_range(margin=0)\n"
        "canvas.render()  # the first frame: the coarsest level, the visible tiles asked for\n"
        "image.wait(timeout=60)  # scripts and tests only: a widget never waits"
    ),
    new_markdown_cell(
        "**Server mode** (the default): the kernel renders and streams frames. Drag to "
        "pan, turn the wheel to zoom: the kernel loads the tiles of each new view on its "
        "workers and the frames fill in as they arrive."
    ),
    new_code_cell('widget = canvas.widget(mode="server")\nwidget'),
    new_markdown_cell(
        "Move the camera from Python: into Seahorse Valley, 400 times closer. The "
        "widget follows; `image.stats()` tells the level chosen, the tiles still "
        "pending and the share of the view already at that level."
    ),
    new_code_cell(
        "def pixel(c: complex) -> tuple[float, float]:\n"
        '    """Level-0 (column, row) of a point of the complex plane."""\n'
        "    return ((c.real + 0.75) / 3 + 0.5) * size, (0.5 - c.imag / 3) * size\n"
        "\n"
        "\n"
        "x, y = pixel(-0.7453 + 0.1127j)\n"
        "w = size / 400\n"
        "view.camera.rect = (x - w / 2, y - w / 2, w, w)\n"
        "image.wait(timeout=60)\n"
        "image.stats()"
    ),
    new_markdown_cell(
        "**Client mode**: the browser draws with WebGL2 and moves the camera itself. Its "
        "state comes to Python on each wheel turn and when a drag ends; Python then "
        "chooses the level for that view, loads its tiles and sends them to the page as "
        "texture updates (only what is new: the tiles already there stay)."
    ),
    new_code_cell('widget.mode = "client"'),
    new_markdown_cell(
        "The visual debugger tints each tile by its level and outlines it: zoom in the "
        "widget and watch finer levels arrive."
    ),
    new_code_cell('image.debug = True\nimage.stats()["level"], widget.stats()["mode"]'),
]

MANDELBULB = [
    new_markdown_cell(
        "# The Mandelbulb as a multiscale volume\n\n"
        "`MultiscaleVolume` ray casts a volume far bigger than memory from bricks of a "
        "multiscale source, read (here: computed) on worker threads. "
        "`glframe.data.synthetic.mandelbulb(size=2**20)` is the power-8 Mandelbulb as a "
        "1,048,576³ volume of 15 levels; only the bricks a view needs, at the level it "
        "needs (voxels of about two screen pixels), are ever computed. The coarsest "
        "level (64³) is always on the GPU, so every ray has data from the first frame."
    ),
    new_code_cell(
        "from glframe import scene\n"
        "from glframe.data.synthetic import mandelbulb\n"
        "\n"
        "size = 2**20\n"
        "source = mandelbulb(size=size, tile=64)\n"
        "\n"
        'canvas = scene.SceneCanvas(size=(400, 300), bgcolor="black")\n'
        "camera = scene.TurntableCamera(azimuth=35, elevation=25, fov=40)\n"
        "view = canvas.add_view(camera=camera)\n"
        "volume = scene.visuals.MultiscaleVolume(\n"
        '    source, method="iso", cmap="plasma", parent=view.scene, tile=64\n'
        ")\n"
        "view.camera.set_range()\n"
        "canvas.render()  # the first frame: the coarsest level, the visible bricks asked for\n"
        "volume.wait(timeout=120)  # scripts and tests only: a widget never waits"
    ),
    new_markdown_cell(
        "Drag to turn, wheel to zoom. While the camera moves the rays step twice as far "
        "and bricks arrive at a quarter of the upload rate; once it settles (0.25 s) the "
        "frame is drawn at full quality and the finer bricks of the new view load."
    ),
    new_code_cell('widget = canvas.widget(mode="server")\nwidget'),
    new_markdown_cell(
        "Closer, from Python: the level follows the camera, and `stats()` tells the level "
        "drawn, the bricks pending and the GPU bytes against the budget."
    ),
    new_code_cell(
        "camera.scale_factor = size * 0.6\n"
        "volume.wait(timeout=120)\n"
        '{k: volume.stats()[k] for k in ("level", "tiles_pending", "gpu_bytes", "gpu_budget")}'
    ),
    new_markdown_cell("The visual debugger tints each pixel by the finest level its ray sampled."),
    new_code_cell("volume.debug = True"),
]

AGGREGATE = [
    new_markdown_cell(
        "# Millions of points, aggregated per pixel\n\n"
        "`Aggregate` never draws the points: `glframe.data` counts them per screen pixel "
        "of the view's visible part (on all cores, with numba; from numpy, pandas, polars, "
        "Parquet, zarr or Dask), and only that grid, shaded, reaches the GPU or the "
        "browser. After a pan or zoom the previous image moves with the camera at once "
        "and the kernel re-aggregates the new view in the background. 100 million "
        "points: 0.9 GB of columns, made in slices of 10 million (a few seconds); a "
        "count of all of them takes about a tenth of a second."
    ),
    new_code_cell(
        "import numpy as np\n"
        "\n"
        "from glframe import scene\n"
        "\n"
        "n, step = 100_000_000, 10_000_000\n"
        "rng = np.random.default_rng(0)\n"
        "centres = np.array([[-2.0, 0.5], [1.5, 1.5], [0.8, -1.4], [-0.5, -0.2]], np.float32)\n"
        'data = {"x": np.empty(n, np.float32), "y": np.empty(n, np.float32), '
        '"c": np.empty(n, np.uint8)}\n'
        "for lo in range(0, n, step):  # float32 columns, slice by slice\n"
        "    label = rng.integers(0, 4, step).astype(np.uint8)\n"
        "    spread = (0.25 + 0.2 * label).astype(np.float32)\n"
        '    data["c"][lo : lo + step] = label\n'
        '    for axis, name in enumerate("xy"):\n'
        "        noise = rng.standard_normal(step, np.float32)\n"
        "        data[name][lo : lo + step] = centres[label, axis] + spread * noise\n"
        "\n"
        'canvas = scene.SceneCanvas(size=(480, 320), bgcolor="black")\n'
        "view = canvas.add_view(camera=scene.PanZoomCamera(aspect=1))\n"
        "points = scene.visuals.Aggregate(data, parent=view.scene)  # count, eq_hist, fire\n"
        "view.camera.set_range(margin=0)\n"
        "canvas.render()  # the first frame starts the aggregation\n"
        "points.wait(timeout=60)  # scripts and tests only: a widget never waits"
    ),
    new_markdown_cell(
        "**Server mode** (the default): the kernel aggregates, shades and renders, and "
        "streams frames. Drag to pan, turn the wheel to zoom."
    ),
    new_code_cell('widget = canvas.widget(mode="server")\nwidget'),
    new_markdown_cell(
        "Zoom from Python, ten times into the densest cluster: the grid Python reads "
        "(`points.grid`, `points.grid_range`) is what the view shows, one cell per pixel."
    ),
    new_code_cell(
        "view.camera.rect = (1.2, 1.3, 0.6, 0.4)\n"
        "points.wait(timeout=60)\n"
        "points.grid.shape, points.grid_range, int(points.grid.sum())"
    ),
    new_markdown_cell(
        "**Client mode**: the browser draws with WebGL2 and moves the camera itself. Its "
        "state comes back to Python, which re-aggregates for the page's view and sends "
        "only the new image, as a texture update."
    ),
    new_code_cell('widget.mode = "client"'),
    new_markdown_cell(
        "Shading is a property like any other: `how` (eq_hist, log, cbrt, linear), "
        "`clim`, `cmap`, `spread`. Counting by category blends a colour key by count."
    ),
    new_code_cell(
        'points.how = "log"\n'
        "view.camera.set_range(margin=0)\n"
        'key = ["#ff5a36", "#ffd23f", "#3ec7ff", "#9dff5c"]\n'
        "by_category = scene.visuals.Aggregate("
        'data, category="c", color_key=key, parent=view.scene)\n'
        "points.visible = False\n"
        "by_category.wait(timeout=60)\n"
        "by_category.stats()"
    ),
]

PLOT = [
    new_markdown_cell(
        "# Plots with axes that follow the camera\n\n"
        "`glframe.plot` has matplotlib's names: `subplots`, `plot`, `scatter`, `imshow`, "
        "`hist`, `colorbar`, `legend`, `set_xscale`... Every call returns the scene visual "
        "it made. The figure is a glframe canvas: drag to pan, turn the wheel to zoom, "
        "and the ticks, their labels and the grid follow."
    ),
    new_code_cell(
        "import numpy as np\n"
        "\n"
        "from glframe import plot\n"
        "\n"
        "rng = np.random.default_rng(0)\n"
        "t = np.linspace(0, 12, 600)\n"
        "fig, axes = plot.subplots(1, 2, size=(760, 320))\n"
        "left, right = axes\n"
        'line = left.plot(t, np.exp(-t / 8) * np.sin(2 * t), label="damped")\n'
        'left.plot(t, 0.6 * np.cos(1.3 * t), label="cosine")\n'
        'left.set_xlabel("time (s)")\n'
        "left.grid(True)\n"
        "left.legend()\n"
        "x, y = rng.normal(size=(2, 20_000))\n"
        "y = x * 0.6 + y * 0.7\n"
        'points = right.scatter(x, y, color=np.hypot(x, y), cmap="viridis", size=3)\n'
        'fig.colorbar(points, label="radius")\n'
        "fig  # a figure as a cell's result shows its widget"
    ),
    new_markdown_cell(
        "Zoom from Python: the next frame brings the ticks for the new range. "
        "`ax.xticks` holds what is shown."
    ),
    new_code_cell("left.set_xlim(2, 4)\nfig.render()\nleft.xticks.labels"),
    new_markdown_cell(
        "**Client mode**: the page draws with WebGL2 and moves the cameras itself; the "
        "camera comes back to Python, which sends the new ticks. An exported page "
        "(`fig.export_html`) needs no kernel at all: there the ticks are recomputed in "
        "JavaScript by the same rule."
    ),
    new_code_cell('widget = fig.widget(mode="client")\nfig.export_html("plot.html")\nwidget'),
    new_markdown_cell("Log axes, a histogram and a dark theme:"),
    new_code_cell(
        'fig2, (ax1, ax2) = plot.subplots(1, 2, size=(760, 300), theme="dark")\n'
        "f = np.logspace(-1, 4, 200)\n"
        'ax1.plot(f, 1 / f, label="1/f")\n'
        'ax1.plot(f, 1 / f**2, label="1/f²")\n'
        'ax1.set_xscale("log")\n'
        'ax1.set_yscale("log")\n'
        "ax1.legend()\n"
        "bars = ax2.hist(rng.normal(size=10_000), bins=40)\n"
        "fig2"
    ),
]

NOTEBOOKS = {
    "scatter.ipynb": SCATTER,
    "animation.ipynb": ANIMATION,
    "multiscale.ipynb": MULTISCALE,
    "mandelbulb.ipynb": MANDELBULB,
    "aggregate.ipynb": AGGREGATE,
    "plot.ipynb": PLOT,
}


def notebook(cells: list) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    for k, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{k}"  # stable ids: regenerating gives the same files
    return nb


def texts() -> dict[str, str]:
    """Each notebook's file name and its text, as written."""
    return {name: nbformat.writes(notebook(cells)) + "\n" for name, cells in NOTEBOOKS.items()}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in texts().items():
        (OUT / name).write_text(text, encoding="utf-8")
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
