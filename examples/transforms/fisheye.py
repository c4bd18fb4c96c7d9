"""A fisheye lens over a scatter plot: MagnifyTransform, mapped on the GPU.

Two thousand points in three clusters and a grid are drawn through
``view ∘ lens``: inside the lens (the ring) everything is magnified, by
``mag`` at its centre and less towards the rim, where the lens meets the
unchanged plot without a seam. The lens is a transform like any other: its
``glsl_map`` is bound to the vertex shader's ``$transform``, and moving it
(``lens.center = ...``) is a uniform update. To follow the mouse, map the
cursor back to data coordinates with ``view.imap`` and set ``lens.center``.
"""

import numpy as np

import glframe
from glframe import gloo
from glframe.shaders import Function, ModularProgram, Variable, Varying
from glframe.transforms import MagnifyTransform, STTransform

SIZE = (500, 500)

# ---- data in [-1, 1]^2 ----------------------------------------------------------------------
rng = np.random.default_rng(3)
centers = np.array([[-0.45, -0.3], [0.2, 0.15], [0.5, -0.55]])
spreads = np.array([0.18, 0.06, 0.12])
which = rng.integers(0, 3, 2000)
points = (centers[which] + rng.normal(0, 1, (2000, 2)) * spreads[which, None]).astype(np.float32)
palette = np.float32([[0.95, 0.45, 0.25, 0.85], [0.3, 0.8, 1.0, 0.85], [0.75, 0.9, 0.3, 0.85]])
point_colors = palette[which]


def segments(x, y):
    pts = np.c_[x, y]
    return np.stack([pts[:-1], pts[1:]], axis=1).reshape(-1, 2)


ticks = np.linspace(-1, 1, 21)
fine = np.linspace(-1, 1, 201)  # short segments: lines bend inside the lens
grid = np.concatenate(
    [segments(np.full_like(fine, t), fine) for t in ticks]
    + [segments(fine, np.full_like(fine, t)) for t in ticks]
)
lens = MagnifyTransform(center=(0.2, 0.12), mag=3.0, radius=0.4)
angles = np.linspace(0, 2 * np.pi, 241)
rim = segments(
    *(lens.center[:, None] + 0.999 * lens.radius * np.array([np.cos(angles), np.sin(angles)]))
)

lines = np.concatenate([grid, rim]).astype(np.float32)
line_colors = np.concatenate(
    [np.tile([0.3, 0.33, 0.4, 1.0], (len(grid), 1)), np.tile([1.0, 1.0, 1.0, 0.9], (len(rim), 1))]
).astype(np.float32)

# ---- the transform: data -> lens -> clip space ------------------------------------------------
view = STTransform(scale=(0.95, 0.95))
transform = view * lens

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
    f_color = vec4($v_color.rgb, $v_color.a * (1.0 - r * r));
}
"""


def make_program(positions, colors, frag_code, size=1.0):
    v_color = Varying("v_color", "vec4")
    vert = Function(VERT, "fisheye.vert")
    vert["transform"] = transform.glsl_map
    vert["position"] = Variable("a_position", positions, kind="attribute")
    vert["color"] = Variable("a_color", colors, kind="attribute")
    vert["size"] = float(size)
    vert["v_color"] = v_color
    frag = Function(frag_code, "fisheye.frag")
    frag["v_color"] = v_color
    return ModularProgram(vert, frag)


line_program = make_program(lines, line_colors, FRAG_LINES)
point_program = make_program(points, point_colors, FRAG_POINTS, size=7.0)

canvas = glframe.Canvas(size=SIZE, backend="auto", title="Fisheye lens")


@canvas.connect
def on_draw(event):
    gloo.clear(color=(0.04, 0.05, 0.07, 1.0))
    gloo.set_state("translucent", depth_test=False)
    line_program.draw("lines")
    point_program.draw("points")


if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
