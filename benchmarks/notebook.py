"""The notebook widget against jupyter_rfb: a drag in JupyterLab, measured in the page and kernel.

One JupyterLab server (isolated Jupyter directories, a token, a free port) and
one headless Chromium (SwiftShader WebGL2, software compositing: without
``--disable-gpu-compositing`` the GPU process's compositor caps any frame
stream at about 6 fps on a 2-core machine). Each contender runs in its own
notebook and kernel (the previous kernel is shut down first). The kernel-side
code is written next to the notebooks as ``bench_kernel.py``, so each cell is
one line and the notebook, widget included, fits in the viewport (nothing
scrolls during a drag): cell 1 imports it, cell 2 displays the canvas, and
cell 3, run from the keyboard once the drag is over (comm messages are handled
only between cells), writes the kernel's log and stats to a JSON file that
this script reads. Playwright drags with the real mouse: button held, back and
forth sweeps, a move every 1/60 s at most (it waits for the browser to take
each move, so a busy page takes fewer: the rate reached is reported, and as
each frame answers a move, it bounds the frame rate).

Contenders (the kernel renders, frames travel):

1. **glframe server mode**: a SceneCanvas with a scatter of ``--points``
   markers and a PanZoomCamera, ``canvas.widget(mode="server")`` (JPEG quality
   80 while moving, at most 2 frames in flight), its stream on the kernel's
   own websocket (``glframe/backends/_stream.py``; the transport the page
   used is reported). ``--streams auto,relay,comm`` also measures the same
   widget relayed by the notebook server ("glframe relay", the route of a
   remote browser) and over the Jupyter comm only ("glframe comm").
2. **jupyter_rfb** (the peer, 1.0.2 when written): a ``RemoteFrameBuffer`` of
   the same size whose ``get_frame`` returns ``canvas.render()`` of the *same*
   glframe scatter (both pay the same rendering), whose ``handle_event`` feeds
   the pointer events to that canvas (the same PanZoomCamera drag) and calls
   ``request_draw()`` on each move with a button down; quality 80 (JPEG via
   simplejpeg), its default ``max_buffered_frames=2``. JupyterLab 4.6 sends
   widget messages over kernel subshells, so rfb would call ``get_frame`` on a
   subshell's thread where the EGL context is not current ("eglMakeCurrent
   failed"): its messages and draws are handed to the kernel's main thread,
   as glframe's widget does for itself.

Measured during the drag (``--seconds``, after a 1 s warm-up drag):

- **fps**: frames shown in the page per second (glframe: each change of the
  canvas's ``data-frames``, set by remote.js after ``drawImage``; rfb: each
  ``load`` of its ``<img>``), seen by a MutationObserver and a load listener
  installed in the page before JupyterLab loads.
- **event-to-frame latency** (median, p95): the kernel logs, for each frame,
  the last pointer position it handled before rendering it, and the page logs
  the time of every pointermove. Every position of the drag is distinct, so a
  frame names its pointer event: latency = frame shown - that event, counted
  once per event (the first frame showing it). Page and kernel share the
  machine's clock (the page's is calibrated against ``time.time()``), which
  splits it into legs: the kernel gets the message (rfb: on a subshell's
  thread; glframe: logged where its widget handles it, on the main thread, so
  its next leg is 0), the main thread handles it, the frame is sent
  (flow-control wait, render, encode), the frame is shown (transport, decode
  and draw).
- **KB per frame**: mean size of the JPEG frames sent during the drag.
- **kernel round trip**: per frame, kernel send -> the page's answer (glframe:
  its ``ack``, sent at the animation frame after the frame is drawn; rfb: its
  ``_frame_feedback``, sent when the frame is handed to the ``<img>``, before
  the image is decoded), median.
- Where the time goes: render and encode times in the kernel; messages
  from the page per second and their way (each comm message makes the kernel
  publish a busy and an idle status message, which JupyterLab renders); CPU
  use of each process (kernel, server, Chromium's renderer, GPU, browser and
  utility processes, from /proc); the page's main thread (CDP Performance
  metrics).

Client mode (3.): a scatter of ``--client-points`` (1M) markers,
``canvas.widget(mode="client")``: the bytes the kernel sent for the first
frame (every message's JSON header and binary buffers: the GLIR snapshot) and
how long after it the page drew it; then what the kernel's widget sent during
a 2 s drag and 6 wheel turns in the page (goal: 0 bytes, 0 messages), and
every message on the kernel's websocket in that time, Jupyter's own included.

The goal of the issue: glframe at least twice rfb's frame rate and at most
half its latency, in the same run. Rendering is on the CPU (llvmpipe) and
costs about 1.1 us per marker here (alone; several times more while the
browser shares the cores): the default 10k markers take ~15 ms a frame alone,
200k take ~230 ms and make both contenders render-bound.

Run it alone (it needs the machine's cores; about 1.5 minutes)::

    .venv/bin/python benchmarks/notebook.py
    .venv/bin/python benchmarks/notebook.py --seconds 5 --size 800x600 --points 10000 --no-rfb

Options: ``--seconds``, ``--size WxH``, ``--points`` (server mode),
``--client-points``, ``--no-rfb``, ``--no-client``, ``--streams``. Needs the notebook and
bench extras (jupyterlab, anywidget, ipykernel, playwright, jupyter_rfb,
simplejpeg) and Chromium (Debian's /usr/bin/chromium, or $GLFRAME_CHROMIUM).
The server, its kernels and the browser are stopped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("GLFRAME_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader", "--disable-gpu-compositing",
]  # fmt: skip
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the visible notebook (Lab keeps hidden ones)
MOVE_RATE = 60.0  # pointer moves per second sent by Playwright
WARMUP = 1.0  # seconds of drag before the measured one

# ---- kernel side -----------------------------------------------------------------------------
# Written next to the notebooks as bench_kernel.py: the cells are then one line each, so a whole
# notebook, widget included, fits in the viewport and nothing scrolls during a drag (Lab scrolls
# a clicked cell into view). The kernel logs in epoch ms (time.time(), the page's clock too).
KERNEL = """\
\"\"\"Kernel side of benchmarks/notebook.py: the contenders, instrumented.\"\"\"

import asyncio
import json
import os
import threading
import time

import numpy as np

from glframe import scene
from glframe.app._remote import CanvasSource

LOG = {"moves": [], "arrivals": [], "frames": [], "acks": [], "renders": [], "messages": [],
       "received": []}
LAST = [None]  # the last pointer position handled, as the kernel got it
STATS = [dict]


def now():
    return time.time() * 1e3


def make_canvas(width, height, n):
    canvas = scene.SceneCanvas(size=(width, height), bgcolor="white")
    view = canvas.add_view(camera=scene.PanZoomCamera(aspect=1))
    pos = np.random.default_rng(0).normal(size=(n, 2)).astype(np.float32)
    scene.visuals.Markers(pos, size=3, face_color=(0.1, 0.3, 0.8, 0.6), edge_width=0,
                          parent=view.scene)
    view.camera.set_range()
    return canvas


def timed(render):
    def wrapped():
        t0 = time.perf_counter()
        image = render()
        LOG["renders"].append([now(), (time.perf_counter() - t0) * 1e3])
        return image
    return wrapped


def moved(pos):
    LAST[0] = [float(pos[0]), float(pos[1])]
    LOG["moves"].append([now(), *LAST[0]])


def arrived(content):
    \"\"\"A message from the page, logged on the thread it arrives on (a subshell's).\"\"\"
    kind = content.get("type")
    LOG["received"].append([now(), content.get("event", kind)])
    if kind == "ack":  # glframe
        LOG["acks"].append([now(), content.get("id")])
    elif content.get("event", kind) == "pointer_move":
        LOG["arrivals"].append([now(), float(content["x"]), float(content["y"])])


def logging_send(send):
    def wrapped(content, buffers=None):
        size = sum(memoryview(b).nbytes for b in buffers or ())
        kind = content.get("type")
        LOG["messages"].append([now(), kind, len(json.dumps(content)), size])
        if kind in ("frame", "framebufferdata"):
            fmt = content.get("format") or content["mimetype"].split("/")[-1]
            index = content.get("id", content.get("index"))
            LOG["frames"].append([now(), index, fmt, size, LAST[0]])
        send(content, buffers=buffers)
    return wrapped


def glframe_widget(width, height, n, mode, stream="auto"):
    \"\"\"glframe's widget of the scatter, logging moves, frames, acks, renders, messages.\"\"\"
    canvas = make_canvas(width, height, n)
    widget = canvas.widget(mode=mode, quality=80, stream=stream)
    source = widget.session.source
    handle_event = source.handle_event

    def logged_event(type, **attrs):
        if type == "mouse_move":
            moved(attrs["pos"])
        handle_event(type, **attrs)

    source.render, source.handle_event = timed(source.render), logged_event
    # the session's messages, whichever way they go (a websocket or the comm)
    session = widget.session
    session._send = logging_send(session._send)
    handle = widget._handle

    def logged_handle(content, buffers):
        if isinstance(content, dict):
            arrived(content)
        handle(content, buffers)

    widget._handle = logged_handle
    STATS[0] = widget.stats
    return widget


def rfb_widget(width, height, n):
    \"\"\"The peer: the same canvas, rendered the same way, its frames sent by jupyter_rfb.\"\"\"
    import jupyter_rfb

    class Peer(jupyter_rfb.RemoteFrameBuffer):
        # JupyterLab 4.6 sends widget messages over kernel subshells: rfb would call get_frame
        # on a subshell's thread, where the EGL context is not current (eglMakeCurrent
        # fails). Hand its messages and draws to the main thread, as glframe's widget does.
        def __init__(self, **kwargs):
            self._main, self._loop = threading.get_ident(), asyncio.get_running_loop()
            super().__init__(**kwargs)

        def _on_main(self, method, *args):
            if threading.get_ident() == self._main:
                method(*args)
            else:
                self._loop.call_soon_threadsafe(method, *args)

        def _rfb_handle_msg(self, widget, content, buffers):
            arrived(content)
            self._on_main(super()._rfb_handle_msg, widget, content, buffers)

        def _rfb_schedule_maybe_draw(self, *args):
            self._on_main(super()._rfb_schedule_maybe_draw)

        def handle_event(self, event):  # a drag pans the canvas; each move asks a frame
            kind = event.get("type")
            if kind not in ("pointer_down", "pointer_move", "pointer_up"):
                return
            pos = (float(event["x"]), float(event["y"]))
            if kind == "pointer_move":
                moved(pos)
                source.handle_event("mouse_move", pos=pos, modifiers=())
                if event.get("buttons"):
                    self.request_draw()
            else:
                name = "mouse_press" if kind == "pointer_down" else "mouse_release"
                source.handle_event(name, pos=pos, button=1, modifiers=())

        def get_frame(self):
            return render()

    canvas = make_canvas(width, height, n)
    source, render = CanvasSource(canvas), timed(canvas.render)
    peer = Peer(css_width=f"{width}px", css_height=f"{height}px", resizable=False, quality=80)
    peer.send = logging_send(peer.send)

    def feedback(change):
        LOG["acks"].append([now(), change["new"].get("index")])
        LOG["received"].append([now(), "frame_feedback"])

    peer.observe(feedback, names=["_frame_feedback"])
    STATS[0] = peer.get_stats
    return peer


def dump():
    with open("stats.tmp", "w") as f:
        json.dump({"log": LOG, "stats": STATS[0]()}, f)
    os.replace("stats.tmp", "stats.json")
"""
SETUP_CELL = "from bench_kernel import *"
STATS_CELL = "dump()"

# Installed in the page before JupyterLab loads: pointer moves and frames shown, in epoch ms.
PAGE_PROBE = """
(() => {
  const B = window.__bench = { moves: [], frames: [], srcs: [], ticks: 0 };
  const now = () => performance.timeOrigin + performance.now();
  const tick = () => { B.ticks += 1; requestAnimationFrame(tick); };  // the page's frame rate
  requestAnimationFrame(tick);
  const WIDGETS = '.glframe-remote, .renderview-wrapper';
  addEventListener('pointermove', (e) => {
    const el = e.target;
    if (!(el instanceof Element) || !el.closest(WIDGETS)) return;
    const r = el.getBoundingClientRect();
    B.moves.push([e.clientX - r.left, e.clientY - r.top, e.offsetX, e.offsetY, now()]);
  }, true);
  const observer = new MutationObserver((records) => {
    const t = now();
    for (const m of records) {
      const el = m.target;
      if (m.attributeName === 'data-frames' && el.closest('.glframe-remote')) {
        B.frames.push([Number(el.dataset.frames), t]);
      } else if (m.attributeName === 'src' && el.tagName === 'IMG'
                 && el.closest('.renderview-wrapper') && el.src.startsWith('blob:')) {
        B.srcs.push(el.src);  // the n-th frame rfb hands to its <img> is its frame index n
      }
    }
  });
  observer.observe(document, { attributes: true, subtree: true,
                               attributeFilter: ['data-frames', 'src'] });
  document.addEventListener('load', (e) => {  // element loads never reach window
    const el = e.target;
    if (el.tagName !== 'IMG' || !el.closest('.renderview-wrapper')) return;
    const index = B.srcs.lastIndexOf(el.src);
    if (index >= 0) B.frames.push([index + 1, now()]);
  }, true);
})();
"""


# ---- infrastructure ------------------------------------------------------------------------
@dataclass
class Lab:
    base: str
    token: str
    nbdir: Path

    def api(self, method: str, path: str) -> Any:
        request = urllib.request.Request(
            f"{self.base}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as reply:
            body = reply.read()
        return json.loads(body) if body else None

    def stop_kernels(self) -> None:
        """Delete every session (and so its kernel): the next contender has the cores."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyter_lab(root: Path) -> Iterator[Lab]:
    """A JupyterLab server in ``root`` with its own config, data, runtime and workspaces."""
    nbdir = root / "nbs"
    nbdir.mkdir()
    port, token = _free_port(), uuid.uuid4().hex
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(root / "cfg"),
        JUPYTER_RUNTIME_DIR=str(root / "rt"),
        JUPYTER_DATA_DIR=str(root / "data"),
        JUPYTERLAB_SETTINGS_DIR=str(root / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(root / "ws"),
        IPYTHONDIR=str(root / "ipython"),
    )
    notify = root / "settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    notify.parent.mkdir(parents=True)
    notify.write_text('{"fetchNews": "false", "checkForUpdates": false}')
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
        "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={nbdir}", "--ServerApp.port_retries=0",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = root / "lab.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            lab = Lab(f"http://127.0.0.1:{port}", token, nbdir)
            deadline = time.time() + 120
            while True:
                try:
                    urllib.request.urlopen(f"{lab.base}/api/status?token={token}", timeout=2)
                    break
                except OSError:
                    if proc.poll() is not None or time.time() > deadline:
                        raise RuntimeError(
                            "jupyter lab did not start:\n" + log_path.read_text()[-3000:]
                        ) from None
                    time.sleep(0.2)
            yield lab
        finally:
            proc.terminate()  # our own child only; it shuts its kernels down
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def write_notebook(path: Path, cells: list[str]) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}  # fmt: skip
    nbformat.write(nb, path)


class CpuMeter:
    """CPU seconds used by this script and its descendants (server, kernels, Chromium), by role."""

    def __init__(self) -> None:
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.start: dict[str, float] = {}
        self.t0 = 0.0

    def _sample(self) -> dict[str, float]:
        procs: dict[int, tuple[int, float, str]] = {}
        for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else ():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            cpu = (int(fields[11]) + int(fields[12])) / self.tick
            procs[int(entry.name)] = (int(fields[1]), cpu, cmdline)
        me, totals = os.getpid(), {}
        for pid, (_, cpu, cmdline) in procs.items():
            parent = pid
            while parent in procs and parent != me:
                parent = procs[parent][0]
            if parent != me:
                continue
            role = "this script" if pid == me else self._role(cmdline)
            totals[role] = totals.get(role, 0.0) + cpu
        return totals

    @staticmethod
    def _role(cmdline: str) -> str:
        if "ipykernel" in cmdline:
            return "kernel"
        if "jupyterlab" in cmdline or "jupyter-lab" in cmdline:
            return "server"
        if "chrom" in cmdline:
            for kind in ("renderer", "gpu-process", "utility"):
                if f"--type={kind}" in cmdline:
                    return kind.removesuffix("-process")
            return "browser"
        if "playwright" in cmdline or "node" in cmdline:
            return "playwright"
        return "other"

    def begin(self) -> None:
        self.start, self.t0 = self._sample(), time.perf_counter()

    def end(self) -> dict[str, float]:
        """Percent of one core per role since :meth:`begin`."""
        elapsed = time.perf_counter() - self.t0
        totals = self._sample()
        return {
            role: 100 * (cpu - self.start.get(role, 0.0)) / elapsed
            for role, cpu in sorted(totals.items())
            if cpu - self.start.get(role, 0.0) > 0.005 * elapsed
        }


def _poll(check: Any, timeout: float, what: str) -> Any:
    deadline = time.time() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.time() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.05)


@dataclass
class Notebook:
    """One contender's notebook open in its own browser page."""

    lab: Lab
    page: Any
    name: str
    clock_offset: float = 0.0  # page epoch ms - Python epoch ms
    errors: list[str] = field(default_factory=list)
    watching: bool = False  # count websocket messages (the kernel's and the page's) by type
    websocket: dict[str, int] = field(default_factory=dict)

    def watch(self, websocket: Any) -> None:
        if "/api/kernels/" not in websocket.url:
            return  # the server's event stream, not a kernel's channels

        def count(direction: str, payload: str | bytes) -> None:
            if self.watching:
                key = f"{direction} {_message_type(payload)}"
                self.websocket[key] = self.websocket.get(key, 0) + 1

        websocket.on("framereceived", lambda payload: count("kernel->page", payload))
        websocket.on("framesent", lambda payload: count("page->kernel", payload))

    def run_cell(self, index: int) -> None:
        cell = self.page.locator(f"{PANEL} .jp-Cell").nth(index)
        cell.locator(".jp-InputArea-editor").click()
        self.page.keyboard.press("Control+Enter")  # run in place

    def kernel_state(self, stats_cell: int, timeout: float = 60) -> dict:
        path = self.lab.nbdir / "stats.json"
        path.unlink(missing_ok=True)
        self.run_cell(stats_cell)
        _poll(path.exists, timeout, f"{self.name}: the kernel's stats.json")
        return json.loads(path.read_text())

    def calibrate(self) -> None:
        """Offset of the page's clock (timeOrigin + now) from time.time(), in ms."""
        best = None
        for _ in range(5):
            t0 = time.time() * 1e3
            page_now = self.page.evaluate("performance.timeOrigin + performance.now()")
            t1 = time.time() * 1e3
            if best is None or t1 - t0 < best[0]:
                best = (t1 - t0, page_now - (t0 + t1) / 2)
        self.clock_offset = best[1]

    def page_log(self) -> dict:
        log = self.page.evaluate("({moves: __bench.moves, frames: __bench.frames})")
        off = self.clock_offset
        return {
            "moves": [[*m[:4], m[4] - off] for m in log["moves"]],
            "frames": [[f[0], f[1] - off] for f in log["frames"]],
        }

    def clear_page_log(self) -> None:
        self.page.evaluate("__bench.moves.length = 0; __bench.frames.length = 0")


def _message_type(payload: str | bytes) -> str:
    """A Jupyter message's type (status with its state, comm_msg with glframe's type)."""
    data = (payload.encode() if isinstance(payload, str) else payload)[:8192]
    found = re.search(rb'"msg_type":\s*"(\w+)"', data)
    kind = found.group(1).decode() if found else "other"
    detail = {
        "status": rb'"execution_state":\s*"(\w+)"',
        "comm_msg": rb'"(?:type|method)":\s*"(\w+)"',
    }
    if kind in detail:
        content = data[data.find(b'"content"') :] if b'"content"' in data else data
        found = re.search(detail[kind], content)
        kind += f" {found.group(1).decode()}" if found else ""
    return kind


def open_notebook(
    lab: Lab, browser: Any, name: str, cells: list[str], viewport: dict, *, watch: bool = False
) -> Notebook:
    (lab.nbdir / "bench_kernel.py").write_text(KERNEL)
    write_notebook(lab.nbdir / f"{name}.ipynb", cells)
    context = browser.new_context(viewport=viewport)
    context.add_init_script(PAGE_PROBE)
    page = context.new_page()
    nb = Notebook(lab, page, name)
    page.on("pageerror", lambda exc: nb.errors.append(str(exc)))
    if watch:  # Playwright copies every payload: only where traffic is light
        page.on("websocket", nb.watch)
    page.goto(f"{lab.base}/lab/tree/{name}.ipynb?reset&token={lab.token}")
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=60_000)
    page.wait_for_selector("#jp-main-statusbar >> text=/\\| Idle/", timeout=60_000)
    nb.calibrate()
    return nb


def drag(page: Any, box: dict, seconds: float, row: float) -> tuple[float, float, int]:
    """Hold the button and sweep back and forth for ``seconds``: (start, end) in epoch ms, moves.

    Playwright waits for the browser to take each move: a busy page takes fewer
    than ``MOVE_RATE`` a second.

    Every position is distinct (x steps 4 px, y steps 2 px at each turn), so a
    position the kernel got names the one pointer event it came from. The sweeps
    span a tenth of the width, so the scatter stays in view whatever the number
    of moves (what is in view sets the render time and the JPEG size).
    """
    middle = box["x"] + box["width"] / 2
    left, right = middle - 0.05 * box["width"], middle + 0.05 * box["width"]
    x, y, step = round(left), round(box["y"] + row * box["height"]), 4
    page.mouse.move(x, y)
    page.mouse.down()
    start = time.time() * 1e3
    t0, i = time.perf_counter(), 0
    while time.perf_counter() - t0 < seconds:
        i += 1
        if not left <= x + step <= right:
            step, y = -step, y + 2
        x += step
        page.mouse.move(x, y)
        delay = t0 + i / MOVE_RATE - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
    end = time.time() * 1e3
    page.mouse.up()
    return start, end, i


# ---- analysis --------------------------------------------------------------------------------
def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def analyse(page: dict, kernel: dict, window: tuple[float, float], coords: str) -> dict:
    """fps, event-to-frame latency and its legs, bytes and round trips during ``window``."""
    start, end = window
    seconds = (end - start) / 1e3
    log = kernel["log"]
    column = 0 if coords == "client" else 2  # glframe: clientX - left; rfb: offsetX
    moves = [(m[column], m[column + 1], m[4]) for m in page["moves"] if start <= m[4] <= end]
    shown = {}  # frame id -> time shown (the first time)
    for frame_id, t in page["frames"]:
        shown.setdefault(frame_id, t)
    sent = {f[1]: f for f in log["frames"]}
    in_window = [t for t in shown.values() if start <= t <= end]

    def page_move(pos: list[float]) -> float | None:
        best = min(moves, key=lambda m: abs(m[0] - pos[0]) + abs(m[1] - pos[1]), default=None)
        if best and abs(best[0] - pos[0]) < 0.75 and abs(best[1] - pos[1]) < 0.75:
            return best[2]
        return None

    handled: dict[tuple[float, float], float] = {}
    for t, x, y in log["moves"]:
        handled.setdefault((x, y), t)
    arrived: dict[tuple[float, float], float] = {}
    for t, x, y in log["arrivals"]:
        arrived.setdefault((x, y), t)
    latency, answered = [], set()
    legs: dict[str, list[float]] = {"input": [], "queue": [], "kernel": [], "output": []}
    for frame_id, t_shown in sorted(shown.items(), key=lambda item: item[1]):
        frame = sent.get(frame_id)
        if frame is None or frame[4] is None or not start <= t_shown <= end + 2000:
            continue
        pos = tuple(frame[4])
        if pos in answered:
            continue  # a later frame of the same event (e.g. the settled PNG)
        answered.add(pos)
        t_event = page_move(frame[4])
        if t_event is None:
            continue
        latency.append(t_shown - t_event)
        if pos in handled and pos in arrived:
            legs["input"].append(arrived[pos] - t_event)
            legs["queue"].append(handled[pos] - arrived[pos])
            legs["kernel"].append(frame[0] - handled[pos])
            legs["output"].append(t_shown - frame[0])
    sent_in_window = [f for f in log["frames"] if start <= f[0] <= end]
    jpeg = [f[3] for f in sent_in_window if f[2] == "jpeg"]
    acks: dict[Any, float] = {}
    for t, frame_id in log["acks"]:
        acks.setdefault(frame_id, t)
    roundtrip = [acks[f[1]] - f[0] for f in sent_in_window if f[1] in acks]
    renders = [ms for t, ms in log["renders"] if start <= t <= end]
    received: dict[str, float] = {}
    for t, kind in log["received"]:
        if start <= t <= end:
            received[kind] = received.get(kind, 0) + 1 / seconds
    return {
        "fps": len(in_window) / seconds,
        "latency_med": _median(latency),
        "latency_p95": _pct(latency, 95),
        "latency_n": len(latency),
        "legs": {k: _median(v) for k, v in legs.items()},
        "kb_frame": statistics.fmean(jpeg) / 1e3 if jpeg else float("nan"),
        "roundtrip_med": _median(roundtrip),
        "render_ms": _median(renders),
        "moves_page": len(moves) / seconds,
        "moves_kernel": sum(start <= m[0] <= end for m in log["moves"]) / seconds,
        "frames_sent": len(sent_in_window),
        "received": received,
    }


# ---- contenders ------------------------------------------------------------------------------
def _cells(show: str) -> list[str]:
    return [SETUP_CELL, show, STATS_CELL]


def _settle(nb: Notebook, selector: str) -> Any:
    element = nb.page.locator(selector).first
    element.wait_for(timeout=120_000)
    element.scroll_into_view_if_needed()
    time.sleep(1.0)  # the first frames and the settled PNG
    element.scroll_into_view_if_needed()
    return element


def measure_server(
    lab: Lab, browser: Any, kind: str, args: argparse.Namespace, viewport: dict
) -> dict:
    w, h = args.size
    if kind != "rfb":
        stream = kind.partition("-")[2] or "auto"
        cells = _cells(f"glframe_widget({w}, {h}, {args.points}, 'server', {stream!r})")
        selector, coords = f"{PANEL} .glframe-remote canvas[data-frames]", "client"
    else:
        cells = _cells(f"rfb_widget({w}, {h}, {args.points})")
        selector, coords = f"{PANEL} .renderview-wrapper img[src^='blob:']", "offset"
    nb = open_notebook(lab, browser, f"bench_{kind}", cells, viewport)
    try:
        nb.run_cell(0)
        nb.run_cell(1)
        element = _settle(nb, selector)
        box = element.bounding_box()
        if abs(box["width"] - w) > 2 or abs(box["height"] - h) > 2:
            raise RuntimeError(
                f"{kind}: widget shown at {box['width']}x{box['height']}, "
                f"not {w}x{h}: widen the viewport"
            )
        drag(nb.page, box, WARMUP, row=0.3)
        time.sleep(1.0)
        nb.clear_page_log()
        meter = CpuMeter()
        cdp = nb.page.context.new_cdp_session(nb.page)
        cdp.send("Performance.enable")
        metrics = _page_metrics(cdp)
        meter.begin()
        ticks = nb.page.evaluate("__bench.ticks")
        *window, moves = drag(nb.page, box, args.seconds, row=0.5)
        ticks = nb.page.evaluate("__bench.ticks") - ticks
        cpu = meter.end()
        metrics = {k: v - metrics[k] for k, v in _page_metrics(cdp).items()}
        time.sleep(1.5)  # late frames of the drag, then the settled PNG
        page = nb.page_log()
        kernel = nb.kernel_state(2)
        result = analyse(page, kernel, (window[0], window[1]), coords)
        seconds = (window[1] - window[0]) / 1e3
        result.update(cpu=cpu, stats=kernel["stats"], errors=nb.errors)
        result.update(moves_sent=moves / seconds, page_fps=ticks / seconds)
        result["main_thread"] = {k: 100 * v / seconds for k, v in metrics.items()}
        result["check"] = _check_ids(kind, nb, kernel)
        result["transport"] = "comm"
        if kind != "rfb":
            widget = nb.page.locator(f"{PANEL} .glframe-widget").first
            result["transport"] = widget.get_attribute("data-transport") or "?"
        return result
    finally:
        nb.page.context.close()
        lab.stop_kernels()


def _page_metrics(cdp: Any) -> dict[str, float]:
    """Seconds the page's main thread spent in tasks, scripts, layout and style (CDP)."""
    names = {"TaskDuration": "busy", "ScriptDuration": "script", "LayoutDuration": "layout",
             "RecalcStyleDuration": "style"}  # fmt: skip
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return {names[m["name"]]: m["value"] for m in metrics if m["name"] in names}


def _check_ids(kind: str, nb: Notebook, kernel: dict) -> str:
    """The page maps frames to kernel ids by order: say if the counts disagree."""
    sent = len(kernel["log"]["frames"])
    if kind != "rfb":
        value = nb.page.locator(f"{PANEL} .glframe-remote canvas").first.get_attribute(
            "data-frames"
        )
        shown = int(value or 0)
    else:
        shown = nb.page.evaluate("__bench.srcs.length")
    return "" if shown == sent else f"{kind}: {sent} frames sent, page counted {shown}"


def measure_client(lab: Lab, browser: Any, args: argparse.Namespace, viewport: dict) -> dict:
    w, h = args.size
    cells = _cells(f"glframe_widget({w}, {h}, {args.client_points}, 'client')")
    nb = open_notebook(lab, browser, "bench_client", cells, viewport, watch=True)
    try:
        nb.run_cell(0)
        nb.run_cell(1)
        element = _settle(nb, f"{PANEL} .glframe-remote canvas[data-frames]")
        first = nb.kernel_state(2, timeout=120)
        page = nb.page_log()
        glir = [m for m in first["log"]["messages"] if m[1] == "glir"]
        drawn = min((t for _, t in page["frames"]), default=float("nan"))
        box = element.bounding_box()
        before = len(first["log"]["messages"])
        time.sleep(1.0)
        nb.page.evaluate("0")  # Playwright hands queued websocket events over on its next call
        nb.watching = True
        drag(nb.page, box, 2.0, row=0.5)  # the page pans by itself: nothing should go out
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        nb.page.mouse.move(cx, cy)
        for delta in (-100, -100, -100, 100, 100, 100):
            nb.page.mouse.wheel(0, delta)
            time.sleep(0.15)
        time.sleep(1.0)
        nb.page.evaluate("0")
        nb.watching = False
        after = nb.kernel_state(2)
        during = after["log"]["messages"][before:]  # the kernel keeps its log: what came since
        return {
            "first_bytes": sum(m[2] + m[3] for m in first["log"]["messages"]),
            "first_messages": len(first["log"]["messages"]),
            "first_glir_bytes": sum(m[2] + m[3] for m in glir),
            "first_stats_bytes": first["stats"]["bytes_sent"],
            "first_drawn_s": (drawn - glir[0][0]) / 1e3 if glir else float("nan"),
            "pan_bytes": sum(m[2] + m[3] for m in during),
            "pan_messages": len(during),
            "pan_stats_bytes": after["stats"]["bytes_sent"] - first["stats"]["bytes_sent"],
            "pan_glir": after["stats"]["glir_messages"] - first["stats"]["glir_messages"],
            "websocket": dict(sorted(nb.websocket.items())),
            "errors": nb.errors,
        }
    finally:
        nb.page.context.close()
        lab.stop_kernels()


# ---- report --------------------------------------------------------------------------------
def report(results: dict[str, dict], client: dict | None, args: argparse.Namespace) -> None:
    w, h = args.size
    print(
        f"\nServer mode, {w}x{h}, {args.points:,} markers, {args.seconds:g} s drag "
        f"(at most {MOVE_RATE:g} moves/s), JPEG quality 80"
    )
    head = (
        f"{'contender':16s} {'fps':>6s} {'lat med':>8s} {'lat p95':>8s} {'KB/frame':>9s} "
        f"{'kernel rt':>9s} {'render':>7s} {'encode':>7s} {'moves/s':>8s}"
    )
    print(head)
    print(
        f"{'':16s} {'':>6s} {'ms':>8s} {'ms':>8s} {'':>9s} {'med ms':>9s} {'ms':>7s} "
        f"{'ms':>7s} {'kernel':>8s}"
    )
    for name, r in results.items():
        encode = r["stats"].get("encode_ms", r["stats"].get("img_encoding", 0) * 1e3)
        print(
            f"{name:16s} {r['fps']:6.1f} {r['latency_med']:8.0f} {r['latency_p95']:8.0f} "
            f"{r['kb_frame']:9.1f} {r['roundtrip_med']:9.0f} {r['render_ms']:7.1f} "
            f"{encode:7.1f} {r['moves_kernel']:8.1f}"
        )
    print(
        "\nLatency legs (medians, ms): page event -> kernel gets it | -> main thread handles it"
        " | -> frame sent | -> frame shown"
    )
    for name, r in results.items():
        legs = r["legs"]
        print(
            f"  {name:16s} {legs['input']:5.0f} | {legs['queue']:5.0f} | {legs['kernel']:5.0f} | "
            f"{legs['output']:5.0f}   ({r['latency_n']} events answered, {r['frames_sent']} "
            f"frames sent; moves/s: {r['moves_sent']:.0f} sent, {r['moves_page']:.0f} in the page; "
            f"page animation frames/s: {r['page_fps']:.0f})"
        )
    print("\nMessages from the page to the kernel per second during the drag, and their way:")
    print("a comm message makes the kernel publish a busy and an idle status message, which")
    print("JupyterLab shows; one on glframe's direct websocket reaches the kernel alone.")
    for name, r in results.items():
        kinds = ", ".join(f"{k} {v:.1f}" for k, v in sorted(r["received"].items()))
        print(f"  {name:16s} [{r['transport']}] {kinds}")
    print(f"\nCPU during the drag (% of one core; the machine has {os.cpu_count()}):")
    for name, r in results.items():
        cpu = ", ".join(f"{role} {pct:.0f}" for role, pct in r["cpu"].items())
        print(f"  {name:16s} {cpu}")
    print("Page main thread during the drag (% of the time, CDP Performance metrics):")
    for name, r in results.items():
        print(f"  {name:16s} " + ", ".join(f"{k} {v:.0f}" for k, v in r["main_thread"].items()))
    for r in results.values():
        if r["check"]:
            print("  warning:", r["check"])
        for error in r["errors"]:
            print("  page error:", error)
    g, p = results.get("glframe server"), results.get("jupyter_rfb")
    if g and p and not (p["fps"] > 0 and p["latency_n"] > 0):
        print("\njupyter_rfb showed no frame answering a move: no ratio")
    elif g and p:
        fps_ratio, lat_ratio = g["fps"] / p["fps"], g["latency_med"] / p["latency_med"]
        print(
            f"\nglframe/rfb: fps x{fps_ratio:.2f}, latency x{lat_ratio:.2f} "
            f"(p95 x{g['latency_p95'] / p['latency_p95']:.2f})"
        )
        print(f"  goal fps >= 2x rfb:          {'met' if fps_ratio >= 2 else 'NOT met'}")
        print(f"  goal latency <= 0.5x rfb:    {'met' if lat_ratio <= 0.5 else 'NOT met'}")
    if client:
        print(f"\nClient mode, {args.client_points:,} markers:")
        print(
            f"  first frame: {client['first_bytes'] / 1e6:.2f} MB from the kernel in "
            f"{client['first_messages']} messages (GLIR {client['first_glir_bytes'] / 1e6:.2f} "
            f"MB; stats bytes_sent {client['first_stats_bytes'] / 1e6:.2f} MB), drawn "
            f"{client['first_drawn_s']:.1f} s after the kernel sent it"
        )
        ok = client["pan_bytes"] == 0 and client["pan_messages"] == 0
        print(
            f"  2 s drag + 6 wheel turns: {client['pan_bytes']} bytes in "
            f"{client['pan_messages']} messages (stats: {client['pan_stats_bytes']} bytes, "
            f"{client['pan_glir']} GLIR messages); goal 0: {'met' if ok else 'NOT met'}"
        )
        traffic = ", ".join(f"{k}: {v}" for k, v in client["websocket"].items())
        print(
            f"  kernel websocket during the pan (Jupyter's messages included): {traffic or 'none'}"
        )
        for error in client["errors"]:
            print("  page error:", error)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measured drag (s)")
    parser.add_argument("--size", default="800x600", help="canvas size WxH")
    parser.add_argument("--points", type=int, default=10_000, help="server-mode markers")
    parser.add_argument("--client-points", type=int, default=1_000_000)
    parser.add_argument("--no-rfb", action="store_true", help="skip jupyter_rfb")
    parser.add_argument("--no-client", action="store_true", help="skip client mode")
    parser.add_argument(
        "--streams", default="auto", help="glframe widget streams: auto,direct,relay,comm"
    )
    args = parser.parse_args()
    args.size = tuple(int(v) for v in args.size.lower().split("x"))
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        sys.exit(f"no Chromium at {CHROMIUM}")
    viewport = {"width": max(1400, args.size[0] + 700), "height": max(1000, args.size[1] + 500)}
    results: dict[str, dict] = {}
    client = None
    with tempfile.TemporaryDirectory(prefix="glframe-bench-") as tmp, jupyter_lab(Path(tmp)) as lab:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                streams = [v.strip() for v in args.streams.split(",") if v.strip()]
                kinds = [f"glframe-{v}" for v in streams] + ([] if args.no_rfb else ["rfb"])
                for kind in kinds:
                    stream = kind.partition("-")[2]
                    name = "jupyter_rfb" if kind == "rfb" else "glframe " + stream
                    name = "glframe server" if stream == "auto" else name
                    print(f"measuring {name} ...", flush=True)
                    results[name] = measure_server(lab, browser, kind, args, viewport)
                if not args.no_client:
                    print("measuring glframe client ...", flush=True)
                    client = measure_client(lab, browser, args, viewport)
            finally:
                browser.close()
    report(results, client, args)


if __name__ == "__main__":
    main()
