"""The layering rule of docs/architecture.md, checked on every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "glframe"

# layer -> layers it may import (besides itself)
ALLOWED = {
    "gloo": set(),
    "backends": {"gloo"},
    "shaders": {"gloo"},
    "transforms": {"shaders", "gloo"},
    "app": {"backends", "gloo"},
    "scene": {"app", "transforms", "shaders", "gloo"},
    "plot": {"scene", "app", "transforms", "shaders", "backends", "gloo"},
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
    return problems


def test_layers_import_only_downwards():
    assert violations() == []


def test_checker_catches_a_violation(tmp_path):
    pkg = tmp_path / "glframe"
    (pkg / "gloo").mkdir(parents=True)
    (pkg / "gloo" / "bad.py").write_text("from ..scene import x\nimport OpenGL.GL\n")
    problems = violations(pkg)
    assert any("layer 'gloo' imports 'glframe.scene" in p for p in problems)
    assert any("imports OpenGL.GL outside" in p for p in problems)
