"""Drug deaths across sources and editions: NRS confirmed deaths (final, every edition
kept) beside Police Scotland suspected drug deaths (provisional), and the trend around the
Mission's launch.

For example::

    rows = reconciliation(site_data.results, site_data.revisions)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from missionmonitor import config
from missionmonitor.config import surveillance
from missionmonitor.errors import MethodInputError
from missionmonitor.indicators.catalogue import get_indicator
from missionmonitor.methods.segmented import SegmentedFit, segmented_regression
from missionmonitor.refdata.geography import national_code


def _scotland(
    configuration: config.Configuration, results: pd.DataFrame, indicator: str
) -> pd.DataFrame:
    r = results[
        (results["indicator_id"] == indicator)
        & (results["area_code"] == national_code(configuration))
    ]
    return r[~r["suppressed"].astype(bool)]


def reconciliation(
    configuration: config.Configuration, results: pd.DataFrame, revisions: pd.DataFrame
) -> list[dict[str, Any]]:
    """One row per registration year: confirmed deaths (latest edition), every revision
    between editions with its size, and the suspected deaths recorded by Police Scotland
    for the calendar year (when all four quarters are published), with the difference."""
    spec = surveillance(configuration)
    if spec.deaths is None:
        return []
    confirmed = _scotland(configuration, results, spec.deaths).set_index("period")["value"]
    suspected = _scotland(configuration, results, spec.suspected_deaths or "")
    quarters = suspected.assign(year=suspected["period"].str[:4])
    whole = quarters.groupby("year").filter(lambda g: len(g) == 4)
    police = whole.groupby("year")["value"].sum()
    # The editions of the figures the confirmed deaths are read from.
    source = get_indicator(configuration, spec.deaths).method
    held = revisions[
        (revisions["dataset"] == source.dataset)
        & (revisions["measure"] == source.measure)
        & (revisions["area_code"] == national_code(configuration))
    ]
    rows = []
    for year in sorted(set(confirmed.index) | set(police.index)):
        editions = held[held["period"] == year].sort_values("vintage_rank")
        steps = []
        values = list(editions["value"])
        vintages = list(editions["vintage"])
        for i in range(1, len(values)):
            steps.append(
                {
                    "from": vintages[i - 1],
                    "to": vintages[i],
                    "first": float(values[i - 1]),
                    "revised": float(values[i]),
                    "size": float(values[i] - values[i - 1]),
                }
            )
        c = float(confirmed[year]) if year in confirmed.index else None
        p = float(police[year]) if year in police.index else None
        rows.append(
            {
                "year": year,
                "confirmed": c,
                "revisions": steps,
                "first_published": float(values[0]) if values else c,
                "suspected": p,
                "suspected_minus_confirmed": p - c if p is not None and c is not None else None,
            }
        )
    return rows


def drugs_implicated(drugs: pd.DataFrame) -> list[dict[str, Any]]:
    """Drugs implicated in deaths by year (a death can involve several, so shares add up to
    more than 100%), with deaths and the percentage of all drug deaths where published, and
    the share of deaths with more than one drug present."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    columns = (
        drugs["measure"].astype(str),
        drugs["period"].astype(str),
        drugs["value"].astype(float),
        drugs["vintage"].astype(str),
    )
    for measure, period, value, vintage in zip(*columns, strict=True):
        if measure.startswith("more_than_one_drug"):
            drug, field = "More than one drug present (polydrug)", "percent"
        else:
            name = measure.removeprefix("drugs_implicated_")
            field = "percent" if name.endswith("_pct") else "deaths"
            drug = name.removesuffix("_pct").replace("_", " / ").capitalize()
        row = rows.setdefault(
            (drug, period),
            {"drug": drug, "year": period, "deaths": None, "percent": None, "sources": []},
        )
        row[field] = value
        row["sources"].append(vintage)
    return sorted(rows.values(), key=lambda x: (x["year"], x["drug"]), reverse=True)


def trend_around_launch(
    configuration: config.Configuration,
    results: pd.DataFrame,
    launch: int | None = None,
    family: str = "quasipoisson",
    quarterly: bool = False,
) -> tuple[list[str], SegmentedFit]:
    """Segmented regression around ``launch`` (a year; by default the configuration's
    ``surveillance.launch_year``) of annual NRS drug deaths, or with ``quarterly`` of
    Police Scotland's quarterly suspected drug deaths (from its first quarter)."""
    years, _, fit = observed_around_launch(configuration, results, launch, family, quarterly)
    return years, fit


def observed_around_launch(
    configuration: config.Configuration,
    results: pd.DataFrame,
    launch: int | None = None,
    family: str = "quasipoisson",
    quarterly: bool = False,
) -> tuple[list[str], np.ndarray, SegmentedFit]:
    """As ``trend_around_launch``, with the published figures the model was fitted to
    (oldest first), for pages that draw them beside the fit."""
    spec = surveillance(configuration)
    launch = launch if launch is not None else spec.launch_year
    if launch is None:
        raise MethodInputError("the configuration names no launch year (surveillance.launch_year)")
    indicator = (spec.suspected_deaths if quarterly else spec.deaths) or ""
    deaths = _scotland(configuration, results, indicator).sort_values("period_start")
    years = [str(p) for p in deaths["period"]]
    after = [i for i, y in enumerate(years) if int(y[:4]) >= launch]
    if not after:
        raise MethodInputError(f"no {indicator} figures from {launch} on")
    first_after = after[0]
    values = deaths["value"].to_numpy(float)
    fit = segmented_regression(values, first_after, family)  # type: ignore[arg-type]
    return years, values, fit
