"""Image interpolation: a 12 x 12 image enlarged by each kernel.

The same small field, with a sharp bright square, drawn "nearest", "linear",
"bicubic" (the cubic B-spline: smooth, a little blurred), "catrom"
(Catmull-Rom: through the pixel values, sharper), "spline36" and "lanczos"
(sharpest; both overshoot beside the square, a dark rim). Every kernel is
computed in the fragment shader from the nearest texels, so float data and
exported pages look the same.
"""

import numpy as np

import glframe
from glframe import scene

y, x = np.mgrid[0:12, 0:12] / 11.0
field = np.sin(5 * x) * np.cos(4 * y) * 0.5 + x * 0.5
field[3:6, 6:9] = 1.6

canvas = scene.SceneCanvas(
    size=(600, 400), backend="auto", title="Image kernels", bgcolor="#202428"
)
grid = canvas.add_grid(spacing=4)
kinds = ["nearest", "linear", "bicubic", "catrom", "spline36", "lanczos"]
for k, interpolation in enumerate(kinds):
    view = grid.add_view(k // 3, k % 3, bgcolor="#2c3036")
    view.camera = scene.PanZoomCamera(aspect=1, flip=(False, True))
    scene.visuals.Image(
        field, cmap="viridis", clim=(-0.5, 1.6), interpolation=interpolation, parent=view.scene
    )
    view.camera.set_range(margin=0)

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
