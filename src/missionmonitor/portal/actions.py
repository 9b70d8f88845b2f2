"""Actions: what someone agreed to do, about an early-warning alert or at an oversight meeting
(``accountability.governance``). One model and one status set for both: open, in progress,
done, cancelled; a done or cancelled action is finished and no longer changes. An action on
an alert is created from the alert, owned, noted and closed (done, with what was done).

Every change is audited; edits carry the version the editor saw, so two people editing one
action cannot silently overwrite each other (StaleEditError).

For example::

    action = create_action(db, user, alert, "Check local supply", owner="Lead nurse", geo=geo)
    close_action(db, user, action.id, action.version, "Supply cleared", geo=geo)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from missionmonitor.errors import MethodInputError, NotFoundError
from missionmonitor.portal.audit import record
from missionmonitor.portal.models import Action, ActionNote, User, now
from missionmonitor.portal.permissions import require
from missionmonitor.portal.records import fetch, fetch_current
from missionmonitor.refdata.geography import Geography

#: Every action's status, in order; the last two finish it.
STATUSES = ("open", "in progress", "done", "cancelled")
FINISHED = ("done", "cancelled")
#: The statuses of an action still being worked on.
UNFINISHED = ("open", "in progress")
ALERT, GOVERNANCE = "alert", "governance"


def snapshot(a: Action) -> dict[str, Any]:
    return {
        "id": a.id,
        "series_id": a.series_id,
        "area_code": a.area_code,
        "period": a.period,
        "method": a.method,
        "scan_id": a.scan_id,
        "title": a.title,
        "owner": a.owner,
        "status": a.status,
        "closed_at": a.closed_at,
        "closure_note": a.closure_note,
        "version": a.version,
    }


def required_text(value: str, name: str, limit: int = 200) -> str:
    """``value`` trimmed, refused (MethodInputError) when empty or longer than ``limit``."""
    value = (value or "").strip()
    if not value:
        raise MethodInputError(f"{name} is required")
    if len(value) > limit:
        raise MethodInputError(f"{name} is longer than {limit} characters")
    return value


def create_action(
    db: Session, user: User, alert: Mapping[str, Any], title: str, owner: str, geo: Geography
) -> Action:
    """Open an action on ``alert`` (a row of the store's alerts table)."""
    require(user, "manage_actions", str(alert["area_code"]), geo)
    action = Action(
        kind=ALERT,
        series_id=str(alert["series_id"]),
        area_code=str(alert["area_code"]),
        period=str(alert["period"]),
        method=str(alert["method"]),
        scan_id=int(alert["scan_id"]),
        title=required_text(title, "a title"),
        owner=required_text(owner, "an owner"),
        status="open",
        created_by=user.id,
    )
    db.add(action)
    db.flush()
    record(db, user.id, "create", "action", action.id, None, snapshot(action))
    return action


def fetch_action(
    db: Session,
    user: User,
    action_id: int,
    kind: str,
    permission: str,
    geo: Geography,
    seen_version: int | None = None,
) -> Action:
    """An action of ``kind`` that ``user`` may do ``permission`` on (at ``seen_version``, if
    given). An address for one kind of action never reaches the other kind (NotFoundError)."""
    found = db.get(Action, action_id)
    if found is None or found.kind != kind:
        raise NotFoundError(f"no action {action_id}")
    if seen_version is None:
        return fetch(db, Action, action_id, "action", user, permission, geo, area="area_code")
    return fetch_current(
        db, Action, action_id, "action", user, permission, seen_version, geo, area="area_code"
    )


def get_action(db: Session, user: User, action_id: int, geo: Geography) -> Action:
    """An action on an alert that ``user`` may see."""
    return fetch_action(db, user, action_id, ALERT, "view_alerts", geo)


def _editable(db: Session, user: User, action_id: int, seen_version: int, geo: Geography) -> Action:
    action = fetch_action(db, user, action_id, ALERT, "manage_actions", geo, seen_version)
    if action.status in FINISHED:
        raise MethodInputError(f"action {action_id} is {action.status}")
    return action


def update_action(
    db: Session,
    user: User,
    action_id: int,
    seen_version: int,
    geo: Geography,
    status: str | None = None,
    owner: str | None = None,
    note: str | None = None,
) -> Action:
    """Change the status or owner and/or add a note (finishing goes through close_action)."""
    action = _editable(db, user, action_id, seen_version, geo)
    before = snapshot(action)
    if status is not None:
        if status not in UNFINISHED:
            raise MethodInputError(f"status must be one of: {', '.join(UNFINISHED)}")
        action.status = status
    if owner is not None:
        action.owner = required_text(owner, "an owner")
    if note:
        db.add(
            ActionNote(
                action_id=action.id, author_id=user.id, text=required_text(note, "a note", 4000)
            )
        )
    # Every saved change moves the version on, a note included, so an editor working from
    # an older view is told to reload.
    flag_modified(action, "status")
    db.flush()  # the version check happens here too (UPDATE … WHERE version = seen)
    record(db, user.id, "update", "action", action.id, before, {**snapshot(action), "note": note})
    return action


def close_action(
    db: Session, user: User, action_id: int, seen_version: int, closure_note: str, geo: Geography
) -> Action:
    """Finish an action on an alert: done, with a note of what was done."""
    action = _editable(db, user, action_id, seen_version, geo)
    before = snapshot(action)
    action.status = "done"
    action.closure_note = required_text(closure_note, "a closing note", 4000)
    action.closed_at = now()
    db.flush()
    record(db, user.id, "close", "action", action.id, before, snapshot(action))
    return action


#: The most actions listed at once (the most recent first).
LISTED = 200


def actions_for_area(
    db: Session, user: User, area: str, geo: Geography, limit: int = LISTED
) -> list[Action]:
    """The ``limit`` most recent actions on alerts in areas that overlap ``area`` and that
    the user may see, newest first (selected in the database, however many there are)."""
    from missionmonitor.portal.permissions import can, overlaps

    codes = [
        code
        for code in geo.areas
        if overlaps(code, area, geo) and can(user, "view_alerts", code, geo)
    ]
    if not codes:
        return []
    return list(
        db.scalars(
            select(Action)
            .where(Action.kind == ALERT, Action.area_code.in_(codes))
            .order_by(Action.created_at.desc(), Action.id.desc())
            .limit(limit)
        )
    )


def notes(db: Session, action_id: int) -> list[ActionNote]:
    return list(
        db.scalars(
            select(ActionNote).where(ActionNote.action_id == action_id).order_by(ActionNote.at)
        )
    )
