"""scene.visuals.Aggregate and AggregateLines: pixels against the CPU shading reference for
known grids (each transfer, clim, categories, spread, lines), a pan that shows the previous
image moved by the camera and then the new aggregate, stale work cancelled and dropped,
errors, HiDPI, an exported page and a client-mode page in Chromium whose camera moves in
the browser while the kernel re-aggregates and sends the new image.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from browser import browser, canvas_pixels, page  # noqa: F401 - fixtures
from imagecompare import assert_image_matches, compare
from loop_thread import LoopThread

import glframe
from glframe import scene
from glframe.data import aggregate_lines
from glframe.scene.visuals._aggregate_shading import (
    eq_hist_ranks,
    palette,
    shade,
    spread_grid,
)

W, H = 40, 30
# llvmpipe vs SwiftShader: the same texels, colours within a few levels
ACROSS = dict(noise=6, edge_fraction=0.2, min_allowed=8, max_interior=12)


@pytest.fixture
def gl(make_canvas):
    make_canvas((1, 1))  # GL available (or skip; under CI, fail)


def known_counts(seed: int = 1, high: int = 6) -> np.ndarray:
    counts = np.random.default_rng(seed).integers(0, high, size=(H, W))
    counts[0, 0] = counts[-1, -1] = 3  # the data's bounds are the whole grid
    return counts


def points_of(counts: np.ndarray, categories: np.ndarray | None = None) -> dict:
    """Points at the centres of the cells of a W x H grid over [0, W] x [0, H], ``counts``
    of them per cell (and ``categories``: a (H, W, K) count grid instead)."""
    if categories is not None:
        rows, cols, cats = np.nonzero(categories)
        rep = categories[rows, cols, cats]
        return {
            "x": np.repeat(cols + 0.5, rep).astype(np.float32),
            "y": np.repeat(rows + 0.5, rep).astype(np.float32),
            "c": np.repeat(cats, rep).astype(np.int32),
        }
    rows, cols = np.nonzero(counts)
    rep = counts[rows, cols]
    return {
        "x": np.repeat(cols + 0.5, rep).astype(np.float32),
        "y": np.repeat(rows + 0.5, rep).astype(np.float32),
    }


def build(data, size=(W, H), rect=(0, 0, W, H), backend="offscreen", **options):
    canvas = scene.SceneCanvas(size=size, bgcolor="black", backend=backend)
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=rect))
    visual = scene.visuals.Aggregate(data, parent=view.scene, **options)
    return canvas, view, visual


def shown(canvas, visual) -> np.ndarray:
    """The first frame (it starts the aggregation), then the frame after ``wait()``."""
    canvas.render()
    assert visual.wait(timeout=30)
    return canvas.render()


def on_screen(reference: np.ndarray) -> np.ndarray:
    """A (H, W, 4) straight-alpha reference composited over black, row 0 at the bottom."""
    rgb = reference[..., :3].astype(np.float64) * reference[..., 3:] / 255.0
    return np.round(rgb[::-1]).astype(np.int64)


def assert_pixels(image: np.ndarray, expected: np.ndarray, tolerance: int = 1) -> None:
    diff = np.abs(image[..., :3].astype(np.int64) - expected)
    assert diff.max() <= tolerance, (diff.max(), np.argwhere(diff > tolerance)[:5])


# ---- the CPU half of the shading ----------------------------------------------------------
def test_eq_hist_ranks_are_the_cumulative_share_of_cells():
    # four cells: 1, 1, 2, 3 -> cells <= value: 2, 3, 4 -> shifted to 0 .. 1
    ranks = eq_hist_ranks(np.array([3.0, 1.0, 2.0, 1.0]), None)
    np.testing.assert_array_equal(ranks, np.float32([1.0, 0.0, 0.5, 0.0]))
    assert (eq_hist_ranks(np.array([7.0, 7.0]), None) == 1).all()  # all equal: the top
    # clamped to the limits first; reversed limits reverse the ranks
    np.testing.assert_array_equal(
        eq_hist_ranks(np.array([1.0, 5.0, 9.0]), (2.0, 6.0)), np.float32([0, 0.5, 1])
    )
    np.testing.assert_array_equal(
        eq_hist_ranks(np.array([1.0, 5.0, 9.0]), (6.0, 2.0)), np.float32([1, 0.5, 0])
    )


def test_spread_takes_the_largest_value_of_a_disc():
    grid = np.zeros((7, 7), np.int64)
    grid[3, 3], grid[0, 0] = 5, 2
    one = spread_grid(grid, 1, "count")
    assert (one[2:5, 2:5] == 5).all() and (one > 0).sum() == 9 + 4  # 3x3 and a corner
    two = spread_grid(grid, 2, "count")
    assert (two == 5).sum() == 21  # a disc of radius 2.5: 5x5 less its 4 corners
    nan = np.full((5, 5), np.nan)
    nan[2, 2] = -1.0
    low = spread_grid(nan, 1, "min")
    assert (low[1:4, 1:4] == -1).all() and np.isnan(low[0]).all()


# ---- pixels of a known grid ------------------------------------------------------------------
@pytest.mark.parametrize("how", ["linear", "log", "cbrt", "eq_hist"])
def test_each_transfer_draws_the_cpu_reference(gl, how):
    counts = known_counts()
    canvas, view, visual = build(points_of(counts), how=how)
    try:
        image = shown(canvas, visual)
        np.testing.assert_array_equal(visual.grid, counts)
        assert visual.grid_range == ((0.0, W), (0.0, H))
        assert_pixels(image, on_screen(shade(counts, how=how)))
        # given limits (and reversed ones), another colormap: the same reference
        for clim, cmap in (((2, 4), "viridis"), ((5, 1), "magma")):
            visual.clim, visual.cmap = clim, cmap
            assert_pixels(canvas.render(), on_screen(shade(counts, how=how, clim=clim, cmap=cmap)))
        if how == "eq_hist":
            assert_image_matches(image, "aggregate_eq_hist_fire")
    finally:
        visual.close()
        canvas.close()


def test_clim_is_a_uniform_and_cmap_the_lookup_texture(gl):
    canvas, view, visual = build(points_of(known_counts()), how="log")
    try:
        shown(canvas, visual)
        assert visual.clim == (1.0, 5.0)  # "auto": the non-empty cells' range
        uploads = visual.stats()["uploads"]
        with canvas.record() as recorded:
            visual.clim = (1, 3)
            visual.cmap = "viridis"
            canvas.render()
        kinds = {str(c[0]) for c in recorded.frame_commands}
        assert visual.stats()["uploads"] == uploads  # no new grid upload
        assert "SHADERS" not in kinds and "CREATE" not in kinds, kinds
    finally:
        visual.close()
        canvas.close()


def test_categories_blend_the_colour_key_by_count_with_alpha_from_the_total(gl):
    rng = np.random.default_rng(2)
    cats = rng.integers(0, 3, size=(H, W, 3)) * (rng.random((H, W, 1)) < 0.7)
    cats[0, 0] = cats[-1, -1] = (1, 0, 2)
    data = points_of(None, cats)
    key = {0: "red", 1: "#00ff00", 2: (0.2, 0.4, 1.0)}
    canvas, view, visual = build(data, category="c", color_key=key, how="linear")
    try:
        image = shown(canvas, visual)
        assert visual.agg == "count_cat" and visual.categories == [0, 1, 2]
        np.testing.assert_array_equal(visual.grid, cats)
        colors = np.array([[1, 0, 0, 1], [0, 1, 0, 1], [0.2, 0.4, 1, 1]], np.float32)
        reference = shade(cats, agg="count_cat", how="linear", colors=colors)
        assert_pixels(image, on_screen(reference), tolerance=2)
        # a cell of one category has its colour; a total of 1 has the lowest alpha
        one = np.argwhere((cats.sum(-1) == cats.max(-1)) & (cats.sum(-1) > 0))[0]
        assert reference[one[0], one[1], 3] < 255 or cats[one[0], one[1]].sum() > 1
        visual.color_key = ["#ffffff", "#ffffff", "#ffffff"]  # recoloured on the CPU
        grey = canvas.render()
        assert (grey[..., 0] == grey[..., 1]).all() and (grey[..., 1] == grey[..., 2]).all()
        with pytest.raises(ValueError, match="Aggregate.color_key has 2 colours for 3"):
            visual.color_key = ["red", "blue"]
        assert visual.color_key == ["#ffffff"] * 3  # refused: unchanged
    finally:
        visual.close()
        canvas.close()
    assert len(palette(12)) == 12 and len({tuple(c) for c in palette(12)}) == 12


def test_spread_makes_isolated_points_visible(gl):
    counts = np.zeros((H, W), np.int64)
    counts[0, 0] = counts[-1, -1] = 1
    counts[15, 20] = 4
    canvas, view, visual = build(points_of(counts), how="linear", spread=0)
    try:
        lit = (shown(canvas, visual)[..., :3].max(-1) > 0).sum()
        assert lit == 3
        visual.spread = 2
        image = canvas.render()
        assert_pixels(image, on_screen(shade(counts, how="linear", spread=2)))
        assert (
            image[..., :3].max(-1) > 0
        ).sum() == 21 + 2 * 8  # a disc, and a quarter of one in each corner
        np.testing.assert_array_equal(visual.grid, counts)  # the grid itself is unspread
    finally:
        visual.close()
        canvas.close()


def test_lines_count_each_series_once_per_pixel(gl):
    t = np.linspace(0, 1, 50)
    y = np.stack([np.sin(2 * np.pi * (t + k / 7)) * (1 + k / 5) for k in range(30)])
    canvas = scene.SceneCanvas(size=(W, H), bgcolor="black")
    view = canvas.add_view(camera=scene.PanZoomCamera())
    lines = scene.visuals.AggregateLines(y, t, how="linear", parent=view.scene)
    try:
        view.camera.set_range(margin=0)
        image = shown(canvas, lines)
        (x0, x1), (y0, y1) = lines.grid_range
        expected = aggregate_lines(
            y, t, width=lines.grid.shape[1], height=lines.grid.shape[0],
            x_range=(x0, x1), y_range=(y0, y1),
        )  # fmt: skip
        np.testing.assert_array_equal(lines.grid, expected)
        assert lines.grid.max() > 1 and lines.grid.max() <= 30
        assert_pixels(image, on_screen(shade(lines.grid, how="linear")))
    finally:
        lines.close()
        canvas.close()


def test_the_grid_has_the_framebuffers_pixels(gl):
    counts = known_counts()
    canvas, view, visual = build(points_of(counts), how="linear")
    try:
        canvas.render(size=(2 * W, 2 * H))  # a screenshot twice as big: pixel_scale 2
        assert visual.wait(timeout=30)
        image = canvas.render(size=(2 * W, 2 * H))
        # the data's bounds (the outer cells' centres) in whole framebuffer pixels
        assert visual.grid_range == ((0.5, W - 0.5), (0.5, H - 0.5))
        assert visual.grid.shape == (2 * H - 2, 2 * W - 2)
        assert visual.grid.sum() == counts.sum()
        expected = np.zeros((2 * H, 2 * W, 3), np.int64)
        expected[1:-1, 1:-1] = on_screen(shade(visual.grid, how="linear"))
        assert_pixels(image, expected)
    finally:
        visual.close()
        canvas.close()


# ---- background work ----------------------------------------------------------------------
def test_a_pan_shows_the_moved_image_then_the_new_aggregate(gl):
    counts = known_counts()
    canvas, view, visual = build(points_of(counts), how="linear", settle=30)
    try:
        before = shown(canvas, visual)
        view.camera.rect = (10, 0, W, H)  # 10 px to the right
        moved = canvas.render()
        # the previous image, moved by the camera; the uncovered strip is empty
        assert_pixels(moved[:, : W - 10], before[:, 10:, :3].astype(np.int64), tolerance=0)
        assert (moved[:, W - 10 :, :3] == 0).all()
        assert visual.stats()["pending"] and visual.grid_range == ((0.0, W), (0.0, H))
        assert visual.wait(timeout=30)  # no settle wait for scripts
        after = canvas.render()
        assert visual.grid_range == ((10.0, W), (0.0, H))  # the visible part of the data
        np.testing.assert_array_equal(visual.grid, counts[:, 10:])
        # the new aggregate's limits: its own cells' range
        assert_pixels(after[:, : W - 10], on_screen(shade(counts[:, 10:], how="linear")))
        assert not visual.stats()["pending"]
    finally:
        visual.close()
        canvas.close()


def test_the_settle_timer_aggregates_once_the_view_rests(gl):
    canvas, view, visual = build(points_of(known_counts()), settle=0.2)
    try:
        shown(canvas, visual)
        for step in range(1, 6):  # a drag: a new view every frame, faster than settle
            view.camera.rect = (step, 0, W, H)
            canvas.render()
            time.sleep(0.02)
        stats = visual.stats()
        assert stats["aggregations"] == 1 and stats["cancelled"] == 4, stats
        deadline = time.monotonic() + 10
        while visual.stats()["aggregations"] < 2:
            assert time.monotonic() < deadline, visual.stats()
            time.sleep(0.02)
        canvas.render()
        assert visual.grid_range == ((5.0, W), (0.0, H))
        assert visual.stats()["aggregations"] == 2  # the rested view only
    finally:
        visual.close()
        canvas.close()


def test_stale_work_is_cancelled_or_dropped(gl):
    canvas, view, visual = build(points_of(known_counts()), settle=0)
    points = visual.points
    gate = threading.Event()
    calls = []
    original = points.aggregate

    def slow(width, height, x_range, y_range, **kw):
        calls.append(x_range)
        if len(calls) == 1:
            assert gate.wait(30)
        return original(width, height, x_range, y_range, **kw)

    points.aggregate = slow
    try:
        canvas.render()  # view A: its job starts and blocks
        while not calls:
            time.sleep(0.01)
        view.camera.rect = (5, 0, W, H)
        canvas.render()  # view B: queued behind A
        view.camera.rect = (8, 0, W, H)
        canvas.render()  # view C: B is cancelled before it starts
        assert visual.stats()["cancelled"] == 1
        gate.set()  # A finishes: stale, dropped; then C runs
        assert visual.wait(timeout=30)
        canvas.render()
        assert calls == [(0.0, W), (8.0, W)]  # B never aggregated
        stats = visual.stats()
        assert stats["dropped"] == 1 and stats["aggregations"] == 2, stats
        assert visual.grid_range == ((8.0, W), (0.0, H))
    finally:
        gate.set()
        visual.close()
        canvas.close()


# ---- errors ------------------------------------------------------------------------------------
def test_bad_input_is_refused_with_the_rule(gl):
    data = points_of(known_counts())
    data["v"] = np.ones_like(data["x"])
    with pytest.raises(ValueError, match="Aggregate.agg must be one of count, sum"):
        scene.visuals.Aggregate(data, agg="median")
    with pytest.raises(ValueError, match="Aggregate.agg 'mean' reduces a value column: give"):
        scene.visuals.Aggregate(data, agg="mean")
    with pytest.raises(ValueError, match="Aggregate.agg 'sum' with category='c'"):
        scene.visuals.Aggregate({**data, "c": np.zeros(len(data["x"]), int)}, "x", "y",
                                agg="sum", value="v", category="c")  # fmt: skip
    with pytest.raises(Exception, match="Aggregate.data: .*'nope'"):
        scene.visuals.Aggregate(data, x="nope")
    with pytest.raises(ValueError, match="Aggregate.how must be one of linear, log"):
        scene.visuals.Aggregate(data, how="histogram")
    with pytest.raises(ValueError, match="Aggregate.spread must be an integer >= 0"):
        scene.visuals.Aggregate(data, spread=-1)
    with pytest.raises(ValueError, match="Aggregate.cmap: no colormap 'jets'; did you mean 'jet'"):
        scene.visuals.Aggregate(data, cmap="jets")
    with pytest.raises(
        ValueError, match="Aggregate.color_key has no colour for categories 1, 2; give one"
    ):
        scene.visuals.Aggregate(
            {**data, "c": np.arange(len(data["x"])) % 3}, category="c", color_key={0: "red"}
        )
    with pytest.raises(ValueError, match=r"AggregateLines.y must be an \(N, M\) array"):
        scene.visuals.AggregateLines(np.zeros(10))
    with pytest.raises(ValueError, match=r"AggregateLines.x must be None, \(5,\)"):
        scene.visuals.AggregateLines(np.zeros((3, 5)), np.zeros(4))
    visual = scene.visuals.Aggregate(data, agg="sum", value="v")
    try:
        with pytest.raises(AttributeError, match="did you mean 'spread'"):
            visual.spead = 2
    finally:
        visual.close()


# ---- an exported page and a client-mode page ---------------------------------------------------
def mixture(n: int = 20_000, seed: int = 3) -> dict:
    rng = np.random.default_rng(seed)
    centres = np.array([[-1.0, 0.0], [1.2, 0.8], [0.3, -1.1]])
    label = rng.integers(0, 3, n)
    xy = centres[label] + rng.normal(0, 0.35, (n, 2))
    return {"x": xy[:, 0].astype(np.float32), "y": xy[:, 1].astype(np.float32)}


def complete(rect, size=(200, 150)) -> np.ndarray:
    """What an offscreen canvas shows of ``rect`` once aggregated."""
    canvas, view, visual = build(mixture(), size=size, rect=rect, how="eq_hist")
    try:
        return shown(canvas, visual)
    finally:
        visual.close()
        canvas.close()


def test_exported_html_shows_the_image_at_export_and_zooms_it(gl, page, tmp_path):  # noqa: F811
    rect = (-2.0, -2.0, 4.0, 3.0)
    canvas, view, visual = build(mixture(), size=(200, 150), rect=rect)
    try:
        expected = shown(canvas, visual)
        path = canvas.export_html(tmp_path / "aggregate.html")
    finally:
        visual.close()
        canvas.close()
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-glframe]", state="attached", timeout=60_000)
    assert page.evaluate("document.body.dataset.glframe") == "ready"
    ok, why, _ = compare(canvas_pixels(page), expected, **ACROSS)
    assert ok, f"the exported page: {why}"
    # the page's camera pans the image (no kernel behind it: the same texels move)
    box = page.locator("canvas").bounding_box()
    page.mouse.move(box["x"] + 100, box["y"] + 75)
    page.mouse.down()
    page.mouse.move(box["x"] + 110, box["y"] + 75, steps=2)
    page.mouse.up()
    ok, why, _ = compare(canvas_pixels(page)[:, 20:], expected[:, 10:-10], **ACROSS)
    assert ok, f"after a 10 px pan in the page: {why}"
    assert not page.js_errors, page.js_errors


def test_a_window_shows_the_aggregate_through_its_event_loop(gl, xvfb):
    from test_multiscale_backends import until

    from glframe.app import loop

    rect = (-2.0, -2.0, 4.0, 3.0)
    canvas, view, visual = build(mixture(), size=(200, 150), rect=rect, backend="window")
    try:
        assert canvas.backend == "window"
        canvas.draw()  # the first frame starts the aggregation; no wait()
        # the worker's update() makes the loop draw the frame that uploads the grid
        until(
            lambda: visual.grid is not None and not visual.stats()["pending"],
            timeout=20,
            what="the window's loop to show the aggregate",
            step=loop.process_events,
        )
        image = canvas.render()
    finally:
        visual.close()
        canvas.close()
    ok, why, _ = compare(image, complete(rect), noise=1, max_interior=0)
    assert ok, f"the window: {why}"


@pytest.fixture(scope="module")
def server_thread():
    thread = LoopThread("kernel")
    yield thread
    thread.stop()


def test_client_mode_zoom_in_the_page_reaggregates_in_the_kernel(
    gl,
    server_thread,
    page,  # noqa: F811
):
    from test_multiscale_backends import until

    rect = (-2.0, -2.0, 4.0, 3.0)

    def serve():
        canvas, view, visual = build(mixture(), size=(200, 150), rect=rect, settle=0.05)
        shown(canvas, visual)
        server = glframe.serve(canvas, port=0, quiet=True, mode="client")
        return canvas, view, visual, server

    canvas, view, visual, server = server_thread.call(serve)
    try:
        page.goto(server.url, timeout=30_000)
        page.wait_for_function(
            "() => window.glframeRemote && window.glframeRemote.state.mode === 'client'"
            " && +(document.querySelector('#glframe-remote canvas').dataset.frames || 0) > 0",
            timeout=30_000,
        )
        selector = "#glframe-remote canvas"
        ok, why, _ = compare(canvas_pixels(page, selector), complete(rect), **ACROSS)
        assert ok, f"the first client-mode frame: {why}"
        before = server_thread.call(visual.stats)
        box = page.locator(selector).bounding_box()
        page.mouse.move(box["x"] + 100, box["y"] + 75)
        for _ in range(3):  # zoom in about 2.4 times around the centre
            page.mouse.wheel(0, -300)
            page.wait_for_timeout(50)
        page_rect = until(
            lambda: page.evaluate(
                "() => { const r = window.glframeRemote.state.views[0].cam.state().rect;"
                " return r[2] < 0.5 * 4.0 ? r : null; }"
            ),
            what="the page's camera to zoom in",
        )
        until(
            lambda: np.allclose(server_thread.call(lambda: view.camera.rect), page_rect),
            what="the Python camera to take the page's",
        )
        # the kernel re-aggregates the zoomed view and sends only the new texture
        until(
            lambda: not server_thread.call(visual.stats)["pending"],
            what="the kernel to aggregate the page's view",
        )
        page.wait_for_timeout(500)  # the frame's GLIR reaches the page
        after = server_thread.call(visual.stats)
        assert after["aggregations"] > before["aggregations"], (before, after)
        assert after["uploads"] > before["uploads"], (before, after)
        (x0, x1), _ = server_thread.call(lambda: visual.grid_range)
        assert x1 - x0 < 0.5 * 4.0  # the zoomed range, at the view's resolution
        expected = server_thread.call(complete, tuple(server_thread.call(lambda: view.camera.rect)))
        ok, why, _ = compare(canvas_pixels(page, selector), expected, **ACROSS)
        assert ok, f"after the zoom: {why}"
        assert not page.js_errors, page.js_errors
    finally:
        server_thread.call(lambda: (server.close(), visual.close(), canvas.close()))
    assert not server_thread.errors, server_thread.errors
