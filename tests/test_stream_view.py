"""stream.view: a live plot Figure following a stream store while a Logger writes to it."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from imagecompare import assert_image_matches

import glframe
from glframe import plot, stream
from glframe.data import StreamStore


@pytest.fixture
def views(make_canvas):
    """``views(store, **kw)``: stream.view figures closed after the test (skips without GL)."""
    made = []

    def make(store, **kwargs):
        kwargs.setdefault("size", (400, 300))
        fig = stream.view(store, **kwargs)
        made.append(fig)
        return fig

    yield make
    for fig in made:
        fig.close()


def _log(store, scope, name, **columns_per_row):
    """Write rows (one per position of the given sequences) and flush."""
    with stream.Logger(scope, store, flush_every=None) as log:
        n = len(next(iter(columns_per_row.values())))
        for i in range(n):
            log.write(name, **{c: v[i] for c, v in columns_per_row.items()})


def test_view_is_a_plot_figure_of_the_stores_series(views, tmp_path):
    t = np.arange(30.0)
    _log(tmp_path, "run1", "loss", step=t, value=1 / (t + 1))
    _log(tmp_path, "run1", "wave", x=t * 0.1, y=np.sin(t * 0.1))
    _log(tmp_path, "run2", "loss", y=2 / (t + 1))  # no x column: the point number
    fig = views(tmp_path)
    assert isinstance(fig, plot.Figure) and len(fig.axes) == 1
    assert set(fig.series) == {("run1", "loss"), ("run1", "wave"), ("run2", "loss")}
    (loss,) = fig.series[("run1", "loss")]
    assert np.allclose(loss.positions[:, :2], np.c_[t, 1 / (t + 1)])
    (wave,) = fig.series[("run1", "wave")]
    assert np.allclose(wave.positions[:, :2], np.c_[t * 0.1, np.sin(t * 0.1)])
    (other,) = fig.series[("run2", "loss")]
    assert np.allclose(other.positions[:, :2], np.c_[t, 2 / (t + 1)])
    labels = [a["label"] for a in fig.axes[0]._artists]
    assert sorted(labels) == ["run1/loss", "run1/wave", "run2/loss"]
    assert fig.rows_read == 90


def test_rows_scopes_and_axes_lay_out_the_figure(views, tmp_path):
    t = np.arange(1.0, 21.0)
    for scope in ("a1", "a2", "b1"):
        _log(tmp_path, scope, "loss", step=t, value=1 / t)
        _log(tmp_path, scope, "lr", step=t, value=0.1 * t)
        _log(tmp_path, scope, "grad_norm", step=t, value=t)
    fig = views(
        tmp_path,
        rows=[["loss"], ["lr", "grad.*"]],
        scopes="^a",
        axes=["ylog", "lin"],
        window=[5, None],
    )
    assert len(fig.axes) == 2
    assert fig.axes[0].yscale == "log" and fig.axes[1].yscale == "linear"
    top = {key for key, vis in fig.series.items() if vis[0].parent is fig.axes[0].data}
    assert top == {("a1", "loss"), ("a2", "loss")}
    # one window per row: the top axes shows the last 5 steps, the bottom all
    assert fig.axes[0].get_xlim()[0] == pytest.approx(15)
    assert fig.axes[1].get_xlim()[0] == pytest.approx(1)
    assert set(fig.series) == top | {(s, n) for s in ("a1", "a2") for n in ("lr", "grad_norm")}
    # the stacked axes: the first above the second
    fig.render()
    assert fig.axes[0].view.rect[1] < fig.axes[1].view.rect[1]


def test_polls_read_only_new_rows_while_a_logger_writes(views, tmp_path, monkeypatch):
    _log(tmp_path, "run", "sin", x=[0.0], y=[0.0])
    fig = views(tmp_path, names="sin", capacity=100_000)
    served = []  # rows handed to the view by each fetch_columns call
    real = StreamStore.fetch_columns

    def counting(self, scope, name, since=None):
        out = real(self, scope, name, since)
        served.append(len(out[1]))
        return out

    monkeypatch.setattr(StreamStore, "fetch_columns", counting)
    n = 2000
    xs = np.arange(1, n + 1) * 0.01
    done = threading.Event()

    def produce():
        with stream.Logger("run", tmp_path, flush_every=0.01) as log:
            for i, x in enumerate(xs):
                log.write("sin", x=x, y=np.sin(x))
                if i % 100 == 99:
                    time.sleep(0.01)  # let flushes and polls interleave
        done.set()

    thread = threading.Thread(target=produce)
    thread.start()
    polls = []
    while not done.is_set() or not polls or polls[-1]:
        polls.append(fig.poll())
        time.sleep(0.005)  # as a poll timer would: the producer's threads run meanwhile
    thread.join()
    polls.append(fig.poll())
    # every row read exactly once, in order, over several polls
    assert sum(polls) == n and sum(served) == n
    assert sum(p > 0 for p in polls) >= 2
    (line,) = fig.series[("run", "sin")]
    assert np.allclose(line.positions[:, :2], np.c_[np.r_[0.0, xs], np.sin(np.r_[0.0, xs])])
    assert fig.poll() == 0 and served[-1] == 0  # nothing new: nothing read


def test_a_producer_process_and_an_open_store(views, tmp_path):
    store = StreamStore(tmp_path)  # an open store: shared, not closed by the view
    fig = views(store, names="proc")
    assert fig.series == {}
    code = (
        "import sys; from glframe import stream\n"
        "with stream.Logger('p', sys.argv[1], flush_every=0.01) as log:\n"
        "    for i in range(300):\n"
        "        log.write('proc', step=i, value=i * i)\n"
    )
    producer = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)])
    polls = []
    while producer.poll() is None:
        polls.append(fig.poll())
        time.sleep(0.01)
    assert producer.wait() == 0
    polls.append(fig.poll())
    assert sum(polls) == 300
    (line,) = fig.series[("p", "proc")]
    i = np.arange(300.0)
    assert np.allclose(line.positions[:, :2], np.c_[i, i * i])
    fig.close()
    assert stream.names(store, "p") == ["proc"]  # still open
    store.close()


def test_series_that_appear_later_are_added(views, tmp_path):
    _log(tmp_path, "run", "other", y=[1.0, 2.0])
    fig = views(tmp_path, names=["loss", "acc.*"])  # nothing matches yet: empty axes
    assert fig.series == {} and len(fig.axes) == 1
    empty = fig.render()
    _log(tmp_path, "run", "loss", step=[0, 1, 2], value=[3.0, 2.0, 1.5])
    assert fig.poll() == 3
    assert list(fig.series) == [("run", "loss")]
    _log(tmp_path, "run2", "accuracy", y=[0.5, 0.7])
    fig.poll()
    assert set(fig.series) == {("run", "loss"), ("run2", "accuracy")}
    (acc,) = fig.series[("run2", "accuracy")]
    assert np.allclose(acc.positions[:, :2], [[0, 0.5], [1, 0.7]])
    assert not np.array_equal(fig.render(), empty)


def test_appends_change_the_pixels_and_match_a_reference(views, tmp_path):
    t = np.arange(40.0)
    _log(tmp_path, "run", "wave", x=t, y=np.sin(t / 6))
    _log(tmp_path, "run", "loss", x=t, y=1 - t / 80)
    fig = views(tmp_path, size=(320, 240))
    before = fig.render()
    t2 = np.arange(40.0, 60.0)
    _log(tmp_path, "run", "wave", x=t2, y=np.sin(t2 / 6))
    _log(tmp_path, "run", "loss", x=t2, y=1 - t2 / 80)
    assert fig.poll() == 40
    after = fig.render()
    assert np.abs(after.astype(int) - before.astype(int)).max(axis=2).astype(bool).sum() > 500
    assert_image_matches(after, "stream/view_two_series")


def test_follow_keeps_the_newest_x_in_view_and_a_pan_stops_it(views, tmp_path):
    t = np.arange(100.0)
    _log(tmp_path, "run", "wave", x=t, y=np.sin(t / 10))
    fig = views(tmp_path, window=50)
    ax = fig.axes[0]
    lo, hi = ax.get_xlim()
    assert lo == pytest.approx(49) and 99 <= hi < 101
    _log(tmp_path, "run", "wave", x=t + 100, y=10 + np.sin(t / 10))
    fig.poll()
    lo, hi = ax.get_xlim()
    assert lo == pytest.approx(149) and 199 <= hi < 201
    ylo, yhi = ax.get_ylim()
    assert ylo > 8 and yhi > 11  # y fitted to what is shown (the old values are not)
    # a user zoom (the mouse wheel over the plot area) stops following this axes
    fig.render()
    x, y, w, h = ax.view.rect
    fig.canvas.events.mouse_wheel(
        pos=(x + w / 2, y + h / 2), delta=(0.0, 3.0), modifiers=(), buttons=()
    )
    zoomed = ax.get_xlim()
    _log(tmp_path, "run", "wave", x=t + 200, y=np.sin(t / 10))
    fig.poll()
    assert not fig.following(ax)
    assert ax.get_xlim() == zoomed
    _log(tmp_path, "run", "newcomer", x=[1000.0], y=[-50.0])  # a new series keeps the zoom
    fig.poll()
    assert ax.get_xlim() == zoomed and ("run", "newcomer") in fig.series
    ax.autoscale()  # fits everything kept, the appended points included
    lo, hi = ax.get_xlim()
    assert lo < 0 and hi > 1000
    fig.follow()
    assert fig.following(ax)
    lo, hi = ax.get_xlim()
    assert lo == pytest.approx(950) and 1000 <= hi < 1002


def test_a_drag_stops_following_that_axes_only(views, tmp_path):
    t = np.arange(100.0)
    _log(tmp_path, "run", "wave", x=t, y=np.sin(t / 10))
    _log(tmp_path, "run", "loss", x=t, y=1 / (t + 1))
    fig = views(tmp_path, rows=[["wave"], ["loss"]], window=20)
    top, bottom = fig.axes
    fig.render()
    x, y, w, h = top.view.rect
    mouse = {"button": 1, "buttons": (1,), "modifiers": (), "delta": (0.0, 0.0)}
    fig.canvas.events.mouse_press(pos=(x + w / 2, y + h / 2), **mouse)
    fig.canvas.events.mouse_move(pos=(x + w / 2 + 60, y + h / 2), **mouse)
    fig.canvas.events.mouse_release(pos=(x + w / 2 + 60, y + h / 2), **mouse)
    dragged = top.get_xlim()
    assert dragged[0] < 79  # the drag moved the view back in x
    _log(tmp_path, "run", "wave", x=t + 100, y=np.sin(t / 10))
    _log(tmp_path, "run", "loss", x=t + 100, y=1 / (t + 101))
    fig.poll()
    assert top.get_xlim() == dragged and not fig.following(top)
    assert fig.following(bottom) and bottom.get_xlim()[0] == pytest.approx(179)
    fig.follow(ax=top)
    assert top.get_xlim()[0] == pytest.approx(179)
    with pytest.raises(ValueError, match="not an axes of this figure"):
        fig.follow(ax=object())


def test_follow_false_leaves_the_camera_alone(views, tmp_path):
    _log(tmp_path, "run", "wave", x=[0.0, 1.0], y=[0.0, 1.0])
    fig = views(tmp_path, follow=False)
    shown = fig.axes[0].get_xlim()
    _log(tmp_path, "run", "wave", x=[50.0], y=[3.0])
    fig.poll()
    assert fig.axes[0].get_xlim() == shown and not fig.following()


def test_capacity_rolls_off_the_oldest_points(views, tmp_path):
    t = np.arange(50.0)
    _log(tmp_path, "run", "wave", x=t, y=t * 2)
    fig = views(tmp_path, capacity=20, kind="scatter")
    (markers,) = fig.series[("run", "wave")]
    assert type(markers).__name__ == "Markers"
    assert np.allclose(markers.positions[:, :2], np.c_[t[30:], t[30:] * 2])
    _log(tmp_path, "run", "wave", x=t + 50, y=(t + 50) * 2)
    fig.poll()
    assert np.allclose(markers.positions[:, :2], np.c_[t[30:] + 50, (t[30:] + 50) * 2])
    lo, hi = fig.axes[0].get_xlim()
    assert lo == pytest.approx(80) and hi > 99  # follow shows the points kept


def test_the_timer_polls_while_the_loop_runs(views, tmp_path):
    _log(tmp_path, "run", "wave", x=[0.0], y=[0.0])
    fig = views(tmp_path, poll=0.02)
    _log(tmp_path, "run", "wave", x=[1.0, 2.0], y=[1.0, 4.0])
    fig.start()
    glframe.Timer(0.3, connect=lambda event: fig.stop(), iterations=1, start=True)
    glframe.run()  # returns once both timers stopped
    (line,) = fig.series[("run", "wave")]
    assert np.allclose(line.positions[:, 1], [0.0, 1.0, 4.0])
    assert fig.timer.count >= 2 and not fig.timer.running
    fig.start()
    fig.close()  # closing stops the timer
    assert not fig.timer.running


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"axes": "log"}, ValueError, "axes='log' is not one of lin, xlog, ylog, xylog"),
        ({"axes": ["lin", "ylog"]}, ValueError, "axes has 2 values for 1 rows"),
        ({"names": "loss("}, ValueError, "names 'loss\\(' is not a valid regex"),
        ({"scopes": "[a"}, ValueError, "scopes '\\[a' is not a valid regex"),
        ({"rows": [["a"], ["b("]]}, ValueError, "rows\\[1\\] 'b\\(' is not a valid regex"),
        ({"rows": "loss"}, TypeError, "rows must be a list of lists"),
        ({"names": "a", "rows": [["b"]]}, ValueError, "give names= .* or rows="),
        ({"kind": "bars"}, ValueError, "kind must be 'line' or 'scatter'"),
        ({"capacity": 0}, ValueError, "below 1"),
        ({"poll": 0}, ValueError, "poll must be seconds > 0"),
        ({"window": -1}, ValueError, "window must be None or an x span > 0"),
        ({"window": [1, 2]}, ValueError, "window has 2 values for 1 rows"),
        ({"names": 3}, TypeError, "names must be a regex"),
    ],
)
def test_bad_arguments_are_refused(make_canvas, tmp_path, kwargs, error, match):
    _log(tmp_path, "run", "wave", x=[0.0], y=[0.0])
    with pytest.raises(error, match=match):
        stream.view(tmp_path, **kwargs)


def test_a_series_without_a_usable_column_is_named(views, tmp_path):
    _log(tmp_path, "run", "pair", a=[1.0], b=[2.0])
    with pytest.raises(ValueError, match="series 'run/pair' has columns \\['a', 'b'\\]"):
        stream.view(tmp_path)
    fig = views(tmp_path, names="wave")  # left out by names=: fine
    _log(tmp_path, "run", "wave", x=[0.0], y=[0.0])
    fig.poll()
    assert list(fig.series) == [("run", "wave")]
    with pytest.raises(FileNotFoundError):
        stream.view(tmp_path / "missing")


def test_follow_false_still_fits_the_first_view(views, tmp_path):
    _log(tmp_path, "run", "wave", x=[10.0, 20.0], y=[5.0, 7.0])
    fig = views(tmp_path, follow=False)
    lo, hi = fig.axes[0].get_xlim()
    assert lo <= 10 and 20 <= hi < 30  # the data, not the empty axes' 0 to 1
    assert not fig.following()
