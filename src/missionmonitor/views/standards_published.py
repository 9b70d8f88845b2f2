"""The MAT standards as published, for the standards pages: the grade definitions with
their sources (and which are this configuration's own), the per-ADP grades held from
publications year by year (held, partly held, not held, each grade with its source), the
national summaries rebuilt where a year is fully held, and the national view of the
quarterly self-assessments across ADPs (disclosure-controlled)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from missionmonitor.methods.disclosure import suppress_groups
from missionmonitor.refdata.geography import reporting_type
from missionmonitor.services.site_data import SiteData
from missionmonitor.standards import mat_progress
from missionmonitor.standards.grading import load_rule_sets, load_standards
from missionmonitor.standards.published_grades import (
    against_published,
    complete_years,
    coverage,
    load_benchmarking,
    load_published_grades,
    rebuild_summary,
)


def definitions(data: SiteData) -> dict[str, Any]:
    """The RAGB scale and each rule set's provisional grades, each worded as published with
    its source, or marked as this configuration's own rule where no publisher defines it."""
    sets = load_rule_sets(data.configuration)
    return {
        "scale": [{"grade": g, "meaning": m} for g, m in sets.scale.items()],
        "scale_source": sets.scale_source,
        "rule_sets": [
            {
                "id": rs.id,
                "name": rs.name,
                "provisional_green": rs.provisional_green,
                "provisional_green_source": rs.provisional_green_source,
                "provisional_amber": rs.provisional_amber,
                "provisional_amber_source": rs.provisional_amber_source,
                "provisional_amber_own": rs.provisional_amber_own,
            }
            for rs in sets.rule_sets
        ],
    }


def _grade_row(g: Any, labels: dict[int, str]) -> dict[str, Any]:
    return {
        "year": g.year,
        "label": labels.get(g.year, str(g.year)),
        "adp_code": g.adp_code,
        "adp": g.adp_name,
        "standard": g.standard,
        "grade": g.grade,
        "provisional": g.provisional,
        "as_stated": g.as_stated,
        "quote": g.quote,
        "source": g.source,
        "url": g.url,
        "provenance": g.provenance,
    }


def published_grades(data: SiteData) -> dict[str, Any]:
    """Which benchmarking years' per-ADP grades are held; every grade held with its source;
    and, for each year fully held, the national summary rebuilt and set against the
    published figures (where no year is, the published summaries stand as published)."""
    configuration = data.configuration
    grades = load_published_grades(configuration)
    labels = {y.year: y.label for y in load_benchmarking(configuration).years}
    complete = sorted(complete_years(configuration, grades), reverse=True)
    rebuilt = []
    for year in complete:
        period = next(y.period for y in load_benchmarking(configuration).years if y.year == year)
        rows = data.mat_published[data.mat_published["period"] == period]
        published = {str(m): float(v) for m, v in zip(rows["measure"], rows["value"], strict=True)}
        mine = [g for g in grades if g.year == year]
        rebuilt.append(
            {
                "year": year,
                "label": labels[year],
                "checks": against_published(
                    configuration, rebuild_summary(configuration, mine), published
                ),
            }
        )
    return {
        "coverage": coverage(configuration, grades),
        "grades": [
            _grade_row(g, labels) for g in sorted(grades, key=lambda g: (-g.year, g.adp_name))
        ],
        "quotes": _quotes(grades, labels),
        "complete_years": [labels[y] for y in complete],
        "rebuilt": rebuilt,
        "adps_assessed": load_benchmarking(configuration).adps_assessed,
    }


def _quotes(grades: list[Any], labels: dict[int, str]) -> list[dict[str, Any]]:
    """Each passage quoted, once, with the area, year and standards it is held for."""
    out: dict[tuple[str, int, str, str], dict[str, Any]] = {}
    for g in sorted(grades, key=lambda g: (-g.year, g.adp_name, g.standard)):
        key = (g.adp_code, g.year, g.quote, g.url)
        item = out.setdefault(
            key,
            {
                "adp": g.adp_name,
                "label": labels.get(g.year, str(g.year)),
                "standards": [],
                "quote": g.quote,
                "source": g.source,
                "url": g.url,
            },
        )
        item["standards"].append(g.standard)
    return list(out.values())


def standard_published(data: SiteData, number: int, adp: str) -> dict[str, Any]:
    """For one standard: per benchmarking year whether its per-ADP grades are held, and
    the grades held for ``adp`` with their sources."""
    grades = load_published_grades(data.configuration)
    labels = {y.year: y.label for y in load_benchmarking(data.configuration).years}
    return {
        "coverage": coverage(data.configuration, grades, number),
        "grades": [
            _grade_row(g, labels)
            for g in sorted(grades, key=lambda g: -g.year)
            if g.standard == number and g.adp_code == adp
        ],
    }


def national_quarters(data: SiteData, db: Session) -> dict[str, Any]:
    """Per standard and quarter, how many ADPs' approved quarterly returns graded it red,
    amber or green: an ADP count from 1 to the form's threshold is hidden, with whatever
    would let it be worked out from the total (as the other returns pages do)."""
    from missionmonitor.returns import mat_quarterly
    from missionmonitor.returns.forms import get_form, load_forms

    configuration = data.configuration
    if not any(i == mat_quarterly.FORM for i, _ in load_forms(configuration)):
        return {"rows": [], "threshold": None, "synthetic": False}  # no such return here
    numbers = load_standards(configuration).numbers
    points: dict[str, list[dict[str, Any]]] = {}
    for area in data.geo.of_type(reporting_type(configuration)):
        for s in mat_quarterly.approved_quarters(db, area.code).values():
            points.setdefault(area.code, []).extend(
                {**mat_quarterly.quarter_point(configuration, s, n), "standard": n} for n in numbers
            )
    threshold = get_form(configuration, mat_quarterly.FORM).disclosure.threshold
    rows = []
    for r in mat_progress.national_quarters(points, numbers):
        keys = list(r["counts"])
        values = [r["adps"], *(r["counts"][k] for k in keys)]
        hidden = suppress_groups(values, [(0, tuple(range(1, len(values))))], threshold=threshold)
        rows.append(
            {
                "standard": r["standard"],
                "period": r["period"],
                "adps": None if hidden[0] else r["adps"],
                "counts": {
                    k: None if hidden[i + 1] else r["counts"][k] for i, k in enumerate(keys)
                },
            }
        )
    return {
        "rows": rows,
        "threshold": threshold,
        "synthetic": data.demonstration and bool(rows),
    }
