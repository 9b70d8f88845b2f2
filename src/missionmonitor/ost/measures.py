"""The OST pipeline's outputs as the ``ost_records`` dataset: one row per area ×
financial year × measure, ready to validate and load into the store like any other file.

Make it from the folder result of ``service.compute_folder``:
``measures_frame(compute_folder(Path("synthetic/"))).to_csv("ost-measures.csv", index=False)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from missionmonitor.ost.pipeline import Outputs

SOURCE_REAL = "MM_OST_RECORDS"
SOURCE_SYNTHETIC = "MM_OST_SYNTHETIC"
KEYS = ["area_type", "area_code", "period"]

#: measure in the dataset ← (output table, column)
MEASURES = {
    "ost_people": ("people", "people"),
    "ost_items": ("items", "items"),
    "ost_items_with_id": ("items", "items_with_id"),
    "ost_services": ("items", "services"),
    "ost_episodes_started": ("starts_and_retention", "episodes_started"),
    "ost_new_starts": ("starts_and_retention", "new_starts"),
    "ost_re_presentations": ("starts_and_retention", "re_presentations"),
    "ost_observable_12w": ("starts_and_retention", "observable_12w"),
    "ost_retained_12w": ("starts_and_retention", "retained_12w"),
    "ost_observable_26w": ("starts_and_retention", "observable_26w"),
    "ost_retained_26w": ("starts_and_retention", "retained_26w"),
    "ost_access_started": ("access", "started"),
    "ost_access_within_3_weeks": ("access", "within_3_weeks"),
}


@dataclass(frozen=True)
class FolderResult:
    outputs: Outputs
    retention: pd.DataFrame
    time_on_treatment: pd.DataFrame  # Kaplan–Meier summaries
    access: pd.DataFrame | None  # when referral records sit beside the prescribing records
    synthetic: bool
    population: dict[str, float]  # latest year, every area: the denominators for rates
    files: list[Path]


def measures_frame(result: FolderResult) -> pd.DataFrame:
    """Financial-year measures for every area, with the population used for rates.

    Financial years that the records cover only in part are left out: their counts would
    not be comparable with full years. A year counts as covered when the records reach
    within a week of each end (the first and last days may have no dispensing).
    """
    o = result.outputs
    slack = dt.timedelta(days=7)
    full = {
        p.label
        for p in o.periods
        if p.type == "financial_year" and o.first <= p.start + slack and o.last >= p.end - slack
    }
    tables = {
        "people": o.people,
        "items": o.items,
        "starts_and_retention": o.starts_and_retention,
        "access": result.access,
    }
    # Starts in the first max_gap days may continue from before the records: not counted.
    starts_from = o.first + dt.timedelta(days=o.max_gap)
    whole_starts = {p.label for p in o.periods if p.label in full and p.start > starts_from}
    frames = []
    for measure, (table, column) in MEASURES.items():
        t = tables[table]
        if t is None:
            continue
        sel = t[t["period"].isin(whole_starts if table == "starts_and_retention" else full)]
        frames.append(sel[KEYS].assign(measure=measure, value=sel[column].to_numpy(float)))
    areas = pd.concat(frames)[["area_type", "area_code"]].drop_duplicates()
    pop = areas.assign(measure="population", value=areas["area_code"].map(result.population))
    out = pd.concat([*frames, *(pop.assign(period=p) for p in sorted(full))], ignore_index=True)
    out = out.dropna(subset=["value"])
    out["source"] = SOURCE_SYNTHETIC if result.synthetic else SOURCE_REAL
    return out.sort_values(["measure", *KEYS]).reset_index(drop=True)[
        ["area_type", "area_code", "measure", "period", "value", "source"]
    ]
