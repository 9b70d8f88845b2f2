"""Kaplan–Meier against the Gehan (1965) 6-MP remission times as printed by R survfit."""

from __future__ import annotations

import numpy as np
import pytest

from missionmonitor.errors import MethodInputError
from missionmonitor.methods.survival import kaplan_meier

# 6-MP arm: weeks in remission, 1 = relapse, 0 = censored (MASS::gehan, treat == "6-MP").
TIMES = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
EVENTS = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
# survfit(Surv(time, cens) ~ 1): time, n.risk, n.event, survival, std.err, lower, upper.
R_SURVFIT = [
    (6, 21, 3, 0.857, 0.0764, 0.720, 1.000),
    (7, 17, 1, 0.807, 0.0869, 0.653, 0.996),
    (10, 15, 1, 0.753, 0.0963, 0.586, 0.968),
    (13, 12, 1, 0.690, 0.1068, 0.510, 0.935),
    (16, 11, 1, 0.627, 0.1141, 0.439, 0.896),
    (22, 7, 1, 0.538, 0.1282, 0.337, 0.858),
    (23, 6, 1, 0.448, 0.1346, 0.249, 0.807),
]


def test_reproduces_survfit_on_gehan():
    curve = kaplan_meier(TIMES, EVENTS)
    got = np.column_stack(
        [
            curve.time,
            curve.at_risk,
            curve.events,
            curve.survival,
            curve.std_err,
            curve.lower,
            curve.upper,
        ]
    )
    np.testing.assert_allclose(got[:, :3], np.array(R_SURVFIT)[:, :3])
    np.testing.assert_allclose(got[:, 3:], np.array(R_SURVFIT)[:, 3:], atol=6e-4)
    assert curve.median() == 23


def test_grouped_input_gives_the_same_curve():
    pairs, counts = np.unique(np.column_stack([TIMES, EVENTS]), axis=0, return_counts=True)
    grouped = kaplan_meier(pairs[:, 0], pairs[:, 1], counts)
    single = kaplan_meier(TIMES, EVENTS)
    np.testing.assert_allclose(grouped.survival, single.survival)
    np.testing.assert_allclose(grouped.upper, single.upper)


def test_step_function_lookup_and_no_median_when_above_half():
    curve = kaplan_meier([5, 8, 12, 20], [1, 0, 0, 0])
    assert curve.at(4) == (1.0, 1.0, 1.0)
    assert curve.at(10)[0] == pytest.approx(0.75)
    assert curve.median() is None


def test_everyone_ending_gives_zero_and_no_interval():
    curve = kaplan_meier([3, 3], [1, 1])
    assert curve.survival[-1] == 0 and np.isnan(curve.lower[-1])


def test_rejects_bad_input():
    with pytest.raises(MethodInputError):
        kaplan_meier([1, -2], [1, 1])
    with pytest.raises(MethodInputError):
        kaplan_meier([1, 2], [1])


def test_many_groups_at_once_give_each_groups_own_curve():
    """kaplan_meier_by_group against kaplan_meier one group at a time: groups of one
    record, groups where everyone ends at once (S reaches 0), groups with no event,
    censoring at an event time, and weights."""
    import numpy as np

    from missionmonitor.methods.survival import kaplan_meier_by_group

    rng = np.random.default_rng(7)
    groups, days, ended, weight = [], [], [], []
    for g in range(300):
        n = int(rng.integers(1, 40))
        groups += [g] * n
        days += list(rng.integers(1, 400, n).astype(float))
        ended += list(rng.random(n) < (0 if g % 17 == 0 else 1 if g % 13 == 0 else 0.6))
        weight += list(rng.integers(1, 5, n).astype(float))
    g, t, e, w = (np.array(x) for x in (groups, days, ended, weight))
    shuffle = rng.permutation(g.size)
    got = kaplan_meier_by_group(g[shuffle], t[shuffle], e[shuffle], w[shuffle], [84, 182])
    for k in range(300):
        mine = g == k
        curve = kaplan_meier(t[mine], e[mine], w[mine])
        assert got.weight[k] == w[mine].sum() and got.events[k] == w[mine][e[mine]].sum()
        assert got.longest[k] == t[mine].max()
        median = curve.median()
        assert (median is None and np.isnan(got.median[k])) or got.median[k] == median
        for when in (84, 182):
            expected = curve.at(when)
            for a, b in zip(expected, (x[k] for x in got.at[float(when)]), strict=True):
                assert (np.isnan(a) and np.isnan(b)) or abs(a - b) <= 1e-12, (k, when)


def test_the_known_normal_quantiles_are_scipys():
    from scipy.special import ndtri

    from missionmonitor.methods._common import KNOWN_Z, z_two_sided

    for c, z in KNOWN_Z.items():
        assert z == float(ndtri(c + (1 - c) / 2)) == z_two_sided(c)
    assert z_two_sided(0.97) == float(ndtri(0.985))
