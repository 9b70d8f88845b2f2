"""Cached pages: built once per store version, even under concurrent first requests."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

from starlette.datastructures import State

from missionmonitor.web.page_cache import memo as _memo


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


def test_the_least_recently_used_page_goes_first(monkeypatch):
    from missionmonitor.web import page_cache

    monkeypatch.setattr(page_cache, "MEMO_ENTRIES", 3)
    request, _ = _request(1.0)
    for key in "abc":
        _memo(request, (key,), lambda d, k=key: k)
    _memo(request, ("a",), lambda d: "rebuilt")  # a is used again
    _memo(request, ("d",), lambda d: "d")
    assert list(request.app.state.memo) == [("c",), ("a",), ("d",)]
    assert _memo(request, ("a",), lambda d: "rebuilt") == "a"
