"""Trend statements: what a series did over several periods, from a fitted trend, never from
one period's change.

A trend is fitted (``methods.trend``) to the latest run of comparable, published periods
of one area, up to ``MAX_PERIODS``: counts of events, or events per head where the
indicator has a population. Rolling windows overlap, so their trend is not fitted; a
percentage of people is not a count of events, so it is not fitted either. Direction
words ("improving", "worsening") are used only when the fitted trend is significant.

For example::

    statement = trend_statement(indicator, rows_of_one_area, "Glasgow City")
"""

from __future__ import annotations

from typing import Any

from missionmonitor.formatting import display_value
from missionmonitor.indicators.catalogue import Indicator
from missionmonitor.methods.trend import MIN_PERIODS, log_linear_trend

#: The longest run a trend is fitted over: long enough to smooth single years, short
#: enough to describe the present.
MAX_PERIODS = 10

_UNITS = {
    "calendar_year": ("years", "a year"),
    "financial_year": ("years", "a year"),
    "quarter": ("quarters", "a quarter"),
    "month": ("months", "a month"),
}


def fitted_run(rows: list[dict[str, Any]], population: bool) -> list[dict[str, Any]]:
    """The latest periods a trend may be fitted over: consecutive from the newest back to
    a series break, each published with its count (and population)."""
    run: list[dict[str, Any]] = []
    for r in reversed(rows):
        usable = (
            not r["suppressed"]
            and r["numerator"] is not None
            and (not population or (r["denominator"] or 0) > 0)
        )
        if not usable or len(run) == MAX_PERIODS:
            break
        run.append(r)
        if r["comparable_with_previous"] is False:
            break
    return run[::-1]


def trend_statement(
    ind: Indicator, rows: list[dict[str, Any]], area_name: str
) -> dict[str, Any] | None:
    """The fitted trend of one area's rows (oldest first) with a sentence, or None where
    no trend is fitted (rolling windows, percentages, too few periods)."""
    if ind.period_type not in _UNITS or ind.in_percent:
        return None
    population = ind.has_population
    run = fitted_run(rows, population)
    if len(run) < MIN_PERIODS or not any(r["numerator"] for r in run):
        return None
    fit = log_linear_trend(
        [r["numerator"] for r in run], [r["denominator"] for r in run] if population else None
    )
    first, last = run[0]["period"], run[-1]["period"]
    change = fit.per_period
    basis = "rate" if population else "count"
    periods, per = _UNITS[ind.period_type]
    shown = {
        k: _signed(v)
        for k, v in (
            ("estimate", change.estimate),
            ("lower", change.lower),
            ("upper", change.upper),
        )
    }
    span = (
        f"Over the {fit.periods} {periods} from {first} to {last}, the {basis} for {area_name} "
        f"changed by an average of {shown['estimate']} {per} (95% interval "
        f"{shown['lower']} to {shown['upper']})"
    )
    if not fit.significant:
        verdict = "not a significant trend"
    else:
        word = "a significant rise" if change.estimate > 1 else "a significant fall"
        if ind.polarity != "neutral":
            better = (change.estimate > 1) == (ind.polarity == "higher_is_better")
            word += ", improving" if better else ", worsening"
        verdict = word
    return {
        "from": first,
        "to": last,
        "periods": fit.periods,
        "basis": basis,
        "change_per_period": change.estimate,
        "lower": change.lower,
        "upper": change.upper,
        "significant": fit.significant,
        "dispersion": fit.dispersion,
        "shown": shown,
        "sentence": f"{span}: {verdict}.",
    }


def _signed(ratio: float) -> str:
    pct = (ratio - 1) * 100
    return ("+" if pct > 0 else "") + display_value(pct, 1) + "%"
