"""An image in a pan/zoom view, its interpolation switched with the arrow keys.

Follows vispy's ``examples/basics/scene/image.py``: one ``Image`` in a view
with ``PanZoomCamera(aspect=1)`` flipped so that row 0 is at the top, fitted
with ``set_range()`` and zoomed in around one point, ``nearest`` interpolation
to start with, and Left/Right keys stepping through the interpolation kernels
(shown in the title). What changed in the port:

- vispy shows a photograph from its data server (``load_data_file``); this port
  computes a 160 x 120 grey picture (rings and a bright square) and shows it
  through a colormap (``cmap="viridis"``, ``clim=``), so it needs no download;
  ``glframe.data.read_image(path)`` reads a photograph for ``Image`` the same way;
- ``method="subdivide"`` is not needed: glframe's Image is always a textured quad
  and takes any transform;
- ``camera.flip = (0, 1, 0)`` is ``flip=(False, True)``; ``camera.zoom(f, center)``
  means what it means in vispy (here 0.25 rather than vispy's 0.1, for the smaller
  picture);
- vispy's ``image.interpolation_functions`` are glframe's documented kernel names,
  listed here (vispy's hanning, hamming, hermite, kaiser, quadric, bessel and sinc
  are not offered).
"""

import numpy as np

import glframe
from glframe import scene

canvas = scene.SceneCanvas(keys="interactive", backend="auto")
canvas.size = 800, 600
canvas.show()

# a view to show the image with interactive pan/zoom
view = canvas.central_widget.add_view()

# the image: rings around a centre and a bright square, 160 x 120 pixels
y, x = np.mgrid[0:120, 0:160].astype(np.float32)
img_data = np.cos(np.hypot(x - 70, y - 55) / 4.0) * np.exp(-np.hypot(x - 70, y - 55) / 60)
img_data[40:52, 90:102] = 1.2
interpolation = "nearest"

image = scene.visuals.Image(
    img_data, cmap="viridis", clim=(-1, 1.2), interpolation=interpolation, parent=view.scene
)

canvas.title = f"Spatial Filtering using {interpolation} Filter"

# a 2D camera, row 0 at the top, fitted to the image and then zoomed in
view.camera = scene.PanZoomCamera(aspect=1, flip=(False, True))
view.camera.set_range()
view.camera.zoom(0.25, (96, 46))

# the kernels to step through
names = sorted(["nearest", "linear", "bicubic", "catrom", "mitchell", "spline16",
                "spline36", "gaussian", "lanczos", "blackman"])  # fmt: skip
act = names.index(interpolation)


@canvas.events.key_press.connect
def on_key_press(event):
    global act
    if event.key in ("Left", "Right"):
        step = 1 if event.key == "Right" else -1
        act = (act + step) % len(names)
        image.interpolation = names[act]
        canvas.title = f"Spatial Filtering using {names[act]} Filter"
        canvas.update()


if __name__ == "__main__":
    glframe.run()
