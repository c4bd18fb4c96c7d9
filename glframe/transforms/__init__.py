"""transforms: bijective transforms, mapped with numpy and in GLSL.

Every transform maps points both ways on both sides: ``map``/``imap`` on
numpy arrays of shape (N, 2..4), and ``glsl_map``/``glsl_imap``, GLSL
functions ``vec4 f(vec4 pos)`` for the shader composer whose parameters are
uniforms (changing one is a uniform update, never a recompilation).

- linear: :class:`NullTransform`, :class:`STTransform`, :class:`MatrixTransform`;
- nonlinear: :class:`PolarTransform`, :class:`LogTransform`,
  :class:`MercatorTransform`, :class:`MagnifyTransform` (a fisheye lens);
- :class:`ChainTransform` composes them (``a * b`` applies b first), inverts
  and simplifies; ``t.inverse`` is an :class:`InverseTransform` sharing t's
  parameters.

See docs/transforms.md.

Examples
--------
>>> from glframe.transforms import LogTransform, PolarTransform, STTransform
>>> chain = PolarTransform() * LogTransform(base=(0, 10)) * STTransform(scale=(1, 10))
>>> chain.map([0.0, 10.0])                   # theta 0, r = log10(10 * 10)
array([2., 0.])
>>> chain.imap([2.0, 0.0])
array([ 0., 10.])
"""

from ._base import BaseTransform, InverseTransform
from ._chain import ChainTransform
from ._linear import MatrixTransform, NullTransform, STTransform
from ._nonlinear import LogTransform, MagnifyTransform, MercatorTransform, PolarTransform
from ._signal import Signal

__all__ = [
    "BaseTransform",
    "InverseTransform",
    "Signal",
    "NullTransform",
    "STTransform",
    "MatrixTransform",
    "PolarTransform",
    "LogTransform",
    "MercatorTransform",
    "MagnifyTransform",
    "ChainTransform",
]
