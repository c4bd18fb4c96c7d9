"""The same data through two transform chains, mapped on the GPU.

A frequency response (amplitude against frequency, 1 Hz to 1 kHz), its grid
and its two peaks are drawn twice from the same arrays. Left: ``log ∘ scale``,
a semi-log plot. Right: ``polar ∘ log ∘ scale``, the same plot wrapped around
a circle, one decade per 100 degrees, amplitude outwards. Both chains share
their ``log`` and ``scale`` components; each chain's ``glsl_map`` is bound to
the ``$transform`` placeholder of a vertex shader, so the vertices are mapped
per frame on the GPU and changing a parameter (``scale.translate = ...``)
would be a uniform update. Grid lines are split into short segments so that
they bend in the polar panel: the GPU maps vertices, not the lines between.
"""

import numpy as np

import glframe
from glframe import gloo
from glframe.shaders import Function, ModularProgram, Variable, Varying
from glframe.transforms import LogTransform, PolarTransform, STTransform

SIZE = (800, 400)

# ---- the data, in data coordinates: (frequency in Hz, amplitude in [0, 1]) --------------


def response(f):
    """Two resonances, at 30 Hz and 300 Hz."""
    peak = lambda f0, q: 1 / np.sqrt((1 - (f / f0) ** 2) ** 2 + (f / (q * f0)) ** 2)  # noqa: E731
    return peak(30.0, 4.0) + 0.6 * peak(300.0, 8.0)


def polyline_segments(x, y):
    """Pairs of vertices for GL "lines" along a polyline."""
    pts = np.c_[x, y]
    return np.stack([pts[:-1], pts[1:]], axis=1).reshape(-1, 2)


freqs = np.geomspace(1, 1000, 600)
norm = response(freqs).max()  # amplitudes in [0, 1]
curve = polyline_segments(freqs, response(freqs) / norm)
grid = []
for decade in (1, 10, 100):
    for k in range(1, 10):
        grid.append(polyline_segments(np.full(40, decade * k), np.linspace(0, 1, 40)))
grid.append(polyline_segments(np.full(40, 1000.0), np.linspace(0, 1, 40)))
for level in np.linspace(0, 1, 5):
    grid.append(polyline_segments(np.geomspace(1, 1000, 200), np.full(200, level)))
grid = np.concatenate(grid)
peaks_x = np.array([30.0, 300.0])
peaks = np.c_[peaks_x, response(peaks_x) / norm]

lines = np.concatenate([grid, curve]).astype(np.float32)
line_colors = np.concatenate(
    [
        np.tile([0.35, 0.4, 0.5, 1.0], (len(grid), 1)),
        np.tile([1.0, 0.6, 0.15, 1.0], (len(curve), 1)),
    ]
).astype(np.float32)

# ---- the transforms -----------------------------------------------------------------------
# scale: frequency / sqrt(1000) centres the decades on 1; amplitude 0..1 -> radius 0.3..1
scale = STTransform(scale=(1 / np.sqrt(1000), 0.7), translate=(0, 0.3))
# log on x only, in the base that turns one decade into 100 degrees (in radians)
log = LogTransform(base=(10 ** (1 / np.radians(100)), 0))
polar = PolarTransform()
# views: fit each panel's result into clip space [-1, 1]
left_view = STTransform()
left_view.set_mapping([(-2.8, 0.25), (2.8, 1.05)], [(-0.92, -0.85), (0.92, 0.85)])
right_view = STTransform(scale=(0.92, 0.92))

panels = {
    "left": left_view * log * scale,  # a semi-log plot
    "right": right_view * polar * log * scale,  # the same, wrapped around a circle
}

# ---- programs: one vertex shader with a $transform placeholder ------------------------------
VERT = """
void main() {
    gl_Position = $transform(vec4($position, 0.0, 1.0));
    gl_PointSize = $size;
    $v_color = $color;
}
"""
FRAG_LINES = "out vec4 f_color; void main() { f_color = $v_color; }"
FRAG_POINTS = """
out vec4 f_color;
void main() {
    float r = length(gl_PointCoord - 0.5) * 2.0;
    if (r > 1.0) discard;
    f_color = vec4($v_color.rgb * (1.0 - 0.4 * r), 1.0);
}
"""


def make_program(chain, positions, colors, frag_code, size=1.0):
    v_color = Varying("v_color", "vec4")
    vert = Function(VERT, "transforms_example.vert")
    vert["transform"] = chain.glsl_map  # the chain in GLSL: uniforms, live
    vert["position"] = Variable("a_position", positions, kind="attribute")
    vert["color"] = Variable("a_color", colors, kind="attribute")
    vert["size"] = float(size)
    vert["v_color"] = v_color
    frag = Function(frag_code, "transforms_example.frag")
    frag["v_color"] = v_color
    return ModularProgram(vert, frag)


peak_colors = np.tile(np.float32([0.3, 0.9, 1.0, 1.0]), (len(peaks), 1))
programs = {
    name: (
        make_program(chain, lines, line_colors, FRAG_LINES),
        make_program(chain, peaks.astype(np.float32), peak_colors, FRAG_POINTS, size=12.0),
    )
    for name, chain in panels.items()
}

canvas = glframe.Canvas(size=SIZE, backend="auto", title="polar ∘ log ∘ scale")


@canvas.connect
def on_draw(event):
    w, h = canvas.size
    gloo.set_viewport(0, 0, w, h)
    gloo.clear(color=(0.05, 0.06, 0.09, 1.0))
    gloo.set_state("translucent", depth_test=False)
    for i, name in enumerate(("left", "right")):
        gloo.set_viewport(i * w // 2, 0, w // 2, h)
        line_program, point_program = programs[name]
        line_program.draw("lines")
        point_program.draw("points")


if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
