"""What success looks like: each indicator of an outcome judged by the rule its definition
declares (``targets.verdicts``): on track or off track against a target or standard;
improving, worsening or no significant change by a tested trend or change; for context;
or not enough data, with the rule and the figures that decided it.

For example::

    rows = scorecard(data, [ind for ind in data.catalogue.values() if ind.informs("3")])
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from missionmonitor.indicators.catalogue import Indicator
from missionmonitor.refdata.geography import national_code, national_name
from missionmonitor.services.results import latest_result, records
from missionmonitor.services.site_data import SiteData
from missionmonitor.targets.definitions import load_targets
from missionmonitor.targets.verdicts import VERDICTS, judge, judge_area
from missionmonitor.views.common import result_row

__all__ = ["VERDICTS", "scorecard", "success_view", "tally"]


def scorecard(
    data: SiteData, indicators: list[Indicator], as_of: dt.date | None = None
) -> list[dict[str, Any]]:
    """One row per indicator: its verdict and the rule behind it, judged on the national
    figures, or on those for periods ending by ``as_of`` (a report's year end; a
    point-in-time figure dated in the following month counts, as the reports take it)."""
    targets = {t.id: t for t in load_targets(data.configuration)}
    results = data.results
    wanted = {ind.id for ind in indicators}
    national = results[
        (results["area_code"] == national_code(data.configuration))
        & results["indicator_id"].isin(wanted)
    ].sort_values("period_start")
    by_indicator = {k: records(g) for k, g in national.groupby("indicator_id", sort=False)}
    rows = []
    for ind in indicators:
        held = [result_row(ind, r, data) for r in by_indicator.get(ind.id, [])]
        latest = latest_result(held, end=as_of)
        verdict = judge(ind, held, as_of, targets)
        rows.append(
            {
                "indicator": ind.id,
                "title": ind.title,
                "latest": None if latest is None else latest["display"],
                "period": None if latest is None else latest["period"],
                "verdict": verdict.verdict,
                "rule": verdict.sentence,
                "rule_name": verdict.rule,
                "used": verdict.as_dict()["used"],
            }
        )
    return rows


def success_view(
    data: SiteData, ind: Indicator, rows: list[dict[str, Any]], area_code: str
) -> dict[str, Any]:
    """An indicator page's verdict for the area shown (its result ``rows``, oldest first):
    the national verdict by the declared rule, an area's by the rule its definition gives
    for areas (the same rule, or its comparison with the national figure)."""
    targets = {t.id: t for t in load_targets(data.configuration)}
    if area_code == national_code(data.configuration):
        verdict = judge(ind, rows, targets=targets)
    else:
        verdict = judge_area(ind, rows, national_name(data.configuration), targets=targets)
    return verdict.as_dict()


def tally(rows: list[dict[str, Any]]) -> str:
    """ "2 on track, 1 off track, …" for a scorecard (verdicts with none left out)."""
    counts = [(sum(r["verdict"] == v for r in rows), v) for v in VERDICTS]
    return ", ".join(f"{n} {v}" for n, v in counts if n) or "no indicators"
