"""Toxicology signals: a substance seen for the first time, a share rising beyond its
expected range (checked against the binomial tail), new combinations; bad files refused;
SYNTHETIC samples with injected emergences found; signals kept as a scan whose small counts
stay hidden on the public page."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy.stats import binom

from missionmonitor import config
from missionmonitor.errors import DemonstrationDataError, ValidationError
from missionmonitor.refdata.geography import Geography
from missionmonitor.store.connection import Store
from missionmonitor.surveillance import toxicology as tox
from tests.helpers import CHEAP, scotland

BOARD, NATION = "S08000031", "S92000003"


def _months(counts: list[tuple[int, int]], substance: str = "x") -> pd.DataFrame:
    """Samples month by month from January 2023: (samples, of which holding ``substance``)."""
    rows = []
    for i, (n, k) in enumerate(counts):
        month = f"{2023 + i // 12}-{i % 12 + 1:02d}-10"
        rows += [
            {"date": month, "board_code": BOARD, "substances": f"{substance};y" if j < k else "y"}
            for j in range(n)
        ]
    return pd.DataFrame(rows)


def test_a_rising_share_signals_against_the_binomial_tail():
    found = tox.signals(_months([(20, 2)] * 12 + [(20, 10)]), NATION)
    rising = found[(found["area_code"] == BOARD) & (found["method"] == "rising share: x")]
    (row,) = rising.to_dict("records")
    p0 = (24 + 0.5) / (240 + 1)  # 24 of 240 baseline samples, plus a half
    assert row["period"] == "January 2024" and row["observed"] == 10
    assert row["expected"] == pytest.approx(20 * p0)
    assert row["score"] == pytest.approx(-math.log10(binom.sf(9, 20, p0)))
    assert binom.sf(row["threshold"] - 1, 20, p0) < 0.001 <= binom.sf(row["threshold"] - 2, 20, p0)


def test_a_steady_share_and_too_few_samples_do_not_signal():
    assert tox.signals(_months([(20, 2)] * 13), NATION).empty
    # 3 of 4 is a big share of a small month, but under three samples holding it is noise.
    small = tox.signals(_months([(20, 1)] * 12 + [(4, 2)]), NATION)
    assert not small["method"].str.startswith("rising").any()


def test_first_seen_waits_for_a_baseline():
    early = _months([(10, 0)] * 3 + [(10, 2)], substance="z")
    assert tox.signals(early, NATION).empty  # month 4: no year of results yet
    late = _months([(10, 0)] * 12 + [(10, 2)], substance="z")
    found = tox.signals(late, NATION)
    assert set(found["method"]) == {"first seen: z", "new combination: y + z"}


def test_the_injected_new_substances_are_found_in_their_boards():
    boards = {a.code: 40.0 for a in Geography.of(config.load(None)).of_type("health_board")}
    made = tox.synthetic_results(boards, seed=5, years=3)
    scores = tox.evaluate(tox.signals(made.samples, NATION), made)
    assert scores["sensitivity_new_substance"] == 1.0
    assert scores["median_delay_months"] <= 1
    assert (made.samples["synthetic"] == "yes").all()


@pytest.mark.parametrize(
    ("change", "rule", "column"),
    [
        ({"board_code": "S12000049"}, "health-board", "board_code"),
        ({"date": "2024-02-30"}, "date", "date"),
        ({"substances": "Nitazene!"}, "pattern", "substances"),
        ({"source": "clinic"}, "allowed-values", "source"),
    ],
)
def test_a_bad_sample_is_refused_naming_row_column_and_rule(tmp_path, geo, change, rule, column):
    good = {
        "sample_id": "A",
        "date": "2024-02-01",
        "board_code": BOARD,
        "source": "post_mortem",
        "substances": "cocaine",
    }
    path = tmp_path / "samples.csv"
    pd.DataFrame([good, {**good, "sample_id": "B", **change}]).to_csv(path, index=False)
    with pytest.raises(ValidationError) as refused:
        tox.read_results(path, geo.codes())
    (problem,) = [p for p in refused.value.problems if p.rule == rule]
    assert (problem.row, problem.column) == (3, column)


def test_signals_are_kept_as_a_scan_and_their_small_counts_stay_hidden(
    store_copy,
    demo_store_copy,
):
    from fastapi.testclient import TestClient

    from missionmonitor.web.app import create_app
    from tests.helpers import site_settings

    boards = {a.code: 40.0 for a in Geography.of(config.load(None)).of_type("health_board")}
    samples = tox.synthetic_results(boards, seed=2, years=3).samples
    with Store.open(store_copy, scotland()) as store, pytest.raises(DemonstrationDataError):
        tox.store_signals(store, samples, NATION)
    with Store.open(demo_store_copy, scotland()) as store:
        scan_id, found, synthetic = tox.store_signals(store, samples, NATION)
    assert synthetic and len(found)
    page = TestClient(create_app(site_settings(demo_store_copy))).get("/surveillance.json")
    (scan,) = [s for s in page.json()["alerts"] if s["series_id"] == tox.SERIES_ID]
    assert scan["scan_id"] == scan_id and scan["synthetic"]
    for row in scan["rows"]:
        if row["observed"] is None:  # 1 to 9 samples: hidden with what would give them back
            assert row["expected"] is None and row["threshold"] is None and row["score"] is None
        else:
            assert row["observed"] >= 10


def test_a_signal_becomes_a_tracked_action(demo_store_copy, engine):
    from missionmonitor.portal import accounts
    from missionmonitor.portal.actions import actions_for_area, create_action
    from missionmonitor.portal.db import session_scope

    boards = {a.code: 40.0 for a in Geography.of(config.load(None)).of_type("health_board")}
    made = tox.synthetic_results(boards, seed=4, years=3)
    with Store.open(demo_store_copy, scotland()) as store:
        scan_id, _, _ = tox.store_signals(store, made.samples, NATION)
        alert = (
            store.con.execute(
                "SELECT * FROM alerts WHERE scan_id = ? AND method LIKE 'first seen:%' "
                "AND area_code <> ? LIMIT 1",
                [scan_id, NATION],
            )
            .df()
            .iloc[0]
            .to_dict()
        )
    geo = Geography.of(config.load(None))
    with session_scope(engine) as db:
        analyst, _ = accounts.add_user(
            scotland(),
            db,
            "ana",
            "Ana",
            "phs_analyst",
            None,
            password="correct horse battery",
            hashing=CHEAP,
        )
        action = create_action(
            db,
            analyst,
            alert,
            "Alert services to the new substance",
            "Drug trend monitoring group",
            geo,
        )
        listed = actions_for_area(db, analyst, alert["area_code"], geo)
    assert action.series_id == tox.SERIES_ID and action.method.startswith("first seen: ")
    assert [a.id for a in listed] == [action.id]
