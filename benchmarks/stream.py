"""Live data, producer to pixels: glframe's stream viewer against Bokeh's server streaming.

Both pipelines read the same kind of store, written the same way, and differ only from
the store to the page, which is what issue 15 compares:

- **glframe**: ``python -m glframe stream serve STORE --watch 0.01 --pace 0.05 --poll
  0.1``, its plot page (``plot?names=bench&kind=line&capacity=C``) in headless
  Chromium: the producer rings the server's doorbell after each commit
  (``glframe.data.Doorbell``) and the server also looks at the store's commit counter
  every 0.01 s (``data_version()``); it polls when it moved (at most every 0.05 s, at
  least every 0.1 s), and sends only the new points (GLIR partial DATA) to the page,
  where glir.js draws them in WebGL2;
- **Bokeh** (what streamvis is built on): a Bokeh server app (in a subprocess of this
  script) whose periodic callback looks at the same counter every 0.01 s and polls
  the store as glframe's does (``stream.fetch_columns(since=
  cursor)``), then calls ``ColumnDataSource.stream(new, rollover=C)`` on a
  ``figure(output_backend="webgl")`` line of the same size. It learns of a flush
  within 0.01 s (5 ms on average); glframe's server at once (its doorbell: a part of
  glframe a Bokeh app does not have).

A producer process (``stream.Logger(store=...)``, flushed every 0.05 s) writes rows of
``--batch`` points (``x``: the point's number, ``y``: noise) at the offered rate.
Measured, per library, in one run:

- **latency**: ``--probes`` single points written and flushed while nothing else
  moves; from just before ``write()`` (this script's clock) to the second animation
  frame after the page received the message that carried it (page clock: the same
  machine's wall clock), median and p95, and the part of it to the message's arrival.
  Twice: into the plot as the page opened it (a few points: what either page draws is
  then its axes, and the page's frame clock, 60 Hz, is most of the time: a frame's wait
  for the next frame, 0 to 17 ms, and that frame, 17 ms), then into the plot full
  (``--capacity`` points of a random walk written in one row first: the plot a live
  stream shows, what each page draws again for a new point). The watch period
  (0.01 s) is in it for both;
- **sustained rate**: for each offered rate (``--rates``, points per second, for
  ``--seconds``), the points written divided by the time from the first write to the
  page's last data message (the page has everything then: it is measured after the
  producer stops and the page has been quiet for a second), the websocket messages
  the page received per second (Bokeh sends a patch as several messages: header,
  metadata, content, buffers) and how far behind the page ended (``lag``); rates run
  slowest first, and one that breaks the page or the browser ends that library's
  rates ("failed" in the table). **Sustained**: the most points per second delivered
  at a rate whose lag stayed within 1 s. glframe sends a page only the points its
  ring keeps (``capacity``): an append larger than that sends the newest
  ``capacity``, which is all the page could show; Bokeh sends every point and rolls
  over in the page;
- **bytes per point**: websocket bytes the page received during the rate runs, per
  point written;
- **frame time after the long run** (before the rates): ``--duration`` seconds
  (default 20; the issue asks 60 and 600) at ``--long-rate`` points per second
  (default 100,000) in rows of ``--long-batch`` (1,000); the page's
  animation-frame intervals (median, p95) over the 50 seconds up to its first minute
  (the run, when shorter) and its last 50 seconds, the p95 in each of its minutes
  (the trend), and the
  memory: the page's JS heap (``performance.memory``) and the server's resident size,
  at the start and at the end.

A table with both libraries and the glframe/Bokeh ratios closes the run. Goals of issue
15: at least 10x Bokeh's sustained points per second at the same frame rate, latency at
most half of Bokeh's.

Needs Playwright and Chromium (Debian's /usr/bin/chromium, or $GLFRAME_CHROMIUM), and
Bokeh 3 for the peer (the ``bench`` extra; without it glframe is measured alone and the
script says so). ``.venv/bin/python benchmarks/stream.py [--quick]``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("GLFRAME_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-gpu-compositing",  # see notebook.py: SwiftShader's compositing fills the cores
    "--enable-precise-memory-info",
]
SCOPE = NAME = "bench"
POLL = 0.1  # seconds between polls at most, both servers
WATCH = 0.01  # seconds between looks at the store's commit counter, both servers
PACE = 0.05  # seconds between two polls that commits start, at least, both servers
# s of animation frames measured up to the first minute and at the end: 3,000 frames at
# 60 Hz, so that a p95 is not a handful of frames (10 s windows moved it by 15% between
# two windows of one steady run on 2 shared cores)
WINDOW = 50.0
SUSTAINED_LAG = 1.0  # s: a rate is sustained while the page ends at most this far behind
WIDTH, HEIGHT = 800, 400

# Counts the page's websocket messages and the animation frames: installed before any
# script of the page runs, so it sees every socket either library opens.
PAGE_HOOK = """
(() => {
  const bench = { messages: 0, bytes: 0, last: 0, painted: [], received: [], frames: [] };
  window.__bench = bench;
  const now = () => performance.timeOrigin + performance.now();
  const Native = window.WebSocket;
  function Hooked(url, protocols) {
    const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    ws.addEventListener('message', (event) => {
      const data = event.data;
      const n = typeof data === 'string' ? data.length : (data.byteLength ?? data.size ?? 0);
      const t = now();
      bench.messages += 1; bench.bytes += n; bench.last = t;
      bench.received.push(t);
      // the app handles the message after this listener; the second frame after it
      // shows what that handling drew (Bokeh paints in an animation frame of its own)
      requestAnimationFrame(() => requestAnimationFrame(() => bench.painted.push([t, now()])));
    });
    return ws;
  }
  Hooked.prototype = Native.prototype;
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Hooked[k] = Native[k];
  window.WebSocket = Hooked;
  const tick = () => { bench.frames.push(now()); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})();
"""


# ---- the producer (a process of its own) ------------------------------------------------------
def produce(store: str, rate: float, seconds: float, batch: int, start: int) -> None:
    """Write ``rate`` points a second for ``seconds`` in rows of ``batch``; print a summary."""
    import numpy as np

    from glframe import stream

    rng = np.random.default_rng(0)
    log = stream.Logger(SCOPE, store, flush_every=0.05)
    rows = max(1, round(rate * seconds / batch))
    t0 = time.time()
    for row in range(rows):
        x = np.arange(start + row * batch, start + (row + 1) * batch, dtype=np.float64)
        log.write(NAME, x=x, y=rng.random(batch))
        # keep to the offered rate, without drifting
        time.sleep(max(0.0, t0 + (row + 1) * batch / rate - time.time()))
    log.close()
    print(json.dumps({"first": t0, "end": time.time(), "points": rows * batch}), flush=True)


# ---- the Bokeh server (a process of its own) ---------------------------------------------------
def bokeh_server(store: str, port: int, capacity: int) -> None:
    """A Bokeh server app streaming what the store receives into a WebGL line."""
    from bokeh.application import Application
    from bokeh.application.handlers.function import FunctionHandler
    from bokeh.models import ColumnDataSource
    from bokeh.plotting import figure
    from bokeh.server.server import Server

    from glframe import stream

    def document(doc) -> None:
        source = ColumnDataSource({"x": [], "y": []}, name="source")
        fig = figure(width=WIDTH, height=HEIGHT, output_backend="webgl", title="bench")
        fig.line("x", "y", source=source)
        store_ = stream.StreamStore(store, create=False)
        cursor: list[int | None] = [None]

        seen = {"version": None, "polled": 0.0}

        def poll() -> None:
            version, now = store_.data_version(), time.monotonic()
            since = now - seen["polled"]
            if since < POLL and (version == seen["version"] or since < PACE):
                return
            seen["version"], seen["polled"] = version, now
            new = stream.fetch_columns(store_, SCOPE, NAME, since=cursor[0])
            cursor[0] = new.cursor
            if len(new.indexes):
                source.stream({"x": new["x"], "y": new["y"]}, rollover=capacity)

        doc.add_root(fig)
        doc.add_periodic_callback(poll, int(WATCH * 1000))
        doc.on_session_destroyed(lambda context: store_.close())

    origins = [f"127.0.0.1:{port}", f"localhost:{port}"]
    server = Server(
        {"/bench": Application(FunctionHandler(document))},
        port=port,
        address="127.0.0.1",
        allow_websocket_origin=origins,
        websocket_max_message_size=256 * 2**20,
    )
    server.start()
    print("ready", flush=True)
    server.io_loop.start()


# ---- helpers -------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _python(*args: str, **kwargs: Any) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, text=True, **kwargs)


def _wait(check: Any, timeout: float, what: str) -> Any:
    deadline = time.time() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.time() > deadline:
            raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


def _rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (MiB), from /proc."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        if int(entry.name) == pid or parent == pid:
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


@contextlib.contextmanager
def serving(library: str, store: str, capacity: int) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start the library's server over ``store``; yields its page URL and process."""
    port = _free_port()
    if library == "glframe":
        proc = _python(
            "-m", "glframe", "stream", "serve", store, "--port", str(port), "--poll", str(POLL),
            "--watch", str(WATCH), "--pace", str(PACE),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}/plot?names={NAME}&kind=line&capacity={capacity}"
    else:
        proc = _python(
            __file__, "--bokeh-server", store, "--port", str(port), "--capacity", str(capacity),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}/bench"

    def listening() -> bool:
        if proc.poll() is not None:
            raise RuntimeError(f"the {library} server exited: {proc.stderr.read()[-3000:]}")
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    try:
        _wait(listening, 120, f"the {library} server")
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


class Page:
    """The library's page in headless Chromium, with the hook's counters."""

    def __init__(self, browser: Any, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1000, "height": 700})
        self.context.add_init_script(PAGE_HOOK)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.goto(url, timeout=120_000)

    def get(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def counters(self) -> dict[str, Any]:
        return self.get("({messages: __bench.messages, bytes: __bench.bytes, last: __bench.last})")

    def quiet(self, seconds: float, timeout: float = 120) -> float:
        """Wait until no message came for ``seconds``; the time of the last one."""

        def settled() -> bool:
            last = self.get("__bench.last")
            return time.time() * 1000 - last > seconds * 1000

        _wait(settled, timeout, "the page to be quiet")
        return self.get("__bench.last") / 1000

    def close(self) -> None:
        self.context.close()


# ---- the measurements ---------------------------------------------------------------------------
def measure(
    library: str, browser: Any, args: argparse.Namespace, result: dict[str, Any]
) -> dict[str, Any]:
    """Fill ``result`` (the caller keeps what was measured if the browser breaks)."""
    from glframe import stream

    with tempfile.TemporaryDirectory(prefix=f"glframe-bench-{library}-") as store:
        written = 0
        with stream.Logger(SCOPE, store, flush_every=None) as log:  # the series exists
            log.write(NAME, x=[0.0, 1.0], y=[0.0, 1.0])
            written = 2
        with serving(library, store, args.capacity) as (url, server):
            page = Page(browser, url)
            try:
                _wait(lambda: page.counters()["messages"] > 0, 120, f"the {library} page")
                page.quiet(1.0)

                # latency: single points, nothing else moving; into the plot as it is
                # (a few points), then into the plot full (its capacity of points shown)
                for key in ("latency", "latency_full"):
                    if key == "latency_full":
                        written = _fill(store, args.capacity, written)
                        page.quiet(1.0)
                    result[key] = _probes(page, store, args.probes, written)
                    written += args.probes

                # the long run: frame times and memory at its start and end
                heap = "performance.memory ? performance.memory.usedJSHeapSize : NaN"
                memory = [(page.get(heap) / 2**20, _rss_mib(server.pid))]
                frames_from = page.get("__bench.frames.length")
                summary = _produce(store, args.long_rate, args.duration, args.long_batch, written)
                written += summary["points"]
                frames = page.get(f"__bench.frames.slice({frames_from})")
                memory.append((page.get(heap) / 2**20, _rss_mib(server.pid)))
                # the WINDOW s up to the first minute (or the run's first, if shorter)
                minute = summary["first"] + max(WINDOW, min(60.0, args.duration)) - WINDOW
                result["frames_first"] = _intervals(frames, minute, WINDOW, first=True)
                result["frames_last"] = _intervals(frames, summary["end"], WINDOW, first=False)
                result["frames_by_minute"] = [
                    _percentile(_intervals(frames, summary["first"] + m, 60, first=True), 0.95)
                    for m in range(0, int(args.duration), 60)
                ]
                result["memory"] = memory
                result["long_lag_s"] = max(0.0, page.quiet(1.0) - summary["end"])
                # sustained rates, slowest first; a rate that breaks the page or the
                # browser ends this library's rates (the table says "failed")
                rates = result["rates"] = []
                for rate in args.rates:
                    try:
                        rates.append(_rate(page, store, rate, written, args))
                    except Exception as exc:  # a page or browser that gave up
                        rates.append({"offered": rate, "failed": f"{type(exc).__name__}: {exc}"})
                        print(f"{library}: failed at {rate:,} points/s: {str(exc)[:300]}")
                        break
                    written += rates[-1]["points"]
                result["errors"] = page.errors
            finally:
                with contextlib.suppress(Exception):  # a browser that crashed is gone
                    page.close()
    return result


def _probes(page: Page, store: str, probes: int, written: int) -> dict[str, list[float]]:
    """Write ``probes`` single points, each once the page is quiet; per probe, ms from
    just before ``write()`` to the page's second animation frame after the message that
    carried it (``shown``), and to that message's arrival (``arrived``)."""
    from glframe import stream

    shown, arrived = [], []
    with stream.Logger(SCOPE, store, flush_every=None) as log:
        for i in range(probes):
            before = page.get("__bench.painted.length")
            t0 = time.time()
            log.write(NAME, x=[float(written + i)], y=[0.5])
            log.flush()
            painted = _wait(
                lambda b=before: page.get(f"__bench.painted.slice({b})"), 30, "a probe on the page"
            )
            later = [(r, p) for r, p in painted if r / 1000 >= t0]
            if later:
                arrived.append(later[0][0] - 1000 * t0)
                shown.append(later[0][1] - 1000 * t0)
            page.quiet(0.3)
    return {"shown": shown, "arrived": arrived}


def _fill(store: str, points: int, written: int) -> int:
    """Write ``points`` points of a random walk in one row (a plot full of a live signal);
    the count written after."""
    import numpy as np

    from glframe import stream

    walk = np.cumsum(np.random.default_rng(2).normal(size=points))
    walk = (walk - walk.min()) / max(np.ptp(walk), 1e-9)
    with stream.Logger(SCOPE, store, flush_every=None) as log:
        log.write(NAME, x=np.arange(written, written + points, dtype=np.float64), y=walk)
    return written + points


def _produce(store: str, rate: float, seconds: float, batch: int, start: int) -> dict:
    """Run a producer process (``produce``) to the end; its summary (first, end, points)."""
    producer = _python(
        __file__, "--produce", store, "--rate", str(rate), "--seconds", str(seconds),
        "--batch", str(batch), "--start", str(start), stdout=subprocess.PIPE,
    )  # fmt: skip
    out, _ = producer.communicate(timeout=seconds * 4 + 120)
    if producer.returncode != 0:
        raise RuntimeError(f"the producer failed ({producer.returncode})")
    return json.loads(out.strip().splitlines()[-1])


def _rate(page: Page, store: str, rate: float, written: int, args: argparse.Namespace) -> dict:
    """Offer ``rate`` points a second for ``args.seconds``; what reached the page."""
    start = page.counters()
    summary = _produce(store, rate, args.seconds, args.batch, written)
    last = page.quiet(1.0)
    end = page.counters()
    elapsed = max(last, summary["end"]) - summary["first"]
    return {
        "offered": rate,
        "points": summary["points"],
        "delivered": summary["points"] / elapsed,
        "lag_s": max(0.0, last - summary["end"]),
        "messages_per_s": (end["messages"] - start["messages"])
        / (summary["end"] - summary["first"]),
        "bytes": end["bytes"] - start["bytes"],
    }


def _intervals(frames: list[float], edge: float, span: float, *, first: bool) -> list[float]:
    """Animation-frame intervals (ms) in the ``span`` seconds after (or before) ``edge``."""
    times = [t / 1000 for t in frames]
    if first:
        kept = [t for t in times if edge <= t <= edge + span]
    else:
        kept = [t for t in times if edge - span <= t <= edge]
    return [1000 * (b - a) for a, b in zip(kept, kept[1:])]


# ---- the report ---------------------------------------------------------------------------------
def report(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print()
    print(
        f"stream benchmark: line of capacity {args.capacity:,}, rows of {args.batch:,} points, "
        f"watch {WATCH} s, pace {PACE} s, poll {POLL} s, {WIDTH}x{HEIGHT}"
    )
    for r in results:
        if r.get("errors"):
            print(f"{r['library']}: page errors: {r['errors'][:3]}")
        for x in r["rates"]:
            if "failed" in x:
                print(f"{r['library']}: FAILED at {x['offered']:,} points/s: {x['failed'][:200]}")
    rows: list[tuple[str, list[float]]] = []

    def add(label: str, values: list[float]) -> None:
        rows.append((label, values))

    for key, plot in (("latency", "plot of a few points"), ("latency_full", "plot full")):
        add(f"latency ms, median, {plot}", [_percentile(r[key]["shown"], 0.5) for r in results])
        add(f"latency ms, p95, {plot}", [_percentile(r[key]["shown"], 0.95) for r in results])
        add(
            "  of which to the page, median", [_percentile(r[key]["arrived"], 0.5) for r in results]
        )

    def at(r: dict, i: int, key: str) -> float:
        """A rate's figure; NaN where the rate failed or was not reached."""
        rates = r["rates"]
        return rates[i].get(key, float("nan")) if i < len(rates) else float("nan")

    for i, rate in enumerate(args.rates):
        add(f"delivered pts/s at {rate:,.0f}", [at(r, i, "delivered") for r in results])
        add(f"  page lag s at {rate:,.0f}", [at(r, i, "lag_s") for r in results])
        add(f"  ws messages/s at {rate:,.0f}", [at(r, i, "messages_per_s") for r in results])
    add(
        f"sustained pts/s (lag <= {SUSTAINED_LAG:g} s)",
        [max([x["delivered"] for x in r["rates"] if x.get("lag_s", 1e9) <= SUSTAINED_LAG] or [0])
         for r in results],
    )  # fmt: skip
    done = [[x for x in r["rates"] if "points" in x] for r in results]
    add(
        "bytes per point (wire)",
        [sum(x["bytes"] for x in d) / max(1, sum(x["points"] for x in d)) for d in done],
    )
    minute = f"{60 - WINDOW:g} s to 1:00" if args.duration >= 60 else f"first {WINDOW:g} s"
    for key, when in (("frames_first", minute), ("frames_last", f"last {WINDOW:g} s")):
        add(f"frame ms median, {when}", [statistics.median(r[key] or [0]) for r in results])
        add(f"frame ms p95, {when}", [_percentile(r[key], 0.95) for r in results])
    add("page JS heap MiB, start", [r["memory"][0][0] for r in results])
    add("page JS heap MiB, end", [r["memory"][1][0] for r in results])
    add("server RSS MiB, start", [r["memory"][0][1] for r in results])
    add("server RSS MiB, end", [r["memory"][1][1] for r in results])
    add("page lag s after the long run", [r["long_lag_s"] for r in results])

    names = [r["library"] for r in results]
    header = f"{'':44s}" + "".join(f"{n:>14s}" for n in names)
    if len(results) == 2:
        header += f"{'glframe/bokeh':>15s}"
    print(
        f"long run: {args.duration:g} s at {args.long_rate:,.0f} points/s; "
        f"rates: {args.seconds:g} s each"
    )
    print(header)
    for label, values in rows:
        line = f"{label:44s}" + "".join(f"{v:14,.1f}" for v in values)
        if len(values) == 2:
            ratio = values[0] / values[1] if values[1] else float("nan")
            line += f"{ratio:15.2f}"
        print(line)
    for r in results:  # the trend over the long run: each minute's frames
        if len(r["frames_by_minute"]) > 1:
            minutes = ", ".join(f"{v:.1f}" for v in r["frames_by_minute"])
            print(f"{r['library']}: frame ms p95 in each minute of the long run: {minutes}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--seconds", type=float, default=10.0, help="each offered rate's run")
    parser.add_argument("--duration", type=float, default=20.0, help="the long run (s)")
    parser.add_argument("--long-rate", type=float, default=100_000, help="points/s, long run")
    parser.add_argument(
        "--batch", type=int, default=1000, help="points per written row (the rates)"
    )
    parser.add_argument(
        "--long-batch", type=int, default=1000, help="points per written row (the long run)"
    )
    parser.add_argument("--capacity", type=int, default=10_000, help="points kept and shown")
    parser.add_argument("--probes", type=int, default=20, help="latency probes")
    parser.add_argument("--no-bokeh", action="store_true", help="measure glframe alone")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a few seconds")
    # the roles this script plays in its subprocesses
    parser.add_argument("--produce", metavar="STORE", help=argparse.SUPPRESS)
    parser.add_argument("--bokeh-server", metavar="STORE", help=argparse.SUPPRESS)
    parser.add_argument("--rate", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.produce:
        produce(args.produce, args.rate, args.seconds, args.batch, args.start)
        return 0
    if args.bokeh_server:
        bokeh_server(args.bokeh_server, args.port, args.capacity)
        return 0
    if args.quick:
        given = {a.split("=")[0] for a in sys.argv[1:]}
        quick = {"--rates": [5_000], "--seconds": 2.0, "--duration": 3.0, "--probes": 3}
        quick["--long-rate"] = 5_000
        for option, value in quick.items():
            if option not in given:
                setattr(args, option[2:].replace("-", "_"), value)

    from playwright.sync_api import sync_playwright

    libraries = ["glframe"]
    if args.no_bokeh:
        print("bokeh: left out (--no-bokeh)")
    elif importlib.util.find_spec("bokeh") is None:
        print("bokeh is not installed: glframe alone (pip install 'bokeh>=3')")
    else:
        libraries.append("bokeh")
    results = []
    for library in libraries:  # a browser each: one that breaks takes nothing else with it
        t = time.perf_counter()
        result: dict[str, Any] = {"library": library, "rates": []}
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS
                )
                try:
                    measure(library, browser, args, result)
                finally:
                    with contextlib.suppress(Exception):
                        browser.close()
        except Exception as exc:
            if "memory" not in result:  # broken before its rates: nothing to report
                raise
            print(f"{library}: the browser broke after the last rate ({type(exc).__name__})")
        results.append(result)
        print(f"{library}: measured in {time.perf_counter() - t:.0f} s", flush=True)
    report(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
