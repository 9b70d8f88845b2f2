"""Apportioning a national target, its trajectory, and progress against it.

>>> apportion(32_000, {"a": 100.0, "b": 300.0}, "proportional_uplift", national_baseline=400)
{'a': 8000, 'b': 24000}
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from missionmonitor.errors import MethodInputError
from missionmonitor.targets.definitions import ApportionmentRule, Target

Status = Literal["met", "on track", "behind", "not met"]


def _largest_remainder(shares: Mapping[str, float], total: int) -> dict[str, int]:
    """Whole numbers in proportion to ``shares`` that add up to ``total`` exactly (Hamilton)."""
    weight = sum(shares.values())
    if weight <= 0:
        raise MethodInputError("apportionment weights must add up to more than zero")
    exact = {k: total * v / weight for k, v in shares.items()}
    floors = {k: math.floor(v) for k, v in exact.items()}
    short = total - sum(floors.values())
    for k in sorted(exact, key=lambda k: (floors[k] - exact[k], k))[:short]:
        floors[k] += 1
    return floors


def apportion(
    national: float,
    weights: Mapping[str, float],
    rule: ApportionmentRule,
    national_baseline: float | None = None,
) -> dict[str, int]:
    """Split a national target between areas, in whole people adding up to it exactly.

    * ``proportional_uplift``: ``weights`` are area baselines; each area's target is its
      baseline × national / national baseline (the default for the treatment target). The
      areas' baselines need not add up to the national baseline (people can be counted in two
      areas); the uplift factor uses the national baseline.
    * ``population_share`` / ``prevalence_weighted``: ``weights`` are populations or
      estimated prevalence; targets are the national target in proportion.
    """
    if any(v < 0 for v in weights.values()):
        raise MethodInputError("apportionment weights must not be negative")
    if rule == "proportional_uplift":
        if not national_baseline:
            raise MethodInputError("proportional uplift needs the national baseline")
        factor = national / national_baseline
        raw = {k: v * factor for k, v in weights.items()}
        return _largest_remainder(raw, round(sum(raw.values())))
    return _largest_remainder(dict(weights), round(national))


def trajectory(target: Target, on: dt.date) -> float | None:
    """The value a straight line from the baseline (when the target was set) to the target
    reaches on ``on``; None without a baseline or a date it was set."""
    if target.baseline is None or target.set_on is None:
        return None
    if on >= target.target_date:
        return target.value
    span = (target.target_date - target.set_on).days
    done = max((on - target.set_on).days, 0) / span
    return target.baseline.value + (target.value - target.baseline.value) * done


@dataclass(frozen=True)
class Progress:
    status: Status
    value: float
    on: dt.date
    expected: float | None
    rule: str


def progress(target: Target, value: float, on: dt.date) -> Progress:
    """Status of ``value`` (measured for a period ending ``on``) against ``target``."""

    def better(a: float, b: float) -> bool:
        return a >= b if target.direction == "at_least" else a <= b

    expected = trajectory(target, on)
    if on >= target.target_date - dt.timedelta(days=1):
        status: Status = "met" if better(value, target.value) else "not met"
        rule = "On or after the target date: met if the value reaches the target."
    elif better(value, target.value):
        status, rule = "met", "Before the target date: met if the value already reaches the target."
    elif expected is not None and better(value, expected):
        status = "on track"
        rule = (
            "Before the target date: on track if the value reaches the straight line from the "
            "baseline to the target."
        )
    else:
        status = "behind"
        rule = (
            "Before the target date: behind if the value falls short of the straight line "
            "from the baseline to the target."
        )
    return Progress(status, value, on, expected, rule)
