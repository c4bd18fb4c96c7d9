"""Meshes: a height field with vertex colours, flat and smooth shading, face colours, a wireframe.

- a surface z = f(x, y) on a 40 x 40 grid, smooth-shaded, coloured by height
  with a colormap, and a wireframe over it;
- a torus, flat-shaded (face normals from screen-space derivatives);
- a cube with one colour per side (face colours), back faces culled;
- an icosphere with only its wireframe (a transparent fill).

Drag to turn, wheel to zoom.
"""

from __future__ import annotations

import numpy as np

import glframe
from glframe import scene
from glframe.scene.visuals import Mesh, geometry
from glframe.shaders import colormaps
from glframe.transforms import STTransform

canvas = scene.SceneCanvas(size=(640, 420), backend="auto", title="Meshes", bgcolor="#16181e")
view = canvas.add_view(camera=scene.TurntableCamera(azimuth=35, elevation=28, fov=35))

# a height field: two bumps and a ripple
v, f = geometry.plane((4, 4), (40, 40))
x, y = v[:, 0], v[:, 1]
v[:, 2] = (
    0.6 * np.exp(-((x - 0.8) ** 2 + (y - 0.5) ** 2) * 1.5)
    - 0.45 * np.exp(-((x + 0.9) ** 2 + (y + 0.6) ** 2) * 2)
    + 0.05 * np.sin(4 * x) * np.cos(3 * y)
)
height = (v[:, 2] - v[:, 2].min()) / np.ptp(v[:, 2])
Mesh(
    v,
    f,
    vertex_colors=colormaps.sample("viridis", height),
    wireframe=True,
    wireframe_color=(0.0, 0.0, 0.0, 0.5),
    specular=0.2,
    parent=view.scene,
)

v, f = geometry.torus(0.55, 0.2, 36, 18)
Mesh(v, f, color="#e8803a", shading="flat", transform=STTransform(translate=(-2.6, 1.2, 0.6)),
     parent=view.scene)  # fmt: skip

v, f = geometry.cube(0.8, center=(2.6, -1.0, 0.6))
sides = np.array([[0.9, 0.3, 0.3], [0.9, 0.5, 0.5], [0.3, 0.8, 0.4],
                  [0.5, 0.9, 0.6], [0.3, 0.4, 0.9], [0.5, 0.6, 1.0]])  # fmt: skip
Mesh(v, f, face_colors=np.repeat(sides, 2, axis=0), shading="flat", cull="back", parent=view.scene)

v, f = geometry.sphere(0.55, 2, center=(2.4, 1.6, 0.7))
Mesh(v, f, color=(0, 0, 0, 0), wireframe=True, wireframe_color="#9ad0ff", wireframe_width=1.5,
     parent=view.scene)  # fmt: skip

view.camera.set_state(center=(0.0, 0.0, 0.1), scale_factor=5.8)

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
