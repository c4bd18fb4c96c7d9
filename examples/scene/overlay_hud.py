"""Overlay HUD: text and shapes in canvas pixels over the views, and view borders.

The left view holds a moving wave (pan and zoom it: the HUD stays put). The
overlay (``canvas.scene``, vispy's name; also ``canvas.overlay.scene``) is drawn
after every view in canvas pixels, (0, 0) at the top left and y down: a panel
with a frame counter in the top left corner, a label under each bordered view,
and a note pinned to the bottom right corner, moved on each resize. The two
views on the right have borders (``border_color``, ``border_width``), drawn
inside their rectangles. Rendered headless (the gallery), 90 frames are stepped
first and that frame is drawn.
"""

import time

import numpy as np

import glframe
from glframe import scene
from glframe.scene.visuals import Image, Line, Markers, Rectangle, Text

canvas = scene.SceneCanvas(size=(640, 400), backend="auto", title="Overlay HUD", bgcolor="#15171c")

# ---- a view with data, and two framed views ------------------------------------------------
main = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, -1.6, 12, 3.2)), rect=(0, 0, 420, 400))
x = np.linspace(0, 12, 600)
wave = Line(np.c_[x, np.sin(x)], color="#8cb8e0", width=2, parent=main.scene)
dots = Markers(
    np.c_[x[::40], np.sin(x[::40])], size=8, face_color="#f4a259", edge_width=0, parent=main.scene
)

image_view = canvas.add_view(
    camera=scene.PanZoomCamera(aspect=1),
    rect=(432, 12, 196, 160),
    bgcolor="#22252c",
    border_color="#f4a259",
    border_width=3,
)
r, c = np.mgrid[-2:2:64j, -2:2:64j]
Image(np.exp(-(r**2 + c**2)) * np.cos(3 * c), cmap="viridis", parent=image_view.scene)
image_view.camera.set_range(margin=0.05)

scatter_view = canvas.add_view(
    camera=scene.PanZoomCamera(aspect=1),
    rect=(432, 196, 196, 150),
    bgcolor="#22252c",
    border_color="#5b8e7d",
    border_width=1,
)
points = np.random.default_rng(3).normal(size=(400, 2))
Markers(points, size=4, face_color="#8cb8e0", edge_width=0, parent=scatter_view.scene)
scatter_view.camera.set_range(margin=0.05)

# ---- the overlay: canvas pixels, (0, 0) top left, y down -------------------------------------
Rectangle((78, 24), 140, 32, color=(0, 0, 0, 0.6), border_color="#8cb8e0", parent=canvas.scene)
counter = Text(
    "frame 0",
    positions=(18, 24),
    anchor_x="left",
    anchor_y="center",
    font="monospace",
    font_size=10.5,
    color="white",
    parent=canvas.scene,
)
for view, name in ((image_view, "image, border 3 px"), (scatter_view, "scatter, border 1 px")):
    vx, vy, vw, vh = view.rect
    Text(
        name,
        positions=(vx + vw / 2, vy + vh + 4),
        anchor_x="center",
        anchor_y="top",
        font_size=9,
        color="#c8ccd4",
        parent=canvas.scene,
    )
corner = Text(
    "drag the wave: the HUD stays",
    anchor_x="right",
    anchor_y="bottom",
    font_size=9,
    color="#9aa0aa",
    parent=canvas.scene,
)


@canvas.connect
def on_resize(event):
    """Keep the note in the bottom right corner (the overlay follows the canvas's size)."""
    w, h = canvas.logical_size
    corner.positions = (w - 8, h - 6)


on_resize(None)
state = {"frame": 0, "since": time.perf_counter(), "drawn": 0, "fps": None}


def tick(event=None) -> None:
    """Move the wave one step and show the frame number (and the draw rate, live)."""
    state["frame"] += 1
    phase = state["frame"] * 0.05
    wave.positions = np.c_[x, np.sin(x + phase)]
    dots.positions = np.c_[x[::40], np.sin(x[::40] + phase)]
    now = time.perf_counter()
    if event is not None and now - state["since"] >= 1.0:  # live: draws per second
        state["fps"] = (canvas.frame - state["drawn"]) / (now - state["since"])
        state["since"], state["drawn"] = now, canvas.frame
    fps = "" if state["fps"] is None else f" {state['fps']:3.0f} fps"
    counter.text = f"frame {state['frame']}{fps}"
    canvas.update()


timer = glframe.Timer(interval=1 / 60, connect=tick)


@canvas.connect
def on_close(event):
    timer.stop()


if __name__ == "__main__":
    timer.start()
    glframe.app.show(canvas, __file__)
else:  # the gallery: the picture after 90 frames
    for _ in range(90):
        tick()
