"""Funnel-plot control limits (Spiegelhalter 2005), as PHEindicatormethods and PHS HSMR.

* Proportions: the observed proportion at size N whose Wilson bound equals the average.
* Ratios (O/E) and rates: exact Poisson limits via chi-square quantiles.
* Over-dispersion: multiplicative (phi) and additive random-effects (tau²) widening, with
  10% winsorisation (FunnelPlotR) or one-unit-each-end winsorisation (PHS HSMR).

Limit names follow PHEIM: "2s" is the 95% (p = 0.975) limit, "3s" the 99.8% (p = 0.999).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import chi2, norm

from missionmonitor.errors import MethodInputError
from missionmonitor.methods._common import FloatArray, as_float_array
from missionmonitor.methods.poisson import EXACT_BELOW, byars_lower, byars_upper
from missionmonitor.methods.poisson import exact_lower as _exact_lower
from missionmonitor.methods.poisson import exact_upper as _exact_upper

#: One-sided probabilities of the two funnel limits.
P_2S = 0.975
P_3S = 0.999

Side = Literal["low", "high"]


def proportion_limit(
    p: float, population: ArrayLike, average: float, side: Side, multiplier: float = 100
) -> FloatArray:
    """Proportion funnel limit at each population size (PHEIM ``sigma_adjustment``).

    ``average`` is the pooled proportion (Σx/Σn, as a fraction); the result is clipped to
    [0, 100] as PHEIM does for a percentage.
    """
    n = as_float_array(population, "population")
    if np.any(n <= 0):
        raise MethodInputError("population must be > 0")
    if not 0 <= average <= 1:
        raise MethodInputError("average must be a proportion between 0 and 1")
    q = float(norm.ppf(p))
    av = average
    first = av * (n / q**2 + 1)
    inner = (-8 * av * (n / q**2 + 1)) ** 2 - 64 * (1 / q**2 + 1 / n) * av * (
        n * (av * (n / q**2 + 2) - 1) + q**2 * (av - 1)
    )
    adj = np.sqrt(np.maximum(inner, 0.0))
    last = 1 / q**2 + 1 / n
    sign = -1.0 if side == "low" else 1.0
    limit = (first + sign * adj / 8) / last / n * multiplier
    return np.clip(limit, 0.0, 100.0)


def proportion_significance(
    numerator: ArrayLike, denominator: ArrayLike, average: float
) -> NDArray[np.str_]:
    """PHEIM labels for each area's proportion against the pooled ``average`` (a fraction)."""
    x = as_float_array(numerator, "numerator")
    n = as_float_array(denominator, "denominator")
    obs = x / n
    labels = np.full(x.shape, "Not significant", dtype=object)
    for p, tag in ((P_2S, "0.025"), (P_3S, "0.001")):
        low = proportion_limit(p, n, average, "low", multiplier=1)
        high = proportion_limit(p, n, average, "high", multiplier=1)
        labels = np.where(obs < low, f"Low ({tag})", labels)
        labels = np.where(obs > high, f"High ({tag})", labels)
    return labels.astype(np.str_)


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


def ratio_significance(
    observed: ArrayLike, expected: ArrayLike, target: float = 1.0
) -> NDArray[np.str_]:
    """Significance of O/E (or of a rate, with ``target`` the average) as PHEIM labels.

    Count limits are exact below 10 events and Byar's from 10 on.
    """
    o = as_float_array(observed, "observed")
    e = as_float_array(expected, "expected")
    labels = np.full(o.shape, "Not significant", dtype=object)
    exact = o < EXACT_BELOW
    for conf, tag in ((0.95, "0.025"), (0.998, "0.001")):
        low = np.where(exact, _exact_lower(o, conf), byars_lower(o, conf))
        up = np.where(exact, _exact_upper(o, conf), byars_upper(o, conf))
        low = np.where(o == 0, 0.0, low)
        labels = np.where(low / e > target, f"High ({tag})", labels)
        labels = np.where(up / e < target, f"Low ({tag})", labels)
    return labels.astype(np.str_)


# ---- over-dispersion -------------------------------------------------------------------


def winsorise(z: ArrayLike, trim: float = 0.1) -> FloatArray:
    """Clamp z-scores to their ``trim`` and ``1 - trim`` quantiles (R quantile type 7)."""
    arr = as_float_array(z, "z")
    lo, hi = np.quantile(arr, [trim, 1 - trim])
    return np.clip(arr, lo, hi)


def winsorise_extremes(z: ArrayLike) -> FloatArray:
    """PHS HSMR: replace the single largest and smallest z by the 2nd largest and smallest."""
    arr = as_float_array(z, "z").copy()
    if arr.size < 3:
        raise MethodInputError("need at least 3 units to winsorise one at each end")
    order = np.argsort(arr, kind="stable")
    arr[order[-1]] = arr[order[-2]]
    arr[order[0]] = arr[order[1]]
    return arr


def dispersion_phi(z_winsorised: ArrayLike) -> float:
    """phi = mean of squared (winsorised) z-scores."""
    z = as_float_array(z_winsorised, "z")
    return float(np.mean(z**2))


def dispersion_tau2(phi: float, standard_errors: ArrayLike) -> float:
    """DerSimonian–Laird additive variance: max(0, (I·phi − (I−1)) / (Σw − Σw²/Σw))."""
    s = as_float_array(standard_errors, "standard_errors")
    w = 1 / s**2
    units = s.size
    numerator = units * phi - (units - 1)
    if numerator <= 0:
        return 0.0
    return float(numerator / (w.sum() - (w**2).sum() / w.sum()))


def smr_z_scores(observed: ArrayLike, expected: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """HSMR-style z-scores for SMR = O/E against 1, with s = sqrt(1/E). Returns (z, s)."""
    o = as_float_array(observed, "observed")
    e = as_float_array(expected, "expected")
    if np.any(e <= 0):
        raise MethodInputError("expected must be > 0")
    s = np.sqrt(1 / e)
    return (o / e - 1) / s, s


def overdispersed_limits(
    target: float,
    standard_errors: ArrayLike,
    z: float,
    *,
    phi: float | None = None,
    tau2: float | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Limits target ± z·√phi·s (multiplicative) or target ± z·√(s² + tau²) (additive).

    Give exactly one of ``phi`` or ``tau2``; with neither the plain limits are returned.
    """
    s = as_float_array(standard_errors, "standard_errors")
    if phi is not None and tau2 is not None:
        raise MethodInputError("give phi or tau2, not both")
    if phi is not None:
        half = z * np.sqrt(phi) * s
    elif tau2 is not None:
        half = z * np.sqrt(s**2 + tau2)
    else:
        half = z * s
    return target - half, target + half
