"""Rolling multi-year averages, the Poisson "likely range", and change between periods.

>>> trailing_mean([574, 545, 485, 584, 581], 5).tolist()[-1]
553.8
>>> percentage_change(1264, 1187).round(2).tolist()
[6.49]
"""

from __future__ import annotations

from collections.abc import Sequence

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


def centred_mean(values: ArrayLike, window: int) -> FloatArray:
    """Mean of ``window`` values centred on each position (``window`` must be odd)."""
    if window % 2 == 0:
        raise MethodInputError("a centred window must have an odd length")
    trailing = trailing_mean(values, window)
    half = window // 2
    out = np.full(trailing.shape, np.nan)
    if trailing.size > half:
        out[: trailing.size - half] = trailing[half:]
    return out


def window_labels(periods: Sequence[int], window: int) -> list[str | None]:
    """Label each trailing window by its first and last year, e.g. ``2015-2019``."""
    return [
        f"{periods[i - window + 1]}-{periods[i]}" if i >= window - 1 else None
        for i in range(len(periods))
    ]


def likely_range(average: ArrayLike, z: float = Z_FIXED_95) -> tuple[FloatArray, FloatArray]:
    """Poisson range of year-to-year variation around an average: avg ± z·√avg.

    NRS shows a "likely range of variation" around its 5-year average without publishing
    the formula; this is the documented Poisson construction (see docs/methodology.md).
    """
    a = as_float_array(average, "average")
    half = z * np.sqrt(a)
    return a - half, a + half


def change(new: ArrayLike, old: ArrayLike) -> FloatArray:
    """Absolute change new − old."""
    return as_float_array(new, "new") - as_float_array(old, "old")


def percentage_change(new: ArrayLike, old: ArrayLike) -> FloatArray:
    """(new − old) / old × 100, unrounded; NaN (never ±inf) when old is 0."""
    n = as_float_array(new, "new")
    o = as_float_array(old, "old")
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = (n - o) / o * 100
    return np.where(o == 0, np.nan, pct)
