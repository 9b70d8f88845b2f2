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

from typing import Any

from missionmonitor.formatting import display_value
from missionmonitor.indicators.catalogue import Indicator
from missionmonitor.services.site_data import SiteData
from missionmonitor.targets.status import all_targets
from missionmonitor.views.common import indicator_summary

VERDICTS = ("on track", "off track", "no target", "not enough data")
_BETTER = {"higher_is_better": "higher is better", "lower_is_better": "lower is better",
           "neutral": "neither direction is better in itself"}  # fmt: skip


def scorecard(data: SiteData, indicators: list[Indicator]) -> list[dict[str, Any]]:
    """One row per indicator: its verdict and the rule behind it."""
    targets = {t["indicator"]: t for t in all_targets(data.results)}
    return [_row(ind, indicator_summary(ind, data)["latest"], targets.get(ind.id))
            for ind in indicators]  # fmt: skip


def _row(ind: Indicator, latest: dict[str, Any] | None,
         target: dict[str, Any] | None) -> dict[str, Any]:  # fmt: skip
    row = {"indicator": ind.id, "title": ind.title,
           "latest": None if latest is None else latest["display"],
           "period": None if latest is None else latest["period"]}  # fmt: skip
    if latest is None or latest["value"] is None:
        return {**row, "verdict": "not enough data", "rule": "No figure is held yet."}
    if target is not None and target.get("progress"):
        status = target["progress"]["status"]
        verdict = "on track" if status in ("met", "on track") else "off track"
        rule = f"{target['statement']} Progress: {status} ({target['progress']['rule']})."
        return {**row, "verdict": verdict, "rule": rule}
    if ind.success is not None:
        s, value = ind.success, latest["value"]
        pct = "%" if ind.in_percent else ""
        met = value >= s.value if s.direction == "at_least" else value <= s.value
        word = "at least" if s.direction == "at_least" else "at most"
        return {**row, "verdict": "on track" if met else "off track",
                "rule": f"{s.statement} The latest value, {latest['display']}{pct} "
                        f"({latest['period']}), {'meets' if met else 'does not meet'} {word} "
                        f"{display_value(s.value, 0)}{pct} ({s.source})."}  # fmt: skip
    return {
        **row,
        "verdict": "no target",
        "rule": f"No target or standard is set; {_BETTER[ind.polarity]}.",
    }
