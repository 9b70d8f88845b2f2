"""View models of the home page and the outcomes pages."""

from __future__ import annotations

from string import Formatter
from typing import Any

from missionmonitor import config
from missionmonitor.errors import NotFoundError
from missionmonitor.formatting import display_percent, display_value
from missionmonitor.periods import parse_period
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
from missionmonitor.views.scorecard import scorecard, tally
from missionmonitor.views.trends import trend_statement


def _fields(latest: dict[str, Any] | None, goal: dict[str, Any] | None) -> dict[str, Any]:
    """The values a home card's sentence may use (None where there is none)."""
    if latest is None:
        return {}
    change, pct = latest["change_vs_previous"], latest["change_pct_vs_previous"]
    shares = goal["latest"] if goal else None
    return {
        "display": latest["display"],
        "period": latest["period"],
        "previous": parse_period(latest["period"]).previous(),
        "change": None if change is None else display_value(abs(change), 0),
        "change_pct": None if pct is None else display_percent(abs(pct)),
        "direction": None if change is None else "fewer" if change < 0 else "more",
        "target": display_value(goal["value"], 0) if goal else None,
        "target_share": display_value(shares["share_of_target"], 0) if shares else None,
        "target_status": goal["progress"]["status"] if goal else None,
        "target_statement": goal["statement"] if goal else None,
        "target_source": goal["source"] if goal else None,
    }


def card_text(template: str | None, fields: dict[str, Any]) -> str | None:
    """The card's sentence, or None when a field it uses has no value.

    >>> card_text("{display} in {period}.", {"display": "3", "period": "2024"})
    '3 in 2024.'
    >>> card_text("{display} against {target}.", {"display": "3", "target": None}) is None
    True
    """
    if template is None:
        return None
    used = [name for _, name, _, _ in Formatter().parse(template) if name]
    if any(fields.get(name) is None for name in used):
        return None
    return template.format(**fields)


def home(data: SiteData) -> dict[str, Any]:
    cat = data.catalogue

    def latest(ind_id: str) -> dict[str, Any] | None:
        return indicator_summary(cat[ind_id], data)["latest"] if ind_id in cat else None

    targets = {t["indicator"]: t for t in all_targets(data.configuration, data.results)}
    home_spec = data.configuration.home
    trend_ind = cat[home_spec.trend.indicator]
    deaths = results_of(data, trend_ind.id)
    deaths = deaths[deaths["area_code"] == national_code(data.configuration)]
    headline = None
    cards = []
    for card in home_spec.cards:
        if card.indicator not in cat:
            continue
        goal = targets.get(card.indicator)
        shown = latest(card.indicator)
        text = card_text(card.text, _fields(shown, goal))
        if card.indicator == trend_ind.id:
            headline = text
        item: dict[str, Any] = {
            "indicator": card.indicator,
            "title": card.title,
            "latest": shown,
            "text": text,
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
    fitted = trend_statement(trend_ind, rows, national_name(data.configuration))
    summary = " ".join(t for t in (headline, fitted and fitted["sentence"]) if t)
    return page_model(
        data.configuration,
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
        outcomes=[
            {
                "id": o.id,
                "title": o.title,
                "verdicts": tally(
                    scorecard(data, [i for i in data.catalogue.values() if i.informs(o.id)])
                ),
            }
            for o in data.outcomes.values()
        ],
    )


def outcomes(data: SiteData) -> dict[str, Any]:
    items = []
    for o in data.outcomes.values():
        mine = [i for i in data.catalogue.values() if i.informs(o.id)]
        inds = [indicator_summary(i, data) for i in mine]
        card = scorecard(data, mine)
        items.append(
            {
                "id": o.id,
                "title": o.title,
                "indicators": inds,
                "gap": o.gap,
                "scorecard": card,
                "verdicts": tally(card),
            }
        )
    return page_model(data.configuration, "Outcomes", outcomes=items)


def outcome(data: SiteData, outcome_id: str) -> dict[str, Any]:
    if outcome_id not in data.outcomes:
        raise NotFoundError(f"no outcome {outcome_id!r}")
    o = data.outcomes[outcome_id]
    mine = [i for i in data.catalogue.values() if i.informs(o.id)]
    inds = [indicator_summary(i, data) for i in mine]
    return page_model(
        data.configuration,
        f"Outcome {o.id}: {o.title}" if o.id.isdigit() else o.title,
        outcome={"id": o.id, "title": o.title},
        indicators=inds,
        gap=o.gap,
        scorecard=scorecard(data, mine),
        collected_by=_return_questions(data.configuration, o.id),
        instruments=_instruments(data.configuration, o.id),
        determinants=_determinants(data.configuration, o.id),
    )


def _determinants(configuration: config.Configuration, outcome_id: str) -> dict[str, Any]:
    """The published wider determinants shown beside an outcome, each figure with its
    source and edition, and what was not found."""
    from missionmonitor.wellbeing.determinants import determinants_of, load_determinants

    topics = determinants_of(configuration, outcome_id)
    declared = load_determinants(configuration)
    return {
        "intro": declared.intro if declared and topics else "",
        "topics": [
            {
                "id": t.id,
                "title": t.title,
                "not_found": t.not_found,
                "figures": [
                    {**f.model_dump(), "display": display_value(f.value, 0)} for f in t.figures
                ],
            }
            for t in topics
        ],
    }


def _instruments(configuration: config.Configuration, outcome_id: str) -> list[dict[str, Any]]:
    """The outcome instruments of the record-level returns that gather evidence for an
    outcome: what they ask, their licence note, and per scale whether reliable change is
    computed (with the reliability and its source) or why not."""
    from missionmonitor.returns.forms import get_form, load_forms
    from missionmonitor.wellbeing.instrument import current_instrument

    out = []
    for form_id in sorted({fid for fid, _ in load_forms(configuration)}):
        form = get_form(configuration, form_id)
        if form.instrument is None or all(s.outcome != outcome_id for s in form.sections):
            continue
        instrument = current_instrument(configuration, form.instrument)
        scales = [
            {
                "scale": s.label,
                "reliable_change": "computed" if s.reliability.coefficient else "not computed",
                "reliability": s.reliability.coefficient,
                "why": s.reliability.source or s.reliability.not_published,
            }
            for s in instrument.scales
        ]
        out.append(
            {
                "id": instrument.id,
                "version": instrument.version,
                "title": instrument.title,
                "description": instrument.description,
                "licence_note": instrument.licence_note,
                "shape_sources": list(instrument.shape_sources),
                "review_points": [p.label for p in instrument.review_points],
                "scales": scales,
            }
        )
    return out


def _return_questions(configuration: config.Configuration, outcome_id: str) -> list[dict[str, str]]:
    """The return questions that collect evidence for an outcome (its form sections)."""
    from missionmonitor.returns.forms import get_form, load_forms

    out = []
    for form_id in sorted({fid for fid, _ in load_forms(configuration)}):
        form = get_form(configuration, form_id)
        out += [
            {"form": form.title, "form_id": form.id, "question": q.label, "id": q.id}
            for s in form.sections
            if s.outcome == outcome_id
            for q in s.questions
        ]
    return out


# ---- indicators ----------------------------------------------------------------------
