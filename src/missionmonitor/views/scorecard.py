"""What success looks like: each indicator of an outcome judged on track, off track, with
no target, or without enough data, with the rule that decided it.

A target in targets.yaml decides by its progress (met or on track: on track; behind or not
met: off track); a standard declared on the indicator (``success``) by whether the latest
national value meets it; an indicator with neither has no target, and says which way is
better; one without a national figure has not enough data.

For example::

    rows = scorecard(data, [ind for ind in data.catalogue.values() if ind.informs("3")])
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from missionmonitor.formatting import display_value
from missionmonitor.indicators.catalogue import Indicator
from missionmonitor.periods import parse_period
from missionmonitor.refdata.geography import national_code
from missionmonitor.services.site_data import SiteData
from missionmonitor.targets.arithmetic import progress
from missionmonitor.targets.definitions import Target, load_targets
from missionmonitor.views.common import latest_shown

VERDICTS = ("on track", "off track", "no target", "not enough data")
_BETTER = {
    "higher_is_better": "higher is better",
    "lower_is_better": "lower is better",
    "neutral": "neither direction is better in itself",
}


def scorecard(
    data: SiteData, indicators: list[Indicator], as_of: dt.date | None = None
) -> list[dict[str, Any]]:
    """One row per indicator: its verdict and the rule behind it, judged on the latest
    national figure, or the latest for a period ending by ``as_of`` (a report's year end;
    a point-in-time figure dated in the following month counts, as the reports take it)."""
    targets = {t.indicator: t for t in load_targets(data.configuration)}
    return [
        _row(
            ind,
            latest_shown(data, ind, national_code(data.configuration), as_of),
            targets.get(ind.id),
        )
        for ind in indicators
    ]


def _row(ind: Indicator, latest: dict[str, Any] | None, target: Target | None) -> dict[str, Any]:
    row = {
        "indicator": ind.id,
        "title": ind.title,
        "latest": None if latest is None else latest["display"],
        "period": None if latest is None else latest["period"],
    }
    if latest is None or latest["value"] is None:
        return {**row, "verdict": "not enough data", "rule": "No figure is held yet."}
    if target is not None:
        p = progress(target, latest["value"], parse_period(latest["period"]).end)
        verdict = "on track" if p.status in ("met", "on track") else "off track"
        return {
            **row,
            "verdict": verdict,
            "rule": f"{target.statement} {latest['display']} in {latest['period']}: "
            f"{p.status} ({p.rule})",
        }
    if ind.success is not None:
        s, value = ind.success, latest["value"]
        pct = "%" if ind.in_percent else ""
        met = value >= s.value if s.direction == "at_least" else value <= s.value
        word = "at least" if s.direction == "at_least" else "at most"
        return {
            **row,
            "verdict": "on track" if met else "off track",
            "rule": f"{s.statement} The latest value, {latest['display']}{pct} "
            f"({latest['period']}), {'meets' if met else 'does not meet'} {word} "
            f"{display_value(s.value, 0)}{pct} ({s.source}).",
        }
    return {
        **row,
        "verdict": "no target",
        "rule": f"No target or standard is set; {_BETTER[ind.polarity]}.",
    }


def tally(rows: list[dict[str, Any]]) -> str:
    """ "2 on track, 1 off track, …" for a scorecard (verdicts with none left out)."""
    counts = [(sum(r["verdict"] == v for r in rows), v) for v in VERDICTS]
    return ", ".join(f"{n} {v}" for n, v in counts if n) or "no indicators"
