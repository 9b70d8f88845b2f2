"""The trajectory of each MAT standard between the annual benchmarkings: the moderated
annual grades, and between them each quarter's approved progress return (the ADP's red,
amber or green self-assessment, progress against its improvement plan and the numerical
measures), read by ``returns.mat_quarterly`` and handed in.

For example::

    quarters = mat_quarterly.quarter_points(db, "S11000015", 1)
    points = trajectory(db, user, "S11000015", 1, geo, quarters)
    [(p["period"], p["kind"], p["label"]) for p in points]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from missionmonitor.periods import benchmarking_label, parse_period
from missionmonitor.portal.models import User
from missionmonitor.refdata.geography import Geography
from missionmonitor.standards.workflow import history, label

RAG_ORDER = {"red": 0, "amber": 1, "green": 2}


def trajectory(
    db: Session,
    user: User | None,
    adp: str,
    standard: int,
    geo: Geography,
    quarters: list[dict[str, Any]],
    *,
    generated: bool = True,
) -> list[dict[str, Any]]:
    """Annual grades (as of April of the assessment year) and ``quarters``, the quarterly
    self-assessments of one ADP and standard, in time order, each saying how it moved from
    the point before of the same kind (better, worse, the same)."""
    points: list[dict[str, Any]] = []
    for g in history(db, user, adp, standard, geo, generated=generated):
        if g.status != "moderated":
            continue
        points.append(
            {
                "period": benchmarking_label(g.year),
                "start": parse_period(benchmarking_label(g.year)).start,
                "kind": "annual",
                "label": label(g.grade, g.provisional),
                "rag": g.grade,
                "progress": "",
                "measures": {},
                "notes": g.moderation_reason or "",
            }
        )
    points += [dict(q) for q in quarters]
    points.sort(key=lambda p: (p["start"], p["kind"] == "quarterly"))
    last: dict[str, int] = {}
    for p in points:
        order = RAG_ORDER.get(p["rag"], 3 if p["rag"] == "blue" else -1)
        before = last.get(p["kind"])
        if before is None or order < 0:
            p["movement"] = ""
        else:
            p["movement"] = "better" if order > before else "worse" if order < before else "same"
        if order >= 0:
            last[p["kind"]] = order
    return points


def national_quarters(
    points: Mapping[str, Iterable[Mapping[str, Any]]], numbers: Iterable[int]
) -> list[dict[str, Any]]:
    """Across ADPs, for each standard and quarter: how many ADPs' approved quarterly
    returns put the standard at red, amber or green (or gave no grade). ``points`` holds
    each ADP's quarterly points (``returns.mat_quarterly.quarter_point``) of every
    standard, keyed by ADP; counts are unsuppressed, for the caller's disclosure control.

    >>> p = [{"period": "2025-Q1", "start": 0, "standard": 1, "rag": "red"}]
    >>> national_quarters({"A": p, "B": [{**p[0], "rag": "green"}]}, [1])[0]["counts"]
    {'red': 1, 'amber': 0, 'green': 1, 'not given': 0}
    """
    wanted = set(numbers)
    cells: dict[tuple[int, str], dict[str, int]] = {}
    starts: dict[str, Any] = {}
    for adp_points in points.values():
        for p in adp_points:
            if p["standard"] not in wanted:
                continue
            counts = cells.setdefault(
                (p["standard"], p["period"]), {"red": 0, "amber": 0, "green": 0, "not given": 0}
            )
            counts[p["rag"] if p["rag"] in RAG_ORDER else "not given"] += 1
            starts[p["period"]] = p["start"]
    return [
        {"standard": n, "period": period, "adps": sum(c.values()), "counts": c}
        for (n, period), c in sorted(cells.items(), key=lambda kv: (kv[0][0], starts[kv[0][1]]))
    ]
