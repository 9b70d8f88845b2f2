"""MAT standards pages: the ADP × standard matrix for a year (text labels, readable without
colour), the national summary beside the published figures, year-on-year comparison within
one criteria version, and an ADP's page for one standard."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from missionmonitor.errors import CriteriaVersionError, MissionMonitorError, NotFoundError
from missionmonitor.periods import parse_period
from missionmonitor.portal.models import StandardGrade, User
from missionmonitor.portal.permissions import can
from missionmonitor.refdata.geography import reporting_type
from missionmonitor.services.site_data import SiteData
from missionmonitor.standards import workflow
from missionmonitor.standards.grading import (
    comparable,
    load_rule_sets,
    load_standards,
    national_summary,
    published_shares,
)
from missionmonitor.views import standards_published
from missionmonitor.views.common import page_model


def cell(g: StandardGrade) -> dict[str, Any]:
    final = g.status == "moderated"
    name = g.grade if final else g.proposed_grade
    provisional = g.provisional if final else g.proposed_provisional
    text = workflow.label(name, provisional) + ("" if final else " (draft)")
    return {
        "grade": name,
        "provisional": bool(provisional),
        "label": text,
        "moderated": final,
        "rule_set": g.rule_set,
        "synthetic": g.synthetic,
        "id": g.id,
        "version": g.version,
    }


MEASURE_LABELS = {
    "mat1to5_fully_implemented": "Standards 1–5 fully implemented",
    "mat1to5_partially_implemented": "Standards 1–5 partially implemented",
    "mat1to5_not_implemented": "Standards 1–5 not implemented",
    "mat1to5_fully_implemented_pct": "Standards 1–5 fully implemented (%)",
    "mat6to10_fully_implemented_pct": "Standards 6–10 fully implemented (%)",
    "mat6to10_provisional_green_pct": "Standards 6–10 provisional green (%)",
    "mat1_not_implemented_pct": "Standard 1 not implemented, red (% of areas)",
    "mat6to10_partially_implemented_pct": "Standards 6–10 partially implemented, amber (%)",
    "mat6to10_not_implemented_pct": "Standards 6–10 not implemented, red (%)",
}


def _published(data: SiteData) -> list[dict[str, Any]]:
    """Every national MAT result held, as published, with its source."""
    rows = data.mat_published
    columns = (rows["measure"], rows["period"], rows["value"], rows["unit"], rows["vintage"])
    return [
        {
            "period": str(p),
            "measure": MEASURE_LABELS.get(str(m), str(m)),
            "value": float(v),
            "unit": str(u),
            "source": str(s),
        }
        for m, p, v, u, s in zip(*columns, strict=True)
        if pd.notna(v)
    ]


def matrix(
    data: SiteData, db: Session, user: User | None, year: int | None, compare_to: int | None = None
) -> dict[str, Any]:
    geo = data.geo
    for asked in (year, compare_to):
        if asked is not None:
            try:
                load_standards(data.configuration).version_for(asked)
            except MissionMonitorError as exc:  # no criteria cover that year
                raise NotFoundError(f"there is no MAT standards assessment for {asked}") from exc
    all_visible = workflow.visible(db, user, None, geo, generated=data.demonstration)
    years = sorted({g.year for g in all_visible}, reverse=True)
    year = year or (years[0] if years else None)
    shown = [g for g in all_visible if g.year == year]
    cells: dict[tuple[str, int], dict[str, Any]] = {
        (g.adp_code, g.standard): cell(g) for g in shown
    }
    rows = []
    for adp in geo.of_type(reporting_type(data.configuration)):
        row = [cells.get((adp.code, n)) for n in load_standards(data.configuration).numbers]
        if any(row):
            rows.append({"code": adp.code, "name": adp.name, "cells": row})
    moderated = workflow.assessments(shown)
    comparison: dict[str, Any] | None = None
    if compare_to is not None and year is not None:
        try:
            version = comparable(data.configuration, compare_to, year)
            before = {
                (g.adp_code, g.standard): cell(g)
                for g in all_visible
                if g.year == compare_to and g.status == "moderated"
            }
            changes = [
                {
                    "adp": geo.area(a).name,
                    "standard": n,
                    "from": before[(a, n)]["label"],
                    "to": c["label"],
                }
                for (a, n), c in sorted(cells.items())
                if (a, n) in before and c["moderated"] and before[(a, n)]["label"] != c["label"]
            ]
            comparison = {
                "year": compare_to,
                "refused": None,
                "criteria_version": version.version,
                "changes": changes,
            }
        except (CriteriaVersionError, MissionMonitorError) as exc:
            comparison = {"year": compare_to, "refused": str(exc), "changes": []}
    standards = [
        {"number": s.number, "name": s.name} for s in load_standards(data.configuration).standards
    ]
    return page_model(
        data.configuration,
        "MAT standards",
        year=year,
        years=years,
        standards=standards,
        rows=rows,
        summary=national_summary(data.configuration, moderated) if moderated else [],
        synthetic=any(c["synthetic"] for c in cells.values()),
        drafts_shown=any(not c["moderated"] for c in cells.values()),
        published=_published(data),
        published_counts=_published_counts(data),
        comparison=comparison,
        criteria_version=load_standards(data.configuration).version_for(year).version
        if year
        else None,
        definitions=standards_published.definitions(data),
        published_grades=standards_published.published_grades(data),
        quarters=standards_published.national_quarters(data, db),
    )


def _published_counts(data: SiteData) -> dict[str, Any] | None:
    """The earliest assessment published as counts (2022: fully, partially and not
    implemented), with the shares recomputed from them."""
    rows = data.mat_published
    counts: dict[str, dict[str, float]] = {}
    for m, p, v in zip(rows["measure"], rows["period"], rows["value"], strict=True):
        kind = {
            "mat1to5_fully_implemented": "fully",
            "mat1to5_partially_implemented": "partially",
            "mat1to5_not_implemented": "not",
        }.get(str(m))
        if kind and pd.notna(v):
            counts.setdefault(str(p), {})[kind] = float(v)
    complete = {p: c for p, c in counts.items() if len(c) == 3}
    if not complete:
        return None
    period = min(complete, key=lambda p: parse_period(p).start)
    c = complete[period]
    shares = published_shares(int(c["fully"]), int(c["partially"]), int(c["not"]))
    return {
        "period": period,
        "counts": {k: int(v) for k, v in c.items()},
        "total": int(sum(c.values())),
        "shares": shares,
    }


def adp_standard(
    data: SiteData, db: Session, user: User | None, adp: str, number: int
) -> dict[str, Any]:
    standard = next(
        (s for s in load_standards(data.configuration).standards if s.number == number), None
    )
    if standard is None:
        raise NotFoundError(f"there is no standard {number}")
    geo = data.geo
    area = geo.area(geo.resolve(adp))
    rows = workflow.history(db, user, area.code, number, geo, generated=data.demonstration)
    history = []
    for g in rows:
        item = {
            "year": g.year,
            "criteria_version": g.criteria_version,
            **cell(g),
            "status": g.status,
            "rationale": g.rationale,
            "moderation_reason": g.moderation_reason,
            "may_moderate": workflow.may_moderate(user, g, geo),
        }
        if can(user, "view_draft_grades", area.code, geo):
            item["evidence"] = json.loads(g.evidence)
            item["evidence_refs"] = json.loads(g.evidence_refs)
        history.append(item)
    latest_version = load_standards(data.configuration).criteria_versions[-1].version
    actions = workflow.actions_for(db, area.code)
    evidence_files: list[dict[str, Any]] = []
    if can(user, "view_returns", area.code, geo):
        from missionmonitor.returns import workflow as submissions

        for sub in submissions.history_all(db, "mat_evidence", area.code):
            for f in submissions.attachments(db, sub.id):
                if f.question.startswith(f"s{number}_"):
                    evidence_files.append(
                        {
                            "id": f.id,
                            "filename": f.filename,
                            "question": f.question,
                            "period": sub.period,
                            "sha256": f.sha256,
                        }
                    )
    grade_ids = {g.id for g in rows}
    return page_model(
        data.configuration,
        f"{area.name}: standard {number}, {standard.name}",
        adp={"code": area.code, "name": area.name},
        standard={
            "number": number,
            "name": standard.name,
            "statement": standard.statement,
            "source": standard.source,
            "citation": load_standards(data.configuration).citation,
            "statement_source": standard.statement_source,
            "criteria": [
                {"stream": c.stream, "text": c.text, "source": c.source, "held": c.held}
                for c in standard.criteria_for(latest_version)
            ],
        },
        definitions=standards_published.definitions(data),
        published=standards_published.standard_published(data, number, area.code),
        history=history,
        actions=[a for a in actions if a["grade_id"] in grade_ids],
        evidence_files=evidence_files,
        may_act=can(user, "manage_improvement_actions", area.code, geo),
        may_propose=can(user, "propose_grades", area.code, geo),
        rule_sets=[
            {"id": rs.id, "name": rs.name} for rs in load_rule_sets(data.configuration).rule_sets
        ],
        year=dt.date.today().year,
        **accountability_panels(data, db, user, area.code, number),
    )


def accountability_panels(
    data: SiteData, db: Session, user: User | None, adp: str, number: int
) -> dict[str, Any]:
    """Beside a standard's grades: lived and living experience feedback on it over the last
    four quarters, this one included (shares with small counts hidden, for everyone), and
    for those who may see the ADP's returns the quarterly trajectory between benchmarkings."""
    from missionmonitor.accountability import feedback
    from missionmonitor.periods import quarter_of, recent_periods
    from missionmonitor.returns import mat_quarterly
    from missionmonitor.returns.forms import public_form
    from missionmonitor.standards import mat_progress

    form = public_form(data.configuration)
    today = dt.date.today()
    quarters = [quarter_of(today).label, *recent_periods("quarter", today, 3)]
    shares = feedback.experiential(db, form, adp, quarters, generated=data.demonstration)
    trajectory = None
    if can(user, "view_returns", adp, data.geo):
        trajectory = mat_progress.trajectory(
            db,
            user,
            adp,
            number,
            data.geo,
            mat_quarterly.quarter_points(data.configuration, db, adp, number),
            generated=data.demonstration,
        )
    return {
        "experience": next(r for r in shares if r["standard"] == number),
        "experience_quarters": quarters,
        "trajectory": trajectory,
    }


def area_panel(data: SiteData, db: Session, user: User | None, code: str) -> dict[str, Any] | None:
    """For an ADP's profile: its latest grades per standard and its improvement actions,
    overdue ones flagged (the public sees those of moderated grades only); None for an area
    that is not an ADP."""
    if data.geo.codes().get(data.geo.resolve(code)) != reporting_type(data.configuration):
        return None
    shown = [
        g
        for g in workflow.visible(db, user, None, data.geo, generated=data.demonstration)
        if g.adp_code == code
    ]
    if not shown:
        return {"year": None, "grades": [], "actions": []}
    year = max(g.year for g in shown)
    latest = {g.standard: g for g in shown if g.year == year}
    ids = {g.id for g in shown}
    actions = [a for a in workflow.actions_for(db, code) if a["grade_id"] in ids]
    grades = []
    for n in load_standards(data.configuration).numbers:
        g = latest.get(n)
        label = cell(g)["label"] if g else "Not graded"
        grades.append({"standard": n, "label": label, "synthetic": bool(g and g.synthetic)})
    return {"year": year, "grades": grades, "actions": actions}
