"""Funnel-plot control limits for rates and ratios (Spiegelhalter 2005): exact Poisson
limits via chi-square quantiles, as PHEindicatormethods ``calculate_funnel_limits``.

Limit names follow PHEIM: "2s" is the 95% (p = 0.975) limit, "3s" the 99.8% (p = 0.999).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import chi2

from missionmonitor.errors import MethodInputError
from missionmonitor.methods._common import FloatArray, as_float_array

#: One-sided probabilities of the two funnel limits.
P_2S = 0.975
P_3S = 0.999


@dataclass(frozen=True)
class PoissonFunnel:
    """Expected-event counts at which ``observed`` sits exactly on each limit."""

    observed: FloatArray
    lower_2s_expected: FloatArray
    upper_2s_expected: FloatArray
    lower_3s_expected: FloatArray
    upper_3s_expected: FloatArray

    def ratio_limits(self, scale: float = 1.0) -> dict[str, FloatArray]:
        """O/E at each limit; ``scale=100`` gives ISR-style limits."""
        o = self.observed
        with np.errstate(divide="ignore"):
            return {
                "lower_2s": o / self.lower_2s_expected * scale,
                "upper_2s": o / self.upper_2s_expected * scale,
                "lower_3s": o / self.lower_3s_expected * scale,
                "upper_3s": o / self.upper_3s_expected * scale,
            }

    def rate_limits(
        self, average_rate: float, multiplier: float = 100_000, years_of_data: float = 1
    ) -> dict[str, FloatArray]:
        """One-year population and rate at each limit for a rate funnel (PHEIM)."""
        av = average_rate / multiplier
        out: dict[str, FloatArray] = {}
        for name, e in (
            ("lower_2s", self.lower_2s_expected),
            ("upper_2s", self.upper_2s_expected),
            ("lower_3s", self.lower_3s_expected),
            ("upper_3s", self.upper_3s_expected),
        ):
            out[f"{name}_population_1_year"] = e / av / years_of_data
            with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 where o = 0: no limit
                out[f"{name}_limit"] = self.observed / (e / av) * multiplier
        return out


def poisson_funnel(observed: ArrayLike) -> PoissonFunnel:
    """Exact Poisson funnel points for each observed count (closed-form chi-square)."""
    o = as_float_array(observed, "observed")
    if np.any(o < 0):
        raise MethodInputError("observed must be >= 0")

    def low_expected(p: float) -> FloatArray:
        e: FloatArray = chi2.ppf(p, 2 * o + 2) / 2
        return e

    def high_expected(p: float) -> FloatArray:
        with np.errstate(invalid="ignore"):
            e = chi2.ppf(1 - p, 2 * o) / 2
        return np.where(o == 0, 0.0, e)

    return PoissonFunnel(
        observed=o,
        lower_2s_expected=low_expected(P_2S),
        upper_2s_expected=high_expected(P_2S),
        lower_3s_expected=low_expected(P_3S),
        upper_3s_expected=high_expected(P_3S),
    )


# ---- over-dispersion -------------------------------------------------------------------
