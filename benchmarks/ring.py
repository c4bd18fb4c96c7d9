"""Ring buffers: a scrolling line's frame time and bytes per append, glframe vs vispy.

A line receives ``--per-frame`` new points every frame and shows the newest
``--capacity`` (the camera follows the newest point). Each frame is: append the new
points, move the camera, render (with the pixels read back). Measured per frame, in
phases of ``--frames`` frames, each ending when the points appended so far reach one of
``--at`` (default 1e3: the line still short; the capacity, 1e5: the ring just full;
1e6: the ring wrapped ten times). The points between phases are appended without
frames. The last two phases draw as many points: their ratio is what the total
appended costs a frame.

- glframe: ``Line(capacity=...)`` and ``line.append(new)``: the frame uploads the new
  points only (partial DATA into the GPU ring).
- vispy: what vispy users do (and what made scrolling lines slow down over time,
  vispy issue #1498): keep the newest ``capacity`` points in a numpy array and call
  ``line.set_data(array)`` each frame, which uploads the whole array.

Both draw a one-pixel aliased line (vispy's ``method="gl"``, glframe's GL line-strip
path). The libraries take turns for ``--rounds`` runs each, and each phase keeps its
round with the lower frame time: on a shared machine the other processes' load varies
more than the difference measured. Columns: the frame's wall and CPU
(``process_time``) medians; the bytes of buffer DATA per append (glframe: counted in
the frame's GLIR; vispy: in its GLIR queue); glframe's whole frame serialized (JSON
header + binary buffers, what a browser would receive). Each library runs in its own process.

A second table, glframe alone in one process: a full ring taking an append, and a plain
``Line`` given the same points by ``set_data`` (the whole array), frames taking turns
with frames of each that receive nothing, so the machine's load weighs on all alike:
what an append costs a frame against a whole upload, on the same renderer.

Run (under the bench lock on a shared machine)::

    flock /tmp/glframe-bench.lock .venv/bin/python benchmarks/ring.py
        [--capacity 100000] [--per-frame 100] [--frames 20]
        [--at 1000 100000 1000000] [--size 400x300] [--libs glframe,vispy] [--rounds 2]
        [--warmup 60]
    .venv/bin/python benchmarks/ring.py --quick   # capacity 1,000, up to 10k points
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import subprocess
import sys
import time

import numpy as np

LIBS = ("glframe", "vispy")


def signal(t0: int, n: int) -> np.ndarray:
    """Points ``t0 .. t0 + n`` of the scrolling signal: (n, 2) float32."""
    t = np.arange(t0, t0 + n, dtype=np.float64)
    y = np.sin(t / 50.0) + 0.3 * np.sin(t / 7.0)
    return np.c_[t, y].astype(np.float32)


class Glframe:
    def __init__(self, size, capacity):
        from glframe import scene
        from glframe.gloo import glir

        self.glir = glir
        self.canvas = scene.SceneCanvas(size=size, bgcolor="black")
        self.view = self.canvas.add_view(camera=scene.PanZoomCamera())
        self.line = scene.visuals.Line(
            width=1, antialias=False, color="white", capacity=capacity, parent=self.view.scene
        )
        self.capacity = capacity
        self.frame_bytes = self.data_bytes = 0

    def renderer(self) -> str:
        return f"glframe (GL_RENDERER {self.canvas.renderer})"

    def append(self, points: np.ndarray) -> None:
        self.line.append(points)

    def reset(self) -> None:
        self.line.set_data(np.zeros((0, 2)))

    def frame(self, points: np.ndarray, t: int) -> None:
        from glframe.gloo import Cmd

        with self.canvas.record() as rec:
            self.line.append(points)
            # z given too: a range not given is fitted to the data (both libraries)
            self.view.camera.set_range(x=(t - self.capacity, t), y=(-1.5, 1.5), z=(0, 0), margin=0)
            self.canvas.render()
        self._commands = [c for c in rec.frame_commands if c[0] == Cmd.DATA]
        self._frame = rec.frame_commands

    def count_bytes(self) -> tuple[int, int]:
        """(DATA bytes, serialized bytes) of the last frame (counted after its timing)."""
        header, buffers = self.glir.serialize(self._frame)
        data = sum(c[3].nbytes for c in self._commands)
        total = len(json.dumps(header, separators=(",", ":"))) + sum(
            memoryview(b).nbytes for b in buffers
        )
        return data, total


class Vispy:
    def __init__(self, size, capacity):
        import vispy
        from vispy import scene
        from vispy.gloo import glir

        vispy.use(app="egl")
        self.data_bytes = 0
        original = glir._GlirQueueShare.command

        def command(queue, *args):  # count what vispy queues as buffer DATA
            if args and args[0] == "DATA":
                self.data_bytes += np.asarray(args[3]).nbytes
            return original(queue, *args)

        glir._GlirQueueShare.command = command
        self.canvas = scene.SceneCanvas(size=size, show=False, bgcolor="black")
        self.view = self.canvas.central_widget.add_view()
        self.view.camera = scene.PanZoomCamera(aspect=None)
        self.line = scene.visuals.Line(
            pos=signal(0, 2), color="white", width=1, method="gl", antialias=False,
            parent=self.view.scene,
        )  # fmt: skip
        self.capacity = capacity
        self.points = np.zeros((0, 2), np.float32)

    def renderer(self) -> str:
        from vispy.gloo import gl

        self.canvas.set_current()
        version = importlib.metadata.version("vispy")
        return f"vispy {version} (GL_RENDERER {gl.glGetParameter(gl.GL_RENDERER)})"

    def append(self, points: np.ndarray) -> None:
        # the user's side: keep the newest capacity points
        self.points = np.concatenate([self.points, points])[-self.capacity :]

    def reset(self) -> None:
        self.points = np.zeros((0, 2), np.float32)

    def frame(self, points: np.ndarray, t: int) -> None:
        self.data_bytes = 0
        self.append(points)
        self.line.set_data(pos=self.points)
        self.view.camera.set_range(x=(t - self.capacity, t), y=(-1.5, 1.5), z=(0, 0), margin=0)
        self.canvas.render()
        self._data = self.data_bytes

    def count_bytes(self) -> tuple[int, int | None]:
        return self._data, None


def phase(lib, start: int, frames: int, per_frame: int) -> dict:
    """``frames`` frames from ``start`` appended points on: medians and bytes."""
    walls, cpus, data, total = [], [], [], []
    t = start
    for _ in range(frames):
        points = signal(t, per_frame)
        t += per_frame
        w0, c0 = time.perf_counter(), time.process_time()
        lib.frame(points, t)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
        d, s = lib.count_bytes()
        data.append(d)
        total.append(s)
    return {
        "wall_ms": float(np.median(walls)) * 1e3,
        "cpu_ms": float(np.median(cpus)) * 1e3,
        "data_bytes": float(np.median(data)),
        "frame_bytes": None if total[0] is None else float(np.median(total)),
        "appended": t,
    }


def interleaved(args: argparse.Namespace, size) -> dict:
    """glframe alone, one process: frames of a full ring taking an append, of a plain
    Line given the same newest points by ``set_data`` (the whole array, vispy's way),
    and of each with nothing new, taking turns frame by frame (the machine's load then
    weighs on all alike). Median wall ms of each kind."""
    from glframe import scene

    canvas = scene.SceneCanvas(size=size, bgcolor="black")
    view = canvas.add_view(camera=scene.PanZoomCamera())
    cap = args.capacity
    ring = scene.visuals.Line(width=1, antialias=False, capacity=cap, parent=view.scene)
    plain = scene.visuals.Line(width=1, antialias=False, parent=view.scene)
    t = cap + 5000
    ring.append(signal(0, t))
    plain.set_data(ring.positions.copy())
    times: dict[str, list[float]] = {
        "ring: append": [],
        "plain: set_data": [],
        "ring: nothing new": [],
        "plain: nothing new": [],
    }
    for i in range(args.warmup + args.frames):
        for kind in times:
            on_ring = kind.startswith("ring")
            ring.visible, plain.visible = on_ring, not on_ring
            if kind == "ring: append":
                ring.append(signal(t, args.per_frame))
                t += args.per_frame
            elif kind == "plain: set_data":
                plain.set_data(ring.positions.copy())
            view.camera.set_range(x=(t - cap, t), y=(-1.5, 1.5), z=(0, 0), margin=0)
            t0 = time.perf_counter()
            canvas.render()
            if i >= args.warmup:
                times[kind].append(time.perf_counter() - t0)
    canvas.close()
    return {kind: float(np.median(v)) * 1e3 for kind, v in times.items()}


def worker(args: argparse.Namespace) -> None:
    size = tuple(int(v) for v in args.size.split("x"))
    lib = (Glframe if args.worker == "glframe" else Vispy)(size, args.capacity)
    # warm-up, not counted: shaders compiled, and --warmup frames of a full line (llvmpipe
    # draws a process's first large frames slower: ~30% for its first ~50 here); then
    # the line starts empty
    lib.append(signal(-args.capacity, args.capacity))
    for _ in range(args.warmup):
        lib.frame(signal(0, 0), 0)
    lib.reset()
    result = {"renderer": lib.renderer(), "phases": []}
    t = 0
    for end in args.at:
        start = max(end - args.frames * args.per_frame, t)
        chunk = max(args.capacity, args.per_frame)
        while t < start:  # the points in between, no frames
            n = min(chunk, start - t)
            lib.append(signal(t, n))
            t += n
        if t > 0:  # catch up once (glframe: one whole upload), not counted
            lib.frame(signal(t, 0), t)
        frames = (end - t) // args.per_frame
        result["phases"].append(phase(lib, t, frames, args.per_frame))
        t = result["phases"][-1]["appended"]
    if args.worker == "glframe":
        result["interleaved"] = interleaved(args, size)
    print("RESULT " + json.dumps(result), flush=True)


def spawn(lib: str, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, __file__, "--worker", lib]
    for name in ("capacity", "per_frame", "frames", "size", "warmup"):
        cmd += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
    cmd += ["--at", *(str(n) for n in args.at)]
    env = dict(os.environ)
    env.setdefault("EGL_PLATFORM", "surfaceless")  # vispy's EGL app on Mesa needs it
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {args.timeout} s"}
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    err = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
    return {"error": err[-1] if err else f"exit code {proc.returncode}"}


def best(old: dict | None, new: dict) -> dict:
    """Per phase, the round with the lower frame time (the least disturbed by other
    processes on a shared machine)."""
    if old is None or "error" in old:
        return new
    if "error" in new:
        return old
    phases = [min(a, b, key=lambda r: r["wall_ms"]) for a, b in zip(old["phases"], new["phases"])]
    out = {**old, "phases": phases}
    if "interleaved" in old:
        out["interleaved"] = {
            k: min(v, new["interleaved"][k]) for k, v in old["interleaved"].items()
        }
    return out


def fmt_bytes(value) -> str:
    return "-" if value is None else f"{value:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--capacity", type=int, default=100_000)
    parser.add_argument("--per-frame", type=int, default=100, help="points appended a frame")
    parser.add_argument("--frames", type=int, default=20, help="frames measured at the end")
    parser.add_argument(
        "--at", type=int, nargs="+", help="points appended at the end of each phase"
    )
    parser.add_argument("--size", default="400x300")
    parser.add_argument("--libs", default=",".join(LIBS))
    parser.add_argument("--warmup", type=int, default=60, help="frames of a full line first")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument(
        "--rounds", type=int, default=2, help="runs per library, taking turns (best kept)"
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the tests")
    parser.add_argument("--worker", choices=LIBS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.capacity, args.per_frame, args.frames = 1000, 20, 5
        args.at, args.size, args.rounds, args.warmup = [100, 1000, 10_000], "200x150", 1, 2
    args.at = args.at or [1000, args.capacity, 1_000_000]
    if args.worker:
        worker(args)
        return
    print(
        f"scrolling line: capacity {args.capacity:,}, {args.per_frame} points appended a "
        f"frame, {args.size}; phases end at {', '.join(f'{n:,}' for n in args.at)} points "
        "appended"
    )
    results = {}
    libs = []
    for lib in args.libs.split(","):
        if importlib.util.find_spec(lib) is None:
            print(f"{lib} is not installed: not measured (pip install {lib})")
        else:
            libs.append(lib)
    for _ in range(args.rounds):  # libraries take turns; each phase keeps its best round
        for lib in libs:
            results[lib] = best(results.get(lib), spawn(lib, args))
    for lib in libs:
        print(f"{lib}: {results[lib].get('renderer', results[lib].get('error'))}", flush=True)
    print(
        f"{'library':8s} {'appended':>10s} | {'frame ms':>8s} {'CPU ms':>7s} | "
        f"{'DATA bytes/append':>17s} {'GLIR bytes/frame':>16s}"
    )
    for lib, result in results.items():
        if "error" in result:
            print(f"{lib:8s} failed: {result['error']}")
            continue
        for r in result["phases"]:
            print(
                f"{lib:8s} {r['appended']:>10,d} | {r['wall_ms']:8.2f} {r['cpu_ms']:7.2f} | "
                f"{fmt_bytes(r['data_bytes']):>17s} {fmt_bytes(r['frame_bytes']):>16s}"
            )
    for lib, result in results.items():
        if "error" not in result:
            full, last = result["phases"][-2:] if len(result["phases"]) > 1 else [None] * 2
            if full is None:
                continue
            grown = last["data_bytes"] / max(full["data_bytes"], 1)
            print(
                f"{lib}: at {last['appended']:,} points appended / at {full['appended']:,}: "
                f"frame time {last['wall_ms'] / full['wall_ms']:.2f}x, CPU "
                f"{last['cpu_ms'] / full['cpu_ms']:.2f}x, DATA bytes per append {grown:.1f}x"
            )
    mixed = results.get("glframe", {}).get("interleaved")
    if mixed:
        print(
            f"glframe alone, {args.capacity:,} points shown, {args.per_frame} new a frame, "
            "frames taking turns: median frame ms"
        )
        for kind, ms in mixed.items():
            print(f"  {kind:20s} {ms:8.2f}")
    if "glframe" in results and "vispy" in results:
        g, v = results["glframe"], results["vispy"]
        if "error" not in g and "error" not in v:
            for gp, vp in zip(g["phases"], v["phases"]):
                wall, cpu = vp["wall_ms"] / gp["wall_ms"], vp["cpu_ms"] / gp["cpu_ms"]
                print(
                    f"vispy/glframe at {gp['appended']:,} points: frame time {wall:.2f}x, "
                    f"CPU {cpu:.2f}x, DATA bytes "
                    f"{vp['data_bytes'] / max(gp['data_bytes'], 1):.0f}x"
                )


if __name__ == "__main__":
    main()
