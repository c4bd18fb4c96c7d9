"""The desktop interpreter checks every command before GL runs it (issue 11).

A GLIR stream may come from a file or a peer. GL takes sizes on trust, so a
stream that lies about them crashes the process (texture data with fewer
channels than the format: GL reads past the array), hangs it (a DRAW of 2^31
instances, a shader whose macros double 40 times), or hands out heap memory
(READ_PIXELS beyond the framebuffer). Each case here is refused with a
GlirError that names the command, the object and the numbers, and the canvas
renders a correct frame afterwards.

The crash and hang cases run in a subprocess with a timeout, so that a
regression fails the test instead of killing or hanging the suite.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from glframe import gloo
from glframe.gloo import Cmd, GlirError, ShaderError, glir

ROOT = Path(__file__).resolve().parent.parent
BASE = 10**6  # ids of hostile objects, far from those gloo hands out

QUAD = np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]], np.float32)
VERT = "in vec2 a_position;\nvoid main() { gl_Position = vec4(a_position, 0.0, 1.0); }\n"
FRAG = (
    "precision highp float;\nuniform vec4 u_color;\nout vec4 f_color;\n"
    "void main() { f_color = u_color; }\n"
)
POINT = "void main() { gl_Position = vec4(0.5, 0.5, 0.0, 1.0); gl_PointSize = 1.0; }\n"
VERT2 = "in vec2 a;\nin float b;\nvoid main() { gl_Position = vec4(a, b, 1.0); }\n"
WHITE = "precision highp float;\nout vec4 f;\nvoid main() { f = vec4(1.0); }\n"

# A helper the subprocesses share: a canvas, hostile(commands) that replays a stream
# as it would arrive over a wire and prints what it raised, and renders() that draws
# a known frame through gloo afterwards.
PRELUDE = textwrap.dedent(
    """
    import numpy as np
    import glframe
    from glframe import gloo
    from glframe.gloo import Cmd, GlirError, glir

    canvas = glframe.Canvas(size=(32, 24))
    BASE = 10**6

    def hostile(commands):
        try:
            canvas.replay(glir.deserialize(*glir.serialize(commands)))
        except GlirError as exc:
            print("REFUSED", type(exc).__name__, str(exc).replace(chr(10), " "), flush=True)
        else:
            print("ACCEPTED", flush=True)

    def renders():
        program = gloo.Program(
            "in vec2 p; void main() { gl_Position = vec4(p * 0.5, 0.0, 1.0); }",
            "precision highp float; out vec4 f; void main() { f = vec4(1.0, 0.0, 0.0, 1.0); }",
        )
        program["p"] = np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]], np.float32)

        def draw(event):
            gloo.clear(color=(0.0, 0.0, 1.0, 1.0))
            program.draw("triangle_strip")

        canvas.events.draw.connect(draw)
        img = canvas.render()
        print("RENDERS", img[12, 16].tolist(), img[1, 1].tolist(), flush=True)
    """
)


def run_hostile(body: str, timeout: float = 90) -> str:
    """Run PRELUDE + ``body`` in a fresh interpreter; its output, which must say it
    rendered a correct frame after the hostile stream (exit status 0, in time)."""
    script = PRELUDE + textwrap.dedent(body) + "\nrenders()\n"
    try:
        proc = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"the hostile stream hung the interpreter ({timeout} s)") from exc
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"exit status {proc.returncode} (negative: a signal):\n{out}"
    assert "RENDERS [255, 0, 0, 255] [0, 0, 255, 255]" in out, out
    return out


def refusals(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(("REFUSED", "ACCEPTED"))]


def execute(canvas, commands):
    """Run ``commands`` in the canvas's interpreter itself (no replay layer between)."""
    canvas._surface.make_current()
    return canvas.interpreter.execute(commands)


def refused(canvas, commands, match: str, error=GlirError) -> str:
    with pytest.raises(error, match=match) as info:
        execute(canvas, commands)
    return str(info.value)


def frame_ok(canvas) -> None:
    """The interpreter is still usable: a gloo frame renders exactly."""
    program = gloo.Program(VERT, FRAG)
    program["a_position"] = QUAD * 0.5
    program["u_color"] = (1.0, 0.0, 0.0, 1.0)
    canvas.events.draw.disconnect()

    def draw(event):
        gloo.clear(color=(0.0, 0.0, 1.0, 1.0))
        program.draw("triangle_strip")

    canvas.events.draw.connect(draw)
    img = canvas.render()
    h, w = img.shape[:2]
    assert img[h // 2, w // 2].tolist() == [255, 0, 0, 255]
    assert img[1, 1].tolist() == [0, 0, 255, 255]


# ---- 1. texture DATA: the array's bytes are what GL reads ------------------------------


def test_texture_data_with_fewer_channels_than_the_format_is_refused_not_read(make_canvas):
    """4096^2 rgba32f with a uint8 (4096, 4096) array killed the process (SIGSEGV), and
    256^3 in 3D; now both are refused, and the canvas renders afterwards."""
    make_canvas  # noqa: B018 - skips without GL
    out = run_hostile(
        """
        hostile([
            (Cmd.CREATE, BASE, "Texture2D"),
            (Cmd.SIZE, BASE, (4096, 4096), "rgba", "rgba32f"),
            (Cmd.DATA, BASE, (0, 0), np.zeros((4096, 4096), np.uint8)),
        ])
        hostile([
            (Cmd.CREATE, BASE + 1, "Texture3D"),
            (Cmd.SIZE, BASE + 1, (256, 256, 256), "rgba", "rgba32f"),
            (Cmd.DATA, BASE + 1, (0, 0, 0), np.zeros((256, 256, 256), np.uint8)),
        ])
        hostile([
            (Cmd.CREATE, BASE + 2, "Texture2D"),
            (Cmd.SIZE, BASE + 2, (4096, 4096), "rgba", "rgba8"),
            (Cmd.DATA, BASE + 2, (0, 0), np.zeros((4096, 4096), np.uint8)),
        ])
        """
    )
    lines = refusals(out)
    assert len(lines) == 3, out
    assert "DATA" in lines[0] and "rgba32f texture takes float32 data, not uint8" in lines[0]
    assert "DATA" in lines[1] and "rgba32f texture takes float32 data, not uint8" in lines[1]
    assert "array of shape (4096, 4096) has 1 channel(s) (16777216 bytes)" in lines[2]
    assert "the texture's format rgba has 4 (67108864 bytes of uint8)" in lines[2]
    assert "send shape (4096, 4096, 4)" in lines[2]


def test_small_texture_data_cannot_copy_heap_memory_into_the_texture(canvas):
    """At small sizes GL silently read past the array (heap bytes into the texture)."""
    t = BASE
    execute(canvas, [(Cmd.CREATE, t, "Texture2D"), (Cmd.SIZE, t, (4, 4), "rgba", "rgba8")])
    message = refused(canvas, [(Cmd.DATA, t, (0, 0), np.zeros((4, 4), np.uint8))], "has 1 channel")
    assert message.startswith(f"DATA {t}: array of shape (4, 4) has 1 channel(s) (16 bytes)")
    assert "rgba has 4 (64 bytes of uint8): send shape (4, 4, 4)" in message
    # a dtype the format does not take: GL would read 4 bytes per channel from 1
    refused(canvas, [(Cmd.DATA, t, (0, 0), np.zeros((4, 4, 4), np.float32))],
            "rgba8 texture takes uint8 data, not float32")  # fmt: skip
    # a view GL would read as one block: the bytes after it, not the view
    view = np.zeros((4, 8, 4), np.uint8)[:, ::2]
    refused(canvas, [(Cmd.DATA, t, (0, 0), view)], "not C-contiguous.*ascontiguousarray")
    big_endian = np.zeros((4, 4, 4), np.uint8).view(">u1")  # uint8: order-free, fine
    execute(canvas, [(Cmd.DATA, t, (0, 0), big_endian)])
    # 1D and 3D use the same rule
    execute(
        canvas,
        [
            (Cmd.CREATE, t + 1, "Texture1D"),
            (Cmd.SIZE, t + 1, (8,), "rg", "rg16f"),
            (Cmd.CREATE, t + 2, "Texture3D"),
            (Cmd.SIZE, t + 2, (2, 2, 2), "red", "r32f"),
            (Cmd.DATA, t + 1, (0,), np.zeros((8, 2), np.float16)),  # 16f takes both
            (Cmd.DATA, t + 1, (0,), np.zeros((8, 2), np.float32)),
            (Cmd.DATA, t + 2, (0, 0, 0), np.zeros((2, 2, 2), np.float32)),
        ],
    )
    refused(canvas, [(Cmd.DATA, t + 1, (0,), np.zeros((8, 3), np.float32))], "has 3 channel")
    refused(canvas, [(Cmd.DATA, t + 2, (0, 0, 0), np.zeros((2, 2, 2), np.int32))],
            "r32f texture takes float32 data, not int32")  # fmt: skip
    refused(canvas, [(Cmd.DATA, t + 2, (0, 0), np.zeros((2, 2, 2), np.float32))],
            r"needs an offset of 3 values and an array of 3 or 4 dimensions")  # fmt: skip
    refused(canvas, [(Cmd.DATA, t + 2, (1, 0, 0), np.zeros((2, 2, 2), np.float32))],
            r"region \(2, 2, 2\) at \(1, 0, 0\) is outside the texture \(2, 2, 2\)")  # fmt: skip
    frame_ok(canvas)


def test_texture_data_of_a_depth_stencil_texture_is_refused(canvas):
    t = BASE
    execute(
        canvas,
        [(Cmd.CREATE, t, "Texture2D"), (Cmd.SIZE, t, (4, 4), "depth_stencil", "depth24_stencil8")],
    )
    refused(
        canvas,
        [(Cmd.DATA, t, (0, 0), np.zeros((4, 4), np.uint32))],
        r"depth24_stencil8 texture takes no data, not uint32 \(GLIR version 1 has no dtype",
    )


def test_buffer_data_must_be_a_contiguous_array_within_the_size(canvas):
    b = BASE
    execute(canvas, [(Cmd.CREATE, b, "VertexBuffer"), (Cmd.SIZE, b, 16)])
    refused(canvas, [(Cmd.DATA, b, 8, np.zeros(3, np.float32))], "bytes 8..20 are outside")
    refused(canvas, [(Cmd.DATA, b, -4, np.zeros(1, np.float32))], r"offset -4 is outside 0\.\.")
    refused(canvas, [(Cmd.DATA, b, 0, np.zeros(8, np.float32)[::2])], "not C-contiguous")
    refused(canvas, [(Cmd.DATA, b, 0, [1.0, 2.0])], "buffer DATA needs an array, not list")
    refused(canvas, [(Cmd.DATA, b, 0, np.zeros(2, np.float64))], "float64 cannot travel")
    refused(canvas, [(Cmd.DATA, b, 0, np.zeros(2, ">f4"))], "big-endian")
    execute(canvas, [(Cmd.DATA, b, 0, np.zeros(4, np.float32))])


# ---- 2. DRAW: counts within the bound buffers, and a bound on the work ------------------


def test_a_draw_of_two_billion_instances_is_refused_not_run(make_canvas):
    """DRAW of 2^31-1 instances never returned; now it is refused at once."""
    make_canvas  # noqa: B018 - skips without GL
    start = time.perf_counter()
    out = run_hostile(
        f"""
        hostile([
            (Cmd.CREATE, BASE, "Program"),
            (Cmd.SHADERS, BASE, {POINT!r}, {WHITE!r}),
            (Cmd.DRAW, BASE, "points", (0, 3), 2**31 - 1),
        ])
        """,
        timeout=60,
    )
    (line,) = refusals(out)
    assert "DRAW" in line
    assert "3 vertices x 2147483647 instances is 6442450941, more than one DRAW may process" in line
    assert f"{glir.MAX_DRAW_VERTICES} (glir.MAX_DRAW_VERTICES)" in line
    assert time.perf_counter() - start < 60


def _program_with_buffers(canvas, p=BASE):
    """A program reading ``a`` (vec2, 3 vertices) from buffer p+1; ``b`` constant."""
    execute(
        canvas,
        [
            (Cmd.CREATE, p, "Program"),
            (Cmd.SHADERS, p, VERT2, WHITE),
            (Cmd.CREATE, p + 1, "VertexBuffer"),
            (Cmd.SIZE, p + 1, 24),
            (Cmd.DATA, p + 1, 0, np.zeros((3, 2), np.float32)),
            (Cmd.ATTRIBUTE, p, "a", "vec2", p + 1, "float32", 2, 8, 0, 0, False),
            (Cmd.ATTRIBUTE_VALUE, p, "b", "float", (0.0,)),
        ],
    )
    return p


def test_a_draw_reads_no_vertex_beyond_its_buffers(canvas):
    p = _program_with_buffers(canvas)
    execute(canvas, [(Cmd.DRAW, p, "triangles", (0, 3), 1)])
    message = refused(canvas, [(Cmd.DRAW, p, "triangles", (0, 4), 1)], "read past the end")
    assert message == (
        f"DRAW {p}: vertices 0..4 read past the end: attribute 'a' has 3 in buffer {p + 1} "
        "(24 bytes)"
    )
    refused(canvas, [(Cmd.DRAW, p, "points", (3, 1), 1)], r"vertices 3\.\.4 read past the end")
    # an offset and a stride shrink what the buffer holds: (24 - 8 - 8) // 12 + 1 = 1
    execute(canvas, [(Cmd.ATTRIBUTE, p, "a", "vec2", p + 1, "float32", 2, 12, 8, 0, False)])
    execute(canvas, [(Cmd.DRAW, p, "points", (0, 1), 1)])
    refused(canvas, [(Cmd.DRAW, p, "points", (0, 2), 1)], "attribute 'a' has 1 in buffer")
    # a buffer made smaller after ATTRIBUTE counts with its new size
    execute(canvas, [(Cmd.ATTRIBUTE, p, "a", "vec2", p + 1, "float32", 2, 8, 0, 0, False)])
    execute(canvas, [(Cmd.SIZE, p + 1, 8)])
    refused(canvas, [(Cmd.DRAW, p, "triangles", (0, 3), 1)], "attribute 'a' has 1 in buffer")
    # a draw's checks are remembered only while the buffers it reads keep their size
    execute(canvas, [(Cmd.SIZE, p + 1, 24), (Cmd.DRAW, p, "triangles", (0, 3), 1)])
    execute(canvas, [(Cmd.DRAW, p, "triangles", (0, 3), 1), (Cmd.SIZE, p + 1, 8)])
    refused(canvas, [(Cmd.DRAW, p, "triangles", (0, 3), 1)], "attribute 'a' has 1 in buffer")
    # an empty draw reads nothing; constant attributes hold any number of vertices
    execute(canvas, [(Cmd.DRAW, p, "triangles", (5, 0), 1)])
    execute(canvas, [(Cmd.ATTRIBUTE_VALUE, p, "a", "vec2", (0.0, 0.0))])
    execute(canvas, [(Cmd.DRAW, p, "points", (0, 100_000), 1)])
    frame_ok(canvas)


def test_instances_are_checked_against_per_instance_buffers(canvas):
    p = _program_with_buffers(canvas)
    execute(
        canvas,
        [
            (Cmd.CREATE, p + 2, "VertexBuffer"),
            (Cmd.SIZE, p + 2, 12),  # 3 floats: 3 instances, or 6 with divisor 2
            (Cmd.ATTRIBUTE, p, "b", "float", p + 2, "float32", 1, 4, 0, 1, False),
            (Cmd.DRAW, p, "triangles", (0, 3), 3),
        ],
    )
    message = refused(canvas, [(Cmd.DRAW, p, "triangles", (0, 3), 4)], "instances")
    assert message == (
        f"DRAW {p}: 4 instances with divisor 1 read 4 rows: attribute 'b' has 3 in buffer "
        f"{p + 2} (12 bytes)"
    )
    execute(canvas, [(Cmd.ATTRIBUTE, p, "b", "float", p + 2, "float32", 1, 4, 0, 2, False)])
    execute(canvas, [(Cmd.DRAW, p, "triangles", (0, 3), 6)])
    refused(canvas, [(Cmd.DRAW, p, "triangles", (0, 3), 7)], "7 instances with divisor 2 read 4")
    refused(canvas, [(Cmd.DRAW, p, "triangles", (0, 3), 0)], r"instances 0 is outside 1\.\.")


def test_indexed_draws_check_the_index_range_and_the_largest_index(canvas):
    p = _program_with_buffers(canvas)
    i = p + 3
    execute(
        canvas,
        [
            (Cmd.CREATE, i, "IndexBuffer"),
            (Cmd.SIZE, i, 8),  # 4 uint16 indices, zeros until written
            (Cmd.DATA, i, 0, np.array([0, 1, 2], np.uint16)),
            (Cmd.DRAW, p, "triangles", (i, "uint16", 3, 0), 1),
            (Cmd.DRAW, p, "points", (i, "uint16", 1, 3), 1),  # index 3 holds 0
        ],
    )
    message = refused(canvas, [(Cmd.DRAW, p, "points", (i, "uint16", 3, 2), 1)], "indices")
    assert message == (
        f"DRAW {p}: indices 2..5 are outside index buffer {i}'s 4 uint16 indices (8 bytes)"
    )
    refused(canvas, [(Cmd.DRAW, p, "points", (i, "uint32", 3, 0), 1)], "2 uint32 indices")
    # the largest index must name a vertex the buffers hold (WebGL2's rule)
    execute(canvas, [(Cmd.DATA, i, 2, np.array([3], np.uint16))])
    message = refused(canvas, [(Cmd.DRAW, p, "triangles", (i, "uint16", 3, 0), 1)], "index 3")
    assert message == (
        f"DRAW {p}: index 3 read past the end: attribute 'a' has 3 in buffer {p + 1} (24 bytes)"
    )
    execute(canvas, [(Cmd.DRAW, p, "points", (i, "uint16", 1, 0), 1)])  # index 0 only
    execute(canvas, [(Cmd.DATA, i, 2, np.array([1], np.uint16))])  # rewritten: fine again
    execute(canvas, [(Cmd.DRAW, p, "triangles", (i, "uint16", 3, 0), 1)])
    # an index buffer is read as indices only, and indices only from one
    refused(canvas, [(Cmd.DRAW, p, "points", (p + 1, "uint16", 1, 0), 1)], "is a VertexBuffer")
    refused(canvas, [(Cmd.ATTRIBUTE, p, "a", "vec2", i, "float32", 2, 8, 0, 0, False)],
            "is an IndexBuffer; attributes read VertexBuffers")  # fmt: skip
    refused(canvas, [(Cmd.DRAW, p, "points", (i, "float32", 1, 0), 1)], "index dtype 'float32'")
    frame_ok(canvas)


def test_draw_vertices_times_instances_is_bounded(canvas, monkeypatch):
    execute(canvas, [(Cmd.CREATE, BASE, "Program"), (Cmd.SHADERS, BASE, POINT, WHITE)])
    execute(canvas, [(Cmd.DRAW, BASE, "points", (0, 10), 1)])  # (a draw's checks are
    # remembered until what they read changes: the refused draw below differs)
    monkeypatch.setattr("glframe.backends.gl._glprogram.MAX_DRAW_VERTICES", 99)
    refused(canvas, [(Cmd.DRAW, BASE, "points", (0, 10), 10)],
            r"10 vertices x 10 instances is 100, more than one DRAW may process, 99")  # fmt: skip
    refused(canvas, [(Cmd.DRAW, BASE, "points", (2**31 - 1, 1), 1)], r"count 1 is outside 0\.\.0")


# ---- 3. shader sources: size, definitions, expansion, nesting --------------------------

DOUBLING = "#define A0 1.0\n" + "".join(
    f"#define A{i} (A{i - 1} + A{i - 1})\n" for i in range(1, 41)
)


def test_shaders_that_would_hang_or_crash_the_compiler_are_refused(make_canvas):
    """40 doubling #defines never finished compiling; 10 MB of const declarations took
    more than 45 s; a 20,000-term product crashed Mesa's compiler (stack overflow)."""
    make_canvas  # noqa: B018 - skips without GL
    doubling = f"precision highp float;\nout vec4 f;\n{DOUBLING}void main() {{ f = vec4(A40); }}\n"
    consts = "precision highp float;\n" + "".join(
        f"const float c{i} = {i}.0;\n" for i in range(400_000)
    )
    start = time.perf_counter()
    out = run_hostile(
        f"""
        consts = "precision highp float;\\n" + "".join(
            f"const float c{{i}} = {{i}}.0;\\n" for i in range(400_000)
        )
        product = "out vec4 f;\\nuniform float u;\\nvoid main() {{ f = vec4("
        product += "*".join(["u"] * 20_000) + "); }}\\n"
        for i, frag in enumerate([{doubling!r}, consts, product]):
            hostile([(Cmd.CREATE, BASE + i, "Program"), (Cmd.SHADERS, BASE + i, {VERT!r}, frag)])
        """,
        timeout=90,
    )
    lines = refusals(out)
    assert len(lines) == 3, out
    assert all(line.startswith("REFUSED ShaderError") for line in lines), lines
    assert "more than 262144 tokens (glir.MAX_MACRO_TOKENS), at line 44" in lines[0]
    assert "in the expansion of 'A40'" in lines[0]
    assert f"fragment shader: source is {len(consts)} bytes, more than 262144" in lines[1]
    assert "(glir.MAX_SHADER_BYTES)" in lines[1]
    assert "line 3 nests an expression more than 1024 levels deep" in lines[2]
    assert time.perf_counter() - start < 90


def test_shader_limits_say_which_limit_and_the_numbers(canvas):
    p = BASE
    execute(canvas, [(Cmd.CREATE, p, "Program")])
    many = "".join(f"#define D{i} {i}\n" for i in range(glir.MAX_SHADER_DEFINES + 1))
    message = refused(canvas, [(Cmd.SHADERS, p, VERT, many + FRAG)], "#define", ShaderError)
    assert message == (
        f"SHADERS {p}: fragment shader: line 1025 is #define number 1025, more than 1024 "
        "(glir.MAX_SHADER_DEFINES)"
    )
    nested = "void main() { gl_Position = vec4(" + "(" * 1100 + "1.0" + ")" * 1100 + "); }"
    message = refused(canvas, [(Cmd.SHADERS, p, nested, FRAG)], "vertex shader", ShaderError)
    assert "line 1 nests an expression more than 1024 levels deep" in message
    assert "split it with temporary variables" in message
    blocks = "void main() {" + "{" * 1100 + "}" * 1100 + " gl_Position = vec4(0.0); }"
    refused(canvas, [(Cmd.SHADERS, p, blocks, FRAG)], "nests blocks .* with functions", ShaderError)
    # macros taking arguments expand as the preprocessor would: F(F(...)) doubles too
    body = "void main() { gl_Position = vec4(" + "F(" * 30 + "1.0" + ")" * 30 + "); }"
    calls = "#define F(x) x x\n" + body
    refused(canvas, [(Cmd.SHADERS, p, calls, FRAG)], "in the expansion of 'F'", ShaderError)
    indirect = "#define F(x) x x\n#define G F\n" + body.replace("F(", "G(")
    refused(canvas, [(Cmd.SHADERS, p, indirect, FRAG)], "MAX_MACRO_TOKENS", ShaderError)
    # the program keeps working shaders after refusals
    execute(canvas, [(Cmd.SHADERS, p, VERT, FRAG)])
    frame_ok(canvas)


def test_shaders_people_write_pass_the_limits_quickly():
    """The limits are far above what glframe makes (its largest composed shader, the
    volume visual's, is under 7 kB with no #define) and what people write by hand:
    tables, macros, long functions. Checking one takes milliseconds."""
    from glframe.backends.gl._shaders import check_source

    table = ", ".join(f"{(-1) ** i * i / 7:.4f}" for i in range(18_000))
    code = [
        "#version 300 es",
        "precision highp float;",
        "#define PI 3.14159265",
        "#define SQ(x) ((x) * (x))",
        "#define MIX3(a, b, c, t) mix(mix(a, b, t), mix(b, c, t), t)",
        *(f"#define K{i} (PI * {i}.0)" for i in range(500)),
        f"const float TABLE[18000] = float[]({table});",
        "uniform float u; out vec4 f;",
        "/* a block comment\n over lines */",
        "float poly(float x) { return " + " + ".join(f"{i}.0 * SQ(x)" for i in range(200)) + "; }",
        "void main() {",
        *(f"  float v{i} = MIX3(K{i}, SQ(u), TABLE[{i}], 0.5); // line {i}" for i in range(500)),
        "  f = vec4(poly(v1), v2, v3, 1.0);",
        "}",
    ]
    source = "\n".join(code)
    assert 200_000 < len(source) < glir.MAX_SHADER_BYTES
    start = time.perf_counter()
    check_source("fragment", source)
    assert time.perf_counter() - start < 2.0
    snippets = sorted((ROOT / "glframe").rglob("*.glsl"))
    assert len(snippets) > 10
    for path in snippets:
        check_source("vertex", path.read_text())


# ---- 4. sizes: integers within the context's limits and the byte limits -----------------


def test_sizes_are_integers_within_the_contexts_limits(canvas):
    interp = canvas.interpreter
    b, t, r = BASE, BASE + 1, BASE + 2
    execute(
        canvas,
        [(Cmd.CREATE, b, "VertexBuffer"), (Cmd.CREATE, t, "Texture2D"),
         (Cmd.CREATE, r, "RenderBuffer"), (Cmd.CREATE, t + 10, "Texture3D")],
    )  # fmt: skip
    # 2^64 wrapped to 0 in ctypes and was accepted
    message = refused(canvas, [(Cmd.SIZE, b, 2**64)], "more than one object may hold")
    assert message == (
        f"SIZE {b}: a VertexBuffer of 18446744073709551616 bytes is more than one object may "
        f"hold, {2**32} bytes (glir.MAX_OBJECT_BYTES)"
    )
    refused(canvas, [(Cmd.SIZE, b, -1)], r"buffer size must be an integer >= 0, not -1")
    refused(canvas, [(Cmd.SIZE, b, 8.0)], r"buffer size must be an integer >= 0, not 8\.0")
    refused(canvas, [(Cmd.SIZE, b, True)], r"buffer size must be an integer >= 0, not True")
    refused(canvas, [(Cmd.SIZE, t, (-4, 4), "rgba", "rgba8")], r"needs a shape of 2 values")
    refused(canvas, [(Cmd.SIZE, t, (4.0, 4), "rgba", "rgba8")], "list of integers, not")
    refused(canvas, [(Cmd.SIZE, t, (4, 2**64), "rgba", "rgba8")], "GL_MAX_TEXTURE_SIZE")
    big = interp.max_texture_size + 1
    message = refused(canvas, [(Cmd.SIZE, t, (1, big), "rgba", "rgba8")], "GL_MAX_TEXTURE_SIZE")
    assert message == (
        f"SIZE {t}: Texture2D shape (1, {big}): {big} is more than this context's "
        f"GL_MAX_TEXTURE_SIZE, {big - 1}"
    )
    big3 = interp.max_3d_texture_size + 1
    refused(canvas, [(Cmd.SIZE, t + 10, (big3, 1, 1), "red", "r8")], "GL_MAX_3D_TEXTURE_SIZE")
    bigr = interp.max_renderbuffer_size + 1
    refused(canvas, [(Cmd.SIZE, r, (bigr, 4), "rgba8")], "GL_MAX_RENDERBUFFER_SIZE")
    refused(canvas, [(Cmd.SIZE, r, (4, 4), "rgba9")], "unknown render buffer format 'rgba9'")
    refused(canvas, [(Cmd.SIZE, t, (4, 4), "rgb", "rgba8")],
            "internal format 'rgba8' goes with format 'rgba', not 'rgb'")  # fmt: skip
    frame_ok(canvas)


def test_one_object_holds_at_most_the_object_byte_limit(canvas, monkeypatch):
    monkeypatch.setattr("glframe.backends.gl._interpreter.MAX_OBJECT_BYTES", 1000)
    t, r = BASE, BASE + 1
    execute(canvas, [(Cmd.CREATE, t, "Texture3D"), (Cmd.CREATE, r, "RenderBuffer")])
    execute(canvas, [(Cmd.SIZE, t, (10, 10, 10), "red", "r8")])  # 1000 bytes
    message = refused(canvas, [(Cmd.SIZE, t, (6, 5, 5), "rgba", "rgba16f")], "MAX_OBJECT_BYTES")
    assert message == (
        f"SIZE {t}: a (6, 5, 5) rgba16f Texture3D is more than one object may hold, "
        "1000 bytes (glir.MAX_OBJECT_BYTES)"
    )
    refused(canvas, [(Cmd.SIZE, r, (16, 16), "rgba8")], r"a \(16, 16\) rgba8 RenderBuffer is more")


def test_all_objects_together_hold_at_most_the_total_byte_limit(canvas, monkeypatch):
    monkeypatch.setattr("glframe.backends.gl._interpreter.MAX_TOTAL_BYTES", 1000)
    interp = canvas.interpreter
    base = interp.held_bytes
    ids = [BASE + i for i in range(3)]
    execute(canvas, [(Cmd.CREATE, i, "VertexBuffer") for i in ids])
    room = 1000 - base
    execute(canvas, [(Cmd.SIZE, ids[0], room - 100)])
    message = refused(canvas, [(Cmd.SIZE, ids[1], 101)], "MAX_TOTAL_BYTES")
    assert message == (
        f"SIZE {ids[1]}: a VertexBuffer of 101 bytes would bring all objects to 1001 bytes, "
        "more than 1000 (glir.MAX_TOTAL_BYTES): delete objects first"
    )
    execute(canvas, [(Cmd.SIZE, ids[1], 100)])  # exactly the limit
    execute(canvas, [(Cmd.SIZE, ids[0], 0)])  # resizing gives the old storage back
    execute(canvas, [(Cmd.DELETE, ids[1]), (Cmd.SIZE, ids[2], room)])  # so does DELETE
    assert interp.held_bytes == 1000


# ---- 5. READ_PIXELS within the framebuffer ------------------------------------------------


def test_read_pixels_beyond_the_framebuffer_is_refused(canvas):
    """GL leaves the part outside undefined: the reply held uninitialised memory."""
    w, h = canvas.size
    execute(canvas, [(Cmd.READ_PIXELS, BASE, (0, 0, w, h), "rgba", "uint8")])
    message = refused(canvas, [(Cmd.READ_PIXELS, BASE, (0, 0, w + 1, h), "rgba", "uint8")],
                      "outside")  # fmt: skip
    assert message == (
        f"READ_PIXELS {BASE}: READ_PIXELS viewport (0, 0, {w + 1}, {h}) reaches outside the "
        f"{w}x{h} framebuffer (x 0..{w + 1}, y 0..{h})"
    )
    refused(canvas, [(Cmd.READ_PIXELS, BASE, (-1, 0, 2, 2), "rgba", "uint8")], "outside")
    refused(canvas, [(Cmd.READ_PIXELS, BASE, (0, h - 1, 1, 2), "rgba", "uint8")], "outside")
    # a frame buffer object: its color0's size
    fb, tex = BASE + 1, BASE + 2
    setup = [
        (Cmd.CREATE, fb, "FrameBuffer"),
        (Cmd.CREATE, tex, "Texture2D"),
        (Cmd.SIZE, tex, (6, 10), "rgba", "rgba8"),
        (Cmd.ATTACH, fb, "color0", tex),
    ]
    execute(canvas, setup)
    replies = execute(
        canvas,
        [
            (Cmd.FRAMEBUFFER, fb, True),
            (Cmd.READ_PIXELS, BASE + 3, (0, 0, 10, 6), "rgba", "uint8"),
            (Cmd.FRAMEBUFFER, fb, False),
        ],
    )
    assert replies[BASE + 3].shape == (6, 10, 4)
    with pytest.raises(GlirError, match=r"outside the 10x6 framebuffer"):
        execute(
            canvas,
            [
                (Cmd.FRAMEBUFFER, fb, True),
                (Cmd.READ_PIXELS, BASE + 3, (0, 0, 10, 7), "rgba", "uint8"),
                (Cmd.FRAMEBUFFER, fb, False),
            ],
        )
    frame_ok(canvas)


def test_ids_are_positive_integers(canvas):
    refused(canvas, [(Cmd.CREATE, "7", "VertexBuffer")], "object ids are integers > 0, not '7'")
    refused(canvas, [(Cmd.CREATE, 0, "VertexBuffer")], "object ids are integers > 0, not 0")


# ---- the documented numbers are the code's --------------------------------------------------


def test_docs_list_the_limits_with_the_codes_numbers():
    text = (ROOT / "docs" / "glir.md").read_text()
    section = text.split("### 6.1")[1].split("\n## ")[0]
    rows = dict(re.findall(r"^\| `glir\.(MAX_\w+)` \| ([\d ]+)", section, re.M))
    names = [n for n in glir.__all__ if n.startswith("MAX_")]
    assert sorted(rows) == sorted(names)
    for name, value in rows.items():
        assert int(value.replace(" ", "")) == getattr(glir, name), name


# ---- glir.js: the same checks, in the same words ---------------------------------------

_NODE_RUNNER = """
import { readFileSync } from "node:fs";
import { GlirInterpreter, decodeJSON } from "%(js)s/glir.js";
import { fakeGL } from "%(js)s/test/fake_gl.mjs";
const job = JSON.parse(readFileSync(process.argv[1], "utf8"));
const out = job.streams.map((text) => {
  const options = { limits: job.limits, drawingBuffer: job.drawingBuffer };
  const interp = new GlirInterpreter(fakeGL(options), options);
  try {
    interp.execute(decodeJSON(text));
    return null;
  } catch (err) {
    return err.message;
  }
});
console.log(JSON.stringify(out));
"""


def _parity_streams(p: int) -> list[list]:
    """Hostile streams (ids from ``p``) whose refusal does not depend on the context
    beyond the limits both sides are given."""
    tex, buf, ibo = p + 1, p + 2, p + 3
    program = [
        (Cmd.CREATE, p, "Program"),
        (Cmd.SHADERS, p, VERT2, WHITE),
        (Cmd.CREATE, buf, "VertexBuffer"),
        (Cmd.SIZE, buf, 24),
        (Cmd.ATTRIBUTE, p, "a", "vec2", buf, "float32", 2, 8, 0, 0, False),
        (Cmd.ATTRIBUTE_VALUE, p, "b", "float", (0.0,)),
    ]
    indices = [
        (Cmd.CREATE, ibo, "IndexBuffer"),
        (Cmd.SIZE, ibo, 8),
        (Cmd.DATA, ibo, 0, np.array([0, 1, 3], np.uint16)),
    ]
    texture = [(Cmd.CREATE, tex, "Texture2D"), (Cmd.SIZE, tex, (4, 4), "rgba", "rgba32f")]
    big3d = [(Cmd.CREATE, tex, "Texture3D"), (Cmd.SIZE, tex, (2048, 2048, 2048), "rgba", "rgba32f")]
    doubling = f"precision highp float;\nout vec4 f;\n{DOUBLING}void main() {{ f = vec4(A40); }}\n"
    product = "out vec4 f;\nuniform float u;\nvoid main() { f = vec4(" + "*".join(["u"] * 2000)
    return [
        [*texture, (Cmd.DATA, tex, (0, 0), np.zeros((4, 4), np.uint8))],
        [*texture, (Cmd.DATA, tex, (0, 0), np.zeros((4, 4, 3), np.float32))],
        [*texture, (Cmd.DATA, tex, (1, 1), np.zeros((4, 4, 4), np.float32))],
        [
            (Cmd.CREATE, tex, "Texture2D"),
            (Cmd.SIZE, tex, (4, 4), "depth_stencil", "depth24_stencil8"),
            (Cmd.DATA, tex, (0, 0), np.zeros((4, 4), np.uint32)),
        ],
        [(Cmd.CREATE, tex, "Texture2D"), (Cmd.SIZE, tex, (1, 99999), "rgba", "rgba8")],
        [(Cmd.CREATE, tex, "Texture2D"), (Cmd.SIZE, tex, (0, 4), "rgba", "rgba8")],
        [(Cmd.CREATE, tex, "Texture2D"), (Cmd.SIZE, tex, (4, 4), "rgb", "rgba8")],
        big3d,
        [(Cmd.CREATE, tex, "RenderBuffer"), (Cmd.SIZE, tex, (99999, 4), "rgba8")],
        [(Cmd.CREATE, buf, "VertexBuffer"), (Cmd.SIZE, buf, 2**32 + 1)],
        [(Cmd.CREATE, buf, "VertexBuffer"), (Cmd.SIZE, buf, -1)],
        [
            (Cmd.CREATE, buf, "VertexBuffer"),
            (Cmd.SIZE, buf, 8),
            (Cmd.DATA, buf, 4, np.zeros(2, np.float32)),
        ],  # fmt: skip
        [*program, (Cmd.DRAW, p, "triangles", (0, 4), 1)],
        [*program, (Cmd.DRAW, p, "points", (0, 3), 2**31 - 1)],
        [*program, (Cmd.DRAW, p, "points", (0, 3), 0)],
        [
            *program,
            (Cmd.ATTRIBUTE, p, "b", "float", buf, "float32", 1, 4, 0, 3, False),
            (Cmd.DRAW, p, "points", (0, 3), 19),
        ],  # fmt: skip
        [*program, *indices, (Cmd.DRAW, p, "triangles", (ibo, "uint16", 3, 2), 1)],
        [*program, *indices, (Cmd.DRAW, p, "triangles", (ibo, "uint16", 3, 0), 1)],
        [*program, (Cmd.DRAW, p, "points", (buf, "uint16", 3, 0), 1)],
        [*program, *indices, (Cmd.DRAW, p, "points", (ibo, "float32", 3, 0), 1)],
        [(Cmd.CREATE, p, "Program"), (Cmd.SHADERS, p, VERT, doubling)],
        [(Cmd.CREATE, p, "Program"), (Cmd.SHADERS, p, VERT, product + "); }")],
        [(Cmd.CREATE, p, "Program"), (Cmd.SHADERS, p, "// " + "x" * 300_000, WHITE)],
        [
            (Cmd.CREATE, p, "Program"),
            (Cmd.SHADERS, p, "".join(f"#define D{i}\n" for i in range(1100)) + VERT, WHITE),
        ],  # fmt: skip
        [(Cmd.READ_PIXELS, p, (0, 0, 65, 48), "rgba", "uint8")],
        [(Cmd.READ_PIXELS, p, (-1, 0, 1, 1), "rgba", "uint8")],
        [(Cmd.CREATE, 0, "Program")],
    ]


def test_glir_js_refuses_the_same_streams_in_the_same_words(canvas, tmp_path):
    """Each hostile stream, run by the desktop interpreter and by glir.js (on the fake
    WebGL2 context of its Node tests, given the desktop context's limits), fails with
    the same message."""
    import json
    import shutil

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (glir.js runs under Node for this test)")
    interp = canvas.interpreter
    assert canvas.size == (64, 48)
    streams, desktop = [], []
    for k in range(len(_parity_streams(0))):
        p = BASE + 100 * (k + 1)
        stream = _parity_streams(p)[k]
        streams.append(glir.to_json(stream))
        try:
            execute(canvas, stream)
        except GlirError as exc:
            desktop.append(str(exc))
        else:
            desktop.append(None)
    job = tmp_path / "job.json"
    limits = {
        "MAX_TEXTURE_SIZE": interp.max_texture_size,
        "MAX_3D_TEXTURE_SIZE": interp.max_3d_texture_size,
        "MAX_RENDERBUFFER_SIZE": interp.max_renderbuffer_size,
    }
    job.write_text(json.dumps({"streams": streams, "limits": limits, "drawingBuffer": [64, 48]}))
    js = (ROOT / "glframe" / "backends" / "web" / "js").as_uri()
    proc = subprocess.run(
        [node, "--input-type=module", "-e", _NODE_RUNNER % {"js": js}, str(job)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    browser = json.loads(proc.stdout)
    assert all(m is not None for m in desktop), desktop
    for k, (ours, theirs) in enumerate(zip(desktop, browser)):
        assert ours == theirs, f"stream {k}:\ndesktop: {ours}\nglir.js: {theirs}"
