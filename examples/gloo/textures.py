"""Textures: a float32 field mapped through a 1D colormap texture.

The field (a Texture2D of R32F) is sampled with linear interpolation; its value
picks a colour in a 256-entry Texture1D (a sampler2D of height 1 in GLSL).
"""

import numpy as np

import glframe
from glframe import gloo

VERT = """
in vec2 a_position;
out vec2 v_uv;
void main() {
    v_uv = (a_position + 1.0) / 2.0;
    gl_Position = vec4(a_position, 0.0, 1.0);
}
"""
FRAG = """
precision highp float;
uniform sampler2D u_field;
uniform sampler2D u_colormap;
uniform vec2 u_limits;
in vec2 v_uv;
out vec4 f_color;
void main() {
    float value = texture(u_field, v_uv).r;
    float t = clamp((value - u_limits.x) / (u_limits.y - u_limits.x), 0.0, 1.0);
    f_color = texture(u_colormap, vec2(t, 0.5));
}
"""

# A small field, magnified 20x by the GPU's bilinear interpolation.
y, x = np.mgrid[-2:2:24j, -3:3:32j]
field = (np.sin(x * 2) * np.cos(y * 3) + 0.3 * x).astype(np.float32)

# A blue-white-red diverging colormap, 256 RGBA entries.
t = np.linspace(0, 1, 256)[:, None]
blue, white, red = np.array([[0.1, 0.2, 0.7]]), np.ones((1, 3)), np.array([[0.7, 0.05, 0.1]])
rgb = np.where(t < 0.5, blue + (white - blue) * t * 2, white + (red - white) * (t - 0.5) * 2)
colormap = (np.c_[rgb, np.ones(256)] * 255).astype(np.uint8)

canvas = glframe.Canvas(size=(640, 480), backend="auto", title="Textures")
program = gloo.Program(VERT, FRAG)
program["a_position"] = np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]], np.float32)
program["u_field"] = gloo.Texture2D(field, interpolation="linear")
program["u_colormap"] = gloo.Texture1D(colormap, interpolation="linear")
program["u_limits"] = (field.min(), field.max())


@canvas.connect
def on_draw(event):
    gloo.clear()
    program.draw("triangle_strip")


if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
