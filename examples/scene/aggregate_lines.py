"""AggregateLines: a million time series of 100 points, as lines counted per pixel.

Each series is one of three families of noisy signals (a damped oscillation, a
logistic step and a random walk with drift), with random amplitudes, phases and
delays. Every series is rasterized segment by segment and counts at most once per
pixel, so the picture reads "how many series pass here"; histogram equalization
shows the rare paths next to the crowded ones. Zoom in a window: the view
re-aggregates its visible part at full resolution once the camera rests.

    python examples/scene/aggregate_lines.py                 # 1,000,000 series
    python examples/scene/aggregate_lines.py --series 1e5    # fewer

The headless gallery (and its test) uses 20,000 series; ``wait()`` makes that frame
complete. A million series take 400 MB (float32).
"""

from __future__ import annotations

import argparse

import numpy as np

import glframe
from glframe import scene

M = 100  # points per series


def signals(n: int, seed: int = 0) -> np.ndarray:
    """(n, M) float32: three families of noisy signals, in chunks (bounded memory)."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, M, dtype=np.float32)
    out = np.empty((n, M), np.float32)
    for start in range(0, n, 100_000):
        k = min(100_000, n - start)
        family = rng.integers(0, 3, k)[:, None]
        amp = rng.uniform(0.6, 1.4, (k, 1)).astype(np.float32)
        shift = rng.uniform(-0.15, 0.15, (k, 1)).astype(np.float32)
        damped = amp * np.exp(-3 * t) * np.sin(2 * np.pi * (4 * t + shift))
        step = amp * (1 / (1 + np.exp(-40 * (t - 0.5 - shift))) - 0.5) * 2
        walk = np.cumsum(rng.standard_normal((k, M), dtype=np.float32), axis=1) * 0.04
        walk += (t * amp * 1.5 - 1.2).astype(np.float32)
        chunk = np.where(family == 0, damped, np.where(family == 1, step, walk))
        chunk += rng.standard_normal((k, M), dtype=np.float32) * 0.03
        out[start : start + k] = chunk
    return out


def series_wanted() -> int:
    if __name__ != "__main__":
        return 20_000  # the gallery
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=float, default=1e6, help="how many (default 1e6)")
    return int(parser.parse_args().series)


y = signals(series_wanted())
canvas = scene.SceneCanvas(size=(720, 360), backend="auto", title="AggregateLines")
view = canvas.add_view(bgcolor="black", camera=scene.PanZoomCamera())
lines = scene.visuals.AggregateLines(y, np.linspace(0, 1, M), cmap="inferno", parent=view.scene)
view.camera.set_range(margin=0.02)

canvas.render()  # the first frame: sizes the view, starts the aggregation
lines.wait(timeout=300)

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
