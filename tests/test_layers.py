"""The layering rule of docs/architecture.md, checked on every module's imports.

Also: the backends' rooms are entered through their public faces only, and the
pure layers import (and ``glframe`` imports) where PyOpenGL and glfw are absent.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "glframe"

# layer -> layers it may import (besides itself)
ALLOWED = {
    "gloo": set(),
    "backends": {"gloo"},
    "shaders": {"gloo"},
    "transforms": {"shaders", "gloo"},
    "app": {"backends", "gloo"},
    "scene": {"app", "transforms", "shaders", "gloo", "data"},
    "plot": {"scene", "app", "transforms", "shaders", "backends", "gloo", "data"},
    "data": set(),
    # the top: logging on `data`; stream.view builds on plot (imported when a view is made).
    # `import glframe.stream` must still load no GL (the probe below checks it)
    "stream": {"plot", "scene", "app", "transforms", "shaders", "backends", "gloo", "data"},
}
GL_BINDINGS = {"OpenGL", "glfw"}


def _imports(path: Path, root: Path) -> list[tuple[int, str]]:
    module = ".".join(path.relative_to(root).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
                names = [f"{name}.{a.name}" for a in node.names] if not node.module else [name]
                found += [(node.lineno, n) for n in names]
            else:
                found.append((node.lineno, node.module or ""))
    return found


def violations(package: Path = PACKAGE) -> list[str]:
    problems = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).parts
        layer = parts[0].removesuffix(".py") if len(parts) > 1 else None
        for lineno, name in _imports(path, package.parent):
            where = f"{path.relative_to(package.parent)}:{lineno}"
            if name.split(".")[0] in GL_BINDINGS and layer != "backends":
                problems.append(f"{where} imports {name} outside glframe/backends")
            target = name.split(".")[1] if name.startswith("glframe.") else None
            if layer in ALLOWED and target in ALLOWED and target != layer:
                if target not in ALLOWED[layer]:
                    problems.append(f"{where}: layer {layer!r} imports {name!r}")
            room = _private_owner(name)
            here = ".".join(path.relative_to(package.parent).with_suffix("").parts)
            if room is not None and not (here == room or here.startswith(room + ".")):
                problems.append(f"{where} imports {name!r}, private to {room!r}")
    return problems


def _private_owner(name: str) -> str | None:
    """For a private module of a backend's room (glframe.backends.web._server): the room."""
    parts = name.split(".")
    if parts[:2] != ["glframe", "backends"]:
        return None
    for i, part in enumerate(parts[2:], start=2):
        if part.startswith("_"):
            return ".".join(parts[:i])
    return None


def test_layers_import_only_downwards():
    assert violations() == []


def test_checker_catches_a_violation(tmp_path):
    pkg = tmp_path / "glframe"
    (pkg / "gloo").mkdir(parents=True)
    (pkg / "gloo" / "bad.py").write_text("from ..scene import x\nimport OpenGL.GL\n")
    problems = violations(pkg)
    assert any("layer 'gloo' imports 'glframe.scene" in p for p in problems)
    assert any("imports OpenGL.GL outside" in p for p in problems)


def test_checker_catches_a_reach_into_a_backend_room(tmp_path):
    pkg = tmp_path / "glframe"
    (pkg / "app").mkdir(parents=True)
    (pkg / "backends" / "web").mkdir(parents=True)
    (pkg / "app" / "bad.py").write_text("from ..backends.web._server import RemoteServer\n")
    (pkg / "app" / "good.py").write_text("from ..backends.web import RemoteServer\n")
    (pkg / "backends" / "web" / "ok.py").write_text("from ._server import RemoteServer\n")
    problems = violations(pkg)
    assert len(problems) == 1, problems
    assert "private to 'glframe.backends.web'" in problems[0] and "bad.py" in problems[0]


# A sitecustomize that makes OpenGL and glfw unimportable (as on a machine without them).
_NO_GL = """
import sys

class _Absent:
    BLOCKED = ("OpenGL", "glfw")

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)", name=name)
        return None

sys.meta_path.insert(0, _Absent())
"""

_PROBE = """
import importlib.util
import sys

import glframe
import glframe.gloo
import glframe.shaders
import glframe.transforms
if importlib.util.find_spec("glframe.data") is not None:
    import glframe.data
    import glframe.stream
from glframe import gloo

program = gloo.Program("void main() {}", "void main() {}")  # gloo records without GL
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("OpenGL", "glfw"))
assert not loaded, loaded
try:
    glframe.Canvas(size=(8, 8), backend="offscreen")
except ImportError as exc:
    print("CANVAS:", exc)
else:
    raise AssertionError("a canvas was made without PyOpenGL")
"""


def _run_without_gl(tmp_path: Path, code: str) -> subprocess.CompletedProcess:
    (tmp_path / "sitecustomize.py").write_text(_NO_GL)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(tmp_path), str(PACKAGE.parent), env.get("PYTHONPATH", "")]
    ).rstrip(os.pathsep)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_pure_layers_import_without_opengl_or_glfw(tmp_path):
    """import glframe, gloo, shaders, transforms (and data, stream): no GL needed or loaded."""
    result = _run_without_gl(tmp_path, _PROBE)
    assert result.returncode == 0, result.stdout + result.stderr
    message = result.stdout.split("CANVAS:", 1)[1]
    assert "PyOpenGL" in message and "pip install PyOpenGL" in message, message


def test_the_blocker_blocks(tmp_path):
    """The probe's premise: in that subprocess, OpenGL and glfw cannot be imported."""
    code = """
    for name in ("OpenGL", "OpenGL.GL", "glfw"):
        try:
            __import__(name)
        except ImportError:
            pass
        else:
            raise AssertionError(name)
    """
    result = _run_without_gl(tmp_path, code)
    assert result.returncode == 0, result.stdout + result.stderr
