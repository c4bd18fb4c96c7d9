"""Ten of glframe's colormaps, one stripe each, as GLSL functions.

One ModularProgram per colormap: the fragment stage's ``$colormap`` placeholder
is bound to the colormap's generated function (``colormaps.function(name)``); a
uniform places the stripe. ``colormaps.names()`` lists all of them (matplotlib's,
vispy's and glframe's); each program is compiled on its own, so ten are shown.
"""

import numpy as np

import glframe
from glframe import gloo
from glframe.shaders import Function, ModularProgram, Variable, colormaps

VERT = """
out float v_t;
void main() {
    vec2 p = $position;
    v_t = (p.x + 1.0) / 2.0;
    gl_Position = vec4(p.x, $row.x + (p.y + 1.0) / 2.0 * ($row.y - $row.x), 0.0, 1.0);
}
"""
FRAG = """
in float v_t;
out vec4 f_color;
void main() { f_color = $colormap(v_t); }
"""

names = ["cividis", "coolwarm", "fire", "grays", "inferno", "magma", "plasma", "turbo"]
names += ["twilight", "viridis"]
quad = Variable(
    "a_position", np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]], np.float32), kind="attribute"
)
programs = []
for i, name in enumerate(names):
    top = 1 - 2 * i / len(names)
    vert, frag = Function(VERT, "stripe.vert"), Function(FRAG, "stripe.frag")
    vert["position"] = quad
    vert["row"] = (top - 2 / len(names) + 0.01, top - 0.01)  # a uniform vec2 u_row
    frag["colormap"] = colormaps.function(name)
    programs.append(ModularProgram(vert, frag))

canvas = glframe.Canvas(size=(512, 40 * len(names)), backend="auto", title="Colormaps")


@canvas.connect
def on_draw(event):
    gloo.clear(color="white")
    for program in programs:
        program.draw("triangle_strip")


if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
