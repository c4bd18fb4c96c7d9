"""Animation: a Timer turns a coloured triangle; keys and the wheel steer it.

The timer advances the angle by the real time since its previous tick
(``event.dt``), so the speed does not depend on the frame rate, and asks for a
redraw with ``canvas.update()``: the event loop draws only then. Space pauses
and resumes, the wheel changes the speed, a drag turns the triangle by hand,
and a resize keeps it undistorted. Rendered headless (the gallery), the
timer never runs and the triangle stands at angle 0.
"""

import math

import numpy as np

import glframe
from glframe import gloo

VERT = """
in vec2 a_position;
in vec3 a_color;
uniform float u_angle;
uniform vec2 u_scale;     // keeps the triangle undistorted on a non-square canvas
out vec3 v_color;
void main() {
    mat2 rotate = mat2(cos(u_angle), sin(u_angle), -sin(u_angle), cos(u_angle));
    gl_Position = vec4(rotate * a_position * u_scale, 0.0, 1.0);
    v_color = a_color;
}
"""
FRAG = """
precision highp float;
in vec3 v_color;
out vec4 f_color;
void main() { f_color = vec4(v_color, 1.0); }
"""

canvas = glframe.Canvas(size=(400, 300), backend="auto", title="Animation (Space: pause)")
program = gloo.Program(VERT, FRAG)
corners = np.radians([90.0, 210.0, 330.0])
program["a_position"] = 0.8 * np.c_[np.cos(corners), np.sin(corners)].astype(np.float32)
program["a_color"] = np.array([[1.0, 0.3, 0.2], [0.2, 0.9, 0.4], [0.3, 0.4, 1.0]], np.float32)
program["u_angle"] = 0.0
state = {"angle": 0.0, "speed": math.pi / 2}  # radians, radians per second


def set_scale(width: int, height: int) -> None:
    side = min(width, height)
    program["u_scale"] = (side / width, side / height)


set_scale(*canvas.logical_size)


def on_timeout(event):
    state["angle"] += state["speed"] * event.dt
    canvas.update()


timer = glframe.Timer(interval=1 / 60, connect=on_timeout)


@canvas.connect
def on_draw(event):
    program["u_angle"] = state["angle"]
    gloo.clear(color=(0.08, 0.08, 0.1, 1.0))
    program.draw("triangles")


@canvas.connect
def on_resize(event):
    set_scale(*event.size)


@canvas.connect
def on_key_press(event):
    if event.key == "Space":
        timer.stop() if timer.running else timer.start()


@canvas.connect
def on_mouse_wheel(event):
    state["speed"] *= 1.25 ** event.delta[1]


@canvas.connect
def on_mouse_move(event):
    if 1 in event.buttons:  # drag horizontally to turn
        state["angle"] += (event.pos[0] - event.last_pos[0]) * 0.01
        canvas.update()


@canvas.connect
def on_close(event):
    timer.stop()


if __name__ == "__main__":
    timer.start()
    glframe.app.show(canvas, __file__)
