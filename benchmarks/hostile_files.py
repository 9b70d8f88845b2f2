"""Benchmark: how long each hostile or malformed upload takes to be refused.

Goal: every file in the corpus (tests/hostile_files.py) refused, with its rule, in under
2 s on this machine.

    .venv/bin/python benchmarks/hostile_files.py [--no-write]

Each case is read as the portal reads an upload (``read_upload``), in this process, three
times; the slowest of the three counts. Results replace the "hostile-files" section of
BENCHMARKS.md: a summary row, and the ten slowest cases.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))
from compute import ROOT, machine, markdown_section, replace_section

GOAL_S = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    from tests.hostile_files import ADP, FORM, cases

    from missionmonitor import config
    from missionmonitor.errors import ValidationError
    from missionmonitor.refdata.geography import Geography
    from missionmonitor.returns.upload import read_upload

    geo = Geography.of(config.load(None))

    timings = []
    for case, name, content, rule, _row, _column in cases():
        slowest, refused = 0.0, True
        for _ in range(3):
            started = time.perf_counter()
            try:
                read_upload(geo, FORM, name, content, allowed={ADP})
                refused = False
            except ValidationError as exc:
                refused = refused and any(p.rule == rule for p in exc.problems)
            slowest = max(slowest, time.perf_counter() - started)
        timings.append((slowest, case, len(content), refused))
    timings.sort(reverse=True)
    over = sum(t > GOAL_S for t, *_ in timings)
    wrong = sum(not ok for *_, ok in timings)
    rows = [
        f"| all {len(timings)} files | {timings[0][0]:.3f} s (slowest) | — | "
        f"{'meets' if not over else 'misses'} < {GOAL_S:.0f} s for every file; "
        f"{len(timings) - wrong} refused with the expected rule |"
    ]
    rows += [
        f"| {case} | {t:.3f} s | {size:,} | {'refused' if ok else 'NOT REFUSED'} |"
        for t, case, size, ok in timings[:10]
    ]
    section = markdown_section(
        "hostile-files",
        "hostile_files.py",
        f"Machine: {machine()}. Date: {dt.date.today().isoformat()}. Each of the corpus's "
        f"{len(timings)} files read three times as the portal reads an upload; the slowest "
        "time counts. The ten slowest are listed.",
        ["file", "time to refuse", "bytes", "outcome"],
        rows,
    )
    print(section)
    if not args.no_write:
        replace_section(ROOT / "BENCHMARKS.md", "hostile-files", section)


if __name__ == "__main__":
    main()
