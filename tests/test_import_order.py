"""Import order never matters: whoever imports OpenGL first, glframe's canvases draw.

PyOpenGL fixes its platform (GLX, EGL, OSMesa) at its first import. Each test
runs a fresh Python process that imports things in one order, then renders a
known picture (red clear, a green lower half) and checks every pixel of it.
Where a combination cannot work, canvas creation raises a message naming the
platform, the import that fixed it, and what to do (glframe/backends/gl/_gl.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

_SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    order, backends = sys.argv[1], sys.argv[2].split(",")
    if order == "opengl-first":
        import OpenGL.GL
    if order == "qt-app":  # a PyQt6 application that uses PyOpenGL itself: GLX on X11
        os.environ["QT_QPA_PLATFORM"] = "xcb"
        from PyQt6 import QtWidgets
        import OpenGL.GL
        app = QtWidgets.QApplication(["import-order"])
    if order == "glx-context":  # a GLX context, as Qt makes on X11
        import glfw
        _hint = glfw.window_hint
        glfw.window_hint = lambda k, v: k == glfw.CONTEXT_CREATION_API or _hint(k, v)
    import numpy as np
    import glframe
    from glframe import gloo
    if order == "glframe-then-opengl":
        import OpenGL.GL
    VERT = "in vec2 a_position; void main() { gl_Position = vec4(a_position, 0.0, 1.0); }"
    FRAG = "precision highp float; out vec4 f; void main() { f = vec4(0.0, 1.0, 0.0, 1.0); }"
    out = {}
    for backend in backends:
        canvas = glframe.Canvas(size=(32, 24), backend=backend)
        program = gloo.Program(VERT, FRAG)
        program["a_position"] = np.array([[-1, -1], [1, -1], [-1, 0], [1, 0]], np.float32)

        @canvas.connect
        def on_draw(event):
            gloo.clear(color="red")
            program.draw("triangle_strip")

        if backend == "qt":
            canvas.show()
        img = canvas.render()
        seen = out.get(backend, [True, True])  # a backend given twice: both must draw
        out[backend] = [
            seen[0] and bool((img[:12, :, :3] == [255, 0, 0]).all()),
            seen[1] and bool((img[12:, :, :3] == [0, 255, 0]).all()),
        ]
        canvas.close()
    from OpenGL import platform
    out["platform"] = type(platform.PLATFORM).__name__
    out["env"] = os.environ.get("PYOPENGL_PLATFORM")
    print(json.dumps(out))
    """
)


def _run(order, backends, *, display=None, platform=None, cwd=None, script=_SCRIPT):
    env = dict(os.environ)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "PYOPENGL_PLATFORM", "GLFRAME_BACKEND"):
        env.pop(name, None)
    if display:
        env["DISPLAY"] = display
    if platform:
        env["PYOPENGL_PLATFORM"] = platform
    proc = subprocess.run(
        [sys.executable, "-c", script, order, ",".join(backends)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return proc


def _result(proc):
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("order", "platform", "expected"),
    [
        ("glframe-alone", None, "EGLPlatform"),
        ("opengl-first", None, "GLXPlatform"),  # PyOpenGL's default on Linux
        ("glframe-then-opengl", None, "GLXPlatform"),  # OpenGL before the first canvas
        ("opengl-first", "egl", "EGLPlatform"),
        ("opengl-first", "glx", "GLXPlatform"),  # GLX asked for, and no X display
        ("opengl-first", "osmesa", "OSMesaPlatform"),  # glframe lends it libEGL
    ],
)
def test_offscreen_draws_whatever_was_imported_first(make_canvas, order, platform, expected):
    out = _result(_run(order, ["offscreen"], platform=platform))
    assert out["platform"] == expected
    assert out["offscreen"] == [True, True]
    # glframe's choice of EGL is for its own process: children choose their own
    assert out["env"] == platform


def test_with_an_x_display_opengl_first_serves_offscreen_and_glfw_window(make_canvas, xvfb):
    out = _result(_run("opengl-first", ["offscreen", "window"], display=xvfb))
    assert out["platform"] == "GLXPlatform"
    assert out["offscreen"] == [True, True] and out["window"] == [True, True]


def test_pyopengl_egl_draws_in_a_glx_context(make_canvas, xvfb):
    # glframe first (EGL platform), then a canvas whose context is GLX, as Qt's is
    out = _result(_run("glx-context", ["offscreen", "window"], display=xvfb))
    assert out["platform"] == "EGLPlatform"
    assert out["offscreen"] == [True, True] and out["window"] == [True, True]


def test_a_qt_app_that_imported_opengl_first_has_qt_offscreen_and_window_canvases(
    make_canvas, xvfb
):
    if os.environ.get("CI") != "true":  # setup.sh installs glframe[qt]: CI always runs this
        pytest.importorskip("PyQt6", reason="pip install 'glframe[qt]'")
    out = _result(_run("qt-app", ["qt", "offscreen", "window", "qt"], display=xvfb))
    assert out["platform"] == "GLXPlatform"
    assert out["qt"] == out["offscreen"] == out["window"] == [True, True]


_NO_EGL_PLATFORM = """
from OpenGL.platform.glx import GLXPlatform


class NoEGLPlatform(GLXPlatform):
    '''A platform with no EGL bindings that cannot be lent any (as win32, darwin).'''

    @property
    def EGL(self):
        raise AttributeError("no EGL on this platform")
"""


def test_a_platform_without_egl_is_named_at_canvas_creation(make_canvas, tmp_path):
    (tmp_path / "noegl_platform.py").write_text(_NO_EGL_PLATFORM)
    script = (
        "import sys; sys.path.insert(0, '.')\n"
        "from OpenGL.plugins import PlatformPlugin\n"
        "PlatformPlugin('noegl', 'noegl_platform.NoEGLPlatform')\n"
        "import my_viewer\n" + _SCRIPT
    )
    (tmp_path / "my_viewer.py").write_text("from OpenGL import GL\n")
    proc = _run("app", ["offscreen"], platform="noegl", cwd=tmp_path, script=script)
    assert proc.returncode != 0
    message = proc.stderr.strip().splitlines()[-1]
    assert message.startswith("glframe.backends.offscreen._egl.EGLUnavailable: ")
    for part in (
        "an offscreen canvas cannot be drawn with PyOpenGL's 'noegl' platform",
        "it has no EGL bindings",
        "an import of OpenGL before glframe's first canvas",
        "PYOPENGL_PLATFORM='noegl'",
        "my_viewer",  # the module that imported OpenGL
        "Unset PYOPENGL_PLATFORM",
    ):
        assert part in message, (part, message)


def test_a_gl_library_that_reaches_no_context_is_refused(make_canvas):
    script = (
        "from glframe.backends.gl import GlirInterpreter\n"
        "GlirInterpreter()  # no context is current: GL reaches none\n"
    )
    proc = _run("none", [], script=script)
    assert proc.returncode != 0
    message = proc.stderr.strip().splitlines()[-1]
    assert message.startswith("RuntimeError: a canvas cannot be drawn with PyOpenGL's 'egl'")
    assert "does not reach the context" in message
    assert "glframe's import of OpenGL at its first canvas" in message
