"""Compare rendered images with reference PNGs in tests/references/.

Tolerant of what differs between rasterizers, strict about what a person sees:

- a channel difference of up to ``noise`` levels is ignored everywhere;
- beyond that, only pixels on an edge of the reference (where its 3x3
  neighbourhood spans more than 32 levels) may differ, and only a few of them:
  at most ``min_allowed`` plus ``edge_fraction`` of the edge pixels. A shape
  moved by one pixel changes a whole edge (a quarter or more of the edge pixels)
  and fails; a recoloured or missing object changes interior pixels and fails.

Set GLFRAME_UPDATE_REFERENCES=1 to (re)write references from the current
rendering (deliberately, then look at them and commit them). On failure the
actual, expected and diff images are written to tests/_failures/.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

REFERENCES = Path(__file__).parent / "references"
FAILURES = Path(__file__).parent / "_failures"


def _local_range(img: np.ndarray) -> np.ndarray:
    """Per pixel, the largest channel range over its 3x3 neighbourhood."""
    p = np.pad(img.astype(np.int16), ((1, 1), (1, 1), (0, 0)), mode="edge")
    h, w = img.shape[:2]
    windows = [p[dy : dy + h, dx : dx + w] for dy in range(3) for dx in range(3)]
    stack = np.stack(windows)
    return (stack.max(0) - stack.min(0)).max(-1)


def compare(
    actual: np.ndarray,
    expected: np.ndarray,
    *,
    noise: int = 3,
    edge_fraction: float = 0.08,
    min_allowed: int = 4,
    max_interior: int = 0,
) -> tuple[bool, str, np.ndarray]:
    """(ok, explanation, diff image) for two (h, w, c) uint8 images.

    ``max_interior`` allows that many differing pixels away from edges: for
    two different rasterizers, which may disagree about partly visible points
    on the image's border (desktop GL drops a point whose centre is outside).
    """
    if actual.shape != expected.shape:
        return (
            False,
            f"shape {actual.shape} != reference {expected.shape}",
            np.zeros((1, 1, 3), np.uint8),
        )
    diff = np.abs(actual.astype(np.int16) - expected.astype(np.int16)).max(-1)
    changed = diff > noise
    edges = _local_range(expected) > 32
    interior = changed & ~edges
    on_edges = int((changed & edges).sum())
    allowed = int(min_allowed + edge_fraction * edges.sum())
    image = np.zeros((*diff.shape, 3), np.uint8)
    image[..., 0] = np.where(changed, 255, 0)
    image[..., 1] = np.clip(diff * 4, 0, 255)
    image[..., 2] = np.where(edges, 60, 0)
    if interior.sum() > max_interior:
        ys, xs = np.nonzero(interior)
        return (
            False,
            (
                f"{int(interior.sum())} pixels differ away from edges (first at x={xs[0]}, "
                f"y={ys[0]}: {actual[ys[0], xs[0]].tolist()} vs "
                f"{expected[ys[0], xs[0]].tolist()}), "
                f"max difference {int(diff.max())}"
            ),
            image,
        )
    if on_edges > allowed:
        return (
            False,
            (
                f"{on_edges} edge pixels differ (allowed {allowed} of {int(edges.sum())} edge "
                "pixels): a shape moved or changed outline"
            ),
            image,
        )
    return True, f"{on_edges} edge pixels differ (allowed {allowed})", image


def assert_image_matches(actual: np.ndarray, name: str, **tolerances) -> None:
    """Compare ``actual`` with ``references/<name>.png`` (see module docstring)."""
    import imageio.v3 as iio

    path = REFERENCES / f"{name}.png"
    if os.environ.get("GLFRAME_UPDATE_REFERENCES") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        iio.imwrite(path, actual)
        return
    (FAILURES / name).parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        iio.imwrite(FAILURES / f"{name}.actual.png", actual)
        raise AssertionError(
            f"no reference image {path.relative_to(REFERENCES.parent.parent)}; the rendering "
            f"is in tests/_failures/{name}.actual.png. Look at it; if right, generate "
            "references with GLFRAME_UPDATE_REFERENCES=1"
        )
    expected = iio.imread(path)
    ok, why, diff = compare(np.asarray(actual), expected, **tolerances)
    if not ok:
        iio.imwrite(FAILURES / f"{name}.actual.png", actual)
        iio.imwrite(FAILURES / f"{name}.expected.png", expected)
        iio.imwrite(FAILURES / f"{name}.diff.png", diff)
        raise AssertionError(
            f"image {name!r} differs from its reference: {why} (see tests/_failures/{name}.*.png)"
        )
