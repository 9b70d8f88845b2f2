"""One rule picks the latest result, for every page, report and the summary command."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from missionmonitor.refdata.geography import national_code
from missionmonitor.services.results import latest_result, records
from missionmonitor.services.summary import national_summary

ROWS = [
    {"area_code": "A", "period": "2022/23", "value": 1.0},
    {"area_code": "B", "period": "2022/23", "value": 2.0},
    {"area_code": "A", "period": "2023/24", "value": 3.0},
    {"area_code": "B", "period": "2023/24", "value": 4.0},
]


def test_the_latest_of_an_area_is_its_last_in_period_order():
    assert latest_result(ROWS, "A") is ROWS[2]
    assert latest_result(ROWS, "B") is ROWS[3]
    # Without an area, the latest of any.
    assert latest_result(ROWS) is ROWS[3]


def test_an_area_or_a_date_with_nothing_held_has_no_latest_result():
    assert latest_result(ROWS, "C") is None
    assert latest_result([], "A") is None
    assert latest_result(ROWS, "A", end=dt.date(2022, 3, 30)) is None


def test_as_at_a_date_only_periods_ended_by_then_count():
    assert latest_result(ROWS, "A", end=dt.date(2024, 3, 30)) is ROWS[0]
    assert latest_result(ROWS, "A", end=dt.date(2024, 3, 31)) is ROWS[2]


def test_a_monthly_figure_dated_within_a_month_of_the_date_still_counts():
    # A point-in-time figure (such as an April assessment) describes the year just ended.
    rows = [{"area_code": "A", "period": "April 2024"}]
    assert latest_result(rows, "A", end=dt.date(2024, 3, 31)) is rows[0]
    assert latest_result(rows, "A", end=dt.date(2024, 2, 28)) is None


def test_a_frame_is_read_row_by_row_in_its_order():
    frame = pd.DataFrame(ROWS)
    picked = latest_result(records(frame), "A")
    assert picked == ROWS[2]


def test_the_summary_shows_the_latest_national_result_of_each_indicator(store):
    held = store.con.execute(
        "SELECT * FROM indicator_results WHERE area_code = ? ORDER BY period_start",
        [national_code(store.configuration)],
    ).df()
    summary = national_summary(store)
    assert summary
    for entry in summary:
        mine = held[held["indicator_id"] == entry["indicator"].id]
        expected = latest_result(records(mine), national_code(store.configuration))
        assert expected is not None
        assert entry["row"]["period"] == expected["period"] == mine["period"].iloc[-1]
