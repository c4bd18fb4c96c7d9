"""An image exported as a standalone web page, with its colormap and pan-zoom.

Run it to write ``image.html``. A 1024x1024 float32 field (an interference
pattern), colormapped on the GPU; rows grow downwards as in an image viewer.
"""

import numpy as np

import glframe
from glframe import scene

y, x = np.mgrid[-1:1:1024j, -1:1:1024j]
r1, r2 = np.hypot(x + 0.3, y), np.hypot(x - 0.3, y - 0.1)
field = (np.cos(40 * r1) / (1 + 4 * r1) + np.cos(40 * r2) / (1 + 4 * r2)).astype(np.float32)

canvas = scene.SceneCanvas(size=(600, 600), backend="auto", title="Image", bgcolor="#101010")
view = canvas.add_view(camera=scene.PanZoomCamera(aspect=1, flip=(False, True)))
scene.visuals.Image(
    field, cmap="magma", clim=(-0.8, 1.2), interpolation="linear", parent=view.scene
)
view.camera.set_range(margin=0)

if __name__ == "__main__":
    path = canvas.export_html("image.html")
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    glframe.app.show(canvas, __file__)
