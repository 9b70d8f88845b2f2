"""The accountability page: ADP funding and spend set beside each area's outcome indicators
(as context, not attribution), residential rehabilitation capacity against the commitment of
650 beds and what happens after placements. Every figure is an indicator result, so it has
been through disclosure control with the rest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from missionmonitor.refdata.geography import national_code, reporting_type
from missionmonitor.services.site_data import SiteData
from missionmonitor.views.common import latest_shown, page_model, results_of

FUNDING = ("funding_spend_per_head", "funding_allocation_spent_pct")
#: Outcome indicators set beside spend, in order of preference (those with ADP figures).
CONTEXT = (
    "drd_rate_per_1000_5yr",
    "ost_retention_12w",
    "ost_access_3w",
    "ndrdd_contact_drug_treatment_6m",
    "mat1_same_day_pct",
)
#: Beds (all, then by provider sector), placements, then what happens after placements.
REHAB = (
    "rr_beds",
    "rr_beds_nhs",
    "rr_beds_third_sector",
    "rr_beds_private",
    "rr_placements",
    "rr_completed_pct",
    "rr_left_early_pct",
    "rr_followup_3m_pct",
    "rr_followup_12m_pct",
    "rr_recovery_3m_pct",
    "rr_recovery_12m_pct",
)
#: Where the outcomes after placements start in REHAB.
AFTER = REHAB.index("rr_completed_pct")
#: The Mission's commitment on residential rehabilitation beds, as its annual reports describe
#: the rehabilitation commitments (beside 1,000 publicly funded placements a year).
BEDS_COMMITMENT = 650
NOT_ATTRIBUTION = (
    "Spend is shown beside outcomes as context, not as their cause. Outcomes move for many "
    "reasons (the drug supply, deprivation, the size and age of the population); money spent "
    "in one year may show in outcomes years later, or never; and areas with worse outcomes "
    "may rightly spend more. Do not read a difference between areas as the effect of spending."
)


def _cell(row: dict[str, Any] | None) -> dict[str, Any]:
    if row is None:
        return {"display": "", "period": "", "suppressed": False, "status": ""}
    shown = "suppressed" if row["suppressed"] else row["display"]
    return {
        "display": shown,
        "period": row["period"],
        "suppressed": row["suppressed"],
        "status": row["status"],
    }


def _has_adp_figures(data: SiteData, indicator_id: str) -> bool:
    df = results_of(data, indicator_id)
    return bool(((df["area_type"] == reporting_type()) & df["value"].notna()).any())


def funding_table(data: SiteData, end: dt.date | None = None) -> dict[str, Any]:
    """One row per ADP: its latest funding figures and the latest of each context indicator
    (of periods ending by ``end``, if given: an annual report's year end)."""
    cat = data.catalogue
    context = [i for i in CONTEXT if i in cat and _has_adp_figures(data, i)][:3]
    columns = [*FUNDING, *context]
    rows: list[dict[str, Any]] = []
    held = False
    results = {i: results_of(data, i) for i in columns}
    for area in sorted(data.geo.of_type(reporting_type()), key=lambda a: a.name):
        cells = [_cell(latest_shown(data, cat[i], area.code, end, results[i])) for i in columns]
        held = held or any(c["display"] for c in cells[: len(FUNDING)])
        rows.append({"code": area.code, "name": area.name, "cells": cells})
    return {
        "columns": [{"id": i, "title": cat[i].title, "unit": cat[i].unit} for i in columns],
        "funding_columns": len(FUNDING),
        "rows": rows,
        "held": held,
    }


def priorities(data: SiteData) -> list[dict[str, Any]]:
    """Scotland's latest share of spend by Mission priority (sums of ADP returns)."""
    out = []
    for ind in data.catalogue.values():
        if ind.id.startswith("funding_priority_"):
            row = latest_shown(data, ind, national_code())
            out.append({"id": ind.id, "title": ind.title, **_cell(row)})
    return out


def rehabilitation(data: SiteData) -> dict[str, Any]:
    """Beds against the commitment, placements, and outcomes after placements (Scotland)."""
    cat = data.catalogue
    latest = {i: latest_shown(data, cat[i], national_code()) for i in REHAB if i in cat}
    items = [
        {"id": i, "title": cat[i].title, "unit": cat[i].unit, **_cell(row)}
        for i, row in latest.items()
    ]
    beds = latest.get("rr_beds")
    gap = None
    if beds is not None and beds["value"] is not None:
        gap = BEDS_COMMITMENT - beds["value"]
    return {"items": items, "commitment": BEDS_COMMITMENT, "beds": _cell(beds), "gap": gap}


def accountability(data: SiteData) -> dict[str, Any]:
    funding = funding_table(data)
    return page_model(
        "Funding, rehabilitation and accountability",
        funding=funding,
        priorities=priorities(data),
        rehabilitation=rehabilitation(data),
        not_attribution=NOT_ATTRIBUTION,
        synthetic=bool((data.results["status"] == "SYNTHETIC").any())
        if not data.results.empty
        else False,
        sources=(
            "ADP funding, MAT progress, bed census and placement outcome returns approved in "
            "the Mission Monitor portal; residential rehabilitation placements as published "
            "by Public Health Scotland."
        ),
    )
