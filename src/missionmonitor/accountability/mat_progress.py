"""The trajectory of each MAT standard between the annual benchmarkings: the moderated
annual grades, and between them each quarter's approved progress return (the ADP's red,
amber or green self-assessment, progress against its improvement plan and the numerical
measures).

For example::

    points = trajectory(db, user, "S11000015", 1, geo)
    [(p["period"], p["kind"], p["label"]) for p in points]
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from missionmonitor.periods import benchmarking_label, parse_period
from missionmonitor.portal.models import Submission, User
from missionmonitor.refdata.geography import Geography
from missionmonitor.returns.forms import get_form
from missionmonitor.returns.workflow import history_all
from missionmonitor.standards.workflow import history, label

FORM = "mat_quarterly"
RAG_ORDER = {"red": 0, "amber": 1, "green": 2}


def approved_quarters(db: Session, adp: str) -> dict[str, Submission]:
    """The latest approved version of each quarter's progress return of one ADP."""
    out: dict[str, Submission] = {}
    for s in history_all(db, FORM, adp):
        if s.status == "approved" and (s.period not in out or s.number > out[s.period].number):
            out[s.period] = s
    return out


def _quarter_point(s: Submission, standard: int) -> dict[str, Any]:
    form = get_form(s.form_id, s.form_version)
    answers = json.loads(s.answers)
    codes = form.code_lists
    prefix = f"s{standard}_"
    measures = {
        q.label: answers.get(q.id)
        for q in form.questions
        if q.id.startswith(prefix) and q.type == "integer"
    }
    rag = answers.get(f"{prefix}rag")
    progress = answers.get(f"{prefix}progress")
    return {
        "period": s.period,
        "start": parse_period(s.period).start,
        "kind": "quarterly",
        "label": codes["rag"].get(str(rag), "not given"),
        "rag": rag,
        "progress": codes["progress"].get(str(progress), "not given"),
        "measures": measures,
        "notes": answers.get(f"{prefix}notes") or "",
    }


def trajectory(
    db: Session,
    user: User | None,
    adp: str,
    standard: int,
    geo: Geography,
    *,
    generated: bool = True,
) -> list[dict[str, Any]]:
    """Annual grades (as of April of the assessment year) and quarterly self-assessments
    of one ADP and standard, in time order, each saying how it moved from the point before
    of the same kind (better, worse, the same)."""
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
    points += [_quarter_point(s, standard) for s in approved_quarters(db, adp).values()]
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


def latest_by_standard(db: Session, adp: str, numbers: list[int]) -> dict[int, dict[str, Any]]:
    """Each standard's latest approved quarterly self-assessment of one ADP, if any."""
    quarters = approved_quarters(db, adp)
    if not quarters:
        return {}
    latest = quarters[max(quarters, key=lambda p: parse_period(p).start)]
    return {n: _quarter_point(latest, n) for n in numbers}
