"""A visual of your own in 40 lines: glowing halos with reactive properties.

``Halos`` declares its properties once (:class:`~glframe.scene.Prop`: the check,
the docstring, one value or one per item), uploads only what changed in
``_prepare`` and draws in ``_draw``; both receive a
:class:`~glframe.scene.DrawContext`. In a pick pass (``canvas.pick``) the halo
is solid, so a click anywhere on the disc finds it. docs/architecture.md walks
through it.
"""

import numpy as np

import glframe
from glframe import scene
from glframe.scene import DrawContext, Prop, Visual
from glframe.scene.visuals import checks

VERT = """
in vec3 a_positions; in float a_radius; in vec4 a_color;
out vec4 v_color; out float v_radius;
void main() {
    gl_Position = $transform(vec4(a_positions, 1.0));
    v_radius = a_radius * $pixel_scale;
    gl_PointSize = 2.0 * v_radius;
    v_color = a_color;
    $pick_index = gl_VertexID;
}"""
FRAG = """
in vec4 v_color; in float v_radius; uniform float u_falloff; uniform float u_solid;
out vec4 f_color;
void main() {
    float r = length(gl_PointCoord - 0.5) * 2.0;   // 0 at the centre, 1 at the edge
    if (r > 1.0) discard;
    float glow = max(pow(1.0 - r, u_falloff), u_solid);
    f_color = $post(vec4(v_color.rgb, v_color.a * glow));
}"""


class Halos(Visual):
    """Soft discs of light, one GL point each."""

    radius = Prop(
        checks.numbers(minimum=0), "Radius in pixels: one, or one per halo.", per_item=True
    )
    color = Prop(checks.colors(), "One colour, or (N, 3|4): one per halo.", per_item=True)
    falloff = Prop(checks.number(above=0), "How fast the glow fades: larger, a harder edge.")

    def __init__(self, positions, *, radius=20.0, color="orange", falloff=2.0, parent=None):
        super().__init__(VERT, FRAG, parent)
        self.set_data(positions, radius=radius, color=color, falloff=falloff)

    def set_data(self, positions=None, **properties):
        """New positions (N, 2|3) and any properties, checked together."""
        pos = None if positions is None else checks.as_positions(positions, "Halos.positions")
        self._set_items("positions", pos, properties)  # all checked before any is set

    def _prepare(self, ctx: DrawContext) -> None:
        for name in self._dirty:
            if name == "falloff":
                self.program["u_falloff"] = self.falloff
            else:  # one value: a constant attribute; one per halo: a buffer
                self._bind(f"a_{name}", self._values[name], 0 if name == "radius" else 1)
        self._dirty.clear()

    def _draw(self, ctx: DrawContext) -> None:
        self.program["u_solid"] = 1.0 if ctx.picking else 0.0
        if self._n:
            self.program.draw("points")


canvas = scene.SceneCanvas(size=(480, 320), backend="auto", title="Halos", bgcolor="#0b0d12")
view = canvas.add_view(camera=scene.PanZoomCamera(aspect=1))
rng = np.random.default_rng(7)
halos = Halos(rng.uniform(0, 10, (40, 2)), radius=rng.uniform(8, 40, 40), parent=view.scene)
halos.color = np.c_[rng.uniform(0.4, 1, (40, 3)), np.full(40, 0.8)]  # one buffer, nothing else
halos.falloff = 1.5  # one uniform at the next draw
view.camera.set_range(x=(0, 10), y=(0, 10))

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
