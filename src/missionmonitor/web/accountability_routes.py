"""Accountability routes: published oversight decisions and the anonymous feedback form
(public); the governance log and the feedback an ADP moderates (signed in).

Every portal route goes through the permission matrix and every form carries a CSRF token
(the session's; the public feedback form's is a double-submit cookie). Pages that depend on
who is signed in are never cached.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from missionmonitor.accountability import feedback, governance
from missionmonitor.errors import NotReadyToSubmit
from missionmonitor.services.site_data import SiteData
from missionmonitor.views import governance as governance_views
from missionmonitor.web.dependencies import (
    Checked,
    Data,
    Database,
    SignedIn,
    Visitor,
    on_refusal,
    refuse_with,
)
from missionmonitor.web.forms import parse_date
from missionmonitor.web.rendering import TWIN, marked, personal_page, twin_response
from missionmonitor.web.sessions import MAX_FIELDS, unit

router = APIRouter()
FEEDBACK_COOKIE = "mm_feedback_csrf"
LOG = (("Oversight", "/portal/governance"),)


def _data(request: Request) -> SiteData:
    data: SiteData = request.app.state.data.get()
    return data


# ---- public --------------------------------------------------------------------------------


@router.get("/governance", response_class=HTMLResponse, include_in_schema=False)
def governance_page(request: Request, db: Database, data: Data) -> HTMLResponse:
    return personal_page(
        request,
        "governance.html",
        governance_views.public(db, data.geo, data.demonstration),
        json_url="/governance.json",
        section="/accountability",
        trail=(("Accountability", "/accountability"),),
    )


@router.get(
    "/governance.json",
    responses=TWIN,
    tags=["pages"],
    summary="Published summaries of oversight groups' meetings",
)
def governance_json(request: Request, db: Database, data: Data) -> Response:
    page = governance_views.public(db, data.geo, data.demonstration)
    return twin_response(marked(request, page), cache=False)


def _feedback_page(request: Request, status: int = 200, **content: Any) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    page = {
        "title": "Give feedback on treatment and support",
        **governance_views.feedback_form(_data(request).geo),
        "csrf": token,
        "answers": {},
        "errors": [],
        "adp": "",
        **content,
    }
    response = personal_page(
        request,
        "feedback.html",
        page,
        status=status,
        section="/accountability",
    )
    response.set_cookie(
        FEEDBACK_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.secure_cookies,
        max_age=3600,
    )
    return response


@router.get("/feedback", response_class=HTMLResponse, include_in_schema=False)
def feedback_form(request: Request, adp: str = "", sent: str = "") -> HTMLResponse:
    return _feedback_page(request, adp=adp, thanks=sent == "1")


@router.post("/feedback", response_model=None, include_in_schema=False)
async def send_feedback(request: Request) -> Response:
    # Anyone may send feedback: no session, so the form is read with only the limits.
    fields = await request.form(max_files=0, max_fields=MAX_FIELDS)
    cookie = request.cookies.get(FEEDBACK_COOKIE, "")
    token = str(fields.get("csrf_token", ""))
    if not cookie or not secrets.compare_digest(cookie, token):
        page = {"title": "Not sent", "message": "The form has expired: open it again."}
        return personal_page(request, "portal_message.html", page, status=403)
    form = governance_views.feedback_form(_data(request).geo)["form"]
    answers = {q.id: str(fields.get(q.id, "")).strip() for q in form.questions}
    adp = str(fields.get("adp", ""))
    if str(fields.get("website", "")):  # the field people never see: a form filler
        return RedirectResponse("/feedback?sent=1", status_code=303)

    def refused(exc: Exception, status: int) -> Response:
        findings = exc.findings if isinstance(exc, NotReadyToSubmit) else [exc]
        errors = [
            {"question": getattr(f, "question", None), "message": getattr(f, "message", str(f))}
            for f in findings
        ]
        return _feedback_page(request, status, answers=answers, adp=adp, errors=errors)

    refuse_with(request, refused)
    await run_in_threadpool(_receive, request, form, adp, answers)
    return RedirectResponse("/feedback?sent=1", status_code=303)


def _receive(request: Request, form: Any, adp: str, answers: dict[str, str]) -> None:
    with unit(request) as db:
        feedback.receive(db, form, adp, answers, _data(request).geo)


# ---- the governance log --------------------------------------------------------------------


def _meeting_page(
    request: Request, visitor: SignedIn, meeting_id: int, error: str = "", status: int = 200
) -> HTMLResponse:
    page = governance_views.meeting(visitor.db, visitor.user, meeting_id, _data(request).geo)
    page = {**page, "csrf": visitor.csrf, "error": error}
    return personal_page(
        request,
        "meeting.html",
        page,
        json_url=f"/portal/governance/meetings/{meeting_id}.json",
        status=status,
        trail=LOG,
    )


def _reshow_meeting(request: Request, meeting_id: int) -> None:
    on_refusal(
        request,
        lambda visitor, exc, status: _meeting_page(request, visitor, meeting_id, str(exc), status),
    )


@router.get("/portal/governance", response_class=HTMLResponse, include_in_schema=False)
def governance_log(request: Request, visitor: Visitor, data: Data) -> HTMLResponse:
    page = governance_views.log(visitor.db, visitor.user, data.geo)
    return personal_page(
        request,
        "governance_log.html",
        {**page, "csrf": visitor.csrf},
        json_url="/portal/governance.json",
    )


@router.get(
    "/portal/governance/meetings/{meeting_id}", response_class=HTMLResponse, include_in_schema=False
)
def show_meeting(request: Request, meeting_id: int, visitor: Visitor) -> HTMLResponse:
    return _meeting_page(request, visitor, meeting_id)


@router.post("/portal/governance/meetings", response_model=None, include_in_schema=False)
def create_meeting(
    visitor: Checked,
    data: Data,
    group_id: Annotated[str, Form()] = "",
    held_on: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
) -> Response:
    when = parse_date(held_on, "the date")
    meeting = governance.create_meeting(visitor.db, visitor.user, group_id, when, title, data.geo)
    return RedirectResponse(f"/portal/governance/meetings/{meeting.id}", status_code=303)


@router.post(
    "/portal/governance/meetings/{meeting_id}/decisions",
    response_model=None,
    include_in_schema=False,
)
def add_decision(
    request: Request,
    meeting_id: int,
    visitor: Checked,
    data: Data,
    text: Annotated[str, Form()] = "",
    links: Annotated[str, Form()] = "",
) -> Response:
    _reshow_meeting(request, meeting_id)
    governance.add_decision(visitor.db, visitor.user, meeting_id, text, links, data.geo)
    return RedirectResponse(f"/portal/governance/meetings/{meeting_id}", status_code=303)


@router.post(
    "/portal/governance/meetings/{meeting_id}/actions", response_model=None, include_in_schema=False
)
def add_action(
    request: Request,
    meeting_id: int,
    visitor: Checked,
    data: Data,
    title: Annotated[str, Form()] = "",
    owner: Annotated[str, Form()] = "",
    due: Annotated[str, Form()] = "",
    links: Annotated[str, Form()] = "",
    decision_id: Annotated[str, Form()] = "",
) -> Response:
    _reshow_meeting(request, meeting_id)
    governance.add_action(
        visitor.db,
        visitor.user,
        meeting_id,
        title,
        owner,
        parse_date(due, "the due date"),
        links,
        data.geo,
        int(decision_id) if decision_id.isdigit() else None,
    )
    return RedirectResponse(f"/portal/governance/meetings/{meeting_id}", status_code=303)


@router.post(
    "/portal/governance/meetings/{meeting_id}/publish", response_model=None, include_in_schema=False
)
def publish_meeting(
    request: Request,
    meeting_id: int,
    visitor: Checked,
    data: Data,
    version: Annotated[int, Form()] = 0,
    summary: Annotated[str, Form()] = "",
) -> Response:
    _reshow_meeting(request, meeting_id)
    governance.publish_meeting(visitor.db, visitor.user, meeting_id, version, summary, data.geo)
    return RedirectResponse(f"/portal/governance/meetings/{meeting_id}", status_code=303)


@router.post("/portal/governance/actions/{action_id}", response_model=None, include_in_schema=False)
def update_action(
    request: Request,
    action_id: int,
    visitor: Checked,
    data: Data,
    version: Annotated[int, Form()] = 0,
    status: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    # The meeting is read with the user's permission (404 and 403 as for any record).
    meeting_id = governance.meeting_of_action(visitor.db, visitor.user, action_id, data.geo)
    _reshow_meeting(request, meeting_id)
    governance.update_action(
        visitor.db, visitor.user, action_id, version, data.geo, status or None, note or None
    )
    return RedirectResponse(f"/portal/governance/meetings/{meeting_id}", status_code=303)


# ---- feedback an ADP reads and moderates ---------------------------------------------------


@router.get("/portal/feedback/{adp}", response_class=HTMLResponse, include_in_schema=False)
def feedback_inbox(
    request: Request, adp: str, visitor: Visitor, data: Data, status: str = ""
) -> HTMLResponse:
    if status not in ("", "received", "accepted", "rejected"):
        status = ""
    page = governance_views.feedback_inbox(visitor.db, visitor.user, adp, data.geo, status or None)
    query = f"?status={status}" if status else ""
    return personal_page(
        request,
        "feedback_inbox.html",
        {**page, "csrf": visitor.csrf},
        json_url=f"/portal/feedback/{adp}.json{query}",
    )


@router.post(
    "/portal/feedback/responses/{response_id}", response_model=None, include_in_schema=False
)
def moderate_feedback(
    response_id: int,
    visitor: Checked,
    data: Data,
    version: Annotated[int, Form()] = 0,
    decision: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    response = feedback.moderate(
        visitor.db, visitor.user, response_id, version, decision == "accept", data.geo, reason
    )
    return RedirectResponse(f"/portal/feedback/{response.adp_code}", status_code=303)
