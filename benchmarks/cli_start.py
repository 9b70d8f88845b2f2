"""Benchmark: how long the command line takes to start.

Goals on this machine: `missionmonitor --help` under 0.3 s, `missionmonitor summary` under
1 s (each a fresh process, as a user runs it).

    .venv/bin/python benchmarks/cli_start.py [--runs 5] [--no-write]

`summary` reads the store built from the shipped data in a temporary folder. Results
replace the "cli-start" section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from compute import ROOT, machine, markdown_section, replace_section

GOALS = {"--help": 0.3, "summary": 1.0}


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    from missionmonitor import config
    from missionmonitor.services.build import build_store

    cli = [str(Path(sys.executable).with_name("missionmonitor"))]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bench.duckdb"
        build_store(config.load(None), store)
        for command, extra in (
            ("--help", ["--help"]),
            ("summary", ["--store", str(store), "summary"]),
        ):
            runs = [timed(cli + extra) for _ in range(args.runs)]
            median, goal = statistics.median(runs), GOALS[command]
            rows.append(
                f"| `missionmonitor {command}` | {median:.2f} | {min(runs):.2f} | "
                f"{max(runs):.2f} | {'meets' if median < goal else 'misses'} "
                f"< {goal:g} s |"
            )
    section = markdown_section(
        "cli-start",
        "cli_start.py",
        f"Machine: {machine()}. Date: {dt.date.today().isoformat()}. {args.runs} runs of each, "
        "each a fresh process started from the console script. The command line imports no "
        "heavy library at start (a test guards it); `summary` then loads what reading the "
        "store and formatting figures need.",
        ["command", "median s", "min s", "max s", "goal"],
        rows,
    )
    print(section)
    if not args.no_write:
        replace_section(ROOT / "BENCHMARKS.md", "cli-start", section)


if __name__ == "__main__":
    main()
