"""Which aggregation kernel runs: numba when it is installed, else numpy.

``USE_NUMBA`` (module flag) turns the compiled kernels off, for tests of the
fallback and for machines where numba misbehaves; numba is imported on first use
only, so ``import glframe.data`` stays light.
"""

from __future__ import annotations

import importlib.util

import numpy as np

from ._aggregate import Spec
from ._aggregate_numpy import numpy_state

USE_NUMBA = importlib.util.find_spec("numba") is not None


def compute_state(spec: Spec, x, y, values=None, categories=None, *, parallel=True) -> tuple:
    """The reduction state of in-memory columns (numpy arrays or memory-maps).

    ``parallel=False`` keeps to the calling thread (Dask tasks: Dask already spreads
    chunks over the cores).
    """
    if USE_NUMBA:
        from ._aggregate_numba import numba_state

        return numba_state(spec, x, y, values, categories, parallel=parallel)
    return numpy_state(spec, x, y, values, categories)


def lines_grid(y, x, starts, width, height, x_range, y_range, antialias) -> np.ndarray:
    """The grid of ``aggregate_lines`` (checked arguments), numba or numpy."""
    if USE_NUMBA:
        from ._aggregate_numba_lines import numba_lines

        return numba_lines(y, x, starts, width, height, x_range, y_range, antialias)
    from ._aggregate_lines import numpy_lines

    return numpy_lines(y, x, starts, width, height, x_range, y_range, antialias)
