"""The statistics of change between a start and a review: the Jacobson-Truax reliable
change index, the mean change with its t-based 95% interval, and where each area's share
sits on a funnel plot around the national share (exact Poisson limits, methods.funnels).

For example::

    s_diff = standard_error_of_difference(sd=4.0, reliability=0.8)   # 2.5298
    classify(start=10, review=16, s_diff=s_diff)                     # "improved"
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.stats import t as student_t

from missionmonitor.errors import MethodInputError
from missionmonitor.methods.funnels import poisson_funnel

#: |change / S_diff| beyond this is reliable change (the 95% criterion).
CRITERION = 1.96

Change = Literal["improved", "deteriorated", "no reliable change"]


def standard_error_of_difference(sd: float, reliability: float) -> float:
    """S_diff = SD * sqrt(2) * sqrt(1 - r) (Jacobson & Truax 1991; Christensen & Mendoza
    1986): the standard error of the difference between two measurements of one person."""
    if sd <= 0 or not 0 < reliability < 1:
        raise MethodInputError("the SD must be above 0 and the reliability between 0 and 1")
    return sd * math.sqrt(2) * math.sqrt(1 - reliability)


def classify(start: float, review: float, s_diff: float, higher_is_better: bool = True) -> Change:
    """Whether the change from ``start`` to ``review`` is reliable (|RCI| > 1.96), and in
    which direction."""
    rci = (review - start) / s_diff
    if abs(rci) <= CRITERION:
        return "no reliable change"
    return "improved" if (rci > 0) == higher_is_better else "deteriorated"


@dataclass(frozen=True)
class MeanChange:
    n: int
    mean: float
    lci: float | None
    uci: float | None


def mean_change(changes: Sequence[float], confidence: float = 0.95) -> MeanChange:
    """The mean of the changes with its t-based interval: mean ± t(n-1) * SD / sqrt(n).
    With fewer than two changes there is no interval."""
    if not changes:
        raise MethodInputError("no changes to average")
    values = np.asarray(changes, dtype=float)
    mean = float(values.mean())
    if len(values) < 2:
        return MeanChange(1, mean, None, None)
    half = float(
        student_t.ppf(0.5 + confidence / 2, len(values) - 1)
        * values.std(ddof=1)
        / math.sqrt(len(values))
    )
    return MeanChange(len(values), mean, mean - half, mean + half)


Position = Literal[
    "above 99.8% limit", "above 95% limit", "within limits", "below 95% limit", "below 99.8% limit"
]


def funnel_positions(
    numerators: Sequence[float], denominators: Sequence[float], national_share: float
) -> list[Position]:
    """Where each area's count sits against what the national share would give for its
    denominator (expected = denominator x share), by exact Poisson limits on the count."""
    f = poisson_funnel(numerators)
    out: list[Position] = []
    for i, n in enumerate(denominators):
        expected = n * national_share
        if expected < f.upper_3s_expected[i]:
            out.append("above 99.8% limit")
        elif expected < f.upper_2s_expected[i]:
            out.append("above 95% limit")
        elif expected > f.lower_3s_expected[i]:
            out.append("below 99.8% limit")
        elif expected > f.lower_2s_expected[i]:
            out.append("below 95% limit")
        else:
            out.append("within limits")
    return out
