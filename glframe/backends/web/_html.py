"""Standalone HTML export: one file that shows a recorded figure, with no server.

The page holds glir.js and figure.js (as text, imported through blob URLs, so
it works from file://), and the figure: the GLIR of one frame (with the
commands that build every object first), its buffers shuffled, deflated and
base64-encoded (about 1.13 times the raw bytes for float32 point clouds, and
far less for images and meshes), and the views' cameras for interaction in
the browser. The page is the one shell of ``_page.py`` (as the server's).

A figure whose data has a ``plot`` key (a glframe.plot figure: its axes'
plot areas, scales and styles, and which axes share a range) also loads
axes.js, which draws the ticks, tick labels and grid over the WebGL canvas
and recomputes them after each camera move by the tick rule of ticks.js.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from ...gloo import glir
from ._page import axes_bundle, figure_bundle, glir_bundle, page_shell, script_json
from ._transport import encode

__all__ = ["figure_data", "write_html", "page"]


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


def page(figure: dict[str, Any]) -> str:
    """The HTML text of a page showing ``figure``."""
    sources = {"glir": glir_bundle(), "figure": figure_bundle()}
    if figure.get("plot"):
        sources["axes"] = axes_bundle()
    return page_shell(
        title=figure["title"] or "glframe figure",
        element="glframe-figure",
        element_style="max-width: 100%;",
        sources=script_json(sources),
        data={"glframe-data": script_json(figure)},
        script=_SCRIPT,
    )


_SCRIPT = """
  const { glir, figure: fig } = modules;
  // The documented entry point, for pages that embed figures: glframe.mount(element, data).
  const mount = (element, data) => fig.mount(element, data, glir);
  window.glframe = { mount, glir, figure: fig };
  const element = document.getElementById("glframe-figure");
  const data = json("glframe-data");
  window.glframeFigure = await window.glframe.mount(element, data);
  // a plot figure: ticks, labels and grid that follow the page's cameras
  if (modules.axes) window.glframeAxes = modules.axes.attach(element, window.glframeFigure, data);
"""


def write_html(path: str | Path, figure: dict[str, Any]) -> Path:
    """Write the page for ``figure`` to ``path``."""
    path = Path(path)
    path.write_text(page(figure), encoding="utf-8")
    return path
