"""Benchmark: the OST pipeline against the hand-written floor, and against pandas.

For each size, generates SYNTHETIC prescribing records (three years, default behaviour) and,
in one fresh process, runs first a minimal hand-written DuckDB query over the same Parquet
file (people per financial year at council and Scotland level; episodes with 12-week
retention: the floor), then what ``missionmonitor ost compute --input … --out …`` runs (the
whole pipeline, Kaplan–Meier and the CSV outputs). It checks that the two agree on what both
compute, and reports the pipeline's time as a multiple of the floor, where its time goes,
and the process's peak RSS. For the pandas sizes it also runs the straightforward pandas
implementation and the DuckDB pipeline each in a fresh process and compares every output.

Goals (issue): ``ost compute`` at 2M and 10M records within 2x the floor; 100M records
within 300 s and 8 GB; DuckDB at least 20x faster than pandas at 1M.

    .venv/bin/python benchmarks/ost_pipeline.py [--sizes 2000000 10000000]
        [--pandas-sizes 1000000] [--memory-limit 6GB] [--cluster-sizes 10000000] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))  # tests/: the pandas twin, the cluster
from compute import ROOT, machine, markdown_section, replace_section

#: Records generated per person with the default behaviour over three years (measured).
RECORDS_PER_PERSON = 28.5

#: The floor: what a person would write by hand for people per financial year (council and
#: Scotland) and episodes with 12-week retention (carried-over supply, 28-day gap, as the
#: pipeline; episodes starting within 28 days of the data's first day are not counted).
FLOOR = """
CREATE TEMP TABLE i AS
  SELECT patient_id, council_code, dispensed_date AS day, days_supply AS s, item_id
  FROM read_parquet(?) WHERE setting = 'community' AND drug IN ({drugs})
    AND patient_id IS NOT NULL;
CREATE TEMP TABLE people AS
  WITH f AS (SELECT DISTINCT year(day - INTERVAL 3 MONTH) AS fy, council_code, patient_id FROM i)
  SELECT fy, council_code AS area, count(*) AS people FROM f GROUP BY ALL
  UNION ALL SELECT fy, 'S92000003', count(DISTINCT patient_id) FROM f GROUP BY fy;
CREATE TEMP TABLE retention AS
  WITH x AS (SELECT patient_id, item_id, date_diff('day', DATE '1970-01-01', day) AS d, s,
      sum(s) OVER w AS total FROM i
      WINDOW w AS (PARTITION BY patient_id ORDER BY d, item_id ROWS UNBOUNDED PRECEDING)),
  y AS (SELECT *, max(d - total + s) OVER w1 AS m_now, max(d - total + s) OVER w0 AS m_before,
      lead(d) OVER w AS next_d FROM x
      WINDOW w AS (PARTITION BY patient_id ORDER BY d, item_id),
             w1 AS (PARTITION BY patient_id ORDER BY d, item_id ROWS UNBOUNDED PRECEDING),
             w0 AS (PARTITION BY patient_id ORDER BY d, item_id
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)),
  z AS (SELECT patient_id, d, total - 1 + m_now AS cover_end,
      m_before IS NULL OR d - total + s - m_before > 28 AS is_start,
      next_d IS NULL OR next_d - total - m_now > 28 AS is_last FROM y),
  e AS (SELECT d, is_start, is_last, cover_end,
      lead(cover_end) OVER (PARTITION BY patient_id ORDER BY d) AS next_end
      FROM z WHERE is_start OR is_last),
  span AS (SELECT date_diff('day', DATE '1970-01-01', min(day)) AS a,
                  date_diff('day', DATE '1970-01-01', max(day)) AS b FROM i),
  starts AS (SELECT DATE '1970-01-01' + CAST(d AS INTEGER) AS start_date, d,
      CASE WHEN is_last THEN cover_end ELSE next_end END - d + 1 AS days
      FROM e, span WHERE is_start AND d > span.a + 28)
  SELECT year(start_date - INTERVAL 3 MONTH) AS fy, count(*) AS episodes_started,
         count(*) FILTER (WHERE d + 84 <= span.b) AS observable_12w,
         count(*) FILTER (WHERE d + 84 <= span.b AND days >= 84) AS retained_12w
  FROM starts, span GROUP BY ALL;
"""

FLOOR_AND_PIPELINE = """
import json, resource, sys, time
from pathlib import Path
import duckdb
source, out, memory_limit, floor = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4]
started = time.perf_counter()
con = duckdb.connect()
if memory_limit:  # the floor gets the same memory as the pipeline
    con.execute(f"SET memory_limit = '{memory_limit}'")
for statement in [s for s in floor.split(";") if s.strip()]:
    con.execute(statement, [source] if "read_parquet(?)" in statement else [])
floor_s = time.perf_counter() - started
people = {(f"{fy}/{(fy + 1) % 100:02d}", area): n
          for fy, area, n in con.execute("SELECT * FROM people").fetchall()}
retention = {f"{fy}/{(fy + 1) % 100:02d}": rest
             for fy, *rest in con.execute("SELECT * FROM retention").fetchall()}
con.close()

from missionmonitor import config
from missionmonitor.ost.service import compute_folder
started = time.perf_counter()
result = compute_folder(config.load(None), Path(source), out, memory_limit=memory_limit or None)
pipeline_s = time.perf_counter() - started
o = result.outputs
fy = o.people[o.people["period_type"] == "financial_year"]
mine = {(r.period, r.area_code): r.people for r in fy.itertuples()
        if r.area_type in ("council", "scotland")}
sr = o.starts_and_retention
sr = sr[(sr["period_type"] == "financial_year") & (sr["area_type"] == "scotland")]
mine_r = {r.period: [r.episodes_started, r.observable_12w, r.retained_12w]
          for r in sr.itertuples()}
same = mine == people and {k: list(map(int, v)) for k, v in mine_r.items()} == {
    k: list(map(int, v)) for k, v in retention.items()}
print(json.dumps({"floor_s": floor_s, "pipeline_s": pipeline_s, "same": same,
                  "stages": o.timings, "rss_mib": resource.getrusage(
                      resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PANDAS_OR_DUCKDB = """
import sys
import duckdb, pandas as pd
sys.path.insert(0, sys.argv[4])  # the checkout: the pandas twin lives with the tests
from missionmonitor.ost import pipeline
from tests.ost import baseline
from missionmonitor.ost.service import memberships
from missionmonitor import config
from missionmonitor.refdata.geography import Geography
members = memberships(Geography.of(config.load(None)))
source, engine, out = sys.argv[1], sys.argv[2], sys.argv[3]
if engine == "duckdb":
    result = pipeline.run(duckdb.connect(), f"read_parquet('{source}')", members,
                          keep_episodes=False)
else:
    result = baseline.run(pd.read_parquet(source), members)
frames = {k: getattr(result, k) for k in ("people", "people_by_drug", "items",
                                          "starts_and_retention", "time_on_treatment")}
pd.to_pickle(frames, out)
"""


def _records(folder: Path, size: int) -> tuple[Path, int, float]:
    from missionmonitor import config
    from missionmonitor.ost.synthetic import SyntheticSpec, write_prescribing

    started = time.perf_counter()
    people = max(int(size / RECORDS_PER_PERSON), 1)
    path = write_prescribing(
        config.load(None), folder, SyntheticSpec(people=people, years=3, seed=size)
    )
    return path, pq.ParquetFile(path).metadata.num_rows, time.perf_counter() - started


def _timed(*args: str) -> tuple[float, float]:
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", PANDAS_OR_DUCKDB, *args, str(ROOT)])
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"pipeline run failed ({args[1]})")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def against_floor(path: Path, out: Path, memory_limit: str) -> dict[str, object]:
    from missionmonitor.ost.synthetic import OST_DRUGS

    floor = FLOOR.format(drugs=", ".join(f"'{d}'" for d in OST_DRUGS))
    done = subprocess.run(
        [sys.executable, "-c", FLOOR_AND_PIPELINE, str(path), str(out), memory_limit, floor],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def against_pandas(path: Path, folder: Path) -> str:
    import pandas as pd

    duck_s, _ = _timed(str(path), "duckdb", str(folder / "duck.pkl"))
    pandas_s, pandas_rss = _timed(str(path), "pandas", str(folder / "pandas.pkl"))
    a, b = pd.read_pickle(folder / "duck.pkl"), pd.read_pickle(folder / "pandas.pkl")
    for k in a:
        x, y = a[k].reset_index(drop=True), b[k].reset_index(drop=True)[a[k].columns]
        pd.testing.assert_frame_equal(x, y, check_dtype=False, check_categorical=False)
    return (
        f"{duck_s:.1f} | {pandas_s:.1f} | {pandas_rss:,.0f} | {pandas_s / duck_s:.1f}x | identical"
    )


def on_cluster(path: Path, folder: Path, workers: int, memory: str) -> str:
    """The pipeline on a standalone Spark cluster started here (a master and ``workers``
    workers of one core each), timed, and its outputs compared with DuckDB's."""
    import pandas as pd
    from tests.ost.spark_cluster import standalone_cluster

    from missionmonitor import config
    from missionmonitor.ost.service import compute_folder
    from missionmonitor.ost.spark_runner import spark_session

    started = time.perf_counter()
    with (
        standalone_cluster(workers=workers, memory=memory, work_dir=folder / "work") as master,
        spark_session(master) as session,
    ):
        up = time.perf_counter() - started
        started = time.perf_counter()
        spark = compute_folder(config.load(None), path, engine="spark", spark=session)
        spark_s = time.perf_counter() - started
    duck = compute_folder(config.load(None), path)
    for name in ("people", "people_by_drug", "items", "starts_and_retention", "time_on_treatment"):
        x = getattr(duck.outputs, name)
        pd.testing.assert_frame_equal(x, getattr(spark.outputs, name)[x.columns], check_dtype=False)
    return f"{workers} workers x 1 core, {memory} each | {up:.0f} | {spark_s:.0f} | identical"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[2_000_000, 10_000_000])
    parser.add_argument("--pandas-sizes", type=int, nargs="*", default=[1_000_000])
    parser.add_argument(
        "--memory-limit",
        default="6GB",
        help="DuckDB's memory limit for the pipeline (it spills beyond it)",
    )
    parser.add_argument(
        "--cluster-sizes",
        type=int,
        nargs="*",
        default=[],
        help="also run these sizes on a standalone Spark cluster started here",
    )
    parser.add_argument("--cluster-workers", type=int, default=2)
    parser.add_argument("--cluster-memory", default="3g")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    floor_rows, pandas_rows, cluster_rows = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            folder = Path(tmp) / f"floor-{size}"
            path, records, made = _records(folder, size)
            r = against_floor(path, folder / "out", args.memory_limit)
            stages = sorted(dict(r["stages"]).items(), key=lambda kv: -kv[1])  # type: ignore[call-overload]
            where = ", ".join(f"{k} {v:.1f}" for k, v in stages[:4])
            ratio = float(r["pipeline_s"]) / float(r["floor_s"])  # type: ignore[arg-type]
            line = (
                f"| {records:,} | {made:.0f} | {r['floor_s']:.1f} | {r['pipeline_s']:.1f} | "
                f"{ratio:.1f}x | {r['rss_mib']:,.0f} | "
                f"{'identical' if r['same'] else 'DIFFERENT'} | {where} |"
            )
            floor_rows.append(line)
            print(line, flush=True)
            if not r["same"]:
                raise SystemExit("the pipeline and the floor disagree")
        for size in args.cluster_sizes:
            folder = Path(tmp) / f"cluster-{size}"
            path, records, _ = _records(folder, size)
            line = (
                f"| {records:,} | "
                f"{on_cluster(path, folder, args.cluster_workers, args.cluster_memory)} |"
            )
            cluster_rows.append(line)
            print(line, flush=True)
        for size in args.pandas_sizes:
            folder = Path(tmp) / f"pandas-{size}"
            path, records, _ = _records(folder, size)
            line = f"| {records:,} | {against_pandas(path, folder)} |"
            pandas_rows.append(line)
            print(line, flush=True)

    intro = (
        f"Machine: {machine()}. Date: {dt.date.today().isoformat()}. SYNTHETIC records (3 "
        "years, default behaviour). Floor: a minimal hand-written DuckDB query (people per "
        "financial year at council and Scotland level; episodes with 12-week retention) run "
        "in the same process just before the pipeline, which is everything `ost compute "
        "--input … --out …` does (all periods, levels and outputs, Kaplan–Meier, CSV files); "
        "both agree on what both compute. Stages: the pipeline's slowest steps in seconds. "
        "Peak RSS: the whole process, floor and pipeline. "
        f"DuckDB memory limit {args.memory_limit} (both). Goals: within 2x the floor at 2M "
        "and 10M; 100M within 300 s and 8 GB."
    )
    section = markdown_section(
        "ost",
        "ost_pipeline.py",
        intro,
        [
            "records",
            "generate s",
            "floor s",
            "pipeline s",
            "multiple of floor",
            "peak RSS MiB",
            "figures",
            "where the time goes (s)",
        ],
        floor_rows,
    )
    if pandas_rows:
        section = section.replace(
            "<!-- ost:end -->",
            "\n".join(
                [
                    "",
                    "The DuckDB pipeline (each output, no CSV files) against the straightforward "
                    "pandas implementation, each in a fresh process; every output compared. Goal: "
                    "DuckDB at least 20x faster at 1M.",
                    "",
                    "| records | DuckDB s | pandas s | pandas peak RSS MiB | speed-up | outputs |",
                    "|---|---|---|---|---|---|",
                    *pandas_rows,
                    "<!-- ost:end -->",
                ]
            ),
        )
    if cluster_rows:
        section = section.replace(
            "<!-- ost:end -->",
            "\n".join(
                [
                    "",
                    "The same pipeline on a standalone Spark cluster (a master and its workers, "
                    "each a Java process started on this machine), compared with DuckDB's outputs.",
                    "",
                    "| records | cluster | start s | Spark s | outputs |",
                    "|---|---|---|---|---|",
                    *cluster_rows,
                    "<!-- ost:end -->",
                ]
            ),
        )
    print(section)
    if not args.no_write:
        replace_section(ROOT / "BENCHMARKS.md", "ost", section)


if __name__ == "__main__":
    main()
