"""Live data, the producer side: a sinusoid family and a moving 10k-point cloud, logged.

``python examples/stream/log_demo.py [--store runs/] [--scope demo] [--seconds 30]``
logs, for that long, 50 steps a second: five sinusoids (``sin/0`` .. ``sin/4``, one
``(x, y)`` row per step each) and, every 10th step, a 10,000-point cloud
(``cloud``: ``x``, ``y`` arrays) drifting on a circle. ``stream.Logger`` buffers
the writes and flushes them in the background; any other process can read the
store meanwhile (``stream.fetch(store, scope, name, since=cursor)``). Start it twice
with different ``--scope`` values to watch two producers share one store.

In the gallery, 200 steps are logged at once into a temporary store, read back
(``stream.fetch_columns``, ``stream.fetch``) and plotted: the sinusoids as lines,
the last cloud as points. To watch a run live, start ``python -m glframe stream serve
runs/`` beside it (``examples/stream/demo.py`` starts both).
"""

from __future__ import annotations

import argparse
import tempfile
import time

import numpy as np

from glframe import plot, stream

STEPS_PER_SECOND = 50
FREQUENCIES = (0.2, 0.35, 0.5, 0.8, 1.3)  # Hz, one per sinusoid
CLOUD_EVERY = 10  # steps
CLOUD_POINTS = 10_000


def cloud(step: int) -> tuple[np.ndarray, np.ndarray]:
    """The cloud at ``step``: a Gaussian blob whose centre runs round a circle."""
    rng = np.random.default_rng(step)
    angle = 2 * np.pi * step / 500
    xy = rng.normal(0, 0.25, (CLOUD_POINTS, 2)).astype(np.float32)
    xy[:, 1] *= 0.5 + 0.4 * np.sin(angle)  # it breathes as it moves
    return xy[:, 0] + np.cos(angle), xy[:, 1] + np.sin(angle)


def log_demo(store, scope: str, steps: int, *, realtime: bool = True) -> None:
    """Log ``steps`` steps into ``store``; at 50 steps a second when ``realtime``."""
    with stream.Logger(scope=scope, store=store, flush_every=0.1) as log:
        write_steps(log, steps, realtime=realtime)


def write_steps(log: stream.Logger, steps: int, *, realtime: bool = True) -> None:
    """The config, then ``steps`` steps of sinusoids and clouds (examples/stream/remote_logger.py
    sends the same through a server)."""
    log.write_config({"frequencies": FREQUENCIES, "steps_per_second": STEPS_PER_SECOND})
    start = time.perf_counter()
    for step in range(steps):
        t = step / STEPS_PER_SECOND
        for k, f in enumerate(FREQUENCIES):
            log.write(f"sin/{k}", x=t, y=np.sin(2 * np.pi * f * t + k))
        if step % CLOUD_EVERY == 0:
            x, y = cloud(step)
            log.write("cloud", x=x, y=y, step=step)
        if realtime:  # keep to the wall clock, without drifting
            time.sleep(max(0.0, start + (step + 1) / STEPS_PER_SECOND - time.perf_counter()))


def figure_of(store, scope: str, title: str = "log_demo"):
    """What the store holds, read back and plotted (no live updates)."""
    fig, (left, right) = plot.subplots(1, 2, size=(760, 360), backend="auto", title=title)
    for k in range(len(FREQUENCIES)):
        sin = stream.fetch_columns(store, scope, f"sin/{k}")  # one array per column
        left.plot(sin["x"], sin["y"], label=f"sin/{k}")
    left.set_title("sinusoids")
    left.set_xlabel("t (s)")
    clouds = stream.fetch(store, scope, "cloud")
    last = clouds[max(clouds)]
    right.scatter(last["x"], last["y"], size=2, color=(0.3, 0.6, 1.0, 0.5))
    right.set_title(f"cloud, step {int(last['step'])}")
    return fig


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="runs/", help="the store directory")
    parser.add_argument("--scope", default="demo", help="the scope to log into")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long to log")
    args = parser.parse_args()
    steps = int(args.seconds * STEPS_PER_SECOND)
    print(f"logging {steps} steps into {args.store} (scope {args.scope!r}) ...")
    log_demo(args.store, args.scope, steps)
    counts = {
        n: len(stream.fetch(args.store, args.scope, n))
        for n in stream.names(args.store, args.scope)
    }
    print(f"done, rows per name: {counts}")
elif __name__ == "__gallery__":  # a quick, deterministic run into a temporary store
    STORE = tempfile.mkdtemp(prefix="glframe-log-demo-")
    log_demo(STORE, "demo", 200, realtime=False)
    canvas = figure_of(STORE, "demo").canvas
