"""The audit log: every write, who made it, when, and the record before and after."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from missionmonitor.portal.models import AuditEntry


def record(
    db: Session,
    user_id: int | None,
    action: str,
    entity: str,
    entity_id: object,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Add an entry in the same transaction as the write it describes."""

    def dump(v: dict[str, Any] | None) -> str | None:
        return json.dumps(v, default=str) if v is not None else None

    db.add(
        AuditEntry(
            user_id=user_id,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            before=dump(before),
            after=dump(after),
        )
    )
