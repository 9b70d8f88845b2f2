"""Deaths across sources and editions, and the trend around the Mission's launch."""

from __future__ import annotations

import pytest

from missionmonitor.services.site_data import SiteData
from missionmonitor.surveillance.deaths import reconciliation, trend_around_launch
from tests.helpers import scotland


@pytest.fixture(scope="module")
def data(built_store_path):
    return SiteData.read(scotland(), built_store_path)


def test_reconciliation_lists_the_2013_2014_and_2019_revisions(data):
    rows = {r["year"]: r for r in reconciliation(scotland(), data.results, data.revisions)}
    revised = {
        y: [(s["first"], s["revised"], s["size"]) for s in r["revisions"]]
        for y, r in rows.items()
        if r["revisions"]
    }
    assert revised == {"2013": [(526, 527, 1)], "2014": [(613, 614, 1)], "2019": [(1264, 1280, 16)]}
    assert rows["2019"]["first_published"] == 1264 and rows["2019"]["confirmed"] == 1280


def test_suspected_beside_confirmed_for_whole_years(data):
    rows = {r["year"]: r for r in reconciliation(scotland(), data.results, data.revisions)}
    # Police Scotland: 1,092 suspected drug deaths in 2022 (COURIER_2023); NRS: 1,051.
    assert rows["2022"]["suspected"] == 1092 and rows["2022"]["confirmed"] == 1051
    assert rows["2022"]["suspected_minus_confirmed"] == 41
    assert rows["2016"]["suspected"] is None  # police quarters start in 2017


def test_trend_around_the_launch(data):
    years, fit = trend_around_launch(scotland(), data.results)
    assert years[fit.periods_before] == "2021"
    assert fit.pre_trend.lower > 1  # deaths were rising before 2021
    assert fit.slope_change.upper < 1  # and the yearly trend fell from 2021
    assert fit.level_change.lower < 1 < fit.level_change.upper
    assert "does not establish" in fit.caveat
    _, other = trend_around_launch(scotland(), data.results, launch=2019)
    assert other.periods_before < fit.periods_before


def test_drugs_implicated_and_polydrug_shares(data):
    from missionmonitor.surveillance.deaths import drugs_implicated

    rows = {(r["year"], r["drug"]): r for r in drugs_implicated(data.drugs)}
    assert rows[("2021", "Benzodiazepines")]["deaths"] == 918
    assert rows[("2021", "Benzodiazepines")]["percent"] == 69
    assert rows[("2021", "More than one drug present (polydrug)")]["percent"] == 93
    assert rows[("2024", "Nitazenes")]["deaths"] == 76


def test_quarterly_suspected_deaths_around_the_launch(data):
    quarters, fit = trend_around_launch(scotland(), data.results, quarterly=True)
    assert quarters[0] == "2017-Q1" and quarters[fit.periods_before] == "2021-Q1"
    assert fit.level_change.lower < fit.level_change.estimate < fit.level_change.upper


def test_a_launch_after_the_data_is_refused(data):
    from missionmonitor.errors import MethodInputError

    with pytest.raises(MethodInputError, match="from 2030"):
        trend_around_launch(scotland(), data.results, launch=2030)


def test_a_configuration_without_a_launch_year_fits_no_trend_around_one(data):
    from pathlib import Path

    from missionmonitor import config
    from missionmonitor.errors import MethodInputError

    small = config.load(Path(__file__).parents[1] / "configurations" / "small")
    assert small.surveillance is not None and small.surveillance.launch_year is None
    with pytest.raises(MethodInputError, match="no launch year"):
        trend_around_launch(small, data.results)
    # Scotland's is declared in its configuration, not in code.
    assert scotland().surveillance.launch_year == 2021
