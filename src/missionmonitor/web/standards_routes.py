"""MAT standards pages (public: moderated grades only; signed in: what the role allows)
with JSON twins, and the assessor's and moderator's forms."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from missionmonitor.errors import MethodInputError, NotFoundError, StaleEditError
from missionmonitor.portal.models import StandardGrade
from missionmonitor.services.site_data import SiteData
from missionmonitor.standards import workflow
from missionmonitor.standards.grading import load_standards
from missionmonitor.views import standards as standard_views
from missionmonitor.web.rendering import ERRORS, TWIN, marked, personal_page, twin_response
from missionmonitor.web.sessions import check_csrf, signed_in, unit, viewer

router = APIRouter(responses=ERRORS)


def _respond(
    request: Request,
    page: dict[str, Any],
    template: str,
    json_url: str,
    as_json: bool,
    csrf: str | None = None,
) -> Response:
    if as_json:
        return twin_response(marked(request, page), cache=False)
    return personal_page(
        request, template, {**page, "csrf": csrf}, json_url=json_url, section="/standards"
    )


@router.get("/standards", include_in_schema=False)
def standards_page(
    request: Request, year: int | None = None, compare_to: int | None = None
) -> Response:
    return _standards(request, year, compare_to, as_json=False)


@router.get(
    "/standards.json",
    tags=["pages"],
    responses=TWIN,
    summary="MAT standards: ADP × standard grades, national summary, comparison",
)
def standards_json(
    request: Request, year: int | None = None, compare_to: int | None = None
) -> Response:
    return _standards(request, year, compare_to, as_json=True)


def _standards(
    request: Request, year: int | None, compare_to: int | None, as_json: bool
) -> Response:
    data: SiteData = request.app.state.data.get()
    with unit(request) as db:
        user, csrf = viewer(request, db)
        page = standard_views.matrix(data, db, user, year, compare_to)
    query = "?" + "&".join(
        f"{k}={v}" for k, v in (("year", year), ("compare_to", compare_to)) if v is not None
    )
    return _respond(
        request, page, "standards.html", "/standards.json" + query.rstrip("?"), as_json, csrf
    )


@router.get(
    "/standards/{adp}/{number}.json",
    tags=["pages"],
    responses=TWIN,
    summary="One ADP's grades, evidence (signed in) and actions for one standard",
)
def adp_standard_json(request: Request, adp: str, number: int) -> Response:
    return _adp_standard(request, adp, number, as_json=True)


@router.get("/standards/{adp}/{number}", include_in_schema=False)
def adp_standard_page(request: Request, adp: str, number: int) -> Response:
    return _adp_standard(request, adp, number, as_json=False)


def _adp_standard(request: Request, adp: str, number: int, as_json: bool) -> Response:
    if number not in load_standards().numbers:
        raise NotFoundError(f"there is no standard {number}")
    data: SiteData = request.app.state.data.get()
    with unit(request) as db:
        user, csrf = viewer(request, db)
        page = standard_views.adp_standard(data, db, user, adp, number)
    return _respond(
        request, page, "standard.html", f"/standards/{adp}/{number}.json", as_json, csrf
    )


@router.post("/portal/grades", include_in_schema=False, response_model=None)
def propose_grade(
    request: Request,
    adp: Annotated[str, Form()],
    standard: Annotated[int, Form()],
    year: Annotated[int, Form()],
    process: Annotated[str, Form()],
    numerical: Annotated[str, Form()],
    experiential: Annotated[str, Form()],
    rule_set: Annotated[str, Form()],
    rationale: Annotated[str, Form()] = "",
    sustained: Annotated[str, Form()] = "",
    cited: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    data: SiteData = request.app.state.data.get()
    with unit(request) as db:
        user, session = signed_in(request, db)
        check_csrf(session, csrf_token)
        workflow.propose(
            db,
            user,
            adp,
            standard,
            year,
            {"process": process, "numerical": numerical, "experiential": experiential},
            rule_set,
            rationale,
            data.geo,
            sustained == "yes",
            evidence_refs=[c.strip() for c in cited.split(",") if c.strip()],
        )
    return RedirectResponse(f"/standards/{adp}/{standard}", status_code=303)


@router.post("/portal/grades/{grade_id}/moderate", include_in_schema=False, response_model=None)
def moderate_grade(
    request: Request,
    grade_id: int,
    version: Annotated[int, Form()],
    decision: Annotated[str, Form()] = "confirm",
    new_grade: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    data: SiteData = request.app.state.data.get()
    with unit(request) as db:
        user, session = signed_in(request, db)
        check_csrf(session, csrf_token)
        g = db.get(StandardGrade, grade_id)
        where = f"/standards/{g.adp_code}/{g.standard}" if g else "/standards"
        change = decision == "change" and new_grade
        grade_name, provisional = [*new_grade.split(":"), "no"][:2] if change else (None, None)
        try:
            workflow.moderate(
                db,
                user,
                grade_id,
                version,
                data.geo,
                grade_name or None,
                (provisional == "yes") if change else None,
                reason,
            )
        except (MethodInputError, StaleEditError) as exc:
            db.rollback()
            page = {"title": "Not saved", "message": str(exc)}
            return personal_page(
                request, "portal_message.html", page, section="/standards", status=400
            )
    return RedirectResponse(where, status_code=303)


@router.post("/portal/grades/{grade_id}/actions", include_in_schema=False, response_model=None)
def add_improvement_action(
    request: Request,
    grade_id: int,
    title: Annotated[str, Form()],
    owner: Annotated[str, Form()],
    due: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    data: SiteData = request.app.state.data.get()
    with unit(request) as db:
        user, session = signed_in(request, db)
        check_csrf(session, csrf_token)
        try:
            when = dt.date.fromisoformat(due)
        except ValueError as exc:
            raise MethodInputError("the due date must be a date such as 2025-03-31") from exc
        a = workflow.add_action(db, user, grade_id, title, owner, when, data.geo)
        g = db.get(StandardGrade, a.grade_id)
        assert g is not None
        where = f"/standards/{g.adp_code}/{g.standard}"
    return RedirectResponse(where, status_code=303)


@router.get(
    "/standards.csv",
    tags=["downloads"],
    responses={200: {"description": "The grades as CSV", "content": {"text/csv": {}}}},
    summary="The ADP × standard grades of a year, as CSV (moderated only in public)",
)
def standards_csv(request: Request, year: int | None = None) -> Response:
    import csv
    import io

    data: SiteData = request.app.state.data.get()
    with unit(request) as db:
        user, _ = viewer(request, db)
        page = standard_views.matrix(data, db, user, year)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "year",
            "adp_code",
            "adp_name",
            "standard",
            "grade",
            "provisional",
            "label",
            "moderated",
            "rule_set",
            "synthetic",
        ]
    )
    for row in page["rows"]:
        for n, c in enumerate(row["cells"], start=1):
            if c:
                writer.writerow(
                    [
                        page["year"],
                        row["code"],
                        row["name"],
                        n,
                        c["grade"],
                        c["provisional"],
                        c["label"],
                        c["moderated"],
                        c["rule_set"],
                        c["synthetic"],
                    ]
                )
    name = f"mat-standards-{page['year'] or 'none'}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
