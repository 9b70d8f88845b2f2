"""One permission matrix (role × action → scope), read from ``permissions.yaml``.

For example::

    can(user, "manage_actions", "S08000031", geo)
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from missionmonitor.config import read_definition
from missionmonitor.errors import DefinitionError, PermissionDenied
from missionmonitor.refdata.geography import Geography

Scope = Literal["all", "own_area", "within_area", "none"]


class Role(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    label: str
    scoped: bool
    #: The type of area a scoped role's users belong to (adp, hscp, health_board, …).
    area_type: str | None = None


class Matrix(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    roles: dict[str, Role]
    actions: dict[str, dict[str, Scope]]


class Actor(Protocol):
    role: str
    area_code: str | None
    active: bool


@cache
def matrix() -> Matrix:
    path = Path(str(resources.files("missionmonitor.portal") / "permissions.yaml"))
    m = read_definition(path, Matrix, "permission matrix")
    for action, scopes in m.actions.items():
        if set(scopes) != set(m.roles):
            raise DefinitionError(f"permissions.yaml: {action} must give every role a scope")
    # Area types are checked against the active configuration when an account is made (a
    # configuration without health boards simply has no health board officers).
    for name, role in m.roles.items():
        if role.scoped != (role.area_type is not None):
            raise DefinitionError(
                f"permissions.yaml: {name} needs an area_type exactly when it is scoped"
            )
    return m


def scope(role: str, action: str) -> Scope:
    m = matrix()
    if action not in m.actions:
        raise DefinitionError(f"unknown permission {action!r}")
    return m.actions[action].get(role, "none")


def overlaps(a: str, b: str, geo: Geography) -> bool:
    """Whether two areas share a council (an ADP and its board, a board and its councils)."""
    return a == b or bool(set(geo.councils_in(a)) & set(geo.councils_in(b)))


def within(area: str, outer: str, geo: Geography) -> bool:
    """Whether every council of ``area`` is in ``outer`` (an ADP within itself or its
    board; never the nation within an ADP)."""
    inner = set(geo.councils_in(area))
    return area == outer or (bool(inner) and inner <= set(geo.councils_in(outer)))


def can(user: Actor | None, action: str, area: str | None, geo: Geography) -> bool:
    """May ``user`` do ``action`` in ``area`` (None: anywhere they may act at all)?"""
    if user is None or not user.active:
        return False
    s = scope(user.role, action)
    if s == "all":
        return True
    if s == "none" or user.area_code is None:
        return False
    if area is None:
        return True
    if s == "within_area":
        return within(area, user.area_code, geo)
    return overlaps(user.area_code, area, geo)


def require(user: Actor | None, action: str, area: str | None, geo: Geography) -> None:
    if not can(user, action, area, geo):
        where = f" for {area}" if area else ""
        raise PermissionDenied(f"not allowed: {action.replace('_', ' ')}{where}")
