"""The shader composer: generated code, renaming, hooks, updates, errors, colormaps."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from glframe import gloo
from glframe.gloo import Cmd, ShaderError
from glframe.shaders import (
    CompileError,
    Function,
    FunctionChain,
    ModularProgram,
    Variable,
    Varying,
    colormaps,
    load_function,
    snippet_names,
)

QUAD = np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]], np.float32)


def stage(code: str, name: str) -> Function:
    return Function(code, name)


def basic_program(color_hook: bool = False):
    vert = stage("void main() { gl_Position = $transform(vec4($position, 0.0, 1.0)); }", "vert")
    vert["position"] = Variable("a_position", QUAD, kind="attribute")
    vert["transform"] = FunctionChain("transform", gtype="vec4")
    frag = stage("out vec4 f_color; void main() { f_color = $post($color); }", "frag")
    frag["color"] = (1.0, 0.0, 0.0, 1.0)
    post = frag.add_hook("post", "vec4")
    return ModularProgram(vert, frag), vert, frag, post


def test_generated_code_is_readable_and_deterministic():
    scale = Function("vec4 scale(vec4 p) { return vec4(p.xy * $s, p.zw); }", "scale.glsl")
    scale["s"] = Variable("u_scale", (2.0, 2.0))
    vert = stage("void main() { gl_Position = $transform(vec4($position, 0.0, 1.0)); }", "v")
    vert["transform"] = scale
    vert["position"] = Variable("a_position", gtype="vec2", kind="attribute")
    frag = stage("out vec4 f_color; void main() { f_color = $color; }", "f")
    frag["color"] = Variable("u_color", (1.0, 0.0, 0.0, 1.0))
    program = ModularProgram(vert, frag)
    body = program.compiled.vertex.split("precision highp usampler2D;\n")[1]
    assert body == (
        "uniform vec2 u_scale;\n"
        "in vec2 a_position;\n"
        "// --- snippet 1: scale.glsl\n"
        "#line 1 1\n"
        "vec4 scale(vec4 p) { return vec4(p.xy * u_scale, p.zw); }\n"
        "// --- snippet 2: v\n"
        "#line 1 2\n"
        "void main() { gl_Position = scale(vec4(a_position, 0.0, 1.0)); }\n"
    )
    again = ModularProgram(vert, frag)
    assert again.compiled.vertex == program.compiled.vertex
    assert again.compiled.fragment == program.compiled.fragment


def test_the_same_snippet_twice_is_renamed():
    code = "const float K = 2.0;\nvec4 scale(vec4 p) { return vec4(p.xy * $s * K, p.zw); }"
    a, b = Function(code, "scale.glsl"), Function(code, "scale.glsl")
    a["s"] = Variable("u_s", 1.0)
    b["s"] = Variable("u_s", 3.0)
    vert = stage("void main() { gl_Position = $chain(vec4($pos, 0.0, 1.0)); }", "v")
    vert["chain"] = FunctionChain("chain", [a, b])
    vert["pos"] = Variable("a_pos", gtype="vec2", kind="attribute")
    frag = stage("out vec4 c; void main() { c = vec4(1.0); }", "f")
    src = ModularProgram(vert, frag).compiled.vertex
    assert "vec4 scale(vec4 p) { return vec4(p.xy * u_s * K, p.zw); }" in src
    assert "vec4 scale_1(vec4 p) { return vec4(p.xy * u_s_1 * K_1, p.zw); }" in src
    assert "const float K_1 = 2.0;" in src
    assert "return scale_1(scale(x));" in src


def test_varyings_link_the_stages_and_calls_bind_expressions():
    color = Varying("v_color", "vec4")
    double = Function("vec4 double_it(vec4 c) { return c * 2.0; }")
    vert = stage("void main() { gl_Position = vec4(0.0); $out = $value; }", "v")
    vert["out"] = color
    vert["value"] = double("vec4(0.25)")
    frag = stage("out vec4 c; void main() { c = $in; }", "f")
    frag["in"] = color
    compiled = ModularProgram(vert, frag).compiled
    assert "out vec4 v_color;" in compiled.vertex and "in vec4 v_color;" in compiled.fragment
    assert "v_color = double_it(vec4(0.25));" in compiled.vertex


def test_value_changes_send_uniforms_only_structure_changes_recompile(make_canvas, caplog):
    canvas = make_canvas((8, 8))
    program, vert, frag, post = basic_program()
    sent = []
    canvas.context.listeners.append(sent.extend)
    canvas.events.draw.connect(lambda e: program.draw("triangle_strip"))
    for step in range(100):
        frag["color"] = (step / 100, 0.0, 0.0, 1.0)  # updates the bound Variable
        canvas.render()
    names = [c[0] for c in sent]
    assert names.count(Cmd.SHADERS) == 1 and names.count(Cmd.UNIFORM) == 100
    sent.clear()
    with caplog.at_level(logging.INFO, logger="glframe.shaders"):
        frag["color"] = Variable("u_other", (0.0, 1.0, 0.0, 1.0))  # a new binding: structure
    assert "now binds" in caplog.text
    img = canvas.render()
    assert [c[0] for c in sent].count(Cmd.SHADERS) == 1
    assert (img[..., :3] == [0, 255, 0]).all() and program.compilations == 2


def test_a_variable_given_the_same_numbers_again_touches_no_program(make_canvas, monkeypatch):
    """A view sets its viewport Variable every frame: used by 1000 programs, the same
    numbers again must cost one comparison, not 1000 uniform checks."""
    canvas = make_canvas((8, 8))
    shared = Variable("u_color", np.array([1.0, 0.0, 0.0, 1.0]))
    programs = []
    for _ in range(3):
        program, vert, frag, post = basic_program()
        frag["color"] = shared
        programs.append(program)
    canvas.events.draw.connect(lambda e: [p.draw("triangle_strip") for p in programs])
    canvas.render()  # compiled: the Variable knows its programs
    calls = []
    original = ModularProgram.__setitem__
    monkeypatch.setattr(
        ModularProgram, "__setitem__", lambda p, k, v: (calls.append(k), original(p, k, v))
    )
    shared.value = (1.0, 0.0, 0.0, 1.0)  # the same numbers, another type
    shared.value = np.array([1.0, 0.0, 0.0, 1.0])
    assert calls == []
    color = np.array([0.0, 1.0, 0.0, 1.0])
    shared.value = color
    assert len(calls) == 3
    color[2] = 1.0  # changed in place and given again: it goes out
    shared.value = color
    assert len(calls) == 6
    assert (canvas.render()[..., :3] == [0, 255, 255]).all()


def test_hooks_are_identity_until_filled(make_canvas):
    canvas = make_canvas((8, 8))
    program, vert, frag, post = basic_program()
    canvas.events.draw.connect(lambda e: (gloo.clear(), program.draw("triangle_strip")))
    assert (canvas.render()[..., :3] == [255, 0, 0]).all()
    invert = Function("vec4 invert(vec4 c) { return vec4(1.0 - c.rgb, c.a); }")
    post.append(invert)
    assert (canvas.render()[..., :3] == [0, 255, 255]).all()
    clip = load_function("clipping/rect")
    clip["bounds"] = (0.0, 0.0, 4.0, 8.0)  # left half of the canvas
    post.append(clip)
    img = canvas.render()
    assert (img[:, :4, :3] == [0, 255, 255]).all() and (img[:, 4:, :3] == 0).all()
    clip["bounds"] = (0.0, 0.0, 8.0, 2.0)  # a value: no recompilation
    n = program.compilations
    img = canvas.render()
    assert program.compilations == n and (img[-2:, :, 1] == 255).all()
    assert (img[:-2, :, 1] == 0).all()


def test_attribute_variable_updates_data_and_constants_recompile(make_canvas, caplog):
    canvas = make_canvas((8, 8))
    program, vert, frag, post = basic_program()
    canvas.events.draw.connect(lambda e: program.draw("triangle_strip"))
    vert["position"].value = QUAD * 0.5
    assert (canvas.render()[..., 0] == 255).sum() == 16
    gain = Variable("GAIN", 0.5, kind="const")
    scale = Function("vec4 dim(vec4 c) { return vec4(c.rgb * $gain, c.a); }")
    scale["gain"] = gain
    post.append(scale)
    assert canvas.render()[4, 4, 0] in (127, 128)
    assert "const float GAIN = 0.5;" in program.compiled.fragment
    with caplog.at_level(logging.INFO, logger="glframe.shaders"):
        gain.value = 1.0
    assert "recompile" in caplog.text
    assert canvas.render()[4, 4, 0] == 255
    compilations = program.compilations
    gain.value = 1.0  # the same value again: nothing to recompile
    canvas.render()
    assert program.compilations == compilations


def test_snippet_errors_name_the_snippet_and_its_line(make_canvas):
    canvas = make_canvas((8, 8))
    program, vert, frag, post = basic_program()
    post.append(
        Function(
            "vec4 tint(vec4 c) {\n    vec4 x = c * 2.0;\n    return x +;\n}", "effects/tint.glsl"
        )
    )
    canvas.events.draw.connect(lambda e: program.draw("triangle_strip"))
    with pytest.raises(ShaderError) as err:
        canvas.render()
    msg = str(err.value)
    assert "in snippet 'effects/tint.glsl', line 3:" in msg
    assert "> 3 |     return x +;" in msg


def test_composition_errors_are_named():
    frag = stage("out vec4 c; void main() { c = $color * $gain; }", "main.frag")
    frag["color"] = (1.0, 1.0, 1.0, 1.0)
    vert = stage("void main() { gl_Position = vec4(0.0); }", "main.vert")
    with pytest.raises(CompileError, match=r"main.frag, line 1: placeholder \$gain is not bound"):
        ModularProgram(vert, frag)
    with pytest.raises(KeyError, match=r"no placeholder \$colour; placeholders: \$color, \$gain"):
        frag["colour"] = 1.0
    with pytest.raises(ValueError, match="is vec4; a value of type vec2"):
        frag["color"] = (1.0, 2.0)
    frag["gain"] = Variable("a_gain", gtype="float", kind="attribute")
    with pytest.raises(ValueError, match="attributes exist only in the vertex shader"):
        ModularProgram(vert, frag)
    with pytest.raises(CompileError, match="must define main"):
        ModularProgram(Function("vec4 f(vec4 x) { return x; }"), frag)
    with pytest.raises(ValueError, match="empty chain needs gtype"):
        FunctionChain("nothing")


def test_colormaps_function_and_texture_agree(make_canvas):
    canvas = make_canvas((64, 1))
    assert {"viridis", "magma", "inferno", "plasma", "grays", "coolwarm"} <= set(colormaps.names())
    assert "antialias" in snippet_names() and "clipping/rect" in snippet_names()
    for name in ("viridis", "coolwarm"):
        vert = stage(
            "out vec2 v_uv; void main() { v_uv = ($p + 1.0) / 2.0;"
            " gl_Position = vec4($p, 0.0, 1.0); }",
            "v",
        )
        vert["p"] = Variable("a_p", QUAD, kind="attribute")
        frag = stage("in vec2 v_uv; out vec4 c; void main() { c = $cmap(v_uv.x); }", "f")
        frag["cmap"] = colormaps.function(name)
        program = ModularProgram(vert, frag)
        canvas.events.draw.disconnect()
        canvas.events.draw.connect(lambda e, p=program: p.draw("triangle_strip"))
        row = canvas.render()[0].astype(int)
        expected = np.round(colormaps.sample(name, (np.arange(64) + 0.5) / 64) * 255)
        assert np.abs(row - expected).max() <= 2, name
    tex = colormaps.texture("magma")
    assert tex.shape == (256, 4)
    with pytest.raises(KeyError, match="no colormap 'viridiss'"):
        colormaps.function("viridiss")


def test_a_program_is_a_gloo_program():
    program, *_ = basic_program()
    assert isinstance(program, gloo.Program)
    assert program.attributes == {"a_position": ("vec2", 1)}
    assert program["u_color"] == (1.0, 0.0, 0.0, 1.0)


def test_control_flow_is_not_a_definition():
    fn = Function(
        "vec4 f(vec4 c) {\n  if (c.r > 0.5) {\n    return c;\n  } else if (c.g > 0.5) {\n"
        "    return c.gbra;\n  }\n  return c.bgra;\n}"
    )
    assert fn.name == "f" and fn.definitions == ("f",)
