"""The national view of the quarterly self-assessments: ADPs counted per standard and
quarter by status, in time order."""

from __future__ import annotations

import datetime as dt

from missionmonitor.standards.mat_progress import national_quarters


def _point(period: str, start: dt.date, standard: int, rag: str | None) -> dict[str, object]:
    return {"period": period, "start": start, "standard": standard, "rag": rag}


def test_adps_are_counted_by_status_per_standard_and_quarter_in_time_order():
    q4, q1 = ("2024-Q4", dt.date(2024, 10, 1)), ("2025-Q1", dt.date(2025, 1, 1))
    points = {
        "A": [_point(*q1, 1, "green"), _point(*q4, 1, "red"), _point(*q1, 2, "amber")],
        "B": [_point(*q1, 1, "green"), _point(*q4, 1, None), _point(*q1, 7, "green")],
        "C": [_point(*q1, 1, "amber")],
    }
    rows = national_quarters(points, [1, 2])
    assert [(r["standard"], r["period"]) for r in rows] == [
        (1, "2024-Q4"),
        (1, "2025-Q1"),
        (2, "2025-Q1"),
    ]
    first, second, third = rows
    assert first["counts"] == {"red": 1, "amber": 0, "green": 0, "not given": 1}
    assert second["counts"] == {"red": 0, "amber": 1, "green": 2, "not given": 0}
    assert (second["adps"], third["adps"]) == (3, 1)  # standard 7 was not asked for
