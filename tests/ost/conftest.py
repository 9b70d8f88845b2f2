from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from missionmonitor import config
from missionmonitor.ost import baseline, pipeline
from missionmonitor.ost.service import memberships
from missionmonitor.ost.synthetic import SyntheticSpec, write_prescribing
from missionmonitor.refdata.geography import Geography

MEMBERS = memberships(Geography.of(config.load(None)))
Engine = Callable[..., pipeline.Outputs]


@pytest.fixture(scope="session")
def synthetic_small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_prescribing(
        tmp_path_factory.mktemp("synth"), SyntheticSpec(people=5000, years=2, seed=7)
    )


@pytest.fixture(scope="module")
def spark_session() -> Iterator[Any]:
    """One local Spark session for a module's tests on Spark, stopped after them (an idle
    JVM would slow every later test)."""
    pytest.importorskip("pyspark", reason="the spark extra is installed by make test")
    from missionmonitor.ost.spark_runner import spark_session as open_session

    with open_session("local[1]", partitions=2) as spark:
        yield spark


@pytest.fixture(params=["duckdb", "pandas", "spark"])
def ost_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    """The OST pipeline on one engine: ``ost_engine(records, max_gap=28) -> Outputs``.

    Every edge-case test runs once per engine: the SQL on DuckDB and on Spark, and the
    pandas twin written independently of it.
    """

    def duck(df: pd.DataFrame, max_gap: int = 28) -> pipeline.Outputs:
        con = duckdb.connect()
        con.register("recs", df)
        return pipeline.run(con, "recs", MEMBERS, max_gap)

    def twin(df: pd.DataFrame, max_gap: int = 28) -> pipeline.Outputs:
        return baseline.run(df, MEMBERS, max_gap)

    if request.param == "duckdb":
        return duck
    if request.param == "pandas":
        return twin
    spark = request.getfixturevalue("spark_session")
    from missionmonitor.ost import spark_runner

    def on_spark(df: pd.DataFrame, max_gap: int = 28) -> pipeline.Outputs:
        path = tmp_path / f"records-{max_gap}.parquet"
        df.to_parquet(path)
        return spark_runner.run(spark, [path], MEMBERS, max_gap)

    return on_spark
