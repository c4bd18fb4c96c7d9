"""Live data from another machine: a Logger that sends its rows to a stream server.

On the machine with the store::

    python -m glframe stream serve runs/ --host 0.0.0.0      # prints its token

On the producer's machine (it needs numpy and glframe only, no tornado)::

    python examples/stream/remote_logger.py --address server:8766 --token TOKEN

logs, for ``--seconds`` (30), 50 steps a second: five sinusoids (``sin/0`` ..
``sin/4``) and, every 10th step, a drifting 10,000-point cloud (``cloud``), into
scope ``--scope`` (``remote``). ``stream.Logger(scope, address=..., token=...)``
sends each flush as one HTTP POST from its flush thread: ``write`` never waits for
the network, a server that is down is retried (the rows are kept), and ``close``
says how many rows could not be sent. Stop the server for a few seconds while this
runs: the rows written meanwhile arrive once it is back. Without ``--address`` a
server is started in this process over a temporary store.

In the gallery, 200 steps are sent at once to a server started in this process,
then read back from its store and plotted: the sinusoids as lines, the last cloud
as points.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import threading
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
    return xy[:, 0] + np.cos(angle), xy[:, 1] * 0.6 + np.sin(angle)


def produce(address: str, token: str | None, scope: str, steps: int, realtime: bool) -> int:
    """Send ``steps`` steps to the server at ``address``; the rows it could not take."""
    log = stream.Logger(scope=scope, address=address, token=token, flush_every=0.1)
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
    return log.close()  # waits for the server to acknowledge (up to the timeout)


def start_server(directory: str):
    """A stream server's intake (what ``stream serve`` mounts) on a free loopback port,
    on a thread of this process: its address, its store, and a function that stops it."""
    import tornado.httpserver
    import tornado.netutil
    import tornado.web

    from glframe.stream._ingest import ingest_routes

    store = stream.StreamStore(directory)
    routes = ingest_routes(store, token="unused-on-loopback", require_token=False)
    sockets = tornado.netutil.bind_sockets(0, address="127.0.0.1")
    ready, stop = threading.Event(), []

    async def run() -> None:
        server = tornado.httpserver.HTTPServer(tornado.web.Application(routes))
        server.add_sockets(sockets)
        done, loop = asyncio.Event(), asyncio.get_running_loop()
        stop.append(lambda: loop.call_soon_threadsafe(done.set))
        ready.set()
        await done.wait()
        server.stop()
        await server.close_all_connections()

    thread = threading.Thread(target=asyncio.run, args=(run(),), name="stream-server")
    thread.start()
    ready.wait()

    def close() -> None:
        stop[0]()
        thread.join()
        store.close()

    return f"127.0.0.1:{sockets[0].getsockname()[1]}", store, close


def figure_of(store, scope: str):
    """What the server stored, read back and plotted (no live updates)."""
    fig, (left, right) = plot.subplots(1, 2, size=(760, 360), backend="auto", title="remote")
    for k in range(len(FREQUENCIES)):
        sin = stream.fetch_columns(store, scope, f"sin/{k}")
        left.plot(sin["x"], sin["y"], label=f"sin/{k}")
    left.set_title("sinusoids, sent over HTTP")
    left.set_xlabel("t (s)")
    clouds = stream.fetch(store, scope, "cloud")
    last = clouds[max(clouds)]
    right.scatter(last["x"], last["y"], size=2, color=(1.0, 0.5, 0.2, 0.5))
    right.set_title(f"cloud, step {int(last['step'])}")
    return fig


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", help="the stream server's host:port (default: start one)")
    parser.add_argument("--token", default=None, help="the server's token (off loopback)")
    parser.add_argument("--scope", default="remote", help="the scope to log into")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long to log")
    args = parser.parse_args()
    address, store, close = args.address, None, None
    if address is None:
        address, store, close = start_server(tempfile.mkdtemp(prefix="glframe-remote-"))
        print(f"no --address: serving a temporary store at {address}")
    steps = int(args.seconds * STEPS_PER_SECOND)
    print(f"sending {steps} steps to {address} (scope {args.scope!r}) ...")
    unsent = produce(address, args.token, args.scope, steps, realtime=True)
    print(f"done, {unsent} rows could not be sent")
    if store is not None:
        names = stream.names(store, args.scope)
        print("rows per name:", {n: len(stream.fetch(store, args.scope, n)) for n in names})
        close()
elif __name__ == "__gallery__":  # a quick, deterministic run through a server in this process
    ADDRESS, STORE, CLOSE = start_server(tempfile.mkdtemp(prefix="glframe-remote-"))
    try:
        assert produce(ADDRESS, None, "remote", 200, realtime=False) == 0
        canvas = figure_of(STORE, "remote").canvas
    finally:
        CLOSE()
