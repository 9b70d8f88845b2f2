"""Benchmark: how well the toxicology signals find emerging substances.

Generates SYNTHETIC toxicology samples (each NHS board about 60 samples a month for four
years) with three new substances and one known substance whose share rises, injected at
known months in random boards, runs the signals with their default settings, and reports
per run and overall: the share of emergences signalled in their board within six months
(new substances and rising shares apart), the median delay in months, and the signals
about anything else per board-year (false signals).

    .venv/bin/python benchmarks/toxicology_signals.py [--runs 20] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from compute import ROOT, machine, markdown_section, replace_section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    from missionmonitor import config
    from missionmonitor.refdata.geography import Geography, national_code
    from missionmonitor.surveillance import toxicology

    boards = {a.code: 60.0 for a in Geography.of(config.load(None)).of_type("health_board")}
    scores, seconds, samples = [], [], 0
    for seed in range(1, args.runs + 1):
        made = toxicology.synthetic_results(boards, seed=seed, years=4)
        started = time.perf_counter()
        found = toxicology.signals(made.samples, national_code(config.load(None)))
        seconds.append(time.perf_counter() - started)
        samples = len(made.samples)
        scores.append(toxicology.evaluate(found, made))

    def mean(key: str) -> float:
        return statistics.fmean(s[key] for s in scores)

    delays = [
        s["median_delay_months"]
        for s in scores
        if s["median_delay_months"] == s["median_delay_months"]
    ]
    row = (
        f"| {args.runs} | {samples:,} | {mean('sensitivity_new_substance'):.0%} | "
        f"{mean('sensitivity_rising_share'):.0%} | {statistics.median(delays):.1f} | "
        f"{mean('false_signals_per_board_year'):.2f} | "
        f"{statistics.median(seconds):.2f} |"
    )
    print(row)
    section = markdown_section(
        "toxicology",
        "toxicology_signals.py",
        f"Machine: {machine()}. Date: {dt.date.today().isoformat()}. SYNTHETIC samples: 14 "
        "NHS boards, about 60 samples a month each for four years; in each run three new "
        "substances (nitazene, bromazolam, xylazine) appear in random boards at random "
        "months, their share rising to 15% over six months, and cocaine's share rises by a "
        "quarter in one board. Default settings: a year of baseline, alpha 0.001, at least "
        "three samples. Detected: a signal about the substance in its board within six "
        "months of its start. False signals: board-level signals about anything else "
        "(new combinations are national and not counted).",
        [
            "runs",
            "samples a run",
            "new substances found",
            "rising shares found",
            "median delay (months)",
            "false signals per board-year",
            "seconds a run",
        ],
        [row],
    )
    print(section)
    if not args.no_write:
        replace_section(ROOT / "BENCHMARKS.md", "toxicology", section)


if __name__ == "__main__":
    main()
