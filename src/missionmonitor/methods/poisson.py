"""Crude rates with Poisson confidence intervals: exact (chi-square) and Byar's.

PHEindicatormethods ``phe_rate`` uses the exact method for fewer than 10 events and
Byar's approximation from 10 on, as here.

>>> r = crude_rate([20], [100], multiplier=100_000)
>>> round(float(r.lower[0]), 3), round(float(r.upper[0]), 3)
(12211.429, 30889.88)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import chi2

from missionmonitor.errors import MethodInputError
from missionmonitor.methods._common import (
    FloatArray,
    as_float_array,
    check_counts,
    normalise_confidence,
    z_two_sided,
)

#: Below this many events PHEIM switches from Byar's to the exact method.
EXACT_BELOW = 10


@dataclass(frozen=True)
class RateResult:
    """Vectorised rate estimate: one element per input row."""

    value: FloatArray
    lower: FloatArray
    upper: FloatArray
    method: NDArray[np.str_]


def byars_lower(
    observed: ArrayLike, confidence: float = 0.95, z: float | None = None
) -> FloatArray:
    """Byar's lower limit on a count; NaN where the approximation goes negative (as PHEIM)."""
    o = as_float_array(observed, "observed")
    zz = z_two_sided(confidence) if z is None else z
    with np.errstate(divide="ignore", invalid="ignore"):
        low = o * (1 - 1 / (9 * o) - zz / (3 * np.sqrt(o))) ** 3
    low = np.where(o == 0, 0.0, low)
    return np.where(low < 0, np.nan, low)


def byars_upper(
    observed: ArrayLike, confidence: float = 0.95, z: float | None = None
) -> FloatArray:
    """Byar's upper limit on a count."""
    o = as_float_array(observed, "observed")
    zz = z_two_sided(confidence) if z is None else z
    o1 = o + 1
    up: FloatArray = o1 * (1 - 1 / (9 * o1) + zz / (3 * np.sqrt(o1))) ** 3
    return up


def exact_lower(observed: ArrayLike, confidence: float = 0.95) -> FloatArray:
    """Exact Poisson lower limit on a count: chi2((1-c)/2, 2O)/2, and 0 when O = 0.

    scipy returns NaN for zero degrees of freedom where R's ``qchisq`` returns 0.
    """
    o = as_float_array(observed, "observed")
    c = normalise_confidence(confidence)
    with np.errstate(invalid="ignore"):
        low = chi2.ppf((1 - c) / 2, 2 * o) / 2
    return np.where(o == 0, 0.0, low)


def exact_upper(observed: ArrayLike, confidence: float = 0.95) -> FloatArray:
    """Exact Poisson upper limit on a count: chi2(c + (1-c)/2, 2O + 2)/2."""
    o = as_float_array(observed, "observed")
    c = normalise_confidence(confidence)
    up: FloatArray = chi2.ppf(c + (1 - c) / 2, 2 * o + 2) / 2
    return up


def crude_rate(
    observed: ArrayLike,
    population: ArrayLike,
    multiplier: float = 100_000,
    confidence: float = 0.95,
) -> RateResult:
    """Crude rate with PHEIM intervals: exact below 10 events, Byar's from 10 on."""
    o = as_float_array(observed, "observed")
    n = as_float_array(population, "population")
    check_counts(o, n, ("observed", "population"))
    exact = o < EXACT_BELOW
    lower_count = np.where(exact, exact_lower(o, confidence), byars_lower(o, confidence))
    upper_count = np.where(exact, exact_upper(o, confidence), byars_upper(o, confidence))
    method = np.where(np.isnan(o), "", np.where(exact, "Exact", "Byars"))
    return RateResult(
        value=o / n * multiplier,
        lower=lower_count / n * multiplier,
        upper=upper_count / n * multiplier,
        method=method.astype(np.str_),
    )


def count_change_p_value(new: int, old: int) -> float:
    """Two-sided p-value that two Poisson counts with equal exposure share one rate.

    The exact conditional test: given the total n = new + old, ``new`` is Binomial(n, 0.5)
    under no change. Year-on-year population change is ignored (small against the counts).

    >>> round(count_change_p_value(1172, 1051), 4)
    0.0109
    """
    from scipy.stats import binomtest

    if new < 0 or old < 0:
        raise MethodInputError("counts must be >= 0")
    if new + old == 0:
        return 1.0
    return float(binomtest(int(new), int(new + old), 0.5).pvalue)


def rate_change_p_value(new: int, new_exposure: float, old: int, old_exposure: float) -> float:
    """Two-sided p-value that two Poisson counts, each over its own exposure (a population
    summed over the years, say), share one rate.

    The exact conditional test: given the total n = new + old, ``new`` is
    Binomial(n, e_new / (e_new + e_old)) under no change. With equal exposures it is
    ``count_change_p_value``.

    >>> round(rate_change_p_value(1172, 1.0, 1051, 1.0), 4)
    0.0109
    >>> rate_change_p_value(200, 2.0, 100, 1.0)
    1.0
    """
    from scipy.stats import binomtest

    if new < 0 or old < 0 or new_exposure <= 0 or old_exposure <= 0:
        raise MethodInputError("counts must be >= 0 and exposures > 0")
    if new + old == 0:
        return 1.0
    share = new_exposure / (new_exposure + old_exposure)
    return float(binomtest(int(new), int(new + old), share).pvalue)
