"""Write glframe/shaders/glsl/colormaps/*.glsl from matplotlib's colormaps.

Run once, by hand, when the set of colormaps changes (needs matplotlib, which
glframe itself does not depend on):

    python tools/make_colormaps.py

Each file defines ``vec4 NAME(float t)``: 65 control points sampled from the
colormap, linearly interpolated; t is clamped to [0, 1]. Python reads the same
control points back (glframe.shaders.colormaps), so the GLSL function and the
1D texture agree exactly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib import colormaps

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
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, source in SOURCES.items():
        rgb = colormaps[source](np.linspace(0, 1, POINTS))[:, :3]
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
    main()
