"""Cached pages: built once per store version, even under concurrent first requests."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

from starlette.datastructures import State

from missionmonitor.web.public_routes import _memo


def _request(version: float) -> SimpleNamespace:
    state = State()
    state.memo_lock = threading.Lock()
    snapshot = SimpleNamespace(version=version)
    state.data = SimpleNamespace(get=lambda: snapshot)
    return SimpleNamespace(app=SimpleNamespace(state=state)), snapshot


def test_concurrent_misses_build_once():
    request, _ = _request(1.0)
    calls = []

    def slow_build(data):
        calls.append(1)
        time.sleep(0.2)
        return {"built": len(calls)}

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda _: _memo(request, ("page",), slow_build), range(16)))
    assert len(calls) == 1
    assert all(r == {"built": 1} for r in results)


def test_a_new_store_version_rebuilds():
    request, snapshot = _request(1.0)
    assert _memo(request, ("k",), lambda d: "first") == "first"
    assert _memo(request, ("k",), lambda d: "second") == "first"
    snapshot.version = 2.0
    assert _memo(request, ("k",), lambda d: "second") == "second"
