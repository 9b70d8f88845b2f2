"""The difference between two estimates, with a 95% interval: of two proportions (the Wald
interval for independent samples), or of two published figures from their own 95%
intervals (each interval's half-width taken as 1.96 standard errors). A difference is
significant when its interval excludes zero.

>>> d = proportion_difference(60, 100, 45, 100)
>>> round(d.estimate, 4), round(d.lower, 4), round(d.upper, 4), d.significant
(0.15, 0.0132, 0.2868, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from missionmonitor.errors import MethodInputError
from missionmonitor.methods._common import Z_FIXED_95


@dataclass(frozen=True)
class Difference:
    estimate: float  # new minus old
    lower: float
    upper: float

    @property
    def significant(self) -> bool:
        return self.lower > 0 or self.upper < 0


def proportion_difference(
    new_x: float, new_n: float, old_x: float, old_n: float, z: float = Z_FIXED_95
) -> Difference:
    """p_new − p_old with the Wald interval ± z·√(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂)."""
    if new_n <= 0 or old_n <= 0 or not (0 <= new_x <= new_n and 0 <= old_x <= old_n):
        raise MethodInputError("each proportion needs 0 <= x <= n and n > 0")
    p1, p2 = new_x / new_n, old_x / old_n
    half = z * math.sqrt(p1 * (1 - p1) / new_n + p2 * (1 - p2) / old_n)
    return Difference(p1 - p2, p1 - p2 - half, p1 - p2 + half)


def interval_difference(
    new: float,
    new_interval: tuple[float, float],
    old: float,
    old_interval: tuple[float, float],
    z: float = Z_FIXED_95,
) -> Difference:
    """new − old with a 95% interval from the two figures' own 95% intervals: each
    standard error is the interval's width / (2 × 1.96), and the two are independent.

    >>> d = interval_difference(43400, (41900, 45100), 47100, (45700, 48600))
    >>> round(d.estimate), d.significant
    (-3700, True)
    """
    widths = (new_interval[1] - new_interval[0], old_interval[1] - old_interval[0])
    if any(not math.isfinite(w) or w < 0 for w in widths):
        raise MethodInputError("each interval needs a finite lower and upper limit")
    se = math.hypot(widths[0] / (2 * Z_FIXED_95), widths[1] / (2 * Z_FIXED_95))
    return Difference(new - old, new - old - z * se, new - old + z * se)
