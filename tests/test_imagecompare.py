"""The reference-image comparison is tolerant of rasterizer noise and strict about shapes."""

from __future__ import annotations

import imageio.v3 as iio
import numpy as np
import pytest
from imagecompare import REFERENCES, compare

REFERENCE = iio.imread(REFERENCES / "examples" / "gloo_hello_triangle.png")


def test_identical_and_noisy_images_pass():
    rng = np.random.default_rng(0)
    noisy = np.clip(REFERENCE.astype(int) + rng.integers(-3, 4, REFERENCE.shape), 0, 255)
    assert compare(REFERENCE, REFERENCE)[0]
    assert compare(noisy.astype(np.uint8), REFERENCE)[0]


def test_a_few_edge_pixels_may_differ():
    edited = REFERENCE.copy()
    ys, xs = np.nonzero(REFERENCE[..., :3].max(-1) > 200)  # somewhere on the triangle
    edge = [(y, x) for y, x in zip(ys, xs) if REFERENCE[y, x - 1, :3].max() < 60][:6]
    for y, x in edge:
        edited[y, x] = REFERENCE[y, x - 1]  # the outline moves by one pixel, here and there
    assert compare(edited, REFERENCE)[0]


@pytest.mark.parametrize("change", ["shift1", "shift2", "recolour", "missing"])
def test_visible_changes_fail(change):
    img = REFERENCE.copy()
    if change == "shift1":
        img = np.roll(img, 1, axis=1)
    elif change == "shift2":
        img = np.roll(img, (1, 1), axis=(0, 1))
    elif change == "recolour":
        img[..., 0] = np.where(img[..., 0] > 40, img[..., 0] - 20, img[..., 0])
    else:
        img[:] = REFERENCE[0, 0]
    ok, why, _ = compare(img, REFERENCE)
    assert not ok, why
