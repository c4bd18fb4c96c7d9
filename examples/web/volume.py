"""A volume exported as a standalone web page: turn it with the mouse in the browser.

Run it to write ``volume.html``. A 64^3 volume (two Gaussian blobs and a
shell) drawn by maximum-intensity ray casting, under a turntable camera that
the page drives exactly as the Python one.
"""

import numpy as np

import glframe
from glframe import scene

z, y, x = np.mgrid[-1:1:64j, -1:1:64j, -1:1:64j]
volume = (
    np.exp(-((x - 0.35) ** 2 + y**2 + z**2) * 12)
    + 0.7 * np.exp(-((x + 0.4) ** 2 + (y - 0.2) ** 2 + (z + 0.2) ** 2) * 20)
    + 0.35 * np.exp(-((np.sqrt(x**2 + y**2 + z**2) - 0.8) ** 2) * 200)
).astype(np.float32)

canvas = scene.SceneCanvas(size=(500, 500), backend="auto", title="Volume", bgcolor="#08080c")
view = canvas.add_view(camera=scene.TurntableCamera(azimuth=30, elevation=25, fov=40))
scene.visuals.Volume(volume, method="mip", cmap="inferno", clim=(0, 1), parent=view.scene)
view.camera.set_range()

if __name__ == "__main__":
    path = canvas.export_html("volume.html")
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    glframe.app.show(canvas, __file__)
