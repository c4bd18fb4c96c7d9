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

The harness uses public hooks only, so that a change inside a widget cannot
break it silently: in the kernel, the canvas's ``mouse_move`` and ``draw``
events, a SceneCanvas subclass that times its public ``render()``, the
widget's ``stats()``, and jupyter_rfb's documented overrides (``get_frame``,
``handle_event``) and ``get_stats()``; in the page, a probe installed before
JupyterLab loads (pointer moves, frames shown, and every websocket message both
ways: its size and type). A widget that fails (glframe's error line, a cell's
traceback, a page error) or a drag that shows no frame stops the benchmark
with what the page showed and exit status 1.

Contenders (the kernel renders, frames travel):

1. **glframe server mode**: a SceneCanvas with a scatter of ``--points``
   markers and a PanZoomCamera, ``canvas.widget(mode="server")`` (JPEG quality
   80 while moving, at most 2 frames in flight), its stream on the kernel's
   own websocket (see docs/notebook.md; the transport the page used is
   reported). ``--streams auto,relay,comm`` also measures the same
   widget relayed by the notebook server ("glframe relay", the route of a
   remote browser) and over the Jupyter comm only ("glframe comm").
2. **jupyter_rfb** (the peer, 1.0.2 when written): a ``RemoteFrameBuffer`` of
   the same size whose ``get_frame`` returns ``canvas.render()`` of the *same*
   glframe scatter (both pay the same rendering), whose ``handle_event`` feeds
   the pointer events to that canvas (the same PanZoomCamera drag) and calls
   ``request_draw()`` on each move with a button down; quality 80 (JPEG via
   simplejpeg), its default ``max_buffered_frames=2``. JupyterLab 4.6 sends
   widget messages over kernel subshells, so rfb calls ``handle_event`` (and
   may call ``get_frame``) on a subshell's thread where the EGL context is not
   current ("eglMakeCurrent failed"): its events are handed to the kernel's
   main thread, as glframe's widget does for itself, and a ``get_frame`` called
   elsewhere returns None (rfb's "no frame now") and asks for the draw again
   from the main thread.

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
  thread; glframe: its widget hands messages to the main thread itself, and
  they are logged where the canvas handles them, so its next leg is 0), the
  main thread handles it, the frame is rendered (flow-control wait, render),
  the frame is shown (encode, transport, decode and draw).
- **KB per frame**: mean size of the JPEG frame messages the page received
  during the drag (on the comm, Jupyter's envelope included).
- **kernel round trip**: kernel send -> the page's answer, from each widget's
  own stats (glframe: median of the last 100 frames, answered by an ``ack`` at
  the animation frame after the frame is drawn; rfb: mean over the measured
  drag, answered by ``_frame_feedback`` when the frame is handed to the
  ``<img>``, before the image is decoded).
- Where the time goes: render and encode times in the kernel; messages
  from the page per second and their way (each comm message makes the kernel
  publish a busy and an idle status message, which JupyterLab renders); CPU
  use of each process (kernel, server, Chromium's renderer, GPU, browser and
  utility processes, from /proc); the page's main thread (CDP Performance
  metrics).

Client mode (3.): a scatter of ``--client-points`` (1M) markers,
``canvas.widget(mode="client")``: the bytes of the widget's messages the page
received for the first frame (the GLIR snapshot; the widget's ``bytes_sent``
too) and how long after the kernel drew it the page drew it; then what the
widget sent during a 2 s drag and 6 wheel turns in the page (goal: 0 bytes, 0
messages, in the page and in the widget's stats), and every websocket message
in that time, Jupyter's own included.

The goal of the issue: glframe at least twice rfb's frame rate and at most
half its latency, in the same run. Rendering is on the CPU (llvmpipe) and
costs about 1.1 us per marker here (alone; several times more while the
browser shares the cores): the default 10k markers take ~15 ms a frame alone,
200k take ~230 ms and make both contenders render-bound.

Run it alone (it needs the machine's cores; about 1.5 minutes)::

    .venv/bin/python benchmarks/notebook.py
    .venv/bin/python benchmarks/notebook.py --seconds 5 --size 800x600 --points 10000 --no-rfb
    .venv/bin/python benchmarks/notebook.py --quick

Options: ``--seconds``, ``--size WxH``, ``--points`` (server mode),
``--client-points``, ``--no-rfb``, ``--no-client``, ``--streams``, ``--quick`` (what the
test suite runs: 320x240, 1000 markers, 1 s drag after 0.5 s of warm-up, 10k
client-mode markers, shorter pauses; the same tables). Needs the notebook and
bench extras (jupyterlab, anywidget, ipykernel, playwright, jupyter_rfb,
simplejpeg) and Chromium (Debian's /usr/bin/chromium, or $GLFRAME_CHROMIUM);
without jupyter_rfb it measures glframe only, and says so. The server, its
kernels and the browser are stopped at the end.
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
# Public hooks only, so that a change inside the widget cannot silently break the harness:
# canvas events, a SceneCanvas subclass that times its public render(), the widget's stats(),
# and jupyter_rfb's documented overrides (get_frame, handle_event) and get_stats().
KERNEL = """\
\"\"\"Kernel side of benchmarks/notebook.py: the contenders, instrumented by public hooks.\"\"\"

import asyncio
import json
import os
import threading
import time

import numpy as np

from glframe import scene

LOG = {"moves": [], "arrivals": [], "frames": [], "renders": [], "draws": []}
LAST = [None]  # the last pointer position the canvas handled (its mouse_move event)
STATS = [dict]
FRAME = [None]  # () -> the id of the frame that the render in progress makes


def now():
    return time.time() * 1e3


class TimedCanvas(scene.SceneCanvas):
    \"\"\"Times each render, and logs the frame it makes with the last pointer position.\"\"\"

    def render(self, *args, **kwargs):
        t0 = time.perf_counter()
        image = super().render(*args, **kwargs)
        t = now()
        LOG["renders"].append([t, (time.perf_counter() - t0) * 1e3])
        if FRAME[0] is not None:
            LOG["frames"].append([t, FRAME[0](), LAST[0]])
        return image


def moved(event):
    LAST[0] = [float(event.pos[0]), float(event.pos[1])]
    LOG["moves"].append([now(), *LAST[0]])


def make_canvas(width, height, n):
    canvas = TimedCanvas(size=(width, height), bgcolor="white")
    view = canvas.add_view(camera=scene.PanZoomCamera(aspect=1))
    pos = np.random.default_rng(0).normal(size=(n, 2)).astype(np.float32)
    scene.visuals.Markers(pos, size=3, face_color=(0.1, 0.3, 0.8, 0.6), edge_width=0,
                          parent=view.scene)
    view.camera.set_range()
    canvas.events.mouse_move.connect(moved)
    canvas.events.draw.connect(lambda event: LOG["draws"].append(now()))
    return canvas


def glframe_widget(width, height, n, mode, stream="auto"):
    \"\"\"glframe's widget of the scatter; a frame's id: the frames sent before it + 1.\"\"\"
    canvas = make_canvas(width, height, n)
    widget = canvas.widget(mode=mode, quality=80, stream=stream)
    FRAME[0] = lambda: widget.stats()["frames_sent"] + 1  # a snapshot's entry is overwritten
    STATS[0] = widget.stats
    return widget


def rfb_widget(width, height, n):
    \"\"\"The peer: the same canvas, rendered the same way, its frames sent by jupyter_rfb.

    JupyterLab 4.6 sends widget messages over kernel subshells, so rfb calls
    handle_event (and may call get_frame) on a subshell's thread, where the EGL
    context is not current. Events are handed to the kernel's main thread, as
    glframe's widget does for itself, and so are draws: a get_frame called
    elsewhere returns None (rfb's "no frame now") and asks for the draw again
    from the main thread.
    \"\"\"
    import jupyter_rfb

    canvas = make_canvas(width, height, n)
    main, loop = threading.get_ident(), asyncio.get_running_loop()
    frames, presses = [0], [0]
    FRAME[0] = lambda: frames[0]  # rfb's frames without its lossless redraws, in order

    def pointer(kind, pos, buttons):
        if kind == "pointer_move":
            canvas.handle_backend_event("mouse_move", pos=pos, modifiers=())
            if buttons:
                peer.request_draw()
            return
        if kind == "pointer_down":
            presses[0] += 1
            if presses[0] == 2:  # the measured drag (the first is the warm-up)
                peer.reset_stats()
        name = "mouse_press" if kind == "pointer_down" else "mouse_release"
        canvas.handle_backend_event(name, pos=pos, button=1, modifiers=())

    class Peer(jupyter_rfb.RemoteFrameBuffer):
        def handle_event(self, event):  # a drag pans the canvas; each move asks a frame
            kind = event.get("type", event.get("event_type"))
            if kind not in ("pointer_down", "pointer_move", "pointer_up"):
                return
            pos = (float(event["x"]), float(event["y"]))
            if kind == "pointer_move":
                LOG["arrivals"].append([now(), *pos])  # on the thread it arrived on
            loop.call_soon_threadsafe(pointer, kind, pos, bool(event.get("buttons")))

        def get_frame(self):
            if threading.get_ident() != main:
                loop.call_soon_threadsafe(self.request_draw)
                return None
            frames[0] += 1
            return canvas.render()

    peer = Peer(css_width=f"{width}px", css_height=f"{height}px", resizable=False, quality=80)
    STATS[0] = peer.get_stats
    return peer


def dump():
    with open("stats.tmp", "w") as f:
        json.dump({"log": LOG, "stats": STATS[0]()}, f)
    os.replace("stats.tmp", "stats.json")
"""
SETUP_CELL = "from bench_kernel import *"
STATS_CELL = "dump()"

# Installed in the page before JupyterLab loads, in epoch ms: pointer moves, frames shown, and
# every websocket message both ways (the kernel's channels and the widget's own stream socket):
# its size and what it is (Jupyter's type; the widget's message type or event, and format).
PAGE_PROBE = """
(() => {
  const B = window.__bench = { moves: [], frames: [], srcs: [], ws: [], rfbFormats: [], ticks: 0 };
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
        B.frames.push([Number(el.dataset.frames), t, el.dataset.format || '']);
      } else if (m.attributeName === 'src' && el.tagName === 'IMG'
                 && el.closest('.renderview-wrapper') && el.src.startsWith('blob:')) {
        B.srcs.push(el.src);  // the n-th image rfb shows is the n-th frame it received
      }
    }
  });
  observer.observe(document, { attributes: true, subtree: true,
                               attributeFilter: ['data-frames', 'src'] });
  document.addEventListener('load', (e) => {  // element loads never reach window
    const el = e.target;
    if (el.tagName !== 'IMG' || !el.closest('.renderview-wrapper')) return;
    const index = B.srcs.lastIndexOf(el.src);
    if (index >= 0) B.frames.push([index + 1, now(), '']);
  }, true);

  const decoder = new TextDecoder();
  const head = (data) => {  // the first 4 KB as text: Jupyter's headers, the widget's JSON
    if (typeof data === 'string') return data.slice(0, 4096);
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
      : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : null;  // a Blob: size only
    return bytes ? decoder.decode(bytes.subarray(0, 4096)) : '';
  };
  const size = (data) => (typeof data === 'string' ? data.length
                          : (data.byteLength ?? data.size ?? 0));
  const pick = (text, re) => { const m = text.match(re); return m ? m[1] : ''; };
  function describe(text) {  // [Jupyter's msg_type, the widget's message, its image format]
    let jupyter = pick(text, /"msg_type":\\s*"(\\w+)"/), body = text;
    if (jupyter === 'status') {
      return [`status ${pick(text, /"execution_state":\\s*"(\\w+)"/)}`, '', ''];
    }
    if (jupyter && jupyter !== 'comm_msg') return [jupyter, '', ''];
    if (jupyter) {
      body = text.slice(Math.max(0, text.indexOf('"data"')));
      const method = pick(body, /"method":\\s*"(\\w+)"/);
      if (method !== 'custom') return [jupyter, method, ''];
    }
    const kind = pick(body, /"event":\\s*"(\\w+)"/) || pick(body, /"type":\\s*"(\\w+)"/);
    const format = pick(body, /"format":\\s*"(\\w+)"/)
      || pick(body, /"mimetype":\\s*"image\\/(\\w+)"/);
    return [jupyter, kind, format];
  }
  function note(direction, way, data) {
    const [jupyter, kind, format] = describe(head(data));
    B.ws.push([now(), direction, way, jupyter, kind, format, size(data)]);
    if (direction === 'in' && kind === 'framebufferdata') B.rfbFormats.push(format);
  }
  const Native = window.WebSocket;
  class Probed extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      this.__way = String(url).includes('/api/kernels/') ? 'kernel' : 'stream';
      this.addEventListener('message', (e) => note('in', this.__way, e.data));
    }
    send(data) { note('out', this.__way, data); return super.send(data); }
  }
  window.WebSocket = Probed;
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


# What a widget shows when it fails: glframe's error line, a traceback in a cell's output
# (JupyterLab renders errors as stderr), and what the diagnosis shows: also the rest of stderr.
_STDERR = f"{PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
FAILED = (
    f"{PANEL} .glframe-error:not(:empty), {_STDERR}:has-text('Traceback'), "
    f"{PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']"
)
SHOWN = f"{PANEL} .glframe-error:not(:empty), {_STDERR}"


@dataclass
class Notebook:
    """One contender's notebook open in its own browser page."""

    lab: Lab
    page: Any
    name: str
    clock_offset: float = 0.0  # page epoch ms - Python epoch ms
    errors: list[str] = field(default_factory=list)

    def run_cell(self, index: int) -> None:
        cell = self.page.locator(f"{PANEL} .jp-Cell").nth(index)
        cell.locator(".jp-InputArea-editor").click()
        self.page.keyboard.press("Control+Enter")  # run in place

    def kernel_state(self, stats_cell: int, timeout: float = 60) -> dict:
        path = self.lab.nbdir / "stats.json"
        path.unlink(missing_ok=True)
        self.run_cell(stats_cell)
        try:
            _poll(path.exists, timeout, f"{self.name}: the kernel's stats.json")
        except TimeoutError as exc:
            raise BenchmarkError(f"{exc}\n{self.diagnosis()}") from None
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
        """The probe's logs on this process's clock (ms): moves, frames, websocket messages.

        ``ws`` entries: [t, "in"|"out", "kernel"|"stream", Jupyter's type, the widget's
        message (its type or event), image format, bytes].
        """
        log = self.page.evaluate(
            "({moves: __bench.moves, frames: __bench.frames, ws: __bench.ws,"
            " rfbFormats: __bench.rfbFormats})"
        )
        off = self.clock_offset
        return {
            "moves": [[*m[:4], m[4] - off] for m in log["moves"]],
            "frames": [[f[0], f[1] - off, f[2]] for f in log["frames"]],
            "ws": [[w[0] - off, *w[1:]] for w in log["ws"]],
            "rfb_formats": log["rfbFormats"],
        }

    def clear_page_log(self) -> None:
        self.page.evaluate("for (const k of ['moves', 'frames', 'ws']) __bench[k].length = 0")

    def widget_errors(self) -> list[str]:
        """What the widgets show as errors: glframe's error line, tracebacks in the cells."""
        texts = self.page.locator(FAILED).all_inner_texts()
        return [t.strip() for t in texts if t.strip()]

    def diagnosis(self) -> str:
        """Everything the page says went wrong, for an error message."""
        try:
            shown = [t.strip() for t in self.page.locator(SHOWN).all_inner_texts() if t.strip()]
        except Exception as exc:  # noqa: BLE001 - the page itself may be gone
            shown = [f"(could not read the page: {exc})"]
        lines = [f"  widget or cell: {t}" for t in shown]
        lines += [f"  page error: {e}" for e in self.errors]
        return "\n".join(lines) or "  (no error shown in the page)"


class BenchmarkError(RuntimeError):
    """The benchmark could not measure: what failed and what the page showed."""


def open_notebook(lab: Lab, browser: Any, name: str, cells: list[str], viewport: dict) -> Notebook:
    (lab.nbdir / "bench_kernel.py").write_text(KERNEL)
    write_notebook(lab.nbdir / f"{name}.ipynb", cells)
    context = browser.new_context(viewport=viewport)
    context.add_init_script(PAGE_PROBE)
    page = context.new_page()
    nb = Notebook(lab, page, name)
    page.on("pageerror", lambda exc: nb.errors.append(str(exc)))
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
# The widget's own messages, kernel -> page (the page's probe names them by their "type").
WIDGET_MESSAGES = ("glir", "frame", "mode", "warning", "stream")


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def shown_frames(page: dict, rfb: bool) -> dict[int, float]:
    """The kernel's id of each frame the page showed -> when it was first shown.

    glframe: the n-th frame the page draws is the kernel's frame n (the session numbers its
    frames from 1). jupyter_rfb: the n-th image shown is the n-th frame received; its PNGs
    are lossless redraws of the frame before (no get_frame), so a JPEG's id is its rank
    among the JPEGs, which is the count of get_frame calls the kernel logs.
    """
    shown: dict[int, float] = {}
    formats = page["rfb_formats"]
    for n, t, _ in page["frames"]:
        if rfb:
            if n > len(formats) or formats[n - 1] == "png":
                continue
            n = sum(f != "png" for f in formats[:n])
        shown.setdefault(n, t)
    return shown


def analyse(page: dict, kernel: dict, window: tuple[float, float], coords: str, rfb: bool) -> dict:
    """fps, event-to-frame latency and its legs, bytes and messages during ``window``."""
    start, end = window
    seconds = (end - start) / 1e3
    log = kernel["log"]
    column = 0 if coords == "client" else 2  # glframe: clientX - left; rfb: offsetX
    moves = [(m[column], m[column + 1], m[4]) for m in page["moves"] if start <= m[4] <= end]
    shown = shown_frames(page, rfb)
    sent = {f[1]: f for f in log["frames"]}  # id -> [t rendered, id, position]; the last wins
    in_window = [t for t in shown.values() if start <= t <= end]

    def page_move(pos: list[float]) -> float | None:
        best = min(moves, key=lambda m: abs(m[0] - pos[0]) + abs(m[1] - pos[1]), default=None)
        if best and abs(best[0] - pos[0]) < 0.75 and abs(best[1] - pos[1]) < 0.75:
            return best[2]
        return None

    handled: dict[tuple[float, float], float] = {}
    for t, x, y in log["moves"]:
        handled.setdefault((x, y), t)
    # glframe's widget hands each message to the main thread itself: it arrives where it is
    # handled (its queue leg is 0); rfb's arrive on a subshell's thread, logged there.
    arrived: dict[tuple[float, float], float] = {}
    for t, x, y in log["arrivals"] or log["moves"]:
        arrived.setdefault((x, y), t)
    latency, answered = [], set()
    legs: dict[str, list[float]] = {"input": [], "queue": [], "kernel": [], "output": []}
    for frame_id, t_shown in sorted(shown.items(), key=lambda item: item[1]):
        frame = sent.get(frame_id)
        if frame is None or frame[2] is None or not start <= t_shown <= end + 2000:
            continue
        pos = tuple(frame[2])
        if pos in answered:
            continue  # a later frame of the same event (e.g. the settled PNG)
        answered.add(pos)
        t_event = page_move(frame[2])
        if t_event is None:
            continue
        latency.append(t_shown - t_event)
        if pos in handled and pos in arrived:
            legs["input"].append(arrived[pos] - t_event)
            legs["queue"].append(handled[pos] - arrived[pos])
            legs["kernel"].append(frame[0] - handled[pos])
            legs["output"].append(t_shown - frame[0])
    sent_in_window = [f for f in sent.values() if start <= f[0] <= end]
    ws = [w for w in page["ws"] if start <= w[0] <= end]
    frames_in = [w for w in ws if w[1] == "in" and w[4] in ("frame", "framebufferdata")]
    jpeg = [w[6] for w in frames_in if w[5] == "jpeg"]
    received: dict[str, dict[str, float]] = {}
    for w in ws:
        if w[1] == "out":
            kinds = received.setdefault(w[2], {})
            kinds[w[4] or w[3]] = kinds.get(w[4] or w[3], 0) + 1 / seconds
    status = sum(1 for w in ws if w[1] == "in" and w[3].startswith("status")) / seconds
    renders = [ms for t, ms in log["renders"] if start <= t <= end]
    stats = kernel["stats"]
    roundtrip = stats["roundtrip"] * 1e3 if rfb else stats["roundtrip_ms"]
    return {
        "fps": len(in_window) / seconds,
        "latency_med": _median(latency),
        "latency_p95": _pct(latency, 95),
        "latency_n": len(latency),
        "legs": {k: _median(v) for k, v in legs.items()},
        "kb_frame": statistics.fmean(jpeg) / 1e3 if jpeg else float("nan"),
        "roundtrip_med": roundtrip,
        "render_ms": _median(renders),
        "encode_ms": stats["img_encoding"] * 1e3 if rfb else stats["encode_ms"],
        "moves_page": len(moves) / seconds,
        "moves_kernel": sum(start <= m[0] <= end for m in log["moves"]) / seconds,
        "frames_sent": len(sent_in_window),
        "received": received,
        "status": status,
    }


# ---- contenders ------------------------------------------------------------------------------
def _cells(show: str) -> list[str]:
    return [SETUP_CELL, show, STATS_CELL]


def _settle(nb: Notebook, selector: str, pause: float) -> Any:
    """The widget's element once it shows a frame; its error, if it shows one instead."""
    try:
        nb.page.locator(f"{selector}, {FAILED}").first.wait_for(timeout=120_000)
    except Exception as exc:  # noqa: BLE001 - Playwright's TimeoutError
        raise BenchmarkError(
            f"{nb.name}: no frame in 120 s ({type(exc).__name__})\n{nb.diagnosis()}"
        ) from None
    if nb.widget_errors():
        raise BenchmarkError(f"{nb.name}: the widget failed\n{nb.diagnosis()}")
    element = nb.page.locator(selector).first
    element.scroll_into_view_if_needed()
    time.sleep(pause)  # the first frames and the settled PNG
    element.scroll_into_view_if_needed()
    return element


def measure_server(
    lab: Lab, browser: Any, kind: str, args: argparse.Namespace, viewport: dict
) -> dict:
    w, h = args.size
    rfb = kind == "rfb"
    if not rfb:
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
        element = _settle(nb, selector, args.pause)
        box = element.bounding_box()
        if abs(box["width"] - w) > 2 or abs(box["height"] - h) > 2:
            raise BenchmarkError(
                f"{kind}: widget shown at {box['width']}x{box['height']}, "
                f"not {w}x{h}: widen the viewport"
            )
        drag(nb.page, box, args.warmup, row=0.3)
        time.sleep(args.pause)
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
        time.sleep(1.5 * args.pause)  # late frames of the drag, then the settled PNG
        page = nb.page_log()
        kernel = nb.kernel_state(2)
        result = analyse(page, kernel, (window[0], window[1]), coords, rfb)
        seconds = (window[1] - window[0]) / 1e3
        result.update(cpu=cpu, errors=nb.errors + nb.widget_errors())
        result.update(moves_sent=moves / seconds, page_fps=ticks / seconds)
        result["main_thread"] = {k: 100 * v / seconds for k, v in metrics.items()}
        result["check"] = _check_ids(kind, nb, kernel, page)
        result["transport"] = "comm"
        if not rfb:
            widget = nb.page.locator(f"{PANEL} .glframe-widget").first
            result["transport"] = widget.get_attribute("data-transport") or "?"
        problems = [
            what
            for what, failed in (
                ("no frame shown during the drag", result["fps"] == 0),
                ("no pointer move reached the canvas", result["moves_kernel"] == 0),
                ("no frame answered a pointer move", not rfb and result["latency_n"] == 0),
                ("errors in the page", bool(result["errors"])),
            )
            if failed
        ]
        if problems:
            raise BenchmarkError(f"{kind}: {'; '.join(problems)}\n{nb.diagnosis()}")
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


def _check_ids(kind: str, nb: Notebook, kernel: dict, page: dict) -> str:
    """The page maps frames to kernel ids by order: say if the counts disagree."""
    sent = len({f[1] for f in kernel["log"]["frames"]})
    if kind != "rfb":
        value = nb.page.locator(f"{PANEL} .glframe-remote canvas").first.get_attribute(
            "data-frames"
        )
        shown = int(value or 0)
    else:
        shown = sum(f != "png" for f in page["rfb_formats"])
    return "" if shown == sent else f"{kind}: {sent} frames sent, page counted {shown}"


def measure_client(lab: Lab, browser: Any, args: argparse.Namespace, viewport: dict) -> dict:
    w, h = args.size
    cells = _cells(f"glframe_widget({w}, {h}, {args.client_points}, 'client')")
    nb = open_notebook(lab, browser, "bench_client", cells, viewport)
    try:
        nb.run_cell(0)
        nb.run_cell(1)
        element = _settle(nb, f"{PANEL} .glframe-remote canvas[data-frames]", args.pause)
        first = nb.kernel_state(2, timeout=120)
        page = nb.page_log()
        ours = [m for m in page["ws"] if m[1] == "in" and m[4] in WIDGET_MESSAGES]
        glir = [m for m in ours if m[4] == "glir"]
        drawn = min((t for _, t, _ in page["frames"]), default=float("nan"))
        # the kernel's last draw before the page got the GLIR: the snapshot's
        drew = [t for t in first["log"]["draws"] if glir and t <= glir[0][0]]
        box = element.bounding_box()
        time.sleep(args.pause)
        nb.clear_page_log()
        start = time.time() * 1e3
        drag(nb.page, box, args.pan, row=0.5)  # the page pans by itself: nothing should go out
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        nb.page.mouse.move(cx, cy)
        for delta in (-100, -100, -100, 100, 100, 100):
            nb.page.mouse.wheel(0, delta)
            time.sleep(0.15 * args.pause)
        time.sleep(args.pause)
        end = time.time() * 1e3
        during = [m for m in nb.page_log()["ws"] if start <= m[0] <= end]
        after = nb.kernel_state(2)
        widget_in = [m for m in during if m[1] == "in" and m[4] in WIDGET_MESSAGES]
        traffic: dict[str, int] = {}
        for m in during:
            way = "kernel->page" if m[1] == "in" else "page->kernel"
            key = f"{way} {m[2]} {m[4] or m[3]}"
            traffic[key] = traffic.get(key, 0) + 1
        delta = {k: after["stats"][k] - first["stats"][k] for k in ("bytes_sent", "glir_messages")}
        errors = nb.errors + nb.widget_errors()
        if not glir or errors:
            raise BenchmarkError(
                f"client: {'errors in the page' if errors else 'no GLIR reached the page'}\n"
                f"{nb.diagnosis()}"
            )
        return {
            "first_bytes": sum(m[6] for m in ours),
            "first_messages": len(ours),
            "first_glir_bytes": sum(m[6] for m in glir),
            "first_stats_bytes": first["stats"]["bytes_sent"],
            "first_drawn_s": (drawn - drew[-1]) / 1e3 if drew else float("nan"),
            "pan_bytes": sum(m[6] for m in widget_in),
            "pan_messages": len(widget_in),
            "pan_stats_bytes": delta["bytes_sent"],
            "pan_glir": delta["glir_messages"],
            "websocket": dict(sorted(traffic.items())),
            "errors": errors,
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
        print(
            f"{name:16s} {r['fps']:6.1f} {r['latency_med']:8.0f} {r['latency_p95']:8.0f} "
            f"{r['kb_frame']:9.1f} {r['roundtrip_med']:9.0f} {r['render_ms']:7.1f} "
            f"{r['encode_ms']:7.1f} {r['moves_kernel']:8.1f}"
        )
    print(
        "\nLatency legs (medians, ms): page event -> kernel gets it | -> main thread handles it"
        " | -> frame rendered | -> frame shown"
    )
    for name, r in results.items():
        legs = r["legs"]
        print(
            f"  {name:16s} {legs['input']:5.0f} | {legs['queue']:5.0f} | {legs['kernel']:5.0f} | "
            f"{legs['output']:5.0f}   ({r['latency_n']} events answered, {r['frames_sent']} "
            f"frames sent; moves/s: {r['moves_sent']:.0f} sent, {r['moves_page']:.0f} in the page; "
            f"page animation frames/s: {r['page_fps']:.0f})"
        )
    print("\nMessages from the page to the kernel per second during the drag, and their way")
    print("(kernel: Jupyter's kernel channel, the comm; stream: the widget's own websocket): a")
    print("comm message makes the kernel publish a busy and an idle status message, which")
    print("JupyterLab shows; one on glframe's stream reaches the kernel alone.")
    for name, r in results.items():
        ways = "; ".join(
            f"{way}: " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(kinds.items()))
            for way, kinds in sorted(r["received"].items())
        )
        print(
            f"  {name:16s} [{r['transport']}] {ways or 'none'}; "
            f"status messages to the page {r['status']:.1f}"
        )
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
            f"{client['first_drawn_s']:.2f} s after the kernel drew it"
        )
        ok = client["pan_bytes"] == 0 and client["pan_messages"] == 0
        print(
            f"  {args.pan:g} s drag + 6 wheel turns: {client['pan_bytes']} bytes in "
            f"{client['pan_messages']} messages (stats: {client['pan_stats_bytes']} bytes, "
            f"{client['pan_glir']} GLIR messages); goal 0: {'met' if ok else 'NOT met'}"
        )
        traffic = ", ".join(f"{k}: {v}" for k, v in client["websocket"].items())
        print(f"  websockets during the pan (Jupyter's messages included): {traffic or 'none'}")
        for error in client["errors"]:
            print("  page error:", error)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, help="measured drag (s; default 5)")
    parser.add_argument("--size", help="canvas size WxH (default 800x600)")
    parser.add_argument("--points", type=int, help="server-mode markers (default 10000)")
    parser.add_argument("--client-points", type=int, help="client-mode markers (default 1M)")
    parser.add_argument("--no-rfb", action="store_true", help="skip jupyter_rfb")
    parser.add_argument("--no-client", action="store_true", help="skip client mode")
    parser.add_argument(
        "--streams", default="auto", help="glframe widget streams: auto,direct,relay,comm"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="the smallest run (the test suite runs this): 320x240, 1000 markers, 1 s drags",
    )
    args = parser.parse_args()
    full = {"seconds": 5.0, "size": "800x600", "points": 10_000, "client_points": 1_000_000}
    quick = {"seconds": 1.0, "size": "320x240", "points": 1_000, "client_points": 10_000}
    for key, value in (quick if args.quick else full).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    # warm-up drag, the client-mode pan (s), and the pauses' scale
    args.warmup, args.pan, args.pause = (0.5, 0.5, 0.5) if args.quick else (WARMUP, 2.0, 1.0)
    args.size = tuple(int(v) for v in args.size.lower().split("x"))
    missing = [m for m in ("playwright", "jupyterlab", "anywidget", "nbformat")
               if importlib.util.find_spec(m) is None]  # fmt: skip
    if missing:
        print(f"not installed: {', '.join(missing)} (pip install -e '.[notebook,test]')")
        return 2
    if not os.path.exists(CHROMIUM):
        print(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set GLFRAME_CHROMIUM)")
        return 2
    if not args.no_rfb and importlib.util.find_spec("jupyter_rfb") is None:
        print("jupyter_rfb is not installed: glframe only (pip install jupyter_rfb, or the bench "
              "extra)")  # fmt: skip
        args.no_rfb = True
    from playwright.sync_api import sync_playwright

    viewport = {"width": max(1400, args.size[0] + 700), "height": max(1000, args.size[1] + 500)}
    results: dict[str, dict] = {}
    client = None
    t0 = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="glframe-bench-") as tmp:
            with jupyter_lab(Path(tmp)) as lab, sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
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
    except BenchmarkError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    report(results, client, args)
    print(f"\n({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
