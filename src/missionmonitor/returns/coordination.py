"""Coordinating returns: due dates, who has returned what (completeness and lateness),
reminders for late returns, and approved returns as a dataset for the store."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from missionmonitor import config
from missionmonitor.portal.audit import record
from missionmonitor.portal.models import Submission
from missionmonitor.refdata.geography import Geography, reporting_type
from missionmonitor.returns.forms import Form, get_form
from missionmonitor.returns.workflow import history

#: A return in these states can be changed; submitted and approved ones are locked.
EDITABLE = ("draft", "returned")


def due_date(configuration: config.Configuration, form: Form, period: str) -> dt.date:
    """When a form's return for ``period`` is due (``returns/deadlines.yaml``)."""
    from missionmonitor.returns.deadlines import due

    return due(configuration, form.id, form.period_type, period)


def completeness(
    db: Session, form: Form, period: str, geo: Geography, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Every ADP's state for one form and period: not started, draft, submitted, approved or
    returned, and whether it is late (not yet submitted after the due date)."""
    today = today or dt.date.today()
    due = due_date(geo.configuration, form, period)
    rows = []
    for adp in geo.of_type(reporting_type(geo.configuration)):
        versions = history(db, form.id, adp.code, period)
        state = versions[-1].status if versions else "not started"
        rows.append(
            {
                "adp_code": adp.code,
                "adp_name": adp.name,
                "state": state,
                "versions": len(versions),
                "due": due.isoformat(),
                "late": today > due and state in ("not started", "draft", "returned"),
            }
        )
    return rows


def approved_rows(
    configuration: config.Configuration, db: Session, form_id: str, source: str = "MM_ADP_RETURNS"
) -> list[dict[str, Any]]:
    """The latest approved version of every return of a form, one row per answer, in the
    ``adp_returns`` dataset's shape (so approved returns flow into the analytical store).
    ``source``: the source key the figures carry (``MM_DEMO_RETURNS`` for SYNTHETIC ones)."""
    out = []
    latest: dict[tuple[str, str], Submission] = {}
    for s in db.scalars(
        select(Submission).where(Submission.form_id == form_id, Submission.status == "approved")
    ):
        key = (s.adp_code, s.period)
        if key not in latest or s.number > latest[key].number:
            latest[key] = s
    for (adp, period), s in sorted(latest.items()):
        form = get_form(configuration, s.form_id, s.form_version)
        numeric = {q.id for q in form.questions if q.type in ("integer", "decimal", "percentage")}
        for question, value in sorted(json.loads(s.answers).items()):
            if question in numeric and value not in (None, ""):
                out.append(
                    {
                        "area_type": reporting_type(configuration),
                        "area_code": adp,
                        "form_id": s.form_id,
                        "form_version": s.form_version,
                        "measure": question,
                        "period": period,
                        "value": float(value),
                        "source": source,
                    }
                )
    return out


def remind_late(
    db: Session, form: Form, period: str, geo: Geography, send: Any, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Tell the submitters and approvers of every ADP whose return is late. ``send(to,
    subject, body)`` delivers one message (mail through SMTP, or the log). Returns who was
    told about what.

    Each reminder is recorded and committed as soon as it is sent, so a failure part-way
    keeps the record of those already sent; an ADP already reminded about this return today
    is not reminded again (``sent`` is "already")."""
    from missionmonitor.portal.models import AuditEntry
    from missionmonitor.portal.models import User as UserRow

    day = today or dt.date.today()
    since = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
    told = []
    for row in completeness(db, form, period, geo, today):
        if not row["late"]:
            continue
        key = f"{form.id}/{row['adp_code']}/{period}"
        earlier = db.scalars(
            select(AuditEntry.after).where(
                AuditEntry.action == "remind",
                AuditEntry.entity == "return",
                AuditEntry.entity_id == key,
                AuditEntry.at >= since,
            )
        )
        if any(json.loads(a or "{}").get("sent") for a in earlier):
            told.append(
                {"adp_code": row["adp_code"], "to": [], "sent": "already", "state": row["state"]}
            )
            continue
        people = list(
            db.scalars(
                select(UserRow).where(
                    UserRow.area_code == row["adp_code"], UserRow.active.is_(True)
                )
            )
        )
        to = [u.email for u in people if u.email]
        subject = f"Late return: {form.title}, {period}"
        body = (
            f"The {form.title} for {row['adp_name']}, {period}, was due on {row['due']} "
            f"and is {row['state']}. Please complete and submit it in the portal."
        )
        sent = send(to, subject, body) if to else False
        record(db, None, "remind", "return", key, None, {"to": to, "sent": sent})
        db.commit()  # kept even if a later message fails
        told.append({"adp_code": row["adp_code"], "to": to, "sent": sent, "state": row["state"]})
    return told
