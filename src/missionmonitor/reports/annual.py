"""The annual monitoring report: national progress per outcome, with the targets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from missionmonitor.errors import NotFoundError
from missionmonitor.periods import parse_period
from missionmonitor.refdata.geography import national_code
from missionmonitor.reports.facts import Facts
from missionmonitor.reports.sections import (
    balancing_paragraphs,
    indicator_block,
    not_yet_available,
    report_frame,
)
from missionmonitor.services.site_data import SiteData
from missionmonitor.views.scorecard import scorecard, tally

#: Indicators whose sentences open the annual report.
SUMMARY = ("drd_deaths", "ost_people", "rr_placements", "mat_standards_implemented_pct")


def annual(data: SiteData, period: str) -> dict[str, Any]:
    """The annual monitoring report for a financial year such as ``2023/24``."""
    p = parse_period(period)
    if p.type != "financial_year":
        raise NotFoundError(
            f"an annual report is for a financial year such as 2023/24, not {period!r}"
        )
    facts = Facts()
    sections: list[dict[str, Any]] = []
    blocks: list[dict[str, Any]] = []
    for o in data.outcomes.values():
        inds = [i for i in data.catalogue.values() if i.outcome == o.id]
        items = [
            b
            for i in inds
            if (b := indicator_block(data, i, national_code(), p.end, period, facts))
        ]
        blocks += items
        heading = f"Outcome {o.id}: {o.title}" if o.id.isdigit() else o.title
        if items or o.id.isdigit():
            sections.append(
                {
                    "id": f"outcome-{o.id}",
                    "title": heading,
                    "blocks": items,
                    "empty": None
                    if items
                    else "No indicator for this outcome is held "
                    "yet; it will be reported once its data are collected.",
                }
            )
    by_id = {b["id"]: b for b in blocks}
    sections.insert(
        0,
        {
            "id": "summary",
            "title": "Summary",
            "blocks": [],
            "paragraphs": [by_id[k]["sentence"] for k in SUMMARY if k in by_id],
        },
    )
    sections.append(_success_section(data, p.end))
    sections.append(_surveillance_section(data, p.end, facts))
    sections.append(_targets_section(data, by_id, facts))
    return report_frame(
        f"National Mission on Drugs: annual monitoring report {period}",
        f"Scotland, financial year {period} (1 April {p.start.year} to 31 March "
        f"{p.end.year}). Generated from the data held.",
        sections,
        blocks,
        data,
        facts,
        not_yet_available(data),
    )


def _success_section(data: SiteData, end: dt.date) -> dict[str, Any]:
    """Each outcome's scorecard, judged on the figures for periods ending by the year end:
    how many indicators are on track, off track, without a target or without enough data,
    and the rule for each that has a target or standard."""
    paragraphs = []
    for o in data.outcomes.values():
        rows = scorecard(data, [i for i in data.catalogue.values() if i.informs(o.id)], end)
        if not rows:
            continue
        heading = f"Outcome {o.id}: {o.title}" if o.id.isdigit() else o.title
        paragraphs.append(f"{heading}: {tally(rows)}.")
        paragraphs += [f"{r['title']}: {r['verdict']}. {r['rule']}" for r in rows
                       if r["verdict"] in ("on track", "off track")]  # fmt: skip
    return {"id": "success", "title": "What success looks like", "blocks": [],
            "paragraphs": paragraphs}  # fmt: skip


def _surveillance_section(data: SiteData, end: dt.date, facts: Facts) -> dict[str, Any]:
    """Treatment coverage from the latest prevalence estimate by the year end (its two
    published inputs recorded as facts), and what the latest early-warning scans found."""
    from missionmonitor.formatting import display_value
    from missionmonitor.surveillance.coverage import DENOMINATOR, NUMERATOR, ost_coverage

    nation = national_code()
    paragraphs = []
    held = [c for c in ost_coverage(data.results, nation)
            if parse_period(c["period"]).end <= end]  # fmt: skip
    if held:
        c = held[-1]
        people = facts.note(NUMERATOR, nation, c["period"], "value", c["people_in_ost"],
                            display_value(c["people_in_ost"], 0))  # fmt: skip
        estimate = facts.note(DENOMINATOR, nation, c["period"], "value", c["estimate"],
                              display_value(c["estimate"], 0))  # fmt: skip
        paragraphs.append(
            f"Treatment coverage, {c['period']}: {people} people were prescribed opioid "
            f"substitution therapy, {display_value(c['value'], 1)}% of the estimated "
            f"{estimate} people with opioid dependence ({display_value(c['lower'], 1)}% to "
            f"{display_value(c['upper'], 1)}% across the estimate's 95% credible interval)."
        )
    else:
        paragraphs.append(
            "No year by the end of this one has both a count of people in "
            "opioid substitution therapy and a prevalence estimate."
        )
    for scan in data.scans.to_dict("records"):
        label = " (SYNTHETIC)" if scan["synthetic"] else ""
        paragraphs.append(f"Early warning: the latest scan of {scan['series_id']}{label} "
                          f"found {int(scan['alerts'])} alert(s).")  # fmt: skip
    return {"id": "surveillance", "title": "Surveillance", "blocks": [],
            "paragraphs": paragraphs}  # fmt: skip


def _targets_section(
    data: SiteData, by_id: dict[str, dict[str, Any]], facts: Facts
) -> dict[str, Any]:
    from missionmonitor.targets.status import all_targets

    paragraphs = []
    for t in all_targets(data.results):
        block = by_id.get(t["indicator"])
        if block is None or t["latest"] is None or block["row"]["value"] is None:
            continue
        row = block["row"]
        shown_target = facts.note(t["indicator"], national_code(), row["period"], "target",
                                  t["value"], f"{t['value']:,.0f}")  # fmt: skip
        paragraphs.append(
            f"{t['title']} (version {t['version']}): {t['statement']} Source: {t['source']}. "
            f"The latest figure, {facts.show(row, 'value', 0)} in {row['period']}, is "
            f"{t['latest']['share_of_target']:.0f}% of {shown_target}: "
            f"{t['progress']['status']}. {t['progress']['rule']}"
        )
        paragraphs.extend(balancing_paragraphs(data, t["balancing"], t["balancing_note"],
                                                national_code(), facts))  # fmt: skip
    return {
        "id": "targets",
        "title": "Targets and balancing indicators",
        "blocks": [],
        "paragraphs": paragraphs,
    }
