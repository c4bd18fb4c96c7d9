"""glframe.plot in a browser: an exported figure, zoomed in headless Chromium, shows the
tick labels Python computes for the same camera state (axes.js with ticks.js)."""

from __future__ import annotations

import numpy as np
import pytest
from browser import browser, canvas_pixels, open_export, page  # noqa: F401 - fixtures

SHOWN = """() => [...document.querySelectorAll('.glframe-xtick, .glframe-ytick')].map(
  (s) => [s.className, s.textContent, parseFloat(s.style.left), parseFloat(s.style.top)])"""


def four_axes(figures):
    """A 2x2 figure: the top row shares x (a line with a grid, a scatter on a log y axis),
    a datetime x axis, and a log-log plot."""
    fig, axes = figures(2, 2, size=(720, 480))
    fig.share("x", [axes[0, 0], axes[0, 1]])
    x = np.linspace(0, 100, 400)
    axes[0, 0].plot(x, 1000 * np.sin(x / 9))
    axes[0, 0].grid(True)
    axes[0, 1].scatter(x, 1 + x**2, size=4)
    axes[0, 1].set_yscale("log")
    days = np.datetime64("2024-03-01") + np.arange(60).astype("timedelta64[D]")
    axes[1, 0].plot(days, np.arange(60) ** 0.5)
    axes[1, 1].plot(np.logspace(-3, 2, 50), np.logspace(-1, 4, 50))
    axes[1, 1].set_xscale("log")
    axes[1, 1].set_yscale("log")
    return fig, list(axes.ravel())


def assert_page_shows_pythons_labels(page, fig, axes, when):  # noqa: F811
    """Python, given the page's camera rectangles, computes the labels the page shows."""
    state = page.evaluate("window.glframeAxes.state()")
    assert len(state) == len(axes)
    for ax, s in zip(axes, state):
        ax.view.camera.rect = s["rect"]
    fig.render()
    for i, (ax, s) in enumerate(zip(axes, state)):
        assert ax.xticks.labels, f"{when}: axes {i} shows no x ticks"
        assert tuple(s["x"]) == ax.xticks.labels, f"{when}: axes {i} x labels"
        assert tuple(s["y"]) == ax.yticks.labels, f"{when}: axes {i} y labels"
    # the labels in the page are those texts, where Python puts them (logical pixels;
    # CSS keeps 4 decimals)
    shown = page.evaluate(SHOWN)
    expected = []
    for ax in axes:
        left, top, pw, ph = ax._plot
        cx, cy = ax._cell[:2]
        x, y, w, h = ax.view.camera.shown_rect
        tl = fig.theme.tick_length
        flip_x, flip_y = ax.view.camera.flip
        for v, text in zip(ax.xticks.positions, ax.xticks.labels):
            f = (v - x) / w
            px = cx + left + (1 - f if flip_x else f) * pw
            expected.append(["glframe-xtick", text, px, cy + top + ph + tl + 3])
        for v, text in zip(ax.yticks.positions, ax.yticks.labels):
            f = (v - y) / h
            py = cy + top + (f if flip_y else 1 - f) * ph
            expected.append(["glframe-ytick", text, cx + left - tl - 4, py])
    assert len(shown) == len(expected), when
    for got, want in zip(shown, expected):
        assert got[:2] == want[:2], when
        assert got[2:] == pytest.approx(want[2:], abs=1e-3), f"{when}: {got[1]} placed"


def test_exported_figure_zoomed_in_the_page_shows_pythons_tick_labels(
    figures,
    page,  # noqa: F811
    tmp_path,
):
    fig, axes = four_axes(figures)
    fig.render()
    before = [(ax.xticks.labels, ax.yticks.labels) for ax in axes]
    path = fig.export_html(tmp_path / "plot.html", title="four axes")
    # Python's own figure still draws its ticks and grid after the export
    fig.render()
    assert axes[0]._xlabels.visible and axes[0]._grid_lines.visible
    assert axes[0]._tick_marks.visible
    assert [(ax.xticks.labels, ax.yticks.labels) for ax in axes] == before

    open_export(page, path)
    assert_page_shows_pythons_labels(page, fig, axes, "as exported")
    box = page.locator("#glframe-figure canvas").first.bounding_box()

    def wheel(ax, notches, where=(0.3, 0.6)):
        x, y, w, h = ax.view.rect
        page.mouse.move(box["x"] + x + where[0] * w, box["y"] + y + where[1] * h)
        page.mouse.wheel(0, -100 * notches)  # one event of several notches
        page.wait_for_timeout(50)

    top_right_x = page.evaluate("window.glframeAxes.state()[1].x")
    wheel(axes[0], 4)  # zoom the top left in: the top right follows along x
    assert_page_shows_pythons_labels(page, fig, axes, "after a zoom in")
    state = page.evaluate("window.glframeAxes.state()")
    assert state[1]["rect"][0] == state[0]["rect"][0]
    assert state[1]["rect"][2] == state[0]["rect"][2]
    assert state[1]["x"] != top_right_x
    wheel(axes[1], -3, (0.8, 0.2))  # out on the log y axis, about another point
    wheel(axes[2], 40)  # days -> hours on the time axis
    wheel(axes[3], 5, (0.5, 0.5))  # log-log: less than a decade, linear labels
    assert_page_shows_pythons_labels(page, fig, axes, "after zooms on every axes")
    assert any(":" in label for label in axes[2].xticks.labels), axes[2].xticks.labels
    # a drag pans: the labels follow it too
    x, y, w, h = axes[0].view.rect
    page.mouse.move(box["x"] + x + w / 2, box["y"] + y + h / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + x + w / 2 - 150, box["y"] + y + h / 2 + 40, steps=5)
    page.mouse.up()
    assert_page_shows_pythons_labels(page, fig, axes, "after a drag")
    assert not page.js_errors, page.js_errors


def test_exported_page_has_the_data_without_pythons_tick_labels(figures, page, tmp_path):  # noqa: F811
    """The WebGL frame of the page holds no tick labels (axes.js draws them): its pixels
    below the plot area are the background where Python draws labels."""
    fig, ax = figures(size=(400, 300))
    ax.plot([0, 10], [0, 1], color="red")
    image = fig.render()
    left, top, pw, ph = ax._plot
    band = (slice(int(top + ph + 6), int(top + ph + 20)), slice(int(left), int(left + pw)))
    assert (image[band][..., :3] < 128).any()  # Python: dark label pixels under the frame
    path = fig.export_html(tmp_path / "one.html")
    open_export(page, path)
    page_image = canvas_pixels(page)
    assert (page_image[band] == 255).all()  # the page's WebGL frame: white there
    # ... while the frame and the data are drawn by WebGL as in Python
    inside = (slice(int(top) + 2, int(top + ph) - 2), slice(int(left) + 2, int(left + pw) - 2))
    assert (page_image[inside][..., 0] > 200).any() and (page_image[inside][..., 1] < 60).any()
    labels = page.evaluate(SHOWN)
    assert [t for c, t, *_ in labels if c == "glframe-xtick"] == list(ax.xticks.labels)
    assert not page.js_errors, page.js_errors
