"""Line plot: two signals and their samples, with a title, axis labels, a grid and a legend.

``ax.plot`` and ``ax.scatter`` take matplotlib's names and return their scene visuals
(a Line, Markers). In a window, drag to pan and turn the wheel to zoom: the ticks and
their labels follow the camera.
"""

import numpy as np

import glframe
from glframe import plot

fig, ax = plot.subplots(size=(640, 420), backend="auto", title="Line plot")
t = np.linspace(0, 12, 600)
ax.plot(t, np.exp(-t / 8) * np.sin(2 * t), label="damped", width=2.5)
ax.plot(t, 0.6 * np.cos(1.3 * t), label="cosine")
ax.scatter(t[::25], np.exp(-t[::25] / 8) * np.sin(2 * t[::25]), size=9, label="samples")
ax.set_title("Two signals")
ax.set_xlabel("time (s)")
ax.set_ylabel("amplitude (V)")
ax.grid(True)
ax.legend("upper right")
canvas = fig.canvas

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
