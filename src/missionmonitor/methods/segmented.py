"""Interrupted time series: segmented Poisson regression around a chosen date.

    log E[y_t] = β₀ + β₁·t + β₂·after_t + β₃·(t − t₀)·after_t

with t counted in periods from the first, after_t = 1 from the interruption t₀ on. The
level change is exp(β₂) (the ratio of the first post-interruption period to the pre-trend
projected onto it) and the slope change exp(β₃) (per period, as a ratio). Over-dispersion
is allowed for (quasi-Poisson: variance φ·μ, φ = Pearson χ² / df, never below 1), or a
negative binomial with its dispersion estimated by maximum likelihood. Intervals are Wald
95% on the log scale (t quantiles for quasi-Poisson, as R's ``confint.default`` with
``summary.glm``'s dispersion would give on the linear predictor).

This describes a change in trend around a date; it does not establish that anything
that happened on that date caused it.

For example::

    its = segmented_regression(counts, first_after=25)
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import statsmodels.api as sm
from numpy.typing import ArrayLike
from scipy.stats import norm
from scipy.stats import t as student_t

from missionmonitor.errors import MethodInputError

ATTRIBUTION_CAVEAT = (
    "A segmented regression describes how the level and trend changed around the chosen "
    "date. It does not establish that anything that happened then caused the change: other "
    "things changed at the same time, and a few periods after the date carry little weight."
)


@dataclass(frozen=True)
class Ratio:
    estimate: float
    lower: float
    upper: float


@dataclass(frozen=True)
class SegmentedFit:
    family: str
    pre_trend: Ratio  # per period, before the interruption
    level_change: Ratio
    slope_change: Ratio  # ratio of the per-period change after to before
    dispersion: float
    fitted: np.ndarray
    counterfactual: np.ndarray  # the pre-interruption trend carried on
    periods_before: int
    periods_after: int
    caveat: str = ATTRIBUTION_CAVEAT


def segmented_regression(
    y: ArrayLike,
    first_after: int,
    family: Literal["quasipoisson", "negbin"] = "quasipoisson",
    confidence: float = 0.95,
    *,
    rate: bool = False,
) -> SegmentedFit:
    """Fit the segmented model to counts ``y`` (in time order); ``first_after`` is the index
    of the first period on or after the interruption. With ``rate`` (quasi-Poisson only),
    ``y`` is a rate, and the dispersion is not held at 1 or more, so the intervals do not
    depend on the rate's unit (per 100,000 or per million)."""
    counts = np.asarray(y, dtype=float)
    n = counts.size
    if counts.ndim != 1 or np.any(counts < 0) or not np.all(np.isfinite(counts)):
        raise MethodInputError("counts must be a 1-D series of finite, non-negative numbers")
    if not 3 <= first_after <= n - 2:
        raise MethodInputError("need at least 3 periods before the interruption and 2 after")
    t = np.arange(n, dtype=float)
    after = (t >= first_after).astype(float)
    x = np.column_stack([np.ones(n), t, after, (t - first_after) * after])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if family == "quasipoisson":
            res = sm.GLM(counts, x, family=sm.families.Poisson()).fit()
            dispersion = float(res.pearson_chi2 / res.df_resid)
            dispersion = dispersion if rate else max(1.0, dispersion)
            cov = np.asarray(res.cov_params()) * dispersion
            q = float(student_t.ppf(0.5 + confidence / 2, res.df_resid))
            beta = np.asarray(res.params)
        elif family == "negbin":
            q = float(norm.ppf(0.5 + confidence / 2))
            nb = sm.NegativeBinomial(counts, x).fit(method="bfgs", maxiter=2000, disp=0)
            alpha = float(np.asarray(nb.params)[4])  # Var = μ + α μ²
            try:
                cov = np.asarray(nb.cov_params())[:4, :4]
                beta = np.asarray(nb.params)[:4]
                usable = alpha > 1e-6 and np.all(np.isfinite(cov))
            except ValueError:
                usable = False
            if not usable:
                # No over-dispersion (α at its boundary): the model is the Poisson one.
                res = sm.GLM(counts, x, family=sm.families.Poisson()).fit()
                beta, cov, alpha = np.asarray(res.params), np.asarray(res.cov_params()), 0.0
            dispersion = alpha
        else:
            raise MethodInputError(f"unknown family {family!r}")
    se = np.sqrt(np.diag(cov))

    def ratio(i: int) -> Ratio:
        return Ratio(
            math.exp(beta[i]), math.exp(beta[i] - q * se[i]), math.exp(beta[i] + q * se[i])
        )

    return SegmentedFit(
        family=family,
        pre_trend=ratio(1),
        level_change=ratio(2),
        slope_change=ratio(3),
        dispersion=dispersion,
        fitted=np.exp(x @ beta),
        counterfactual=np.exp(x[:, :2] @ beta[:2]),
        periods_before=first_after,
        periods_after=n - first_after,
    )
