"""Trend statements come from a fitted trend over several periods, never one year."""

from __future__ import annotations

import pytest

from missionmonitor.services.site_data import SiteData
from missionmonitor.views import indicators as indicator_views
from missionmonitor.views.trends import MAX_PERIODS, trend_statement
from tests.helpers import scotland


@pytest.fixture(scope="module")
def data(built_store_path):
    return SiteData.read(scotland(), built_store_path)


def _rows(counts, *, suppressed=(), break_at=None):
    return [
        {
            "period": str(2000 + i),
            "numerator": c,
            "denominator": None,
            "suppressed": i in suppressed,
            "comparable_with_previous": i != break_at,
        }
        for i, c in enumerate(counts)
    ]


def test_a_steady_fall_in_deaths_is_a_significant_improvement(data):
    ind = data.catalogue["drd_deaths"]  # lower is better
    fitted = trend_statement(ind, _rows([1400, 1300, 1200, 1110, 1030, 950]), "Scotland")
    assert fitted["significant"] and fitted["change_per_period"] < 1
    assert fitted["sentence"].endswith("a significant fall, improving.")
    assert "Over the 6 years from 2000 to 2005" in fitted["sentence"]


def test_one_year_fall_after_a_flat_run_is_no_trend(data):
    ind = data.catalogue["drd_deaths"]
    fitted = trend_statement(ind, _rows([1100, 1180, 1090, 1160, 1120, 960]), "Scotland")
    assert not fitted["significant"]
    assert fitted["sentence"].endswith("not a significant trend.")
    assert "improving" not in fitted["sentence"]


def test_the_run_stops_at_a_break_a_suppressed_period_and_the_longest_span(data):
    ind = data.catalogue["drd_deaths"]
    counts = [100 + i for i in range(14)]
    assert trend_statement(ind, _rows(counts), "X")["periods"] == MAX_PERIODS
    assert trend_statement(ind, _rows(counts, break_at=9), "X")["from"] == "2009"
    assert trend_statement(ind, _rows(counts, break_at=10), "X") is None  # 4 periods left
    assert trend_statement(ind, _rows(counts, suppressed={8}), "X")["from"] == "2009"


def test_rolling_windows_and_percentages_are_not_fitted(data):
    rows = _rows([100, 110, 120, 130, 140, 150])
    assert trend_statement(data.catalogue["drd_deaths_5yr_average"], rows, "X") is None
    assert trend_statement(data.catalogue["mat_standards_implemented_pct"], rows, "X") is None


def test_the_indicator_page_states_the_fitted_trend(data):
    page = indicator_views.indicator(data, "drd_deaths")
    fitted = page["trend"]["fitted_trend"]
    assert fitted["periods"] == MAX_PERIODS
    assert fitted["to"] == page["trend"]["rows"][-1]["period"]
    assert fitted["sentence"] in page["trend"]["summary"]
