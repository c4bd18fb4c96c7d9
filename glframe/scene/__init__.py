"""scene: a scene graph of visuals, drawn in views through cameras.

- :class:`Node` and :class:`Visual`: the graph and what draws; :class:`Prop`
  (a visual's reactive property) and :class:`DrawContext` (how it is drawn);
- :class:`SceneCanvas`: a canvas of :class:`View` s (``add_view``, ``add_grid``),
  and its :class:`Overlay` (``canvas.scene``: HUD visuals in canvas pixels);
- cameras: :class:`PanZoomCamera` (2D), :class:`TurntableCamera`,
  :class:`ArcballCamera` and :class:`FlyCamera` (3D);
- :mod:`glframe.scene.visuals`: markers, lines, images, ...; the solids and
  arrows vispy users port first are here too (``scene.Box``, ``Plane``, ``Tube``,
  ``Arrow``, ``XYZAxis``) and the surfaces (``scene.Isosurface`` of a volume,
  ``scene.SurfacePlot`` of a height field), as in vispy.scene;

See docs/scene.md.
"""

from . import visuals
from ._canvas import SceneCanvas
from ._node import Node
from ._overlay import Overlay, PixelCamera
from ._reactive import Prop
from ._view import Grid, View
from ._visual import DrawContext, Visual
from .cameras import ArcballCamera, BaseCamera, FlyCamera, PanZoomCamera, TurntableCamera
from .visuals import Arrow, Box, Isosurface, Plane, SurfacePlot, Tube, XYZAxis

__all__ = [
    "SceneCanvas",
    "View",
    "Grid",
    "Overlay",
    "PixelCamera",
    "Node",
    "Visual",
    "Prop",
    "DrawContext",
    "visuals",
    "BaseCamera",
    "PanZoomCamera",
    "TurntableCamera",
    "ArcballCamera",
    "FlyCamera",
    "Box",
    "Plane",
    "Tube",
    "Arrow",
    "XYZAxis",
    "Isosurface",
    "SurfacePlot",
]
