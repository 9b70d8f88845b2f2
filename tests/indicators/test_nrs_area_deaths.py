"""Drug misuse deaths by area from the NRS workbook: every council, board and ADP has
figures to 2023, ADP counts are sums of their councils' published counts, a standardised
rate is shown for an ADP only where NRS published one for the same place, and the 5-year
average agrees with the totals NRS publishes beside its rates."""

from __future__ import annotations

import pandas as pd
import pytest

from missionmonitor.store.connection import Store
from tests.helpers import scotland

IDS = ("drd_deaths_areas", "drd_deaths_5yr_average_areas", "drd_asr_5yr_nrs")


@pytest.fixture(scope="module")
def results(built_store_path) -> pd.DataFrame:
    with Store.open(built_store_path, scotland(), read_only=True) as store:
        return store.con.execute(
            "SELECT * FROM indicator_results WHERE indicator_id IN (?, ?, ?)", list(IDS)
        ).df()


@pytest.fixture(scope="module")
def published(built_store_path) -> pd.DataFrame:
    """The dataset's rows as read from the workbook (the table the build loaded)."""
    with Store.open(built_store_path, scotland(), read_only=True) as store:
        return store.con.execute("SELECT * FROM ds_nrs_drug_deaths").df()


def _latest(results: pd.DataFrame, ind: str) -> pd.DataFrame:
    rows = results[results.indicator_id == ind]
    return rows[rows.period_start == rows.groupby("area_code").period_start.transform("max")]


@pytest.mark.parametrize(
    ("ind", "period"),
    [("drd_deaths_areas", "2023"), ("drd_deaths_5yr_average_areas", "2019-2023")],
)
def test_every_council_board_and_adp_has_figures_to_2023(results, geo, ind, period):
    latest = _latest(results, ind).set_index("area_code")
    for atype in ("council", "health_board", "adp"):
        for area in geo.of_type(atype):
            assert latest.loc[area.code, "period"] == period, area.name
            assert latest.loc[area.code, "value"] >= 0, area.name


def test_every_council_and_board_has_its_published_2019_2023_rate(results, published, geo):
    rates = results[(results.indicator_id == "drd_asr_5yr_nrs") & (results.period == "2019-2023")]
    rates = rates.set_index("area_code")
    nrs = published[published.table.isin(["Table_HB4", "Table_C4"])]
    nrs = nrs[nrs.period == "2019-2023"].set_index("area_code")
    for area in [*geo.of_type("council"), *geo.of_type("health_board")]:
        row, source = rates.loc[area.code], nrs.loc[area.code]
        if source.marker == "[u]":  # not calculated by NRS: shown as such, never as zero
            assert pd.isna(row.value) and row.suppressed
        else:
            assert (row.value, row.lci, row.uci) == (source.rate, source.lci, source.uci)
            assert row.numerator == source.deaths


def test_an_adps_count_is_the_sum_of_its_councils_published_counts(results, published, geo):
    counts = published[(published.table == "Table_C1") & (published.sex == "All")]
    shown = results[results.indicator_id == "drd_deaths_areas"].set_index(["area_code", "period"])
    for adp in geo.of_type("adp"):
        councils = counts[counts.area_code.isin(geo.councils_in(adp.code))]
        for year, part in councils.groupby("period"):
            assert shown.loc[(adp.code, year), "value"] == part.deaths.sum(), (adp.name, year)


def test_an_adp_shows_a_rate_only_where_nrs_published_one_for_the_same_place(results, geo):
    rates = results[(results.indicator_id == "drd_asr_5yr_nrs") & (results.period == "2019-2023")]
    by_area = rates.set_index("area_code")
    for adp in geo.of_type("adp"):
        councils = geo.councils_in(adp.code)
        same = [
            a.code
            for t in ("council", "health_board")
            for a in geo.of_type(t)
            if geo.councils_in(a.code) == councils
        ]
        if not same:
            assert adp.code not in by_area.index, adp.name
        else:
            got, twin = by_area.loc[adp.code], by_area.loc[same[0]]
            assert (got.value, got.lci, got.uci) == (twin.value, twin.lci, twin.uci) or (
                pd.isna(got.value) and pd.isna(twin.value)
            )
    several = [a for a in geo.of_type("adp") if len(geo.councils_in(a.code)) > 1]
    assert several and any(a.code not in by_area.index for a in several)


def test_five_years_of_the_average_make_the_total_nrs_publishes(results, published, geo):
    averages = results[results.indicator_id == "drd_deaths_5yr_average_areas"]
    totals = published[published.table.isin(["Table_HB4", "Table_C4"])]
    totals = totals.drop_duplicates(["area_code", "period"]).set_index(["area_code", "period"])
    differ = set()
    compared = 0
    published_for = averages[averages.area_type.isin(["scotland", "health_board", "council"])]
    for r in published_for.itertuples():
        if round(r.value * 5, 6) != totals.loc[(r.area_code, r.period), "deaths"]:
            differ.add((geo.area(r.area_code).name, r.period))
        compared += 1
    assert compared == 47 * 10  # windows 2010-2014 … 2019-2023
    # NRS's board tables place some deaths of 2010-2012 differently between these two
    # neighbouring boards in HB1 (single years) and HB4 (5-year totals); said in a caveat.
    boards = {"NHS Greater Glasgow and Clyde", "NHS Lanarkshire"}
    windows = {"2010-2014", "2011-2015", "2012-2016"}
    assert differ == {(b, w) for b in boards for w in windows}


@pytest.mark.parametrize(
    ("ind", "sex"), [("drd_deaths_male_areas", "Male"), ("drd_deaths_female_areas", "Female")]
)
def test_deaths_of_men_and_of_women_are_the_published_counts_and_their_sums(
    built_store_path, published, geo, ind, sex
):
    with Store.open(built_store_path, scotland(), read_only=True) as store:
        shown = store.con.execute(
            "SELECT * FROM indicator_results WHERE indicator_id = ?", [ind]
        ).df()
    shown = shown.set_index(["area_code", "period"])
    counts = published[published.table.isin(["Table_C1", "Table_HB1"]) & (published.sex == sex)]
    for row in counts.itertuples():
        if row.table == "Table_C1" and row.area_type == "scotland":
            continue  # Scotland is read from the board table (the council table repeats it)
        assert shown.loc[(row.area_code, row.period), "value"] == row.deaths
    councils = counts[counts.table == "Table_C1"]
    for adp in geo.of_type("adp"):
        mine = councils[councils.area_code.isin(geo.councils_in(adp.code))]
        for year, part in mine.groupby("period"):
            assert shown.loc[(adp.code, year), "value"] == part.deaths.sum(), (adp.name, year)
    assert shown.xs("2023", level="period").index.size >= len(geo.of_type("adp"))


def test_deaths_of_men_and_of_women_add_up_to_all_deaths(built_store_path):
    with Store.open(built_store_path, scotland(), read_only=True) as store:
        rows = store.con.execute(
            "SELECT indicator_id, area_code, period, value FROM indicator_results WHERE "
            "indicator_id IN ('drd_deaths_areas', 'drd_deaths_male_areas', "
            "'drd_deaths_female_areas')"
        ).df()
    wide = rows.pivot_table(index=["area_code", "period"], columns="indicator_id", values="value")
    assert len(wide) > 600
    assert (
        wide["drd_deaths_male_areas"] + wide["drd_deaths_female_areas"] == wide["drd_deaths_areas"]
    ).all()
