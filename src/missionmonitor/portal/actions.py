"""Tracked actions on early-warning alerts: created from an alert, owned, noted, closed.

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

from missionmonitor.errors import (
    MethodInputError,
)
from missionmonitor.portal.audit import record
from missionmonitor.portal.models import ActionNote, TrackedAction, User, now
from missionmonitor.portal.permissions import require
from missionmonitor.portal.records import fetch, fetch_current
from missionmonitor.refdata.geography import Geography

STATUSES = ("open", "in progress", "closed")


def snapshot(a: TrackedAction) -> dict[str, Any]:
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
) -> TrackedAction:
    """Open an action on ``alert`` (a row of the store's alerts table)."""
    require(user, "manage_actions", str(alert["area_code"]), geo)
    action = TrackedAction(
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


def get_action(db: Session, user: User, action_id: int, geo: Geography) -> TrackedAction:
    return fetch(db, TrackedAction, action_id, "action", user, "view_alerts", geo, area="area_code")


def _editable(
    db: Session, user: User, action_id: int, seen_version: int, geo: Geography
) -> TrackedAction:
    action = fetch_current(
        db,
        TrackedAction,
        action_id,
        "action",
        user,
        "manage_actions",
        seen_version,
        geo,
        area="area_code",
    )
    if action.status == "closed":
        raise MethodInputError(f"action {action_id} is closed")
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
) -> TrackedAction:
    """Change the status or owner and/or add a note (closing goes through close_action)."""
    action = _editable(db, user, action_id, seen_version, geo)
    before = snapshot(action)
    if status is not None:
        if status not in STATUSES[:2]:
            raise MethodInputError(f"status must be one of: {', '.join(STATUSES[:2])}")
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
) -> TrackedAction:
    action = _editable(db, user, action_id, seen_version, geo)
    before = snapshot(action)
    action.status = "closed"
    action.closure_note = required_text(closure_note, "a closing note", 4000)
    action.closed_at = now()
    db.flush()
    record(db, user.id, "close", "action", action.id, before, snapshot(action))
    return action


#: The most actions listed at once (the most recent first).
LISTED = 200


def actions_for_area(
    db: Session, user: User, area: str, geo: Geography, limit: int = LISTED
) -> list[TrackedAction]:
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
            select(TrackedAction)
            .where(TrackedAction.area_code.in_(codes))
            .order_by(TrackedAction.created_at.desc(), TrackedAction.id.desc())
            .limit(limit)
        )
    )


def notes(db: Session, action_id: int) -> list[ActionNote]:
    return list(
        db.scalars(
            select(ActionNote).where(ActionNote.action_id == action_id).order_by(ActionNote.at)
        )
    )
