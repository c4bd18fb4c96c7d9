"""Headless Chromium for tests (Playwright driving Debian's /usr/bin/chromium).

``browser`` is a module-scoped fixture (one browser per test module);
``run_glir(page, commands, size)`` executes GLIR with glir.js in a fresh
WebGL2 canvas of the page and returns the pixels it read back. Outside CI a
machine without Chromium or Playwright skips these tests with the reason;
under CI=true that is a failure.
"""

from __future__ import annotations

import base64
import json
import os
import shutil

import numpy as np
import pytest

CHROMIUM = os.environ.get("GLFRAME_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-gpu-compositing",
]


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    if not os.path.exists(CHROMIUM):
        _unavailable(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


HARNESS = """<!doctype html><meta charset=utf-8><body>
<script type="module">
const source = %s;
window.glir = await import(URL.createObjectURL(new Blob([source], {type: "text/javascript"})));
document.body.dataset.ready = "1";
</script>"""


def load_glir(page) -> None:
    """Load glir.js into ``page`` (as ``window.glir``)."""
    from glframe.backends.web import glir_bundle

    page.set_content(HARNESS % json.dumps(glir_bundle()).replace("</", "<\\/"))
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=30_000)


RUN = """async ([text, w, h]) => {
  const canvas = document.createElement("canvas");
  canvas.width = w; canvas.height = h;
  document.body.appendChild(canvas);
  const gl = canvas.getContext("webgl2", {antialias: false, preserveDrawingBuffer: true});
  const interp = new window.glir.GlirInterpreter(gl);
  const replies = interp.execute(window.glir.decodeJSON(text));
  const values = replies instanceof Map ? [...replies.values()] : Object.values(replies);
  const reply = values[values.length - 1];
  const bytes = new Uint8Array(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 8192)
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  canvas.remove();
  return [btoa(binary), reply.shape];
}"""


def run_glir(page, commands: list, size: tuple[int, int]) -> np.ndarray:
    """Execute ``commands`` (ending in a READ_PIXELS) in a WebGL2 canvas; its image."""
    from glframe.gloo import glir

    data, shape = page.evaluate(RUN, [glir.to_json(commands), size[0], size[1]])
    return np.frombuffer(base64.b64decode(data), np.uint8).reshape(shape)


PIXELS = """(selector) => {
  const c = selector ? document.querySelector(selector) : window.glframeFigure.canvas;
  const t = document.createElement('canvas'); t.width = c.width; t.height = c.height;
  const x = t.getContext('2d'); x.drawImage(c, 0, 0);
  const d = x.getImageData(0, 0, c.width, c.height).data;
  let s = '';
  for (let i = 0; i < d.length; i += 8192)
    s += String.fromCharCode.apply(null, d.subarray(i, i + 8192));
  return [btoa(s), c.width, c.height];
}"""


def canvas_pixels(page, selector: str | None = None) -> np.ndarray:
    """The (h, w, 4) RGBA pixels of a page's canvas: ``selector``'s, or an exported
    figure's (``window.glframeFigure.canvas``)."""
    data, w, h = page.evaluate(PIXELS, selector)
    return np.frombuffer(base64.b64decode(data), np.uint8).reshape(h, w, 4)


def open_export(page, path) -> None:
    """Open an exported page from disk and wait until it says it is ready."""
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-glframe]", state="attached", timeout=60_000)
    state = page.evaluate("document.body.dataset.glframe")
    assert state == "ready", page.inner_text("#glframe-error")
