"""A target's balancing indicators: each one's latest figure for an area, and, for each one
without a figure there, why not and where its figures would come from. Every sentence is
worked out from what is held, so it changes as data are loaded.

For example::

    values = balancing_values(configuration, get_target(configuration, "ost_32000"),
                              results, "S92000003")
    balancing_note(values)  # "4 of 8 balancing indicators have a figure here. Not published
                            #  here: ..."
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from missionmonitor import config
from missionmonitor.datasets.declaration import load_declarations
from missionmonitor.formatting import display_value
from missionmonitor.indicators.catalogue import Indicator, load_catalogue
from missionmonitor.refdata.geography import Geography, area_type_plural
from missionmonitor.targets.definitions import Target

SYNTHETIC_NOTE = (
    "Some of these figures are SYNTHETIC: computed from generated records for demonstration, "
    "not from real prescribing data."
)


def _published(results: pd.DataFrame, indicator: str, area: str | None = None) -> pd.DataFrame:
    rows = results[results["indicator_id"] == indicator]
    if area is not None:
        rows = rows[rows["area_code"] == area]
    return rows[~rows["suppressed"].astype(bool)].sort_values("period_start")


def source_of(configuration: config.Configuration, ind: Indicator) -> str:
    """The datasets an indicator's figures come from, named with their publishers."""
    decls = load_declarations(configuration)
    names = [f"{decls[s].title} ({decls[s].publisher})" if s in decls else s for s in ind.sources]
    return "; ".join(names)


def _why_missing(
    configuration: config.Configuration, ind: Indicator, results: pd.DataFrame, area_type: str
) -> str:
    """Why an indicator has no figure for an area of ``area_type``, in a clause."""
    if _published(results, ind.id).empty:
        return f"no figures held; they would come from {source_of(configuration, ind)}"
    if area_type not in ind.geography:
        where = ", ".join(area_type_plural(configuration, t) for t in ind.geography)
        return (
            f"not published for {area_type_plural(configuration, area_type)}; published for {where}"
        )
    return "no figure held for this area"


def balancing_values(
    configuration: config.Configuration, target: Target, results: pd.DataFrame, area: str
) -> list[dict[str, Any]]:
    """The latest value of each balancing indicator for ``area``; where there is none,
    ``latest`` is None and ``missing`` says why and where its figures would come from."""
    catalogue = load_catalogue(configuration)
    area_type = Geography.of(configuration).area(area).type
    out = []
    for b in target.balancing:
        ind = catalogue[b.indicator]
        rows = _published(results, b.indicator, area)
        item: dict[str, Any] = {
            "aspect": b.aspect,
            "indicator": b.indicator,
            "title": ind.title,
            "unit": ind.unit,
            "source": source_of(configuration, ind),
            "latest": None,
            "missing": None,
        }
        if rows.empty:
            item["missing"] = _why_missing(configuration, ind, results, area_type)
        else:
            r = rows.iloc[-1]
            interval = ""
            if pd.notna(r["lci"]):
                interval = (
                    f" (95% CI {display_value(r['lci'], ind.decimals)} to "
                    f"{display_value(r['uci'], ind.decimals)})"
                )
            item["latest"] = {
                "period": r["period"],
                "value": float(r["value"]),
                "status": r["status"],
                "display": display_value(r["value"], ind.decimals) + interval,
            }
        out.append(item)
    return out


def missing_sentence(values: list[dict[str, Any]], lead: str = "Not published here") -> str | None:
    """The balancing indicators without a figure, grouped by why, after ``lead`` (None if
    none is missing)."""
    reasons: dict[str, list[str]] = {}
    for v in values:
        if v["latest"] is None:
            reasons.setdefault(v["missing"], []).append(v["title"])
    if not reasons:
        return None
    return f"{lead}: " + "; ".join(
        f"{', '.join(titles)} ({why})" for why, titles in reasons.items()
    )


def balancing_note(values: list[dict[str, Any]]) -> str | None:
    """What to say about the balancing indicators: how many have a figure, each missing one
    with why, and whether any is synthetic."""
    if not values:
        return None
    held = [v for v in values if v["latest"] is not None]
    notes = []
    if not held:
        notes.append(
            f"None of the {len(values)} balancing indicators has a figure here, so the "
            "target's progress is not a complete picture."
        )
    elif len(held) < len(values):
        notes.append(f"{len(held)} of {len(values)} balancing indicators have a figure here.")
    if sentence := missing_sentence(values):
        notes.append(sentence + ".")
    if any(v["latest"]["status"] == "SYNTHETIC" for v in held):
        notes.append(SYNTHETIC_NOTE)
    return " ".join(notes) or None
