"""Target definitions (``targets.yaml``), validated on load.

A target either has its value (``Target``), or is held as announced with its value absent
(``AbsentTarget``: ``value: null`` and the ``absent`` reason), so that a page can say it is
not published rather than leave it out. No progress or verdict is computed from an absent one.

>>> [t.id for t in load_targets(config.load(None))]
['ost_32000', 'rehab_1000', 'rehab_beds_650']
>>> [t.id for t in load_absent_targets(config.load(None))]
['treatment_all_drugs_alcohol']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator

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


class PublishedLocal(_Strict):
    """The publisher's own local targets: where they were set, and why they are not held."""

    #: The document that sets them (e.g. an annex of the letter setting the target).
    document: str = Field(min_length=1)
    #: Why they are not held, and what was searched for them.
    absent: str = Field(min_length=1)


class Apportionment(_Strict):
    rule: ApportionmentRule = "proportional_uplift"
    area_type: Literal["hscp", "adp", "council", "health_board"] = "hscp"
    #: The indicator that gives each area's baseline and progress.
    local_indicator: str | None = None
    note: str = ""
    #: The local targets the publisher set, when they are not held: the ones shown are then
    #: derived here by ``rule`` and say so.
    published: PublishedLocal | None = None


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


class Statement(_Strict):
    """A published statement bearing on a target, quoted with where it was read."""

    quote: str = Field(min_length=1)
    by: str = Field(min_length=1)
    title: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://")
    date: str = Field(min_length=1)
    note: str = ""


class AbsentTarget(_Strict):
    """A target held as announced whose value has not been published: ``value: null``, the
    ``absent`` reason and what was ``searched``. Its measure and baseline, where published,
    are held; no progress or verdict is computed from it."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: int = Field(ge=1)
    title: str
    scope: str
    statement: str
    #: Always ``null``, written out so that the file says plainly there is no value.
    value: None
    absent: str = Field(min_length=1)
    searched: str = Field(min_length=1)
    #: The indicator that would measure it; None where no measure is published.
    indicator: str | None = None
    baseline: Baseline | None = None
    #: From when it applies, as the held sources put it (free text; None if not stated).
    applies_from: str | None = None
    #: What was found that bears on it, none of which sets its value.
    statements: tuple[Statement, ...] = ()
    #: The target it extends, if any.
    extends: str | None = None


def _entry(entry: Any) -> Target | AbsentTarget:
    """An entry with ``absent`` is a target whose value is not published; any other is a
    target with its value (errors name the entry's own fields, as for one model)."""
    if isinstance(entry, dict) and "absent" in entry:
        return AbsentTarget.model_validate(entry)
    return Target.model_validate(entry)


_Entry = Annotated[Target | AbsentTarget, PlainValidator(_entry)]


@config.cached
def _definitions(configuration: config.Configuration) -> tuple[Target | AbsentTarget, ...]:
    path = config.path(configuration, "targets.yaml")
    entries = config.read_definition(path, tuple[_Entry, ...], "target", key="targets")
    config.unique(entries, lambda t: t.id, path, "target")
    from missionmonitor.indicators.catalogue import load_catalogue

    known = load_catalogue(configuration)
    targets = tuple(t for t in entries if isinstance(t, Target))
    ids = {t.id for t in entries}
    for a in (t for t in entries if isinstance(t, AbsentTarget)):
        if a.indicator is not None and a.indicator not in known:
            raise DefinitionError(f"targets.yaml: {a.id} names an unknown indicator {a.indicator}")
        if a.extends is not None and (a.extends not in ids or a.extends == a.id):
            raise DefinitionError(f"targets.yaml: {a.id} extends an unknown target {a.extends}")
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
    return entries


def load_targets(configuration: config.Configuration) -> tuple[Target, ...]:
    """The targets whose value is set (those progress and verdicts are computed from)."""
    return tuple(t for t in _definitions(configuration) if isinstance(t, Target))


def load_absent_targets(configuration: config.Configuration) -> tuple[AbsentTarget, ...]:
    """The targets held as announced whose value is not published."""
    return tuple(t for t in _definitions(configuration) if isinstance(t, AbsentTarget))


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
