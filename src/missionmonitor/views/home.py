"""View models of the home page and the outcomes pages."""

from __future__ import annotations

from typing import Any

from missionmonitor.errors import NotFoundError
from missionmonitor.formatting import display_percent, display_value
from missionmonitor.refdata.geography import national_code
from missionmonitor.services.site_data import SiteData
from missionmonitor.targets.status import all_targets
from missionmonitor.views import charts
from missionmonitor.views.common import (
    indicator_summary,
    page_model,
    result_row,
    results_of,
)


def home(data: SiteData) -> dict[str, Any]:
    cat = data.catalogue

    def latest(ind_id: str) -> dict[str, Any] | None:
        return indicator_summary(cat[ind_id], data)["latest"] if ind_id in cat else None

    targets = {t["indicator"]: t for t in all_targets(data.results)}
    ost_goal, rehab_goal = targets.get("ost_people"), targets.get("rr_placements")
    deaths = results_of(data, "drd_deaths")
    deaths = deaths[deaths["area_code"] == national_code()]
    drd, ost = latest("drd_deaths"), latest("ost_people")
    rehab, mat = latest("rr_placements"), latest("mat_standards_implemented_pct")
    headline = None
    if drd and drd["change_vs_previous"] is not None:
        word = "fewer" if drd["change_vs_previous"] < 0 else "more"
        headline = (f"{drd['display']} drug misuse deaths were registered in {drd['period']}, "
                    f"{display_value(abs(drd['change_vs_previous']), 0)} "
                    f"({display_percent(abs(drd['change_pct_vs_previous']))}) {word} than in "
                    f"{int(drd['period']) - 1}.")  # fmt: skip
    ost_text = rehab_text = mat_text = None
    if ost and ost_goal and ost_goal["latest"]:
        ost_text = (
            f"{ost['display']} people ({ost['period']}, minimum estimate) against a "
            f"target of at least {display_value(ost_goal['value'], 0)} by 1 April 2024 "
            f"({display_value(ost_goal['latest']['share_of_target'], 0)}% of the target; "
            f"{ost_goal['progress']['status']})."
        )
    if rehab and rehab_goal:
        rehab_text = (
            f"{rehab['display']} placements approved in {rehab['period']}; the "
            f"commitment: {rehab_goal['statement']} ({rehab_goal['source']})"
        )
    if mat:
        mat_text = (
            f"{mat['display']}% of assessments of standards 1-5 fully implemented "
            f"({mat['period']})."
        )
    cards = [
        {"indicator": "drd_deaths", "title": "Drug misuse deaths", "latest": drd,
         "text": headline},
        {"indicator": "ost_people", "title": "People in opioid substitution therapy",
         "latest": ost, "target": ost_goal["value"] if ost_goal else None, "text": ost_text,
         "balancing": ost_goal["balancing_note"] if ost_goal else None},
        {"indicator": "rr_placements", "title": "Residential rehabilitation placements",
         "latest": rehab, "target": rehab_goal["value"] if rehab_goal else None,
         "text": rehab_text},
        {"indicator": "mat_standards_implemented_pct", "title": "MAT standards 1-5",
         "latest": mat, "text": mat_text, "suffix": "%"},
        {"indicator": "suspected_drug_deaths", "title": "Suspected drug deaths (provisional)",
         "latest": latest("suspected_drug_deaths"), "text": None},
    ]  # fmt: skip
    trend_rows = deaths[["period", "value", "lci", "uci"]]
    return page_model(
        "National Mission on Drugs: monitoring",
        cards=cards,
        trend={"id": "trend-deaths", "title": "Drug misuse deaths, Scotland",
               "caption": "Drug misuse deaths registered each year, Scotland (NRS).",
               "summary": headline or "", "spec": charts.trend_chart(
                   trend_rows, "drug misuse deaths", "deaths", []),
               "rows": [result_row(cat["drd_deaths"], r, data) for _, r in deaths.iterrows()]},
        outcomes=[{"id": o.id, "title": o.title} for o in data.outcomes.values()],
    )  # fmt: skip


def outcomes(data: SiteData) -> dict[str, Any]:
    items = []
    for o in data.outcomes.values():
        inds = [indicator_summary(i, data) for i in data.catalogue.values() if i.outcome == o.id]
        items.append({"id": o.id, "title": o.title, "indicators": inds})
    return page_model("Outcomes", outcomes=items)


def outcome(data: SiteData, outcome_id: str) -> dict[str, Any]:
    if outcome_id not in data.outcomes:
        raise NotFoundError(f"no outcome {outcome_id!r}")
    o = data.outcomes[outcome_id]
    inds = [indicator_summary(i, data) for i in data.catalogue.values() if i.outcome == o.id]
    return page_model(f"Outcome {o.id}: {o.title}" if o.id.isdigit() else o.title,
                 outcome={"id": o.id, "title": o.title}, indicators=inds)  # fmt: skip


# ---- indicators ----------------------------------------------------------------------
