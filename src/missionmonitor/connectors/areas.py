"""A publisher's area, by code or by name, as the geography knows it.

A code is looked up and a previous code resolved to the one that replaced it. A name is
compared with the geography's names of one area type by ``area_names.name_key``,
then with the names another publisher's list uses (``Geography.other_names``). A name that
covers exactly the base areas of one area has that area's code; a name that covers only
part of an area (PHS's North Lanarkshire ADP, inside one ADP code with South Lanarkshire)
has no code: it is held apart, with the area it lies within, and nothing is added across.

For example::

    found = by_name(geography, "adp", "City of Glasgow ADP")
    found.code, found.note
"""

from __future__ import annotations

from dataclasses import dataclass

from missionmonitor.connectors.area_names import name_key
from missionmonitor.refdata.geography import Area, Geography


@dataclass(frozen=True)
class Found:
    """A publisher's area: its current code (None when it has none of its own), type and
    name, and a note when it was published under an old code or has no code."""

    code: str | None
    type: str
    name: str
    note: str = ""


def by_code(geography: Geography, code: str) -> Found | None:
    """The area of ``code`` (a previous code resolved), or None if the code is unknown."""
    area = geography.areas.get(code.strip())
    if area is None:
        return None
    if area.successor:
        current = geography.area(area.successor)
        note = f"published under the previous code {area.code}"
        return Found(current.code, current.type, current.name, note)
    return Found(area.code, area.type, area.name)


def by_name(geography: Geography, area_type: str, name: str) -> Found | None:
    """The area of ``area_type`` that ``name`` stands for, or None if no name matches."""
    wanted = name_key(name)
    areas = [a for a in geography.areas.values() if a.type == area_type and a.current]
    for area in areas:
        if name_key(area.name) == wanted:
            return Found(area.code, area.type, area.name)
    others = geography.other_names.get(area_type, {})
    councils = next((cs for n, cs in others.items() if name_key(n) == wanted), None)
    if councils is None:
        return None
    for area in areas:
        if set(geography.councils_in(area.code)) == councils:
            return Found(area.code, area.type, area.name)
    within = _within(geography, areas, councils)
    label = geography.types[area_type].label
    note = f"no {label} code of its own" + (
        f": part of {within.code} {within.name}, held apart and never added into it"
        if within
        else ""
    )
    return Found(None, area_type, name.strip(), note)


def _within(geography: Geography, areas: list[Area], councils: frozenset[str]) -> Area | None:
    for area in areas:
        if councils <= set(geography.councils_in(area.code)):
            return area
    return None
