"""Benchmark: the annual monitoring report from the shipped data, as HTML and as PDF.

Goal: each under 60 s on a 2-core machine. Each run is a fresh `missionmonitor report`
process against a store built from the shipped data, so the time is what a user waits.

    .venv/bin/python benchmarks/reports.py [--repeat 3] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from compute import ROOT, machine, markdown_section, replace_section

GOAL_SECONDS = 60.0
CLI = [sys.executable, "-m", "missionmonitor"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    from missionmonitor import config
    from missionmonitor.services.build import build_store

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bench.duckdb"
        build_store(config.load(None), store)
        for fmt in ("html", "pdf"):
            walls, rss = [], []
            for _ in range(args.repeat):
                out = Path(tmp) / f"annual.{fmt}"
                start = time.perf_counter()
                proc = subprocess.Popen(
                    [
                        *CLI,
                        "--store",
                        str(store),
                        "report",
                        "annual",
                        "--period",
                        "2023/24",
                        "--format",
                        fmt,
                        "--out",
                        str(out),
                    ],
                    stderr=subprocess.DEVNULL,
                )
                _, status, usage = os.wait4(proc.pid, 0)
                walls.append(time.perf_counter() - start)
                rss.append(usage.ru_maxrss / 1024)
                if status != 0:
                    raise SystemExit(f"report failed with status {status}")
            med = statistics.median(walls)
            verdict = "meets" if med < GOAL_SECONDS else "misses"
            rows.append(
                f"| annual report 2023/24, {fmt.upper()} | {med:.1f} | {min(walls):.1f} | "
                f"{max(walls):.1f} | {max(rss):.0f} | {out.stat().st_size / 1024:.0f} | "
                f"{verdict} the {GOAL_SECONDS:.0f} s goal |"
            )

    section = markdown_section(
        "reports",
        "reports.py",
        f"Machine: {machine()}. Date: {dt.date.today().isoformat()}. Runs: {args.repeat}, each "
        "a fresh `missionmonitor report annual` process (start-up, build, charts, render).",
        ["report", "median s", "min s", "max s", "peak RSS MiB", "size KiB", "goal"],
        rows,
    )
    print(section)
    if not args.no_write:
        replace_section(ROOT / "BENCHMARKS.md", "reports", section)


if __name__ == "__main__":
    main()
