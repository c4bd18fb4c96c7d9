"""SurfacePlot: height fields, coloured by a colormap of z or in one colour.

- left: z = sin(r) / r on a 60 x 60 grid, x and y 1D, coloured by ``cmap``
  between ``clim``;
- right: a ripple over a polar grid (x and y 2D, z's shape), one colour,
  with its wireframe.

As in vispy, z[i, j] is the height at (x[i], y[j]); ``surface.set_data(z=...)``
changes the heights and keeps the faces. Drag to turn, wheel to zoom.
"""

import numpy as np

import glframe
from glframe import scene
from glframe.transforms import STTransform

canvas = scene.SceneCanvas(size=(640, 360), backend="auto", title="Surface plot", bgcolor="#16181e")
view = canvas.add_view(camera=scene.TurntableCamera(azimuth=30, elevation=30, fov=35))

x = y = np.linspace(-10, 10, 60)
r = np.hypot(x[:, None], y[None, :]) + 1e-9
sinc = np.sin(r) / r
scene.SurfacePlot(x, y, 4 * sinc, cmap="viridis", clim=(-1, 3), specular=0.2,
                  transform=STTransform(translate=(-11, 0, 0)), parent=view.scene)  # fmt: skip

radius, angle = np.meshgrid(np.linspace(0.5, 9, 24), np.linspace(0, 2 * np.pi, 49), indexing="ij")
ripple = 1.2 * np.cos(radius) * np.exp(-radius / 6)
scene.SurfacePlot(radius * np.cos(angle), radius * np.sin(angle), ripple, color="#e8803a",
                  wireframe=True, wireframe_color=(0, 0, 0, 0.4), specular=0.4,
                  transform=STTransform(translate=(11, 0, 0)), parent=view.scene)  # fmt: skip

view.camera.set_state(center=(0.0, 0.0, 0.0), scale_factor=30)

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
