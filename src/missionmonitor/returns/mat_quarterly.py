"""The MAT quarterly progress return read per standard: each quarter's latest approved
version of one ADP's return, and for a standard the ADP's red, amber or green
self-assessment, progress against its improvement plan and the numerical measures.

For example::

    points = [quarter_point(s, 1) for s in approved_quarters(db, "S11000015").values()]
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from missionmonitor import config
from missionmonitor.periods import parse_period
from missionmonitor.portal.models import Submission
from missionmonitor.returns.forms import get_form
from missionmonitor.returns.workflow import history_all

FORM = "mat_quarterly"


def approved_quarters(db: Session, adp: str) -> dict[str, Submission]:
    """The latest approved version of each quarter's progress return of one ADP."""
    out: dict[str, Submission] = {}
    for s in history_all(db, FORM, adp):
        if s.status == "approved" and (s.period not in out or s.number > out[s.period].number):
            out[s.period] = s
    return out


def quarter_point(
    configuration: config.Configuration, s: Submission, standard: int
) -> dict[str, Any]:
    """One quarter's self-assessment of one standard, as a point of its trajectory."""
    form = get_form(configuration, s.form_id, s.form_version)
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


def quarter_points(
    configuration: config.Configuration, db: Session, adp: str, standard: int
) -> list[dict[str, Any]]:
    """Every approved quarter's self-assessment of one ADP and standard."""
    return [quarter_point(configuration, s, standard) for s in approved_quarters(db, adp).values()]


def latest_by_standard(
    configuration: config.Configuration, db: Session, adp: str, numbers: list[int]
) -> dict[int, dict[str, Any]]:
    """Each standard's latest approved quarterly self-assessment of one ADP, if any."""
    quarters = approved_quarters(db, adp)
    if not quarters:
        return {}
    latest = quarters[max(quarters, key=lambda p: parse_period(p).start)]
    return {n: quarter_point(configuration, latest, n) for n in numbers}
