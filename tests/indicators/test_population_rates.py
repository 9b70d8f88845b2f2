"""Populations for every year held (the 2011-based file to 2019, the Census 2022-based
workbook for 2022, nothing between), and rates that use the population of their own year:
drug misuse deaths per 100,000 people in 2022 checked against the deaths and populations
read straight from the two NRS workbooks shipped."""

from __future__ import annotations

import math

import openpyxl
import pandas as pd
import pytest

from missionmonitor.data import shipped_file
from missionmonitor.indicators.catalogue import get_indicator
from missionmonitor.indicators.per_population import per_head
from missionmonitor.indicators.populations import (
    latest_population,
    population_vintages,
    populations,
)
from missionmonitor.store.connection import Store
from tests.helpers import scotland

RATE = "drd_rate_per_100k_areas"


def _sheet(file: str, sheet: str) -> list[tuple[object, ...]]:
    book = openpyxl.load_workbook(shipped_file(scotland(), file), read_only=True, data_only=True)
    return [tuple(r) for r in book[sheet].iter_rows(values_only=True)]


@pytest.fixture(scope="module")
def workbook_populations() -> dict[str, int]:
    """Mid-2022 populations of Scotland and every council, persons, all ages (Table 1)."""
    rows = _sheet("mid-year-pop-est-22-data.xlsx", "Table 1")
    header = next(i for i, r in enumerate(rows) if r[:2] == ("Area name", "Area code"))
    at = rows[header].index("All ages")
    return {
        str(r[1]): int(str(r[at]))
        for r in rows[header + 1 :]
        if r[3] == "Persons" and r[2] in ("Country", "Council area")
    }


@pytest.fixture(scope="module")
def deaths_2022(geo) -> dict[str, int]:
    """Drug misuse deaths registered in 2022 by council (and Scotland), Table C1."""
    rows = _sheet("drug-related-deaths-23-data.xlsx", "Table_C1")
    header = next(r for r in rows if r[:2] == ("Year", "Sex"))
    persons = next(r for r in rows if r[0] == 2022 and r[1] == "Persons")
    by_name = {str(n): int(str(v)) for n, v in zip(header[2:], persons[2:], strict=False) if n}
    codes = {a.name: a.code for a in geo.of_type("council")}
    return {codes.get(n, "S92000003" if n == "Scotland" else n): v for n, v in by_name.items()}


@pytest.fixture(scope="module")
def rates(built_store_path) -> pd.DataFrame:
    with Store.open(built_store_path, scotland(), read_only=True) as store:
        return (
            store.con.execute("SELECT * FROM indicator_results WHERE indicator_id = ?", [RATE])
            .df()
            .set_index("area_code")
        )


def test_populations_cover_every_year_held_and_no_other(geo):
    held = populations(geo)
    assert sorted(held) == [*range(2006, 2020), 2022]  # 2020 and 2021: none held, none made
    vintages = population_vintages(geo)
    assert len({vintages[y] for y in range(2006, 2020)}) == 1
    assert vintages[2022] != vintages[2019]  # the Census 2022-based estimates, kept apart
    assert latest_population(geo)[0] == 2022


def test_2022_populations_are_the_workbooks_and_larger_areas_sum_their_councils(
    geo, workbook_populations
):
    pop = populations(geo)[2022]
    for council in geo.of_type("council"):
        assert pop[council.code] == workbook_populations[council.code], council.name
    assert pop["S92000003"] == workbook_populations["S92000003"]
    for atype in ("health_board", "adp", "hscp"):
        for area in geo.of_type(atype):
            expected = sum(workbook_populations[c] for c in geo.councils_in(area.code))
            assert pop[area.code] == expected, area.name


def test_the_rate_is_deaths_over_the_same_years_population(
    rates, geo, deaths_2022, workbook_populations
):
    # Scotland by hand: 1,051 deaths / 5,447,700 people × 100,000 = 19.29.
    scot = rates.loc["S92000003"]
    assert scot.period == "2022"
    assert math.isclose(scot.value, deaths_2022["S92000003"] / 5_447_700 * 100_000)
    assert round(scot.value, 1) == 19.3
    assert scot.lci < scot.value < scot.uci
    for atype in ("council", "adp", "hscp"):
        for area in geo.of_type(atype):
            councils = geo.councils_in(area.code)
            deaths = sum(deaths_2022[c] for c in councils)
            people = sum(workbook_populations[c] for c in councils)
            row = rates.loc[area.code]
            assert (row.numerator, row.denominator) == (deaths, people), area.name
            assert math.isclose(row.value, deaths / people * 100_000), area.name


def test_rates_only_for_2022_and_name_both_sources(rates, geo):
    assert set(rates["period"]) == {"2022"}
    assert {"council", "health_board", "adp", "hscp", "scotland"} == set(rates["area_type"])
    assert len(rates) == 1 + sum(
        len(geo.of_type(t)) for t in ("council", "health_board", "adp", "hscp")
    )
    assert all(v.count(";") == 1 for v in rates["vintage"])
    assert rates["vintage"].nunique() == 1


def test_a_per_head_figure_uses_its_own_years_population_or_none(geo):
    ind = get_indicator(scotland(), "funding_spend_per_head")
    area = geo.of_type("adp")[0].code
    periods = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
    obs = pd.DataFrame(
        {
            "area_code": area,
            "period": periods,
            "measure": ind.method.measure,
            "value": 1_000_000.0,
            "vintage": "RETURNS",
            "suppressed_at_source": False,
            "status": "final",
        }
    )
    out = per_head(ind, lambda dataset, measures: obs, geo).set_index("period")
    assert list(out.index) == ["2019/20", "2022/23"]  # no population for 2020, 2021, 2023
    pops = populations(geo)
    assert out.loc["2019/20", "denominator"] == pops[2019][area]
    assert out.loc["2022/23", "denominator"] == pops[2022][area]
    assert out.loc["2022/23", "value"] == 1_000_000 / pops[2022][area]
    assert out.loc["2022/23", "vintage"] == f"RETURNS;{population_vintages(geo)[2022]}"
