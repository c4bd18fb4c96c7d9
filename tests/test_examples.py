"""Every example renders headless and matches its reference image."""

from __future__ import annotations

import pytest
from examples_path import EXAMPLES  # noqa: F401 - puts examples/ on sys.path
from imagecompare import assert_image_matches
from run_gallery import example_id, example_paths, render_example

PATHS = example_paths()


def test_there_are_examples():
    assert any(p.name == "hello_triangle.py" for p in PATHS)


@pytest.mark.parametrize("path", PATHS, ids=[example_id(p) for p in PATHS])
def test_example_matches_reference(make_canvas, path):
    # make_canvas: skips (or fails under CI) when no GL context can be made
    assert_image_matches(render_example(path), f"examples/{example_id(path)}")
