"""A built wheel works without the repository: install it in a fresh virtualenv, render.

The wheel is built from the files git keeps (tracked, and new ones not ignored:
``git ls-files``), copied out of the repository so that nothing ignored or built
here (egg-info, build/, caches) can slip in, installed with its
core dependencies from the package registry into a new virtualenv (no system site
packages), and run from a folder outside the repository: a scene of an Image,
Markers and Text rendered offscreen (the shader snippets, the font lookup), compared
with the same script run from the repository; a page exported to HTML (the
JavaScript files); the Jupyter server extension's config installed. pip's cache
makes the install quick after the first run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import imageio.v3 as iio
    import glframe
    from glframe import scene
    from glframe.transforms import STTransform

    canvas = scene.SceneCanvas(size=(160, 120), bgcolor="#202830")
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, 16, 12)))
    ramp = np.linspace(0, 1, 64 * 48).reshape(48, 64).astype(np.float32)
    scene.visuals.Image(ramp, cmap="viridis", transform=STTransform(scale=(0.125, 0.125)),
                        parent=view.scene)
    points = np.array([[10.0, 3.0], [12.0, 3.0], [14.0, 3.0]])
    scene.visuals.Markers(points, size=14, face_color="red", parent=view.scene)
    scene.visuals.Text("glframe", (11.0, 9.0), font_size=10.5, color="white",
                       parent=view.scene)
    iio.imwrite("scene.png", canvas.render())
    canvas.export_html("scene.html")
    print(json.dumps({"glframe": glframe.__file__}))
    """
)


def _env() -> dict[str, str]:
    """This process's environment without what would point a Python at the repository."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _run(args, cwd, timeout=120) -> subprocess.CompletedProcess:
    out = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=_env(), capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip
    assert out.returncode == 0, f"{' '.join(map(str, args))} failed:\n{out.stdout}\n{out.stderr}"
    return out


def _build_wheel(tmp: Path) -> Path:
    src = tmp / "src"
    files = _run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT
    ).stdout.split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():  # a tracked file deleted in the work tree: skipped
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            (src / name).write_bytes((ROOT / name).read_bytes())
    # build isolation: pip installs the build-system's setuptools from the registry
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp / "dist", src], tmp)
    (wheel,) = (tmp / "dist").glob("glframe-*.whl")
    return wheel


def test_the_wheel_installs_and_renders_outside_the_repository(make_canvas, tmp_path):
    make_canvas((4, 4))  # skips (or fails under CI) where no GL context can be made
    wheel = _build_wheel(tmp_path)
    names = zipfile.ZipFile(wheel).namelist()
    for name in (
        "glframe/backends/web/js/glir.js",
        "glframe/backends/web/js/widget.js",
        "glframe/shaders/colormaps.npz",
        "glframe/shaders/glsl/antialias.glsl",
        "glframe_jupyter/__init__.py",
        "glframe-0.1.0.data/data/etc/jupyter/jupyter_server_config.d/glframe.json",
    ):
        assert name in names, f"{name} is not in {wheel.name}"
    assert not [n for n in names if "/test/" in n or n.startswith(("tests/", "examples/"))]

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], tmp_path)
    python = venv / "bin" / "python"
    _run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", wheel], tmp_path)
    conf = venv / "etc/jupyter/jupyter_server_config.d/glframe.json"
    assert json.loads(conf.read_text())["ServerApp"]["jpserver_extensions"] == {
        "glframe_jupyter": True
    }

    outside, inside = tmp_path / "outside", tmp_path / "inside"
    for folder, py in ((outside, python), (inside, sys.executable)):
        folder.mkdir()
        (folder / "script.py").write_text(SCRIPT)
        out = _run([py, "script.py"], folder)
        where = Path(json.loads(out.stdout.strip().splitlines()[-1])["glframe"])
        if folder is outside:  # the installed copy, not the repository's
            assert venv in where.parents and ROOT not in where.parents, where
    import imageio.v3 as iio

    a = iio.imread(outside / "scene.png").astype(int)
    b = iio.imread(inside / "scene.png").astype(int)
    assert a.shape == (120, 160, 4)
    # the same code on the same GL: the same picture, but allow a few edge pixels
    assert (np.abs(a - b).max(axis=-1) > 8).mean() < 0.002
    # and it is the scene: ramp, red markers, white text on the background
    assert tuple(a[2, 2, :3]) == (0x20, 0x28, 0x30)
    assert ((a[..., 0] > 200) & (a[..., 1] < 80)).sum() > 100  # markers
    assert ((a[..., :3] > 220).all(axis=-1)).sum() > 30  # text

    from glframe.backends.web._page import _SIBLING, script_json

    page = (outside / "scene.html").read_text(encoding="utf-8")
    glir_js = _SIBLING.sub("", (ROOT / "glframe/backends/web/js/glir.js").read_text())
    assert script_json(glir_js)[1:-1] in page  # glir.js's code, as the page embeds it
