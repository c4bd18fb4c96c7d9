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
