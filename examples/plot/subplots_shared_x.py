"""Subplots: a 2x2 grid sharing x; a pan or zoom in one moves all four along x.

``plot.subplots(2, 2, sharex=True)`` returns the figure and a 2x2 array of axes.
Each keeps its own y range.
"""

import numpy as np

import glframe
from glframe import plot

rng = np.random.default_rng(11)
t = np.linspace(0, 20, 2000)
fig, axes = plot.subplots(2, 2, sharex=True, size=(720, 480), backend="auto", title="Subplots")
axes[0, 0].plot(t, np.sin(t) + 0.1 * rng.normal(size=t.size), width=1)
axes[0, 0].set_title("noisy sine")
axes[0, 1].plot(t, np.cumsum(rng.normal(size=t.size)) * 0.1)
axes[0, 1].set_title("random walk")
axes[1, 0].scatter(t[::20], (t[::20] % 5) ** 2, size=5)
axes[1, 0].set_title("sawtooth²")
axes[1, 1].hist(rng.uniform(0, 20, 5000), 40)
axes[1, 1].set_title("uniform counts")
for ax in axes[1]:
    ax.set_xlabel("t (s)")
canvas = fig.canvas

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
