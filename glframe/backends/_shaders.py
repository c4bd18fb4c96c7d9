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
# Line numbers in driver logs: Mesa "0:12(5):", NVIDIA "0(12) :", AMD "ERROR: 0:12:".
_LOG_LINE = re.compile(r"\b\d+[:(](\d+)[):(]")


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


def quote_error(stage: str, source: str, log: str, context: int = 1) -> str:
    """A readable report: the driver's log, then each failing line with its neighbours."""
    lines = source.split("\n")
    wanted = sorted({int(m.group(1)) for m in _LOG_LINE.finditer(log)})
    parts = [f"{stage} shader failed to compile:", log.strip()]
    width = len(str(len(lines)))
    for n in wanted:
        if not 1 <= n <= len(lines):
            continue
        parts.append("")
        for k in range(max(1, n - context), min(len(lines), n + context) + 1):
            mark = ">" if k == n else " "
            parts.append(f"{mark} {k:>{width}} | {lines[k - 1]}")
    return "\n".join(parts)
