"""Transport encodings: exact round trips, sizes, and clear errors for bad messages."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from glframe.backends.web import ENCODINGS, TransportError, decode, encode, shuffle
from glframe.gloo import Cmd, glir


def frame(*arrays):
    return glir.serialize([(Cmd.DATA, i + 1, 0, a) for i, a in enumerate(arrays)])


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(
        st.sampled_from(["uint8", "float32", "int16", "float16"]),
        hnp.array_shapes(max_dims=3, max_side=40),
    ),
    st.sampled_from(ENCODINGS),
)
def test_every_encoding_round_trips(array, encoding):
    header, buffers = frame(array)
    wire_header, wire_buffers = encode(header, buffers, encoding, min_size=16)
    wire_header = json.loads(json.dumps(wire_header))  # what crosses the wire
    back_header, back_buffers = decode(wire_header, [bytes(b) for b in wire_buffers])
    (cmd,) = glir.deserialize(back_header, back_buffers)
    assert cmd[3].dtype == array.dtype and cmd[3].tobytes() == array.tobytes()


def test_png_for_images_and_deflate_for_floats():
    image = (np.indices((64, 64, 3)).sum(0) % 256).astype(np.uint8)
    points = np.random.default_rng(0).normal(size=(100_000, 2)).astype(np.float32)
    header, buffers = frame(image, points)
    wire_header, wire = encode(header, buffers, "png")
    assert wire_header["encoding"] == ["png", {"deflate": 4, "columns": 2}]
    assert bytes(wire[0][:8]) == b"\x89PNG\r\n\x1a\n"
    assert len(wire[1]) < 0.9 * points.nbytes  # shuffled floats compress
    _, back = decode(wire_header, wire)
    assert back[0] == image.tobytes() and back[1] == points.tobytes()


def test_shuffle_helps_floats():
    import zlib

    data = np.random.default_rng(1).normal(size=250_000).astype(np.float32).tobytes()
    assert len(zlib.compress(shuffle(data, 4))) < 0.93 * len(zlib.compress(data))


@pytest.mark.parametrize(
    "header, buffers, match",
    [
        ("nope", [], "must be a JSON object"),
        ({"buffers": "abc"}, None, "list of base64"),
        ({"buffers": ["@@@"]}, None, "base64 buffer is malformed"),
        ({"encoding": ["raw"]}, [], "one entry per buffer"),
        ({"encoding": [{"deflate": 4}]}, [b"not zlib"], r"buffer 0 .* cannot be decoded"),
        ({"encoding": ["zstd"]}, [b"x"], "unknown encoding 'zstd'"),
    ],
)
def test_malformed_messages_are_named(header, buffers, match):
    with pytest.raises(TransportError, match=match):
        decode(header, buffers)
