"""Cameras: map a view's scene to its clip space, driven by mouse, wheel and keys."""

from ._arcball import ArcballCamera
from ._base import BaseCamera
from ._fly import FlyCamera
from ._panzoom import PanZoomCamera
from ._turntable import TurntableCamera, look_at, orthographic, perspective

__all__ = [
    "BaseCamera",
    "PanZoomCamera",
    "TurntableCamera",
    "ArcballCamera",
    "FlyCamera",
    "look_at",
    "perspective",
    "orthographic",
]
