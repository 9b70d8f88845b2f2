"""The engine reproduces published figures and never publishes a disclosive value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from missionmonitor.errors import SeriesBreakError
from missionmonitor.indicators.catalogue import get_indicator
from missionmonitor.indicators.comparisons import compare_periods
from missionmonitor.indicators.engine import (
    RESULT_COLUMNS,
    area_nodes,
    compute_indicator,
    series_mixes,
)
from missionmonitor.methods.disclosure import recoverable_values
from missionmonitor.methods.rounding import round_half_up
from tests.helpers import scotland


@pytest.fixture(scope="module")
def results(built_store_path):
    from missionmonitor.store.connection import Store

    with Store.open(built_store_path, scotland(), read_only=True) as s:
        return s.con.execute("SELECT * FROM indicator_results").df()


def row(results: pd.DataFrame, ind: str, period: str, area: str = "S92000003") -> pd.Series:
    found = results[
        (results.indicator_id == ind) & (results.period == period) & (results.area_code == area)
    ]
    assert len(found) == 1, (ind, period, area)
    return found.iloc[0]


def test_results_table_has_the_published_columns(results):
    assert tuple(results.columns[: len(RESULT_COLUMNS)]) == RESULT_COLUMNS
    from tests.web.test_pages import shipped_indicators

    assert set(results.indicator_id) == set(shipped_indicators())


@pytest.mark.parametrize(
    ("period", "change", "pct"),
    [("2022", -279, -21), ("2024", -155, -13), ("2020", 59, 5), ("2023", 121, 12)],
)
def test_published_changes_in_drug_deaths(results, period, change, pct):
    r = row(results, "drd_deaths", period)
    assert r.comparable_with_previous == True  # noqa: E712
    assert r.change_vs_previous == change
    assert round_half_up(r.change_pct_vs_previous) == pct


def test_2019_change_on_the_2019_edition(store, geo):
    first = compute_indicator(
        store, get_indicator(geo.configuration, "drd_deaths"), geo, "first_published"
    )
    r = row(first, "drd_deaths", "2019")
    assert r.value == 1264 and r.vintage == "NRS_2019_PDF"
    assert r.change_vs_previous == 77
    assert round_half_up(r.change_pct_vs_previous) == 6
    assert round(r.change_pct_vs_previous, 2) == 6.49


def test_five_year_average_2015_2019(results):
    r = row(results, "drd_deaths_5yr_average", "2015-2019")
    assert r.value == pytest.approx(995.0)
    assert r.numerator == 4975
    assert (r.lci, r.uci) == pytest.approx((995 - 1.96 * np.sqrt(995), 995 + 1.96 * np.sqrt(995)))


@pytest.mark.parametrize(("period", "shown"), [("2008-2012", 554), ("2009-2013", 544)])
def test_nrs_moving_averages_as_published(store, geo, period, shown):
    # NRS quoted these from editions before the 2013 revision (526 -> 527 changes 2009-2013).
    first = compute_indicator(
        store, get_indicator(geo.configuration, "drd_deaths_5yr_average"), geo, "first_published"
    )
    assert round_half_up(row(first, "drd_deaths_5yr_average", period).value) == shown


def test_greater_glasgow_rate_per_1000_2015_2019(results):
    # NRS DRD 2019: NHS Greater Glasgow & Clyde 0.27 per 1,000 for 2015-2019.
    r = row(results, "drd_rate_per_1000_5yr", "2015-2019", "S08000031")
    assert round_half_up(r.value, 2) == 0.27
    assert r.numerator == 1556 and r.denominator == 1167694 * 5
    assert r.lci < r.value < r.uci
    assert r.vs_national == "higher"


def test_scotpho_easr_as_published(results):
    r = row(results, "drd_easr", "2019")
    assert (r.value, r.lci, r.uci, r.numerator) == (24.9, 23.6, 26.3, 1280)


def test_mat_2022_recomputed_from_counts(results):
    r = row(results, "mat_standards_implemented_pct", "April 2022")
    assert r.numerator == 25 and r.denominator == 145
    assert round_half_up(r.value) == 17
    assert round_half_up(94 / 145 * 100) == 65 and round_half_up(26 / 145 * 100) == 18
    assert round_half_up(row(results, "mat_standards_implemented_pct", "April 2025").value) == 91


def test_mat_6_to_10_are_the_published_shares_with_provisional_green_apart(results):
    # PHS benchmarking 2023/24 (drugsandalcohol.ie/41430) and 2024/25 (drugsandalcohol.ie/43936;
    # North Lanarkshire ADP's summary for the 2025 provisional green).
    published = {
        ("mat_standards_6to10_implemented_pct", "April 2025"): 75,
        ("mat_standards_6to10_provisional_green_pct", "April 2024"): 91,
        ("mat_standards_6to10_provisional_green_pct", "April 2025"): 16,
        ("mat_standards_6to10_partial_pct", "April 2023"): 45,
        ("mat_standards_6to10_not_implemented_pct", "April 2023"): 12,
    }
    for (ind, period), value in published.items():
        assert row(results, ind, period).value == value
    # Standards 1-5, likewise: 17% (25/145), 66%, 90%, 91% (132/145) as published.
    one_to_five = {"April 2022": 17, "April 2023": 66, "April 2024": 90, "April 2025": 91}
    for period, value in one_to_five.items():
        got = row(results, "mat_standards_implemented_pct", period).value
        assert round_half_up(got) == value
    held = results[results.indicator_id.str.startswith("mat_standards_6to10")]
    assert len(held) == len(published)  # nothing derived or filled in
    assert get_indicator(scotland(), "mat_standards_6to10_provisional_green_pct").polarity == (
        "neutral"
    )


def test_latest_vintage_wins_for_revised_figures(results):
    assert row(results, "ost_people", "2022/23").value == 29962  # revised from 29,942
    assert row(results, "rr_placements", "2023/24").value == 940


def test_series_break_is_flagged_and_comparison_refused(results):
    ind = get_indicator(scotland(), "ost_people")
    r = row(results, "ost_people", "2022/23")
    assert r.definition_version == 2
    assert row(results, "ost_people", "2023/24").comparable_with_previous == True  # noqa: E712
    assert row(results, "ost_people", "2023/24").change_vs_previous == -145
    with pytest.raises(SeriesBreakError, match="HMUD"):
        compare_periods(results, ind, "S92000003", "2020/21", "2023/24")
    change, _pct = compare_periods(results, ind, "S92000003", "2022/23", "2023/24")
    assert change == -145


def test_break_with_previous_period_blanks_the_change(store, geo):
    # PIS-only 2021/22 does not exist, so construct the break at a consecutive pair.
    ind = get_indicator(geo.configuration, "ost_people")
    df = compute_indicator(store, ind, geo)
    df = pd.concat([df, df.iloc[[0]].assign(period="2021/22", value=29000.0)], ignore_index=True)
    from missionmonitor.indicators.comparisons import changes

    changed = changes(df, ind)
    r = changed[changed.period == "2022/23"].iloc[0]
    assert r.comparable_with_previous is False
    assert np.isnan(r.change_vs_previous)
    assert "series break" in r.note


def test_source_suppression_is_carried_and_values_blanked(results):
    orkney = row(results, "drd_rate_per_1000_5yr", "2015-2019", "S12000023")
    assert orkney.suppressed
    assert all(np.isnan(orkney[c]) for c in ("value", "lci", "uci", "numerator"))


def test_no_suppressed_value_can_be_recovered_from_published_totals(results, geo):
    checked = 0
    for ind_id, grp in results.groupby("indicator_id"):
        ind = get_indicator(geo.configuration, ind_id)
        if not ind.disclosure.additive:
            continue
        for _period, rows in grp.groupby("period"):
            node_of, groups = area_nodes(list(rows.area_code), geo)
            sup = np.zeros(max(node_of) + 1, dtype=bool)
            for node, s in zip(node_of, rows.suppressed, strict=True):
                sup[node] |= bool(s)
            assert recoverable_values(sup, groups) == [], (ind_id, _period)
            checked += int(sup.any())
    assert checked > 20  # the check saw real suppression patterns


def test_secondary_suppression_protects_forth_valley_councils(results):
    # 2006-2010: Clackmannanshire is suppressed at source; NHS Forth Valley is published, so
    # another Forth Valley council must be suppressed too.
    fv = results[
        (results.indicator_id == "drd_rate_per_1000_5yr") & (results.period == "2006-2010")
    ]
    by = fv.set_index("area_code").suppressed
    assert by["S12000005"] and not by["S08000019"]
    assert by["S12000014"] or by["S12000030"]


def test_small_quarterly_division_counts_are_suppressed(results):
    sdd = results[results.indicator_id == "suspected_drug_deaths"]
    published = sdd[~sdd.suppressed.astype(bool)]
    assert ((published.value > 9) | (published.value == 0)).all()
    assert sdd.suppressed.sum() > 8  # more than the 8 suppressed at source


def test_vs_national_uses_intervals(results):
    sub = results[(results.indicator_id == "drd_easr_5yr") & (results.area_type != "scotland")]
    sub = sub[~sub.suppressed.astype(bool)]
    assert set(sub.vs_national) == {"higher", "lower", "no_difference"}
    scot = results[(results.indicator_id == "drd_easr_5yr") & (results.area_type == "scotland")]
    assert set(scot.vs_national) == {"not_applicable"}


def test_mat_results_across_the_2024_method_change_are_not_compared(store):
    results = store.con.execute(
        "SELECT * FROM indicator_results WHERE indicator_id = 'mat_standards_implemented_pct'"
    ).df()
    april_2024 = results[results.period == "April 2024"].iloc[0]
    assert april_2024.comparable_with_previous == False  # noqa: E712 (a nullable column)
    assert pd.isna(april_2024.change_vs_previous)
    assert "criteria version 2" in april_2024.note
    with pytest.raises(SeriesBreakError, match="criteria version 2"):
        compare_periods(
            results,
            get_indicator(store.configuration, "mat_standards_implemented_pct"),
            "S92000003",
            "April 2023",
            "April 2024",
        )


def test_a_percentage_changes_by_percentage_points(store):
    results = store.con.execute(
        "SELECT * FROM indicator_results WHERE indicator_id = 'mat_standards_implemented_pct' "
        "AND period = 'April 2025'"
    ).df()
    row = results.iloc[0]
    assert row.change_unit == "percentage points"
    assert pd.isna(row.change_pct_vs_previous)
    assert row.change_vs_previous == pytest.approx(91 - 90, abs=1)
    deaths = store.con.execute(
        "SELECT change_unit FROM indicator_results WHERE indicator_id = 'drd_deaths' LIMIT 1"
    ).fetchone()
    assert deaths == ("deaths",)


def test_no_indicator_mixes_publication_series_within_a_definition_version(store):
    results = store.con.execute("SELECT * FROM indicator_results").df()
    assert series_mixes(store.configuration, results) == []


def test_a_series_that_changes_source_without_a_definition_version_is_caught():
    results = pd.DataFrame(
        {
            "indicator_id": ["naloxone_kits"] * 3,
            "definition_version": [1, 1, 2],
            "vintage": ["PHS_NALOX_1819", "NRS_2024_REPORT", "NRS_2024_REPORT"],
        }
    )
    (problem,) = series_mixes(scotland(), results)
    assert "naloxone_kits version 1" in problem and "NRS drug deaths" in problem
    declared = results.assign(definition_version=[1, 2, 2])
    assert series_mixes(scotland(), declared) == []
