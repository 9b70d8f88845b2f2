"""Crude rates: PHEIM testdata_Rate and testdata_Byars_Wilson vectors (methods.md §1)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from missionmonitor.errors import MethodInputError
from missionmonitor.methods.poisson import (
    byars_lower,
    byars_upper,
    crude_rate,
    exact_lower,
    exact_upper,
)

# O, n, rate, 95% lower, 95% upper, 99.8% lower, 99.8% upper, method  [VERIFIED-REF]
RATE_VECTORS = [
    (1, 100, 1000, 25.317808, 5571.643391, 1.000500, 9233.413476, "Exact"),
    (5, 100, 5000, 1623.486390, 11668.332079, 739.371732, 16454.745204, "Exact"),
    (20, 100, 20000, 12211.428835, 30889.880369, 8922.802365, 38085.035625, "Byars"),
    (65, 100, 65000, 50163.187710, 82849.138546, 42880.261471, 94000.290844, "Byars"),
    (9856, 12345, 79837.991090, 78269.490590, 81430.016543, 77375.905433, 82354.472771, "Byars"),
    (222, 3215, 6905.132193, 6026.574878, 7875.729371, 5560.737695, 8461.046682, "Byars"),
    (999, 3456, 28906.25, 27141.304936, 30755.833237, 26162.147596, 31845.604820, "Byars"),
]


@pytest.mark.parametrize(("o", "n", "rate", "l95", "u95", "l998", "u998", "method"), RATE_VECTORS)
def test_crude_rate_matches_pheim(o, n, rate, l95, u95, l998, u998, method):
    r95 = crude_rate([o], [n])
    r998 = crude_rate([o], [n], confidence=0.998)
    assert r95.value[0] == pytest.approx(rate, rel=1e-9)
    assert r95.lower[0] == pytest.approx(l95, rel=1e-8)
    assert r95.upper[0] == pytest.approx(u95, rel=1e-8)
    assert r998.lower[0] == pytest.approx(l998, rel=1e-6)
    assert r998.upper[0] == pytest.approx(u998, rel=1e-8)
    assert r95.method[0] == method


def test_rate_allows_numerator_above_denominator():
    r = crude_rate([250], [220])
    assert r.value[0] == pytest.approx(113636.36, rel=1e-7)
    assert r.lower[0] == pytest.approx(99984.95, rel=1e-7)
    assert r.upper[0] == pytest.approx(128631.14, rel=1e-7)


@pytest.mark.parametrize(
    ("o", "conf", "low", "up"),
    [
        (65, 0.95, 50.163188, 82.849139),
        (1045, 0.95, 982.593202, 1110.331213),
        (1, 0.95, 0.013072, 5.563756),
        (10, 0.998, 2.916318, 24.193725),
    ],
)
def test_byars_count_limits(o, conf, low, up):
    assert byars_lower([o], conf)[0] == pytest.approx(low, abs=1e-6)
    assert byars_upper([o], conf)[0] == pytest.approx(up, abs=1e-6)


def test_byars_lower_is_missing_when_negative():
    assert np.isnan(byars_lower([1], 0.998)[0])
    assert byars_upper([1], 0.998)[0] == pytest.approx(9.362180, abs=1e-6)


def test_switch_from_exact_to_byars_at_ten():
    assert exact_lower([9])[0] == pytest.approx(4.115373, abs=1e-6)
    assert exact_upper([9])[0] == pytest.approx(17.084803, abs=1e-6)
    r = crude_rate([9, 10], [1, 1], multiplier=1)
    assert list(r.method) == ["Exact", "Byars"]
    assert r.lower[1] == pytest.approx(4.787450, abs=1e-6)
    assert r.upper[1] == pytest.approx(18.391459, abs=1e-6)


def test_zero_count_has_zero_lower_limit():
    r = crude_rate([0], [1000], multiplier=1000)
    assert r.lower[0] == 0
    assert r.upper[0] == pytest.approx(3.688879, rel=1e-6)


def test_missing_values_propagate():
    r = crude_rate([np.nan, 5], [100, 100])
    assert np.isnan(r.value[0]) and np.isnan(r.lower[0]) and np.isnan(r.upper[0])
    assert r.method[0] == ""


@pytest.mark.parametrize(
    ("o", "n", "conf"),
    [([-1], [10], 0.95), ([1], [0], 0.95), ([1], [10], 0.5), ([1, 2], [3], 0.95)],
)
def test_invalid_inputs_raise(o, n, conf):
    with pytest.raises(MethodInputError):
        crude_rate(o, n, confidence=conf)


@given(st.integers(0, 100_000), st.integers(1, 10_000_000))
def test_interval_contains_estimate(o, n):
    r = crude_rate([o], [n])
    assert r.lower[0] <= r.value[0] <= r.upper[0]


@given(st.integers(1, 50_000), st.integers(1, 1_000))
def test_limits_move_up_with_the_count(o, step):
    lo = crude_rate([o, o + step], [1e6, 1e6])
    assert lo.lower[1] > lo.lower[0]
    assert lo.upper[1] > lo.upper[0]


@given(st.integers(10, 100_000))
def test_relative_width_narrows_as_counts_grow(o):
    r = crude_rate([o, 4 * o], [1e7, 4e7])
    width = (r.upper - r.lower) / r.value
    assert width[1] < width[0]


def test_count_change_test():
    from scipy.stats import binomtest

    from missionmonitor.methods.poisson import count_change_p_value

    # 2023 vs 2022 drug deaths: the 12% rise is unlikely to be chance.
    p = count_change_p_value(1172, 1051)
    assert p == pytest.approx(binomtest(1172, 2223, 0.5).pvalue)
    assert p < 0.05
    # 2021 vs 2020 (1,330 vs 1,339) is not a significant change.
    assert count_change_p_value(1330, 1339) > 0.5
    assert count_change_p_value(0, 0) == 1.0
    assert count_change_p_value(10, 10) == pytest.approx(1.0)
    with pytest.raises(MethodInputError):
        count_change_p_value(-1, 3)


def test_two_rates_over_their_exposures_by_the_exact_conditional_test():
    from missionmonitor.methods.poisson import count_change_p_value, rate_change_p_value

    # 10 events against none over equal exposure: p = 2 × 0.5¹⁰.
    assert rate_change_p_value(10, 1.0, 0, 1.0) == pytest.approx(2 * 0.5**10)
    assert rate_change_p_value(1172, 5.0, 1051, 5.0) == count_change_p_value(1172, 1051)
    # Twice the events over twice the people is the same rate.
    assert rate_change_p_value(200, 2.0, 100, 1.0) == pytest.approx(1.0)
    with pytest.raises(MethodInputError):
        rate_change_p_value(1, 0.0, 1, 1.0)
