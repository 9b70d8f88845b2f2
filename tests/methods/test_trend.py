"""The fitted trend: a log-linear Poisson model, checked against its own score equations."""

from __future__ import annotations

import numpy as np
import pytest

from missionmonitor.errors import MethodInputError
from missionmonitor.methods.trend import log_linear_trend


def test_a_geometric_series_gives_its_ratio_exactly():
    fit = log_linear_trend(200 * 0.9 ** np.arange(8))
    assert fit.per_period.estimate == pytest.approx(0.9)
    assert fit.dispersion == 1.0 and fit.periods == 8
    assert fit.significant and fit.per_period.upper < 1


def test_a_population_makes_it_a_trend_in_the_rate():
    population = np.array([1_000, 2_000, 4_000, 8_000, 16_000, 32_000])
    counts = population * 0.01 * 1.05 ** np.arange(6)
    assert log_linear_trend(counts, population).per_period.estimate == pytest.approx(1.05)
    # The same counts without the growing population rise far faster.
    assert log_linear_trend(counts).per_period.estimate > 2


def test_the_estimate_solves_the_poisson_score_equations():
    y = np.array([1046, 1187, 1264, 1339, 1330, 1051, 1172, 1017, 934, 1110], float)
    fit = log_linear_trend(y)
    t = np.arange(y.size)
    r = fit.per_period.estimate
    mu = y.sum() / (r**t).sum() * r**t  # the intercept that solves Σ(y − μ) = 0
    assert (t * (y - mu)).sum() == pytest.approx(0, abs=1e-6 * y.sum())
    # Over-dispersed counts widen the interval (φ > 1), and this series has no clear trend.
    assert fit.dispersion > 1 and not fit.significant
    assert fit.per_period.lower < r < fit.per_period.upper


def test_noise_around_a_flat_level_is_not_a_trend():
    fit = log_linear_trend([50, 55, 48, 52, 51, 47, 53])
    assert not fit.significant


@pytest.mark.parametrize(
    ("counts", "population", "message"),
    [
        ([1, 2, 3, 4], None, "at least 5"),
        ([0, 0, 0, 0, 0], None, "non-zero"),
        ([1, 2, -3, 4, 5], None, "non-negative"),
        ([1, 2, 3, 4, 5], [1, 2, 0, 4, 5], "population"),
        ([1, 2, 3, 4, 5], [1, 2, 3], "population"),
    ],
)
def test_unusable_input_is_refused(counts, population, message):
    with pytest.raises(MethodInputError, match=message):
        log_linear_trend(counts, population)
