"""The governance log: oversight groups' meetings, the decisions taken at them and the
actions agreed, each action with an owner, a due date and a status, linked to the indicators,
alerts, standards and targets it concerns. Every change is audited; edits carry the version
the editor saw. A meeting's summary, decisions and action statuses reach the public only
when the group publishes summaries and the meeting is published.

For example::

    meeting = create_meeting(db, user, "national_mission_oversight", date(2025, 3, 4),
                             "Quarterly oversight", geo)
    add_decision(db, user, meeting.id, "Ask for a rapid review", ["indicator:drd_deaths"], geo)
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from missionmonitor import config
from missionmonitor.accountability.groups import Group, get_group, load_groups
from missionmonitor.errors import MethodInputError
from missionmonitor.portal.actions import (
    FINISHED,
    GOVERNANCE,
    STATUSES,
    UNFINISHED,
    fetch_action,
    required_text,
)
from missionmonitor.portal.audit import record
from missionmonitor.portal.models import Action, Decision, Meeting, User
from missionmonitor.portal.permissions import can, overlaps, require
from missionmonitor.portal.records import fetch, fetch_current
from missionmonitor.refdata.geography import Geography

#: The most meetings listed at once (the most recent first).
LISTED = 100
_ALERT = re.compile(r"^alert:[0-9]+/[a-z0-9_]+/S[0-9]{8}/[0-9A-Za-z/-]+$")


def parse_links(configuration: config.Configuration, text: str | Iterable[str]) -> list[str]:
    """References from text (separated by commas, spaces or new lines), each checked:
    ``indicator:ID`` (a catalogue indicator), ``standard:N`` (a MAT standard), ``target:ID``
    (a national target), ``alert:SCAN/SERIES/AREA/PERIOD`` (an early-warning alert)."""
    from missionmonitor.indicators.catalogue import load_catalogue
    from missionmonitor.standards.grading import load_standards
    from missionmonitor.surveillance.early_warning import load_series
    from missionmonitor.targets.definitions import load_targets

    items = re.split(r"[\s,]+", text.strip()) if isinstance(text, str) else list(text)
    links: list[str] = []
    wrong: list[str] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        kind, _, ref = item.partition(":")
        ok = (
            (kind == "indicator" and ref in load_catalogue(configuration))
            or (
                kind == "standard"
                and ref in {str(n) for n in load_standards(configuration).numbers}
            )
            or (kind == "target" and ref in {t.id for t in load_targets(configuration)})
            or (
                kind == "alert"
                and bool(_ALERT.match(item))
                and ref.split("/")[1] in load_series(configuration)
            )
        )
        (links if ok else wrong).append(item)
    if wrong:
        raise MethodInputError(
            f"unknown links: {', '.join(wrong)}; write indicator:ID, standard:N, target:ID or "
            "alert:SCAN/SERIES/AREA/PERIOD"
        )
    return sorted(set(links), key=links.index)


def snapshot(item: Meeting | Decision | Action) -> dict[str, Any]:
    cols = [c.name for c in item.__table__.columns]
    out = {c: getattr(item, c) for c in cols}
    return {k: v.isoformat() if isinstance(v, dt.date | dt.datetime) else v for k, v in out.items()}


def create_meeting(
    db: Session,
    user: User,
    group_id: str,
    held_on: dt.date,
    title: str,
    geo: Geography,
    *,
    synthetic: bool = False,
) -> Meeting:
    """Log a meeting of a group whose area the user may record decisions for
    (``synthetic``: a SYNTHETIC meeting of the demonstration)."""
    group = get_group(group_id, geo)
    require(user, "record_governance", group.area, geo)
    meeting = Meeting(
        group_id=group.id,
        area_code=group.area,
        held_on=held_on,
        title=required_text(title, "a title"),
        published=False,
        synthetic=synthetic,
        created_by=user.id,
    )
    db.add(meeting)
    db.flush()
    record(db, user.id, "create", "meeting", meeting.id, None, snapshot(meeting))
    return meeting


def get_meeting(db: Session, user: User, meeting_id: int, geo: Geography) -> Meeting:
    return fetch(db, Meeting, meeting_id, "meeting", user, "view_governance", geo, area="area_code")


def _recordable(db: Session, user: User, meeting_id: int, geo: Geography) -> Meeting:
    return fetch(
        db, Meeting, meeting_id, "meeting", user, "record_governance", geo, area="area_code"
    )


def add_decision(
    db: Session, user: User, meeting_id: int, text: str, links: str | Iterable[str], geo: Geography
) -> Decision:
    meeting = _recordable(db, user, meeting_id, geo)
    decision = Decision(
        meeting_id=meeting.id,
        text=required_text(text, "the decision", 4000),
        links=json.dumps(parse_links(geo.configuration, links)),
        created_by=user.id,
    )
    db.add(decision)
    db.flush()
    record(db, user.id, "create", "decision", decision.id, None, snapshot(decision))
    return decision


def add_action(
    db: Session,
    user: User,
    meeting_id: int,
    title: str,
    owner: str,
    due: dt.date,
    links: str | Iterable[str],
    geo: Geography,
    decision_id: int | None = None,
) -> Action:
    """An action agreed at the meeting (optionally under one of its decisions)."""
    meeting = _recordable(db, user, meeting_id, geo)
    if decision_id is not None:
        decision = db.get(Decision, decision_id)
        if decision is None or decision.meeting_id != meeting.id:
            raise MethodInputError(f"decision {decision_id} was not taken at this meeting")
    if due < meeting.held_on:
        raise MethodInputError("an action cannot be due before the meeting that agreed it")
    action = Action(
        kind=GOVERNANCE,
        meeting_id=meeting.id,
        decision_id=decision_id,
        area_code=meeting.area_code,
        title=required_text(title, "a title"),
        owner=required_text(owner, "an owner"),
        due=due,
        status="open",
        links=json.dumps(parse_links(geo.configuration, links)),
        created_by=user.id,
    )
    db.add(action)
    db.flush()
    record(db, user.id, "create", "governance_action", action.id, None, snapshot(action))
    return action


def meeting_of_action(db: Session, user: User, action_id: int, geo: Geography) -> int:
    """The meeting that agreed an action the user may see (NotFoundError, PermissionDenied)."""
    action = fetch_action(db, user, action_id, GOVERNANCE, "view_governance", geo)
    assert action.meeting_id is not None  # every governance action has its meeting
    return action.meeting_id


def update_action(
    db: Session,
    user: User,
    action_id: int,
    seen_version: int,
    geo: Geography,
    status: str | None = None,
    note: str | None = None,
) -> Action:
    """Move an action's status on and/or record progress (at the version the user saw)."""
    action = fetch_action(
        db, user, action_id, GOVERNANCE, "update_governance_actions", geo, seen_version
    )
    if action.status in FINISHED:
        raise MethodInputError(f"action {action_id} is {action.status}")
    before = snapshot(action)
    if status is not None:
        if status not in STATUSES:
            raise MethodInputError(f"status must be one of: {', '.join(STATUSES)}")
        action.status = status
    if note:
        action.progress_note = required_text(note, "a progress note", 4000)
    if status is None and not note:
        raise MethodInputError("give a new status or a progress note")
    db.flush()
    record(db, user.id, "update", "governance_action", action.id, before, snapshot(action))
    return action


def publish_meeting(
    db: Session, user: User, meeting_id: int, seen_version: int, summary: str, geo: Geography
) -> Meeting:
    """Publish the group's summary of a meeting (only for a group that publishes)."""
    meeting = fetch_current(
        db,
        Meeting,
        meeting_id,
        "meeting",
        user,
        "record_governance",
        seen_version,
        geo,
        area="area_code",
    )
    if not get_group(meeting.group_id, geo).publishes:
        raise MethodInputError("this group does not publish summaries of its meetings")
    before = snapshot(meeting)
    meeting.public_summary = required_text(summary, "a public summary", 4000)
    meeting.published = True
    db.flush()
    record(db, user.id, "publish", "meeting", meeting.id, before, snapshot(meeting))
    return meeting


def groups_for(user: User, geo: Geography) -> list[Group]:
    """The groups whose meetings the user may record, national first."""
    return [g for g in load_groups(geo).values() if can(user, "record_governance", g.area, geo)]


def meetings_for(
    db: Session, user: User, geo: Geography, area: str | None = None, limit: int = LISTED
) -> list[Meeting]:
    """The most recent meetings the user may see (of groups overlapping ``area``, if given)."""
    codes = [
        c
        for c in geo.areas
        if can(user, "view_governance", c, geo) and (area is None or overlaps(c, area, geo))
    ]
    if not codes:
        return []
    return list(
        db.scalars(
            select(Meeting)
            .where(Meeting.area_code.in_(codes))
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
            .limit(limit)
        )
    )


def decisions_of(db: Session, meeting_id: int) -> list[Decision]:
    return list(
        db.scalars(select(Decision).where(Decision.meeting_id == meeting_id).order_by(Decision.id))
    )


def actions_of(db: Session, meeting_id: int) -> list[Action]:
    return list(
        db.scalars(
            select(Action)
            .where(Action.kind == GOVERNANCE, Action.meeting_id == meeting_id)
            .order_by(Action.due, Action.id)
        )
    )


def overdue(actions: Iterable[Action], today: dt.date) -> list[Action]:
    return [a for a in actions if a.status in UNFINISHED and a.due is not None and a.due < today]


def public_meetings(db: Session, geo: Geography, limit: int = LISTED) -> list[dict[str, Any]]:
    """Published meetings of groups that publish: summary, decisions and each action's title,
    owner, due date and status (nothing from an unpublished meeting)."""
    groups = load_groups(geo)
    out = []
    published = (
        select(Meeting)
        .where(Meeting.published.is_(True))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        .limit(limit)
    )
    for m in db.scalars(published):
        group = groups.get(m.group_id)
        if group is None or not group.publishes:
            continue
        out.append(
            {
                "id": m.id,
                "group": group.name,
                "group_id": group.id,
                "area_code": m.area_code,
                "held_on": m.held_on.isoformat(),
                "title": m.title,
                "summary": m.public_summary,
                "synthetic": m.synthetic,
                "decisions": [
                    {"text": d.text, "links": json.loads(d.links)} for d in decisions_of(db, m.id)
                ],
                "actions": [
                    {
                        "title": a.title,
                        "owner": a.owner,
                        "due": a.due.isoformat() if a.due else "",
                        "status": a.status,
                        "links": json.loads(a.links),
                    }
                    for a in actions_of(db, m.id)
                ],
            }
        )
    return out
