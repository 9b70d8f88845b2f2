"""Routes: each page and its JSON twin call the same view-model function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from missionmonitor.refdata.geography import reporting_type
from missionmonitor.services.site_data import SiteData
from missionmonitor.views import accountability as accountability_views
from missionmonitor.views import areas as area_views
from missionmonitor.views import evaluation as evaluation_views
from missionmonitor.views import home as home_views
from missionmonitor.views import indicators as indicator_views
from missionmonitor.views import portal as portal_views
from missionmonitor.views import standards as standard_views
from missionmonitor.views import surveillance as surveillance_views
from missionmonitor.web.indicator_pages import Opt, indicator_view
from missionmonitor.web.page_cache import cached_model, html_page, json_page
from missionmonitor.web.rendering import ERRORS, TWIN, Crumbs, crumbs, personal_page
from missionmonitor.web.sessions import SESSION_COOKIE, unit, viewer

router = APIRouter(responses=ERRORS)
Builder = Callable[[SiteData], dict[str, Any]]


def _twin(path: str, summary: str) -> Callable[[Callable[..., Response]], Any]:
    """Register a page's JSON twin (documented in OpenAPI with the twin schema)."""
    return router.get(path, responses=TWIN, tags=["pages"], summary=summary)


def _data(request: Request) -> SiteData:
    data: SiteData = request.app.state.data.get()
    return data


def _crumbs(*trail: tuple[str, str]) -> Callable[[dict[str, Any]], Crumbs]:
    return lambda page: crumbs(page["title"], *trail)


# ---- home and outcomes ----------------------------------------------------------------


@_twin("/index.json", summary="Home page figures")
def homejson_page(request: Request) -> Response:
    return json_page(request, ("home",), home_views.home)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request) -> HTMLResponse:
    return html_page(
        request, ("home",), home_views.home, "home.html", "/index.json", "/", lambda _p: []
    )


@_twin("/outcomes.json", summary="Outcomes and their indicators")
def outcomesjson_page(request: Request) -> Response:
    return json_page(request, ("outcomes",), home_views.outcomes)


@router.get("/outcomes", response_class=HTMLResponse, include_in_schema=False)
def outcomes(request: Request) -> HTMLResponse:
    return html_page(
        request,
        ("outcomes",),
        home_views.outcomes,
        "outcomes.html",
        "/outcomes.json",
        "/outcomes",
        _crumbs(),
    )


@_twin("/outcomes/{outcome_id}.json", summary="One outcome")
def outcomejson_page(request: Request, outcome_id: str) -> Response:
    return json_page(request, ("outcome", outcome_id), lambda d: home_views.outcome(d, outcome_id))


@router.get("/outcomes/{outcome_id}", response_class=HTMLResponse, include_in_schema=False)
def outcome(request: Request, outcome_id: str) -> HTMLResponse:
    return html_page(
        request,
        ("outcome", outcome_id),
        lambda d: home_views.outcome(d, outcome_id),
        "outcome.html",
        f"/outcomes/{outcome_id}.json",
        "/outcomes",
        _crumbs(("Outcomes", "/outcomes")),
    )


# ---- indicators ------------------------------------------------------------------------

Filter = Annotated[str, Query(max_length=100)]


def _indicators_view(
    q: str, outcome: str, source: str, geography: str
) -> tuple[tuple[Any, ...], Builder]:
    q = " ".join(q.lower().split())  # one cache entry however a search is spaced or cased
    key = ("indicators", q, outcome, source, geography)
    return key, lambda d: indicator_views.indicators(d, q, outcome, source, geography)


@_twin("/indicators.json", summary="Search and filter indicators")
def indicators_json(
    request: Request,
    q: Filter = "",
    outcome: Filter = "",
    source: Filter = "",
    geography: Filter = "",
) -> Response:
    key, build = _indicators_view(q, outcome, source, geography)
    return json_page(request, key, build)


@router.get("/indicators", response_class=HTMLResponse, include_in_schema=False)
def indicators(
    request: Request,
    q: Filter = "",
    outcome: Filter = "",
    source: Filter = "",
    geography: Filter = "",
) -> HTMLResponse:
    key, build = _indicators_view(q, outcome, source, geography)
    query = f"?{request.url.query}" if request.url.query else ""
    return html_page(
        request, key, build, "indicators.html", f"/indicators.json{query}", "/indicators", _crumbs()
    )


@_twin("/indicators/{indicator_id}.json", summary="One indicator")
def indicator_json(
    request: Request, indicator_id: str, area: Opt = None, area_type: Opt = None, period: Opt = None
) -> Response:
    key, build = indicator_view(request, indicator_id, area, area_type, period)
    return json_page(request, key, build)


@router.get("/indicators/{indicator_id}", response_class=HTMLResponse, include_in_schema=False)
def indicator(
    request: Request, indicator_id: str, area: Opt = None, area_type: Opt = None, period: Opt = None
) -> HTMLResponse:
    key, build = indicator_view(request, indicator_id, area, area_type, period)
    query = f"?{request.url.query}" if request.url.query else ""
    return html_page(
        request,
        key,
        build,
        "indicator.html",
        f"/indicators/{indicator_id}.json{query}",
        "/indicators",
        _crumbs(("Indicators", "/indicators")),
    )


# ---- areas and methodology -------------------------------------------------------------


@_twin("/areas.json", summary="Every area by type")
def areasjson_page(request: Request) -> Response:
    return json_page(request, ("areas",), area_views.areas)


@router.get("/areas", response_class=HTMLResponse, include_in_schema=False)
def areas(request: Request) -> HTMLResponse:
    return html_page(
        request, ("areas",), area_views.areas, "areas.html", "/areas.json", "/areas", _crumbs()
    )


@_twin("/areas/{code}.json", summary="An area profile")
def areajson_page(request: Request, code: str) -> Response:
    return json_page(request, ("area", code), lambda d: area_views.area(d, code))


@router.get("/areas/{code}", response_class=HTMLResponse, include_in_schema=False)
def area(request: Request, code: str) -> HTMLResponse:
    tracked = mat = None
    data = _data(request)
    is_adp = data.geo.codes().get(data.geo.resolve(code)) == reporting_type(data.geo.configuration)
    if is_adp or SESSION_COOKIE in request.cookies:
        with unit(request) as db:
            user, _ = viewer(request, db)
            tracked = portal_views.area_actions(data, db, user, code)
            mat = standard_views.area_panel(data, db, user, code)
    if tracked is not None or mat is not None:
        # Parts that live in the portal's database (actions, MAT grades) change without the
        # store changing: this page is built each time, never cached.
        page = {
            **cached_model(request, ("area", code), lambda d: area_views.area(d, code)),
            **({"tracked_actions": tracked} if tracked is not None else {}),
            **({"mat": mat} if mat is not None else {}),
        }
        return personal_page(
            request,
            "area.html",
            page,
            json_url=f"/areas/{code}.json",
            section="/areas",
            trail=(("Areas", "/areas"),),
        )
    return html_page(
        request,
        ("area", code),
        lambda d: area_views.area(d, code),
        "area.html",
        f"/areas/{code}.json",
        "/areas",
        _crumbs(("Areas", "/areas")),
    )


@_twin("/methodology.json", summary="Methods and definitions")
def methodologyjson_page(request: Request) -> Response:
    return json_page(request, ("methodology",), area_views.methodology)


@router.get("/methodology", response_class=HTMLResponse, include_in_schema=False)
def methodology(request: Request) -> HTMLResponse:
    return html_page(
        request,
        ("methodology",),
        area_views.methodology,
        "methodology.html",
        "/methodology.json",
        "/methodology",
        _crumbs(),
    )


@_twin("/surveillance.json", "Deaths across sources, trend, early-warning alerts, prevalence")
def surveillancejson_page(request: Request) -> Response:
    return json_page(request, ("surveillance",), surveillance_views.surveillance)


@router.get("/surveillance", response_class=HTMLResponse, include_in_schema=False)
def surveillance(request: Request) -> HTMLResponse:
    return html_page(
        request,
        ("surveillance",),
        surveillance_views.surveillance,
        "surveillance.html",
        "/surveillance.json",
        "/surveillance",
        _crumbs(),
    )


@_twin(
    "/evaluation.json", summary="The evaluation's questions, findings and trend around the launch"
)
def evaluationjson_page(request: Request) -> Response:
    return json_page(request, ("evaluation",), evaluation_views.evaluation)


@router.get("/evaluation", response_class=HTMLResponse, include_in_schema=False)
def evaluation(request: Request) -> HTMLResponse:
    return html_page(
        request,
        ("evaluation",),
        evaluation_views.evaluation,
        "evaluation.html",
        "/evaluation.json",
        "/evaluation",
        _crumbs(),
    )


@_twin("/targets.json", summary="National targets and progress")
def targetsjson_page(request: Request) -> Response:
    return json_page(request, ("targets",), area_views.targets)


@router.get("/targets", response_class=HTMLResponse, include_in_schema=False)
def targets(request: Request) -> HTMLResponse:
    return html_page(
        request,
        ("targets",),
        area_views.targets,
        "targets.html",
        "/targets.json",
        "/targets",
        _crumbs(),
    )


@_twin("/accountability.json", summary="ADP funding beside outcomes; rehabilitation capacity")
def accountabilityjson_page(request: Request) -> Response:
    return json_page(request, ("accountability",), accountability_views.accountability)


@router.get("/accountability", response_class=HTMLResponse, include_in_schema=False)
def accountability(request: Request) -> HTMLResponse:
    return html_page(
        request,
        ("accountability",),
        accountability_views.accountability,
        "accountability.html",
        "/accountability.json",
        "/accountability",
        _crumbs(),
    )


@router.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    return HTMLResponse(request.app.state.templates.get_template("api_docs.html").render())
