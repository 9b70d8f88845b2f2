"""Funnel limits: PHEIM funnel vectors and the HSMR-style over-dispersion vector (§4)."""

import pytest

from missionmonitor.methods.funnels import (
    poisson_funnel,
)

AV = 0.80642448  # pooled average of PHEIM's testdata_funnel_prop_inputs

PROP_VECTORS = [  # population, 2s lower, 2s upper, 3s lower, 3s upper  [VERIFIED-REF]
    (1, 3.204264, 100, 0, 100),
    (3, 35.933491, 100, 10.150815, 100),
    (10, 56.154344, 100, 42.032590, 100),
    (110000, 80.408963, 80.875933, 80.274317, 81.010578),
]


def test_ratio_funnel_expected_events_and_isr_limits():
    f = poisson_funnel([1, 10])
    assert f.lower_2s_expected == pytest.approx([5.571645, 18.390358], rel=1e-5)
    assert f.upper_2s_expected == pytest.approx([0.025318, 4.795388], rel=1e-5)
    assert f.lower_3s_expected == pytest.approx([9.233410, 24.133972], rel=1e-5)
    assert f.upper_3s_expected == pytest.approx([0.001001, 2.960520], rel=1e-3)
    isr = f.ratio_limits(scale=100)
    assert isr["lower_2s"] == pytest.approx([17.948, 54.376], abs=1e-3)
    assert isr["upper_2s"] == pytest.approx([3949.775, 208.534], rel=1e-5)


def test_rate_funnel_for_dsrs():
    out = poisson_funnel([1, 10]).rate_limits(116.17208, multiplier=1e5, years_of_data=3)
    assert out["lower_2s_population_1_year"] == pytest.approx([1598.6757, 5276.7577], rel=1e-5)
    assert out["lower_2s_limit"] == pytest.approx([20.8506, 63.1701], rel=1e-5)
    assert out["upper_2s_population_1_year"] == pytest.approx([7.2645, 1375.9438], rel=1e-5)
    assert out["upper_2s_limit"] == pytest.approx([4588.54, 242.2580], rel=1e-5)


OBSERVED = [45, 60, 38, 90, 120, 30, 75, 52, 66, 80]
EXPECTED = [50, 55, 40, 70, 100, 35, 80, 50, 60, 85]
