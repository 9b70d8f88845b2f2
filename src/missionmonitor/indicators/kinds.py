"""The computation behind each method kind named in the catalogue.

Each function takes observations and returns a frame with the columns of ``BASE_COLUMNS``;
the engine then applies what every indicator shares (definition versions, disclosure,
comparison with Scotland, change on the previous period).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from missionmonitor.indicators.area_sums import same_place, sum_up
from missionmonitor.indicators.catalogue import Indicator
from missionmonitor.methods.disclosure import primary_mask
from missionmonitor.methods.poisson import crude_rate
from missionmonitor.methods.proportions import wilson
from missionmonitor.methods.rolling import likely_range, trailing_mean
from missionmonitor.periods import parse_period, period_type_of, rolling_years_label
from missionmonitor.refdata.geography import Geography

BASE_COLUMNS = (
    "area_code",
    "period",
    "value",
    "lci",
    "uci",
    "numerator",
    "denominator",
    "suppressed",
    "vintage",
    "status",
)

#: Reads observations: (dataset, measures) -> frame.
Reader = Callable[[str, list[str]], pd.DataFrame]


def filter_observations(ind: Indicator, obs: pd.DataFrame) -> pd.DataFrame:
    """The observations an indicator reads: its period type, filters and version selectors."""
    m = ind.method
    if m.period_type:
        obs = obs[obs["period"].map(period_type_of) == m.period_type]
    if m.periods:
        obs = obs[obs["period"].isin(m.periods)]
    for col, want in m.filters.items():
        obs = obs[obs[col] == want]
    if any(v.selector for v in ind.definition_versions):
        keep = [
            all(row[c] == v for c, v in ind.version_for(row["period"]).selector.items())
            for _, row in obs.iterrows()
        ]
        obs = obs[keep] if len(obs) else obs
    return obs


def _status(ind: Indicator, obs: pd.DataFrame) -> pd.Series:
    return pd.Series(
        np.where(obs["status"] == "provisional", "provisional", ind.status), index=obs.index
    )


def observed(ind: Indicator, read: Reader, geo: Geography) -> pd.DataFrame:
    """Figures as published (counts, or rates with their published intervals)."""
    m = ind.method
    obs = _supplemented(ind, read, filter_observations(ind, read(m.dataset, [m.measure])))
    out = obs[["area_code", "period", "value", "lci", "uci", "vintage"]].copy()
    out["suppressed"] = obs["suppressed_at_source"].astype(bool)
    out["status"] = _status(ind, obs)
    out["denominator"] = np.nan
    if m.value_is_count:
        out["numerator"] = obs["value"]
    elif m.numerator_measure:
        num = filter_observations(ind, read(m.dataset, [m.numerator_measure]))[
            ["area_code", "period", "value", "suppressed_at_source"]
        ].rename(columns={"value": "numerator", "suppressed_at_source": "num_suppressed"})
        out = out.merge(num, on=["area_code", "period"], how="left")
        if m.numerator_per_year:
            years = out["period"].map(lambda p: parse_period(p).years)
            out["numerator"] = (out["numerator"] * years).round(6)
        out["suppressed"] = out["suppressed"] | out["num_suppressed"].fillna(False).astype(bool)
        out = out.drop(columns="num_suppressed")
    else:
        out["numerator"] = obs["numerator"].to_numpy()
    if m.aggregate_to and m.value_is_count:
        sums = sum_up(_summed(out, ind, geo), ["value"], m.aggregate_to, geo)
        sums["numerator"] = sums["value"]
        out = pd.concat([out, sums.assign(status=ind.status)], ignore_index=True)
    if m.same_place_to:
        out = pd.concat([out, same_place(out, m.same_place_to, geo)], ignore_index=True)
    return out[list(BASE_COLUMNS)]


def _supplemented(ind: Indicator, read: Reader, obs: pd.DataFrame) -> pd.DataFrame:
    """``obs`` and, for each area and period it does not give, the figure of the first of
    the indicator's supplements that does (see ``Supplement``)."""
    for extra in ind.supplements:
        more = filter_observations(ind, read(extra.dataset, [extra.measure]))
        held = set(zip(obs["area_code"], obs["period"], strict=True))
        new = [k not in held for k in zip(more["area_code"], more["period"], strict=True)]
        if any(new):
            obs = pd.concat([obs, more[new]], ignore_index=True)
    return obs


def _summed(frame: pd.DataFrame, ind: Indicator, geo: Geography) -> pd.DataFrame:
    """The rows summed into larger areas: those of ``aggregate_from`` if declared."""
    source = ind.method.aggregate_from
    if source is None:
        return frame
    return frame[frame["area_code"].map(geo.codes()) == source]


def rolling_average(ind: Indicator, read: Reader, geo: Geography) -> pd.DataFrame:
    """Trailing mean over ``window`` consecutive years with the Poisson likely range."""
    m = ind.method
    assert m.window is not None
    obs = filter_observations(ind, read(m.dataset, [m.measure]))
    obs = obs[obs["period"].map(period_type_of) == "calendar_year"]
    if m.aggregate_to:
        annual = obs[["area_code", "period", "value", "vintage"]].assign(
            suppressed=obs["suppressed_at_source"].astype(bool)
        )
        summed = sum_up(_summed(annual, ind, geo), ["value"], m.aggregate_to, geo)
        obs = pd.concat([obs, summed[["area_code", "period", "value", "vintage"]]])
    frames = []
    for area, grp in obs.groupby("area_code"):
        series = grp.assign(year=grp["period"].astype(int)).set_index("year")["value"]
        years = list(range(int(series.index.min()), int(series.index.max()) + 1))
        values = series.reindex(years).to_numpy(dtype=float)
        mean = trailing_mean(values, m.window)
        low, high = likely_range(mean)
        sums = mean * m.window
        vint = grp.set_index(grp["period"].astype(int))["vintage"].reindex(years)
        for i in range(m.window - 1, len(years)):
            if np.isnan(mean[i]):
                continue
            window_vintages = sorted({str(v) for v in vint.iloc[i - m.window + 1 : i + 1]})
            frames.append(
                {
                    "area_code": area,
                    "period": rolling_years_label(int(years[i - m.window + 1]), int(years[i])),
                    "value": mean[i],
                    "lci": low[i],
                    "uci": high[i],
                    "numerator": sums[i],
                    "denominator": np.nan,
                    "suppressed": False,
                    "vintage": ";".join(window_vintages),
                    "status": ind.status,
                }
            )
    return pd.DataFrame(frames, columns=list(BASE_COLUMNS))


def rate_from_averages(ind: Indicator, read: Reader, geo: Geography) -> pd.DataFrame:
    """Rate on averaged numerator and denominator; CI on the pooled count (see catalogue)."""
    m = ind.method
    assert m.numerator_measure and m.denominator_measure
    obs = read(m.dataset, [m.numerator_measure, m.denominator_measure])
    obs = obs[obs["period"].map(period_type_of) == "rolling_years"]
    wide = obs.pivot_table(
        index=["area_code", "period"],
        columns="measure",
        values="value",
        dropna=False,
        aggfunc="first",
    ).reset_index()
    wide = wide.rename(columns={m.numerator_measure: "avg_num", m.denominator_measure: "avg_den"})
    vint = obs[obs["measure"] == m.numerator_measure].set_index(["area_code", "period"])["vintage"]
    wide["vintage"] = [
        vint.get((a, p), "") for a, p in zip(wide["area_code"], wide["period"], strict=True)
    ]
    wide = pd.concat([wide, _aggregate(wide, m.aggregate_to, geo)], ignore_index=True)

    years = wide["period"].map(lambda p: parse_period(p).years).to_numpy(dtype=float)
    total = np.round(wide["avg_num"].to_numpy(dtype=float) * years, 6)
    person_years = wide["avg_den"].to_numpy(dtype=float) * years
    ok = ~np.isnan(total) & (person_years > 0)
    rate = crude_rate(
        np.where(ok, total, 0), np.where(ok, person_years, 1), m.multiplier, m.confidence
    )
    return pd.DataFrame(
        {
            "area_code": wide["area_code"],
            "period": wide["period"],
            "value": np.where(ok, rate.value, np.nan),
            "lci": np.where(ok, rate.lower, np.nan),
            "uci": np.where(ok, rate.upper, np.nan),
            "numerator": total,
            "denominator": person_years,
            "suppressed": np.isnan(total),
            "vintage": wide["vintage"],
            "status": ind.status,
        }
    )


def _aggregate(wide: pd.DataFrame, area_types: tuple[str, ...], geo: Geography) -> pd.DataFrame:
    """Sum council rows into each area of ``area_types``; missing if any council is missing."""
    types = geo.codes()
    councils = wide[wide["area_code"].map(types.get) == "council"]
    rows = []
    for atype in area_types:
        for area in geo.of_type(atype):
            members = set(geo.councils_in(area.code))
            part = councils[councils["area_code"].isin(members)]
            for period, grp in part.groupby("period"):
                complete = len(grp) == len(members)
                rows.append(
                    {
                        "area_code": area.code,
                        "period": period,
                        "avg_num": grp["avg_num"].sum(skipna=False) if complete else np.nan,
                        "avg_den": grp["avg_den"].sum(skipna=False) if complete else np.nan,
                        "vintage": ";".join(sorted(set(grp["vintage"]))),
                    }
                )
    return pd.DataFrame(rows, columns=["area_code", "period", "avg_num", "avg_den", "vintage"])


def percentage(ind: Indicator, read: Reader, geo: Geography) -> pd.DataFrame:
    """numerator / denominator × multiplier, or the published percentage where only it exists."""
    m = ind.method
    assert m.numerator_measure
    measures = [m.numerator_measure] + ([m.published_measure] if m.published_measure else [])
    obs = filter_observations(ind, read(m.dataset, measures))
    rows = []
    for (area, period), grp in obs.groupby(["area_code", "period"]):
        by = {
            str(measure): (float(value), str(vintage))
            for measure, value, vintage in zip(
                grp["measure"], grp["value"].astype(float), grp["vintage"], strict=True
            )
        }
        if m.numerator_measure in by and m.denominator_value:
            num, vintage = by[m.numerator_measure]
            share = num / m.denominator_value * m.multiplier
            rows.append((area, period, share, num, m.denominator_value, vintage))
        elif m.published_measure and m.published_measure in by:
            value, vintage = by[m.published_measure]
            rows.append((area, period, value, np.nan, np.nan, vintage))
    out = pd.DataFrame(
        rows, columns=["area_code", "period", "value", "numerator", "denominator", "vintage"]
    )
    out["lci"] = np.nan
    out["uci"] = np.nan
    out["suppressed"] = False
    out["status"] = ind.status
    return out[list(BASE_COLUMNS)]


def ratio(ind: Indicator, read: Reader, geo: Geography) -> pd.DataFrame:
    """numerator measure / denominator measure × multiplier, with a Wilson interval (a share
    of people) or a Poisson one (a rate); each area and period as observed, and, where
    declared, larger areas from the summed counts of their parts (``aggregate_from``)."""
    m = ind.method
    other = m.denominator_measure or m.complement_measure
    assert m.numerator_measure and other
    obs = filter_observations(ind, read(m.dataset, [m.numerator_measure, other]))
    keys = ["area_code", "period"]
    num = obs.loc[obs["measure"] == m.numerator_measure, [*keys, "value", "vintage"]]
    den = obs.loc[obs["measure"] == other, [*keys, "value"]]
    both = num.merge(den, on=keys, suffixes=("", "_den"))
    if m.complement_measure:  # the publisher gives the rest, not the whole: add them
        both["value_den"] = both["value"] + both["value_den"]
    if m.aggregate_to:
        parts = _summed(both, ind, geo).rename(
            columns={"value": "numerator", "value_den": "denominator"}
        )
        sums = sum_up(
            parts.assign(suppressed=False), ["numerator", "denominator"], m.aggregate_to, geo
        )
        both = pd.concat(
            [
                both,
                pd.DataFrame(
                    {
                        "area_code": sums["area_code"],
                        "period": sums["period"],
                        "value": sums["numerator"],
                        "vintage": sums["vintage"],
                        "value_den": sums["denominator"],
                    }
                ),
            ],
            ignore_index=True,
        )
    both = both[both["value_den"] > 0].reset_index(drop=True)
    n, d = both["value"].to_numpy(float), both["value_den"].to_numpy(float)
    if m.interval == "none":
        value = n / d * m.multiplier
        lower = upper = np.full(len(n), np.nan)
    elif m.interval == "wilson":
        r = wilson(n, d, m.confidence, m.multiplier)
        value, lower, upper = r.value, r.lower, r.upper
    else:
        c = crude_rate(n, d, m.multiplier, m.confidence)
        value, lower, upper = c.value, c.lower, c.upper
    # The complement (denominator − numerator) is a count too: hide a small one at source.
    gap = d - n
    small = primary_mask(gap, ind.disclosure.threshold)
    out = both[[*keys, "vintage"]].assign(
        value=value,
        lci=lower,
        uci=upper,
        numerator=n,
        denominator=d,
        suppressed=small,
        status=ind.status,
    )
    return out[list(BASE_COLUMNS)]


KINDS: dict[str, Callable[[Indicator, Reader, Geography], pd.DataFrame]] = {
    "observed": observed,
    "rolling_average": rolling_average,
    "rate_from_averages": rate_from_averages,
    "percentage": percentage,
    "ratio": ratio,
}
