"""An area profile: every indicator held for the area, with its latest value, the national
value beside it and its trend; and every other indicator, with the source that would
provide it and why it is not shown.

Values are the published results as every page shows them (``result_row``: suppressed ones
are ``c``). The trend is the fitted trend statement (``views.trends``) where one can be
fitted, else the latest change with its significance. What is said of an indicator not
published comes from the configuration (``Profiles``); what is computed here from
published counts says so (the indicator's ``derived`` note).

For example::

    held, missing = profile_rows(data, area, wording, declarations, sources)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from missionmonitor.data import Source
from missionmonitor.datasets.declaration import Declaration
from missionmonitor.indicators.catalogue import Indicator
from missionmonitor.refdata.geography import Area, national_code
from missionmonitor.sections import Profiles
from missionmonitor.services.site_data import SiteData
from missionmonitor.views import provenance
from missionmonitor.views.common import result_row
from missionmonitor.views.trends import trend_statement

#: How many of the latest periods the sparkline draws.
SPARK_PERIODS = 12
#: The sparkline's drawing box (width, height), in SVG user units.
SPARK_BOX = (100.0, 24.0)

#: The columns of a profile's CSV download, in order.
DOWNLOAD_COLUMNS = (
    "indicator_id",
    "title",
    "unit",
    "held",
    "period",
    "value",
    "display",
    "national_value",
    "display_national",
    "vs_national",
    "trend",
    "derived",
    "secondary",
    "not_published",
    "sources",
    # The edition of each figure (source keys) and what was read: as the indicator downloads.
    "edition",
    *provenance.DOWNLOAD_COLUMNS,
)


def profile_rows(
    data: SiteData,
    area: Area,
    wording: Profiles | None,
    declarations: Mapping[str, Declaration],
    sources: Mapping[str, Source],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The indicators held for ``area`` (catalogue order) and those not published for it."""
    res = data.results
    mine = res[res["area_code"] == area.code]
    national = res[res["area_code"] == national_code(data.configuration)]
    held, missing = [], []
    for ind in data.catalogue.values():
        rows = mine[mine["indicator_id"] == ind.id].sort_values("period_start")
        if rows.empty:
            item = _not_published(data, ind, area, wording, declarations)
            item["edition"] = _edition(
                res[res["indicator_id"] == ind.id], sources, national_code(data.configuration)
            )
            missing.append(item)
            continue
        nat = national[national["indicator_id"] == ind.id]
        held.append(_held(data, ind, area, rows, nat, sources))
    return held, missing


def _held(
    data: SiteData,
    ind: Indicator,
    area: Area,
    rows: pd.DataFrame,
    national: pd.DataFrame,
    sources: Mapping[str, Source],
) -> dict[str, Any]:
    shown = [result_row(ind, r, data) for _, r in rows.iterrows()]
    latest = shown[-1]
    same = national[national["period"] == latest["period"]]
    nat = result_row(ind, same.iloc[0], data) if not same.empty else None
    fitted = trend_statement(ind, shown, area.name)
    derived = ind.derived if ind.derived and ind.derived.applies_to(area.type) else None
    return {
        "id": ind.id,
        "title": ind.title,
        "unit": ind.unit,
        "latest": latest,
        "national": None if nat is None or area.code == national_code(data.configuration) else nat,
        "trend": {
            "sentence": fitted["sentence"] if fitted else None,
            "direction": latest["direction"],
            "fitted": fitted,
        },
        "spark": _spark(shown),
        "derived": derived.note if derived else None,
        "secondary": _secondary(latest["vintage"], sources),
        "source": edition_sources(latest["vintage"], sources),
        "editions": provenance.figure_sources(
            data.configuration,
            provenance.indicator_declarations(data.datasets, ind.sources, ind.method.dataset),
            latest["vintage"],
        ),
    }


def _spark(shown: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The latest periods' published values as a line (None: fewer than two to draw)."""
    points = [(r["period"], r["value"]) for r in shown[-SPARK_PERIODS:] if r["value"] is not None]
    if len(points) < 2:
        return None
    values = [v for _, v in points]
    lo, hi = min(values), max(values)
    width, height = SPARK_BOX
    step = width / (len(points) - 1)
    span = (hi - lo) or 1.0
    xy = [(i * step, height - (v - lo) / span * height) for i, v in enumerate(values)]
    return {
        "from": points[0][0],
        "to": points[-1][0],
        "periods": len(points),
        "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in xy),
    }


def edition_sources(vintage: str, sources: Mapping[str, Source]) -> str:
    """Where a figure was read: the register's source of each edition it names."""
    keys = [k.strip() for k in str(vintage).split(";") if k.strip()]
    return "; ".join(sources[k].source if k in sources else k for k in keys)


def _secondary(vintage: str, sources: Mapping[str, Source]) -> bool:
    """Whether the figure's edition was read from a copy of the publisher's (secondary)."""
    keys = [k.strip() for k in str(vintage).split(";") if k.strip()]
    return any(k in sources and sources[k].status.startswith("secondary") for k in keys)


def _not_published(
    data: SiteData,
    ind: Indicator,
    area: Area,
    wording: Profiles | None,
    declarations: Mapping[str, Declaration],
) -> dict[str, Any]:
    geo = data.geo
    offered = [d for d in (declarations.get(s) for s in ind.sources) if d is not None]
    unmatched = [u.name for d in offered for u in d.unmatched_areas if u.within == area.code]
    published_for = [geo.types[t].plural for t in ind.geography if t in geo.types]
    if area.type not in ind.geography:
        reason, template = "other_area_types", wording.other_types if wording else None
    elif unmatched:
        reason, template = "unmatched", wording.unmatched if wording else None
    else:
        reason, template = "not_this_area", wording.not_this_area if wording else None
    fields = {
        "area": area.name,
        "types": _listed(published_for),
        "names": _listed(unmatched),
        "publisher": "; ".join(d.publisher for d in offered),
    }
    return {
        "id": ind.id,
        "title": ind.title,
        "reason": reason,
        "published_for": published_for,
        "unmatched": unmatched,
        "note": template.format(**fields) if template else None,
        "sources": [dataset_source(d) for d in offered],
    }


def _edition(
    results: pd.DataFrame, sources: Mapping[str, Source], national_area: str
) -> dict[str, Any] | None:
    """The register's entry for the edition of the indicator's latest figure for any area
    (national first): the publication that would hold this area's figure if it had one."""
    if results.empty:
        return None
    national = results[results["area_code"] == national_area]
    latest = (national if not national.empty else results).sort_values("period_start")
    key = str(latest["vintage"].iloc[-1]).split(";")[0].strip()
    entry = sources.get(key)
    if entry is None:
        return None
    return {"key": entry.key, "series": entry.series, "source": entry.source}


def dataset_source(decl: Declaration) -> dict[str, Any]:
    """The dataset that would provide a figure: its publisher, title and where it is
    released (the series page, else the latest edition known)."""
    url = decl.releases[0].url if decl.releases else None
    if url is None and decl.source and decl.source.editions:
        url = decl.source.editions[-1].url
    return {"dataset": decl.name, "publisher": decl.publisher, "title": decl.title, "url": url}


def _listed(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return (
        items[0]
        if len(items) == 1
        else ", ".join(items[:-1]) + " and " + items[-1]
        if items
        else ""
    )


def download_rows(held: list[dict[str, Any]], missing: list[dict[str, Any]]) -> pd.DataFrame:
    """A profile as one table: the indicators held, then those not published."""
    rows = [
        {
            "indicator_id": h["id"],
            "title": h["title"],
            "unit": h["unit"],
            "held": True,
            "period": h["latest"]["period"],
            "value": h["latest"]["value"],
            "display": h["latest"]["display"],
            "national_value": h["national"]["value"] if h["national"] else None,
            "display_national": h["national"]["display"] if h["national"] else None,
            "vs_national": h["latest"]["vs_national"],
            "trend": h["trend"]["sentence"] or h["trend"]["direction"],
            "derived": h["derived"],
            "secondary": h["secondary"],
            "sources": h["source"],
            **_edition_columns(h["editions"]),
        }
        for h in held
    ] + [
        {
            "indicator_id": m["id"],
            "title": m["title"],
            "held": False,
            "not_published": m["note"] or m["reason"],
            "sources": m["edition"]["source"]
            if m["edition"]
            else "; ".join(f"{s['publisher']}: {s['title']}" for s in m["sources"]),
            "edition": m["edition"]["key"] if m["edition"] else None,
            "edition_title": m["edition"]["series"] if m["edition"] else None,
        }
        for m in missing
    ]
    return pd.DataFrame(rows, columns=list(DOWNLOAD_COLUMNS))


def _edition_columns(editions: list[dict[str, Any]]) -> dict[str, str]:
    """A figure's editions (its vintage, as the indicator downloads give it) and their
    fields as the download's columns, each joined by "; " across the editions."""
    rows = [{"edition": e["edition"], "resource": e["resource"]} for e in editions]
    columns = provenance.download_columns(pd.Series([rows]), editions).iloc[0]
    return {"edition": ";".join(e["edition"] for e in editions)} | {
        str(k): str(v) for k, v in columns.items()
    }
