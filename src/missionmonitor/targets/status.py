"""Where each national target stands, from the published results (one place for the home
page, reports and the targets page)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from missionmonitor.periods import parse_period
from missionmonitor.refdata.geography import SCOTLAND
from missionmonitor.targets.arithmetic import progress
from missionmonitor.targets.definitions import Target, load_targets

BALANCING_NOT_YET = (
    "Read alongside its balancing indicators (access within three weeks, retention, "
    "availability of services, identifier completeness): these are not yet available in the "
    "published data held, so the target's progress is not a complete picture."
)


def target_summary(target: Target, results: pd.DataFrame) -> dict[str, Any]:
    """The target, its latest Scotland value, share of target and progress with its rule."""
    mine = (results["indicator_id"] == target.indicator) & (results["area_code"] == SCOTLAND)
    rows = results[mine & ~results["suppressed"].astype(bool)]
    out: dict[str, Any] = {
        "id": target.id, "version": target.version, "title": target.title,
        "statement": target.statement, "scope": target.scope, "value": target.value,
        "target_date": target.target_date.isoformat(), "source": target.source,
        "indicator": target.indicator, "baseline": target.baseline.model_dump()
        if target.baseline else None, "latest": None, "progress": None,
        "balancing": list(target.balancing),
        "balancing_note": BALANCING_NOT_YET if target.balancing else None,
        "apportionment": target.apportionment.model_dump() if target.apportionment else None,
    }  # fmt: skip
    if rows.empty:
        return out
    last = rows.sort_values("period_start").iloc[-1]
    on = parse_period(str(last["period"])).end
    p = progress(target, float(last["value"]), on)
    out["latest"] = {"period": last["period"], "value": float(last["value"]),
                     "share_of_target": float(last["value"]) / target.value * 100}  # fmt: skip
    out["progress"] = {"status": p.status, "expected": p.expected, "rule": p.rule,
                       "on": on.isoformat()}  # fmt: skip
    return out


def all_targets(results: pd.DataFrame) -> list[dict[str, Any]]:
    return [target_summary(t, results) for t in load_targets()]
