"""Benchmark: full `init` (load every shipped file + compute every indicator) and a
recompute of every indicator, from the shipped data. Goal: under 10 s on a 2-core machine.

Each measurement runs in a fresh subprocess so that peak RSS is that run's own.

    .venv/bin/python benchmarks/compute.py [--repeat 3] [--no-write]

Results replace the "compute" section of BENCHMARKS.md, with the machine and date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 10.0

INIT = """
import sys
from pathlib import Path
from missionmonitor import config
from missionmonitor.services.build import build_store
build_store(config.load(None), Path(sys.argv[1]))
"""
IMPORTS = """
import sys
import missionmonitor.services.build
"""
RECOMPUTE = """
import sys
from pathlib import Path
from missionmonitor import config
from missionmonitor.indicators.engine import compute_all
from missionmonitor.refdata.geography import Geography
from missionmonitor.store.connection import Store
with Store.open(Path(sys.argv[1]), config.load(None)) as store:
    compute_all(store, Geography.of(config.load(None)))
"""


def measure(code: str, store: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of running ``code`` in a fresh interpreter."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, str(store)])
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"benchmark step failed with status {status}")
    return wall, usage.ru_maxrss / 1024  # Linux reports KiB


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} CPU ({cpu}), {mem_gib:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    import_runs, init_runs, recompute_runs = [], [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            store = Path(tmp) / "bench.duckdb"
            import_runs.append(measure(IMPORTS, store))
            init_runs.append(measure(INIT, store))
            recompute_runs.append(measure(RECOMPUTE, store))

    def row(name: str, runs: list[tuple[float, float]]) -> str:
        walls = [w for w, _ in runs]
        med = statistics.median(walls)
        rss = max(r for _, r in runs)
        verdict = "meets" if med < GOAL_SECONDS else "misses"
        return (
            f"| {name} | {med:.2f} | {min(walls):.2f} | {max(walls):.2f} | {rss:.0f} | "
            f"{verdict} the {GOAL_SECONDS:.0f} s goal |"
        )

    section = markdown_section(
        "compute",
        "compute.py",
        f"Machine: {machine()}. Date: {dt.date.today().isoformat()}. "
        f"Runs: {args.repeat} (each in a fresh process).",
        ["step", "median s", "min s", "max s", "peak RSS MiB", "goal"],
        [
            row("interpreter start-up and imports only (included in both rows below)", import_runs),
            row("init: load all shipped data + compute every indicator", init_runs),
            row("recompute every indicator", recompute_runs),
        ],
    )
    print(section)
    if not args.no_write:
        replace_section(ROOT / "BENCHMARKS.md", "compute", section)


def markdown_section(name: str, title: str, intro: str, header: list[str], rows: list[str]) -> str:
    """A BENCHMARKS.md section between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    return "\n".join(
        [
            f"<!-- {name}:start -->",
            f"## {name} — `benchmarks/{title}`",
            "",
            intro,
            "",
            "| " + " | ".join(header) + " |",
            "|" + "---|" * len(header),
            *rows,
            f"<!-- {name}:end -->",
        ]
    )


def replace_section(path: Path, name: str, section: str) -> None:
    """Put ``section`` between its markers in ``path``, or append it."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"<!-- {name}:start -->.*<!-- {name}:end -->", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)


if __name__ == "__main__":
    main()
