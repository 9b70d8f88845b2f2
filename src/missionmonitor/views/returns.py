"""View models of the returns pages: one return with its versions, answers, files and what
the signed-in user may do with it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from missionmonitor.errors import NotFoundError
from missionmonitor.portal.models import User
from missionmonitor.portal.permissions import require
from missionmonitor.refdata.geography import Geography
from missionmonitor.returns import workflow
from missionmonitor.returns.coordination import due_date
from missionmonitor.returns.forms import Form, check_answers
from missionmonitor.services.prefill import prefill_answers


def return_page(
    db: Session,
    user: User,
    form: Form,
    adp: str,
    period: str,
    store_path: Path,
    geo: Geography,
    answers: dict[str, Any] | None = None,
    errors: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """A return as its page shows it. Without ``answers`` (a form being re-shown with its
    errors), the latest version's answers, or for a new return answers pre-filled from
    national data in the store."""
    require(user, "view_returns", adp, geo)
    versions = workflow.history(db, form.id, adp, period)
    latest = versions[-1] if versions else None
    prefilled: list[str] = []
    if answers is None:
        answers = json.loads(latest.answers) if latest else {}
        if latest is None:
            answers, prefilled = prefill_answers(geo.configuration, store_path, form, adp, period)
    return {
        "title": f"{form.title}: {geo.area(adp).name}, {period}",
        "form": form,
        "adp": adp,
        "period": period,
        "answers": answers,
        "errors": errors or [],
        "field_errors": {e["question"]: e["message"] for e in errors or [] if e["question"]},
        "latest": latest,
        "versions": versions,
        "editable": workflow.may_edit(user, latest, adp, geo),
        "may_decide": workflow.may_decide(user, latest, adp, geo),
        "due": due_date(geo.configuration, form, period).isoformat(),
        "prefilled": prefilled,
        "files": workflow.attachments(db, latest.id) if latest is not None else [],
    }


def check_page(
    db: Session, user: User, form: Form, adp: str, period: str, geo: Geography
) -> dict[str, Any]:
    """The check-your-answers page of a return's latest draft: its answers, the errors and
    warnings found, and the comments kept on warnings."""
    require(user, "view_returns", adp, geo)
    versions = workflow.history(db, form.id, adp, period)
    if not versions:
        raise NotFoundError("there is no draft to check: save the form first")
    latest = versions[-1]
    answers = json.loads(latest.answers)
    findings = check_answers(form, answers)
    return {
        "title": f"Check your answers: {form.title}",
        "form": form,
        "adp": adp,
        "adp_name": geo.area(adp).name,
        "period": period,
        "latest": latest,
        "summary": [
            {
                "id": q.id,
                "label": q.label,
                "value": _shown(q.type, answers.get(q.id)),
                "unit": q.unit,
            }
            for q in form.questions
            if q.type != "file"
        ],
        "comments": json.loads(latest.comments),
        "errors": [f for f in findings if f.importance == "error"],
        "warnings": [f for f in findings if f.importance == "warning"],
        "labels": {q.id: q.label for q in form.questions},
    }


def _shown(kind: str, value: Any) -> Any:
    """An answer as the check page shows it: a record-level return's records counted, never
    listed."""
    if kind == "records":
        return f"{len(value or []):,}"
    return "—" if value is None else value
