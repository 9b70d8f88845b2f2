"""The accountability page: ADP funding and spend set beside each area's outcome indicators
(as context, not attribution), residential rehabilitation capacity against the declared commitment
on beds and what happens after placements (the indicators and target are listed in the
configuration's ``accountability`` section). Every figure is an indicator result, so it has
been through disclosure control with the rest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from missionmonitor import config
from missionmonitor.data import Source, load_sources
from missionmonitor.datasets.declaration import load_declarations
from missionmonitor.refdata.geography import national_code, reporting_type
from missionmonitor.sections import Accountability
from missionmonitor.services.site_data import SiteData
from missionmonitor.targets.definitions import Target, load_targets
from missionmonitor.views.common import latest_shown, page_model, results_of
from missionmonitor.views.profiles import dataset_source, edition_sources

EMPTY = Accountability()

#: The dataset approved ADP returns are loaded as (``returns export-approved``).
RETURNS_DATASET = "adp_returns"


def section(configuration: config.Configuration) -> Accountability:
    """The indicators this configuration lists for the page (none: an empty section)."""
    return configuration.accountability or EMPTY


NOT_ATTRIBUTION = (
    "Spend is shown beside outcomes as context, not as their cause. Outcomes move for many "
    "reasons (the drug supply, deprivation, the size and age of the population); money spent "
    "in one year may show in outcomes years later, or never; and areas with worse outcomes "
    "may rightly spend more. Do not read a difference between areas as the effect of spending."
)


def _cell(
    row: dict[str, Any] | None, sources: Mapping[str, Source] | None = None
) -> dict[str, Any]:
    if row is None:
        return {
            "display": "",
            "value": None,
            "period": "",
            "suppressed": False,
            "status": "",
            "vintage": "",
            "source": "",
        }
    shown = "suppressed" if row["suppressed"] else row["display"]
    return {
        "display": shown,
        "value": None if row["suppressed"] else row["value"],
        "period": row["period"],
        "suppressed": row["suppressed"],
        "status": row["status"],
        "vintage": row["vintage"],
        "source": edition_sources(row["vintage"], sources) if sources is not None else "",
    }


def _has_adp_figures(data: SiteData, indicator_id: str) -> bool:
    df = results_of(data, indicator_id)
    return bool(
        ((df["area_type"] == reporting_type(data.configuration)) & df["value"].notna()).any()
    )


def funding_table(data: SiteData, end: dt.date | None = None) -> dict[str, Any]:
    """One row per ADP: its latest funding figures and the latest of each context indicator
    (of periods ending by ``end``, if given: an annual report's year end)."""
    cat, spec = data.catalogue, section(data.configuration)
    funding = [i for i in spec.funding if i in cat]
    context = [i for i in spec.context if i in cat and _has_adp_figures(data, i)][:3]
    columns = [*funding, *context]
    sources = load_sources(data.configuration)
    rows: list[dict[str, Any]] = []
    results = {i: results_of(data, i) for i in columns}
    for area in sorted(data.geo.of_type(reporting_type(data.configuration)), key=lambda a: a.name):
        cells = [
            _cell(latest_shown(data, cat[i], area.code, end, results[i]), sources) for i in columns
        ]
        rows.append({"code": area.code, "name": area.name, "cells": cells})
    held_by_column = [any(r["cells"][n]["display"] for r in rows) for n in range(len(columns))]
    return {
        "columns": [
            {
                "id": i,
                "title": cat[i].title,
                "unit": cat[i].unit,
                "held": held_by_column[n],
                "would_provide": _would_provide(data, i),
            }
            for n, i in enumerate(columns)
        ],
        "funding_columns": len(funding),
        "rows": rows,
        "held": any(held_by_column[: len(funding)]),
        "returns_held": any(
            held_by_column[n] for n, i in enumerate(funding) if RETURNS_DATASET in cat[i].sources
        ),
    }


def _would_provide(data: SiteData, indicator_id: str) -> list[dict[str, Any]]:
    """The publications that would provide an indicator's figures where none is held: each
    source dataset's releases (the publisher's series pages), else the dataset itself."""
    declarations = load_declarations(data.configuration)
    out: list[dict[str, Any]] = []
    named = data.catalogue[indicator_id].sources
    for decl in (declarations[s] for s in named if s in declarations):
        out += [
            {"dataset": decl.name, "publisher": r.publisher, "title": r.title, "url": r.url}
            for r in decl.releases
        ] or [dataset_source(decl)]
    return out


def priorities(data: SiteData) -> list[dict[str, Any]]:
    """The latest national share of spend by priority (sums of ADP returns)."""
    out = []
    for ind in (
        data.catalogue[i] for i in section(data.configuration).priorities if i in data.catalogue
    ):
        row = latest_shown(data, ind, national_code(data.configuration))
        out.append({"id": ind.id, "title": ind.title, **_cell(row)})
    return out


def beds_commitment(configuration: config.Configuration) -> Target | None:
    """The declared target the beds held are set against (None: not configured)."""
    wanted = section(configuration).beds_target
    return next((t for t in load_targets(configuration) if t.id == wanted), None)


def rehabilitation(data: SiteData) -> dict[str, Any]:
    """Beds against the commitment, placements, and outcomes after placements, nationally."""
    cat, spec = data.catalogue, section(data.configuration)
    shown = (*spec.capacity, *spec.after_placements)
    latest = {
        i: latest_shown(data, cat[i], national_code(data.configuration)) for i in shown if i in cat
    }
    items = [
        {"id": i, "title": cat[i].title, "unit": cat[i].unit, **_cell(row)}
        for i, row in latest.items()
    ]
    beds = None
    if spec.beds is not None and spec.beds in cat:
        beds = latest.get(spec.beds) or latest_shown(
            data, cat[spec.beds], national_code(data.configuration)
        )
    target = beds_commitment(data.configuration)
    commitment = int(target.value) if target else None
    gap = None
    if beds is not None and beds["value"] is not None and commitment is not None:
        gap = commitment - beds["value"]
    return {
        "items": items,
        "commitment": commitment,
        # Where the commitment is stated, and its baseline with the publication it is from.
        "commitment_source": target.source.strip() if target else None,
        "commitment_set_on": target.set_on.isoformat() if target and target.set_on else None,
        "commitment_baseline": target.baseline.model_dump() if target and target.baseline else None,
        "beds": _cell(beds),
        "gap": gap,
    }


def accountability(data: SiteData) -> dict[str, Any]:
    funding = funding_table(data)
    return page_model(
        data.configuration,
        "Funding, rehabilitation and accountability",
        funding=funding,
        priorities=priorities(data),
        rehabilitation=rehabilitation(data),
        not_attribution=NOT_ATTRIBUTION,
        synthetic=bool((data.results["status"] == "SYNTHETIC").any())
        if not data.results.empty
        else False,
        sources=section(data.configuration).sources
        or "Returns approved in the Mission Monitor portal; published figures as each "
        "indicator's page names their source.",
    )
