"""The trend in deaths around the launch, read beside what it is compared with: the
programme's own pre-launch trend projected over the years since (the place before the
programme), and a series published elsewhere, fitted at the same break, so that a wider
trend is not read as the programme's effect.

The projection is the segmented model's counterfactual: the pre-launch level and slope
carried on, exp(β₀ + β₁·t). It is a model's projection, never a published figure, and a
difference from it is not an effect of the programme (``ATTRIBUTION_CAVEAT``).

For example::

    rows = projection(years, observed, fit)
    other = comparator_trend(periods, values, launch=2021)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import statsmodels.api as sm
from numpy.typing import ArrayLike
from scipy.stats import t as student_t

from missionmonitor.errors import MethodInputError
from missionmonitor.methods.segmented import Ratio, SegmentedFit, segmented_regression


def projection(
    periods: Sequence[str], observed: ArrayLike, fit: SegmentedFit
) -> list[dict[str, Any]]:
    """Each period from the launch on: the figure, the model's fit, the pre-launch trend
    projected onto it, and the figure less the projection (and as a ratio)."""
    values = np.asarray(observed, dtype=float)
    if len(periods) != values.size or values.size != fit.fitted.size:
        raise MethodInputError("the periods, figures and fit must be of one length")
    rows = []
    for i in range(fit.periods_before, values.size):
        projected = float(fit.counterfactual[i])
        rows.append(
            {
                "period": periods[i],
                "observed": float(values[i]),
                "fitted": float(fit.fitted[i]),
                "projected": projected,
                "difference": float(values[i]) - projected,
                "ratio": float(values[i]) / projected,
            }
        )
    return rows


@dataclass(frozen=True)
class ComparatorTrend:
    """A comparator series over its run of consecutive years, its segmented fit at the
    launch where the years either side allow one, and otherwise why not."""

    periods: list[str]
    values: list[float]
    fit: SegmentedFit | None
    reason: str | None
    #: The yearly trend over the years before the launch that it shares with the
    #: programme's series (``before_years``: first and last), fitted whatever comes after.
    before: Ratio | None = None
    before_years: tuple[str, str] | None = None


def consecutive(years: Sequence[int]) -> int:
    """Where the run of consecutive years that ends with the last one starts (an index of
    ``years``, which are in order): a segmented fit counts time in steps of one year."""
    start = len(years) - 1
    while start > 0 and years[start - 1] == years[start] - 1:
        start -= 1
    return max(start, 0)


def yearly_trend(values: ArrayLike, confidence: float = 0.95, *, rate: bool = False) -> Ratio:
    """The yearly ratio of a log-linear quasi-Poisson trend, log E[y_t] = β₀ + β₁·t, over
    consecutive years, with its Wald interval (t quantiles), as the segmented model's
    pre-launch trend is fitted: the dispersion is at least 1 for counts, and as estimated
    for a ``rate`` (so the interval does not depend on the rate's unit)."""
    y = np.asarray(values, dtype=float)
    if y.ndim != 1 or y.size < 3 or np.any(y < 0) or not np.all(np.isfinite(y)):
        raise MethodInputError("a trend needs at least 3 finite, non-negative figures")
    x = np.column_stack([np.ones(y.size), np.arange(y.size, dtype=float)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sm.GLM(y, x, family=sm.families.Poisson()).fit()
    dispersion = float(res.pearson_chi2 / res.df_resid) if res.df_resid else 1.0
    dispersion = dispersion if rate else max(1.0, dispersion)
    se = math.sqrt(float(np.asarray(res.cov_params())[1, 1]) * dispersion)
    q = float(student_t.ppf(0.5 + confidence / 2, max(res.df_resid, 1)))
    b = float(np.asarray(res.params)[1])
    return Ratio(math.exp(b), math.exp(b - q * se), math.exp(b + q * se))


def comparator_trend(
    periods: Sequence[str],
    values: ArrayLike,
    launch: int,
    since: int | None = None,
) -> ComparatorTrend:
    """The comparator's yearly figures (``periods`` are years, in order) and its
    segmented regression at ``launch``, as the programme's deaths are fitted (quasi-Poisson:
    the changes in level and slope are ratios, so they compare across units; the series is
    a rate, so its dispersion is as estimated, not held at 1 or more). Without 3 years
    before the launch and 2 from it, no fit, and ``reason`` says what is missing. Whatever
    follows, the yearly trend before the launch is fitted over the years from ``since``
    (the programme's first year) on."""
    figures = np.asarray(values, dtype=float)
    years = [int(p) for p in periods]
    start = consecutive(years) if years else 0
    run, shown = years[start:], figures[start:]
    labels = [str(y) for y in run]
    before = sum(y < launch for y in run)
    after = len(run) - before
    reason = None
    if not run:
        reason = "No figure of this series is held."
    elif after < 2:
        reason = (
            f"The series held ends in {run[-1]}: with "
            f"{'no year' if after == 0 else 'one year'} from {launch} on, its change at the "
            f"launch cannot be estimated until later years are added."
        )
    elif before < 3:
        reason = f"Fewer than 3 consecutive years before {launch} are held."
    fit = None
    if reason is None:
        fit = segmented_regression(shown, before, rate=True)
    pre = [i for i, y in enumerate(run) if y < launch and (since is None or y >= since)]
    trend = yearly_trend(shown[pre], rate=True) if len(pre) >= 3 else None
    span = (labels[pre[0]], labels[pre[-1]]) if trend else None
    return ComparatorTrend(labels, [float(v) for v in shown], fit, reason, trend, span)
