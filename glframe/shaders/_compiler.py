"""Compile a vertex and a fragment Function, and all they bind, into GLSL ES 3.00.

Steps, for the two stages together:

1. walk the graph from each stage's main Function: every object after the
   objects it depends on, each once;
2. name things: each function definition, chain, Variable and Varying keeps
   its preferred name unless another object took it first, then gets ``_1``,
   ``_2``, ... (deterministic: the order of the walk);
3. emit each stage: header, declarations, then each snippet's code with its
   placeholders replaced, preceded by ``// --- snippet S: NAME`` and
   ``#line 1 S`` so that a driver's error "S:L" names the snippet and its own
   line (the interpreter reports it that way).

A Variable or Varying used by both stages has one name in both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ._base import ShaderObject
from ._function import _PLACEHOLDER, Function, FunctionCall, FunctionChain
from ._variable import Variable, Varying

__all__ = ["CompileError", "Compiled", "compile_program"]

HEADER = (
    "#version 300 es\n"
    "precision highp float;\n"
    "precision highp int;\n"
    "precision highp sampler3D;\n"
    "precision highp isampler2D;\n"
    "precision highp usampler2D;"
)


class CompileError(ValueError):
    """A composed program that cannot be assembled (e.g. an unbound placeholder)."""


@dataclass
class Compiled:
    vertex: str
    fragment: str
    #: GLSL name -> Variable, for every uniform, attribute and constant used
    variables: dict[str, Variable] = field(default_factory=dict)
    #: snippet number -> snippet name, per stage
    snippets: dict[str, dict[int, str]] = field(default_factory=dict)


class _Namer:
    def __init__(self) -> None:
        self.taken: set[str] = {"main"}
        self.names: dict[int, str] = {}  # id(obj) or (id(obj), definition) -> name

    def name(self, key, preferred: str) -> str:
        if key in self.names:
            return self.names[key]
        name, k = preferred, 0
        while name in self.taken:
            k += 1
            name = f"{preferred}_{k}"
        self.taken.add(name)
        self.names[key] = name
        return name


def _walk(root: ShaderObject, out: dict[int, ShaderObject], path: tuple = ()) -> None:
    if id(root) in out:
        return
    if id(root) in path:
        raise CompileError(f"{root!r} depends on itself")
    for dep in root.dependencies():
        _walk(dep, out, (*path, id(root)))
    out[id(root)] = root


def compile_program(vertex: Function, fragment: Function) -> Compiled:
    """GLSL sources for both stages, and the Variables they use."""
    namer = _Namer()
    stages = {}
    for stage, main in (("vertex", vertex), ("fragment", fragment)):
        if main.name != "main" or "main" not in main.definitions:
            raise CompileError(f"the {stage} Function ({main.snippet_name}) must define main()")
        objs: dict[int, ShaderObject] = {}
        _walk(main, objs)
        stages[stage] = list(objs.values())
    # Name in walk order over both stages, so shared objects get one name.
    for objs in stages.values():
        for obj in objs:
            if isinstance(obj, (Variable, Varying)):
                namer.name(id(obj), obj.name)
            elif isinstance(obj, FunctionChain):
                namer.name(id(obj), obj.name)
            elif isinstance(obj, Function):
                for definition in obj.definitions:
                    if definition != "main":
                        namer.name((id(obj), definition), definition)
    result = Compiled("", "")
    for stage, objs in stages.items():
        source, snippets = _emit(stage, objs, namer, result.variables)
        setattr(result, stage, source)
        result.snippets[stage] = snippets
    return result


def _expression(obj, namer: _Namer) -> str:
    if isinstance(obj, str):
        return obj
    if isinstance(obj, (Variable, Varying, FunctionChain)):
        return namer.names[id(obj)]
    if isinstance(obj, Function):
        return namer.names[(id(obj), obj.name)]
    if isinstance(obj, FunctionCall):
        args = ", ".join(_expression(a, namer) for a in obj.args)
        return f"{_expression(obj.function, namer)}({args})"
    raise CompileError(f"cannot use {obj!r} in GLSL")


def _render_function(fn: Function, namer: _Namer) -> str:
    code = fn.code
    for definition in fn.definitions:
        new = namer.names.get((id(fn), definition), definition)
        if new != definition:
            code = re.sub(rf"(?<![\w$.]){definition}\b", new, code)

    def substitute(match: re.Match) -> str:
        key = match.group(1)
        if key not in fn.placeholders:
            return match.group(0)  # in a comment: not a placeholder
        if key not in fn._bindings:
            line = code.count("\n", 0, match.start()) + 1
            raise CompileError(
                f"{fn.snippet_name}, line {line}: placeholder ${key} is not bound "
                f"(bound: {', '.join('$' + k for k in fn._bindings) or 'none'})"
            )
        return _expression(fn._bindings[key], namer)

    return _PLACEHOLDER.sub(substitute, code)


def _render_chain(chain: FunctionChain, namer: _Namer) -> str:
    arg, ret = chain.signature()
    body = "x"
    for fn in chain.functions:
        body = f"{_expression(fn, namer)}({body})"
    return f"{ret} {namer.names[id(chain)]}({arg} x) {{\n    return {body};\n}}"


def _emit(stage: str, objs: list, namer: _Namer, variables: dict) -> tuple[str, dict[int, str]]:
    decls, chunks, snippets = [], [], {}
    for obj in objs:
        if isinstance(obj, (Variable, Varying)):
            name = namer.names[id(obj)]
            decls.append(obj.declaration(name, stage))
            if isinstance(obj, Variable):
                variables[name] = obj
            continue
        if isinstance(obj, Function):
            code, label = _render_function(obj, namer), obj.snippet_name
        elif isinstance(obj, FunctionChain):
            code, label = _render_chain(obj, namer), f"chain {obj.name}"
        else:
            continue  # FunctionCall: rendered where it is used
        number = len(snippets) + 1
        snippets[number] = label
        chunks.append(f"// --- snippet {number}: {label}\n#line 1 {number}\n{code.strip(chr(10))}")
    parts = [HEADER]
    if decls:
        parts.append("\n".join(decls))
    parts.extend(chunks)
    return "\n".join(parts) + "\n", snippets
