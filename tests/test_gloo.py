"""gloo objects record the right GLIR and reject bad input, with no GL context."""

from __future__ import annotations

import gc

import numpy as np
import pytest

from glframe import gloo
from glframe.gloo import Cmd, GlirContext

VERT = """
#version 300 es
// a comment with uniform float u_commented;
in vec2 a_position;
layout(location = 1) in highp vec4 a_color;
in ivec2 a_cell;
uniform mat4 u_matrix;
uniform float u_scale, u_gain;  /* two at once */
uniform vec3 u_lights[N_LIGHTS];
out vec4 v_color;
float helper(in vec2 p) { return p.x; }
void main() { gl_Position = u_matrix * vec4(a_position * u_scale, 0.0, 1.0); v_color = a_color; }
""".replace("#version 300 es", "#version 300 es\n#define N_LIGHTS 3")
FRAG = """
precision highp float;
uniform sampler2D u_image;
uniform highp usampler2D u_labels;
in vec4 v_color;
out vec4 f_color;
void main() { f_color = v_color * texture(u_image, vec2(0.5)); }
"""


@pytest.fixture
def program():
    return gloo.Program(VERT, FRAG)


def test_variables_are_parsed_from_the_source(program):
    assert program.uniforms == {
        "u_matrix": ("mat4", 1),
        "u_scale": ("float", 1),
        "u_gain": ("float", 1),
        "u_lights": ("vec3", 3),
        "u_image": ("sampler2D", 1),
        "u_labels": ("usampler2D", 1),
    }
    assert program.attributes == {
        "a_position": ("vec2", 1),
        "a_color": ("vec4", 1),
        "a_cell": ("ivec2", 1),
    }


def test_assignment_before_any_context_is_recorded(program):
    program["u_scale"] = 2
    program["u_matrix"] = np.arange(16).reshape(4, 4)
    program["u_lights"] = np.ones((3, 3))
    cmds = program._pending
    assert cmds[0] == (Cmd.CREATE, program.id, "Program")
    assert cmds[1][0] == Cmd.SHADERS
    assert cmds[2] == (Cmd.UNIFORM, program.id, "u_scale", "float", (2.0,))
    # math convention in, column-major out
    assert cmds[3][4] == tuple(float(v) for v in np.arange(16).reshape(4, 4).T.ravel())
    assert cmds[4][4] == (1.0,) * 9


def test_unchanged_values_record_nothing(program):
    program["u_scale"] = 2.0
    n = len(program._pending)
    program["u_scale"] = 2
    assert len(program._pending) == n


def test_the_same_plain_value_again_is_not_checked_again(program, monkeypatch):
    """A visual sets some uniforms every frame: the same float, int or tuple returns at
    once (1000 Markers: 31 -> 20 ms of CPU a frame); anything else is checked as ever."""
    program["u_scale"] = 2.0
    program["a_color"] = (1.0, 0.0, 0.0, 1.0)
    checked = []
    monkeypatch.setattr(type(program), "_set_uniform", lambda *a: checked.append(a))
    program["u_scale"] = 2.0
    program["a_color"] = (1.0, 0.0, 0.0, 1.0)
    assert checked == []
    program["u_scale"] = 3.0  # another value: checked
    assert len(checked) == 1
    monkeypatch.undo()
    with pytest.raises(ValueError, match="NaN or infinity"):
        program["u_scale"] = float("nan")
    with pytest.raises(ValueError, match="is float"):
        program["u_scale"] = (3.0, 3.0)


def test_undeclared_name_lists_the_declared_ones(program):
    with pytest.raises(KeyError) as err:
        program["u_colour"] = 1.0
    msg = str(err.value)
    assert "u_colour" in msg and "u_matrix, u_scale" in msg and "a_color, a_position" in msg


@pytest.mark.parametrize(
    "name, value, match",
    [
        ("u_matrix", np.eye(3), r"u_matrix' is mat4 \(16 values\); got shape \(3, 3\)"),
        ("u_scale", (1.0, 2.0), r"is float \(1 values\)"),
        ("u_lights", np.ones(3), r"3 x vec3"),
        ("u_scale", float("nan"), "NaN or infinity"),
        ("u_scale", "big", "not numeric"),
        ("a_position", np.zeros((10, 3)), r"vec2 \(2 components\).*\(3,\)"),
        ("a_cell", np.zeros((10, 2), np.float32), "needs integer data"),
        ("a_position", np.zeros((10, 2), complex), "complex128 cannot go to the GPU"),
        ("u_image", gloo.Texture3D, "takes Texture2D or Texture1D, not Texture3D"),
        ("u_labels", np.zeros((4, 4), np.float32), "cannot sample a r32f texture"),
    ],
)
def test_wrong_values_raise_at_assignment(program, name, value, match):
    if value is gloo.Texture3D:
        value = gloo.Texture3D(np.zeros((2, 2, 2), np.uint8))
    with pytest.raises((ValueError, TypeError), match=match):
        program[name] = value


def test_float64_attribute_data_becomes_float32(program):
    program["a_position"] = np.linspace(0, 1, 20).reshape(10, 2)  # float64
    buf = program._auto["a_position"]
    data_cmd = [c for c in buf._pending if c[0] == Cmd.DATA][0]
    assert data_cmd[3].dtype == np.float32
    attr = [c for c in program._pending if c[0] == Cmd.ATTRIBUTE][0]
    assert attr[3:] == ("vec2", buf.id, "float32", 2, 0, 0, 0, False)
    with pytest.raises(ValueError, match="1e\\+300 does not fit in float32"):
        program["a_position"] = np.full((3, 2), 1e300)


def test_int64_is_narrowed_only_when_values_fit():
    assert gloo.VertexBuffer(np.arange(5)).dtype == np.int32
    with pytest.raises(ValueError, match="do not fit in int32"):
        gloo.VertexBuffer(np.array([2**40]))


def test_constant_attribute_value(program):
    program["a_color"] = (1.0, 0.5, 0.25, 1.0)
    assert program._pending[-1] == (
        Cmd.ATTRIBUTE_VALUE,
        program.id,
        "a_color",
        "vec4",
        (1.0, 0.5, 0.25, 1.0),
    )


def test_vispys_count_fills_a_buffer_from_one_value_and_checks_lengths():
    program = gloo.Program(VERT, FRAG, count=4)
    program["a_position"] = np.zeros((4, 2), np.float32)
    program["a_color"] = (1, 0.5, 0.25, 1)  # one value: a buffer of 4 rows, as vispy's
    buf = program._auto["a_color"]
    assert buf.dtype == np.float32 and len(buf) == 4
    assert program._sent["a_color"][0] == buf.id  # bound as an array, not a constant
    program["a_cell"] = (1, 2)
    assert program._auto["a_cell"].dtype == np.int32
    with pytest.raises(ValueError, match=r"Program\(count=4\): attribute 'a_position' got 3 rows"):
        program["a_position"] = np.zeros((3, 2), np.float32)
    with pytest.raises(ValueError, match="NaN"):
        program["a_color"] = (1, float("nan"), 0, 1)
    for bad in (0, -1, True, 2.5, "4"):
        with pytest.raises(ValueError, match="count is the number of vertices"):
            gloo.Program(VERT, FRAG, count=bad)


def test_reassigning_an_array_reuses_the_programs_buffer(program):
    program["a_position"] = np.zeros((4, 2), np.float32)
    buf = program._auto["a_position"]
    program["a_position"] = np.ones((4, 2), np.float32)
    assert program._auto["a_position"] is buf
    assert [c[0] for c in buf._pending[-2:]] == [Cmd.DATA, Cmd.DATA]  # no new SIZE


def test_structured_buffer_binds_fields(program):
    dtype = [("a_position", np.float32, 2), ("a_color", np.float32, 4)]
    vbo = gloo.VertexBuffer(np.zeros(5, dtype))
    program.bind(vbo)
    attrs = {c[2]: c for c in program._pending if c[0] == Cmd.ATTRIBUTE}
    assert attrs["a_position"][4:9] == (vbo.id, "float32", 2, 24, 0)
    assert attrs["a_color"][4:9] == (vbo.id, "float32", 4, 24, 8)
    with pytest.raises(KeyError, match="fields: a_position, a_color"):
        vbo["a_size"]


def test_set_subdata_checks_and_records_byte_offsets():
    vbo = gloo.VertexBuffer(np.zeros((10, 2), np.float32))
    vbo.set_subdata(np.ones((3, 2)), offset=4)
    cmd = vbo._pending[-1]
    assert cmd[:3] == (Cmd.DATA, vbo.id, 32) and cmd[3].dtype == np.float32
    with pytest.raises(ValueError, match="rows 9..12 are outside the buffer's 10 rows"):
        vbo.set_subdata(np.ones((3, 2)), offset=9)
    with pytest.raises(ValueError, match=r"rows of shape \(3,\)"):
        vbo.set_subdata(np.ones((1, 3)), offset=0)


def test_textures_check_shapes_and_formats():
    tex = gloo.Texture2D(np.zeros((4, 8, 3), np.uint8))
    assert tex.shape == (4, 8, 3) and tex.internalformat == "rgb8"
    size = [c for c in tex._pending if c[0] == Cmd.SIZE][0]
    assert size[2:] == ((4, 8), "rgb", "rgb8")
    with pytest.raises(ValueError, match=r"shape \(4, 8, 3, 2\) is not \(H, W\[, C\]\)"):
        tex.set_data(np.zeros((4, 8, 3, 2), np.uint8))
    with pytest.raises(ValueError, match="data has 4 channels, the texture has 3"):
        tex.set_data(np.zeros((2, 2, 4), np.uint8), offset=(0, 0))
    with pytest.raises(ValueError, match="does not fit"):
        tex.set_data(np.zeros((2, 2, 3), np.uint8), offset=(3, 0))
    with pytest.raises(TypeError, match="'rgb8' takes uint8 data, not float32"):
        tex.set_data(np.zeros((4, 8, 3), np.float32))
    with pytest.raises(ValueError, match="Texture1D: data of shape"):
        gloo.Texture1D(np.zeros((4, 4, 4)))
    with pytest.raises(ValueError, match="unknown internal format 'rgba9'"):
        gloo.Texture2D(shape=(4, 4), internalformat="rgba9")
    assert gloo.Texture3D(np.zeros((2, 3, 4), np.float16)).internalformat == "r16f"
    half = gloo.Texture2D(np.zeros((2, 2, 4), np.float32), internalformat="rgba16f")
    assert half.internalformat == "rgba16f"


def test_deleted_objects_raise_and_gc_only_queues():
    ctx = GlirContext()
    with ctx:
        buf = gloo.VertexBuffer(np.zeros(3, np.float32))
        buf.delete()
        assert ctx.queue.commands[-1] == (Cmd.DELETE, buf.id)
        with pytest.raises(gloo.DeletedObjectError, match="was deleted"):
            buf.set_data(np.zeros(3, np.float32))
        tex = gloo.Texture2D(np.zeros((2, 2), np.uint8))
        tid = tex.id
        del tex
        gc.collect()
    assert ctx.queue.flush(optimize_=False)[-1] == (Cmd.DELETE, tid)


def test_draw_needs_a_context_and_every_variable(program):
    with pytest.raises(RuntimeError, match="no current GL context"):
        program.draw()
    with GlirContext():
        with pytest.raises(RuntimeError, match="never set: a_cell, a_color, a_position"):
            program.draw()
        with pytest.raises(ValueError, match="mode 'quads'"):
            program.draw("quads")


def test_objects_belong_to_one_context():
    a, b = GlirContext("a"), GlirContext("b")
    with a:
        buf = gloo.VertexBuffer(np.zeros(3, np.float32))
    with pytest.raises(RuntimeError, match="not shared between canvases"):
        buf._activate(b)


def test_state_functions_record_funcs():
    ctx = GlirContext()
    with ctx:
        gloo.clear(color="#ff000080", depth=False)
        gloo.set_state("translucent", depth_test=False, cull_face="back")
        with pytest.raises(TypeError, match="unknown setting.*depth_tset"):
            gloo.set_state(depth_tset=True)
        with pytest.raises(ValueError, match="unknown state preset 'glass'"):
            gloo.set_state("glass")
        with pytest.raises(ValueError, match="blend factor 'half'"):
            gloo.set_state(blend_func=("half", "one"))
    cmds = [c[2:] for c in ctx.flush()]
    assert cmds[0] == ("clearColor", 1.0, 0.0, 0.0, 128 / 255)
    assert cmds[1] == ("clear", "color")
    assert ("enable", "blend") in cmds and ("disable", "depth_test") in cmds
    assert (
        "blendFuncSeparate",
        "src_alpha",
        "one_minus_src_alpha",
        "one",
        "one_minus_src_alpha",
    ) in cmds
    assert cmds[-2:] == [("enable", "cull_face"), ("cullFace", "back")]


def test_state_already_set_in_the_batch_is_not_recorded_again():
    ctx = GlirContext()
    with ctx:
        gloo.set_state("translucent", depth_func="lequal")
        first = len(ctx.queue)
        gloo.set_state("translucent", depth_func="lequal")  # a second visual, same state
        gloo.set_viewport(0, 0, 10, 10)
        gloo.set_viewport(0, 0, 10, 10)
        gloo.clear()
        gloo.clear()  # an action: always recorded
        assert len(ctx.queue) == first + 3
        gloo.set_state(blend=False)  # one change: one FUNC
        gloo.set_state("translucent", depth_func="lequal")  # blend back on: one FUNC
        gloo.set_state(blend_func=["one", "one"])  # unhashable values work too
        cmds = [c[2:] for c in ctx.queue.commands[first + 3 :]]
        assert cmds == [
            ("disable", "blend"),
            ("enable", "blend"),
            ("blendFuncSeparate", "one", "one", "one", "one"),
        ]
    ctx.flush()
    with ctx:  # each batch sets, at first use, the state it relies on
        gloo.set_state("translucent", depth_func="lequal")
        assert len(ctx.queue) == first


def test_state_snapshot_rebuilds_live_objects_only():
    ctx = GlirContext()
    with ctx:
        keep = gloo.VertexBuffer(np.zeros(4, np.float32))
        keep.set_subdata(np.ones(2, np.float32), offset=1)
        keep.set_data(np.ones(4, np.float32))  # covers both earlier uploads
        gone = gloo.Texture2D(np.zeros((2, 2), np.uint8))
        ctx.flush()
        gone.delete()
        ctx.flush()
    snap = ctx.state.commands()
    assert [c[0] for c in snap] == [Cmd.CREATE, Cmd.SIZE, Cmd.DATA]
    assert snap[2][3].tolist() == [1, 1, 1, 1]


def test_state_snapshot_keeps_the_gl_state_last_set_outside_frames():
    # vispy's habit: set_clear_color once in __init__; a recording or a late viewer
    # starting later must still clear with it
    ctx = GlirContext()
    with ctx:
        gloo.set_clear_color("white")
        gloo.set_state(blend=True)
        gloo.set_state(blend=False, depth_test=True)
        gloo.clear()
        ctx.flush()
        gloo.set_viewport(0, 0, 10, 20)
        ctx.flush()
    funcs = [c[2:] for c in ctx.state.commands() if c[0] == Cmd.FUNC]
    assert ("clearColor", 1.0, 1.0, 1.0, 1.0) in funcs
    assert ("disable", "blend") in funcs and ("enable", "blend") not in funcs
    assert ("enable", "depth_test") in funcs and ("viewport", 0, 0, 10, 20) in funcs
    assert not any(f[0] == "clear" for f in funcs)  # an action, not state


def test_declarations_on_one_line():
    p = gloo.Program(
        "in vec2 a; in vec4 b; uniform float u; uniform int v; void main() {}",
        "uniform vec2 w; out vec4 c; void main() {}",
    )
    assert set(p.attributes) == {"a", "b"} and set(p.uniforms) == {"u", "v", "w"}
