"""A single line with colours that fade along it, in canvas pixels.

Follows vispy's ``examples/basics/scene/line.py`` (one Line with one colour per
vertex, red to green, across an 800 x 600 canvas). What changed in the port:

- nothing: the line goes straight into ``canvas.scene`` as in vispy (glframe's
  overlay in canvas pixels, y pointing down, drawn over every view);
- the noise comes from a seeded generator, so the picture is the same each run;
- ``app.run()`` is ``glframe.run()``, and ``backend="auto"`` opens a window where
  there is a display (glframe's default is offscreen).
"""

import numpy as np

import glframe
from glframe import scene

canvas = scene.SceneCanvas(size=(800, 600), show=True, keys="interactive", backend="auto")

N = 1000
rng = np.random.default_rng(1)
pos = np.empty((N, 2), np.float32)
pos[:, 0] = np.linspace(0.0, 800.0, N)
pos[:, 1] = rng.normal(loc=300, scale=100, size=N)

color = np.ones((N, 4), dtype=np.float32)
color[:, 0] = np.linspace(0, 1, N)  # red grows along the line...
color[:, 1] = color[::-1, 0]  # ...as green fades

line = scene.visuals.Line(pos=pos, color=color, parent=canvas.scene)

if __name__ == "__main__":
    glframe.run()
