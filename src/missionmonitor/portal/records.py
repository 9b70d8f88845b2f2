"""Reading a record someone is about to act on: it exists, their role allows the action in
its area, and (for a change) it is still the version they saw, so that no one's change is
silently overwritten (optimistic locking).

For example::

    s = fetch_current(db, Submission, 12, "submission", user, "edit_returns", 3, geo)
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from missionmonitor.errors import NotFoundError, StaleEditError
from missionmonitor.portal.models import User
from missionmonitor.portal.permissions import require
from missionmonitor.refdata.geography import Geography


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


R = TypeVar("R", bound=Versioned)


def fetch(
    db: Session,
    model: type[R],
    record_id: int,
    what: str,
    user: User,
    action: str,
    geo: Geography,
    *,
    area: str = "adp_code",
) -> R:
    """The record, once ``user`` may do ``action`` in its area (its ``area`` column)."""
    found = db.get(model, record_id)
    if found is None:
        raise NotFoundError(f"no {what} {record_id}")
    require(user, action, getattr(found, area), geo)
    return found


def fetch_current(
    db: Session,
    model: type[R],
    record_id: int,
    what: str,
    user: User,
    action: str,
    seen_version: int,
    geo: Geography,
    *,
    area: str = "adp_code",
) -> R:
    """``fetch``, refusing with StaleEditError a record changed since ``seen_version``."""
    found = fetch(db, model, record_id, what, user, action, geo, area=area)
    if found.version != seen_version:
        raise StaleEditError(
            f"{what} {record_id} was changed by someone else (now version {found.version}, "
            f"you saw {seen_version}); reload it and make your change again"
        )
    return found
