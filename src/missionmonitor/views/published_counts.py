"""The counts the indicator pages, area profiles and downloads actually publish, read back
from their view models, for the disclosure audit: every published row of every indicator
page (its trend and each area type's comparison table), of its download, and of every
area profile.

For example::

    findings = small_counts_on_pages(SiteData.read(store_path))
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from missionmonitor.services.site_data import SiteData
from missionmonitor.views import areas as area_views
from missionmonitor.views import indicators as indicator_views


def _pages(data: SiteData, indicator_id: str) -> Iterator[dict[str, Any]]:
    first = indicator_views.indicator(data, indicator_id)
    yield first
    for option in first.get("area_type_options") or []:
        yield indicator_views.indicator(data, indicator_id, area_type=option["value"])


def small_counts_on_pages(data: SiteData) -> list[tuple[str, str, str, str]]:
    """(indicator, area, period, what) for each count of 1 to the indicator's threshold that
    an indicator page, an area profile, their JSON twins or a download shows."""
    found: set[tuple[str, str, str, str]] = set()
    for ind in data.catalogue.values():
        for page in _pages(data, ind.id):
            rows = indicator_views.download_rows(page).to_dict("records")
            found |= _small(data, ind.id, [{str(k): v for k, v in r.items()} for r in rows])
    for code in data.geo.areas:
        if data.geo.areas[code].current:
            for item in area_views.area(data, code)["indicators"]:
                found |= _small(data, item["id"], [item["latest"], *item["recent"]])
    return sorted(found)


def _small(data: SiteData, indicator_id: str,
           rows: list[dict[str, Any]]) -> set[tuple[str, str, str, str]]:  # fmt: skip
    ind = data.catalogue[indicator_id]
    threshold = ind.disclosure.threshold
    columns = ["numerator", "denominator"] if ind.denominator_counts else ["numerator"]
    out = set()
    for r in rows:
        for col in columns if r else []:
            v = r.get(col)
            if v is not None and v == v and 1 <= v <= threshold:
                out.add((ind.id, str(r["area_code"]), str(r["period"]), f"{col} {v:g}"))
    return out
