"""The snippet library: ``.glsl`` files shipped inside glframe, loaded by name.

``snippet("colormaps/viridis")`` is the text of
``glframe/shaders/glsl/colormaps/viridis.glsl``; ``load_function`` wraps it in
a :class:`Function` named after the file, so errors name the file. Other
packages (``glframe.transforms``) keep their own ``glsl/`` folders and pass
their package to these functions.
"""

from __future__ import annotations

import functools
from importlib import resources

from ._function import Function

__all__ = ["snippet", "snippet_names", "load_function"]


@functools.cache
def snippet(name: str, package: str = "glframe.shaders") -> str:
    """The text of ``glsl/<name>.glsl`` in ``package``."""
    path = resources.files(package).joinpath("glsl", *f"{name}.glsl".split("/"))
    if not path.is_file():
        known = ", ".join(snippet_names(package))
        raise KeyError(f"no snippet {name!r} in {package}; snippets: {known}")
    return path.read_text(encoding="utf-8")


@functools.cache
def _names(package: str) -> tuple[str, ...]:
    root = resources.files(package).joinpath("glsl")
    names = []

    def walk(folder, prefix: str) -> None:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                walk(entry, f"{prefix}{entry.name}/")
            elif entry.name.endswith(".glsl"):
                names.append(prefix + entry.name[: -len(".glsl")])

    if root.is_dir():
        walk(root, "")
    return tuple(names)


def snippet_names(package: str = "glframe.shaders") -> list[str]:
    """Every snippet name in ``package`` (e.g. 'colormaps/viridis')."""
    return list(_names(package))


def load_function(name: str, package: str = "glframe.shaders") -> Function:
    """A new :class:`Function` from the snippet ``name`` (each call: a new instance)."""
    return Function(snippet(name, package), name=f"{name}.glsl")
