"""Aberration detection for weekly or monthly counts: EARS C1, C2, C3 and the Farrington
flexible algorithm (with the original Farrington 1996 and improved Noufaily 2013 settings),
following R ``surveillance``'s ``earsC`` and ``farringtonFlexible`` (methods.md §6).

Each detector returns, for every time point it can monitor, the expected count, the upper
threshold, whether the count exceeds it, and (Farrington) the exceedance score; points it
cannot monitor (too little history) are NaN and never alarm.

>>> r = ears([4, 6, 5, 3, 7, 5, 4, 6, 5, 4, 8, 13, 15, 6], method="C1")
>>> round(float(r.upper[7]), 4), bool(r.alarm[11])
(9.0141, True)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import statsmodels.api as sm
from numpy.typing import ArrayLike
from scipy.stats import nbinom, norm, poisson
from scipy.stats import t as student_t

from missionmonitor.errors import MethodInputError


@dataclass(frozen=True)
class Detection:
    """Per time point (NaN where not monitored)."""

    observed: np.ndarray
    expected: np.ndarray
    upper: np.ndarray
    alarm: np.ndarray  # bool
    score: np.ndarray  # exceedance score (y − expected) / (upper − expected)
    method: str


def _counts(y: ArrayLike) -> np.ndarray:
    a = np.asarray(y, dtype=float)
    if a.ndim != 1 or np.any(a < 0) or not np.all(np.isfinite(a)):
        raise MethodInputError("counts must be a 1-D series of finite, non-negative numbers")
    return a


# ---- EARS ----------------------------------------------------------------------------


def ears(
    y: ArrayLike,
    method: Literal["C1", "C2", "C3"] = "C1",
    baseline: int = 7,
    alpha: float | None = None,
    min_sigma: float = 0.0,
) -> Detection:
    """EARS C1 / C2 / C3 as in ``surveillance::earsC`` (defaults: baseline 7, α 0.001 for
    C1 and C2, 0.025 for C3; sample SD with n − 1, floored at ``min_sigma``).

    C3 reproduces the package: the threshold is y_t + σ₂(t)·(z − Σ_{k=1,2} max(0, C2(t−k) − 1)),
    so it alarms when the two previous C2 statistics' excess passes z, whatever y_t is.
    """
    x = _counts(y)
    if baseline < 3:
        raise MethodInputError("EARS needs a baseline of at least 3 time points")
    if method not in ("C1", "C2", "C3"):
        raise MethodInputError(f"unknown EARS method {method!r}")
    a = alpha if alpha is not None else (0.025 if method == "C3" else 0.001)
    z = float(norm.ppf(1 - a))
    n = x.size
    lag = 0 if method == "C1" else 2

    def window_stats(t: int, lag: int) -> tuple[float, float]:
        w = x[t - lag - baseline : t - lag]
        return float(w.mean()), max(float(w.std(ddof=1)), min_sigma)

    expected = np.full(n, np.nan)
    upper = np.full(n, np.nan)
    if method in ("C1", "C2"):
        for t in range(baseline + lag, n):
            mean, sd = window_stats(t, lag)
            expected[t], upper[t] = mean, mean + z * sd
    else:
        c2 = np.full(n, np.nan)
        sig = np.full(n, np.nan)
        for t in range(baseline + 2, n):
            mean, sd = window_stats(t, 2)
            sig[t], expected[t] = sd, mean
            with np.errstate(divide="ignore", invalid="ignore"):
                c2[t] = (x[t] - mean) / sd
        for t in range(baseline + 4, n):
            excess = max(0.0, c2[t - 2] - 1) + max(0.0, c2[t - 1] - 1)
            with np.errstate(invalid="ignore"):  # a flat baseline: σ = 0 and C2 infinite
                upper[t] = max(0.0, x[t] + sig[t] * (z - excess))
        expected[: baseline + 4] = np.nan
    alarm = np.where(np.isnan(upper), False, x > upper)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (x - expected) / (upper - expected)
    return Detection(x, expected, upper, alarm.astype(bool), score, f"EARS {method}")


# ---- Farrington flexible ---------------------------------------------------------------


@dataclass(frozen=True)
class FarringtonSettings:
    """``farringtonFlexible`` controls (defaults as the package)."""

    b: int = 5
    w: int = 3
    reweight: bool = True
    weights_threshold: float = 2.58
    alpha: float = 0.05
    trend: bool = True
    p_threshold_trend: float = 0.05
    limit54: tuple[int, int] = (5, 4)
    powertrans: Literal["2/3", "1/2", "none"] = "2/3"
    no_periods: int = 1
    past_weeks_not_included: int | None = None  # None: w
    threshold_method: Literal["delta", "nbPlugin", "muan"] = "delta"
    freq: int = 52

    @classmethod
    def original(cls, **kw: object) -> FarringtonSettings:
        """Farrington et al. (1996), per the package vignette."""
        base = cls(
            no_periods=1,
            weights_threshold=1.0,
            past_weeks_not_included=3,
            p_threshold_trend=0.05,
            threshold_method="delta",
        )
        return replace(base, **kw)  # type: ignore[arg-type]

    @classmethod
    def noufaily(cls, **kw: object) -> FarringtonSettings:
        """The improved algorithm of Noufaily et al. (2013), b = 5 years, w = 3 weeks."""
        base = cls(
            no_periods=10,
            weights_threshold=2.58,
            past_weeks_not_included=26,
            p_threshold_trend=1.0,
            threshold_method="nbPlugin",
        )
        return replace(base, **kw)  # type: ignore[arg-type]


def anscombe_weights(s: ArrayLike, threshold: float) -> np.ndarray:
    """Reweighting of past outbreaks: γ·s⁻² where the Anscombe residual s exceeds the
    threshold, else γ; γ makes the weights average one."""
    r = np.asarray(s, dtype=float)
    with np.errstate(divide="ignore"):
        raw = np.where(r > threshold, r**-2.0, 1.0)
    return np.asarray(raw * (r.size / raw.sum()), dtype=float)


def delta_threshold(
    mu0: float, se: float, phi: float, alpha: float, powertrans: str = "2/3"
) -> tuple[float, float]:
    """Farrington (1996) upper and lower limits on the power-transformed scale."""
    z = float(norm.ppf(1 - alpha))
    tau = phi + se**2 / mu0
    if powertrans == "2/3":
        sigma, e = math.sqrt(4 / 9 * mu0 ** (1 / 3) * tau), 2 / 3
    elif powertrans == "1/2":
        sigma, e = math.sqrt(tau / 4), 1 / 2
    else:
        sigma, e = math.sqrt(mu0 * tau), 1.0
    centre = mu0**e
    upper = (centre + z * sigma) ** (1 / e)
    lower = max(0.0, centre - z * sigma) ** (1 / e)
    return upper, lower


def nb_plugin_threshold(mu0: float, phi: float, alpha: float) -> float:
    """Noufaily's negative-binomial quantile (Poisson when there is no over-dispersion)."""
    if phi > 1:
        return float(nbinom.ppf(1 - alpha, mu0 / (phi - 1), 1 / phi))
    return float(poisson.ppf(1 - alpha, mu0))


def muan_threshold(eta0: float, se_eta: float, phi: float, alpha: float) -> tuple[float, float]:
    """As nbPlugin, with μ₀ replaced by the upper quantile of the linear predictor."""
    mu_q = math.exp(float(norm.ppf(1 - alpha, eta0, se_eta)))
    return mu_q, nb_plugin_threshold(mu_q, phi, alpha)


def _reference(t0: int, s: FarringtonSettings) -> tuple[np.ndarray, np.ndarray]:
    """Reference time points for week t0 and their seasonal group (0 = the window)."""
    past = s.w if s.past_weeks_not_included is None else s.past_weeks_not_included
    if s.no_periods == 1:
        idx = np.array(
            [t0 - s.freq * j + k for j in range(1, s.b + 1) for k in range(-s.w, s.w + 1)]
        )
        groups = np.zeros(idx.size, dtype=int)
    else:
        idx = np.arange(t0 - s.freq * s.b - s.w, t0)
        # Position relative to the same week in earlier years: the window is group 0, the
        # rest of each year is split into no_periods − 1 equal blocks.
        offset = (idx - t0 + s.w) % s.freq  # 0 .. 2w inside the window
        rest = s.freq - (2 * s.w + 1)
        block = np.floor((offset - (2 * s.w + 1)) / rest * (s.no_periods - 1)).astype(int) + 1
        groups = np.where(offset <= 2 * s.w, 0, block)
    keep = idx <= t0 - past - 1
    return idx[keep], groups[keep]


@dataclass(frozen=True)
class _Fit:
    params: np.ndarray
    cov: np.ndarray  # quasi-Poisson: the model covariance × φ
    phi: float
    mu: np.ndarray
    hat: np.ndarray
    df_resid: float
    trend: bool


def _fit(
    y: np.ndarray, x: np.ndarray, weights: np.ndarray | None, offset: np.ndarray | None, trend: bool
) -> _Fit | None:
    """Quasi-Poisson fit, φ = max(1, Σ w r² / df) with working residuals and weights."""
    try:
        res = sm.GLM(y, x, family=sm.families.Poisson(), var_weights=weights, offset=offset).fit()
    except (ValueError, np.linalg.LinAlgError):
        return None
    if not res.converged or not np.all(np.isfinite(res.params)):
        return None
    df = max(float(res.df_resid), 1.0)
    phi = max(1.0, float(np.sum(res.model.weights * res.resid_working**2) / df))
    return _Fit(
        np.asarray(res.params),
        np.asarray(res.cov_params()) * phi,
        phi,
        np.asarray(res.mu),
        np.asarray(res.get_hat_matrix_diag()),
        df,
        trend,
    )


def _design(t: np.ndarray, groups: np.ndarray, trend: bool, levels: int) -> np.ndarray:
    cols = [np.ones(t.size)]
    if trend:
        cols.append(t.astype(float))
    for g in range(1, levels):
        cols.append((groups == g).astype(float))
    return np.column_stack(cols)


def farrington(
    y: ArrayLike,
    settings: FarringtonSettings | None = None,
    start: int | None = None,
    population: Sequence[float] | None = None,
) -> Detection:
    """Farrington flexible over weekly counts ``y`` (oldest first), monitoring from
    ``start`` (default: the first point with ``b`` years and ``w`` weeks of history)."""
    s = settings or FarringtonSettings()
    x = _counts(y)
    n = x.size
    first = s.freq * s.b + s.w if start is None else start
    if first < s.freq * s.b + s.w:
        raise MethodInputError(f"monitoring needs {s.freq * s.b + s.w} earlier time points")
    expected = np.full(n, np.nan)
    upper = np.full(n, np.nan)
    score = np.full(n, np.nan)
    offset = None if population is None else np.log(np.asarray(population, dtype=float))
    z_alpha = s.alpha
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for t0 in range(first, n):
            recent = x[max(0, t0 - s.limit54[1] + 1) : t0 + 1].sum()
            if recent < s.limit54[0]:
                continue  # too few cases lately: no threshold, no alarm (limit54)
            est = _estimate(x, t0, s, offset)
            if est is None:
                continue
            mu0, se_mu, eta0, se_eta, phi = est
            if s.threshold_method == "delta":
                u, _ = delta_threshold(mu0, se_mu, phi, z_alpha, s.powertrans)
            elif s.threshold_method == "nbPlugin":
                u = nb_plugin_threshold(mu0, phi, z_alpha)
            else:
                _, u = muan_threshold(eta0, se_eta, phi, z_alpha)
            expected[t0], upper[t0] = mu0, u
            if u > mu0:
                score[t0] = (x[t0] - mu0) / (u - mu0)
    alarm = np.where(np.isnan(score), False, (score > 1) & (x != 0))
    return Detection(
        x, expected, upper, alarm.astype(bool), score, f"Farrington flexible ({s.threshold_method})"
    )


def _estimate(
    x: np.ndarray, t0: int, s: FarringtonSettings, offset: np.ndarray | None
) -> tuple[float, float, float, float, float] | None:
    """μ₀, its SE, the linear predictor and its SE, and φ for week t0 (None if no fit)."""
    idx, groups = _reference(t0, s)
    keep = idx >= 0
    idx, groups = idx[keep], groups[keep]
    if idx.size < 3:
        return None
    levels = max(s.no_periods, 1)
    yr = x[idx]
    off = None if offset is None else offset[idx]

    def fit(trend: bool, weights: np.ndarray | None) -> _Fit | None:
        # With the trend first; if that fails, without it (the package's fallback).
        for with_trend in [True, False] if trend else [False]:
            got = _fit(yr, _design(idx, groups, with_trend, levels), weights, off, with_trend)
            if got is not None:
                return got
        return None

    res = fit(s.trend and s.b >= 3, None)
    if res is None:
        return None
    weights = None
    if s.reweight:
        with np.errstate(divide="ignore", invalid="ignore"):
            anscombe = (
                1.5
                * (yr ** (2 / 3) * res.mu ** (-1 / 6) - res.mu**0.5)
                / np.sqrt(res.phi * (1 - res.hat))
            )
        weights = anscombe_weights(np.nan_to_num(anscombe, nan=0.0), s.weights_threshold)
        res = fit(res.trend, weights)
        if res is None:
            return None
    pred = _predict(res, t0, levels, offset)
    if res.trend:
        t_stat = res.params[1] / math.sqrt(res.cov[1, 1])
        p_trend = 2 * float(student_t.sf(abs(t_stat), res.df_resid))
        if not (p_trend < s.p_threshold_trend and pred[0] <= yr.max()):
            res = fit(False, weights)
            if res is None:
                return None
            pred = _predict(res, t0, levels, offset)
    mu0, eta0, se_eta = pred
    return mu0, mu0 * se_eta, eta0, se_eta, res.phi


def _predict(
    res: _Fit, t0: int, levels: int, offset: np.ndarray | None
) -> tuple[float, float, float]:
    """μ₀, η₀ and SE(η₀) at t0 (seasonal group 0: the window around t0)."""
    row = _design(np.array([t0]), np.array([0]), res.trend, levels)[0]
    eta = float(row @ res.params) + (0.0 if offset is None else float(offset[t0]))
    return math.exp(eta), eta, float(np.sqrt(row @ res.cov @ row))
