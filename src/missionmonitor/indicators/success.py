"""How success is declared for an indicator (its ``success:`` block): one of five rules,
told apart by ``rule``, checked against the indicator when its definition is read.

* ``standard``: a value to reach and keep (``direction``, ``value``, its ``source``);
* ``target``: a dated target in the targets file (``target``: its id);
* ``trend``: a significance-gated fitted trend over the latest ``window`` periods;
* ``change``: the latest period against an earlier one (``compare_with``), tested;
* ``context``: read for context only, never judged (neutral indicators, with a ``reason``).

``areas`` says how an area's figure is judged: by the ``same`` rule as the nation's, or by
its comparison with the national figure for the same period (``scotland_comparison``).

>>> rule = parse_success({"rule": "trend", "window": 10, "statement": "Fewer deaths."})
>>> rule.rule, rule.window, rule.area_rule
('trend', 10, 'same')
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from missionmonitor.errors import NotFoundError
from missionmonitor.periods import parse_period

#: How an area's figure is judged: against the national figure, or by the same rule.
AreaRule = Literal["scotland_comparison", "same"]

#: The fewest periods a trend is fitted over: ``methods.trend.MIN_PERIODS``, written here
#: so that reading definitions does not load the statistics libraries (a test keeps the two
#: equal).
MIN_PERIODS = 5

#: Period types a trend can be fitted over: consecutive, non-overlapping periods.
TREND_PERIOD_TYPES = ("calendar_year", "financial_year", "quarter", "month")

#: What a change may be measured from, besides a named period.
COMPARISONS = ("previous", "previous_window", "previous_year")


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    areas: AreaRule | None = None

    @property
    def area_rule(self) -> AreaRule:
        """How an area is judged (a national target: against the nation; else the same)."""
        return self.areas or "same"


class StandardRule(_Rule):
    """A standard to reach and keep, with its source."""

    rule: Literal["standard"]
    direction: Literal["at_least", "at_most"]
    value: float
    statement: str
    source: str


class TargetRule(_Rule):
    """A dated target of the targets file, judged by its progress."""

    rule: Literal["target"]
    target: str

    @property
    def area_rule(self) -> AreaRule:
        return self.areas or "scotland_comparison"


class TrendRule(_Rule):
    """A fitted trend over the latest ``window`` periods, judged only when significant."""

    rule: Literal["trend"]
    window: int = Field(ge=MIN_PERIODS, le=30)
    statement: str


class ChangeRule(_Rule):
    """The latest period against ``compare_with``: ``previous`` (the latest earlier period
    held), ``previous_window`` (the rolling window just before, sharing no year),
    ``previous_year`` (the same period a year before) or a named period."""

    rule: Literal["change"]
    compare_with: str
    statement: str


class ContextRule(_Rule):
    """Read for context, not judged: neither direction is better in itself."""

    rule: Literal["context"]
    reason: str


Success = Annotated[
    StandardRule | TargetRule | TrendRule | ChangeRule | ContextRule,
    Field(discriminator="rule"),
]


def parse_success(raw: Any) -> StandardRule | TargetRule | TrendRule | ChangeRule | ContextRule:
    """A ``success:`` block validated (a pydantic ValidationError where it is not one)."""
    adapter: TypeAdapter[StandardRule | TargetRule | TrendRule | ChangeRule | ContextRule]
    adapter = TypeAdapter(Success)
    return adapter.validate_python(raw)


def rule_problem(
    rule: StandardRule | TargetRule | TrendRule | ChangeRule | ContextRule,
    polarity: str,
    period_type: str,
    in_percent: bool,
) -> str | None:
    """Why ``rule`` cannot judge an indicator of this polarity, period type and unit, or
    None when it can."""
    neutral = polarity == "neutral"
    if neutral != isinstance(rule, ContextRule):
        return "a neutral indicator is read for context (rule: context), and only a neutral one"
    if isinstance(rule, TrendRule):
        if period_type not in TREND_PERIOD_TYPES:
            return (
                f"a trend is fitted over {', '.join(TREND_PERIOD_TYPES)} periods, not "
                f"{period_type} (rolling windows overlap: use rule: change)"
            )
        if in_percent:
            return "a percentage is not a count of events: use rule: change"
    if isinstance(rule, ChangeRule):
        if rule.compare_with == "previous_window" and period_type != "rolling_years":
            return "previous_window is for rolling windows: use previous or previous_year"
        if rule.compare_with not in COMPARISONS:
            try:
                named = parse_period(rule.compare_with)
            except NotFoundError:
                return f"compare_with {rule.compare_with!r} is not {COMPARISONS} or a period"
            if named.type != period_type:
                return f"compare_with {rule.compare_with!r} is not a {period_type} period"
    return None
