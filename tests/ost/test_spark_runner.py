"""The same pipeline on Apache Spark (a real local session) gives DuckDB's outputs exactly."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from missionmonitor.ost.referrals import ReferralSpec, write_referrals
from missionmonitor.ost.service import compute_folder
from missionmonitor.ost.synthetic import SyntheticSpec, write_prescribing

pytest.importorskip("pyspark", reason="the spark extra is installed by make test")
pytestmark = pytest.mark.slow

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
    write_prescribing(out, SyntheticSpec(people=1500, years=2, seed=11))
    write_referrals(out, ReferralSpec(referrals=1500, years=2, seed=11))
    return out


def test_spark_and_duckdb_give_identical_outputs(folder):
    spark = compute_folder(folder, engine="spark", keep_episodes=True)
    duck = compute_folder(folder, engine="duckdb", keep_episodes=True)
    _assert_same(duck, spark)
    assert len(duck.outputs.episodes) > 500 and duck.access is not None


def _assert_same(duck, spark) -> None:
    for name in NAMES:
        x = getattr(duck.outputs, name)
        pd.testing.assert_frame_equal(x, getattr(spark.outputs, name)[x.columns], check_dtype=False)
    for name in ("retention", "time_on_treatment", "access"):
        pd.testing.assert_frame_equal(getattr(duck, name), getattr(spark, name), check_dtype=False)


def test_a_standalone_cluster_of_two_workers_gives_duckdbs_outputs(folder, tmp_path):
    from missionmonitor.ost.spark_cluster import standalone_cluster

    with standalone_cluster(workers=2, work_dir=tmp_path / "work") as master:
        assert master.startswith("spark://127.0.0.1:")
        spark = compute_folder(folder, engine="spark", keep_episodes=True, spark_master=master)
    _assert_same(compute_folder(folder, engine="duckdb", keep_episodes=True), spark)


def test_the_cluster_runs_the_work_on_its_workers(tmp_path):
    from missionmonitor.ost.spark_cluster import standalone_cluster
    from missionmonitor.ost.spark_runner import spark_session

    with (
        standalone_cluster(workers=2, work_dir=tmp_path / "work") as master,
        spark_session(master, memory="1g") as spark,
    ):
        tasks = spark.sparkContext.parallelize(range(400), 8)
        processes = set(tasks.map(lambda _: os.getpid()).distinct().collect())
        # Each worker runs its own executor process, apart from this driver.
        assert len(processes) >= 2 and os.getpid() not in processes
