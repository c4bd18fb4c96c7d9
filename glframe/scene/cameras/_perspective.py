"""What the 3D cameras share: projection for a view's aspect, near and far planes."""

from __future__ import annotations

import numpy as np

from ._turntable import orthographic, perspective


def projection(fov: float, scale_factor: float, distance: float, aspect: float) -> np.ndarray:
    """Perspective (``fov`` degrees, vertical) or orthographic (``fov`` 0) projection.

    ``scale_factor`` is the size of the region, at ``distance`` from the eye,
    that fills the narrower side of the view.
    """
    near, far = distance / 100, distance + scale_factor * 100
    if fov == 0:
        side = scale_factor
        w, h = (side * aspect, side) if aspect >= 1 else (side, side / aspect)
        return orthographic(w, h, near, far)
    if aspect < 1:  # keep the scale factor visible across the narrow side
        fov = float(np.degrees(2 * np.arctan(np.tan(np.radians(fov) / 2) / aspect)))
    return perspective(fov, aspect, near, far)
