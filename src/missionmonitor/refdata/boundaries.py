"""Area outlines for maps, dissolved from the base areas' boundaries.

The configuration ships one boundary file for its base area type (Scotland: the 32
council areas) and names it in ``geography.yaml`` under ``boundaries``. Every higher area
(health board, Integration Authority, ADP, police division) is the union of its councils
in the geography version in force, so its outline is dissolved from theirs; no other
boundary file is needed and a new ADP map needs no new shapes.

Outlines are projected once (longitude scaled by the cosine of the middle latitude, which
keeps Scotland's shape within a few per cent), simplified to within ``TOLERANCE`` units
(about a pixel as drawn) and kept as SVG path data.

>>> outlines = area_outlines(config.load(None), "health_board")
>>> len(outlines.paths), outlines.view_box
(14, '0 0 400 590')
>>> outlines.paths["S08000031"][:1]
'M'
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from missionmonitor import config
from missionmonitor.errors import DefinitionError
from missionmonitor.refdata.geography import BASE, Geography, boundaries, first_version_start

#: Width of every map's drawing, in SVG units; the height follows the country's shape.
WIDTH = 400
#: Simplification tolerance and the smallest island kept, in SVG units at that width.
TOLERANCE = 0.8
SMALLEST_PART = 2.0


class _Feature(BaseModel):
    properties: dict[str, Any]
    geometry: dict[str, Any]


class _FeatureCollection(BaseModel):
    """The part of a GeoJSON file that maps are drawn from (other members are ignored)."""

    features: tuple[_Feature, ...]


@dataclass(frozen=True)
class Outlines:
    """SVG path data of every area of one type, on a common ``view_box``."""

    area_type: str
    view_box: str
    paths: dict[str, str]
    source: str


def has_boundaries(configuration: config.Configuration) -> bool:
    """Whether ``configuration`` ships boundaries, so maps can be drawn."""
    return boundaries(configuration) is not None


def area_outlines(
    configuration: config.Configuration, area_type: str, on: dt.date | None = None
) -> Outlines:
    """Outlines of the current areas of ``area_type``, from the memberships valid ``on``
    (default: today; a date before every geography version takes the first version)."""
    day = max(on or dt.date.today(), first_version_start(configuration))
    return _outlines(configuration, area_type, day)


@config.cached
def _outlines(configuration: config.Configuration, area_type: str, day: dt.date) -> Outlines:
    from shapely import simplify
    from shapely.ops import unary_union

    base, projection = _base_shapes(configuration)
    geo = Geography.of(configuration)
    paths = {}
    for area in geo.of_type(area_type):
        councils = geo.councils_in(area.code, day)
        missing = [c for c in councils if c not in base]
        if missing:
            raise DefinitionError(
                f"boundaries: no outline for council(s) {', '.join(missing)} "
                f"of {area.name} ({area.code})"
            )
        if not councils:
            continue
        shape = unary_union([base[c] for c in councils]) if len(councils) > 1 else base[councils[0]]
        paths[area.code] = _path(simplify(shape, TOLERANCE, preserve_topology=True))
    source = (boundaries(configuration) or {}).get("source", "")
    return Outlines(area_type, projection, paths, source)


@config.cached
def _base_shapes(configuration: config.Configuration) -> tuple[dict[str, Any], str]:
    """Each base area's projected shape (SVG units, y down), and the common view box."""
    from shapely import affinity
    from shapely.geometry import shape

    cfg = boundaries(configuration)
    if not cfg:
        raise DefinitionError("geography.yaml: no boundaries are configured, so no map is drawn")
    path = config.path(configuration, "data", cfg["file"])
    prop = cfg["code_property"]
    found = config.read_definition(path, _FeatureCollection, "boundary file", parse=json.loads)
    try:
        raw = {str(f.properties[prop]): shape(f.geometry) for f in found.features}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DefinitionError(
            f"{path.name}: invalid boundary file: every feature needs a {prop!r} code and a "
            f"shape ({exc!r})"
        ) from exc
    known = {a.code for a in Geography.of(configuration).of_type(BASE)}
    if unknown := sorted(set(raw) - known):
        raise DefinitionError(f"{path.name}: unknown {BASE} code(s) {', '.join(unknown)}")
    west, south, east, north = _bounds(raw.values())
    squeeze = math.cos(math.radians((south + north) / 2))
    scale = WIDTH / ((east - west) * squeeze)
    height = math.ceil((north - south) * scale)
    shapes = {
        code: affinity.affine_transform(
            geom, [scale * squeeze, 0, 0, -scale, -west * scale * squeeze, north * scale]
        )
        for code, geom in raw.items()
    }
    return shapes, f"0 0 {WIDTH} {height}"


def _bounds(geoms: Any) -> tuple[float, float, float, float]:
    boxes = [g.bounds for g in geoms]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _path(geom: Any) -> str:
    """SVG path data of a (multi)polygon: one closed sub-path per ring; islands smaller than
    ``SMALLEST_PART`` square units are left out (a pixel or two as drawn)."""
    parts = getattr(geom, "geoms", [geom])
    out = []
    for poly in parts:
        if poly.is_empty or poly.area < SMALLEST_PART:
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = " ".join(f"{x:.1f},{y:.1f}" for x, y in ring.coords[:-1])
            out.append(f"M{xy}Z")
    return "".join(out)
