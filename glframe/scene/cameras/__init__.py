"""Cameras: map a view's scene to its clip space, driven by mouse, wheel and keys."""

from __future__ import annotations

import difflib

from ._arcball import ArcballCamera
from ._base import BaseCamera
from ._fly import FlyCamera
from ._panzoom import PanZoomCamera
from ._turntable import TurntableCamera, look_at, orthographic, perspective

__all__ = [
    "CAMERAS",
    "make_camera",
    "BaseCamera",
    "PanZoomCamera",
    "TurntableCamera",
    "ArcballCamera",
    "FlyCamera",
    "look_at",
    "perspective",
    "orthographic",
]

#: camera names, as vispy spells them (``view.camera = "turntable"``)
CAMERAS = {
    "panzoom": PanZoomCamera,
    "turntable": TurntableCamera,
    "arcball": ArcballCamera,
    "fly": FlyCamera,
}
# vispy's names that glframe has no camera for, and what to use instead
_INSTEAD = {
    "perspective": "vispy's PerspectiveCamera is the base of its 3D cameras: use "
    "'turntable' or 'arcball' (both take fov=)",
    "base": "vispy's BaseCamera shows scene coordinates as they are: use "
    "PanZoomCamera(rect=(-1, -1, 2, 2))",
    "magnify": "glframe has no magnifying camera yet",
}


def make_camera(camera: BaseCamera | str, what: str = "camera") -> BaseCamera:
    """``camera`` itself, or a new camera of that name (one of :data:`CAMERAS`).

    A named camera is made with its defaults, and so fits its view's visuals at
    its first draw (see :class:`BaseCamera`).
    """
    if isinstance(camera, BaseCamera):
        return camera
    known = ", ".join(repr(n) for n in CAMERAS)
    if isinstance(camera, str):
        key = camera.lower()
        if key in CAMERAS:
            return CAMERAS[key]()
        if key in _INSTEAD:
            raise ValueError(f"{what}: no camera {camera!r}; {_INSTEAD[key]}. Cameras: {known}")
        near = difflib.get_close_matches(key, list(CAMERAS), n=1)
        hint = f"did you mean {near[0]!r}? " if near else ""
        raise ValueError(f"{what}: no camera {camera!r}; {hint}cameras: {known}, or a camera")
    raise TypeError(f"{what} must be a camera or one of the names {known}, not {camera!r}")
