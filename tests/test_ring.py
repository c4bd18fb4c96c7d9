"""Ring buffers: Line.append and Markers.append with a capacity (issue 15).

Pixels across the wrap (a ring appended past its capacity draws exactly what a fresh
visual of the last ``capacity`` points draws, on every drawing path), the bytes an
append sends (only the new rows), a frame's cost that does not grow with the number
of points ever appended, the state a recording or a new browser client starts from,
the same frames through glir.js in Chromium, and errors.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from browser import browser, load_glir, page, run_glir  # noqa: F401 - fixtures
from imagecompare import compare

from glframe import scene
from glframe.gloo import Cmd, glir
from glframe.scene.visuals import Line, Markers
from glframe.scene.visuals._ring import RingStore, RowTexture

SIZE = (200, 150)


@pytest.fixture
def pixel_view(make_canvas):
    """``pixel_view()``: a canvas and a view whose scene units are its pixels (y up)."""
    make_canvas((1, 1))  # skips (or fails under CI) without GL
    canvases = []

    def factory():
        canvas = scene.SceneCanvas(size=SIZE, bgcolor="black")
        canvases.append(canvas)
        view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, *SIZE)))
        return canvas, view

    yield factory
    for canvas in canvases:
        canvas.close()


def wave(n: int, start: int = 0) -> np.ndarray:
    """Points ``start .. start + n`` of a sine that runs left to right across the canvas
    and back every 300 points: the newest and oldest points of a window are far apart,
    so a segment joining them would cross the picture."""
    t = np.arange(start, start + n)
    x = 10 + 180 * np.abs(((t / 150) % 2) - 1)
    return np.c_[x, 75 + 50 * np.sin(t / 9.0)]


def ramp(n: int, start: int = 0) -> np.ndarray:
    """One RGBA colour per point ``start .. start + n``: red to green, opaque."""
    t = (np.arange(start, start + n) % 97) / 96
    return np.c_[1 - t, t, np.full(n, 0.3), np.ones(n)].astype(np.float32)


def data_frames(canvas: scene.SceneCanvas) -> list[tuple]:
    """The DATA commands of the next frame."""
    with canvas.record() as rec:
        canvas.render()
    return [c for c in rec.frame_commands if c[0] == Cmd.DATA]


def data_bytes(commands: list[tuple]) -> int:
    return sum(c[3].nbytes for c in commands)


LINES = {
    "quads": dict(width=3),
    # the quads as instances, as rings too large for a texture of rows draw them
    "quads_instanced": dict(width=3, join="miter"),
    "aliased": dict(width=4, antialias=False),
    "line_strip": dict(width=1, antialias=False),  # drawn as GL line strips
    "segments": dict(width=3, connect="segments", cap="round"),
    "segments_thin": dict(width=1, antialias=False, connect="segments"),
}


# ---- pixels across the wrap ------------------------------------------------------------
@pytest.mark.parametrize("per_vertex", [False, True], ids=["one_colour", "per_vertex"])
@pytest.mark.parametrize("kind", list(LINES))
def test_a_line_past_its_capacity_draws_like_a_fresh_line_of_the_last_points(
    pixel_view, kind, per_vertex, monkeypatch
):
    options = LINES[kind]
    if kind == "quads_instanced":
        monkeypatch.setattr(RowTexture, "MAX_ROWS", 0)
    cap, step = 120, 14  # appends of 14 points: the ring's oldest slot moves to odd places
    canvas, view = pixel_view()
    first = 6
    line = Line(
        wave(first),
        color=ramp(first) if per_vertex else "orange",
        capacity=cap,
        parent=view.scene,
        **options,
    )
    _, fresh_view = fresh_canvas = pixel_view()
    total = first
    checked = set()
    for frame in range(40):
        extra = {"color": ramp(step, total)} if per_vertex else {}
        line.append(wave(step, total), **extra)
        total += step
        if frame % 3:
            continue  # several appends between frames too
        image = canvas.render()
        kept = slice(max(total - cap, 0), total)
        np.testing.assert_array_equal(line.positions[:, :2], wave(total)[kept])  # float64 kept
        fresh = Line(
            wave(total)[kept],
            color=ramp(total)[kept] if per_vertex else "orange",
            parent=fresh_view.scene,
            **options,
        )
        # the ring's origin (see _origin.py): the same float32 numbers reach the GPU
        fresh._set_origin(line._origin)
        expected = fresh_canvas[0].render()
        fresh.parent = None
        assert (image[..., :3] > 0).any(axis=2).sum() > 25  # something is drawn
        np.testing.assert_array_equal(image, expected, err_msg=f"{kind} after {total} points")
        checked.add(line._ring.oldest_slot)
    assert len(checked) > 5  # the wrap was crossed at many places
    # the quads' rows in a texture, drawn without instances; or as instances
    assert (line._pull is None) == (kind in ("quads_instanced", "line_strip", "segments_thin"))


def test_the_joint_of_newest_and_oldest_is_not_drawn(pixel_view):
    """A full ring whose newest and oldest points lie far apart: nothing between them."""
    canvas, view = pixel_view()
    line = Line(width=3, color="white", capacity=4, parent=view.scene)
    line.append([[20, 20], [60, 20], [60, 60]])
    line.append([[100, 60], [100, 100]])  # (20, 20) rolls off; (100, 100) takes its slot 0

    def lit(x, y):
        return canvas.render()[SIZE[1] - y, x, 0] > 0

    # kept: (60, 20) -> (60, 60) -> (100, 60) -> (100, 100); the last crosses the buffer's end
    assert lit(60, 40) and lit(80, 60) and lit(100, 80)
    assert not lit(40, 20)  # the segment that rolled off
    # the newest point, (100, 100), and the oldest, (60, 20), are not joined
    assert not lit(70, 40) and not lit(90, 80)


def test_markers_past_their_capacity_draw_like_fresh_markers(pixel_view):
    canvas, view = pixel_view()
    cap = 90
    markers = Markers(
        wave(3),
        size=np.full(3, 9.0),
        face_color=ramp(3),
        symbol=["disc", "square", "star"],
        capacity=cap,
        parent=view.scene,
    )
    symbols = ["disc", "square", "star", "diamond"]
    fresh_canvas, fresh_view = pixel_view()
    total = 3
    for frame in range(25):
        k = 11
        names = [symbols[i % 4] for i in range(total, total + k)]
        sizes = 6 + (np.arange(total, total + k) % 5)
        markers.append(wave(k, total), size=sizes, face_color=ramp(k, total), symbol=names)
        total += k
        if frame % 2:
            continue
        image = canvas.render()
        kept = slice(max(total - cap, 0), total)
        all_names = [symbols[i % 4] for i in range(total)]
        all_names[:3] = ["disc", "square", "star"]
        fresh = Markers(
            wave(total)[kept],
            size=np.r_[9.0, 9.0, 9.0, 6 + np.arange(3, total) % 5][kept],
            face_color=ramp(total)[kept],
            symbol=all_names[kept],
            parent=fresh_view.scene,
        )
        fresh._set_origin(markers._origin)  # the ring's: the same float32 numbers drawn
        expected = fresh_canvas.render()
        fresh.parent = None
        assert [str(s) for s in markers.symbol] == all_names[kept]
        np.testing.assert_array_equal(image, expected, err_msg=f"after {total} points")


def test_pick_reports_the_place_in_positions_oldest_first(pixel_view):
    canvas, view = pixel_view()
    line = Line(width=6, color="white", capacity=5, parent=view.scene)
    xs = 20 + 30 * np.arange(8)
    for x in xs:
        line.append([[x, 75]])
    canvas.render()
    # kept: x = 110, 140, 170, 200, 230 (the last off the canvas); segment 1 is 140 -> 170
    hit = canvas.pick((155, SIZE[1] - 75))
    assert hit.visual is line and hit.index == 1
    markers = Markers(size=10, capacity=4, parent=view.scene)
    for k in range(7):
        markers.append([[15 + 10 * k, 20]])
    canvas.render()
    hit = canvas.pick((65, SIZE[1] - 20))  # the 6th point appended, kept as the 3rd
    assert hit.visual is markers and hit.index == 2


# ---- bytes: only the new rows ------------------------------------------------------------
def test_an_append_sends_its_own_rows_only(pixel_view):
    canvas, view = pixel_view()
    line = Line(wave(10), width=2, capacity=1000, parent=view.scene)
    colored = Line(wave(10), color=ramp(10), width=2, capacity=1000, parent=view.scene)
    markers = Markers(wave(10), size=np.full(10, 5.0), capacity=1000, parent=view.scene)
    canvas.render()
    line.append(wave(7, 10))
    colored.append(wave(7, 10), color=ramp(7, 10))
    markers.append(wave(7, 10), size=np.full(7, 4.0))
    data = data_frames(canvas)
    # positions as (x, y, z, 1) rows: 16 bytes a point; colours 16; markers 12 + 4 (size)
    assert sorted(c[3].nbytes for c in data) == [7 * 4, 7 * 12, 7 * 16, 7 * 16, 7 * 16]
    # partial uploads, at their offsets: the markers' buffers (bytes); the lines' rows in
    # textures (texel (row, column)), where the strip's ring starts at row 1: point 10 is
    # row 11
    assert sorted(map(str, (c[2] for c in data))) == sorted(
        map(str, [(0, 11)] * 3 + [10 * 12, 10 * 4])
    )
    # and the serializer ships exactly those bytes
    header, buffers = glir.serialize(data)
    assert sum(memoryview(b).nbytes for b in buffers) == data_bytes(data) == 7 * 64
    assert data_frames(canvas) == []  # nothing new: nothing sent


def test_an_append_across_the_wrap_sends_two_ranges(pixel_view):
    canvas, view = pixel_view()
    markers = Markers(wave(95), size=5, capacity=100, parent=view.scene)
    canvas.render()
    markers.append(wave(10, 95))
    data = data_frames(canvas)
    assert [(c[2], len(c[3])) for c in data] == [(95 * 12, 5), (0, 5)]


def test_the_strip_copies_its_end_rows(pixel_view):
    """A strip's instances read one row before and two after the ring: appends that
    write the last or first two slots also write their copies (a row each)."""
    canvas, view = pixel_view()
    line = Line(wave(8), width=2, capacity=10, parent=view.scene)
    canvas.render()
    line.append(wave(4, 8))  # slots 8, 9, 0, 1
    data = data_frames(canvas)
    # rows in a texture of one row of 13 texels: (row, column) offsets, (1, n, 4) data
    assert all(c[2][0] == 0 for c in data)
    rows = [(c[2][1], c[3].shape[1]) for c in data]
    assert sorted(rows) == [(0, 1), (1, 2), (9, 2), (11, 1), (12, 1)]


# ---- a frame's cost does not grow with the points appended -------------------------------
def _cycle(canvas, visuals, start, appends, k):
    """``appends`` appends of ``k`` points, a frame each: (GLIR DATA bytes, the median
    seconds of a frame: robust to the other processes of a shared machine)."""
    times = []
    with canvas.record() as rec:
        for i in range(appends):
            t0 = time.perf_counter()
            pos = wave(k, start + i * k)
            for visual in visuals:
                visual.append(pos)
            canvas.render()
            times.append(time.perf_counter() - t0)
    seconds = float(np.median(times))
    sent = data_bytes([c for c in rec.frame_commands if c[0] == Cmd.DATA])
    return sent, seconds


def test_frame_cost_is_flat_after_many_wraps(pixel_view):
    canvas, view = pixel_view()
    cap, k = 2000, 50
    line = Line(width=1, antialias=False, capacity=cap, parent=view.scene)  # a line strip
    wide = Line(width=3, capacity=cap, parent=view.scene)  # quads
    markers = Markers(size=3, capacity=cap, parent=view.scene)
    visuals = (line, wide, markers)
    appends = cap // k  # one turn of the ring: every copied end row once
    for visual in visuals:
        visual.append(wave(cap))
    canvas.render()
    early_bytes, early = _cycle(canvas, visuals, cap, appends, k)
    total = 2 * cap
    chunk = wave(cap)
    for _ in range(500):  # a million points, no frames
        for visual in visuals:
            visual.append(chunk)
        total += cap
    canvas.render()  # more than a ring behind: one whole upload
    late_bytes, late = _cycle(canvas, visuals, total, appends, k)
    # a point: 12 bytes (x, y, z) for the line strip and the markers, 16 (x, y, z, 1) for
    # the quads; once a turn the quads copy three end rows, the line strip slot 0
    assert late_bytes == early_bytes == appends * k * (12 + 16 + 12) + 3 * 16 + 12
    assert late < 2.0 * early + 0.002, (
        f"{late:.4f} s a frame after 1M points, {early:.4f} s at first"
    )
    # the CPU side: one ring of rows, however many went through it
    assert line._ring.total == total + appends * k and len(line.positions) == cap


def test_the_state_keeps_one_copy_of_a_ring_buffer(pixel_view):
    """GlirState (what a recording or a new browser client starts from) writes partial
    DATA into one array per buffer or texture, so it stays as large as the ring."""
    canvas, view = pixel_view()
    line = Line(wave(5), width=3, color=ramp(5), capacity=64, parent=view.scene)
    canvas.render()
    total = 5
    for k in (3, 7, 11, 5, 13, 2, 17, 9, 23, 1, 30):  # boxes that never cover each other
        line.append(wave(k, total), color=ramp(k, total))
        total += k
        canvas.render()
    rows = line._quads_store("positions").texture  # (a texture of 67 rows, one row)
    commands = [c for c in canvas.context.state.commands() if c[0] == Cmd.DATA and c[1] == rows.id]
    assert len(commands) == 1 and commands[0][3].nbytes == (64 + 3) * 16
    with canvas.record() as rec:
        image = canvas.render()
    replayed = scene.SceneCanvas(size=SIZE)
    try:
        replies = replayed.replay(rec.commands)
    finally:
        replayed.close()
    np.testing.assert_array_equal(list(replies.values())[-1], image)


def test_the_state_copy_follows_partial_data():
    from glframe.gloo import GlirState

    state = GlirState()
    a = np.arange(8, dtype=np.float32)
    state.update([(Cmd.CREATE, 1, "VertexBuffer"), (Cmd.SIZE, 1, 32), (Cmd.DATA, 1, 0, a)])
    assert state.commands()[-1][3] is a  # a whole upload is kept as it is
    state.update([(Cmd.DATA, 1, 8, np.float32([20, 21])), (Cmd.DATA, 1, 24, np.float32([30]))])
    (data,) = [c for c in state.commands() if c[0] == Cmd.DATA]
    np.testing.assert_array_equal(data[3].view(np.float32), [0, 1, 20, 21, 4, 5, 30, 7])
    snapshot = data[3]
    state.update([(Cmd.DATA, 1, 0, np.float32([9]))])
    assert snapshot.view(np.float32)[0] == 0  # an earlier snapshot is a copy
    state.update([(Cmd.DATA, 1, 0, a[::-1].copy())])  # whole again: the copy is dropped
    (data,) = [c for c in state.commands() if c[0] == Cmd.DATA]
    np.testing.assert_array_equal(data[3], a[::-1])


# ---- the browser -------------------------------------------------------------------------
def test_partial_data_replays_the_same_in_the_browser(pixel_view, page):  # noqa: F811
    """Frames of appends recorded on the desktop, run by glir.js in Chromium."""
    canvas, view = pixel_view()
    line = Line(wave(30), color=ramp(30), width=3, capacity=100, parent=view.scene)
    thin = Line(wave(30), width=1, antialias=False, color="cyan", capacity=80, parent=view.scene)
    markers = Markers(wave(30), size=7, face_color="yellow", capacity=60, parent=view.scene)
    canvas.render()
    line.append(wave(5, 30), color=ramp(5, 30))  # a partial DATA before the recording:
    thin.append(wave(5, 30))
    markers.append(wave(5, 30))
    canvas.render()
    total = 35
    with canvas.record() as rec:
        for _ in range(6):
            line.append(wave(25, total), color=ramp(25, total))
            thin.append(wave(25, total))
            markers.append(wave(25, total))
            total += 25
            desktop = canvas.render()
    partial = [c for c in rec.frame_commands if c[0] == Cmd.DATA and np.any(c[2])]
    assert len(partial) > 20
    # the state it starts from holds the rings as a copy: bytes of a buffer, texels of
    # the quads' texture of rows
    ring = markers._buffers["a_position"].id
    (setup,) = [c for c in rec.setup_commands if c[0] == Cmd.DATA and c[1] == ring]
    assert setup[3].dtype == np.uint8
    rows = line._quads_store("positions").texture.id
    (setup,) = [c for c in rec.setup_commands if c[0] == Cmd.DATA and c[1] == rows]
    assert setup[3].shape == (1, 103, 4) and setup[3].dtype == np.float32
    load_glir(page)
    web = run_glir(page, rec.commands, SIZE)
    ok, why, _ = compare(web, desktop, noise=6, edge_fraction=0.2, min_allowed=8)
    assert ok, f"browser and desktop differ: {why}"
    assert not page.js_errors, page.js_errors


_NODE = """
import { readFileSync } from "node:fs";
import { GlirInterpreter, decodeJSON } from "%(js)s/glir.js";
import { fakeGL } from "%(js)s/test/fake_gl.mjs";
const gl = fakeGL({ drawingBuffer: [200, 150] });
const interp = new GlirInterpreter(gl, {});
for (const text of JSON.parse(readFileSync(process.argv[1], "utf8"))) {
  interp.execute(decodeJSON(text));
}
// each GL buffer's and 2D texture's bytes, written as the recorded calls say, in the
// order it was made
const bound = new Map(), bytes = new Map(), sizes = new Map();
const asBytes = (view) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
for (const [name, ...args] of gl.calls) {
  if (name === "bindBuffer" || name === "bindTexture") bound.set(args[0], args[1]);
  else if (name === "bufferData") bytes.set(bound.get(args[0]), new Uint8Array(args[1]));
  else if (name === "bufferSubData") bytes.get(bound.get(args[0])).set(asBytes(args[2]), args[1]);
  else if (name === "texImage2D") sizes.set(bound.get(args[0]), [args[3], args[4]]);
  else if (name === "texSubImage2D") {
    const [target, , x, y, w, h, , , data] = args;
    const texture = bound.get(target), [width, height] = sizes.get(texture);
    const texel = data.byteLength / (w * h);
    if (!bytes.has(texture)) bytes.set(texture, new Uint8Array(width * height * texel));
    const src = asBytes(data);
    for (let row = 0; row < h; row++) {
      const at = ((y + row) * width + x) * texel;
      bytes.get(texture).set(src.subarray(row * w * texel, (row + 1) * w * texel), at);
    }
  }
}
const out = [...bytes.entries()].sort((a, b) => a[0].n - b[0].n);
console.log(JSON.stringify(out.map(([, b]) => Buffer.from(b).toString("base64"))));
"""


def test_partial_data_through_glir_js_under_node(pixel_view, tmp_path):
    """glir.js (Node, a recording fake WebGL2) writes every partial DATA of a ring where
    it belongs: each buffer's and texture's bytes equal the ring's, slot by slot."""
    import base64
    import json
    import shutil
    import subprocess
    from pathlib import Path

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (glir.js runs under Node for this test)")
    canvas, view = pixel_view()
    line = Line(wave(30), color=ramp(30), width=3, capacity=50, parent=view.scene)
    markers = Markers(wave(30), size=np.full(30, 4.0), capacity=40, parent=view.scene)
    canvas.render()
    line.append(wave(9, 30), color=ramp(9, 30))  # the state will hold these as bytes
    markers.append(wave(9, 30), size=np.full(9, 5.0))
    canvas.render()
    streams, total = [], 39
    with canvas.record() as rec:
        for k in (7, 13, 30, 4, 45, 11):  # appends that wrap, one longer than a ring
            line.append(wave(k, total), color=ramp(k, total))
            markers.append(wave(k, total), size=np.full(k, float(k)))
            total += k
            canvas.render()
    streams = [glir.to_json(rec.setup_commands)]
    streams += [glir.to_json([c for c in rec.frame_commands if c[0] != Cmd.READ_PIXELS])]
    job = tmp_path / "streams.json"
    job.write_text(json.dumps(streams))
    js = (Path(__file__).resolve().parent.parent / "glframe/backends/web/js").as_uri()
    proc = subprocess.run(
        [node, "--input-type=module", "-e", _NODE % {"js": js}, str(job)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    made = [
        c[1]
        for c in rec.setup_commands
        if c[0] == Cmd.CREATE and ("Buffer" in c[2] or c[2] == "Texture2D")
    ]
    gl_bytes = dict(zip(made, (base64.b64decode(b) for b in json.loads(proc.stdout))))
    ring = line._ring
    expected_rows = np.zeros((50, 4), np.float32)
    expected_rows[:, :3] = ring.slots("positions")
    expected_rows[:, 3] = ring.slots("valid")
    order = np.r_[49, np.arange(50), 0, 1]  # a strip's copies around the ring
    # the line's rows: a texture of one row of 53 texels (RowTexture)
    positions = np.frombuffer(gl_bytes[line._quads_store("positions").texture.id], np.float32)
    np.testing.assert_array_equal(positions.reshape(-1, 4), expected_rows[order])
    colors = np.frombuffer(gl_bytes[line._quads_store("colors").texture.id], np.float32)
    np.testing.assert_array_equal(colors.reshape(-1, 4), ring.slots("color")[order])
    sizes = np.frombuffer(gl_bytes[markers._buffers["a_size"].id], np.float32)
    np.testing.assert_array_equal(sizes, markers._ring.slots("size"))
    assert sizes.tolist().count(11.0) == 11  # the last append is in there


# ---- the CPU side --------------------------------------------------------------------------
def test_the_store_keeps_the_newest_rows_in_order():
    rng = np.random.default_rng(1)
    for cap in (1, 2, 3, 7, 16):
        ring = RingStore(cap)
        ring.fill({"x": np.arange(3.0), "ok": np.arange(3) % 2 == 0})
        every = list(range(3))
        gpu = ring.slots("x")
        synced = (ring.epoch, ring.total)
        for _ in range(60):
            k = int(rng.integers(0, 2 * cap + 2))
            new = np.arange(len(every), len(every) + k)
            every += list(new)
            ring.append({"x": new.astype(float), "ok": new % 2 == 0})
            assert ring.view("x").tolist() == every[-cap:]
            assert ring.true_counts["ok"] == sum(v % 2 == 0 for v in every[-cap:])
            if rng.random() < 0.5:  # a copy that catches up now and then
                pieces = ring.pending(synced)
                if pieces is None:
                    gpu = ring.slots("x")
                else:
                    assert len(pieces) <= 2
                    for slot, lo, hi in pieces:
                        gpu[slot : slot + hi - lo] = ring.view("x")[lo:hi]
                synced = (ring.epoch, ring.total)
                np.testing.assert_array_equal(gpu, ring.slots("x"))


def test_capacity_can_be_set_and_removed(pixel_view):
    canvas, view = pixel_view()
    line = Line(wave(50), width=2, color=ramp(50), parent=view.scene)
    assert line.capacity is None
    line.append(wave(5, 50), color=ramp(5, 50))  # no ring: the line grows
    assert len(line.positions) == 55
    line.capacity = 20  # keeps the last 20
    assert line.capacity == 20 and len(line.positions) == 20
    np.testing.assert_array_equal(line.color, ramp(55)[-20:])
    line.append(wave(4, 55), color="red")  # one colour for the new points
    np.testing.assert_array_equal(line.color[-4:], np.tile([1, 0, 0, 1], (4, 1)))
    first = canvas.render()
    line.capacity = None  # the same points, no ring
    assert len(line.positions) == 20
    np.testing.assert_array_equal(canvas.render(), first)
    line.set_data(wave(30), color="white")
    line.capacity = 8
    line.set_data(wave(12))  # set_data keeps the last 8 too
    np.testing.assert_array_equal(line.positions[:, :2], wave(12)[-8:])  # float64 kept
    # the kept points' extent (x falls from 190 by 1.2 a point: points 4..11 are kept)...
    assert line.bounds(0) == pytest.approx((176.8, 185.2))
    line.append([[500, 75], [-300, 75]])
    assert line.bounds(0) == (-300.0, 500.0)  # ...computed again after an append
    markers = Markers(wave(4), size=[1, 2, 3, 4], capacity=3)
    np.testing.assert_array_equal(markers.size, [2, 3, 4])
    markers.size = 5  # one size for all: append takes none
    markers.append(wave(2))
    assert markers.size == 5 and len(markers.positions) == 3


# ---- errors ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: Line(capacity=0), ValueError, r"Line.capacity: 0 is below 1.*capacity >= 1"),
        (lambda: Markers(capacity=-5), ValueError, r"Markers.capacity: -5 is below 1"),
        (lambda: Line(capacity=2.5), TypeError, r"Line.capacity: 2.5 is not an integer"),
        (lambda: Line(capacity=True), TypeError, r"True is not an integer"),
        (
            lambda: Line(connect="segments", capacity=7),
            ValueError,
            r"Line.capacity: 7 is odd.*even capacity such as 8",
        ),
        (
            lambda: Line(np.zeros((4, 2)), connect="loop", capacity=7),
            ValueError,
            r"Line.connect: 'loop' cannot be a ring buffer \(capacity=7\).*'strip' or 'segments'",
        ),
        (
            lambda: Line(np.zeros((4, 2)), connect=[[0, 1]], capacity=7),
            ValueError,
            r"an index array cannot be a ring buffer",
        ),
    ],
)
def test_bad_capacity(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_bad_appends_name_the_rule_and_the_fix():
    line = Line(capacity=10)
    with pytest.raises(
        ValueError,
        match=r"Line.append: shape \(3, 4\) is not \(N, 2 or 3\).*"
        r"append \(K, 2\) or \(K, 3\) numbers",
    ):
        line.append(np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"shape \(3,\) is not"):
        line.append(np.zeros(3))
    with pytest.raises(TypeError, match=r"Line.append: dtype <U1 is not numeric"):
        line.append([["a", "b"]])
    with pytest.raises(
        ValueError,
        match=r"color= is for lines with one colour per vertex.*"
        r"leave color= out",
    ):
        line.append(np.zeros((2, 2)), color=ramp(2))
    colored = Line(wave(3), color=ramp(3), capacity=10)
    with pytest.raises(
        ValueError,
        match=r"one colour per vertex, so the 2 new points need "
        r"theirs: give color=",
    ):
        colored.append(wave(2))
    with pytest.raises(
        ValueError,
        match=r"Line.append color: colours of shape \(1, 4\) are "
        r"not \(2, 3\|4\)",
    ):
        colored.append(wave(2), color=ramp(1))
    segments = Line(connect="segments", capacity=10)
    with pytest.raises(ValueError, match=r"3 points with connect='segments'.*even number"):
        segments.append(wave(3))
    with pytest.raises(ValueError, match=r"'loop' cannot be a ring buffer"):
        line.connect = "loop"
    assert line.connect == "strip"  # refused: nothing changed
    markers = Markers(wave(3), size=[1, 2, 3], capacity=10)
    with pytest.raises(
        ValueError, match=r"Markers.append size: shape \(2,\) is not \(\) or \(3,\)"
    ):
        markers.append(wave(3), size=[1, 2])
    with pytest.raises(ValueError, match=r"one size per point, so the 3 new points need theirs"):
        markers.append(wave(3))
    with pytest.raises(ValueError, match=r"face_color= is for markers with one face_color per"):
        markers.append(wave(1), size=1, face_color="red")
    with pytest.raises(TypeError, match=r"'sise' is not a per-point property; append takes size"):
        markers.append(wave(1), sise=1)
    assert len(markers.positions) == 3  # every refused append left the markers as they were


def test_a_ring_not_yet_full_draws_only_its_points(pixel_view):
    # A page draws every segment it is told to: 10 points of a 10,000-point ring were
    # 10,000 instances (120 ms a frame in SwiftShader), the empty ones collapsed.
    canvas, view = pixel_view()
    line = Line(wave(10), width=3, capacity=10_000, parent=view.scene)

    def segments() -> tuple[int, int]:
        """(instances, segments) of the line's one draw: chunks of 1024 segments as
        instances of six indices a segment, the segments past the ring's dropped."""
        with canvas.record() as rec:
            canvas.render()
        (draw,) = [c for c in rec.frame_commands if c[0] == Cmd.DRAW and c[1] == line._pull.id]
        chunk, count = line._pull["u_draw"]
        assert draw[2] == "triangles" and draw[3][2] == 6 * chunk
        assert draw[4] == -(-count // chunk)
        return chunk, count

    assert segments() == (1024, 10)
    line.append(wave(5, 10))
    assert segments() == (1024, 15)
    line.append(wave(10_000, 15))  # full and wrapped: one draw, oldest first
    assert segments() == (1024, 10_000)
    small = Line(wave(10), width=3, capacity=100, parent=view.scene)
    canvas.render()
    assert len(small._buffers["pull_indices"]) == 6 * 100  # (a ring's, at most a chunk)
