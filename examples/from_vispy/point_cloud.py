"""A point cloud of 100 000 markers in clusters, seen with a turntable camera.

Follows vispy's ``examples/basics/scene/point_cloud.py``: normally distributed
points, scaled and moved into 50 clusters of growing size, drawn as translucent
white markers of 5 pixels without edges. What changed in the port:

- the points come from a seeded generator (the same picture each run);
- ``vispy.app.run()`` is ``glframe.run()``; ``backend="auto"`` opens a window
  where there is a display.

Everything else is vispy's own names: ``central_widget.add_view()``,
``visuals.Markers()`` with ``set_data(pos, face_color=, size=)``,
``view.add``, ``visuals.XYZAxis``, and ``view.camera = "turntable"``, which fits
the cloud at its first draw.
"""

import numpy as np

import glframe
from glframe import scene
from glframe.scene import visuals

# a canvas and a view
canvas = scene.SceneCanvas(keys="interactive", show=True, size=(640, 480), backend="auto")
view = canvas.central_widget.add_view()

# the data: a blob per cluster centre, the clusters from small to large
rng = np.random.default_rng(7)
pos = rng.normal(size=(100000, 3), scale=0.2)
centers = rng.normal(size=(50, 3))
indexes = rng.normal(size=100000, loc=centers.shape[0] / 2.0, scale=centers.shape[0] / 3.0)
indexes = np.clip(indexes, 0, centers.shape[0] - 1).astype(int)
scales = 10 ** (np.linspace(-2, 0.5, centers.shape[0]))[indexes][:, np.newaxis]
pos *= scales
pos += centers[indexes]

# the markers
scatter = visuals.Markers()
scatter.set_data(pos, edge_color=None, face_color=(1, 1, 1, 0.5), size=5)
view.add(scatter)

view.camera = "turntable"  # or "arcball"

# the axes at the origin: x red, y green, z blue
axis = visuals.XYZAxis(parent=view.scene)

if __name__ == "__main__":
    glframe.run()
