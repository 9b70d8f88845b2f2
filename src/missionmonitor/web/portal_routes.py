"""Signed-in pages: sign in and out, the alerts a user may act on, and tracked actions.

Every route goes through the permission matrix; every form carries a CSRF token (the
session's, or before sign-in a double-submit cookie); pages are never cached.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from missionmonitor.errors import SignInRefused
from missionmonitor.portal import accounts
from missionmonitor.portal import actions as action_service
from missionmonitor.services.alert_actions import act_on_alert
from missionmonitor.views import portal as portal_views
from missionmonitor.web.dependencies import Checked, Data, SignedIn, Visitor, on_refusal
from missionmonitor.web.rendering import personal_page
from missionmonitor.web.sessions import LOGIN_CSRF_COOKIE, SESSION_COOKIE, check_csrf, current, unit

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
def portal(request: Request, visitor: Visitor, data: Data) -> HTMLResponse:
    page = portal_views.portal_page(data, visitor.db, visitor.user)
    return personal_page(
        request, "portal.html", {**page, "csrf": visitor.csrf}, json_url="/portal.json"
    )


@router.post("/portal/actions", response_model=None)
def create_action(
    visitor: Checked,
    data: Data,
    scan_id: Annotated[str, Form()] = "",
    series_id: Annotated[str, Form()] = "",
    area_code: Annotated[str, Form()] = "",
    period: Annotated[str, Form()] = "",
    method: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    owner: Annotated[str, Form()] = "",
) -> Response:
    key = {
        "scan_id": scan_id,
        "series_id": series_id,
        "area_code": area_code,
        "period": period,
        "method": method,
    }
    action = act_on_alert(data, visitor.db, visitor.user, key, title, owner)
    return RedirectResponse(f"/portal/actions/{action.id}", status_code=303)


def _action_page(
    request: Request, visitor: SignedIn, action_id: int, error: str = "", status: int = 200
) -> HTMLResponse:
    page = portal_views.action_page(
        request.app.state.data.get(), visitor.db, visitor.user, action_id
    )
    page = {**page, "csrf": visitor.csrf, "error": error}
    return personal_page(
        request,
        "action.html",
        page,
        json_url=f"/portal/actions/{action_id}.json",
        status=status,
        trail=(("Alerts and actions", "/portal"),),
    )


@router.get("/portal/actions/{action_id}", response_class=HTMLResponse)
def show_action(request: Request, action_id: int, visitor: Visitor) -> HTMLResponse:
    return _action_page(request, visitor, action_id)


def _reshow_action(request: Request, action_id: int) -> None:
    on_refusal(
        request,
        lambda visitor, exc, status: _action_page(request, visitor, action_id, str(exc), status),
    )


@router.post("/portal/actions/{action_id}", response_model=None)
def update_action(
    request: Request,
    action_id: int,
    visitor: Checked,
    data: Data,
    version: Annotated[int, Form()] = 0,
    status: Annotated[str, Form()] = "",
    owner: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    _reshow_action(request, action_id)
    action_service.update_action(
        visitor.db,
        visitor.user,
        action_id,
        version,
        data.geo,
        status or None,
        owner or None,
        note or None,
    )
    return RedirectResponse(f"/portal/actions/{action_id}", status_code=303)


@router.post("/portal/actions/{action_id}/close", response_model=None)
def close_action(
    request: Request,
    action_id: int,
    visitor: Checked,
    data: Data,
    version: Annotated[int, Form()] = 0,
    closure_note: Annotated[str, Form()] = "",
) -> Response:
    _reshow_action(request, action_id)
    action_service.close_action(
        visitor.db, visitor.user, action_id, version, closure_note, data.geo
    )
    return RedirectResponse(f"/portal/actions/{action_id}", status_code=303)
