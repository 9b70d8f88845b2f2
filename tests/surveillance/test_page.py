"""The surveillance page and its JSON twin, with a SYNTHETIC scan held."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from missionmonitor.store.connection import Store
from missionmonitor.surveillance.early_warning import (
    get_series,
    scan,
    store_scan,
    synthetic_overdoses,
)
from missionmonitor.web.app import create_app
from tests.helpers import scotland, site_settings


@pytest.fixture
def site(demo_store_copy):
    made = synthetic_overdoses(scotland(), seed=3, years=6)
    series = get_series(scotland(), "nonfatal_overdoses")
    since = sorted(made.counts["period"].unique())[52 * 5]
    found = scan(made.counts, series, since)
    # A small count among the alerts, to check it is never shown in public.
    found.loc[0, ["observed", "expected", "threshold"]] = [4.0, 1.0, 3.0]
    found.loc[0, "score"] = (4.0 - 1.0) / (3.0 - 1.0)
    with Store.open(demo_store_copy, scotland()) as store:
        store_scan(store, series, made.counts, found)
    return TestClient(create_app(site_settings(demo_store_copy))), found


def test_page_shows_every_section_and_labels_synthetic_alerts(site):
    client, found = site
    html = client.get("/surveillance").text
    for heading in (
        "Deaths across sources and editions",
        "Trend around the Mission",
        "Early warning",
        "Prevalence",
    ):
        assert heading in html
    assert "(SYNTHETIC)" in html and "not real overdoses" in html
    page = client.get("/surveillance.json").json()
    (scanned,) = page["alerts"]
    assert scanned["synthetic"] and scanned["alerts"] == len(found)


def test_small_counts_and_their_scores_are_not_published(site):
    client, _ = site
    rows = client.get("/surveillance.json").json()["alerts"][0]["rows"]
    small = [r for r in rows if r["observed"] is None]
    assert small and all(r["score"] is None for r in small)
    # observed > threshold, so a threshold (or expected count and score) would narrow a hidden
    # count down: none is published beside one.
    assert all(r["threshold"] is None and r["expected"] is None for r in small)
    html = client.get("/surveillance").text
    assert ">3.0<" not in html and ">4<" not in html
    shown = [r["observed"] for r in rows if r["observed"] is not None]
    assert all(v == 0 or v > 9 for v in shown)


def test_page_without_a_scan_says_how_to_make_one(client):
    html = client.get("/surveillance").text
    assert "No scan is held yet" in html
    assert client.get("/surveillance.json").json()["alerts"] == []
