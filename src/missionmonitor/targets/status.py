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
from missionmonitor.indicators.catalogue import load_catalogue
from missionmonitor.periods import parse_period
from missionmonitor.refdata.geography import area_type_plural, national_code
from missionmonitor.targets.arithmetic import apportion, progress
from missionmonitor.targets.balancing import balancing_note, balancing_values, source_of
from missionmonitor.targets.definitions import (
    AbsentTarget,
    Baseline,
    Target,
    load_absent_targets,
    load_targets,
)


def _published(results: pd.DataFrame, indicator: str, area: str) -> pd.DataFrame:
    rows = results[(results["indicator_id"] == indicator) & (results["area_code"] == area)]
    return rows[~rows["suppressed"].astype(bool)].sort_values("period_start")


def local_basis(target: Target) -> dict[str, Any] | None:
    """Whether the local targets shown are the publisher's or derived here, and why (None
    when the target is not apportioned)."""
    a = target.apportionment
    if a is None:
        return None
    published = a.published
    return {
        "basis": "derived",
        "rule": a.rule,
        "published_document": published.document.strip() if published else None,
        "published_absent": published.absent.strip() if published else None,
        "statement": (
            f"Published local targets: {published.document.strip()}. {published.absent.strip()}"
            if published
            else f"The local targets shown are derived here ({a.rule.replace('_', ' ')}); no "
            "published local targets are held."
        ),
    }


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
        "set_on": target.set_on.isoformat() if target.set_on else None,
        "source": target.source,
        "indicator": target.indicator,
        "baseline": target.baseline.model_dump() if target.baseline else None,
        "latest": None,
        "latest_note": None,
        "progress": None,
        "balancing": balancing,
        "balancing_note": balancing_note(balancing),
        "apportionment": target.apportionment.model_dump() if target.apportionment else None,
        "local_targets": local_basis(target),
        "areas": list(area_targets(target, results).values()),
    }
    if rows.empty:
        ind = load_catalogue(configuration)[target.indicator]
        out["latest_note"] = (
            f"No figure is held for {ind.title}: its figures would come from "
            f"{source_of(configuration, ind)}."
        )
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
            "derived": True,
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
    """The target panel for one area's profile: its local target (for the areas the target
    is apportioned to, and ADPs) and its balancing indicators (also for NHS boards, which
    publish waiting times). None if the target is not apportioned."""
    a = target.apportionment
    if a is None or area_type not in {a.area_type, "adp", "health_board"}:
        return None
    balancing = balancing_values(configuration, target, results, code)
    apportioned = area_type in {a.area_type, "adp"}
    local = area_targets(target, results, area_type).get(code) if apportioned else None
    basis = local_basis(target)
    if local is not None:
        local_note = basis["statement"] if basis else None
    elif apportioned:
        title = load_catalogue(configuration)[str(a.local_indicator)].title
        local_note = (
            "This area's baseline and target are not yet available: they come from "
            f"record-level prescribing data ({title}), which is not held."
        )
    else:
        local_note = (
            f"Local targets are set for {area_type_plural(configuration, a.area_type)}, "
            "not for areas of this kind: see those areas' pages."
        )
    return {
        "id": target.id,
        "title": target.title,
        "statement": target.statement,
        "rule": a.note.strip(),
        "local": local,
        "local_basis": basis,
        "balancing": balancing,
        "balancing_note": balancing_note(balancing),
        "local_note": local_note,
    }


def absent_summary(configuration: config.Configuration, target: AbsentTarget) -> dict[str, Any]:
    """A target held as announced whose value is not published: what is known of it, why its
    value is absent, and what was searched. Its status is "not published"; no progress."""
    ind = load_catalogue(configuration).get(target.indicator) if target.indicator else None
    return {
        "id": target.id,
        "version": target.version,
        "title": target.title,
        "statement": target.statement.strip(),
        "scope": target.scope,
        "value": None,
        "status": "not published",
        "absent": target.absent.strip(),
        "searched": target.searched.strip(),
        "applies_from": target.applies_from,
        "extends": target.extends,
        "indicator": target.indicator,
        "measure": ind.title if ind else None,
        "baseline": target.baseline.model_dump() if target.baseline else None,
        "statements": [s.model_dump() for s in target.statements],
    }


def all_targets(configuration: config.Configuration, results: pd.DataFrame) -> list[dict[str, Any]]:
    """Every target whose value is set, with where it stands."""
    return [target_summary(configuration, t, results) for t in load_targets(configuration)]


def absent_targets(configuration: config.Configuration) -> list[dict[str, Any]]:
    """Every target held as announced whose value is not published."""
    return [absent_summary(configuration, t) for t in load_absent_targets(configuration)]
