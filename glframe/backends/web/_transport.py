"""The message format of every live transport: a JSON header and binary buffers.

A message is ``(header, buffers)``: ``header`` a JSON-compatible dict (for
GLIR, what :func:`glframe.gloo.glir.serialize` makes), ``buffers`` a list of
bytes-like objects. Each connection picks one encoding:

- ``"binary"`` (default): buffers travel as they are (websocket binary frames,
  Jupyter comm buffers);
- ``"base64"``: buffers are base64 strings inside the JSON (for channels that
  carry text only);
- ``"deflate"``: each buffer larger than ``min_size`` bytes is compressed with
  zlib after a shuffle: an (N, C) array column by column, each column's items
  byte position by byte position (all first bytes, then all second bytes,
  ...): floats compress much better that way, and a constant column to
  nothing. Decoded in a browser with ``DecompressionStream("deflate")``;
- ``"png"``: like deflate, but uint8 images of shape (H, W, 1|3|4) go as PNG
  (what browsers decode natively); other buffers as deflate.

The header says how each buffer was encoded (``header["encoding"]``, one entry
per buffer: ``"raw"``, ``{"deflate": itemsize, "columns": C}`` or ``"png"``), so a decoder
needs no out-of-band agreement.
"""

from __future__ import annotations

import base64
import copy
import io
import zlib
from collections.abc import Sequence

import numpy as np

__all__ = ["ENCODINGS", "encode", "decode", "shuffle", "unshuffle", "TransportError"]

ENCODINGS = ("binary", "base64", "deflate", "png")


class TransportError(ValueError):
    """A message that cannot be decoded; the message says which part and why."""


def shuffle(data: bytes | memoryview, itemsize: int, columns: int = 1) -> bytes:
    """Group bytes that look alike: column by column, then byte position by byte position.

    An (N, C) array of ``itemsize``-byte items becomes, for each of its C
    columns, the first bytes of the column's N items, then the second bytes, ...
    """
    raw = np.frombuffer(data, np.uint8)
    if raw.size % (itemsize * columns):
        return raw.tobytes()
    return raw.reshape(-1, columns, itemsize).transpose(1, 2, 0).tobytes()


def unshuffle(data: bytes | memoryview, itemsize: int, columns: int = 1) -> bytes:
    """Inverse of :func:`shuffle`."""
    raw = np.frombuffer(data, np.uint8)
    if raw.size % (itemsize * columns):
        return raw.tobytes()
    return raw.reshape(columns, itemsize, -1).transpose(2, 0, 1).tobytes()


def _buffer_refs(header: dict) -> dict[int, dict]:
    """Array references of a GLIR header by buffer index (dtype and shape)."""
    refs: dict[int, dict] = {}

    def walk(value) -> None:
        if isinstance(value, dict) and "buffer" in value and "dtype" in value:
            refs[value["buffer"]] = value
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)

    walk(header.get("commands", []))
    return refs


def encode(
    header: dict,
    buffers: Sequence,
    encoding: str = "binary",
    *,
    min_size: int = 1024,
    level: int = 6,
) -> tuple[dict, list]:
    """Encode a message; returns ``(header, buffers)`` (buffers empty for base64)."""
    if encoding not in ENCODINGS:
        raise TransportError(f"unknown encoding {encoding!r}; encodings: {', '.join(ENCODINGS)}")
    if encoding == "binary":
        return header, list(buffers)
    out = dict(header)
    if encoding == "base64":
        out["buffers"] = [base64.b64encode(b).decode("ascii") for b in buffers]
        return out, []
    refs = _buffer_refs(header)
    kinds, encoded = [], []
    for i, buf in enumerate(buffers):
        view = memoryview(buf).cast("B")
        ref = refs.get(i, {})
        dtype = np.dtype(ref.get("dtype", "uint8"))
        shape = ref.get("shape", [])
        if view.nbytes < min_size:
            kinds.append("raw")
            encoded.append(view)
        elif encoding == "png" and dtype == np.uint8 and len(shape) == 3 and shape[2] in (1, 3, 4):
            import imageio.v3 as iio

            image = np.frombuffer(view, np.uint8).reshape(shape)
            kinds.append("png")
            encoded.append(
                iio.imwrite("<bytes>", image[..., 0] if shape[2] == 1 else image, extension=".png")
            )
        else:
            columns = int(np.prod(shape[1:])) if len(shape) > 1 else 1
            kinds.append({"deflate": dtype.itemsize, "columns": columns})
            encoded.append(zlib.compress(shuffle(view, dtype.itemsize, columns), level))
    out["encoding"] = kinds
    return out, encoded


def decode(header: dict, buffers: Sequence | None = None) -> tuple[dict, list]:
    """Inverse of :func:`encode`: ``(header, buffers)`` with raw buffers."""
    if not isinstance(header, dict):
        raise TransportError(f"a message header must be a JSON object, not {type(header).__name__}")
    header = copy.copy(header)
    if "buffers" in header:  # base64
        strings = header.pop("buffers")
        if not isinstance(strings, list):
            raise TransportError("'buffers' must be a list of base64 strings")
        try:
            return header, [base64.b64decode(s, validate=True) for s in strings]
        except (ValueError, TypeError) as exc:
            raise TransportError(f"a base64 buffer is malformed: {exc}") from None
    buffers = list(buffers or [])
    kinds = header.pop("encoding", None)
    if kinds is None:
        return header, buffers
    if not isinstance(kinds, list) or len(kinds) != len(buffers):
        raise TransportError(f"'encoding' must list one entry per buffer ({len(buffers)} buffers)")
    out = []
    for i, (kind, buf) in enumerate(zip(kinds, buffers)):
        try:
            if kind == "raw":
                out.append(buf)
            elif kind == "png":
                import imageio.v3 as iio

                out.append(np.ascontiguousarray(iio.imread(io.BytesIO(bytes(buf)))).tobytes())
            elif isinstance(kind, dict) and "deflate" in kind:
                columns = int(kind.get("columns", 1))
                out.append(unshuffle(zlib.decompress(buf), int(kind["deflate"]), columns))
            else:
                raise TransportError(f"unknown encoding {kind!r}")
        except (zlib.error, OSError, ValueError) as exc:
            raise TransportError(f"buffer {i} ({kind}) cannot be decoded: {exc}") from None
    return header, out
