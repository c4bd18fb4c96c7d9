"""Shader source adaptation and compile-error reports for the desktop interpreter.

Shaders arrive in GLSL ES 3.00. Desktop GL takes them as ``#version 330 core``
(which accepts the ES 3.00 subset, precision statements included); the version
line is replaced in place, or added before a ``#line 1`` directive, so that the
driver's line numbers are the author's. Compile errors quote those lines.
"""

from __future__ import annotations

import re

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
