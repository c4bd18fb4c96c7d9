"""Rendering through the desktop interpreter: every command, every gloo object.

Where the right pixels can be computed they are; the rest compare with
reference images (tests/references).
"""

from __future__ import annotations

import numpy as np
import pytest

from glframe import gloo
from glframe.gloo import Cmd, GlirError, ShaderError, glir

QUAD = np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]], np.float32)
VERT_COLOR = """
in vec2 a_position;
uniform vec2 u_offset;
void main() { gl_Position = vec4(a_position + u_offset, 0.0, 1.0); }
"""
FRAG_COLOR = """
precision highp float;
uniform vec4 u_color;
out vec4 f_color;
void main() { f_color = u_color; }
"""
VERT_UV = """
in vec2 a_position;
out vec2 v_uv;
void main() { v_uv = (a_position + 1.0) / 2.0; gl_Position = vec4(a_position, 0.0, 1.0); }
"""


def flat(color=(1, 0, 0, 1), positions=QUAD, offset=(0, 0)):
    program = gloo.Program(VERT_COLOR, FRAG_COLOR)
    program["a_position"] = positions
    program["u_color"] = color
    program["u_offset"] = offset
    return program


def draw_with(canvas, fn):
    canvas.events.draw.disconnect()
    canvas.events.draw.connect(lambda event: fn())
    return canvas.render()


def test_clear_and_a_quad_fill_exact_colors(canvas):
    program = flat((0.0, 1.0, 0.0, 1.0), positions=QUAD * 0.5)

    def frame():
        gloo.clear(color=(0.0, 0.0, 1.0, 1.0))
        program.draw("triangle_strip")

    img = draw_with(canvas, frame)
    assert img.shape == (48, 64, 4) and img.dtype == np.uint8
    assert (img[24, 32] == [0, 255, 0, 255]).all()  # centre: the quad
    assert (img[2, 2] == [0, 0, 255, 255]).all()  # corner: the clear colour
    assert (img[:, :, 1] == 255).sum() == 32 * 24  # exactly half the width and height


def test_a_program_with_vispys_count_draws_its_one_value_everywhere(canvas):
    program = gloo.Program(
        "in vec2 a_position; in vec4 a_rgba; out vec4 v_rgba;"
        " void main() { v_rgba = a_rgba; gl_Position = vec4(a_position, 0.0, 1.0); }",
        "precision highp float; in vec4 v_rgba; out vec4 f_color;"
        " void main() { f_color = v_rgba; }",
        count=4,
    )
    program["a_position"] = QUAD * 0.5
    program["a_rgba"] = (0.0, 1.0, 0.0, 1.0)  # a buffer of 4 rows, as vispy's
    img = draw_with(canvas, lambda: (gloo.clear(color="black"), program.draw("triangle_strip")))
    assert (img[24, 32] == [0, 255, 0, 255]).all()
    assert (img[:, :, 1] == 255).sum() == 32 * 24


def test_state_set_outside_a_draw_goes_to_the_canvas_made_last(make_canvas):
    # vispy's habit: gloo.set_clear_color in a Canvas's __init__, no `with self:`
    a = make_canvas((8, 8))
    gloo.set_clear_color((1, 0, 0, 1))
    b = make_canvas((8, 8))
    gloo.set_clear_color((0, 0, 1, 1))
    program = flat((0, 1, 0, 1))  # made outside any draw: joins where it is drawn (a)
    a.events.draw.connect(lambda e: gloo.clear())
    b.events.draw.connect(lambda e: gloo.clear())
    assert a.render()[4, 4].tolist() == [255, 0, 0, 255]
    assert b.render()[4, 4].tolist() == [0, 0, 255, 255]
    a.events.draw.connect(lambda e: program.draw("triangle_strip"))
    assert a.render()[4, 4].tolist() == [0, 255, 0, 255]
    assert program.context is a.context
    b.close()  # the last canvas closed: state calls outside a draw have nowhere to go
    with pytest.raises(RuntimeError, match="no current GL context; make a canvas first"):
        gloo.set_clear_color("white")
    with pytest.raises(RuntimeError, match="Program.draw: no current GL context; call it"):
        program.draw("triangle_strip")  # drawing still needs a frame or `with canvas:`


def test_render_draws_a_fresh_frame_each_time(canvas):
    program = flat(positions=QUAD)
    frames = []

    def frame():
        frames.append(len(frames))
        program["u_color"] = (len(frames) / 4, 0, 0, 1)
        program.draw("triangle_strip")

    canvas.events.draw.connect(lambda e: frame())
    reds = [int(canvas.render()[0, 0, 0]) for _ in range(3)]
    assert frames == [0, 1, 2]
    assert reds == [64, 128, 191]


def test_several_canvases_render_independently(make_canvas):
    a, b = make_canvas((32, 16)), make_canvas((16, 32))
    with a:
        pa = flat((1, 0, 0, 1))
    with b:
        pb = flat((0, 0, 1, 1))
    a.events.draw.connect(lambda e: pa.draw("triangle_strip"))
    b.events.draw.connect(lambda e: pb.draw("triangle_strip"))
    for _ in range(2):
        ia, ib = a.render(), b.render()
        assert ia.shape == (16, 32, 4) and ib.shape == (32, 16, 4)
        assert (ia[..., :3] == [255, 0, 0]).all() and (ib[..., :3] == [0, 0, 255]).all()
    with pytest.raises(RuntimeError, match="not shared between canvases"):
        with b:
            pa.draw("triangle_strip")


def test_record_serialize_replay_in_a_fresh_canvas(make_canvas):
    canvas = make_canvas((64, 48))
    image = gloo.Texture2D(np.arange(48, dtype=np.uint8).reshape(4, 4, 3) * 5)
    textured = gloo.Program(
        VERT_UV,
        "precision highp float; uniform sampler2D u_t; in vec2 v_uv;"
        "out vec4 c; void main() { c = texture(u_t, v_uv); }",
    )
    textured["a_position"] = QUAD * 0.5
    textured["u_t"] = image
    tri = flat((1, 0.5, 0, 1), positions=np.array([[-1, -1], [0, -1], [-1, 0]]))

    def frame():
        gloo.clear(color="black")
        textured.draw("triangles", np.array([0, 1, 2, 2, 1, 3], np.uint16))
        tri.draw("triangles")

    canvas.events.draw.connect(lambda e: frame())
    first = canvas.render()  # objects are created in this frame, before recording
    with canvas.record() as rec:
        recorded = canvas.render()
    assert (recorded == first).all()
    assert rec.frame_commands[-1][0] == Cmd.READ_PIXELS
    assert Cmd.CREATE not in [c[0] for c in rec.frame_commands]  # nothing re-sent
    for transport in ("binary", "json"):
        if transport == "binary":
            header, buffers = glir.serialize(rec.commands)
            commands = glir.deserialize(header, [bytes(b) for b in buffers])
        else:
            commands = glir.from_json(glir.to_json(rec.commands))
        fresh = make_canvas((64, 48))
        replies = fresh.replay(commands)
        (replayed,) = replies.values()
        assert (replayed == recorded).all()
        assert fresh.interpreter.live_objects == canvas.interpreter.live_objects


def test_textures_1d_2d_3d_sample_their_texels(make_canvas):
    canvas = make_canvas((4, 4))
    texels = np.arange(16 * 4, dtype=np.uint8).reshape(4, 4, 4) * 3
    cases = {
        "2d": (gloo.Texture2D(texels), "sampler2D", "texture(u_t, v_uv)", texels[::-1]),
        "1d": (
            gloo.Texture1D(texels[0]),
            "sampler2D",
            "texture(u_t, vec2(v_uv.x, 0.5))",
            np.broadcast_to(texels[0], (4, 4, 4)),
        ),
        "3d": (
            gloo.Texture3D(np.stack([texels, 255 - texels])),
            "sampler3D",
            "texture(u_t, vec3(v_uv, 0.75))",
            (255 - texels)[::-1],
        ),
    }
    for name, (tex, sampler, lookup, expected) in cases.items():
        program = gloo.Program(
            VERT_UV,
            f"precision highp float; precision highp sampler3D;"
            f"uniform {sampler} u_t; in vec2 v_uv; out vec4 c;"
            f"void main() {{ c = {lookup}; }}",
        )
        program["a_position"] = QUAD
        program["u_t"] = tex
        img = draw_with(canvas, lambda p=program: p.draw("triangle_strip"))
        np.testing.assert_array_equal(img, expected, err_msg=name)


def test_texture_subdata_and_linear_interpolation(make_canvas):
    canvas = make_canvas((4, 1))
    tex = gloo.Texture2D(np.zeros((1, 2), np.uint8), interpolation="linear")
    tex.set_data(np.array([[0, 200]], np.uint8))
    program = gloo.Program(
        VERT_UV,
        "precision highp float; uniform sampler2D u_t; in vec2 v_uv;"
        "out vec4 c; void main() { c = vec4(texture(u_t, v_uv).r); }",
    )
    program["a_position"] = QUAD
    program["u_t"] = tex
    img = draw_with(canvas, lambda: program.draw("triangle_strip"))
    # texel centres at x = 0.25 and 0.75; pixel centres at 1/8, 3/8, 5/8, 7/8
    np.testing.assert_allclose(img[0, :, 0], [0, 50, 150, 200], atol=1)
    tex.set_data(np.array([[100]], np.uint8), offset=(0, 1))
    tex.interpolation = "nearest"
    img = draw_with(canvas, lambda: program.draw("triangle_strip"))
    assert img[0, :, 0].tolist() == [0, 0, 100, 100]


def test_float_and_half_float_textures_into_a_float_framebuffer(make_canvas):
    canvas = make_canvas((8, 8))
    values = np.linspace(-3.5, 1e4, 64, dtype=np.float32).reshape(8, 8)
    for internal, rtol in (("r32f", 1e-7), ("r16f", 1e-3)):
        source = gloo.Texture2D(values, internalformat=internal)
        target = gloo.Texture2D(shape=(8, 8, 4), internalformat="rgba32f")
        fbo = gloo.FrameBuffer(target)
        program = gloo.Program(
            VERT_UV,
            "precision highp float; uniform sampler2D u_t; "
            "in vec2 v_uv; out vec4 c; void main() { c = texture(u_t, v_uv); }",
        )
        program["a_position"] = QUAD
        program["u_t"] = source
        out = {}

        def frame(fbo=fbo, program=program, out=out):
            with fbo:
                gloo.set_viewport(0, 0, 8, 8)
                program.draw("triangle_strip")
            out["pixels"] = fbo.read(out_type="float32")

        draw_with(canvas, frame)
        np.testing.assert_allclose(out["pixels"][::-1, :, 0], values, rtol=rtol, err_msg=internal)


def test_renderbuffer_framebuffer_with_depth(make_canvas):
    canvas = make_canvas((8, 8))
    color = gloo.RenderBuffer((16, 16))
    depth = gloo.RenderBuffer((16, 16), format="depth_component24")
    fbo = gloo.FrameBuffer(color, depth)
    vert = "in vec3 a_p; void main() { gl_Position = vec4(a_p, 1.0); }"
    near, far = gloo.Program(vert, FRAG_COLOR), gloo.Program(vert, FRAG_COLOR)
    near["a_p"] = np.c_[QUAD * 0.5, np.full(4, -0.5)]
    near["u_color"] = (1, 0, 0, 1)
    far["a_p"] = np.c_[QUAD, np.full(4, 0.5)]
    far["u_color"] = (0, 0, 1, 1)
    out = {}

    def frame():
        with fbo:
            gloo.set_viewport(0, 0, 16, 16)
            gloo.set_state("opaque")
            gloo.clear(color="black", depth=True)
            near.draw("triangle_strip")
            far.draw("triangle_strip")  # drawn later, but behind
            out["img"] = fbo.read()
        gloo.set_state(depth_test=False)

    draw_with(canvas, frame)
    img = out["img"]
    assert img.shape == (16, 16, 4)
    assert (img[8, 8, :3] == [255, 0, 0]).all() and (img[0, 0, :3] == [0, 0, 255]).all()
    assert (img[..., 0] == 255).sum() == 64


def test_blending_presets_compute_the_expected_colours(canvas):
    under, over = flat((0, 0, 1, 1)), flat((1, 0, 0, 0.25))
    expected = {
        "translucent": [64, 0, 191],  # 0.25 * red + 0.75 * blue
        "additive": [64, 0, 255],  # blue + 0.25 * red
    }
    for preset, rgb in expected.items():

        def frame(preset=preset):
            gloo.set_state("opaque", depth_test=False)
            under.draw("triangle_strip")
            gloo.set_state(preset, depth_test=False)
            over.draw("triangle_strip")
            gloo.set_state("opaque")

        img = draw_with(canvas, frame)
        np.testing.assert_allclose(img[10, 10, :3], rgb, atol=1, err_msg=preset)


def test_scissor_and_color_mask(canvas):
    program = flat((1, 1, 1, 1))

    def frame():
        gloo.clear(color="black")
        gloo.set_state(
            scissor_test=True, scissor=(0, 0, 10, 5), color_mask=(True, False, True, True)
        )
        program.draw("triangle_strip")
        gloo.set_state(scissor_test=False, color_mask=(True, True, True, True))

    img = draw_with(canvas, frame)
    assert (img[..., 0] == 255).sum() == 50 and (img[..., 1] == 0).all()
    assert (img[-5:, :10, 2] == 255).all()  # bottom-left in GL is the last rows here


def test_instanced_draw_with_divisors_and_matrix_uniform(canvas):
    vert = """
    in vec2 a_position;
    in vec2 a_offset;
    in vec4 a_color;
    uniform mat4 u_transform;
    out vec4 v_color;
    void main() {
        gl_Position = u_transform * vec4(a_position * 0.1 + a_offset, 0.0, 1.0);
        v_color = a_color;
    }"""
    frag = "precision highp float; in vec4 v_color; out vec4 c; void main() { c = v_color; }"
    program = gloo.Program(vert, frag)
    program["a_position"] = QUAD
    program["a_offset"] = gloo.VertexBuffer(np.array([[-0.5, 0], [0.5, 0]], np.float32), divisor=1)
    colors = np.array([[255, 0, 0, 255], [0, 255, 0, 255]], np.uint8)
    program["a_color"] = gloo.VertexBuffer(colors, divisor=1, normalized=True)
    shift = np.eye(4)
    shift[1, 3] = 0.5  # move up by a quarter of the canvas
    program["u_transform"] = shift

    img = draw_with(canvas, lambda: (gloo.clear(color="black"), program.draw("triangle_strip")))
    red, green = np.argwhere(img[..., 0] == 255), np.argwhere(img[..., 1] == 255)
    assert len(red) == len(green) > 0  # both instances drawn, same size
    assert red[:, 1].mean() < 32 < green[:, 1].mean()
    assert abs(red[:, 0].mean() - 11.5) < 1  # y = 0.5 in NDC is row 12 from the top


def test_integer_attributes_and_uniform_arrays(canvas):
    vert = """
    in vec2 a_position;
    in int a_index;
    flat out int v_index;
    void main() { gl_Position = vec4(a_position, 0.0, 1.0); v_index = a_index; }"""
    frag = """
    precision highp float;
    uniform vec4 u_palette[3];
    flat in int v_index;
    out vec4 c;
    void main() { c = u_palette[v_index]; }"""
    program = gloo.Program(vert, frag)
    left = np.array([[-1, -1], [0, -1], [-1, 1], [0, 1]], np.float32)
    program["a_position"] = np.r_[left, left + [1, 0]]
    program["a_index"] = np.array([2, 2, 2, 2, 1, 1, 1, 1], np.int32)
    program["u_palette"] = [[1, 0, 0, 1], [0, 1, 0, 1], [0, 0, 1, 1]]
    img = draw_with(canvas, lambda: program.draw("triangles", [0, 1, 2, 2, 1, 3, 4, 5, 6, 6, 5, 7]))
    assert (img[:, :32, :3] == [0, 0, 255]).all() and (img[:, 32:, :3] == [0, 255, 0]).all()


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.uint32])
def test_index_buffer_types_and_ranges(canvas, dtype):
    program = flat(positions=QUAD)
    ibo = gloo.IndexBuffer(np.array([0, 1, 2, 2, 1, 3], dtype))
    img = draw_with(
        canvas, lambda: (gloo.clear(color="black"), program.draw("triangles", ibo, count=3))
    )
    lower_left = (img[..., 0] == 255).sum()
    assert 0.45 < lower_left / (64 * 48) < 0.55  # one triangle of two
    img = draw_with(canvas, lambda: (gloo.clear(color="black"), program.draw("triangles", ibo)))
    assert (img[..., 0] == 255).all()


# points of a_color (a constant attribute or an array), gl_PointSize SIZE
POINTS_VERT = """
in vec2 a_position;
in vec4 a_color;
out vec4 v_color;
void main() {
    gl_Position = vec4(a_position, 0.0, 1.0);
    gl_PointSize = SIZE;
    v_color = a_color;
}"""
POINTS_FRAG = "precision highp float; in vec4 v_color; out vec4 c; void main() { c = v_color; }"


def test_constant_attribute_and_points(canvas):
    program = gloo.Program(POINTS_VERT.replace("SIZE", "5.0"), POINTS_FRAG)
    program["a_position"] = np.array([[0.0, 0.0]], np.float32)
    program["a_color"] = (0.0, 1.0, 1.0, 1.0)
    img = draw_with(canvas, lambda: (gloo.clear(color="black"), program.draw("points")))
    assert (img[..., 1] == 255).sum() == 25 and (img[24, 32, :3] == [0, 255, 255]).all()


def test_constant_attributes_shared_by_programs_are_set_where_they_differ(canvas):
    """Constant attribute values are context state: the interpreter sets one only where
    GL holds another value, and forgets it where a program reads an array there."""
    vert, frag = POINTS_VERT.replace("SIZE", "3.0"), POINTS_FRAG
    spots = [(-0.5, 0.0), (0.0, 0.0), (0.5, 0.0)]
    colors = [(1.0, 0.0, 0.0, 1.0), (1.0, 0.0, 0.0, 1.0), (0.0, 0.0, 1.0, 1.0)]
    programs = []
    for spot, color in zip(spots, colors):
        program = gloo.Program(vert, frag)
        program["a_position"] = np.array([spot], np.float32)
        program["a_color"] = color
        programs.append(program)
    array = gloo.Program(vert, frag)  # a_color from an array: green
    array["a_position"] = np.array([[0.0, 0.5]], np.float32)
    array["a_color"] = np.array([[0.0, 1.0, 0.0, 1.0]], np.float32)

    def draw():
        gloo.clear(color="black")
        programs[0].draw("points")
        array.draw("points")
        for program in programs[1:]:
            program.draw("points")

    for _ in range(2):  # and again in the next batch
        img = draw_with(canvas, draw)
        for (x, y), color in zip([*spots, (0.0, 0.5)], [*colors, (0, 1, 0, 1)]):
            row, col = int((1 - y) / 2 * img.shape[0]), int((x + 1) / 2 * img.shape[1])
            assert tuple(img[row, col, :3]) == tuple(int(255 * c) for c in color[:3])
    assert canvas.interpreter.attribute_values  # the last constant set, by location


def test_unused_linked_programs_are_kept_a_while_then_deleted(canvas):
    from glframe.backends.gl._interpreter import KEEP_IDLE

    interp = canvas.interpreter

    def program_of(k):  # distinct sources: one linked program each
        frag = FRAG_COLOR.replace("f_color = u_color;", f"f_color = u_color * {k + 1}.0;")
        program = gloo.Program(VERT_COLOR, frag)
        program["a_position"], program["u_color"], program["u_offset"] = QUAD, (0.05,) * 4, (0, 0)
        return program

    for k in range(KEEP_IDLE + 3):
        program = program_of(k)
        draw_with(canvas, lambda p=program: p.draw("triangle_strip"))
        program.delete()
        draw_with(canvas, lambda: gloo.clear(color="black"))
    assert interp.linked_programs == 0  # none in use
    assert len(interp._idle) == KEEP_IDLE == len(interp._linked)  # the last ones kept
    kept = next(reversed(interp._idle))
    again = program_of(KEEP_IDLE + 2)  # the last one's sources: linked already
    img = draw_with(canvas, lambda: again.draw("triangle_strip"))
    assert interp.linked_programs == 1 and kept not in interp._idle
    assert abs(int(img[20, 30, 0]) - 0.05 * (KEEP_IDLE + 3) * 255) <= 1


def test_buffer_subdata_moves_one_vertex(canvas):
    tri = np.array([[-1, -1], [1, -1], [-1, 1]], np.float32)
    vbo = gloo.VertexBuffer(tri)
    program = gloo.Program(VERT_COLOR, FRAG_COLOR)
    program["a_position"] = vbo
    program["u_color"] = (1, 1, 1, 1)
    program["u_offset"] = (0, 0)
    before = (draw_with(canvas, lambda: (gloo.clear(color="black"), program.draw())) > 0).sum()
    vbo.set_subdata(np.array([[1, 1]], np.float32), offset=2)  # becomes the full-height half
    after = draw_with(canvas, lambda: (gloo.clear(color="black"), program.draw()))
    assert (after[..., 0] == 255).sum() == 64 * 48 // 2 and before > 0


def test_read_pixels_inside_a_draw_and_resize(canvas):
    program = flat((1, 0, 1, 1))
    seen = {}

    def frame():
        gloo.clear(color="black")
        seen["before"] = gloo.read_pixels()
        program.draw("triangle_strip")
        seen["rgb"] = gloo.read_pixels((0, 0, 2, 3), alpha=False)

    draw_with(canvas, frame)
    assert (seen["before"][..., :3] == 0).all() and seen["rgb"].shape == (3, 2, 3)
    assert (seen["rgb"] == [255, 0, 255]).all()
    sizes = []
    canvas.events.resize.connect(lambda e: sizes.append(e.size))
    canvas.resize(20, 10)
    assert canvas.render().shape == (10, 20, 4) and sizes == [(20, 10)]


# ---- errors ------------------------------------------------------------------
def test_shader_syntax_error_quotes_the_line(canvas):
    bad = (
        "precision highp float;\nout vec4 c;\nvoid main() {\n    c = vec4(1.0, 0.0 0.0, 1.0);\n}\n"
    )
    program = gloo.Program(VERT_COLOR, bad)
    program["a_position"] = QUAD
    program["u_offset"] = (0, 0)
    with pytest.raises(ShaderError) as err:
        draw_with(canvas, lambda: program.draw("triangle_strip"))
    msg = str(err.value)
    assert "fragment shader failed to compile" in msg
    assert "> 4 |     c = vec4(1.0, 0.0 0.0, 1.0);" in msg
    assert "  3 | void main() {" in msg and "syntax error" in msg
    # the canvas stays usable: fix the shader, draw again
    program.set_shaders(VERT_COLOR, FRAG_COLOR)
    program["u_color"] = (0, 1, 0, 1)
    img = draw_with(canvas, lambda: program.draw("triangle_strip"))
    assert (img[..., 1] == 255).all()


def test_vertex_error_line_numbers_without_version_header(canvas):
    program = gloo.Program(
        "in vec2 a_position;\nvoid main() {\n  gl_Position = a_position;\n}", FRAG_COLOR
    )
    with pytest.raises(ShaderError, match=r"vertex shader failed[\s\S]*> 3 \|   gl_Position"):
        canvas.replay(program._pending)
    with pytest.raises(ShaderError, match="GLSL ES 3.00"):
        canvas.replay(
            [
                (Cmd.CREATE, 10**9, "Program"),
                (Cmd.SHADERS, 10**9, "#version 120\nvoid main(){}", FRAG_COLOR),
            ]
        )


def test_link_error_is_reported(canvas):
    vert = "out vec3 v_x; void main() { gl_Position = vec4(0.0); v_x = vec3(1.0); }"
    frag = "precision highp float; in vec4 v_x; out vec4 c; void main() { c = v_x; }"
    with pytest.raises(ShaderError, match="link"):
        canvas.replay(gloo.Program(vert, frag)._pending)


def test_unknown_command_and_object_are_named(canvas):
    with pytest.raises(GlirError, match="unknown GLIR command 'EXPLODE'"):
        canvas.replay([("EXPLODE", 1, 2)])
    with pytest.raises(GlirError, match="no object with id 424242"):
        canvas.replay([(Cmd.DATA, 424242, 0, np.zeros(3, np.float32))])
    with pytest.raises(GlirError, match="unknown FUNC 'deleteEverything'"):
        canvas.replay([(Cmd.FUNC, 0, "deleteEverything")])
    with pytest.raises(GlirError, match="unknown GL enum name 'flux'"):
        canvas.replay([(Cmd.FUNC, 0, "enable", "flux")])
    with pytest.raises(GlirError, match="bytes 8..20 are outside the buffer's 12"):
        canvas.replay(
            [
                (Cmd.CREATE, 77, "VertexBuffer"),
                (Cmd.SIZE, 77, 12),
                (Cmd.DATA, 77, 8, np.zeros(3, np.float32)),
            ]
        )
    with pytest.raises(GlirError, match="frame buffer is incomplete"):
        canvas.replay([(Cmd.CREATE, 78, "FrameBuffer"), (Cmd.FRAMEBUFFER, 78, True)])
    assert canvas.render().shape == (48, 64, 4)  # still usable


def test_error_in_a_draw_callback_keeps_objects_in_step(canvas):
    program = flat()

    def frame():
        program.draw("triangle_strip")
        program["u_nope"] = 1

    with pytest.raises(KeyError, match="u_nope"):
        draw_with(canvas, frame)
    img = draw_with(canvas, lambda: program.draw("triangle_strip"))
    assert (img[..., 0] == 255).all()


def test_ten_thousand_buffer_cycles_leak_nothing(canvas):
    interp = canvas.interpreter
    before = interp.live_objects
    rss_before = _rss_bytes()
    megabyte = np.zeros(1 << 18, np.float32)
    canvas._surface.make_current()
    for i in range(10_000):
        oid = 10**8 + i
        interp.execute(
            [
                (Cmd.CREATE, oid, "VertexBuffer"),
                (Cmd.SIZE, oid, megabyte.nbytes),
                (Cmd.DATA, oid, 0, megabyte),
                (Cmd.DELETE, oid),
            ]
        )
    assert interp.live_objects == before
    # 10 GB went through; a leak of even 1% would show here.
    assert _rss_bytes() - rss_before < 100 * 2**20


def _rss_bytes() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS"))


def test_gloo_objects_garbage_collected_between_frames_are_deleted(canvas):
    import gc

    base = canvas.interpreter.live_objects
    for _ in range(50):

        def frame():
            vbo = gloo.VertexBuffer(np.zeros((1024, 4), np.float32))
            tex = gloo.Texture2D(np.zeros((16, 16), np.uint8))
            program = flat(positions=QUAD)
            program.draw("triangle_strip")
            del vbo, tex, program

        draw_with(canvas, frame)
        gc.collect()
    canvas.render()
    assert canvas.interpreter.live_objects == base


def test_wrapping_modes(make_canvas):
    canvas = make_canvas((4, 1))
    tex = gloo.Texture2D(np.array([[10, 20, 30, 40]], np.uint8))
    program = gloo.Program(
        VERT_UV,
        "precision highp float; uniform sampler2D u_t; in vec2 v_uv; out vec4 c;"
        "void main() { c = vec4(texture(u_t, vec2(v_uv.x * 2.0 - 0.5, 0.5)).r); }",
    )
    program["a_position"] = QUAD
    program["u_t"] = tex
    # pixel centres sample x = -0.25, 0.25, 0.75, 1.25
    expected = {
        "clamp_to_edge": [10, 20, 40, 40],
        "repeat": [40, 20, 40, 20],
        "mirrored_repeat": [20, 20, 40, 40],
    }
    for mode, values in expected.items():
        tex.wrapping = mode
        img = draw_with(canvas, lambda: program.draw("triangle_strip"))
        assert img[0, :, 0].tolist() == values, mode


def test_integer_texture_with_texel_fetch(make_canvas):
    canvas = make_canvas((3, 2))
    labels = np.array([[1, 2, 3], [4, 5, 6]], np.uint32) * 40
    program = gloo.Program(
        VERT_UV,
        "precision highp float; precision highp usampler2D; uniform usampler2D u_labels;"
        "in vec2 v_uv; out vec4 c;"
        "void main() { uint v = texelFetch(u_labels, ivec2(gl_FragCoord.xy), 0).r;"
        " c = vec4(float(v) / 255.0); }",
    )
    program["a_position"] = QUAD
    program["u_labels"] = gloo.Texture2D(labels)
    assert program["u_labels"].internalformat == "r32ui"
    img = draw_with(canvas, lambda: program.draw("triangle_strip"))
    assert img[::-1, :, 0].tolist() == labels.tolist()


def test_a_recorded_frame_replays_the_same_again_from_the_state_its_end_left(make_canvas):
    """A program drawn twice a frame with other values, whose frame draws first with the
    value the last frame left (unchanged, so gloo records no command for it): the
    recording leads with that value, so a page drawing the frame again and again (an
    export, a client-mode page) draws it the same each time."""
    canvas = make_canvas((32, 16))
    half = QUAD * [0.5, 1.0]
    quad = flat(positions=half)
    left, right = ((-0.5, 0.0), (1, 0, 0, 1)), ((0.5, 0.0), (0, 0, 1, 1))

    def draw(offset_color):
        quad["u_offset"], quad["u_color"] = offset_color
        quad.draw("triangle_strip")

    def frame():
        gloo.clear(color="black")
        draw(left)
        draw(right)

    def frame_from_the_last_state():
        gloo.clear(color="black")
        quad.draw("triangle_strip")  # right, blue: as the last frame left it
        draw(left)

    draw_with(canvas, frame)
    canvas.events.draw.disconnect()
    canvas.events.draw.connect(lambda event: frame_from_the_last_state())
    with canvas.record() as rec:
        expected = canvas.render()
    assert (expected[8, 8, :3] == (255, 0, 0)).all() and (expected[8, 24, :3] == (0, 0, 255)).all()
    names = [c[2] for c in rec.frame_commands if c[0] == Cmd.UNIFORM]
    assert names == ["u_offset", "u_color"] * 2  # the frame's start values, then its own
    request = rec.frame_commands[-1][1]
    fresh = make_canvas((32, 16))
    fresh.replay(rec.setup_commands)
    for _ in range(3):
        assert np.array_equal(fresh.replay(rec.frame_commands)[request], expected)


def test_structured_buffer_renders_and_replays(make_canvas):
    canvas = make_canvas((64, 48))
    vertices = np.zeros(4, [("a_position", np.float32, 2), ("a_color", np.uint8, 4)])
    vertices["a_position"] = QUAD
    vertices["a_color"] = [0, 200, 100, 255]
    program = gloo.Program(
        "in vec2 a_position; in vec4 a_color; out vec4 v_color;"
        "void main() { gl_Position = vec4(a_position, 0.0, 1.0); v_color = a_color / 255.0; }",
        "precision highp float; in vec4 v_color; out vec4 c; void main() { c = v_color; }",
    )
    program.bind(gloo.VertexBuffer(vertices))
    canvas.events.draw.connect(lambda e: program.draw("triangle_strip"))
    with canvas.record() as rec:
        img = canvas.render()
    assert (img[..., :3] == [0, 200, 100]).all()
    (replayed,) = make_canvas((64, 48)).replay(glir.from_json(glir.to_json(rec.commands))).values()
    assert (replayed == img).all()


def test_deleting_the_bound_framebuffer_returns_to_the_canvas(canvas):
    fbo = gloo.FrameBuffer(gloo.RenderBuffer((4, 4)))

    def frame():
        gloo.clear(color="blue")
        fbo.activate()
        gloo.clear(color="red")
        fbo.delete()

    img = draw_with(canvas, frame)
    assert (img[..., :3] == [0, 0, 255]).all()
    assert canvas.interpreter._framebuffer_handle() == canvas._surface.framebuffer


def test_multiple_colour_targets_with_a_gap(canvas):
    a, b = gloo.Texture2D(shape=(4, 4, 4)), gloo.Texture2D(shape=(4, 4, 4))
    fbo = gloo.FrameBuffer(a)
    fbo._attach("color2", b)  # outputs 0 and 2; 1 is NONE
    program = gloo.Program(
        "in vec2 a_position; void main() { gl_Position = vec4(a_position, 0.0, 1.0); }",
        "precision highp float; layout(location = 0) out vec4 c0;"
        "layout(location = 2) out vec4 c2;"
        "void main() { c0 = vec4(1, 0, 0, 1); c2 = vec4(0, 1, 0, 1); }",
    )
    program["a_position"] = QUAD
    out = {}

    def frame():
        with fbo:
            gloo.set_viewport(0, 0, 4, 4)
            program.draw("triangle_strip")
            out["a"] = gloo.read_pixels((0, 0, 4, 4))
        fbo.color = b  # now b is colour 0
        with fbo:
            out["b"] = gloo.read_pixels((0, 0, 4, 4))

    draw_with(canvas, frame)
    assert (out["a"][..., :3] == [255, 0, 0]).all() and (out["b"][..., :3] == [0, 255, 0]).all()


def test_updating_a_texture_after_a_two_texture_draw(canvas):
    """Uploads go to the right texture whatever unit the last draw left active."""
    a = gloo.Texture2D(np.full((1, 1), 50, np.uint8))
    b = gloo.Texture2D(np.full((1, 1), 100, np.uint8))
    program = gloo.Program(
        VERT_UV,
        "precision highp float; uniform sampler2D u_a; uniform sampler2D u_b; in vec2 v_uv;"
        "out vec4 c; void main() { c = vec4(texture(u_a, v_uv).r, texture(u_b, v_uv).r, 0, 1); }",
    )
    program["a_position"] = QUAD
    program["u_a"], program["u_b"] = a, b
    img = draw_with(canvas, lambda: program.draw("triangle_strip"))
    assert img[0, 0, :2].tolist() == [50, 100]
    a.set_data(np.full((1, 1), 200, np.uint8))  # a sits on unit 0; unit 1 is active
    img = draw_with(canvas, lambda: program.draw("triangle_strip"))
    assert img[0, 0, :2].tolist() == [200, 100]


def test_frames_drawn_and_never_read_run_in_bounded_memory(canvas):
    # A driver queues what nobody waits for (llvmpipe keeps a copy of each buffer a
    # queued draw reads): without a bound on the frames in flight, a loop of draw()
    # with changing data grew by the buffer's size every frame.
    points = np.zeros((500_000, 2), np.float32)
    vbo = gloo.VertexBuffer(points)
    program = flat()
    program["a_position"] = vbo
    canvas.events.draw.disconnect()
    canvas.events.draw.connect(lambda event: program.draw("points"))

    def frames(n):
        for i in range(n):
            points[:, 0] = (i % 7) * 0.1
            vbo.set_data(points)
            canvas.draw()

    frames(60)  # the driver's working set settles
    rss_before = _rss_bytes()
    frames(120)  # 4 MB a frame: 480 MB more without the bound
    assert _rss_bytes() - rss_before < 64 * 2**20


def test_a_frame_drawn_unseen_records_its_glir_and_rasterizes_nothing(canvas):
    # What a client-mode browser draws: the server records and checks, draws nothing.
    program = flat((0.0, 1.0, 0.0, 1.0))

    def frame():
        gloo.clear(color=(0.0, 0.0, 1.0, 1.0))
        program.draw("triangle_strip")

    assert (draw_with(canvas, frame)[24, 32] == [0, 255, 0, 255]).all()
    with canvas.record() as seen:
        canvas.draw()
    with canvas.record() as unseen:
        canvas._draw_unseen()
    assert [c[0] for c in unseen.frame_commands] == [c[0] for c in seen.frame_commands]
    with canvas:
        image = gloo.read_pixels()
    assert (image[24, 32] == [0, 0, 255, 255]).all()  # cleared, the quad not drawn
    assert canvas.interpreter.rasterize  # and the next frame draws again
    assert (canvas.render()[24, 32] == [0, 255, 0, 255]).all()

    canvas.events.draw.disconnect()
    canvas.events.draw.connect(lambda event: (frame(), gloo.read_pixels()))
    with pytest.raises(GlirError, match="READ_PIXELS in a frame drawn only by browsers"):
        canvas._draw_unseen()
    assert canvas.interpreter.rasterize


def test_llvmpipe_rasterizer_threads_each_keep_a_core(make_canvas, monkeypatch):
    import os
    import sys

    from glframe.backends.gl import _llvmpipe

    canvas = make_canvas((8, 8))
    if "llvmpipe" not in canvas.renderer or not sys.platform.startswith("linux"):
        pytest.skip("llvmpipe on Linux only")  # CI renders with llvmpipe on Linux
    cpus = sorted(os.sched_getaffinity(0))
    threads = {}
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/comm") as f:
            name = f.read().strip()
        if name.startswith("llvmpipe-"):
            threads[int(name.split("-")[1])] = int(task)
    assert threads
    for n, tid in threads.items():
        want = {cpus[n % len(cpus)]} if len(cpus) > 1 else set(cpus)
        assert os.sched_getaffinity(tid) == want
    assert _llvmpipe.spread_rasterizer_threads() == 0  # once per thread
    monkeypatch.setenv("GLFRAME_LLVMPIPE_AFFINITY", "0")
    monkeypatch.setattr(_llvmpipe, "_done", set())
    assert _llvmpipe.spread_rasterizer_threads() == 0  # turned off
