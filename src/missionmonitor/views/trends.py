"""Trend statements: what a series did over several periods, from a fitted trend, never from
one period's change.

A trend is fitted (``indicators.trends``) to the latest run of comparable, published
periods of one area, up to ``MAX_PERIODS``: counts of events, or events per head where the
indicator has a population; not to rolling windows or percentages. Direction
words ("improving", "worsening") are used only when the fitted trend is significant.

For example::

    statement = trend_statement(indicator, rows_of_one_area, "Glasgow City")
"""

from __future__ import annotations

from typing import Any

from missionmonitor.formatting import display_value
from missionmonitor.indicators.catalogue import Indicator
from missionmonitor.indicators.trends import MAX_PERIODS, UNITS, fit_trend

__all__ = ["MAX_PERIODS", "trend_statement"]


def trend_statement(
    ind: Indicator, rows: list[dict[str, Any]], area_name: str
) -> dict[str, Any] | None:
    """The fitted trend of one area's rows (oldest first) with a sentence, or None where
    no trend is fitted (rolling windows, percentages, too few periods)."""
    fitted = fit_trend(ind, rows)
    if fitted is None:
        return None
    run, fit, population = fitted.run, fitted.fit, fitted.population
    first, last = run[0]["period"], run[-1]["period"]
    change = fit.per_period
    basis = "rate" if population else "count"
    periods, per = UNITS[ind.period_type]
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
