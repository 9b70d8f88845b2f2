"""The same pipeline on Apache Spark (a real local session, and a standalone cluster of two
workers) gives DuckDB's outputs exactly."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from missionmonitor.errors import MethodInputError
from missionmonitor.ost.referrals import ReferralSpec, write_referrals
from missionmonitor.ost.service import compute_folder
from missionmonitor.ost.synthetic import SyntheticSpec, write_prescribing
from tests.helpers import scotland
from tests.ost.spark_cluster import standalone_cluster

pytest.importorskip("pyspark", reason="the spark extra is installed by make test")
pytestmark = [pytest.mark.slow, pytest.mark.spark]

NAMES = (
    "people",
    "people_by_drug",
    "items",
    "episodes",
    "starts_and_retention",
    "time_on_treatment",
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("spark")
    write_prescribing(scotland(), out, SyntheticSpec(people=1500, years=2, seed=11))
    write_referrals(scotland(), out, ReferralSpec(referrals=1500, years=2, seed=11))
    return out


def test_spark_and_duckdb_give_identical_outputs(folder, spark_session):
    spark = compute_folder(
        scotland(), folder, engine="spark", keep_episodes=True, spark=spark_session
    )
    duck = compute_folder(scotland(), folder, engine="duckdb", keep_episodes=True)
    _assert_same(duck, spark)
    assert len(duck.outputs.episodes) > 500 and duck.access is not None


def _assert_same(duck, spark) -> None:
    for name in NAMES:
        x = getattr(duck.outputs, name)
        pd.testing.assert_frame_equal(x, getattr(spark.outputs, name)[x.columns], check_dtype=False)
    for name in ("retention", "time_on_treatment", "access"):
        pd.testing.assert_frame_equal(getattr(duck, name), getattr(spark, name), check_dtype=False)


def test_the_spark_engine_needs_a_session_passed_in(folder):
    with pytest.raises(MethodInputError, match="Spark session"):
        compute_folder(scotland(), folder, engine="spark")


@pytest.fixture(scope="module")
def spark_master(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A standalone cluster on this machine (a master and two workers) for this module."""
    with standalone_cluster(workers=2, work_dir=tmp_path_factory.mktemp("work")) as master:
        yield master


@pytest.fixture
def on_cluster(spark_sessions, spark_master):
    """A session on the cluster, in place of the run's local one while the test runs."""
    yield spark_sessions.on(spark_master)
    spark_sessions.close()


def test_a_standalone_cluster_of_two_workers_gives_duckdbs_outputs(
    folder, spark_master, on_cluster
):
    assert spark_master.startswith("spark://127.0.0.1:")
    assert on_cluster.sparkContext.master == spark_master
    spark = compute_folder(scotland(), folder, engine="spark", keep_episodes=True, spark=on_cluster)
    _assert_same(compute_folder(scotland(), folder, engine="duckdb", keep_episodes=True), spark)


def test_the_cluster_runs_the_work_on_its_workers(on_cluster):
    tasks = on_cluster.sparkContext.parallelize(range(400), 8)
    processes = set(tasks.map(lambda _: os.getpid()).distinct().collect())
    # Each worker runs its own executor process, apart from this driver.
    assert len(processes) >= 2 and os.getpid() not in processes
