"""Scrolling lines: live signals appended into ring buffers, the view following them.

Three signals arrive 20 samples per tick of a timer (60 ticks a second). Each is a
Line with ``capacity=3000``: it keeps its newest 3,000 points, and each frame uploads
only the samples appended since the last one, so a frame costs the same after an
hour as after a second (see docs/visuals.md, "Live data"). The peaks of the top
signal are Markers with a capacity too, coloured by height. The camera follows the
newest sample; Space pauses. Rendered headless (the gallery), 400 ticks are
appended first (8,000 samples per signal: every ring has wrapped twice) and that
frame is drawn.
"""

import numpy as np

import glframe
from glframe import scene
from glframe.shaders import colormaps

CAPACITY = 3000  # samples kept per signal
PER_TICK = 20  # samples per timer tick
COLORS = ("#f4a259", "#5b8e7d", "#8cb8e0")

canvas = scene.SceneCanvas(
    size=(640, 360), backend="auto", title="Scrolling lines (Space: pause)", bgcolor="#14161c"
)
view = canvas.add_view(camera=scene.PanZoomCamera())
lines = [
    scene.visuals.Line(color=color, width=1.5, capacity=CAPACITY, parent=view.scene)
    for color in COLORS
]
peaks = scene.visuals.Markers(
    size=7, face_color=np.zeros((0, 4)), edge_width=0, capacity=200, parent=view.scene
)
rng = np.random.default_rng(7)
state = {"t": 0, "walk": 0.0}


def samples(t0: int, n: int) -> list[np.ndarray]:
    """The next ``n`` samples of each signal from sample ``t0`` on: (n, 2) (x, y) each."""
    t = np.arange(t0, t0 + n)
    wave = 2.6 + 0.35 * np.sin(t / 70.0) * np.sin(t / 9.0)
    chirp = 1.5 + 0.3 * np.sin(t / 40.0 + 2.0 * np.sin(t / 700.0))
    walk = np.empty(n)  # a random walk pulled back towards 0 (an AR(1) process)
    value = state["walk"]
    for i, step in enumerate(rng.normal(0, 0.03, n)):
        value = 0.98 * value + step
        walk[i] = value
    state["walk"] = value
    return [np.c_[t, y] for y in (wave, chirp, 0.4 + walk)]


def tick(event=None) -> None:
    """Append one tick's samples; mark the top signal's peaks; follow the newest."""
    t0 = state["t"]
    new = samples(t0, PER_TICK)
    for line, points in zip(lines, new):
        line.append(points)
    # peaks of the top signal: samples above 2.8 higher than both neighbours (the
    # last sample of the previous tick is judged now, with its right neighbour)
    y = np.r_[lines[0].positions[-PER_TICK - 2 : -PER_TICK, 1], new[0][:, 1]]
    if len(y) == PER_TICK + 2:
        found = np.nonzero((y[1:-1] > y[:-2]) & (y[1:-1] >= y[2:]) & (y[1:-1] > 2.8))[0]
        if len(found):
            heights = y[found + 1]
            colors = colormaps.sample("plasma", (heights - 2.8) / 0.15)
            peaks.append(np.c_[t0 - 1 + found, heights], face_color=colors)
    state["t"] = t0 + PER_TICK
    # every range given (z too): none is fitted to the data, which would read every point
    t = state["t"]
    view.camera.set_range(x=(t - CAPACITY, t), y=(-0.2, 3.2), z=(0, 0), margin=0)
    canvas.update()


timer = glframe.Timer(interval=1 / 60, connect=tick)


@canvas.connect
def on_key_press(event):
    if event.key == "Space":
        timer.stop() if timer.running else timer.start()


@canvas.connect
def on_close(event):
    timer.stop()


if __name__ == "__main__":
    timer.start()
    glframe.app.show(canvas, __file__)
else:  # the gallery: the picture after 400 ticks
    for _ in range(400):
        tick()
