"""The disclosure audit: reads what the site publishes and reports any small count, and any
hidden count that published figures give back by differencing.

Routes checked, each over the disclosure-controlled results table that every page, JSON
document, download and report is made from:

* ``small-count`` — a published numerator, or a denominator that counts people, from 1 to
  the indicator's threshold;
* ``parent-total`` — a suppressed area worked out from its parent's total and the other
  areas that make it up (an exact linear-algebra check, as the engine's own audit);
* ``shared-numerator`` — a count suppressed in one indicator but published in another with
  the same numerator for the same area and period;
* ``overlapping-windows`` — a single year suppressed in one series but given back by two
  consecutive rolling windows of the same measure and the other single year they differ by.

For example::

    findings = audit(Path("var/missionmonitor.duckdb"))
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from missionmonitor import config
from missionmonitor.indicators.catalogue import Indicator, load_catalogue
from missionmonitor.indicators.engine import area_nodes, shared_numerators
from missionmonitor.methods.disclosure import recoverable_values
from missionmonitor.periods import parse_period
from missionmonitor.refdata.geography import Geography
from missionmonitor.store.connection import Store


@dataclass(frozen=True)
class Finding:
    route: str
    indicator: str
    area_code: str
    period: str
    detail: str

    def __str__(self) -> str:
        return f"{self.route}: {self.indicator} {self.area_code} {self.period}: {self.detail}"


def audit(configuration: config.Configuration, store_path: Path) -> list[Finding]:
    """Every finding in the store's published results (an empty list: nothing disclosive)."""
    with Store.open(store_path, configuration, read_only=True) as store:
        store.require_table("indicator_results")
        results = store.con.execute("SELECT * FROM indicator_results").df()
    return audit_results(results, load_catalogue(configuration), Geography.of(configuration))


def audit_results(
    results: pd.DataFrame, catalogue: dict[str, Indicator], geo: Geography
) -> list[Finding]:
    """The audit over a results table (see the module)."""
    findings: list[Finding] = []
    for ind_id, rows in results.groupby("indicator_id"):
        ind = catalogue.get(str(ind_id))
        if ind is None or ind.disclosure.threshold == 0:
            continue
        findings += _small_counts(ind, rows)
        if ind.disclosure.additive:
            findings += _parent_totals(ind, rows, geo)
    findings += _shared_numerators(results, catalogue)
    findings += _overlapping_windows(results, catalogue)
    return findings


def _small_counts(ind: Indicator, rows: pd.DataFrame) -> list[Finding]:
    shown = rows[~rows["suppressed"].astype(bool)]
    columns = ["numerator", "denominator"] if ind.denominator_counts else ["numerator"]
    out = []
    for col in columns:
        small = shown[shown[col].between(1, ind.disclosure.threshold)]
        out += [
            Finding("small-count", ind.id, r.area_code, r.period, f"{col} {r[col]:g}")
            for _, r in small.iterrows()
        ]
    return out


def _parent_totals(ind: Indicator, rows: pd.DataFrame, geo: Geography) -> list[Finding]:
    out = []
    for period, grp in rows.groupby("period"):
        codes = list(grp["area_code"])
        node_of, groups = area_nodes(codes, geo)
        hidden = np.zeros(max(node_of) + 1, dtype=bool)
        for node, suppressed in zip(node_of, grp["suppressed"].astype(bool), strict=True):
            hidden[node] |= suppressed
        for node in recoverable_values(hidden, groups):
            code = codes[node_of.index(node)]
            out.append(
                Finding(
                    "parent-total",
                    ind.id,
                    code,
                    str(period),
                    "given back by its parent's total and the other parts",
                )
            )
    return out


def _shared_numerators(results: pd.DataFrame, catalogue: dict[str, Indicator]) -> list[Finding]:
    out = []
    for group in shared_numerators(catalogue.values()):
        ids = [i.id for i in group]
        rows = results[results["indicator_id"].isin(ids)]
        state = rows.groupby(["area_code", "period"])["suppressed"].agg(["min", "max"])
        mixed = state[state["min"] != state["max"]]
        out += [
            Finding(
                "shared-numerator",
                "+".join(ids),
                area,
                period,
                "suppressed in one indicator, published in another",
            )
            for area, period in mixed.index
        ]
    return out


def _overlapping_windows(results: pd.DataFrame, catalogue: dict[str, Indicator]) -> list[Finding]:
    out = []
    singles = {
        (i.method.dataset, i.method.measure): i.id
        for i in catalogue.values()
        if i.method.kind == "observed" and i.period_type == "calendar_year"
    }
    for ind in catalogue.values():
        single = singles.get((ind.method.dataset, ind.method.measure))
        if ind.method.kind != "rolling_average" or single is None or not ind.method.window:
            continue
        years = results[results["indicator_id"] == single].set_index(["area_code", "period"])
        hidden = years["suppressed"].astype(bool).to_dict()
        windows = results[(results["indicator_id"] == ind.id) & ~results["suppressed"].astype(bool)]
        for area, grp in windows.groupby("area_code"):
            ends = {parse_period(p).end.year for p in grp["period"]}
            for end in sorted(ends):
                if end - 1 not in ends:
                    continue
                first, last = str(end - ind.method.window), str(end)  # W2 - W1 = last - first
                pair = (hidden.get((area, first)), hidden.get((area, last)))
                if pair in ((True, False), (False, True)):
                    gone = first if pair[0] else last
                    out.append(
                        Finding(
                            "overlapping-windows",
                            ind.id,
                            str(area),
                            gone,
                            f"given back by the windows ending {end - 1} and "
                            f"{end} and the published year",
                        )
                    )
    return out
