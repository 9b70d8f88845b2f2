"""Proportions with Wilson score intervals (PHEIM ``phe_proportion``).

>>> r = wilson([20], [100])
>>> round(float(r.lower[0]), 6), round(float(r.upper[0]), 6)
(0.133367, 0.288829)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from missionmonitor.methods._common import (
    FloatArray,
    as_float_array,
    check_counts,
    normalise_confidence,
    z_two_sided,
)


@dataclass(frozen=True)
class ProportionResult:
    value: FloatArray
    lower: FloatArray
    upper: FloatArray


def _wilson_bounds(x: FloatArray, n: FloatArray, z: float) -> tuple[FloatArray, FloatArray]:
    root = z * np.sqrt(z**2 + 4 * x * (1 - x / n))
    denom = 2 * (n + z**2)
    lower = (2 * x + z**2 - root) / denom
    upper = (2 * x + z**2 + root) / denom
    # The closed form gives tiny rounding residue at the ends; the exact limits are 0 and 1.
    lower = np.where(x == 0, 0.0, lower)
    upper = np.where(x == n, 1.0, upper)
    return lower, upper


def wilson(
    numerator: ArrayLike,
    denominator: ArrayLike,
    confidence: float = 0.95,
    multiplier: float = 1,
) -> ProportionResult:
    """Proportion x/n with Wilson score limits, times ``multiplier`` (100 for a percentage)."""
    x = as_float_array(numerator, "numerator")
    n = as_float_array(denominator, "denominator")
    check_counts(x, n, may_exceed=False)
    c = normalise_confidence(confidence)
    if c == 1:
        lower, upper = np.zeros_like(x), np.ones_like(x)
    else:
        lower, upper = _wilson_bounds(x, n, z_two_sided(c))
    return ProportionResult(x / n * multiplier, lower * multiplier, upper * multiplier)
