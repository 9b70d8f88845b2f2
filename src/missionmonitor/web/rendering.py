"""Turning view models into responses: templates, HTML pages, breadcrumbs and JSON twins.

Every page's JSON twin is made by ``twin_body`` (NaN-safe, numpy-safe) and documented in
OpenAPI through ``TWIN``; every breadcrumb trail is made by ``crumbs``.

>>> crumbs("Outcome 1", ("Outcomes", "/outcomes"))
[{'label': 'Home', 'url': '/'}, {'label': 'Outcomes', 'url': '/outcomes'}, {'label': 'Outcome 1'}]
>>> twin_body({"value": float("nan"), "n": 3})
b'{"value":null,"n":3}'
"""

from __future__ import annotations

import json
import math
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from pydantic import BaseModel, ConfigDict

from missionmonitor.config import Configuration
from missionmonitor.errors import MissionMonitorError
from missionmonitor.evaluation.definitions import has_evaluation
from missionmonitor.refdata.geography import national_name
from missionmonitor.views.maps import map_svg

Crumbs = list[dict[str, str]]
NO_STORE = {"Cache-Control": "no-store"}
#: The mark on every page, JSON document and download of a demonstration.
DEMONSTRATION = "Demonstration — generated data"


class PageTwin(BaseModel):
    """The JSON twin of a page: its view model, with at least a title."""

    model_config = ConfigDict(extra="allow")
    title: str


class ApiError(BaseModel):
    """What the API answers when it cannot give what was asked for."""

    error: str
    detail: str


#: The errors any public address may answer with, for ``APIRouter(responses=ERRORS)``.
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {
        "model": ApiError,
        "content": {"text/html": {}},
        "description": "No such page, area, indicator or period (JSON for JSON addresses, "
        "an HTML page for the others)",
    },
    413: {"content": {"text/plain": {}}, "description": "The request is larger than the limit"},
    503: {
        "model": ApiError,
        "content": {"text/html": {}},
        "description": "The store is not built yet",
    },
}

#: OpenAPI description of a JSON twin, for ``router.get(..., responses=TWIN)``.
TWIN: dict[int | str, dict[str, Any]] = {
    200: {"model": PageTwin, "description": "The page's view model as JSON"}
}


def json_safe(obj: Any) -> Any:
    """Make a view model JSON-ready: NaN → None, numpy scalars → Python."""
    if isinstance(obj, dict):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def twin_body(page: dict[str, Any]) -> bytes:
    """A page's JSON twin as UTF-8 bytes. Dates and other objects become their text."""
    return json.dumps(
        json_safe(page), ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str
    ).encode("utf-8")


def twin_response(page: dict[str, Any], *, cache: bool = True) -> Response:
    """A JSON twin response; ``cache=False`` for pages that depend on who is signed in."""
    return Response(
        twin_body(page), media_type="application/json", headers=None if cache else NO_STORE
    )


def marked(request: Request, page: dict[str, Any]) -> dict[str, Any]:
    """``page`` with the demonstration mark when the site serves a demonstration store."""
    try:
        demonstration = request.app.state.data.demonstration()
    except MissionMonitorError:  # no usable store: that page says so itself
        demonstration = False
    return {**page, "demonstration": DEMONSTRATION} if demonstration else page


def crumbs(title: str, *trail: tuple[str, str]) -> Crumbs:
    """Home, then each (label, url) of ``trail``, then the page itself (not a link)."""
    items = [{"label": "Home", "url": "/"}]
    items += [{"label": label, "url": url} for label, url in trail]
    return [*items, {"label": title}]


def _columns(records: list[dict[str, Any]], *keys: str) -> list[list[Any]]:
    return [[r.get(k, "") for k in keys] for r in records]


def _link(text: str, url: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(url, escape(text))


def templates(configuration: Configuration) -> Jinja2Templates:
    """The pages' templates, for the app serving ``configuration``."""
    folder = Path(str(resources.files("missionmonitor.web") / "templates"))
    t = Jinja2Templates(directory=folder)
    t.env.filters["columns"] = _columns
    t.env.filters["link"] = _link
    # The configuration the app serves, and its national area's name.
    t.env.globals["programme"] = lambda: configuration
    t.env.globals["evaluated"] = partial(has_evaluation, configuration)
    t.env.globals["nation"] = partial(national_name, configuration)
    t.env.globals["map_svg"] = partial(map_svg, configuration)
    return t


def render_page(
    templates_: Jinja2Templates,
    template: str,
    page: dict[str, Any],
    json_url: str | None,
    section: str,
    breadcrumbs: Crumbs | None = None,
) -> bytes:
    """A page as UTF-8 HTML; pages depend only on their view model, so callers may cache it.
    ``json_url`` is the page's own JSON twin (None: the page has none, and links to none)."""
    ctx = {"page": page, "json_url": json_url, "section": section, "breadcrumbs": breadcrumbs}
    return templates_.get_template(template).render(ctx).encode("utf-8")


def personal_page(
    request: Request,
    template: str,
    page: dict[str, Any],
    *,
    json_url: str | None = None,
    section: str = "/portal",
    status: int = 200,
    trail: tuple[tuple[str, str], ...] = (),
) -> HTMLResponse:
    """A page that depends on who is signed in: rendered each time and never cached. Only
    a page with a JSON twin of its own names it in ``json_url``."""
    page = marked(request, page)
    body = render_page(
        request.app.state.templates,
        template,
        page,
        json_url,
        section,
        crumbs(page["title"], *trail),
    )
    return HTMLResponse(body, status_code=status, headers=NO_STORE)
