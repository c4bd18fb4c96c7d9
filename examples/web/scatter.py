"""A scatter exported as a standalone web page: pan and zoom it in any browser.

Run it to write ``scatter.html`` (open it from disk: no server, no network).
200,000 points in three clusters, coloured by cluster; the page's pan-zoom
camera works like the Python one (drag to pan, wheel to zoom at the pointer).
"""

import numpy as np

import glframe
from glframe import scene
from glframe.shaders import colormaps

rng = np.random.default_rng(42)
centers = np.array([[-2.0, 0.5], [1.5, 1.5], [0.5, -1.5]])
labels = rng.integers(0, 3, 200_000)
points = centers[labels] + rng.normal(0, 0.6, (200_000, 2)) * (1.0, 0.7)

canvas = scene.SceneCanvas(size=(640, 480), backend="auto", title="Scatter", bgcolor="#0e1117")
view = canvas.add_view(camera=scene.PanZoomCamera(aspect=1))
scene.visuals.Markers(
    points,
    size=3,
    edge_width=0,
    face_color=colormaps.sample("turbo", 0.15 + labels * 0.35) * (1, 1, 1, 0.6),
    parent=view.scene,
)
view.camera.set_range()

if __name__ == "__main__":
    path = canvas.export_html("scatter.html")
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    glframe.app.show(canvas, __file__)
