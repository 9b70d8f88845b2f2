"""Synthetic prescribing records, in a prescribing-system-like schema. SYNTHETIC: not real.

Real dispensing records are confidential. These are generated to behave like them: people
start, stop, miss pick-ups, relapse and come back, switch medicine (often to injectable
buprenorphine), move council, spend time in prison or hospital, and die; some items lack a
patient identifier, and some items are for drugs outside OST (lofexidine, naltrexone) that
the pipeline must drop. Each person is seen by a prescribing service (``service_id``) in
their council, about ``SERVICES`` across Scotland. Every file says it is synthetic (a
``synthetic`` column, Parquet
metadata and a README beside it).

Calibration: ``--people`` is the number of people ever treated in the window. With the
defaults the number of different people with a community OST item in a financial year is
close to the ~29,500 PHS reports (checked by a test); people are spread across councils in
proportion to their populations aged 15-64 (shipped NRS estimates, latest year).

Generation streams batches of people with their own random streams (``[seed, batch]``), so
output is deterministic per seed and memory stays flat however many records are written.

For example::

    write_prescribing(Path("out"), people=45_000, years=3, seed=1)
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from missionmonitor import config
from missionmonitor.errors import MethodInputError

#: Medicines written on these records; the last two are not OST (used in withdrawal).
DRUGS = (
    "methadone",
    "buprenorphine",
    "buprenorphine_naloxone",
    "buprenorphine_injectable",
    "lofexidine",
    "naltrexone",
)
OST_DRUGS = DRUGS[:4]
#: Share of treatment episodes starting on each OST medicine.
DRUG_MIX = (0.64, 0.23, 0.03, 0.10)
#: Defined daily doses in one day's supply (approximate adult maintenance doses).
DDD_PER_DAY = {
    "methadone": 60 / 25,
    "buprenorphine": 12 / 8,
    "buprenorphine_naloxone": 12 / 8,
    "buprenorphine_injectable": 1.0,
    "lofexidine": 1.0,
    "naltrexone": 1.0,
}
SCHEMA = pa.schema(
    [
        ("item_id", pa.int64()),
        ("patient_id", pa.string()),
        ("council_code", pa.string()),
        ("service_id", pa.string()),
        ("drug", pa.string()),
        ("dispensed_date", pa.date32()),
        ("quantity", pa.float64()),
        ("days_supply", pa.int32()),
        ("ddd", pa.float64()),
        ("setting", pa.string()),
        ("synthetic", pa.bool_()),
    ]
)
BATCH_PEOPLE = 20_000
#: Prescribing services (specialist teams and GP practices prescribing OST) in Scotland;
#: each council has a share by population, and at least two.
SERVICES = 320
LEAD_IN_YEARS = 6


@dataclass(frozen=True)
class SyntheticSpec:
    people: int = 65_000
    years: int = 3
    seed: int = 1
    start: dt.date = dt.date(2021, 4, 1)
    missing_id_share: float = 0.04

    def __post_init__(self) -> None:
        if self.people < 1 or self.years < 1:
            raise MethodInputError("people and years must be at least 1")
        if not 0 <= self.missing_id_share < 1:
            raise MethodInputError("missing_id_share must be in [0, 1)")

    @property
    def end(self) -> dt.date:
        return dt.date(self.start.year + self.years, self.start.month, self.start.day)


ADULT_BANDS = (
    "15-19",
    "20-24",
    "25-29",
    "30-34",
    "35-39",
    "40-44",
    "45-49",
    "50-54",
    "55-59",
    "60-64",
)


def council_weights(configuration: config.Configuration) -> tuple[list[str], np.ndarray]:
    """Councils and their shares of Scotland's population aged 15-64 (latest shipped year)."""
    from missionmonitor.data import shipped_file
    from missionmonitor.datasets.declaration import get_declaration
    from missionmonitor.datasets.reader import read_and_validate
    from missionmonitor.refdata.geography import Geography

    geo = Geography.of(configuration)
    rows = read_and_validate(
        get_declaration(configuration, "population"),
        shipped_file(configuration, "population.csv"),
        geo.codes(),
    ).rows
    latest = max(int(str(r["year"])) for r in rows)
    totals: dict[str, float] = {}
    for r in rows:
        code = str(r["area_code"])
        if (
            r["year"] == latest
            and r["sex"] == "All"
            and r["age_band"] in ADULT_BANDS
            and geo.codes().get(code) == "council"
        ):
            totals[code] = totals.get(code, 0.0) + float(str(r["population"]))
    councils = sorted(totals)
    weights = np.array([totals[c] for c in councils])
    return councils, weights / weights.sum()


def _batch(
    spec: SyntheticSpec,
    index: int,
    first_person: int,
    n: int,
    councils: list[str],
    weights: np.ndarray,
) -> pa.Table:
    rng = np.random.default_rng([spec.seed, index])
    span = (spec.end - spec.start).days
    # Episodes: 1 + Poisson(0.7) per person (relapse and re-entry), each on one medicine.
    n_eps = 1 + rng.poisson(0.7, n)
    person = np.repeat(np.arange(n), n_eps)
    e = person.size
    first = np.r_[True, person[1:] != person[:-1]]
    # Starts arrive evenly from LEAD_IN_YEARS before the window opens, so the window sees a
    # steady state: people already in treatment as well as new starts.
    lead = rng.uniform(-LEAD_IN_YEARS * 365, span, n)
    duration = np.minimum(rng.lognormal(np.log(420), 1.0, e), 6 * 365).astype(int) + 7
    pause = rng.lognormal(np.log(150), 0.8, e).astype(int) + 30
    # Start of each later episode = previous start + previous duration + pause.
    order = np.arange(e)
    group_start = np.maximum.accumulate(np.where(first, order, 0))
    offsets = np.cumsum(np.where(first, 0, np.roll(duration + pause, 1)))
    starts = lead[person] + offsets - offsets[group_start]
    drug = rng.choice(4, e, p=DRUG_MIX)
    interval = np.where(
        drug == 3, np.where(rng.random(e) < 0.7, 28, 7), rng.choice([7, 7, 7, 14, 28], e)
    )
    dies = rng.random(n) < 0.012 * spec.years
    death_day = np.where(dies, rng.uniform(0, span, n), np.inf)
    home = rng.choice(len(councils), n, p=weights)
    moves = rng.random(n) < 0.03 * spec.years
    new_home = rng.choice(len(councils), n, p=weights)
    move_day = np.where(moves, rng.uniform(0, span, n), np.inf)
    switch = (drug < 3) & (rng.random(e) < 0.12)
    switch_after = rng.uniform(0.2, 0.8, e)

    # Items: one per interval across each episode, with occasional missed pick-ups.
    per_ep = np.maximum(duration // interval, 1)
    item_ep = np.repeat(np.arange(e), per_ep)
    pos = np.arange(item_ep.size) - np.repeat(np.cumsum(per_ep) - per_ep, per_ep)
    late = np.where(rng.random(item_ep.size) < 0.04, rng.integers(2, 25, item_ep.size), 0)
    ep_first_item = np.repeat(np.cumsum(per_ep) - per_ep, per_ep)
    extra = np.cumsum(late) - np.cumsum(late)[ep_first_item] + late[ep_first_item]
    day = starts[item_ep] + pos * interval[item_ep] + extra
    who = person[item_ep]
    keep = (day >= 0) & (day < span) & (day < death_day[who])
    # Same-day duplicates (a second item dispensed the same day) happen now and then.
    dup = keep & (rng.random(item_ep.size) < 0.004)
    idx = np.r_[np.flatnonzero(keep), np.flatnonzero(dup)]
    item_ep, pos, day, who = item_ep[idx], pos[idx], day[idx], who[idx]
    d = drug[item_ep].copy()
    switched = switch[item_ep] & (pos >= switch_after[item_ep] * per_ep[item_ep])
    d[switched] = 3
    days_supply = np.where(d == 3, np.maximum(interval[item_ep], 7), interval[item_ep])
    council = np.where(day >= move_day[who], new_home[who], home[who])
    setting = np.where(rng.random(day.size) < 0.015, 1, 0)  # prison spells
    setting = np.where((d == 3) & (rng.random(day.size) < 0.06), 2, setting)  # hospital stock
    # A few people also get withdrawal medicines that are not OST.
    other = rng.random(day.size) < 0.01
    d = np.where(other, rng.choice([4, 5], day.size), d)
    names = np.array(DRUGS)[d]
    ddd = days_supply * np.vectorize(DDD_PER_DAY.get)(names)
    quantity = np.where(d == 0, days_supply * 60.0, days_supply.astype(float))
    ids = np.char.add("P", np.char.zfill((first_person + who).astype(str), 8))
    missing = rng.random(day.size) < spec.missing_id_share
    # Each person is seen by one prescribing service in their council (a new one on moving).
    per_council = np.maximum(np.round(weights * SERVICES).astype(int), 2)
    first_service = np.cumsum(per_council) - per_council
    service_names = np.array(
        [
            f"{c}-S{k:02d}"
            for c, n_s in zip(councils, per_council, strict=True)
            for k in range(1, n_s + 1)
        ]
    )
    home_service = first_service[home] + (rng.random(n) * per_council[home]).astype(int)
    new_service = first_service[new_home] + (rng.random(n) * per_council[new_home]).astype(int)
    service = np.where(day >= move_day[who], new_service[who], home_service[who])
    order = np.lexsort((who, day))
    dates = np.datetime64(spec.start) + day.astype(int).astype("timedelta64[D]")
    return pa.table(
        {
            "item_id": pa.array(index * 1_000_000_000 + np.arange(day.size, dtype=np.int64)),
            "patient_id": pa.array(ids[order], mask=missing[order], type=pa.string()),
            "council_code": pa.array(np.array(councils)[council][order]),
            "service_id": pa.array(service_names[service][order]),
            "drug": pa.array(names[order]),
            "dispensed_date": pa.array(dates[order]),
            "quantity": pa.array(quantity[order]),
            "days_supply": pa.array(days_supply[order], type=pa.int32()),
            "ddd": pa.array(ddd[order]),
            "setting": pa.array(np.array(["community", "prison", "hospital"])[setting][order]),
            "synthetic": pa.array(np.ones(day.size, dtype=bool)),
        },
        schema=SCHEMA,
    )


def batches(spec: SyntheticSpec, councils: list[str], weights: np.ndarray) -> Iterator[pa.Table]:
    for index, first in enumerate(range(0, spec.people, BATCH_PEOPLE)):
        yield _batch(spec, index, first, min(BATCH_PEOPLE, spec.people - first), councils, weights)


README = """# SYNTHETIC prescribing records

These records are SYNTHETIC. They were generated by Mission Monitor to behave like
community prescribing records for opioid substitution therapy; no row describes a real
person. Settings: {settings}.
"""


def write_prescribing(
    configuration: config.Configuration,
    out: Path,
    spec: SyntheticSpec,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write ``out/prescribing.parquet`` (and a README saying it is synthetic), streaming.

    ``progress(people_done, people_total)`` is called after each batch.
    """
    councils, weights = council_weights(configuration)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "prescribing.parquet"
    settings = {
        "people": spec.people,
        "years": spec.years,
        "seed": spec.seed,
        "start": spec.start.isoformat(),
        "missing_id_share": spec.missing_id_share,
    }
    meta = {b"synthetic": b"true", b"missionmonitor.synthetic": json.dumps(settings).encode()}
    with pq.ParquetWriter(path, SCHEMA.with_metadata(meta), compression="zstd") as writer:
        done = 0
        for table in batches(spec, councils, weights):
            writer.write_table(table)
            done = min(done + BATCH_PEOPLE, spec.people)
            if progress:
                progress(done, spec.people)
    (out / "README-SYNTHETIC.md").write_text(README.format(settings=json.dumps(settings)))
    return path
