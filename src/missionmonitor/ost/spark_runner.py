"""Run the OST pipeline on Apache Spark: the same SQL text as on DuckDB, in Spark's dialect.

Spark is an optional extra (``pip install 'missionmonitor[spark]'``, Java 17 or later). A
local session uses every core of the machine; point ``master`` at a cluster for more.

For example::

    with spark_session() as spark:
        outputs = run(spark, [Path("synthetic/prescribing.parquet")], members)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from missionmonitor.errors import SparkUnavailableError
from missionmonitor.ost import DEFAULT_MAX_GAP
from missionmonitor.ost.dialect import SPARK
from missionmonitor.ost.pipeline import Outputs, run_on

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


@contextmanager
def spark_session(
    master: str = "local[*]", memory: str = "4g", partitions: int = 8
) -> Iterator[SparkSession]:
    """A Spark session set up for the pipeline (UTC dates, no UI), stopped afterwards.

    ``partitions`` is the number of shuffle partitions: a few per core on one machine.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise SparkUnavailableError(
            "Spark is not installed: pip install 'missionmonitor[spark]' (needs Java 17+)"
        ) from exc
    spark = (
        SparkSession.builder.master(master)
        .appName("missionmonitor-ost")
        .config("spark.driver.memory", memory)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.sql.ansi.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        yield spark
    finally:
        spark.stop()


def _python(value: Any) -> Any:
    """Plain Python values for Spark (it does not take numpy or pandas scalars)."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value.item() if hasattr(value, "item") else value


def _spark_type(column: pd.Series) -> str:
    """The Spark SQL type a column is registered as: integers (such as month bitmasks)
    stay 64-bit integers, dates stay dates, anything else is text."""
    if pd.api.types.is_integer_dtype(column.dtype):
        return "bigint"
    if pd.api.types.is_float_dtype(column.dtype):
        return "double"
    if len(column) and isinstance(column.iloc[0], dt.date):
        return "date"
    return "string"


class SparkEngine:
    """The pipeline's engine interface over a Spark session."""

    dialect = SPARK

    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark

    def register(self, name: str, frame: pd.DataFrame) -> None:
        rows = [tuple(_python(v) for v in row) for row in frame.itertuples(index=False)]
        types = {c: _spark_type(frame[c]) for c in frame.columns}
        schema = ", ".join(f"{c} {t}" for c, t in types.items())
        self.spark.createDataFrame(rows, schema).createOrReplaceTempView(name)

    def materialise(self, name: str, sql: str) -> None:
        frame = self.spark.sql(sql).cache()
        frame.count()  # compute it once, now
        frame.createOrReplaceTempView(name)

    def query(self, sql: str) -> pd.DataFrame:
        result = self.spark.sql(sql)
        columns = result.columns
        dates = [f.name for f in result.schema.fields if f.dataType.typeName() == "date"]
        frame = pd.DataFrame([tuple(r) for r in result.collect()], columns=columns)
        for c in dates:
            frame[c] = pd.to_datetime(frame[c])
        return frame


def read_parquet(spark: SparkSession, name: str, files: list[Path]) -> str:
    """Expose Parquet files to Spark SQL as the view ``name``; returns the name."""
    spark.read.parquet(*[str(f) for f in files]).createOrReplaceTempView(name)
    return name


def run(
    spark: SparkSession, files: list[Path], members: pd.DataFrame, max_gap: int = DEFAULT_MAX_GAP
) -> Outputs:
    """Run the pipeline on Spark over Parquet prescribing records."""
    source = read_parquet(spark, "prescribing", files)
    return run_on(SparkEngine(spark), source, members, max_gap)
