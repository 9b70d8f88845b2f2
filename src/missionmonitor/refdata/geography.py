"""Versioned geography: areas, the council-based hierarchy, lookups up and down.

Every higher area is a set of whole council areas, so memberships are stored as
``council → parent`` with validity dates and a version. ADPs may span councils (Mid & East
Lothian, Lanarkshire), and an HSCP may too (Clackmannanshire & Stirling).

>>> geo = Geography.of(config.load(None))
>>> [a.code for a in geo.children("S11000051", "council")]
['S12000010', 'S12000019']
>>> geo.parent("S12000049", "health_board").name
'NHS Greater Glasgow and Clyde'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from missionmonitor import config
from missionmonitor.errors import DefinitionError, NotFoundError

#: The base area type: every other area is a set of whole areas of this type.
BASE = "council"


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    type: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    successor: str | None = None  # for a previous code: the code that replaced it

    @property
    def current(self) -> bool:
        return self.successor is None


@dataclass(frozen=True)
class Membership:
    council: str
    parent: str
    parent_type: str
    version: str
    valid_from: dt.date
    valid_to: dt.date | None

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class AreaType(_Strict):
    id: str
    label: str
    plural: str
    prefix: str


class _Version(_Strict):
    id: str
    title: str = ""
    dataset_file: str
    valid_from: dt.date
    valid_to: dt.date | None = None


class _National(_Strict):
    code: str
    name: str
    type: str


class _Columns(_Strict):
    """Where the geography dataset holds one area type's code, name and previous code."""

    code: str
    name: str
    previous: str | None = None
    name_prefix: str = ""
    #: A column naming, per base area, the area as another publisher's list names it
    #: (PHS names 31 ADPs where the codes name 30): held beside the codes, never merged.
    other_name: str | None = None


class _Boundaries(_Strict):
    file: str = Field(min_length=1)
    code_property: str = "code"
    source: str = ""


class _GeographyFile(_Strict):
    versions: tuple[_Version, ...] = Field(min_length=1)
    replaced: dict[str, dt.date] | None = None
    boundaries: _Boundaries | None = None
    national: _National
    reporting: str
    columns: dict[str, _Columns]
    area_types: tuple[AreaType, ...]

    @model_validator(mode="after")
    def _known_types(self) -> _GeographyFile:
        types = [t.id for t in self.area_types]
        if BASE not in types:
            raise ValueError(f"no {BASE!r} area type")
        if self.national.type not in types:
            raise ValueError("the national area's type is not an area type")
        if self.reporting not in types:
            raise ValueError("the reporting area type is not an area type")
        if unknown := sorted(set(self.columns) - set(types)):
            raise ValueError(f"columns of unknown area types {unknown}")
        if BASE not in self.columns:
            raise ValueError(f"no columns for the {BASE!r} area type")
        return self


@config.cached
def _config(configuration: config.Configuration) -> _GeographyFile:
    path = config.path(configuration, "geography.yaml")
    return config.read_definition(path, _GeographyFile, "geography configuration")


def national_code(configuration: config.Configuration) -> str:
    """The code of the whole country or programme area (Scotland: S92000003)."""
    return _config(configuration).national.code


def national_name(configuration: config.Configuration) -> str:
    """The name of the national area (Scotland)."""
    return _config(configuration).national.name


def national_type(configuration: config.Configuration) -> str:
    """The area type of the national area (Scotland: ``scotland``)."""
    return _config(configuration).national.type


def reporting_type(configuration: config.Configuration) -> str:
    """The area type that submits returns and is graded against standards (Scotland: ADPs)."""
    return _config(configuration).reporting


def boundaries(configuration: config.Configuration) -> dict[str, str] | None:
    """The base areas' boundary file for maps (``file`` in ``data/``, ``code_property``,
    ``source``) as ``geography.yaml`` names it; None when the configuration has no maps."""
    found = _config(configuration).boundaries
    return found.model_dump() if found else None


def first_version_start(configuration: config.Configuration) -> dt.date:
    """The day the earliest geography version starts."""
    return min(v.valid_from for v in _config(configuration).versions)


def area_types(configuration: config.Configuration) -> tuple[str, ...]:
    """Area type ids, smallest first, as the configuration lists them."""
    return tuple(t.id for t in _config(configuration).area_types)


def area_type_plural(configuration: config.Configuration, type_id: str) -> str:
    """How the configuration names areas of a type in the plural (the id if unknown)."""
    return next((t.plural for t in _config(configuration).area_types if t.id == type_id), type_id)


class Geography:
    """Areas and memberships across geography versions."""

    def __init__(
        self,
        configuration: config.Configuration,
        areas: Iterable[Area],
        memberships: Iterable[Membership],
        other_names: Mapping[str, Mapping[str, Iterable[str]]] | None = None,
    ) -> None:
        #: The configuration whose geography this is.
        self.configuration = configuration
        self.areas: dict[str, Area] = {a.code: a for a in areas}
        self.memberships: list[Membership] = list(memberships)
        #: Area type → a name another publisher's list uses → the base areas it covers.
        self.other_names: dict[str, dict[str, frozenset[str]]] = {
            t: {n: frozenset(cs) for n, cs in names.items()}
            for t, names in (other_names or {}).items()
        }
        for m in self.memberships:
            for code in (m.council, m.parent):
                if code not in self.areas:
                    raise DefinitionError(f"membership refers to unknown area {code}")
        self.types = {t.id: t for t in _config(configuration).area_types}
        self._codes = {c: a.type for c, a in self.areas.items()}

    # ---- construction ----------------------------------------------------------------

    @classmethod
    def from_rows(
        cls,
        configuration: config.Configuration,
        rows: Iterable[dict[str, Any]],
        version: str,
        valid_from: dt.date,
        valid_to: dt.date | None,
        replaced: dict[str, dt.date],
    ) -> Geography:
        """Build from the geography dataset's rows (one per base area) for one version, as the
        configuration's ``columns`` say where each area type's code and name are."""
        cfg = _config(configuration)
        nat = cfg.national
        columns = cfg.columns
        areas: dict[str, Area] = {nat.code: Area(nat.code, nat.name, nat.type)}
        members: list[Membership] = []
        others: dict[str, dict[str, set[str]]] = {}
        for row in rows:
            base = columns[BASE]
            council = row[base.code]
            areas[council] = Area(council, row[base.name], BASE, valid_from, valid_to)
            for ptype, cols in columns.items():
                if ptype == BASE:
                    continue
                code, name = row[cols.code], row[cols.name]
                if not name.startswith(cols.name_prefix):
                    name = f"{cols.name_prefix}{name}"
                areas.setdefault(code, Area(code, name, ptype, valid_from, valid_to))
                members.append(Membership(council, code, ptype, version, valid_from, valid_to))
                if cols.other_name and (other := row.get(cols.other_name)):
                    others.setdefault(ptype, {}).setdefault(other, set()).add(council)
            members.append(Membership(council, nat.code, nat.type, version, valid_from, valid_to))
            for atype, cols in columns.items():
                old = row.get(cols.previous) if cols.previous else None
                if old and old not in areas:
                    new = row[cols.code]
                    ended = replaced.get(new)
                    name = areas[new].name
                    areas[old] = Area(old, name, atype, None, ended, successor=new)
        return cls(configuration, areas.values(), members, others)

    @classmethod
    def of(cls, configuration: config.Configuration) -> Geography:
        """The geography of ``configuration`` (validated through its declaration), read once
        per configuration."""
        return _configured_geography(configuration)

    # ---- lookups ---------------------------------------------------------------------

    def area(self, code: str) -> Area:
        try:
            return self.areas[code]
        except KeyError:
            raise NotFoundError(f"unknown area code {code!r}") from None

    def resolve(self, code: str) -> str:
        """The current code for ``code`` (previous codes map to their successor)."""
        area = self.area(code)
        return area.successor or area.code

    def national(self) -> Area:
        """The whole country or programme area (the parent of every base area)."""
        return self.area(_config(self.configuration).national.code)

    def codes(self) -> dict[str, str]:
        """Every known code (current and previous) → its area type (a shared mapping: read only)."""
        return self._codes

    def of_type(self, area_type: str, *, current_only: bool = True) -> list[Area]:
        if area_type not in area_types(self.configuration):
            known = ", ".join(area_types(self.configuration))
            raise NotFoundError(f"unknown area type {area_type!r}; known: {known}")
        found = [a for a in self.areas.values() if a.type == area_type]
        if current_only:
            found = [a for a in found if a.current]
        return sorted(found, key=lambda a: a.name)

    def _members(self, on: dt.date | None) -> list[Membership]:
        return [m for m in self.memberships if on is None or m.valid_on(on)]

    def councils_in(self, code: str, on: dt.date | None = None) -> list[str]:
        """Council codes making up ``code`` (a council is made up of itself)."""
        area = self.area(self.resolve(code))
        if area.type == BASE:
            return [area.code]
        return sorted({m.council for m in self._members(on) if m.parent == area.code})

    def children(self, code: str, child_type: str, on: dt.date | None = None) -> list[Area]:
        """Areas of ``child_type`` wholly inside ``code`` (down the hierarchy)."""
        councils = set(self.councils_in(code, on))
        if child_type == BASE:
            return sorted((self.areas[c] for c in councils), key=lambda a: a.name)
        by_parent: dict[str, set[str]] = {}
        for m in self._members(on):
            if m.parent_type == child_type:
                by_parent.setdefault(m.parent, set()).add(m.council)
        inside = [p for p, cs in by_parent.items() if cs <= councils and p != code]
        return sorted((self.areas[p] for p in inside), key=lambda a: a.name)

    def parents(self, code: str, on: dt.date | None = None) -> list[Area]:
        """Every area that wholly contains ``code`` (up the hierarchy), smallest type first."""
        area = self.area(self.resolve(code))
        councils = set(self.councils_in(area.code, on))
        found: dict[str, Area] = {}
        for ptype in area_types(self.configuration):
            if ptype == area.type:
                continue
            for m in self._members(on):
                if m.parent_type == ptype and m.council in councils:
                    members = set(self.councils_in(m.parent, on))
                    if councils <= members and m.parent != area.code:
                        found[m.parent] = self.areas[m.parent]
        return sorted(found.values(), key=lambda a: area_types(self.configuration).index(a.type))

    def parent(self, code: str, parent_type: str, on: dt.date | None = None) -> Area:
        for p in self.parents(code, on):
            if p.type == parent_type:
                return p
        raise NotFoundError(f"{code} does not lie wholly within one {parent_type}")

    def membership_rows(self) -> list[tuple[str, str, str, str, dt.date, dt.date | None]]:
        """Memberships as rows for the store (council, parent, parent_type, version, from, to)."""
        return [
            (m.council, m.parent, m.parent_type, m.version, m.valid_from, m.valid_to)
            for m in self.memberships
        ]


@config.cached
def _configured_geography(configuration: config.Configuration) -> Geography:
    from missionmonitor.data import shipped_file
    from missionmonitor.datasets.declaration import get_declaration
    from missionmonitor.datasets.reader import read_and_validate

    cfg = _config(configuration)
    replaced = cfg.replaced or {}
    decl = get_declaration(configuration, "geography")
    areas: dict[str, Area] = {}
    members: list[Membership] = []
    others: dict[str, dict[str, set[str]]] = {}
    for v in cfg.versions:
        parsed = read_and_validate(decl, shipped_file(configuration, v.dataset_file), {})
        geo = Geography.from_rows(
            configuration, parsed.rows, v.id, v.valid_from, v.valid_to, replaced
        )
        areas.update(geo.areas)
        members.extend(geo.memberships)
        for atype, names in geo.other_names.items():
            for name, councils in names.items():
                others.setdefault(atype, {}).setdefault(name, set()).update(councils)
    return Geography(configuration, areas.values(), members, others)
