"""The England and Wales comparator series: every shipped figure is the one in the ONS row it
quotes, and the store holds what the file ships."""

from __future__ import annotations

import csv
import io

import pytest

from missionmonitor.data import shipped_file
from missionmonitor.datasets.declaration import get_declaration
from missionmonitor.services.site_data import SiteData
from tests.helpers import scotland

DATASET = "ons_drug_deaths_england_wales"
#: The ONS CSV's columns: year, occurred poisoning, occurred misuse, registered poisoning,
#: registered misuse. The file ships the registered series.
COLUMN = {"ew_drug_poisoning_asmr": 3, "ew_drug_misuse_asmr": 4}


def _shipped() -> list[dict[str, str]]:
    file = shipped_file(scotland(), get_declaration(scotland(), DATASET).file)
    return list(csv.DictReader(io.StringIO(file.read_text(encoding="utf-8"))))


def test_every_figure_is_read_from_the_row_it_quotes():
    rows = _shipped()
    for row in rows:
        quoted = next(csv.reader([row["quote"]]))
        assert quoted[0] == row["year"]
        assert quoted[COLUMN[row["measure"]]] == row["value"]
        assert row["source_publisher"] == "Office for National Statistics"
        assert row["source_url"].startswith("https://www.ons.gov.uk/generator?")
        assert row["edition"].startswith("data to 2019 registrations")
    for measure in COLUMN:
        years = sorted(int(r["year"]) for r in rows if r["measure"] == measure)
        assert years == list(range(1993, 2020))  # every year of the table, none added


def test_the_latest_rates_are_the_published_ones():
    rates = {(r["measure"], r["year"]): float(r["value"]) for r in _shipped()}
    # As later ONS releases put them (quoted by the press): 2019, "4,393 deaths; 76.7 deaths
    # per million" (2020 registrations, via Parliament Today); 2018 drug misuse, "accounting
    # for 50.9 deaths per million people in 2018" (2018 registrations, via the Daily Mail/PA).
    assert rates[("ew_drug_poisoning_asmr", "2019")] == 76.7
    assert rates[("ew_drug_misuse_asmr", "2018")] == 50.9


@pytest.fixture(scope="module")
def data(built_store_path):
    return SiteData.read(scotland(), built_store_path)


def test_the_store_holds_the_shipped_figures(data):
    shipped = {(r["measure"], r["year"]): float(r["value"]) for r in _shipped()}
    held = data.comparators
    assert set(held["dataset"]) == {DATASET}
    assert set(held["area_code"]) == {"K04000001"}
    assert {
        (m, str(p)): float(v)
        for m, p, v in zip(held["measure"], held["period"], held["value"], strict=True)
    } == shipped
