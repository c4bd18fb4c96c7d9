"""Image: a colormapped field with missing values, tiled, beside a small RGB image.

Left: a 600 x 800 float field through "viridis", with a disc of NaN (drawn
transparent, so the view's background shows) and linear interpolation. Its
``max_texture_size`` is set to 256 to show tiling: the image is drawn from 12
textures, and the seams cannot be seen. Right: a 12 x 12 RGB image, nearest on
top and linear below. Row 0 is at the top (``flip=(False, True)``).
"""

import numpy as np

import glframe
from glframe import scene
from glframe.transforms import STTransform

canvas = scene.SceneCanvas(size=(640, 320), backend="auto", title="Image", bgcolor="#202428")
grid = canvas.add_grid(spacing=6)

# ---- a field with missing values, in tiles ----------------------------------------------
y, x = np.mgrid[0:600, 0:800] / 100.0
field = np.sin(x * 1.7 + np.cos(y * 1.3)) * np.cos(y * 1.1) + 0.5 * np.exp(
    -((x - 5.5) ** 2 + (y - 2.0) ** 2)
)
field[(x - 2.2) ** 2 + (y - 4.0) ** 2 < 0.5] = np.nan
left = grid.add_view(0, 0, col_span=2, bgcolor="#2c3036")
left.camera = scene.PanZoomCamera(aspect=1, flip=(False, True))
image = scene.visuals.Image(
    field,
    cmap="viridis",
    clim=(-1.2, 1.4),
    interpolation="linear",
    max_texture_size=256,
    parent=left.scene,
)
left.camera.set_range(margin=0.02)

# ---- a small RGB image, nearest and linear -----------------------------------------------
r, c = np.mgrid[0:12, 0:12] / 11.0
rgb = (np.stack([c, 1 - r, 0.2 + 0.8 * r * (1 - c)], axis=-1) * 255).astype(np.uint8)
right = grid.add_view(0, 2, bgcolor="#2c3036")
right.camera = scene.PanZoomCamera(aspect=1, flip=(False, True))
scene.visuals.Image(rgb, parent=right.scene)
scene.visuals.Image(
    rgb, interpolation="linear", transform=STTransform(translate=(0, 13)), parent=right.scene
)
right.camera.set_range(margin=0.04)

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
