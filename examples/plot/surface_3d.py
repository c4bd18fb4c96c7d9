"""3D surface: z over a grid, coloured by height, in a box with ticks on three edges.

``plot.subplots(projection="3d")`` makes 3D axes with a turntable camera: drag to turn,
the labels turn with the box. The box is scaled to a cube, whatever the data's units.
"""

import numpy as np

import glframe
from glframe import plot

y, x = np.mgrid[-3:3:80j, -4:4:100j]
z = np.sin(np.hypot(x, y) * 1.6) / (1 + 0.3 * np.hypot(x, y)) * 40

fig, ax = plot.subplots(projection="3d", size=(560, 480), backend="auto", title="3D surface")
ax.surface(z, x=x[0], y=y[:, 0], cmap="viridis")
ax.set_xlabel("x (m)")
ax.set_ylabel("y (m)")
ax.set_zlabel("height (mm)")
ax.set_title("A ripple")
canvas = fig.canvas

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
