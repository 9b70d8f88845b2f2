"""Capture–recapture against methods.md §7: the Rcapture HIV table and Chapman."""

from __future__ import annotations

import pytest

from missionmonitor.errors import MethodInputError
from missionmonitor.methods.capture_recapture import (
    chapman,
    fit_models,
    hierarchical_models,
    model_name,
)

# Rcapture HIV (Abeni et al. 1994): four sources, c1..c4 → frequency.
HIV = {
    (1, 1, 1, 1): 0,
    (1, 1, 1, 0): 3,
    (1, 1, 0, 1): 1,
    (1, 1, 0, 0): 33,
    (1, 0, 1, 1): 0,
    (1, 0, 1, 0): 20,
    (1, 0, 0, 1): 6,
    (1, 0, 0, 0): 403,
    (0, 1, 1, 1): 3,
    (0, 1, 1, 0): 35,
    (0, 1, 0, 1): 10,
    (0, 1, 0, 0): 545,
    (0, 0, 1, 1): 11,
    (0, 0, 1, 0): 621,
    (0, 0, 0, 1): 205,
}
# methods.md §7.1: model, N̂, SE, deviance, df, AIC, BIC.
EXPECTED = [
    ("[1,2,3,4]", 11124.578, 904.752, 13.026, 10, 90.062, 117.800),
    ("[12,3,4]", 12318.468, 1188.721, 7.614, 9, 86.650, 119.935),
    ("[12,13,14]", 11405.026, 1303.290, 6.249, 7, 89.285, 133.665),
    ("[12,13,14,23,24,34]", 23443.536, 9594.875, 3.037, 4, 92.073, 153.095),
]


@pytest.fixture(scope="module")
def fits():
    return {f.name: f for f in fit_models(HIV, intervals=1)}


def test_every_hierarchical_model_is_fitted():
    assert len(hierarchical_models(4)) == 113
    assert len(hierarchical_models(3)) == 8


@pytest.mark.parametrize(("name", "n_hat", "se", "dev", "df", "aic", "bic"), EXPECTED)
def test_reproduces_the_hiv_models(fits, name, n_hat, se, dev, df, aic, bic):
    f = fits[name]
    assert f.abundance == pytest.approx(n_hat, abs=1e-3)
    assert f.std_err == pytest.approx(se, abs=1e-3)
    assert f.deviance == pytest.approx(dev, abs=1e-3)
    assert f.df == df
    assert f.aic == pytest.approx(aic, abs=1e-3) and f.bic == pytest.approx(bic, abs=1e-3)


def test_bic_selects_mt_and_profile_intervals_contain_the_estimate(fits):
    ranked = fit_models(HIV, intervals=0)
    assert ranked[0].name == "[1,2,3,4]"
    mt = fits["[1,2,3,4]"]
    assert 1896 < mt.lower < mt.abundance < mt.upper
    # Skewed to the right, as profile intervals for N are.
    assert mt.upper - mt.abundance > mt.abundance - mt.lower


def test_model_names():
    assert model_name(4, ((1, 2),)) == "[12,3,4]"
    assert model_name(3, ((1, 2), (1, 3), (2, 3))) == "[12,13,23]"


def test_chapman_two_source_check():
    est = chapman({(1, 0): 400, (0, 1): 300, (1, 1): 100})
    assert est.lincoln_petersen == pytest.approx(2000)
    assert est.estimate == pytest.approx(1988.119, abs=1e-3)
    assert est.variance == pytest.approx(23169.70, abs=0.01)


@pytest.mark.parametrize("bad", [{}, {(1,): 3}, {(1, 0): -1}, {(1, 2): 3}, {(0, 0): 4, (1, 0): 1}])
def test_rejects_bad_tables(bad):
    with pytest.raises(MethodInputError):
        fit_models(bad)
