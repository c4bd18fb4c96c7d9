"""protocol.js's tables are generated from glframe.gloo.glir (tools/make_protocol_js.py).

The browser's interpreter and the Python side must agree on the commands,
object classes, dtypes, FUNC whitelist, draw modes and the values objects and
programs may name (formats, wrap modes, attachments, uniform and sampler
types, ...); the committed protocol.js must be what the tool writes, so a
table changed on one side only fails here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from glframe.gloo import glir

TOOLS = Path(__file__).resolve().parent.parent / "tools"


@pytest.fixture(scope="module")
def tool():
    sys.path.insert(0, str(TOOLS))
    try:
        import make_protocol_js
    finally:
        sys.path.remove(str(TOOLS))
    return make_protocol_js


def test_protocol_js_is_what_the_tool_generates(tool):
    committed = tool.PROTOCOL_JS.read_text(encoding="utf-8")
    assert tool.render(committed) == committed, (
        "glframe/backends/web/js/protocol.js differs from glframe/gloo/glir.py's tables: "
        "run python tools/make_protocol_js.py"
    )


def test_a_table_changed_in_python_changes_the_block(tool, monkeypatch):
    before = tool.generated_block()
    monkeypatch.setattr(glir, "DRAW_MODES", (*glir.DRAW_MODES, "patches"))
    monkeypatch.setattr(glir, "FUNCS", {**glir.FUNCS, "pointSize": "f"})
    after = tool.generated_block()
    assert '"patches"' in after and 'pointSize: "f"' in after and after != before


def test_every_dtype_has_a_webgl_type(tool):
    assert tool.js_dtype("float16") == (2, "Uint16Array", "HALF_FLOAT")
    assert tool.js_dtype("uint32") == (4, "Uint32Array", "UNSIGNED_INT")
    assert tool.js_dtype("int8") == (1, "Int8Array", "BYTE")
    for name in glir.DTYPES:
        tool.js_dtype(name)
    with pytest.raises(ValueError, match="float64"):
        tool.js_dtype("float64")


def test_the_block_is_marked(tool):
    text = tool.PROTOCOL_JS.read_text(encoding="utf-8")
    assert text.count(tool.BEGIN) == 1 and text.count(tool.END) == 1
    with pytest.raises(ValueError, match="BEGIN GENERATED"):
        tool.render(text.replace(tool.END, ""))


def test_desktop_draw_modes_come_from_gloo():
    from glframe.gloo import _program

    assert _program.MODES is glir.DRAW_MODES


def test_the_generated_tables_hold_glir_values(tool):
    """Node imports protocol.js: each generated table equals glir's (tuples as lists)."""
    import json
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    names = ["COMMANDS", "OBJECT_CLASSES", *(name for name, _ in tool.TABLES)]
    script = (
        f"const p = await import({json.dumps(tool.PROTOCOL_JS.as_uri())});"
        f"console.log(JSON.stringify(Object.fromEntries({json.dumps(names)}"
        ".map((n) => [n, p[n]]))));"
    )
    out = subprocess.run(
        [node, "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    tables = json.loads(out)
    for name in names:
        expected = [c.value for c in glir.Cmd] if name == "COMMANDS" else getattr(glir, name)
        assert tables[name] == json.loads(json.dumps(expected)), name


def test_tables_are_written_compactly(tool):
    """A table fills lines (one line where it fits), not one item a line as in glir.py."""
    assert tool.js_table("WRAPS", glir.WRAPS) == (
        'export const WRAPS = Object.freeze(["clamp_to_edge", "repeat", "mirrored_repeat"]);'
    )
    block = tool.generated_block()
    assert max(len(line) for line in block.splitlines()) <= tool.WIDTH
    assert '\n  "int",\n' not in block and "\n  r8: " in block
