"""Benchmark: website latency and throughput at 50 concurrent clients.

Goals on a 2-core machine: p95 under 100 ms for pages, under 50 ms for JSON.

    .venv/bin/python benchmarks/web.py [--requests 3000] [--concurrency 50] [--no-write]

Builds a store from the shipped data in a temporary folder, serves it with uvicorn (one
worker, uvloop and httptools) in a separate process, and drives it from this process over
loopback with a bare keep-alive asyncio client. The client shares the machine's two cores
with the server, so these figures include its cost. Results replace the "web" section of
BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).parent))
from compute import ROOT, machine, markdown_section, replace_section

PATHS = [
    ("/", "page"),
    ("/index.json", "json"),
    ("/indicators/drd_rate_per_1000_5yr", "page"),
    ("/indicators/drd_rate_per_1000_5yr.json", "json"),
    ("/areas/S12000049", "page"),
    ("/areas/S12000049.json", "json"),
]
GOALS_MS = {"page": 100.0, "json": 50.0}

SERVE = """
import sys
from pathlib import Path
import uvicorn
from missionmonitor.settings import Settings
from missionmonitor.web.app import create_app, prepare_for_serving
root = Path(sys.argv[2])
settings = Settings(store_path=Path(sys.argv[1]), node_modules=root / "node_modules",
                    assets_build=root / "build/web")
app = create_app(settings)
prepare_for_serving(app)  # as `missionmonitor serve` does
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[3]), log_level="error",
            access_log=False)
"""


def start_server(
    store: Path, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    """Serve ``store`` as `missionmonitor serve` does, in its own process, on a free port;
    returns once it answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(store), str(ROOT), str(port)], env=env
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx2.get(f"http://127.0.0.1:{port}/index.json", timeout=2).raise_for_status()
            return server, port
        except httpx2.HTTPError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.terminate()
                raise
            time.sleep(0.2)


class Connection:
    """One keep-alive HTTP/1.1 connection. A bare asyncio client keeps the load generator's
    own CPU cost small: it and the server share the machine's cores."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def get(self, path: str) -> float:
        """Milliseconds for one GET, raising unless it answered 200."""
        start = time.perf_counter()
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await self.reader.readexactly(length)
        elapsed = (time.perf_counter() - start) * 1000
        if int(head.split(b" ", 2)[1]) != 200:
            raise RuntimeError(f"{path} answered {head.split(b' ', 2)[1]!r}")
        return elapsed

    def close(self) -> None:
        self.writer.close()


async def drive(port: int, path: str, total: int, concurrency: int) -> tuple[list[float], float]:
    """Open every connection and send one warm-up request on each, then time ``total``
    requests spread over the connections."""
    connections = [await Connection.open(port) for _ in range(concurrency)]
    try:
        await connections[0].get(path)  # builds and caches the page
        await asyncio.gather(*(c.get(path) for c in connections))
        latencies: list[float] = []
        jobs = list(range(total))

        async def run(conn: Connection) -> None:
            while jobs:
                jobs.pop()
                latencies.append(await conn.get(path))

        started = time.perf_counter()
        await asyncio.gather(*(run(c) for c in connections))
        return latencies, total / (time.perf_counter() - started)
    finally:
        for c in connections:
            c.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="per path")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    from missionmonitor import config
    from missionmonitor.services.build import build_store

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bench.duckdb"
        build_store(config.load(None), store)
        server, port = start_server(store)
        try:
            rows = []
            for path, kind in PATHS:
                lat, rps = asyncio.run(drive(port, path, args.requests, args.concurrency))
                q = statistics.quantiles(lat, n=100)
                p50, p95 = statistics.median(lat), q[94]
                verdict = "meets" if p95 < GOALS_MS[kind] else "misses"
                rows.append(
                    f"| `{path}` | {kind} | {p50:.1f} | {p95:.1f} | {rps:.0f} | "
                    f"{verdict} p95 < {GOALS_MS[kind]:.0f} ms |"
                )
        finally:
            server.terminate()
            server.wait(timeout=10)

    section = markdown_section(
        "web",
        "web.py",
        f"Machine: {machine()}. Date: {dt.date.today().isoformat()}. {args.requests} requests "
        f"per path at {args.concurrency} concurrent keep-alive connections, each warmed with "
        "one request before timing; one uvicorn worker (uvloop, httptools); the load generator "
        "runs on the same two cores. The server is started as `missionmonitor serve` starts it "
        "(snapshot loaded, long-lived heap frozen). This is steady state: a burst of new "
        "connections, or the first request for a page after the data change (which builds and "
        "caches it), is slower.",
        ["path", "kind", "p50 ms", "p95 ms", "requests/s", "goal"],
        rows,
    )
    print(section)
    if not args.no_write:
        replace_section(ROOT / "BENCHMARKS.md", "web", section)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()
