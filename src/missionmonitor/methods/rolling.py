"""Rolling multi-year averages, the Poisson "likely range", and change between periods.

>>> trailing_mean([574, 545, 485, 584, 581], 5).tolist()[-1]
553.8
>>> percentage_change(1264, 1187).round(2).tolist()
[6.49]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from missionmonitor.errors import MethodInputError
from missionmonitor.methods._common import Z_FIXED_95, FloatArray, as_float_array


def trailing_mean(values: ArrayLike, window: int) -> FloatArray:
    """Right-aligned mean of the last ``window`` values (NaN until the window is full).

    A window containing a missing value is itself missing: averages never silently drop years.
    """
    if window < 1:
        raise MethodInputError("window must be >= 1")
    x = as_float_array(values, "values")
    out = np.full(x.shape, np.nan)
    if x.size >= window:
        kernel = np.lib.stride_tricks.sliding_window_view(x, window)
        out[window - 1 :] = kernel.mean(axis=1)
    return out


def likely_range(average: ArrayLike, z: float = Z_FIXED_95) -> tuple[FloatArray, FloatArray]:
    """Poisson range of year-to-year variation around an average: avg ± z·√avg.

    NRS shows a "likely range of variation" around its 5-year average without publishing
    the formula; this is the documented Poisson construction (see docs/methodology.md).
    """
    a = as_float_array(average, "average")
    half = z * np.sqrt(a)
    return a - half, a + half


def percentage_change(new: ArrayLike, old: ArrayLike) -> FloatArray:
    """(new − old) / old × 100, unrounded; NaN (never ±inf) when old is 0."""
    n = as_float_array(new, "new")
    o = as_float_array(old, "old")
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = (n - o) / o * 100
    return np.where(o == 0, np.nan, pct)
