"""The browser viewer of a stream store (``python -m glframe stream serve``).

The server (``glframe.stream._serve.StreamServer``) runs on an asyncio loop of
its own thread, which owns every page's figure; Playwright's sync API drives
headless Chromium from the test's thread, and producers write the store from
the test's thread or from another process. What is checked: a plot page whose
pixels change as points are appended, the websocket bytes of each append (only
the new points: not growing with the points already shown), the time from a
flush to the page's next frame, URL layouts (axes and their cells, the page's
pixels against the figure's), 400 pages for bad parameters, the token, the
index, a drag that stops following, a remote producer posting to the viewer, two
tabs with their own layouts and figures, and the command line.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import signal
import statistics
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import numpy as np
import pytest
from browser import browser, canvas_pixels, page  # noqa: F401 - fixtures
from imagecompare import compare
from loop_thread import LoopThread
from test_server import get, websocket_status
from test_server import until as wait_until

from glframe import stream
from glframe.stream._layout import LayoutError, load_config, parse_query

CANVAS = "#glframe-remote canvas"
LOOSE = dict(noise=6, edge_fraction=0.2, min_allowed=8, max_interior=12)  # two rasterizers


# ---- the layout grammar (no GL) ----------------------------------------------------------
def test_rows_cols_and_weights_give_grid_cells():
    layout = parse_query(
        {"rows": "a,b;c", "width": "1,2", "axes": "ylog", "kind": "line,scatter,line"}
    )
    assert [p.names for p in layout.plots] == [("a",), ("b",), ("c",)]
    assert [p.cell for p in layout.plots] == [(0, 0, 1, 1), (0, 1, 1, 2), (1, 0, 1, 3)]
    assert [p.axes for p in layout.plots] == ["ylog"] * 3
    assert [p.kind for p in layout.plots] == ["line", "scatter", "line"]
    cols = parse_query({"cols": "a,b;c", "height": "3,1", "width": "1,1"})
    assert [p.cell for p in cols.plots] == [(0, 0, 9, 1), (9, 0, 3, 1), (0, 1, 12, 1)]
    one = parse_query({"names": "loss,acc.*", "scopes": "^run", "follow": "0", "window": "5"})
    assert one.plots[0].names == ("loss", "acc.*") and one.scopes == "^run"
    assert not one.follow and one.plots[0].window == 5.0
    assert parse_query({}).plots[0].names == (".*",)


@pytest.mark.parametrize(
    "query, param, detail",
    [
        ({"rows": "a(,b"}, "rows", "not a valid regex"),
        ({"rows": "a;;b"}, "rows", "an empty regex"),
        ({"rows": "a;b", "height": "1"}, "height", "1 values where the layout has 2"),
        ({"rows": "a,b", "width": "1,x"}, "width", "not positive integers"),
        ({"axes": "log"}, "axes", "Rule: axes is lin, xlog, ylog or xylog"),
        ({"rows": "a;b;c", "kind": "line,bar"}, "kind", "2 values for 3 plots"),
        ({"kind": "bars"}, "kind", "line or scatter"),
        ({"follow": "maybe"}, "follow", "1 (keep the newest data in view) or 0"),
        ({"capacity": "0"}, "capacity", "integer from 1"),
        ({"window": "-2"}, "window", "a number > 0"),
        ({"scopes": "[a"}, "scopes", "not a valid regex"),
        ({"rows": "a", "cols": "b"}, "cols", "one of rows=, cols= or names="),
        ({"colour": "red"}, "colour", "not a parameter of a plot page"),
        ({"mode": "server"}, "mode", "not a parameter of a plot page"),  # always client
        ({"rows": "a,b,c,d,e,f,g", "width": "997,991,983,977,971,967,953"}, "width", "grid"),
    ],
)
def test_bad_parameters_are_named_with_their_rule_and_value(query, param, detail):
    with pytest.raises(LayoutError) as info:
        parse_query(query)
    message = str(info.value)
    assert info.value.param == param and f"parameter {param}=" in message
    assert repr(query[param]) in message and "Rule:" in message and detail in message


def test_a_config_file_gives_defaults(tmp_path):
    toml = tmp_path / "view.toml"
    toml.write_text('rows = [["sin/.*", "cloud"], ["loss"]]\nkind = ["line", "scatter", "line"]\n')
    defaults = load_config(toml)
    assert defaults == {"rows": "sin/.*,cloud;loss", "kind": "line,scatter,line"}
    layout = parse_query({}, defaults)
    assert [p.kind for p in layout.plots] == ["line", "scatter", "line"]
    # a URL's own layout replaces the config's (and its per-plot lists must then fit it)
    assert len(parse_query({"names": "x", "kind": "line"}, defaults).plots) == 1
    (tmp_path / "view.json").write_text(json.dumps({"follow": False, "axes": "ylog"}))
    assert load_config(tmp_path / "view.json") == {"follow": "0", "axes": "ylog"}
    (tmp_path / "bad.json").write_text(json.dumps({"rowz": "a"}))
    with pytest.raises(ValueError, match="'rowz' is not a plot page parameter"):
        load_config(tmp_path / "bad.json")
    (tmp_path / "bad.toml").write_text('axes = "log"\n')
    with pytest.raises(LayoutError, match="axes='log'"):
        load_config(tmp_path / "bad.toml")


# ---- a served store ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server_thread():
    thread = LoopThread("stream-server")  # owns the server and every page's figure
    yield thread
    thread.stop()


@pytest.fixture
def viewer(server_thread, make_canvas, caplog):
    """``viewer(store, **options)``: a started StreamServer; closed after the test, which
    must leave no error in the log or on the loop."""
    make_canvas((1, 1))  # GL available (or skip; under CI, fail)
    from glframe.stream._serve import StreamServer

    made = []

    def factory(store, **options):
        server = server_thread.call(lambda: StreamServer(store, port=0, **options).start())
        made.append(server)
        return server

    caplog.set_level(logging.WARNING)
    yield factory
    for server in made:
        server_thread.call(server.close)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors
    assert not server_thread.errors, server_thread.errors
    server_thread.errors.clear()


def until(condition, what: str = "condition"):
    return wait_until(condition, 60, what)  # generous: CI machines are slow


def log_rows(store, name: str, x, y, scope: str = "run") -> None:
    with stream.Logger(scope, store, flush_every=None) as log:
        log.write(name, x=np.asarray(x, float), y=np.asarray(y, float))


class Wire:
    """The websocket messages a page receives (Playwright's view of the socket)."""

    def __init__(self, page) -> None:  # noqa: F811
        self.sizes: list[int] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._received))

    def _received(self, payload) -> None:
        self.sizes.append(len(payload))


def frames(page) -> int:  # noqa: F811
    return int(page.evaluate(f"+(document.querySelector('{CANVAS}')?.dataset.frames || 0)"))


def open_plot(page, url: str) -> None:  # noqa: F811
    response = page.goto(url, timeout=60_000)
    assert response.status == 200, response.text()
    page.wait_for_selector("body[data-glframe]", state="attached", timeout=60_000)
    assert page.evaluate("document.body.dataset.glframe") == "ready", page.inner_text(
        "#glframe-error"
    )
    page.wait_for_function(
        f"+(document.querySelector('{CANVAS}')?.dataset.frames || 0) > 0", timeout=60_000
    )


def wait_frames(page, after: int, timeout: float = 30) -> None:  # noqa: F811
    page.wait_for_function(
        f"+document.querySelector('{CANVAS}').dataset.frames > {after}",
        timeout=timeout * 1000,
        polling="raf",
    )


def settle(page, server_thread, viewer_server) -> None:  # noqa: F811
    """Wait until the page has had every frame the server made (no poll pending)."""

    def idle():
        sent = server_thread.call(
            lambda: [p.stats()["session"]["glir_messages"] for p in viewer_server.pages]
        )
        return sent and sum(sent) == frames(page)

    until(
        idle,
        "the page to receive every frame sent "
        f"({server_thread.call(lambda: [p.stats() for p in viewer_server.pages])}, "
        f"{frames(page)} in the page; {page.inner_text('#glframe-error')})",
    )


def test_appended_points_reach_the_page_as_only_the_new_bytes(
    server_thread,
    viewer,
    page,  # noqa: F811
    tmp_path,
):
    n0 = 1000
    x0 = np.linspace(0, 10, n0)
    log_rows(tmp_path, "wave", x0, np.sin(x0))
    server = viewer(tmp_path)
    wire = Wire(page)
    # follow=0: the camera stays, so a frame holds the new points and the draw only
    open_plot(page, server.url + "plot?names=wave&follow=0&capacity=100000")
    settle(page, server_thread, server)
    (plot,) = server_thread.call(lambda: server.pages)
    before = canvas_pixels(page, CANVAS)

    def kept() -> int:
        return server_thread.call(lambda: len(plot.figure.series[("run", "wave")][0].positions))

    def append(k: int, shown: int) -> int:
        """Bytes on the wire for one append of ``k`` points, ``shown`` points shown."""
        settle(page, server_thread, server)
        count = len(wire.sizes)
        x = np.linspace(2, 8, k)
        log_rows(tmp_path, "wave", x, 0.5 * np.cos(3 * x))
        until(lambda: kept() == shown + k, what="the poll to read the append")
        settle(page, server_thread, server)
        return sum(wire.sizes[count:])

    small = append(100, n0)
    after = canvas_pixels(page, CANVAS)
    changed = np.any(after[..., :3] != before[..., :3], axis=-1).mean()
    assert changed > 0.002, f"only {changed:.4%} of the pixels changed after an append"
    ok, why, _ = compare(after, server_thread.call(plot.figure.canvas.render), **LOOSE)
    assert ok, f"the page differs from the figure's own render: {why}"

    # many more points shown: an append of the same size costs the same bytes
    bulk = np.linspace(0, 10, 50_000)
    log_rows(tmp_path, "wave", bulk, np.sin(bulk) * 0.2)
    until(lambda: kept() == n0 + 100 + 50_000, what="the poll to read the bulk")
    small_later = append(100, n0 + 100 + 50_000)
    big = append(1000, n0 + 100 + 50_000 + 100)
    payload = 16  # x, y per point on the GPU, each a float32 pair (float64 precision)
    overhead = small - 100 * payload
    assert small < 2 * 100 * payload + 4096, (small, "bytes for 100 points")
    # (give or take a command: the quads' rows are a texture of rows of 2048 texels, and
    # an append that crosses one's end is two uploads)
    assert abs(small_later - small) <= 128, (small, small_later)
    assert big - small == pytest.approx(900 * payload, abs=64), (small, big)
    print(f"\nbytes per append: 100 points {small}, 1000 points {big}; "
          f"{(big - small) / 900:.2f} bytes per point, fixed {overhead} bytes")  # fmt: skip
    assert not page.js_errors, page.js_errors


def test_new_points_appear_soon_after_a_flush(
    server_thread,
    viewer,
    page,  # noqa: F811
    tmp_path,
):
    log_rows(tmp_path, "wave", [0.0, 1.0], [0.0, 1.0])
    # the pages' own polls a minute apart: the store's commit counter, looked at every
    # 5 ms, is what brings each flush to the page
    server = viewer(tmp_path, poll=60)
    open_plot(page, server.url + "plot?rows=wave&kind=line")
    log = stream.Logger("run", tmp_path, flush_every=None)

    def sent() -> int:
        return server_thread.call(lambda: server.pages[0].stats()["session"]["glir_messages"])

    latencies, messages = [], []
    try:
        for step in range(2, 22):
            settle(page, server_thread, server)
            n, before = frames(page), sent()
            log.write("wave", x=float(step), y=float(np.sin(step)))
            t0 = time.perf_counter()
            log.flush()
            wait_frames(page, n, timeout=30)
            latencies.append(time.perf_counter() - t0)
            settle(page, server_thread, server)
            messages.append(sent() - before)
    finally:
        log.close()
    # one message a flush: the follow's new ticks and labels are drawn in the same frame
    # (their update() asked for no second one)
    assert messages == [1] * len(messages), messages
    (plot,) = server_thread.call(lambda: server.pages)
    line = server_thread.call(lambda: plot.figure.series[("run", "wave")][0].positions)
    np.testing.assert_allclose(line[:, 0], np.arange(22))
    median = statistics.median(latencies)
    p95 = sorted(latencies)[int(0.95 * len(latencies)) - 1]
    print(f"\nflush -> frame in the page: median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    # 100 ms asked; a loaded CI machine (two cores, llvmpipe drawing each frame) gets slack
    assert median < 1.0, latencies


def test_the_doorbell_brings_each_flush_without_looking(
    server_thread,
    viewer,
    page,  # noqa: F811
    tmp_path,
):
    """Looks and polls a minute apart: each flush reaches the page through the doorbell
    its writer rings after the commit (data._doorbell), within seconds."""
    log_rows(tmp_path, "wave", [0.0, 1.0], [0.0, 1.0])
    server = viewer(tmp_path, poll=60, watch=60)
    open_plot(page, server.url + "plot?rows=wave&kind=line")
    assert (tmp_path / ".doorbells" / str(server._doorbell.port)).exists()
    with stream.Logger("run", tmp_path, flush_every=None) as log:
        for step in range(2, 7):
            settle(page, server_thread, server)
            n = frames(page)
            log.write("wave", x=float(step), y=float(np.sin(step)))
            log.flush()
            wait_frames(page, n, timeout=10)
    (plot,) = server_thread.call(lambda: server.pages)
    line = server_thread.call(lambda: plot.figure.series[("run", "wave")][0].positions)
    np.testing.assert_allclose(line[:, 0], np.arange(7))
    server_thread.call(server.close)
    assert not (tmp_path / ".doorbells").exists() or not list((tmp_path / ".doorbells").iterdir())


PRODUCER = """
import sys, time
import numpy as np
from glframe import stream
with stream.Logger("prod", sys.argv[1], flush_every=0.05) as log:
    print("started", flush=True)
    for step in range(100000):
        log.write("sin", x=step * 0.02, y=np.sin(step * 0.1))
        time.sleep(0.005)
"""


def test_a_page_follows_a_producer_process(
    server_thread,
    viewer,
    page,  # noqa: F811
    tmp_path,
):
    server = viewer(tmp_path)  # an empty store: the series appears later
    open_plot(page, server.url + "plot?names=sin&scopes=^prod$&window=2")
    producer = subprocess.Popen(
        [sys.executable, "-c", PRODUCER, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert producer.stdout.readline().strip() == "started"
        (plot,) = server_thread.call(lambda: server.pages)
        until(lambda: server_thread.call(lambda: len(plot.figure.series)), what="the series")
        images = []
        for _ in range(3):
            n = frames(page)
            wait_frames(page, n + 2)
            images.append(canvas_pixels(page, CANVAS))
        assert any(np.any(a != b) for a, b in zip(images, images[1:])), "no pixel changed"
        kept = server_thread.call(lambda: plot.figure.series[("prod", "sin")][0].positions)
        assert len(kept) > 10 and np.all(np.diff(kept[:, 0]) > 0)  # in order, none twice
    finally:
        producer.kill()
        producer.wait(10)
    assert not page.js_errors, page.js_errors


def test_url_layouts_place_the_plots(
    server_thread,
    viewer,
    page,  # noqa: F811
    tmp_path,
):
    x = np.linspace(1, 10, 50)
    # positive values on the log axes (a NaN vertex's segment: dropped by llvmpipe, not WebGL)
    for name, y in (("a", x), ("b", -x), ("c", 2 + np.sin(x)), ("d", x**2)):
        log_rows(tmp_path, name, x, y)
    server = viewer(tmp_path)
    open_plot(page, server.url + "plot?rows=a,b;c|d&width=1,2&axes=lin,lin,ylog&follow=0")
    settle(page, server_thread, server)
    (plot,) = server_thread.call(lambda: server.pages)
    fig = plot.figure

    def cells():
        return [tuple(ax._cell) for ax in fig.axes]

    (w, h), got = server_thread.call(lambda: (tuple(fig.canvas.logical_size), cells()))
    assert len(got) == 3
    (x0, y0, w0, h0), (x1, y1, w1, h1), (x2, y2, w2, h2) = got
    assert y0 == y1 == 0 and y2 == pytest.approx(h / 2, abs=1)  # two rows
    assert w1 == pytest.approx(2 * w0, abs=2) and x1 == pytest.approx(w / 3, abs=1)
    assert w2 == pytest.approx(w, abs=1)  # the second row: one plot, full width
    assert server_thread.call(lambda: fig.axes[2].yscale) == "log"
    series = server_thread.call(lambda: {k: len(v) for k, v in fig.series.items()})
    assert series == {("run", n): 1 for n in "abcd"}
    image = canvas_pixels(page, CANVAS)
    ok, why, _ = compare(image, server_thread.call(fig.canvas.render), **LOOSE)
    assert ok, f"the page differs from the figure's own render: {why}"
    # each plot's area holds its line: pixels that are not the background
    ratio = image.shape[1] / w
    areas = server_thread.call(lambda: [tuple(ax.view.rect) for ax in fig.axes])
    for ax_x, ax_y, ax_w, ax_h in areas:
        patch = image[
            int(ax_y * ratio) + 2 : int((ax_y + ax_h) * ratio) - 2,
            int(ax_x * ratio) + 2 : int((ax_x + ax_w) * ratio) - 2,
            :3,
        ].astype(int)
        coloured = (patch.max(axis=-1) - patch.min(axis=-1)) > 60
        assert coloured.sum() > 30, "a plot area without its line"

    # the columns' grammar: one plot left, two stacked right
    page.goto("about:blank")
    until(lambda: not server_thread.call(lambda: server.pages), what="the page to close")
    open_plot(page, server.url + "plot?cols=a;b,c&width=1,1")
    (plot,) = server_thread.call(lambda: server.pages)
    got = server_thread.call(lambda: [tuple(ax._cell) for ax in plot.figure.axes])
    (x0, y0, w0, h0), (x1, y1, w1, h1), (x2, y2, w2, h2) = got
    assert x0 == 0 and h0 == pytest.approx(2 * h1, abs=1) and x1 == x2 > 0 and y2 > y1
    assert not page.js_errors, page.js_errors


def test_bad_parameters_get_a_400_page(server_thread, viewer, tmp_path):

    server = viewer(tmp_path)
    base = server.url
    status, text = get(base + "plot?rows=a;b&height=1")
    assert status == 400 and "400" in text
    assert "parameter height=&#x27;1&#x27;" in text and "Rule: height is" in text
    status, text = get(base + "plot?" + urllib.parse.urlencode({"axes": "<b>log</b>"}))
    assert status == 400 and "&lt;b&gt;log&lt;/b&gt;" in text and "<b>log" not in text
    assert get(base + "plot?kind=line&kind=scatter")[0] == 400  # twice
    assert get(base + "plot?rows=a;b&height=1,3")[0] == 200

    ws = f"ws://127.0.0.1:{server.port}/ws"
    assert server_thread.run(websocket_status(ws + "?follow=2")) == 400
    assert server_thread.call(lambda: server.pages) == []


def test_a_token_is_required_off_loopback_or_when_asked(server_thread, viewer, tmp_path):

    from glframe.stream._serve import StreamServer

    log_rows(tmp_path, "wave", [0.0], [0.0])
    for host in ("0.0.0.0", "192.168.1.20", "::"):  # not started: no socket
        off = StreamServer(tmp_path, host=host, port=0)
        assert off.token_required and off.url.endswith(f"?token={off.token}")
        off.store.close()
    server = viewer(tmp_path, token="abc", require_token=True)
    base = f"http://127.0.0.1:{server.port}/"
    for path in ("", "list", "plot", "plot?rows=wave"):
        sep = "&" if "?" in path else "?"
        assert get(base + path)[0] == 403, path
        assert get(base + path + sep + "token=abd")[0] == 403, path
        assert get(base + path + sep + "token=abc")[0] == 200, path
    assert get(base, {"Authorization": "token abc"})[0] == 200

    ws = f"ws://127.0.0.1:{server.port}/ws"
    assert server_thread.run(websocket_status(ws)) == 403
    assert server_thread.run(websocket_status(ws + "?token=ab")) == 403
    assert server_thread.run(websocket_status(ws + "?token=abc"))["type"] == "mode"
    assert server_thread.call(lambda: server.stats()["refused"]) == 10
    # the index's links carry the token
    assert (
        'href="plot?names=wave&amp;scopes=%5Erun%24&amp;token=abc"' in get(base + "?token=abc")[1]
    )

    plain = viewer(tmp_path)  # loopback: no token, loopback host names only
    assert get(plain.url)[0] == 200
    assert get(plain.url, {"Host": f"evil.example:{plain.port}"})[0] == 403


def test_the_index_lists_scopes_and_names_as_they_appear(
    server_thread,
    viewer,
    page,  # noqa: F811
    tmp_path,
):
    log_rows(tmp_path, "loss", [0.0], [1.0], scope="run1")
    server = viewer(tmp_path)
    status, text = get(server.url)
    assert status == 200 and "run1" in text and ">loss</a>" in text
    assert 'href="plot?names=loss&amp;scopes=%5Erun1%24"' in text
    page.goto(server.url, timeout=60_000)
    assert page.locator("#listing a", has_text="loss").count() == 1
    log_rows(tmp_path, "acc.top1", [0.0], [0.5], scope="run2")
    page.wait_for_selector("#listing a:text('acc.top1')", timeout=30_000)
    page.click("#listing a:text('acc.top1')")
    page.wait_for_function(
        f"+(document.querySelector('{CANVAS}')?.dataset.frames || 0) > 0", timeout=60_000
    )
    (plot,) = server_thread.call(lambda: server.pages)
    assert list(server_thread.call(lambda: plot.figure.series)) == [("run2", "acc.top1")]


def test_a_drag_in_the_page_stops_following_that_plot(
    server_thread,
    viewer,
    page,  # noqa: F811
    tmp_path,
):
    log_rows(tmp_path, "a", np.arange(10.0), np.arange(10.0))
    log_rows(tmp_path, "b", np.arange(10.0), np.arange(10.0))
    server = viewer(tmp_path)
    open_plot(page, server.url + "plot?rows=a;b")
    (plot,) = server_thread.call(lambda: server.pages)
    fig = plot.figure
    rect = server_thread.call(lambda: tuple(fig.axes[0].view.rect))
    box = page.locator(CANVAS).bounding_box()
    ratio = box["width"] / server_thread.call(lambda: fig.canvas.logical_size[0])
    cx = box["x"] + (rect[0] + rect[2] / 2) * ratio
    cy = box["y"] + (rect[1] + rect[3] / 2) * ratio
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 80, cy + 30, steps=6)
    page.mouse.up()
    until(lambda: not server_thread.call(lambda: fig.following(fig.axes[0])), what="following off")
    shown = server_thread.call(lambda: tuple(fig.axes[0].view.camera.rect))
    log_rows(tmp_path, "a", [100.0], [100.0])
    log_rows(tmp_path, "b", [100.0], [100.0])
    until(lambda: server_thread.call(lambda: len(fig.series[("run", "b")][0].positions)) == 11)
    until(lambda: server_thread.call(lambda: fig.axes[1].get_xlim()[1]) > 100)
    assert server_thread.call(lambda: tuple(fig.axes[0].view.camera.rect)) == shown
    assert server_thread.call(lambda: fig.following(fig.axes[1]))
    assert not page.js_errors, page.js_errors


# ---- the command line ----------------------------------------------------------------------
def test_the_command_line_serves_a_store_until_interrupted(make_canvas, tmp_path):
    make_canvas((1, 1))
    log_rows(tmp_path / "runs", "wave", [0.0, 1.0], [0.0, 1.0])
    config = tmp_path / "view.json"
    config.write_text(json.dumps({"rows": [["wave"], ["wave"]], "axes": "ylog"}))
    command = [sys.executable, "-m", "glframe", "stream", "serve", str(tmp_path / "runs")]
    proc = subprocess.Popen(
        [*command, "--port", "0", "--require-token", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()
    try:
        line = lines.get(timeout=120)
        assert "glframe stream" in line, line
        url = line.split(" at ")[1].split()[0]
        assert "?token=" in url
        status, text = get(url)
        assert status == 200 and "wave" in text
        assert get(url.split("?")[0])[0] == 403
        plot = url.replace("/?", "/plot?")
        assert get(plot)[0] == 200 and get(plot + "&kind=bar")[0] == 400
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0
        assert "stopped" in lines.get(timeout=10)
    finally:
        proc.kill()
        proc.wait(10)

    config.write_text(json.dumps({"rows": "a;b", "height": "1"}))
    out = subprocess.run(
        [*command, "--config", str(config)], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 2 and "height='1'" in out.stderr, out.stderr


def test_importing_the_server_loads_no_gl():
    code = textwrap.dedent(
        """
        import sys
        import glframe.stream, glframe.stream._serve, glframe.stream._layout
        print([m for m in ("OpenGL", "glframe.plot", "glframe.scene") if m in sys.modules])
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_a_remote_producer_posts_to_the_viewer_and_pages_update(
    server_thread,
    viewer,
    page,  # noqa: F811
    tmp_path,
):
    log_rows(tmp_path, "wave", [0.0], [0.0], scope="remote")
    server = viewer(tmp_path, token="abc", require_token=True)
    open_plot(page, server.url.replace("/?", "/plot?names=wave&"))
    (plot,) = server_thread.call(lambda: server.pages)
    n = frames(page)
    with stream.Logger("remote", address=f"127.0.0.1:{server.port}", token="abc") as log:
        log.write("wave", x=np.arange(1.0, 6.0), y=np.arange(1.0, 6.0))
    wait_frames(page, n)  # the stored batch made the page poll (on_write)

    def kept():
        return server_thread.call(lambda: plot.figure.series[("remote", "wave")][0].positions)

    until(lambda: len(kept()) == 6, what="the posted rows in the figure")
    np.testing.assert_allclose(kept()[:, 0], np.arange(6.0))
    assert not page.js_errors, page.js_errors


def test_two_tabs_each_get_their_own_layout_and_figure(
    server_thread,
    viewer,
    browser,  # noqa: F811
    tmp_path,
):
    log_rows(tmp_path, "a", [0.0, 1.0], [0.0, 1.0])
    log_rows(tmp_path, "b", [0.0, 1.0], [1.0, 0.0])
    server = viewer(tmp_path)
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    try:
        one, two = context.new_page(), context.new_page()
        errors: list[str] = []
        for tab in (one, two):
            tab.on("pageerror", lambda exc: errors.append(str(exc)))
        open_plot(one, server.url + "plot?rows=a;b")
        open_plot(two, server.url + "plot?rows=a,b&kind=scatter")
        pages = server_thread.call(lambda: list(server.pages))
        assert len(pages) == 2 and pages[0].figure is not pages[1].figure
        cells = server_thread.call(lambda: [[ax._cell for ax in p.figure.axes] for p in pages])
        assert all(len(c) == 2 for c in cells) and cells[0] != cells[1]
        n1, n2 = frames(one), frames(two)
        log_rows(tmp_path, "a", [2.0], [2.0])
        wait_frames(one, n1)
        wait_frames(two, n2)
        for p in pages:
            until(lambda p=p: server_thread.call(
                lambda: len(p.figure.series[("run", "a")][0].positions)) == 3)  # fmt: skip
        kinds = server_thread.call(
            lambda: [type(p.figure.series[("run", "a")][0]).__name__ for p in pages]
        )
        assert kinds == ["Line", "Markers"]
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("name", ["poll", "watch", "pace"])
@pytest.mark.parametrize("value", [0, -1, 61, True, "0.1"])
def test_bad_timings_are_refused_naming_the_option(tmp_path, name, value):
    from glframe.stream._serve import StreamServer

    with pytest.raises(ValueError, match=f"StreamServer: {name} must be seconds in"):
        StreamServer(tmp_path, port=0, **{name: value})
