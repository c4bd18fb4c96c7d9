"""docs/glir.md and glframe.gloo.glir describe the same protocol.

The document is parsed, not grepped: the commands are the ``### NAME`` headings
of its "Commands" section, the version is its ``**Protocol version: N**`` line,
and the FUNC whitelist is the table of the FUNC section (name and argument
kinds). Each is compared with the code both ways, so a command, function,
dtype or class added to one side only fails here. The other value tables
(formats, wrap modes, uniform and sampler types, ...) are the runs of
backticked names just before a mention of their glir name, e.g.
``| `nearest`, `linear` (`glir.FILTERS`) |``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from glframe.gloo import glir

DOC = Path(__file__).resolve().parent.parent / "docs" / "glir.md"


def _text() -> str:
    return DOC.read_text(encoding="utf-8")


def _section(text: str, title: str, level: int = 2) -> str:
    """The body of heading ``title`` (``level`` #'s), up to the next heading of that level."""
    hashes = "#" * level
    pattern = rf"^{hashes} (?:\d+\.\s+)?{re.escape(title)}\s*$(.*?)(?=^{hashes} |\Z)"
    m = re.search(pattern, text, re.M | re.S)
    if m is None:
        raise AssertionError(f"docs/glir.md has no '{hashes} {title}' section")
    return m.group(1)


def documented_commands(text: str) -> set[str]:
    """Names of the ``### NAME`` headings in the "Commands" section."""
    body = _section(text, "Commands")
    return set(re.findall(r"^### `?([A-Z][A-Z_]*)`?\s*$", body, re.M))


def documented_version(text: str) -> int:
    found = re.findall(r"^\*\*Protocol version: (\d+)\*\*\s*$", text, re.M)
    if len(found) != 1:
        raise AssertionError(f"expected one '**Protocol version: N**' line, found {found}")
    return int(found[0])


def documented_funcs(text: str) -> dict[str, str]:
    """``{function: kinds}`` from the rows of the FUNC section's whitelist table."""
    body = _section(text, "FUNC", level=3)
    return dict(re.findall(r"^\| `(\w+)` \| `([fibem]+)` \|", body, re.M))


def test_documented_commands_are_the_command_set():
    documented = documented_commands(_text())
    code = {c.value for c in glir.Cmd}
    assert documented == code, (
        f"only in docs/glir.md: {sorted(documented - code)}; "
        f"only in glir.Cmd: {sorted(code - documented)}"
    )


def test_documented_version_is_glir_version():
    assert documented_version(_text()) == glir.GLIR_VERSION


def test_every_func_is_documented_with_its_argument_kinds():
    documented = documented_funcs(_text())
    assert set(documented) == set(glir.FUNCS), (
        f"only in docs/glir.md: {sorted(set(documented) - set(glir.FUNCS))}; "
        f"only in glir.FUNCS: {sorted(set(glir.FUNCS) - set(documented))}"
    )
    wrong = {n: (documented[n], k) for n, k in glir.FUNCS.items() if documented[n] != k}
    assert not wrong, f"argument kinds differ (doc, code): {wrong}"
    text = _text()
    for name in glir.FUNCS:
        assert f"`{name}`" in text


def test_dtypes_and_object_classes_are_documented():
    text = _text()
    rows = r"^\| `(\w+)` \| \d \| `[A-Z_]+` \|"
    dtypes = set(re.findall(rows, _section(text, "Data model"), re.M))
    assert dtypes == set(glir.DTYPES)
    classes = set(re.findall(r"^\| `(\w+)` \|", _section(text, "Object classes"), re.M))
    assert classes == set(glir.OBJECT_CLASSES)


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace("### DRAW\n", "### DRAWING\n"),  # renamed
        lambda t: t.replace("### READ_PIXELS\n", ""),  # missing
        lambda t: t.replace("## 6. Interpreter", "### EXTRA\n\n## 6. Interpreter"),  # added
    ],
)
def test_the_command_check_catches_a_drifted_document(edit):
    """The parser really reads the document: edited copies no longer match the code."""
    text = _text()
    edited = edit(text)
    assert edited != text
    assert documented_commands(edited) != {c.value for c in glir.Cmd}


def test_the_version_and_func_checks_catch_a_drifted_document():
    text = _text()
    bumped = re.sub(
        r"\*\*Protocol version: \d+\*\*", f"**Protocol version: {glir.GLIR_VERSION + 1}**", text
    )
    assert documented_version(bumped) != glir.GLIR_VERSION
    funcs = documented_funcs(text.replace("| `hint` | `ee` |", "| `hint` | `e` |"))
    assert funcs["hint"] != glir.FUNCS["hint"]
    assert "clearColor" not in documented_funcs(text.replace("| `clearColor` |", "| clearColor |"))


#: glir tables that docs/glir.md lists where it names them (`glir.NAME`)
LISTED_TABLES = (
    "TEXTURE_FORMATS",
    "ALLOC_DTYPES",
    "OTHER_INTERNAL_FORMATS",
    "RENDERBUFFER_FORMATS",
    "WRAPS",
    "FILTERS",
    "UNIFORM_TYPES",
    "SAMPLER_TYPES",
    "ATTACHMENTS",
    "CLEAR_MASKS",
    "READ_FORMATS",
    "READ_DTYPES",
)
_ITEM = r"`\w+`"
_SEP = r"(?:\s*,\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+|\s*[–…]\s*)"
_RANGE = re.compile(r"`(\w*?)(\d)`\s*[–…]\s*`\1(\d)`")


def documented_table(text: str, name: str) -> list[str]:
    """The backticked names listed right before the first `glir.NAME` in the document;
    ranges (`vec2`–`vec4`, `color0` … `color7`) are expanded."""
    run = re.search(rf"({_ITEM}(?:{_SEP}{_ITEM})*)\s*[(:]?\s*`glir\.{name}`", text)
    if run is None:
        raise AssertionError(f"docs/glir.md lists no values before `glir.{name}`")
    expand = lambda m: ", ".join(
        f"`{m.group(1)}{i}`" for i in range(int(m.group(2)), int(m.group(3)) + 1)
    )
    return re.findall(r"`(\w+)`", _RANGE.sub(expand, run.group(1)))


@pytest.mark.parametrize("name", LISTED_TABLES)
def test_the_value_tables_are_documented(name):
    documented = documented_table(_text(), name)
    code = list(getattr(glir, name))
    assert sorted(documented) == sorted(code), (
        f"glir.{name}: only in docs/glir.md: {sorted(set(documented) - set(code))}; "
        f"only in the code: {sorted(set(code) - set(documented))}"
    )


def test_the_table_check_catches_a_drifted_document():
    text = _text()
    assert documented_table(text, "UNIFORM_TYPES").count("vec3") == 1
    assert documented_table(text, "ATTACHMENTS")[:8] == [f"color{i}" for i in range(8)]
    edited = text.replace("`repeat` or `mirrored_repeat` (`glir.WRAPS`)", "`repeat` (`glir.WRAPS`)")
    assert sorted(documented_table(edited, "WRAPS")) != sorted(glir.WRAPS)
    with pytest.raises(AssertionError, match="glir.FILTERS"):
        documented_table(text.replace("(`glir.FILTERS`)", ""), "FILTERS")
