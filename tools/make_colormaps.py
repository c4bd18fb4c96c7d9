"""Write glframe/shaders/glsl/colormaps/*.glsl from matplotlib's colormaps and our ramps.

Run once, by hand, when the set of colormaps changes (matplotlib's need matplotlib, which
glframe itself does not depend on; the ramps defined here do not):

    python tools/make_colormaps.py            # all of them
    python tools/make_colormaps.py fire       # only those named

Each file defines ``vec4 NAME(float t)``: 65 control points sampled from the
colormap, linearly interpolated; t is clamped to [0, 1]. Python reads the same
control points back (glframe.shaders.colormaps), so the GLSL function and the
1D texture agree exactly.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "glframe" / "shaders" / "glsl" / "colormaps"
POINTS = 65
SOURCES = {
    "viridis": "viridis",
    "magma": "magma",
    "inferno": "inferno",
    "plasma": "plasma",
    "cividis": "cividis",
    "turbo": "turbo",
    "twilight": "twilight",
    "coolwarm": "coolwarm",
    "grays": "gray",
}
CREDITS = {
    "viridis": "Stefan van der Walt and Nathaniel Smith (CC0)",
    "magma": "Stefan van der Walt and Nathaniel Smith (CC0)",
    "inferno": "Stefan van der Walt and Nathaniel Smith (CC0)",
    "plasma": "Stefan van der Walt and Nathaniel Smith (CC0)",
    "cividis": "Jamie R. Nunez, Christopher R. Anderton, Ryan S. Renslow (CC0)",
    "turbo": "Anton Mikhailov, Google (Apache 2.0)",
    "twilight": "Bastian Bechtold (MIT)",
    "coolwarm": "Kenneth Moreland (diverging, public domain)",
    "grays": "linear black to white",
    "fire": "glframe's own ramp (dark red, red, orange, yellow, near white), for densities",
}
#: colormaps made here: anchors (t, r, g, b), linearly interpolated. "fire" starts at a
#: dark red, not black, so that the sparsest cells of an aggregate stay visible on black
RAMPS = {
    "fire": [
        (0.00, 0.20, 0.00, 0.00),
        (0.25, 0.62, 0.03, 0.00),
        (0.50, 0.94, 0.27, 0.00),
        (0.75, 1.00, 0.64, 0.06),
        (1.00, 1.00, 0.98, 0.82),
    ],
}


def _rgb(name: str) -> np.ndarray:
    """(POINTS, 3) colours of colormap ``name`` at t = 0 .. 1."""
    t = np.linspace(0, 1, POINTS)
    if name in RAMPS:
        anchors = np.array(RAMPS[name], np.float64)
        return np.stack([np.interp(t, anchors[:, 0], anchors[:, k]) for k in (1, 2, 3)], -1)
    from matplotlib import colormaps

    return colormaps[SOURCES[name]](t)[:, :3]


def main(only: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in only or [*SOURCES, *RAMPS]:
        rgb = _rgb(name)
        rows = ",\n".join("    vec3(" + ", ".join(f"{v:.6f}" for v in row) + ")" for row in rgb)
        (OUT / f"{name}.glsl").write_text(
            f"// {name} colormap: {CREDITS[name]}.\n"
            f"// {POINTS} control points, linearly interpolated; t is clamped to [0, 1].\n"
            f"const vec3 {name}_points[{POINTS}] = vec3[{POINTS}](\n{rows}\n);\n\n"
            f"vec4 {name}(float t) {{\n"
            f"    float x = clamp(t, 0.0, 1.0) * {POINTS - 1}.0;\n"
            f"    int i = min(int(x), {POINTS - 2});\n"
            f"    return vec4(mix({name}_points[i], {name}_points[i + 1], x - float(i)), 1.0);\n"
            "}\n"
        )
        print(f"wrote {OUT / name}.glsl")


if __name__ == "__main__":
    main(sys.argv[1:])
