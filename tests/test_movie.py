"""canvas.record_movie: frames rendered into MP4, GIF and PNG sequences, read back."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

W, H = 96, 64
N = 60


def spinning(canvas):
    """Draw a triangle turned by ``state["i"]`` over a background that shifts with it."""
    from glframe import gloo

    program = gloo.Program(
        """
        in vec2 a_position;
        uniform float u_angle;
        void main() {
            mat2 r = mat2(cos(u_angle), sin(u_angle), -sin(u_angle), cos(u_angle));
            gl_Position = vec4(r * a_position, 0.0, 1.0);
        }
        """,
        """
        precision highp float;
        out vec4 f_color;
        void main() { f_color = vec4(1.0, 0.85, 0.2, 1.0); }
        """,
    )
    corners = np.radians([90.0, 210.0, 330.0])
    program["a_position"] = 0.8 * np.c_[np.cos(corners), np.sin(corners)].astype(np.float32)
    state = {"i": 0}

    @canvas.connect
    def on_draw(event):
        t = state["i"] / N
        program["u_angle"] = 2 * np.pi * t / 3
        gloo.clear(color=(0.1 + 0.7 * t, 0.2, 0.8 - 0.6 * t, 1.0))
        program.draw("triangles")

    return state


def test_mp4_60_frames_read_back(make_canvas, tmp_path):
    import imageio.v3 as iio

    canvas = make_canvas((W, H))
    state = spinning(canvas)
    path = tmp_path / "spin.mp4"
    rendered = []
    with canvas.record_movie(path, fps=30) as movie:
        for i in range(N):
            state["i"] = i
            rendered.append(movie.add_frame())
    assert movie.count == N and movie.closed
    video = iio.imread(path, plugin="FFMPEG")
    assert video.shape == (N, H, W, 3)
    assert iio.immeta(path, plugin="FFMPEG")["fps"] == 30
    for k in (0, N - 1):
        diff = np.abs(video[k].astype(int) - rendered[k][..., :3].astype(int))
        # H.264 (yuv420p, default quality) of a 96x64 frame: a level or two on flat
        # colour (measured: median 1-2), tens of levels along the triangle's edges,
        # where the colour planes have half the resolution (measured mean 3-5.3)
        assert np.median(diff) <= 3, (k, np.median(diff))
        assert diff.mean() < 8, (k, diff.mean())
        # and it is this frame, not a neighbour: 5 steps away differs ~3x more
        other = rendered[k + 5 if k == 0 else k - 5][..., :3].astype(int)
        assert np.abs(video[k].astype(int) - other).mean() > 2 * diff.mean()
    # the first and last frames really differ (the comparison above can fail)
    assert np.abs(video[0].astype(int) - video[-1].astype(int)).mean() > 40


def test_mp4_at_another_size_restores_the_canvas(make_canvas, tmp_path):
    import imageio.v3 as iio

    canvas = make_canvas((W, H), pixel_ratio=2)
    spinning(canvas)
    path = tmp_path / "big.mp4"
    with canvas.record_movie(path, size=(160, 120), quality=8) as movie:
        frame = movie.add_frame()
        assert canvas.size == (160, 120)
    assert frame.shape == (120, 160, 4)
    assert iio.imread(path, plugin="FFMPEG").shape == (1, 120, 160, 3)
    assert canvas.logical_size == (W, H) and canvas.pixel_ratio == 2
    assert canvas.render().shape == (2 * H, 2 * W, 4)


def test_gif(make_canvas, tmp_path):
    import imageio.v3 as iio

    canvas = make_canvas((W, H))
    state = spinning(canvas)
    path = tmp_path / "spin.gif"
    with canvas.record_movie(path, fps=20, frames=5) as movie:
        rendered = []
        for i in range(5):
            state["i"] = 12 * i
            rendered.append(movie.add_frame())
    gif = iio.imread(path)
    assert gif.shape[:3] == (5, H, W)
    assert iio.immeta(path)["duration"] == 50  # 1/20 s
    for k in (0, 4):
        diff = np.abs(gif[k][..., :3].astype(int) - rendered[k][..., :3].astype(int))
        assert diff.mean() < 2, (k, diff.mean())  # a palette of a few colours
    assert np.abs(gif[0].astype(int) - gif[4].astype(int)).mean() > 40


def test_png_directory_and_pattern(make_canvas, tmp_path):
    import imageio.v3 as iio

    canvas = make_canvas((W, H))
    state = spinning(canvas)
    folder = tmp_path / "frames"
    with canvas.record_movie(folder) as movie:
        rendered = []
        for i in range(3):
            state["i"] = 20 * i
            rendered.append(movie.add_frame())
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["frame_0000.png", "frame_0001.png", "frame_0002.png"]
    for k, name in enumerate(names):
        np.testing.assert_array_equal(iio.imread(folder / name), rendered[k])  # lossless RGBA
    pattern = tmp_path / "seq" / "f_{:03d}.png"
    with canvas.record_movie(pattern, size=(40, 30)) as movie:
        movie.add_frame()
        movie.add_frame()
    assert sorted(p.name for p in pattern.parent.iterdir()) == ["f_000.png", "f_001.png"]
    assert iio.imread(pattern.parent / "f_001.png").shape == (30, 40, 4)


def test_progress_bar_when_the_count_is_known(make_canvas, capsys, tmp_path):
    pytest.importorskip("tqdm")  # the movie extra installs it; CI has it
    canvas = make_canvas((W, H))
    spinning(canvas)
    with canvas.record_movie(tmp_path / "bar", frames=4) as movie:
        for _ in range(4):
            movie.add_frame()
    assert "4/4" in capsys.readouterr().err
    with canvas.record_movie(tmp_path / "nobar") as movie:
        movie.add_frame()
    assert "frame" not in capsys.readouterr().err


def test_errors(make_canvas, monkeypatch, tmp_path):
    canvas = make_canvas((W, H))
    spinning(canvas)
    tmp = tmp_path
    with pytest.raises(ValueError, match=r"unknown movie format '\.avi'.*'\.mp4', '\.gif'"):
        canvas.record_movie(tmp / "spin.avi")
    with pytest.raises(ValueError, match="pattern must end in .png"):
        canvas.record_movie(tmp / "f_{:04d}.jpg")
    with pytest.raises(ValueError, match="not a pattern for one frame number"):
        canvas.record_movie(tmp / "f_{name}.png")
    with pytest.raises(ValueError, match="fps must be a positive number, not 0"):
        canvas.record_movie(tmp / "a.gif", fps=0)
    with pytest.raises(ValueError, match="quality applies to MP4 only"):
        canvas.record_movie(tmp / "a.gif", quality=5)
    with pytest.raises(ValueError, match="quality must be a number from 0 to 10, not 11"):
        canvas.record_movie(tmp / "a.mp4", quality=11)
    with pytest.raises(ValueError, match="frames .the count. must be a positive int, not 2.5"):
        canvas.record_movie(tmp / "a.gif", frames=2.5)
    with pytest.raises(ValueError, match=r"size must be \(width, height\) in pixels, not 7"):
        canvas.record_movie(tmp / "a.gif", size=7)
    with pytest.raises(ValueError, match=r"even width and height, not 95x64.*size=\(96, 64\)"):
        canvas.record_movie(tmp / "a.mp4", size=(95, 64))
    assert canvas.size == (W, H)  # nothing was resized by a refused movie

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "imageio_ffmpeg" else real_find_spec(name, *a),
    )
    with pytest.raises(ImportError, match=r"imageio-ffmpeg.*pip install 'glframe\[movie\]'"):
        canvas.record_movie(tmp / "b.mp4")
    monkeypatch.undo()

    with canvas.record_movie(tmp / "c.gif") as movie:
        movie.add_frame()
    with pytest.raises(RuntimeError, match=r"add_frame on a closed movie \(.*c\.gif, 1 frames\)"):
        movie.add_frame()
    canvas.close()
    with pytest.raises(RuntimeError, match="canvas is closed"):
        canvas.record_movie(tmp / "d.gif")


def test_a_scene_window_records_offscreen_at_another_size(xvfb, scene_canvas, tmp_path):
    """A window canvas keeps its window: a SceneCanvas renders frames into an FBO."""
    from glframe import scene

    canvas = scene_canvas(size=(120, 80), backend="window", bgcolor="#204080")
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, 4, 4)))
    scene.visuals.Markers(np.array([[2.0, 2.0]]), size=20, face_color="white", parent=view.scene)
    with canvas.record_movie(tmp_path / "win", size=(240, 160)) as movie:
        frame = movie.add_frame()
    assert frame.shape == (160, 240, 4)
    assert canvas.logical_size == (120, 80)  # the window was not resized
    assert tuple(frame[5, 5, :3]) == (0x20, 0x40, 0x80)
    assert frame[80, 120, :3].min() > 200  # the marker, at the centre of the big frame


def test_a_plain_window_cannot_record_at_another_size(xvfb, tmp_path):
    import glframe

    canvas = glframe.Canvas(size=(64, 48), backend="window")
    try:
        with pytest.raises(ValueError, match=r"differs from the window canvas's .*plain Canvas"):
            canvas.record_movie(tmp_path / "w", size=(128, 96))
    finally:
        canvas.close()
