"""The indicator catalogue: one YAML file per indicator in ``catalogue/``, validated on load.

>>> cat = load_catalogue(config.load(None))
>>> cat["drd_deaths"].polarity
'lower_is_better'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from missionmonitor import config
from missionmonitor.errors import DefinitionError, NotFoundError
from missionmonitor.indicators.success import Success, rule_problem
from missionmonitor.methods.disclosure import Disclosure
from missionmonitor.periods import PeriodType, parse_period
from missionmonitor.refdata.geography import area_types

MethodKind = Literal[
    "observed",
    "rolling_average",
    "rate_from_averages",
    "percentage",
    "ratio",
    "per_head",
    "population_rate",
]
Polarity = Literal["higher_is_better", "lower_is_better", "neutral"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DefinitionVersion(_Strict):
    version: int = Field(ge=1)
    label: str
    effective_from: str  # first period label the version applies to
    comparable_with_previous: bool = True
    break_reason: str | None = None
    #: Observation filters that pick this version's figures (e.g. ``breakdown: pis_hmud``).
    selector: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _break_needs_reason(self) -> DefinitionVersion:
        parse_period(self.effective_from)
        if not self.comparable_with_previous and not self.break_reason:
            raise ValueError(f"version {self.version}: a series break needs a break_reason")
        return self


class Method(_Strict):
    kind: MethodKind
    dataset: str
    measure: str
    #: Keep only observations whose period is of this type.
    period_type: PeriodType | None = None
    #: Observation filters (breakdown, sex, age_group).
    filters: dict[str, str] = Field(default_factory=dict)
    #: Keep only observations of these periods (none given: every period).
    periods: tuple[str, ...] = ()
    #: The value itself is a count of events (so it is also the numerator).
    value_is_count: bool = False
    numerator_measure: str | None = None
    #: Multiply the numerator measure by the period's length in years (averages → totals).
    numerator_per_year: bool = False
    denominator_measure: str | None = None
    #: For ``ratio``: the measure of the rest (those not in the numerator) where the
    #: publisher gives no whole; the denominator is the numerator plus the rest.
    complement_measure: str | None = None
    denominator_value: float | None = None
    published_measure: str | None = None
    window: int | None = Field(default=None, ge=2)
    multiplier: float = 1
    confidence: float = 0.95
    #: For ``ratio``: Wilson for a share of people, poisson (exact / Byar's) for a rate,
    #: none for a share of money (no sampling error to show).
    interval: Literal["wilson", "poisson", "none"] | None = None
    #: Also compute for these area types by summing council numerators and denominators.
    aggregate_to: tuple[str, ...] = ()
    #: Sum only the figures of this area type into ``aggregate_to`` (when the figures also
    #: hold the larger areas, such as boards, that would otherwise be counted twice).
    aggregate_from: str | None = None
    #: For figures that do not add up (a standardised rate): show an area's figure for each
    #: area of these types made up of exactly the same councils (an ADP that is one council).
    same_place_to: tuple[str, ...] = ()
    #: For a ``ratio`` with a Wilson interval: draw the areas' shares against their
    #: denominators with funnel limits around the national share (exact Poisson limits).
    funnel: bool = False

    @model_validator(mode="after")
    def _kind_needs(self, info: ValidationInfo) -> Method:
        need: dict[str, list[Any]] = {
            "rolling_average": [self.window],
            "rate_from_averages": [self.numerator_measure, self.denominator_measure],
            "percentage": [self.numerator_measure],
            "ratio": [
                self.numerator_measure,
                self.denominator_measure or self.complement_measure,
                self.interval,
            ],
        }
        if self.denominator_measure and self.complement_measure:
            raise ValueError("give a denominator measure or a complement measure, not both")
        if self.funnel and (self.kind != "ratio" or self.interval != "wilson"):
            raise ValueError("a funnel plot is drawn for a ratio with a Wilson interval")
        if self.kind == "per_head" and self.period_type != "financial_year":
            raise ValueError("per_head figures are per financial year (period_type)")
        if self.kind == "population_rate" and not self.value_is_count:
            raise ValueError("a population_rate divides counts (value_is_count: true)")
        if any(v is None for v in need.get(self.kind, [])):
            raise ValueError(f"method kind {self.kind!r} is missing a required setting")
        for t in (*self.aggregate_to, *self.same_place_to, *filter(None, [self.aggregate_from])):
            if t not in _area_types(info):
                raise ValueError(f"unknown area type {t!r} in the method's area types")
        return self


class Derived(_Strict):
    """Where the figure is computed here from published counts (and populations) rather
    than read as published: what is done, said wherever the figure is shown."""

    note: str
    #: The area types whose figures are computed so (empty: every area type).
    area_types: tuple[str, ...] = ()

    def applies_to(self, area_type: str) -> bool:
        return not self.area_types or area_type in self.area_types


class Supplement(_Strict):
    """Figures of another dataset read where the method's dataset gives none for the area
    and period (a figure the publisher released past the latest file held, as quoted
    elsewhere); each keeps its own source, so a secondary one is shown as secondary."""

    dataset: str
    measure: str


class Indicator(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    outcome: str
    definition: str
    rationale: str
    sources: tuple[str, ...]
    numerator: str
    denominator: str | None = None
    method: Method
    unit: str
    polarity: Polarity
    geography: tuple[str, ...]
    period_type: PeriodType
    status: Literal["final", "provisional"] = "final"
    disclosure: Disclosure = Disclosure()
    definition_versions: tuple[DefinitionVersion, ...]
    caveats: tuple[str, ...] = ()
    #: Cross-cutting priorities the indicator also informs (besides its outcome).
    priorities: tuple[str, ...] = ()
    #: How success is judged (``indicators.success``); targets themselves live in
    #: targets.yaml.
    success: Success | None = None
    ci_method: str | None = None
    #: Decimal places when a value is shown to people (data keep full precision).
    decimals: int = Field(default=0, ge=0, le=6)
    #: The figure is computed here from published counts (see ``Derived``).
    derived: Derived | None = None
    #: For an ``observed`` indicator: other datasets' figures for the areas and periods
    #: the method's dataset does not give (see ``Supplement``).
    supplements: tuple[Supplement, ...] = ()

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Indicator:
        for g in self.geography:
            if g not in _area_types(info):
                raise ValueError(f"unknown area type {g!r} in geography")
        versions = [v.version for v in self.definition_versions]
        if not versions or versions != sorted(set(versions)):
            raise ValueError("definition_versions must be numbered in increasing order")
        starts = [parse_period(v.effective_from).start for v in self.definition_versions]
        if starts != sorted(starts):
            raise ValueError("definition_versions must take effect in order")
        for t in self.derived.area_types if self.derived else ():
            if t not in _area_types(info):
                raise ValueError(f"unknown area type {t!r} in derived")
        if self.method.dataset not in self.sources:
            raise ValueError("the method's dataset must be listed in sources")
        problem = self.success and rule_problem(
            self.success, self.polarity, self.period_type, self.in_percent
        )
        if problem:
            raise ValueError(f"success: {problem}")
        if any(s.dataset not in self.sources for s in self.supplements):
            raise ValueError("a supplement's dataset must be listed in sources")
        if self.supplements and self.method.kind != "observed":
            raise ValueError("supplements are read by observed indicators only")
        return self

    def informs(self, outcome_id: str) -> bool:
        """Whether the indicator is read for ``outcome_id`` (its outcome or a priority)."""
        return self.outcome == outcome_id or outcome_id in self.priorities

    @property
    def in_percent(self) -> bool:
        """Whether values are percentages, which change by percentage points."""
        return self.unit.startswith("percent") or self.method.kind == "percentage"

    @property
    def has_population(self) -> bool:
        """Whether each figure is a number over a population (its trend is fitted with the
        population as exposure): a rate per head, not a count or a share of a count."""
        return self.denominator is not None and (
            not self.method.value_is_count or self.method.kind == "population_rate"
        )

    @property
    def denominator_counts(self) -> bool:
        """Whether the denominator counts people or items (a share), not a population, so
        that disclosure control protects it like the numerator."""
        return self.method.kind == "percentage" or self.method.interval == "wilson"

    def version_for(self, period: str) -> DefinitionVersion:
        """The definition version in force for ``period`` (the first one before any)."""
        start = parse_period(period).start
        chosen = self.definition_versions[0]
        for v in self.definition_versions:
            if parse_period(v.effective_from).start <= start:
                chosen = v
        return chosen


class Outcome(_Strict):
    model_config = ConfigDict(coerce_numbers_to_str=True)
    id: str
    title: str
    #: Said on the outcome's page where no published statistic measures it yet.
    gap: str | None = None


class Outcomes(_Strict):
    aim: str = ""
    outcomes: tuple[Outcome, ...]
    cross_cutting: tuple[Outcome, ...] = ()


@config.cached
def load_outcomes(configuration: config.Configuration) -> dict[str, Outcome]:
    """The six outcomes and the cross-cutting priorities, by id."""
    path = config.path(configuration, "outcomes.yaml")
    found = config.read_definition(path, Outcomes, "outcomes")
    return config.unique((*found.outcomes, *found.cross_cutting), lambda o: o.id, path, "outcome")


def _context(configuration: config.Configuration) -> dict[str, Any]:
    """What an indicator's validators check it against: the configuration's area types."""
    return {"area_types": area_types(configuration)}


def _area_types(info: ValidationInfo) -> tuple[str, ...]:
    return tuple((info.context or {}).get("area_types", ()))


def parse_indicator(
    configuration: config.Configuration, path: Path, datasets: set[str] | None = None
) -> Indicator:
    """Read and validate one indicator file of ``configuration``; raise DefinitionError
    naming the file."""
    ind = config.read_definition(
        path, Indicator, "indicator definition", context=_context(configuration)
    )
    return _checked(configuration, path, ind, datasets)


def _checked(
    configuration: config.Configuration, path: Path, ind: Indicator, datasets: set[str] | None
) -> Indicator:
    """``ind`` if it names known outcomes, priorities and datasets, and its own file."""
    outcomes = load_outcomes(configuration)
    if ind.outcome not in outcomes:
        raise DefinitionError(f"{path.name}: unknown outcome {ind.outcome!r}")
    unknown = [p for p in ind.priorities if p not in outcomes]
    if unknown:
        raise DefinitionError(f"{path.name}: unknown priorities: {', '.join(unknown)}")
    if ind.id != path.stem:
        raise DefinitionError(f"{path.name}: declares indicator {ind.id!r}; names must match")
    missing = [s for s in ind.sources if datasets is not None and s not in datasets]
    if missing:
        raise DefinitionError(f"{path.name}: unknown source dataset(s): {', '.join(missing)}")
    return ind


@config.cached
def load_catalogue(configuration: config.Configuration) -> dict[str, Indicator]:
    """Every shipped indicator by id, in file-name order."""
    from missionmonitor.datasets.declaration import load_declarations

    datasets = set(load_declarations(configuration))
    return config.read_definitions(
        config.path(configuration, "indicators"),
        Indicator,
        "indicator definition",
        lambda path, ind: _checked(configuration, path, ind, datasets).id,
        _context(configuration),
    )


def get_indicator(configuration: config.Configuration, indicator_id: str) -> Indicator:
    cat = load_catalogue(configuration)
    if indicator_id not in cat:
        raise NotFoundError(
            f"unknown indicator {indicator_id!r}; see `missionmonitor indicators list`"
        )
    return cat[indicator_id]
