"""Isosurface: the lobes of a hydrogen 3d orbital as lit meshes, by marching cubes.

The wave function psi (64^3 samples) is positive in the two lobes along z and
negative in the ring around them: the surface psi = +0.25 (orange) and the
surface -psi = 0.25 (blue, the ring) are two Isosurfaces. Each is a Mesh:
``iso.level = 0.4`` computes new triangles, ``iso.mesh_data()`` gives the
vertices, faces and normals to save. Needs scikit-image
(``pip install 'glframe[isosurface]'``).

Drag to turn, wheel to zoom.
"""

import numpy as np

import glframe
from glframe import scene

n = 64
z, y, x = (np.mgrid[0:n, 0:n, 0:n] + 0.5 - n / 2) * (36 / n)  # Bohr radii
r = np.sqrt(x**2 + y**2 + z**2)
psi = np.exp(-r / 3) * (3 * z**2 - r**2)  # the hydrogen 3d_z2 orbital, not normalized
psi /= np.abs(psi).max()

canvas = scene.SceneCanvas(size=(480, 360), backend="auto", title="Isosurface", bgcolor="#101218")
view = canvas.add_view(camera=scene.TurntableCamera(azimuth=35, elevation=20, fov=35))
# the surfaces face lower values: -psi turns the negative ring's surface outwards
lobes = scene.Isosurface(psi, level=0.25, color="#e8803a", parent=view.scene)
ring = scene.Isosurface(-psi, level=0.25, color="#4a7fd0", specular=0.5, parent=view.scene)

vertices, faces, normals = lobes.mesh_data()  # e.g. for glframe.data.write_mesh (OBJ, PLY)
view.camera.set_state(center=(n / 2, n / 2, n / 2), scale_factor=1.1 * n)

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
