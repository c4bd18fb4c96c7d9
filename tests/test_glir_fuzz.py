"""GLIR fuzz: 10,000 hostile streams replayed into one canvas, which keeps its frame.

Hypothesis generates streams of GLIR-shaped commands with hostile values (wrong
shapes, dtypes, ids, sizes, counts, formats, unknown names, huge numbers, NaN;
``hostile_streams`` in test_untrusted_streams.py), in batches. Each stream is
replayed into ONE offscreen SceneCanvas showing markers: a replay may raise
GlirError and nothing else, and after each one the canvas must render exactly its
reference frame (one of two, in turn, so that a frame not drawn at all shows); after
each batch the replayed objects are deleted (``reset_replay``).

The fuzz runs in a child process with a timeout, so a crash (SIGSEGV) or a hang
fails this test, naming the stream it was replaying, instead of killing or
hanging the suite. ``python tests/test_glir_fuzz.py [STREAMS]`` runs it alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

#: Streams per run, and per hypothesis example (batches amortize its per-example cost).
STREAMS = 10_000
BATCH = 25
#: Seconds the child may take (about 60-90 s are expected on two busy cores).
TIMEOUT = 420


def test_glir_fuzz_keeps_the_canvas_rendering(canvas, tmp_path, record_property):
    """10,000 hostile streams: only GlirError, no crash or hang, the same frame after."""
    del canvas  # requested for its check that GL works here (skip, or fail under CI)
    last = tmp_path / "last_stream.txt"
    command = [sys.executable, str(Path(__file__)), str(STREAMS), str(last)]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"the GLIR fuzz hung (over {TIMEOUT} s); the stream being replayed:\n{_read(last)}"
        ) from None
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        how = f"died of signal {-proc.returncode}" if proc.returncode < 0 else "failed"
        raise AssertionError(
            f"the GLIR fuzz {how}; the stream being replayed:\n{_read(last)}\n"
            f"output:\n{output[-6000:]}"
        )
    summary = json.loads(output.strip().splitlines()[-1])
    record_property("glir_fuzz", summary)
    print(f"\nGLIR fuzz: {summary}")
    assert summary["streams"] >= STREAMS
    assert summary["renders"] >= STREAMS
    # most streams must reach the interpreter, not stop at the checks
    ran = summary.get("ran clean", 0) + summary.get("failed in the interpreter", 0)
    assert ran > STREAMS // 4 and summary.get("ran clean", 0) > 0


def _read(path: Path) -> str:
    return path.read_text()[:4000] if path.exists() else "(none recorded)"


def fuzz(streams: int, log_path: str | None = None) -> dict:
    """Replay ``streams`` hostile streams into one canvas; the counts of what happened."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st
    from test_untrusted_streams import FUZZ_FRAG, FUZZ_VERT, QUAD, hostile_streams

    from glframe import gloo, scene
    from glframe.gloo.glir import GlirError

    canvas = scene.SceneCanvas(size=(64, 48), bgcolor="#102030")
    view = canvas.add_view(camera=scene.PanZoomCamera(aspect=1))
    rng = np.random.default_rng(1)
    scene.visuals.Markers(
        rng.normal(size=(200, 2)), size=7, face_color="orange", edge_width=1, parent=view.scene
    )
    view.camera.set_range()
    # A program of the canvas's own with the streams' shader sources: while it lives,
    # the interpreter keeps their linked program, so replays do not recompile it.
    keeper = gloo.Program(FUZZ_VERT, FUZZ_FRAG)
    keeper["a_position"] = QUAD
    keeper["u_color"] = (0, 0, 0, 0)
    keeper["u_tex"] = np.zeros((1, 1, 4), np.uint8)
    with canvas:
        keeper.draw("points", count=0)
    # Two reference frames, rendered in turn: a frame that is not drawn at all (a
    # colour mask, a discarding rasterizer left behind) still shows the previous one.
    backgrounds = ("#102030", "#302010")
    references = []
    for color in backgrounds:
        canvas.bgcolor = color
        references.append(canvas.render())
    assert not np.array_equal(*references)
    counts: Counter = Counter()
    log = open(log_path, "w") if log_path else None  # noqa: SIM115 - rewritten per stream

    def note(stream) -> None:
        if log is not None:  # what a crash or a hang was replaying
            with np.printoptions(threshold=16):
                text = repr(stream)
            log.seek(0)
            log.write(text)
            log.truncate()
            log.flush()

    @settings(
        max_examples=-(-streams // BATCH),
        deadline=None,
        derandomize=True,  # the same streams on every run
        database=None,
        # no shrinking: the canvas carries state from one example to the next, so a
        # simpler example replayed after a failure says nothing; the message names the
        # stream instead
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(hostile_streams, min_size=BATCH, max_size=BATCH))
    def replay_batch(batch) -> None:
        for stream in batch:
            note(stream)
            try:
                canvas.replay(stream)
                counts["ran clean"] += 1
            except GlirError as exc:
                checks = "nothing was replayed" in str(exc)
                counts["rejected by the checks" if checks else "failed in the interpreter"] += 1
            counts["streams"] += 1
            turn = counts["renders"] % 2
            canvas.bgcolor = backgrounds[turn]
            image = canvas.render()
            counts["renders"] += 1
            reference = references[turn]
            if not np.array_equal(image, reference):
                with np.printoptions(threshold=16):
                    shown = repr(stream)[:3000]
                raise AssertionError(
                    f"the canvas's frame changed ({np.sum(image != reference)} values differ) "
                    f"after replaying:\n{shown}"
                )
        canvas.reset_replay()

    start = time.perf_counter()
    replay_batch()
    counts["seconds"] = round(time.perf_counter() - start, 1)
    canvas.close()
    return dict(counts)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    n = int(sys.argv[1]) if len(sys.argv) > 1 else STREAMS
    print(json.dumps(fuzz(n, sys.argv[2] if len(sys.argv) > 2 else None)))
