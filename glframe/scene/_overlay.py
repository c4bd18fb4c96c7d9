"""The overlay: a scene in canvas pixels, drawn over every view (HUD text, shapes).

``canvas.overlay`` (made at first use) is a :class:`View` that covers the whole
canvas, has no background and is drawn after every view, through a
:class:`PixelCamera`: its scene's coordinates are the canvas's logical pixels,
origin at the top left, y down (vispy's canvas coordinates, and those of
``view.rect`` and mouse events). ``canvas.scene`` is its scene node, as in vispy
(``Text("FPS", parent=canvas.scene, positions=(10, 10))``).

The overlay follows resizes (its rectangle is the canvas's, its camera maps
the current size), takes no input (events go to the views under it) and is
picked before the views (:meth:`SceneCanvas.pick`). It is ordinary GLIR: an
exported page or a client-mode view replays it with the rest of the frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..transforms import STTransform
from ._view import View
from .cameras import BaseCamera

if TYPE_CHECKING:
    from ._canvas import SceneCanvas

__all__ = ["Overlay", "PixelCamera"]


class PixelCamera(BaseCamera):
    """Shows a view's logical pixels: (0, 0) at its top left, y down, one unit a pixel.

    It follows the view's size and ignores input; there is no range to set.

    Examples
    --------
    >>> camera = PixelCamera()
    >>> camera._prepare((200, 100))
    >>> camera.transform.map([[0, 0], [200, 100]])[:, :2]
    array([[-1.,  1.],
           [ 1., -1.]])
    """

    def __init__(self) -> None:
        super().__init__(STTransform())
        self._fitted = True  # nothing to fit: pixels are pixels
        self._update_transform()

    def _update_transform(self) -> None:
        w, h = self._viewport
        self.transform.scale = (2 / w, -2 / h, 1.0)
        self.transform.translate = (-1.0, 1.0, 0.0)

    def set_range(self, x=None, y=None, z=None, margin: float = 0.05) -> None:
        """Refused: a PixelCamera always shows the view's pixels."""
        raise TypeError(
            "PixelCamera shows canvas pixels and has no range to set; place the overlay's "
            "visuals in pixel coordinates (x right, y down from the top left)"
        )


class Overlay(View):
    """The canvas's overlay: a view over the whole canvas, in canvas pixels.

    Use ``canvas.overlay`` (or its scene, ``canvas.scene``) rather than this class.
    Coordinates are logical pixels, (0, 0) at the canvas's top left, x right, y
    down; the overlay is drawn after every view, has no background and takes no
    input. Its camera is a :class:`PixelCamera` and cannot be replaced.

    Examples
    --------
    >>> from glframe import scene
    >>> canvas = scene.SceneCanvas(size=(300, 200))
    >>> hud = scene.visuals.Text("FPS", positions=(10, 10), anchor_x="left",
    ...                          anchor_y="top", parent=canvas.scene)
    >>> canvas.overlay.scene is canvas.scene
    True
    """

    def __init__(self, canvas: SceneCanvas) -> None:
        super().__init__(canvas, camera=PixelCamera())
        self.scene.name = "overlay"

    @View.camera.setter
    def camera(self, camera: Any) -> None:
        if self._camera is not None:
            raise AttributeError(
                "the overlay's camera is a PixelCamera (canvas pixels) and cannot be "
                f"replaced (given {camera!r}); add a view for a scene with its own camera"
            )
        View.camera.fset(self, camera)

    @View.rect.setter
    def rect(self, rect: Any) -> None:
        raise AttributeError(
            f"the overlay covers the whole canvas; its rect cannot be set (given {rect!r})"
        )

    def __repr__(self) -> str:
        return f"<Overlay size={self.size}>"
