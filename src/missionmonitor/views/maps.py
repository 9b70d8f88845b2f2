"""Choropleth maps of an indicator's published figures by area, as accessible SVG.

``choropleth`` makes a map's view model from the rows a comparison table shows (already
through disclosure control): each area's value, its band and its state (a figure,
suppressed, or none held). ``map_svg`` draws that model as inline SVG for pages (each area a
keyboard-focusable link named by its figure) and for reports (a static image). Meaning is
never carried by colour alone: bands are ordered light to dark and named in the legend,
suppressed areas are hatched, areas without a figure are dotted, and the table beside every
map gives each area's value and band.

>>> m = choropleth(config.load(None), "drd", "Deaths", "per 1,000", 2, [
...     {"area_code": "S08000015", "area_name": "NHS Ayrshire and Arran", "value": 0.31,
...      "display": "0.31"},
...     {"area_code": "S08000016", "area_name": "NHS Borders", "value": None, "display": "c"}],
...     "health_board", "Health boards", "2019-2023", "2023-12-31",
...     {"S08000015": "NHS Ayrshire and Arran", "S08000016": "NHS Borders"})
>>> [(a["area_name"], a["state"], a["band"]) for a in m["areas"]][:2]
[('NHS Ayrshire and Arran', 'value', 1), ('NHS Borders', 'suppressed', None)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import numpy as np
from markupsafe import Markup, escape

from missionmonitor import config
from missionmonitor.formatting import display_value
from missionmonitor.indicators.catalogue import Indicator
from missionmonitor.periods import parse_period
from missionmonitor.refdata.boundaries import area_outlines, has_boundaries
from missionmonitor.services.site_data import SiteData

#: At most this many bands (equal-count classes of the values shown).
BANDS = 5
#: Sequential blues, light to dark (ColorBrewer "Blues"; distinguishable with common colour
#: vision deficiencies, and ordered in lightness so they read in greyscale).
PALETTE = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NO_FIGURE_FILL, HATCH_INK, EDGE = "#ffffff", "#505050", "#505050"
STATES = {"suppressed": "Suppressed (hatched)", "none": "No figure held (dotted)"}


def mappable(configuration: config.Configuration) -> bool:
    """Whether maps can be drawn (the configuration ships boundaries)."""
    return has_boundaries(configuration)


def choropleth(
    configuration: config.Configuration,
    map_id: str,
    title: str,
    unit: str,
    decimals: int,
    rows: list[dict[str, Any]],
    area_type: str,
    plural: str,
    period: str,
    as_of: str,
    names: Mapping[str, str],
    link: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The view model of a map of ``rows`` (result rows of one area type and period) of
    ``configuration``'s areas.

    ``as_of`` (ISO date) picks the geography version whose memberships dissolve the areas;
    ``names`` names every area (those without a row too); ``link`` (query parameters) makes
    each area a link to ``?area=CODE&…link`` on the same page.
    """
    outlines = area_outlines(configuration, area_type, dt.date.fromisoformat(as_of))
    by_code = {r["area_code"]: r for r in rows}
    values = sorted(r["value"] for r in rows if r["value"] is not None)
    bands = _bands(values, decimals)
    areas = []
    for code in outlines.paths:
        r = by_code.get(code)
        value = r["value"] if r else None
        state = "value" if value is not None else ("suppressed" if r else "none")
        band = _band_of(value, bands) if value is not None else None
        href = None
        if link is not None:
            href = "?" + urlencode({"area": code, **link})
        areas.append(
            {
                "area_code": code,
                "area_name": names.get(code, code),
                "value": value,
                "display": r["display"] if r else "",
                "state": state,
                "band": band,
                "href": href,
            }
        )
    areas.sort(key=lambda a: (a["value"] is None, -float(a["value"] or 0), a["area_name"]))
    return {
        "id": map_id,
        "area_type": area_type,
        "period": period,
        "as_of": as_of,
        "unit": unit,
        "caption": f"Map: {title}, {plural}, {period}",
        "summary": _summary(areas, bands, plural),
        "bands": bands,
        "areas": areas,
        "boundaries": outlines.source,
    }


def indicator_map(
    map_id: str,
    data: SiteData,
    ind: Indicator,
    rows: list[dict[str, Any]],
    area_type: str,
    period: str,
    link: dict[str, str] | None = None,
) -> dict[str, Any]:
    """``choropleth`` of an indicator's result rows for one area type and period, named and
    dissolved as the geography has them at the period's end."""
    names = {a.code: a.name for a in data.geo.of_type(area_type)}
    return choropleth(
        data.configuration,
        map_id,
        ind.title,
        ind.unit,
        ind.decimals,
        rows,
        area_type,
        data.geo.types[area_type].plural,
        period,
        parse_period(period).end.isoformat(),
        names,
        link,
    )


def _bands(values: list[float], decimals: int) -> list[dict[str, Any]]:
    """Up to ``BANDS`` equal-count classes of ``values``, each named by the lowest and
    highest value it holds (so the legend reads exactly what the table says)."""
    if not values:
        return []
    k = min(BANDS, len(set(values)))
    cuts = sorted(set(np.quantile(values, [i / k for i in range(1, k)]).tolist()))
    groups: list[list[float]] = [[] for _ in range(len(cuts) + 1)]
    for v in values:
        groups[int(np.searchsorted(cuts, v, side="left"))].append(v)
    groups = [g for g in groups if g]
    colours = [
        PALETTE[round(i * (len(PALETTE) - 1) / max(len(groups) - 1, 1))] for i in range(len(groups))
    ]
    return [
        {
            "band": i + 1,
            "low": g[0],
            "high": g[-1],
            "count": len(g),
            "colour": colours[i],
            "label": f"{display_value(g[0], decimals)} to {display_value(g[-1], decimals)}",
        }
        for i, g in enumerate(groups)
    ]


def _band_of(value: float, bands: list[dict[str, Any]]) -> int:
    for b in bands:
        if value <= b["high"]:
            return int(b["band"])
    return int(bands[-1]["band"])


def _summary(areas: list[dict[str, Any]], bands: list[dict[str, Any]], plural: str) -> str:
    shown = [a for a in areas if a["state"] == "value"]
    if not shown:
        return f"Every figure for these {plural} is suppressed or not held, so no area is shaded."
    text = (
        f"Darker shading means a higher value, in {len(bands)} bands of about equal size. "
        f"Highest: {shown[0]['area_name']} ({shown[0]['display']}); lowest: "
        f"{shown[-1]['area_name']} ({shown[-1]['display']})."
    )
    hidden = sum(a["state"] == "suppressed" for a in areas)
    missing = sum(a["state"] == "none" for a in areas)
    if hidden:
        text += f" {hidden} suppressed to protect confidentiality (hatched)."
    if missing:
        text += f" {missing} with no figure held (dotted)."
    return text + " The table with the map gives every area's figure."


def map_svg(
    configuration: config.Configuration, figure: dict[str, Any], *, interactive: bool = True
) -> Markup:
    """The map of ``configuration``'s areas as inline SVG with its legend. ``interactive``:
    each area is a focusable link (pages); otherwise a static image named by the figure's
    caption (reports)."""
    day = dt.date.fromisoformat(figure["as_of"])
    outlines = area_outlines(configuration, figure["area_type"], day)
    fid = escape(figure["id"])
    colours = {b["band"]: b["colour"] for b in figure["bands"]}
    band_count = len(figure["bands"])
    parts = [
        f'<defs><pattern id="{fid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH_INK}" stroke-width="2"/></pattern>'
        f'<pattern id="{fid}-dots" width="5" height="5" patternUnits="userSpaceOnUse">'
        f'<rect width="5" height="5" fill="{NO_FIGURE_FILL}"/>'
        f'<circle cx="2.5" cy="2.5" r="0.9" fill="{HATCH_INK}"/></pattern></defs>'
    ]
    for a in figure["areas"]:
        fill = {"suppressed": f"url(#{fid}-hatch)", "none": f"url(#{fid}-dots)"}.get(
            a["state"], colours.get(a["band"], NO_FIGURE_FILL)
        )
        path = (
            f'<path d="{outlines.paths[a["area_code"]]}" fill="{fill}" stroke="{EDGE}" '
            f'stroke-width="0.6" stroke-linejoin="round"/>'
        )
        label = escape(_area_label(a, band_count, figure["unit"]))
        if interactive and a["href"]:
            parts.append(
                f'<a href="{escape(a["href"])}" aria-label="{label}" '
                f'class="mm-map__area"><title>{label}</title>{path}</a>'
            )
        else:
            parts.append(f"<g><title>{label}</title>{path}</g>")
    parts.append(_legend(figure, fid))
    box = outlines.view_box
    if interactive:
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{box}" class="mm-map__svg" '
            f'role="group" aria-labelledby="{fid}-caption">'
        )
    else:
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{box}" class="mm-map__svg" '
            f'role="img" aria-labelledby="{fid}-caption {fid}-summary">'
        )
    return Markup(head + "".join(parts) + "</svg>")


def _area_label(area: dict[str, Any], bands: int, unit: str) -> str:
    if area["state"] == "suppressed":
        return f"{area['area_name']}: suppressed to protect confidentiality"
    if area["state"] == "none":
        return f"{area['area_name']}: no figure held"
    return f"{area['area_name']}: {area['display']} {unit} (band {area['band']} of {bands})"


def _legend(figure: dict[str, Any], fid: str) -> str:
    """The key in the sea west of the Highlands: each band light to dark, then the states."""
    rows = [(b["colour"], f"Band {b['band']}: {b['label']}") for b in figure["bands"]]
    states = {a["state"] for a in figure["areas"]}
    rows += [
        (f"url(#{fid}-hatch)" if s == "suppressed" else f"url(#{fid}-dots)", text)
        for s, text in STATES.items()
        if s in states
    ]
    out = [
        f'<g class="mm-map__legend" font-size="11" fill="#1a1a1a">'
        f'<text x="6" y="14" font-weight="bold">{escape(figure["unit"][:40])}</text>'
    ]
    for i, (fill, text) in enumerate(rows):
        y = 24 + 20 * i
        out.append(
            f'<rect x="6" y="{y}" width="16" height="14" fill="{fill}" stroke="{EDGE}" '
            f'stroke-width="0.6"/><text x="28" y="{y + 11}">{escape(text)}</text>'
        )
    return "".join(out) + "</g>"
