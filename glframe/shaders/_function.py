"""Function, FunctionCall and FunctionChain: GLSL code with placeholders.

A :class:`Function` is a piece of GLSL (one function, a function and its
helpers, or a whole stage with ``main``) in which ``$name`` placeholders are
bound from Python::

    >>> scale = Function("vec4 scale(vec4 p) { return vec4(p.xyz * $factor, p.w); }")
    >>> scale["factor"] = Variable("u_factor", 2.0)

A placeholder can be bound to a :class:`~glframe.shaders.Variable` (its GLSL
name is substituted and its declaration emitted), a
:class:`~glframe.shaders.Varying`, another Function (its code is linked in
once, with its own dependencies, and its name substituted), a call
``other(args)`` (a :class:`FunctionCall`), a :class:`FunctionChain`, or a raw
GLSL expression (a ``str``). A plain value (number, tuple, array, texture)
given to a placeholder creates a uniform Variable named after it, or updates
the Variable already bound there: assigning a value never changes the code.
Rebinding a placeholder to another object does change the code; that is
logged (logger ``glframe.shaders``) and programs recompile at their next draw.

Hooks are placeholders a snippet leaves open for code outside it: a main
function declares ``$post(color)`` and ``fn.add_hook("post", "vec4")`` binds
an empty FunctionChain there (the identity), to which anyone can append
functions: clipping, a colormap, a picking id.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from ._base import ShaderObject
from ._variable import Variable

__all__ = ["Function", "FunctionCall", "FunctionChain", "snippet_placeholders"]

log = logging.getLogger("glframe.shaders")

_PLACEHOLDER = re.compile(r"\$(\w+)")
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
# A function definition at statement level: return type, name, arguments, "{".
# A constant at statement level (renamed like functions, since snippets define
# lookup tables such as a colormap's control points).
_CONSTANT = re.compile(
    r"(?:^|(?<=[;}]))\s*const\s+(?:(?:highp|mediump|lowp)\s+)?\w+(?:\s*\[\d*\])?\s+(\w+)", re.M
)
_KEYWORDS = {"if", "else", "for", "while", "do", "switch", "return", "case", "default"}
_DEFINITION = re.compile(
    r"(?:^|(?<=[;}]))\s*(?:(?:highp|mediump|lowp)\s+)?(\w+)\s+(\w+)\s*\(([^)]*)\)\s*\{", re.M
)


def snippet_placeholders(code: str) -> list[str]:
    """The placeholder names in ``code``, in order of first appearance."""
    seen: dict[str, None] = {}
    for name in _PLACEHOLDER.findall(_COMMENTS.sub(" ", code)):
        seen.setdefault(name, None)
    return list(seen)


@functools.lru_cache(maxsize=1024)
def _parse(code: str) -> tuple[tuple[str, ...], str | None, str | None, tuple, tuple]:
    """(definitions, function name, return type, arguments, placeholders) of ``code``."""
    stripped = _COMMENTS.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), code)
    # "} else if (x) {" looks like a definition to the pattern: keywords are not names.
    sig = [
        m
        for m in _DEFINITION.finditer(stripped)
        if m.group(1) not in _KEYWORDS and m.group(2) not in _KEYWORDS
    ]
    functions = [m.group(2) for m in sig]
    # names defined at top level (functions and constants): each is renamed if
    # another snippet took it first
    definitions = (*_CONSTANT.findall(stripped), *functions)
    if not sig:
        return definitions, None, None, (), tuple(snippet_placeholders(code))
    last = sig[-1]
    args = tuple(a.strip() for a in last.group(3).split(",") if a.strip())
    return definitions, last.group(2), last.group(1), args, tuple(snippet_placeholders(code))


class Function(ShaderObject):
    """A GLSL snippet with ``$placeholders``.

    Parameters
    ----------
    code
        GLSL ES 3.00 code: function definitions (the last one is *the*
        function, the others its helpers), or a stage's source with ``main``.
    name
        A name for error messages, e.g. the ``.glsl`` file it came from.

    Examples
    --------
    A vertex stage whose transform is a placeholder; compiled by a
    :class:`~glframe.shaders.ModularProgram`, it becomes (abridged)::

        uniform vec2 u_scale;
        in vec2 a_position;
        vec4 scale(vec4 p) { return vec4(p.xy * u_scale, p.zw); }
        void main() { gl_Position = scale(vec4(a_position, 0.0, 1.0)); }

    >>> vert = Function("void main() { gl_Position = $transform(vec4($position, 0.0, 1.0)); }")
    >>> scale = Function("vec4 scale(vec4 p) { return vec4(p.xy * $s, p.zw); }")
    >>> scale["s"] = Variable("u_scale", (1.0, 1.0))
    >>> vert["transform"] = scale
    >>> vert["position"] = Variable("a_position", gtype="vec2", kind="attribute")
    """

    def __init__(self, code: str, name: str | None = None) -> None:
        super().__init__()
        if not isinstance(code, str):
            raise TypeError(f"Function code must be a str, not {type(code).__name__}")
        self.code = code
        self.definitions, self.name, self.return_type, args, placeholders = _parse(code)
        self.args = list(args)
        self.placeholders = list(placeholders)
        self.snippet_name = name or (f"function {self.name}" if self.name else "snippet")
        self._bindings: dict[str, Any] = {}
        self.hooks: dict[str, FunctionChain] = {}

    # ---- bindings ------------------------------------------------------------
    def __setitem__(self, key: str, value: Any) -> None:
        if key not in self.placeholders:
            raise KeyError(
                f"{self.snippet_name} has no placeholder ${key}; placeholders: "
                f"{', '.join('$' + p for p in self.placeholders) or 'none'}"
            )
        current = self._bindings.get(key)
        if not isinstance(value, (ShaderObject, str)):
            if isinstance(current, Variable):
                current.value = value  # a value: update the uniform, same code
                return
            value = Variable(f"u_{key}", value)
        if value is current:
            return
        if isinstance(current, ShaderObject):
            current._remove_parent(self)
        self._bindings[key] = value
        if isinstance(value, ShaderObject):
            value._add_parent(self)
        if current is not None:
            log.info("%s: $%s now binds %r (the program recompiles)", self.snippet_name, key, value)
        self._structure_changed()

    def __getitem__(self, key: str) -> Any:
        if key not in self.placeholders:
            raise KeyError(f"{self.snippet_name} has no placeholder ${key}")
        return self._bindings.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self._bindings

    @property
    def bindings(self) -> dict[str, Any]:
        return dict(self._bindings)

    def add_hook(self, key: str, gtype: str) -> FunctionChain:
        """Open the placeholder ``$key(x)`` as a hook: an identity chain on ``gtype``."""
        chain = FunctionChain(f"{self.name or 'hook'}_{key}", [], gtype=gtype)
        self[key] = chain
        self.hooks[key] = chain
        return chain

    def __call__(self, *args: Any) -> FunctionCall:
        """A call expression, ``fn(a, b)``, to bind to another placeholder."""
        return FunctionCall(self, args)

    def dependencies(self) -> list[ShaderObject]:
        return [
            v for k in self.placeholders if isinstance(v := self._bindings.get(k), ShaderObject)
        ]

    def __repr__(self) -> str:
        return f"<Function {self.snippet_name}>"


class FunctionCall(ShaderObject):
    """``function(args...)`` as an expression; arguments may be shader objects or strings."""

    def __init__(self, function: Function, args: tuple) -> None:
        super().__init__()
        if function.name is None:
            raise ValueError(f"{function.snippet_name} defines no function to call")
        self.function = function
        self.args = tuple(a if isinstance(a, (ShaderObject, str)) else _literal(a) for a in args)
        for obj in (function, *self.args):
            if isinstance(obj, ShaderObject):
                obj._add_parent(self)

    def dependencies(self) -> list[ShaderObject]:
        return [self.function, *(a for a in self.args if isinstance(a, ShaderObject))]

    def __repr__(self) -> str:
        return f"<FunctionCall {self.function.name}(...)>"


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(float(value)) if isinstance(value, float) else str(value)
    raise TypeError(f"call argument {value!r} must be a shader object, GLSL text or a number")


class FunctionChain(ShaderObject):
    """A function that applies ``functions`` in order: ``chain(x) = fn(...f2(f1(x)))``.

    The chain's GLSL is generated: its argument type is the first function's,
    its return type the last one's; an empty chain is the identity on
    ``gtype``. Changing the list changes the code (logged).

    Examples
    --------
    >>> chain = FunctionChain("transform", [scale, shift])   # doctest: +SKIP
    >>> vert["transform"] = chain                              # doctest: +SKIP
    """

    def __init__(
        self, name: str, functions: list[Function] | None = None, *, gtype: str | None = None
    ) -> None:
        super().__init__()
        self.name = name
        self.gtype = gtype
        self._functions: list[Function] = []
        for fn in functions or []:
            self.append(fn)
        if not self._functions and gtype is None:
            raise ValueError(f"FunctionChain {name!r}: an empty chain needs gtype=")

    @property
    def functions(self) -> list[Function]:
        return list(self._functions)

    def _check(self, fn: Function) -> None:
        if not isinstance(fn, (Function, FunctionChain)):
            raise TypeError(f"FunctionChain {self.name!r} takes Functions, not {fn!r}")
        if isinstance(fn, Function) and (fn.name is None or len(fn.args) != 1):
            raise ValueError(
                f"FunctionChain {self.name!r}: {fn.snippet_name} must define a function of one "
                f"argument (has {len(fn.args)})"
            )

    def append(self, fn: Function) -> None:
        self.insert(len(self._functions), fn)

    def insert(self, index: int, fn: Function) -> None:
        self._check(fn)
        self._functions.insert(index, fn)
        fn._add_parent(self)
        log.info("chain %s: %r inserted (programs recompile)", self.name, fn)
        self._structure_changed()

    def remove(self, fn: Function) -> None:
        self._functions.remove(fn)
        fn._remove_parent(self)
        log.info("chain %s: %r removed (programs recompile)", self.name, fn)
        self._structure_changed()

    def signature(self) -> tuple[str, str]:
        """(argument type, return type)."""
        if not self._functions:
            return self.gtype, self.gtype
        return _arg_type(self._functions[0]), _return_type(self._functions[-1])

    def dependencies(self) -> list[ShaderObject]:
        return list(self._functions)

    def __len__(self) -> int:
        return len(self._functions)

    def __repr__(self) -> str:
        return f"<FunctionChain {self.name} [{', '.join(repr(f) for f in self._functions)}]>"


def _arg_type(fn: Function | FunctionChain) -> str:
    if isinstance(fn, FunctionChain):
        return fn.signature()[0]
    words = fn.args[0].replace("in ", " ").split()
    return [w for w in words if w not in ("highp", "mediump", "lowp", "const")][0]


def _return_type(fn: Function | FunctionChain) -> str:
    return fn.signature()[1] if isinstance(fn, FunctionChain) else fn.return_type
