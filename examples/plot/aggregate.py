"""Aggregate: a million points counted per pixel of the plot area, with a colorbar.

``ax.aggregate(data)`` never draws the points: it counts them per pixel of the
range shown (glframe.data, on all cores) and draws the counts as an image; after a
pan or zoom it counts the new range in the background. With ``how="linear"`` and
fixed limits the colours keep their meaning, so a colorbar can tell them.
"""

import numpy as np

import glframe
from glframe import plot

rng = np.random.default_rng(4)
n = 1_000_000
angle = rng.uniform(0, 2 * np.pi, n)
radius = np.where(rng.random(n) < 0.3, rng.normal(3, 0.15, n), rng.gamma(2, 0.5, n))
data = {
    "x": (radius * np.cos(angle)).astype(np.float32),
    "y": (radius * np.sin(angle) * 0.7).astype(np.float32),
}

fig, ax = plot.subplots(size=(620, 440), backend="auto", title="Aggregate")
counts = ax.aggregate(data, how="linear", clim=(0, 60), cmap="fire")
fig.colorbar(counts, label="points per pixel")
ax.set_title("One million points")
ax.set_xlabel("x")
ax.set_ylabel("y")
fig.render()  # the first frame sizes the view and starts the count
counts.wait(timeout=120)  # scripts and the gallery only: a window never waits
canvas = fig.canvas

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
