"""The counts every public page publishes, read back from the page view models (each
page's JSON twin is its view model), for the disclosure audit.

Every JSON twin made from the store is walked: home, outcomes and each outcome, the
indicator list, every indicator page (each area type's comparison included), every area
profile, targets, surveillance, methodology and reports. Wherever a result row appears
(it names its ``indicator_id``), its numerator, and its denominator where that counts
people, must not be a count from 1 to the indicator's threshold. Wherever an alert row
appears, a published observed count must not be small (by its series' rule), and a
hidden one must not come with the threshold, expected count or score that would narrow it
down.

For example::

    findings = small_counts_on_pages(SiteData.read(store_path))
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from missionmonitor.methods.disclosure import Disclosure
from missionmonitor.services.site_data import SiteData
from missionmonitor.surveillance.early_warning import load_series
from missionmonitor.views import areas as area_views
from missionmonitor.views import home as home_views
from missionmonitor.views import indicators as indicator_views
from missionmonitor.views import surveillance as surveillance_views

Finding = tuple[str, str, str, str]  # (indicator or series, area, period, what)

#: What an alert publishes beside its observed count.
_ALERT_COMPANIONS = ("expected", "threshold", "score")


def public_documents(data: SiteData) -> Iterator[tuple[str, dict[str, Any]]]:
    """(address, JSON twin) of every public page made from the store."""
    yield "/index.json", home_views.home(data)
    yield "/outcomes.json", home_views.outcomes(data)
    for outcome_id in data.outcomes:
        yield f"/outcomes/{outcome_id}.json", home_views.outcome(data, outcome_id)
    yield "/indicators.json", indicator_views.indicators(data)
    for ind in data.catalogue.values():
        first = indicator_views.indicator(data, ind.id)
        yield f"/indicators/{ind.id}.json", first
        for option in first.get("area_type_options") or []:
            yield (
                f"/indicators/{ind.id}.json?area_type={option['value']}",
                indicator_views.indicator(data, ind.id, area_type=option["value"]),
            )
    yield "/areas.json", area_views.areas(data)
    for code, area in data.geo.areas.items():
        if area.current:
            yield f"/areas/{code}.json", area_views.area(data, code)
    yield "/targets.json", area_views.targets(data)
    yield "/surveillance.json", surveillance_views.surveillance(data)
    yield "/methodology.json", area_views.methodology(data)
    yield "/reports.json", area_views.reports(data)


def small_counts_on_pages(data: SiteData) -> list[Finding]:
    """Each small or recoverable count that a public page, its JSON twin or an indicator
    download shows (the download holds exactly the rows of its page)."""
    found: set[Finding] = set()
    rules = {s.id: s.disclosure.threshold for s in load_series(data.configuration).values()}
    # Alerts outside any series' block are held to the strictest series' rule.
    strictest = max(rules.values(), default=Disclosure().threshold)
    for _address, document in public_documents(data):
        found |= set(_walk(data, document, rules, strictest))
    return sorted(found)


def _walk(data: SiteData, node: Any, rules: dict[str, int], alerts: int) -> Iterator[Finding]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(data, item, rules, alerts)
        return
    if not isinstance(node, dict):
        return
    ind = data.catalogue.get(str(node.get("indicator_id"))) if "numerator" in node else None
    if ind is not None and ind.disclosure.threshold:
        columns = ["numerator", "denominator"] if ind.denominator_counts else ["numerator"]
        for col in columns:
            v = node.get(col)
            if v is not None and v == v and 1 <= v <= ind.disclosure.threshold:
                yield ind.id, str(node["area_code"]), str(node["period"]), f"{col} {v:g}"
    alerts = rules.get(str(node.get("series_id")), alerts)
    if "observed" in node and "threshold" in node:
        yield from alert_findings(node, alerts)
    for value in node.values():
        yield from _walk(data, value, rules, alerts)


def alert_findings(row: dict[str, Any], threshold: int) -> Iterator[Finding]:
    """What an alert row gives away: an observed count from 1 to its series' ``threshold``,
    or a hidden one narrowed down by what is published beside it."""
    where = (str(row.get("method", "alert")), str(row.get("area_code")), str(row.get("period")))
    observed = row["observed"]
    if observed is not None and 1 <= observed <= threshold:
        yield *where, f"observed {observed:g}"
    if observed is None:
        for key in _ALERT_COMPANIONS:
            if row.get(key) is not None:
                yield *where, f"{key} published beside a hidden observed count"
