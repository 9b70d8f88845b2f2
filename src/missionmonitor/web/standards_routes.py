"""MAT standards pages (public: moderated grades only; signed in: what the role allows)
with JSON twins, and the assessor's and moderator's forms."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from missionmonitor.standards import workflow
from missionmonitor.views import standards as standard_views
from missionmonitor.web.dependencies import Anyone, Checked, Data, SignedIn, on_refusal
from missionmonitor.web.forms import parse_date
from missionmonitor.web.rendering import ERRORS, TWIN, marked, personal_page, twin_response

router = APIRouter(responses=ERRORS)


def _respond(
    request: Request, page: dict[str, Any], template: str, json_url: str, csrf: str | None
) -> Response:
    return personal_page(
        request, template, {**page, "csrf": csrf}, json_url=json_url, section="/standards"
    )


@router.get("/standards", include_in_schema=False)
def standards_page(
    request: Request,
    viewer: Anyone,
    data: Data,
    year: int | None = None,
    compare_to: int | None = None,
) -> Response:
    page = standard_views.matrix(data, viewer.db, viewer.user, year, compare_to)
    return _respond(request, page, "standards.html", _matrix_twin(year, compare_to), viewer.csrf)


@router.get(
    "/standards.json",
    tags=["pages"],
    responses=TWIN,
    summary="MAT standards: ADP × standard grades, national summary, comparison",
)
def standards_json(
    request: Request,
    viewer: Anyone,
    data: Data,
    year: int | None = None,
    compare_to: int | None = None,
) -> Response:
    page = standard_views.matrix(data, viewer.db, viewer.user, year, compare_to)
    return twin_response(marked(request, page), cache=False)


def _matrix_twin(year: int | None, compare_to: int | None) -> str:
    query = "&".join(
        f"{k}={v}" for k, v in (("year", year), ("compare_to", compare_to)) if v is not None
    )
    return "/standards.json" + (f"?{query}" if query else "")


@router.get(
    "/standards/{adp}/{number}.json",
    tags=["pages"],
    responses=TWIN,
    summary="One ADP's grades, evidence (signed in) and actions for one standard",
)
def adp_standard_json(
    request: Request, adp: str, number: int, viewer: Anyone, data: Data
) -> Response:
    page = standard_views.adp_standard(data, viewer.db, viewer.user, adp, number)
    return twin_response(marked(request, page), cache=False)


@router.get("/standards/{adp}/{number}", include_in_schema=False)
def adp_standard_page(
    request: Request, adp: str, number: int, viewer: Anyone, data: Data
) -> Response:
    page = standard_views.adp_standard(data, viewer.db, viewer.user, adp, number)
    return _respond(request, page, "standard.html", f"/standards/{adp}/{number}.json", viewer.csrf)


@router.post("/portal/grades", include_in_schema=False, response_model=None)
def propose_grade(
    visitor: Checked,
    data: Data,
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
) -> Response:
    workflow.propose(
        visitor.db,
        visitor.user,
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


def _not_saved(request: Request, _visitor: SignedIn, exc: Exception, status: int) -> Response:
    page = {"title": "Not saved", "message": str(exc)}
    return personal_page(request, "portal_message.html", page, section="/standards", status=status)


@router.post("/portal/grades/{grade_id}/moderate", include_in_schema=False, response_model=None)
def moderate_grade(
    request: Request,
    grade_id: int,
    visitor: Checked,
    data: Data,
    version: Annotated[int, Form()],
    decision: Annotated[str, Form()] = "confirm",
    new_grade: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    on_refusal(request, lambda visitor, exc, status: _not_saved(request, visitor, exc, status))
    change = decision == "change" and new_grade
    grade_name, provisional = [*new_grade.split(":"), "no"][:2] if change else (None, None)
    g = workflow.moderate(
        visitor.db,
        visitor.user,
        grade_id,
        version,
        data.geo,
        grade_name or None,
        (provisional == "yes") if change else None,
        reason,
    )
    return RedirectResponse(f"/standards/{g.adp_code}/{g.standard}", status_code=303)


@router.post("/portal/grades/{grade_id}/actions", include_in_schema=False, response_model=None)
def add_improvement_action(
    grade_id: int,
    visitor: Checked,
    data: Data,
    title: Annotated[str, Form()],
    owner: Annotated[str, Form()],
    due: Annotated[str, Form()],
) -> Response:
    when = parse_date(due, "the due date")
    a = workflow.add_action(visitor.db, visitor.user, grade_id, title, owner, when, data.geo)
    return RedirectResponse(f"/standards/{a.adp_code}/{a.grade.standard}", status_code=303)


@router.get(
    "/standards.csv",
    tags=["downloads"],
    responses={200: {"description": "The grades as CSV", "content": {"text/csv": {}}}},
    summary="The ADP × standard grades of a year, as CSV (moderated only in public)",
)
def standards_csv(viewer: Anyone, data: Data, year: int | None = None) -> Response:
    import csv
    import io

    page = standard_views.matrix(data, viewer.db, viewer.user, year)
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
