"""Visuals: nodes that draw. Each takes ``parent=`` and reactive properties.

:mod:`checks` holds the rules a property's value follows (for your own
visuals' :class:`~glframe.scene.Prop` s, see docs/architecture.md).
"""

from . import _data as checks
from . import _fonts as fonts
from . import _geometry as geometry
from ._aggregate import Aggregate, AggregateLines
from ._arrow import ARROW_TYPES, Arrow, XYZAxis
from ._image import Image
from ._isosurface import Isosurface
from ._line import Line
from ._markers import SYMBOLS, Markers
from ._mesh import Mesh
from ._multiscale_image import MultiscaleImage
from ._multiscale_volume import MultiscaleVolume
from ._polygon import Polygon
from ._shapes import Ellipse, Rectangle
from ._solids import Box, Plane, Tube
from ._spheres import Spheres
from ._surface_plot import SurfacePlot
from ._text import Text
from ._volume import Volume

__all__ = [
    "Aggregate",
    "AggregateLines",
    "Mesh",
    "Spheres",
    "geometry",
    "Markers",
    "SYMBOLS",
    "Image",
    "Volume",
    "MultiscaleImage",
    "MultiscaleVolume",
    "Line",
    "Polygon",
    "Rectangle",
    "Ellipse",
    "Box",
    "Plane",
    "Tube",
    "Arrow",
    "ARROW_TYPES",
    "XYZAxis",
    "Isosurface",
    "SurfacePlot",
    "Text",
    "fonts",
    "checks",
]
