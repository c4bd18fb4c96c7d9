"""Molecule: 100,000 atoms as ray-cast spheres, coloured by element (CPK), one draw.

The structure is synthetic but protein-like: a chain of about 13,000 residues
folded into four globular domains, with helices of 3.6 residues per turn and
extended stretches between them. Each residue has the backbone atoms N, CA, C
and O, and a side chain of 0 to 6 atoms ending, for some, in N, O or S.
Atoms have their van der Waals radii (space-filling). Drag to turn, wheel to
zoom.
"""

from __future__ import annotations

import numpy as np

import glframe
from glframe import scene

N_ATOMS = 100_000
ELEMENTS = {  # name: (CPK colour, van der Waals radius in angstroms)
    "C": ((0.56, 0.56, 0.56), 1.70),
    "N": ((0.19, 0.31, 0.97), 1.55),
    "O": ((1.00, 0.13, 0.10), 1.52),
    "S": ((1.00, 0.78, 0.19), 1.80),
}


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def alpha_carbon_trace(n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, 3) CA positions: helices and extended stretches, kept inside four domains."""
    # the corners of a tetrahedron: four lobes that touch
    domains = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]]) * 26.0
    per_domain = n // len(domains) + 1
    radius = 1.5 * (per_domain * 130 * 3 / (4 * np.pi)) ** (1 / 3)  # 130 A^3 per residue
    trace, count, pos, axis = [], 0, domains[0].copy(), unit(rng.normal(size=3))
    while count < n:
        centre = domains[min(count // per_domain, len(domains) - 1)]
        # turn the next segment back towards the domain centre when near its surface
        away = np.linalg.norm(pos - centre)
        pull = max(0.0, away / radius - 0.6) * 2.5
        axis = unit(axis + rng.normal(0, 0.9, 3) + pull * (centre - pos) / (away + 1e-9))
        u = unit(np.cross(axis, rng.normal(size=3)))
        v = np.cross(axis, u)
        if rng.random() < 0.55:  # a helix: 100 degrees and 1.5 A along the axis per residue
            k = np.arange(rng.integers(8, 22))
            angle = np.radians(100) * k
            seg = (
                pos
                + 1.5 * k[:, None] * axis
                + 2.3 * (np.cos(angle)[:, None] * u + np.sin(angle)[:, None] * v - u)
            )
        else:  # an extended stretch: 3.3 A per residue, zig-zag
            k = np.arange(rng.integers(4, 10))
            seg = pos + 3.3 * k[:, None] * axis + 0.9 * ((k % 2) * 2 - 1)[:, None] * u
        trace.append(seg)
        count += len(seg)
        pos = seg[-1] + 3.8 * axis
    return np.concatenate(trace)[:n]


def protein(n_atoms: int, seed: int = 11) -> tuple[np.ndarray, np.ndarray]:
    """Positions (n_atoms, 3) and element symbols (n_atoms,) of a synthetic protein."""
    rng = np.random.default_rng(seed)
    side = rng.choice(7, size=n_atoms // 4, p=[0.08, 0.14, 0.18, 0.2, 0.18, 0.12, 0.1])
    n_res = int(np.searchsorted(np.cumsum(4 + side), n_atoms)) + 1
    side = side[:n_res]
    ca = alpha_carbon_trace(n_res, rng)
    forward = unit(np.gradient(ca, axis=0))
    out = unit(np.cross(forward, rng.normal(size=(n_res, 3))))
    backbone = {
        "N": ca - 1.2 * forward + 0.6 * out,
        "CA": ca,
        "C": ca + 1.3 * forward + 0.5 * out,
        "O": ca + 1.6 * forward + 1.7 * out,
    }
    positions = [np.stack(list(backbone.values()), 1).reshape(-1, 3)]
    elements = [np.tile(["N", "C", "C", "O"], n_res)]
    # side chains: a random walk of 1.5 A steps away from the backbone, on the other side
    steps = unit(-out[:, None, :] + rng.normal(0, 0.6, (n_res, 6, 3))) * 1.5
    chain = ca[:, None, :] + np.cumsum(steps, axis=1)
    has = np.arange(6)[None, :] < side[:, None]
    positions.append(chain[has])
    last = np.arange(6)[None, :] == (side[:, None] - 1)
    tip = rng.choice(["C", "N", "O", "S"], size=(n_res, 6), p=[0.45, 0.25, 0.25, 0.05])
    elements.append(np.where(last, tip, "C")[has])
    return np.concatenate(positions)[:n_atoms], np.concatenate(elements)[:n_atoms]


positions, elements = protein(N_ATOMS)
positions -= positions.mean(axis=0)
colors = np.array([ELEMENTS[e][0] for e in "CNOS"])[np.searchsorted(list("CNOS"), elements)]
radii = np.array([ELEMENTS[e][1] for e in "CNOS"])[np.searchsorted(list("CNOS"), elements)]

canvas = scene.SceneCanvas(size=(640, 480), backend="auto", title="Molecule", bgcolor="#101218")
view = canvas.add_view(camera=scene.TurntableCamera(azimuth=30, elevation=15, fov=30))
atoms = scene.visuals.Spheres(
    positions, radius=radii, color=colors, specular=0.35, shininess=24, parent=view.scene
)
lo, hi = positions.min(axis=0), positions.max(axis=0)
view.camera.set_state(center=(lo + hi) / 2, scale_factor=1.2 * (hi - lo).max())

if __name__ == "__main__":
    print(f"{len(positions):,} atoms:", {e: int((elements == e).sum()) for e in "CNOS"})
    glframe.app.show(canvas, __file__)
