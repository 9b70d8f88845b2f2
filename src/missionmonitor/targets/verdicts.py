"""Whether an indicator is succeeding, by the rule its definition declares (``success:``,
see ``indicators.success``), judged on one area's figures as known at a date.

* a standard or a target: **on track** or **off track** (a target by its progress:
  ``targets.arithmetic.progress``);
* a trend: **improving** or **worsening** where the fitted trend over the declared window is
  significant, else **no significant change** (``indicators.trends``);
* a change: the latest period against the declared earlier one, tested: counts by the
  exact test of two Poisson counts, rates over a population by the exact test of two
  Poisson rates, percentages by the difference of two proportions (95% Wald interval),
  other published figures by their own 95% intervals; **improving**, **worsening** or
  **no significant change**;
* context: **for context** (neutral indicators are not judged);
* **not enough data** wherever the rule cannot be applied (no figure, a suppressed latest
  figure, too few periods, no earlier figure, a series break, nothing to test with).

Each verdict names its rule and the periods and values it used. Rows are one area's
results, oldest first, as mappings with the store's result columns (``period``, ``value``,
``numerator``, ``denominator``, ``lci``, ``uci``, ``suppressed``,
``comparable_with_previous``, ``vs_national``).

For example::

    verdict = judge(indicator, national_rows, as_of=dt.date(2024, 3, 31), targets=targets)
    verdict.verdict, verdict.sentence
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from missionmonitor.errors import DefinitionError
from missionmonitor.formatting import display_value
from missionmonitor.indicators.catalogue import Indicator
from missionmonitor.indicators.comparisons import break_between
from missionmonitor.indicators.success import (
    ChangeRule,
    ContextRule,
    StandardRule,
    TargetRule,
    TrendRule,
)
from missionmonitor.indicators.trends import UNITS, fit_trend
from missionmonitor.methods.differences import interval_difference, proportion_difference
from missionmonitor.methods.poisson import count_change_p_value, rate_change_p_value
from missionmonitor.methods.trend import MIN_PERIODS
from missionmonitor.periods import known_by, parse_period, rolling_years_label
from missionmonitor.targets.arithmetic import progress
from missionmonitor.targets.definitions import Target

#: Every national verdict, in the order a tally gives them.
VERDICTS = (
    "on track",
    "off track",
    "improving",
    "worsening",
    "no significant change",
    "for context",
    "not enough data",
)

#: Below this p-value a Poisson test finds a change (the two-sided 5% level).
SIGNIFICANCE_LEVEL = 0.05

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Used:
    """One figure a verdict used."""

    period: str
    value: float | None
    shown: str


@dataclass(frozen=True)
class Verdict:
    verdict: str
    rule: str  # the declared rule's name (standard, target, trend, change, context, none)
    sentence: str  # the rule and what it found, in words
    used: tuple[Used, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "rule": self.rule,
            "sentence": self.sentence,
            "used": [{"period": u.period, "value": u.value, "shown": u.shown} for u in self.used],
        }


def judge(
    ind: Indicator,
    rows: Sequence[Row],
    as_of: dt.date | None = None,
    targets: Mapping[str, Target] | None = None,
) -> Verdict:
    """The verdict on ``rows`` (one area, oldest first) by the indicator's declared rule,
    using only periods ended by ``as_of`` (a report's year end) when given."""
    rule = ind.success
    if rule is None:
        return Verdict("not enough data", "none", "No rule for success is declared.")
    held = [r for r in rows if as_of is None or known_by(str(r["period"]), as_of)]
    if isinstance(rule, ContextRule):
        if not any(_value(r) is not None for r in held):
            return Verdict("not enough data", "context", "No figure is held yet.")
        said = f"Read for context, not judged: {rule.reason}"
        return Verdict("for context", "context", said, (_used(ind, held[-1]),))
    if isinstance(rule, TrendRule):
        return _trend(ind, rule, held)
    latest = held[-1] if held else None
    if latest is None or _value(latest) is None:
        said = (
            "No figure is held yet."
            if latest is None
            else (f"The latest figure, for {latest['period']}, is suppressed or not published.")
        )
        return Verdict("not enough data", rule.rule, said)
    if isinstance(rule, StandardRule):
        return _standard(ind, rule, latest)
    if isinstance(rule, TargetRule):
        target = (targets or {}).get(rule.target)
        if target is None:
            raise DefinitionError(f"{ind.id}.yaml: success names unknown target {rule.target!r}")
        return _target(ind, target, latest)
    return _change(ind, rule, held, latest)


def judge_area(
    ind: Indicator,
    rows: Sequence[Row],
    nation: str,
    as_of: dt.date | None = None,
    targets: Mapping[str, Target] | None = None,
) -> Verdict:
    """An area's verdict: by its comparison with the national figure (named ``nation``)
    for its latest period where the rule says so, else by the same rule as the nation's."""
    rule = ind.success
    if rule is None or rule.area_rule == "same" or isinstance(rule, ContextRule):
        return judge(ind, rows, as_of, targets)
    held = [r for r in rows if as_of is None or known_by(str(r["period"]), as_of)]
    latest = held[-1] if held else None
    name = "national comparison"
    if latest is None or _value(latest) is None:
        return Verdict("not enough data", name, "No published figure for this area is held.")
    used = (_used(ind, latest),)
    found = latest.get("vs_national")
    if found not in ("higher", "lower", "no_difference"):
        return Verdict(
            "not enough data",
            name,
            f"The figure for {latest['period']} has no interval to compare with {nation}.",
            used,
        )
    if found == "no_difference":
        word = f"no significant difference from {nation}"
    else:
        better = (found == "higher") == (ind.polarity == "higher_is_better")
        word = f"{'better' if better else 'worse'} than {nation}"
    return Verdict(
        word,
        name,
        f"Judged against {nation} for the same period ({latest['period']}): the area's 95% "
        f"interval {'overlaps' if found == 'no_difference' else 'excludes'} the national "
        f"value, so {word}.",
        used,
    )


def _value(row: Row) -> float | None:
    v = row.get("value")
    if row.get("suppressed") or v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return float(v)


def _number(row: Row, key: str) -> float | None:
    v = row.get(key)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return float(v)


def _pct(ind: Indicator) -> str:
    return "%" if ind.in_percent else ""


def _used(ind: Indicator, row: Row) -> Used:
    value = _value(row)
    shown = "suppressed" if value is None else display_value(value, ind.decimals) + _pct(ind)
    return Used(str(row["period"]), value, shown)


def _standard(ind: Indicator, rule: StandardRule, latest: Row) -> Verdict:
    value, used = _value(latest), _used(ind, latest)
    assert value is not None
    met = value >= rule.value if rule.direction == "at_least" else value <= rule.value
    word = "at least" if rule.direction == "at_least" else "at most"
    return Verdict(
        "on track" if met else "off track",
        "standard",
        f"{rule.statement} The latest value, {used.shown} ({used.period}), "
        f"{'meets' if met else 'does not meet'} {word} "
        f"{display_value(rule.value, 0)}{_pct(ind)} ({rule.source}).",
        (used,),
    )


def _target(ind: Indicator, target: Target, latest: Row) -> Verdict:
    value, used = _value(latest), _used(ind, latest)
    assert value is not None
    p = progress(target, value, parse_period(used.period).end)
    return Verdict(
        "on track" if p.status in ("met", "on track") else "off track",
        "target",
        f"{target.statement} {used.shown} in {used.period}: {p.status} ({p.rule})",
        (used,),
    )


def _direction(ind: Indicator, rise: bool) -> str:
    better = rise == (ind.polarity == "higher_is_better")
    return "improving" if better else "worsening"


def _trend(ind: Indicator, rule: TrendRule, held: Sequence[Row]) -> Verdict:
    fitted = fit_trend(ind, held, rule.window)
    if fitted is None:
        return Verdict(
            "not enough data",
            "trend",
            f"{rule.statement} A trend needs at least {MIN_PERIODS} comparable periods in a "
            "row, each published with its count; fewer are held.",
            tuple(_used(ind, r) for r in held[-rule.window :]),
        )
    run, change = fitted.run, fitted.fit.per_period
    periods, per = UNITS[ind.period_type]
    pct = [(x - 1) * 100 for x in (change.estimate, change.lower, change.upper)]
    shown = [("+" if x > 0 else "") + display_value(x, 1) + "%" for x in pct]
    if fitted.fit.significant:
        verdict = _direction(ind, change.estimate > 1)
        found = f"a significant {'rise' if change.estimate > 1 else 'fall'}: {verdict}"
    else:
        verdict, found = "no significant change", "no significant trend"
    return Verdict(
        verdict,
        "trend",
        f"{rule.statement} Over the {len(run)} {periods} from {run[0]['period']} to "
        f"{run[-1]['period']}, the fitted {'rate' if fitted.population else 'count'} changed "
        f"by {shown[0]} {per} (95% interval {shown[1]} to {shown[2]}), {found}.",
        tuple(_used(ind, r) for r in run),
    )


def _earlier_label(
    ind: Indicator, rule: ChangeRule, held: Sequence[Row], latest: str
) -> str | None:
    period = parse_period(latest)
    if rule.compare_with == "previous":
        return str(held[-2]["period"]) if len(held) > 1 else None
    if rule.compare_with == "previous_window":
        n = period.years
        return rolling_years_label(period.start.year - n, period.end.year - n)
    if rule.compare_with == "previous_year":
        label = latest
        for _ in range({"quarter": 4, "calendar_month": 12, "week": 52}.get(period.type, 1)):
            label = parse_period(label).previous()
        return label
    return rule.compare_with


def _change(ind: Indicator, rule: ChangeRule, held: Sequence[Row], latest: Row) -> Verdict:
    def nothing(why: str, used: tuple[Used, ...]) -> Verdict:
        return Verdict("not enough data", "change", f"{rule.statement} {why}", used)

    new = _used(ind, latest)
    label = _earlier_label(ind, rule, held, new.period)
    old_row = next((r for r in held if r["period"] == label), None)
    if label is None or old_row is None:
        return nothing(
            f"No figure is held for {label or 'an earlier period'} to compare with.", (new,)
        )
    old = _used(ind, old_row)
    if old.value is None:
        return nothing(f"The figure for {old.period} is suppressed or not published.", (old, new))
    reason = break_between(ind, old.period, new.period)
    if reason:
        return nothing(f"The two periods do not compare ({reason}).", (old, new))
    tested = _test(ind, latest, old_row)
    said = f"{new.period}: {new.shown}, against {old.shown} in {old.period}"
    if tested is None:
        return nothing(
            f"{said}; neither counts nor 95% intervals are published, so whether the change "
            "is more than chance cannot be tested.",
            (old, new),
        )
    significant, how = tested
    assert new.value is not None and old.value is not None
    if significant and new.value != old.value:
        verdict = _direction(ind, new.value > old.value)
        found = f"a significant {'rise' if new.value > old.value else 'fall'}: {verdict}"
    else:
        verdict, found = "no significant change", "not a significant change"
    return Verdict(verdict, "change", f"{rule.statement} {said}, {found} ({how}).", (old, new))


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _test(ind: Indicator, new: Row, old: Row) -> tuple[bool, str] | None:
    """Whether the change from ``old`` to ``new`` is significant, and the test's name; None
    where the figures give nothing to test with."""
    nx, ox = _number(new, "numerator"), _number(old, "numerator")
    nd, od = _number(new, "denominator"), _number(old, "denominator")
    counts = nx is not None and ox is not None
    whole = counts and float(nx or 0).is_integer() and float(ox or 0).is_integer()
    if ind.in_percent:
        if counts and nd and od and nd > 0 and od > 0:
            d = proportion_difference(nx or 0, nd, ox or 0, od)
            points = [display_value(x * 100, 1) for x in (d.lower, d.upper)]
            how = f"difference of two proportions, 95% interval {points[0]} to {points[1]} points"
            return d.significant, how
    elif whole and (ind.method.value_is_count or ind.method.kind == "rolling_average"):
        p = count_change_p_value(int(nx or 0), int(ox or 0))
        return p < SIGNIFICANCE_LEVEL, f"exact test of two Poisson counts, {_p(p)}"
    elif (
        whole
        and nd
        and od
        and (ind.method.kind == "rate_from_averages" or ind.method.interval == "poisson")
    ):
        p = rate_change_p_value(int(nx or 0), nd, int(ox or 0), od)
        return p < SIGNIFICANCE_LEVEL, f"exact test of two Poisson rates, {_p(p)}"
    bounds = [_number(r, k) for r in (new, old) for k in ("lci", "uci")]
    if any(b is None for b in bounds):
        return None
    lo1, hi1, lo2, hi2 = (float(b or 0) for b in bounds)
    d = interval_difference(float(new["value"]), (lo1, hi1), float(old["value"]), (lo2, hi2))
    shown = [display_value(x, ind.decimals) for x in (d.lower, d.upper)]
    return d.significant, f"difference from the published 95% intervals, {shown[0]} to {shown[1]}"
