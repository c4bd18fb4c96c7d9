"""Text: labels from a signed-distance-field atlas, in two fonts, rotated, anchored, outlined.

A PanZoomCamera shows: 1,536 digits coloured by a colormap (one draw), a wheel
of rotated labels, the twelve anchor combinations around red dots, a line of
unicode in DejaVu Serif, and a title whose size is in data units
(``scaling="scene"``: it grows when you zoom, while the others keep their size
in pixels).
"""

import numpy as np

import glframe
from glframe import scene
from glframe.shaders import colormaps

canvas = scene.SceneCanvas(size=(640, 480), backend="auto", title="Text", bgcolor="#14161c")
view = canvas.add_view(camera=scene.PanZoomCamera(aspect=1))  # scene units: pixels at first

# 1,536 labels in one draw: a field of digits, coloured by their value
cols, rows = 64, 24
gx, gy = np.meshgrid(np.arange(cols), np.arange(rows))
field = np.sin(gx / 7.0) * np.cos(gy / 5.0 + gx / 19.0)
digits = np.clip(((field + 1) * 5).astype(int), 0, 9)
scene.visuals.Text(
    [str(d) for d in digits.ravel()],
    np.c_[5 + gx.ravel() * 9.9, 8 + gy.ravel() * 8.5],
    font="DejaVu Sans Mono",
    font_size=6.75,
    color=colormaps.sample("viridis", 0.25 + 0.75 * digits.ravel() / 9),
    parent=view.scene,
)

# a wheel of rotated labels (the left half turned by 180 degrees to stay upright)
angles = np.arange(0, 360, 30)
turned = np.where(np.cos(np.radians(angles)) < -1e-6, angles + 180, angles)
centre = np.array([130.0, 330.0])
scene.visuals.Text(
    [f"{a}°" for a in angles],
    centre + 80 * np.c_[np.cos(np.radians(angles)), np.sin(np.radians(angles))],
    rotation=-turned,  # clockwise degrees: the wheel turns the other way
    font_size=11.25,
    color=colormaps.sample("plasma", np.linspace(0.35, 1, len(angles))),
    parent=view.scene,
)
scene.visuals.Text("rotation", centre, font_size=12, bold=True, parent=view.scene)

# anchors: each label's anchor point is a red dot
for i, ay in enumerate(("top", "center", "baseline", "bottom")):
    for j, ax in enumerate(("left", "center", "right")):
        pos = (305 + j * 130, 400 - i * 40)
        scene.visuals.Markers([pos], size=5, face_color="red", edge_width=0, parent=view.scene)
        scene.visuals.Text(f"{ay} {ax}", pos, anchor_x=ax, anchor_y=ay, font_size=9,
                           parent=view.scene)  # fmt: skip

scene.visuals.Text(
    "DejaVu Serif: ∑ αβγ ∫√∞ éßø Жизнь ≠ 日",  # 日 is not in the font: its .notdef box
    (450, 245),
    font="DejaVu Serif",
    font_size=12.75,
    color="#ffb040",
    parent=view.scene,
)
scene.visuals.Text(
    "glframe.Text",
    (320, 450),
    font_size=36,
    scaling="scene",  # data units: grows when zooming
    bold=True,
    color="white",
    outline_color="#3050ff",
    outline_width=3,
    parent=view.scene,
)
view.camera.set_range(x=(0, 640), y=(0, 480), margin=0)

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
