"""Aggregate: 100 million points, counted per screen pixel, in two views.

A synthetic mixture: five Gaussian clusters (one category each, of different sizes,
spreads and elongations) and a noisy ring around them. The left view counts every
point per pixel and shades the counts by histogram equalization through "fire"; the
right view counts by category and blends the categories' colours by count, the
alpha following the total. Only the two grids reach the GPU. Pan and zoom in a window:
the previous image moves with the camera at once, and each view re-aggregates its
visible part at full resolution once the camera rests.

    python examples/scene/aggregate_points.py               # 100,000,000 points
    python examples/scene/aggregate_points.py --points 1e7  # fewer

The headless gallery (and its test) uses 1,000,000 points; ``wait()`` makes that frame
complete. 100M points take 0.9 GB (float32 x, y and uint8 categories).
"""

from __future__ import annotations

import argparse

import numpy as np

import glframe
from glframe import scene

#: (centre x, centre y, sigma x, sigma y, rotation, share of the points)
CLUSTERS = [
    (-2.0, 0.5, 0.9, 0.35, 0.5, 0.30),
    (1.5, 1.6, 0.5, 0.5, 0.0, 0.20),
    (0.8, -1.4, 1.2, 0.25, -0.4, 0.20),
    (-0.6, -0.2, 0.18, 0.18, 0.0, 0.10),
    (2.6, -0.2, 0.3, 0.8, 0.2, 0.10),
]
RING = 0.10  # the rest: a ring of radius 4, category 5
COLORS = ["#ff5a36", "#ffd23f", "#3ec7ff", "#9dff5c", "#ff4fd8", "#b8b8b8"]


def mixture(n: int, seed: int = 0) -> dict:
    """``n`` points of the mixture: float32 columns x and y, uint8 category codes c."""
    rng = np.random.default_rng(seed)
    x = np.empty(n, np.float32)
    y = np.empty(n, np.float32)
    c = np.empty(n, np.uint8)
    start = 0
    for k, (cx, cy, sx, sy, angle, share) in enumerate(CLUSTERS):
        stop = start + int(round(share * n))
        u = rng.standard_normal(stop - start, dtype=np.float32) * sx
        v = rng.standard_normal(stop - start, dtype=np.float32) * sy
        cos, sin = np.float32(np.cos(angle)), np.float32(np.sin(angle))
        x[start:stop] = cx + u * cos - v * sin
        y[start:stop] = cy + u * sin + v * cos
        c[start:stop] = k
        start = stop
    theta = rng.uniform(0, 2 * np.pi, n - start).astype(np.float32)
    radius = 4 + rng.standard_normal(n - start, dtype=np.float32) * 0.15
    x[start:], y[start:], c[start:] = radius * np.cos(theta), radius * np.sin(theta), 5
    return {"x": x, "y": y, "c": c}


def points_wanted() -> int:
    if __name__ != "__main__":
        return 1_000_000  # the gallery
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=float, default=1e8, help="how many (default 1e8)")
    return int(parser.parse_args().points)


data = mixture(points_wanted())
canvas = scene.SceneCanvas(size=(720, 360), backend="auto", title="Aggregate: points")
grid = canvas.add_grid(spacing=4)
visuals, cameras = [], []
for col in range(2):
    view = grid.add_view(0, col, bgcolor="black")
    view.camera = scene.PanZoomCamera(rect=(-5, -4.5, 10, 9), aspect=1)
    cameras.append(view.camera)
    if col == 0:
        visual = scene.visuals.Aggregate(data, parent=view.scene)  # count, eq_hist, fire
    else:
        visual = scene.visuals.Aggregate(
            data, category="c", color_key=COLORS, how="log", parent=view.scene
        )
    visuals.append(visual)
cameras[1].link(cameras[0])  # pan one, both follow

canvas.render()  # the first frame: sizes the views, starts both aggregations
for visual in visuals:
    visual.wait(timeout=300)

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
