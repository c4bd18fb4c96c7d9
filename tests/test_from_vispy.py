"""What a vispy user meets first: vispy's names where they are free, nothing silent,
and errors that say what to write instead (issue 17)."""

from __future__ import annotations

import numpy as np
import pytest

from glframe import scene
from glframe.gloo._state import as_rgba


# ---- colours ------------------------------------------------------------------------------
def test_short_hex_colours_are_accepted():
    assert as_rgba("#f006") == (1.0, 0.0, 0.0, 0.4)
    assert as_rgba("#f80") == pytest.approx((1.0, 0x88 / 255, 0.0, 1.0))
    assert as_rgba("#F80") == as_rgba("#ff8800")
    with pytest.raises(ValueError, match=r"unknown colour '#gf80'.*'#rgb\[a\]'"):
        as_rgba("#gf80")
    with pytest.raises(ValueError, match="unknown colour '#ff80f'"):
        as_rgba("#ff80f")


def test_0_255_colours_are_refused_with_the_float_form():
    with pytest.raises(
        ValueError,
        match=r"values must be floats in \[0, 1\]; for 0-255 bytes "
        r"write \(1.0, 0.502, 0.0\)",
    ):
        as_rgba((255, 128, 0))
    with pytest.raises(ValueError, match=r"\(1.5, 0, 0\): values must be floats in \[0, 1\]$"):
        as_rgba((1.5, 0, 0))
    with pytest.raises(ValueError, match="Markers.face_color: colour"):
        scene.visuals.Markers(np.zeros((2, 2)), face_color=(255, 0, 0))
    with pytest.raises(ValueError, match="Markers.face_color: colours are floats in"):
        scene.visuals.Markers(np.zeros((2, 2)), face_color=np.array([[255, 0, 0], [0, 0, 255]]))
    # the float form, and floats of 1, are fine
    markers = scene.visuals.Markers(np.zeros((2, 2)), face_color=(1, 0, 0))
    markers.face_color = np.array([[1, 0, 0], [0, 0, 1]])
    markers.face_color = "#f008"
