"""Acting on an early-warning alert of the latest scans: the alert is looked up in the store's
snapshot, then an action is opened on it in the portal database.

For example::

    action = act_on_alert(data, db, user, key, "Check local supply", "Lead nurse")
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from missionmonitor.errors import NotFoundError
from missionmonitor.portal import actions as action_service
from missionmonitor.portal.models import Action, User
from missionmonitor.services.site_data import SiteData


def find_alert(data: SiteData, key: dict[str, str]) -> dict[str, Any]:
    """One alert of the latest scan by (scan_id, series_id, area_code, period, method)."""
    a = data.alerts
    hit = a[
        (a["scan_id"].astype(str) == key["scan_id"])
        & (a["series_id"] == key["series_id"])
        & (a["area_code"] == key["area_code"])
        & (a["period"] == key["period"])
        & (a["method"] == key["method"])
    ]
    if hit.empty:
        raise NotFoundError("that alert is not in the latest scan")
    return dict(hit.iloc[0])


def act_on_alert(
    data: SiteData, db: Session, user: User, key: dict[str, str], title: str, owner: str
) -> Action:
    """Open an action on the alert named by ``key`` (NotFoundError if it is not in the latest
    scan; PermissionDenied if ``user`` may not manage actions in its area)."""
    return action_service.create_action(db, user, find_alert(data, key), title, owner, data.geo)
