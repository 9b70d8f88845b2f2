"""NDRDD case review: SYNTHETIC cases calibrated to the published figures the store holds,
and a cases file turned into the ``ndrdd_measures`` dataset and the substance combinations.

``write_synthetic(store, out)`` writes generated cases; ``compute(store, cases, out)``
validates a cases file and writes ``ndrdd-measures.csv`` (``synthetic-`` in front for
generated cases) and ``ndrdd-combinations.csv``; load the measures with
``ingest(store, "ndrdd_measures", path)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from missionmonitor import config
from missionmonitor.config import surveillance
from missionmonitor.errors import NotFoundError
from missionmonitor.ost.service import memberships
from missionmonitor.refdata.geography import BASE, Geography, national_code
from missionmonitor.store.connection import Store
from missionmonitor.store.vintages import select_figures
from missionmonitor.surveillance import ndrdd

#: Ages of SYNTHETIC cases: the published share aged 35 to 54 (NRS), and of the rest, an
#: assumed 57% younger (15 to 34) and 43% older (55 to 74).
MIDDLE, YOUNGER, OLDER, YOUNGER_SHARE = (35, 54), (15, 34), (55, 74), 0.57


def calibration(
    configuration: config.Configuration, store_path: Path, years: list[int]
) -> ndrdd.Calibration:
    """The published figures ``synthetic_cases`` matches, read from the store: NRS deaths
    per year, their councils (5-year averages), sex and age, the drugs implicated, and the
    share in contact with drug treatment in the six months before death. What is not
    published is assumed, and named as such (``Calibration.assumed``, ``YOUNGER_SHARE``)."""
    nation = national_code(configuration)
    # The deaths, and the drugs-implicated indicator each substance group is calibrated to,
    # named in the configuration's surveillance section.
    spec = surveillance(configuration)
    implicated = spec.drugs_implicated
    wanted = [spec.deaths or "", *implicated.values()]
    with Store.open(store_path, configuration, read_only=True) as store:
        results = store.con.execute(
            "SELECT indicator_id, period, value FROM indicator_results WHERE area_code = ? "
            f"AND NOT suppressed AND indicator_id IN ({', '.join('?' * len(wanted))})",
            [nation, *wanted],
        ).df()
        areas = select_figures(
            store,
            "dataset = 'drd_by_area' AND measure = 'deaths_5yr_annual_average'",
            columns="area_code, period, value",
        )
        by_sex = select_figures(
            store,
            "dataset = 'drd_by_age_sex' AND measure = 'deaths'",
            columns="sex, age_group, period, value",
        )
        middle = select_figures(
            store,
            "dataset = 'drd_by_age_sex' AND measure = 'share_of_deaths' AND age_group = '35-54'",
            columns="period, value",
            order_by="period",
        )
        contact = select_figures(
            store,
            "dataset = 'other' AND measure = 'drd_in_contact_with_treatment_6m_pct'",
            columns="value",
        )
    deaths = results[results["indicator_id"] == spec.deaths].set_index("period")["value"]
    missing = [y for y in years if str(y) not in deaths.index]
    if missing or contact.empty or middle.empty:
        raise NotFoundError(
            "the store holds no published drug deaths for "
            f"{', '.join(map(str, missing)) or 'the contact share'}: "
            "choose years it holds (build it with missionmonitor init)"
        )
    geo = Geography.of(configuration)
    councils = {a.code for a in geo.of_type(BASE)}
    latest = areas[areas["area_code"].isin(councils) & areas["value"].notna()]
    latest = latest[latest["period"] == latest["period"].max()]
    sexes = by_sex[(by_sex["age_group"] == "All ages") & by_sex["sex"].isin(["Male", "Female"])]
    sexes = sexes[sexes["period"] == sexes["period"].max()].set_index("sex")["value"]
    share = float(middle["value"].iloc[-1]) / 100
    shares = {}
    for group, ind in implicated.items():
        held = results[results["indicator_id"] == ind].sort_values("period")
        shares[group] = float(held["value"].iloc[-1]) / 100
    return ndrdd.Calibration(
        deaths={y: int(deaths[str(y)]) for y in years},
        councils={r.area_code: float(r.value) for r in latest.itertuples()},
        male_share=float(sexes["Male"] / (sexes["Male"] + sexes["Female"])),
        age_bands={
            MIDDLE: share,
            YOUNGER: (1 - share) * YOUNGER_SHARE,
            OLDER: (1 - share) * (1 - YOUNGER_SHARE),
        },
        implicated=shares,
        contact_drug_treatment_6m=float(contact["value"].iloc[-1]) / 100,
    )


def write_synthetic(
    configuration: config.Configuration,
    store_path: Path,
    out: Path,
    years: list[int],
    seed: int = 1,
) -> Path:
    """Write SYNTHETIC cases for ``years`` (each row marked synthetic) to ``out``."""
    cases = ndrdd.synthetic_cases(calibration(configuration, store_path, years), seed).assign(
        synthetic="yes"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    cases.to_csv(out, index=False)
    return out


@dataclass(frozen=True)
class Review:
    cases: int
    reviewed: int
    synthetic: bool
    measures: pd.DataFrame
    combinations: pd.DataFrame
    files: list[Path]


def compute(
    configuration: config.Configuration, cases_path: Path, out: Path | None = None
) -> Review:
    """Validate a cases file and make its measures and combinations (written to ``out``)."""
    geo = Geography.of(configuration)
    cases = ndrdd.read_cases(cases_path, geo.codes())
    synthetic = (
        bool(len(cases)) and "synthetic" in cases and bool((cases["synthetic"] == "yes").any())
    )
    source = ndrdd.SOURCE_SYNTHETIC if synthetic else ndrdd.SOURCE_REAL
    made = ndrdd.measures(cases, memberships(geo), source, national_code(configuration))
    pairs = ndrdd.combinations(cases, ndrdd.pair_disclosure(configuration))
    files = []
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        label = "synthetic-" if synthetic else ""
        for name, frame in (("measures", made), ("combinations", pairs)):
            path = out / f"{label}ndrdd-{name}.csv"
            frame.to_csv(path, index=False)
            files.append(path)
    return Review(
        len(cases),
        int((cases["reviewed"] == "yes").sum()) if len(cases) else 0,
        synthetic,
        made,
        pairs,
        files,
    )
