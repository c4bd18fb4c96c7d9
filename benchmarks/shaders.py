"""Shader composition: time to compose, compile and first draw a program, and to update a value.

The program: a vertex stage whose ``$transform`` is a chain of three snippets
(scale, a rotation, a translation), each with its own uniform, and a fragment
stage whose colour goes through a colormap snippet and a clipping hook.

Printed, median over ``--repeat`` runs:

- compose: building the Function graph and compiling it to GLSL (Python only);
- first draw: compose plus the GL compile and link by the driver, through one
  rendered frame of an offscreen canvas (llvmpipe compiles to machine code at
  first draw; its on-disk shader cache makes repeats cheaper, so the first run is
  also printed);
- update: setting one bound Variable's value and recording the frame's GLIR
  (a UNIFORM, no recompilation).

Where vispy is installed, vispy.visuals.shaders composes the same program
(GLSL 1.20 dialect) side by side, and the ratio is printed for compose and
update.

Run: ``.venv/bin/python benchmarks/shaders.py [--repeat 20]``; ``--quick`` (what the
test suite runs): 3 repeats and one first draw.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

SCALE = "vec4 scale(vec4 p) { return vec4(p.xyz * $s, p.w); }"
ROTATE = (
    "vec4 rotate(vec4 p) { float c = cos($a), s = sin($a);"
    " return vec4(c * p.x - s * p.y, s * p.x + c * p.y, p.zw); }"
)
SHIFT = "vec4 shift(vec4 p) { return vec4(p.xyz + $t, p.w); }"
VERT = """
out float v_value;
void main() {
    v_value = $value;
    gl_Position = $transform(vec4($position, 0.0, 1.0));
}
"""
FRAG = """
in float v_value;
out vec4 f_color;
void main() { f_color = $post($colormap(v_value)); }
"""


def glframe_compose():
    from glframe.shaders import (
        Function,
        FunctionChain,
        ModularProgram,
        Variable,
        colormaps,
        load_function,
    )

    parts = []
    for code, key, value in (
        (SCALE, "s", (1.0, 1.0, 1.0)),
        (ROTATE, "a", 0.3),
        (SHIFT, "t", (0.1, 0.0, 0.0)),
    ):
        fn = Function(code)
        fn[key] = value
        parts.append(fn)
    vert = Function(VERT, "main.vert")
    vert["transform"] = FunctionChain("transform", parts)
    vert["position"] = Variable("a_position", np.zeros((3, 2), np.float32), kind="attribute")
    vert["value"] = Variable("a_value", np.zeros(3, np.float32), kind="attribute")
    frag = Function(FRAG, "main.frag")
    frag["colormap"] = colormaps.function("viridis")
    post = frag.add_hook("post", "vec4")
    clip = load_function("clipping/rect")
    clip["bounds"] = (0.0, 0.0, 1e4, 1e4)
    post.append(clip)
    return ModularProgram(vert, frag), parts[1]


def bench_glframe(repeat: int, first_draws: int) -> dict[str, list[float]]:
    import glframe
    from glframe import gloo

    out: dict[str, list[float]] = {"compose": [], "first draw": [], "update": []}
    for _ in range(repeat):
        t0 = time.perf_counter()
        glframe_compose()
        out["compose"].append(time.perf_counter() - t0)
    for _ in range(first_draws):
        canvas = glframe.Canvas(size=(32, 32))
        t0 = time.perf_counter()
        program, rotate = glframe_compose()
        canvas.events.draw.connect(lambda e, p=program: p.draw("triangles"))
        canvas.render()
        out["first draw"].append(time.perf_counter() - t0)
        with canvas:
            for i in range(repeat):
                t0 = time.perf_counter()
                rotate["a"] = 0.01 * i  # bound Variable: records a UNIFORM
                out["update"].append(time.perf_counter() - t0)
                program.draw("triangles")
                canvas.context.flush()
            gloo.clear()
        canvas.close()
    return out


def bench_vispy(repeat: int) -> dict[str, list[float]] | None:
    try:
        from vispy.visuals.shaders import Function, FunctionChain, ModularProgram, Variable
    except ImportError:
        return None
    vert120 = VERT.replace("out float", "varying float").replace("$value", "$value")
    frag120 = (
        FRAG.replace("in float v_value;", "varying float v_value;")
        .replace("out vec4 f_color;", "")
        .replace("f_color", "gl_FragColor")
        .replace("$post(", "$postfx(")  # vispy reserves $post
    )
    cmap = "vec4 viridis(float t) { return vec4(t, t, t, 1.0); }"
    clip = "vec4 clip(vec4 c) { if (gl_FragCoord.x > $b.z) discard; return c; }"

    def compose():
        parts = []
        for code, key, value in (
            (SCALE, "s", (1.0, 1.0, 1.0)),
            (ROTATE, "a", 0.3),
            (SHIFT, "t", (0.1, 0.0, 0.0)),
        ):
            fn = Function(code)
            fn[key] = value
            parts.append(fn)
        program = ModularProgram(vert120, frag120)
        program.vert["transform"] = FunctionChain("transform", parts)
        program.vert["position"] = Variable("attribute vec2 a_position")
        program.vert["value"] = Variable("attribute float a_value")
        program.frag["colormap"] = Function(cmap)
        post = Function(clip)
        post["b"] = (0.0, 0.0, 1e4, 1e4)
        program.frag["postfx"] = FunctionChain("postfx", [post])
        program.build_if_needed()
        return program, parts[1]

    out: dict[str, list[float]] = {"compose": [], "update": []}
    for _ in range(repeat):
        t0 = time.perf_counter()
        program, rotate = compose()
        out["compose"].append(time.perf_counter() - t0)
    for i in range(repeat):
        t0 = time.perf_counter()
        rotate["a"] = 0.01 * i
        program.build_if_needed()
        program.update_variables()
        out["update"].append(time.perf_counter() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, help="runs per measure (default 20)")
    parser.add_argument(
        "--quick", action="store_true", help="3 runs, one first draw (the test suite runs this)"
    )
    args = parser.parse_args()
    if args.repeat is None:
        args.repeat = 3 if args.quick else 20
    gf = bench_glframe(args.repeat, 1 if args.quick else max(3, args.repeat // 4))
    vp = bench_vispy(args.repeat)
    print(f"{'':12s} {'glframe ms':>11s} {'vispy ms':>9s} {'ratio':>6s}")
    for key, times in gf.items():
        med = statistics.median(times) * 1e3
        line = f"{key:12s} {med:11.3f}"
        if vp and key in vp:
            vmed = statistics.median(vp[key]) * 1e3
            line += f" {vmed:9.3f} {med / vmed:6.2f}"
        if key == "first draw":
            line += f"   (first run {times[0] * 1e3:.1f} ms)"
        print(line)
    if vp is None:
        print("vispy is not installed: no comparison (pip install vispy, or the bench extra)")


if __name__ == "__main__":
    main()
