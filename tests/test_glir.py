"""The GLIR serializer: exact round trips (binary and base64 forms), and its errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from glframe.gloo import glir
from glframe.gloo.glir import Cmd, GlirError


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and a.tobytes() == b.tobytes()
        )
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b or (isinstance(a, Cmd) and a == b)


arrays = st.sampled_from(glir.DTYPES).flatmap(
    lambda dt: hnp.arrays(np.dtype(dt), hnp.array_shapes(min_dims=0, max_dims=3, max_side=5))
)
# Commands as the format allows them (deserialize checks each one), with values of
# every kind: ids, ints up to 2^63-1, floats, bools, any text, tuples, arrays.
ids = st.integers(1, 2**53 - 1)
texts = st.text(max_size=20)
floats = st.floats(allow_nan=False, allow_infinity=False)
dims = st.integers(1, 2**31 - 1)


def _cmd(name, *args):
    return st.tuples(st.just(name), ids, *args)


def _tuple(elements, n_min, n_max):
    return st.lists(elements, min_size=n_min, max_size=n_max).map(tuple)


commands = st.one_of(
    _cmd(Cmd.CREATE, st.sampled_from(glir.OBJECT_CLASSES)),
    _cmd(Cmd.DELETE),
    _cmd(Cmd.SIZE, st.integers(0, 2**63 - 1)),
    _cmd(Cmd.SIZE, _tuple(dims, 2, 2), st.sampled_from(glir.RENDERBUFFER_FORMATS)),
    _cmd(
        Cmd.SIZE,
        _tuple(dims, 1, 3),
        st.sampled_from(list(glir.TEXTURE_FORMATS)),
        st.sampled_from(list(glir.INTERNAL_FORMATS)),
    ),
    _cmd(Cmd.DATA, st.integers(0, 2**63 - 1) | _tuple(st.integers(0, 2**31 - 1), 1, 3), arrays),
    _cmd(Cmd.WRAPPING, _tuple(st.sampled_from(glir.WRAPS), 2, 3)),
    _cmd(Cmd.INTERPOLATION, st.sampled_from(glir.FILTERS), st.sampled_from(glir.FILTERS)),
    _cmd(Cmd.SHADERS, st.text(), st.text()),
    _cmd(Cmd.UNIFORM, texts, st.just("vec2"), _tuple(floats, 1, 4).map(lambda v: v + v)),
    _cmd(Cmd.UNIFORM, texts, st.just("int"), _tuple(st.integers(-(2**31), 2**31), 1, 4)),
    _cmd(Cmd.TEXTURE, texts, ids),
    _cmd(
        Cmd.ATTRIBUTE,
        texts,
        st.just("vec3"),
        ids,
        st.sampled_from(glir.DTYPES),
        st.integers(1, 4),
        st.integers(0, 255),
        st.integers(0, 2**63 - 1),
        st.integers(0, 2**32 - 1),
        st.booleans(),
    ),
    _cmd(Cmd.ATTRIBUTE_VALUE, texts, st.just("vec4"), _tuple(floats, 4, 4)),
    _cmd(
        Cmd.DRAW,
        st.sampled_from(glir.DRAW_MODES),
        _tuple(st.integers(0, 2**31 - 1), 2, 2)
        | st.tuples(ids, st.sampled_from(["uint8", "uint16", "uint32"]), dims, dims),
        st.integers(0, 2**31 - 1),
    ),
    _cmd(Cmd.ATTACH, st.sampled_from(glir.ATTACHMENTS), st.integers(0, 2**53 - 1)),
    _cmd(Cmd.FRAMEBUFFER, st.booleans()),
    st.tuples(st.just(Cmd.FUNC), st.just(0), st.just("clearColor"), floats, floats, floats, floats),
    st.tuples(st.just(Cmd.FUNC), st.just(0), st.just("colorMask"), *[st.booleans()] * 4),
    _cmd(
        Cmd.READ_PIXELS,
        st.tuples(st.integers(-(2**31), 2**31 - 1), st.integers(-(2**31), 2**31 - 1), dims, dims),
        st.sampled_from(list(glir.READ_FORMATS)),
        st.sampled_from(glir.READ_DTYPES),
    ),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(commands, max_size=8))
def test_round_trip_is_exact(cmds):
    header, buffers = glir.serialize(cmds)
    json.dumps(header, allow_nan=False)  # the header is plain JSON
    back = glir.deserialize(json.loads(json.dumps(header)), [bytes(b) for b in buffers])
    assert len(back) == len(cmds)
    assert all(_same(tuple(a), tuple(b)) for a, b in zip(back, cmds))
    again = glir.from_json(glir.to_json(cmds))
    assert all(_same(tuple(a), tuple(b)) for a, b in zip(again, cmds))


def test_arrays_are_referenced_not_copied():
    data = np.arange(1000, dtype=np.float32)
    header, buffers = glir.serialize([(Cmd.DATA, 3, 0, data)])
    assert header["commands"][0][3] == {"buffer": 0, "dtype": "float32", "shape": [1000]}
    assert np.shares_memory(np.frombuffer(buffers[0], np.float32), data)
    back = glir.deserialize(header, buffers)[0][3]
    assert np.shares_memory(back, data)  # and deserialization views them too


def test_non_contiguous_and_big_endian_arrays_travel_as_little_endian():
    data = np.arange(12, dtype=">i4").reshape(3, 4)[:, ::2]
    (cmd,) = glir.deserialize(*glir.serialize([(Cmd.DATA, 1, 0, data)]))
    assert cmd[3].dtype == np.dtype("<i4") and cmd[3].tolist() == data.tolist()


def test_version_and_malformed_streams_are_named():
    header, buffers = glir.serialize([(Cmd.DELETE, 1)])
    with pytest.raises(GlirError, match="version 99"):
        glir.deserialize({**header, "version": 99}, buffers)
    with pytest.raises(GlirError, match="unknown GLIR command 'EXPLODE'"):
        glir.deserialize({"version": glir.GLIR_VERSION, "commands": [["EXPLODE", 1]]}, [])
    bad = {
        "version": glir.GLIR_VERSION,
        "commands": [["DATA", 1, 0, {"buffer": 2, "dtype": "float32", "shape": [1]}]],
    }
    with pytest.raises(GlirError, match="buffer 2, but there are 0 buffers"):
        glir.deserialize(bad, [])
    bad["commands"][0][3] = {"buffer": 0, "dtype": "float32", "shape": [3]}
    with pytest.raises(GlirError, match="holds 4 bytes"):
        glir.deserialize(bad, [b"\0\0\0\0"])
    bad["commands"][0][3] = {"buffer": 0, "dtype": "float64", "shape": [1]}
    with pytest.raises(GlirError, match="unknown dtype 'float64'"):
        glir.deserialize(bad, [b"\0" * 8])


def test_values_glir_cannot_carry_are_refused():
    with pytest.raises(GlirError, match="non-finite"):
        glir.serialize([(Cmd.UNIFORM, 1, "u", "float", (float("nan"),))])
    with pytest.raises(GlirError, match="float64"):
        glir.serialize([(Cmd.DATA, 1, 0, np.zeros(3))])
    with pytest.raises(GlirError, match="object"):
        glir.serialize([(Cmd.DATA, 1, 0, object())])
