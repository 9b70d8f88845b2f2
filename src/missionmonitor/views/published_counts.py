"""The counts the indicator pages and their downloads actually publish, read back from
their view models, for the disclosure audit: every published row of every indicator page
(its trend and each area type's comparison table) and of its download.

For example::

    findings = small_counts_on_pages(SiteData.read(store_path))
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from missionmonitor.services.site_data import SiteData
from missionmonitor.views import indicators as indicator_views


def _pages(data: SiteData, indicator_id: str) -> Iterator[dict[str, Any]]:
    first = indicator_views.indicator(data, indicator_id)
    yield first
    for option in first.get("area_type_options") or []:
        yield indicator_views.indicator(data, indicator_id, area_type=option["value"])


def small_counts_on_pages(data: SiteData) -> list[tuple[str, str, str, str]]:
    """(indicator, area, period, what) for each count of 1 to the indicator's threshold that
    an indicator page, its JSON twin or its download shows."""
    found = set()
    for ind in data.catalogue.values():
        threshold = ind.disclosure.threshold
        if threshold == 0:
            continue
        columns = ["numerator", "denominator"] if ind.denominator_counts else ["numerator"]
        for page in _pages(data, ind.id):
            rows = indicator_views.download_rows(page).to_dict("records")
            for r in rows:
                for col in columns:
                    v = r.get(col)
                    if v is not None and v == v and 1 <= v <= threshold:
                        found.add((ind.id, str(r["area_code"]), str(r["period"]), f"{col} {v:g}"))
    return sorted(found)
