"""The MAT standards benchmarking report."""

from __future__ import annotations

from typing import Any

from missionmonitor.errors import NotFoundError
from missionmonitor.periods import parse_period
from missionmonitor.refdata.geography import national_code, national_name
from missionmonitor.reports.facts import Facts
from missionmonitor.reports.sections import NOT_YET, indicator_block, report_frame, results_for
from missionmonitor.services.site_data import SiteData


def mat(data: SiteData, year: int) -> dict[str, Any]:
    """The MAT standards benchmarking report for the assessment of April ``year``."""
    period = f"April {year}"
    spec = data.configuration.mat_report
    if spec is None or spec.indicator not in data.catalogue:
        raise NotFoundError("this configuration has no standards report (no mat_report section)")
    ind = data.catalogue[spec.indicator]
    rows = results_for(data, ind.id, national_code(data.configuration))
    if period not in set(rows["period"]):
        held = ", ".join(rows["period"])
        raise NotFoundError(f"no MAT standards results for {period}; held: {held}")
    facts = Facts()
    block = indicator_block(
        data, ind, national_code(data.configuration), parse_period(period).end, period, facts
    )
    assert block is not None
    paragraphs: list[str] = []
    row = block["row"]
    if row["numerator"] is not None:
        count = facts.show(row, "numerator", 0)
        total = facts.show(row, "denominator", 0)
        paragraphs.append(
            f"{count} of {total} "
            "assessments of standards 1 to 5 (29 ADP areas × 5 standards) were "
            "graded fully implemented."
        )
    sections: list[dict[str, Any]] = [
        {
            "id": "national",
            "title": "National summary",
            "blocks": [block],
            "paragraphs": paragraphs,
        },
        {
            "id": "matrix",
            "title": "ADP × standard grades",
            "blocks": [],
            "paragraphs": [NOT_YET["mat_adp"]],
        },
    ]
    return report_frame(
        f"MAT standards benchmarking report {year}",
        "Implementation of the Medication Assisted Treatment standards in "
        f"{national_name(data.configuration)}, as assessed in {period}. "
        "Generated from the data held.",
        sections,
        [block],
        data,
        facts,
        [NOT_YET["mat_adp"]],
    )
