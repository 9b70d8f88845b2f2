"""Every figure of an indicator page, its JSON twin and its download names the edition it
comes from and, where its dataset declares the publisher's platform, the resource read."""

from __future__ import annotations

import csv
import io

import pytest

from missionmonitor.data import load_sources
from missionmonitor.datasets.declaration import get_declaration
from missionmonitor.indicators.catalogue import load_catalogue
from missionmonitor.views import provenance
from tests.helpers import scotland


def _rows(page: dict) -> list[dict]:
    return page["trend"]["rows"] + (page["comparison"] or {}).get("rows", [])


def test_every_figure_of_every_indicator_names_an_edition_in_the_source_register(client):
    registry = load_sources(scotland())
    named = 0
    for ind in load_catalogue(scotland()):
        page = client.get(f"/indicators/{ind}.json").json()
        full = {s["edition"]: s for s in page["figure_sources"]}
        for row in _rows(page):
            assert row["sources"], (ind, row["period"])
            for s in row["sources"]:
                entry = registry[s["edition"]]  # resolves in sources.yaml
                described = full[s["edition"]]
                assert described["title"] == entry.series
                assert described["published"] == entry.published
                assert described["resource"] == s["resource"]
                named += 1
        # The page's table holds each edition its figures name, once.
        editions = [s["edition"] for s in page["figure_sources"]]
        assert len(editions) == len(set(editions))
        assert set(editions) == {s["edition"] for r in _rows(page) for s in r["sources"]}
    assert named


def test_a_figure_read_from_phs_open_data_names_its_resource(client):
    resource = get_declaration(scotland(), "phs_waiting_times_areas").source.resource
    assert resource == "abf54d64-88de-47d8-9c31-49a959abc164"
    page = client.get("/indicators/waits_ongoing_3w_pct.json").json()
    found = [s for r in _rows(page) for s in r["sources"]]
    assert found and {s["resource"] for s in found} == {resource}
    assert {s["platform"] for s in page["figure_sources"]} == {"phs_ckan"}


@pytest.mark.parametrize("ind", ["drd_deaths_areas", "drd_asr_5yr_nrs"])
def test_a_figure_read_from_the_nrs_workbook_names_the_workbooks_address(client, ind):
    source = get_declaration(scotland(), "nrs_drug_deaths").source
    page = client.get(f"/indicators/{ind}.json").json()
    found = [s for r in _rows(page) for s in r["sources"]]
    assert found and {s["resource"] for s in found} == {source.editions[-1].url}
    assert {s["address"] for s in page["figure_sources"]} == {source.editions[-1].url}


def test_a_figure_of_an_edition_the_platform_does_not_read_names_no_resource(client):
    # The NRS report's figures are transcribed, not read through a connector.
    page = client.get("/indicators/drd_deaths.json").json()
    found = [s for r in _rows(page) for s in r["sources"]]
    assert found and all(s["resource"] is None for s in found)
    assert all(s["platform"] is None for s in page["figure_sources"])


def test_the_csv_download_names_each_figures_edition_and_resource(client):
    page = client.get("/indicators/waits_ongoing_3w_pct.json").json()
    body = client.get(page["downloads"]["csv"]).text
    rows = list(csv.DictReader(io.StringIO(body)))
    assert set(provenance.DOWNLOAD_COLUMNS) <= set(rows[0])
    for row in rows:
        assert row["resource"] == "abf54d64-88de-47d8-9c31-49a959abc164"
        assert row["edition_title"] == load_sources(scotland())[row["vintage"]].series


def test_the_page_shows_the_sources_of_its_figures(client):
    html = client.get("/indicators/drd_deaths_areas").text
    table = html.split("Sources of these figures")[1]
    assert get_declaration(scotland(), "nrs_drug_deaths").source.editions[-1].url in table
    assert "NRS_DRD_2023_DATA" in table


def test_an_address_is_read_from_a_register_entry():
    entry = load_sources(scotland())["NRS_DRD_2023_DATA"]
    assert provenance.address_of(entry) == (
        "https://www.nrscotland.gov.uk/files//statistics/drug-related-deaths/23/"
        "drug-related-deaths-23-data.xlsx"
    )
