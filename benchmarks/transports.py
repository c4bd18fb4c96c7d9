"""Transport encodings: bytes on the wire, encode and decode time, per encoding.

Two payloads, each one GLIR DATA command: 1M points normally distributed,
(1_000_000, 2) float32 (8 MB), and a 2048x2048 RGB uint8 texture of a smooth
field with a little noise (12 MB, like a microscopy or satellite image). For
each encoding of ``glframe.backends.web`` (``ENCODINGS``: binary, base64, deflate
with byte shuffling, png) the wire size is the JSON header plus the buffers (or the
JSON string alone for base64); times are medians of ``--repeat`` runs.

Run: ``.venv/bin/python benchmarks/transports.py [--repeat 3]``; ``--quick`` (what
the test suite runs): 10k points and a 128x128 texture, one run each.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from glframe.backends.web import ENCODINGS, decode, encode
from glframe.gloo import Cmd, glir


def payloads(points: int = 1_000_000, side: int = 2048) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    xy = rng.normal(size=(points, 2)).astype(np.float32)
    y, x = np.mgrid[0:side, 0:side] / side
    field = np.stack([np.sin(6 * x + 3 * y), np.cos(5 * y - 2 * x), np.sin(9 * x * y)], -1)
    texture = ((field + 1) * 110 + rng.normal(0, 4, field.shape)).clip(0, 255).astype(np.uint8)
    count = f"{points // 1_000_000}M" if points % 1_000_000 == 0 else f"{points / 1e3:g}k"
    return {f"{count} points float32": xy, f"{side}x{side} RGB uint8": texture}


def wire_size(header: dict, buffers: list) -> int:
    return len(json.dumps(header, separators=(",", ":"))) + sum(len(memoryview(b)) for b in buffers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, help="runs per encoding (default 3)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="10k points, a 128x128 texture, one run (the test suite runs this)",
    )
    args = parser.parse_args()
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    sizes = {"points": 10_000, "side": 128} if args.quick else {}
    print(
        f"{'payload':22s} {'encoding':9s} {'MB on wire':>10s} {'ratio':>6s} "
        f"{'encode ms':>10s} {'decode ms':>10s}"
    )
    for name, array in payloads(**sizes).items():
        header, buffers = glir.serialize([(Cmd.DATA, 1, 0, array)])
        for encoding in ENCODINGS:
            enc_t, dec_t = [], []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                wire_header, wire = encode(header, buffers, encoding)
                if encoding == "base64":
                    text = json.dumps(wire_header)
                t1 = time.perf_counter()
                decode(json.loads(text) if encoding == "base64" else wire_header, wire)
                t2 = time.perf_counter()
                enc_t.append(t1 - t0)
                dec_t.append(t2 - t1)
            size = len(text) if encoding == "base64" else wire_size(wire_header, wire)
            print(
                f"{name:22s} {encoding:9s} {size / 1e6:10.2f} {size / array.nbytes:6.3f} "
                f"{statistics.median(enc_t) * 1e3:10.1f} {statistics.median(dec_t) * 1e3:10.1f}"
            )


if __name__ == "__main__":
    main()
