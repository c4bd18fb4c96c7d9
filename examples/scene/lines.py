"""Lines: widths in pixels, joins and caps, per-vertex colours, breaks, segments.

Top: sine waves 1 to 8 pixels wide, coloured along their length; one has a
gap made by NaN values. Middle: the three joins (miter, round, bevel) with the
three caps (butt, round, square), drawn translucent so you can see that joins
do not overlap. Bottom left: a spiral of 2,000 vertices; bottom right: a burst
of 60 separate segments. Zooming keeps every width in pixels.
"""

import numpy as np

import glframe
from glframe import scene
from glframe.shaders import colormaps

canvas = scene.SceneCanvas(size=(640, 400), backend="auto", title="Lines", bgcolor="#14161c")
view = canvas.add_view(camera=scene.PanZoomCamera(aspect=1))

# sine waves of growing width, coloured along x
x = np.linspace(0, 10, 400)
for k, width in enumerate((1, 2, 4, 8)):
    y = 7.6 + 0.25 * np.sin(2 * x + k) - 0.55 * k
    if k == 2:
        y[180:215] = np.nan  # a break
    scene.visuals.Line(
        np.c_[x, y], width=width, color=colormaps.sample("viridis", x / 10), parent=view.scene
    )

# joins and caps, translucent
for k, (join, cap) in enumerate((("miter", "butt"), ("round", "round"), ("bevel", "square"))):
    zigzag = np.array([[0.3, 2.6], [1.2, 4.6], [1.9, 2.9], [2.8, 4.6]]) + (3.45 * k, 0)
    scene.visuals.Line(
        zigzag, width=22, join=join, cap=cap, color=(1.0, 0.55, 0.15, 0.6), parent=view.scene
    )
    scene.visuals.Line(zigzag, width=1.5, color="white", parent=view.scene)

# a spiral with a colour ramp
t = np.linspace(0, 8 * np.pi, 2000)
spiral = np.c_[2.3 + t / 28 * np.cos(t), 0.9 + t / 28 * np.sin(t)]
scene.visuals.Line(
    spiral, width=2.5, color=colormaps.sample("plasma", t / t.max()), parent=view.scene
)

# separate segments: pairs of vertices
angles = np.linspace(0, 2 * np.pi, 60, endpoint=False)
inner = np.c_[np.cos(angles), np.sin(angles)] * 0.3 + (7.5, 0.9)
outer = np.c_[np.cos(angles), np.sin(angles)] * (0.7 + 0.2 * np.cos(5 * angles))[:, None] + (
    7.5,
    0.9,
)
burst = np.stack([inner, outer], axis=1).reshape(-1, 2)
scene.visuals.Line(
    burst,
    connect="segments",
    width=2,
    cap="round",
    color=np.repeat(colormaps.sample("turbo", np.linspace(0, 1, 60)), 2, axis=0),
    parent=view.scene,
)
view.camera.set_range(x=(-0.3, 10.6), y=(-0.5, 8.2))

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
