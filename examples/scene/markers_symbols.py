"""Markers: every symbol, with sizes in pixels, edges, and translucent faces.

A PanZoomCamera with a locked aspect shows a grid of symbols; behind them a
cloud of 100,000 small points coloured by distance (one draw).
"""

import numpy as np

import glframe
from glframe import scene
from glframe.shaders import colormaps

canvas = scene.SceneCanvas(size=(640, 400), backend="auto", title="Markers", bgcolor="#14161c")
view = canvas.add_view(camera=scene.PanZoomCamera(aspect=1))

rng = np.random.default_rng(3)
cloud = rng.normal(0, 1.2, (100_000, 2)) * (2.5, 1.2) + (5.5, 1.5)
radius = np.hypot(*((cloud - (5.5, 1.5)) / (2.5, 1.2)).T)
scene.visuals.Markers(
    cloud,
    size=2,
    edge_width=0,
    face_color=colormaps.sample("plasma", 1 - radius / 3) * (1, 1, 1, 0.5),
    parent=view.scene,
)

names = list(scene.visuals.SYMBOLS)
grid = np.array([(i % 6, i // 6) for i in range(len(names))], float) * (2.2, 2.0) + (0, 0.5)
scene.visuals.Markers(
    grid,
    size=np.linspace(18, 34, len(names)),
    symbol=names,
    face_color=colormaps.sample("viridis", np.linspace(0.2, 1, len(names))),
    edge_color="white",
    edge_width=1.5,
    parent=view.scene,
)
view.camera.set_range(x=(-1, 12), y=(-0.5, 3.5))

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
