"""Live data, the viewer in Python: ``stream.view`` follows a store while a Logger writes.

``python examples/stream/view_demo.py [--store DIR] [--seconds 60]`` starts a Logger
thread that writes, 50 steps a second, two sinusoids (``sin/slow``, ``sin/fast``: one
``(x, y)`` row per step) and a noisy decaying loss (``loss``: ``step``, ``value``),
and opens a window on ``stream.view(store, rows=[["sin/.*"], ["loss"]],
axes=["lin", "ylog"], window=[10, None])``: the top axes shows the sinusoids, the
bottom one the loss on a log scale. Every 0.1 s the view reads only the rows flushed
since its last poll and appends them to ring-buffered lines; both axes follow the
newest data (x: the last 10 s of the sinusoids, every step of the loss kept; y fitted
to what is shown). Drag or wheel an axes to look back: that axes stops following;
press F to follow again. The store is a temporary directory unless ``--store`` names
one (then ``stream.view("DIR")`` in a notebook or another process watches it too).

In the gallery, 600 steps (12 s) are logged at once, the view polls once and that
frame is drawn.
"""

from __future__ import annotations

import argparse
import atexit
import shutil
import tempfile
import threading
import time

import numpy as np

import glframe
from glframe import stream

STEPS_PER_SECOND = 50


def write_step(log: stream.Logger, step: int, rng: np.random.Generator) -> None:
    """Log one step: the two sinusoids at time ``step / 50`` s and the loss."""
    t = step / STEPS_PER_SECOND
    log.write("sin/slow", x=t, y=np.sin(2 * np.pi * 0.15 * t))
    log.write("sin/fast", x=t, y=0.5 * np.sin(2 * np.pi * 0.7 * t + 1.0))
    log.write("loss", step=step, value=2.0 / (1 + step / 40) * np.exp(rng.normal(0, 0.08)))


def produce(store: str, first: int, steps: int | None, stop: threading.Event) -> None:
    """Log ``steps`` steps from ``first`` on (None: until ``stop``), 50 a second."""
    rng = np.random.default_rng(first)
    with stream.Logger("demo", store, flush_every=0.05) as log:
        step = first
        while not stop.is_set() and (steps is None or step < first + steps):
            write_step(log, step, rng)
            step += 1
            time.sleep(1 / STEPS_PER_SECOND)


parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--store", help="the store's directory (default: a temporary one)")
parser.add_argument("--seconds", type=float, default=60.0, help="how long to log")
args = parser.parse_args([] if __name__ != "__main__" else None)
store = args.store or tempfile.mkdtemp(prefix="glframe-view-demo-")
if not args.store:
    atexit.register(shutil.rmtree, store, True)

GALLERY_STEPS = 600
rng = np.random.default_rng(0)
with stream.Logger("demo", store, flush_every=None) as log:  # a fixed start: 12 s
    for step in range(GALLERY_STEPS):
        write_step(log, step, rng)

fig = stream.view(
    store,
    rows=[["sin/.*"], ["loss"]],
    axes=["lin", "ylog"],
    window=[10, None],  # the sinusoids: the last 10 s; the loss: every step kept
    size=(720, 480),
    backend="auto",
)
fig.axes[0].set_xlabel("time (s)")
fig.axes[1].set_xlabel("step")
canvas = fig.canvas  # the gallery renders this: the view after one poll


@canvas.connect
def on_key_press(event):
    if event.key == "F":
        fig.follow()


if __name__ == "__main__":
    stop = threading.Event()
    steps = int(args.seconds * STEPS_PER_SECOND)
    producer = threading.Thread(
        target=produce, args=(store, GALLERY_STEPS, steps, stop), daemon=True
    )
    producer.start()
    fig.start()  # poll every 0.1 s while the loop runs
    glframe.app.show(canvas, __file__)
    stop.set()
    producer.join()
