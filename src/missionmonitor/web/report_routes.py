"""Downloads and reports: exactly the figures an indicator page shows (CSV, XLSX, JSON),
the list of generated reports, and the reports themselves (HTML, PDF), each built once per
store version."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any, Literal

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from missionmonitor.errors import NotFoundError
from missionmonitor.refdata.geography import reporting_type
from missionmonitor.reports import adp_profile, annual, mat
from missionmonitor.reports.render import render
from missionmonitor.services.site_data import SiteData
from missionmonitor.views import areas as area_views
from missionmonitor.views import indicators as indicator_views
from missionmonitor.views import profiles as profile_views
from missionmonitor.web.indicator_pages import Opt, indicator_view
from missionmonitor.web.page_cache import cached_model, html_page, json_page, memo
from missionmonitor.web.rendering import ERRORS, TWIN, crumbs, json_safe

router = APIRouter(responses=ERRORS)
Builder = Callable[[SiteData], dict[str, Any]]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    key, build = indicator_view(request, indicator_id, area, area_type, period)
    page = cached_model(request, key, build)
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
        lambda d: _download_body(indicator_views.download_rows(d.configuration, page), page, fmt),
    )
    media = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_TYPE, "json": "application/json"}
    return Response(body, media_type=media[fmt], headers=headers)


@router.get(
    "/areas/{code}/profile.csv",
    tags=["downloads"],
    responses={200: {"description": "The area profile as CSV", "content": {"text/csv": {}}}},
    summary="Download an area profile: every indicator held, and those not published",
)
def area_profile_download(request: Request, code: str) -> Response:
    page = cached_model(request, ("area", code), lambda d: area_views.area(d, code))
    demo = page.get("demonstration")
    name = "_".join(
        p for p in ("demonstration" if demo else "", "profile", page["area"]["code"]) if p
    )
    headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
    if demo:
        headers["X-Demonstration"] = "generated data"

    def body(_d: SiteData) -> bytes:
        profile = page["profile"]
        table = profile_views.download_rows(profile["held"], profile["not_published"])
        return _download_body(table, page, "csv")

    return Response(
        memo(request, ("download", "profile", code), body),
        media_type="text/csv; charset=utf-8",
        headers=headers,
    )


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
                *(g["statement"] for g in page.get("gaps", [])),
            ]
            if page.get("demonstration"):
                notes.insert(0, page["demonstration"])
            pd.DataFrame({"note": notes}).to_excel(writer, sheet_name="notes", index=False)
        return buf.getvalue()
    records = json_safe(table.astype(object).where(table.notna(), None).to_dict(orient="records"))
    payload = {"indicator": page["indicator"]["id"], "licence": page["licence"], "rows": records}
    if page.get("gaps"):  # a partial table: what it lacks, by area type
        payload["gaps"] = page["gaps"]
    if page.get("demonstration"):
        payload["demonstration"] = page["demonstration"]
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


# ---- reports ---------------------------------------------------------------------------

ReportFmt = Literal["html", "pdf"]


@router.get("/reports.json", responses=TWIN, tags=["pages"], summary="Generated reports")
def reportsjson_page(request: Request) -> Response:
    return json_page(request, ("reports",), area_views.reports)


@router.get("/reports", response_class=HTMLResponse, include_in_schema=False)
def reports(request: Request) -> HTMLResponse:
    return html_page(
        request,
        ("reports",),
        area_views.reports,
        "reports.html",
        "/reports.json",
        "/reports",
        lambda page: crumbs(page["title"]),
    )


def _report(
    request: Request, key: tuple[Any, ...], make: Builder, fmt: ReportFmt, name: str
) -> Response:
    """A generated report, rendered once per store version."""
    body: bytes = memo(
        request, ("report", *key, fmt), lambda d: render(d.configuration, make(d), fmt)
    )
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
    geo = _data(request).geo
    if geo.codes().get(code) != reporting_type(geo.configuration):
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
