"""Render to texture: draw a scene into a FrameBuffer, then post-process it.

Pass 1 draws a ring of points into a Texture2D (through a FrameBuffer with a
depth RenderBuffer). Pass 2 draws the texture on the canvas with a 9x9 box
blur added to the sharp image, a cheap glow.
"""

import numpy as np

import glframe
from glframe import gloo

SIZE = (400, 400)

POINTS_VERT = """
in vec2 a_position;
in float a_size;
void main() {
    gl_Position = vec4(a_position, 0.0, 1.0);
    gl_PointSize = a_size;
}
"""
POINTS_FRAG = """
precision highp float;
out vec4 f_color;
void main() {
    float r = length(gl_PointCoord - 0.5);
    if (r > 0.5) discard;
    f_color = vec4(1.0, 0.75 - r, 0.2, 1.0);
}
"""
GLOW_VERT = """
in vec2 a_position;
out vec2 v_uv;
void main() { v_uv = (a_position + 1.0) / 2.0; gl_Position = vec4(a_position, 0.0, 1.0); }
"""
GLOW_FRAG = """
precision highp float;
uniform sampler2D u_scene;
uniform vec2 u_texel;
in vec2 v_uv;
out vec4 f_color;
void main() {
    vec4 blur = vec4(0.0);
    for (int i = -4; i <= 4; i++)
        for (int j = -4; j <= 4; j++)
            blur += texture(u_scene, v_uv + vec2(i, j) * u_texel * 2.0);
    vec4 sharp = texture(u_scene, v_uv);
    f_color = vec4(sharp.rgb + 1.5 * blur.rgb / 81.0, 1.0);
}
"""

angles = np.linspace(0, 2 * np.pi, 24, endpoint=False)
ring = np.c_[np.cos(angles), np.sin(angles)].astype(np.float32) * 0.6

scene = gloo.Texture2D(shape=(SIZE[1], SIZE[0], 4), interpolation="linear")
fbo = gloo.FrameBuffer(scene, gloo.RenderBuffer((SIZE[1], SIZE[0]), "depth_component24"))

points = gloo.Program(POINTS_VERT, POINTS_FRAG)
points["a_position"] = ring
points["a_size"] = np.linspace(6, 30, 24, dtype=np.float32)
glow = gloo.Program(GLOW_VERT, GLOW_FRAG)
glow["a_position"] = np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]], np.float32)
glow["u_scene"] = scene
glow["u_texel"] = (1 / SIZE[0], 1 / SIZE[1])

canvas = glframe.Canvas(size=SIZE, backend="auto", title="Render to texture")


@canvas.connect
def on_draw(event):
    with fbo:
        gloo.set_viewport(0, 0, *SIZE)
        gloo.clear(color=(0.02, 0.02, 0.05, 1.0))
        gloo.set_state("additive")
        points.draw("points")
    gloo.set_viewport(0, 0, *canvas.size)
    gloo.set_state("opaque", depth_test=False)
    glow.draw("triangle_strip")


if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
