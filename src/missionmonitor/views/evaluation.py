"""The evaluation page: the questions the programme's national evaluation asks, the
indicators and evidence that bear on each with their verdicts, the published findings on
each outcome, how trends are to be read (contribution, not attribution), and the
interrupted time series of deaths beside the pre-launch trend projected and a series
published elsewhere.

Only national figures are shown: the programme's published deaths (already disclosure
controlled in the results) and the comparators' published rates, each passed through its
dataset's declared disclosure rule.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from missionmonitor.config import surveillance as section
from missionmonitor.datasets.declaration import get_declaration
from missionmonitor.errors import MethodInputError, NotFoundError
from missionmonitor.evaluation.comparison import comparator_trend, projection
from missionmonitor.evaluation.definitions import Citation, Comparator, Evaluation, load_evaluation
from missionmonitor.formatting import display_value
from missionmonitor.methods.disclosure import SUPPRESSION_MARKER, primary_mask
from missionmonitor.methods.segmented import Ratio, SegmentedFit
from missionmonitor.refdata.geography import national_name
from missionmonitor.services.site_data import SiteData
from missionmonitor.surveillance import deaths
from missionmonitor.views import charts
from missionmonitor.views.common import page_model
from missionmonitor.views.scorecard import scorecard

TITLE = "The evaluation's questions"


def _citation(c: Citation) -> dict[str, str]:
    return {
        "publisher": c.publisher,
        "title": c.title,
        "url": c.url,
        "edition": c.edition,
        "display": f"{c.publisher}, {c.title} ({c.edition})",
    }


def _ratio(r: Ratio) -> dict[str, Any]:
    return {
        "estimate": r.estimate,
        "lower": r.lower,
        "upper": r.upper,
        "display": f"×{r.estimate:.3f} (95% CI {r.lower:.3f} to {r.upper:.3f})",
    }


def _fit(fit: SegmentedFit) -> dict[str, Any]:
    return {
        "pre_trend": _ratio(fit.pre_trend),
        "level_change": _ratio(fit.level_change),
        "slope_change": _ratio(fit.slope_change),
        "dispersion": fit.dispersion,
        "family": fit.family,
    }


def _scorecard(data: SiteData, ids: tuple[str, ...]) -> list[dict[str, Any]]:
    """The verdict of each named indicator, with a link to its page."""
    rows = scorecard(data, [data.catalogue[i] for i in ids if i in data.catalogue])
    return [{**r, "href": f"/indicators/{r['indicator']}"} for r in rows]


def _outcome(data: SiteData, outcome_id: str | None) -> dict[str, Any]:
    if outcome_id is None or outcome_id not in data.outcomes:
        return {"id": None, "title": "The programme as a whole", "href": None}
    o = data.outcomes[outcome_id]
    title = f"Outcome {o.id}: {o.title}" if o.id.isdigit() else o.title
    return {"id": o.id, "title": title, "href": f"/outcomes/{o.id}"}


def _deaths_trend(data: SiteData) -> dict[str, Any] | None:
    """The programme's deaths around the launch, with the pre-launch trend projected."""
    spec = section(data.configuration)
    if spec.deaths is None or spec.deaths not in data.catalogue:
        return None
    try:
        years, values, fit = deaths.observed_around_launch(data.configuration, data.results)
    except MethodInputError:  # no launch year, or too few years either side of it
        return None
    launch = years[fit.periods_before]
    projected = projection(years, values, fit)
    post = {r["period"]: r for r in projected}
    frame = pd.DataFrame(
        {
            "period": years,
            "observed": values,
            "fitted": fit.fitted,
            "projected": [post[y]["projected"] if y in post else None for y in years],
        }
    )
    ind = data.catalogue[spec.deaths]
    return {
        "id": "its-deaths",
        "title": f"{ind.title}, {national_name(data.configuration)}",
        "caption": f"{ind.title} in {national_name(data.configuration)} by year, the "
        f"segmented model's fit, and the trend before {launch} projected over the years since",
        "spec": charts.its_chart(
            frame,
            launch,
            ind.unit,
            f"{ind.title} by year, with the segmented model around {launch} and the "
            "pre-launch trend projected (a projection, not a published figure).",
        ),
        "summary": (
            f"Before {launch} the yearly trend was ×{fit.pre_trend.estimate:.3f} a year; at "
            f"{launch} the level changed by ×{fit.level_change.estimate:.3f} and the yearly "
            f"trend by ×{fit.slope_change.estimate:.3f}. The dashed line is the earlier trend "
            "projected, a model's projection and not a published figure."
        ),
        "launch": launch,
        "first": years[0],
        "unit": ind.unit,
        "fit": _fit(fit),
        "projection": [
            {
                **r,
                "display": [
                    r["period"],
                    display_value(r["observed"], 0),
                    display_value(r["projected"], 0),
                    f"{r['difference']:+,.0f}",
                    f"×{r['ratio']:.2f}",
                ],
            }
            for r in projected
        ],
        "caveat": fit.caveat,
    }


def _comparator(data: SiteData, c: Comparator, launch: int, since: int | None) -> dict[str, Any]:
    """A comparator's published figures (through its declared disclosure rule), and its
    segmented fit at the launch where the years held allow one."""
    rule = get_declaration(data.configuration, c.dataset).disclosure_of(c.measure)
    held = data.comparators
    if not held.empty:
        held = held[(held["dataset"] == c.dataset) & (held["measure"] == c.measure)]
        held = held.sort_values("period")
    periods: list[str] = [str(p) for p in held["period"]] if not held.empty else []
    values: list[float] = [float(v) for v in held["value"]] if not held.empty else []
    hidden: list[bool] = [bool(h) for h in primary_mask(values, rule.threshold)] if values else []
    shown = [(p, v) for p, v, h in zip(periods, values, hidden, strict=True) if not h]
    trend = comparator_trend([p for p, _ in shown], [v for _, v in shown], launch, since)
    unit = str(held["unit"].iloc[0]) if not held.empty and "unit" in held else ""
    fitted = (
        dict(zip(trend.periods, map(float, trend.fit.fitted), strict=True)) if trend.fit else {}
    )
    rows = [
        {
            "period": p,
            "value": None if h else v,
            "fitted": fitted.get(p),
            "display": [
                p,
                SUPPRESSION_MARKER if h else display_value(v, 1),
                "—" if p not in fitted else display_value(fitted[p], 1),
            ],
        }
        for p, v, h in zip(periods, values, hidden, strict=True)
    ]
    frame = pd.DataFrame(
        {
            "period": trend.periods,
            "observed": trend.values,
            "fitted": [fitted.get(p) for p in trend.periods],
        }
    )
    return {
        "id": f"its-{c.id}",
        "label": c.label,
        "dataset": c.dataset,
        "measure": c.measure,
        "unit": unit,
        "differences": list(c.differences),
        "rows": rows,
        "fitted_years": trend.periods,
        "fit": _fit(trend.fit) if trend.fit else None,
        "reason": trend.reason,
        # The yearly trend before the launch over the years it shares with the deaths.
        "before": None
        if trend.before is None or trend.before_years is None
        else {
            **_ratio(trend.before),
            "from": trend.before_years[0],
            "to": trend.before_years[1],
        },
        "title": c.label,
        "caption": f"{c.label}, by year of registration",
        "summary": (
            f"At {launch} the level changed by ×{trend.fit.level_change.estimate:.3f} and the "
            f"yearly trend by ×{trend.fit.slope_change.estimate:.3f}."
            if trend.fit
            else (trend.reason or "")
        ),
        "spec": charts.its_chart(
            frame,
            str(launch),
            unit,
            f"{c.label} by year"
            + (f", with the segmented model around {launch}." if trend.fit else "."),
        )
        if trend.periods
        else None,
    }


def _its(data: SiteData, ev: Evaluation) -> dict[str, Any]:
    launch = ev.launch.date.year
    deaths_trend = _deaths_trend(data)
    since = int(deaths_trend["first"]) if deaths_trend else None
    return {
        "launch": launch,
        "deaths": deaths_trend,
        "comparators": [_comparator(data, c, launch, since) for c in ev.comparators],
        "comparators_note": ev.comparators_note,
    }


def evaluation(data: SiteData) -> dict[str, Any]:
    """The evaluation page of ``data``'s configuration (NotFoundError: it declares none)."""
    ev = load_evaluation(data.configuration)
    if ev is None:
        raise NotFoundError("this configuration declares no evaluation")
    return page_model(
        data.configuration,
        TITLE,
        programme=ev.programme,
        evaluator=None
        if ev.evaluator is None
        else {"quote": ev.evaluator.quote, "source": _citation(ev.evaluator.source)},
        launch={
            "date": ev.launch.date.isoformat(),
            "display": f"{ev.launch.date.day} {ev.launch.date:%B %Y}",
            "quote": ev.launch.quote,
            "source": _citation(ev.launch.source),
        },
        contribution={"quote": ev.contribution.quote, "source": _citation(ev.contribution.source)},
        questions=[
            {
                "id": q.id,
                "text": q.text,
                "source": _citation(q.source),
                "outcomes": [_outcome(data, o) for o in q.outcomes],
                "scorecard": _scorecard(data, q.indicators),
                "evidence": list(q.evidence),
            }
            for q in ev.questions
        ],
        questions_note=ev.questions_note,
        findings=[
            {
                "outcome": _outcome(data, f.outcome),
                "quotes": list(f.quotes),
                "source": _citation(f.source),
                "scorecard": _scorecard(data, f.indicators),
            }
            for f in ev.findings
        ],
        # The outcomes no published finding is held for, said so rather than left out.
        without_findings=[
            _outcome(data, o)
            for o in data.outcomes
            if o.isdigit() and o not in {f.outcome for f in ev.findings}
        ],
        its=_its(data, ev),
    )
