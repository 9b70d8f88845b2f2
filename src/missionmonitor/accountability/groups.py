"""Oversight groups as configuration (``governance/groups.yaml``), validated on load against
the versioned geography.

For example::

    group = get_group("national_mission_oversight", geo)
    group.area, group.publishes
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from missionmonitor import config
from missionmonitor.errors import DefinitionError, NotFoundError
from missionmonitor.refdata.geography import Geography


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Group(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    area: str
    publishes: bool
    description: str = ""


class PerArea(_Strict):
    id_prefix: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    area_type: str
    name: str
    publishes: bool
    description: str = ""


class GroupsFile(_Strict):
    groups: tuple[Group, ...] = ()
    per_area: tuple[PerArea, ...] = ()


@config.cached
def _groups_file(configuration: config.Configuration) -> GroupsFile:
    path = config.path(configuration, "governance", "groups.yaml")
    if not path.exists():  # a configuration without oversight groups
        return GroupsFile()
    return config.read_definition(path, GroupsFile, "oversight groups")


def load_groups(geo: Geography) -> dict[str, Group]:
    """Every oversight group by id: the listed ones, then one per area of each ``per_area``."""
    spec = _groups_file(geo.configuration)
    codes = geo.codes()
    out: dict[str, Group] = {}
    for g in spec.groups:
        if g.id in out:
            raise DefinitionError(f"groups.yaml: two groups have the id {g.id!r}")
        if g.area not in codes:
            raise DefinitionError(f"groups.yaml: {g.id}: unknown area {g.area!r}")
        out[g.id] = g
    for rule in spec.per_area:
        for area in geo.of_type(rule.area_type):
            gid = f"{rule.id_prefix}_{area.code.lower()}"
            if gid in out:
                raise DefinitionError(f"groups.yaml: two groups have the id {gid!r}")
            out[gid] = Group(
                id=gid,
                name=rule.name.format(area=area.name),
                area=area.code,
                publishes=rule.publishes,
                description=rule.description,
            )
    return out


def get_group(group_id: str, geo: Geography) -> Group:
    groups = load_groups(geo)
    if group_id not in groups:
        raise NotFoundError(f"no oversight group {group_id!r}")
    return groups[group_id]
