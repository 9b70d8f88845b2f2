"""Early warning: synthetic series with known outbreaks, scanning, storing, evaluation."""

from __future__ import annotations

import pandas as pd
import pytest

from missionmonitor.errors import NotFoundError, ValidationError
from missionmonitor.store.connection import Store
from missionmonitor.surveillance.early_warning import (
    evaluate,
    get_series,
    read_counts,
    scan,
    store_scan,
    synthetic_overdoses,
)
from tests.helpers import scotland


@pytest.fixture(scope="module")
def made():
    return synthetic_overdoses(scotland(), seed=2, years=6)


@pytest.fixture(scope="module")
def alerts(made):
    since = sorted(made.counts["period"].unique())[52 * 4]
    return since, scan(made.counts, get_series(scotland(), "nonfatal_overdoses"), since)


def test_synthetic_series_is_deterministic_labelled_and_has_outbreaks(made):
    again = synthetic_overdoses(scotland(), seed=2, years=6)
    pd.testing.assert_frame_equal(made.counts, again.counts)
    assert made.counts["synthetic"].all()
    assert made.counts["area_code"].nunique() == 14 and len(made.outbreaks) >= 14


def test_detectors_find_most_outbreaks_with_few_false_alarms(made, alerts):
    since, found = alerts
    assert set(found["method"]) >= {"EARS C1", "Farrington flexible (nbPlugin)"}
    assert (found["observed"] > found["threshold"]).all()
    metrics = evaluate(found, made, since).set_index("method")
    farr = metrics.loc["Farrington flexible (nbPlugin)"]
    assert farr["sensitivity"] >= 0.7
    assert farr["false_alarms_per_area_year"] < metrics.loc["EARS C3", "false_alarms_per_area_year"]
    assert farr["median_delay_weeks"] <= 1


def test_scans_are_kept_not_replaced(demo_store_copy, made, alerts):
    _, found = alerts
    series = get_series(scotland(), "nonfatal_overdoses")
    with Store.open(demo_store_copy, scotland()) as store:
        first = store_scan(store, series, made.counts, found)
        second = store_scan(store, series, made.counts, found.head(3))
        kept = store.query("SELECT scan_id, count(*) FROM alerts GROUP BY scan_id ORDER BY 1")
    assert (first, second) == (1, 2)
    assert kept == [(1, len(found)), (2, 3)]


def test_count_files_are_checked_row_by_row(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text(
        "area_code,period,count\nS08000015,2024-01-01,4\nS99999999,2024-01-01,2\n"
        "S08000015,2024-01-08,-1\nS08000015,2024-01-01,5\n"
    )
    with pytest.raises(ValidationError) as info:
        read_counts(scotland(), path)
    found = {(p.rule, p.row) for p in info.value.problems}
    assert found == {("unknown-area-code", 3), ("negative", 4), ("duplicate-key", 5)}
    (tmp_path / "bad.csv").write_text("area,period\nx,1\n")
    with pytest.raises(ValidationError, match="count"):
        read_counts(scotland(), tmp_path / "bad.csv")


def test_unknown_series_is_named():
    with pytest.raises(NotFoundError, match="nonfatal_overdoses"):
        get_series(scotland(), "nope")
