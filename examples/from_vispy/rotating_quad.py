"""A quad of four coloured corners, turned by a timer, in plain gloo.

Follows vispy's ``examples/gloo/rotating_quad.py``: a ``Canvas`` subclass
holding one ``Program``, a ``theta`` uniform rotating the quad in the vertex
shader, ``on_draw``/``on_resize``/``on_timer`` methods, a white background.
What changed in the port:

- the shaders are GLSL ES 3.00: ``attribute`` is ``in``, ``varying`` is
  ``out``/``in``, ``gl_FragColor`` is a declared ``out vec4``;
- ``app.Timer("auto", ...)`` is ``glframe.Timer(1 / 60, ...)`` (seconds);
- the angle starts at 0.4 radians, so that a still frame (the gallery's) shows
  the quad turned.
"""

import numpy as np

import glframe
from glframe import gloo
from glframe.gloo import Program

vertex = """
uniform float theta;
in vec4 color;
in vec2 position;
out vec4 v_color;
void main() {
    float ct = cos(theta);
    float st = sin(theta);
    float x = 0.75 * (position.x * ct - position.y * st);
    float y = 0.75 * (position.x * st + position.y * ct);
    gl_Position = vec4(x, y, 0.0, 1.0);
    v_color = color;
}
"""

fragment = """
precision highp float;
in vec4 v_color;
out vec4 f_color;
void main() {
    f_color = v_color;
}
"""


class Canvas(glframe.Canvas):
    """The window: one program, drawn on each frame, turned on each tick."""

    def __init__(self):
        super().__init__(size=(512, 512), title="Rotating quad", keys="interactive",
                         backend="auto")  # fmt: skip
        # the program and its data
        self.program = Program(vertex, fragment, count=4)
        self.program["color"] = np.array(
            [(1, 0, 0, 1), (0, 1, 0, 1), (0, 0, 1, 1), (1, 1, 0, 1)], np.float32
        )
        self.program["position"] = np.array([(-1, -1), (-1, +1), (+1, -1), (+1, +1)], np.float32)
        self.clock = 0.4
        self.program["theta"] = self.clock

        gloo.set_viewport(0, 0, *self.physical_size)
        gloo.set_clear_color("white")

        self.timer = glframe.Timer(1 / 60, connect=self.on_timer)
        self.show()

    def on_draw(self, event):
        gloo.clear()
        self.program.draw("triangle_strip")

    def on_resize(self, event):
        gloo.set_viewport(0, 0, *event.physical_size)

    def on_timer(self, event):
        self.clock += 1 / 60
        self.program["theta"] = self.clock
        self.update()


canvas = Canvas()

if __name__ == "__main__":
    canvas.timer.start()
    glframe.run()
