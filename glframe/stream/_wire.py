"""The remote producers' wire format: one flush of a Logger as one binary body.

A body is a 4-byte little-endian header length ``n``, ``n`` bytes of a UTF-8
JSON object (the header), then the columns' raw C-ordered bytes, row after row
and column after column, with nothing between them::

    {"version": 1, "scope": "run24", "producer": "6f1c...", "batch": 7,
     "layouts": [["loss", [["step", "<i8", []], ["value", "<f8", []]]],
                 ["cloud", [["x", "<f4", [10000]], ["y", "<f4", [10000]]]]],
     "rows": [0, 0, 1, 0],
     "configs": [{"lr": 0.1}]}

``layouts`` lists each distinct row layout once (its name, then its columns'
names, dtypes and shapes); ``rows`` gives the layout of each row in written
order, so a flush of 10,000 scalar rows carries one layout and 10,000 small
integers beside its data, not 10,000 descriptions. A column's byte count is
its dtype's item size times its shape's product: the body holds exactly the
sum of them after the header. ``producer`` and ``batch`` (both or neither) let
the server store a batch once however often it is sent (see ``_ingest``).

Why not Arrow IPC or msgpack: the producer must need nothing but numpy (no
pyarrow, no tornado), the server must check every byte of an untrusted body
before storing anything, and the store keeps columns as dtype, shape and raw
bytes already: this format is that, with a JSON header that any language can
write, and a column reaches the store as a view of the request's bytes.

:func:`decode` checks everything, and refuses with :class:`WireError` (its
message names the row, the column, the rule and the value): a header that is
not a JSON object, an unknown field or version, bad scope, names or column
names (the Logger's rules), a dtype that is not numpy's explicit-byte-order
string of a portable numeric type, a shape that is not a list of sizes, arrays
of different lengths in one row (the Logger's rule, :func:`check_lengths`), a
body whose bytes do not match the header, a config that is not a JSON object.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..data._store import check_column, check_key

__all__ = [
    "CONTENT_TYPE",
    "VERSION",
    "WireError",
    "check_lengths",
    "decode",
    "encode",
    "wire_dtype",
]

#: the Content-Type of a body (a browser cannot send it across sites without asking first)
CONTENT_TYPE = "application/x-glframe-stream"
VERSION = 1
_PREFIX = struct.Struct("<I")
# dtypes whose meaning is the same on every machine: numpy's kind -> item sizes
_PORTABLE = {"b": (1,), "i": (1, 2, 4, 8), "u": (1, 2, 4, 8), "f": (2, 4, 8), "c": (8, 16)}
_MAX_NDIM = 32  # as the store's reader
_FIELDS = {"version", "scope", "producer", "batch", "layouts", "rows", "configs"}


class WireError(ValueError):
    """A body that breaks a rule of the wire format (the server answers 400 with it)."""


def check_lengths(owner: str, shapes: Mapping[str, tuple[int, ...] | None]) -> None:
    """Every non-scalar column of one row has the same length (first axis).

    ``shapes`` maps each column to its shape (None: not known yet). The rule of
    ``Logger.write``, and of the server for a row that came over the wire.
    """
    first = None
    for column, shape in shapes.items():
        if shape is None or len(shape) == 0:
            continue
        if first is None:
            first = (column, shape)
        elif shape[0] != first[1][0]:
            raise ValueError(
                f"{owner}: column {column!r} has {shape[0]} rows (shape {shape}) but "
                f"{first[0]!r} has {first[1][0]} (shape {first[1]}); the arrays of one write "
                f"must have the same length (first axis), scalars aside: split it into "
                f"two names, or pad"
            )


def wire_dtype(dtype: np.dtype) -> str | None:
    """Why ``dtype`` cannot travel (a sentence), or None when it can."""
    sizes = _PORTABLE.get(dtype.kind)
    if sizes is None or dtype.fields is not None or dtype.subdtype is not None:
        return "is not numeric (bool, int, uint, float, complex)"
    if dtype.itemsize not in sizes:
        return (
            f"has {dtype.itemsize}-byte items, which mean different things on different "
            f"machines (long double?); convert it to {dtype.kind}{max(sizes)}"
        )
    return None


def encode(
    scope: str,
    rows: Sequence[tuple[str, Mapping[str, np.ndarray]]],
    configs: Sequence[str] = (),
    *,
    producer: str | None = None,
    batch: int | None = None,
) -> bytes:
    """One body for ``rows`` (``(name, {column: ndarray})``) and ``configs`` (JSON texts).

    The arrays must be numeric with a portable dtype (:func:`wire_dtype`); each
    travels in its own byte order.
    """
    layouts: dict[tuple, int] = {}
    order: list[int] = []
    data: list[Any] = []
    texts: dict[np.dtype, str] = {}  # dtype.str builds a new string at each call
    for name, columns in rows:
        described = []
        for column, array in columns.items():
            if type(array) is not np.ndarray:
                array = np.asarray(array)
            dtype = array.dtype
            text = texts.get(dtype)
            if text is None:
                text = texts[dtype] = dtype.str
            described.append((column, text, array.shape))
            if array.size <= 4096:  # small: a copy is cheaper than a view's bookkeeping
                data.append(array.tobytes())
            else:  # large: the array's own bytes, not copied (when C-ordered)
                data.append(np.ascontiguousarray(array).reshape(-1).view(np.uint8))
        index = layouts.setdefault((name, tuple(described)), len(layouts))
        order.append(index)
    header: dict[str, Any] = {"version": VERSION, "scope": scope}
    if producer is not None:
        header["producer"], header["batch"] = producer, batch
    header["layouts"] = [
        [name, [[c, d, list(s)] for c, d, s in described]] for name, described in layouts
    ]
    header["rows"] = order
    header["configs"] = [json.loads(text) for text in configs]
    text = json.dumps(header, separators=(",", ":"), allow_nan=False).encode()
    return b"".join([_PREFIX.pack(len(text)), text, *data])


def _refuse_constant(value: str) -> None:
    raise WireError(f"the header holds {value}, which is not JSON; send numbers as data")


def decode(
    body: bytes | bytearray | memoryview,
) -> tuple[str, str | None, int | None, list[tuple[str, dict[str, np.ndarray]]], list[str]]:
    """``(scope, producer, batch, rows, configs)`` from a body; :class:`WireError` if it is bad.

    The arrays are read-only views of ``body``; configs are JSON texts again.
    """
    view = memoryview(body).cast("B")
    if len(view) < _PREFIX.size:
        raise WireError(f"the body has {len(view)} bytes, fewer than the 4 of its header length")
    (size,) = _PREFIX.unpack_from(view)
    if size > len(view) - _PREFIX.size:
        raise WireError(
            f"the header length says {size} bytes but the body has only "
            f"{len(view) - _PREFIX.size} after it"
        )
    start = _PREFIX.size + size
    try:
        header = json.loads(
            bytes(view[_PREFIX.size : start]).decode("utf-8"), parse_constant=_refuse_constant
        )
    except WireError:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WireError(f"the header is not UTF-8 JSON ({_short(exc)})") from None
    if not isinstance(header, dict):
        raise WireError(f"the header must be a JSON object, not a {type(header).__name__}")
    unknown = sorted(set(header) - _FIELDS)
    if unknown:
        raise WireError(f"the header has unknown fields {unknown}; it knows {sorted(_FIELDS)}")
    if header.get("version") != VERSION:
        raise WireError(f"version {_show(header.get('version'))} is not {VERSION}, this server's")
    try:
        scope = check_key(header.get("scope"), "scope", "the header")
    except ValueError as exc:
        raise WireError(str(exc)) from None
    producer, batch = _producer(header)
    layouts = _field(header, "layouts")
    order = _field(header, "rows")
    configs = [_config(i, c) for i, c in enumerate(_field(header, "configs"))]
    checked: dict[int, tuple[str, list[tuple[str, np.dtype, tuple[int, ...], int]]]] = {}
    rows = []
    offset, end = start, len(view)
    for r, index in enumerate(order):
        if type(index) is not int or not 0 <= index < len(layouts):
            raise WireError(
                f"row {r}: layout {_show(index)} is not an index into the {len(layouts)} layouts"
            )
        layout = checked.get(index)
        if layout is None:
            layout = checked[index] = _layout(r, index, layouts[index])
        name, columns = layout
        row = {}
        for column, dtype, shape, nbytes in columns:
            if nbytes > end - offset:
                raise WireError(
                    f"row {r} ({name!r}) column {column!r}: {nbytes} bytes of {dtype.str} "
                    f"{list(shape)} go past the body's end ({end - offset} bytes left)"
                )
            array = np.frombuffer(view, dtype, math.prod(shape), offset).reshape(shape)
            row[column] = array
            offset += nbytes
        rows.append((name, row))
    if offset != end:
        raise WireError(
            f"the body has {end - offset} bytes after the last row's data; the header's "
            f"dtypes and shapes must account for every byte"
        )
    unused = sorted(set(range(len(layouts))) - set(checked))
    if unused:
        raise WireError(f"layouts {unused[:10]} are used by no row")
    return scope, producer, batch, rows, configs


def _producer(header: dict) -> tuple[str | None, int | None]:
    producer, batch = header.get("producer"), header.get("batch")
    if producer is None and batch is None:
        return None, None
    if (
        not isinstance(producer, str)
        or not 1 <= len(producer) <= 64
        or not producer.isascii()
        or not producer.replace("-", "").replace("_", "").isalnum()
    ):
        raise WireError(
            f"producer {_show(producer)} must be 1 to 64 letters, digits, '-' or '_' "
            f"(with a batch number)"
        )
    if type(batch) is not int or not 1 <= batch < 2**63:
        raise WireError(f"batch {_show(batch)} must be an int from 1 (with a producer)")
    return producer, batch


def _field(header: dict, key: str) -> list:
    value = header.get(key, [])
    if not isinstance(value, list):
        raise WireError(f"{key} must be a JSON list, not {_show(value)}")
    return value


def _config(i: int, config: object) -> str:
    if not isinstance(config, dict):
        raise WireError(f"config {i} must be a JSON object, not {_show(config)}")
    return json.dumps(config, allow_nan=False)


def _layout(r: int, index: int, layout: object):
    """A layout's name and columns (name, dtype, shape, byte count), every rule checked."""
    owner = f"row {r}"
    if not isinstance(layout, list) or len(layout) != 2 or not isinstance(layout[1], list):
        raise WireError(
            f"{owner}: layout {index} must be [name, [[column, dtype, shape], ...]], "
            f"not {_show(layout)}"
        )
    name, described = layout
    try:
        check_key(name, "name", owner)
    except ValueError as exc:
        raise WireError(str(exc)) from None
    owner = f"row {r} ({name!r})"
    if not described:
        raise WireError(f"{owner}: no columns (layout {index})")
    columns = []
    seen = set()
    for entry in described:
        if not isinstance(entry, list) or len(entry) != 3:
            raise WireError(f"{owner}: a column must be [name, dtype, shape], not {_show(entry)}")
        column, dtype_text, shape = entry
        try:
            check_column(column, owner)
        except ValueError as exc:
            raise WireError(str(exc)) from None
        if column in seen:
            raise WireError(f"{owner} column {column!r}: the column appears twice")
        seen.add(column)
        dtype = _dtype(f"{owner} column {column!r}", dtype_text)
        if (
            not isinstance(shape, list)
            or len(shape) > _MAX_NDIM
            or not all(type(d) is int and 0 <= d < 2**62 for d in shape)
        ):
            raise WireError(
                f"{owner} column {column!r}: shape {_show(shape)} must be a list of at most "
                f"{_MAX_NDIM} sizes (ints >= 0)"
            )
        shape = tuple(shape)
        columns.append((column, dtype, shape, math.prod(shape) * dtype.itemsize))
    try:
        check_lengths(owner, {c: s for c, _, s, _ in columns})
    except ValueError as exc:
        raise WireError(str(exc)) from None
    return name, columns


def _dtype(owner: str, text: object) -> np.dtype:
    """A dtype given as numpy's string with an explicit byte order ('<f4', '|b1', '>i8')."""
    rule = "must be numpy's dtype string with its byte order, like '<f4', '>i8' or '|b1'"
    if not isinstance(text, str) or len(text) > 8:
        raise WireError(f"{owner}: dtype {_show(text)} {rule}")
    try:
        dtype = np.dtype(text)
    except Exception:  # numpy raises TypeError, ValueError, SyntaxError... for odd strings
        raise WireError(f"{owner}: dtype {text!r} {rule}") from None
    why = wire_dtype(dtype)
    if why is not None:
        raise WireError(f"{owner}: dtype {text!r} {why}")
    if dtype.str != text:
        raise WireError(f"{owner}: dtype {text!r} {rule} (this one is {dtype.str!r})")
    return dtype


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 80 else text[:77] + "..."
