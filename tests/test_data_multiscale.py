"""glframe.data.Multiscale: levels, placement in level-0 pixels, leading axes, region reads."""

from __future__ import annotations

import numpy as np
import pytest

from glframe.data import Multiscale


def pyramid(shape=(64, 96), levels=3) -> list[np.ndarray]:
    base = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    return [base[:: 2**k, :: 2**k] for k in range(levels)]


def test_defaults_place_a_2x_pyramid_on_level_0():
    ms = Multiscale(pyramid())
    assert ms.nlevels == 3 and ms.dtype == np.float32
    assert [ms.shape(k) for k in range(3)] == [(64, 96), (32, 48), (16, 24)]
    assert ms.scale == [(1.0, 1.0), (2.0, 2.0), (4.0, 4.0)]
    assert ms.translate == [(0.0, 0.0)] * 3
    # every level covers level 0's extent
    assert {ms.extent(k) for k in range(3)} == {((0.0, 64.0), (0.0, 96.0))}


def test_explicit_placement_and_extent():
    ms = Multiscale(pyramid(levels=2), scale=[(1, 1), (2, 3)], translate=[(0, 0), (0.5, -1)])
    assert ms.extent(1) == ((0.5, 64.5), (-1.0, 143.0))


def test_leading_axes_are_indexed():
    volume = np.arange(2 * 8 * 8 * 8, dtype=np.uint16).reshape(2, 8, 8, 8)
    ms = Multiscale([volume, volume[:, ::2, ::2, ::2]], spatial_ndim=3)
    assert ms.leading_shape == (2,) and ms.shape(1) == (4, 4, 4)
    region = (slice(1, 3), slice(0, 2), slice(2, 4))
    np.testing.assert_array_equal(ms.read(1, region, (1,)), volume[1, ::2, ::2, ::2][region])
    with pytest.raises(IndexError, match=r"index \(\) does not match the leading axes \(2,\)"):
        ms.read(0, region)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(levels=[]), "needs at least one level"),
        (dict(levels=[[1, 2]]), "level 0 has no shape and dtype"),
        (dict(levels=[np.zeros(4)]), r"level 0 has shape \(4,\), fewer than 2 axes"),
        (dict(levels=[np.zeros((2, 4, 4)), np.zeros((3, 2, 2))]), "leading axes"),
        (dict(levels=[np.zeros((4, 4))], spatial_ndim=4), "spatial_ndim must be 2 or 3"),
        (dict(levels=[np.zeros((4, 4))], scale=[(1, 0)]), "scale must be finite numbers > 0"),
        (dict(levels=[np.zeros((4, 4))], translate=[(1,)]), "translate needs 2 numbers"),
    ],
)
def test_bad_levels_are_refused_with_the_rule(kwargs, message):
    levels = kwargs.pop("levels")
    with pytest.raises((ValueError, TypeError), match=message):
        Multiscale(levels, **kwargs)
