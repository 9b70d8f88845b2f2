"""Drug-death case review in the shape of the National Drug-Related Deaths Database (NDRDD).

Record-level cases (one row per death: who, where, what was implicated, contact with
services in the six months before) are read and validated (``read_cases``), or generated
as SYNTHETIC cases calibrated to published figures (``synthetic_cases``). ``measures``
turns them into counts per year and area (every area type, summed from councils) in the
``ndrdd_measures`` dataset's format: the indicators then give each share with a Wilson
interval and disclosure control, as any other. ``combinations`` tabulates the substances
implicated together, with small counts suppressed by the rule the ``ndrdd_measures``
dataset declares for ``ndrdd_pair`` (``pair_disclosure``).

A share's denominator is the reviewed cases whose answer is known; unreviewed cases count
only towards completeness (reviewed / all cases).

>>> cases = pd.DataFrame({"year": [2023] * 3, "council_code": ["S12000049"] * 3,
...     "reviewed": ["yes", "yes", "no"], "substances_implicated": ["cocaine;heroin_morphine",
...     "methadone", ""], **{item: ["yes", "unknown", ""] for item in ITEMS}})
>>> members = pd.DataFrame({"council": ["S12000049"], "parent": ["S92000003"],
...                         "parent_type": ["scotland"]})
>>> m = measures(cases, members, "X")
>>> scot = m[m["area_code"] == "S92000003"].set_index("measure")["value"]
>>> [int(scot[k]) for k in ("ndrdd_cases", "ndrdd_reviewed", "ndrdd_on_ost_at_death_known",
...                        "ndrdd_on_ost_at_death_yes", "ndrdd_polydrug")]
[3, 2, 1, 1, 1]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations as pairs_of
from pathlib import Path

import numpy as np
import pandas as pd

from missionmonitor import config
from missionmonitor.datasets.declaration import get_declaration
from missionmonitor.datasets.reader import Value, read_file
from missionmonitor.datasets.table_schema import get_table_schema
from missionmonitor.errors import Problem
from missionmonitor.methods.disclosure import Disclosure, Group, suppress_groups
from missionmonitor.periods import calendar_year_label

#: The substance codes a case may name (implicated or prescribed).
SUBSTANCES = {
    "heroin_morphine": "opioid",
    "methadone": "opioid",
    "buprenorphine": "opioid",
    "other_opioid": "opioid",
    "nitazene": "opioid",
    "benzodiazepine_prescribable": "benzodiazepine",
    "benzodiazepine_street": "benzodiazepine",
    "cocaine": "cocaine",
    "gabapentinoid": "other",
    "alcohol": "other",
    "amphetamine": "other",
    "antidepressant": "other",
    "other": "other",
}
#: The questions about the six months before death (and at death) that become shares.
ITEMS = (
    "contact_drug_treatment_6m",
    "contact_hospital_6m",
    "released_prison_6m",
    "contact_justice_6m",
    "contact_gp_6m",
    "on_ost_at_death",
    "naloxone_supplied",
    "prior_nonfatal_overdose",
)
#: Substance groups whose involvement is counted (of reviewed cases with toxicology).
GROUPS = ("opioid", "benzodiazepine", "cocaine")
#: Source keys of the measures (the register marks the second as generated).
SOURCE_REAL, SOURCE_SYNTHETIC = "MM_NDRDD_RECORDS", "MM_NDRDD_SYNTHETIC"
#: The measure of substances implicated together (published without an indicator).
PAIR_MEASURE = "ndrdd_pair"


def pair_disclosure(configuration: config.Configuration) -> Disclosure:
    """The disclosure rule of the substance pairs, as their dataset declares it."""
    return get_declaration(configuration, "ndrdd_measures").disclosure_of(PAIR_MEASURE)


def read_cases(path: Path, area_codes: Mapping[str, str]) -> pd.DataFrame:
    """A cases CSV checked against the ``ndrdd_cases`` table schema, with each residence a
    council and every substance a known code; raises ValidationError naming every problem."""

    def case_rule(row_no: int, row: dict[str, Value]) -> list[Problem]:
        problems = []
        if area_codes.get(str(row["council_code"])) != "council":
            problems.append(
                Problem(
                    "council",
                    f"{row['council_code']} is not a council area",
                    row=row_no,
                    column="council_code",
                )
            )
        for col in ("substances_implicated", "substances_prescribed"):
            unknown = [s for s in _codes(row.get(col)) if s not in SUBSTANCES]
            if unknown:
                known = ", ".join(SUBSTANCES)
                problems.append(
                    Problem(
                        "substance",
                        f"unknown substance {unknown[0]!r}; known: {known}",
                        row=row_no,
                        column=col,
                    )
                )
        if row["reviewed"] == "no" and _codes(row.get("substances_implicated")):
            problems.append(
                Problem(
                    "unreviewed",
                    "a case not reviewed has no findings",
                    row=row_no,
                    column="substances_implicated",
                )
            )
        return problems

    table = read_file(get_table_schema("ndrdd_cases"), path, area_codes, case_rule)
    frame = pd.DataFrame(table.rows)
    return frame.fillna("") if len(frame) else frame


def _codes(text: Value | None) -> list[str]:
    return [s for s in str(text or "").split(";") if s]


def measures(
    cases: pd.DataFrame, members: pd.DataFrame, source: str, national: str | None = None
) -> pd.DataFrame:
    """Counts per year × area for the ``ndrdd_measures`` dataset: council rows, and each
    parent area (``members``: council, parent, parent_type rows) as the sum of its
    councils (every case lies in one council, so the sums are exact). With ``national``,
    also the reviewed cases with each pair of substances implicated together, nationally
    (measure ``ndrdd_pair``, the pair in ``breakdown``)."""
    c = cases.assign(reviewed_=cases["reviewed"] == "yes")
    implicated = c["substances_implicated"].map(_codes)
    toxicology = c["reviewed_"] & (implicated.map(len) > 0)
    flags: dict[str, pd.Series] = {
        "ndrdd_cases": pd.Series(True, index=c.index),
        "ndrdd_reviewed": c["reviewed_"],
    }
    for item in ITEMS:
        known = c["reviewed_"] & c[item].isin(["yes", "no"])
        flags[f"ndrdd_{item}_known"] = known
        flags[f"ndrdd_{item}_yes"] = known & (c[item] == "yes")
    flags["ndrdd_toxicology"] = toxicology
    flags["ndrdd_polydrug"] = toxicology & (implicated.map(len) >= 2)
    for group in GROUPS:
        flags[f"ndrdd_{group}"] = toxicology & implicated.map(
            lambda found, g=group: any(SUBSTANCES.get(s) == g for s in found)
        )
    counted = (
        pd.DataFrame(flags)
        .astype(int)
        .assign(year=c["year"].astype(int), council=c["council_code"])
    )
    by_council = counted.groupby(["year", "council"]).sum().reset_index()
    above = by_council.merge(members[["council", "parent", "parent_type"]], on="council").rename(
        columns={"parent": "area_code", "parent_type": "area_type"}
    )
    own = by_council.assign(area_code=by_council["council"], area_type="council")
    every = pd.concat([own, above], ignore_index=True).drop(columns="council")
    summed = every.groupby(["area_type", "area_code", "year"]).sum().reset_index()
    long = summed.melt(["area_type", "area_code", "year"], var_name="measure", value_name="value")
    long["period"] = long.pop("year").astype(int).map(calendar_year_label)
    long["breakdown"] = ""
    if national is not None and len(cases):
        pairs = combinations(cases, None)
        pairs = pairs[pairs["period"] != "all years"]
        of_type = members.loc[members["parent"] == national, "parent_type"]
        paired = pd.DataFrame(
            {
                "area_type": of_type.iloc[0] if len(of_type) else "",
                "area_code": national,
                "measure": PAIR_MEASURE,
                "value": pairs["cases"].astype(int),
                "period": pairs["period"],
                "breakdown": pairs["substance"] + " + " + pairs["with"],
            }
        )
        long = pd.concat([long, paired], ignore_index=True)
    long["source"] = source
    keep = ["area_type", "area_code", "measure", "period", "breakdown", "value", "source"]
    order = ["measure", "area_type", "area_code", "period", "breakdown"]
    return long[keep].sort_values(order).reset_index(drop=True)


def combinations(cases: pd.DataFrame, rule: Disclosure | None) -> pd.DataFrame:
    """Pairs of substances implicated together in reviewed cases, by year and over all
    years, most frequent first; counts from 1 to the ``rule``'s threshold are suppressed
    (None), and so are enough others that none can be worked out from a pair's total over
    all years. ``rule`` None keeps every count (for the store, which publishes only through
    its own control)."""
    reviewed = cases[cases["reviewed"] == "yes"]
    counts: Counter[tuple[str, str, str]] = Counter()
    for year, found in zip(
        reviewed["year"].astype(str), reviewed["substances_implicated"], strict=True
    ):
        for a, b in pairs_of(sorted(set(_codes(found))), 2):
            counts[(year, a, b)] += 1
            counts[("all years", a, b)] += 1
    rows = [{"period": y, "substance": a, "with": b, "cases": n} for (y, a, b), n in counts.items()]
    out = pd.DataFrame(rows, columns=["period", "substance", "with", "cases"])
    out = out.sort_values(
        ["period", "cases", "substance", "with"], ascending=[True, False, True, True]
    )
    out = out.reset_index(drop=True)
    if rule is not None:
        # Each pair's count over all years is the total of its yearly counts.
        groups: list[Group] = []
        for _, same in out.groupby(["substance", "with"]):
            total = same.index[same["period"] == "all years"]
            parts = tuple(int(i) for i in same.index[same["period"] != "all years"])
            groups.append((int(total[0]), parts))
        hidden = suppress_groups(out["cases"].to_numpy(float), groups, threshold=rule.threshold)
        out["cases"] = out["cases"].astype(object).where(~hidden, None)
    return out


# ---- SYNTHETIC cases ------------------------------------------------------------------


@dataclass(frozen=True)
class Calibration:
    """Published figures the generator matches, with the shares it assumes where nothing
    is published (each named in ``assumed``)."""

    deaths: dict[int, int]  # NRS drug misuse deaths by year
    councils: dict[str, float]  # council weights (NRS deaths, 5-year average)
    male_share: float  # NRS
    age_bands: dict[tuple[int, int], float]  # share of deaths by age range (NRS: 35 to 54)
    implicated: dict[str, float]  # share of deaths with each group implicated (NRS)
    contact_drug_treatment_6m: float  # NDRDD, as the treatment target letter quotes it
    assumed: dict[str, float] = field(
        default_factory=lambda: {
            "reviewed": 0.9,
            "unknown_answer": 0.05,
            "contact_hospital_6m": 0.35,
            "released_prison_6m": 0.05,
            "contact_justice_6m": 0.3,
            "contact_gp_6m": 0.6,
            "on_ost_at_death_if_in_treatment": 0.6,
            "naloxone_supplied": 0.35,
            "prior_nonfatal_overdose": 0.4,
            "alone": 0.55,
            "gabapentinoid": 0.3,
            "alcohol": 0.2,
        }
    )


def synthetic_cases(cal: Calibration, seed: int = 1) -> pd.DataFrame:
    """SYNTHETIC reviewed drug deaths: the published number each year, spread over councils,
    sex and age as published, with substances implicated at the published shares and the
    six-month contacts at the published (or, where none is published, assumed) shares."""
    rng = np.random.default_rng(seed)
    a = cal.assumed
    councils, weights = list(cal.councils), np.array(list(cal.councils.values()))
    bands, band_w = list(cal.age_bands), np.array(list(cal.age_bands.values()))
    rows = []
    for year, n in sorted(cal.deaths.items()):
        for i in range(n):
            reviewed = rng.random() < a["reviewed"]
            lo, hi = bands[rng.choice(len(bands), p=band_w / band_w.sum())]
            row: dict[str, object] = {
                "case_id": f"SYN-{year}-{i + 1:05d}",
                "year": year,
                "council_code": councils[rng.choice(len(councils), p=weights / weights.sum())],
                "sex": "male" if rng.random() < cal.male_share else "female",
                "age": int(rng.integers(lo, hi + 1)),
                "simd_quintile": int(rng.choice(5, p=[0.45, 0.24, 0.15, 0.1, 0.06]) + 1),
                "reviewed": "yes" if reviewed else "no",
            }
            row.update(_findings(rng, cal) if reviewed else {k: "" for k in _FINDINGS})
            rows.append(row)
    return pd.DataFrame(
        rows,
        columns=[
            "case_id",
            "year",
            "council_code",
            "sex",
            "age",
            "simd_quintile",
            "reviewed",
            *_FINDINGS,
        ],
    )


_FINDINGS = (
    "place_of_death",
    "alone",
    "witnessed",
    "substances_implicated",
    "substances_prescribed",
    *ITEMS,
)


def _findings(rng: np.random.Generator, cal: Calibration) -> dict[str, str]:
    a = cal.assumed

    def answer(p: float) -> str:
        if rng.random() < a["unknown_answer"]:
            return "unknown"
        return "yes" if rng.random() < p else "no"

    found = []
    if rng.random() < cal.implicated["opioid"]:
        found.append(
            str(
                rng.choice(
                    ["heroin_morphine", "methadone", "other_opioid", "nitazene"],
                    p=[0.45, 0.4, 0.1, 0.05],
                )
            )
        )
    if rng.random() < cal.implicated["benzodiazepine"]:
        found.append(
            str(
                rng.choice(["benzodiazepine_street", "benzodiazepine_prescribable"], p=[0.85, 0.15])
            )
        )
    if rng.random() < cal.implicated["cocaine"]:
        found.append("cocaine")
    for extra in ("gabapentinoid", "alcohol"):
        if rng.random() < a[extra]:
            found.append(extra)
    found = found or ["other"]
    in_treatment = answer(cal.contact_drug_treatment_6m)
    on_ost = "no" if in_treatment == "no" else answer(a["on_ost_at_death_if_in_treatment"])
    alone = answer(a["alone"])
    prescribed = "methadone" if on_ost == "yes" else ""
    return {
        "place_of_death": str(
            rng.choice(
                ["home", "other_private", "public_place", "hospital", "other"],
                p=[0.7, 0.1, 0.1, 0.07, 0.03],
            )
        ),
        "alone": alone,
        "witnessed": "no" if alone == "yes" else answer(0.5),
        "substances_implicated": ";".join(sorted(found)),
        "substances_prescribed": prescribed,
        "contact_drug_treatment_6m": in_treatment,
        "contact_hospital_6m": answer(a["contact_hospital_6m"]),
        "released_prison_6m": answer(a["released_prison_6m"]),
        "contact_justice_6m": answer(a["contact_justice_6m"]),
        "contact_gp_6m": answer(a["contact_gp_6m"]),
        "on_ost_at_death": on_ost,
        "naloxone_supplied": answer(a["naloxone_supplied"]),
        "prior_nonfatal_overdose": answer(a["prior_nonfatal_overdose"]),
    }
