"""The public pages' cache: everything served is a pure function of the store's snapshot,
so it is kept until the store changes, the least recently used going first past
``MEMO_ENTRIES``. Keys are normalised by the routes, and a page that fails (an unknown
area, a missing period) leaves nothing behind.

For example::

    body = memo(request, ("json", "home"), lambda data: build(data))
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from fastapi import Request

from missionmonitor.services.site_data import SiteData

_MISSING = object()
#: The most pages, documents and downloads kept at once (least recently used go first).
MEMO_ENTRIES = 4000


def memo(request: Request, key: tuple[Any, ...], make: Callable[[SiteData], Any]) -> Any:
    """Everything served is a pure function of the snapshot: keep it until the store changes.

    Concurrent requests for the same missing key wait for one build instead of all building
    it at once (a cold page under load would otherwise be built once per worker thread).
    """
    data: SiteData = request.app.state.data.get()
    state = request.app.state
    with state.memo_lock:
        if getattr(state, "memo_version", None) == data.version:
            hit = state.memo.pop(key, _MISSING)
            if hit is not _MISSING:
                state.memo[key] = hit  # now the most recently used (dicts keep order)
                return hit
        if getattr(state, "memo_version", None) != data.version:
            state.memo, state.memo_version, state.memo_locks = {}, data.version, {}
        key_lock = state.memo_locks.setdefault(key, threading.Lock())
    with key_lock:
        hit = state.memo.get(key, _MISSING)
        if hit is _MISSING:
            hit = make(data)  # a NotFoundError leaves nothing behind
            with state.memo_lock:
                kept: dict[tuple[Any, ...], Any] = state.memo
                kept[key] = hit
                while len(kept) > MEMO_ENTRIES:  # the least recently used comes first
                    oldest = next(iter(kept))
                    del kept[oldest]
                    state.memo_locks.pop(oldest, None)
        return hit
