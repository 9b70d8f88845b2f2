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
from fastapi.responses import HTMLResponse, Response

from missionmonitor.services.site_data import SiteData
from missionmonitor.web.rendering import DEMONSTRATION, Crumbs, json_safe, render_page, twin_body

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


def cached_model(
    request: Request, key: tuple[Any, ...], build: Callable[[SiteData], dict[str, Any]]
) -> dict[str, Any]:
    def model(d: SiteData) -> dict[str, Any]:
        page = json_safe(build(d))
        return {**page, "demonstration": DEMONSTRATION} if d.demonstration else page

    page: dict[str, Any] = memo(request, ("model", *key), model)
    return page


def json_page(
    request: Request, key: tuple[Any, ...], build: Callable[[SiteData], dict[str, Any]]
) -> Response:
    body = memo(request, ("json", *key), lambda _d: twin_body(cached_model(request, key, build)))
    return Response(body, media_type="application/json")


def html_page(
    request: Request,
    key: tuple[Any, ...],
    build: Callable[[SiteData], dict[str, Any]],
    template: str,
    json_url: str,
    section: str,
    trail: Callable[[dict[str, Any]], Crumbs],
) -> HTMLResponse:
    def render(_d: SiteData) -> bytes:
        page = cached_model(request, key, build)
        return render_page(
            request.app.state.templates, template, page, json_url, section, trail(page)
        )

    return HTMLResponse(memo(request, ("html", *key, json_url), render))
