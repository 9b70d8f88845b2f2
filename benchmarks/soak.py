"""Benchmark: the public site under load while the store is written.

Goal: 50 clients on public pages for 60 s while a `load` (with its recompute), a
`compute`, five return uploads and a PDF report render run: 0 errors, and p95 latency
within 2x of the idle p95 measured just before.

    .venv/bin/python benchmarks/soak.py [--seconds 60] [--idle 20] [--clients 50] [--no-write]

The server runs as in benchmarks/web.py (one uvicorn worker, in its own process); the
writers are separate `missionmonitor` processes and signed-in upload requests, as an
analyst and an ADP would make them. Results replace the "soak" section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))
from tests.hostile_files import GOOD, csv_of

from compute import ROOT, machine, markdown_section, replace_section
from web import Connection, start_server

PATHS = [
    "/",
    "/index.json",
    "/indicators/drd_rate_per_1000_5yr",
    "/indicators/drd_deaths.json",
    "/areas/S12000049",
    "/areas/S12000049.json",
    "/outcomes",
    "/surveillance.json",
    "/targets",
    "/methodology",
]
PASSWORD = "soak test password"


async def clients(port: int, count: int, seconds: float) -> tuple[list[float], int]:
    """``count`` keep-alive clients cycling through PATHS for ``seconds``: (latencies in ms,
    errors). A failed request counts as an error and its connection is reopened."""
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds

    async def run(i: int) -> None:
        nonlocal errors
        conn = await Connection.open(port)
        while time.monotonic() < deadline:
            try:
                latencies.append(await conn.get(PATHS[i % len(PATHS)]))
            except (RuntimeError, OSError, asyncio.IncompleteReadError):
                errors += 1
                conn.close()
                conn = await Connection.open(port)
            i += 1
        conn.close()

    await asyncio.gather(*(run(i) for i in range(count)))
    return latencies, errors


def _writers(base: str, store: Path, edition: Path, env: dict[str, str]) -> list[str]:
    """Run the writers one after another (as they would arrive); returns what failed."""
    failed = []
    cli = [sys.executable, "-m", "missionmonitor", "--store", str(store)]
    for args in (["load", "drd_scotland_annual", str(edition), "--vintage", "SOAK"], ["compute"]):
        done = subprocess.run(cli + args, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            failed.append(f"{args[0]}: {done.stderr.strip()[-200:]}")
    with httpx2.Client(base_url=base, timeout=120) as http:
        token = re.search(r'name="csrf_token" value="([^"]+)"', http.get("/login").text)[1]
        http.post("/login", data={"username": "soak", "password": PASSWORD, "csrf_token": token})
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', http.get("/portal/returns").text)[1]
        for i in range(5):
            body = csv_of({**GOOD, "period": f"{2020 + i}-Q2"})  # a good return
            answer = http.post(
                "/portal/returns/rehab_quarterly/upload",
                data={"csrf_token": csrf},
                files={"file": (f"q{i}.csv", body)},
            )
            if answer.status_code not in (200, 303):
                failed.append(f"upload {i}: {answer.status_code}")
        report = http.get("/reports/annual/2023-24.pdf")
        if report.status_code != 200:
            failed.append(f"report: {report.status_code}")
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--idle", type=float, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    from missionmonitor import config
    from missionmonitor.data import shipped_file
    from missionmonitor.datasets.declaration import get_declaration
    from missionmonitor.portal import accounts
    from missionmonitor.portal.db import connect, session_scope
    from missionmonitor.services.build import build_store

    with tempfile.TemporaryDirectory() as tmp:
        store, portal = Path(tmp) / "soak.duckdb", f"sqlite:///{tmp}/portal.sqlite3"
        build_store(config.load(None), store)
        with session_scope(connect(portal)) as db:
            accounts.add_user(
                config.load(None),
                db,
                "soak",
                "Soak",
                "adp_submitter",
                "S11000015",
                password=PASSWORD,
            )
        edition = Path(tmp) / "drd.csv"
        scotland = config.load(None)
        decl = get_declaration(scotland, "drd_scotland_annual")
        source = shipped_file(scotland, decl.file).read_bytes()
        edition.write_bytes(source.replace(b"1996,244,", b"1996,245,"))
        env = {
            **os.environ,
            "MISSIONMONITOR_APP_DATABASE_URL": portal,
            "MISSIONMONITOR_SECURE_COOKIES": "false",
        }
        server, port = start_server(store, env)
        base = f"http://127.0.0.1:{port}"
        try:
            for path in PATHS:  # each page built once before timing
                httpx2.get(base + path, timeout=30).raise_for_status()
            idle, idle_errors = asyncio.run(clients(port, args.clients, args.idle))

            async def busy() -> tuple[list[float], int, list[str], float]:
                started = time.monotonic()
                work = asyncio.to_thread(_writers, base, store, edition, env)
                (lat, errs), failed = await asyncio.gather(
                    clients(port, args.clients, args.seconds), work
                )
                return lat, errs, failed, time.monotonic() - started

            loaded, errors, failed, took = asyncio.run(busy())
        finally:
            server.terminate()
            server.wait(timeout=10)

    p95_idle = statistics.quantiles(idle, n=100)[94]
    p95_busy = statistics.quantiles(loaded, n=100)[94]
    ratio = p95_busy / p95_idle
    verdict = "meets" if errors == 0 and not failed and ratio <= 2 else "misses"
    rows = [
        f"| idle | {len(idle):,} | {idle_errors} | {statistics.median(idle):.1f} | "
        f"{p95_idle:.1f} | — |",
        f"| while writing | {len(loaded):,} | {errors} | {statistics.median(loaded):.1f} | "
        f"{p95_busy:.1f} | {verdict}: 0 errors and p95 ≤ 2x idle ({ratio:.2f}x) |",
    ]
    section = markdown_section(
        "soak",
        "soak.py",
        f"Machine: {machine()}. Date: {dt.date.today().isoformat()}. {args.clients} keep-alive "
        f"clients cycling through {len(PATHS)} public pages and JSON documents: {args.idle:.0f} s "
        f"idle, then {args.seconds:.0f} s while a `load` with its recompute, a `compute`, five "
        "signed-in return uploads and an annual PDF report ran (the writers took "
        f"{took:.0f} s{'; failed: ' + '; '.join(failed) if failed else ', all succeeded'}). "
        "One uvicorn worker; clients, writers and server share the machine's two cores.",
        ["phase", "requests", "errors", "p50 ms", "p95 ms", "goal"],
        rows,
    )
    print(section)
    if not args.no_write:
        replace_section(ROOT / "BENCHMARKS.md", "soak", section)


if __name__ == "__main__":
    main()
