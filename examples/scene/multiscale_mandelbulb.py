"""MultiscaleVolume: the power-8 Mandelbulb as a 1,048,576^3 volume (2^20 a side, 15 levels).

Bricks of 64^3 voxels are computed on demand by background workers
(glframe.data.synthetic.mandelbulb) and ray cast from the coarsest level up: the left
view shows the bulb close up as an iso-surface (level 12: 256^3 voxels in view, the
coarsest level is 64^3), the right one from further away with the visual debugger on
(each pixel tinted by the finest level its ray sampled). Turn and zoom in a window:
while the camera moves the rays step coarser; finer bricks arrive once it settles.
``wait()`` makes the headless (gallery) frame complete.
"""

import glframe
from glframe import scene
from glframe.data.synthetic import mandelbulb

size = 2**20
source = mandelbulb(size=size, tile=64)

canvas = scene.SceneCanvas(size=(480, 240), backend="auto", title="Multiscale Mandelbulb")
grid = canvas.add_grid(spacing=4)
volumes = []
for col, (scale, debug) in enumerate([(0.6, False), (1.3, True)]):
    view = grid.add_view(0, col, bgcolor="black")
    view.camera = scene.TurntableCamera(
        azimuth=35, elevation=25, fov=40, scale_factor=scale * size, center=(size / 2,) * 3
    )
    volume = scene.visuals.MultiscaleVolume(source, method="iso", cmap="plasma", parent=view.scene)
    volume.debug = debug
    volumes.append(volume)

canvas.render()  # the first frame: sizes the views, requests the visible bricks
for volume in volumes:
    volume.wait(timeout=300)

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
