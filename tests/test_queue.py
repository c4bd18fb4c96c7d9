"""GlirQueue: thread-safe appends, and the optimizer's savings."""

from __future__ import annotations

import threading

import numpy as np

from glframe import gloo
from glframe.gloo import Cmd, GlirContext, GlirQueue, optimize

VERT = (
    "in vec2 a_pos; uniform vec2 u_offset;"
    "void main() { gl_Position = vec4(a_pos + u_offset, 0., 1.); }"
)
FRAG = "uniform vec4 u_color; out vec4 c; void main() { c = u_color; }"


def names(commands):
    return [c[0].value if isinstance(c[0], Cmd) else c[0] for c in commands]


def test_uniform_set_twice_before_a_draw_is_sent_once():
    cmds = [
        (Cmd.UNIFORM, 1, "u", "float", (1.0,)),
        (Cmd.UNIFORM, 1, "v", "float", (5.0,)),
        (Cmd.UNIFORM, 1, "u", "float", (2.0,)),
        (Cmd.DRAW, 1, "points", (0, 1), 1),
        (Cmd.UNIFORM, 1, "u", "float", (3.0,)),
        (Cmd.DRAW, 1, "points", (0, 1), 1),
    ]
    out = optimize(cmds)
    assert out == [cmds[1], cmds[2], cmds[3], cmds[4], cmds[5]]


def test_a_uniform_of_another_program_is_not_a_barrier():
    cmds = [
        (Cmd.UNIFORM, 1, "u", "float", (1.0,)),
        (Cmd.DRAW, 2, "points", (0, 1), 1),
        (Cmd.UNIFORM, 1, "u", "float", (2.0,)),
        (Cmd.DRAW, 1, "points", (0, 1), 1),
    ]
    assert optimize(cmds) == cmds[1:]


def test_shaders_replaced_before_a_draw_are_sent_once():
    cmds = [
        (Cmd.CREATE, 1, "Program"),
        (Cmd.SHADERS, 1, VERT, FRAG),  # replaced before any draw: dropped
        (Cmd.UNIFORM, 1, "u_color", "vec4", (1.0, 0.0, 0.0, 1.0)),
        (Cmd.SHADERS, 2, VERT, FRAG),  # another program's: kept
        (Cmd.SHADERS, 1, VERT, FRAG.replace("c = u_color", "c = u_color.bgra")),
        (Cmd.DRAW, 1, "points", (0, 1), 1),
        (Cmd.SHADERS, 1, VERT, FRAG),  # after the draw: kept
        (Cmd.DRAW, 1, "points", (0, 1), 1),
    ]
    assert optimize(cmds) == [cmds[0], *cmds[2:]]


def test_data_wholly_overwritten_before_use_is_dropped():
    a, b = np.zeros(4, np.float32), np.ones(2, np.float32)
    cmds = [
        (Cmd.DATA, 5, 0, a),  # covered by the next one: dropped
        (Cmd.DATA, 5, 0, np.ones(4, np.float32)),
        (Cmd.DATA, 5, 8, b),  # partial: kept
        (Cmd.DRAW, 1, "points", (0, 1), 1),
        (Cmd.DATA, 5, 0, a),  # used by the draw above: kept
    ]
    assert optimize(cmds) == cmds[1:]


def test_texture_regions_and_resizes():
    full = np.zeros((4, 4), np.uint8)
    cmds = [
        (Cmd.SIZE, 7, (4, 4), "red", "r8"),
        (Cmd.DATA, 7, (1, 1), np.zeros((2, 2), np.uint8)),  # inside the next region
        (Cmd.DATA, 7, (0, 0), full),
        (Cmd.SIZE, 7, (8, 8), "red", "r8"),  # reallocation: earlier data is lost
        (Cmd.DATA, 7, (0, 0), np.zeros((8, 8), np.uint8)),
    ]
    assert optimize(cmds) == [cmds[3], cmds[4]]


def test_objects_created_and_deleted_unused_vanish():
    cmds = [
        (Cmd.CREATE, 9, "VertexBuffer"),
        (Cmd.SIZE, 9, 16),
        (Cmd.DATA, 9, 0, np.zeros(4, np.float32)),
        (Cmd.FUNC, 0, "clear", "color"),
        (Cmd.DELETE, 9),
    ]
    assert optimize(cmds) == [cmds[3]]
    used = cmds[:3] + [(Cmd.DRAW, 1, "points", (0, 1), 1), (Cmd.DELETE, 9)]
    assert optimize(used) == used


def test_savings_of_a_typical_frame():
    """Animation code that sets values more often than it draws sends far less."""
    ctx = GlirContext()
    with ctx:
        programs = [gloo.Program(VERT, FRAG) for _ in range(10)]
        for p in programs:
            p["a_pos"] = np.zeros((3, 2), np.float32)
            p["u_color"] = (1, 0, 0, 1)
            p["u_offset"] = (0, 0)
        ctx.flush()
        for step in range(5):  # five updates per program, one draw each
            for p in programs:
                p["u_offset"] = (step, 0)
                p["a_pos"] = np.full((3, 2), step, np.float32)
        for p in programs:
            p.draw("triangles")
        raw = ctx.queue.commands
        sent = ctx.flush()
    assert len(raw) == 10 * (5 + 5 + 1) - 10  # the step-0 offset equals the previous one
    assert names(sent).count("UNIFORM") == 10 and names(sent).count("DATA") == 10
    assert len(sent) == 30


def test_appends_from_many_threads_are_all_kept():
    queue = GlirQueue()

    def work(k):
        for i in range(2000):
            queue.append((Cmd.FUNC, 0, "clearDepth", float(k * 10000 + i)))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out = queue.flush(optimize_=False)
    assert len(out) == 16000 and len({c[3] for c in out}) == 16000
    assert queue.flush() == []


def test_garbage_collected_objects_queue_a_delete():
    ctx = GlirContext()
    with ctx:
        buf = gloo.VertexBuffer(np.zeros(4, np.float32))
        ctx.flush()
        oid = buf.id
        del buf
    assert ctx.queue.flush() == [(Cmd.DELETE, oid)]


def test_rendering_into_a_texture_keeps_its_earlier_size():
    cmds = [
        (Cmd.SIZE, 7, (4, 4), "rgba", "rgba8"),
        (Cmd.ATTACH, 8, "color0", 7),
        (Cmd.FRAMEBUFFER, 8, True),
        (Cmd.FUNC, 0, "clear", "color"),
        (Cmd.FRAMEBUFFER, 8, False),
        (Cmd.SIZE, 7, (8, 8), "rgba", "rgba8"),
    ]
    assert optimize(cmds) == cmds
