"""A series' trend over several periods: log-linear (quasi-)Poisson regression of counts.

    log E[y_t] = β₀ + β₁·t (+ log n_t when a population n_t is given)

with t counted in periods. exp(β₁) is the average change per period as a ratio (1.03 is a
rise of 3% a period), with a Wald 95% interval on the log scale using t quantiles and the
quasi-Poisson dispersion φ = Pearson χ² / df, never below 1: the model of
:mod:`missionmonitor.methods.segmented` without the interruption. It fits many periods at
once, so one unusual year moves it little; a single year's change says nothing about the
trend, as the national evaluation warns.

For example::

    fit = log_linear_trend([100, 110, 121, 133])
    fit.per_period.estimate   # ≈ 1.10
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from numpy.typing import ArrayLike
from scipy.stats import t as student_t

from missionmonitor.errors import MethodInputError
from missionmonitor.methods.segmented import Ratio

#: Fewer periods than this leave too few degrees of freedom for a trend worth stating.
MIN_PERIODS = 5


@dataclass(frozen=True)
class TrendFit:
    per_period: Ratio  # the average change per period, as a ratio
    dispersion: float
    periods: int

    @property
    def significant(self) -> bool:
        """True when the interval excludes no change (a ratio of 1)."""
        return self.per_period.lower > 1 or self.per_period.upper < 1


def log_linear_trend(
    counts: ArrayLike, population: ArrayLike | None = None, confidence: float = 0.95
) -> TrendFit:
    """Fit the trend to ``counts`` in time order (events per period), per head of
    ``population`` when given.

    >>> fit = log_linear_trend([100, 110, 121, 133.1, 146.41])
    >>> round(fit.per_period.estimate, 6), fit.dispersion
    (1.1, 1.0)
    """
    y = np.asarray(counts, dtype=float)
    if y.ndim != 1 or np.any(y < 0) or not np.all(np.isfinite(y)):
        raise MethodInputError("counts must be a 1-D series of finite, non-negative numbers")
    if y.size < MIN_PERIODS:
        raise MethodInputError(f"a trend needs at least {MIN_PERIODS} periods")
    if not y.any():
        raise MethodInputError("a trend needs at least one non-zero count")
    offset = None
    if population is not None:
        n = np.asarray(population, dtype=float)
        if n.shape != y.shape or np.any(n <= 0) or not np.all(np.isfinite(n)):
            raise MethodInputError("population must be positive, one value per count")
        offset = np.log(n)
    t = np.arange(y.size, dtype=float)
    x = np.column_stack([np.ones(y.size), t])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit()
    dispersion = max(1.0, float(res.pearson_chi2 / res.df_resid))
    se = math.sqrt(float(np.asarray(res.cov_params())[1, 1]) * dispersion)
    q = float(student_t.ppf(0.5 + confidence / 2, res.df_resid))
    b = float(np.asarray(res.params)[1])
    return TrendFit(
        Ratio(math.exp(b), math.exp(b - q * se), math.exp(b + q * se)),
        dispersion=dispersion,
        periods=int(y.size),
    )
