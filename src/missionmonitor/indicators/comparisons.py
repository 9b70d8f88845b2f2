"""How an indicator's results compare: each area with the national value for the same
period, and each period with the previous one — refused across a series break, with the
reason. The engine adds these columns to every indicator's results.

>>> df = pd.DataFrame({"area_code": ["N", "A", "B"], "period": ["2024"] * 3,
...                    "value": [10.0, 15.0, 9.0], "lci": [9.0, 12.0, 7.0],
...                    "uci": [11.0, 18.0, 11.0]})
>>> from missionmonitor.refdata.geography import national_code
>>> scotland = config.load(None)
>>> df.loc[0, "area_code"] = national_code(scotland)
>>> vs_national(scotland, df).tolist()
['not_applicable', 'higher', 'no_difference']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from missionmonitor import config
from missionmonitor.errors import SeriesBreakError
from missionmonitor.indicators.catalogue import Indicator
from missionmonitor.methods.poisson import count_change_p_value
from missionmonitor.methods.rolling import percentage_change
from missionmonitor.periods import parse_period
from missionmonitor.refdata.geography import national_code


def vs_national(configuration: config.Configuration, df: pd.DataFrame) -> pd.Series:
    """Each area's 95% interval against the national value for the same period."""
    scot = df[df["area_code"] == national_code(configuration)].set_index("period")["value"]
    s = df["period"].map(scot).to_numpy(dtype=float)
    lci, uci = df["lci"].to_numpy(dtype=float), df["uci"].to_numpy(dtype=float)
    usable = (
        (df["area_code"] != national_code(configuration)).to_numpy() & ~np.isnan(s) & ~np.isnan(lci)
    )
    usable &= ~np.isnan(uci)
    out = np.select(
        [usable & (lci > s), usable & (uci < s), usable],
        ["higher", "lower", "no_difference"],
        default="not_applicable",
    )
    return pd.Series(out, index=df.index, dtype=object)


def break_between(ind: Indicator, earlier: str, later: str) -> str | None:
    """The reason values for ``earlier`` and ``later`` are not comparable, or None."""
    a, b = ind.version_for(earlier).version, ind.version_for(later).version
    lo, hi = sorted((a, b))
    for v in ind.definition_versions:
        if lo < v.version <= hi and not v.comparable_with_previous:
            return (
                f"series break: {ind.id} changed definition at {v.effective_from} "
                f"(version {v.version}: {v.label}). {v.break_reason}"
            ).strip()
    return None


def changes(df: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """``df`` with each row's change on the previous period of the same area: whether the
    two are comparable (a note gives the series break where not), the change, the
    relative change (not for a percentage) and whether it is significant."""
    df = df.copy()
    lookup = {(a, p): i for i, (a, p) in enumerate(zip(df["area_code"], df["period"], strict=True))}
    comparable: list[object] = []
    significant: list[object] = [None] * len(df)
    delta = np.full(len(df), np.nan)
    pct = np.full(len(df), np.nan)
    notes = list(df["note"])
    values = df["value"].to_numpy(dtype=float)
    lci, uci = df["lci"].to_numpy(dtype=float), df["uci"].to_numpy(dtype=float)
    for i, (area, period) in enumerate(zip(df["area_code"], df["period"], strict=True)):
        prev = parse_period(period).previous()
        j = lookup.get((area, prev))
        if j is None:
            comparable.append(None)
            continue
        reason = break_between(ind, prev, period)
        if reason:
            comparable.append(False)
            notes[i] = reason
            continue
        comparable.append(True)
        delta[i] = values[i] - values[j]
        # A percentage changes by percentage points: a relative change of it misleads.
        if not ind.in_percent:
            pct[i] = percentage_change(values[i], values[j])[0]
        significant[i] = change_is_significant(
            ind, values[i], values[j], (lci[i], uci[i]), (lci[j], uci[j])
        )
    df["comparable_with_previous"] = pd.Series(comparable, index=df.index, dtype=object)
    df["change_vs_previous"] = delta
    df["change_pct_vs_previous"] = pct
    df["change_unit"] = "percentage points" if ind.in_percent else ind.unit
    df["change_significant"] = pd.Series(significant, index=df.index, dtype=object)
    df["note"] = notes
    return df


def change_is_significant(
    ind: Indicator,
    new: float,
    old: float,
    new_interval: tuple[float, float],
    old_interval: tuple[float, float],
) -> bool | None:
    """Whether a change is statistically significant by the indicator's stated test: for a
    count, the exact conditional test for two Poisson counts (p < 0.05); otherwise whether
    the 95% intervals fail to overlap. None where no test applies: no interval, or rolling
    windows (consecutive windows share years).

    >>> from missionmonitor.indicators.catalogue import get_indicator
    >>> nan = float("nan")
    >>> drd = get_indicator(config.load(None), "drd_deaths")
    >>> change_is_significant(drd, 1172, 1051, (nan, nan), (nan, nan))
    True
    """
    if np.isnan(new) or np.isnan(old) or ind.period_type == "rolling_years":
        return None  # consecutive windows share years: their change is not tested
    if ind.method.value_is_count and float(new).is_integer() and float(old).is_integer():
        return count_change_p_value(int(new), int(old)) < 0.05
    if any(np.isnan(x) for x in (*new_interval, *old_interval)):
        return None
    return bool(new_interval[0] > old_interval[1] or new_interval[1] < old_interval[0])


def compare_periods(
    results: pd.DataFrame, ind: Indicator, area_code: str, earlier: str, later: str
) -> tuple[float, float]:
    """(change, % change) between two periods of one area; SeriesBreakError across a break."""
    reason = break_between(ind, earlier, later)
    if reason:
        raise SeriesBreakError(f"cannot compare {earlier} with {later}: {reason}")
    rows = results[(results["indicator_id"] == ind.id) & (results["area_code"] == area_code)]
    by_period = rows.set_index("period")["value"]
    a, b = float(by_period.get(earlier, np.nan)), float(by_period.get(later, np.nan))
    return b - a, float(percentage_change(b, a)[0])
