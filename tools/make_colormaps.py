"""Write glframe/shaders/colormaps.npz: every named colormap as 256 RGBA bytes.

Run once, by hand, when the set of colormaps changes (it needs matplotlib and vispy,
which glframe itself does not depend on; the ramps defined here need neither):

    python tools/make_colormaps.py

What goes in, and who decides each name:

- every colormap matplotlib registers (its reversed ``_r`` twins are not stored, as
  glframe mirrors a table on request, except for the few-colour maps such as tab10
  whose reversal is not a mirror at the bin edges), sampled at t = i / 255, i = 0 .. 255, which
  are exactly the entries of matplotlib's own 256-entry lookup table;
- glframe's own ramps (``fire``, ``grays``), which keep their meaning;
- vispy's colormaps whose names matplotlib does not use (``ice``, ``hsl``, ``husl``,
  ``light_blues``...), sampled from vispy. Where both define a name (``hot``,
  ``RdBu``, ``cubehelix``, ``autumn``...) matplotlib's wins: docs/from-vispy.md says so.

The file holds two arrays: ``names`` (M,) and ``steps`` (M, 4, 256) uint8, each
channel's differences from one entry to the next (modulo 256; a cumulative sum with
uint8 wrap-around restores the bytes). Smooth colormaps have small, repetitive steps,
so the compressed file is about 9 kB for some 110 colormaps, where the bytes as they
are take 62 kB. glframe.shaders.colormaps reads it lazily and
interpolates linearly between the 256 entries, for textures, numpy and GLSL alike.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "glframe" / "shaders" / "colormaps.npz"
N = 256
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
    "grays": [(0.0, 0.0, 0.0, 0.0), (1.0, 1.0, 1.0, 1.0)],
}
#: vispy's own colormaps, taken where matplotlib has no colormap of that name
VISPY_EXTRAS = (
    "ice",
    "hsl",
    "husl",
    "light_blues",
    "orange",
    "single_hue",
    "PuGr",
    "GrBu",
    "GrBu_d",
    "diverging",
    "RdYeBuCy",
    "HiLo",
    "blues",
    "greens",
    "reds",
)


def _to_bytes(rgba: np.ndarray) -> np.ndarray:
    return np.round(np.clip(rgba, 0, 1) * 255).astype(np.uint8)


def tables() -> dict[str, np.ndarray]:
    """Every colormap by name: (256, 4) uint8 RGBA at t = i / 255."""
    from matplotlib import colormaps as mpl
    from vispy.color import get_colormap

    t = np.linspace(0, 1, N)
    out: dict[str, np.ndarray] = {}
    for name in sorted(n for n in mpl if not n.endswith("_r")):
        out[name] = _to_bytes(mpl[name](t))
        # a colormap of few colours (tab10: 10 bins) reversed is not its table mirrored
        # at the bin edges: keep matplotlib's own NAME_r there
        reversed_ = _to_bytes(mpl[f"{name}_r"](t))
        if not np.array_equal(reversed_, out[name][::-1]):
            out[f"{name}_r"] = reversed_
    for name, anchors in RAMPS.items():
        a = np.array(anchors, np.float64)
        rgb = np.stack([np.interp(t, a[:, 0], a[:, k]) for k in (1, 2, 3)], -1)
        out[name] = _to_bytes(np.c_[rgb, np.ones(N)])
    for name in VISPY_EXTRAS:
        if name in out:
            raise SystemExit(f"{name!r} is now a matplotlib name: drop it from VISPY_EXTRAS")
        out[name] = _to_bytes(np.asarray(get_colormap(name).map(t), np.float64))
    return out


def main() -> None:
    maps = tables()
    names = np.array(list(maps))
    rgba = np.stack(list(maps.values())).transpose(0, 2, 1)  # (M, 4, 256): channels apart
    steps = np.diff(rgba, axis=2, prepend=np.uint8(0)).astype(np.uint8)
    np.savez_compressed(OUT, names=names, steps=steps)
    print(f"wrote {len(names)} colormaps to {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
