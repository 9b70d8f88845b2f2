"""Directly age-standardised rates with Dobson confidence intervals.

Two conventions, chosen per indicator:

* ``"pheim"`` — PHEindicatormethods ``calculate_dsr``: exact z, result suppressed (NaN) when
  the total count is below 10.
* ``"scotpho"`` — ScotPHO ``calculate_easr``: z = 1.96, no suppression, terms with zero
  population contribute 0, a negative lower limit becomes 0, and the standard population
  total is a parameter (200,000 for age–sex standardisation over both sexes).

>>> w = esp2013_weights()
>>> r = directly_standardised_rate([10] * 19, [1000] * 19, w)
>>> round(r.value, 6)
1000.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from missionmonitor.errors import MethodInputError
from missionmonitor.methods._common import Z_FIXED_95, as_float_array, z_two_sided
from missionmonitor.methods.poisson import byars_lower, byars_upper

Convention = Literal["pheim", "scotpho"]

#: ESP2013 in the 19 bands 0-4, 5-9, …, 85-89, 90+ (Eurostat 2013; total 100,000).
ESP2013_19 = (
    5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
    7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000,
)  # fmt: skip

#: PHEIM returns no DSR below this total count.
DSR_MIN_COUNT = 10


def esp2013_weights() -> tuple[int, ...]:
    """The 19-band ESP2013 weights, youngest band first."""
    return ESP2013_19


@dataclass(frozen=True)
class DsrResult:
    """A single standardised rate; ``value``/``lower``/``upper`` are NaN when suppressed."""

    value: float
    lower: float
    upper: float
    total_count: float
    note: str = ""


def directly_standardised_rate(
    counts: ArrayLike,
    populations: ArrayLike,
    weights: ArrayLike,
    *,
    multiplier: float = 100_000,
    confidence: float = 0.95,
    convention: Convention = "pheim",
    standard_total: float | None = None,
) -> DsrResult:
    """Standardised rate for one area over aligned age (or age × sex) bands.

    ``standard_total`` defaults to the sum of ``weights``; ScotPHO passes 200,000 when the
    bands are male and female rows each weighted by the full ESP.
    """
    x = np.nan_to_num(as_float_array(counts, "counts"), nan=0.0)
    n = as_float_array(populations, "populations")
    w = as_float_array(weights, "weights")
    if not (x.size == n.size == w.size):
        raise MethodInputError(
            f"counts, populations and weights differ in length: {x.size}, {n.size}, {w.size}"
        )
    if np.any(x < 0):
        raise MethodInputError("counts must be >= 0")
    total_w = float(w.sum()) if standard_total is None else float(standard_total)
    observed = float(x.sum())

    if convention == "pheim":
        if np.any(np.isnan(n)) or np.any(n <= 0):
            raise MethodInputError("populations must all be > 0 with no missing values")
        if observed < DSR_MIN_COUNT:
            nan = float("nan")
            return DsrResult(nan, nan, nan, observed, "dsr NA for total count < 10")
        z = z_two_sided(confidence)
        terms, var_terms = x * w / n, x * (w / n) ** 2
    elif convention == "scotpho":
        z = Z_FIXED_95
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(n > 0, x * w / n, 0.0)
            var_terms = np.where(n > 0, x * (w / n) ** 2, 0.0)
    else:  # pragma: no cover - guarded by the Literal type
        raise MethodInputError(f"unknown convention {convention!r}")

    rate = float(terms.sum()) / total_w
    var = float(var_terms.sum()) / total_w**2
    if observed == 0:
        lower, upper = 0.0, float("nan") if convention == "pheim" else 0.0
        return DsrResult(0.0, lower, upper, observed)
    o_low = float(byars_lower([observed], z=z)[0])
    o_up = float(byars_upper([observed], z=z)[0])
    scale = np.sqrt(var / observed)
    lower = rate + scale * (o_low - observed)
    upper = rate + scale * (o_up - observed)
    if convention == "scotpho":
        lower = max(lower, 0.0)
    return DsrResult(rate * multiplier, lower * multiplier, upper * multiplier, observed)
