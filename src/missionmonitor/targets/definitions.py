"""Target definitions (``targets.yaml``), validated on load.

>>> [t.id for t in load_targets(config.load(None))]
['ost_32000', 'rehab_1000', 'rehab_beds_650']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from missionmonitor import config
from missionmonitor.errors import DefinitionError, NotFoundError
from missionmonitor.indicators.catalogue import Indicator
from missionmonitor.indicators.success import TargetRule

ApportionmentRule = Literal["proportional_uplift", "population_share", "prevalence_weighted"]
BalancingAspect = Literal["access", "retention", "availability", "completeness"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Balancing(_Strict):
    """An indicator to read beside the target, and which aspect of treatment it guards."""

    aspect: BalancingAspect
    indicator: str


class Baseline(_Strict):
    value: float = Field(gt=0)
    period: str
    note: str = ""


class Apportionment(_Strict):
    rule: ApportionmentRule = "proportional_uplift"
    area_type: Literal["hscp", "adp", "council", "health_board"] = "hscp"
    #: The indicator that gives each area's baseline and progress.
    local_indicator: str | None = None
    note: str = ""


class Target(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: int = Field(ge=1)
    title: str
    indicator: str
    scope: str
    statement: str
    direction: Literal["at_least", "at_most"] = "at_least"
    value: float = Field(gt=0)
    target_date: dt.date
    #: When the target was set; None where the held source does not say.
    set_on: dt.date | None = None
    source: str
    baseline: Baseline | None = None
    apportionment: Apportionment | None = None
    balancing: tuple[Balancing, ...] = ()


@config.cached
def load_targets(configuration: config.Configuration) -> tuple[Target, ...]:
    path = config.path(configuration, "targets.yaml")
    targets = config.read_definition(path, tuple[Target, ...], "target", key="targets")
    config.unique(targets, lambda t: t.id, path, "target")
    from missionmonitor.indicators.catalogue import load_catalogue

    known = load_catalogue(configuration)
    for t in targets:
        unknown = [b.indicator for b in t.balancing if b.indicator not in known] + (
            [] if t.indicator in known else [t.indicator]
        )
        if unknown:
            raise DefinitionError(f"targets.yaml: {t.id} names unknown indicators: {unknown}")
        if t.apportionment and not t.baseline and t.apportionment.rule == "proportional_uplift":
            raise DefinitionError(f"targets.yaml: {t.id} apportions by uplift but has no baseline")
        if t.set_on is not None and t.target_date <= t.set_on:
            raise DefinitionError(f"targets.yaml: {t.id} is due before it was set")
    _check_target_rules(known, {t.id: t for t in targets})
    return targets


def _check_target_rules(catalogue: Mapping[str, Indicator], targets: Mapping[str, Target]) -> None:
    """Each indicator judged by a target names one of ``targets`` set on it."""
    for ind in catalogue.values():
        rule = ind.success
        if not isinstance(rule, TargetRule):
            continue
        found = targets.get(rule.target)
        if found is None:
            raise DefinitionError(
                f"indicators/{ind.id}.yaml: success names target {rule.target!r}, which is not in "
                f"targets.yaml (known: {', '.join(targets)})"
            )
        if found.indicator != ind.id:
            raise DefinitionError(
                f"indicators/{ind.id}.yaml: success names target {rule.target!r}, which is set on "
                f"{found.indicator}, not on this indicator"
            )


def get_target(configuration: config.Configuration, target_id: str) -> Target:
    for t in load_targets(configuration):
        if t.id == target_id:
            return t
    known = ", ".join(t.id for t in load_targets(configuration))
    raise NotFoundError(f"unknown target {target_id!r}; known: {known}")
