"""Standalone HTML export: one file that shows a recorded figure, with no server.

The page holds glir.js and figure.js (as text, imported through blob URLs, so
it works from file://), and the figure: the GLIR of one frame (with the
commands that build every object first), its buffers shuffled, deflated and
base64-encoded (about 1.13 times the raw bytes for float32 point clouds, and
far less for images and meshes), and the views' cameras for interaction in
the browser.

Everything embedded is inert: JSON in ``<script type="application/json">``
with ``<``, ``>`` and ``&`` escaped, so no text (a title, a label) can close
the script or open another; the title is HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from ..gloo import glir
from ._transport import encode

__all__ = ["figure_data", "write_html", "page", "glir_bundle"]


def figure_data(
    setup: list[tuple],
    frame: list[tuple],
    size: tuple[int, int],
    *,
    physical_size: tuple[int, int] | None = None,
    views: list[dict] | None = None,
    title: str = "",
) -> dict[str, Any]:
    """The figure as JSON-compatible data (what ``glframe.mount`` takes in a page).

    ``size`` is the page's size in CSS pixels (the views' unit), ``physical_size``
    the WebGL canvas's (the frame's viewports), ``size`` unless given.
    """
    header, buffers = glir.serialize([*setup, *frame])
    header, encoded = encode(header, buffers, "deflate", min_size=256, level=6)
    return {
        "format": "glframe-figure",
        "version": 1,
        "title": title,
        "size": [int(size[0]), int(size[1])],
        "physical_size": [int(v) for v in (physical_size or size)],
        "glir": {"version": header["version"], "commands": header["commands"]},
        "frameStart": len(setup),
        "encoding": header["encoding"],
        "buffers": [base64.b64encode(bytes(b)).decode("ascii") for b in encoded],
        "views": views or [],
    }


def _script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element (no '</script>', no '<!--')."""
    text = json.dumps(value, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _js(name: str) -> str:
    return resources.files("glframe.backends").joinpath("js", name).read_text(encoding="utf-8")


#: glir.js's modules, each after those it imports; the same for figure.js.
GLIR_MODULES = ("protocol.js", "glsl.js", "objects.js", "program.js", "glir.js")
FIGURE_MODULES = ("cameras.js", "figure.js")
_SIBLING = re.compile(r'^(?:import|export)\s*\{[^}]*\}\s*from\s*"\./[\w-]+\.js";[ \t]*\n', re.M)


def _bundle(names: tuple[str, ...]) -> str:
    """Modules as one (a module loaded from a blob: URL cannot import siblings)."""
    return "\n".join(_SIBLING.sub("", _js(name)) for name in names)


def glir_bundle() -> str:
    """glir.js as one module."""
    return _bundle(GLIR_MODULES)


def figure_bundle() -> str:
    """figure.js (with cameras.js) as one module."""
    return _bundle(FIGURE_MODULES)


def page(figure: dict[str, Any]) -> str:
    """The HTML text of a page showing ``figure``."""
    sources = {"glir": glir_bundle(), "figure": figure_bundle()}
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(figure["title"] or "glframe figure")}</title>
<style>body {{ margin: 0; background: #fff; }} #glframe-figure {{ max-width: 100%; }}</style>
</head>
<body>
<div id="glframe-figure"></div>
<pre id="glframe-error" style="color: #b00; white-space: pre-wrap"></pre>
<script type="application/json" id="glframe-sources">{_script_json(sources)}</script>
<script type="application/json" id="glframe-data">{_script_json(figure)}</script>
<script type="module">
const json = (id) => JSON.parse(document.getElementById(id).textContent);
const load = (text) => import(URL.createObjectURL(new Blob([text], {{type: "text/javascript"}})));
try {{
  const sources = json("glframe-sources");
  const [glir, fig] = await Promise.all([load(sources.glir), load(sources.figure)]);
  // The documented entry point, for pages that embed figures: glframe.mount(element, data).
  const mount = (element, data) => fig.mount(element, data, glir);
  window.glframe = {{ mount, glir, figure: fig }};
  window.glframeFigure = await window.glframe.mount(
    document.getElementById("glframe-figure"), json("glframe-data"));
  document.body.dataset.glframe = "ready";
}} catch (error) {{
  document.getElementById("glframe-error").textContent = String(error && error.stack || error);
  document.body.dataset.glframe = "error";
}}
</script>
</body>
</html>
"""


def write_html(path: str | Path, figure: dict[str, Any]) -> Path:
    """Write the page for ``figure`` to ``path``."""
    path = Path(path)
    path.write_text(page(figure), encoding="utf-8")
    return path
