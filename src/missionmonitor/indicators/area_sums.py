"""Figures of larger areas made from their councils' figures: counts summed, and a figure
that is not additive (a standardised rate) shown for an area that is the same place as the
area it was published for.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from missionmonitor.refdata.geography import Geography


def sum_up(
    frame: pd.DataFrame, columns: list[str], area_types: tuple[str, ...], geo: Geography
) -> pd.DataFrame:
    """``columns`` of the areas in ``frame`` summed into each area of ``area_types`` that
    they cover exactly (every council of it, none twice), per period; an area some of whose
    councils no row covers gets no row. Returns area_code, period, the columns, lci, uci,
    denominator (missing unless summed), suppressed (any part suppressed) and vintage."""
    rows = []
    for period, grp in frame.groupby("period"):
        parts = {str(a): set(geo.councils_in(str(a))) for a in grp["area_code"]}
        for atype in area_types:
            for area in geo.of_type(atype):
                want = set(geo.councils_in(area.code))
                inside = [a for a, cs in parts.items() if cs and cs <= want and a != area.code]
                covered = [c for a in inside for c in parts[a]]
                if sorted(covered) != sorted(want):
                    continue
                part = grp[grp["area_code"].isin(inside)]
                row = {
                    "area_code": area.code,
                    "period": period,
                    "suppressed": bool(part["suppressed"].astype(bool).any()),
                    "vintage": ";".join(sorted({str(v) for v in part["vintage"]})),
                }
                row.update({c: float(part[c].sum()) for c in columns})
                rows.append(row)
    out = pd.DataFrame(rows, columns=["area_code", "period", *columns, "suppressed", "vintage"])
    for col in ("value", "lci", "uci", "numerator", "denominator"):
        if col not in out:
            out[col] = np.nan
    return out


def same_place(frame: pd.DataFrame, area_types: tuple[str, ...], geo: Geography) -> pd.DataFrame:
    """The rows of ``frame`` again for each area of ``area_types`` made up of exactly the
    same councils as an area in ``frame`` (an ADP that is one council): the figure as it
    was published for that place, never one made from several areas."""
    by_councils: dict[tuple[str, ...], str] = {}
    for code in frame["area_code"].unique():
        by_councils.setdefault(tuple(geo.councils_in(str(code))), str(code))
    copies = []
    for atype in area_types:
        for area in geo.of_type(atype):
            twin = by_councils.get(tuple(geo.councils_in(area.code)))
            if twin is not None and twin != area.code:
                copies.append(frame[frame["area_code"] == twin].assign(area_code=area.code))
    if not copies:
        return frame.iloc[0:0]
    return pd.concat(copies, ignore_index=True)
