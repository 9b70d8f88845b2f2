"""A figure the publisher's file held does not give (a quarter past its latest edition) is
read from another dataset where one holds it, under its own source: the 2024-Q1 suspected
drug deaths figure for Scotland, quoted by a secondary source, is in the series and is
marked secondary; every quarter the workbook gives is the workbook's."""

from __future__ import annotations

import csv

import pytest

from missionmonitor.data import load_sources, shipped_file
from missionmonitor.store.connection import Store
from tests.helpers import scotland

IND = "suspected_drug_deaths"


@pytest.fixture(scope="module")
def quoted() -> list[dict[str, str]]:
    """The quarterly suspected drug deaths figures of the shipped other.csv."""
    with shipped_file(scotland(), "other.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["measure"] == IND]
    return [r for r in rows if "-Q" in r["period"]]


def test_a_quarter_past_the_workbook_is_read_from_its_quoted_source(built_store_path, quoted):
    assert quoted, "other.csv quotes a quarter of suspected drug deaths"
    with Store.open(built_store_path, scotland(), read_only=True) as store:
        shown = store.con.execute(
            "SELECT area_code, period, value, vintage FROM indicator_results "
            "WHERE indicator_id = ?",
            [IND],
        ).df()
        workbook = store.con.execute(
            "SELECT DISTINCT area_code, period, source FROM ds_police_suspected_drug_deaths"
        ).fetchall()
    by_key = shown.set_index(["area_code", "period"])
    for r in quoted:
        row = by_key.loc[(r["area_code"], r["period"])]
        assert (row.value, row.vintage) == (float(r["value"]), r["source"])
        assert load_sources(scotland())[r["source"]].status.startswith("secondary")
    for area, period, source in workbook:
        if (area, period) in by_key.index:
            assert by_key.loc[(area, period), "vintage"] == source


def test_the_page_names_the_secondary_quarter(client, quoted):
    page = client.get(f"/indicators/{IND}")
    assert page.status_code == 200
    assert "Read from a secondary source" in page.text
    assert all(r["period"] in page.text.split("Read from a secondary source")[1] for r in quoted)
