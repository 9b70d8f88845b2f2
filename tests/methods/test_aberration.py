"""EARS and Farrington flexible against methods.md §6."""

from __future__ import annotations

import numpy as np
import pytest

from missionmonitor.errors import MethodInputError
from missionmonitor.methods.aberration import (
    FarringtonSettings,
    anscombe_weights,
    delta_threshold,
    ears,
    farrington,
    muan_threshold,
    nb_plugin_threshold,
)

Y = [4, 6, 5, 3, 7, 5, 4, 6, 5, 4, 8, 13, 15, 6]
# methods.md §6.1, t = 8 … 14 (1-based); None: not monitored.
C1 = [9.0141, 9.2998, 8.9895, 9.0141, 10.2434, 16.3394, 21.6111]
C2 = [None, None, 9.0141, 9.2998, 8.9895, 9.0141, 10.2434]
C3 = [None, None, None, None, 14.0793, 9.1339, 0.0]


@pytest.mark.parametrize(("method", "expected"), [("C1", C1), ("C2", C2), ("C3", C3)])
def test_ears_upper_bounds(method, expected):
    r = ears(Y, method=method)
    got = r.upper[7:]
    for g, e in zip(got, expected, strict=True):
        if e is None:
            assert np.isnan(g)
        else:
            assert g == pytest.approx(e, abs=5e-5)
    assert np.isnan(r.upper[:7]).all()


def test_ears_alarms():
    assert np.flatnonzero(ears(Y, "C1").alarm).tolist() == [11]  # t = 12, y = 13
    assert np.flatnonzero(ears(Y, "C2").alarm).tolist() == [11, 12]
    assert np.flatnonzero(ears(Y, "C3").alarm).tolist() == [12, 13]  # t = 14: the quirk


def test_ears_rejects_short_baselines_and_bad_counts():
    with pytest.raises(MethodInputError):
        ears(Y, baseline=2)
    with pytest.raises(MethodInputError):
        ears([1, -1, 2])


def test_reweighting_weights_match_the_package_tests():
    s = np.array([0, 0, 0, 0, 0, 2, 2, 2, 2, 2], dtype=float)
    np.testing.assert_allclose(anscombe_weights(s, 0), [1.6] * 5 + [0.4] * 5)
    np.testing.assert_allclose(anscombe_weights(np.zeros(10), 0), np.ones(10))


def test_delta_threshold_vector():
    upper, lower = delta_threshold(10, 1, 1.5, 0.05)
    assert upper == pytest.approx(17.255303, abs=1e-6)
    assert lower == pytest.approx(4.206070, abs=1e-6)
    assert (20 - 10) / (upper - 10) == pytest.approx(1.378302, abs=1e-6)


def test_nb_plugin_and_muan_vectors():
    assert nb_plugin_threshold(10, 1.5, 0.05) == 17
    assert nb_plugin_threshold(10, 1.5, 0.005) == 22
    assert nb_plugin_threshold(10, 1.0, 0.05) == 15
    mu_q, upper = muan_threshold(np.log(10), 0.1, 1.5, 0.05)
    assert mu_q == pytest.approx(11.787863, abs=1e-6) and upper == 19


def _seasonal(weeks: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(weeks)
    mean = 8 * np.exp(0.4 * np.sin(2 * np.pi * t / 52))
    return rng.poisson(mean).astype(float)


@pytest.mark.parametrize("settings", [FarringtonSettings.original(), FarringtonSettings.noufaily()])
def test_farrington_finds_an_injected_outbreak_and_stays_quiet_otherwise(settings):
    y = _seasonal(6 * 52 + 20, seed=3)
    outbreak = slice(6 * 52 + 10, 6 * 52 + 13)
    y[outbreak] += 25
    r = farrington(y, settings)
    monitored = ~np.isnan(r.upper)
    assert monitored.sum() > 10
    assert r.alarm[outbreak].all()
    quiet = np.ones(y.size, dtype=bool)
    quiet[outbreak.start : outbreak.stop + 30] = False
    assert r.alarm[quiet & monitored].mean() <= 0.1
    assert (r.score[r.alarm] > 1).all()


def test_farrington_needs_history_and_applies_limit54():
    with pytest.raises(MethodInputError):
        farrington(np.ones(100), FarringtonSettings(), start=50)
    y = np.zeros(5 * 52 + 10)
    y[-1] = 3  # 3 cases in the last 4 weeks: under the 5-case limit
    r = farrington(y)
    assert not r.alarm.any() and np.isnan(r.upper[-1])
