"""Signed-in pages for ADP returns: the list of returns, a form built from its definition
(save as draft, check your answers, submit), upload of a filled-in template, and the
approver's decision. Every route goes through the permission matrix and checks CSRF.

Periods appear in addresses with "-" for "/" (2024-25 for the financial year 2024/25).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as StarletteUpload

from missionmonitor.errors import (
    MethodInputError,
    NotFoundError,
    NotReadyToSubmit,
    StaleEditError,
    ValidationError,
)
from missionmonitor.periods import recent_periods
from missionmonitor.portal.models import SessionRecord, User
from missionmonitor.portal.permissions import can, require
from missionmonitor.refdata.geography import Geography, reporting_type
from missionmonitor.returns import workflow
from missionmonitor.returns.coordination import completeness
from missionmonitor.returns.evidence import MAX_EVIDENCE_BYTES
from missionmonitor.returns.forms import Form as ReturnForm
from missionmonitor.returns.forms import adp_form, check_answers, get_form, load_forms
from missionmonitor.returns.upload import MAX_BYTES as UPLOAD_BYTES
from missionmonitor.returns.upload import read_upload
from missionmonitor.views import returns as return_views
from missionmonitor.web.rendering import personal_page
from missionmonitor.web.sessions import check_csrf, posted_form, signed_in, unit

router = APIRouter(include_in_schema=False)

#: What a page may say after a redirect, chosen by a key in the address: never text from
#: the address itself, which anyone could write.
NOTICES = {"saved": "saved", "submitted": "submitted", "attached": "given the file"}


def _uploaded(count: int) -> str:
    return f"uploaded {count:,} draft{'s' if count != 1 else ''}" if count > 0 else ""


def _page(
    request: Request, template: str, title: str, status: int = 200, **content: Any
) -> HTMLResponse:
    trail = (("Returns", "/portal/returns"),) if template != "returns.html" else ()
    return personal_page(request, template, {"title": title, **content}, status=status, trail=trail)


def _refused(
    request: Request, exc: Exception, filename: str | None, form: ReturnForm
) -> HTMLResponse:
    """The page saying an uploaded file was refused, with every problem found."""
    problems = getattr(exc, "problems", None) or []
    listed = [str(p) for p in problems] or [str(exc)]
    return _page(
        request,
        "upload_result.html",
        "Upload refused",
        400,
        file=filename,
        problems=listed,
        form=form,
    )


def _period(slug: str) -> str:
    """2024-25 → 2024/25; quarters (2024-Q2) are unchanged."""
    return slug.replace("-", "/", 1) if "Q" not in slug else slug


def _slug(period: str) -> str:
    return period.replace("/", "-")


def _url(form_id: str, adp: str, period: str) -> str:
    return f"/portal/returns/{form_id}/{adp}/{_slug(period)}"


def _answers_from(form: ReturnForm, fields: dict[str, Any]) -> dict[str, Any]:
    """Answers from a posted form: empty fields left out, several choices joined by ';'."""
    out: dict[str, Any] = {}
    for q in form.questions:
        if q.type == "file":
            continue
        if q.type == "multiple_choice":
            picked = [v for v in fields.get(q.id, []) if v]
            if picked:
                out[q.id] = ";".join(picked)
        else:
            value = str((fields.get(q.id) or [""])[0]).strip()
            if value:
                out[q.id] = value
    return out


def _version(value: Any) -> int:
    """The version a form was made from (0 if missing or not a number: then stale)."""
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 10 else 0


def _latest(db: Session, form: ReturnForm, adp: str, period: str) -> Any:
    versions = workflow.history(db, form.id, adp, period)
    return versions[-1] if versions else None


def _form_page(
    request: Request,
    db: Session,
    user: User,
    session: SessionRecord,
    form: ReturnForm,
    adp: str,
    period: str,
    answers: dict[str, Any] | None = None,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
    message: str = "",
) -> HTMLResponse:
    store = request.app.state.settings.store_path
    page = return_views.return_page(db, user, form, adp, period, store, answers, errors)
    page = {
        **page,
        "csrf": session.csrf_token,
        "url": _url(form.id, adp, period),
        "message": message,
    }
    return personal_page(
        request, "return_form.html", page, status=status, trail=(("Returns", "/portal/returns"),)
    )


@router.get("/portal/returns", response_class=HTMLResponse)
def returns_home(
    request: Request, form: str = "", period: str = "", uploaded: int = 0
) -> HTMLResponse:
    """Every form's returns for one period each: the period chosen for ``form``, or the
    latest period that has ended."""
    geo = Geography.shipped()
    with unit(request) as db:
        user, session = signed_in(request, db)
        require(user, "view_returns", user.area_code, geo)
        forms = sorted({fid for (fid, _), f in load_forms().items() if f.answered_by == "adp"})
        tables = []
        for fid in forms:
            definition = get_form(fid)
            options = recent_periods(definition.period_type, dt.date.today())
            chosen = period if form == fid and period in options else options[0]
            rows = completeness(db, definition, chosen, geo)
            rows = [r for r in rows if can(user, "view_returns", r["adp_code"], geo)]
            for r in rows:
                r["url"] = _url(fid, r["adp_code"], chosen)
            tables.append({"form": definition, "period": chosen, "rows": rows, "options": options})
        return _page(
            request,
            "returns.html",
            "Returns",
            tables=tables,
            csrf=session.csrf_token,
            may_edit=can(user, "edit_returns", None, geo),
            message=_uploaded(uploaded),
        )


@router.get("/portal/returns/{form_id}/{adp}/{period}", response_class=HTMLResponse)
def show_return(
    request: Request, form_id: str, adp: str, period: str, notice: str = ""
) -> HTMLResponse:
    form = adp_form(form_id)
    with unit(request) as db:
        user, session = signed_in(request, db)
        return _form_page(
            request, db, user, session, form, adp, _period(period), message=NOTICES.get(notice, "")
        )


@router.post("/portal/returns/{form_id}/{adp}/{period}", response_model=None)
async def save_return(request: Request, form_id: str, adp: str, period: str) -> Response:
    """Save as draft; with action=check, then go to the check-your-answers page."""
    form = adp_form(form_id)
    posted = await posted_form(request)
    fields = {k: posted.getlist(k) for k in posted}
    return await run_in_threadpool(_save_return, request, form, adp, period, fields)


def _save_return(
    request: Request, form: ReturnForm, adp: str, period: str, fields: dict[str, list[Any]]
) -> Response:
    period = _period(period)
    answers = _answers_from(form, fields)
    seen = str((fields.get("version") or [""])[0])
    action = str((fields.get("action") or ["save"])[0])
    with unit(request) as db:
        user, session = signed_in(request, db)
        check_csrf(session, str((fields.get("csrf_token") or [""])[0]))
        try:
            # Comments on warnings and file answers are kept by the domain.
            workflow.save_draft(
                db, user, form, adp, period, answers, None, _version(seen) if seen else None
            )
        except (MethodInputError, StaleEditError) as exc:
            db.rollback()
            status = 409 if isinstance(exc, StaleEditError) else 400
            errors = [{"question": "", "rule": "save", "message": str(exc), "importance": "error"}]
            return _form_page(
                request, db, user, session, form, adp, period, answers, errors, status
            )
    url = _url(form.id, adp, period)
    return RedirectResponse(
        url + "/check" if action == "check" else url + "?notice=saved", status_code=303
    )


def _check_page(
    request: Request,
    db: Session,
    user: User,
    session: SessionRecord,
    form: ReturnForm,
    adp: str,
    period: str,
    status: int = 200,
) -> HTMLResponse:
    geo = Geography.shipped()
    require(user, "view_returns", adp, geo)
    latest = _latest(db, form, adp, period)
    if latest is None:
        raise NotFoundError("there is no draft to check: save the form first")
    answers = json.loads(latest.answers)
    findings = check_answers(form, answers)
    labels = {q.id: q.label for q in form.questions}
    summary = [
        {"id": q.id, "label": q.label, "value": answers.get(q.id, "—"), "unit": q.unit}
        for q in form.questions
        if q.type != "file"
    ]
    return _page(
        request,
        "return_check.html",
        f"Check your answers: {form.title}",
        status,
        form=form,
        adp=adp,
        adp_name=geo.area(adp).name,
        period=period,
        latest=latest,
        summary=summary,
        comments=json.loads(latest.comments),
        errors=[f for f in findings if f.importance == "error"],
        warnings=[f for f in findings if f.importance == "warning"],
        labels=labels,
        csrf=session.csrf_token,
        url=_url(form.id, adp, period),
    )


@router.get("/portal/returns/{form_id}/{adp}/{period}/check", response_class=HTMLResponse)
def check_return(request: Request, form_id: str, adp: str, period: str) -> HTMLResponse:
    form = adp_form(form_id)
    with unit(request) as db:
        user, session = signed_in(request, db)
        return _check_page(request, db, user, session, form, adp, _period(period))


@router.post("/portal/returns/{form_id}/{adp}/{period}/submit", response_model=None)
async def submit_return(request: Request, form_id: str, adp: str, period: str) -> Response:
    """Keep the comments on warnings, then submit (refused while errors remain)."""
    form = adp_form(form_id)
    posted = await posted_form(request)
    return await run_in_threadpool(_submit_return, request, form, adp, _period(period), posted)


def _submit_return(
    request: Request, form: ReturnForm, adp: str, period: str, posted: FormData
) -> Response:
    comments = {
        str(k).removeprefix("comment_"): str(v).strip()
        for k, v in posted.items()
        if str(k).startswith("comment_") and str(v).strip()
    }
    with unit(request) as db:
        user, session = signed_in(request, db)
        check_csrf(session, str(posted.get("csrf_token") or ""))
        latest = _latest(db, form, adp, period)
        if latest is None:
            raise NotFoundError("there is no draft to submit")
        try:
            draft = workflow.save_draft(
                db,
                user,
                form,
                adp,
                period,
                json.loads(latest.answers),
                comments,
                _version(posted.get("version")),
            )
            workflow.submit(db, user, draft.id, draft.version)
        except (NotReadyToSubmit, MethodInputError, StaleEditError):
            db.rollback()
            return _check_page(request, db, user, session, form, adp, period, 400)
    return RedirectResponse(_url(form.id, adp, period) + "?notice=submitted", status_code=303)


@router.post("/portal/returns/{form_id}/{adp}/{period}/decide", response_model=None)
def decide_return(
    request: Request,
    form_id: str,
    adp: str,
    period: str,
    decision: str = Form(""),
    comment: str = Form(""),
    version: int = Form(0),
    csrf_token: str = Form(""),
) -> Response:
    form = adp_form(form_id)
    period = _period(period)
    with unit(request) as db:
        user, session = signed_in(request, db)
        check_csrf(session, csrf_token)
        latest = _latest(db, form, adp, period)
        if latest is None:
            raise NotFoundError("there is no return to decide")
        try:
            workflow.decide(db, user, latest.id, version, decision == "approve", comment)
        except (MethodInputError, StaleEditError) as exc:
            db.rollback()
            errors = [
                {"question": "", "rule": "decide", "message": str(exc), "importance": "error"}
            ]
            return _form_page(request, db, user, session, form, adp, period, None, errors, 400)
    return RedirectResponse(_url(form.id, adp, period), status_code=303)


async def _posted_file(request: Request, limit: int) -> tuple[str, bytes, str]:
    """(file name, at most ``limit`` + 1 bytes of it, CSRF token) of a posted upload, read
    once the sender is signed in."""
    posted = await posted_form(request, files=1)
    upload = posted.get("file")
    if not isinstance(upload, StarletteUpload):
        raise MethodInputError("choose a file to upload")
    data = await upload.read(limit + 1)
    return upload.filename or "upload", data, str(posted.get("csrf_token") or "")


@router.post("/portal/returns/{form_id}/upload", response_model=None)
async def upload_return(request: Request, form_id: str) -> Response:
    form = adp_form(form_id)
    name, data, token = await _posted_file(request, UPLOAD_BYTES)
    # The spreadsheet is parsed off the event loop, after the CSRF check.
    return await run_in_threadpool(_upload_return, request, form, name, data, token)


def _upload_return(
    request: Request, form: ReturnForm, filename: str, data: bytes, csrf_token: str
) -> Response:
    geo = Geography.shipped()
    with unit(request) as db:
        user, session = signed_in(request, db)
        check_csrf(session, csrf_token)
        require(user, "edit_returns", None, geo)
        allowed = {
            a.code for a in geo.of_type(reporting_type()) if can(user, "edit_returns", a.code, geo)
        }
        try:
            rows = read_upload(form, filename, data, allowed)
            for r in rows:  # all in this one transaction: every row is kept, or none
                latest = _latest(db, form, r.adp_code, r.period)
                seen = latest.version if latest is not None and latest.status == "draft" else None
                workflow.save_draft(db, user, form, r.adp_code, r.period, r.answers, None, seen)
        except (ValidationError, MethodInputError, StaleEditError) as exc:
            db.rollback()
            return _refused(request, exc, filename, form)
    return RedirectResponse(f"/portal/returns?uploaded={len(rows)}", status_code=303)


@router.post("/portal/returns/{form_id}/{adp}/{period}/attach/{question}", response_model=None)
async def attach_file(
    request: Request, form_id: str, adp: str, period: str, question: str
) -> Response:
    """Attach an evidence file to a file question of the return's draft."""
    form = adp_form(form_id)
    name, data, token = await _posted_file(request, MAX_EVIDENCE_BYTES)
    return await run_in_threadpool(
        _attach_file, request, form, adp, _period(period), question, name, data, token
    )


def _attach_file(
    request: Request,
    form: ReturnForm,
    adp: str,
    period: str,
    question: str,
    filename: str,
    data: bytes,
    csrf_token: str,
) -> Response:
    with unit(request) as db:
        user, session = signed_in(request, db)
        check_csrf(session, csrf_token)
        try:
            workflow.attach(db, user, form, adp, period, question, filename, data)
        except (ValidationError, MethodInputError, StaleEditError) as exc:
            db.rollback()
            return _refused(request, exc, filename, form)
    return RedirectResponse(_url(form.id, adp, period) + "?notice=attached", status_code=303)


@router.get("/portal/attachments/{attachment_id}")
def download_attachment(request: Request, attachment_id: int) -> Response:
    from missionmonitor.portal.models import Attachment, Submission

    with unit(request) as db:
        user, _ = signed_in(request, db)
        item = db.get(Attachment, attachment_id)
        owner = db.get(Submission, item.submission_id) if item is not None else None
        if item is None or owner is None:
            raise NotFoundError(f"no attachment {attachment_id}")
        require(user, "view_returns", owner.adp_code, Geography.shipped())
        safe = "".join(c for c in item.filename if c.isalnum() or c in "._- ") or "attachment"
        return Response(
            item.content,
            media_type=item.content_type,
            headers={
                "Content-Disposition": f'attachment; filename="{safe}"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )
