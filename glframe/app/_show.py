"""show(): what an example does when run as a script.

In a window, redraw until the window is closed; offscreen, render one frame
and write it to ``<name>.png``.
"""

from __future__ import annotations

from pathlib import Path

from ._canvas import Canvas

__all__ = ["show"]


def show(canvas: Canvas, name: str | None = None, *, out_dir: str | Path = ".") -> Path | None:
    """Show ``canvas``: a window loop, or (offscreen) a PNG named after ``name``.

    ``name`` may be a script's ``__file__``; the PNG takes its stem. Returns the
    PNG's path when one was written.
    """
    if canvas.backend == "window":
        surface = canvas._surface
        while not surface.should_close():
            canvas.draw()
        canvas.close()
        return None
    import imageio.v3 as iio

    path = Path(out_dir) / f"{Path(name).stem if name else 'canvas'}.png"
    iio.imwrite(path, canvas.render())
    print(f"wrote {path}")
    return path
