"""Log-log: power laws are straight lines; decades labelled 10ⁿ, with minor ticks.

``set_xscale("log")`` puts a log transform on the data's node: the data stays as
given, and the camera, the ticks and a zoom work in log10 of it. Zoomed in to less
than a decade, the labels become plain numbers.
"""

import numpy as np

import glframe
from glframe import plot

fig, ax = plot.subplots(size=(560, 440), backend="auto", title="Log-log")
f = np.logspace(-1, 4, 300)
ax.plot(f, 1 / f, label="1/f")
ax.plot(f, 1 / f**2, label="1/f²")
ax.plot(f, 1 / (1 + (f / 30) ** 4), label="low-pass", width=3)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_ylim(1e-8, 20)
ax.set_xlabel("frequency (Hz)")
ax.set_ylabel("power")
ax.grid(True)
ax.legend("lower left")
canvas = fig.canvas

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
