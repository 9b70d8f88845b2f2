"""Run the OST pipeline over a folder of prescribing records and write its outputs.

For example::

    outputs = compute_folder(Path("synthetic/"), Path("ost-results/"))
    with spark_runner.spark_session() as spark:  # the caller opens Spark and stops it
        outputs = compute_folder(Path("synthetic/"), engine="spark", spark=spark)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from missionmonitor import config
from missionmonitor.errors import MethodInputError, NotFoundError
from missionmonitor.indicators.populations import latest_population
from missionmonitor.methods.proportions import wilson
from missionmonitor.methods.survival import kaplan_meier_by_group
from missionmonitor.ost import DEFAULT_MAX_GAP, pipeline
from missionmonitor.ost.measures import FolderResult, measures_frame
from missionmonitor.ost.periods import with_period_type
from missionmonitor.ost.pipeline import RETENTION_DAYS
from missionmonitor.ost.referrals import access_sql
from missionmonitor.periods import Period
from missionmonitor.refdata.geography import Geography

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def memberships(geo: Geography) -> pd.DataFrame:
    """Current council → parent memberships, as the pipeline joins them."""
    rows = [m for m in geo.membership_rows() if m[5] is None]
    return pd.DataFrame(
        rows, columns=["council", "parent", "parent_type", "version", "valid_from", "valid_to"]
    )


def ddd_rates(
    items: pd.DataFrame, periods: list[Period], population: dict[str, float]
) -> pd.Series:
    """Defined daily doses per 1,000 population per day: DDDs / (population × days) × 1,000."""
    days = {p.label: (p.end - p.start).days + 1 for p in periods}
    denominator = items["area_code"].map(population) * items["period"].map(days)
    return items["ddd"] / denominator * 1000


def with_access_intervals(access: pd.DataFrame) -> pd.DataFrame:
    """Add the share starting within three weeks, with its Wilson 95% interval (percent)."""
    out = access.sort_values(["period", "area_type", "area_code"]).reset_index(drop=True)
    r = wilson(out["within_3_weeks"], out["started"], multiplier=100)
    return out.assign(
        within_3_weeks_pct=r.value, within_3_weeks_lci=r.lower, within_3_weeks_uci=r.upper
    )


def retention_with_intervals(measures: pd.DataFrame) -> pd.DataFrame:
    """Retention shares with Wilson 95% intervals (percentages) for each window."""
    out = measures[["period", "area_type", "area_code"]].copy()
    for k in RETENTION_DAYS:
        seen = measures[f"observable_{k}"].to_numpy(dtype=float)
        kept = measures[f"retained_{k}"].to_numpy(dtype=float)
        usable = seen > 0
        r = wilson(kept[usable], seen[usable], multiplier=100)
        for col, values in (("pct", r.value), ("lci", r.lower), ("uci", r.upper)):
            out[f"retained_{k}_{col}"] = float("nan")
            out.loc[usable, f"retained_{k}_{col}"] = values
        out[f"observable_{k}"] = seen
    return out


ENGINES = ("duckdb", "spark")
Reader = Callable[[str, list[Path]], str]


@contextmanager
def _engine(
    name: str,
    memory_limit: str | None = None,
    spark: SparkSession | None = None,
) -> Iterator[tuple[pipeline.Engine, Reader]]:
    """An engine and a function exposing Parquet files to it as a named relation."""
    if name == "spark":
        from missionmonitor.ost import spark_runner

        if spark is None:
            raise MethodInputError(
                "the spark engine runs on a Spark session its caller opens "
                "(spark_runner.spark_session) and passes in"
            )
        yield (
            spark_runner.SparkEngine(spark),
            lambda view, files: spark_runner.read_parquet(spark, view, files),
        )
        return
    if name != "duckdb":
        raise MethodInputError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")
    con = duckdb.connect()
    try:

        def read(view: str, files: list[Path]) -> str:
            # The file names go to DuckDB as values, never into the SQL text.
            con.read_parquet([str(f) for f in files]).create_view(view, replace=True)
            return view

        yield pipeline.DuckDBEngine(con, memory_limit), read
    finally:
        con.close()


def time_on_treatment(grouped: pd.DataFrame) -> pd.DataFrame:
    """Kaplan–Meier time on treatment per period × area, from the pipeline's grouped
    episodes: episodes, endings seen, median days, and the share still in treatment at 12
    and 26 weeks with 95% intervals (percentages)."""
    keys = ["period", "period_type", "area_type", "area_code"]
    # Thousands of small groups: every curve at once (kaplan_meier_by_group), not a curve
    # per group.
    codes = grouped.groupby(keys, sort=True, observed=True).ngroup().to_numpy()
    out = (
        grouped[keys]
        .assign(group=codes)
        .drop_duplicates("group")
        .sort_values("group")
        .reset_index(drop=True)
    )
    for k in keys:  # plain text again (the pipeline may hand over categorical keys)
        out[k] = out[k].astype(str)
    curves = kaplan_meier_by_group(
        codes,
        grouped["days"].to_numpy(dtype=float),
        grouped["ended"].to_numpy(dtype=bool),
        grouped["episodes"].to_numpy(dtype=float),
        list(RETENTION_DAYS.values()),
    )
    out["episodes"] = curves.weight.astype(int)
    out["ended"] = curves.events.astype(int)
    out["median_days"] = curves.median
    for k, n in RETENTION_DAYS.items():
        # Beyond the longest follow-up the curve is unknown, not flat.
        known = n <= curves.longest
        for col, values in zip(("pct", "lci", "uci"), curves.at[float(n)], strict=True):
            out[f"in_treatment_{k}_{col}"] = np.where(known, values * 100, np.nan)
    return out.drop(columns="group")


def services_per_100k(items: pd.DataFrame, population: dict[str, float]) -> pd.Series:
    """Prescribing services with an OST item in the period per 100,000 population."""
    return items["services"] / items["area_code"].map(population) * 100_000


def compute_folder(
    configuration: config.Configuration,
    source: Path,
    out: Path | None = None,
    max_gap: int = DEFAULT_MAX_GAP,
    engine: str = "duckdb",
    keep_episodes: bool = False,
    memory_limit: str | None = None,
    spark: SparkSession | None = None,
) -> FolderResult:
    """Run the pipeline over ``source`` (a Parquet file or a folder of them) on ``engine``
    (``duckdb``, or ``spark`` with the optional extra installed). ``memory_limit`` (such as
    ``"6GB"``) caps DuckDB's memory: beyond it work spills to a temporary folder. The
    Spark engine runs on ``spark``, a session the caller opened (on this machine or a
    cluster) and stops."""
    referrals = source / "referrals.parquet" if source.is_dir() else None
    files = (
        sorted(f for f in source.glob("*.parquet") if f != referrals)
        if source.is_dir()
        else [source]
    )
    if not files or not all(f.exists() for f in files):
        raise NotFoundError(f"no Parquet prescribing records at {source}")
    synthetic = any((pq.read_schema(f).metadata or {}).get(b"synthetic") == b"true" for f in files)
    members = memberships(Geography.of(configuration))
    access = None
    with _engine(engine, memory_limit, spark) as (runner, read):
        outputs = pipeline.run_on(
            runner, read("prescribing", files), members, max_gap, keep_episodes
        )
        if referrals is not None and referrals.exists():
            # The pipeline registered its periods and memberships on this engine.
            sql = access_sql(read("referrals", [referrals]), "periods", "members", runner.dialect)
            access = with_access_intervals(with_period_type(runner.query(sql), outputs.periods))
    retention = retention_with_intervals(outputs.starts_and_retention)
    year, population = latest_population(Geography.of(configuration))
    outputs.items["ddd_per_1000_per_day"] = ddd_rates(outputs.items, outputs.periods, population)
    outputs.items["services_per_100k"] = services_per_100k(outputs.items, population)
    survival = time_on_treatment(outputs.time_on_treatment)
    outputs.items["population_year"] = year
    result = FolderResult(outputs, retention, survival, access, synthetic, population, [])
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        label = "synthetic-" if synthetic else ""
        tables = [("access", access)] if access is not None else []
        for name, frame in (
            *tables,
            ("people", outputs.people),
            ("people_by_drug", outputs.people_by_drug),
            ("items", outputs.items),
            ("starts_and_retention", outputs.starts_and_retention),
            ("retention", retention),
            ("time_on_treatment", survival),
        ):
            path = out / f"{label}ost-{name}.csv"
            frame.assign(synthetic=synthetic).to_csv(path, index=False)
            result.files.append(path)
        # The measures for the store, as the ost_records dataset (its source column says
        # whether they came from SYNTHETIC records).
        path = out / f"{label}ost-measures.csv"
        measures_frame(result).to_csv(path, index=False)
        result.files.append(path)
    return result
