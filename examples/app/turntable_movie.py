"""Turntable movie: the molecule example turned once around, written to an MP4.

The scene is ``examples/scene/molecule.py`` (100,000 ray-cast atoms), loaded as it
is; here its turntable camera's azimuth goes round 360 degrees in 10 s at 30 frames
per second, and each step is one ``movie.add_frame()``. The frames are rendered
offscreen whatever the canvas is, so the movie does not depend on the screen, and
it plays at 30 fps however long a frame took to render (on a CPU rasterizer such
as llvmpipe, two to three minutes for the 300 frames).

Run as a script it writes ``turntable_movie.mp4`` in the current directory (or the
path given: ``.gif``, a directory for PNG files); it needs imageio-ffmpeg for MP4
(``pip install 'glframe[movie]'``). Rendered headless (the gallery) it shows the
first frame and writes nothing.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

SECONDS, FPS = 10, 30
MOLECULE = Path(__file__).resolve().parent.parent / "scene" / "molecule.py"

molecule = runpy.run_path(str(MOLECULE), run_name="molecule")
canvas, view = molecule["canvas"], molecule["view"]
canvas.title = "Turntable movie"
start = view.camera.azimuth


def record(path: str | Path, seconds: float = SECONDS, fps: float = FPS) -> Path:
    """Turn the camera once around in ``seconds`` and write every frame to ``path``."""
    n = round(seconds * fps)
    with canvas.record_movie(path, fps=fps, frames=n) as movie:
        for i in range(n):
            view.camera.azimuth = start + 360.0 * i / n  # the last frame is one step short
            movie.add_frame()
    view.camera.azimuth = start
    return Path(path)


if __name__ == "__main__":
    out = record(sys.argv[1] if len(sys.argv) > 1 else "turntable_movie.mp4")
    print(f"wrote {out} ({SECONDS} s at {FPS} fps)")
    canvas.close()
