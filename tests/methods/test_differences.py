"""Differences of two estimates with 95% intervals, worked by hand."""

from __future__ import annotations

import math

import pytest

from missionmonitor.errors import MethodInputError
from missionmonitor.methods.differences import interval_difference, proportion_difference


def test_the_difference_of_two_proportions_has_the_wald_interval():
    # 0.5 − 0.4 = 0.1 ± 1.96 √(0.25/200 + 0.24/100) = 0.1 ± 1.96 × 0.060415: −0.0184 to 0.2184.
    d = proportion_difference(100, 200, 40, 100)
    assert d.estimate == pytest.approx(0.1)
    assert d.lower == pytest.approx(0.1 - 1.96 * math.sqrt(0.25 / 200 + 0.24 / 100))
    assert round(d.lower, 4) == -0.0184 and round(d.upper, 4) == 0.2184
    assert not d.significant
    assert proportion_difference(300, 600, 120, 300).significant  # three times the sample


def test_a_difference_from_two_published_intervals():
    # Each interval is ±1.96 standard errors of 1: the difference's is 1.96 √2 = 2.772.
    d = interval_difference(10, (8.04, 11.96), 7, (5.04, 8.96))
    assert d.estimate == pytest.approx(3)
    assert (round(d.lower, 3), round(d.upper, 3)) == (0.228, 5.772) and d.significant
    assert not interval_difference(9, (7.04, 10.96), 7, (5.04, 8.96)).significant


@pytest.mark.parametrize("bad", [(5, 0, 1, 2), (3, 2, 1, 2), (-1, 2, 1, 2)])
def test_impossible_proportions_are_refused(bad):
    with pytest.raises(MethodInputError):
        proportion_difference(*bad)


def test_an_interval_without_limits_is_refused():
    with pytest.raises(MethodInputError):
        interval_difference(1, (float("nan"), 2), 1, (0, 2))
