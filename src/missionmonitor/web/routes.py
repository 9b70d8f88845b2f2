"""Routes: each page and its JSON twin call the same view-model function."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from missionmonitor.services import pages, pages_areas
from missionmonitor.services.site_data import SiteData
from missionmonitor.web.app import html_response, json_safe

router = APIRouter()
Crumbs = list[dict[str, str]]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOME: Crumbs = [{"url": "/", "label": "Home"}]


def _data(request: Request) -> SiteData:
    data: SiteData = request.app.state.data.get()
    return data


def _cached(
    request: Request, key: tuple[Any, ...], build: Callable[[SiteData], dict[str, Any]]
) -> dict[str, Any]:
    """View models are pure functions of the snapshot: keep them until the store changes."""
    data = _data(request)
    state = request.app.state
    if not hasattr(state, "page_cache"):
        state.page_cache = {}
    cache: dict[tuple[Any, ...], tuple[float, dict[str, Any]]] = state.page_cache
    hit = cache.get(key)
    if hit and hit[0] == data.version:
        return hit[1]
    page: dict[str, Any] = json_safe(build(data))
    if len(cache) > 2000:
        cache.clear()
    cache[key] = (data.version, page)
    return page


def _json(page: dict[str, Any]) -> JSONResponse:
    return JSONResponse(page)


# ---- home ------------------------------------------------------------------------------


@router.get("/index.json", tags=["pages"], summary="Home page figures")
def home_json(request: Request) -> JSONResponse:
    return _json(_cached(request, ("home",), pages.home))


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request) -> HTMLResponse:
    return html_response(
        request, "home.html", _cached(request, ("home",), pages.home), "/index.json", "/"
    )


# ---- outcomes --------------------------------------------------------------------------


@router.get("/outcomes.json", tags=["pages"], summary="Outcomes and their indicators")
def outcomes_json(request: Request) -> JSONResponse:
    return _json(_cached(request, ("outcomes",), pages.outcomes))


@router.get("/outcomes", response_class=HTMLResponse, include_in_schema=False)
def outcomes(request: Request) -> HTMLResponse:
    page = _cached(request, ("outcomes",), pages.outcomes)
    return html_response(
        request,
        "outcomes.html",
        page,
        "/outcomes.json",
        "/outcomes",
        [*HOME, {"label": "Outcomes"}],
    )


@router.get("/outcomes/{outcome_id}.json", tags=["pages"], summary="One outcome")
def outcome_json(request: Request, outcome_id: str) -> JSONResponse:
    return _json(_cached(request, ("outcome", outcome_id), lambda d: pages.outcome(d, outcome_id)))


@router.get("/outcomes/{outcome_id}", response_class=HTMLResponse, include_in_schema=False)
def outcome(request: Request, outcome_id: str) -> HTMLResponse:
    page = _cached(request, ("outcome", outcome_id), lambda d: pages.outcome(d, outcome_id))
    crumbs = [*HOME, {"url": "/outcomes", "label": "Outcomes"}, {"label": page["title"]}]
    return html_response(
        request, "outcome.html", page, f"/outcomes/{outcome_id}.json", "/outcomes", crumbs
    )


# ---- indicators ------------------------------------------------------------------------

Filter = Annotated[str, Query(max_length=100)]


def _indicators(
    request: Request, q: str, outcome: str, source: str, geography: str
) -> dict[str, Any]:
    key = ("indicators", q, outcome, source, geography)
    return _cached(request, key, lambda d: pages.indicators(d, q, outcome, source, geography))


@router.get("/indicators.json", tags=["pages"], summary="Search and filter indicators")
def indicators_json(
    request: Request,
    q: Filter = "",
    outcome: Filter = "",
    source: Filter = "",
    geography: Filter = "",
) -> JSONResponse:
    return _json(_indicators(request, q, outcome, source, geography))


@router.get("/indicators", response_class=HTMLResponse, include_in_schema=False)
def indicators(
    request: Request,
    q: Filter = "",
    outcome: Filter = "",
    source: Filter = "",
    geography: Filter = "",
) -> HTMLResponse:
    page = _indicators(request, q, outcome, source, geography)
    return html_response(
        request,
        "indicators.html",
        page,
        f"/indicators.json?{request.url.query}" if request.url.query else "/indicators.json",
        "/indicators",
        [*HOME, {"label": "Indicators"}],
    )


Opt = Annotated[str | None, Query(max_length=40)]


def _indicator(
    request: Request, indicator_id: str, area: str | None, area_type: str | None, period: str | None
) -> dict[str, Any]:
    key = ("indicator", indicator_id, area, area_type, period)
    return _cached(
        request, key, lambda d: pages.indicator(d, indicator_id, area, area_type, period)
    )


@router.get(
    "/indicators/{indicator_id}/data.{fmt}",
    tags=["downloads"],
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
    page = _indicator(request, indicator_id, area, area_type, period)
    table = pages.download_rows(page)
    parts = [
        indicator_id,
        page["area"]["code"],
        page.get("area_type") or "",
        page.get("period") or "",
    ]
    name = "_".join(p.replace("/", "-") for p in parts if p)
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt == "csv":
        body = table.to_csv(index=False, lineterminator="\n").encode("utf-8")
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
    if fmt == "xlsx":
        return Response(_xlsx(table, page), headers=headers, media_type=XLSX_TYPE)
    records = json_safe(table.astype(object).where(table.notna(), None).to_dict(orient="records"))
    return JSONResponse(
        {"indicator": indicator_id, "licence": page["licence"], "rows": records}, headers=headers
    )


def _xlsx(table: pd.DataFrame, page: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="data", index=False)
        notes = pd.DataFrame(
            {
                "note": [
                    page["indicator"]["title"],
                    page["indicator"]["definition"],
                    "Suppressed values are empty.",
                    page["licence"],
                ]
            }
        )
        notes.to_excel(writer, sheet_name="notes", index=False)
    return buf.getvalue()


@router.get("/indicators/{indicator_id}.json", tags=["pages"], summary="One indicator")
def indicator_json(
    request: Request, indicator_id: str, area: Opt = None, area_type: Opt = None, period: Opt = None
) -> JSONResponse:
    return _json(_indicator(request, indicator_id, area, area_type, period))


@router.get("/indicators/{indicator_id}", response_class=HTMLResponse, include_in_schema=False)
def indicator(
    request: Request, indicator_id: str, area: Opt = None, area_type: Opt = None, period: Opt = None
) -> HTMLResponse:
    page = _indicator(request, indicator_id, area, area_type, period)
    query = f"?{request.url.query}" if request.url.query else ""
    crumbs = [*HOME, {"url": "/indicators", "label": "Indicators"}, {"label": page["title"]}]
    return html_response(
        request,
        "indicator.html",
        page,
        f"/indicators/{indicator_id}.json{query}",
        "/indicators",
        crumbs,
    )


# ---- areas and methodology -------------------------------------------------------------


@router.get("/areas.json", tags=["pages"], summary="Every area by type")
def areas_json(request: Request) -> JSONResponse:
    return _json(_cached(request, ("areas",), pages_areas.areas))


@router.get("/areas", response_class=HTMLResponse, include_in_schema=False)
def areas(request: Request) -> HTMLResponse:
    page = _cached(request, ("areas",), pages_areas.areas)
    return html_response(
        request, "areas.html", page, "/areas.json", "/areas", [*HOME, {"label": "Areas"}]
    )


@router.get("/areas/{code}.json", tags=["pages"], summary="An area profile")
def area_json(request: Request, code: str) -> JSONResponse:
    return _json(_cached(request, ("area", code), lambda d: pages_areas.area(d, code)))


@router.get("/areas/{code}", response_class=HTMLResponse, include_in_schema=False)
def area(request: Request, code: str) -> HTMLResponse:
    page = _cached(request, ("area", code), lambda d: pages_areas.area(d, code))
    crumbs = [*HOME, {"url": "/areas", "label": "Areas"}, {"label": page["title"]}]
    return html_response(request, "area.html", page, f"/areas/{code}.json", "/areas", crumbs)


@router.get("/methodology.json", tags=["pages"], summary="Methods and definitions")
def methodology_json(request: Request) -> JSONResponse:
    return _json(_cached(request, ("methodology",), pages_areas.methodology))


@router.get("/methodology", response_class=HTMLResponse, include_in_schema=False)
def methodology(request: Request) -> HTMLResponse:
    page = _cached(request, ("methodology",), pages_areas.methodology)
    return html_response(
        request,
        "methodology.html",
        page,
        "/methodology.json",
        "/methodology",
        [*HOME, {"label": "Methodology"}],
    )


@router.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, "api_docs.html", {}
    )
    return response
