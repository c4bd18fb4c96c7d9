"""Shader source adaptation and compile-error reports for the desktop interpreter.

Shaders arrive in GLSL ES 3.00. Desktop GL takes them as ``#version 330 core``
(which accepts the ES 3.00 subset, precision statements included); the version
line is replaced in place, or added before a ``#line 1`` directive, so that the
driver's line numbers are the author's. Compile errors quote those lines.

Before a source reaches the driver, :func:`check_source` bounds what a hostile
one could make the driver do (docs/glir.md section 6.1): its size, its
``#define`` count, the tokens its macros expand to, and how deep it nests
expressions and blocks. Compile time stays the driver's; these bound its input.
"""

from __future__ import annotations

import re

from ...gloo.glir import (
    MAX_MACRO_TOKENS,
    MAX_SHADER_BYTES,
    MAX_SHADER_DEFINES,
    MAX_SHADER_NESTING,
    ShaderError,
)

DESKTOP_HEADER = "#version 330 core"

_VERSION = re.compile(r"^\s*#\s*version\b.*$")
# Locations in driver logs: Mesa "0:12(5):", NVIDIA "0(12) :", ANGLE "ERROR: 0:12:";
# the first number is the source string (a snippet, see below), the second the line.
_LOG_LOCATION = re.compile(r"\b(\d+)[:(](\d+)[):(]")
_LINE_DIRECTIVE = re.compile(r"^\s*#\s*line\s+(\d+)(?:\s+(\d+))?\s*$")
_SNIPPET_LABEL = re.compile(r"^// --- snippet (\d+): (.*)$")


def adapt_for_desktop(source: str) -> str:
    """``source`` (GLSL ES 3.00, header optional) as desktop GLSL 3.30 core."""
    lines = source.split("\n")
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith("//"):
            continue
        if _VERSION.match(line):
            if stripped.replace("#", "", 1).split()[1:] != ["300", "es"]:
                raise ValueError(
                    f"shader declares {stripped!r}; glframe shaders are GLSL ES 3.00 "
                    "('#version 300 es' or no version line)"
                )
            lines[i] = DESKTOP_HEADER
            return "\n".join(lines)
        break
    return f"{DESKTOP_HEADER}\n#line 1\n{source}"


def _locate(source: str) -> tuple[list[str], dict[tuple[int, int], int], dict[int, str]]:
    """Lines, {(source string, line): index into lines}, {source string: snippet name}.

    Composed shaders (glframe.shaders) put each snippet after
    ``// --- snippet S: NAME`` and ``#line 1 S``, so that the driver reports
    errors as ``S:L`` in the snippet's own numbering.
    """
    lines = source.split("\n")
    where: dict[tuple[int, int], int] = {}
    names: dict[int, str] = {}
    string, number = 0, 1
    for i, line in enumerate(lines):
        label = _SNIPPET_LABEL.match(line)
        if label:
            names[int(label.group(1))] = label.group(2)
        directive = _LINE_DIRECTIVE.match(line)
        where.setdefault((string, number), i)
        if directive:
            number = int(directive.group(1))
            string = int(directive.group(2)) if directive.group(2) else string
        else:
            number += 1
    return lines, where, names


def quote_error(stage: str, source: str, log: str, context: int = 1) -> str:
    """A readable report: the driver's log, then each failing line with its neighbours.

    Lines of a composed shader are quoted as lines of their snippet, named.
    """
    lines, where, names = _locate(source)
    index_of = {i: key for key, i in where.items()}
    parts = [f"{stage} shader failed to compile:", log.strip()]
    seen = set()
    for m in _LOG_LOCATION.finditer(log):
        key = (int(m.group(1)), int(m.group(2)))
        if key in seen or key not in where:
            continue
        seen.add(key)
        string, number = key
        parts.append("")
        if string in names:
            parts.append(f"in snippet {names[string]!r}, line {number}:")
        first = where[key]
        width = len(str(number + context))
        for i in range(first - context, first + context + 1):
            loc = index_of.get(i)
            if loc is None or loc[0] != string or not 0 <= i < len(lines):
                continue
            mark = ">" if i == first else " "
            parts.append(f"{mark} {loc[1]:>{width}} | {lines[i]}")
    return "\n".join(parts)


# ---- input limits ------------------------------------------------------------------------
# A small model of the GLSL preprocessor and parser: enough to count what the driver will
# have to build, never to judge whether the shader is valid (the driver does that).

_CONTINUATION = re.compile(r"\\\r?\n")
_COMMENT = re.compile(r"//[^\n]*|/\*.*?(?:\*/|\Z)", re.S)
_DIRECTIVE = re.compile(r"\s*#\s*(\w*)(.*)", re.A | re.S)
_DEFINE = re.compile(r"\s*([A-Za-z_]\w*)(\([^)]*\))?(.*)", re.A | re.S)
_TOKEN = re.compile(
    r"[A-Za-z_]\w*"
    r"|(?:0[xX][0-9A-Fa-f]+|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)\w*"
    r"|<<=|>>=|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||\^\^|[-+*/%&|^]="
    r"|\S",
    re.A,  # identifiers and numbers are ASCII in GLSL, and in glir.js's copy of this
)
#: tokens that add a level to an expression tree (binary, unary, ternary, assignment)
_OPERATORS = frozenset(
    "+ - * / % < > = ! ~ & | ^ ? : << >> <= >= == != && || ^^ ++ -- += -= *= /= %= &= |= ^= "
    "<<= >>=".split()
)
_NO_HIDING: frozenset = frozenset()


class _Limit(Exception):
    """A limit was passed: the message, without the stage."""


class _Nesting:
    """How deep the expressions and blocks of a token stream nest (an estimate).

    An expression tree is as deep as the operators chained at one bracket level (a
    left-associative chain a + b + ... is a chain of nodes), plus what its brackets hold;
    commas, ``;`` and braces end a chain. Drivers compile such trees recursively: a
    20,000-term sum made Mesa overflow its stack (SIGSEGV) where 15,000 compiled.
    """

    def __init__(self) -> None:
        self.frames: list[tuple[int, int, int, int]] = []
        self.base = self.ops = self.child = self.best = 0
        self.blocks = 0

    def feed(self, tok: str, line: int) -> None:
        if tok in _OPERATORS:
            self.ops += 1
            self._check(self.base + self.ops + self.child, line)
        elif tok == "(" or tok == "[":
            self.frames.append((self.base, self.ops, self.child, self.best))
            self.base += self.ops + 1
            self.ops = self.child = self.best = 0
            self._check(self.base, line)
        elif tok == ")" or tok == "]":
            depth = max(self.best, self.ops + self.child) + 1
            if self.frames:
                self.base, self.ops, self.child, self.best = self.frames.pop()
            else:
                self.base = self.ops = self.child = self.best = 0
            self.child = max(self.child, depth)
            self._check(self.base + self.ops + self.child, line)
        elif tok == ",":
            self.best = max(self.best, self.ops + self.child)
            self.ops = self.child = 0
        elif tok == ";" or tok == "{" or tok == "}":
            self.frames.clear()
            self.base = self.ops = self.child = self.best = 0
            self.blocks += 1 if tok == "{" else -1 if tok == "}" else 0
            self._check(self.blocks, line, "blocks")

    @staticmethod
    def _check(depth: int, line: int, what: str = "an expression") -> None:
        if depth > MAX_SHADER_NESTING:
            fix = "functions" if what == "blocks" else "temporary variables"
            raise _Limit(
                f"line {line} nests {what} more than {MAX_SHADER_NESTING} levels deep "
                "(glir.MAX_SHADER_NESTING; deeper trees can overflow the driver's stack): "
                f"split it with {fix}"
            )


def _expand(tokens: list, macros: dict, budget: list, nesting: _Nesting) -> None:
    """Expand macros in ``tokens`` [(token, hide set, line)] into ``nesting``.

    Hide sets stop a macro from expanding inside its own expansion, as in C. Every
    token a macro produces is charged to ``budget`` [tokens left]; arguments are
    substituted unexpanded and expanded when rescanned, which never counts less.
    """
    stack = tokens[::-1]
    feed = nesting.feed
    origin = ""  # the macro the source names, for the message
    while stack:
        tok, hidden, line = stack.pop()
        macro = macros.get(tok)
        if macro is None or tok in hidden:
            feed(tok, line)
            continue
        if not hidden:
            origin = tok
        params, body = macro
        if params is None:
            produced = [(t, hidden | {tok}, line) for t in body]
        else:
            if not stack or stack[-1][0] != "(":
                feed(tok, line)  # a function-like macro's name without arguments
                continue
            stack.pop()
            args: list[list] = [[]]
            depth = 0
            closing = None
            while stack:
                item = stack.pop()
                t = item[0]
                if t == ")" and depth == 0:
                    closing = item
                    break
                if t == "," and depth == 0:
                    args.append([])
                    continue
                depth += (t == "(") - (t == ")")
                args[-1].append(item)
            if closing is None:  # unterminated: the driver reports it
                for arg in args:
                    for item in arg:
                        feed(item[0], item[2])
                continue
            hide = (hidden & closing[1]) | {tok}
            produced = []
            for t in body:
                index = params.get(t)
                if index is None:
                    produced.append((t, hide, line))
                elif index < len(args):
                    produced.extend(args[index])
        budget[0] -= len(produced) + 1
        if budget[0] < 0:
            raise _Limit(
                f"macro expansion produces more than {MAX_MACRO_TOKENS} tokens "
                f"(glir.MAX_MACRO_TOKENS), at line {line} in the expansion of {origin!r}"
            )
        stack.extend(reversed(produced))


def check_source(stage: str, source: str) -> None:
    """Refuse a shader source beyond the input limits, with a :class:`ShaderError`
    naming the stage, the limit and the numbers (docs/glir.md section 6.1)."""
    try:
        size = len(source.encode("utf-8", "surrogatepass"))
    except (AttributeError, UnicodeError):
        raise ShaderError(f"{stage} shader must be a str, not {type(source).__name__}") from None
    try:
        if size > MAX_SHADER_BYTES:
            raise _Limit(
                f"source is {size} bytes, more than {MAX_SHADER_BYTES} "
                "(glir.MAX_SHADER_BYTES): move large tables into a texture"
            )
        _check_tokens(source)
    except _Limit as exc:
        raise ShaderError(f"{stage} shader: {exc}") from None


def _check_tokens(source: str) -> None:
    # Continuations join lines and comments vanish before directives are seen, as in
    # GLSL; a block comment keeps its line breaks so line numbers stay the author's.
    text = _CONTINUATION.sub("", source)
    text = _COMMENT.sub(lambda m: "\n" * m.group().count("\n") or " ", text)
    macros: dict[str, tuple[dict | None, list[str]]] = {}
    budget = [MAX_MACRO_TOKENS]
    nesting = _Nesting()
    defines = 0
    pending: list = []  # text between directives (a macro call may span lines)

    def flush() -> None:
        if macros:
            _expand(pending, macros, budget, nesting)
        else:
            for tok, _, line in pending:
                nesting.feed(tok, line)
        pending.clear()

    for number, line in enumerate(text.split("\n"), 1):
        directive = _DIRECTIVE.match(line) if "#" in line else None
        if directive is None:
            pending.extend((t, _NO_HIDING, number) for t in _TOKEN.findall(line))
            continue
        flush()
        name, rest = directive.groups()
        if name == "define":
            defines += 1
            if defines > MAX_SHADER_DEFINES:
                raise _Limit(
                    f"line {number} is #define number {defines}, more than "
                    f"{MAX_SHADER_DEFINES} (glir.MAX_SHADER_DEFINES)"
                )
            parts = _DEFINE.match(rest)
            if parts is not None:
                macro, params, body = parts.groups()
                if params is not None:
                    names = [p.strip() for p in params[1:-1].split(",")]
                    params = {p: i for i, p in enumerate(names) if p}
                macros[macro] = (params, _TOKEN.findall(body))
        elif name == "undef":
            macros.pop(rest.strip(), None)
        elif name in ("if", "elif"):
            # The condition is expanded too (``defined`` names are not, a detail).
            pending.extend((t, _NO_HIDING, number) for t in _TOKEN.findall(rest))
            pending.append((";", _NO_HIDING, number))
            flush()
    flush()
