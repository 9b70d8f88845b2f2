"""The public site answers every request while the store is loaded and recomputed (the
figures, p95 against idle, are measured by benchmarks/soak.py; this asserts 0 errors)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from missionmonitor import config
from missionmonitor.indicators.engine import compute_all
from missionmonitor.refdata.geography import Geography
from missionmonitor.services.ingest import ingest
from missionmonitor.store.connection import Store
from missionmonitor.web.app import create_app
from tests.helpers import revised_edition, scotland, site_settings

PATHS = [
    "/",
    "/index.json",
    "/indicators/drd_deaths",
    "/indicators/drd_deaths.json",
    "/areas/S12000049",
    "/areas/S12000049.json",
    "/outcomes",
    "/surveillance.json",
]


def test_pages_answer_while_a_load_and_recomputes_run(store_copy, tmp_path):
    client = TestClient(create_app(site_settings(store_copy)), raise_server_exceptions=False)
    edition = revised_edition(tmp_path)
    writing = threading.Event()
    failures: list[tuple[str, int]] = []
    served = []

    def writer() -> None:
        writing.set()
        ingest(scotland(), store_copy, "drd_scotland_annual", edition, vintage="SOAK-TEST")
        with Store.open(store_copy, scotland()) as store:
            compute_all(store, Geography.of(config.load(None)))

    def reader(i: int) -> None:
        writing.wait()
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline or worker.is_alive():
            path = PATHS[i % len(PATHS)]
            status = client.get(path).status_code
            served.append(status)
            if status != 200:
                failures.append((path, status))
            i += 1
            # Readers pace themselves like browsers, leaving the writer time to run.
            time.sleep(0.05)

    worker = threading.Thread(target=writer)
    worker.start()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(reader, range(8)))
    worker.join()
    assert failures == []
    assert len(served) > 50
    # The new edition reached the site once written.
    assert client.get("/indicators/drd_deaths.json").json()["trend"]["rows"][0]["value"] == 245
