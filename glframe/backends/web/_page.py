"""The browser side's files, and the one HTML page shell that loads them.

``js/`` holds glir.js and its modules, figure.js (with cameras.js), axes.js
(with ticks.js: the ticks of a glframe.plot figure), remote.js and widget.js:
plain ES modules. A page (an HTML export, the server's page)
or the notebook widget gets them as text, each bundle one module, and imports
them through blob URLs (a module loaded that way cannot import its siblings;
it also works from file://).

:func:`page_shell` is the page both the HTML export (``_html.py``) and the
websocket server (``_server.py``) serve: the scripts and the data as inert
JSON, a module script that loads the scripts and runs the page's own lines,
and an error box. Everything embedded is inert: JSON in ``<script
type="application/json">`` with ``<``, ``>`` and ``&`` escaped, so no text (a
title, a label) can close the script or open another; the title is
HTML-escaped.
"""

from __future__ import annotations

import html
import json
import re
from importlib import resources
from typing import Any

__all__ = [
    "js_source",
    "glir_bundle",
    "figure_bundle",
    "axes_bundle",
    "script_json",
    "page_shell",
    "GLIR_MODULES",
    "FIGURE_MODULES",
    "AXES_MODULES",
]

#: glir.js's modules, each after those it imports; the same for figure.js.
GLIR_MODULES = ("protocol.js", "glsl.js", "objects.js", "program.js", "glir.js")
FIGURE_MODULES = ("cameras.js", "figure.js")
AXES_MODULES = ("ticks.js", "axes.js")
_SIBLING = re.compile(r'^(?:import|export)\s*\{[^}]*\}\s*from\s*"\./[\w-]+\.js";[ \t]*\n', re.M)


def js_source(name: str) -> str:
    """The text of ``js/<name>``."""
    return resources.files(__package__).joinpath("js", name).read_text(encoding="utf-8")


def _bundle(names: tuple[str, ...]) -> str:
    """Modules as one (a module loaded from a blob: URL cannot import siblings)."""
    return "\n".join(_SIBLING.sub("", js_source(name)) for name in names)


def glir_bundle() -> str:
    """glir.js as one module."""
    return _bundle(GLIR_MODULES)


def figure_bundle() -> str:
    """figure.js (with cameras.js) as one module."""
    return _bundle(FIGURE_MODULES)


def axes_bundle() -> str:
    """axes.js (with ticks.js) as one module: a plot figure's ticks in a page."""
    return _bundle(AXES_MODULES)


def script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element (no '</script>', no '<!--')."""
    text = json.dumps(value, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_shell(
    *,
    title: str,
    element: str,
    element_style: str,
    sources: str,
    data: dict[str, str],
    script: str,
) -> str:
    """The HTML text of a glframe page.

    Parameters
    ----------
    title
        The page's title (escaped here).
    element, element_style
        The id of the ``<div>`` the page draws in, and its CSS declarations.
    sources
        ``{name: module text}`` as :func:`script_json` made it (pages cache it):
        each module is loaded, and the page's script finds it in ``modules``.
    data
        ``{id: JSON text}``, each as :func:`script_json` made it: inert
        ``<script type="application/json" id=...>`` elements, which the page's
        script reads with ``json(id)``.
    script
        The page's own lines (JavaScript, run in a module after its modules
        are loaded, with ``json``, ``modules`` and ``fail(message)`` in scope).
        When they finish, ``document.body.dataset.glframe`` is "ready"; an
        exception shows in the error box and makes it "error".
    """
    lines = script.strip("\n")
    blocks = "\n".join(
        f'<script type="application/json" id="{name}">{text}</script>'
        for name, text in data.items()
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>body {{ margin: 0; background: #fff; }}
#{element} {{ {element_style} }}</style>
</head>
<body>
<div id="{element}"></div>
<pre id="glframe-error" style="color: #b00; white-space: pre-wrap"></pre>
<script type="application/json" id="glframe-sources">{sources}</script>
{blocks}
<script type="module">
const json = (id) => JSON.parse(document.getElementById(id).textContent);
const load = (text) => import(URL.createObjectURL(new Blob([text], {{type: "text/javascript"}})));
const fail = (message) => {{
  document.getElementById("glframe-error").textContent = message;
  document.body.dataset.glframe = "error";
}};
try {{
  const sources = json("glframe-sources");
  const names = Object.keys(sources);
  const loaded = await Promise.all(names.map((name) => load(sources[name])));
  const modules = Object.fromEntries(names.map((name, i) => [name, loaded[i]]));
{lines}
  document.body.dataset.glframe = "ready";
}} catch (error) {{
  fail(String(error && error.stack || error));
}}
</script>
</body>
</html>
"""
