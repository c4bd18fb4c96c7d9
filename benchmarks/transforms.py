"""CPU map throughput of transform chains, glframe beside vispy.

Maps 1M points (float64, N x 2) through the same chains in both libraries in
one run and prints points per second and the glframe/vispy ratio (> 1:
glframe is faster). Before timing, each pair of results is compared, so the
two libraries are seen to compute the same thing. Chains:

- ``polar ∘ log ∘ ST``: the nonlinear chain of the examples;
- ``ST ∘ matrix ∘ ST``: three linear transforms as given, and the same chain
  simplified (folded into one transform) by each library;
- ``ST ∘ matrix ∘ ST .imap``: the inverse of the linear chain.

Run from the repository root::

    .venv/bin/python benchmarks/transforms.py                # 1M points, best of 5
    .venv/bin/python benchmarks/transforms.py --points 100000 --repeat 10 --no-vispy
    .venv/bin/python benchmarks/transforms.py --quick        # 10k points, best of 2

vispy is optional (``.venv/bin/pip install vispy``); without it only
glframe's figures are printed.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial

import numpy as np

from glframe import transforms as gt


def best_time(fn: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` runs, in seconds (after one warm-up run)."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def glframe_chains() -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    nonlinear = (
        gt.PolarTransform()
        * gt.LogTransform(base=(10, 0))
        * gt.STTransform(scale=(0.5, 2.0), translate=(1.0, 0.5))
    )
    linear = (
        gt.STTransform(scale=(2.0, 0.5), translate=(0.1, 0.2))
        * gt.MatrixTransform().rotate(30).translate((1.0, -1.0))
        * gt.STTransform(scale=(3.0, 3.0), translate=(-1.0, 0.0))
    )
    simplified = linear.simplified()
    return {
        "polar ∘ log ∘ ST": nonlinear.map,
        "ST ∘ matrix ∘ ST": linear.map,
        "ST ∘ matrix ∘ ST, simplified": simplified.map,
        "ST ∘ matrix ∘ ST .imap": linear.imap,
    }


def vispy_chains() -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    from vispy.visuals import transforms as vt

    nonlinear = vt.ChainTransform(
        [
            vt.PolarTransform(),
            vt.LogTransform(base=(10, 0, 0)),
            vt.STTransform(scale=(0.5, 2.0), translate=(1.0, 0.5)),
        ]
    )
    # vispy's matrices are transposed (row vectors): build it from glframe's, transposed
    matrix = gt.MatrixTransform().rotate(30).translate((1.0, -1.0)).matrix.T
    linear = vt.ChainTransform(
        [
            vt.STTransform(scale=(2.0, 0.5), translate=(0.1, 0.2)),
            vt.MatrixTransform(matrix),
            vt.STTransform(scale=(3.0, 3.0), translate=(-1.0, 0.0)),
        ]
    )
    simplified = linear.simplified
    return {
        "polar ∘ log ∘ ST": nonlinear.map,
        "ST ∘ matrix ∘ ST": linear.map,
        "ST ∘ matrix ∘ ST, simplified": simplified.map,
        "ST ∘ matrix ∘ ST .imap": linear.imap,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, help="points (default 1M)")
    parser.add_argument("--repeat", type=int, help="timed runs; the best is kept (default 5)")
    parser.add_argument("--no-vispy", action="store_true", help="glframe only")
    parser.add_argument(
        "--quick", action="store_true", help="10k points, best of 2 (the test suite runs this)"
    )
    args = parser.parse_args()
    if args.points is None:
        args.points = 10_000 if args.quick else 1_000_000
    if args.repeat is None:
        args.repeat = 2 if args.quick else 5

    rng = np.random.default_rng(0)
    # positive x (the log axis), in the polar domain after the chain's ST and log
    data = np.c_[rng.uniform(1, 100, args.points), rng.uniform(0.5, 2, args.points)]
    ours = glframe_chains()
    theirs: dict[str, Callable] = {}
    if not args.no_vispy:
        try:
            theirs = vispy_chains()
        except ImportError:
            print("vispy is not installed: glframe only (.venv/bin/pip install vispy)")

    print(f"CPU map of {args.points:,} points (N x 2, float64), best of {args.repeat}")
    head = f"{'chain':32s} {'glframe pts/s':>15s}"
    if theirs:
        head += f" {'vispy pts/s':>15s} {'ratio':>7s} {'max |diff|':>11s}"
    print(head)
    for name, fn in ours.items():
        mine = best_time(partial(fn, data), args.repeat)
        line = f"{name:32s} {args.points / mine:15.3e}"
        if name in theirs:
            other = theirs[name]
            diff = np.abs(np.asarray(other(data))[:, :2] - fn(data)).max()
            their = best_time(partial(other, data), args.repeat)
            line += f" {args.points / their:15.3e} {their / mine:7.2f} {diff:11.1e}"
        print(line)
    if theirs:
        print("ratio: vispy time / glframe time; diff: vispy keeps its parameters in float32")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
