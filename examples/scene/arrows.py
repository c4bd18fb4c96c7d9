"""Arrows: a vector field of arrows, and every head type (vispy's ArrowVisual).

- left: the field (-y, x) on a grid, one segment and one head per point,
  coloured by speed; the heads keep their size in pixels at any zoom;
- right: a spiral with heads along it, then one arrow of each ``arrow_type``.

Drag to pan, wheel to zoom.
"""

from __future__ import annotations

import numpy as np

import glframe
from glframe import scene
from glframe.scene.visuals import ARROW_TYPES
from glframe.shaders import colormaps

canvas = scene.SceneCanvas(size=(640, 360), backend="auto", title="Arrows", bgcolor="#16181e")
view = canvas.add_view(camera=scene.PanZoomCamera(rect=(-1.3, -1.8, 6.4, 3.6)))

# a rotating field: each arrow from its grid point along (-y, x)
x, y = np.meshgrid(np.linspace(-1, 1, 9), np.linspace(-1, 1, 9))
start = np.c_[x.ravel(), y.ravel()]
step = 0.2 * np.c_[-start[:, 1], start[:, 0]]
keep = np.linalg.norm(step, axis=1) > 0
start, end = start[keep], start[keep] + step[keep]
speed = np.linalg.norm(step[keep], axis=1) / np.linalg.norm(step, axis=1).max()
colors = colormaps.sample("viridis", 0.2 + 0.8 * speed)
pairs = np.c_[start, end]
scene.Arrow(pairs.reshape(-1, 2), connect="segments", color=np.repeat(colors, 2, axis=0),
            width=1.5, arrows=pairs, arrow_type="triangle_30", arrow_size=8,
            arrow_color=colors, parent=view.scene)  # fmt: skip

# a spiral with heads at a few of its segments
t = np.linspace(0, 4 * np.pi, 200)
spiral = np.c_[2.2 + 0.08 * t * np.cos(t), 0.08 * t * np.sin(t)]
marks = np.arange(20, 200, 30)
scene.Arrow(spiral, color="#9ad0ff", width=2, arrows=np.c_[spiral[marks - 1], spiral[marks]],
            arrow_type="stealth", arrow_size=14, arrow_color="#9ad0ff",
            parent=view.scene)  # fmt: skip

# one arrow per head type, with its name's order from top to bottom
for k, name in enumerate(ARROW_TYPES):
    y0 = 1.05 - 0.3 * k
    pair = np.array([[3.6, y0], [4.9, y0]])
    scene.Arrow(pair, width=2, color="white", arrows=pair.reshape(1, 4), arrow_type=name,
                arrow_size=16, arrow_color="#e8803a", parent=view.scene)  # fmt: skip

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
