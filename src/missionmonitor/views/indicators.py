"""View models of the indicator pages: search, one indicator with its trend, comparison of
areas, funnel plot, revisions and downloads."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from missionmonitor.config import Configuration
from missionmonitor.data import load_sources
from missionmonitor.errors import NotFoundError
from missionmonitor.formatting import display_value
from missionmonitor.indicators.catalogue import Indicator
from missionmonitor.indicators.engine import RESULT_COLUMNS
from missionmonitor.indicators.kinds import filter_observations
from missionmonitor.methods.disclosure import hide_small
from missionmonitor.methods.funnels import poisson_funnel
from missionmonitor.refdata.geography import area_types, national_code, national_name, national_type
from missionmonitor.services.site_data import SiteData
from missionmonitor.views import charts, maps, provenance
from missionmonitor.views.common import (
    SIGNIFICANCE,
    as_number,
    definition_view,
    indicator_summary,
    page_model,
    result_row,
    results_of,
)
from missionmonitor.views.gaps import gaps, periods_text, statement_of
from missionmonitor.views.scorecard import success_view
from missionmonitor.views.trends import trend_statement

#: Points along each funnel-plot control limit.
FUNNEL_POINTS = 25


def indicators(
    data: SiteData, q: str = "", outcome: str = "", source: str = "", geography: str = ""
) -> dict[str, Any]:
    q_low = q.strip().lower()
    types = area_types(data.configuration)
    for name, value, known in (
        ("outcome", outcome, data.outcomes),
        ("source", source, data.datasets),
        ("geography", geography, types),
    ):
        if value and value not in known:
            raise NotFoundError(f"there is no {name} {value!r} to filter by")
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
        found.append(indicator_summary(ind, data))
    return page_model(
        data.configuration,
        "Indicators",
        indicators=found,
        filters={"q": q, "outcome": outcome, "source": source, "geography": geography},
        options={
            "outcome": [{"value": o.id, "label": o.title} for o in data.outcomes.values()],
            "source": [{"value": d.name, "label": d.title} for d in data.datasets.values()],
            "geography": [{"value": t, "label": data.geo.types[t].label} for t in types],
        },
    )


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
    df = results_of(data, ind.id)
    if df.empty:
        return _no_figures_yet(ind, data)
    nation_code, nation = national_code(data.configuration), national_name(data.configuration)
    has_nation = bool((df["area_code"] == nation_code).any())
    area_code = (
        data.geo.resolve(area) if area else (nation_code if has_nation else df["area_code"].iloc[0])
    )
    trend = df[df["area_code"] == area_code]
    if trend.empty:
        raise NotFoundError(f"{ind.id} has no results for area {area}")
    scot = df[df["area_code"] == nation_code]
    nation_type = national_type(data.configuration)
    types = [t for t in ind.geography if t != nation_type and (df["area_type"] == t).any()]
    chosen_type = area_type if area_type in types else (types[0] if types else None)
    if area_type and area_type not in types:
        raise NotFoundError(f"{ind.id} is not published for area type {area_type!r}")
    breaks = [v.effective_from for v in ind.definition_versions if not v.comparable_with_previous]
    area_name = data.geo.area(area_code).name
    trend_rows = [result_row(ind, r, data) for _, r in trend.iterrows()]
    fitted = trend_statement(ind, trend_rows, area_name)
    page = page_model(
        data.configuration,
        ind.title,
        indicator=definition_view(ind, data),
        area={"code": area_code, "name": area_name},
        success=success_view(data, ind, trend_rows, area_code),
        trend={
            "id": "trend",
            "title": f"{ind.title}: {area_name}",
            "caption": f"{ind.title}, {area_name}, by period"
            + (f" (dashed: {nation})" if area_code != nation_code else ""),
            "summary": _trend_sentence(ind, trend_rows, area_name, fitted),
            "fitted_trend": fitted,
            "spec": charts.trend_chart(
                trend[["period", "value", "lci", "uci"]],
                ind.title,
                ind.unit,
                breaks,
                None if area_code == nation_code else scot,
            ),
            "rows": trend_rows,
            "secondary": periods_text(
                provenance.secondary_periods(data.configuration, trend_rows),
                [r["period"] for r in trend_rows],
            ),
        },
        comparison=None,
        funnel=None,
        map=None,
        area_types=types,
        area_type=chosen_type,
        revisions=_revisions(ind, data, area_code, trend),
        editions=provenance.editions(data.configuration, trend_rows),
        area_options=sorted(
            ({"value": c, "label": data.geo.area(c).name} for c in df["area_code"].unique()),
            key=lambda o: (o["value"] != nation_code, o["label"]),
        ),
        area_type_options=[{"value": t, "label": data.geo.types[t].plural} for t in types],
    )
    if chosen_type:
        page.update(_comparison(ind, data, df, chosen_type, period))
    page["gaps"] = gaps(ind, df, data.geo)
    page["downloads"] = {
        fmt: _download_url(ind.id, area_code, chosen_type, page.get("period"), fmt)
        for fmt in ("csv", "xlsx", "json")
    }
    datasets = provenance.indicator_declarations(data.datasets, ind.sources, ind.method.dataset)
    return provenance.with_sources(data.configuration, page, datasets)


#: Said on the page of an indicator whose figures come from data not held yet.
NO_FIGURES_YET = (
    "No figures are held for this indicator yet. It is computed from {datasets}, which is "
    "not shipped (record-level data are confidential): see the user guide on loading it."
)


def _no_figures_yet(ind: Indicator, data: SiteData) -> dict[str, Any]:
    """The indicator page before any figure is held: its definition, and why it is empty."""
    titles = " and ".join(
        data.datasets[s].title.lower() if s in data.datasets else s for s in ind.sources
    )
    page = page_model(
        data.configuration,
        ind.title,
        indicator=definition_view(ind, data),
        area={"code": national_code(data.configuration), "name": national_name(data.configuration)},
        success=success_view(data, ind, [], national_code(data.configuration)),
        trend={
            "id": "trend",
            "title": ind.title,
            "caption": ind.title,
            "rows": [],
            "summary": "",
            "spec": None,
        },
        comparison=None,
        funnel=None,
        map=None,
        area_types=[],
        area_type=None,
        revisions=[],
        area_options=[],
        area_type_options=[],
        no_figures=NO_FIGURES_YET.format(datasets=titles),
        figure_sources=[],
    )
    page["downloads"] = {
        fmt: _download_url(ind.id, national_code(data.configuration), None, None, fmt)
        for fmt in ("csv", "xlsx", "json")
    }
    return page


def _download_url(
    ind_id: str, area: str, area_type: str | None, period: str | None, fmt: str
) -> str:
    from urllib.parse import urlencode

    params = {
        "area": area,
        **({"area_type": area_type} if area_type else {}),
        **({"period": period} if period else {}),
    }
    return f"/indicators/{ind_id}/data.{fmt}?{urlencode(params)}"


def _trend_sentence(
    ind: Indicator, rows: list[dict[str, Any]], area_name: str, fitted: dict[str, Any] | None
) -> str:
    shown = [r for r in rows if r["value"] is not None]
    if not shown:
        return f"All values for {area_name} are suppressed to protect confidentiality."
    last = shown[-1]
    text = f"The latest value for {area_name} is {last['display']} {ind.unit} ({last['period']})"
    if last["change_vs_previous"] is not None:
        text += f", {last['direction']} on {(len(shown) > 1 and shown[-2]['period']) or 'before'}"
        text += f" ({last['display_change']})"
    return text + "." + (f" {fitted['sentence']}" if fitted else "")


def _comparison(
    ind: Indicator, data: SiteData, df: pd.DataFrame, area_type: str, period: str | None
) -> dict[str, Any]:
    of_type = df[df["area_type"] == area_type]
    periods = list(dict.fromkeys(of_type.sort_values("period_start")["period"]))
    if period is not None and period not in periods:
        raise NotFoundError(f"{ind.id} has no {area_type} results for {period!r}")
    chosen = period or periods[-1]
    rows = of_type[of_type["period"] == chosen]
    shown = [result_row(ind, r, data) for _, r in rows.iterrows()]
    shown.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0)))
    visible = pd.DataFrame([r for r in shown if r["value"] is not None])
    scot = df[(df["area_code"] == national_code(data.configuration)) & (df["period"] == chosen)]
    scot_value = as_number(scot["value"].iloc[0]) if not scot.empty else None
    label, nation = data.geo.types[area_type].plural, national_name(data.configuration)
    comparison = {
        "id": "comparison",
        "period": chosen,
        "period_options": [{"value": p, "label": p} for p in reversed(periods)],
        "title": f"{ind.title}: {label}, {chosen}",
        "caption": f"{ind.title}: {label}, {chosen}, ranked, with 95% intervals",
        "summary": _comparison_sentence(shown, label, scot_value, ind, nation),
        "spec": charts.comparison_chart(data.configuration, visible, ind.unit, scot_value)
        if len(visible)
        else None,
        "rows": shown,
        "national": scot_value,
    }
    funnel = None
    drawn_as_funnel = ind.method.kind == "rate_from_averages" or ind.method.funnel
    if drawn_as_funnel and len(visible) and scot_value:
        funnel = _funnel(data.configuration, ind, visible, scot_value, chosen)
    drawn = None
    if maps.mappable(data.configuration):
        drawn = maps.indicator_map(
            "map",
            data,
            ind,
            shown,
            area_type,
            chosen,
            link={"area_type": area_type, "period": chosen},
        )
    return {"comparison": comparison, "funnel": funnel, "map": drawn, "period": chosen}


def _comparison_sentence(
    rows: list[dict[str, Any]], label: str, scot: float | None, ind: Indicator, nation: str
) -> str:
    counts = {k: sum(r["vs_national"] == k for r in rows) for k in SIGNIFICANCE}
    hidden = sum(r["value"] is None for r in rows)
    text = (
        f"Of {len(rows)} {label}, {counts['higher']} are significantly higher than "
        f"{nation}, {counts['lower']} significantly lower and "
        f"{counts['no_difference']} not significantly different"
    )
    if scot is not None:
        text += f" ({nation}: {display_value(scot, ind.decimals)})"
    if hidden:
        text += f"; {hidden} suppressed to protect confidentiality"
    return text + "."


def _funnel(
    configuration: Configuration, ind: Indicator, visible: pd.DataFrame, scot: float, period: str
) -> dict[str, Any]:
    low_n, high_n = max(visible["denominator"].min() * 0.5, 1), visible["denominator"].max() * 2
    # A share (a ratio funnel) is set against its denominator, a rate against population.
    what, base = (
        ("share", (ind.denominator or "denominator").lower())
        if ind.method.funnel
        else ("rate", "population")
    )
    average = scot / ind.method.multiplier
    # Exact Poisson limits (methods.funnels, as PHEindicatormethods) traced through a few
    # dozen counts spaced on a log axis; more points only swell the page's JSON.
    counts = np.unique(
        np.round(np.geomspace(max(low_n * average, 1), high_n * average * 1.5, FUNNEL_POINTS))
    )
    points = poisson_funnel(np.concatenate([[0.0], counts])).rate_limits(
        scot, multiplier=ind.method.multiplier
    )
    limits = []
    for level, tag in (("95%", "2s"), ("99.8%", "3s")):
        for name in ("lower", "upper"):
            sizes, values = points[f"{name}_{tag}_population_1_year"], points[f"{name}_{tag}_limit"]
            keep = np.isfinite(values) & (sizes >= low_n) & (sizes <= high_n)
            limits += [
                {
                    "denominator": float(f"{n:.6g}"),
                    "limit": float(f"{v:.6g}"),
                    "level": level,
                    "limit_name": f"{level} {name}",
                }
                for n, v in sorted(zip(sizes[keep], values[keep], strict=True))
            ]
    return {
        "id": "funnel",
        "title": f"Funnel plot, {period}",
        "caption": f"{ind.title}: each area's {what} against its {base}, {period}; lines "
        f"are 95% and 99.8% limits around the {national_name(configuration)} {what}",
        "summary": f"Areas outside the limits differ from {national_name(configuration)} by "
        "more than chance would explain; the ranked chart and table give each area's "
        "interval.",
        "spec": charts.funnel_chart(
            configuration, visible, pd.DataFrame(limits), ind.unit, base[:1].upper() + base[1:]
        ),
    }


def _revisions(
    ind: Indicator, data: SiteData, area_code: str, trend: pd.DataFrame
) -> list[dict[str, Any]]:
    """Every figure behind this area's published trend that was revised between vintages."""
    rev = data.revisions
    m = ind.method
    published = set(trend.loc[~trend["suppressed"].astype(bool), "period"])
    sub = rev[
        (rev["dataset"] == m.dataset)
        & (rev["measure"] == m.measure)
        & (rev["area_code"] == area_code)
        & rev["period"].isin(published)
    ]
    sub = filter_observations(ind, sub)
    # Earlier editions go through the same primary suppression as the published figures.
    threshold = ind.disclosure.threshold if m.value_is_count else 0
    out = []
    for period, grp in sub.groupby("period", sort=False):
        shown = hide_small([as_number(x) for x in grp["value"]], threshold)
        held = [{"vintage": v, "value": x} for v, x in zip(grp["vintage"], shown, strict=True)]
        first, last = shown[0], shown[-1]
        change = None if first is None or last is None else as_number(last - first)
        out.append({"period": period, "vintages": held, "change": change})
    return out


#: The columns of a figure in an indicator page's download, in order: the published
#: result's, with the area's name beside its code.
DOWNLOAD_COLUMNS = ("area_code", "area_name", *RESULT_COLUMNS[2:])


def download_rows(configuration: Configuration, page: dict[str, Any]) -> pd.DataFrame:
    """Exactly the figures an indicator page shows: its trend and its comparison table."""
    cols = list(DOWNLOAD_COLUMNS)
    frames = [pd.DataFrame(page["trend"]["rows"], columns=[*cols, "sources"]).assign(view="trend")]
    if page.get("comparison"):
        rows = pd.DataFrame(page["comparison"]["rows"], columns=[*cols, "sources"])
        frames.append(rows.assign(view="comparison"))
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "indicator_id", page["indicator"]["id"])
    # Each row's provenance: the editions it comes from, their status and publication date.
    registry = load_sources(configuration)

    def about(vintage: Any, field: str) -> str:
        found = [registry.get(k.strip()) for k in str(vintage or "").split(";") if k.strip()]
        return "; ".join(
            str(getattr(f, field) or "") if f else "not in the source register" for f in found
        )

    out["source_status"] = [about(v, "status") for v in out["vintage"]]
    out["published"] = [about(v, "published") for v in out["vintage"]]
    out["source"] = [about(v, "source") for v in out["vintage"]]
    # Each row's edition and the publisher's resource it was read from.
    out = out.join(provenance.download_columns(out["sources"], page["figure_sources"]))
    # What the table of each row's area type lacks (a partial table is said to be one).
    out["gaps"] = [statement_of(page.get("gaps", []), str(t)) for t in out["area_type"]]
    extra = ["source_status", "published", "source", *provenance.DOWNLOAD_COLUMNS, "gaps"]
    return out[["indicator_id", "view", *cols, *extra]]
