"""glframe.plot's tick rule (no GL): positions and labels for known ranges, no overlapping
labels at any axis length, and the fixture that ticks.js's node test compares against.

Regenerate the fixture after changing the rule:
``.venv/bin/python tests/test_plot_ticks.py`` (the test below fails while it is stale).
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from glframe.plot import ticks
from glframe.plot._ticks import MINUS

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "glframe/backends/web/js/test/fixtures/ticks.json"
M = MINUS


def labels(*args, **kwargs):
    return list(ticks(*args, **kwargs).labels)


def test_linear_known_ranges():
    assert labels(0, 1, 400) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]
    assert labels(0, 10, 800) == [str(v) for v in range(11)]
    assert labels(-7.3, 2.1, 300, vertical=True) == [f"{M}6", f"{M}4", f"{M}2", "0", "2"]
    # crossing zero: zero is a tick, labelled without a sign
    t = ticks(-0.35, 0.25, 600)
    assert t.labels == (f"{M}0.3", f"{M}0.2", f"{M}0.1", "0.0", "0.1", "0.2")
    assert t.positions[3] == 0.0
    # tiny: scientific, every tick's own digits
    assert labels(-1e-12, 3e-12, 400) == [f"{M}1e{M}12", "0", f"1e{M}12", f"2e{M}12", f"3e{M}12"]
    assert labels(1e-5, 5e-5, 600)[:3] == [f"1e{M}5", f"1.5e{M}5", f"2e{M}5"]
    # huge
    assert labels(1e9, 5e9, 800)[:3] == ["1e9", "1.5e9", "2e9"]
    assert labels(-3e20, 3e20, 600) == [
        f"{M}3e20",
        f"{M}2e20",
        f"{M}1e20",
        "0",
        "1e20",
        "2e20",
        "3e20",
    ]
    # a narrow range far from zero: as many decimals as the step has, exactly
    assert labels(1000.001, 1000.002, 400, vertical=True) == [
        "1000.0010",
        "1000.0012",
        "1000.0014",
        "1000.0016",
        "1000.0018",
    ]  # 1000.002 is a hair below 1000.0020: no tick there
    # the tick values are the decimals' nearest floats
    assert ticks(0, 1, 400).positions == (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


def test_linear_minor_ticks_between_majors():
    t = ticks(0, 1, 400)
    assert t.minor[:4] == (0.05, 0.1, 0.15, 0.25)
    assert not set(t.minor) & set(t.positions)


def test_log_known_ranges():
    t = ticks(-3, 3, 600, scale="log")
    assert t.labels == ("10⁻³", "10⁻²", "10⁻¹", "10⁰", "10¹", "10²", "10³")
    assert t.positions == (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)
    # minor ticks at 2..9 times each decade
    assert np.allclose(t.minor[:8], np.log10(np.arange(2, 10) * 1e-3))
    # many decades: every 20th one, the others minor
    t = ticks(-50, 50, 400, scale="log")
    assert t.labels == ("10⁻⁴⁰", "10⁻²⁰", "10⁰", "10²⁰", "10⁴⁰") and set(t.minor) >= {-49.0, 1.0}
    # less than a decade: linear values placed at their logarithm
    t = ticks(math.log10(2), math.log10(9), 600, scale="log")
    assert t.labels == tuple(str(v) for v in range(2, 10))
    assert np.allclose(t.positions, np.log10(np.arange(2, 10)))


def _seconds(text):
    return float(np.datetime64(text, "ms").astype("int64")) / 1000


@pytest.mark.parametrize(
    "start, span, expected",
    [
        ("2024-03-05T14:30", 0.5, ["14:30:00.0", "14:30:00.1", "14:30:00.2"]),
        ("2024-03-05T14:30", 20, ["14:30:00", "14:30:02", "14:30:04"]),
        ("2024-03-05T14:30", 600, ["14:30", "14:31", "14:32"]),
        ("2024-03-05T14:30", 3 * 86400, ["03-06 00:00", "03-06 12:00", "03-07 00:00"]),
        ("2024-03-05T14:30", 60 * 86400, ["2024-03-11", "2024-03-18", "2024-03-25"]),
        ("2024-03-05", 400 * 86400, ["2024-05", "2024-07", "2024-09"]),
        ("1969-07-20", 30 * 365 * 86400, ["1970", "1975", "1980"]),
    ],
)
def test_time_known_ranges(start, span, expected):
    t0 = _seconds(start)
    t = ticks(t0, t0 + span, 800, scale="time")
    assert list(t.labels[:3]) == expected
    assert t0 <= t.positions[0] and t.positions[-1] <= t0 + span


def test_time_positions_are_calendar_instants():
    t0 = _seconds("2023-11-20")
    t = ticks(t0, t0 + 200 * 86400, 800, scale="time")
    for position, label in zip(t.positions, t.labels):
        assert str(np.datetime64(int(position), "s"))[:7] == label  # months
        assert str(np.datetime64(int(position), "s")).endswith("-01T00:00:00")


def _overlaps(t, length, lo, hi, font_size, vertical):
    px = [(p - lo) / (hi - lo) * length for p in t.positions]
    ext = [font_size if vertical else len(s) * 0.64 * font_size for s in t.labels]
    return [
        (t.labels[i], t.labels[i + 1])
        for i in range(len(px) - 1)
        if px[i + 1] - px[i] < (ext[i] + ext[i + 1]) / 2
    ]


@pytest.mark.parametrize("scale", ["linear", "log", "time"])
@pytest.mark.parametrize("vertical", [False, True])
def test_no_overlapping_labels_at_any_width(scale, vertical):
    rng = np.random.default_rng(3)
    ranges = {
        "linear": [(-1, 1), (0, 1e-9), (-3e7, 2e9), (1000.001, 1000.002), (-0.3, 123.4)],
        "log": [(-3, 3), (-40, 60), (0.1, 0.7), (2.5, 3.4)],
        "time": [(1.7e9, 1.7e9 + s) for s in (0.01, 3, 500, 1e5, 5e6, 3e8, 3e9)],
    }[scale]
    for lo, hi in ranges:
        for length in range(200, 2001, 50):
            font = float(rng.choice([10, 12, 14]))
            t = ticks(lo, hi, length, scale=scale, vertical=vertical, font_size=font)
            assert len(t.labels) >= 2, (lo, hi, length)
            assert not _overlaps(t, length, lo, hi, font, vertical), (lo, hi, length, t)
            assert all(lo <= p <= hi for p in t.positions)
            assert len(set(t.labels)) == len(t.labels), t.labels  # neighbours told apart


def test_bad_input_is_refused_with_the_rule():
    with pytest.raises(ValueError, match="ticks: scale must be one of linear, log, time, not 'ln'"):
        ticks(0, 1, 100, scale="ln")
    with pytest.raises(ValueError, match="ticks: hi must be a finite number, not nan"):
        ticks(0, float("nan"), 100)
    # an empty range or a range beyond float64's resolution has no ticks, without error
    assert ticks(1, 1, 100).labels == ()
    assert ticks(1e300, 1e300 * (1 + 1e-15), 500).labels == ()


def random_cases(n: int = 1000, seed: int = 14) -> list[dict]:
    """Random ranges of the three scales, for the Python/JavaScript comparison."""
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(n):
        scale = ("linear", "log", "time")[i % 3]
        if scale == "linear":
            center = float(rng.choice([-1, 1]) * 10 ** rng.uniform(-15, 15)) * (rng.random() < 0.8)
            spread = 10 ** rng.uniform(-14, 16) if center == 0 else 10 ** rng.uniform(-9, 1)
            width = spread if center == 0 else abs(center) * spread
            lo = center - width * rng.uniform(0, 1)
        elif scale == "log":
            width, lo = rng.uniform(0.05, 30), rng.uniform(-30, 30)
        else:
            width = 10 ** rng.uniform(-3, 9.5)
            lo = rng.uniform(_seconds("1900-01-01"), _seconds("2100-01-01"))
        case = {
            "lo": float(lo),
            "hi": float(lo + width),
            "length": float(rng.integers(200, 2001)),
            "scale": scale,
            "font_size": float(rng.choice([10, 11, 12, 14])),
            "vertical": bool(rng.random() < 0.5),
        }
        t = ticks(case["lo"], case["hi"], case["length"], scale=scale,
                  font_size=case["font_size"], vertical=case["vertical"])  # fmt: skip
        # the first minor ticks and their count keep the fixture small
        case.update(positions=list(t.positions), labels=list(t.labels), minor=list(t.minor[:6]))
        case["minor_count"] = len(t.minor)
        cases.append(case)
    return cases


def write_fixture() -> None:
    FIXTURE.write_text(json.dumps(random_cases(), ensure_ascii=False, separators=(",", ":")) + "\n")


def test_the_javascript_fixture_is_this_rule():
    stored = json.loads(FIXTURE.read_text())
    assert stored == json.loads(json.dumps(random_cases())), (
        "glframe/backends/web/js/test/fixtures/ticks.json is stale: "
        "run `.venv/bin/python tests/test_plot_ticks.py` to write it again"
    )
    assert sum(bool(c["labels"]) for c in stored) > 990


def test_javascript_gives_the_same_ticks():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    test = ROOT / "glframe/backends/web/js/test/ticks.test.mjs"
    run = subprocess.run([node, "--test", str(test)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


if __name__ == "__main__":
    write_fixture()
    print(f"wrote {FIXTURE}", file=sys.stderr)
