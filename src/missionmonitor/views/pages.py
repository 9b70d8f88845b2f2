"""View models for the website: one function per page, each returning a plain dict.

The HTML page renders the dict; the JSON twin returns it unchanged, so the two always agree.
Every figure comes from the disclosure-controlled results table: a suppressed value is
``None`` here and shown as ``c``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import chi2

from missionmonitor.data import ATTRIBUTION
from missionmonitor.errors import NotFoundError
from missionmonitor.formatting import display_percent, display_value
from missionmonitor.indicators.catalogue import Indicator
from missionmonitor.refdata.geography import AREA_TYPES, SCOTLAND
from missionmonitor.services.site_data import SiteData
from missionmonitor.targets.status import all_targets
from missionmonitor.views import charts

#: Points along each funnel-plot control limit.
FUNNEL_POINTS = 25

SIGNIFICANCE = {"higher": "Higher than Scotland", "lower": "Lower than Scotland",
                "no_difference": "No significant difference"}  # fmt: skip


def as_number(v: Any) -> float | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    return float(v)


def _tristate(v: Any) -> bool | None:
    """A nullable boolean from the store (True, False, or missing → None)."""
    return None if v is None or v is pd.NA else bool(v)


def _significance(vs: str) -> str:
    return SIGNIFICANCE.get(vs, "Not compared")


def _direction(ind: Indicator, r: pd.Series) -> str:
    if _tristate(r["comparable_with_previous"]) is False:
        return "not comparable (series break)"
    change = as_number(r["change_vs_previous"])
    if change is None:
        return "no previous period"
    if change == 0 or ind.polarity == "neutral":
        return "up" if change > 0 else "down" if change < 0 else "no change"
    better = (change > 0) == (ind.polarity == "higher_is_better")
    return "improving" if better else "worsening"


def result_row(ind: Indicator, r: pd.Series, data: SiteData) -> dict[str, Any]:
    """One result as the site shows it."""
    area = data.geo.areas.get(r["area_code"])
    value, lci, uci = as_number(r["value"]), as_number(r["lci"]), as_number(r["uci"])
    change, pct = as_number(r["change_vs_previous"]), as_number(r["change_pct_vs_previous"])
    change_text = "—"
    if change is not None and pct is not None:
        sign = "+" if change > 0 else ""
        change_text = f"{sign}{display_value(change, ind.decimals)} ({sign}{display_percent(pct)})"
    elif _tristate(r["comparable_with_previous"]) is False:
        change_text = "series break"
    return {
        "area_code": r["area_code"], "area_name": area.name if area else r["area_code"],
        "area_type": r["area_type"], "period": r["period"], "value": value,
        "lci": lci, "uci": uci, "numerator": as_number(r["numerator"]),
        "denominator": as_number(r["denominator"]), "suppressed": bool(r["suppressed"]),
        "status": r["status"], "vintage": r["vintage"],
        "definition_version": int(r["definition_version"]),
        "comparable_with_previous": _tristate(r["comparable_with_previous"]),
        "vs_scotland": r["vs_scotland"], "significance": _significance(r["vs_scotland"]),
        "change_vs_previous": change, "change_pct_vs_previous": pct,
        "display": display_value(value, ind.decimals),
        "display_lci": "" if lci is None else display_value(lci, ind.decimals),
        "display_uci": "" if uci is None else display_value(uci, ind.decimals),
        "display_change": change_text, "direction": _direction(ind, r), "note": r["note"],
    }  # fmt: skip


def _results(data: SiteData, indicator_id: str) -> pd.DataFrame:
    df = data.results[data.results["indicator_id"] == indicator_id]
    return df.sort_values("period_start")


def _summary(ind: Indicator, data: SiteData) -> dict[str, Any]:
    """An indicator's headline: its latest Scotland value (or latest of any area)."""
    df = _results(data, ind.id)
    scot = df[df["area_code"] == SCOTLAND]
    latest = (scot if not scot.empty else df).iloc[-1] if not df.empty else None
    return {
        "id": ind.id, "title": ind.title, "outcome": ind.outcome, "unit": ind.unit,
        "polarity": ind.polarity, "status": ind.status, "geography": list(ind.geography),
        "sources": list(ind.sources), "period_type": ind.period_type,
        "latest": result_row(ind, latest, data) if latest is not None else None,
        "comparability": "series break in the trend" if any(
            not v.comparable_with_previous for v in ind.definition_versions)
        else "comparable throughout",
    }  # fmt: skip


def page_model(title: str, **content: Any) -> dict[str, Any]:
    return {"title": title, "licence": ATTRIBUTION, **content}


# ---- home and outcomes ---------------------------------------------------------------


def home(data: SiteData) -> dict[str, Any]:
    cat = data.catalogue

    def latest(ind_id: str) -> dict[str, Any] | None:
        return _summary(cat[ind_id], data)["latest"] if ind_id in cat else None

    targets = {t["indicator"]: t for t in all_targets(data.results)}
    ost_goal, rehab_goal = targets.get("ost_people"), targets.get("rr_placements")
    deaths = _results(data, "drd_deaths")
    deaths = deaths[deaths["area_code"] == SCOTLAND]
    drd, ost = latest("drd_deaths"), latest("ost_people")
    rehab, mat = latest("rr_placements"), latest("mat_standards_implemented_pct")
    headline = None
    if drd and drd["change_vs_previous"] is not None:
        word = "fewer" if drd["change_vs_previous"] < 0 else "more"
        headline = (f"{drd['display']} drug misuse deaths were registered in {drd['period']}, "
                    f"{display_value(abs(drd['change_vs_previous']), 0)} "
                    f"({display_percent(abs(drd['change_pct_vs_previous']))}) {word} than in "
                    f"{int(drd['period']) - 1}.")  # fmt: skip
    ost_text = rehab_text = mat_text = None
    if ost and ost_goal and ost_goal["latest"]:
        ost_text = (
            f"{ost['display']} people ({ost['period']}, minimum estimate) against a "
            f"target of at least {display_value(ost_goal['value'], 0)} by 1 April 2024 "
            f"({display_value(ost_goal['latest']['share_of_target'], 0)}% of the target; "
            f"{ost_goal['progress']['status']})."
        )
    if rehab and rehab_goal:
        rehab_text = (
            f"{rehab['display']} placements approved in {rehab['period']}; the "
            f"commitment: {rehab_goal['statement']} ({rehab_goal['source']})"
        )
    if mat:
        mat_text = (
            f"{mat['display']}% of assessments of standards 1-5 fully implemented "
            f"({mat['period']})."
        )
    cards = [
        {"indicator": "drd_deaths", "title": "Drug misuse deaths", "latest": drd,
         "text": headline},
        {"indicator": "ost_people", "title": "People in opioid substitution therapy",
         "latest": ost, "target": ost_goal["value"] if ost_goal else None, "text": ost_text,
         "balancing": ost_goal["balancing_note"] if ost_goal else None},
        {"indicator": "rr_placements", "title": "Residential rehabilitation placements",
         "latest": rehab, "target": rehab_goal["value"] if rehab_goal else None,
         "text": rehab_text},
        {"indicator": "mat_standards_implemented_pct", "title": "MAT standards 1-5",
         "latest": mat, "text": mat_text, "suffix": "%"},
        {"indicator": "suspected_drug_deaths", "title": "Suspected drug deaths (provisional)",
         "latest": latest("suspected_drug_deaths"), "text": None},
    ]  # fmt: skip
    trend_rows = deaths[["period", "value", "lci", "uci"]]
    return page_model(
        "National Mission on Drugs: monitoring",
        cards=cards,
        trend={"id": "trend-deaths", "title": "Drug misuse deaths, Scotland",
               "caption": "Drug misuse deaths registered each year, Scotland (NRS).",
               "summary": headline or "", "spec": charts.trend_chart(
                   trend_rows, "drug misuse deaths", "deaths", []),
               "rows": [result_row(cat["drd_deaths"], r, data) for _, r in deaths.iterrows()]},
        outcomes=[{"id": o.id, "title": o.title} for o in data.outcomes.values()],
    )  # fmt: skip


def outcomes(data: SiteData) -> dict[str, Any]:
    items = []
    for o in data.outcomes.values():
        inds = [_summary(i, data) for i in data.catalogue.values() if i.outcome == o.id]
        items.append({"id": o.id, "title": o.title, "indicators": inds})
    return page_model("Outcomes", outcomes=items)


def outcome(data: SiteData, outcome_id: str) -> dict[str, Any]:
    if outcome_id not in data.outcomes:
        raise NotFoundError(f"no outcome {outcome_id!r}")
    o = data.outcomes[outcome_id]
    inds = [_summary(i, data) for i in data.catalogue.values() if i.outcome == o.id]
    return page_model(f"Outcome {o.id}: {o.title}" if o.id.isdigit() else o.title,
                 outcome={"id": o.id, "title": o.title}, indicators=inds)  # fmt: skip


# ---- indicators ----------------------------------------------------------------------


def indicators(
    data: SiteData, q: str = "", outcome: str = "", source: str = "", geography: str = ""
) -> dict[str, Any]:
    q_low = q.strip().lower()
    found = []
    for ind in data.catalogue.values():
        text = " ".join([ind.id, ind.title, ind.definition]).lower()
        if q_low and q_low not in text:
            continue
        if outcome and ind.outcome != outcome:
            continue
        if source and source not in ind.sources:
            continue
        if geography and geography not in ind.geography:
            continue
        found.append(_summary(ind, data))
    return page_model(
        "Indicators", indicators=found,
        filters={"q": q, "outcome": outcome, "source": source, "geography": geography},
        options={
            "outcome": [{"value": o.id, "label": o.title} for o in data.outcomes.values()],
            "source": [{"value": d.name, "label": d.title} for d in data.datasets.values()],
            "geography": [{"value": t, "label": data.geo.types[t].label} for t in AREA_TYPES],
        },
    )  # fmt: skip


def indicator(
    data: SiteData,
    indicator_id: str,
    area: str | None = None,
    area_type: str | None = None,
    period: str | None = None,
) -> dict[str, Any]:
    if indicator_id not in data.catalogue:
        raise NotFoundError(f"no indicator {indicator_id!r}")
    ind = data.catalogue[indicator_id]
    df = _results(data, ind.id)
    if df.empty:
        return _no_figures_yet(ind, data)
    area_code = data.geo.resolve(area) if area else (SCOTLAND if (df["area_code"] == SCOTLAND).any()
                                                      else df["area_code"].iloc[0])  # fmt: skip
    trend = df[df["area_code"] == area_code]
    if trend.empty:
        raise NotFoundError(f"{ind.id} has no results for area {area}")
    scot = df[df["area_code"] == SCOTLAND]
    types = [t for t in ind.geography if t != "scotland" and (df["area_type"] == t).any()]
    chosen_type = area_type if area_type in types else (types[0] if types else None)
    if area_type and area_type not in types:
        raise NotFoundError(f"{ind.id} is not published for area type {area_type!r}")
    breaks = [v.effective_from for v in ind.definition_versions if not v.comparable_with_previous]
    area_name = data.geo.area(area_code).name
    trend_rows = [result_row(ind, r, data) for _, r in trend.iterrows()]
    page = page_model(
        ind.title,
        indicator=definition_view(ind, data),
        area={"code": area_code, "name": area_name},
        trend={"id": "trend", "title": f"{ind.title}: {area_name}",
               "caption": f"{ind.title}, {area_name}, by period"
                          + (" (dashed: Scotland)" if area_code != SCOTLAND else ""),
               "summary": _trend_sentence(ind, trend_rows, area_name),
               "spec": charts.trend_chart(trend[["period", "value", "lci", "uci"]], ind.title,
                                          ind.unit, breaks,
                                          None if area_code == SCOTLAND else scot),
               "rows": trend_rows},
        comparison=None, funnel=None, area_types=types, area_type=chosen_type,
        revisions=_revisions(ind, data, area_code, trend),
        area_options=sorted(
            ({"value": c, "label": data.geo.area(c).name} for c in df["area_code"].unique()),
            key=lambda o: (o["value"] != SCOTLAND, o["label"]),
        ),
        area_type_options=[{"value": t, "label": data.geo.types[t].plural} for t in types],
    )  # fmt: skip
    if chosen_type:
        page.update(_comparison(ind, data, df, chosen_type, period))
    page["downloads"] = {fmt: _download_url(ind.id, area_code, chosen_type, page.get("period"), fmt)
                         for fmt in ("csv", "xlsx", "json")}  # fmt: skip
    return page


#: Said on the page of an indicator whose figures come from data not held yet.
NO_FIGURES_YET = (
    "No figures are held for this indicator yet. It is computed from {datasets}, which is "
    "not shipped (record-level data are confidential): see the user guide on loading it."
)


def _no_figures_yet(ind: Indicator, data: SiteData) -> dict[str, Any]:
    """The indicator page before any figure is held: its definition, and why it is empty."""
    titles = " and ".join(data.datasets[s].title.lower() if s in data.datasets else s
                          for s in ind.sources)  # fmt: skip
    page = page_model(
        ind.title, indicator=definition_view(ind, data),
        area={"code": SCOTLAND, "name": "Scotland"},
        trend={"id": "trend", "title": ind.title, "caption": ind.title, "rows": [],
               "summary": "", "spec": None},
        comparison=None, funnel=None, area_types=[], area_type=None, revisions=[],
        area_options=[], area_type_options=[],
        no_figures=NO_FIGURES_YET.format(datasets=titles),
    )  # fmt: skip
    page["downloads"] = {fmt: _download_url(ind.id, SCOTLAND, None, None, fmt)
                         for fmt in ("csv", "xlsx", "json")}  # fmt: skip
    return page


def _download_url(ind_id: str, area: str, area_type: str | None, period: str | None,
                  fmt: str) -> str:  # fmt: skip
    from urllib.parse import urlencode

    params = {"area": area, **({"area_type": area_type} if area_type else {}),
              **({"period": period} if period else {})}  # fmt: skip
    return f"/indicators/{ind_id}/data.{fmt}?{urlencode(params)}"


def _trend_sentence(ind: Indicator, rows: list[dict[str, Any]], area_name: str) -> str:
    shown = [r for r in rows if r["value"] is not None]
    if not shown:
        return f"All values for {area_name} are suppressed to protect confidentiality."
    last = shown[-1]
    text = f"The latest value for {area_name} is {last['display']} {ind.unit} ({last['period']})"
    if last["change_vs_previous"] is not None:
        text += f", {last['direction']} on {(len(shown) > 1 and shown[-2]['period']) or 'before'}"
        text += f" ({last['display_change']})"
    return text + "."


def _comparison(ind: Indicator, data: SiteData, df: pd.DataFrame, area_type: str,
                period: str | None) -> dict[str, Any]:  # fmt: skip
    of_type = df[df["area_type"] == area_type]
    periods = list(dict.fromkeys(of_type.sort_values("period_start")["period"]))
    if period is not None and period not in periods:
        raise NotFoundError(f"{ind.id} has no {area_type} results for {period!r}")
    chosen = period or periods[-1]
    rows = of_type[of_type["period"] == chosen]
    shown = [result_row(ind, r, data) for _, r in rows.iterrows()]
    shown.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0)))
    visible = pd.DataFrame([r for r in shown if r["value"] is not None])
    scot = df[(df["area_code"] == SCOTLAND) & (df["period"] == chosen)]
    scot_value = as_number(scot["value"].iloc[0]) if not scot.empty else None
    label = data.geo.types[area_type].plural
    comparison = {
        "id": "comparison", "period": chosen,
        "period_options": [{"value": p, "label": p} for p in reversed(periods)],
        "title": f"{ind.title}: {label}, {chosen}",
        "caption": f"{ind.title}: {label}, {chosen}, ranked, with 95% intervals",
        "summary": _comparison_sentence(shown, label, scot_value, ind),
        "spec": charts.comparison_chart(visible, ind.unit, scot_value) if len(visible) else None,
        "rows": shown, "scotland": scot_value,
    }  # fmt: skip
    funnel = None
    if ind.method.kind == "rate_from_averages" and len(visible) and scot_value:
        funnel = _funnel(ind, visible, scot_value, chosen)
    return {"comparison": comparison, "funnel": funnel, "period": chosen}


def _comparison_sentence(rows: list[dict[str, Any]], label: str, scot: float | None,
                         ind: Indicator) -> str:  # fmt: skip
    counts = {k: sum(r["vs_scotland"] == k for r in rows) for k in SIGNIFICANCE}
    hidden = sum(r["value"] is None for r in rows)
    text = (f"Of {len(rows)} {label}, {counts['higher']} are significantly higher than "
            f"Scotland, {counts['lower']} significantly lower and {counts['no_difference']} not "
            "significantly different")  # fmt: skip
    if scot is not None:
        text += f" (Scotland: {display_value(scot, ind.decimals)})"
    if hidden:
        text += f"; {hidden} suppressed to protect confidentiality"
    return text + "."


def _funnel(ind: Indicator, visible: pd.DataFrame, scot: float, period: str) -> dict[str, Any]:
    average = scot / ind.method.multiplier
    # Smooth on a log axis with a few dozen points; more only swells the page's JSON.
    sizes = np.round(np.geomspace(max(visible["denominator"].min() * 0.5, 1),
                                  visible["denominator"].max() * 2, FUNNEL_POINTS))  # fmt: skip
    expected = sizes * average
    limits = []
    # Exact Poisson limits around the expected count at each population size.
    for level, p_low, p_high in (("95%", 0.025, 0.975), ("99.8%", 0.001, 0.999)):
        low = np.where(expected > 0, chi2.ppf(p_low, 2 * expected) / 2, 0) / sizes
        high = chi2.ppf(p_high, 2 * expected + 2) / 2 / sizes
        for name, vals in (("lower", low), ("upper", high)):
            scaled = vals * ind.method.multiplier
            limits += [
                {"denominator": n, "limit": float(f"{v:.6g}"), "level": level,
                 "limit_name": f"{level} {name}"}
                for n, v in zip(sizes, scaled, strict=True)
            ]  # fmt: skip
    return {"id": "funnel", "title": f"Funnel plot, {period}",
            "caption": f"{ind.title}: each area's rate against its population, {period}; lines are "
                       "95% and 99.8% limits around the Scotland rate",
            "summary": "Areas outside the limits differ from Scotland by more than chance would "
                       "explain; the ranked chart and table give each area's interval.",
            "spec": charts.funnel_chart(visible, pd.DataFrame(limits), ind.unit)}  # fmt: skip


def _revisions(
    ind: Indicator, data: SiteData, area_code: str, trend: pd.DataFrame
) -> list[dict[str, Any]]:
    """Every figure behind this area's published trend that was revised between vintages."""
    rev = data.revisions
    m = ind.method
    published = set(trend.loc[~trend["suppressed"].astype(bool), "period"])
    sub = rev[(rev["dataset"] == m.dataset) & (rev["measure"] == m.measure)
              & (rev["area_code"] == area_code) & rev["period"].isin(published)]  # fmt: skip
    out = []
    for period, grp in sub.groupby("period", sort=False):
        values = list(grp["value"])
        held = [{"vintage": v, "value": as_number(x)}
                for v, x in zip(grp["vintage"], values, strict=True)]  # fmt: skip
        out.append(
            {"period": period, "vintages": held, "change": as_number(values[-1] - values[0])}
        )
    return out


def definition_view(ind: Indicator, data: SiteData) -> dict[str, Any]:
    return {
        "id": ind.id, "title": ind.title, "outcome": {"id": ind.outcome,
        "title": data.outcomes[ind.outcome].title}, "definition": ind.definition.strip(),
        "rationale": ind.rationale.strip(), "numerator": ind.numerator,
        "denominator": ind.denominator, "method": ind.method.kind,
        "interval": (ind.ci_method or "").strip(), "unit": ind.unit, "polarity": ind.polarity,
        "geography": list(ind.geography), "period_type": ind.period_type, "status": ind.status,
        "decimals": ind.decimals,
        "disclosure": (f"Counts from 1 to {ind.disclosure.threshold} are suppressed, with "
                       "secondary suppression so they cannot be worked out from totals."
                       if ind.disclosure.threshold else "No small counts are involved."),
        "sources": [{"name": d, "title": data.datasets[d].title,
                     "publisher": data.datasets[d].publisher,
                     "licence": data.datasets[d].licence} for d in ind.sources],
        "versions": [{"version": v.version, "label": v.label, "from": v.effective_from,
                      "comparable_with_previous": v.comparable_with_previous,
                      "break_reason": (v.break_reason or "").strip()}
                     for v in ind.definition_versions],
        "caveats": [c.strip() for c in ind.caveats],
    }  # fmt: skip


def download_rows(page: dict[str, Any]) -> pd.DataFrame:
    """Exactly the figures an indicator page shows: its trend and its comparison table."""
    cols = ["area_code", "area_name", "area_type", "period", "value", "lci", "uci", "numerator",
            "denominator", "suppressed", "status", "vintage", "definition_version",
            "comparable_with_previous", "vs_scotland", "change_vs_previous",
            "change_pct_vs_previous"]  # fmt: skip
    frames = [pd.DataFrame(page["trend"]["rows"], columns=cols).assign(view="trend")]
    if page.get("comparison"):
        frames.append(pd.DataFrame(page["comparison"]["rows"], columns=cols)
                      .assign(view="comparison"))  # fmt: skip
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "indicator_id", page["indicator"]["id"])
    return out[["indicator_id", "view", *cols]]
