"""RenderBuffer and FrameBuffer: render targets other than the canvas.

A FrameBuffer gathers a colour target (Texture2D or RenderBuffer) and optional
depth and stencil targets. ``with fbo:`` draws into it, then returns to the
previous target; ``fbo.read()`` reads its colour back.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ._objects import GLObject
from ._texture import Texture2D
from .glir import RENDERBUFFER_FORMATS, Cmd

__all__ = ["RenderBuffer", "FrameBuffer"]


class RenderBuffer(GLObject):
    """A render target that is not sampled: (H, W) with a ``format``.

    Examples
    --------
    >>> depth = RenderBuffer((480, 640), format="depth_component24")
    """

    _kind = "RenderBuffer"

    def __init__(self, shape: tuple[int, int], format: str = "rgba8") -> None:
        super().__init__()
        self._shape: tuple = ()
        self._format = format
        self.resize(shape, format)

    @property
    def shape(self) -> tuple:
        return self._shape

    @property
    def format(self) -> str:
        return self._format

    def resize(self, shape: tuple[int, int], format: str | None = None) -> None:
        """Reallocate as (H, W); the content is lost."""
        format = format or self._format
        if format not in RENDERBUFFER_FORMATS:
            raise ValueError(
                f"RenderBuffer: unknown format {format!r}; known: {RENDERBUFFER_FORMATS}"
            )
        shape = tuple(int(s) for s in shape)
        if len(shape) != 2 or min(shape) < 1:
            raise ValueError(f"RenderBuffer: shape {shape} must be (H, W), both positive")
        self._shape, self._format = shape, format
        self._glir(Cmd.SIZE, shape, format)


_Target = Texture2D | RenderBuffer


class FrameBuffer(GLObject):
    """An off-canvas render target.

    Examples
    --------
    >>> color = Texture2D(shape=(256, 256, 4))
    >>> fbo = FrameBuffer(color, RenderBuffer((256, 256), "depth_component24"))
    >>> with fbo:                                   # doctest: +SKIP
    ...     clear(color="black"); program.draw()
    >>> image = fbo.read()                          # doctest: +SKIP
    """

    _kind = "FrameBuffer"

    def __init__(
        self,
        color: _Target | None = None,
        depth: _Target | None = None,
        stencil: RenderBuffer | None = None,
    ) -> None:
        super().__init__()
        self._targets: dict[str, _Target | None] = {}
        self.color = color
        self.depth = depth
        self.stencil = stencil

    def _dependencies(self) -> Iterable[GLObject]:
        return [t for t in self._targets.values() if t is not None]

    def _attach(self, attachment: str, target: _Target | None) -> None:
        if target is not None and not isinstance(target, (Texture2D, RenderBuffer)):
            raise TypeError(
                f"FrameBuffer.{attachment}: expected Texture2D or RenderBuffer, not "
                f"{type(target).__name__}"
            )
        if target is not None:
            self._use(target)
        self._targets[attachment] = target
        self._glir(Cmd.ATTACH, attachment, target.id if target is not None else 0)

    color = property(
        lambda self: self._targets.get("color0"),
        lambda self, t: self._attach("color0", t),
        doc="Colour target.",
    )
    depth = property(
        lambda self: self._targets.get("depth"),
        lambda self, t: self._attach("depth", t),
        doc="Depth target.",
    )
    stencil = property(
        lambda self: self._targets.get("stencil"),
        lambda self, t: self._attach("stencil", t),
        doc="Stencil target.",
    )

    @property
    def shape(self) -> tuple:
        """(H, W) of the colour target (or of the depth target)."""
        target = self.color or self.depth
        return tuple(target.shape[:2]) if target is not None else ()

    def resize(self, shape: tuple[int, int]) -> None:
        """Resize every target to (H, W); their content is lost."""
        for target in self._targets.values():
            if isinstance(target, RenderBuffer):
                target.resize(shape)
            elif target is not None:
                target.resize((*shape, target.shape[-1]), format=target.format)

    def activate(self) -> None:
        """Draw into this frame buffer until :meth:`deactivate`."""
        from ._state import _current

        self._activate(_current("FrameBuffer.activate"))
        self._glir(Cmd.FRAMEBUFFER, True)

    def deactivate(self) -> None:
        """Return to the target that was active before :meth:`activate`."""
        self._glir(Cmd.FRAMEBUFFER, False)

    def __enter__(self) -> FrameBuffer:
        self.activate()
        return self

    def __exit__(self, *exc) -> None:
        self.deactivate()

    def read(self, *, alpha: bool = True, out_type: str = "uint8") -> np.ndarray:
        """The colour target's pixels, (H, W, 4|3), rows top to bottom."""
        from ._state import read_pixels

        with self:
            h, w = self.shape
            return read_pixels((0, 0, w, h), alpha=alpha, out_type=out_type)
