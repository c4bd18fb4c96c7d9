"""Movies: render a canvas frame by frame into an MP4, a GIF or a PNG sequence.

``with canvas.record_movie("spin.mp4", fps=30) as movie:`` opens a
:class:`MovieWriter`; each ``movie.add_frame()`` renders one fresh frame of the
canvas (its ``draw`` event, as :meth:`~glframe.app.Canvas.render` does) and
appends it. What to write is told by the path:

- ``*.mp4``: H.264 (yuv420p) through imageio's ffmpeg plugin, which needs the
  ``imageio-ffmpeg`` package (``pip install 'glframe[movie]'``; it ships its own
  ffmpeg binary). Width and height must be even (yuv420p halves the colour
  planes); ``quality`` is imageio's 0-10 scale (default 5).
- ``*.gif``: through imageio's pillow plugin; frames are kept in memory until
  the file is closed (GIFs are short), and a GIF's frame time is a whole
  number of hundredths of a second.
- a directory (an existing one, or a path with no extension), or a pattern
  with a format field such as ``"frames/f_{:04d}.png"``: one PNG per frame,
  RGBA and lossless, written as it comes (``frame_0000.png`` ... in a
  directory).

Size: frames have ``canvas.size`` pixels unless ``size`` is given. Then an
offscreen canvas is resized to ``size`` at pixel ratio 1 while the movie is
open (the scene is laid out at that size; ``resize`` is emitted) and put back
when it closes. A window canvas keeps its window: a canvas whose ``render``
takes a size (a :class:`~glframe.scene.SceneCanvas`) renders each frame into
an offscreen framebuffer of that size; a plain window canvas cannot.

With ``frames`` (the number of frames to come) a tqdm progress bar is shown
on stderr, when tqdm is installed (the ``movie`` extra has it).

Animation is the caller's: change the scene (a camera's azimuth, a visual's
data) between ``add_frame`` calls. Nothing here depends on wall-clock time,
so a movie of a slow scene plays at ``fps`` however long it took to render.
"""

from __future__ import annotations

import importlib.util
import inspect
import numbers
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ._canvas import Canvas

__all__ = ["MovieWriter"]

_KINDS = "'.mp4', '.gif', a directory, or a pattern like 'frames/f_{:04d}.png'"


class MovieWriter:
    """Frames of a canvas written into a movie; made by :meth:`Canvas.record_movie`.

    Parameters
    ----------
    canvas
        The canvas to render.
    path
        ``*.mp4``, ``*.gif``, a directory, or a pattern such as
        ``"frames/f_{:04d}.png"`` (see the module docstring).
    fps
        Frames per second of the movie (MP4, GIF).
    size
        (width, height) in pixels of the frames; the canvas's size by default.
    quality
        MP4 only: 0 (smallest) to 10 (best); imageio's default (5) when None.
    frames
        How many frames will be added, if known: shows a progress bar.

    Examples
    --------
    >>> import glframe
    >>> from glframe import gloo
    >>> canvas = glframe.Canvas(size=(64, 48))
    >>> @canvas.connect
    ... def on_draw(event):
    ...     gloo.clear(color=(0.2, 0.4, 0.6, 1.0))
    >>> with canvas.record_movie("/tmp/glframe-doc-frames", fps=10) as movie:
    ...     movie.add_frame().shape
    (48, 64, 4)
    >>> movie.count
    1
    """

    def __init__(
        self,
        canvas: Canvas,
        path: str | Path,
        *,
        fps: float = 30,
        size: tuple[int, int] | None = None,
        quality: float | None = None,
        frames: int | None = None,
    ) -> None:
        canvas._check_open()
        self.canvas = canvas
        self.fps = _check_fps(fps)
        self.kind, self.path = _kind_of(path)
        self.frames = _check_frames(frames)
        self.size = canvas.size if size is None else _check_size(size)
        if quality is not None and self.kind != "mp4":
            raise ValueError(
                f"record_movie: quality applies to MP4 only, not to {self.kind} ({self.path})"
            )
        self.quality = None if quality is None else _check_quality(quality)
        if self.kind == "mp4" and (self.size[0] % 2 or self.size[1] % 2):
            w, h = self.size
            raise ValueError(
                f"record_movie: an MP4 (H.264, yuv420p) needs an even width and height, "
                f"not {w}x{h}; pass size=({w + w % 2}, {h + h % 2}) or record a GIF/PNGs"
            )
        self._render_size = self._plan_size()
        self.count = 0  #: frames added so far
        self.closed = False
        self._writer = self._open_writer()
        self._restore = self._resize_canvas()
        self._bar = _progress_bar(self.frames, self.path.name)

    # ---- setup -----------------------------------------------------------------
    def _plan_size(self) -> tuple[int, int] | None:
        """The size to pass to ``canvas.render``, or None (render the canvas as it is)."""
        canvas = self.canvas
        if self.size == tuple(canvas.size) or canvas.backend == "offscreen":
            return None  # an offscreen canvas is resized instead (_resize_canvas)
        if "size" in inspect.signature(canvas.render).parameters:
            return self.size
        raise ValueError(
            f"record_movie: size={self.size} differs from the {canvas.backend} canvas's "
            f"{tuple(canvas.size)}, and a plain {type(canvas).__name__} renders only at its "
            "own size; omit size, resize the canvas, or record an offscreen canvas"
        )

    def _resize_canvas(self):
        canvas = self.canvas
        if canvas.backend != "offscreen" or self.size == tuple(canvas.size):
            return None
        kept = (canvas.logical_size, canvas.pixel_ratio)
        canvas.pixel_ratio = 1.0
        canvas.resize(*self.size)
        return kept

    def _open_writer(self):
        if self.kind == "mp4":
            if importlib.util.find_spec("imageio_ffmpeg") is None:
                raise ImportError(
                    f"record_movie({str(self.path)!r}): writing MP4 needs the imageio-ffmpeg "
                    "package: pip install 'glframe[movie]' (or pip install imageio-ffmpeg)"
                )
            import imageio.v2 as iio2

            self.path.parent.mkdir(parents=True, exist_ok=True)
            options = {"quality": self.quality} if self.quality is not None else {}
            return iio2.get_writer(
                self.path,
                format="FFMPEG",
                mode="I",
                fps=self.fps,
                codec="libx264",
                pixelformat="yuv420p",
                macro_block_size=1,  # sizes are checked even above; never rescale
                ffmpeg_log_level="error",
                **options,
            )
        if self.kind == "gif":
            import imageio.v3 as iio

            self.path.parent.mkdir(parents=True, exist_ok=True)
            return iio.imopen(self.path, "w", plugin="pillow", extension=".gif")
        folder = self.path if self.kind == "directory" else self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        return None

    # ---- frames ----------------------------------------------------------------
    def frame_path(self, index: int) -> Path:
        """The PNG file of frame ``index`` (a PNG sequence only)."""
        if self.kind == "directory":
            return self.path / f"frame_{index:04d}.png"
        if self.kind == "pattern":
            return Path(str(self.path).format(index))
        raise ValueError(f"{self.path} is one {self.kind} file, not a PNG sequence")

    def add_frame(self) -> np.ndarray:
        """Render the canvas and append the frame; returns it, (h, w, 4) uint8 RGBA."""
        if self.closed:
            raise RuntimeError(
                f"add_frame on a closed movie ({self.path}, {self.count} frames): "
                "record another with canvas.record_movie(...)"
            )
        if self._render_size is None:
            image = self.canvas.render()
        else:
            image = self.canvas.render(self._render_size)
        if image.shape[:2] != (self.size[1], self.size[0]):
            raise RuntimeError(
                f"record_movie: the canvas rendered {image.shape[1]}x{image.shape[0]}, "
                f"not the movie's {self.size[0]}x{self.size[1]} (was it resized while "
                "recording?)"
            )
        if self.kind == "mp4":
            self._writer.append_data(np.ascontiguousarray(image[..., :3]))
        elif self.kind == "gif":
            # pillow: duration in milliseconds, loop=0 repeats forever
            self._writer.write(image[..., :3], duration=1000 / self.fps, loop=0)
        else:
            import imageio.v3 as iio

            iio.imwrite(self.frame_path(self.count), image)
        self.count += 1
        if self._bar is not None:
            self._bar.update(1)
        return image

    # ---- life cycle --------------------------------------------------------------
    def close(self) -> None:
        """Finish the file and give the canvas its size back; add_frame then raises."""
        if self.closed:
            return
        self.closed = True
        try:
            if self._bar is not None:
                self._bar.close()
            if self._writer is not None:
                self._writer.close()
        finally:
            if self._restore is not None and not self.canvas.closed:
                (w, h), ratio = self._restore
                self.canvas.resize(w, h)
                self.canvas.pixel_ratio = ratio

    def __enter__(self) -> MovieWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        w, h = self.size
        return f"<MovieWriter {self.path} {self.kind} {w}x{h} {self.count} frames {state}>"


def _kind_of(path) -> tuple[str, Path]:
    """('mp4' | 'gif' | 'directory' | 'pattern', path) from what the path looks like."""
    if not isinstance(path, (str, Path)):
        raise TypeError(f"record_movie: path must be a str or Path, not {type(path).__name__}")
    text = str(path)
    p = Path(path)
    if "{" in text:
        try:
            text.format(0)
        except (IndexError, KeyError, ValueError) as exc:
            raise ValueError(
                f"record_movie: {text!r} is not a pattern for one frame number "
                f"(like 'frames/f_{{:04d}}.png'): {exc}"
            ) from None
        if p.suffix.lower() != ".png":
            raise ValueError(f"record_movie: a frame pattern must end in .png, not {text!r}")
        return "pattern", p
    suffix = p.suffix.lower()
    if suffix == ".mp4":
        return "mp4", p
    if suffix == ".gif":
        return "gif", p
    if p.is_dir() or not suffix or text.endswith(("/", "\\")):
        return "directory", p
    raise ValueError(f"record_movie: unknown movie format {p.suffix!r} of {text!r}; use {_KINDS}")


def _check_fps(fps) -> float:
    if isinstance(fps, bool) or not isinstance(fps, numbers.Real) or not 0 < fps < float("inf"):
        raise ValueError(f"record_movie: fps must be a positive number, not {fps!r}")
    return float(fps)


def _check_size(size) -> tuple[int, int]:
    try:
        w, h = size
        if any(isinstance(v, bool) or int(v) != v for v in (w, h)):
            raise ValueError
        w, h = int(w), int(h)
    except (TypeError, ValueError):
        raise ValueError(
            f"record_movie: size must be (width, height) in pixels, not {size!r}"
        ) from None
    if w < 1 or h < 1:
        raise ValueError(f"record_movie: size must be positive, not {size!r}")
    return w, h


def _check_quality(quality) -> float:
    if isinstance(quality, bool) or not isinstance(quality, numbers.Real) or not 0 <= quality <= 10:
        raise ValueError(f"record_movie: quality must be a number from 0 to 10, not {quality!r}")
    return float(quality)


def _check_frames(frames) -> int | None:
    if frames is None:
        return None
    if isinstance(frames, bool) or not isinstance(frames, numbers.Integral) or frames < 1:
        raise ValueError(f"record_movie: frames (the count) must be a positive int, not {frames!r}")
    return int(frames)


def _progress_bar(total: int | None, name: str):
    """A tqdm bar of ``total`` frames, or None (count unknown, or tqdm not installed)."""
    if total is None or importlib.util.find_spec("tqdm") is None:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="frame", desc=name)
