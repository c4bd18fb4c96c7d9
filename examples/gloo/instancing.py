"""Instanced drawing: 10,000 rotated squares from one 4-vertex buffer, in one draw.

Per-instance data (position, angle, colour) lives in buffers with ``divisor=1``;
the instance count comes from their length.
"""

import numpy as np

import glframe
from glframe import gloo

VERT = """
in vec2 a_corner;         // per vertex: a unit square's corners
in vec2 a_center;         // per instance
in float a_angle;         // per instance
in vec4 a_color;          // per instance, uint8 normalized to [0, 1]
uniform float u_size;
uniform vec2 u_aspect;
out vec4 v_color;
void main() {
    mat2 rotate = mat2(cos(a_angle), sin(a_angle), -sin(a_angle), cos(a_angle));
    vec2 p = a_center + rotate * a_corner * u_size;
    gl_Position = vec4(p * u_aspect, 0.0, 1.0);
    v_color = a_color;
}
"""
FRAG = """
precision highp float;
in vec4 v_color;
out vec4 f_color;
void main() { f_color = v_color; }
"""

n = 10_000
rng = np.random.default_rng(1)
radius = np.sqrt(rng.uniform(0, 1, n)) * 0.95
theta = rng.uniform(0, 2 * np.pi, n)
centers = np.c_[radius * np.cos(theta), radius * np.sin(theta)].astype(np.float32)
colors = np.c_[
    255 * radius, 80 + 100 * np.sin(theta) ** 2, 255 * (1 - radius), np.full(n, 230)
].astype(np.uint8)

canvas = glframe.Canvas(size=(480, 480), backend="auto", title="Instancing")
program = gloo.Program(VERT, FRAG)
program["a_corner"] = np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]], np.float32)
program["a_center"] = gloo.VertexBuffer(centers, divisor=1)
program["a_angle"] = gloo.VertexBuffer(theta.astype(np.float32), divisor=1)
program["a_color"] = gloo.VertexBuffer(colors, divisor=1, normalized=True)
program["u_size"] = 0.012
program["u_aspect"] = (1.0, 1.0)


@canvas.connect
def on_draw(event):
    gloo.clear(color="black")
    gloo.set_state("translucent", depth_test=False)
    program.draw("triangle_strip")  # instances: len(a_center) == 10,000


if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
