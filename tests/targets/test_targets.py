"""Targets as data: apportionment, trajectory, progress, and agreement with published data."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from missionmonitor.datasets.declaration import get_declaration
from missionmonitor.errors import MethodInputError, NotFoundError
from missionmonitor.targets.arithmetic import apportion, progress, trajectory
from missionmonitor.targets.definitions import get_target, load_targets
from tests.helpers import scotland

OST = get_target(scotland(), "ost_32000")


def test_targets_agree_with_the_published_figures(store):
    published = dict(
        store.query(
            "SELECT measure, value FROM observations WHERE dataset = 'treatment_target' AND "
            "measure IN ('ost_target_min_people_in_community_ost', "
            "'ost_baseline_people_in_community_ost')"
        )
    )
    assert OST.value == published["ost_target_min_people_in_community_ost"] == 32_000
    assert OST.baseline is not None
    assert OST.baseline.value == published["ost_baseline_people_in_community_ost"] == 29_500


def test_every_target_names_an_indicator_scope_version_and_source():
    from missionmonitor.indicators.catalogue import load_catalogue

    for t in load_targets(scotland()):
        assert t.indicator in load_catalogue(scotland())
        assert t.scope and t.version >= 1 and t.source
    assert OST.apportionment is not None and OST.apportionment.rule == "proportional_uplift"
    assert {b.aspect for b in OST.balancing} == {
        "access",
        "retention",
        "availability",
        "completeness",
    }
    assert all(b.indicator in load_catalogue(scotland()) for b in OST.balancing)
    with pytest.raises(NotFoundError):
        get_target(scotland(), "nope")


def test_a_target_dated_only_where_its_source_gives_the_day():
    """The 1,000 placements commitment: its held source states the aim but not the day it
    was set, so no day is given (and no trajectory drawn from one)."""
    rehab = get_target(scotland(), "rehab_1000")
    assert rehab.set_on is None
    assert "https://www.gov.scot/" in rehab.source
    assert OST.set_on is not None and "16 March 2022" in OST.source


def test_proportional_uplift():
    baselines = {"a": 1000.0, "b": 2000.0, "c": 26_500.0}
    targets = apportion(32_000, baselines, "proportional_uplift", national_baseline=29_500)
    assert sum(targets.values()) == 32_000
    for k, v in baselines.items():
        assert abs(targets[k] - v * 32_000 / 29_500) < 1


def test_population_and_prevalence_shares():
    assert apportion(1000, {"a": 1, "b": 1, "c": 2}, "population_share") == {
        "a": 250,
        "b": 250,
        "c": 500,
    }
    shares = apportion(10, {"a": 1, "b": 1, "c": 1}, "prevalence_weighted")
    assert sum(shares.values()) == 10 and sorted(shares.values()) == [3, 3, 4]


def test_bad_apportionment_inputs():
    with pytest.raises(MethodInputError):
        apportion(100, {"a": -1}, "population_share")
    with pytest.raises(MethodInputError):
        apportion(100, {"a": 0, "b": 0}, "population_share")
    with pytest.raises(MethodInputError):
        apportion(100, {"a": 1}, "proportional_uplift")


@given(
    st.dictionaries(
        st.text(min_size=1, max_size=4), st.integers(1, 50_000), min_size=1, max_size=40
    ),
    st.integers(1, 100_000),
)
def test_shares_always_add_up_exactly_and_stay_within_one(weights, total):
    shares = apportion(total, weights, "population_share")
    assert sum(shares.values()) == total
    weight = sum(weights.values())
    for k, w in weights.items():
        assert abs(shares[k] - total * w / weight) < 1


def test_trajectory_is_a_straight_line_from_baseline_to_target():
    assert trajectory(OST, OST.set_on) == 29_500
    assert trajectory(OST, OST.target_date) == 32_000
    middle = OST.set_on + (OST.target_date - OST.set_on) / 2
    assert trajectory(OST, middle) == pytest.approx(30_750, abs=2)
    assert (
        trajectory(get_target(scotland(), "rehab_1000"), dt.date(2024, 1, 1)) is None
    )  # no baseline


@pytest.mark.parametrize(
    ("value", "on", "status"),
    [
        (29_817, dt.date(2024, 3, 31), "not met"),  # 2023/24 against 32,000 by 1 April 2024
        (32_100, dt.date(2024, 3, 31), "met"),
        (31_000, dt.date(2023, 3, 31), "on track"),  # above the line a year before the date
        (29_600, dt.date(2023, 3, 31), "behind"),
        (32_500, dt.date(2023, 3, 31), "met"),
    ],
)
def test_progress_status_and_rule(value, on, status):
    p = progress(OST, value, on)
    assert p.status == status
    assert p.rule  # the rule is always stated


def test_home_and_report_state_progress(client):
    home = client.get("/index.json").json()
    ost = next(c for c in home["cards"] if c["indicator"] == "ost_people")
    assert "93% of the target; not met" in ost["text"]


def test_targets_page_shows_progress_rule_and_balancing(client, store):
    page = client.get("/targets.json").json()
    ost = next(t for t in page["targets"] if t["id"] == "ost_32000")
    assert ost["progress"]["status"] == "not met" and ost["progress"]["rule"]
    held = [b for b in ost["balancing"] if b["latest"]]
    missing = [b for b in ost["balancing"] if b["latest"] is None]
    assert {"waits_ongoing_3w_pct", "waits_ongoing_median_days", "treatment_within_3_weeks"} <= {
        b["indicator"] for b in held
    }  # ongoing waits, and completed waits as published nationally
    # The latest national figure of completed waits, read from the store independently.
    ((period, value),) = store.query(
        "SELECT period, value FROM indicator_results WHERE indicator_id = "
        "'treatment_within_3_weeks' AND area_type = 'scotland' ORDER BY period_start DESC "
        "LIMIT 1"
    )
    (done,) = [b for b in held if b["indicator"] == "treatment_within_3_weeks"]
    assert done["latest"]["period"] == period and done["latest"]["value"] == value
    note = ost["balancing_note"]
    assert note.startswith(f"{len(held)} of {len(ost['balancing'])} balancing indicators")
    assert all(b["title"] in note and b["missing"] for b in missing)
    # Each missing one names the dataset its figures would come from.
    records = get_declaration(scotland(), "ost_records").title
    assert all(records in b["missing"] for b in missing)
    assert "not yet available" not in note.lower()
    assert ost["areas"] == [] and "not yet available" in ost["apportionment_note"]
    html = client.get("/targets").text
    assert "Balancing indicators" in html and "not met" in html
    assert html.count("Not published here") == len(missing) + 1  # each cell, and the note
