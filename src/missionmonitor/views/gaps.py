"""What a partial table lacks, stated where its figures are shown: for each area type an
indicator declares, the periods of the series with no figure for that type, the areas of
the type with no figure at all, and the areas missing from some of the periods the type
has. Computed from the figures held and the declared geography, nothing else: a table goes
in with its gaps said, and nothing is computed from it as if it were complete.

>>> periods_text(["2022", "2023", "2025"], ["2022", "2023", "2024", "2025"])
'2022 to 2023, 2025'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from missionmonitor.indicators.catalogue import Indicator
from missionmonitor.refdata.geography import Geography


def gaps(ind: Indicator, results: pd.DataFrame, geo: Geography) -> list[dict[str, Any]]:
    """For each declared area type whose figures do not cover every area of the type in
    every period of the series: the type, its label and what is missing, said in words.
    ``results``: every figure of the indicator (area_code, area_type, period, period_start),
    a suppressed one included (it is held, only not shown)."""
    if results.empty:
        return []
    order = results.drop_duplicates("period").sort_values("period_start")["period"].tolist()
    out = []
    for atype in ind.geography:
        areas = geo.of_type(atype)
        if not areas or atype not in geo.types:
            continue
        held = results[results["area_type"] == atype]
        said = _missing(held, [a.code for a in areas], order, geo)
        if said:
            label = geo.types[atype].plural
            out.append({"area_type": atype, "label": label, "statement": f"{label}: {said}"})
    return out


def _missing(held: pd.DataFrame, codes: list[str], order: list[str], geo: Geography) -> str:
    """What ``held`` lacks of ``codes`` × the series' periods ``order``, in words ('' if
    nothing)."""
    if held.empty:
        return f"none held ({periods_text(order, order)})"
    parts = []
    have = [p for p in order if p in set(held["period"])]
    if len(have) < len(order):
        lacking = [p for p in order if p not in have]
        parts.append(
            f"held {periods_text(have, order)} only (none for {periods_text(lacking, order)})"
        )
    by_area = held.groupby("area_code")["period"].agg(set).to_dict()
    never = [geo.area(c).name for c in codes if c not in by_area]
    if never:
        parts.append(f"none held for {', '.join(never)}")
    for code in codes:
        if code in by_area and len(by_area[code]) < len(have):
            lacking = [p for p in have if p not in by_area[code]]
            parts.append(f"{geo.area(code).name} missing {periods_text(lacking, order)}")
    return "; ".join(parts)


def periods_text(periods: list[str], order: list[str]) -> str:
    """``periods`` as runs of consecutive periods of the series ``order``: '2021-Q2 to
    2023-Q4, 2025-Q2'."""
    at = {p: i for i, p in enumerate(order)}
    runs: list[list[str]] = []
    for p in sorted(periods, key=at.__getitem__):
        if runs and at[p] == at[runs[-1][-1]] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]} to {r[-1]}" for r in runs)


def statement_of(found: list[dict[str, Any]], area_type: str) -> str:
    """The gaps said for ``area_type`` ('' if its table is complete)."""
    return next((g["statement"] for g in found if g["area_type"] == area_type), "")
