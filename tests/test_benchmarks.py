"""Every benchmark's quick mode runs and prints its tables, so a code change cannot break one
unseen.

Each script of ``benchmarks/`` runs with ``--quick`` (tiny sizes, peers skipped with a note
when they are not installed) in a subprocess from the repository root, as a reader would run
it; the test checks its exit status and the lines of its tables. Timings are not checked.
``notebook.py`` needs JupyterLab, anywidget, Playwright and Chromium: outside CI a machine
without them skips it with the reason, under CI=true that is a failure (as for the other
browser tests).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from jupyter_helpers import require_browser, require_modules

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"


def run_quick(script: str, timeout: float) -> str:
    """Run ``benchmarks/<script> --quick``; its output, after checking it exited 0."""
    try:
        proc = subprocess.run(
            [sys.executable, str(BENCHMARKS / script), "--quick"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else exc.stdout
        pytest.fail(f"{script} --quick took more than {timeout:g} s; its output:\n{out}")
    assert proc.returncode == 0, (
        f"{script} --quick exited {proc.returncode}\n--- stdout\n{proc.stdout[-4000:]}"
        f"\n--- stderr\n{proc.stderr[-6000:]}"
    )
    return proc.stdout


def lines_starting(output: str, *starts: str) -> None:
    """Each of ``starts`` begins a line of ``output`` (leading spaces ignored)."""
    lines = [line.strip() for line in output.splitlines()]
    missing = [s for s in starts if not any(line.startswith(s) for line in lines)]
    assert not missing, f"no line starting with {missing} in:\n{output}"


@pytest.fixture(scope="module")
def gl():
    """GL here stands for GL in the benchmark's process (same machine, same libraries)."""
    from conftest import _gl_unavailable

    reason = _gl_unavailable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"no GL context under CI: {reason}")
        pytest.skip(f"no GL context: {reason}")


def test_benchmarks_all_have_a_test():
    """A new script in benchmarks/ needs its quick mode here too."""
    tested = {
        "glir_overhead.py",
        "transforms.py",
        "shaders.py",
        "transports.py",
        "notebook.py",
        "multiscale.py",
        "scenes.py",
        "aggregate.py",
        "plot.py",
        "ring.py",
        "stream.py",
    }
    assert {p.name for p in BENCHMARKS.glob("*.py")} == tested


def test_glir_overhead_quick(gl):
    out = run_quick("glir_overhead.py", timeout=180)
    lines_starting(
        out,
        "GL renderer:",
        "ms per frame, median, CPU (process_time)",
        "ms per frame, median, wall (perf_counter)",
        "N | gf build gf interp gf total |  raw GL | vp build",
        "1 |",
        "10 |",
    )
    if importlib.util.find_spec("vispy") is None:
        lines_starting(out, "vispy is not installed")


def test_plot_quick(gl):
    out = run_quick("plot.py", timeout=120)
    lines_starting(
        out,
        "glframe plot benchmark: 10,000 points, 200x150",
        "frame    canvas",
        "still    bare canvas",
        "still    bare plot area",
        "still    figure",
        "panning  figure",
        "goal (still): figure within 10% of the bare scatter:",
        "goal (panning): figure within 10% of the bare scatter:",
    )


def test_ring_quick(gl):
    out = run_quick("ring.py", timeout=120)
    lines_starting(
        out,
        "scrolling line: capacity 1,000, 20 points appended a frame",
        "glframe: glframe (GL_RENDERER",
        "library    appended | frame ms",
        "glframe         100 |",
        "glframe       1,000 |",
        "glframe      10,000 |",
        "glframe: at 10,000 points appended / at 1,000: frame time",
        "glframe alone, 1,000 points shown, 20 new a frame, frames taking turns",
        "ring: append",
        "plain: set_data",
    )
    # only the new points cross GLIR: 20 points of 12 bytes, in every phase
    rows = [line.split() for line in out.splitlines() if line.startswith("glframe ")]
    assert [row[6] for row in rows if len(row) == 8] == ["240", "240", "240"], out
    if importlib.util.find_spec("vispy") is None:
        lines_starting(out, "vispy is not installed")
    else:
        lines_starting(out, "vispy           100 |", "vispy/glframe at 10,000 points:")


def test_transforms_quick():
    out = run_quick("transforms.py", timeout=120)
    lines_starting(
        out,
        "CPU map of 10,000 points",
        "chain",
        "polar ∘ log ∘ ST",
        "ST ∘ matrix ∘ ST, simplified",
        "ST ∘ matrix ∘ ST .imap",
    )


def test_shaders_quick(gl):
    out = run_quick("shaders.py", timeout=120)
    lines_starting(out, "glframe ms", "compose", "first draw", "update")


def test_transports_quick():
    out = run_quick("transports.py", timeout=120)
    lines_starting(out, "payload")
    rows = [line.split() for line in out.splitlines()[1:] if line.strip()]
    encodings = {(row[0], row[3]) for row in rows if len(row) >= 7}
    assert encodings == {
        (payload, encoding)
        for payload in ("10k", "128x128")
        for encoding in ("binary", "base64", "deflate", "png")
    }, out


def test_notebook_quick(gl):
    require_browser()
    require_modules("jupyterlab", "anywidget", "ipykernel", "nbformat")
    out = run_quick("notebook.py", timeout=480)
    lines_starting(
        out,
        "Server mode, 320x240, 1,000 markers",
        "contender           fps  lat med",
        "glframe server",
        "Latency legs",
        "Messages from the page to the kernel",
        "CPU during the drag",
        "Client mode, 10,000 markers:",
        "first frame:",
        "0.5 s drag + 6 wheel turns:",
    )
    if importlib.util.find_spec("jupyter_rfb") is None:
        lines_starting(out, "jupyter_rfb is not installed")
    else:
        lines_starting(out, "jupyter_rfb")


def test_stream_quick(gl):
    require_browser()
    out = run_quick("stream.py", timeout=480)
    lines_starting(
        out,
        "glframe: measured in",
        "stream benchmark: line of capacity 10,000, rows of 1,000 points",
        "long run: 3 s at 5,000 points/s; rates: 2 s each",
        "latency ms, median, plot of a few points",
        "latency ms, p95, plot of a few points",
        "latency ms, median, plot full",
        "latency ms, p95, plot full",
        "delivered pts/s at 5,000",
        "bytes per point (wire)",
        "frame ms median, last 50 s",
        "page JS heap MiB, end",
        "server RSS MiB, end",
    )
    if importlib.util.find_spec("bokeh") is None:
        lines_starting(out, "bokeh is not installed")
    else:
        lines_starting(out, "bokeh: measured in")


def test_multiscale_quick(gl):
    out = run_quick("multiscale.py", timeout=120)
    lines_starting(
        out,
        "MultiscaleImage over mandelbrot(size=65536",
        "napari: not measured",
        "phase | frames | frame ms med",
        "first |",
        "zoom in |",
        "stop 1 |",
        "pan |",
        "stop 2 |",
        "zoom out |",
        "idle |",
        "time to first frame:",
        "full resolution after stop 1:",
        "full resolution after stop 2:",
        "peak cpu_bytes:",
        "peak gpu_bytes:",
        "frame ms while loading",
        "goal: first frame < 100 ms:",
        "goal: loading/idle frame time <= 1.2:",
        "goal: no frame after the first with a pixel without data:",
        "goal: full resolution within 1 s of a stop:",
    )


def test_scenes_quick(gl):
    out = run_quick("scenes.py", timeout=120)
    lines_starting(
        out,
        "canvas 200x150, seed 12345",
        "glframe: glframe (GL_RENDERER",
        "scene                              library  | frame ms",
        *SCENE_TITLES,
    )
    for lib, modules in (("vispy", ["vispy"]), ("pygfx", ["pygfx", "rendercanvas"])):
        if any(importlib.util.find_spec(m) is None for m in modules):
            lines_starting(out, f"{lib}: not installed: pip install")
        else:
            lines_starting(out, f"{lib}: ")  # its renderer, or why it failed
    # a peer may fail (pygfx without a Vulkan driver, say); glframe may not
    rows = [line.split("|") for line in out.splitlines() if "|" in line]
    assert not [r for r in rows if "glframe" in r[0] and "failed" in r[1]], out


def test_aggregate_quick():
    """Every case for both libraries (datashader under CI: scripts/setup.sh installs it)."""
    have_ds = importlib.util.find_spec("datashader") is not None
    if not have_ds and os.environ.get("CI") == "true":
        pytest.fail("datashader is not installed under CI: scripts/setup.sh installs it")
    out = run_quick("aggregate.py", timeout=240)
    titles = (
        "count 200k numpy",
        "count 200k dask",
        "mean 200k",
        "count_cat 200k, 10 cats",
        "lines 2k x 100",
    )
    lines_starting(
        out,
        "800x600 grids, float32 data",
        "case                    | library   |  load |  first | median |   best | agg MiB |",
        "goals: glframe's best time <= 0.5x datashader's; mem/data <= 1.5",
        "cold compile (empty numba cache), first call on tiny data, s: count",
        "2M points (16 MB float32 on disk), from disk, out of core through Dask",
        "2M points (16 MB float32 on disk), page cache, out of core through Dask",
    )
    rows = [[c.strip() for c in line.split("|")] for line in out.splitlines() if "|" in line]
    libs = ["glframe", "datashader"] if have_ds else ["glframe"]
    if not have_ds:
        lines_starting(out, "datashader is not installed: glframe alone")
    for t in titles:
        got = {r[1]: r for r in rows if r[0] == t}
        assert sorted(got) == sorted(libs), f"{t}: rows for {sorted(got)}, not {libs}:\n{out}"
        assert not [r for r in got.values() if r[2].startswith("failed")], out
        assert all(len(r) == 11 for r in got.values()), out
        if have_ds and not t.startswith("lines"):
            # the same points, binned alike: both libraries count the same total
            assert got["glframe"][9] == got["datashader"][9], f"{t}: totals differ:\n{out}"
    # the out-of-core run counts every point inside the ranges: the same total twice
    totals = [line.rsplit("total ", 1)[1] for line in out.splitlines() if "out of core" in line]
    assert len(totals) == 2 and totals[0] == totals[1], out


SCENE_TITLES = (
    "1M markers, size 3",
    "one line of 1M vertices, width 1",
    "1000 line visuals of 100 points",
    "4096^2 float image, viridis",
    "256^3 volume, MIP",
    "1000 labels in one Text",
    "1000 separate Text visuals",
    "mesh, 200k faces, smooth",
)


def test_docs_point_inside_the_repository():
    """README, docs and benchmark notes name no file outside the repository (nor a missing one).

    Markdown links and ``../`` paths must resolve to a file of the repository (the notes once
    sent readers to ``../shared/NOTEBOOK-E2E.md``, which is not in it); an absolute path of
    one machine is refused wherever it appears.
    """
    pages = [ROOT / "README.md", *ROOT.glob("docs/*.md"), *ROOT.glob("benchmarks/*.md")]
    pages += ROOT.glob("examples/**/*.md")
    bad = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#\s]+)", text):
            if re.match(r"[a-z]+:", target):
                continue  # a URL
            path = (page.parent / target).resolve()
            if not path.is_relative_to(ROOT) or not path.exists():
                bad.append(f"{page.relative_to(ROOT)}: link to {target}")
        for found in re.findall(r"(?:\.\./)+[\w.-]+(?:/[\w.-]+)*", text):
            path = (page.parent / found).resolve()
            if not path.is_relative_to(ROOT) or not path.exists():
                bad.append(f"{page.relative_to(ROOT)}: {found} is not in the repository")
        for found in re.findall(r"(?<![\w.])/(?:work|home|tmp|root)/\S+", text):
            bad.append(f"{page.relative_to(ROOT)}: {found} is a path of one machine")
    assert not bad, "\n".join(bad)
