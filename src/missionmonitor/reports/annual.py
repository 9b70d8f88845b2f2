"""The annual monitoring report: national progress per outcome, with the targets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from missionmonitor import config
from missionmonitor.errors import NotFoundError
from missionmonitor.periods import parse_period
from missionmonitor.refdata.geography import national_code, national_name
from missionmonitor.reports.facts import Facts
from missionmonitor.reports.sections import (
    balancing_paragraphs,
    indicator_block,
    not_yet_available,
    report_frame,
)
from missionmonitor.services.site_data import SiteData
from missionmonitor.views.common import latest_shown
from missionmonitor.views.scorecard import scorecard, tally


def summary_ids(configuration: config.Configuration) -> tuple[str, ...]:
    """The indicators whose sentences open the annual report (configuration.yaml's
    ``annual_report`` section; none when it has none)."""
    spec = configuration.annual_report
    return spec.summary if spec else ()


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
            if (
                b := indicator_block(
                    data, i, national_code(data.configuration), p.end, period, facts
                )
            )
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
            "paragraphs": [
                by_id[k]["sentence"] for k in summary_ids(data.configuration) if k in by_id
            ],
        },
    )
    sections.append(_success_section(data, p.end))
    sections.append(_surveillance_section(data, p.end, facts))
    sections.append(_accountability_section(data, p.end, facts))
    sections.append(_targets_section(data, by_id, facts, p.end))
    return report_frame(
        f"National Mission on Drugs: annual monitoring report {period}",
        f"{national_name(data.configuration)}, financial year {period} "
        f"(1 April {p.start.year} to 31 March {p.end.year}). Generated from the data held.",
        sections,
        blocks,
        data,
        facts,
        not_yet_available(data),
    )


def _success_section(data: SiteData, end: dt.date) -> dict[str, Any]:
    """Each outcome's scorecard, judged on the figures for periods ending by the year end:
    how many indicators have each verdict, and the rule and figures behind each verdict
    that judges (every one but "for context" and "not enough data")."""
    paragraphs = []
    for o in data.outcomes.values():
        rows = scorecard(data, [i for i in data.catalogue.values() if i.informs(o.id)], end)
        if not rows:
            continue
        heading = f"Outcome {o.id}: {o.title}" if o.id.isdigit() else o.title
        paragraphs.append(f"{heading}: {tally(rows)}.")
        paragraphs += [
            f"{r['title']}: {r['verdict']}. {r['rule']}"
            for r in rows
            if r["verdict"] not in ("for context", "not enough data")
        ]
    return {
        "id": "success",
        "title": "What success looks like",
        "blocks": [],
        "paragraphs": paragraphs,
    }


def _surveillance_section(data: SiteData, end: dt.date, facts: Facts) -> dict[str, Any]:
    """Treatment coverage from the latest prevalence estimate by the year end (its two
    published inputs recorded as facts), and what the latest early-warning scans found."""
    from missionmonitor.config import surveillance
    from missionmonitor.formatting import display_value
    from missionmonitor.surveillance.coverage import ost_coverage

    nation, spec = national_code(data.configuration), surveillance(data.configuration)
    paragraphs = []
    held = [
        c
        for c in ost_coverage(data.configuration, data.results, nation)
        if parse_period(c["period"]).end <= end
    ]
    if held:
        c = held[-1]
        people = facts.note(
            spec.treated or "",
            nation,
            c["period"],
            "value",
            c["people_in_ost"],
            display_value(c["people_in_ost"], 0),
        )
        estimate = facts.note(
            spec.coverage_of or "",
            nation,
            c["period"],
            "value",
            c["estimate"],
            display_value(c["estimate"], 0),
        )
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
        paragraphs.append(
            f"Early warning: the latest scan of {scan['series_id']}{label} "
            f"found {int(scan['alerts'])} alert(s)."
        )
    return {"id": "surveillance", "title": "Surveillance", "blocks": [], "paragraphs": paragraphs}


def _accountability_section(data: SiteData, end: dt.date, facts: Facts) -> dict[str, Any]:
    """Funding and spend (as context, not attribution), with each ADP's figures beside an
    outcome indicator; residential rehabilitation beds against the declared commitment and
    what happens after placements. Figures are the latest for periods ending by the year end."""
    from missionmonitor.views import accountability as acc

    nation = national_code(data.configuration)
    paragraphs = [acc.NOT_ATTRIBUTION]
    cat, spec = data.catalogue, acc.section(data.configuration)

    def latest(indicator_id: str) -> dict[str, Any] | None:
        if indicator_id not in cat:
            return None
        return latest_shown(data, cat[indicator_id], nation, end)

    said = []
    for i in (*spec.funding, *spec.priorities):
        row = latest(i)
        if row is not None and not row["suppressed"] and row["value"] is not None:
            mark = " (SYNTHETIC)" if row["status"] == "SYNTHETIC" else ""
            value = facts.show(row, "value", cat[i].decimals)
            said.append(f"{cat[i].title}, {row['period']}: {value} {cat[i].unit}{mark}.")
    paragraphs += said or [
        "No financial year by the end of this one has an approved funding "
        f"return from every ADP, so {national_name(data.configuration)}'s spend is not shown."
    ]
    beds = latest(spec.beds) if spec.beds else None
    target = acc.beds_commitment(data.configuration)
    # A commitment, not a figure of the data: shown as declared.
    commitment = f"{target.value:,.0f}" if target else None
    if commitment is None:
        paragraphs.append("No commitment on residential rehabilitation beds is configured.")
    elif beds is not None and beds["value"] is not None:
        shown = facts.show(beds, "value", 0)
        mark = " (SYNTHETIC)" if beds["status"] == "SYNTHETIC" else ""
        paragraphs.append(
            f"Residential rehabilitation beds, {beds['period']}: {shown}, "
            f"against the commitment of {commitment}{mark}."
        )
    else:
        paragraphs.append(
            "No complete census of residential rehabilitation beds is held, so "
            f"beds are not set against the commitment of {commitment}."
        )
    for i in spec.after_placements:
        row = latest(i)
        if row is not None and not row["suppressed"] and row["value"] is not None:
            paragraphs.append(
                f"{cat[i].title}, {row['period']}: "
                f"{facts.show(row, 'value', cat[i].decimals)}% "
                f"(95% interval {facts.show(row, 'lci', 1)}% to "
                f"{facts.show(row, 'uci', 1)}%)."
            )
    table = acc.funding_table(data, end)
    section: dict[str, Any] = {
        "id": "accountability",
        "title": "Funding and rehabilitation",
        "blocks": [],
        "paragraphs": paragraphs,
    }
    if table["held"]:
        section["table"] = {
            "caption": "Each ADP's latest funding figures beside its outcome indicators (each "
            "of its own latest period; context, not attribution)",
            "headers": ["ADP", *[c["title"] for c in table["columns"]]],
            "rows": [
                [r["name"], *[c["display"] or "—" for c in r["cells"]]] for r in table["rows"]
            ],
        }
    return section


def _targets_section(
    data: SiteData, by_id: dict[str, dict[str, Any]], facts: Facts, end: dt.date
) -> dict[str, Any]:
    """Each target as of the year end (its figures and its balancing indicators' for
    periods ending by ``end``), then the targets whose value is not published."""
    from missionmonitor.targets.status import absent_targets, all_targets

    ends = {p: parse_period(str(p)).end for p in data.results["period"].unique()}
    known = data.results[data.results["period"].map(ends) <= end]
    paragraphs = []
    for t in all_targets(data.configuration, known):
        block = by_id.get(t["indicator"])
        if t["latest"] is None:
            paragraphs.append(
                f"{t['title']} (version {t['version']}): {t['statement']} Source: "
                f"{t['source'].strip()}. {t['latest_note']}"
            )
            continue
        if block is None or block["row"]["value"] is None:
            continue
        row = block["row"]
        shown_target = facts.note(
            t["indicator"],
            national_code(data.configuration),
            row["period"],
            "target",
            t["value"],
            f"{t['value']:,.0f}",
        )
        paragraphs.append(
            f"{t['title']} (version {t['version']}): {t['statement']} Source: {t['source']}. "
            f"The latest figure, {facts.show(row, 'value', 0)} in {row['period']}, is "
            f"{t['latest']['share_of_target']:.0f}% of {shown_target}: "
            f"{t['progress']['status']}. {t['progress']['rule']}"
        )
        paragraphs.extend(
            balancing_paragraphs(
                data, t["balancing"], t["balancing_note"], national_code(data.configuration), facts
            )
        )
    paragraphs += [
        f"{a['title']} (version {a['version']}): {a['statement']} Status: {a['status']}; no "
        f"progress is computed. {a['absent']} Searched: {a['searched']}"
        for a in absent_targets(data.configuration)
    ]
    return {
        "id": "targets",
        "title": "Targets and balancing indicators",
        "blocks": [],
        "paragraphs": paragraphs,
    }
