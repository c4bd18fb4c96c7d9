"""Volume: the density of a hydrogen 3d orbital (64^3) drawn three ways, linked cameras.

Left to right: maximum intensity projection, translucent compositing, and the
iso-surface at 0.05, shaded by a headlight. The three cameras are linked:
turning one view turns the others.
"""

import numpy as np

import glframe
from glframe import scene

n = 64
z, y, x = (np.mgrid[0:n, 0:n, 0:n] + 0.5 - n / 2) * (36 / n)  # Bohr radii
r = np.sqrt(x**2 + y**2 + z**2)
psi = np.exp(-r / 3) * (3 * z**2 - r**2)  # the hydrogen 3d_z2 orbital, not normalized
density = (psi**2 / (psi**2).max()).astype(np.float32)

canvas = scene.SceneCanvas(size=(720, 260), backend="auto", title="Volume", bgcolor="#101218")
grid = canvas.add_grid(spacing=4)
cameras = []
styles = [
    dict(method="mip", cmap="inferno"),
    dict(method="translucent", cmap="plasma", clim=(0.01, 0.5), opacity=0.3),
    dict(method="iso", cmap="viridis", clim=(0, 0.1), threshold=0.05),
]
for col, style in enumerate(styles):
    view = grid.add_view(0, col, bgcolor="#181b22")
    view.camera = scene.TurntableCamera(azimuth=35, elevation=25, fov=35)
    scene.visuals.Volume(density, **style, parent=view.scene)
    view.camera.set_range(margin=0)
    view.camera.scale_factor = 1.2 * n
    cameras.append(view.camera)
for camera in cameras[1:]:
    cameras[0].link(camera)

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
