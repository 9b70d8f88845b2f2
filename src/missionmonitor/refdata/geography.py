"""Versioned geography: areas, the council-based hierarchy, lookups up and down.

Every higher area is a set of whole council areas, so memberships are stored as
``council → parent`` with validity dates and a version. ADPs may span councils (Mid & East
Lothian, Lanarkshire), and an HSCP may too (Clackmannanshire & Stirling).

>>> geo = Geography.shipped()
>>> [a.code for a in geo.children("S11000051", "council")]
['S12000010', 'S12000019']
>>> geo.parent("S12000049", "health_board").name
'NHS Greater Glasgow and Clyde'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml

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


@dataclass(frozen=True)
class AreaType:
    id: str
    label: str
    plural: str
    prefix: str


@config.cached
def _config() -> dict[str, Any]:
    path = config.path("geography.yaml")
    try:
        cfg = config.load_yaml(path.read_text(encoding="utf-8"))
        assert isinstance(cfg, dict) and cfg.get("versions"), "no versions"
        types = [t["id"] for t in cfg["area_types"]]
        assert BASE in types, f"no {BASE!r} area type"
        assert cfg["national"]["type"] in types, "the national area's type is not an area type"
        assert cfg["reporting"] in types, "the reporting area type is not an area type"
        for t, cols in cfg["columns"].items():
            assert t in types, f"columns of unknown area type {t!r}"
            assert {"code", "name"} <= set(cols), f"{t}: columns need code and name"
        if (bounds := cfg.get("boundaries")) is not None:
            assert isinstance(bounds, dict) and bounds.get("file"), "boundaries need a file"
            unknown = set(bounds) - {"file", "code_property", "source"}
            assert not unknown, f"unknown boundaries keys {sorted(unknown)}"
        return cfg
    except (yaml.YAMLError, AssertionError, KeyError, TypeError) as exc:
        raise DefinitionError(f"geography.yaml: invalid geography configuration: {exc}") from exc


def national_code() -> str:
    """The code of the whole country or programme area (Scotland: S92000003)."""
    return str(_config()["national"]["code"])


def national_name() -> str:
    """The name of the national area (Scotland)."""
    return str(_config()["national"]["name"])


def national_type() -> str:
    """The area type of the national area (Scotland: ``scotland``)."""
    return str(_config()["national"]["type"])


def reporting_type() -> str:
    """The area type that submits returns and is graded against standards (Scotland: ADPs)."""
    return str(_config()["reporting"])


def boundaries() -> dict[str, str] | None:
    """The base areas' boundary file for maps (``file`` in ``data/``, ``code_property``,
    ``source``) as ``geography.yaml`` names it; None when the configuration has no maps."""
    found = _config().get("boundaries")
    return {str(k): str(v) for k, v in found.items()} if found else None


def first_version_start() -> dt.date:
    """The day the earliest geography version starts."""
    return min(dt.date.fromisoformat(str(v["valid_from"])) for v in _config()["versions"])


def area_types() -> tuple[str, ...]:
    """Area type ids, smallest first, as the configuration lists them."""
    return tuple(str(t["id"]) for t in _config()["area_types"])


class Geography:
    """Areas and memberships across geography versions."""

    def __init__(self, areas: Iterable[Area], memberships: Iterable[Membership]) -> None:
        self.areas: dict[str, Area] = {a.code: a for a in areas}
        self.memberships: list[Membership] = list(memberships)
        for m in self.memberships:
            for code in (m.council, m.parent):
                if code not in self.areas:
                    raise DefinitionError(f"membership refers to unknown area {code}")
        self.types = {t["id"]: AreaType(**t) for t in _config()["area_types"]}
        self._codes = {c: a.type for c, a in self.areas.items()}

    # ---- construction ----------------------------------------------------------------

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[dict[str, Any]],
        version: str,
        valid_from: dt.date,
        valid_to: dt.date | None,
        replaced: dict[str, dt.date],
    ) -> Geography:
        """Build from the geography dataset's rows (one per base area) for one version, as the
        configuration's ``columns`` say where each area type's code and name are."""
        cfg = _config()
        nat = cfg["national"]
        columns: dict[str, dict[str, str]] = cfg["columns"]
        areas: dict[str, Area] = {nat["code"]: Area(nat["code"], nat["name"], nat["type"])}
        members: list[Membership] = []
        for row in rows:
            base = columns[BASE]
            council = row[base["code"]]
            areas[council] = Area(council, row[base["name"]], BASE, valid_from, valid_to)
            for ptype, cols in columns.items():
                if ptype == BASE:
                    continue
                code, name = row[cols["code"]], row[cols["name"]]
                prefix = cols.get("name_prefix", "")
                if not name.startswith(prefix):
                    name = f"{prefix}{name}"
                areas.setdefault(code, Area(code, name, ptype, valid_from, valid_to))
                members.append(Membership(council, code, ptype, version, valid_from, valid_to))
            members.append(
                Membership(council, nat["code"], nat["type"], version, valid_from, valid_to)
            )
            for atype, cols in columns.items():
                old = row.get(cols["previous"]) if cols.get("previous") else None
                if old and old not in areas:
                    new = row[cols["code"]]
                    ended = replaced.get(new)
                    name = areas[new].name
                    areas[old] = Area(old, name, atype, None, ended, successor=new)
        return cls(areas.values(), members)

    @classmethod
    def shipped(cls) -> Geography:
        """The geography shipped with the package (validated through its declaration)."""
        return _shipped_geography()

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

    def codes(self) -> dict[str, str]:
        """Every known code (current and previous) → its area type (a shared mapping: read only)."""
        return self._codes

    def of_type(self, area_type: str, *, current_only: bool = True) -> list[Area]:
        if area_type not in area_types():
            known = ", ".join(area_types())
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
        for ptype in area_types():
            if ptype == area.type:
                continue
            for m in self._members(on):
                if m.parent_type == ptype and m.council in councils:
                    members = set(self.councils_in(m.parent, on))
                    if councils <= members and m.parent != area.code:
                        found[m.parent] = self.areas[m.parent]
        return sorted(found.values(), key=lambda a: area_types().index(a.type))

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
def _shipped_geography() -> Geography:
    from missionmonitor.data import shipped_file
    from missionmonitor.datasets.declaration import get_declaration
    from missionmonitor.datasets.reader import read_and_validate

    cfg = _config()
    replaced = {k: v for k, v in (cfg.get("replaced") or {}).items()}
    decl = get_declaration("geography")
    versions = cfg["versions"]
    areas: dict[str, Area] = {}
    members: list[Membership] = []
    for v in versions:
        parsed = read_and_validate(decl, shipped_file(v["dataset_file"]), {})
        geo = Geography.from_rows(
            parsed.rows, str(v["id"]), v["valid_from"], v.get("valid_to"), replaced
        )
        areas.update(geo.areas)
        members.extend(geo.memberships)
    return Geography(areas.values(), members)
