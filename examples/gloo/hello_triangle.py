"""Hello triangle: one program, three coloured vertices, rendered with gloo."""

import numpy as np

import glframe
from glframe import gloo

VERT = """
in vec2 a_position;
in vec3 a_color;
out vec3 v_color;
void main() {
    gl_Position = vec4(a_position, 0.0, 1.0);
    v_color = a_color;
}
"""
FRAG = """
precision highp float;
in vec3 v_color;
out vec4 f_color;
void main() { f_color = vec4(v_color, 1.0); }
"""

canvas = glframe.Canvas(size=(320, 240), backend="auto", title="Hello triangle")
program = gloo.Program(VERT, FRAG)
program["a_position"] = np.array([[-0.8, -0.8], [0.8, -0.8], [0.0, 0.8]], np.float32)
program["a_color"] = np.eye(3, dtype=np.float32)


@canvas.connect
def on_draw(event):
    gloo.clear(color=(0.1, 0.1, 0.12, 1.0))
    program.draw("triangles")


if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
