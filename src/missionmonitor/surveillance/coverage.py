"""Treatment coverage: people in opioid substitution therapy as a share of the estimated
number of people with opioid dependence, with an interval that carries the estimate's
uncertainty.

The number of people prescribed OST is a count (taken as exact); the prevalence estimate
has a 95% credible interval (L, U). Coverage is OST / estimate × 100 and its interval
(OST / U, OST / L) × 100: the estimate's own uncertainty carried through, not a sampling
interval. Only the same financial year of both is paired.

>>> c = coverage(29_962, 43_400, 41_900, 45_100)
>>> round(c.value, 1), round(c.lower, 1), round(c.upper, 1)
(69.0, 66.4, 71.5)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from missionmonitor import config
from missionmonitor.config import surveillance
from missionmonitor.errors import MethodInputError


@dataclass(frozen=True)
class Coverage:
    value: float
    lower: float
    upper: float


def coverage(
    people: float, estimate: float, estimate_lower: float, estimate_upper: float
) -> Coverage:
    """Coverage (%) of an estimated population by a count of people, with the interval the
    estimate's (lower, upper) interval gives it."""
    if not 0 < estimate_lower <= estimate <= estimate_upper or people < 0:
        raise MethodInputError("coverage needs 0 < lower <= estimate <= upper and a count >= 0")
    return Coverage(
        people / estimate * 100, people / estimate_upper * 100, people / estimate_lower * 100
    )


def ost_coverage(
    configuration: config.Configuration, results: pd.DataFrame, area_code: str
) -> list[dict[str, Any]]:
    """Every financial year in which both the OST count and the prevalence estimate (with
    its interval) are published for ``area_code``, oldest first."""
    shown = results[(results["area_code"] == area_code) & ~results["suppressed"].astype(bool)]
    # The indicators paired (the configuration's surveillance section): people treated and
    # the estimated population they are a share of.
    spec = surveillance(configuration)
    num = shown[shown["indicator_id"] == spec.treated].set_index("period")
    den = shown[shown["indicator_id"] == spec.coverage_of].set_index("period")
    out = []
    for period in [p for p in den.index if p in num.index]:
        d = den.loc[period]
        if pd.isna(d["lci"]) or pd.isna(d["uci"]):
            continue
        people = float(num.loc[period, "value"])
        c = coverage(people, float(d["value"]), float(d["lci"]), float(d["uci"]))
        out.append(
            {
                "period": period,
                "people_in_ost": people,
                "estimate": float(d["value"]),
                "estimate_lower": float(d["lci"]),
                "estimate_upper": float(d["uci"]),
                "value": c.value,
                "lower": c.lower,
                "upper": c.upper,
                "vintage": f"{num.loc[period, 'vintage']};{d['vintage']}",
            }
        )
    return sorted(out, key=lambda r: r["period"])
