"""What travels between a page and a remote session: websocket framing and frame images.

- :func:`pack` / :func:`unpack`: one binary websocket message per glframe
  message with buffers, ``[u32 header length][header JSON][u32 length, bytes]*``
  (little-endian); remote.js has the same pair. A message without buffers
  travels as JSON text.
- :func:`read_message`: a message from a browser, size-checked and decoded,
  or a :class:`MessageError` naming what is wrong; :func:`ws_message` the
  other way (binary or text), and :func:`forget_write` for the future of a
  write to a socket that may close meanwhile.
- :func:`encode_image`: a rendered frame as JPEG (while moving) or PNG (exact).
"""

from __future__ import annotations

import io
import json
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np

try:  # the fast JPEG encoder (the notebook extra installs it)
    import simplejpeg as _simplejpeg
except ImportError:  # pragma: no cover - Pillow then
    _simplejpeg = None

__all__ = [
    "pack",
    "unpack",
    "read_message",
    "ws_message",
    "forget_write",
    "MessageError",
    "encode_image",
]


def encode_image(image: np.ndarray, fmt: str, quality: int = 80) -> bytes:
    """JPEG (lossy, RGB, 4:2:0) or PNG (exact) bytes of an (h, w, 4) uint8 frame.

    JPEG goes through simplejpeg (libjpeg-turbo, straight from RGBA) when it is
    installed, about 4x faster than Pillow's for an 800x600 frame, else Pillow.
    """
    if fmt == "jpeg" and _simplejpeg is not None:
        return _simplejpeg.encode_jpeg(
            np.ascontiguousarray(image), quality=int(quality), colorspace="RGBA",
            colorsubsampling="420",
        )  # fmt: skip
    from PIL import Image

    out = io.BytesIO()
    if fmt == "jpeg":
        Image.fromarray(np.ascontiguousarray(image[..., :3])).save(
            out, "JPEG", quality=int(quality), optimize=False
        )
    else:
        Image.fromarray(image).save(out, "PNG", compress_level=1)
    return out.getvalue()


def pack(header: dict, buffers: Sequence) -> bytes:
    """One websocket binary message: [u32 header length][header JSON][u32 length, bytes]*.

    Little-endian lengths; the browser's ``unpack`` in remote.js is the inverse.
    """
    text = json.dumps(header, separators=(",", ":"), allow_nan=False).encode()
    parts = [struct.pack("<I", len(text)), text]
    for buf in buffers:
        view = memoryview(buf).cast("B")
        parts += [struct.pack("<I", view.nbytes), view]
    return b"".join(parts)


def unpack(data: bytes, *, max_buffers: int = 64) -> tuple[dict, list[bytes]]:
    """Inverse of :func:`pack`; malformed input raises ValueError naming the problem."""
    view = memoryview(data)
    if view.nbytes < 4:
        raise ValueError("message shorter than its 4-byte header length")
    (n,) = struct.unpack_from("<I", view, 0)
    if 4 + n > view.nbytes:
        raise ValueError(f"header length {n} exceeds the message ({view.nbytes} bytes)")
    header = json.loads(bytes(view[4 : 4 + n]))
    buffers, at = [], 4 + n
    while at < view.nbytes:
        if len(buffers) >= max_buffers or at + 4 > view.nbytes:
            raise ValueError("malformed buffer list")
        (length,) = struct.unpack_from("<I", view, at)
        if at + 4 + length > view.nbytes:
            raise ValueError(f"buffer {len(buffers)} of {length} bytes exceeds the message")
        buffers.append(bytes(view[at + 4 : at + 4 + length]))
        at += 4 + length
    return header, buffers


class MessageError(ValueError):
    """A message from a browser that cannot be read; ``kind``: "oversized" or "malformed"."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def read_message(message: str | bytes, max_size: int, *, max_buffers: int = 4) -> tuple[Any, list]:
    """A websocket message from a browser: JSON text, or binary as made by :func:`pack`.

    Raises :class:`MessageError` naming what is wrong (too large, not JSON, bad lengths).
    """
    import json

    if len(message) > max_size:
        raise MessageError("oversized", f"a message of {len(message)} bytes exceeds {max_size}")
    try:
        if isinstance(message, bytes):
            return unpack(message, max_buffers=max_buffers)
        return json.loads(message), []
    except (ValueError, RecursionError) as exc:
        raise MessageError("malformed", f"malformed message: {str(exc)[:200]}") from None


def ws_message(header: dict, buffers: Sequence = (), packed: bytes | None = None) -> str | bytes:
    """A message for the browser as one websocket message: packed bytes with buffers
    (``packed`` if already packed), JSON text without."""
    if packed is not None:
        return packed
    if buffers:
        return pack(header, buffers)
    return json.dumps(header, separators=(",", ":"), allow_nan=False)


def forget_write(future: Any) -> None:
    """Done-callback of a websocket write: a socket that closed meanwhile is expected."""
    if not future.cancelled():
        future.exception()
