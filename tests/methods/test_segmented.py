"""Segmented (interrupted time series) regression: recovers known changes."""

from __future__ import annotations

import numpy as np
import pytest

from missionmonitor.errors import MethodInputError
from missionmonitor.methods.segmented import segmented_regression


def _series(level: float, slope: float, n: int = 40, cut: int = 24) -> np.ndarray:
    t = np.arange(n)
    eta = (
        np.log(200) + 0.02 * t + np.log(level) * (t >= cut) + np.log(slope) * (t - cut) * (t >= cut)
    )
    return np.exp(eta)


def test_exact_expected_counts_give_the_true_ratios():
    fit = segmented_regression(_series(0.8, 0.97), first_after=24)
    assert fit.pre_trend.estimate == pytest.approx(np.exp(0.02), rel=1e-6)
    assert fit.level_change.estimate == pytest.approx(0.8, rel=1e-6)
    assert fit.slope_change.estimate == pytest.approx(0.97, rel=1e-6)
    assert fit.dispersion == 1.0  # no over-dispersion in expected values
    assert fit.level_change.lower < 0.8 < fit.level_change.upper


@pytest.mark.parametrize("family", ["quasipoisson", "negbin"])
def test_noisy_counts_cover_the_truth_and_state_the_caveat(family):
    rng = np.random.default_rng(4)
    y = rng.poisson(_series(0.7, 1.0))
    fit = segmented_regression(y, first_after=24, family=family)
    assert fit.level_change.lower < 0.7 < fit.level_change.upper
    assert fit.level_change.upper < 1  # a 30% drop is detected
    assert fit.slope_change.lower < 1 < fit.slope_change.upper
    assert "does not establish" in fit.caveat
    assert fit.counterfactual[24] > fit.fitted[24]


def test_overdispersion_widens_the_interval():
    rng = np.random.default_rng(5)
    mean = _series(0.8, 1.0)
    plain = segmented_regression(rng.poisson(mean), first_after=24)
    spread = segmented_regression(rng.negative_binomial(5, 5 / (5 + mean)), first_after=24)
    assert spread.dispersion > 2
    width = lambda f: np.log(f.level_change.upper / f.level_change.lower)  # noqa: E731
    assert width(spread) > width(plain)


@pytest.mark.parametrize(
    ("y", "cut"), [([1, 2, 3, 4, 5], 2), ([1, 2, 3, 4, 5], 4), ([1, -2, 3, 4, 5, 6], 3)]
)
def test_rejects_too_short_or_bad_series(y, cut):
    with pytest.raises(MethodInputError):
        segmented_regression(y, cut)
