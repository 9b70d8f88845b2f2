"""Accountability routes: published oversight decisions and the anonymous feedback form
(public); the governance log and the feedback an ADP moderates (signed in).

Every portal route goes through the permission matrix and every form carries a CSRF token
(the session's; the public feedback form's is a double-submit cookie). Pages that depend on
who is signed in are never cached.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from missionmonitor.accountability import feedback, governance
from missionmonitor.errors import MethodInputError, NotReadyToSubmit
from missionmonitor.portal.models import User
from missionmonitor.services.site_data import SiteData
from missionmonitor.views import governance as governance_views
from missionmonitor.web.rendering import TWIN, marked, personal_page, twin_response
from missionmonitor.web.sessions import MAX_FIELDS, check_csrf, signed_change, signed_in, unit

router = APIRouter()
FEEDBACK_COOKIE = "mm_feedback_csrf"
LOG = (("Oversight", "/portal/governance"),)


def _data(request: Request) -> SiteData:
    data: SiteData = request.app.state.data.get()
    return data


# ---- public --------------------------------------------------------------------------------


def _governance(request: Request) -> dict[str, Any]:
    data = _data(request)
    with unit(request) as db:
        return governance_views.public(db, data.geo, data.demonstration)


@router.get("/governance", response_class=HTMLResponse, include_in_schema=False)
def governance_page(request: Request) -> HTMLResponse:
    return personal_page(
        request,
        "governance.html",
        _governance(request),
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
def governance_json(request: Request) -> Response:
    return twin_response(marked(request, _governance(request)), cache=False)


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
        json_url="/index.json",
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
    try:
        with unit(request) as db:
            feedback.receive(db, form, adp, answers, _data(request).geo)
    except NotReadyToSubmit as exc:
        errors = [
            {"question": getattr(f, "question", None), "message": f.message} for f in exc.findings
        ]
        return _feedback_page(request, 400, answers=answers, adp=adp, errors=errors)
    except MethodInputError as exc:
        return _feedback_page(
            request, 400, answers=answers, adp=adp, errors=[{"question": None, "message": str(exc)}]
        )
    return RedirectResponse("/feedback?sent=1", status_code=303)


# ---- the governance log --------------------------------------------------------------------


def _meeting_page(
    request: Request,
    db: Session,
    user: User,
    csrf: str,
    meeting_id: int,
    error: str = "",
    status: int = 200,
) -> HTMLResponse:
    page = governance_views.meeting(db, user, meeting_id, _data(request).geo)
    return personal_page(
        request, "meeting.html", {**page, "csrf": csrf, "error": error}, status=status, trail=LOG
    )


@router.get("/portal/governance", response_class=HTMLResponse, include_in_schema=False)
def governance_log(request: Request) -> HTMLResponse:
    with unit(request) as db:
        user, session = signed_in(request, db)
        page = governance_views.log(db, user, _data(request).geo)
        return personal_page(request, "governance_log.html", {**page, "csrf": session.csrf_token})


@router.get(
    "/portal/governance/meetings/{meeting_id}", response_class=HTMLResponse, include_in_schema=False
)
def show_meeting(request: Request, meeting_id: int) -> HTMLResponse:
    with unit(request) as db:
        user, session = signed_in(request, db)
        return _meeting_page(request, db, user, session.csrf_token, meeting_id)


def _date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise MethodInputError(f"{name} must be a date (YYYY-MM-DD)") from exc


@router.post("/portal/governance/meetings", response_model=None, include_in_schema=False)
def create_meeting(
    request: Request,
    group_id: str = Form(""),
    held_on: str = Form(""),
    title: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    with unit(request) as db:
        user, session = signed_in(request, db)
        check_csrf(session, csrf_token)
        meeting = governance.create_meeting(
            db, user, group_id, _date(held_on, "the date"), title, _data(request).geo
        )
        meeting_id = meeting.id
    return RedirectResponse(f"/portal/governance/meetings/{meeting_id}", status_code=303)


Change = Callable[[Session, User, SiteData], Any]


def _change(request: Request, meeting_id: int, csrf_token: str, change: Change) -> Response:
    """Make a change to a meeting's record; a refusal re-shows the meeting with why."""
    data = _data(request)
    return signed_change(
        request,
        csrf_token,
        lambda db, user: change(db, user, data),
        lambda db, user, session, error, status: _meeting_page(
            request, db, user, session.csrf_token, meeting_id, error, status
        ),
        f"/portal/governance/meetings/{meeting_id}",
    )


@router.post(
    "/portal/governance/meetings/{meeting_id}/decisions",
    response_model=None,
    include_in_schema=False,
)
def add_decision(
    request: Request,
    meeting_id: int,
    text: str = Form(""),
    links: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    return _change(
        request,
        meeting_id,
        csrf_token,
        lambda db, user, data: governance.add_decision(db, user, meeting_id, text, links, data.geo),
    )


@router.post(
    "/portal/governance/meetings/{meeting_id}/actions", response_model=None, include_in_schema=False
)
def add_action(
    request: Request,
    meeting_id: int,
    title: str = Form(""),
    owner: str = Form(""),
    due: str = Form(""),
    links: str = Form(""),
    decision_id: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    def change(db: Session, user: User, data: SiteData) -> None:
        decision = int(decision_id) if decision_id.isdigit() else None
        governance.add_action(
            db,
            user,
            meeting_id,
            title,
            owner,
            _date(due, "the due date"),
            links,
            data.geo,
            decision,
        )

    return _change(request, meeting_id, csrf_token, change)


@router.post(
    "/portal/governance/meetings/{meeting_id}/publish", response_model=None, include_in_schema=False
)
def publish_meeting(
    request: Request,
    meeting_id: int,
    version: int = Form(0),
    summary: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    return _change(
        request,
        meeting_id,
        csrf_token,
        lambda db, user, data: governance.publish_meeting(
            db, user, meeting_id, version, summary, data.geo
        ),
    )


@router.post("/portal/governance/actions/{action_id}", response_model=None, include_in_schema=False)
def update_action(
    request: Request,
    action_id: int,
    version: int = Form(0),
    status: str = Form(""),
    note: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    from missionmonitor.portal.models import GovernanceAction

    with unit(request) as db:
        found = db.get(GovernanceAction, action_id)
        meeting_id = found.meeting_id if found else 0
    if not meeting_id:
        return personal_page(
            request,
            "portal_message.html",
            {"title": "Not found", "message": f"no action {action_id}"},
            status=404,
        )
    return _change(
        request,
        meeting_id,
        csrf_token,
        lambda db, user, data: governance.update_action(
            db, user, action_id, version, data.geo, status or None, note or None
        ),
    )


# ---- feedback an ADP reads and moderates ---------------------------------------------------


@router.get("/portal/feedback/{adp}", response_class=HTMLResponse, include_in_schema=False)
def feedback_inbox(request: Request, adp: str, status: str = "") -> HTMLResponse:
    if status not in ("", "received", "accepted", "rejected"):
        status = ""
    with unit(request) as db:
        user, session = signed_in(request, db)
        page = governance_views.feedback_inbox(db, user, adp, _data(request).geo, status or None)
        return personal_page(request, "feedback_inbox.html", {**page, "csrf": session.csrf_token})


@router.post(
    "/portal/feedback/responses/{response_id}", response_model=None, include_in_schema=False
)
def moderate_feedback(
    request: Request,
    response_id: int,
    version: int = Form(0),
    decision: str = Form(""),
    reason: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    data = _data(request)
    with unit(request) as db:
        user, session = signed_in(request, db)
        check_csrf(session, csrf_token)
        response = feedback.moderate(
            db, user, response_id, version, decision == "accept", data.geo, reason
        )
        adp = response.adp_code
    return RedirectResponse(f"/portal/feedback/{adp}", status_code=303)
