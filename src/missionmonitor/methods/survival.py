"""Kaplan–Meier survival estimates with Greenwood standard errors.

Used for time on treatment: how long treatment episodes last, when some are still going
on at the end of the data (censored). Intervals follow R ``survival::survfit``'s default
(``conf.type = "log"``): S·exp(±z·σ), σ² = Σ d/(n(n−d)) (Greenwood on the log scale),
upper limits capped at 1.

>>> curve = kaplan_meier([6, 6, 6, 7, 10], [1, 1, 1, 0, 1])
>>> float(round(curve.survival[0], 4))
0.4
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from missionmonitor.errors import MethodInputError


@dataclass(frozen=True)
class SurvivalCurve:
    """The estimate at each distinct time with at least one event."""

    time: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    survival: np.ndarray
    std_err: np.ndarray  # of S (Greenwood), as survfit's ``std.err`` × S
    lower: np.ndarray
    upper: np.ndarray

    def at(self, t: float) -> tuple[float, float, float]:
        """(S, lower, upper) at time ``t`` (a step function: the last event time ≤ t)."""
        i = int(np.searchsorted(self.time, t, side="right")) - 1
        if i < 0:
            return 1.0, 1.0, 1.0
        return float(self.survival[i]), float(self.lower[i]), float(self.upper[i])

    def median(self) -> float | None:
        """The first time at which S ≤ 0.5 (survfit's convention), or None if never."""
        hit = np.flatnonzero(self.survival <= 0.5 + 1e-12)
        return float(self.time[hit[0]]) if hit.size else None


@cache
def _z(confidence: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + confidence / 2))


def kaplan_meier(
    durations: Sequence[float] | np.ndarray,
    events: Sequence[int | bool] | np.ndarray,
    weights: Sequence[int] | np.ndarray | None = None,
    confidence: float = 0.95,
) -> SurvivalCurve:
    """Kaplan–Meier estimate from durations and event flags (1 = ended, 0 = censored).

    ``weights`` counts identical records (e.g. grouped episodes), so grouped input gives
    the same curve as the records one by one. Censoring at a time is applied after events
    at that time, as usual.
    """
    t = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=bool)
    w = np.ones_like(t) if weights is None else np.asarray(weights, dtype=float)
    if not (t.shape == e.shape == w.shape):
        raise MethodInputError("durations, events and weights must have the same length")
    if t.size and (np.any(t < 0) or np.any(w < 0) or not np.all(np.isfinite(t))):
        raise MethodInputError("durations and weights must be finite and not negative")
    ended = e & (w > 0)
    # Each distinct event time and the weight of events at it, in one pass.
    times, which = np.unique(t[ended], return_inverse=True)
    d = np.bincount(which, weights=w[ended], minlength=times.size).astype(float)
    # People at risk at each event time: everyone whose duration is at least that time.
    order = np.argsort(t)
    ts, ws = t[order], w[order]
    after = np.cumsum(ws[::-1])[::-1]  # weight with duration >= ts[i]
    first = np.searchsorted(ts, times, side="left")
    at_risk = np.where(first < ts.size, after[np.minimum(first, ts.size - 1)], 0.0)
    survival = np.cumprod(1 - d / at_risk) if times.size else np.array([])
    with np.errstate(divide="ignore", invalid="ignore"):
        var_log = np.cumsum(np.where(at_risk > d, d / (at_risk * (at_risk - d)), np.inf))
    sigma = np.sqrt(var_log)
    z = _z(confidence)
    with np.errstate(invalid="ignore", over="ignore"):
        lower = np.where(survival > 0, survival * np.exp(-z * sigma), math.nan)
        upper = np.where(survival > 0, np.minimum(1.0, survival * np.exp(z * sigma)), math.nan)
        std_err = np.where(survival > 0, survival * sigma, 0.0)
    return SurvivalCurve(times, at_risk, d, survival, std_err, lower, upper)
