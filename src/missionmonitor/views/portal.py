"""View models of the signed-in pages: the alerts a user may act on, tracked actions, and
the actions shown on an area's profile."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from missionmonitor.errors import PermissionDenied
from missionmonitor.portal import actions as action_service
from missionmonitor.portal.models import User
from missionmonitor.portal.permissions import can, matrix
from missionmonitor.refdata.geography import national_code
from missionmonitor.services.site_data import SiteData


def alert_rows(data: SiteData, user: User) -> list[dict[str, Any]]:
    """Alerts of the latest scans that ``user`` may see, with whether they may act on each."""
    rows = []
    for a in data.alerts.to_dict("records"):
        if can(user, "view_alerts", a["area_code"], data.geo):
            area = data.geo.areas.get(a["area_code"])
            may_act = can(user, "manage_actions", a["area_code"], data.geo)
            name = area.name if area else a["area_code"]
            rows.append(
                {**{str(k): v for k, v in a.items()}, "area_name": name, "may_act": may_act}
            )
    return rows


def portal_page(data: SiteData, db: Session, user: User) -> dict[str, Any]:
    """The portal's home: the alerts ``user`` may see and the actions on them;
    PermissionDenied for a role without early-warning alerts."""
    if not can(user, "view_alerts", None, data.geo):
        raise PermissionDenied("your role does not include early-warning alerts")
    return {
        "title": "Alerts and actions",
        "user": user,
        "role": matrix().roles[user.role].label,
        "alerts": alert_rows(data, user)[:200],
        "actions": action_service.actions_for_area(
            db, user, national_code(data.configuration), data.geo
        ),
        "listed": action_service.LISTED,
        "scans": data.scans.to_dict("records"),
    }


def action_page(data: SiteData, db: Session, user: User, action_id: int) -> dict[str, Any]:
    """A tracked action with its notes, and whether ``user`` may still change it."""
    action = action_service.get_action(db, user, action_id, data.geo)
    area = data.geo.areas.get(action.area_code)
    return {
        "title": f"Action {action.id}: {action.title}",
        "action": action,
        "notes": action_service.notes(db, action.id),
        "area_name": area.name if area else action.area_code,
        "may_edit": can(user, "manage_actions", action.area_code, data.geo)
        and action.status not in action_service.FINISHED,
        "statuses": action_service.UNFINISHED,
    }


def area_actions(
    data: SiteData, db: Session, user: User | None, code: str
) -> list[dict[str, Any]] | None:
    """Actions on alerts overlapping ``code`` for a user who may see them (for the area
    profile); None for the public or a user whose role does not include alerts."""
    if user is None or not can(user, "view_alerts", code, data.geo):
        return None
    rows = action_service.actions_for_area(db, user, code, data.geo)
    return [action_service.snapshot(a) for a in rows]
