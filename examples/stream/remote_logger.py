"""Live data from another machine: a Logger that sends its rows to a stream server.

On the machine with the store::

    python -m glframe stream serve runs/ --host 0.0.0.0   # its URL shows ?token=...

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
then read back from its store and plotted as ``log_demo.py`` plots its store (the
steps and the figure are that example's).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
from pathlib import Path

from glframe import stream

sys.path.insert(0, str(Path(__file__).resolve().parent))  # log_demo.py, beside this one
from log_demo import figure_of, write_steps  # noqa: E402


def produce(address: str, token: str | None, scope: str, steps: int, realtime: bool) -> int:
    """Send ``steps`` steps to the server at ``address``; the rows it could not take."""
    log = stream.Logger(scope=scope, address=address, token=token, flush_every=0.1)
    write_steps(log, steps, realtime=realtime)  # log_demo's steps, not one line changed
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
    steps = int(args.seconds * 50)  # 50 steps a second
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
        canvas = figure_of(STORE, "remote", title="remote_logger").canvas
    finally:
        CLOSE()
