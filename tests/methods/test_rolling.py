"""Rolling averages, likely range and percentage change (methods.md §5)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from missionmonitor.methods.rolling import (
    likely_range,
    percentage_change,
    trailing_mean,
)
from missionmonitor.methods.rounding import round_half_up

YEARS = [2008, 2009, 2010, 2011, 2012, 2013, 2014, 2015]
DRD = [574, 545, 485, 584, 581, 527, 613, 706]


def test_missing_year_makes_the_window_missing():
    assert np.isnan(trailing_mean([1, np.nan, 3], 2)).all()


def test_likely_range():
    low, high = likely_range([544.4, 602.2])
    assert low == pytest.approx([498.7, 554.1], abs=0.05)
    assert high == pytest.approx([590.1, 650.3], abs=0.05)


@pytest.mark.parametrize(
    ("new", "old", "pct", "shown"),
    [
        (613, 527, 16.32, 16),
        (706, 613, 15.17, 15),
        (1187, 934, 27.09, 27),
        (1264, 1187, 6.49, 6),
        (613, 356, 72.19, 72),
        (1172, 1051, 11.51, 12),
    ],
)
def test_published_percentage_changes(new, old, pct, shown):
    p = percentage_change(new, old)
    assert p[0] == pytest.approx(pct, abs=0.005)
    assert round_half_up(p)[0] == shown


def test_change_from_zero_is_undefined():
    assert np.isnan(percentage_change(5, 0)[0])


def test_round_half_up_vectors():
    assert float(round_half_up(12.5)) == 13
    assert float(round_half_up(-0.5)) == -1
    assert float(round_half_up(1.125, 2)) == 1.13
    assert round(12.5) == 12  # the half-to-even behaviour this replaces


@given(st.lists(st.integers(0, 2000), min_size=5, max_size=30))
def test_trailing_mean_lies_within_window_range(values):
    avg = trailing_mean(values, 5)
    for i in range(4, len(values)):
        window = values[i - 4 : i + 1]
        assert min(window) <= avg[i] + 1e-9 and avg[i] <= max(window) + 1e-9
