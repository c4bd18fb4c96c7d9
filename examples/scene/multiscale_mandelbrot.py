"""MultiscaleImage: the Mandelbrot set as a 134,217,728^2 image (2^27 a side, 19 levels).

Tiles are computed on demand by background workers (glframe.data.synthetic.mandelbrot)
and drawn from the coarsest level up; the left view is zoomed into Seahorse Valley,
the right one shows the same place with the visual debugger on (tiles tinted by level
and outlined). Pan and zoom in a window: finer tiles replace coarser ones as they load.
``wait()`` makes the headless (gallery) frame complete.
"""

import glframe
from glframe import scene
from glframe.data.synthetic import mandelbrot

size = 2**27
source = mandelbrot(size=size, tile=512)


def pixel(c: complex) -> tuple[float, float]:
    """Level-0 (column, row) of a point of the complex plane (the source's mapping)."""
    return ((c.real + 0.75) / 3 + 0.5) * size, (0.5 - c.imag / 3) * size


canvas = scene.SceneCanvas(size=(720, 360), backend="auto", title="Multiscale Mandelbrot")
grid = canvas.add_grid(spacing=4)
images = []
for col, (width, debug) in enumerate([(0.004, False), (0.016, True)]):
    view = grid.add_view(0, col, bgcolor="black")
    x, y = pixel(-0.7453 + 0.1127j)
    w = width / 3 * size  # level-0 pixels across
    view.camera = scene.PanZoomCamera(
        rect=(x - w / 2, y - w / 2, w, w), aspect=1, flip=(False, True)
    )
    image = scene.visuals.MultiscaleImage(source, cmap="magma", clim=(20, 255), parent=view.scene)
    image.debug = debug
    images.append(image)

canvas.render()  # the first frame: sizes the views, requests the visible tiles
for image in images:
    image.wait(timeout=120)

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
