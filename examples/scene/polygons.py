"""Polygons, rectangles and ellipses: concave outlines, holes, rounded corners, pies.

Top row: a star and an L (concave, triangulated by ear clipping), a plate
with three holes, and a blob of 300 vertices. Bottom row: rounded
rectangles, an ellipse, and a pie chart made of Ellipse slices. Outlines are
antialiased lines of a fixed width in pixels; the curves get more segments
as you zoom in.
"""

import numpy as np

import glframe
from glframe import scene
from glframe.shaders import colormaps

canvas = scene.SceneCanvas(size=(640, 400), backend="auto", title="Polygons", bgcolor="#14161c")
view = canvas.add_view(camera=scene.PanZoomCamera(aspect=1))
V = scene.visuals

# a five-pointed star
a = np.pi / 2 + np.arange(10) * np.pi / 5
r = np.where(np.arange(10) % 2, 0.45, 1.1)
V.Polygon(
    np.c_[1.2 + r * np.cos(a), 4.6 + r * np.sin(a)],
    color="#e8b422",
    border_color="white",
    border_width=2,
    parent=view.scene,
)

# an L
V.Polygon(
    [[2.8, 3.6], [4.6, 3.6], [4.6, 4.2], [3.4, 4.2], [3.4, 5.7], [2.8, 5.7]],
    color="#1f9e89",
    border_color="white",
    border_width=2,
    parent=view.scene,
)

# a plate with holes
circle = np.c_[
    np.cos(np.linspace(0, 2 * np.pi, 48, endpoint=False)),
    np.sin(np.linspace(0, 2 * np.pi, 48, endpoint=False)),
]
V.Polygon(
    [[5.2, 3.6], [7.6, 3.6], [7.6, 5.7], [5.2, 5.7]],
    holes=[
        circle * 0.35 + (5.8, 4.2),
        circle * 0.35 + (7.0, 4.2),
        [[5.8, 5.0], [7.0, 5.0], [6.4, 5.45]],
    ],
    color=(0.85, 0.35, 0.3, 0.85),
    border_color="#ffd0c0",
    border_width=1.5,
    parent=view.scene,
)

# a blob: a concave outline of 300 vertices
t = np.linspace(0, 2 * np.pi, 300, endpoint=False)
radius = 1.0 + 0.25 * np.sin(3 * t) + 0.15 * np.cos(7 * t) + 0.06 * np.sin(23 * t)
V.Polygon(
    np.c_[9.3 + radius * np.cos(t), 4.6 + radius * np.sin(t)],
    color=(0.35, 0.45, 0.95, 0.8),
    border_color="white",
    border_width=1.5,
    parent=view.scene,
)

# rounded rectangles
for k, corner in enumerate((0.0, 0.15, 0.45)):
    V.Rectangle(
        (0.6 + 1.05 * k, 1.3),
        0.9,
        1.6,
        radius=corner,
        color=colormaps.sample("viridis", 0.3 + 0.3 * k),
        border_color="white",
        border_width=1.5,
        parent=view.scene,
    )

# an ellipse
V.Ellipse(
    (5.0, 1.3),
    radius=(1.3, 0.8),
    color="#8b2d8b",
    border_color="white",
    border_width=3,
    parent=view.scene,
)

# a pie chart: slices of one Ellipse each
shares = np.array([0.35, 0.25, 0.2, 0.12, 0.08])
starts = 90 - 360 * np.cumsum(shares)
for k, (start, share) in enumerate(zip(starts, shares)):
    V.Ellipse(
        (8.9, 1.3),
        radius=1.0,
        start_angle=start,
        span_angle=360 * share,
        color=colormaps.sample("plasma", 0.15 + 0.18 * k),
        border_color="#14161c",
        border_width=2,
        border_join="round",
        parent=view.scene,
    )
view.camera.set_range(x=(-0.2, 10.6), y=(0.0, 6.0))

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
