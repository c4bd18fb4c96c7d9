"""Hooks: code outside a "visual" changes its look without touching its shaders.

The scatter's fragment stage ends in ``$post(color)``, opened as a hook. Three
effects are appended from outside: a clipping rectangle (from the snippet
library), a desaturation with its own uniform, and a ring highlight. Each
stays live: changing its uniform is a UNIFORM update, not a recompilation.
"""

import numpy as np

import glframe
from glframe import gloo
from glframe.shaders import Function, ModularProgram, Variable, Varying, load_function

rng = np.random.default_rng(7)
n = 3000
positions = rng.normal(0, 0.35, (n, 2)).astype(np.float32)
values = np.hypot(*positions.T).astype(np.float32)

# --- a minimal point "visual": disc markers coloured by a value ---------------------
v_value = Varying("v_value", "float")
vert = Function(
    """
void main() {
    gl_Position = vec4($position, 0.0, 1.0);
    gl_PointSize = $size;
    $v_value = $value;
}""",
    "points.vert",
)
vert["position"] = Variable("a_position", positions, kind="attribute")
vert["value"] = Variable("a_value", values, kind="attribute")
vert["size"] = 9.0
vert["v_value"] = v_value
frag = Function(
    """
out vec4 f_color;
void main() {
    float r = length(gl_PointCoord - 0.5) * 2.0;
    if (r > 1.0) discard;
    vec4 color = vec4(0.95, 0.45 + 0.5 * $v_value, 0.2, 1.0);
    color.rgb *= 1.0 - 0.35 * r;
    f_color = $post(color);
}""",
    "points.frag",
)
frag["v_value"] = v_value
post = frag.add_hook("post", "vec4")
program = ModularProgram(vert, frag)

# --- effects added from outside --------------------------------------------------------
clip = load_function("clipping/rect")
clip["bounds"] = (40.0, 40.0, 440.0, 320.0)  # framebuffer pixels, y up
desaturate = Function(
    "vec4 desaturate(vec4 c) { float g = dot(c.rgb, vec3(0.3, 0.59, 0.11));"
    " return vec4(mix(c.rgb, vec3(g), $amount), c.a); }",
    "effects/desaturate.glsl",
)
desaturate["amount"] = 0.6
ring = Function(
    """
vec4 ring(vec4 c) {
    float d = abs(distance(gl_FragCoord.xy, $center) - $radius);
    return d < 6.0 ? vec4(0.2, 0.6, 1.0, 1.0) : c;
}""",
    "effects/ring.glsl",
)
ring["center"] = (240.0, 180.0)
ring["radius"] = 110.0
for effect in (clip, desaturate, ring):
    post.append(effect)

canvas = glframe.Canvas(size=(480, 360), backend="auto", title="Shader hooks")


@canvas.connect
def on_draw(event):
    gloo.clear(color=(0.08, 0.08, 0.1, 1.0))
    gloo.set_state("translucent", depth_test=False)
    program.draw("points")


if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
