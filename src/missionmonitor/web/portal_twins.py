"""The JSON twins of the signed-in pages: each answers with the view model its page shows
(``views.personal_json``), from the same call with the same permission checks, and is
never cached. Signed out, a twin redirects to sign-in as its page does; a record the user
may not see is refused (403) or not found (404) as JSON.

A page with no JSON of its own (the sign-in form, an upload's result) links none. These
routes are registered before the pages', so ``/portal/actions/7.json`` is never read as
the page of an action called ``7.json``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from missionmonitor.returns.forms import adp_form
from missionmonitor.services import adp_returns
from missionmonitor.views import governance as governance_views
from missionmonitor.views import portal as portal_views
from missionmonitor.views import returns as return_views
from missionmonitor.views.personal_json import plain
from missionmonitor.web.dependencies import Areas, Data, Visitor
from missionmonitor.web.rendering import marked, twin_response
from missionmonitor.web.return_replies import period_of

router = APIRouter(include_in_schema=False)
FEEDBACK_STATUSES = ("received", "accepted", "rejected")


def _twin(request: Request, page: dict[str, Any]) -> Response:
    return twin_response(marked(request, plain(page)), cache=False)


@router.get("/portal.json", summary="Alerts the signed-in user may see, and actions on them")
def portal_json(request: Request, visitor: Visitor, data: Data) -> Response:
    return _twin(request, portal_views.portal_page(data, visitor.db, visitor.user))


@router.get("/portal/actions/{action_id}.json", summary="A tracked action and its notes")
def action_json(request: Request, action_id: int, visitor: Visitor, data: Data) -> Response:
    return _twin(request, portal_views.action_page(data, visitor.db, visitor.user, action_id))


@router.get("/portal/returns.json", summary="Where each return stands, one period per form")
def returns_json(
    request: Request, visitor: Visitor, geo: Areas, form: str = "", period: str = ""
) -> Response:
    page = adp_returns.returns_page(visitor.db, visitor.user, geo, form, period)
    return _twin(request, {"title": "Returns", **page})


@router.get(
    "/portal/returns/{form_id}/{adp}/{period}.json",
    summary="One return: its latest answers, versions, files and what the user may do",
)
def return_json(
    request: Request, form_id: str, adp: str, period: str, visitor: Visitor, geo: Areas
) -> Response:
    store = request.app.state.settings.store_path
    page = return_views.return_page(
        visitor.db,
        visitor.user,
        adp_form(geo.configuration, form_id),
        adp,
        period_of(period),
        store,
        geo,
    )
    return _twin(request, page)


@router.get(
    "/portal/returns/{form_id}/{adp}/{period}/check.json",
    summary="A return's latest draft checked: its errors and warnings",
)
def check_json(
    request: Request, form_id: str, adp: str, period: str, visitor: Visitor, geo: Areas
) -> Response:
    page = return_views.check_page(
        visitor.db, visitor.user, adp_form(geo.configuration, form_id), adp, period_of(period), geo
    )
    return _twin(request, page)


@router.get("/portal/governance.json", summary="Oversight meetings the user may see")
def governance_json(request: Request, visitor: Visitor, data: Data) -> Response:
    return _twin(request, governance_views.log(visitor.db, visitor.user, data.geo))


@router.get(
    "/portal/governance/meetings/{meeting_id}.json",
    summary="An oversight meeting: its decisions and actions",
)
def meeting_json(request: Request, meeting_id: int, visitor: Visitor, data: Data) -> Response:
    return _twin(request, governance_views.meeting(visitor.db, visitor.user, meeting_id, data.geo))


@router.get("/portal/feedback/{adp}.json", summary="Feedback about an area, to moderate")
def feedback_json(
    request: Request, adp: str, visitor: Visitor, data: Data, status: str = ""
) -> Response:
    chosen = status if status in FEEDBACK_STATUSES else None
    page = governance_views.feedback_inbox(visitor.db, visitor.user, adp, data.geo, chosen)
    return _twin(request, page)
