"""Volume methods: one scan-like volume drawn six ways, linked cameras.

A 48^3 scan-like volume: soft tissue filling the box, a bright shell ("bone")
around a brighter core, and two dark tubes ("airways"). Top row: "mip" (maximum
intensity: the shell), "minip" (minimum intensity: the tubes, dark), "average"
(the mean along each ray: an X-ray-like projection). Bottom row: "translucent"
(front-to-back compositing), "additive" (each sample's colour screened onto the
sum, as vispy's "additive"), "iso" (the surface at a threshold). Turning one view
turns the others.
"""

import numpy as np

import glframe
from glframe import scene

n = 48
z, y, x = (np.mgrid[0:n, 0:n, 0:n] + 0.5) / n * 2 - 1
r = np.sqrt(x**2 + y**2 + z**2)
shell = np.exp(-(((r - 0.75) / 0.1) ** 2))  # bright "bone"
core = 0.4 * np.exp(-4 * ((x - 0.1) ** 2 + y**2 + z**2))
# dark "airways": two tubes, along z and along x, through soft tissue that fills the box
tubes = np.exp(-((x + 0.3) ** 2 + (y - 0.2) ** 2) / 0.01) + np.exp(
    -((y + 0.35) ** 2 + (z - 0.1) ** 2) / 0.01
)
volume = (0.3 + 0.7 * shell + core - 0.3 * tubes).clip(0, None).astype(np.float32)

canvas = scene.SceneCanvas(
    size=(600, 400), backend="auto", title="Volume methods", bgcolor="#101218"
)
grid = canvas.add_grid(spacing=4)
styles = [
    dict(method="mip", cmap="inferno"),
    dict(method="minip", cmap="inferno", clim=(0.0, 0.3)),
    dict(method="average", cmap="inferno", clim=(0.3, 0.6)),
    dict(method="translucent", cmap="plasma", clim=(0.35, 1.0), opacity=0.3),
    dict(method="additive", cmap="inferno", clim=(0.3, 8.0)),
    dict(method="iso", cmap="viridis", clim=(0, 1), threshold=0.6),
]
cameras = []
for k, style in enumerate(styles):
    view = grid.add_view(k // 3, k % 3, bgcolor="#181b22")
    view.camera = scene.TurntableCamera(azimuth=30, elevation=20, fov=35)
    scene.visuals.Volume(volume, **style, parent=view.scene)
    view.camera.set_range(margin=0)
    view.camera.scale_factor = 1.3 * n
    cameras.append(view.camera)
for camera in cameras[1:]:
    cameras[0].link(camera)

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
