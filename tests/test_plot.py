"""glframe.plot: reference images of the kinds of plot, ticks following the camera, shared
axes, layout, legends, colorbars, themes, errors."""

from __future__ import annotations

import numpy as np
import pytest
from imagecompare import assert_image_matches

from glframe import plot
from glframe.scene.visuals import Aggregate, Image, Line, Markers, Mesh, MultiscaleImage

MINUS = "\u2212"


# ---- reference images ------------------------------------------------------------------
def test_line_plot_with_labels_and_legend(figures):
    fig, ax = figures(size=(480, 320))
    x = np.linspace(0, 10, 200)
    ax.plot(x, np.sin(x), label="sin")
    ax.plot(x, np.cos(x), label="cos", width=3)
    ax.scatter(x[::12], np.sin(x[::12]), label="samples", size=8)
    ax.set_title("Waves")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("amplitude")
    ax.grid(True)
    ax.legend()
    assert ax.xticks.labels == ()  # not drawn yet: ticks come with the first frame
    image = fig.render()
    assert ax.xticks.labels == ("0", "2", "4", "6", "8", "10")
    assert ax.yticks.labels == (f"{MINUS}1.0", f"{MINUS}0.5", "0.0", "0.5", "1.0")
    assert_image_matches(image, "plot_line_legend")


def test_log_log(figures):
    fig, ax = figures(size=(420, 320))
    x = np.logspace(-2, 3, 100)
    ax.plot(x, x**2, label="x²")
    ax.plot(x, 3 * x**0.5, label="3√x")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.grid()
    ax.legend("upper left")
    image = fig.render()
    assert ax.xticks.labels == ("10⁻²", "10⁻¹", "10⁰", "10¹", "10²", "10³")
    assert ax.xticks.positions == (-2.0, -1.0, 0.0, 1.0, 2.0, 3.0)
    assert len(ax.xticks.minor) > 30  # 2..9 times each decade
    assert ax.yticks.labels[0] == "10⁻⁴" and ax.yticks.labels[-1] == "10⁶"
    assert_image_matches(image, "plot_log_log")


def test_grid_2x2_with_shared_x(figures):
    fig, axes = figures(2, 2, sharex=True, size=(560, 400))
    for i, ax in enumerate(axes.ravel()):
        ax.plot(np.arange(50) * (i + 1), np.random.default_rng(i).normal(size=50).cumsum())
        ax.set_title(f"panel {i}")
    image = fig.render()
    # the union of the four x ranges, on all four
    assert {ax.get_xlim() for ax in axes.ravel()} == {(-9.8, 205.8)}
    assert len({ax.get_ylim() for ax in axes.ravel()}) == 4
    assert_image_matches(image, "plot_grid_shared_x")
    # a zoom of one axes moves the others along x only, at the next frame
    ylim = axes[1, 1].get_ylim()
    axes[0, 0].view.camera.zoom((0.5, 1), center=(100, 0))
    fig.render()
    assert axes[1, 1].get_xlim() == pytest.approx(axes[0, 0].get_xlim())
    assert axes[1, 1].get_ylim() == ylim
    assert axes[1, 1].xticks.labels == axes[0, 0].xticks.labels != ("0", "50", "100", "150")


def test_image_with_colorbar(figures):
    fig, ax = figures(size=(440, 340))
    data = np.hypot(*np.mgrid[-1:1:60j, -1:1:80j])
    image = ax.imshow(data, cmap="magma", aspect=None)
    bar = fig.colorbar(image, label="radius")
    ax.set_title("image")
    assert isinstance(image, Image) and isinstance(bar, Image) and bar.cmap == "magma"
    picture = fig.render()
    # row 0 at the top: the y axis grows downwards, 0 at the top
    assert ax.yticks.labels[0] == "0" and ax.view.camera.flip == (False, True)
    assert ax._colorbar.clim == pytest.approx((data.min(), data.max()))
    assert_image_matches(picture, "plot_image_colorbar")


def test_datetime_x_axis(figures):
    fig, ax = figures(size=(560, 280))
    t = np.arange("2024-01-01", "2024-03-15", dtype="datetime64[h]")
    ax.plot(t, np.sin(np.arange(len(t)) / 50))
    ax.set_xlabel("date")
    image = fig.render()
    assert ax.xscale == "time"
    assert ax.xticks.labels == ("2024-01", "2024-02", "2024-03")
    # positions are seconds since the axis's offset (a midnight), for float32 precision
    first = np.datetime64(int(ax.xticks.positions[0] + ax._offsets[0]), "s")
    assert str(first) == "2024-01-01T00:00:00"
    assert_image_matches(image, "plot_datetime")
    # zoomed to two hours: clock labels
    start = float(np.datetime64("2024-02-01T10:00", "s").astype(np.int64)) - ax._offsets[0]
    ax.set_xlim(np.datetime64("2024-02-01T10:00"), np.datetime64("2024-02-01T12:00"))
    assert ax.get_xlim()[0] == pytest.approx(start)
    fig.render()
    assert ax.xticks.labels[0] == "10:00" and "11:00" in ax.xticks.labels


def test_surface_3d_with_axes(figures):
    fig, ax = figures(projection="3d", size=(420, 380))
    y, x = np.mgrid[0:10:40j, -3:3:50j]
    surface = ax.surface(np.sin(x) * np.cos(y / 2), x=x[0], y=y[:, 0])
    ax.set_title("surface")
    ax.set_zlabel("height")
    assert isinstance(surface, Mesh)
    assert ax._ticklabels.text[:3] == [f"{MINUS}2", "0", "2"]
    assert_image_matches(fig.render(), "plot_surface_3d")


# ---- behaviour ----------------------------------------------------------------------------
def test_ticks_follow_a_pan_and_a_zoom(figures):
    fig, ax = figures(size=(400, 300))
    line = ax.plot([0, 10], [0, 1])
    assert isinstance(line, Line)
    before = fig.render()
    labels = ax.xticks.labels
    ax.view.camera.zoom(0.01, center=(5, 0.5))
    after = fig.render()
    assert ax.xticks.labels != labels and ax.xticks.labels[0].startswith("4.9")
    # only the data view and the ticks changed: the title area is the same
    assert np.array_equal(before[:8], after[:8])
    assert not np.array_equal(before[-30:], after[-30:])  # new tick labels


def test_mouse_wheel_zoom_updates_ticks(figures):
    fig, ax = figures(size=(400, 300))
    ax.plot([0, 100], [0, 1])
    fig.render()
    x, y, w, h = ax.view.rect
    labels = ax.xticks.labels
    for _ in range(10):
        fig.canvas.events.mouse_wheel(
            pos=(x + w / 2, y + h / 2), delta=(0.0, 3.0), modifiers=(), buttons=()
        )
    fig.render()
    assert ax.xticks.labels != labels
    lo, hi = ax.get_xlim()
    assert hi - lo < 10


def test_layout_leaves_room_and_follows_resizes(figures):
    fig, ax = figures(size=(400, 300))
    ax.plot([0, 1], [0, 1])
    fig.render()
    bare = ax.view.rect
    ax.set_title("a title")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    fig.render()
    titled = ax.view.rect
    assert titled[1] > bare[1] and titled[3] < bare[3] and titled[0] > bare[0]
    fig.canvas.resize(600, 400)
    fig.render()
    assert ax.view.rect[2] > titled[2] + 150 and ax.view.rect[3] > titled[3] + 80


def test_hist_and_scatter_with_cmap(figures):
    fig, axes = figures(1, 2, size=(500, 250))
    rng = np.random.default_rng(0)
    bars = axes[0].hist(rng.normal(size=1000), bins=20, label="normal")
    points = axes[1].scatter(*rng.normal(size=(2, 300)), color=np.arange(300.0), cmap="plasma")
    assert isinstance(bars, Mesh) and isinstance(points, Markers)
    bar = fig.colorbar(points)
    assert bar.cmap == "plasma" and axes[1]._colorbar.clim == (0.0, 299.0)
    image = fig.render()
    # the bars are the theme's first colour, #1f77b4
    x, y, w, h = axes[0].view.rect
    middle = image[y + int(h * 0.6), x + w // 2, :3]
    assert np.abs(middle.astype(int) - (0x1F, 0x77, 0xB4)).max() < 8


def test_dark_theme_and_set_theme(figures):
    fig, ax = figures(size=(200, 150), theme="dark")
    ax.plot([0, 1], [0, 1])
    assert tuple(fig.render()[2, 2, :3]) == (0x16, 0x18, 0x1C)
    plot.set_theme("dark")
    try:
        fig2, _ = figures(size=(200, 150))
        assert fig2.theme is plot.THEMES["dark"]
    finally:
        plot.set_theme("light")
    with pytest.raises(ValueError, match="plot theme must be one of light, dark or a plot.Theme"):
        plot.set_theme("blue")


def test_bad_input_names_the_call_and_the_rule(figures):
    fig, ax = figures(size=(200, 150))
    with pytest.raises(ValueError, match=r"Axes.plot: x and y must be 1D of one length"):
        ax.plot([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="Axes.set_xscale: scale must be 'linear' or 'log'"):
        ax.set_xscale("ln")
    with pytest.raises(ValueError, match=r"Axes.set_ylim: the limits must be two different"):
        ax.set_ylim(1, 1)
    ax.set_yscale("log")
    with pytest.raises(ValueError, match=r"> 0 on a log axis, not \(-1, 10\)"):
        ax.set_ylim(-1, 10)
    with pytest.raises(ValueError, match="Axes.legend: nothing has a label"):
        ax.legend()
    line = ax.plot([1, 2], [1, 2])
    with pytest.raises(TypeError, match="Figure.colorbar: a Line has no colormap"):
        fig.colorbar(line)
    with pytest.raises(ValueError, match="subplots: nrows and ncols must be >= 1"):
        plot.subplots(0, 1)
    t = np.array(["2024-01-01", "2024-01-02"], dtype="datetime64[D]")
    with pytest.raises(ValueError, match="datetime64 values on a log axis"):
        ax.plot([1, 2], t)


def test_every_call_returns_its_visual_reachable_and_reactive(figures):
    fig, ax = figures(size=(300, 200))
    line = ax.plot([0, 1, 2], [0, 1, 0], color="red")
    assert line.parent is ax.data and line in ax.view.visuals()
    line.width = 6  # reactive as any Line
    title = ax.set_title("t")
    assert title.text == "t"
    fig.render()


def test_aggregate_counts_the_points_shown_and_gets_a_colorbar(figures):
    fig, ax = figures(size=(420, 300))
    rng = np.random.default_rng(3)
    xy = rng.normal(size=(2, 200_000)).astype(np.float32)
    data = {"x": xy[0] * 2 + 10, "y": xy[1]}
    agg = ax.aggregate(data, how="linear", clim=(0, 40), settle=0)
    assert isinstance(agg, Aggregate) and agg.parent is ax.data
    bar = fig.colorbar(agg, label="points per pixel")
    fig.render()
    assert agg.wait(timeout=30)
    image = fig.render()
    # the camera fits the data's bounds (5% margin), the ticks show them
    lo, hi = ax.get_xlim()
    assert lo < float(data["x"].min()) < float(data["x"].max()) < hi
    assert ax.xticks.labels[0] in ("0", "2", "4") and "10" in ax.xticks.labels
    # one cell per pixel of the plot area where there is data, counting every point
    (x0, x1), _ = agg.grid_range
    pixel = (hi - lo) / ax.view.rect[2]  # the grid snaps to the view's pixels
    assert (x0, x1) == pytest.approx((data["x"].min(), data["x"].max()), abs=pixel)
    assert agg.grid.shape[1] == pytest.approx((x1 - x0) / (hi - lo) * ax.view.rect[2], abs=1)
    assert int(agg.grid.sum()) == 200_000
    assert isinstance(bar, Image) and bar.cmap == "fire"
    assert ax._colorbar.clim == (0.0, 40.0)
    centre = image[ax.view.rect[1] + ax.view.rect[3] // 2, ax.view.rect[0] + ax.view.rect[2] // 2]
    assert centre[0] > 200  # dense: the hot end of fire
    # a zoom re-aggregates the part shown
    ax.set_xlim(9, 11)
    fig.render()
    assert agg.wait(timeout=30)
    fig.render()  # the frame that shows the new grid
    assert 0 < int(agg.grid.sum()) < 200_000
    assert agg.grid_range[0] == pytest.approx(ax.get_xlim())


def test_aggregate_refuses_log_axes_and_a_colorbar_of_moving_colours(figures):
    fig, ax = figures(size=(300, 200))
    data = {"x": np.arange(10.0), "y": np.arange(10.0)}
    auto = ax.aggregate(data, settle=0)
    with pytest.raises(ValueError, match=r"Figure.colorbar: .*how='eq_hist'.*clim=\(lo, hi\)"):
        fig.colorbar(auto)
    ax.set_yscale("log")
    with pytest.raises(ValueError, match="Axes.aggregate: .*linear axes only.*log axis"):
        ax.aggregate(data)


def test_scatter_color_rgba_tuple_values_and_errors(figures):
    fig, ax = figures(size=(200, 150))
    x = np.arange(10.0)
    one = ax.scatter(x, x, color=(1.0, 0.0, 0.0, 1.0))  # one RGBA colour, not 4 values
    np.testing.assert_allclose(np.asarray(one.face_color).reshape(-1, 4)[0], (1, 0, 0, 1))
    mapped = ax.scatter(x[:4], x[:4], color=[0.0, 1.0, 2.0, 3.0], cmap="grays")  # 4 values
    faces = np.asarray(mapped.face_color).reshape(-1, 4)
    assert faces[0, 0] < 0.1 < 0.9 < faces[3, 0]
    with pytest.raises(ValueError, match=r"Axes.scatter: color has 5 values for 10 points"):
        ax.scatter(x, x, color=[0.0, 1, 2, 3, 4])


def test_multiscale_image_over_its_extent_loads_the_tiles_shown(figures):
    fig, ax = figures(size=(360, 300))
    y, x = np.mgrid[0:1024, 0:1024]
    field = ((x // 128 + y // 128) % 2).astype(np.float32)  # a checkerboard of 8x8 squares
    levels = [field, field[::2, ::2], field[::4, ::4]]  # finest first, each 2x coarser
    img = ax.multiscale(
        levels, cmap="grays", clim=(0, 1), extent=(0, 8, 0, 8), origin="lower", aspect=None
    )
    assert isinstance(img, MultiscaleImage) and img.parent.parent is ax.data
    fig.render()
    assert img.wait(timeout=30)
    image = fig.render()
    assert ax.get_xlim() == pytest.approx((0, 8)) == ax.get_ylim()  # tight, filling the area
    assert ax.xticks.labels[0] == "0" and ax.xticks.labels[-1] == "8"
    # square (0, 0) is black at the bottom left of the plot area, square (1, 0) white
    vx, vy, vw, vh = ax.view.rect

    def at(u, v):  # the red of the pixel showing data point (u, v)
        return image[int(vy + vh * (1 - v / 8)), int(vx + vw * u / 8), 0]

    assert at(0.5, 0.5) < 40 and at(1.5, 0.5) > 215 and at(1.5, 1.5) < 40
    # zoomed into one square: a finer level is loaded for it
    coarse = img.stats()["level"]
    ax.set_xlim(2, 3)
    ax.set_ylim(2, 3)
    fig.render()
    assert img.wait(timeout=30)
    fig.render()
    assert img.stats()["level"] < coarse
    with pytest.raises(ValueError, match="Axes.multiscale: origin must be 'upper' or 'lower'"):
        ax.multiscale(field, origin="left")


def test_client_mode_ticks_follow_the_page_camera_through_python(figures):
    """fig.widget(mode="client") runs the cameras in the page (remote.js, no axes.js):
    (here without a browser, nor a running event loop: the session pumps at once)
    each camera state the page sends back makes Python draw that frame, whose new tick
    marks and labels (vertex data) and the shared axes' cameras go to the page."""
    from glframe.app._remote import CanvasSource
    from glframe.backends.web import RemoteSession

    fig, axes = figures(1, 2, sharex=True, size=(500, 240))
    for i, ax in enumerate(axes):
        ax.plot(np.arange(100.0), np.arange(100.0) * (i + 1))
    sent = []
    session = RemoteSession(
        CanvasSource(fig.canvas), lambda h, b: sent.append((h, b)), mode="client"
    )
    session.receive({"type": "ready"})
    assert [h["type"] for h, _ in sent] == ["glir"]
    labels = axes[1].xticks.labels
    sent.clear()
    index = fig.canvas.views.index(axes[0].view)
    session.receive({"type": "camera", "view": index, "state": {"rect": [40.0, -10, 5, 220]}})
    ((header, buffers),) = sent
    assert header["type"] == "glir" and not header["reset"] and buffers  # new ticks' data
    assert axes[0].xticks.labels == axes[1].xticks.labels != labels
    assert axes[0].xticks.labels[0].startswith("40")
    # the shared axes moved in Python: the frame carries its camera for the page
    other = fig.canvas.views.index(axes[1].view)
    assert header["cameras"][other]["rect"][0] == pytest.approx(40.0)
