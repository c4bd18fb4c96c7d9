"""Plot: what axes cost. A scatter of 1M points with axes against the same scatter without.

Issue 14's goal: a plot of 1M points with axes (frame, ticks, tick labels, grid, axis
labels, title) renders within 10% of the time of the same scatter without axes.

The same 1M points (``numpy.random.default_rng(12345)``, normal, float32), discs of 3
px, one colour, no edge, 800x600, in three canvases made in one process:

- ``bare canvas``: a SceneCanvas with one view filling the canvas (the scene of
  ``benchmarks/scenes.py``'s markers);
- ``bare plot area``: the same, its view given the rectangle the axes' plot area gets
  in the figure, so that the points cover the same pixels as in the figure (the
  like-for-like comparison: the figure's margins hold no points);
- ``figure``: ``plot.subplots`` with ``ax.scatter``, a title, axis labels and a grid.

Two kinds of frame, each measured on the three canvases in turn, round after round
(so that a slow spell of the shared machine hits all three alike):

- ``still``: ``render()`` with nothing changed (draw and read-back of the pixels);
- ``panning``: the camera moves by 1% of the range before each ``render()``: the
  figure then computes its ticks again and uploads new tick marks, labels and grid,
  the bare canvases upload only the camera's uniforms.

Reported per canvas: the median wall time per frame, the median CPU time of the
rendering thread (``time.thread_time()``: llvmpipe rasterizes on its own threads, so this
is the Python and driver-call work, what stays on a GPU), and the ratio figure /
bare plot area (the goal: at most 1.10), and figure / bare canvas.

Run from the repository root, under the shared lock::

    flock /tmp/glframe-bench.lock .venv/bin/python benchmarks/plot.py [--points 1000000]
        [--repeat 15] [--size 800x600]
    .venv/bin/python benchmarks/plot.py --quick   # 10k points, 200x150, 3 rounds

About 20 s here (llvmpipe, 2 cores).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

SEED = 12345
COLOR = (0.12, 0.47, 0.71, 1.0)


def make_points(n: int) -> np.ndarray:
    """The benchmark's points: (n, 2) float32, standard normal."""
    return np.random.default_rng(SEED).normal(size=(n, 2)).astype(np.float32)


def make_figure(points: np.ndarray, size: tuple[int, int]):
    """The figure: a scatter with a title, axis labels and a grid."""
    from glframe import plot

    fig, ax = plot.subplots(size=size, title="plot benchmark")
    ax.scatter(points[:, 0], points[:, 1], size=3, color=COLOR)
    ax.set_title("1M points")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(True)
    fig.render()  # lays out the axes: the plot area is known from here
    return fig, ax


def make_bare(points: np.ndarray, size: tuple[int, int], rect, camera_rect):
    """A SceneCanvas with the same Markers in one view (``rect``: None fills the canvas)."""
    from glframe import scene

    canvas = scene.SceneCanvas(size=size, bgcolor="white")
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=camera_rect))
    if rect is not None:
        view.rect = rect
    scene.visuals.Markers(points, size=3, face_color=COLOR, edge_width=0, parent=view.scene)
    return canvas, view.camera


def frame(canvas, camera, pan: bool, step: list[int]) -> tuple[float, float]:
    """One render: (wall, rendering-thread CPU) seconds; ``pan`` moves the camera first."""
    w0, c0 = time.perf_counter(), time.thread_time()
    if pan:
        step[0] += 1
        x, y, w, h = camera.rect
        sign = 1 if (step[0] // 10) % 2 == 0 else -1  # back and forth, ten frames each way
        camera.rect = (x + sign * 0.01 * w, y, w, h)
    canvas.render()
    return time.perf_counter() - w0, time.thread_time() - c0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=float, default=None, help="default 1,000,000")
    parser.add_argument("--repeat", type=int, default=None, help="rounds (default 15)")
    parser.add_argument("--size", default=None, help="WxH (default 800x600)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (the test suite)")
    args = parser.parse_args()
    n = int(args.points or (10_000 if args.quick else 1_000_000))
    repeat = args.repeat or (3 if args.quick else 15)
    size = tuple(int(v) for v in (args.size or ("200x150" if args.quick else "800x600")).split("x"))
    os.environ.setdefault("GLFRAME_BACKEND", "offscreen")

    points = make_points(n)
    fig, ax = make_figure(points, size)
    camera_rect = tuple(float(v) for v in ax.view.camera.rect)
    canvases = {
        "bare canvas": make_bare(points, size, None, camera_rect),
        "bare plot area": make_bare(points, size, tuple(ax.view.rect), camera_rect),
        "figure": (fig.canvas, ax.view.camera),
    }
    print(f"glframe plot benchmark: {n:,} points, {size[0]}x{size[1]}, {repeat} rounds")
    print(f"renderer: {fig.canvas.renderer}")
    print(f"plot area: {tuple(ax.view.rect)} (x, y, w, h) of the figure's {size[0]}x{size[1]}")
    for canvas, _ in canvases.values():
        canvas.render()  # first frames: programs compiled, data uploaded
        canvas.render()

    results: dict[tuple[str, str], tuple[list[float], list[float]]] = {}
    for kind in ("still", "panning"):
        steps = {name: [0] for name in canvases}
        for name in canvases:
            results[(kind, name)] = ([], [])
        for _ in range(repeat):
            for name, (canvas, camera) in canvases.items():
                wall, cpu = frame(canvas, camera, kind == "panning", steps[name])
                results[(kind, name)][0].append(wall)
                results[(kind, name)][1].append(cpu)
    labels = ax.xticks.labels
    assert labels, "the figure shows no x tick labels: nothing was measured"

    print()
    print(
        f"{'frame':<9}{'canvas':<16}{'wall ms':>9}{'CPU ms':>9}{'/ plot area':>13}{'/ canvas':>10}"
    )
    verdicts = []
    for kind in ("still", "panning"):
        med = {
            name: (statistics.median(w) * 1e3, statistics.median(c) * 1e3)
            for (k, name), (w, c) in results.items()
            if k == kind
        }
        for name, (wall, cpu) in med.items():
            to_area = wall / med["bare plot area"][0]
            to_canvas = wall / med["bare canvas"][0]
            print(f"{kind:<9}{name:<16}{wall:9.1f}{cpu:9.1f}{to_area:13.3f}{to_canvas:10.3f}")
        ratio = med["figure"][0] / med["bare plot area"][0]
        verdicts.append((kind, ratio))
    print()
    for kind, ratio in verdicts:
        met = "met" if ratio <= 1.10 else "NOT met"
        print(f"goal ({kind}): figure within 10% of the bare scatter: {ratio:.3f} ({met})")
    for canvas, _ in canvases.values():
        canvas.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
