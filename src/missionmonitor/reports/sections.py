"""Building blocks every report shares: an indicator's block with its change sentence, the
sources list, the report frame, and what cannot be reported yet."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from missionmonitor.data import load_sources
from missionmonitor.indicators.catalogue import Indicator
from missionmonitor.methods.poisson import count_change_p_value
from missionmonitor.periods import parse_period
from missionmonitor.refdata.geography import national_code
from missionmonitor.reports.facts import Facts
from missionmonitor.services.results import latest_result, records
from missionmonitor.services.site_data import SiteData
from missionmonitor.targets.balancing import missing_sentence
from missionmonitor.targets.status import absent_targets, all_targets
from missionmonitor.views import charts, maps
from missionmonitor.views.common import result_row
from missionmonitor.views.trends import trend_statement

#: What the platform cannot yet report, said plainly in every report that would show it.
NOT_YET = {
    "balancing": "{title}: {missing}. The target's progress is not a complete picture "
    "without them.",
    "local_published": "{title}, published local targets: {absent}",
    "absent_target": "{title}: not published. {absent}",
    "ost_areas": "People in opioid substitution therapy by Integration Authority or ADP, and "
    "the apportioned local targets, are not yet available.",
    "mat_adp": "This report uses the national MAT standards results held as published; "
    "each ADP's moderated grades are on the MAT standards pages of the website.",
    "surveillance": "No early-warning scan is held yet, so no alerts can be reported.",
    "returns": "ADP returns are not yet held: no approved return has been loaded from the portal.",
}


def not_yet_available(data: SiteData, *, local_targets: bool | None = None) -> list[str]:
    """What the report cannot give yet, worked out from what the store holds: each of
    ``NOT_YET`` whose figures are missing (``local_targets``: whether the report shows an
    area's local target; None for a national report)."""
    held = set(data.results["indicator_id"])
    out = []
    targets = [t for t in all_targets(data.configuration, data.results) if t.get("balancing")]
    for t in targets:
        # Which balancing indicators have no national figure, why, and their source.
        lead = "balancing indicators without a national figure"
        if missing := missing_sentence(t["balancing"], lead):
            out.append(NOT_YET["balancing"].format(title=t["title"], missing=missing))
        if (t["local_targets"] or {}).get("published_absent"):
            absent = t["local_targets"]["published_absent"]
            out.append(NOT_YET["local_published"].format(title=t["title"], absent=absent))
    out += [
        NOT_YET["absent_target"].format(title=a["title"], absent=a["absent"])
        for a in absent_targets(data.configuration)
    ]
    local = [
        t["apportionment"]["local_indicator"]
        for t in targets
        if t.get("apportionment") and t["apportionment"].get("local_indicator")
    ]
    if local_targets is False or (local_targets is None and not (set(local) & held)):
        out.append(NOT_YET["ost_areas"])
    out.append(NOT_YET["mat_adp"])
    if data.scans.empty:
        out.append(NOT_YET["surveillance"])
    if "adp_returns" not in {s for i in data.catalogue.values() if i.id in held for s in i.sources}:
        out.append(NOT_YET["returns"])
    return out


def results_for(data: SiteData, indicator_id: str, area: str) -> pd.DataFrame:
    r = data.results
    return r[(r["indicator_id"] == indicator_id) & (r["area_code"] == area)].sort_values(
        "period_start"
    )


def change_sentence(
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
    if ind.in_percent:
        # A change in a percentage is in percentage points; a relative change would mislead.
        text = f" This is {amount} percentage points {word} than in {prev['period']}"
    elif pd.isna(row["change_pct_vs_previous"]):
        # From none (a count of 0): there is no relative change to give.
        text = f" This is {amount} {word} than in {prev['period']}"
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


def trend_sentence(
    ind: Indicator, rows: pd.DataFrame, name: str, data: SiteData, facts: Facts
) -> str:
    """The fitted trend up to the reported period, its numbers recorded as facts (their
    period is the span fitted, ``first..last``)."""
    fitted = trend_statement(ind, [result_row(ind, r, data) for _, r in rows.iterrows()], name)
    if fitted is None:
        return ""
    span = f"{fitted['from']}..{fitted['to']}"
    for key in ("estimate", "lower", "upper"):
        value = fitted["change_per_period" if key == "estimate" else key]
        facts.note(
            ind.id, rows["area_code"].iloc[0], span, f"trend_{key}", value, fitted["shown"][key]
        )
    return " " + str(fitted["sentence"])


def indicator_block(
    data: SiteData, ind: Indicator, area: str, end: dt.date, label: str, facts: Facts
) -> dict[str, Any] | None:
    rows = results_for(data, ind.id, area)
    picked = latest_result(records(rows), area, end)
    if picked is None:
        return None
    row = result_row(ind, picked, data)
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
            + change_sentence(ind, row, prev, facts)
            + trend_sentence(
                ind, rows[rows["period_start"] <= picked["period_start"]], name, data, facts
            )
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
    drawn = area_map(data, ind, end) if area == national_code(data.configuration) else None
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
        "map": drawn,
        "sources": list(ind.sources),
        "interval_label": "Likely range"
        if ind.method.kind == "rolling_average"
        else "95% interval",
    }


#: Area types a national report maps, in the order it prefers them (one map per indicator).
MAP_TYPES = ("adp", "council", "hscp", "health_board")


def area_map(data: SiteData, ind: Indicator, end: dt.date) -> dict[str, Any] | None:
    """A static map of the indicator's latest figures by area for a period ending by
    ``end``: ADPs where published, else councils, Integration Authorities or boards."""
    if not maps.mappable(data.configuration):
        return None
    df = data.results[data.results["indicator_id"] == ind.id]
    for area_type in (t for t in MAP_TYPES if t in ind.geography):
        of_type = df[df["area_type"] == area_type].sort_values("period_start")
        periods = records(of_type.drop_duplicates("period", keep="last"))
        picked = latest_result(periods, end=end)
        if picked is None:
            continue
        rows = [
            result_row(ind, r, data)
            for _, r in of_type[of_type["period"] == picked["period"]].iterrows()
        ]
        return maps.indicator_map(f"map-{ind.id}", data, ind, rows, area_type, picked["period"])
    return None


#: What a source table says of generated data in place of a publisher and licence.
GENERATED = "none: generated (SYNTHETIC) data, not published by anyone"


def sources_list(data: SiteData, blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each dataset behind the report with its editions, publisher and licence; generated
    data is named as such and given no publisher's licence."""
    used: dict[str, set[str]] = {}
    for b in blocks:
        for s in b["sources"]:
            used.setdefault(s, set()).update(v for v in str(b["vintage"]).split(";") if v)
    registry = load_sources(data.configuration)
    out = []
    for n, vintages in sorted(used.items()):
        generated = any((src := registry.get(v)) is not None and src.synthetic for v in vintages)
        decl = data.datasets[n]
        out.append(
            {
                "name": n,
                "title": decl.title,
                "publisher": GENERATED if generated else decl.publisher,
                "licence": GENERATED if generated else decl.licence,
                "vintages": sorted(vintages),
            }
        )
    return out


def report_frame(
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
        "demonstration": data.demonstration,
        "sections": sections,
        "not_yet": not_yet,
        "sources": sources_list(data, blocks),
        "licence": data.configuration.attribution,
        "facts": facts.as_dicts(),
        "method_note": "Figures come from the disclosure-controlled results table: counts from 1 "
        "to 9 are suppressed (c), with secondary suppression, and values derived "
        "from a suppressed count are withheld. Values are rounded half up.",
    }


def result_fact(data: SiteData, ind_id: str, area: str, period: str) -> dict[str, Any]:
    """One published result as a report row (for recording the facts a sentence prints)."""
    r = data.results
    hit = r[(r["indicator_id"] == ind_id) & (r["area_code"] == area) & (r["period"] == period)]
    return {**result_row(data.catalogue[ind_id], hit.iloc[0], data), "indicator_id": ind_id}


def balancing_paragraphs(
    data: SiteData, balancing: list[dict[str, Any]], note: str | None, area: str, facts: Facts
) -> list[str]:
    """Each balancing indicator's latest figure for ``area`` (as recorded facts), then the
    note on what is missing or synthetic."""
    out = []
    for b in balancing:
        if b["latest"] is None:
            continue
        ind = data.catalogue[b["indicator"]]
        row = result_fact(data, ind.id, area, b["latest"]["period"])
        label = " (SYNTHETIC)" if b["latest"]["status"] == "SYNTHETIC" else ""
        shown = facts.show(row, "value", ind.decimals)
        out.append(
            f"Balancing indicator, {b['aspect']}: {ind.title}, {shown} {ind.unit} in "
            f"{row['period']}{label}."
        )
    if note:
        out.append(note)
    return out
