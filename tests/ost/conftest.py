from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from missionmonitor import config
from missionmonitor.ost import pipeline
from missionmonitor.ost.service import memberships
from missionmonitor.ost.synthetic import SyntheticSpec, write_prescribing
from missionmonitor.refdata.geography import Geography
from tests.helpers import scotland
from tests.ost import baseline

MEMBERS = memberships(Geography.of(config.load(None)))
Engine = Callable[..., pipeline.Outputs]


@pytest.fixture(scope="session")
def synthetic_small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_prescribing(
        scotland(), tmp_path_factory.mktemp("synth"), SyntheticSpec(people=5000, years=2, seed=7)
    )


class SparkSessions:
    """Spark allows one session per process: the run keeps its local session open for every
    test on Spark and only gives it up while a test needs a session on a cluster."""

    def __init__(self) -> None:
        self.stack: ExitStack | None = None
        self.master: str | None = None
        self.spark: Any = None

    def on(self, master: str) -> Any:
        if self.master != master:
            from missionmonitor.ost.spark_runner import spark_session

            self.close()
            self.stack = ExitStack()
            self.spark = self.stack.enter_context(spark_session(master, memory="1g", partitions=2))
            self.master = master
        return self.spark

    def close(self) -> None:
        if self.stack is not None:
            self.stack.close()
        self.stack, self.master, self.spark = None, None, None


@pytest.fixture(scope="session")
def spark_sessions() -> Iterator[SparkSessions]:
    pytest.importorskip("pyspark", reason="the spark extra is installed by make test")
    sessions = SparkSessions()
    yield sessions
    sessions.close()


@pytest.fixture
def spark_session(spark_sessions: SparkSessions) -> Any:
    """The run's local Spark session (opened once, kept open for the run)."""
    return spark_sessions.on("local[2]")


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
