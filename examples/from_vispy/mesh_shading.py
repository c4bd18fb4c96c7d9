"""A mesh read from a file, flat-shaded under a head light, with its wireframe.

Follows vispy's ``examples/basics/scene/mesh_shading.py``: ``--mesh``,
``--shininess`` and ``--wireframe-width`` options, the mesh read with
``read_mesh``, drawn green-grey on white with an arcball camera, and keys to
cycle the shading (s: none, flat, smooth), toggle the wireframe (w) and show
faces and wireframe, the wireframe only, or the faces only (f). What changed
in the port:

- vispy reads a triceratops from its data server; without ``--mesh`` this port
  makes a bumpy sphere, writes it to a temporary OBJ file with
  ``glframe.data.write_mesh`` and reads it back with ``glframe.data.read_mesh``
  (which returns vertices, faces and normals; vispy's also returns texture
  coordinates);
- vispy's ``ShadingFilter`` and ``WireframeFilter`` are options of glframe's
  ``Mesh``: ``shading=``, ``shininess=``, ``wireframe=``, ``wireframe_width=``;
  "wireframe only" is a transparent face colour;
- the head light needs no code: glframe's mesh light is fixed to the camera;
- ``camera.depth_value`` has no glframe equivalent (the depth range follows the
  scene), so it is left out;
- the options are read only when the script is run, not when the gallery imports it.
"""

import argparse
import tempfile
from pathlib import Path

import numpy as np

import glframe
from glframe import scene
from glframe.data import read_mesh, write_mesh
from glframe.scene.visuals import Mesh, geometry


def write_default_mesh(folder: str) -> Path:
    """A bumpy sphere written as an OBJ file in ``folder`` (in place of vispy's triceratops)."""
    v, f = geometry.sphere(1.0, 3)
    bumps = 1 + 0.2 * np.sin(5 * v[:, 0]) * np.sin(4 * v[:, 1]) * np.cos(3 * v[:, 2])
    path = Path(folder) / "bumpy_sphere.obj"
    write_mesh(path, v * bumps[:, None], f)
    return path


parser = argparse.ArgumentParser()
parser.add_argument("--mesh", default=None)
parser.add_argument("--shininess", default=100, type=float)
parser.add_argument("--wireframe-width", default=1, type=float)
args = parser.parse_args([] if __name__ != "__main__" else None)

if args.mesh:
    vertices, faces, normals = read_mesh(args.mesh)
else:
    with tempfile.TemporaryDirectory() as folder:
        vertices, faces, normals = read_mesh(write_default_mesh(folder))

canvas = scene.SceneCanvas(keys="interactive", bgcolor="white", backend="auto")
view = canvas.central_widget.add_view()

view.camera = "arcball"

mesh = Mesh(
    vertices,
    faces,
    normals=normals,
    color=(0.5, 0.7, 0.5, 1),
    shading="flat",
    shininess=args.shininess,
    wireframe=True,
    wireframe_width=args.wireframe_width,
)
view.add(mesh)

shading_states = (None, "flat", "smooth")
face_color = mesh.color
wireframe_states = (  # (faces drawn, wireframe drawn)
    (True, True),
    (False, True),
    (True, False),
)
wireframe_state_index = 0


@canvas.events.key_press.connect
def on_key_press(event):
    global wireframe_state_index
    if event.text == "s":
        mesh.shading = shading_states[(shading_states.index(mesh.shading) + 1) % 3]
    elif event.text == "w":
        mesh.wireframe = not mesh.wireframe
    elif event.text == "f":
        wireframe_state_index = (wireframe_state_index + 1) % len(wireframe_states)
        faces_on, wire_on = wireframe_states[wireframe_state_index]
        mesh.color = face_color if faces_on else (0, 0, 0, 0)
        mesh.wireframe = wire_on


canvas.show()

if __name__ == "__main__":
    glframe.run()
