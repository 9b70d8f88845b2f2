"""Indicator pages: what they show of earlier editions goes through disclosure control."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from missionmonitor.services.site_data import SiteData
from missionmonitor.views import indicators as indicator_views
from tests.helpers import scotland


@pytest.fixture(scope="module")
def data(built_store_path):
    return SiteData.read(scotland(), built_store_path)


def _with_revision(data: SiteData, values: list[float]) -> SiteData:
    """The snapshot with one figure of drd_deaths (Scotland, 2020) held in two editions."""
    rows = pd.DataFrame(
        {
            "dataset": "drd_scotland_annual",
            "measure": "drd_deaths",
            "area_code": "S92000003",
            "period": "2020",
            "sex": "All",
            "age_group": "All ages",
            "breakdown": "",
            "vintage": ["EDITION_A", "EDITION_B"],
            "value": values,
            "vintage_rank": [1, 2],
        }
    )
    return dataclasses.replace(data, revisions=rows)


def test_an_earlier_edition_with_a_small_count_is_suppressed(data):
    page = indicator_views.indicator(_with_revision(data, [8.0, 1339.0]), "drd_deaths")
    (revised,) = [r for r in page["revisions"] if r["period"] == "2020"]
    assert [v["value"] for v in revised["vintages"]] == [None, 1339.0]
    assert revised["change"] is None  # 1339 minus the change would give the hidden count


def test_revisions_of_published_sizes_are_shown_with_their_change(data):
    page = indicator_views.indicator(_with_revision(data, [1330.0, 1339.0]), "drd_deaths")
    (revised,) = [r for r in page["revisions"] if r["period"] == "2020"]
    assert [v["value"] for v in revised["vintages"]] == [1330.0, 1339.0]
    assert revised["change"] == 9.0


def test_direction_words_only_for_significant_changes(data):
    rows = [
        r
        for ind in ("drd_deaths", "drd_rate_per_1000_5yr", "suspected_drug_deaths")
        for r in indicator_views.indicator(data, ind)["trend"]["rows"]
    ]
    judged = [r for r in rows if r["direction"] in ("improving", "worsening")]
    assert judged and all(r["change_significant"] is True for r in judged)
    unclear = [r for r in rows if r["change_significant"] is False]
    assert unclear and all(r["direction"].endswith("not a significant change") for r in unclear)


def test_every_figure_names_its_edition_source_date_and_status(data):
    page = indicator_views.indicator(data, "drd_deaths")
    keys = {e["key"] for e in page["editions"]}
    assert keys == {r["vintage"] for r in page["trend"]["rows"]}
    latest = next(e for e in page["editions"] if e["key"] == page["trend"]["rows"][-1]["vintage"])
    assert latest["published"] and latest["source"] and latest["status"] == "primary"


def test_the_audit_reads_the_counts_pages_and_downloads_publish(data):
    from missionmonitor.views.published_counts import small_counts_on_pages

    assert small_counts_on_pages(data) == []
    results = data.results.copy()
    row = results.index[
        (results.indicator_id == "drd_rate_per_1000_5yr") & (results.area_code == "S12000013")
    ][-1]
    results.loc[row, ["numerator", "suppressed"]] = [5.0, False]
    found = small_counts_on_pages(dataclasses.replace(data, results=results))
    assert ("drd_rate_per_1000_5yr", "S12000013") in {(i, a) for i, a, _, _ in found}


def test_the_audit_reads_every_json_twin_not_only_indicator_pages(data):
    from missionmonitor.views.published_counts import public_documents, small_counts_on_pages

    addresses = {a for a, _ in public_documents(data)}
    assert {
        "/index.json",
        "/outcomes.json",
        "/targets.json",
        "/surveillance.json",
        "/indicators.json",
        "/methodology.json",
    } <= addresses
    assert any(a.startswith("/outcomes/") for a in addresses)
    # A small count reaching only the home page's trend (national drug deaths) is found.
    results = data.results.copy()
    row = results.index[
        (results.indicator_id == "drd_deaths") & (results.area_code == "S92000003")
    ][0]
    results.loc[row, ["numerator", "suppressed"]] = [4.0, False]
    found = small_counts_on_pages(dataclasses.replace(data, results=results))
    assert ("drd_deaths", "S92000003", results.loc[row, "period"], "numerator 4") in found


def test_the_audit_finds_an_alert_threshold_beside_a_hidden_count():
    from missionmonitor.views.published_counts import alert_findings

    hidden = {
        "method": "farrington",
        "area_code": "S08000031",
        "period": "2024-W01",
        "observed": None,
        "expected": 2.1,
        "threshold": 8.0,
        "score": None,
    }
    assert [w for *_, w in alert_findings(hidden, 9)] == [
        "expected published beside a hidden observed count",
        "threshold published beside a hidden observed count",
    ]
    assert [w for *_, w in alert_findings({**hidden, "observed": 7}, 9)] == ["observed 7"]
    # The series' own threshold decides what is small.
    assert not list(alert_findings({**hidden, "observed": 7, "expected": None}, 5))
    assert not list(
        alert_findings({**hidden, "observed": None, "expected": None, "threshold": None}, 9)
    )
