"""View models for area pages and the methodology page (see ``pages`` for conventions)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from missionmonitor import config
from missionmonitor.data import load_sources
from missionmonitor.formatting import display_value
from missionmonitor.periods import financial_year_label
from missionmonitor.refdata.geography import (
    area_types,
    national_code,
    national_name,
    national_type,
    reporting_type,
)
from missionmonitor.sections import Surveillance
from missionmonitor.services.site_data import SiteData
from missionmonitor.views import charts
from missionmonitor.views.common import as_number, definition_view, page_model, result_row
from missionmonitor.views.profiles import profile_rows
from missionmonitor.views.surveillance import capture_recapture_example

#: How many similar areas an area profile lists.
SIMILAR = 5


def areas(data: SiteData) -> dict[str, Any]:
    groups = []
    for t in area_types(data.configuration):
        items = [{"code": a.code, "name": a.name} for a in data.geo.of_type(t)]
        groups.append({"type": t, "label": data.geo.types[t].label, "areas": items})
    return page_model(data.configuration, "Areas", groups=groups)


def area(data: SiteData, code: str) -> dict[str, Any]:
    geo = data.geo
    current = geo.resolve(code)
    a = geo.area(current)
    spine, table = _indicator_rows(data, current, a.type)
    children = []
    for t in area_types(data.configuration):
        if t != a.type:
            kids = geo.children(current, t)
            if kids:
                listed = [{"code": k.code, "name": k.name} for k in kids]
                children.append({"type": t, "label": geo.types[t].label, "areas": listed})
    spine_rows = pd.DataFrame(spine)
    held, missing = profile_rows(
        data, a, data.configuration.profiles, data.datasets, load_sources(data.configuration)
    )
    return page_model(
        data.configuration,
        a.name,
        area={
            "code": a.code,
            "name": a.name,
            "type": a.type,
            "type_label": geo.types[a.type].label,
            "previous_codes": sorted(c for c, x in geo.areas.items() if x.successor == a.code),
            "councils": [{"code": c, "name": geo.area(c).name} for c in geo.councils_in(a.code)],
            "population": _population(data, a.code),
        },
        parents=[
            {"code": p.code, "name": p.name, "type_label": geo.types[p.type].label}
            for p in geo.parents(current)
        ],
        children=children,
        spine={
            "id": "spine",
            "title": f"{a.name} compared with {national_name(data.configuration)}",
            "caption": "Each indicator's latest value for this area against the range across "
            f"{geo.types[a.type].plural} (worst on the left) and "
            f"{national_name(data.configuration)}",
            "summary": _spine_sentence(data.configuration, spine, a.name),
            "spec": charts.spine_chart(data.configuration, spine_rows) if len(spine_rows) else None,
            "rows": spine,
        }
        if a.type != national_type(data.configuration)
        else None,
        indicators=table,
        profile={
            "held": held,
            "not_published": missing,
            "compare": a.type != national_type(data.configuration),
            "downloads": {"csv": f"/areas/{a.code}/profile.csv"},
        },
        similar=_similar(data, a.code, a.type),
        targets=_target_panels(data, a.code, a.type),
    )


def _target_panels(data: SiteData, code: str, area_type: str) -> list[dict[str, Any]]:
    """Local targets with their balancing indicators (Integration Authority and ADP pages)."""
    from missionmonitor.targets.definitions import load_targets
    from missionmonitor.targets.status import area_panel

    panels = (
        area_panel(data.configuration, t, data.results, code, area_type)
        for t in load_targets(data.configuration)
    )
    return [p for p in panels if p is not None]


def _population(data: SiteData, code: str) -> float | None:
    pop = data.population[data.population["area_code"] == code]
    return as_number(pop["population"].iloc[0]) if not pop.empty else None


def _indicator_rows(data: SiteData, code: str, area_type: str) -> tuple[list[Any], list[Any]]:
    spine: list[dict[str, Any]] = []
    table: list[dict[str, Any]] = []
    res = data.results
    for ind in data.catalogue.values():
        mine = res[(res["indicator_id"] == ind.id) & (res["area_code"] == code)]
        if mine.empty:
            continue
        mine = mine.sort_values("period_start")
        last = mine.iloc[-1]
        recent = [result_row(ind, r, data) for _, r in mine.tail(5).iterrows()]
        table.append(
            {
                "id": ind.id,
                "title": ind.title,
                "unit": ind.unit,
                "latest": recent[-1],
                "recent": recent,
            }
        )
        if area_type == national_type(data.configuration):
            continue
        peers = res[
            (res["indicator_id"] == ind.id)
            & (res["area_type"] == area_type)
            & (res["period"] == last["period"])
        ]["value"].dropna()
        scot = res[
            (res["indicator_id"] == ind.id)
            & (res["area_code"] == national_code(data.configuration))
            & (res["period"] == last["period"])
        ]["value"]
        value, lo, hi = as_number(last["value"]), peers.min(), peers.max()
        if value is None or scot.empty or len(peers) < 2 or hi == lo:
            continue
        flip = ind.polarity == "higher_is_better"

        def pos(v: float, lo: float = lo, hi: float = hi, flip: bool = flip) -> float:
            p = (v - lo) / (hi - lo)
            return p if flip else 1 - p

        spine.append(
            {
                "id": ind.id,
                "title": ind.title,
                "period": last["period"],
                "value": value,
                "display": display_value(value, ind.decimals),
                "national": as_number(scot.iloc[0]),
                "display_national": display_value(as_number(scot.iloc[0]), ind.decimals),
                "worst": hi if not flip else lo,
                "best": lo if not flip else hi,
                "display_worst": display_value(hi if not flip else lo, ind.decimals),
                "display_best": display_value(lo if not flip else hi, ind.decimals),
                "worst_pos": 0.0,
                "best_pos": 1.0,
                "area_pos": pos(value),
                "national_pos": min(max(pos(float(scot.iloc[0])), 0.0), 1.0),
                "significance": result_row(ind, last, data)["significance"],
            }
        )
    return spine, table


def _spine_sentence(
    configuration: config.Configuration, rows: list[dict[str, Any]], name: str
) -> str:
    if not rows:
        return f"No indicator can be compared across areas for {name}."
    worse = [
        r["title"]
        for r in rows
        if r["significance"] != "No significant difference" and r["significance"] != "Not compared"
    ]
    return (
        f"{name} is compared on {len(rows)} indicator(s); it differs significantly from "
        f"{national_name(configuration)} on {len(worse)}."
    )


def _similar(data: SiteData, code: str, area_type: str) -> list[dict[str, Any]]:
    """Areas of the same type with the nearest population (latest year)."""
    of_type = data.population[data.population["area_type"] == area_type]
    sizes = dict(
        zip(of_type["area_code"].astype(str), of_type["population"].astype(float), strict=True)
    )
    if code not in sizes or area_type == national_type(data.configuration):
        return []
    mine = sizes.pop(code)
    nearest = sorted(sizes.items(), key=lambda kv: abs(kv[1] - mine))[:SIMILAR]
    return [{"code": c, "name": data.geo.area(c).name, "population": p} for c, p in nearest]


def methodology(data: SiteData) -> dict[str, Any]:
    """The methodology page: the general conventions, then the configuration's sentences
    on whose conventions they follow (its ``wording``)."""
    configured = data.configuration
    return page_model(
        data.configuration,
        "Methodology",
        conventions=[
            "Intervals use the exact normal quantile (z = 1.959964 for 95%) unless an "
            "indicator states the fixed convention (z = 1.96).",
            "Values are stored unrounded and shown rounded half up (12.5 → 13).",
            "Change is on the immediately preceding period of the same kind; no change is "
            "given across a series break.",
            f"An area is higher or lower than {national_name(data.configuration)} when its 95% "
            f"interval lies wholly above or below {national_name(data.configuration)}'s value.",
            *data.configuration.wording.conventions,
        ],
        disclosure=[
            "Counts from 1 to 9 are suppressed (the default trigger; configurable per "
            "indicator); zeros are published.",
            "Secondary suppression: where an area's total is published, enough further areas "
            "are suppressed that no suppressed value can be worked out by subtraction, checked "
            "exactly across every published total.",
            "When a count is suppressed, every value derived from it (rate, interval) is "
            "withheld too. Suppressed values are shown as c.",
            *configured.wording.disclosure,
        ],
        prevalence=(configured.surveillance or Surveillance()).prevalence_note,
        vintages="Every figure keeps the edition it came from. Pages show the latest edition; "
        "revised figures are listed on each indicator page.",
        indicators=[definition_view(i, data) for i in data.catalogue.values()],
        capture_recapture=capture_recapture_example(),
    )


#: The annual reports offered: the latest years with figures.
ANNUAL_REPORTS = 5


def report_periods(data: SiteData) -> list[str]:
    """The financial years an annual report is made for, newest first."""
    spec = data.configuration.annual_report
    held = data.results[data.results["indicator_id"] == (spec.years_from if spec else None)]
    years = sorted({int(p) for p in held["period"]})[-ANNUAL_REPORTS:]
    return [financial_year_label(y) for y in reversed(years)]


def mat_report_years(data: SiteData) -> list[int]:
    """The years a MAT benchmarking report is made for, newest first."""
    from missionmonitor.periods import parse_period

    spec = data.configuration.mat_report
    mat = data.results[data.results["indicator_id"] == (spec.indicator if spec else None)]
    return sorted({parse_period(p).start.year for p in mat["period"]}, reverse=True)


def reports(data: SiteData) -> dict[str, Any]:
    """The generated reports a visitor can download."""
    annual, mat_years = report_periods(data), mat_report_years(data)

    def links(path: str) -> dict[str, str]:
        return {"html": f"{path}.html", "pdf": f"{path}.pdf"}

    return page_model(
        data.configuration,
        "Reports",
        annual=[{"period": p, **links(f"/reports/annual/{p.replace('/', '-')}")} for p in annual],
        adp=[
            {"code": a.code, "name": a.name, **links(f"/reports/adp/{a.code}")}
            for a in data.geo.of_type(reporting_type(data.configuration))
        ],
        mat=[{"year": y, **links(f"/reports/mat/{y}")} for y in mat_years],
    )


def targets(data: SiteData) -> dict[str, Any]:
    """National targets: where each stands, its rule, its balancing indicators, whether its
    local targets are published or derived; and the targets announced whose value is not
    published (status "not published", no progress)."""
    from missionmonitor.targets.status import absent_targets, all_targets

    items = all_targets(data.configuration, data.results)
    for t in items:
        for a in t["areas"]:
            a["area_name"] = data.geo.area(a["area_code"]).name
        if t["apportionment"]:
            t["apportionment_note"] = t["apportionment"]["note"].strip() + (
                ""
                if t["areas"]
                else " Local baselines and targets are not yet available: "
                "they come from record-level prescribing data, which is not held."
            )
        t["synthetic_areas"] = any(a["status"] == "SYNTHETIC" for a in t["areas"])
    return page_model(
        data.configuration, "Targets", targets=items, absent=absent_targets(data.configuration)
    )
