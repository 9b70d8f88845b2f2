"""Figures divided by the mid-year population of the period's own year: an amount per head
(``per_head``) and a count per 100,000 people with its Poisson interval
(``population_rate``).

A period whose year has no population held gets no figure: no population is carried
forward from an earlier year or interpolated between years (see ``populations``). Each
figure's vintage names the estimates its denominator comes from, beside its numerator's.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from missionmonitor.indicators.area_sums import sum_up
from missionmonitor.indicators.catalogue import Indicator
from missionmonitor.indicators.kinds import BASE_COLUMNS, Reader, filter_observations, observed
from missionmonitor.indicators.populations import population_vintages, populations
from missionmonitor.methods.poisson import crude_rate
from missionmonitor.periods import parse_period
from missionmonitor.refdata.geography import Geography


def per_head(ind: Indicator, read: Reader, geo: Geography) -> pd.DataFrame:
    """A financial year's amount (such as spend) divided by the area's mid-year population
    of the year the financial year starts in; summed from the reporting areas into
    ``aggregate_to``."""
    m = ind.method
    obs = filter_observations(ind, read(m.dataset, [m.measure]))
    out = obs[["area_code", "period", "value", "vintage"]].copy()
    out["suppressed"] = obs["suppressed_at_source"].astype(bool)
    if m.aggregate_to:
        out = pd.concat(
            [out, sum_up(out, ["value"], m.aggregate_to, geo)[list(out.columns)]], ignore_index=True
        )
    out = _with_population(out.assign(lci=np.nan, uci=np.nan, status=ind.status), geo)
    out["numerator"] = out["value"].astype(float)
    out["value"] = out["numerator"] / out["denominator"] * m.multiplier
    return out[list(BASE_COLUMNS)]


def population_rate(ind: Indicator, read: Reader, geo: Geography) -> pd.DataFrame:
    """Events counted in the period (the ``observed`` counts, summed into ``aggregate_to``)
    per ``multiplier`` people of the area's mid-year population of the period's year, with
    the Poisson interval of a crude rate (exact below 10 events, Byar's from 10)."""
    m = ind.method
    out = _with_population(observed(ind, read, geo), geo)
    counts = out["numerator"].to_numpy(dtype=float)
    known = ~np.isnan(counts)
    rate = crude_rate(
        np.where(known, counts, 0), out["denominator"].to_numpy(float), m.multiplier, m.confidence
    )
    out["value"] = np.where(known, rate.value, np.nan)
    out["lci"] = np.where(known, rate.lower, np.nan)
    out["uci"] = np.where(known, rate.upper, np.nan)
    return out[list(BASE_COLUMNS)]


def _with_population(frame: pd.DataFrame, geo: Geography) -> pd.DataFrame:
    """The rows of ``frame`` whose period's first year has a population held for the area,
    with it as their denominator and its estimates' vintage added to theirs."""
    pops, vintages = populations(geo), population_vintages(geo)
    years = frame["period"].map(lambda p: parse_period(str(p)).start.year)
    denominator = [
        pops.get(int(y), {}).get(str(a), np.nan)
        for y, a in zip(years, frame["area_code"], strict=True)
    ]
    out = frame.assign(denominator=denominator, _year=years)
    out = out[out["denominator"] > 0].reset_index(drop=True)
    out["vintage"] = [
        f"{v};{vintages[int(y)]}" for v, y in zip(out["vintage"], out["_year"], strict=True)
    ]
    return out.drop(columns="_year")


#: The kinds of ``KINDS`` that divide by a population.
PER_POPULATION: dict[str, Callable[[Indicator, Reader, Geography], pd.DataFrame]] = {
    "per_head": per_head,
    "population_rate": population_rate,
}
