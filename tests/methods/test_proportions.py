"""Wilson intervals: PHEIM testdata_Proportion vectors (methods.md §3)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from missionmonitor.errors import MethodInputError
from missionmonitor.methods.proportions import wilson

VECTORS = [  # x, n, p, 95% lower, 95% upper, 99.8% lower, 99.8% upper  [VERIFIED-REF]
    (1, 100, 0.01, 0.001767, 0.054486, 0.000873, 0.104554),
    (20, 100, 0.20, 0.133367, 0.288829, 0.105192, 0.347111),
    (65, 100, 0.65, 0.552544, 0.736358, 0.495495, 0.778354),
    (9856, 12345, 0.798380, 0.791210, 0.805364, 0.786992, 0.809306),
    (222, 3215, 0.069051, 0.060792, 0.078340, 0.056471, 0.084184),
    (0.445, 1, 0.445, 0.043817, 0.933462, 0.019347, 0.970226),
]


@pytest.mark.parametrize(("x", "n", "p", "l95", "u95", "l998", "u998"), VECTORS)
def test_wilson_matches_pheim(x, n, p, l95, u95, l998, u998):
    r = wilson([x], [n])
    r998 = wilson([x], [n], confidence=0.998)
    assert r.value[0] == pytest.approx(p, abs=1e-6)
    assert r.lower[0] == pytest.approx(l95, abs=1e-6)
    assert r.upper[0] == pytest.approx(u95, abs=1e-6)
    assert r998.lower[0] == pytest.approx(l998, abs=1e-6)
    assert r998.upper[0] == pytest.approx(u998, abs=1e-6)


def test_edges_are_exact():
    r = wilson([0, 10], [10, 10])
    assert r.lower[0] == 0 and r.upper[0] == pytest.approx(0.277533, abs=1e-6)
    assert r.upper[1] == 1 and r.lower[1] == pytest.approx(0.722467, abs=1e-6)
    pct = wilson([0], [50], multiplier=100)
    assert pct.upper[0] == pytest.approx(7.134760, abs=1e-6)


def test_confidence_one_spans_everything():
    r = wilson([3], [10], confidence=1)
    assert (r.lower[0], r.upper[0]) == (0, 1)


@pytest.mark.parametrize(("x", "n"), [([-1], [10]), ([1], [0]), ([11], [10])])
def test_invalid(x, n):
    with pytest.raises(MethodInputError):
        wilson(x, n)


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_interval_contains_estimate_and_stays_in_unit_range(x, n):
    x = min(x, n)
    r = wilson([x], [n])
    assert 0 <= r.lower[0] <= r.value[0] <= r.upper[0] <= 1
