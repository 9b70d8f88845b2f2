"""Where each target stands, nationally and in each area, always with its balancing
indicators (one place for the home page, area profiles, reports and the targets page).

For example::

    summary = target_summary(get_target("ost_32000"), results)
    local = area_targets(get_target("ost_32000"), results)["S37000015"]
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from missionmonitor import config
from missionmonitor.formatting import display_value
from missionmonitor.indicators.catalogue import load_catalogue
from missionmonitor.periods import parse_period
from missionmonitor.refdata.geography import national_code
from missionmonitor.targets.arithmetic import apportion, progress
from missionmonitor.targets.definitions import Baseline, Target, load_targets

BALANCING_NOT_YET = (
    "Read alongside its balancing indicators (access within three weeks, retention, "
    "availability of services, identifier completeness): these are not yet available in the "
    "published data held, so the target's progress is not a complete picture."
)
SYNTHETIC_NOTE = (
    "Some of these figures are SYNTHETIC: computed from generated records for demonstration, "
    "not from real prescribing data."
)


def _published(results: pd.DataFrame, indicator: str, area: str) -> pd.DataFrame:
    rows = results[(results["indicator_id"] == indicator) & (results["area_code"] == area)]
    return rows[~rows["suppressed"].astype(bool)].sort_values("period_start")


def balancing_values(
    configuration: config.Configuration, target: Target, results: pd.DataFrame, area: str
) -> list[dict[str, Any]]:
    """The latest value of each balancing indicator for ``area`` (None where not held)."""
    catalogue = load_catalogue(configuration)
    out = []
    for b in target.balancing:
        ind = catalogue[b.indicator]
        rows = _published(results, b.indicator, area)
        item: dict[str, Any] = {
            "aspect": b.aspect,
            "indicator": b.indicator,
            "title": ind.title,
            "unit": ind.unit,
            "latest": None,
        }
        if not rows.empty:
            r = rows.iloc[-1]
            interval = ""
            if pd.notna(r["lci"]):
                interval = (
                    f" (95% CI {display_value(r['lci'], ind.decimals)} to "
                    f"{display_value(r['uci'], ind.decimals)})"
                )
            item["latest"] = {
                "period": r["period"],
                "value": float(r["value"]),
                "status": r["status"],
                "display": display_value(r["value"], ind.decimals) + interval,
            }
        out.append(item)
    return out


def balancing_note(values: list[dict[str, Any]]) -> str | None:
    """What to say about the balancing indicators: missing ones, and synthetic ones."""
    if not values:
        return None
    missing = [v["title"] for v in values if v["latest"] is None]
    notes = []
    if len(missing) == len(values):
        notes.append(BALANCING_NOT_YET)
    elif missing:
        notes.append("Not yet available for this area: " + "; ".join(missing) + ".")
    if any(v["latest"] and v["latest"]["status"] == "SYNTHETIC" for v in values):
        notes.append(SYNTHETIC_NOTE)
    return " ".join(notes) or None


def target_summary(
    configuration: config.Configuration, target: Target, results: pd.DataFrame
) -> dict[str, Any]:
    """The target, its latest Scotland value, share of target and progress with its rule,
    and its balancing indicators' latest Scotland values."""
    rows = _published(results, target.indicator, national_code(configuration))
    balancing = balancing_values(configuration, target, results, national_code(configuration))
    out: dict[str, Any] = {
        "id": target.id,
        "version": target.version,
        "title": target.title,
        "statement": target.statement,
        "scope": target.scope,
        "value": target.value,
        "target_date": target.target_date.isoformat(),
        "source": target.source,
        "indicator": target.indicator,
        "baseline": target.baseline.model_dump() if target.baseline else None,
        "latest": None,
        "progress": None,
        "balancing": balancing,
        "balancing_note": balancing_note(balancing),
        "apportionment": target.apportionment.model_dump() if target.apportionment else None,
        "areas": list(area_targets(target, results).values()),
    }
    if rows.empty:
        return out
    last = rows.iloc[-1]
    on = parse_period(str(last["period"])).end
    p = progress(target, float(last["value"]), on)
    out["latest"] = {
        "period": last["period"],
        "value": float(last["value"]),
        "share_of_target": float(last["value"]) / target.value * 100,
    }
    out["progress"] = {
        "status": p.status,
        "expected": p.expected,
        "rule": p.rule,
        "on": on.isoformat(),
    }
    return out


def area_targets(
    target: Target, results: pd.DataFrame, area_type: str | None = None
) -> dict[str, dict[str, Any]]:
    """Each area's baseline, apportioned target, latest value and progress, keyed by code.

    Baselines are the apportionment's ``local_indicator`` in its earliest period held;
    empty when the target is not apportioned or no local figures are held. ``area_type``
    defaults to the apportionment's (Integration Authorities for the treatment target);
    ADPs use the same rule on their own baselines.
    """
    a = target.apportionment
    if a is None or a.local_indicator is None:
        return {}
    kind = area_type or a.area_type
    rows = results[(results["indicator_id"] == a.local_indicator) & (results["area_type"] == kind)]
    if rows.empty:
        return {}
    first = rows.sort_values("period_start")["period"].iloc[0]
    base = rows[(rows["period"] == first) & ~rows["suppressed"].astype(bool)]
    baselines = dict(zip(base["area_code"], base["value"].astype(float), strict=True))
    statuses = dict(zip(base["area_code"], base["status"].astype(str), strict=True))
    national = target.baseline.value if target.baseline else None
    shares = apportion(target.value, baselines, a.rule, national)
    out = {}
    for code, local_target in shares.items():
        local = target.model_copy(
            update={
                "value": float(local_target),
                "baseline": Baseline(
                    value=baselines[code], period=first, note=f"{a.local_indicator} in {first}"
                ),
            }
        )
        latest = _published(results, a.local_indicator, code)
        item: dict[str, Any] = {
            "area_code": code,
            "baseline": baselines[code],
            "baseline_period": first,
            "target": local_target,
            "latest": None,
            "progress": None,
            "status": statuses[code],
        }
        if not latest.empty:
            last = latest.iloc[-1]
            on = parse_period(str(last["period"])).end
            p = progress(local, float(last["value"]), on)
            item["latest"] = {"period": last["period"], "value": float(last["value"])}
            item["progress"] = {"status": p.status, "rule": p.rule}
        out[code] = item
    return out


def area_panel(
    configuration: config.Configuration,
    target: Target,
    results: pd.DataFrame,
    code: str,
    area_type: str,
) -> dict[str, Any] | None:
    """The target panel for one area's profile: its local target and balancing indicators.
    None if the target is not apportioned to areas of this type (or its parents')."""
    a = target.apportionment
    if a is None or area_type not in {a.area_type, "adp"}:
        return None
    balancing = balancing_values(configuration, target, results, code)
    local = area_targets(target, results, area_type).get(code)
    return {
        "id": target.id,
        "title": target.title,
        "statement": target.statement,
        "rule": a.note.strip(),
        "local": local,
        "balancing": balancing,
        "balancing_note": balancing_note(balancing),
        "local_note": None
        if local
        else (
            "This area's baseline and target are not yet available: they come from "
            "record-level prescribing data (missionmonitor ost compute --load)."
        ),
    }


def all_targets(configuration: config.Configuration, results: pd.DataFrame) -> list[dict[str, Any]]:
    return [target_summary(configuration, t, results) for t in load_targets(configuration)]
