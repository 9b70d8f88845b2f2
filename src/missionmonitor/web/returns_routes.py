"""Signed-in pages for ADP returns: the list of returns, a form built from its definition
(save as draft, check your answers, submit), upload of a filled-in template, and the
approver's decision. Every route goes through the permission matrix and checks CSRF.

Periods appear in addresses with "-" for "/" (2024-25 for the financial year 2024/25).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from missionmonitor.datasets.numbers import parse_whole_number
from missionmonitor.errors import NumberFormatError
from missionmonitor.returns import workflow
from missionmonitor.returns.forms import Form as ReturnForm
from missionmonitor.returns.forms import adp_form
from missionmonitor.services import adp_returns
from missionmonitor.services.adp_returns import address
from missionmonitor.views import returns as return_views
from missionmonitor.web.dependencies import (
    Areas,
    Checked,
    Configured,
    SignedIn,
    Visitor,
    geography,
    on_refusal,
)
from missionmonitor.web.rendering import personal_page
from missionmonitor.web.return_replies import RETURNS, period_of
from missionmonitor.web.sessions import check_csrf, posted_form

router = APIRouter(include_in_schema=False)

#: What a page may say after a redirect, chosen by a key in the address: never text from
#: the address itself, which anyone could write.
NOTICES = {"saved": "saved", "submitted": "submitted", "attached": "given the file"}


def _uploaded(count: int) -> str:
    return f"uploaded {count:,} draft{'s' if count != 1 else ''}" if count > 0 else ""


def _answers_from(form: ReturnForm, fields: dict[str, Any]) -> dict[str, Any]:
    """Answers from a posted form: empty fields left out, several choices joined by ';'."""
    out: dict[str, Any] = {}
    for q in form.questions:
        if q.type in ("file", "records"):
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
    try:
        version = parse_whole_number(str(value or ""))
    except NumberFormatError:
        return 0
    return version if 0 < version < 10**9 else 0


def _form_page(
    request: Request,
    visitor: SignedIn,
    form: ReturnForm,
    adp: str,
    period: str,
    answers: dict[str, Any] | None = None,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
    message: str = "",
) -> HTMLResponse:
    store = request.app.state.settings.store_path
    page = return_views.return_page(
        visitor.db, visitor.user, form, adp, period, store, geography(request), answers, errors
    )
    page = {
        **page,
        "csrf": visitor.csrf,
        "url": address(form.id, adp, period),
        "message": message,
    }
    return personal_page(
        request,
        "return_form.html",
        page,
        json_url=f"{page['url']}.json",
        status=status,
        trail=RETURNS,
    )


def _reshow_form(
    request: Request, form: ReturnForm, adp: str, period: str, rule: str, answers: Any = None
) -> None:
    def page(visitor: SignedIn, exc: Exception, status: int) -> Response:
        errors = [{"question": "", "rule": rule, "message": str(exc), "importance": "error"}]
        return _form_page(request, visitor, form, adp, period, answers, errors, status)

    on_refusal(request, page)


@router.get("/portal/returns", response_class=HTMLResponse)
def returns_home(
    request: Request,
    visitor: Visitor,
    geo: Areas,
    form: str = "",
    period: str = "",
    uploaded: int = 0,
) -> HTMLResponse:
    """Every form's returns for one period each: the period chosen for ``form``, or the
    latest period that has ended."""
    page = {
        "title": "Returns",
        **adp_returns.returns_page(visitor.db, visitor.user, geo, form, period),
        "csrf": visitor.csrf,
        "message": _uploaded(uploaded),
    }
    # The twin keeps the choice of form and period, never other text from the address.
    query = urlencode({k: v for k, v in (("form", form), ("period", period)) if v})
    twin = "/portal/returns.json" + (f"?{query}" if query else "")
    return personal_page(request, "returns.html", page, json_url=twin)


@router.get("/portal/returns/{form_id}/{adp}/{period}", response_class=HTMLResponse)
def show_return(
    configuration: Configured,
    request: Request,
    form_id: str,
    adp: str,
    period: str,
    visitor: Visitor,
    notice: str = "",
) -> HTMLResponse:
    form = adp_form(configuration, form_id)
    message = NOTICES.get(notice, "")
    return _form_page(request, visitor, form, adp, period_of(period), message=message)


@router.post("/portal/returns/{form_id}/{adp}/{period}", response_model=None)
async def save_return(
    configuration: Configured,
    request: Request,
    form_id: str,
    adp: str,
    period: str,
    visitor: Visitor,
) -> Response:
    """Save as draft; with action=check, then go to the check-your-answers page."""
    form = adp_form(configuration, form_id)
    posted = await posted_form(request)
    fields = {k: posted.getlist(k) for k in posted}
    return await run_in_threadpool(_save_return, request, visitor, form, adp, period, fields)


def _save_return(
    request: Request,
    visitor: SignedIn,
    form: ReturnForm,
    adp: str,
    period: str,
    fields: dict[str, list[Any]],
) -> Response:
    period = period_of(period)
    answers = _answers_from(form, fields)
    seen = str((fields.get("version") or [""])[0])
    action = str((fields.get("action") or ["save"])[0])
    check_csrf(visitor.session, str((fields.get("csrf_token") or [""])[0]))
    _reshow_form(request, form, adp, period, "save", answers)
    # Comments on warnings and file answers are kept by the domain.
    workflow.save_draft(
        visitor.db,
        visitor.user,
        form,
        adp,
        period,
        answers,
        None,
        _version(seen) if seen else None,
        geo=geography(request),
    )
    url = address(form.id, adp, period)
    return RedirectResponse(
        url + "/check" if action == "check" else url + "?notice=saved", status_code=303
    )


def _check_page(
    request: Request,
    visitor: SignedIn,
    form: ReturnForm,
    adp: str,
    period: str,
    status: int = 200,
) -> HTMLResponse:
    page = return_views.check_page(visitor.db, visitor.user, form, adp, period, geography(request))
    page = {**page, "csrf": visitor.csrf, "url": address(form.id, adp, period)}
    return personal_page(
        request,
        "return_check.html",
        page,
        json_url=f"{page['url']}/check.json",
        status=status,
        trail=RETURNS,
    )


@router.get("/portal/returns/{form_id}/{adp}/{period}/check", response_class=HTMLResponse)
def check_return(
    configuration: Configured,
    request: Request,
    form_id: str,
    adp: str,
    period: str,
    visitor: Visitor,
) -> HTMLResponse:
    return _check_page(request, visitor, adp_form(configuration, form_id), adp, period_of(period))


@router.post("/portal/returns/{form_id}/{adp}/{period}/submit", response_model=None)
async def submit_return(
    configuration: Configured,
    request: Request,
    form_id: str,
    adp: str,
    period: str,
    visitor: Visitor,
) -> Response:
    """Keep the comments on warnings, then submit (refused while errors remain)."""
    form = adp_form(configuration, form_id)
    posted = await posted_form(request)
    return await run_in_threadpool(
        _submit_return, request, visitor, form, adp, period_of(period), posted
    )


def _submit_return(
    request: Request, visitor: SignedIn, form: ReturnForm, adp: str, period: str, posted: FormData
) -> Response:
    check_csrf(visitor.session, str(posted.get("csrf_token") or ""))
    comments = {
        str(k).removeprefix("comment_"): str(v).strip()
        for k, v in posted.items()
        if str(k).startswith("comment_") and str(v).strip()
    }
    on_refusal(
        request,
        lambda again, _exc, status: _check_page(request, again, form, adp, period, status),
    )
    adp_returns.submit_latest(
        visitor.db,
        visitor.user,
        form,
        adp,
        period,
        comments,
        _version(posted.get("version")),
        geography(request),
    )
    return RedirectResponse(address(form.id, adp, period) + "?notice=submitted", status_code=303)


@router.post("/portal/returns/{form_id}/{adp}/{period}/decide", response_model=None)
def decide_return(
    configuration: Configured,
    request: Request,
    form_id: str,
    adp: str,
    period: str,
    visitor: Checked,
    decision: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
    version: Annotated[int, Form()] = 0,
) -> Response:
    form = adp_form(configuration, form_id)
    period = period_of(period)
    _reshow_form(request, form, adp, period, "decide")
    adp_returns.decide_latest(
        visitor.db,
        visitor.user,
        form,
        adp,
        period,
        decision == "approve",
        comment,
        version,
        geography(request),
    )
    return RedirectResponse(address(form.id, adp, period), status_code=303)
