"""Image: a 2D field over its extent in data units, with a colorbar.

``ax.imshow(field, cmap=, clim=, extent=)`` places the image's pixels over
(left, right, bottom, top); ``origin="lower"`` puts row 0 at the bottom.
``aspect=1`` keeps the field's units square.
"""

import numpy as np

import glframe
from glframe import plot

y, x = np.mgrid[-2:2:300j, -3:3:450j]
field = np.sin(3 * x) * np.cos(2 * y) * np.exp(-(x**2 + y**2) / 4)

fig, ax = plot.subplots(size=(640, 420), backend="auto", title="Image")
image = ax.imshow(field, cmap="coolwarm", clim=(-1, 1), extent=(-3, 3, -2, 2), origin="lower")
fig.colorbar(image, label="potential (V)")
ax.set_title("A field on a grid")
ax.set_xlabel("x (mm)")
ax.set_ylabel("y (mm)")
canvas = fig.canvas

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
