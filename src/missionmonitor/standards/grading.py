"""Grading the MAT standards: standards and criteria as versioned data, RAGB rule sets as
data (with two named definitions each of "provisional green" and "provisional amber"), the
national summary, and
year-on-year comparison only within one criteria version.

>>> levels = {"process": "full", "numerical": "full", "experiential": "partial"}
>>> g = grade(config.load(None), levels, "phs")
>>> (g.grade, g.provisional)
('green', True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from missionmonitor import config
from missionmonitor.errors import (
    CriteriaVersionError,
    DefinitionError,
    MethodInputError,
)
from missionmonitor.methods.rounding import round_half_up
from missionmonitor.rules import expressions

Stream = Literal["process", "numerical", "experiential"]
Level = Literal["none", "partial", "full"]
GradeName = Literal["red", "amber", "green", "blue"]
STREAMS: tuple[Stream, ...] = ("process", "numerical", "experiential")
RULE_NAMES = {*STREAMS, "sustained", "count_full", "count_any"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


#: How a criterion whose published text is not held begins, so that a page says so plainly.
NOT_HELD = "The benchmarking report's criteria for this stream are not held"


#: How the wording of a provisional grade no publisher defines begins, wherever it is shown.
OWN_RULE = "Not defined by the publisher; this configuration's own rule"


class Criterion(_Strict):
    id: str
    version: int
    stream: Stream
    #: The published criterion quoted, or (``held`` false) a plain statement that it is not
    #: held, beginning with ``NOT_HELD``, with what is held of the source instead.
    text: str
    #: Where the criterion (or what is quoted instead) is published.
    source: str = ""
    held: bool = True

    @model_validator(mode="after")
    def _says_when_not_held(self) -> Criterion:
        if not self.held and not self.text.startswith(NOT_HELD):
            raise ValueError(f"criterion {self.id}: text not held must begin {NOT_HELD!r}")
        return self


class Standard(_Strict):
    number: int
    name: str
    statement: str
    criteria: tuple[Criterion, ...]
    #: Where the standard and its criteria are published.
    source: str = ""
    #: Where the statement is quoted from (where that is not ``source``).
    statement_source: str = ""

    def criteria_for(self, version: int) -> list[Criterion]:
        return [c for c in self.criteria if c.version == version]


class CriteriaVersion(_Strict):
    version: int
    years: tuple[int, ...]
    note: str


class SummaryGroup(_Strict):
    """Standards reported together in the national summary (Scotland: 1–5 and 6–10)."""

    label: str
    standards: tuple[int, ...]


class Standards(_Strict):
    criteria_versions: tuple[CriteriaVersion, ...]
    standards: tuple[Standard, ...]
    summary_groups: tuple[SummaryGroup, ...]
    #: The publication the standards are taken from, as pages cite it (publisher, title,
    #: date); each standard's ``source`` is its page in it.
    citation: str = ""

    @model_validator(mode="after")
    def _complete(self) -> Standards:
        if [s.number for s in self.standards] != list(range(1, len(self.standards) + 1)):
            raise ValueError("standards must be numbered 1, 2, 3, … in order")
        for g in self.summary_groups:
            if not set(g.standards) <= set(self.numbers):
                raise ValueError(f"summary group {g.label}: unknown standard numbers")
        for v in self.criteria_versions:
            for s in self.standards:
                if {c.stream for c in s.criteria_for(v.version)} != set(STREAMS):
                    raise ValueError(
                        f"standard {s.number} v{v.version} needs criteria in every stream"
                    )
        return self

    @property
    def numbers(self) -> list[int]:
        """The standards' numbers, 1 to the count of standards."""
        return [s.number for s in self.standards]

    def version_for(self, year: int) -> CriteriaVersion:
        for v in self.criteria_versions:
            if year in v.years:
                return v
        raise MethodInputError(f"no criteria version covers the {year} assessment")


class Rule(_Strict):
    grade: GradeName
    provisional: bool = False
    check: str


class RuleSet(_Strict):
    id: str
    name: str
    provisional_green: str
    #: Where the wording of provisional green is published.
    provisional_green_source: str = ""
    provisional_amber: str
    #: Where the wording of provisional amber is published; empty where no publisher's
    #: definition is held, and then ``provisional_amber_own`` must say the rule is this
    #: configuration's own.
    provisional_amber_source: str = ""
    provisional_amber_own: bool = False
    rules: tuple[Rule, ...]

    @model_validator(mode="after")
    def _provisional_grades(self) -> RuleSet:
        wrong = [r.grade for r in self.rules if r.provisional and r.grade not in ("green", "amber")]
        if wrong:
            raise ValueError(f"{self.id}: only green and amber can be provisional, not {wrong}")
        if self.provisional_amber_own and not self.provisional_amber.startswith(OWN_RULE):
            raise ValueError(f"{self.id}: a provisional amber of its own must begin {OWN_RULE!r}")
        amber = any(r.provisional and r.grade == "amber" for r in self.rules)
        if amber and not (self.provisional_amber_source or self.provisional_amber_own):
            raise ValueError(
                f"{self.id}: provisional amber needs a published source, or "
                "provisional_amber_own: true to say it is this configuration's own rule"
            )
        return self

    def meaning(self, rule: Rule, scale: Mapping[GradeName, str]) -> str:
        """What a grade given by ``rule`` means under this rule set."""
        if not rule.provisional:
            return scale[rule.grade]
        return self.provisional_green if rule.grade == "green" else self.provisional_amber


class RuleSets(_Strict):
    scale: dict[GradeName, str]
    #: Where the scale's wording is published.
    scale_source: str = ""
    rule_sets: tuple[RuleSet, ...]


@config.cached
def load_standards(configuration: config.Configuration) -> Standards:
    return config.read_definition(
        config.path(configuration, "standards", "standards.yaml"), Standards, "standards"
    )


@config.cached
def load_rule_sets(configuration: config.Configuration) -> RuleSets:
    path = config.path(configuration, "standards", "rule_sets.yaml")
    sets = config.read_definition(path, RuleSets, "rule sets")
    config.unique(sets.rule_sets, lambda rs: rs.id, path, "rule set")
    for rs in sets.rule_sets:
        for rule in rs.rules:
            unknown = expressions.names(expressions.parse(rule.check)) - RULE_NAMES
            if unknown:
                raise DefinitionError(f"rule_sets.yaml: {rs.id} uses unknown names {unknown}")
    return sets


def rule_set(configuration: config.Configuration, rule_set_id: str) -> RuleSet:
    for rs in load_rule_sets(configuration).rule_sets:
        if rs.id == rule_set_id:
            return rs
    known = ", ".join(rs.id for rs in load_rule_sets(configuration).rule_sets)
    raise MethodInputError(f"unknown rule set {rule_set_id!r}; rule sets: {known}")


@dataclass(frozen=True)
class Grade:
    grade: GradeName
    provisional: bool
    rule_set: str
    meaning: str

    @property
    def label(self) -> str:
        """Readable without colour: "Provisional green", "Amber", …"""
        return ("Provisional " if self.provisional else "") + (
            self.grade if self.provisional else self.grade.capitalize()
        )


def grade(
    configuration: config.Configuration,
    evidence: Mapping[str, str],
    rule_set_id: str,
    sustained: bool = False,
) -> Grade:
    """The grade for evidence levels per stream (none, partial or full)."""
    levels: dict[str, str] = {s: str(evidence.get(s, "none")) for s in STREAMS}
    bad = {s: v for s, v in levels.items() if v not in ("none", "partial", "full")}
    if bad:
        raise MethodInputError(f"evidence levels must be none, partial or full: {bad}")
    rs = rule_set(configuration, rule_set_id)
    facts: dict[str, object] = {
        **levels,
        "sustained": "yes" if sustained else "no",
        "count_full": sum(v == "full" for v in levels.values()),
        "count_any": sum(v != "none" for v in levels.values()),
    }
    scale = load_rule_sets(configuration).scale
    for rule in rs.rules:
        if expressions.evaluate(rule.check, facts):
            return Grade(rule.grade, rule.provisional, rs.id, rs.meaning(rule, scale))
    raise DefinitionError(f"rule set {rs.id} gives no grade for {facts}")


@dataclass(frozen=True)
class Assessment:
    adp_code: str
    standard: int
    grade: Grade


def _pct(n: int, total: int) -> float | None:
    return float(round_half_up(n / total * 100, 0)) if total else None


def national_summary(
    configuration: config.Configuration, assessments: Iterable[Assessment]
) -> list[dict[str, object]]:
    """For each summary group of standards (Scotland: 1–5 and 6–10): assessments, and how
    many (and what percentage) were fully implemented (green or blue, confirmed),
    provisionally green, partial (amber, of which provisionally amber) and not implemented
    (red). Percentages round half up."""
    rows = []
    items = list(assessments)
    for g in load_standards(configuration).summary_groups:
        label = g.label
        mine = [a for a in items if a.standard in g.standards]
        total = len(mine)
        full = sum(a.grade.grade in ("green", "blue") and not a.grade.provisional for a in mine)
        provisional = sum(a.grade.provisional and a.grade.grade == "green" for a in mine)
        amber = sum(a.grade.grade == "amber" for a in mine)
        provisional_amber = sum(a.grade.provisional and a.grade.grade == "amber" for a in mine)
        red = sum(a.grade.grade == "red" for a in mine)
        rows.append(
            {
                "standards": label,
                "assessments": total,
                "fully_implemented": full,
                "fully_implemented_pct": _pct(full, total),
                "provisional": provisional,
                "provisional_pct": _pct(provisional, total),
                "partial": amber,
                "partial_pct": _pct(amber, total),
                "provisional_amber": provisional_amber,
                "provisional_amber_pct": _pct(provisional_amber, total),
                "not_implemented": red,
                "not_implemented_pct": _pct(red, total),
            }
        )
    return rows


def published_shares(full: int, partial: int, none: int) -> dict[str, float | None]:
    """Percentages of published counts (e.g. 2022: 25, 94, 26 of 145 → 17%, 65%, 18%)."""
    total = full + partial + none
    return {"fully": _pct(full, total), "partially": _pct(partial, total), "not": _pct(none, total)}


def comparable(configuration: config.Configuration, year_a: int, year_b: int) -> CriteriaVersion:
    """The shared criteria version, or CriteriaVersionError with the reason."""
    s = load_standards(configuration)
    a, b = s.version_for(year_a), s.version_for(year_b)
    if a.version != b.version:
        raise CriteriaVersionError(
            f"{year_a} was assessed against criteria version {a.version} ({a.note}) and "
            f"{year_b} against version {b.version} ({b.note}); their grades do not compare"
        )
    return a
