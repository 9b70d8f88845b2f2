"""The MAT standards grading workflow: an assessor proposes a grade per ADP × standard ×
year with a rationale citing evidence; a moderator confirms it or changes it (a reason is
required to change); only moderated grades are published. Every step is audited; the rule
set used travels with every grade.

For example::

    g = propose(db, analyst, "S11000015", 1, 2024, {"process": "full", ...}, "phs", "…", geo)
    moderate(db, moderator, g.id, g.version, geo=geo)             # confirm
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from missionmonitor.errors import MethodInputError
from missionmonitor.portal.actions import FINISHED, STATUSES
from missionmonitor.portal.audit import record
from missionmonitor.portal.models import ImprovementAction, StandardGrade, User, now
from missionmonitor.portal.permissions import can, require
from missionmonitor.portal.records import fetch, fetch_current
from missionmonitor.refdata.geography import Geography, reporting_type
from missionmonitor.standards.grading import Assessment, Grade, GradeName, grade, load_standards

GRADES = ("red", "amber", "green", "blue")


def snapshot(g: StandardGrade) -> dict[str, Any]:
    return {
        "id": g.id,
        "adp_code": g.adp_code,
        "standard": g.standard,
        "year": g.year,
        "criteria_version": g.criteria_version,
        "rule_set": g.rule_set,
        "evidence": json.loads(g.evidence),
        "proposed": [g.proposed_grade, g.proposed_provisional],
        "status": g.status,
        "grade": g.grade,
        "provisional": g.provisional,
        "moderation_reason": g.moderation_reason,
        "version": g.version,
    }


def label(grade_name: str | None, provisional: bool | None) -> str:
    if grade_name is None:
        return "Not graded"
    return Grade(cast(GradeName, grade_name), bool(provisional), "", "").label


def propose(
    db: Session,
    user: User,
    adp: str,
    standard: int,
    year: int,
    evidence: dict[str, str],
    rule_set: str,
    rationale: str,
    geo: Geography,
    sustained: bool = False,
    evidence_refs: list[str] | None = None,
    synthetic: bool = False,
) -> StandardGrade:
    """Propose a grade computed from the evidence levels under ``rule_set``."""
    require(user, "propose_grades", adp, geo)
    if geo.codes().get(adp) != reporting_type(geo.configuration):
        raise MethodInputError(f"{adp} is not an ADP code")
    if standard not in load_standards(geo.configuration).numbers:
        raise MethodInputError(f"there is no standard {standard}")
    if not rationale.strip():
        raise MethodInputError("a proposal needs a rationale citing the evidence")
    version = load_standards(geo.configuration).version_for(year)
    computed = grade(geo.configuration, evidence, rule_set, sustained)
    for old in db.scalars(
        select(StandardGrade).where(
            StandardGrade.adp_code == adp,
            StandardGrade.standard == standard,
            StandardGrade.year == year,
            StandardGrade.status == "proposed",
        )
    ):
        before = snapshot(old)
        old.status = "superseded"
        db.flush()
        record(db, user.id, "supersede", "grade", old.id, before, snapshot(old))
    g = StandardGrade(
        adp_code=adp,
        standard=standard,
        year=year,
        criteria_version=version.version,
        rule_set=rule_set,
        evidence=json.dumps({**evidence, "sustained": sustained}),
        evidence_refs=json.dumps(evidence_refs or []),
        proposed_grade=computed.grade,
        proposed_provisional=computed.provisional,
        rationale=rationale.strip(),
        proposed_by=user.id,
        status="proposed",
        synthetic=synthetic,
    )
    db.add(g)
    db.flush()
    record(db, user.id, "propose", "grade", g.id, None, snapshot(g))
    return g


def moderate(
    db: Session,
    user: User,
    grade_id: int,
    seen_version: int,
    geo: Geography,
    new_grade: str | None = None,
    new_provisional: bool | None = None,
    reason: str = "",
) -> StandardGrade:
    """Confirm the proposal, or change it (``new_grade``) with a reason; publishes it."""
    g = fetch_current(
        db, StandardGrade, grade_id, "grade", user, "moderate_grades", seen_version, geo
    )
    refusal = moderation_refusal(user, g)
    if refusal:
        raise MethodInputError(refusal)
    final = new_grade or g.proposed_grade
    provisional = g.proposed_provisional if new_provisional is None else new_provisional
    if final not in GRADES:
        raise MethodInputError(f"grades are {', '.join(GRADES)}")
    if provisional and final not in ("green", "amber"):
        raise MethodInputError("only green and amber grades can be provisional")
    changed = (final, provisional) != (g.proposed_grade, g.proposed_provisional)
    if changed and not reason.strip():
        raise MethodInputError("changing a proposed grade needs a reason")
    before = snapshot(g)
    g.grade, g.provisional, g.status = final, provisional, "moderated"
    g.moderated_by, g.moderated_at = user.id, now()
    g.moderation_reason = reason.strip() or None
    db.flush()
    record(db, user.id, "change" if changed else "confirm", "grade", g.id, before, snapshot(g))
    return g


def visible(
    db: Session, user: User | None, year: int | None, geo: Geography, *, generated: bool = True
) -> list[StandardGrade]:
    """Grades the viewer may see: the public, moderated grades only; assessors and
    moderators everything; ADP users also their own ADP's proposals. ``generated=False``
    leaves out SYNTHETIC demonstration grades (a site of published figures)."""
    query = select(StandardGrade).where(StandardGrade.status != "superseded")
    if not generated:
        query = query.where(StandardGrade.synthetic.is_(False))
    if year is not None:
        query = query.where(StandardGrade.year == year)
    rows = list(db.scalars(query.order_by(StandardGrade.adp_code, StandardGrade.standard)))
    return [
        g
        for g in rows
        if g.status == "moderated" or can(user, "view_draft_grades", g.adp_code, geo)
    ]


def history(
    db: Session,
    user: User | None,
    adp: str,
    standard: int,
    geo: Geography,
    *,
    generated: bool = True,
) -> list[StandardGrade]:
    """Every visible grade of one ADP and standard, oldest first (superseded ones too, for
    those who may see drafts); ``generated=False`` leaves out SYNTHETIC grades."""
    rows = db.scalars(
        select(StandardGrade)
        .where(
            StandardGrade.adp_code == adp,
            StandardGrade.standard == standard,
        )
        .order_by(StandardGrade.year, StandardGrade.id)
    )
    return [
        g
        for g in rows
        if (generated or not g.synthetic)
        and (g.status == "moderated" or can(user, "view_draft_grades", g.adp_code, geo))
    ]


def add_action(
    db: Session, user: User, grade_id: int, title: str, owner: str, due: dt.date, geo: Geography
) -> ImprovementAction:
    """Add an improvement action to a grade (its ``grade`` is the grade it improves on)."""
    g = fetch(db, StandardGrade, grade_id, "grade", user, "manage_improvement_actions", geo)
    if not title.strip() or not owner.strip():
        raise MethodInputError("an improvement action needs a title and an owner")
    a = ImprovementAction(
        grade_id=g.id,
        adp_code=g.adp_code,
        title=title.strip()[:200],
        owner=owner.strip()[:200],
        due=due,
        status="open",
        created_by=user.id,
    )
    db.add(a)
    db.flush()
    record(
        db,
        user.id,
        "create",
        "improvement_action",
        a.id,
        None,
        {"grade": g.id, "title": a.title, "owner": a.owner, "due": due},
    )
    return a


def set_action_status(
    db: Session, user: User, action_id: int, seen_version: int, status: str, geo: Geography
) -> ImprovementAction:
    a = fetch_current(
        db,
        ImprovementAction,
        action_id,
        "improvement action",
        user,
        "manage_improvement_actions",
        seen_version,
        geo,
    )
    if status not in STATUSES:
        raise MethodInputError(f"status must be one of: {', '.join(STATUSES)}")
    before = {"status": a.status}
    a.status = status
    db.flush()
    record(db, user.id, "update", "improvement_action", a.id, before, {"status": status})
    return a


def actions_for(db: Session, adp: str, today: dt.date | None = None) -> list[dict[str, Any]]:
    """An ADP's improvement actions, overdue ones flagged."""
    today = today or dt.date.today()
    rows = db.scalars(
        select(ImprovementAction)
        .where(ImprovementAction.adp_code == adp)
        .order_by(ImprovementAction.due)
    )
    return [
        {
            "id": a.id,
            "grade_id": a.grade_id,
            "title": a.title,
            "owner": a.owner,
            "due": a.due.isoformat(),
            "status": a.status,
            "version": a.version,
            "overdue": a.status not in FINISHED and a.due < today,
        }
        for a in rows
    ]


def demo_year(db: Session, year: int, seed: int = 1, *, geo: Geography) -> int:
    """SYNTHETIC grades for every ADP and standard in ``year``: evidence levels drawn at
    random (so most standards 1–5 are fully implemented and fewer of 6–10), proposed and
    moderated by two disabled demonstration accounts, every grade marked synthetic.
    Returns how many grades were made."""
    import random

    from missionmonitor.portal import accounts

    rng = random.Random(f"{seed}-{year}")
    people = {}
    for name, role in (("demo-assessor", "phs_analyst"), ("demo-moderator", "mat_moderator")):
        people[name] = accounts.stand_in(geo.configuration, db, name, role)
    # Enabled stand-ins for the permission checks; the grades name the demo accounts.
    assessor = User(id=people["demo-assessor"].id, role="phs_analyst", active=True)
    moderator = User(id=people["demo-moderator"].id, role="mat_moderator", active=True)
    made = 0
    for adp in geo.of_type(reporting_type(geo.configuration)):
        for standard in load_standards(geo.configuration).numbers:
            strong = 0.85 if standard <= 5 else 0.55
            levels = {
                s: rng.choices(
                    ["full", "partial", "none"], [strong, (1 - strong) * 0.7, (1 - strong) * 0.3]
                )[0]
                for s in ("process", "numerical", "experiential")
            }
            g = propose(
                db,
                assessor,
                adp.code,
                standard,
                year,
                levels,
                "phs",
                "SYNTHETIC demonstration grade",
                geo,
                sustained=rng.random() < 0.2,
                synthetic=True,
            )
            moderate(db, moderator, g.id, g.version, geo)
            made += 1
    return made


def assessments(rows: list[StandardGrade]) -> list[Assessment]:
    """Moderated grades as assessments for the national summary."""
    out = []
    for g in rows:
        if g.status == "moderated" and g.grade in GRADES:
            name = cast(GradeName, g.grade)
            out.append(
                Assessment(g.adp_code, g.standard, Grade(name, bool(g.provisional), g.rule_set, ""))
            )
    return out


def moderation_refusal(user: User, g: StandardGrade) -> str | None:
    """Why ``user`` may not moderate ``g`` whatever their role, or None if they may."""
    if g.status != "proposed":
        return f"only a proposed grade can be moderated; this one is {g.status}"
    if g.proposed_by == user.id:
        return "a grade is moderated by someone other than its assessor"
    return None


def may_moderate(user: User | None, g: StandardGrade, geo: Geography) -> bool:
    """Whether ``user`` may moderate ``g`` now (role, area, status and separation of duties)."""
    return (
        user is not None
        and can(user, "moderate_grades", g.adp_code, geo)
        and moderation_refusal(user, g) is None
    )
