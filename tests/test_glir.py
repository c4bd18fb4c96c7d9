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


scalars = st.one_of(
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.text(max_size=20),
    st.none(),
)
arrays = st.sampled_from(glir.DTYPES).flatmap(
    lambda dt: hnp.arrays(np.dtype(dt), hnp.array_shapes(min_dims=0, max_dims=3, max_side=5))
)
values = st.recursive(
    scalars | arrays, lambda inner: st.tuples(inner, inner) | st.tuples(inner), max_leaves=6
)
commands = st.tuples(st.sampled_from(list(Cmd)), st.integers(0, 10**6)).flatmap(
    lambda head: st.lists(values, max_size=5).map(lambda args: (*head, *args))
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
