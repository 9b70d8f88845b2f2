from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from missionmonitor.ost import pipeline
from missionmonitor.ost.service import memberships
from missionmonitor.ost.synthetic import SyntheticSpec, write_prescribing
from missionmonitor.refdata.geography import Geography
from tests.ost import baseline
from tests.ost.spark_cluster import standalone_cluster

MEMBERS = memberships(Geography.shipped())
Engine = Callable[..., pipeline.Outputs]


@pytest.fixture(scope="session")
def synthetic_small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_prescribing(
        tmp_path_factory.mktemp("synth"), SyntheticSpec(people=5000, years=2, seed=7)
    )


@pytest.fixture(scope="session")
def spark_master(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A standalone Spark cluster on this machine, a master and two workers, for the run."""
    pytest.importorskip("pyspark", reason="the spark extra is installed by make test")
    with standalone_cluster(workers=2, work_dir=tmp_path_factory.mktemp("spark-work")) as master:
        yield master


@pytest.fixture(scope="session")
def spark_session(spark_master: str) -> Iterator[Any]:
    """The one Spark session of the run, on the standalone cluster: every test on Spark
    shares it (tests that use it are kept on one test process, see tests/conftest.py)."""
    from missionmonitor.ost.spark_runner import spark_session as open_session

    with open_session(spark_master, memory="1g", partitions=2) as spark:
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
