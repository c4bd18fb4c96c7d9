"""Cameras: map a view's scene to its clip space, driven by mouse, wheel and keys."""

from ._base import BaseCamera
from ._panzoom import PanZoomCamera
from ._turntable import TurntableCamera, look_at, orthographic, perspective

__all__ = [
    "BaseCamera",
    "PanZoomCamera",
    "TurntableCamera",
    "look_at",
    "perspective",
    "orthographic",
]
