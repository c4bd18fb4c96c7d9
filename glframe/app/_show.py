"""show(): what an example does when run as a script.

In a window, run the event loop until that window is closed (it is drawn when
updated, and timers run); offscreen, render one frame and write it to
``<name>.png``.
"""

from __future__ import annotations

from pathlib import Path

from ._canvas import Canvas
from ._loop import _running_asyncio_loop, loop

__all__ = ["show"]


def show(canvas: Canvas, name: str | None = None, *, out_dir: str | Path = ".") -> Path | None:
    """Show ``canvas``: a window and its event loop, or (offscreen) a PNG named after ``name``.

    ``name`` may be a script's ``__file__``; the PNG takes its stem. Returns the
    PNG's path when one was written. Inside a running asyncio loop (Jupyter)
    the window is shown and this returns at once: that loop drives it.

    Examples
    --------
    >>> import glframe
    >>> canvas = glframe.Canvas(size=(64, 48))
    >>> glframe.app.show(canvas, "/tmp/example.py", out_dir="/tmp")  # doctest: +SKIP
    PosixPath('/tmp/example.png')
    """
    if canvas.backend in ("window", "qt"):
        canvas.show()
        if _running_asyncio_loop() is not None:
            return None
        loop._run(lambda: canvas.closed)
        canvas.close()  # after quit(): the script is done with it
        return None
    import imageio.v3 as iio

    path = Path(out_dir) / f"{Path(name).stem if name else 'canvas'}.png"
    iio.imwrite(path, canvas.render())
    print(f"wrote {path}")
    return path
