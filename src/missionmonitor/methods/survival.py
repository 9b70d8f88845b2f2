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
from missionmonitor.methods._common import z_two_sided


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
    return z_two_sided(confidence)


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


@dataclass(frozen=True)
class GroupedCurves:
    """Kaplan–Meier summaries of many groups at once (one entry per group, in group order)."""

    weight: np.ndarray  # records (summed weights)
    events: np.ndarray  # records with an event
    longest: np.ndarray  # the longest duration
    median: np.ndarray  # the first time S ≤ 0.5, NaN if never
    at: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray]]  # t → (S, lower, upper)


def kaplan_meier_by_group(
    groups: np.ndarray,
    durations: np.ndarray,
    events: np.ndarray,
    weights: np.ndarray,
    times: Sequence[float],
    confidence: float = 0.95,
) -> GroupedCurves:
    """``kaplan_meier`` for every group at once, summarised as its median and its value
    and interval at each of ``times`` (``groups``: integer codes 0 … k−1). The same
    estimates as one curve per group (running products and sums that restart at each
    group), so thousands of small groups cost one pass over the records."""
    g = np.asarray(groups, dtype=np.int64)
    t = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=bool)
    w = np.asarray(weights, dtype=float)
    k = int(g.max()) + 1 if g.size else 0
    ordered = g.size < 2 or bool(np.all((g[1:] > g[:-1]) | ((g[1:] == g[:-1]) & (t[1:] >= t[:-1]))))
    if not ordered:  # input sorted by group and time (as the pipeline gives it) is kept
        order = np.lexsort((t, g))
        g, t, e, w = g[order], t[order], e[order], w[order]
    weight = np.bincount(g, weights=w, minlength=k)
    ended_w = np.where(e, w, 0.0)
    events_total = np.bincount(g, weights=ended_w, minlength=k)
    longest = np.full(k, -np.inf)
    last = np.flatnonzero(np.r_[g[1:] != g[:-1], True]) if g.size else np.array([], int)
    longest[g[last]] = t[last]  # sorted: each group's last record is its longest
    # One row per (group, time): events and everyone leaving at that time.
    new = np.r_[True, (g[1:] != g[:-1]) | (t[1:] != t[:-1])] if g.size else np.array([], bool)
    u = np.cumsum(new) - 1
    ug, ut = g[new], t[new]
    d = np.bincount(u, weights=ended_w)
    leaving = np.bincount(u, weights=w)
    # At risk at a time: everyone in the group leaving then or later.
    suffix = np.cumsum(leaving[::-1])[::-1]
    last_of_group = np.r_[ug[1:] != ug[:-1], True]
    after_group = np.r_[suffix[1:], 0.0][last_of_group]  # what later groups hold
    n = suffix - after_group[ug]
    hit = d > 0
    ge, te, de, ne = ug[hit], ut[hit], d[hit], n[hit]
    first = np.r_[True, ge[1:] != ge[:-1]] if ge.size else np.array([], bool)
    starts = np.flatnonzero(first)

    import pandas as pd  # its grouped running products restart at each group, as one curve

    by = pd.Series(ge)
    survival = pd.Series(1 - de / ne).groupby(by).cumprod().to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(ne > de, de / (ne * (ne - de)), np.inf)
    var_log = pd.Series(terms).groupby(by).cumsum().to_numpy()
    sigma = np.sqrt(var_log)
    z = _z(confidence)
    with np.errstate(invalid="ignore", over="ignore"):
        lower = np.where(survival > 0, survival * np.exp(-z * sigma), math.nan)
        upper = np.where(survival > 0, np.minimum(1.0, survival * np.exp(z * sigma)), math.nan)
    median = np.full(k, np.nan)
    below = np.flatnonzero(survival <= 0.5 + 1e-12)
    if below.size:
        groups_below, firsts = np.unique(ge[below], return_index=True)
        median[groups_below] = te[below[firsts]]
    at: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    group_start = np.full(k, -1)
    group_start[ge[starts]] = starts
    for when in times:
        upto = np.bincount(ge, weights=(te <= when).astype(float), minlength=k).astype(int)
        idx = group_start + upto - 1
        ok = (group_start >= 0) & (upto > 0)
        pick = np.where(ok, idx, 0)
        values = [
            np.where(ok, a[pick], 1.0) if a.size else np.ones(k) for a in (survival, lower, upper)
        ]
        at[float(when)] = (values[0], values[1], values[2])
    return GroupedCurves(weight, events_total, longest, median, at)
