"""shaders: compose GLSL programs from small snippets.

- :class:`Function`: GLSL with ``$placeholders`` bound from Python;
- :class:`Variable` (uniform, attribute, const) and :class:`Varying`;
- :class:`FunctionChain` (``f(g(h(x)))`` built at run time) and hooks;
- :class:`ModularProgram`: a ``gloo.Program`` compiled from two Functions;
- :func:`snippet` and :func:`load_function`: the ``.glsl`` library shipped in
  ``glframe/shaders/glsl`` (colormaps, antialiasing, clipping);
- :mod:`colormaps`: named colormaps as GLSL functions and as 1D textures.

See docs/shaders.md.
"""

from . import colormaps
from ._compiler import Compiled, CompileError, compile_program
from ._function import Function, FunctionCall, FunctionChain
from ._library import load_function, snippet, snippet_names
from ._program import ModularProgram
from ._variable import Variable, Varying, infer_gtype

__all__ = [
    "colormaps",
    "Function",
    "FunctionCall",
    "FunctionChain",
    "Variable",
    "Varying",
    "ModularProgram",
    "CompileError",
    "Compiled",
    "compile_program",
    "infer_gtype",
    "snippet",
    "snippet_names",
    "load_function",
]
