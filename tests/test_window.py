"""A real glfw window under Xvfb renders the same pixels as the offscreen canvas."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from examples_path import EXAMPLES
from imagecompare import assert_image_matches

import glframe
from glframe import gloo


@pytest.fixture(scope="module")
def xvfb():
    if shutil.which("Xvfb") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Xvfb is not installed (scripts/setup.sh installs it)")
        pytest.skip("Xvfb is not installed")
    for display in range(90, 110):
        if not Path(f"/tmp/.X11-unix/X{display}").exists():
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
    if old is None:
        os.environ.pop("DISPLAY")
    else:
        os.environ["DISPLAY"] = old
    proc.terminate()
    proc.wait(5)


def test_auto_backend_opens_a_window_that_matches_offscreen(xvfb, make_canvas, monkeypatch):
    monkeypatch.delenv("GLFRAME_BACKEND", raising=False)
    import runpy

    namespace = runpy.run_path(str(EXAMPLES / "gloo" / "hello_triangle.py"), run_name="__test__")
    canvas = namespace["canvas"]
    try:
        assert canvas.backend == "window"
        assert_image_matches(canvas.render(), "examples/gloo_hello_triangle")
    finally:
        canvas.close()


def test_window_resizes(xvfb):
    canvas = glframe.Canvas(size=(64, 48), backend="window")
    try:
        canvas.events.draw.connect(lambda e: gloo.clear(color="red"))
        assert (canvas.render()[..., :3] == [255, 0, 0]).all()
        canvas.resize(100, 50)
        assert canvas.size == (100, 50)
        img = canvas.render()
        assert img.shape == (50, 100, 4) and (img[..., :3] == [255, 0, 0]).all()
    finally:
        canvas.close()
