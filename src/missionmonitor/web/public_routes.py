"""Routes: each page and its JSON twin call the same view-model function."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from missionmonitor.errors import NotFoundError
from missionmonitor.refdata.geography import reporting_type
from missionmonitor.reports import adp_profile, annual, mat
from missionmonitor.reports.render import render
from missionmonitor.services.site_data import SiteData
from missionmonitor.views import accountability as accountability_views
from missionmonitor.views import areas as area_views
from missionmonitor.views import home as home_views
from missionmonitor.views import indicators as indicator_views
from missionmonitor.views import portal as portal_views
from missionmonitor.views import standards as standard_views
from missionmonitor.views import surveillance as surveillance_views
from missionmonitor.web.page_cache import memo
from missionmonitor.web.rendering import (
    DEMONSTRATION,
    ERRORS,
    TWIN,
    Crumbs,
    crumbs,
    json_safe,
    personal_page,
    render_page,
    twin_body,
)
from missionmonitor.web.sessions import SESSION_COOKIE, unit, viewer

router = APIRouter(responses=ERRORS)
Builder = Callable[[SiteData], dict[str, Any]]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _twin(path: str, summary: str) -> Callable[[Callable[..., Response]], Any]:
    """Register a page's JSON twin (documented in OpenAPI with the twin schema)."""
    return router.get(path, responses=TWIN, tags=["pages"], summary=summary)


def _data(request: Request) -> SiteData:
    data: SiteData = request.app.state.data.get()
    return data


#: What a download or a report answers with, for OpenAPI.
DOWNLOAD: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The figures as CSV, XLSX or JSON",
        "content": {"text/csv": {}, XLSX_TYPE: {}, "application/json": {}},
    }
}
REPORT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report as PDF or HTML",
        "content": {"application/pdf": {}, "text/html": {}},
    }
}


def _cached(
    request: Request, key: tuple[Any, ...], build: Callable[[SiteData], dict[str, Any]]
) -> dict[str, Any]:
    def model(d: SiteData) -> dict[str, Any]:
        page = json_safe(build(d))
        return {**page, "demonstration": DEMONSTRATION} if d.demonstration else page

    page: dict[str, Any] = memo(request, ("model", *key), model)
    return page


def _json(
    request: Request, key: tuple[Any, ...], build: Callable[[SiteData], dict[str, Any]]
) -> Response:
    body = memo(request, ("json", *key), lambda _d: twin_body(_cached(request, key, build)))
    return Response(body, media_type="application/json")


def _html(
    request: Request,
    key: tuple[Any, ...],
    build: Callable[[SiteData], dict[str, Any]],
    template: str,
    json_url: str,
    section: str,
    crumbs: Callable[[dict[str, Any]], Crumbs],
) -> HTMLResponse:
    def render(_d: SiteData) -> bytes:
        page = _cached(request, key, build)
        return render_page(
            request.app.state.templates, template, page, json_url, section, crumbs(page)
        )

    return HTMLResponse(memo(request, ("html", *key, json_url), render))


def _crumbs(*trail: tuple[str, str]) -> Callable[[dict[str, Any]], Crumbs]:
    return lambda page: crumbs(page["title"], *trail)


# ---- home and outcomes ----------------------------------------------------------------


@_twin("/index.json", summary="Home page figures")
def home_json(request: Request) -> Response:
    return _json(request, ("home",), home_views.home)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request) -> HTMLResponse:
    return _html(
        request, ("home",), home_views.home, "home.html", "/index.json", "/", lambda _p: []
    )


@_twin("/outcomes.json", summary="Outcomes and their indicators")
def outcomes_json(request: Request) -> Response:
    return _json(request, ("outcomes",), home_views.outcomes)


@router.get("/outcomes", response_class=HTMLResponse, include_in_schema=False)
def outcomes(request: Request) -> HTMLResponse:
    return _html(
        request,
        ("outcomes",),
        home_views.outcomes,
        "outcomes.html",
        "/outcomes.json",
        "/outcomes",
        _crumbs(),
    )


@_twin("/outcomes/{outcome_id}.json", summary="One outcome")
def outcome_json(request: Request, outcome_id: str) -> Response:
    return _json(request, ("outcome", outcome_id), lambda d: home_views.outcome(d, outcome_id))


@router.get("/outcomes/{outcome_id}", response_class=HTMLResponse, include_in_schema=False)
def outcome(request: Request, outcome_id: str) -> HTMLResponse:
    return _html(
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
Opt = Annotated[str | None, Query(max_length=40)]


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
    return _json(request, key, build)


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
    return _html(
        request, key, build, "indicators.html", f"/indicators.json{query}", "/indicators", _crumbs()
    )


def _indicator_view(
    request: Request, indicator_id: str, area: str | None, area_type: str | None, period: str | None
) -> tuple[tuple[Any, ...], Builder]:
    data = _data(request)
    if indicator_id not in data.catalogue:
        raise NotFoundError(f"no indicator {indicator_id!r}")
    area = data.geo.resolve(area.strip()) if area else None  # 404 for an unknown area
    key = ("indicator", indicator_id, area, area_type, period)
    return key, lambda d: indicator_views.indicator(d, indicator_id, area, area_type, period)


@router.get(
    "/indicators/{indicator_id}/data.{fmt}",
    tags=["downloads"],
    responses=DOWNLOAD,
    summary="Download exactly the figures an indicator page shows",
)
def indicator_download(
    request: Request,
    indicator_id: str,
    fmt: Literal["csv", "xlsx", "json"],
    area: Opt = None,
    area_type: Opt = None,
    period: Opt = None,
) -> Response:
    key, build = _indicator_view(request, indicator_id, area, area_type, period)
    page = _cached(request, key, build)
    parts = [
        indicator_id,
        page["area"]["code"],
        page.get("area_type") or "",
        page.get("period") or "",
    ]
    demo = page.get("demonstration")
    if demo:
        parts.insert(0, "demonstration")
    name = "_".join(p.replace("/", "-") for p in parts if p)
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if demo:
        headers["X-Demonstration"] = "generated data"
    body: bytes = memo(
        request,
        ("download", fmt, *key),
        lambda _d: _download_body(indicator_views.download_rows(page), page, fmt),
    )
    media = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_TYPE, "json": "application/json"}
    return Response(body, media_type=media[fmt], headers=headers)


def _download_body(table: pd.DataFrame, page: dict[str, Any], fmt: str) -> bytes:
    if page.get("demonstration"):
        # Every row says so: a file passed on without its name still carries the mark.
        table = table.assign(demonstration=page["demonstration"])
    if fmt == "csv":
        return table.to_csv(index=False, lineterminator="\n").encode("utf-8")
    if fmt == "xlsx":
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as writer:
            table.to_excel(writer, sheet_name="data", index=False)
            notes = [
                page["indicator"]["title"],
                page["indicator"]["definition"],
                "Suppressed values are empty.",
                page["licence"],
            ]
            if page.get("demonstration"):
                notes.insert(0, page["demonstration"])
            pd.DataFrame({"note": notes}).to_excel(writer, sheet_name="notes", index=False)
        return buf.getvalue()
    records = json_safe(table.astype(object).where(table.notna(), None).to_dict(orient="records"))
    payload = {"indicator": page["indicator"]["id"], "licence": page["licence"], "rows": records}
    if page.get("demonstration"):
        payload["demonstration"] = page["demonstration"]
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


@_twin("/indicators/{indicator_id}.json", summary="One indicator")
def indicator_json(
    request: Request, indicator_id: str, area: Opt = None, area_type: Opt = None, period: Opt = None
) -> Response:
    key, build = _indicator_view(request, indicator_id, area, area_type, period)
    return _json(request, key, build)


@router.get("/indicators/{indicator_id}", response_class=HTMLResponse, include_in_schema=False)
def indicator(
    request: Request, indicator_id: str, area: Opt = None, area_type: Opt = None, period: Opt = None
) -> HTMLResponse:
    key, build = _indicator_view(request, indicator_id, area, area_type, period)
    query = f"?{request.url.query}" if request.url.query else ""
    return _html(
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
def areas_json(request: Request) -> Response:
    return _json(request, ("areas",), area_views.areas)


@router.get("/areas", response_class=HTMLResponse, include_in_schema=False)
def areas(request: Request) -> HTMLResponse:
    return _html(
        request, ("areas",), area_views.areas, "areas.html", "/areas.json", "/areas", _crumbs()
    )


@_twin("/areas/{code}.json", summary="An area profile")
def area_json(request: Request, code: str) -> Response:
    return _json(request, ("area", code), lambda d: area_views.area(d, code))


@router.get("/areas/{code}", response_class=HTMLResponse, include_in_schema=False)
def area(request: Request, code: str) -> HTMLResponse:
    tracked = mat = None
    data = _data(request)
    is_adp = data.geo.codes().get(data.geo.resolve(code)) == reporting_type()
    if is_adp or SESSION_COOKIE in request.cookies:
        with unit(request) as db:
            user, _ = viewer(request, db)
            tracked = portal_views.area_actions(data, db, user, code)
            mat = standard_views.area_panel(data, db, user, code)
    if tracked is not None or mat is not None:
        # Parts that live in the portal's database (actions, MAT grades) change without the
        # store changing: this page is built each time, never cached.
        page = {
            **_cached(request, ("area", code), lambda d: area_views.area(d, code)),
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
    return _html(
        request,
        ("area", code),
        lambda d: area_views.area(d, code),
        "area.html",
        f"/areas/{code}.json",
        "/areas",
        _crumbs(("Areas", "/areas")),
    )


@_twin("/methodology.json", summary="Methods and definitions")
def methodology_json(request: Request) -> Response:
    return _json(request, ("methodology",), area_views.methodology)


@router.get("/methodology", response_class=HTMLResponse, include_in_schema=False)
def methodology(request: Request) -> HTMLResponse:
    return _html(
        request,
        ("methodology",),
        area_views.methodology,
        "methodology.html",
        "/methodology.json",
        "/methodology",
        _crumbs(),
    )


@_twin("/surveillance.json", "Deaths across sources, trend, early-warning alerts, prevalence")
def surveillance_json(request: Request) -> Response:
    return _json(request, ("surveillance",), surveillance_views.surveillance)


@router.get("/surveillance", response_class=HTMLResponse, include_in_schema=False)
def surveillance(request: Request) -> HTMLResponse:
    return _html(
        request,
        ("surveillance",),
        surveillance_views.surveillance,
        "surveillance.html",
        "/surveillance.json",
        "/surveillance",
        _crumbs(),
    )


@_twin("/targets.json", summary="National targets and progress")
def targets_json(request: Request) -> Response:
    return _json(request, ("targets",), area_views.targets)


@router.get("/targets", response_class=HTMLResponse, include_in_schema=False)
def targets(request: Request) -> HTMLResponse:
    return _html(
        request,
        ("targets",),
        area_views.targets,
        "targets.html",
        "/targets.json",
        "/targets",
        _crumbs(),
    )


@_twin("/accountability.json", summary="ADP funding beside outcomes; rehabilitation capacity")
def accountability_json(request: Request) -> Response:
    return _json(request, ("accountability",), accountability_views.accountability)


@router.get("/accountability", response_class=HTMLResponse, include_in_schema=False)
def accountability(request: Request) -> HTMLResponse:
    return _html(
        request,
        ("accountability",),
        accountability_views.accountability,
        "accountability.html",
        "/accountability.json",
        "/accountability",
        _crumbs(),
    )


# ---- reports ---------------------------------------------------------------------------

ReportFmt = Literal["html", "pdf"]


@_twin("/reports.json", summary="Generated reports")
def reports_json(request: Request) -> Response:
    return _json(request, ("reports",), area_views.reports)


@router.get("/reports", response_class=HTMLResponse, include_in_schema=False)
def reports(request: Request) -> HTMLResponse:
    return _html(
        request,
        ("reports",),
        area_views.reports,
        "reports.html",
        "/reports.json",
        "/reports",
        _crumbs(),
    )


def _report(
    request: Request, key: tuple[Any, ...], make: Builder, fmt: ReportFmt, name: str
) -> Response:
    """A generated report, rendered once per store version."""
    body: bytes = memo(request, ("report", *key, fmt), lambda d: render(make(d), fmt))
    media = "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8"
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    return Response(body, media_type=media, headers=headers)


@router.get(
    "/reports/annual/{period}.{fmt}", tags=["reports"], responses=REPORT, summary="Annual report"
)
def annual_report(request: Request, period: str, fmt: ReportFmt) -> Response:
    fy = period.replace("-", "/")
    if fy not in area_views.report_periods(_data(request)):
        raise NotFoundError(f"there is no annual report for {period!r}: see /reports")
    return _report(
        request,
        ("annual", fy),
        lambda d: annual.annual(d, fy),
        fmt,
        f"annual-monitoring-report-{period}",
    )


@router.get(
    "/reports/adp/{code}.{fmt}", tags=["reports"], responses=REPORT, summary="ADP profile report"
)
def adp_report(request: Request, code: str, fmt: ReportFmt) -> Response:
    if _data(request).geo.codes().get(code) != reporting_type():
        raise NotFoundError(f"there is no ADP profile for {code!r}: see /reports")
    return _report(
        request, ("adp", code), lambda d: adp_profile.adp(d, code), fmt, f"adp-profile-{code}"
    )


@router.get(
    "/reports/mat/{year}.{fmt}",
    tags=["reports"],
    responses=REPORT,
    summary="MAT benchmarking report",
)
def mat_report(request: Request, year: int, fmt: ReportFmt) -> Response:
    if year not in area_views.mat_report_years(_data(request)):
        raise NotFoundError(f"there is no MAT benchmarking report for {year}: see /reports")
    return _report(
        request, ("mat", year), lambda d: mat.mat(d, year), fmt, f"mat-benchmarking-report-{year}"
    )


@router.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    return HTMLResponse(request.app.state.templates.get_template("api_docs.html").render())
