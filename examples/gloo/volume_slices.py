"""A 3D texture: nine slices through a volume, each drawn by one instance.

The volume (64^3, float16 as R16F) is uploaded once; a per-instance depth
picks the slice each of the nine tiles samples.
"""

import numpy as np

import glframe
from glframe import gloo

VERT = """
in vec2 a_corner;
in vec2 a_tile;        // per instance: tile centre
in float a_depth;      // per instance: slice depth in [0, 1]
out vec3 v_texcoord;
void main() {
    v_texcoord = vec3((a_corner + 1.0) / 2.0, a_depth);
    gl_Position = vec4(a_tile + a_corner * 0.31, 0.0, 1.0);
}
"""
FRAG = """
precision highp float;
precision highp sampler3D;
uniform sampler3D u_volume;
in vec3 v_texcoord;
out vec4 f_color;
void main() {
    float v = texture(u_volume, v_texcoord).r;
    f_color = vec4(v, v * v, 0.4 + 0.6 * v * (1.0 - v), 1.0);
}
"""

z, y, x = np.mgrid[-1:1:64j, -1:1:64j, -1:1:64j]
blob = np.exp(-((x - 0.2 * z) ** 2 + (y + 0.3 * z) ** 2) * 6) + 0.5 * np.exp(
    -(x**2 + y**2 + z**2) * 1.5
) * (0.5 + 0.5 * np.cos(10 * np.sqrt(x**2 + y**2 + z**2)))
volume = (blob / blob.max()).astype(np.float16)

tiles = np.array([(i, j) for j in (0.66, 0, -0.66) for i in (-0.66, 0, 0.66)], np.float32)

canvas = glframe.Canvas(size=(480, 480), backend="auto", title="Volume slices")
program = gloo.Program(VERT, FRAG)
program["a_corner"] = np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]], np.float32)
program["a_tile"] = gloo.VertexBuffer(tiles, divisor=1)
program["a_depth"] = gloo.VertexBuffer(np.linspace(0.05, 0.95, 9, dtype=np.float32), divisor=1)
program["u_volume"] = gloo.Texture3D(volume, interpolation="linear")


@canvas.connect
def on_draw(event):
    gloo.clear(color=(0.08, 0.08, 0.1, 1.0))
    program.draw("triangle_strip")


if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
