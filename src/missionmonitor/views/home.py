"""View models of the home page and the outcomes pages."""

from __future__ import annotations

from typing import Any

from missionmonitor.config import describe
from missionmonitor.errors import NotFoundError
from missionmonitor.formatting import display_percent, display_value
from missionmonitor.refdata.geography import national_code, national_name
from missionmonitor.services.site_data import SiteData
from missionmonitor.targets.status import all_targets
from missionmonitor.views import charts
from missionmonitor.views.common import (
    indicator_summary,
    page_model,
    result_row,
    results_of,
)
from missionmonitor.views.scorecard import scorecard
from missionmonitor.views.trends import trend_statement


def home(data: SiteData) -> dict[str, Any]:
    cat = data.catalogue

    def latest(ind_id: str) -> dict[str, Any] | None:
        return indicator_summary(cat[ind_id], data)["latest"] if ind_id in cat else None

    targets = {t["indicator"]: t for t in all_targets(data.results)}
    ost_goal, rehab_goal = targets.get("ost_people"), targets.get("rr_placements")
    home_spec = describe().home
    trend_ind = cat[home_spec.trend.indicator]
    deaths = results_of(data, trend_ind.id)
    deaths = deaths[deaths["area_code"] == national_code()]
    drd, ost = latest("drd_deaths"), latest("ost_people")
    rehab, mat = latest("rr_placements"), latest("mat_standards_implemented_pct")
    headline = None
    if drd and drd["change_vs_previous"] is not None:
        word = "fewer" if drd["change_vs_previous"] < 0 else "more"
        headline = (
            f"{drd['display']} drug misuse deaths were registered in {drd['period']}, "
            f"{display_value(abs(drd['change_vs_previous']), 0)} "
            f"({display_percent(abs(drd['change_pct_vs_previous']))}) {word} than in "
            f"{int(drd['period']) - 1}."
        )
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
    texts = {
        "drd_deaths": headline,
        "ost_people": ost_text,
        "rr_placements": rehab_text,
        "mat_standards_implemented_pct": mat_text,
    }
    cards = []
    for card in home_spec.cards:
        if card.indicator not in cat:
            continue
        goal = targets.get(card.indicator)
        item: dict[str, Any] = {
            "indicator": card.indicator,
            "title": card.title,
            "latest": latest(card.indicator),
            "text": texts.get(card.indicator),
        }
        if card.target:
            item["target"] = goal["value"] if goal else None
        if card.balancing:
            item["balancing"] = goal["balancing_note"] if goal else None
        if card.suffix:
            item["suffix"] = card.suffix
        cards.append(item)
    trend_rows = deaths[["period", "value", "lci", "uci"]]
    rows = [result_row(trend_ind, r, data) for _, r in deaths.iterrows()]
    fitted = trend_statement(trend_ind, rows, national_name())
    summary = " ".join(t for t in (headline, fitted and fitted["sentence"]) if t)
    return page_model(
        home_spec.title,
        cards=cards,
        trend={
            "id": "trend-deaths",
            "title": home_spec.trend.title,
            "caption": home_spec.trend.caption,
            "summary": summary,
            "fitted_trend": fitted,
            "spec": charts.trend_chart(trend_rows, trend_ind.title.lower(), trend_ind.unit, []),
            "rows": rows,
        },
        outcomes=[{"id": o.id, "title": o.title} for o in data.outcomes.values()],
    )


def outcomes(data: SiteData) -> dict[str, Any]:
    items = []
    for o in data.outcomes.values():
        mine = [i for i in data.catalogue.values() if i.informs(o.id)]
        inds = [indicator_summary(i, data) for i in mine]
        items.append(
            {
                "id": o.id,
                "title": o.title,
                "indicators": inds,
                "gap": o.gap,
                "scorecard": scorecard(data, mine),
            }
        )
    return page_model("Outcomes", outcomes=items)


def outcome(data: SiteData, outcome_id: str) -> dict[str, Any]:
    if outcome_id not in data.outcomes:
        raise NotFoundError(f"no outcome {outcome_id!r}")
    o = data.outcomes[outcome_id]
    mine = [i for i in data.catalogue.values() if i.informs(o.id)]
    inds = [indicator_summary(i, data) for i in mine]
    return page_model(
        f"Outcome {o.id}: {o.title}" if o.id.isdigit() else o.title,
        outcome={"id": o.id, "title": o.title},
        indicators=inds,
        gap=o.gap,
        scorecard=scorecard(data, mine),
        collected_by=_return_questions(o.id),
    )


def _return_questions(outcome_id: str) -> list[dict[str, str]]:
    """The return questions that collect evidence for an outcome (its form sections)."""
    from missionmonitor.returns.forms import get_form, load_forms

    out = []
    for form_id in sorted({fid for fid, _ in load_forms()}):
        form = get_form(form_id)
        out += [
            {"form": form.title, "form_id": form.id, "question": q.label, "id": q.id}
            for s in form.sections
            if s.outcome == outcome_id
            for q in s.questions
        ]
    return out


# ---- indicators ----------------------------------------------------------------------
