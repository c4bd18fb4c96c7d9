"""Solids: a Box, a Plane, a Tube and the XYZ axes in a turntable view (vispy's names).

- a plane split into 8 x 8 cells, its wireframe over it: the floor;
- a box split into cells (its parameters are properties: ``box.depth = 1``
  computes it again);
- a closed tube around a trefoil knot, thicker where it rises, coloured along
  its path (``colors=``, one per point);
- the x, y and z axes in red, green and blue.

Drag to turn, wheel to zoom.
"""

from __future__ import annotations

import numpy as np

import glframe
from glframe import scene
from glframe.transforms import STTransform

canvas = scene.SceneCanvas(size=(640, 420), backend="auto", title="Solids", bgcolor="#16181e")
view = canvas.add_view(camera=scene.TurntableCamera(azimuth=35, elevation=26, fov=35))

scene.Plane(6, 6, 8, 8, color=(0.32, 0.34, 0.42), wireframe=True,
            wireframe_color=(0.12, 0.13, 0.16), specular=0.1, parent=view.scene)  # fmt: skip

box = scene.Box(1.2, 0.9, 0.7, 3, 2, 2, color="#e8803a", wireframe=True,
                wireframe_color=(0, 0, 0, 0.4), parent=view.scene,
                transform=STTransform(translate=(-1.8, 1.4, 0.35)))  # fmt: skip

s = np.linspace(0, 2 * np.pi, 240, endpoint=False)
knot = np.c_[np.sin(s) + 2 * np.sin(2 * s), np.cos(s) - 2 * np.cos(2 * s), -np.sin(3 * s)]
height = (knot[:, 2] + 1) / 2
colors = np.c_[0.25 + 0.7 * height, np.full_like(height, 0.55), 0.95 - 0.6 * height]
scene.Tube(knot * 0.45 + [1.0, -0.8, 0.9], radius=0.08 + 0.06 * height, closed=True,
           tube_points=16, colors=colors, shininess=48, parent=view.scene)  # fmt: skip

scene.XYZAxis(
    width=3,
    parent=view.scene,
    transform=STTransform(scale=(1.2, 1.2, 1.2), translate=(-2.6, -2.6, 0.02)),
)

view.camera.set_state(center=(0.0, 0.0, 0.5), scale_factor=7.0)

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
