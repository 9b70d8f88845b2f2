"""The returns workflow: draft → submitted → approved (locked) or returned with comments.

Nothing is overwritten: a draft is edited in place only while it is a draft (with
optimistic locking); once submitted it is frozen, and changes after a return are a new
version. Every step is audited. Errors block submission; each warning needs a comment.

For example::

    draft = save_draft(db, user, form, "S11000015", "2024-Q2", answers, geo=geo)
    submit(db, user, draft.id, draft.version, geo)
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from missionmonitor.errors import (
    MethodInputError,
    NotReadyToSubmit,
    StaleEditError,
)
from missionmonitor.periods import parse_period
from missionmonitor.portal.audit import record
from missionmonitor.portal.models import Submission, User, now
from missionmonitor.portal.permissions import can, require
from missionmonitor.portal.records import fetch_current
from missionmonitor.refdata.geography import Geography, reporting_type
from missionmonitor.returns.forms import Form, check_answers, get_form

#: A return in these states can be changed; submitted and approved ones are locked.
EDITABLE = ("draft", "returned")


def _snapshot(s: Submission) -> dict[str, Any]:
    return {
        "id": s.id,
        "form": f"{s.form_id} v{s.form_version}",
        "adp_code": s.adp_code,
        "period": s.period,
        "number": s.number,
        "status": s.status,
        "answers": json.loads(s.answers),
        "comments": json.loads(s.comments),
        "decision_comment": s.decision_comment,
        "last_edited_by": s.last_edited_by,
        "submitted_by": s.submitted_by,
        "contributors": json.loads(s.contributors or "[]"),
        "version": s.version,
    }


def _contributed(s: Submission, user: User) -> None:
    """Record that ``user`` changed ``s`` (separation of duties: they may not decide it)."""
    people = json.loads(s.contributors or "[]")
    if user.id not in people:
        s.contributors = json.dumps([*people, user.id])
    s.last_edited_by = user.id


def _kept_files(form: Form, answers: dict[str, Any], earlier: dict[str, Any]) -> dict[str, Any]:
    """The answers with the earlier file answers kept: a file answer (or the records of a
    record-level return) is changed only by attaching (uploading) a file, never by saving
    the other answers."""
    files = {q.id for q in form.questions if q.type in ("file", "records")}
    return {**answers, **{q: v for q, v in earlier.items() if q in files and q not in answers}}


def history(db: Session, form_id: str, adp: str, period: str) -> list[Submission]:
    """Every version of one return, oldest first."""
    return list(
        db.scalars(
            select(Submission)
            .where(
                Submission.form_id == form_id,
                Submission.adp_code == adp,
                Submission.period == period,
            )
            .order_by(Submission.number)
        )
    )


def history_all(db: Session, form_id: str, adp: str) -> list[Submission]:
    """Every version of every period's return of one form for one ADP."""
    return list(
        db.scalars(
            select(Submission)
            .where(
                Submission.form_id == form_id,
                Submission.adp_code == adp,
            )
            .order_by(Submission.period, Submission.number)
        )
    )


def save_draft(
    db: Session,
    user: User,
    form: Form,
    adp: str,
    period: str,
    answers: dict[str, Any],
    comments: dict[str, str] | None = None,
    seen_version: int | None = None,
    *,
    geo: Geography,
) -> Submission:
    """Create or update the draft of a return (a new version if the last was returned).
    ``comments`` None keeps the comments on warnings already made; file answers are kept."""
    require(user, "edit_returns", adp, geo)
    if form.answered_by != "adp":
        raise MethodInputError(f"{form.id} is answered by the public, not returned by ADPs")
    if geo.codes().get(adp) != reporting_type(geo.configuration):
        raise MethodInputError(f"{adp} is not an ADP code")
    if parse_period(period).type != form.period_type:
        raise MethodInputError(f"{form.id} is a {form.period_type} return; {period!r} is not one")
    unknown = sorted(set(answers) - {q.id for q in form.questions})
    if unknown:
        raise MethodInputError(f"not questions of {form.id} v{form.version}: {', '.join(unknown)}")
    versions = history(db, form.id, adp, period)
    latest = versions[-1] if versions else None
    if latest is not None and latest.status not in EDITABLE:
        raise MethodInputError(f"this return is {latest.status} and locked; it cannot be edited")
    if latest is not None and latest.status == "draft":
        if seen_version != latest.version:
            raise StaleEditError(
                f"the draft was changed by someone else (now version "
                f"{latest.version}); reload it and make your change again"
            )
        before = _snapshot(latest)
        latest.answers = json.dumps(_kept_files(form, answers, json.loads(latest.answers)))
        if comments is not None:
            latest.comments = json.dumps(comments)
        _contributed(latest, user)
        flag_modified(latest, "answers")
        db.flush()
        record(db, user.id, "save_draft", "submission", latest.id, before, _snapshot(latest))
        return latest
    draft = Submission(
        form_id=form.id,
        form_version=form.version,
        adp_code=adp,
        period=period,
        number=(latest.number + 1) if latest else 1,
        status="draft",
        answers=json.dumps(
            _kept_files(form, answers, json.loads(latest.answers) if latest else {})
        ),
        comments=json.dumps(
            comments if comments is not None else json.loads(latest.comments) if latest else {}
        ),
        created_by=user.id,
        last_edited_by=user.id,
        contributors=json.dumps([user.id]),
    )
    db.add(draft)
    db.flush()
    record(db, user.id, "create_draft", "submission", draft.id, None, _snapshot(draft))
    return draft


def _get(
    db: Session, user: User, action: str, submission_id: int, seen_version: int, geo: Geography
) -> Submission:
    """The submission, once the user may do ``action`` on it, at the version they saw."""
    return fetch_current(
        db, Submission, submission_id, "submission", user, action, seen_version, geo
    )


def submit(
    db: Session, user: User, submission_id: int, seen_version: int, geo: Geography
) -> Submission:
    s = _get(db, user, "edit_returns", submission_id, seen_version, geo)
    if s.status != "draft":
        raise MethodInputError(f"only a draft can be submitted; this one is {s.status}")
    form = get_form(geo.configuration, s.form_id, s.form_version)
    findings = check_answers(form, json.loads(s.answers))
    comments = json.loads(s.comments)
    blocking = [
        f
        for f in findings
        if f.importance == "error"
        or (f.importance == "warning" and not str(comments.get(f.rule, "")).strip())
    ]
    if blocking:
        raise NotReadyToSubmit(blocking)
    before = _snapshot(s)
    s.status, s.submitted_at, s.submitted_by = "submitted", now(), user.id
    _contributed(s, user)
    db.flush()
    record(db, user.id, "submit", "submission", s.id, before, _snapshot(s))
    return s


def decide(
    db: Session,
    user: User,
    submission_id: int,
    seen_version: int,
    approve: bool,
    comment: str = "",
    *,
    geo: Geography,
) -> Submission:
    """Approve (locks it) or return for changes (a comment is required)."""
    s = _get(db, user, "approve_returns", submission_id, seen_version, geo)
    refusal = decision_refusal(user, s)
    if refusal:
        raise MethodInputError(refusal)
    if not approve and not comment.strip():
        raise MethodInputError("say what needs to change when returning a return")
    before = _snapshot(s)
    s.status = "approved" if approve else "returned"
    s.decided_by, s.decided_at, s.decision_comment = user.id, now(), comment.strip() or None
    db.flush()
    record(
        db, user.id, "approve" if approve else "return", "submission", s.id, before, _snapshot(s)
    )
    return s


def attach(
    db: Session,
    user: User,
    form: Form,
    adp: str,
    period: str,
    question: str,
    filename: str,
    data: bytes,
    geo: Geography,
) -> Any:
    """Keep a file answering ``question`` of the return's current draft (made if there is
    none), with its SHA-256; the answer records the hash and name."""
    import hashlib

    from missionmonitor.portal.models import Attachment
    from missionmonitor.returns.evidence import check_evidence

    require(user, "edit_returns", adp, geo)
    target = next((q for q in form.questions if q.id == question), None)
    if target is None or target.type != "file":
        raise MethodInputError(f"{question!r} is not a file question of {form.id}")
    content_type = check_evidence(filename, data)
    versions = history(db, form.id, adp, period)
    latest = versions[-1] if versions else None
    if latest is None or latest.status == "returned":
        latest = save_draft(
            db, user, form, adp, period, json.loads(latest.answers) if latest else {}, geo=geo
        )
    if latest.status != "draft":
        raise MethodInputError(f"this return is {latest.status} and locked")
    digest = hashlib.sha256(data).hexdigest()
    item = Attachment(
        submission_id=latest.id,
        question=question,
        filename=filename[:255],
        content_type=content_type,
        size=len(data),
        sha256=digest,
        content=data,
        uploaded_by=user.id,
    )
    db.add(item)
    answers = json.loads(latest.answers)
    before = _snapshot(latest)
    answers[question] = f"{filename[:100]} (sha256:{digest[:16]})"
    latest.answers = json.dumps(answers)
    _contributed(latest, user)
    db.flush()
    record(
        db,
        user.id,
        "attach",
        "submission",
        latest.id,
        before,
        {
            **_snapshot(latest),
            "attachment": {
                "question": question,
                "sha256": digest,
                "size": len(data),
                "filename": filename,
            },
        },
    )
    return item


def attachments(db: Session, submission_id: int) -> list[Any]:
    from missionmonitor.portal.models import Attachment

    return list(
        db.scalars(
            select(Attachment)
            .where(Attachment.submission_id == submission_id)
            .order_by(Attachment.id)
        )
    )


def may_edit(user: User, latest: Submission | None, adp: str, geo: Geography) -> bool:
    """Whether ``user`` may change the return whose latest version is ``latest`` now."""
    return can(user, "edit_returns", adp, geo) and (latest is None or latest.status in EDITABLE)


def decision_refusal(user: User, s: Submission) -> str | None:
    """Why ``user`` may not approve or return ``s`` whatever their role, or None."""
    if s.status != "submitted":
        return f"only a submitted return can be decided; this one is {s.status}"
    if s.created_by == user.id or user.id in json.loads(s.contributors or "[]"):
        return "a return is approved or returned by someone who did not create, edit or submit it"
    return None


def may_decide(user: User, latest: Submission | None, adp: str, geo: Geography) -> bool:
    """Whether ``user`` may approve or return ``latest`` now."""
    return (
        latest is not None
        and can(user, "approve_returns", adp, geo)
        and decision_refusal(user, latest) is None
    )
