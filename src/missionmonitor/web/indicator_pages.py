"""The indicator page's cache key and view-model builder, shared by the page, its JSON twin
and its downloads, so that a download holds exactly the figures the page shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Query, Request

from missionmonitor.errors import NotFoundError
from missionmonitor.services.site_data import SiteData
from missionmonitor.views import indicators as indicator_views

Builder = Callable[[SiteData], dict[str, Any]]
#: An optional choice in an indicator page's address (area, area type, period).
Opt = Annotated[str | None, Query(max_length=40)]


def indicator_view(
    request: Request, indicator_id: str, area: str | None, area_type: str | None, period: str | None
) -> tuple[tuple[Any, ...], Builder]:
    data: SiteData = request.app.state.data.get()
    if indicator_id not in data.catalogue:
        raise NotFoundError(f"no indicator {indicator_id!r}")
    area = data.geo.resolve(area.strip()) if area else None  # 404 for an unknown area
    key = ("indicator", indicator_id, area, area_type, period)
    return key, lambda d: indicator_views.indicator(d, indicator_id, area, area_type, period)
