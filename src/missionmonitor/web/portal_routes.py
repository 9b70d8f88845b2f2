"""Signed-in pages: sign in and out, the alerts a user may act on, and tracked actions.

Every route goes through the permission matrix; every form carries a CSRF token (the
session's, or before sign-in a double-submit cookie); pages are never cached.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from missionmonitor.errors import SignInRefused
from missionmonitor.portal import accounts
from missionmonitor.portal import actions as action_service
from missionmonitor.portal.models import SessionRecord, User
from missionmonitor.portal.permissions import can, matrix
from missionmonitor.refdata.geography import national_code
from missionmonitor.services.site_data import SiteData
from missionmonitor.views.portal import action_page, alert_rows, find_alert
from missionmonitor.web.rendering import personal_page
from missionmonitor.web.sessions import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    check_csrf,
    current,
    signed_change,
    signed_in,
    unit,
)

router = APIRouter(include_in_schema=False)


def _page(
    request: Request, template: str, title: str, status: int = 200, **content: Any
) -> HTMLResponse:
    return personal_page(request, template, {"title": title, **content}, status=status)


def _denied(request: Request, message: str) -> HTMLResponse:
    return _page(request, "portal_message.html", "Not allowed", 403, message=message)


# ---- sign in and out -----------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = _page(request, "login.html", "Sign in", csrf=token, error="")
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.secure_cookies,
        max_age=3600,
    )
    return response


@router.post("/login", response_model=None)
def login(
    request: Request, username: str = Form(""), password: str = Form(""), csrf_token: str = Form("")
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, csrf_token):
        return _denied(request, "The sign-in form has expired: open it again.")
    settings = request.app.state.settings
    ip = request.client.host if request.client else "unknown"
    try:
        with unit(request) as db:
            token, _ = accounts.sign_in(
                db,
                username.strip(),
                password,
                ip,
                settings.session_hours,
                hashing=settings.password_hashing,
            )
    except SignInRefused as exc:
        # sign_in's transaction rolled back with the refusal: record the attempt here.
        with unit(request) as db:
            accounts.record_failure(db, username.strip(), ip, exc)
        fresh = secrets.token_urlsafe(24)
        response = _page(
            request, "login.html", "Sign in", 400, csrf=fresh, error=str(exc), username=username
        )
        response.set_cookie(
            LOGIN_CSRF_COOKIE,
            fresh,
            httponly=True,
            samesite="strict",
            secure=settings.secure_cookies,
            max_age=3600,
        )
        return response
    redirect = RedirectResponse("/portal", status_code=303)
    redirect.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        max_age=settings.session_hours * 3600,
    )
    redirect.delete_cookie(LOGIN_CSRF_COOKIE)
    return redirect


@router.post("/logout", response_model=None)
def logout(request: Request, csrf_token: str = Form("")) -> Response:
    with unit(request) as db:
        found = current(request, db)
        if found is not None:
            check_csrf(found[1], csrf_token)
            accounts.sign_out(db, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# ---- alerts and actions --------------------------------------------------------------------


@router.get("/portal", response_class=HTMLResponse)
def portal(request: Request) -> HTMLResponse:
    data: SiteData = request.app.state.data.get()
    with unit(request) as db:
        found = current(request, db)
        if found is None:
            return RedirectResponse("/login", status_code=303)  # type: ignore[return-value]
        user, session = found
        if not can(user, "view_alerts", None, data.geo):
            return _denied(request, "Your role does not include early-warning alerts.")
        mine = action_service.actions_for_area(db, user, national_code(), data.geo)
        return _page(
            request,
            "portal.html",
            "Alerts and actions",
            user=user,
            role=matrix().roles[user.role].label,
            csrf=session.csrf_token,
            alerts=alert_rows(data, user)[:200],
            actions=mine,
            listed=action_service.LISTED,
            scans=data.scans.to_dict("records"),
        )


@router.post("/portal/actions", response_model=None)
def create_action(
    request: Request,
    scan_id: str = Form(""),
    series_id: str = Form(""),
    area_code: str = Form(""),
    period: str = Form(""),
    method: str = Form(""),
    title: str = Form(""),
    owner: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    data: SiteData = request.app.state.data.get()
    with unit(request) as db:
        user, session = signed_in(request, db)
        check_csrf(session, csrf_token)
        key = {
            "scan_id": scan_id,
            "series_id": series_id,
            "area_code": area_code,
            "period": period,
            "method": method,
        }
        alert = find_alert(data, key)
        action = action_service.create_action(db, user, alert, title, owner, data.geo)
        action_id = action.id
    return RedirectResponse(f"/portal/actions/{action_id}", status_code=303)


def _action_page(
    request: Request,
    db: Session,
    user: User,
    session: SessionRecord,
    action_id: int,
    error: str = "",
    status: int = 200,
) -> HTMLResponse:
    page = action_page(request.app.state.data.get(), db, user, action_id)
    page = {**page, "csrf": session.csrf_token, "error": error}
    return personal_page(
        request, "action.html", page, status=status, trail=(("Alerts and actions", "/portal"),)
    )


@router.get("/portal/actions/{action_id}", response_class=HTMLResponse)
def show_action(request: Request, action_id: int) -> HTMLResponse:
    with unit(request) as db:
        user, session = signed_in(request, db)
        return _action_page(request, db, user, session, action_id)


def _edit(request: Request, action_id: int, csrf_token: str, change: Any) -> Response:
    data: SiteData = request.app.state.data.get()
    return signed_change(
        request,
        csrf_token,
        lambda db, user: change(db, user, data),
        lambda db, user, session, error, status: _action_page(
            request, db, user, session, action_id, error, status
        ),
        f"/portal/actions/{action_id}",
    )


@router.post("/portal/actions/{action_id}", response_model=None)
def update_action(
    request: Request,
    action_id: int,
    version: int = Form(0),
    status: str = Form(""),
    owner: str = Form(""),
    note: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    def change(db: Session, user: User, data: SiteData) -> None:
        action_service.update_action(
            db, user, action_id, version, data.geo, status or None, owner or None, note or None
        )

    return _edit(request, action_id, csrf_token, change)


@router.post("/portal/actions/{action_id}/close", response_model=None)
def close_action(
    request: Request,
    action_id: int,
    version: int = Form(0),
    closure_note: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    return _edit(
        request,
        action_id,
        csrf_token,
        lambda db, user, data: action_service.close_action(
            db, user, action_id, version, closure_note, data.geo
        ),
    )
