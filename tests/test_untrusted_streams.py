"""Streams from elsewhere are untrusted: deserialize and Canvas.replay (issue 11).

- deserialize/from_json raise only GlirError, whatever the header, buffers or text
  (property tests over random input, and the cases found by hand);
- a rejected command never enters the canvas's state snapshot;
- a replayed stream runs in its own id space: it cannot collide with ids gloo hands
  out next, nor reach (delete, draw with) the canvas's own objects;
- the GL state and frame buffers a replay sets do not leak into the canvas's frames.
"""

from __future__ import annotations

import base64
import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from glframe import gloo
from glframe.gloo import glir
from glframe.gloo._context import new_id
from glframe.gloo.glir import Cmd, GlirError

VERT = "in vec2 a_position; void main() { gl_Position = vec4(a_position, 0.0, 1.0); }"
FRAG = "precision highp float; uniform vec4 u_color; out vec4 c; void main() { c = u_color; }"
QUAD = np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]], np.float32)

# ---- hostile streams (also tests/test_glir_fuzz.py's) --------------------------------------
# Commands shaped like GLIR, most values valid and some hostile: ids, sizes, counts,
# shapes, formats, dtypes, names, numbers and arrays from what the format allows and
# from what it does not (negative, huge, NaN, wrong types, wrong lengths). A stream
# may start with SETUP, valid objects under ids 1..6, so hostile commands meet live
# objects of every class (ids are drawn from 1..8).

FUZZ_VERT = VERT
FUZZ_FRAG = (
    "precision highp float; uniform vec4 u_color; uniform sampler2D u_tex; out vec4 c;"
    " void main() { c = u_color + 0.0 * texture(u_tex, vec2(0.5)); }"
)
SETUP = [
    (Cmd.CREATE, 1, "Program"),
    (Cmd.SHADERS, 1, FUZZ_VERT, FUZZ_FRAG),
    (Cmd.CREATE, 2, "VertexBuffer"),
    (Cmd.SIZE, 2, QUAD.nbytes),
    (Cmd.DATA, 2, 0, QUAD),
    (Cmd.ATTRIBUTE, 1, "a_position", "vec2", 2, "float32", 2, 0, 0, 0, False),
    (Cmd.UNIFORM, 1, "u_color", "vec4", (0.0, 1.0, 0.0, 1.0)),
    (Cmd.CREATE, 3, "Texture2D"),
    (Cmd.SIZE, 3, (4, 4), "rgba", "rgba8"),
    (Cmd.TEXTURE, 1, "u_tex", 3),
    (Cmd.CREATE, 4, "IndexBuffer"),
    (Cmd.SIZE, 4, 12),
    (Cmd.DATA, 4, 0, np.array([0, 1, 2, 1, 2, 3], np.uint16)),
    (Cmd.CREATE, 5, "FrameBuffer"),
    (Cmd.ATTACH, 5, "color0", 3),
    (Cmd.CREATE, 6, "RenderBuffer"),
    (Cmd.SIZE, 6, (4, 4), "depth_component16"),
]


# Each value is one draw from a fixed pool (the cheapest strategy, which the fuzz test's
# 10,000 streams need): the valid values repeated so they make about nine in ten,
# then the boundaries and hostile cases.
_BIG = [2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**53, 2**63 - 1, 2**63, 2**64, 10**30]
HOSTILE = (
    [0, -1, -(2**31), -(2**63), 255, 256, 4096, 65536, *_BIG]
    + [None, True, False, 1.5, math.nan, math.inf, "1", "", (), (1,), [2, 2], {}, b"x"]
    + [np.int64(2), np.int64(-2), np.float32(1), np.zeros(2, np.float32)]
)
NAMES = ["", "x", "u_color", "a_position", "u_tex", "A" * 300, "é\0", "u[0]"]


def _pool(valid, hostile=HOSTILE):
    """One draw: a value of ``valid`` about nine times in ten, else one of ``hostile``."""
    valid = list(valid)
    repeat = max(1, -(-9 * len(hostile) // len(valid)))
    return st.sampled_from(valid * repeat + list(hostile))


ids = _pool(range(1, 9))
small = _pool([0, 1, 2, 3, 4, 6, 8, 16, 64])
numbers = _pool(
    [0.0, 1.0, -1.0, 0.5, 2.0, 1e-9, 3],
    [math.nan, math.inf, -math.inf, 1e308, -0.0, np.float64(math.nan), "1", None, True],
)
texts = st.sampled_from(NAMES)
bools = _pool([True, False])


def _table(values):
    return _pool(values, NAMES + HOSTILE)


def _tuples(valid, hostile=()):
    """A pool of tuples: valid ones, wrong lengths, wrong and hostile items."""
    wrong = [(), (1,), (2, 2, 2, 2, 2), (None, 1), (1.5, 2), (-1, 4), (2**31, 1), (2**63, 1)]
    return _pool([tuple(v) for v in valid], wrong + list(hostile) + HOSTILE[:12])


shapes = _tuples(
    [(1,), (4,), (2, 2), (4, 4), (3, 5), (64, 64), (2, 2, 2), (4, 4, 4)],
    [(0,), (0, 4), (4, 4, 4, 4), (2**31 - 1, 2**31 - 1), (1, 2**31 - 1), (4096, 4096)],
)


def _array(dtype, shape):
    return np.arange(math.prod(shape), dtype=dtype).reshape(shape)


_ARRAY_SHAPES = [(), (0,), (1,), (4,), (16,), (4, 4), (4, 4, 1), (4, 4, 3), (4, 4, 4)]
_ARRAY_SHAPES += [(2, 4, 4, 4), (64, 64, 4), (8, 8, 2), (2, 2), (4, 4, 5)]
arrays = _pool(
    [_array(dt, shape) for dt in glir.DTYPES for shape in _ARRAY_SHAPES],
    [
        np.zeros(4),  # float64
        np.zeros(4, bool),
        np.zeros(4, object),
        np.zeros((4, 4), ">f4"),
        np.zeros((8, 8), np.float32)[:, ::2],  # not contiguous
        np.float32(1.0),
        *HOSTILE,
    ],
)
shaders = _pool(
    [FUZZ_VERT, FUZZ_FRAG],
    [
        "",
        "#version 120\nvoid main() {}",
        "void main() { gl_Position = ; }",
        "precision highp float; out vec4 c; void main() { c = vec4(1.0); }",
        FUZZ_FRAG.replace("u_color", "u_color[4]"),
        *NAMES,
        *HOSTILE,
    ],
)
values = _tuples(
    [(1.0,), (0.0, 1.0), (1.0, 0.0, 0.0, 1.0), (1, 2, 3), tuple(range(16)), (0.5,) * 9],
    [(math.nan,), (math.inf, 1.0), (1e308,) * 4, ("1",), (None,), (True, False), (1,) * 17],
)


def _typed_values(valid):
    """(GLSL type, values) pairs that agree, and some that do not."""
    wrong = [("vec4", (1.0,)), ("mat3", (0.0,) * 8), ("vec2", (math.nan, 0.0)), ("float", ())]
    return _pool(valid, wrong + [("int", (2**40,)), ("bvec2", (True, 2))])


def _cmd(name, *args):
    return st.tuples(st.just(name), ids, *args)


_FUNC_ARGS = {
    "f": numbers,
    "i": _pool([-1, 0, 1, 2, 255, 256]),
    "b": bools,
    "m": _table(["color", "depth", "stencil", "color|depth", "color|depth|stencil", "|"]),
}


def _func(name: str, kinds: str):
    enums = iter(glir._FUNC_ENUMS.get(name, ()))
    args = [_table(next(enums)) if k == "e" else _FUNC_ARGS[k] for k in kinds]
    return st.tuples(st.just(Cmd.FUNC), _pool([0]), _pool([name], NAMES), *args)


# One branch of hostile_commands (a one_of here would become 24 of its branches).
funcs = st.sampled_from([_func(name, kinds) for name, kinds in sorted(glir.FUNCS.items())]).flatmap(
    lambda strategy: strategy
)
hostile_commands = st.one_of(
    _cmd(Cmd.CREATE, _table(glir.OBJECT_CLASSES)),
    _cmd(Cmd.DELETE),
    _cmd(Cmd.SIZE, small),
    _cmd(
        Cmd.SIZE,
        _tuples([(4, 4), (48, 64), (1, 1), (2**14, 2**14)], [(0, 4), (2**31 - 1, 2**31 - 1)]),
        _table(glir.RENDERBUFFER_FORMATS),
    ),
    _cmd(Cmd.SIZE, shapes, _table(glir.TEXTURE_FORMATS), _table(glir.INTERNAL_FORMATS)),
    _cmd(Cmd.DATA, small | shapes, arrays),
    _cmd(
        Cmd.WRAPPING,
        _tuples([("repeat", "clamp_to_edge"), ("repeat",) * 3, ("mirrored_repeat",) * 2]),
    ),
    _cmd(Cmd.INTERPOLATION, _table(glir.FILTERS), _table(glir.FILTERS)),
    _cmd(Cmd.SHADERS, shaders, shaders),
    _cmd(Cmd.UNIFORM, texts, _table([*glir.UNIFORM_TYPES, *glir.SAMPLER_TYPES]), values)
    | _typed_values(
        [("vec4", (1.0, 0.0, 0.0, 1.0)), ("float", (0.5,) * 3), ("mat4", (0.0,) * 16)]
        + [("ivec2", (1, -1)), ("uint", (2**32 - 1,)), ("bool", (1,)), ("sampler2D", (0,))]
    ).map(lambda tv: (Cmd.UNIFORM, 1, "u_color", *tv)),
    _cmd(Cmd.TEXTURE, texts, ids),
    _cmd(
        Cmd.ATTRIBUTE,
        texts,
        _table(["float", "vec2", "vec4", "ivec2", "mat4", "bool"]),
        ids,
        _table(glir.DTYPES),
        small,
        small,
        small,
        small,
        bools,
    )
    | st.tuples(
        _pool(["a_position"], NAMES),
        _pool(
            [("vec2", 2, "float32", 2, 0, 0, 0, False), ("vec2", 2, "float32", 2, 8, 4, 1, False)]
            + [
                ("vec4", 2, "uint8", 4, 0, 0, 0, True),
                ("vec2", 2, "float32", 2, 0, 2**40, 0, False),
            ]
            + [("vec2", 3, "float32", 2, 0, 0, 0, False), ("vec2", 4, "uint16", 2, 0, 0, 0, False)]
            + [("ivec2", 2, "int32", 2, 0, 0, 0, False), ("mat2", 2, "float32", 4, 0, 0, 0, False)]
            + [
                ("vec2", 2, "float32", 2, 255, 0, 2**31, False),
                ("vec2", 9, "float32", 2, 0, 0, 0, 0),
            ],
            [("vec2", 2, "float32", 2, 0, 0, 0), (), ("mat4", 2, "float32", 4, 0, 0, 0, False)],
        ),
    ).map(lambda na: (Cmd.ATTRIBUTE, 1, na[0], *na[1])),
    _cmd(Cmd.ATTRIBUTE_VALUE, texts, _table(["float", "vec2", "vec4", "uvec3"]), values)
    | _typed_values(
        [("vec4", (1.0, 0.0, 0.0, 1.0)), ("vec2", (0.0, 0.5)), ("uvec3", (1, 2, 3))]
    ).map(lambda tv: (Cmd.ATTRIBUTE_VALUE, 1, "a_position", *tv)),
    _cmd(
        Cmd.DRAW,
        _table(glir.DRAW_MODES),
        _tuples(
            [(0, 4), (0, 3), (1, 2), (0, 0), (4, 4), (0, 2**31 - 1), (2**31 - 1, 1)]
            + [(4, "uint16", 6, 0), (4, "uint16", 64, 0), (4, "uint32", 6, 0), (4, "uint8", 6, 2)]
            + [(2, "uint16", 6, 0), (9, "uint16", 6, 0), (4, "uint16", 2**31 - 1, 0)],
        ),
        _pool([1, 2, 4, 0], [2**31 - 1, 2**20, -1, None, 1.5]),
    ),
    _cmd(Cmd.ATTACH, _table(glir.ATTACHMENTS), _pool(range(9))),
    _cmd(Cmd.FRAMEBUFFER, bools),
    funcs,
    funcs,  # twice: GL state is what a replay could most easily leave behind
    _cmd(
        Cmd.READ_PIXELS,
        _tuples(
            [(0, 0, 4, 4), (0, 0, 64, 48), (60, 40, 10, 10), (-5, -5, 10, 10)],
            [(0, 0, 2**31 - 1, 1), (0, 0, 100000, 100000), (2**31 - 1, 0, 4, 4), (0, 0, 0, 4)],
        ),
        _table(glir.READ_FORMATS),
        _table(glir.READ_DTYPES),
    ),
    # not a command: no name, an unknown one, not even a tuple
    st.sampled_from(
        [(), ("EXPLODE", 1), ("draw", 1), "DRAW", None, 7, *((v, 1) for v in NAMES + HOSTILE)]
    ),
)


#: A stream: maybe SETUP, then 1 to 6 hostile commands (each one mostly valid).
def _stream(setup: bool, commands: list) -> list:
    return (SETUP if setup else []) + commands


hostile_streams = st.builds(
    _stream, st.booleans(), st.lists(hostile_commands, min_size=1, max_size=6)
)


# ---- deserialize: only GlirError ---------------------------------------------------------


def _expect_only_glir_error(call, *args):
    """Run ``call``: it returns, or raises GlirError; anything else fails the test."""
    try:
        result = call(*args)
    except GlirError:
        return None
    # what it returns is well-formed: a command name and an integer id first
    assert isinstance(result, list) and all(isinstance(c, tuple) for c in result)
    assert all(isinstance(c[0], Cmd) and type(c[1]) is int for c in result), result
    return result


def _loose_header(commands):
    """(header, buffers) the way serialize makes them, but for any values at all."""
    buffers = []

    def encode(value):
        if isinstance(value, np.ndarray):
            buffers.append(value.tobytes())
            return {"buffer": len(buffers) - 1, "dtype": value.dtype.name, "shape": value.shape}
        if isinstance(value, (tuple, list)):
            return [encode(v) for v in value]
        if isinstance(value, (np.integer, np.floating)):
            return value.item()
        return value.value if isinstance(value, Cmd) else value

    return {"version": glir.GLIR_VERSION, "commands": encode(list(commands))}, buffers


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(),  # NaN and infinities too: a header built in Python may hold them
    st.text(max_size=8),
)
array_refs = st.fixed_dictionaries(
    {},
    optional={
        "buffer": st.integers(-2, 4) | json_scalars,
        "dtype": st.sampled_from([*glir.DTYPES, "float64", "object", ""]) | json_scalars,
        "shape": st.lists(st.integers(-3, 5) | st.floats(-2, 5) | json_scalars, max_size=4)
        | json_scalars,
    },
)
json_values = st.recursive(
    json_scalars | array_refs,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)


def _bad_ref_values(ref: dict) -> dict:
    """Per key of an array reference, hostile values; shapes keep the byte count."""
    n = math.prod(ref["shape"]) if isinstance(ref.get("shape"), list) else 4
    return {
        "shape": [[-1, -n], [float(n)], [n, 1.0], [0, 2**62, 2**62], [-n], str(n), None]
        + [[[n]], [n, True], [n] + [1] * 40, {"n": n}],
        "buffer": [True, -1, 1.5, "0", 99, None, [0]],
        "dtype": ["float64", "object", ">f4", 5, None, ["float32"]],
    }


def _deep(value, depth: int):
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def headers_and_buffers(draw):
    """Headers of hostile streams, then hostile at the header level too: refs, nesting."""
    header, buffers = _loose_header(draw(hostile_streams))
    commands = header["commands"]
    junk = draw(st.lists(st.sampled_from([None, "text", 7, 1.5, [b"x"], memoryview(b"ab")[::2]])))
    buffers = buffers + junk  # entries that are not bytes, for references to reach
    for cmd in commands:
        for ref in (arg for arg in (cmd if isinstance(cmd, list) else ()) if isinstance(arg, dict)):
            if draw(st.sampled_from(range(4))) == 0:
                key = draw(st.sampled_from(["shape", "buffer", "dtype", "junk"]))
                if key == "junk" and junk:
                    ref["buffer"] = len(buffers) - draw(st.integers(1, len(junk)))
                elif key != "junk":
                    ref[key] = draw(st.sampled_from(_bad_ref_values(ref)[key]))
    for _ in range(draw(st.sampled_from([0, 0, 1, 2, 3]))):
        if not commands:
            break
        cmd = commands[draw(st.integers(0, len(commands) - 1))]
        if not isinstance(cmd, list) or not cmd:
            continue
        spot = draw(st.integers(0, len(cmd) - 1))
        cmd[spot] = draw(
            json_values
            | array_refs
            | st.sampled_from([3, 50, 5000]).map(lambda d, v=cmd[spot]: _deep(v, d))
            | st.just({"buffer": 0, "dtype": "uint8", "shape": []})  # an array where an id goes
        )
    if draw(st.sampled_from(range(12))) == 0:
        header = draw(json_values | st.fixed_dictionaries({"version": json_scalars}))
    return header, draw(st.just(buffers) | st.just(buffers[::-1]))


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(headers_and_buffers())
def test_deserialize_raises_only_glir_error(header_buffers):
    _expect_only_glir_error(glir.deserialize, *header_buffers)


def _json_default(value):
    return None  # arrays among hypothesis' buffers: not JSON, stand in with null


@settings(
    max_examples=800,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(headers_and_buffers(), st.lists(st.text(max_size=12) | json_scalars, max_size=2), st.data())
def test_from_json_raises_only_glir_error(header_buffers, junk, data):
    header, buffers = header_buffers
    if isinstance(header, dict):
        encoded = [base64.b64encode(b).decode() if isinstance(b, bytes) else b for b in buffers]
        header = {**header, "buffers": encoded + junk}
    try:  # NaN and Infinity are written as JSON cannot spell them: from_json must refuse
        text = json.dumps(header, default=_json_default)
    except RecursionError:  # the 5000-deep lists: json cannot write them (test_deep_nesting)
        reject()
    cut = data.draw(st.integers(0, len(text)))
    for candidate in (text, text[:cut], text.encode()[:cut], text.replace("1", "1e999")):
        _expect_only_glir_error(glir.from_json, candidate)


def _one(args, buffers=()):
    return {"version": glir.GLIR_VERSION, "commands": [["DATA", 1, *args]]}, list(buffers)


@pytest.mark.parametrize(
    "header, buffers, match",
    [
        # negative and float shapes used to raise ValueError / TypeError from numpy
        (*_one([0, {"buffer": 0, "dtype": "float32", "shape": [-1, -4]}], [bytes(16)]), "shape"),
        (*_one([0, {"buffer": 0, "dtype": "float32", "shape": [2.0]}], [bytes(8)]), "shape"),
        (*_one([0, {"buffer": 0, "dtype": "uint8", "shape": [0, 2**62, 2**62]}], [b""]), "shape"),
        (*_one([0, {"buffer": True, "dtype": "uint8", "shape": [1]}], [b"\0", b"\0"]), "buffer"),
        (*_one([0, {"buffer": 0, "dtype": "uint8", "shape": [4]}], ["text"]), "not bytes-like"),
        # an array (or a string, a float, a list) as an id
        (
            {"version": 1, "commands": [["DELETE", {"buffer": 0, "dtype": "uint8", "shape": []}]]},
            [b"\0"],
            "DELETE's id",
        ),
        ({"version": 1, "commands": [["CREATE", "7", "VertexBuffer"]]}, [], "CREATE's id"),
        ({"version": 1, "commands": [["DELETE", 1.5]]}, [], "must be an integer"),
        ({"version": 1, "commands": [["DELETE", 2**60]]}, [], r"1\.\.9007199254740991"),
        # arguments against the format
        ({"version": 1, "commands": [["CREATE", 1, "Bogus"]]}, [], "'Bogus' is not one of"),
        ({"version": 1, "commands": [["SIZE", 1, -5]]}, [], "size in bytes"),
        ({"version": 1, "commands": [["SIZE", 1, 2**64]]}, [], "size in bytes"),
        ({"version": 1, "commands": [["DRAW", 1, "triangles", [0, -3], 1]]}, [], "selection"),
        ({"version": 1, "commands": [["DRAW", 1, "triangles"]]}, [], "takes 2 or 3"),
        ({"version": 1, "commands": [["FUNC", 0, "enable", "program_point_size"]]}, [], "enum"),
        ({"version": 1, "commands": [["UNIFORM", 1, "u", "vec4", [1.0, 2.0]]]}, [], "multiple"),
        ({"version": 1, "commands": [["UNIFORM", 1, "u", "float", [math.nan]]]}, [], "finite"),
        ({"version": 1, "commands": [["READ_PIXELS", 1, [0, 0, 0, 4]]]}, [], "empty"),
        ({"version": True, "commands": []}, [], "version True"),
        ({"version": 1, "commands": {"0": ["DELETE", 1]}}, [], "'commands' list"),
        ({"version": 1, "commands": []}, None, "buffers must be a list"),
    ],
)
def test_malformed_headers_are_named(header, buffers, match):
    with pytest.raises(GlirError, match=match):
        glir.deserialize(header, buffers)


def test_deep_nesting_is_refused_without_recursion_error():
    deep: list = [1.0]
    for _ in range(100_000):
        deep = [deep]
    header = {"version": 1, "commands": [["UNIFORM", 1, "u", "float", deep]]}
    with pytest.raises(GlirError, match="nest"):
        glir.deserialize(header, [])
    text = '{"version": 1, "commands": [["DELETE", ' + "[" * 100_000 + "]" * 100_000 + "]]}"
    with pytest.raises(GlirError, match="nests too deeply"):
        glir.from_json(text)


def test_from_json_refuses_what_json_allows_but_glir_does_not():
    ok = glir.to_json([(Cmd.DATA, 3, 0, np.arange(4, dtype=np.uint8))])
    assert glir.from_json(ok)[0][3].tolist() == [0, 1, 2, 3]
    with pytest.raises(GlirError, match="NaN in GLIR JSON"):
        glir.from_json('{"version": 1, "commands": [["FUNC", 0, "lineWidth", NaN]]}')
    with pytest.raises(GlirError, match="finite"):
        glir.from_json('{"version": 1, "commands": [["FUNC", 0, "lineWidth", 1e999]]}')
    with pytest.raises(GlirError, match="not standard base64"):
        glir.from_json(ok.replace('"AAECAw=="', '"AAE*Aw=="'))
    with pytest.raises(GlirError, match="malformed"):
        glir.from_json(b"\xff\xfe{")
    with pytest.raises(GlirError, match="must be a str or bytes"):
        glir.from_json(None)


def test_recorded_streams_still_pass_the_checks(make_canvas):
    """What gloo records is what the format allows: a real frame deserializes unchanged."""
    canvas = make_canvas((32, 24))
    program = gloo.Program(VERT, FRAG)
    program["a_position"] = QUAD
    program["u_color"] = (0.25, 0.5, 0.75, 1.0)
    texture = gloo.Texture2D(np.zeros((4, 4, 3), np.uint8))
    fbo = gloo.FrameBuffer(texture)

    def frame(event):
        gloo.set_state("translucent", cull_face="front_and_back", polygon_offset=(1, 1))
        gloo.clear(color="black", depth=True)
        with fbo:
            program.draw("triangle_strip")
        gloo.set_state(cull_face=False, polygon_offset=None)
        program.draw("triangles", np.array([0, 1, 2], np.uint16))

    canvas.events.draw.connect(frame)
    with canvas.record() as rec:
        canvas.render()
    commands = rec.commands
    assert {c[0] for c in commands} >= {Cmd.CREATE, Cmd.SHADERS, Cmd.DRAW, Cmd.ATTACH, Cmd.FUNC}
    assert [glir.check_command(c) for c in commands]
    assert len(glir.from_json(glir.to_json(commands))) == len(commands)


# ---- replay: the canvas's state snapshot is not poisoned --------------------------------


def _draw_quad(canvas, color=(1.0, 0.4, 0.0, 1.0)):
    # 0.4 x 255 is 102.0: exact under any rounding (0.5 gives 127 on NVIDIA, 128 on Mesa)
    program = gloo.Program(VERT, FRAG)
    program["a_position"] = QUAD
    program["u_color"] = color

    def frame(event):
        gloo.clear(color="black")
        program.draw("triangle_strip")

    canvas.events.draw.connect(frame)
    return program


def test_rejected_commands_do_not_poison_the_state_snapshot(make_canvas, tmp_path):
    canvas = make_canvas((32, 24))
    _draw_quad(canvas)
    reference = canvas.render()
    with pytest.raises(GlirError, match="'Bogus'"):
        canvas.replay([(Cmd.CREATE, 5, "Bogus")])
    assert canvas.export_html(tmp_path / "bogus.html").exists()  # was KeyError: 'Bogus'
    with pytest.raises(GlirError, match="CREATE's id"):
        canvas.replay([(Cmd.CREATE, "x", "VertexBuffer")])
    assert canvas.export_html(tmp_path / "string-id.html").exists()
    with pytest.raises(GlirError, match="no object with id 12345"):
        canvas.replay([(Cmd.SIZE, 12345, 64)])
    kinds = {c[2] for c in canvas.context.state.commands() if c[0] == Cmd.CREATE}
    assert kinds == {"Program", "VertexBuffer"}
    assert np.array_equal(canvas.render(), reference)


def test_a_failing_command_stays_out_of_the_snapshot_the_others_enter(canvas):
    with pytest.raises(GlirError, match="frame buffer is incomplete"):
        canvas.replay(
            [
                (Cmd.CREATE, 1, "VertexBuffer"),
                (Cmd.SIZE, 1, 16),
                (Cmd.CREATE, 2, "FrameBuffer"),
                (Cmd.FRAMEBUFFER, 2, True),  # incomplete: fails, the rest still runs
                (Cmd.DATA, 1, 0, np.zeros(4, np.float32)),
            ]
        )
    ids = canvas._replays.ids
    state = canvas.context.state.commands()
    assert (Cmd.SIZE, ids[1], 16) in state and any(c[0] == Cmd.DATA for c in state)
    assert [c for c in state if c[0] == Cmd.FRAMEBUFFER] == []
    assert canvas.render().shape == (48, 64, 4)


def test_replay_of_malformed_commands_raises_glir_error_and_runs_nothing(canvas):
    before = canvas.interpreter.live_objects
    for stream in ([()], [("DRAW",)], [None], [(Cmd.CREATE, 1, "Program"), ("DELETE",)], 7):
        with pytest.raises(GlirError, match="GLIR command|nothing was replayed"):
            canvas.replay(stream)
    assert canvas.interpreter.live_objects == before  # the good CREATE did not run either


# ---- replay: its own id space -------------------------------------------------------------


def test_a_replayed_id_never_collides_with_the_next_gloo_object(make_canvas):
    canvas = make_canvas((32, 24))
    upcoming = new_id() + 1  # the id gloo hands out next
    canvas.replay([(Cmd.CREATE, upcoming, "VertexBuffer"), (Cmd.SIZE, upcoming, 64)])
    _draw_quad(canvas)  # without the remapping, its program took `upcoming`
    image = canvas.render()  # raised "object ... already exists"
    assert tuple(image[12, 16]) == (255, 102, 0, 255)


def test_a_replayed_delete_cannot_reach_the_canvas_objects(make_canvas):
    canvas = make_canvas((32, 24))
    program = _draw_quad(canvas)
    reference = canvas.render()
    buffer_id = program._auto["a_position"].id
    for target in (program.id, buffer_id):
        with pytest.raises(GlirError, match=f"no object with id {target} in the replayed"):
            canvas.replay([(Cmd.DELETE, target)])
    with pytest.raises(GlirError, match=f"no object with id {buffer_id} in the replayed"):
        canvas.replay(
            [
                (Cmd.CREATE, 9, "Program"),
                (Cmd.ATTRIBUTE, 9, "a_position", "vec2", buffer_id, "float32", 2, 0, 0, 0, False),
            ]
        )
    assert np.array_equal(canvas.render(), reference)  # the DELETE broke every later render


def test_a_recording_replays_in_several_calls_and_again_after_a_reset(make_canvas):
    source = make_canvas((32, 24))
    _draw_quad(source, color=(0.0, 0.0, 1.0, 1.0))
    source.render()
    with source.record() as rec:
        expected = source.render()
    request = rec.frame_commands[-1][1]
    canvas = make_canvas((32, 24))
    _draw_quad(canvas)  # its own quad, orange
    own = canvas.render()
    live = canvas.interpreter.live_objects
    assert canvas.replay(rec.setup_commands) == {}
    replies = canvas.replay(rec.frame_commands)  # ids from the first call are known
    assert list(replies) == [request]  # the stream's request id
    assert np.array_equal(replies[request], expected)
    assert np.array_equal(canvas.replay(rec.frame_commands)[request], expected)
    with pytest.raises(GlirError, match="already exists"):
        canvas.replay(rec.setup_commands)
    canvas.reset_replay()
    assert canvas.interpreter.live_objects == live
    assert np.array_equal(canvas.replay(rec.commands)[request], expected)
    assert np.array_equal(canvas.render(), own)


# ---- replay: its own GL state -------------------------------------------------------------


def test_gl_state_and_frame_buffers_of_a_replay_do_not_leak(make_canvas):
    canvas = make_canvas((32, 24))
    _draw_quad(canvas)
    reference = canvas.render()
    canvas.replay(
        [
            (Cmd.FUNC, 0, "colorMask", False, True, False, True),
            (Cmd.FUNC, 0, "enable", "scissor_test"),
            (Cmd.FUNC, 0, "scissor", 0, 0, 1, 1),
            (Cmd.FUNC, 0, "stencilFuncSeparate", "front_and_back", "never", 1, 255),
            (Cmd.FUNC, 0, "enable", "stencil_test"),
            (Cmd.FUNC, 0, "clearColor", 0.0, 1.0, 0.0, 1.0),
            (Cmd.FUNC, 0, "viewport", 0, 0, 2, 2),
        ]
    )
    assert np.array_equal(canvas.render(), reference)
    canvas.replay(
        [
            (Cmd.CREATE, 1, "Texture2D"),
            (Cmd.SIZE, 1, (24, 32), "rgba", "rgba8"),
            (Cmd.CREATE, 2, "FrameBuffer"),
            (Cmd.ATTACH, 2, "color0", 1),
            (Cmd.FRAMEBUFFER, 2, True),  # left bound
        ]
    )
    assert np.array_equal(canvas.render(), reference)
    # ... while the stream keeps its own state from call to call
    (image,) = canvas.replay(
        [(Cmd.FUNC, 0, "clear", "color"), (Cmd.READ_PIXELS, 3, (0, 0, 32, 24), "rgba", "uint8")]
    ).values()
    # green through colorMask (G and A only) into the 1x1 scissor box at the bottom left
    assert tuple(image[23, 0]) == (255, 255, 0, 255)
    assert tuple(image[0, 0]) == (255, 102, 0, 255)  # outside the box: the canvas's frame
    assert np.array_equal(canvas.render(), reference)
