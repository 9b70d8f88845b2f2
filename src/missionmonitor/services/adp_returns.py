"""What the returns pages do with an ADP's return: the overview of every form's returns,
saving, submitting and deciding one, loading an uploaded file of drafts, and reading an
evidence file. Permissions are checked here (through the domain), never by the caller.

For example::

    count = upload_drafts(db, user, form, "returns.xlsx", data, geo)
    latest_version(db, form, "S11000015", "2024/25")
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy.orm import Session

from missionmonitor.errors import NotFoundError
from missionmonitor.periods import recent_periods
from missionmonitor.portal.models import Attachment, Submission, User
from missionmonitor.portal.permissions import can, require
from missionmonitor.refdata.geography import Geography, reporting_type
from missionmonitor.returns import workflow
from missionmonitor.returns.coordination import completeness
from missionmonitor.returns.forms import Form, get_form, load_forms
from missionmonitor.returns.upload import read_upload
from missionmonitor.services import outcome_reviews


def address(form_id: str, adp: str, period: str) -> str:
    """The address of a return's page ("/" in a period becomes "-")."""
    return f"/portal/returns/{form_id}/{adp}/{period.replace('/', '-')}"


def overview(
    db: Session, user: User, geo: Geography, form: str = "", period: str = ""
) -> list[dict[str, Any]]:
    """Every ADP form's returns that ``user`` may see, for one period each: ``period`` for
    ``form``, the latest period that has ended for the others."""
    require(user, "view_returns", user.area_code, geo)
    tables = []
    for fid in sorted(
        {fid for (fid, _), f in load_forms(geo.configuration).items() if f.answered_by == "adp"}
    ):
        definition = get_form(geo.configuration, fid)
        options = recent_periods(definition.period_type, dt.date.today())
        chosen = period if form == fid and period in options else options[0]
        rows = completeness(db, definition, chosen, geo)
        rows = [r for r in rows if can(user, "view_returns", r["adp_code"], geo)]
        for r in rows:
            r["url"] = address(fid, r["adp_code"], chosen)
        tables.append({"form": definition, "period": chosen, "rows": rows, "options": options})
    return tables


def returns_page(
    db: Session, user: User, geo: Geography, form: str = "", period: str = ""
) -> dict[str, Any]:
    """The returns overview (``overview``) and whether ``user`` may fill in or upload
    returns from it."""
    return {
        "tables": overview(db, user, geo, form, period),
        "may_edit": can(user, "edit_returns", None, geo),
    }


def latest_version(db: Session, form: Form, adp: str, period: str) -> Submission | None:
    """The latest version of a return, or None before its first draft."""
    versions = workflow.history(db, form.id, adp, period)
    return versions[-1] if versions else None


def _latest(db: Session, form: Form, adp: str, period: str, missing: str) -> Submission:
    latest = latest_version(db, form, adp, period)
    if latest is None:
        raise NotFoundError(missing)
    return latest


def submit_latest(
    db: Session,
    user: User,
    form: Form,
    adp: str,
    period: str,
    comments: dict[str, str],
    seen_version: int,
    geo: Geography,
) -> Submission:
    """Keep the comments on warnings with the latest draft's answers, then submit it
    (NotReadyToSubmit while errors or uncommented warnings remain)."""
    latest = _latest(db, form, adp, period, "there is no draft to submit")
    answers = json.loads(latest.answers)
    draft = workflow.save_draft(
        db, user, form, adp, period, answers, comments, seen_version, geo=geo
    )
    return workflow.submit(db, user, draft.id, draft.version, geo)


def decide_latest(
    db: Session,
    user: User,
    form: Form,
    adp: str,
    period: str,
    approve: bool,
    comment: str,
    seen_version: int,
    geo: Geography,
) -> Submission:
    """Approve or return the latest version of a return."""
    latest = _latest(db, form, adp, period, "there is no return to decide")
    return workflow.decide(db, user, latest.id, seen_version, approve, comment, geo=geo)


def upload_drafts(
    db: Session, user: User, form: Form, filename: str, data: bytes, geo: Geography
) -> int:
    """Save every return of an uploaded file as a draft, all in the caller's one
    transaction (every row is kept, or none: ValidationError lists every problem). Only
    ADPs the user may edit are accepted. Returns how many drafts were saved."""
    if form.instrument is not None:  # a record-level return: people's reviews
        return outcome_reviews.upload_records(db, user, form, filename, data, geo)
    require(user, "edit_returns", None, geo)
    allowed = {
        a.code
        for a in geo.of_type(reporting_type(geo.configuration))
        if can(user, "edit_returns", a.code, geo)
    }
    rows = read_upload(geo, form, filename, data, allowed)
    for r in rows:
        latest = latest_version(db, form, r.adp_code, r.period)
        seen = latest.version if latest is not None and latest.status == "draft" else None
        workflow.save_draft(db, user, form, r.adp_code, r.period, r.answers, None, seen, geo=geo)
    return len(rows)


def attachment(db: Session, user: User, attachment_id: int, geo: Geography) -> Attachment:
    """An evidence file of a return the user may see (NotFoundError, PermissionDenied)."""
    item = db.get(Attachment, attachment_id)
    owner = db.get(Submission, item.submission_id) if item is not None else None
    if item is None or owner is None:
        raise NotFoundError(f"no attachment {attachment_id}")
    require(user, "view_returns", owner.adp_code, geo)
    return item
