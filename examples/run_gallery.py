"""Render every example headless into gallery/ (PNG files and an index.html).

Usage: python examples/run_gallery.py [--out gallery] [--window] [NAME ...]

Each example is a script that builds a module-level ``canvas``; here it runs
with GLFRAME_BACKEND=offscreen and its canvas is rendered once. With
``--window`` (and a display) each example runs in its own window instead.
"""

from __future__ import annotations

import argparse
import html
import os
import runpy
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

EXAMPLES = Path(__file__).resolve().parent


def example_paths(names: list[str] | None = None) -> list[Path]:
    """Every example script (sorted), or those whose name contains one of ``names``."""
    paths = sorted(p for p in EXAMPLES.rglob("*.py") if p.parent != EXAMPLES)
    if names:
        paths = [p for p in paths if any(n in str(p.relative_to(EXAMPLES)) for n in names)]
    return paths


def example_id(path: Path) -> str:
    return str(path.relative_to(EXAMPLES).with_suffix("")).replace(os.sep, "_")


def render_example(path: Path) -> np.ndarray:
    """Run the example script headless and return its canvas's frame."""
    os.environ["GLFRAME_BACKEND"] = "offscreen"
    namespace = runpy.run_path(str(path), run_name="__gallery__")
    canvas = namespace.get("canvas")
    if canvas is None:
        raise RuntimeError(f"{path.name} defines no module-level 'canvas'")
    try:
        return canvas.render()
    finally:
        canvas.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only examples whose path contains these")
    parser.add_argument("--out", default="gallery", help="output folder (default: gallery)")
    parser.add_argument("--window", action="store_true", help="open each example in a window")
    args = parser.parse_args()
    paths = example_paths(args.names)
    if args.window:
        for path in paths:
            print(f"running {path.relative_to(EXAMPLES)} (close the window for the next)")
            subprocess.run([sys.executable, str(path)], check=False)
        return 0
    import imageio.v3 as iio

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cells, failures = [], 0
    for path in paths:
        name = example_id(path)
        t0 = time.perf_counter()
        try:
            image = render_example(path)
        except Exception as exc:  # report and go on: one broken example must not hide the rest
            failures += 1
            print(f"FAILED {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        iio.imwrite(out / f"{name}.png", image)
        print(f"{name:40s} {image.shape[1]}x{image.shape[0]}  {time.perf_counter() - t0:.2f} s")
        cells.append(
            f'<figure><img src="{name}.png"><figcaption>{html.escape(name)}</figcaption></figure>'
        )
    (out / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>glframe gallery</title>"
        "<style>figure{display:inline-block;margin:8px}</style>" + "".join(cells)
    )
    print(f"{len(cells)} examples rendered into {out}/ ({failures} failed)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
