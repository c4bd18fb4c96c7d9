"""Shared fixtures: canvases that close themselves and check for leaked GL errors.

Outside CI a machine without EGL skips GL tests with the reason; under CI=true
the same failure is an error, so CI never goes green without rendering.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

_gl_error: str | None = None
_gl_checked = False


def _gl_unavailable() -> str | None:
    global _gl_error, _gl_checked
    if not _gl_checked:
        _gl_checked = True
        try:
            import glframe

            glframe.Canvas(size=(4, 4)).close()
        except Exception as exc:  # noqa: BLE001 - any failure means no GL here
            _gl_error = f"{type(exc).__name__}: {exc}"
    return _gl_error


@pytest.fixture
def make_canvas():
    """``make_canvas(size=(w, h))``: an offscreen canvas, closed after the test.

    After the test each canvas must have no pending GL error.
    """
    reason = _gl_unavailable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"no GL context under CI: {reason}")
        pytest.skip(f"no GL context: {reason}")
    import glframe

    canvases = []

    def factory(size=(64, 48), **kwargs):
        canvas = glframe.Canvas(size=size, **kwargs)
        canvases.append(canvas)
        return canvas

    yield factory
    from OpenGL import GL

    leaked = []
    for canvas in canvases:
        if not canvas._closed:
            canvas._surface.make_current()
            err = GL.glGetError()
            if err:
                leaked.append((canvas, err))
            canvas.close()
    assert not leaked, f"GL errors left after the test: {leaked}"


@pytest.fixture
def canvas(make_canvas):
    """A 64x48 offscreen canvas."""
    return make_canvas()


def _require(tool: str, why: str) -> None:
    """Skip (or, under CI=true, fail) when the program ``tool`` is not installed."""
    import shutil

    if shutil.which(tool) is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} is not installed ({why}; scripts/setup.sh installs it)")
        pytest.skip(f"{tool} is not installed ({why})")


@pytest.fixture(scope="module")
def xvfb():
    """A private Xvfb display for the module's tests; DISPLAY points at it meanwhile."""
    import subprocess
    import time

    _require("Xvfb", "window tests need an X server")
    for display in range(90, 130):
        if (
            not Path(f"/tmp/.X11-unix/X{display}").exists()
            and not Path(f"/tmp/.X{display}-lock").exists()
        ):
            break
    proc = subprocess.Popen(
        ["Xvfb", f":{display}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 10
    while not Path(f"/tmp/.X11-unix/X{display}").exists():
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail(f"Xvfb :{display} did not start")
        time.sleep(0.05)
    old = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = f":{display}"
    yield f":{display}"
    # glfw stays connected to the display it started on: let it go before Xvfb does
    import glframe
    from glframe.backends.desktop import _glfw

    for canvas in glframe.app.loop.windows:
        canvas.close()
    _glfw.terminate()
    if old is None:
        os.environ.pop("DISPLAY")
    else:
        os.environ["DISPLAY"] = old
    proc.terminate()
    proc.wait(5)


@pytest.fixture
def xdotool(xvfb):
    """``xdotool(*args)``: run xdotool on the Xvfb display and return its output."""
    import subprocess

    _require("xdotool", "real input events are sent with it")

    def run(*args: str) -> str:
        out = subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=10)
        if out.returncode:
            raise RuntimeError(f"xdotool {' '.join(args)} failed: {out.stderr.strip()}")
        return out.stdout

    return run


@pytest.fixture
def scene_canvas(make_canvas, request):
    """``scene_canvas(size=None, **kwargs)``: a SceneCanvas closed after the test.

    The default size is the test module's ``SCENE_SIZE``, or (200, 200).
    """
    make_canvas((1, 1))  # skips (or fails under CI) without GL
    from glframe import scene

    canvases = []

    def factory(size=None, **kwargs):
        size = size or getattr(request.module, "SCENE_SIZE", (200, 200))
        canvas = scene.SceneCanvas(size=size, **kwargs)
        canvases.append(canvas)
        return canvas

    yield factory
    for canvas in canvases:
        canvas.close()


@pytest.fixture
def figures(make_canvas):
    """``plot.subplots`` whose figures are closed after the test (make_canvas: skips
    without GL)."""
    from glframe import plot

    made = []

    def subplots(*args, **kwargs):
        fig, axes = plot.subplots(*args, **kwargs)
        made.append(fig)
        return fig, axes

    yield subplots
    for fig in made:
        fig.close()


@pytest.fixture(params=["numba", "numpy"])
def kernel(request, monkeypatch):
    """Run a test with glframe.data's compiled kernels (aggregation, the synthetic
    sources), then with their numpy fallbacks."""
    from glframe.data import _aggregate_kernels, synthetic

    if request.param == "numba":
        pytest.importorskip("numba")
    for module in (_aggregate_kernels, synthetic):
        monkeypatch.setattr(module, "USE_NUMBA", request.param == "numba")
    return request.param
