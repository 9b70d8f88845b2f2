"""The demonstration: a store of its own holding the shipped data and generated (SYNTHETIC)
records, and a portal database of its own with a generated year of MAT grades. A store of
published figures never holds generated data (``Store.refuse_generated``).

For example::

    report = build_demonstration(Path("var/demo.duckdb"), Path("var/demo-records"),
                                 "sqlite:///var/demo-portal.sqlite3")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from missionmonitor import config
from missionmonitor.errors import DemonstrationDataError
from missionmonitor.ost.referrals import ReferralSpec, write_referrals
from missionmonitor.ost.service import compute_folder
from missionmonitor.ost.synthetic import SyntheticSpec, write_prescribing
from missionmonitor.portal.db import connect, session_scope
from missionmonitor.refdata.geography import Geography
from missionmonitor.services import ndrdd
from missionmonitor.services.build import build_store
from missionmonitor.services.demo_returns import demo_accountability
from missionmonitor.services.ingest import ingest
from missionmonitor.standards.workflow import demo_year
from missionmonitor.store.connection import Store
from missionmonitor.surveillance import early_warning

#: The steps ``build_demonstration`` reports, in order.
#: Years of SYNTHETIC drug-death case reviews (each has published NRS deaths to match).
NDRDD_YEARS = [2021, 2022, 2023]
STEPS = (
    "the shipped data",
    "prescribing records",
    "referral records",
    "the OST pipeline",
    "drug-death case reviews",
    "overdose counts and early warning",
    "a year of MAT grades",
    "a year of accountability returns and feedback",
)


@dataclass(frozen=True)
class DemonstrationReport:
    store: Path
    people: int
    alerts: int
    grades: int


def build_demonstration(
    configuration: config.Configuration,
    store_path: Path,
    records: Path,
    app_database_url: str,
    *,
    people: int = 30_000,
    seed: int = 1,
    progress: Callable[[str], None] | None = None,
) -> DemonstrationReport:
    """Build the demonstration from scratch (an existing demonstration store is kept aside,
    as ``init --rebuild`` does): every generated figure is marked SYNTHETIC."""
    tell = progress or (lambda _step: None)
    if store_path.exists():
        with Store.open(store_path, configuration, read_only=True) as existing:
            if not existing.demonstration:
                raise DemonstrationDataError(
                    f"{store_path} holds published figures: the demonstration is built in a "
                    "store of its own (--store)"
                )
    tell(STEPS[0])
    build_store(configuration, store_path, rebuild=True, demonstration=True)
    tell(STEPS[1])
    write_prescribing(configuration, records, SyntheticSpec(people=people, years=3, seed=seed))
    tell(STEPS[2])
    write_referrals(
        configuration, records, ReferralSpec(referrals=people * 45 // 100, years=3, seed=seed)
    )
    tell(STEPS[3])
    result = compute_folder(configuration, records, records / "ost-results")
    measures = next(p for p in result.files if p.name.endswith("ost-measures.csv"))
    ingest(configuration, store_path, "ost_records", measures)
    tell(STEPS[4])
    cases = ndrdd.write_synthetic(
        configuration, store_path, records / "ndrdd-cases.csv", NDRDD_YEARS, seed
    )
    review = ndrdd.compute(configuration, cases, records / "ndrdd-results")
    ingest(
        configuration,
        store_path,
        "ndrdd_measures",
        next(p for p in review.files if p.name.endswith("ndrdd-measures.csv")),
    )
    tell(STEPS[5])
    made = early_warning.synthetic_overdoses(configuration, seed=seed)
    series = early_warning.get_series(configuration, "nonfatal_overdoses")
    alerts = early_warning.scan(made.counts, series)
    with Store.open(store_path, configuration) as store:
        early_warning.store_scan(store, series, made.counts, alerts)
    tell(STEPS[6])
    engine = connect(app_database_url)
    try:
        with session_scope(engine) as db:
            grades = demo_year(db, dt.date.today().year - 1, seed, geo=Geography.of(configuration))
        tell(STEPS[7])
        with session_scope(engine) as db:
            rows = demo_accountability(db, Geography.of(configuration), dt.date.today(), seed)
    finally:
        engine.dispose()
    returns = records / "adp-returns.csv"
    pd.DataFrame(rows).to_csv(returns, index=False)
    ingest(configuration, store_path, "adp_returns", returns)
    return DemonstrationReport(store_path, people, len(alerts), grades)
