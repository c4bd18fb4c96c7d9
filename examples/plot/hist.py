"""Histogram: two distributions as bars, numpy's bins and counts.

``ax.hist(values, bins=)`` draws ``np.histogram``'s counts as one Mesh of bars
(translucent colours show the overlap).
"""

import numpy as np

import glframe
from glframe import plot

rng = np.random.default_rng(2)
fig, ax = plot.subplots(size=(600, 400), backend="auto", title="Histogram")
bins = np.linspace(-5, 7, 61)
ax.hist(rng.normal(0, 1, 50_000), bins, color=(0.12, 0.47, 0.71, 0.7), label="N(0, 1)")
ax.hist(rng.gamma(2.0, 1.2, 30_000) - 1, bins, color=(1.0, 0.5, 0.05, 0.6), label="Γ(2, 1.2) − 1")
ax.set_title("Two samples")
ax.set_xlabel("value")
ax.set_ylabel("count")
ax.legend()
canvas = fig.canvas

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
