"""SYNTHETIC referral records and the access measure: the share of people starting
treatment within three weeks (21 days) of referral, the Scottish waiting-times standard
(90%). Referral records are confidential in reality; these are generated, and say so.

Counting follows the PHS waiting-times publication: completed waits, i.e. referrals whose
treatment started in the period, by the council of the person's residence.

For example::

    write_referrals(Path("out"), ReferralSpec(referrals=20_000, seed=1))
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from missionmonitor import config
from missionmonitor.errors import MethodInputError
from missionmonitor.ost.dialect import DUCKDB, Dialect
from missionmonitor.ost.synthetic import council_weights

#: The waiting-times standard: treatment within 21 days of referral.
STANDARD_DAYS = 21
SCHEMA = pa.schema(
    [
        ("referral_id", pa.int64()),
        ("council_code", pa.string()),
        ("substance", pa.string()),
        ("referral_date", pa.date32()),
        ("treatment_start_date", pa.date32()),
        ("synthetic", pa.bool_()),
    ]
)


@dataclass(frozen=True)
class ReferralSpec:
    referrals: int = 30_000
    years: int = 3
    seed: int = 1
    start: dt.date = dt.date(2021, 4, 1)

    def __post_init__(self) -> None:
        if self.referrals < 1 or self.years < 1:
            raise MethodInputError("referrals and years must be at least 1")


def write_referrals(configuration: config.Configuration, out: Path, spec: ReferralSpec) -> Path:
    """Write ``out/referrals.parquet``: about 90% start within 21 days, some never start."""
    councils, weights = council_weights(configuration)
    rng = np.random.default_rng([spec.seed, 7])
    n = spec.referrals
    span = (
        dt.date(spec.start.year + spec.years, spec.start.month, spec.start.day) - spec.start
    ).days
    referred = rng.uniform(0, span, n).astype(int)
    # Waits: mostly days to a few weeks, with a long tail; councils differ in their services.
    council = rng.choice(len(councils), n, p=weights)
    slowness = rng.lognormal(0, 0.35, len(councils))[council]
    wait = (rng.lognormal(np.log(7), 0.9, n) * slowness).astype(int)
    started = rng.random(n) < 0.88  # the rest withdraw or are still waiting
    substance = rng.choice(["drugs", "alcohol", "drugs and alcohol"], n, p=[0.45, 0.45, 0.10])
    base = np.datetime64(spec.start)
    start_day = referred + wait
    ok = started & (start_day < span)
    table = pa.table(
        {
            "referral_id": pa.array(np.arange(n, dtype=np.int64)),
            "council_code": pa.array(np.array(councils)[council]),
            "substance": pa.array(substance),
            "referral_date": pa.array(base + referred.astype("timedelta64[D]")),
            "treatment_start_date": pa.array(base + start_day.astype("timedelta64[D]"), mask=~ok),
            "synthetic": pa.array(np.ones(n, dtype=bool)),
        },
        schema=SCHEMA,
    )
    out.mkdir(parents=True, exist_ok=True)
    path = out / "referrals.parquet"
    meta = {
        b"synthetic": b"true",
        b"missionmonitor.synthetic": json.dumps(
            {"referrals": n, "years": spec.years, "seed": spec.seed}
        ).encode(),
    }
    pq.write_table(table.replace_schema_metadata(meta), path)
    return path


def access_sql(referrals: str, periods: str, members: str, dialect: Dialect = DUCKDB) -> str:
    """Completed waits per period × area: started, started within 21 days."""
    wait = dialect.days_between.format(a="r.referral_date", b="r.treatment_start_date")
    return f"""
        WITH w AS (
            SELECT p.label AS period, r.council_code, {wait} AS wait
            FROM {referrals} r JOIN {periods} p
              ON r.treatment_start_date BETWEEN p.first_day AND p.last_day
        ), levels AS (
            SELECT period, 'council' AS area_type, council_code AS area_code, wait FROM w
            UNION ALL
            SELECT w.period, m.parent_type, m.parent, w.wait
            FROM w JOIN {members} m ON m.council = w.council_code
        )
        SELECT period, area_type, area_code, count(*) AS started,
               count(*) FILTER (WHERE wait <= {STANDARD_DAYS}) AS within_3_weeks
        FROM levels GROUP BY ALL
    """
