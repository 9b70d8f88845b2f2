"""An indicator's fitted trend: the log-linear trend (``methods.trend``) of the latest run of
comparable, published periods of one area, for the pages' trend statements and the trend
rule of success alike.

A trend is fitted to counts of events, or to events per head where the indicator has a
population, over consecutive periods (years, quarters, months) back to a series break.
Rolling windows overlap, so their trend is not fitted; a percentage of people is not a
count of events, so it is not fitted either.

Rows are one area's results, oldest first, as mappings with ``period``, ``numerator``,
``denominator``, ``suppressed`` and ``comparable_with_previous``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from missionmonitor.indicators.catalogue import Indicator
from missionmonitor.indicators.success import TREND_PERIOD_TYPES
from missionmonitor.methods.trend import MIN_PERIODS, TrendFit, log_linear_trend

#: The longest run the pages fit a trend over: long enough to smooth single years, short
#: enough to describe the present.
MAX_PERIODS = 10

Row = Mapping[str, Any]

#: Each fittable period type's words: plural, and "per one".
UNITS = {
    "calendar_year": ("years", "a year"),
    "financial_year": ("years", "a year"),
    "quarter": ("quarters", "a quarter"),
    "month": ("months", "a month"),
}


@dataclass(frozen=True)
class FittedTrend:
    run: tuple[Row, ...]  # the periods fitted, oldest first
    fit: TrendFit
    population: bool  # fitted per head of a population (a rate), not to counts


def fittable(ind: Indicator) -> bool:
    """Whether a trend can be fitted to the indicator at all (period type and unit)."""
    return ind.period_type in TREND_PERIOD_TYPES and not ind.in_percent


def per_head(ind: Indicator) -> bool:
    """Whether the trend is of a rate (events per head of the denominator)."""
    return ind.has_population


def fitted_run(rows: Sequence[Row], population: bool, longest: int = MAX_PERIODS) -> list[Row]:
    """The latest periods a trend may be fitted over: consecutive from the newest back to
    a series break, each published with its count (and population), at most ``longest``."""
    run: list[Row] = []
    for r in reversed(rows):
        usable = (
            not r["suppressed"]
            and r["numerator"] is not None
            and (not population or (r["denominator"] or 0) > 0)
        )
        if not usable or len(run) == longest:
            break
        run.append(r)
        if r["comparable_with_previous"] is False:
            break
    return run[::-1]


def fit_trend(
    ind: Indicator, rows: Sequence[Row], longest: int = MAX_PERIODS
) -> FittedTrend | None:
    """The trend of one area's ``rows`` over at most ``longest`` periods, or None where
    none is fitted (rolling windows, percentages, fewer than ``MIN_PERIODS`` periods,
    no event at all)."""
    if not fittable(ind):
        return None
    population = per_head(ind)
    run = fitted_run(rows, population, longest)
    if len(run) < MIN_PERIODS or not any(r["numerator"] for r in run):
        return None
    fit = log_linear_trend(
        [r["numerator"] for r in run], [r["denominator"] for r in run] if population else None
    )
    return FittedTrend(tuple(run), fit, population)
