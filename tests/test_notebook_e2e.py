"""End to end: a real JupyterLab, headless Chromium, the canvas widget in both modes.

One JupyterLab server for the module (isolated config, data, runtime, settings
and workspace directories; a token; a free port), one notebook written with
nbformat into its root. Playwright opens it with ``?reset``, runs its cells
with the keyboard, and for each mode checks the widget's pixels, drags to pan,
and checks that the picture moved and that the Python camera agrees. The
kernel's side is read back through files: a cell (run from the keyboard after
the drag, since comm messages are handled only between cells) writes the
camera rectangles, the widget stats and ``canvas.render()`` next to the
notebook.

Outside CI a machine without Chromium, Playwright, JupyterLab or anywidget
skips with the reason; under CI=true that is a failure.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import numpy as np
import pytest
from browser import ARGS, CHROMIUM, _unavailable
from jupyter_helpers import (
    free_port,
    jupyter_server,
    require_browser,
    require_modules,
    server_env,
)

SIZE = (320, 240)
DRAG = (40, 30)  # pixels right, down
# PanZoomCamera(rect=(0, 0, 10, 10)) on 320x240: a drag pans by -dx*10/320, +dy*10/240
EXPECTED_RECT = [-DRAG[0] * 10 / SIZE[0], DRAG[1] * 10 / SIZE[1], 10, 10]
MARKER = (160, 120)  # the red square at scene (5, 5), in canvas pixels
MOVED = (MARKER[0] + DRAG[0], MARKER[1] + DRAG[1])
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the visible notebook (Lab keeps hidden ones)

SETUP = """\
import json, os
import numpy as np
from glframe import scene

def make():
    canvas = scene.SceneCanvas(size=(320, 240), bgcolor="black")
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, 10, 10)))
    scene.visuals.Markers([[5.0, 5.0]], size=24, symbol="square", face_color="red",
                          edge_width=0, parent=view.scene)
    return canvas, view

def save(**canvases):
    state = {}
    for name, (canvas, view) in canvases.items():
        np.save(f"{name}.npy", canvas.render())
        state[name] = {"rect": [float(v) for v in view.camera.rect],
                       "stats": canvas.widget().stats()}
    with open("state.tmp", "w") as f:
        json.dump(state, f)
    os.replace("state.tmp", "state.json")
"""
CELLS = [
    SETUP,
    "server = make()\nserver[0].widget(mode='server')",
    "client = make()\nclient[0].widget(mode='client', stream='comm')",
    "save(server=server, client=client)",
    "server[0].widget().mode = 'client'",
    "import glframe\n"
    "spin = make()\n"
    "timer = glframe.Timer(1 / 20, connect=lambda e: spin[1].camera.pan(0.05, 0), start=True)\n"
    "spin[0].widget(stream='relay')",
    "timer.count",
    "for socket in list(spin[0].widget()._sockets.values()):\n    socket.close()",
]

PIXELS = """(el) => {
  const c = el.querySelector('.glframe-remote canvas');
  const t = document.createElement('canvas');
  t.width = c.width; t.height = c.height;
  const x = t.getContext('2d');
  x.drawImage(c, 0, 0);
  const d = x.getImageData(0, 0, c.width, c.height).data;
  let s = '';
  for (let i = 0; i < d.length; i += 8192) {
    s += String.fromCharCode.apply(null, d.subarray(i, i + 8192));
  }
  return [btoa(s), c.width, c.height];
}"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory, gl_available):
    require_browser()
    require_modules("jupyterlab", "anywidget", "ipykernel", "nbformat")
    root = tmp_path_factory.mktemp("lab")
    env = server_env(
        root,
        JUPYTERLAB_SETTINGS_DIR=str(root / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(root / "ws"),
    )
    notify = root / "settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    notify.parent.mkdir(parents=True)
    notify.write_text('{"fetchNews": "false", "checkForUpdates": false}')
    expose = "--JupyterNotebookApp.expose_app_in_browser=True"  # Notebook 7's kernel state
    with jupyter_server(root, "jupyterlab", expose, env=env) as (base, token, log):
        yield {"base": base, "token": token, "nbdir": root / "nbs", "log": log}


@pytest.fixture(scope="module")
def gl_available():
    """GL in this process stands for GL in the kernel (same machine, same libraries)."""
    from conftest import _gl_unavailable

    reason = _gl_unavailable()
    if reason:
        _unavailable(f"no GL context: {reason}")


def _write_notebook(path: Path, cells: list[str] = CELLS) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


def _image(handle) -> np.ndarray:
    data, w, h = handle.evaluate(PIXELS)
    return np.frombuffer(base64.b64decode(data), np.uint8).reshape(h, w, 4)


def _red(image: np.ndarray) -> np.ndarray:
    return (image[..., 0] > 200) & (image[..., 1] < 60) & (image[..., 2] < 60)


def _centre(image: np.ndarray) -> tuple[float, float]:
    ys, xs = np.nonzero(_red(image))
    assert len(xs) > 100, f"no red marker in the picture ({len(xs)} red pixels)"
    return float(xs.mean()), float(ys.mean())


def _close(a: np.ndarray, b: np.ndarray, *, tolerance: int = 8, fraction: float = 0.01) -> bool:
    """Same picture up to rasterizer noise: few pixels differ by more than ``tolerance``."""
    if a.shape != b.shape:
        return False
    bad = (np.abs(a.astype(int) - b.astype(int)) > tolerance).any(axis=-1)
    return bad.mean() <= fraction


def _poll(check, timeout: float, what: str):
    deadline = time.time() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_widget_in_both_modes_pans_and_syncs_the_camera(lab, tmp_path):
    from playwright.sync_api import sync_playwright

    nbdir: Path = lab["nbdir"]
    _write_notebook(nbdir / "widget.ipynb")
    state_file = nbdir / "state.json"

    def run_cell(page, index: int) -> None:
        cell = page.locator(f"{PANEL} .jp-Cell").nth(index)
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Control+Enter")  # run in place

    def read_state(page) -> tuple[dict, dict]:
        state_file.unlink(missing_ok=True)
        run_cell(page, 3)
        _poll(state_file.exists, 30, "the kernel's state.json")
        state = json.loads(state_file.read_text())
        images = {name: np.load(nbdir / f"{name}.npy") for name in state}
        return state, images

    def drag(canvas) -> None:
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        assert (round(box["width"]), round(box["height"])) == SIZE, box  # shown 1:1
        x, y = box["x"] + MARKER[0], box["y"] + MARKER[1]
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + DRAG[0], y + DRAG[1], steps=8)
        page.mouse.up()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        console: list[str] = []
        page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
        try:
            page.goto(f"{lab['base']}/lab/tree/widget.ipynb?reset&token={lab['token']}")
            page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=60_000)
            page.wait_for_selector("#jp-main-statusbar >> text=/\\| Idle/", timeout=60_000)
            for index in range(3):
                run_cell(page, index)
            widgets = page.locator(f"{PANEL} .glframe-widget")

            # ---- server mode: frames from the kernel, the exact PNG once settled
            server = widgets.nth(0)
            server.locator('canvas[data-format="png"]').wait_for(timeout=60_000)
            state, images = read_state(page)
            assert state["server"]["rect"] == [0, 0, 10, 10]
            _poll(lambda: (_image(server) == images["server"]).all(), 10, "the exact frame")
            assert np.allclose(_centre(images["server"]), MARKER, atol=1)
            server.locator(".glframe-snapshot").wait_for(state="detached", timeout=5_000)
            # its stream: the kernel's own websocket, not the comm
            assert server.get_attribute("data-transport") == "direct"
            assert state["server"]["stats"]["stream_views"] == 1

            # ---- client mode: GLIR drawn by glir.js with WebGL2
            client = widgets.nth(1)
            client.locator("canvas[data-frames]").wait_for(timeout=60_000)
            shown = _image(client)
            assert _close(shown, images["client"]), "WebGL2 picture differs from the kernel's"
            assert np.allclose(_centre(shown), MARKER, atol=1)
            assert client.get_attribute("data-transport") == "comm"  # stream="comm"
            assert state["client"]["stats"]["stream_views"] == 0

            # ---- drag both; the kernel's cameras follow
            frames = int(server.locator("canvas").get_attribute("data-frames"))
            drag(server.locator("canvas"))
            drag(client.locator("canvas"))
            state, images = read_state(page)
            for name in ("server", "client"):
                np.testing.assert_allclose(state[name]["rect"], EXPECTED_RECT, atol=1e-6)
                assert np.allclose(_centre(images[name]), MOVED, atol=1), name
            _poll(lambda: (_image(server) == images["server"]).all(), 10, "the settled frame")
            assert int(server.locator("canvas").get_attribute("data-frames")) > frames
            shown = _image(client)
            assert np.allclose(_centre(shown), MOVED, atol=1)
            assert _close(shown, images["client"])
            stats = state["server"]["stats"]
            assert stats["frames_shown"] >= 2 and stats["roundtrip_ms"] > 0, stats
            assert stats["encode_ms"] > 0 and stats["views"] == 1, stats
            assert state["client"]["stats"]["glir_messages"] >= 1

            # ---- switch the displayed server widget to client mode, no re-run
            run_cell(page, 4)
            server.locator("canvas[data-frames]:not([data-format])").wait_for(timeout=30_000)
            switched = _image(server)
            assert np.allclose(_centre(switched), MOVED, atol=1)
            assert _close(switched, images["server"])

            # ---- a timer animates a widget while other cells run
            run_cell(page, 5)
            spin = widgets.nth(2)
            spin.locator("canvas[data-frames]").wait_for(timeout=30_000)
            spin.scroll_into_view_if_needed()
            counted = page.locator(f"{PANEL} .jp-Cell").nth(6).locator(".jp-OutputArea-output")
            frames, counts = [], []
            for _ in range(3):
                run_cell(page, 6)
                _poll(lambda: counted.count() and counted.inner_text() not in counts, 10, "count")
                counts.append(counted.inner_text())
                frames.append(int(spin.locator("canvas").get_attribute("data-frames")))
            assert [int(c) for c in counts] == sorted(int(c) for c in counts), counts
            assert frames[0] < frames[1] < frames[2], frames  # frames kept coming

            # ---- relayed by the notebook server (glframe_jupyter) until the kernel closes the
            # socket: the view goes on over the comm
            assert spin.get_attribute("data-transport") == "relay"
            run_cell(page, 7)
            _poll(lambda: spin.get_attribute("data-transport") == "comm", 10, "the fallback")
            before = int(spin.locator("canvas").get_attribute("data-frames"))
            _poll(
                lambda: int(spin.locator("canvas").get_attribute("data-frames")) > before + 3,
                10,
                "frames over the comm",
            )
            page.screenshot(path=str(tmp_path / "lab.png"))
        except BaseException:
            page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            print("screenshot:", tmp_path / "failure.png")
            print(
                "widgets' routes:",
                page.eval_on_selector_all(
                    ".glframe-widget", "els => els.map((e) => e.dataset.transport)"
                ),
            )
            print("console:", *console[-40:], sep="\n  ")
            print(lab["log"].read_text()[-3000:])
            for text in page.locator(f"{PANEL} .jp-OutputArea-output").all_inner_texts():
                print(text[-3000:])
            raise
        finally:
            browser.close()
    assert not errors, errors


def test_the_relay_needs_the_notebook_servers_login(lab):
    """glframe_jupyter's relay is a Jupyter endpoint: no login, no relay."""
    import asyncio

    import tornado.httpclient
    import tornado.websocket

    base = lab["base"].replace("http://", "ws://") + "/glframe/stream"

    async def status(url: str) -> int:
        try:
            socket = await tornado.websocket.websocket_connect(url)
        except tornado.httpclient.HTTPClientError as exc:
            return exc.code
        socket.close()
        return 101

    login = f"token={lab['token']}"
    free = free_port()  # nothing listens there
    assert asyncio.run(status(f"{base}/{free}/abc?stream_token=x")) == 403  # not logged in
    assert asyncio.run(status(f"{base}/80/abc?{login}")) == 400  # not a kernel's port
    assert asyncio.run(status(f"{base}/{free}/abc?{login}&stream_token=x")) == 502
    assert asyncio.run(status(f"{base}/{free}/a.b?{login}")) == 404  # not a widget's key


NB7_CELLS = [
    SETUP,
    "server = make()\nserver[0].widget(mode='server')",
    "client = make()\nclient[0].widget(mode='client', stream='relay')",
]
KERNEL_IDLE = """() => {
  const app = window.jupyterapp, widget = app && app.shell.currentWidget;
  const kernel = widget && widget.sessionContext && widget.sessionContext.session
    && widget.sessionContext.session.kernel;
  return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""


def test_notebook_7_shows_both_modes_and_pans(lab, tmp_path):
    """The same widget in Notebook 7's interface (served by the same server)."""
    from playwright.sync_api import sync_playwright

    _write_notebook(lab["nbdir"] / "nb7.ipynb", NB7_CELLS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            page.goto(f"{lab['base']}/notebooks/nb7.ipynb?token={lab['token']}")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
            page.wait_for_function(KERNEL_IDLE, timeout=60_000)
            # Notebook 7's own start-up, served with isolated settings, reports a missing
            # file-browser command and schema: not ours; from here on, any error is
            startup_errors, errors[:] = list(errors), []
            page.locator(".jp-Cell").first.locator(".jp-InputArea-editor").click()
            page.keyboard.press("Escape")
            for _ in NB7_CELLS:
                page.keyboard.press("Shift+Enter")
            widgets = page.locator(".glframe-widget")
            server, client = widgets.nth(0), widgets.nth(1)
            server.locator('canvas[data-format="png"]').wait_for(timeout=60_000)
            client.locator("canvas[data-frames]").wait_for(timeout=60_000)
            assert server.get_attribute("data-transport") == "direct"
            assert client.get_attribute("data-transport") == "relay"
            for widget in (server, client):
                assert np.allclose(_centre(_image(widget)), MARKER, atol=1)
            # a drag on each: the kernel's frame (server) and WebGL (client) show it moved
            for widget in (server, client):
                canvas = widget.locator("canvas")
                canvas.scroll_into_view_if_needed()
                box = canvas.bounding_box()
                x, y = box["x"] + MARKER[0], box["y"] + MARKER[1]
                page.mouse.move(x, y)
                page.mouse.down()
                page.mouse.move(x + DRAG[0], y + DRAG[1], steps=8)
                page.mouse.up()
            _poll(lambda: np.allclose(_centre(_image(server)), MOVED, atol=1), 10, "server pan")
            assert np.allclose(_centre(_image(client)), MOVED, atol=1)
        except BaseException:
            page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            print("screenshot:", tmp_path / "failure.png")
            raise
        finally:
            browser.close()
    assert not errors, (errors, startup_errors)
