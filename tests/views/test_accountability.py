"""The accountability page's funding table: the Scottish Government's funding transferred to
ADPs as published (each figure with the publication it was read from), "not held" naming the
publications that would provide it elsewhere, and the same in the JSON twin and profiles."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from missionmonitor import config
from missionmonitor.data import load_sources
from missionmonitor.refdata.geography import reporting_type
from missionmonitor.services.site_data import SiteData
from missionmonitor.views.accountability import funding_table
from missionmonitor.views.areas import area
from tests.helpers import scotland

KEY = "SP_WA_ADP_FUNDING_2022_23"
ADDRESS = "https://parliament.scot/chamber-and-committees/questions-and-answers?msp=1783&page=50"
INDICATOR = "funding_transferred_total"


@pytest.fixture(scope="module")
def data(built_store_path):
    return SiteData.read(scotland(), built_store_path)


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return pd.read_csv(config.path(scotland(), "data/adp_funding_allocations.csv"))


def _quoted_rows() -> dict[str, tuple[int, int, int]]:
    """Table 1 rows as quoted in the source register: HSCP name → (programme, baseline,
    total), in whole pounds."""
    taken = load_sources(scotland())[KEY].taken
    rows = re.findall(r'"([A-Za-z ]+) HSCP \| £([\d,]+) \| £([\d,]+) \| £([\d,]+)"', taken)
    return {
        name: tuple(int(v.replace(",", "")) for v in values)  # type: ignore[misc]
        for name, *values in rows
    }


def test_shipped_figures_are_the_ones_quoted_from_the_written_answer(shipped):
    quoted = _quoted_rows()
    assert set(quoted) == {"East Ayrshire", "North Ayrshire", "South Ayrshire"}
    assert ADDRESS in load_sources(scotland())[KEY].source
    measures = (
        "programme_funding_transferred",
        "baseline_contribution_transferred",
        "total_funding_transferred",
    )
    for name, values in quoted.items():
        mine = shipped[shipped["area_name"] == name].set_index("measure")
        assert (mine["source"] == KEY).all() and (mine["period"] == "2022/23").all()
        assert tuple(int(mine.loc[m, "value"]) for m in measures) == values
        programme, baseline, total = values
        assert programme + baseline == total  # as published: the total is its two parts


def test_every_shipped_row_is_an_integration_authority_of_the_answer(shipped, data):
    assert set(shipped["source"]) == {KEY}
    for _, row in shipped.iterrows():
        assert data.geo.areas[row["area_code"]].type == "hscp"
        assert data.geo.areas[row["area_code"]].name == row["area_name"]


def test_funding_table_shows_the_published_total_with_its_source(data, shipped):
    table = funding_table(data)
    column = [c["id"] for c in table["columns"]].index(INDICATOR)
    assert column < table["funding_columns"] and table["held"]
    totals = shipped[shipped["measure"] == "total_funding_transferred"]
    by_council = {
        tuple(data.geo.councils_in(c)): v
        for c, v in zip(totals.area_code, totals.value, strict=True)
    }
    shown = 0
    for row in table["rows"]:
        cell = row["cells"][column]
        published = by_council.get(tuple(data.geo.councils_in(row["code"])))
        if published is None:
            assert cell["display"] == "" and cell["value"] is None
            continue
        shown += 1
        assert cell["value"] == published and cell["period"] == "2022/23"
        assert cell["vintage"] == KEY and ADDRESS in cell["source"]
    assert shown == 3


def test_the_page_reads_not_held_and_names_the_publications_that_would_provide_it(client, data):
    page = client.get("/accountability").text
    section = page[page.index('id="funding"') : page.index('id="priorities"')]
    adps = data.geo.of_type(reporting_type(scotland()))
    assert "1,884,987" in section and "2,359,643" in section and "2,437,602" in section
    assert section.count("not held") >= len(adps) - 3
    assert ADDRESS.replace("&", "&amp;") in section
    letters = "https://www.gov.scot/publications/alcohol-drug-partnership-adp-letters-2024-25/"
    assert letters in section


def test_the_json_twin_carries_the_figures_and_their_source(client):
    twin = client.get("/accountability.json").json()
    funding = twin["funding"]
    column = [c["id"] for c in funding["columns"]].index(INDICATOR)
    cells = {r["name"]: r["cells"][column] for r in funding["rows"]}
    assert cells["East Ayrshire"]["value"] == 1884987
    assert cells["East Ayrshire"]["vintage"] == KEY
    assert ADDRESS in cells["East Ayrshire"]["source"]
    assert cells["Aberdeen City"]["value"] is None
    provide = funding["columns"][column]["would_provide"]
    assert any("(ADP) Letters - 2024/25" in p["title"] for p in provide)


def test_adp_profiles_show_the_figure_with_its_source_or_name_where_it_would_come_from(data):
    east = next(a for a in data.geo.of_type("adp") if a.name == "East Ayrshire")
    held = {h["id"]: h for h in area(data, east.code)["profile"]["held"]}
    assert held[INDICATOR]["latest"]["value"] == 1884987
    assert ADDRESS in held[INDICATOR]["source"]
    aberdeen = next(a for a in data.geo.of_type("adp") if a.name == "Aberdeen City")
    missing = {m["id"]: m for m in area(data, aberdeen.code)["profile"]["not_published"]}
    assert [s["dataset"] for s in missing[INDICATOR]["sources"]] == ["adp_funding_allocations"]
