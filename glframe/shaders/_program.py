"""ModularProgram: a gloo Program whose shaders are composed from Functions.

It compiles its vertex and fragment Functions (see ``_compiler``) and keeps
them: setting a bound Variable's value sends only a UNIFORM; a change of
structure anywhere below (a new binding, a hook filled) marks the program
dirty, and the next ``draw`` recompiles (one SHADERS command) and logs it.
"""

from __future__ import annotations

import logging

from ..gloo import Program
from ._base import ShaderObject
from ._compiler import Compiled, compile_program
from ._function import Function

__all__ = ["ModularProgram"]

log = logging.getLogger("glframe.shaders")


class ModularProgram(Program, ShaderObject):
    """A Program built from a vertex and a fragment :class:`Function`.

    Parameters
    ----------
    vert, frag
        Functions (or GLSL strings) defining ``main`` for each stage.

    Examples
    --------
    >>> vert = Function("void main() { gl_Position = vec4($position, 0.0, 1.0); }")
    >>> vert["position"] = Variable("a_position", gtype="vec2", kind="attribute")
    >>> frag = Function("out vec4 f_color; void main() { f_color = $color; }")
    >>> frag["color"] = (1.0, 0.5, 0.0, 1.0)         # a uniform named u_color
    >>> program = ModularProgram(vert, frag)
    >>> sorted(program.uniforms), sorted(program.attributes)
    (['u_color'], ['a_position'])
    >>> frag["color"] = (0.0, 1.0, 0.0, 1.0)         # a UNIFORM update, no recompilation
    """

    def __init__(self, vert: Function | str, frag: Function | str) -> None:
        ShaderObject.__init__(self)
        self.vert = vert if isinstance(vert, Function) else Function(vert, "vertex shader")
        self.frag = frag if isinstance(frag, Function) else Function(frag, "fragment shader")
        self.vert._add_parent(self)
        self.frag._add_parent(self)
        self.compiled: Compiled = compile_program(self.vert, self.frag)
        self._dirty = False
        self.compilations = 1
        Program.__init__(self, self.compiled.vertex, self.compiled.fragment)
        self._attach_variables()

    def _attach_variables(self) -> None:
        for name, variable in self.compiled.variables.items():
            if variable.kind != "const":
                variable._attach(self, name)

    def _structure_changed(self) -> None:
        self._dirty = True

    def build(self) -> None:
        """Recompile now if the structure changed (``draw`` does it too)."""
        if not self._dirty:
            return
        self._dirty = False
        self.compiled = compile_program(self.vert, self.frag)
        self.compilations += 1
        log.info("%r: structure changed, recompiling", self)
        self.set_shaders(self.compiled.vertex, self.compiled.fragment)
        self._attach_variables()

    def draw(self, *args, **kwargs) -> None:
        self.build()
        super().draw(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<ModularProgram id={self.id}>"
