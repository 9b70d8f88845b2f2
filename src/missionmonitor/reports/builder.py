"""Report contents built from the results table: sections, sentences, charts and notes.

Period rule: a report for ``2023/24`` shows, for each indicator, its latest period that
ends by the end of that year (31 March 2024). A point-in-time assessment dated in the month
after the year ends (e.g. MAT standards, April 2024) describes the year's end position.
Where an indicator's latest period is older than the report year, the report says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from missionmonitor.data import ATTRIBUTION
from missionmonitor.errors import NotFoundError
from missionmonitor.indicators.catalogue import Indicator
from missionmonitor.methods.poisson import count_change_p_value
from missionmonitor.periods import parse_period
from missionmonitor.refdata.geography import SCOTLAND, Area
from missionmonitor.reports.facts import Facts
from missionmonitor.services.site_data import SiteData
from missionmonitor.targets.status import BALANCING_NOT_YET
from missionmonitor.views import charts
from missionmonitor.views.pages import result_row

#: What the platform cannot yet report, said plainly in every report that would show it.
NOT_YET = {
    "balancing": BALANCING_NOT_YET,
    "ost_areas": "People in opioid substitution therapy by Integration Authority or ADP, and "
    "the apportioned local targets, are not yet available.",
    "mat_adp": "MAT standards grades for each ADP and standard are not yet held; only "
    "Scotland-level results are published in the data held.",
    "surveillance": "Early-warning alerts, prevalence estimates and trend (interrupted time "
    "series) analysis are not yet available.",
    "returns": "ADP annual survey returns and quality-of-life measures are not yet collected "
    "through the platform.",
}


#: Indicators whose sentences open the annual report.
SUMMARY = ("drd_deaths", "ost_people", "rr_placements", "mat_standards_implemented_pct")


def _results(data: SiteData, indicator_id: str, area: str) -> pd.DataFrame:
    r = data.results
    return r[(r["indicator_id"] == indicator_id) & (r["area_code"] == area)].sort_values(
        "period_start"
    )


def _pick(rows: pd.DataFrame, end: dt.date) -> pd.Series | None:
    """The latest row whose period ends by ``end`` (point-in-time: dated within a month)."""
    ok = []
    for _, r in rows.iterrows():
        p = parse_period(r["period"])
        limit = end + dt.timedelta(days=31) if p.type == "month" else end
        if p.end <= limit:
            ok.append(r)
    return ok[-1] if ok else None


def _change_sentence(
    ind: Indicator, row: dict[str, Any], prev: pd.Series | None, facts: Facts
) -> str:
    if row["comparable_with_previous"] is False:
        return (
            f" It cannot be compared with the previous period because the definition "
            f"changed ({row['note']})"
        )
    if row["change_vs_previous"] is None or prev is None:
        return ""
    change = row["change_vs_previous"]
    if change == 0:
        return f" This is unchanged from {prev['period']}."
    if ind.method.value_is_count:
        word = "more" if change > 0 else "fewer"
    else:
        word = "higher" if change > 0 else "lower"
    amount = facts.show(row, "change_vs_previous", ind.decimals, absolute=True)
    if ind.unit.startswith("percent"):
        # A change in a percentage is in percentage points; a relative change would mislead.
        text = f" This is {amount} percentage points {word} than in {prev['period']}"
    else:
        relative = facts.show(row, "change_pct_vs_previous", 0, absolute=True, percent=True)
        text = f" This is {amount} ({relative}) {word} than in {prev['period']}"
    if ind.method.kind == "rolling_average":
        text += "; consecutive windows share four years, so no test is made on the change"
    elif ind.method.value_is_count and row["value"] is not None and prev["value"] == prev["value"]:
        p = count_change_p_value(int(row["value"]), int(prev["value"]))
        shown = facts.note(
            ind.id,
            row["area_code"],
            row["period"],
            "p_value",
            p,
            "< 0.001" if p < 0.001 else f"{p:.3f}",
        )
        verdict = (
            "a statistically significant change"
            if p < 0.05
            else ("not a statistically significant change")
        )
        text += f"; {verdict} (exact test for two counts, p {'' if p < 0.001 else '= '}{shown})"
    elif row["lci"] is not None and prev["lci"] == prev["lci"]:
        apart = row["lci"] > prev["uci"] or row["uci"] < prev["lci"]
        text += (
            "; the difference is statistically significant (the 95% intervals do not overlap)"
            if apart
            else "; the 95% intervals overlap, so the difference is not statistically significant"
        )
    else:
        text += "; no interval is available to test the change"
    return text + "."


def indicator_block(
    data: SiteData, ind: Indicator, area: str, end: dt.date, label: str, facts: Facts
) -> dict[str, Any] | None:
    rows = _results(data, ind.id, area)
    picked = _pick(rows, end)
    if picked is None:
        return None
    row = {**result_row(ind, picked, data), "indicator_id": ind.id}
    prev_label = parse_period(row["period"]).previous()
    prev_rows = rows[rows["period"] == prev_label]
    prev = prev_rows.iloc[0] if not prev_rows.empty else None
    name = data.geo.area(area).name
    footnotes = []
    if row["suppressed"]:
        sentence = (
            f"The figure for {name} in {row['period']} is suppressed to protect confidentiality."
        )
    else:
        value = facts.show(row, "value", ind.decimals)
        interval = ""
        if row["lci"] is not None and ind.method.kind == "rolling_average":
            interval = (
                f" (likely range {facts.show(row, 'lci', ind.decimals)} to "
                f"{facts.show(row, 'uci', ind.decimals)})"
            )
        elif row["lci"] is not None:
            interval = (
                f" (95% interval {facts.show(row, 'lci', ind.decimals)} to "
                f"{facts.show(row, 'uci', ind.decimals)})"
            )
        sentence = (
            f"{ind.title} in {name}, {row['period']}: {value} {ind.unit}{interval}."
            + _change_sentence(ind, row, prev, facts)
        )
    if row["status"] == "provisional":
        footnotes.append(f"{ind.title}: provisional figures, which may be revised.")
    if parse_period(row["period"]).end < end - dt.timedelta(days=366):
        footnotes.append(
            f"{ind.title}: {row['period']} is the latest period held, earlier than {label}."
        )
    breaks = [v for v in ind.definition_versions if not v.comparable_with_previous]
    for v in breaks:
        footnotes.append(
            f"{ind.title}: series break at {v.effective_from} — {(v.break_reason or '').strip()}"
        )
    shown = rows[rows["period_start"] <= picked["period_start"]]
    trend = shown[["period", "value", "lci", "uci"]]
    spec = charts.trend_chart(trend, ind.title, ind.unit, [v.effective_from for v in breaks])
    recent = [result_row(ind, r, data) for _, r in shown.tail(5).iterrows()]
    return {
        "id": ind.id,
        "title": ind.title,
        "unit": ind.unit,
        "sentence": sentence,
        "footnotes": footnotes,
        "row": row,
        "recent": recent,
        "vintage": row["vintage"],
        "chart": {
            "id": f"chart-{ind.id}",
            "caption": f"{ind.title}, {name}, by period",
            "summary": sentence,
            "spec": spec,
        },
        "sources": list(ind.sources),
        "interval_label": "Likely range"
        if ind.method.kind == "rolling_average"
        else "95% interval",
    }


def _sources(data: SiteData, blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    used: dict[str, set[str]] = {}
    for b in blocks:
        for s in b["sources"]:
            used.setdefault(s, set()).update(v for v in str(b["vintage"]).split(";") if v)
    return [
        {
            "name": n,
            "title": data.datasets[n].title,
            "publisher": data.datasets[n].publisher,
            "licence": data.datasets[n].licence,
            "vintages": sorted(v),
        }
        for n, v in sorted(used.items())
    ]


def _frame(
    title: str,
    subtitle: str,
    sections: list[dict[str, Any]],
    blocks: list[dict[str, Any]],
    data: SiteData,
    facts: Facts,
    not_yet: list[str],
) -> dict[str, Any]:
    return {
        "title": title,
        "subtitle": subtitle,
        "sections": sections,
        "not_yet": not_yet,
        "sources": _sources(data, blocks),
        "licence": ATTRIBUTION,
        "facts": facts.as_dicts(),
        "method_note": "Figures come from the disclosure-controlled results table: counts from 1 "
        "to 9 are suppressed (c), with secondary suppression, and values derived "
        "from a suppressed count are withheld. Values are rounded half up.",
    }


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
        items = [b for i in inds if (b := indicator_block(data, i, SCOTLAND, p.end, period, facts))]
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
    sections.append(_targets_section(data, by_id, facts))
    return _frame(
        f"National Mission on Drugs: annual monitoring report {period}",
        f"Scotland, financial year {period} (1 April {p.start.year} to 31 March "
        f"{p.end.year}). Generated from the data held.",
        sections,
        blocks,
        data,
        facts,
        list(NOT_YET.values()),
    )


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
        shown_target = facts.note(t["indicator"], SCOTLAND, row["period"], "target", t["value"],
                                  f"{t['value']:,.0f}")  # fmt: skip
        paragraphs.append(
            f"{t['title']} (version {t['version']}): {t['statement']} Source: {t['source']}. "
            f"The latest figure, {facts.show(row, 'value', 0)} in {row['period']}, is "
            f"{t['latest']['share_of_target']:.0f}% of {shown_target}: "
            f"{t['progress']['status']}. {t['progress']['rule']}"
        )
        paragraphs.extend(_balancing_paragraphs(data, t["balancing"], t["balancing_note"],
                                                SCOTLAND, facts))  # fmt: skip
    return {
        "id": "targets",
        "title": "Targets and balancing indicators",
        "blocks": [],
        "paragraphs": paragraphs,
    }


def _result(data: SiteData, ind_id: str, area: str, period: str) -> dict[str, Any]:
    """One published result as a report row (for recording the facts a sentence prints)."""
    r = data.results
    hit = r[(r["indicator_id"] == ind_id) & (r["area_code"] == area) & (r["period"] == period)]
    return {**result_row(data.catalogue[ind_id], hit.iloc[0], data), "indicator_id": ind_id}


def _balancing_paragraphs(data: SiteData, balancing: list[dict[str, Any]], note: str | None,
                          area: str, facts: Facts) -> list[str]:  # fmt: skip
    """Each balancing indicator's latest figure for ``area`` (as recorded facts), then the
    note on what is missing or synthetic."""
    out = []
    for b in balancing:
        if b["latest"] is None:
            continue
        ind = data.catalogue[b["indicator"]]
        row = _result(data, ind.id, area, b["latest"]["period"])
        label = " (SYNTHETIC)" if b["latest"]["status"] == "SYNTHETIC" else ""
        shown = facts.show(row, "value", ind.decimals)
        out.append(f"Balancing indicator, {b['aspect']}: {ind.title}, {shown} {ind.unit} in "
                   f"{row['period']}{label}.")  # fmt: skip
    if note:
        out.append(note)
    return out


def _local_target_section(data: SiteData, area: Area, facts: Facts) -> dict[str, Any] | None:
    """The area's local treatment target beside its balancing indicators, if held."""
    from missionmonitor.targets.definitions import load_targets
    from missionmonitor.targets.status import area_panel

    paragraphs = []
    for t in load_targets():
        panel = area_panel(t, data.results, area.code, area.type)
        if panel is None or panel["local"] is None or t.apportionment is None:
            continue
        local, ind_id = panel["local"], str(t.apportionment.local_indicator)
        base = _result(data, ind_id, area.code, local["baseline_period"])
        target = facts.note(ind_id, area.code, local["baseline_period"], "target",
                            local["target"], f"{local['target']:,}")  # fmt: skip
        shown = facts.show(base, "value", 0)
        text = (f"{t.title}: {area.name}'s baseline is {shown} people in {base['period']} "
                f"and its local target {target} people. {panel['rule']}")  # fmt: skip
        if local["latest"]:
            latest = _result(data, ind_id, area.code, local["latest"]["period"])
            text += (f" The latest figure, {facts.show(latest, 'value', 0)} in "
                     f"{latest['period']}, is {local['progress']['status']}: "
                     f"{local['progress']['rule']}")  # fmt: skip
        if local["status"] == "SYNTHETIC":
            text += " (SYNTHETIC data.)"
        paragraphs.append(text)
        paragraphs += _balancing_paragraphs(data, panel["balancing"], panel["balancing_note"],
                                            area.code, facts)  # fmt: skip
    if not paragraphs:
        return None
    return {"id": "target", "title": "Treatment target", "blocks": [], "paragraphs": paragraphs}


def adp(data: SiteData, code: str, period: str | None = None) -> dict[str, Any]:
    """An ADP profile: its indicators against Scotland, its councils, its board."""
    area = data.geo.area(data.geo.resolve(code))
    if area.type != "adp":
        raise NotFoundError(
            f"{code} is not an ADP code (S11…); see `missionmonitor areas list --type adp`"
        )
    end = parse_period(period).end if period else dt.date.max
    label = period or "the latest period"
    facts = Facts()
    own = [
        b
        for i in data.catalogue.values()
        if (b := indicator_block(data, i, area.code, end, label, facts))
    ]
    councils = data.geo.councils_in(area.code)
    parts = []
    for c in councils:
        items = [
            b
            for i in data.catalogue.values()
            if (b := indicator_block(data, i, c, end, label, facts))
        ]
        parts.append(
            {
                "id": f"council-{c}",
                "title": f"Council area: {data.geo.area(c).name}",
                "blocks": items,
            }
        )
    board = (
        data.geo.parent(area.code, "health_board")
        if any(p.type == "health_board" for p in data.geo.parents(area.code))
        else None
    )
    sections: list[dict[str, Any]] = [
        {
            "id": "adp",
            "title": f"{area.name} ADP",
            "blocks": own,
            "paragraphs": [
                f"{area.name} ADP covers "
                + ", ".join(data.geo.area(c).name for c in councils)
                + "."
            ],
        }
    ]
    local = _local_target_section(data, area, facts)
    if local is not None:
        sections.append(local)
    sections += parts
    if board is not None:
        items = [
            b
            for i in data.catalogue.values()
            if (b := indicator_block(data, i, board.code, end, label, facts))
        ]
        sections.append({"id": "board", "title": f"Health board: {board.name}", "blocks": items})
    blocks = [b for s in sections for b in s["blocks"]]
    not_yet = [
        *([] if local else [NOT_YET["ost_areas"]]),
        NOT_YET["mat_adp"],
        NOT_YET["returns"],
        NOT_YET["surveillance"],
    ]
    subtitle = f"Alcohol and Drug Partnership {area.code}, {label}. Generated from the data held."
    return _frame(f"{area.name}: ADP profile", subtitle, sections, blocks, data, facts, not_yet)


def mat(data: SiteData, year: int) -> dict[str, Any]:
    """The MAT standards benchmarking report for the assessment of April ``year``."""
    period = f"April {year}"
    ind = data.catalogue["mat_standards_implemented_pct"]
    rows = _results(data, ind.id, SCOTLAND)
    if period not in set(rows["period"]):
        held = ", ".join(rows["period"])
        raise NotFoundError(f"no MAT standards results for {period}; held: {held}")
    facts = Facts()
    block = indicator_block(data, ind, SCOTLAND, parse_period(period).end, period, facts)
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
    return _frame(
        f"MAT standards benchmarking report {year}",
        f"Implementation of the Medication Assisted Treatment standards in Scotland, "
        f"as assessed in {period}. Generated from the data held.",
        sections,
        [block],
        data,
        facts,
        [NOT_YET["mat_adp"]],
    )
