"""GLIR overhead: Python CPU time per frame for 1, 100 and 1000 programs, glframe vs vispy.gloo.

Each of N programs has its own tiny VertexBuffer (one triangle under a pixel wide) and
two uniforms, ``u_color`` (set once) and ``u_offset`` (changed every frame). A frame is:
clear, then per program set ``u_offset`` and draw. Per frame we measure

- build: the Python time of the user's draw code recording GLIR (glframe: the loop plus
  ``canvas.context.flush()``; vispy: the loop minus the time spent in its GlirParser,
  since ``vispy.gloo.Program.draw`` executes the queue itself after every draw);
- interpret: executing that GLIR with PyOpenGL (glframe: ``canvas.interpreter.execute``;
  vispy: the time inside ``GlirParser.parse``), without glFinish (one untimed glFinish
  runs between frames so frames do not overlap);
- raw GL: the same GL calls (useProgram, uniform, bind VAO, draw) issued straight through
  PyOpenGL on glframe's objects: the driver's share, which no GLIR layer can remove;
- bytes/frame unchanged: the size of one frame whose uniforms are re-set to the values they
  already have, serialized as JSON header (compact) + raw array bytes.

Medians over ``--frames`` frames after warm-up frames (the first ones compile shaders). CPU is
``time.process_time`` (the whole process: llvmpipe's rasterizer threads count too, and its
vertex stage runs inside the draw call), wall is ``time.perf_counter``. The canvas is 64x64
and each triangle covers at most one pixel, so rasterization is negligible: what remains is
Python plus the driver's per-draw cost, which on llvmpipe is large (compare "raw GL"). From 513
distinct programs on, that cost jumps ~15x (~15 to ~220 us per draw here, for any GL client):
Mesa's draw module keeps 512 vertex-shader variants, so llvmpipe then re-JITs every frame.

Each library runs in its own subprocess, so they share no GL state; vispy uses its EGL app
(with ``EGL_PLATFORM=surfaceless``) unless ``--vispy-app`` names another.

The raw-GL programs are the benchmark's own (compiled and linked with PyOpenGL in the
canvas's context, one per distinct source as glframe does), so the comparison reads
nothing private of glframe's interpreter.

Run::

    .venv/bin/python benchmarks/glir_overhead.py [--counts 1 100 1000] [--frames 20]
        [--no-vispy] [--vispy-app egl] [--distinct-shaders] [--profile]
    .venv/bin/python benchmarks/glir_overhead.py --quick   # 1 and 10 programs, 3 frames

``--quick`` (what the test suite runs) keeps the tables and skips vispy when it is
not installed, saying so.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import json
import os
import pstats
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np

SIZE = (64, 64)
WARMUP = 3

# glframe: the common dialect, GLSL ES 3.00.
VERT = """#version 300 es
in vec2 a_position;
uniform vec2 u_offset;
void main() { gl_Position = vec4(a_position + u_offset, 0.0, 1.0); }
"""
FRAG = """#version 300 es
precision mediump float;
uniform vec4 u_color;
out vec4 f_color;
void main() { f_color = u_color; }
"""
# vispy.gloo: its own dialect (GLSL 1.20 / ES 2.0), same work.
VERT_120 = """
attribute vec2 a_position;
uniform vec2 u_offset;
void main() { gl_Position = vec4(a_position + u_offset, 0.0, 1.0); }
"""
FRAG_120 = """
uniform vec4 u_color;
void main() { gl_FragColor = u_color; }
"""

Frame = Callable[[float], np.ndarray]  # dx -> [build cpu, build wall, interp cpu, interp wall]


def clocks() -> np.ndarray:
    return np.array([time.process_time(), time.perf_counter()])


def triangles(n: int) -> list[np.ndarray]:
    """n triangles smaller than a pixel of the 64x64 canvas, scattered over it."""
    rng = np.random.default_rng(0)
    shape = np.array([[0.0, 0.0], [0.02, 0.0], [0.0, 0.02]])
    return [(shape + rng.uniform(-0.9, 0.9, 2)).astype(np.float32) for _ in range(n)]


def median_frame(frame: Frame, frames: int, finish: Callable[[], None]) -> dict[str, float]:
    """Median ms of build, interpret and total per frame, CPU and wall."""
    samples = []
    for i in range(WARMUP + frames):
        sample = frame(0.001 * (i + 1))  # u_offset changes every frame
        finish()
        if i >= WARMUP:
            samples.append(sample)
    s = np.array(samples) * 1e3
    cols = {"build": s[:, 0:2], "interp": s[:, 2:4], "total": s[:, 0:2] + s[:, 2:4]}
    out = {}
    for name, v in cols.items():
        out[f"{name}_cpu"], out[f"{name}_wall"] = np.median(v, axis=0).tolist()
    return out


def frame_bytes(header: dict, arrays_nbytes: int) -> int:
    return len(json.dumps(header, separators=(",", ":"))) + arrays_nbytes


# ---- glframe ---------------------------------------------------------------------------------
def glframe_scene(n: int, distinct: bool = False):
    """A canvas with n programs, what they were made of, and build(dx) -> commands.

    The specs are (vertex source, fragment source, positions) per program, for the
    raw-GL baseline. glframe links one GL program per distinct source pair;
    ``distinct`` gives each program its own source (a comment), so nothing can be
    shared.
    """
    import glframe
    from glframe import gloo

    canvas = glframe.Canvas(size=SIZE, backend="offscreen")
    specs = [
        (VERT + (f"\n// program {i}" if distinct else ""), FRAG, pos)
        for i, pos in enumerate(triangles(n))
    ]
    programs = []
    with canvas:
        for vert, frag, pos in specs:
            program = gloo.Program(vert, frag)
            program["a_position"] = gloo.VertexBuffer(pos)
            program["u_color"] = (1.0, 0.5, 0.0, 1.0)
            programs.append(program)

    def build(dx: float) -> list[tuple]:
        with canvas:
            gloo.clear(color="black")
            for program in programs:
                program["u_offset"] = (dx, 0.0)
                program.draw("triangles")
            return canvas.context.flush()

    return canvas, specs, build


def bench_glframe(counts: list[int], frames: int, distinct: bool = False) -> dict:
    rows, renderer = {}, ""
    for n in counts:
        canvas, specs, build = glframe_scene(n, distinct)
        renderer = canvas.renderer
        rows[n] = glframe_row(canvas, specs, build, frames)
        canvas.close()
    return {"renderer": renderer, "rows": rows}


def glframe_row(canvas, specs: list, build: Callable, frames: int) -> dict:
    from OpenGL import GL  # after the canvas: glframe configures PyOpenGL for EGL

    from glframe.gloo import glir

    def frame(dx: float) -> np.ndarray:
        t0 = clocks()
        commands = build(dx)
        t1 = clocks()
        canvas.interpreter.execute(commands)
        t2 = clocks()
        return np.concatenate([t1 - t0, t2 - t1])

    row = median_frame(frame, frames, GL.glFinish)
    commands = build(0.001 * (WARMUP + frames))  # the last frame's offset: nothing changes
    header, buffers = glir.serialize(commands)
    row["bytes"] = frame_bytes(header, sum(memoryview(b).nbytes for b in buffers))
    canvas.interpreter.execute(commands)

    # The driver's share: the same GL calls, no GLIR, on GL objects of our own.
    raw = raw_gl_row(specs, frames)
    row["raw_cpu"], row["raw_wall"] = raw["total_cpu"], raw["total_wall"]
    return row


def raw_gl_row(specs: list, frames: int) -> dict[str, float]:
    """The same frame issued straight through PyOpenGL, in the current (the canvas's) context.

    Like glframe: one linked GL program per distinct source pair, one VAO and one vertex
    buffer per program, ``u_color`` set once; per frame clear, then per program use it,
    set ``u_offset``, bind its VAO and draw.
    """
    from OpenGL import GL

    version = GL.glGetString(GL.GL_VERSION).decode(errors="replace")
    header = "#version 300 es" if "OpenGL ES" in version else "#version 330 core"

    def compile_shader(kind: int, source: str) -> int:
        shader = GL.glCreateShader(kind)
        GL.glShaderSource(shader, source.replace("#version 300 es", header, 1))
        GL.glCompileShader(shader)
        if not GL.glGetShaderiv(shader, GL.GL_COMPILE_STATUS):
            raise RuntimeError(GL.glGetShaderInfoLog(shader).decode(errors="replace"))
        return shader

    linked: dict[tuple[str, str], tuple[int, int]] = {}  # sources -> (program, u_offset)
    draws, objects = [], []
    for vert, frag, pos in specs:
        sources = (vert, frag)
        if sources not in linked:
            handle = GL.glCreateProgram()
            shaders = [
                compile_shader(GL.GL_VERTEX_SHADER, sources[0]),
                compile_shader(GL.GL_FRAGMENT_SHADER, sources[1]),
            ]
            for shader in shaders:
                GL.glAttachShader(handle, shader)
            GL.glLinkProgram(handle)
            if not GL.glGetProgramiv(handle, GL.GL_LINK_STATUS):
                raise RuntimeError(GL.glGetProgramInfoLog(handle).decode(errors="replace"))
            for shader in shaders:
                GL.glDeleteShader(shader)
            GL.glUseProgram(handle)
            GL.glUniform4f(GL.glGetUniformLocation(handle, "u_color"), 1.0, 0.5, 0.0, 1.0)
            linked[sources] = (handle, GL.glGetUniformLocation(handle, "u_offset"))
        handle, offset = linked[sources]
        vao, vbo = GL.glGenVertexArrays(1), GL.glGenBuffers(1)
        GL.glBindVertexArray(vao)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, vbo)
        data = np.ascontiguousarray(pos, np.float32)
        GL.glBufferData(GL.GL_ARRAY_BUFFER, data.nbytes, data, GL.GL_STATIC_DRAW)
        location = GL.glGetAttribLocation(handle, "a_position")
        GL.glEnableVertexAttribArray(location)
        GL.glVertexAttribPointer(location, 2, GL.GL_FLOAT, GL.GL_FALSE, 0, None)
        draws.append((handle, offset, vao))
        objects.append((vao, vbo))
    GL.glBindVertexArray(0)
    GL.glBindBuffer(GL.GL_ARRAY_BUFFER, 0)

    def raw_frame(dx: float) -> np.ndarray:
        t0 = clocks()
        GL.glClear(GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT)
        for handle, offset, vao in draws:
            GL.glUseProgram(handle)
            GL.glUniform2f(offset, dx, 0.0)
            GL.glBindVertexArray(vao)
            GL.glDrawArrays(GL.GL_TRIANGLES, 0, 3)
        GL.glBindVertexArray(0)
        return np.concatenate([np.zeros(2), clocks() - t0])

    try:
        return median_frame(raw_frame, frames, GL.glFinish)
    finally:
        GL.glUseProgram(0)
        for vao, vbo in objects:
            GL.glDeleteVertexArrays(1, [vao])
            GL.glDeleteBuffers(1, [vbo])
        for handle, _ in linked.values():
            GL.glDeleteProgram(handle)


# ---- vispy -------------------------------------------------------------------------------------
def bench_vispy(counts: list[int], frames: int, app_name: str) -> dict:
    import vispy

    vispy.use(app=app_name)
    rows = {n: vispy_row(n, frames) for n in counts}
    renderers = [row.pop("renderer") for row in rows.values()]
    return {"renderer": renderers[0], "app": app_name, "rows": rows}


def vispy_row(n: int, frames: int) -> dict:
    from vispy import app, gloo
    from vispy.gloo import gl

    canvas = app.Canvas(size=SIZE, show=False)
    canvas.set_current()
    renderer = gl.glGetParameter(gl.GL_RENDERER)
    programs = []
    for pos in triangles(n):
        program = gloo.Program(VERT_120, FRAG_120)
        program["a_position"] = gloo.VertexBuffer(pos)
        program["u_color"] = (1.0, 0.5, 0.0, 1.0)
        programs.append(program)

    # vispy executes its queue inside every Program.draw: time its parser from outside.
    parser = canvas.context.shared.parser
    parse = parser.parse
    spent = np.zeros(2)
    captured: list | None = None

    def timed_parse(commands: list) -> None:
        nonlocal spent
        if captured is not None:
            captured.extend(commands)
        t0 = clocks()
        parse(commands)
        spent += clocks() - t0

    parser.parse = timed_parse

    def frame(dx: float) -> np.ndarray:
        nonlocal spent
        spent = np.zeros(2)
        t0 = clocks()
        gloo.clear(color="black")
        for program in programs:
            program["u_offset"] = (dx, 0.0)
            program.draw("triangles")
        canvas.context.flush_commands()
        total = clocks() - t0
        return np.concatenate([total - spent, spent])

    row = median_frame(frame, frames, gl.glFinish)
    captured = []
    frame(0.001 * (WARMUP + frames))  # the last frame's offset: nothing changes
    nbytes = 0

    def array_bytes(obj: object) -> object:
        nonlocal nbytes
        if isinstance(obj, np.ndarray):
            nbytes += obj.nbytes
            return {"buffer": 0}
        return obj.item() if isinstance(obj, np.generic) else str(obj)

    header = json.loads(json.dumps(captured, default=array_bytes))
    row["bytes"] = frame_bytes({"commands": header}, nbytes)
    row["renderer"] = renderer
    canvas.close()
    return row


# ---- driver ----------------------------------------------------------------------------------
def run_worker(lib: str, args: argparse.Namespace) -> dict | str:
    """Run one library's benchmark in a fresh process; its JSON result, or why it failed."""
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        lib,
        "--frames",
        str(args.frames),
        "--vispy-app",
        args.vispy_app,
        "--counts",
        *map(str, args.counts),
        *(["--distinct-shaders"] if args.distinct_shaders else []),
    ]
    env = dict(os.environ)
    env.setdefault("EGL_PLATFORM", "surfaceless")  # vispy's EGL app needs it (Mesa)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode or not lines:
        err = proc.stderr.strip().splitlines()
        return "\n".join(err[-15:]) if err else f"exit code {proc.returncode}"
    return json.loads(lines[-1])


def print_tables(gf: dict, vp: dict | None, counts: list[int]) -> None:
    for clock in ("cpu", "wall"):
        what = "CPU (process_time)" if clock == "cpu" else "wall (perf_counter)"
        print(f"\nms per frame, median, {what}; ratio = glframe total / vispy total")
        head = (
            f"{'N':>5} | {'gf build':>8} {'gf interp':>9} {'gf total':>8} | {'raw GL':>7} | "
            f"{'vp build':>8} {'vp interp':>9} {'vp total':>8} | {'ratio':>5}"
        )
        if clock == "cpu":
            head += f" | {'bytes unchanged gf':>18} {'vp':>7}"
        print(head)
        print("-" * len(head))
        for n in counts:
            g = gf["rows"][str(n)]
            v = vp["rows"][str(n)] if vp else None
            line = (
                f"{n:>5} | {g[f'build_{clock}']:8.2f} {g[f'interp_{clock}']:9.2f} "
                f"{g[f'total_{clock}']:8.2f} | {g[f'raw_{clock}']:7.2f} | "
            )
            if v:
                ratio = g[f"total_{clock}"] / v[f"total_{clock}"]
                line += (
                    f"{v[f'build_{clock}']:8.2f} {v[f'interp_{clock}']:9.2f} "
                    f"{v[f'total_{clock}']:8.2f} | {ratio:5.2f}"
                )
            else:
                line += f"{'-':>8} {'-':>9} {'-':>8} | {'-':>5}"
            if clock == "cpu":
                line += f" | {g['bytes']:18d} {v['bytes'] if v else '-':>7}"
            print(line)


def profile_glframe(n: int) -> None:
    """cProfile glframe's build and interpret of one frame of n programs."""
    canvas, _, build = glframe_scene(n)
    for i in range(WARMUP):
        canvas.interpreter.execute(build(0.001 * (i + 1)))
    for label, step in (("build", None), ("interpret", canvas.interpreter.execute)):
        profiler = cProfile.Profile()
        if step is None:
            profiler.runcall(build, 1.0)
        else:
            commands = build(2.0)
            profiler.runcall(step, commands)
        print(f"\n--- cProfile: glframe {label}, N={n} (tottime) ---")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(12)
    canvas.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--counts", type=int, nargs="+", help="programs per frame (default 1 100 1000)"
    )
    parser.add_argument("--frames", type=int, help="timed frames per count (default 20)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a second or two: 1 and 10 programs, 3 frames (the test suite runs this)",
    )
    parser.add_argument("--no-vispy", action="store_true", help="glframe only")
    parser.add_argument("--vispy-app", default="egl", help="vispy app backend (egl, glfw...)")
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile glframe at the largest count"
    )
    parser.add_argument(
        "--distinct-shaders",
        action="store_true",
        help="give every glframe program its own source, so no linked program is shared",
    )
    parser.add_argument("--worker", choices=["glframe", "vispy"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.counts is None:
        args.counts = [1, 10] if args.quick else [1, 100, 1000]
    if args.frames is None:
        args.frames = 3 if args.quick else 20

    if args.worker == "glframe":
        print(json.dumps(bench_glframe(args.counts, args.frames, args.distinct_shaders)))
        return
    if args.worker == "vispy":
        print(json.dumps(bench_vispy(args.counts, args.frames, args.vispy_app)))
        return

    gf = run_worker("glframe", args)
    if isinstance(gf, str):
        sys.exit(f"glframe benchmark failed: {gf}")
    vp = None
    if not args.no_vispy and importlib.util.find_spec("vispy") is None:
        print("vispy is not installed: glframe only (pip install vispy, or the bench extra)")
    elif not args.no_vispy:
        vp = run_worker("vispy", args)
        if isinstance(vp, str):
            print(f"vispy: not measured ({vp.splitlines()[-1]})")
            vp = None
    print(
        f"GL renderer: {gf['renderer']}; canvas {SIZE[0]}x{SIZE[1]}, one tiny triangle per "
        f"program; {args.frames} frames after {WARMUP} warm-up"
    )
    if vp:
        print(f"vispy: app {vp['app']!r}, renderer {vp['renderer']}")
    print_tables(gf, vp, args.counts)
    if vp:
        n = str(max(args.counts))
        ratio = gf["rows"][n]["total_cpu"] / vp["rows"][n]["total_cpu"]
        verdict = "met" if ratio <= 0.5 else "NOT met"
        print(f"\nN={n}: glframe/vispy CPU per frame = {ratio:.2f} (goal <= 0.50: {verdict})")
        g, v = gf["rows"][n], vp["rows"][n]
        over_g, over_v = g["total_cpu"] - g["raw_cpu"], v["total_cpu"] - g["raw_cpu"]
        print(
            f"N={n}: above the raw-GL floor ({g['raw_cpu']:.1f} ms): glframe {over_g:.1f} ms, "
            f"vispy {over_v:.1f} ms, ratio {over_g / over_v:.2f}"
        )
    if args.profile:
        profile_glframe(max(args.counts))


if __name__ == "__main__":
    main()
