"""Outcome review measures against reference vectors worked by hand (the same vectors are
written out in docs/methodology.md, "Outcome reviews")."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from missionmonitor.errors import MethodInputError
from missionmonitor.wellbeing.change import (
    classify,
    funnel_positions,
    mean_change,
    standard_error_of_difference,
)
from missionmonitor.wellbeing.instrument import Instrument, current_instrument
from missionmonitor.wellbeing.measures import ReviewRecord, area_measures, baseline_sd
from tests.helpers import scotland


def instrument(**reliability: object) -> Instrument:
    return Instrument.model_validate(
        {
            "id": "test",
            "version": 1,
            "title": "t",
            "description": "d",
            "effective_from": "2025/26",
            "items": [
                {"id": "q", "label": "rating", "kind": "rating"},
                {"id": "h", "label": "housing", "kind": "yes_no"},
            ],
            "scales": [
                {
                    "id": "qol",
                    "label": "QoL",
                    "items": ["q"],
                    "reliability": reliability or {"coefficient": 0.8, "source": "test"},
                }
            ],
            "problems": [{"id": "housing", "label": "H", "item": "h", "when": "yes"}],
            "review_points": [
                {"id": "start", "label": "Start", "due_after_days": 0, "window_days": 14},
                {"id": "review_3m", "label": "3m", "due_after_days": 91, "window_days": 28},
            ],
        }
    )


def rec(area: str, person: str, point: str, day: str, q: int, h: int) -> ReviewRecord:
    return ReviewRecord(area, person, point, dt.date.fromisoformat(day), {"q": q, "h": h})


RECORDS = [
    rec("A", "p1", "start", "2025-04-01", 4, 1),
    rec("A", "p1", "review_3m", "2025-07-01", 12, 0),
    rec("A", "p2", "start", "2025-04-01", 8, 1),
    rec("A", "p2", "review_3m", "2025-07-01", 9, 1),
    rec("B", "p3", "start", "2025-04-01", 12, 0),
    rec("B", "p3", "review_3m", "2025-07-15", 6, 0),
    rec("B", "p4", "start", "2025-05-01", 8, 0),
]


def test_standard_error_of_difference_and_classification_by_hand():
    # 4 * sqrt(2) * sqrt(0.2) = 2.5298
    assert standard_error_of_difference(4.0, 0.8) == pytest.approx(2.529822, abs=1e-6)
    assert classify(10, 16, 2.529822) == "improved"  # RCI 2.37
    assert classify(10, 14, 2.529822) == "no reliable change"  # RCI 1.58
    assert classify(10, 16, 2.529822, higher_is_better=False) == "deteriorated"
    with pytest.raises(MethodInputError):
        standard_error_of_difference(4.0, 1.0)


def test_mean_change_has_a_t_interval_by_hand():
    m = mean_change([2, 4, 6, 8])
    # mean 5, SD 2.5820, SE 1.2910, t(0.975, 3) = 3.182446: half-width 4.10852
    assert (m.n, m.mean) == (4, 5.0)
    assert m.lci == pytest.approx(0.89148, abs=1e-5) and m.uci == pytest.approx(9.10852, abs=1e-5)
    assert mean_change([3]).lci is None


def test_funnel_positions_by_hand():
    # 10 of 20 against 20%: expected 4 is below the count's 95% lower bound 4.795
    # (chi2(0.025, 20) / 2) but above its 99.8% bound 2.961; 0 of 20: expected 4 is above
    # the 95% upper bound 3.689 (-ln 0.025) and below the 99.8% one 6.908 (-ln 0.001).
    assert funnel_positions([10, 4, 0, 30], [20, 20, 20, 50], 0.2) == [
        "above 95% limit",
        "within limits",
        "below 95% limit",
        "above 99.8% limit",
    ]


def test_area_measures_reference_vector():
    rows = area_measures(instrument(), RECORDS, dt.date(2025, 9, 30), "N")
    got = {(a, m): v for a, p, m, v in rows if p == "2025/26"}
    assert {p for _, p, _, _ in rows} == {"2025/26"}
    # Start scores 4, 8, 12, 8: SD sqrt(32 / 3) = 3.26599; S_diff = 2.06559.
    sd = baseline_sd(instrument().scales[0], RECORDS, "start")
    assert sd == pytest.approx(math.sqrt(32 / 3))
    expected = {
        ("A", "reviews_due"): 2,
        ("A", "reviews_completed"): 2,
        ("B", "reviews_due"): 2,  # p4's review was due 2025-07-31, window closed 2025-08-28
        ("B", "reviews_completed"): 1,
        ("N", "reviews_due"): 4,
        ("N", "reviews_completed"): 3,
        ("A", "qol_pairs"): 2,
        ("A", "qol_reliably_improved"): 1,  # +8: RCI 3.87; +1: 0.48
        ("A", "qol_reliably_deteriorated"): 0,
        ("B", "qol_reliably_improved"): 0,
        ("B", "qol_reliably_deteriorated"): 1,  # -6: RCI -2.90
        ("N", "qol_pairs"): 3,
        ("N", "qol_reliably_improved"): 1,
        ("A", "qol_mean_change"): 4.5,
        ("N", "qol_mean_change"): 1.0,
        ("B", "qol_mean_change"): -6.0,
        ("A", "housing_problem_at_start"): 2,
        ("A", "housing_resolved"): 1,
        ("N", "housing_problem_at_start"): 2,
        ("N", "housing_resolved"): 1,
        ("B", "housing_problem_at_start"): 0,
    }
    for key, value in expected.items():
        assert got[key] == pytest.approx(value), key
    # A: changes 8, 1: SD 4.9497, SE 3.5, t(0.975, 1) = 12.7062: 4.5 ± 44.4717.
    assert got[("A", "qol_mean_change_lci")] == pytest.approx(-39.9717, abs=1e-4)
    assert got[("A", "qol_mean_change_uci")] == pytest.approx(48.9717, abs=1e-4)
    # Nation: changes 8, 1, -6: SD 7, SE 4.04145, t(0.975, 2) = 4.302653: 1 ± 17.3890.
    assert got[("N", "qol_mean_change_lci")] == pytest.approx(-16.3890, abs=1e-4)
    # One person in B: no interval.
    assert ("B", "qol_mean_change_lci") not in got


def test_a_declared_sd_is_used_instead_of_the_start_scores():
    base = instrument()
    scale = base.scales[0].model_copy(update={"baseline_sd": 10.0, "baseline_sd_source": "d"})
    declared = base.model_copy(update={"scales": (scale,)})
    got = {(a, m): v for a, _, m, v in area_measures(declared, RECORDS, dt.date(2025, 9, 30), "N")}
    # S_diff = 10 * sqrt(2) * sqrt(0.2) = 6.3246; 1.96 * S_diff = 12.40: nothing reliable.
    assert got[("N", "qol_reliably_improved")] == 0
    assert got[("N", "qol_reliably_deteriorated")] == 0


def test_no_reliable_change_without_a_published_reliability():
    unpublished = instrument(not_published="none found")
    got = {m for _, _, m, _ in area_measures(unpublished, RECORDS, dt.date(2025, 9, 30), "N")}
    assert "qol_mean_change" in got and not any("reliably" in m for m in got)
    shipped = current_instrument(scotland(), "quality_of_life")
    assert all(s.reliability.coefficient is None for s in shipped.scales)
