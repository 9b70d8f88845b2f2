"""What every page view model shares: the page frame, a result as a table row, an
indicator's definition and latest summary."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from missionmonitor import config
from missionmonitor.formatting import display_change, display_value
from missionmonitor.indicators.catalogue import Indicator
from missionmonitor.refdata.geography import national_code, national_name
from missionmonitor.services.results import latest_result, records
from missionmonitor.services.site_data import SiteData

#: How an area compares with the national value (the keys of ``vs_national``).
SIGNIFICANCE = ("higher", "lower", "no_difference")


def significance_labels(configuration: config.Configuration) -> dict[str, str]:
    """The words for each comparison with the national value."""
    nation = national_name(configuration)
    return {
        "higher": f"Higher than {nation}",
        "lower": f"Lower than {nation}",
        "no_difference": "No significant difference",
    }


def as_number(v: Any) -> float | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    return float(v)


def _tristate(v: Any) -> bool | None:
    """A nullable boolean from the store (True, False, or missing → None)."""
    return None if v is None or v is pd.NA else bool(v)


def _significance(configuration: config.Configuration, vs: str) -> str:
    return significance_labels(configuration).get(vs, "Not compared")


def _direction(ind: Indicator, r: pd.Series | Mapping[str, Any]) -> str:
    if _tristate(r["comparable_with_previous"]) is False:
        return "not comparable (series break)"
    change = as_number(r["change_vs_previous"])
    if change is None:
        return "no previous period"
    if change == 0:
        return "no change"
    significant = _tristate(r["change_significant"])
    if significant is False:
        return ("higher" if change > 0 else "lower") + ", not a significant change"
    if significant is None or ind.polarity == "neutral":
        return "higher" if change > 0 else "lower"
    better = (change > 0) == (ind.polarity == "higher_is_better")
    return "improving" if better else "worsening"


def result_row(ind: Indicator, r: pd.Series | Mapping[str, Any], data: SiteData) -> dict[str, Any]:
    """One result as the site shows it."""
    area = data.geo.areas.get(r["area_code"])
    value, lci, uci = as_number(r["value"]), as_number(r["lci"]), as_number(r["uci"])
    change, pct = as_number(r["change_vs_previous"]), as_number(r["change_pct_vs_previous"])
    change_text = "—"
    if change is not None:
        change_text = display_change(change, pct, ind.decimals)
    elif _tristate(r["comparable_with_previous"]) is False:
        change_text = "series break"
    return {
        "indicator_id": ind.id,
        "area_code": r["area_code"],
        "area_name": area.name if area else r["area_code"],
        "area_type": r["area_type"],
        "period": r["period"],
        "value": value,
        "lci": lci,
        "uci": uci,
        "numerator": as_number(r["numerator"]),
        "denominator": as_number(r["denominator"]),
        "suppressed": bool(r["suppressed"]),
        "status": r["status"],
        "vintage": r["vintage"],
        "definition_version": int(r["definition_version"]),
        "comparable_with_previous": _tristate(r["comparable_with_previous"]),
        "vs_national": r["vs_national"],
        "significance": _significance(data.configuration, r["vs_national"]),
        "change_vs_previous": change,
        "change_pct_vs_previous": pct,
        "change_unit": r["change_unit"],
        "change_significant": _tristate(r["change_significant"]),
        "display": display_value(value, ind.decimals),
        "display_lci": "" if lci is None else display_value(lci, ind.decimals),
        "display_uci": "" if uci is None else display_value(uci, ind.decimals),
        "display_change": change_text,
        "direction": _direction(ind, r),
        "note": r["note"],
    }


def latest_shown(
    data: SiteData,
    ind: Indicator,
    area: str | None = None,
    end: dt.date | None = None,
    rows: pd.DataFrame | None = None,
) -> dict[str, Any] | None:
    """The area's latest result as pages show it (``latest_result``: of a period ending by
    ``end``, if given; None: of any area); ``rows``: the indicator's results already picked
    out (many areas at once)."""
    df = results_of(data, ind.id) if rows is None else rows
    if area is not None:
        df = df[df["area_code"] == area]
    picked = latest_result(records(df), area, end)
    return None if picked is None else result_row(ind, picked, data)


def results_of(data: SiteData, indicator_id: str) -> pd.DataFrame:
    df = data.results[data.results["indicator_id"] == indicator_id]
    return df.sort_values("period_start")


def indicator_summary(ind: Indicator, data: SiteData) -> dict[str, Any]:
    """An indicator's headline: its latest national value (or latest of any area)."""
    df = results_of(data, ind.id)
    latest = latest_shown(data, ind, national_code(data.configuration), rows=df) or latest_shown(
        data, ind, rows=df
    )
    return {
        "id": ind.id,
        "title": ind.title,
        "outcome": ind.outcome,
        "unit": ind.unit,
        "polarity": ind.polarity,
        "status": ind.status,
        "geography": list(ind.geography),
        "sources": list(ind.sources),
        "period_type": ind.period_type,
        "latest": latest,
        "comparability": "series break in the trend"
        if any(not v.comparable_with_previous for v in ind.definition_versions)
        else "comparable throughout",
    }


def page_model(configuration: config.Configuration, title: str, **content: Any) -> dict[str, Any]:
    return {"title": title, "licence": configuration.attribution, **content}


# ---- home and outcomes ---------------------------------------------------------------


def definition_view(ind: Indicator, data: SiteData) -> dict[str, Any]:
    return {
        "id": ind.id,
        "title": ind.title,
        "outcome": {"id": ind.outcome, "title": data.outcomes[ind.outcome].title},
        "definition": ind.definition.strip(),
        "rationale": ind.rationale.strip(),
        "numerator": ind.numerator,
        "denominator": ind.denominator,
        "method": ind.method.kind,
        "interval": (ind.ci_method or "").strip(),
        "unit": ind.unit,
        "polarity": ind.polarity,
        "geography": list(ind.geography),
        "period_type": ind.period_type,
        "status": ind.status,
        "decimals": ind.decimals,
        "disclosure": (
            f"Counts from 1 to {ind.disclosure.threshold} are suppressed, with "
            "secondary suppression so they cannot be worked out from totals."
            if ind.disclosure.threshold
            else "No small counts are involved."
        ),
        "sources": [
            {
                "name": d,
                "title": data.datasets[d].title,
                "publisher": data.datasets[d].publisher,
                "licence": data.datasets[d].licence,
                "frequency": data.datasets[d].frequency,
                "releases": [r.model_dump() for r in data.datasets[d].releases],
            }
            for d in ind.sources
        ],
        "versions": [
            {
                "version": v.version,
                "label": v.label,
                "from": v.effective_from,
                "comparable_with_previous": v.comparable_with_previous,
                "break_reason": (v.break_reason or "").strip(),
            }
            for v in ind.definition_versions
        ],
        "caveats": [c.strip() for c in ind.caveats],
    }
