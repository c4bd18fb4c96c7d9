"""Scatter: 20,000 points coloured by a value through a colormap, with its colorbar.

``ax.scatter(x, y, color=values, cmap=...)`` maps the values between their range
(or ``clim``); ``fig.colorbar(points)`` shows that mapping with its own ticks.
"""

import numpy as np

import glframe
from glframe import plot

rng = np.random.default_rng(7)
n = 20_000
x = rng.normal(0, 1.0, n)
y = 0.6 * x + rng.normal(0, 0.7, n)
density = np.exp(-(x**2 + (y - 0.6 * x) ** 2 / 0.49) / 2)  # how central each point is

fig, ax = plot.subplots(size=(640, 440), backend="auto", title="Scatter")
points = ax.scatter(x, y, color=density, cmap="viridis", size=4)
fig.colorbar(points, label="density")
ax.set_title("Correlated samples")
ax.set_xlabel("x")
ax.set_ylabel("y")
canvas = fig.canvas

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
