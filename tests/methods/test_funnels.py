"""Funnel limits: PHEIM funnel vectors and the HSMR-style over-dispersion vector (§4)."""

import numpy as np
import pytest

from missionmonitor.methods.funnels import (
    P_2S,
    P_3S,
    dispersion_phi,
    dispersion_tau2,
    overdispersed_limits,
    poisson_funnel,
    proportion_limit,
    proportion_significance,
    ratio_significance,
    smr_z_scores,
    winsorise,
    winsorise_extremes,
)
from missionmonitor.methods.proportions import wilson

AV = 0.80642448  # pooled average of PHEIM's testdata_funnel_prop_inputs

PROP_VECTORS = [  # population, 2s lower, 2s upper, 3s lower, 3s upper  [VERIFIED-REF]
    (1, 3.204264, 100, 0, 100),
    (3, 35.933491, 100, 10.150815, 100),
    (10, 56.154344, 100, 42.032590, 100),
    (110000, 80.408963, 80.875933, 80.274317, 81.010578),
]


@pytest.mark.parametrize(("n", "l2", "u2", "l3", "u3"), PROP_VECTORS)
def test_proportion_limits(n, l2, u2, l3, u3):
    assert proportion_limit(P_2S, [n], AV, "low")[0] == pytest.approx(l2, abs=1e-5)
    assert proportion_limit(P_2S, [n], AV, "high")[0] == pytest.approx(u2, abs=1e-5)
    assert proportion_limit(P_3S, [n], AV, "low")[0] == pytest.approx(l3, abs=1e-5)
    assert proportion_limit(P_3S, [n], AV, "high")[0] == pytest.approx(u3, abs=1e-5)


def test_lower_limit_is_the_inverse_of_wilson():
    n = 110000
    limit = proportion_limit(P_2S, [n], AV, "low", multiplier=1)[0]
    assert wilson([limit * n], [n]).upper[0] == pytest.approx(AV, abs=1e-12)


def test_proportion_significance_labels():
    labels = proportion_significance([50, 950, 805], [1000, 1000, 1000], AV)
    assert list(labels) == ["Low (0.001)", "High (0.001)", "Not significant"]


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


def test_ratio_significance():
    labels = ratio_significance([5, 200, 100, 0], [50, 100, 100, 20])
    assert list(labels) == ["Low (0.001)", "High (0.001)", "Not significant", "Low (0.001)"]


OBSERVED = [45, 60, 38, 90, 120, 30, 75, 52, 66, 80]
EXPECTED = [50, 55, 40, 70, 100, 35, 80, 50, 60, 85]


def test_hsmr_overdispersion_vector():
    z, s = smr_z_scores(OBSERVED, EXPECTED)
    assert z == pytest.approx(
        [-0.7071, 0.6742, -0.3162, 2.3905, 2.0000, -0.8452, -0.5590, 0.2828, 0.7746, -0.5423],
        abs=1e-4,
    )
    phi = dispersion_phi(winsorise_extremes(z))
    assert phi == pytest.approx(1.08412, abs=1e-5)
    assert np.sqrt(phi) == pytest.approx(1.04121, abs=1e-5)
    s50 = np.sqrt(1 / 50)
    _, uwl = overdispersed_limits(1, [s50], 1.96, phi=phi)
    _, ucl = overdispersed_limits(1, [s50], 3.09, phi=phi)
    assert uwl[0] == pytest.approx(1.288608, abs=1e-6)
    assert ucl[0] == pytest.approx(1.455000, abs=1e-6)
    tau2 = dispersion_tau2(phi, s)
    assert tau2 == pytest.approx(0.0033100, abs=1e-7)
    _, ucl_add = overdispersed_limits(1, [s50], 3.090232, tau2=tau2)
    assert ucl_add[0] == pytest.approx(1.471805, abs=1e-6)


def test_tau2_is_zero_when_underdispersed():
    assert dispersion_tau2(0.5, [0.1, 0.2, 0.3]) == 0


def test_ten_percent_winsorisation_clamps_tails():
    z = np.arange(11.0)
    w = winsorise(z, 0.1)
    assert w.min() == 1 and w.max() == 9
