"""Capture–recapture prevalence estimation: log-linear models over 2 to 4+ linked sources
(as Rcapture's ``closedpMS.t`` and ``getN``) and Chapman's two-source estimator.

Every hierarchical model with main effects and interactions of order up to t − 1 is fitted
as a Poisson GLM on the 2^t − 1 observable capture histories (zero cells included). The
unobserved cell is exp(intercept); N̂ = n + exp(β̂₀), SE(N̂)² = exp(β̂₀) + exp(2β̂₀)·Var(β̂₀).
AIC is R glm's (full Poisson log-likelihood); BIC = AIC + (log n − 2)·rank with n the
number of people captured (Rcapture's convention). Intervals for N are Cormack's (1992)
profile likelihood: the multinomial likelihood of the complete table, the unobserved cell
being N − n, profiled over N.

>>> counts = {(1, 0): 400, (0, 1): 300, (1, 1): 100}
>>> round(chapman(counts).estimate, 3)
1988.119
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import statsmodels.api as sm
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln
from scipy.stats import chi2

from missionmonitor.errors import MethodInputError

History = tuple[int, ...]


@dataclass(frozen=True)
class ModelFit:
    """One fitted log-linear model."""

    name: str  # Rcapture style: "[12,3,4]"
    terms: tuple[tuple[int, ...], ...]  # interaction terms (1-based sources)
    abundance: float
    std_err: float
    deviance: float
    df: int
    aic: float
    bic: float
    lower: float | None = None  # profile-likelihood 95% interval
    upper: float | None = None


@dataclass(frozen=True)
class TwoSource:
    estimate: float
    variance: float
    lincoln_petersen: float


def _check(counts: Mapping[History, float]) -> tuple[int, np.ndarray, np.ndarray]:
    if not counts:
        raise MethodInputError("no capture histories given")
    t = len(next(iter(counts)))
    if t < 2 or any(len(h) != t or set(h) - {0, 1} for h in counts):
        raise MethodInputError("capture histories must be 0/1 tuples of one length, 2 or more")
    if any(c < 0 or not math.isfinite(c) for c in counts.values()):
        raise MethodInputError("counts must be finite and not negative")
    histories = [h for h in itertools.product((0, 1), repeat=t) if any(h)]
    histories.sort(reverse=True)  # 11..1 first, as Rcapture lists them
    y = np.array([float(counts.get(h, 0)) for h in histories])
    if (0,) * t in counts:
        raise MethodInputError("the all-zero history cannot be observed")
    return t, np.array(histories, dtype=float), y


def hierarchical_models(t: int) -> list[tuple[tuple[int, ...], ...]]:
    """Every hierarchical set of interaction terms of order 2 to t − 1 (main effects always
    in): a term is allowed only with all its sub-interactions. 113 models for t = 4."""
    candidates = [c for k in range(2, t) for c in itertools.combinations(range(1, t + 1), k)]
    models: list[tuple[tuple[int, ...], ...]] = [()]
    for term in candidates:  # in order of size, so sub-terms are decided first
        grown = []
        for m in models:
            subs = [s for k in range(2, len(term)) for s in itertools.combinations(term, k)]
            if all(s in m for s in subs):
                grown.append((*m, term))
        models += grown
    return models


def model_name(t: int, terms: tuple[tuple[int, ...], ...]) -> str:
    """Rcapture's name: the highest terms, then sources in no interaction."""
    top = [m for m in terms if not any(set(m) < set(o) for o in terms)]
    alone = [(i,) for i in range(1, t + 1) if not any(i in m for m in terms)]
    parts = sorted(top, key=lambda m: (m[0], len(m), m)) + alone
    return "[" + ",".join("".join(str(i) for i in p) for p in sorted(parts)) + "]"


def _design(histories: np.ndarray, terms: tuple[tuple[int, ...], ...]) -> np.ndarray:
    columns = [np.ones(len(histories)), *histories.T]
    for term in terms:
        columns.append(np.prod(histories[:, [i - 1 for i in term]], axis=1))
    return np.column_stack(columns)


def _profile_interval(
    histories: np.ndarray, y: np.ndarray, x: np.ndarray, n: float, n_hat: float, level: float
) -> tuple[float, float] | None:
    """Cormack's profile-likelihood interval for N (None if it cannot be bracketed)."""
    full_x = np.vstack([np.r_[1.0, np.zeros(x.shape[1] - 1)], x])

    def loglik(big_n: float) -> float:
        z = np.r_[big_n - n, y]
        fit = sm.GLM(z, full_x, family=sm.families.Poisson()).fit()
        p = np.clip(fit.mu / fit.mu.sum(), 1e-300, None)
        return float(gammaln(big_n + 1) - gammaln(big_n - n + 1) + np.sum(z * np.log(p)))

    best = minimize_scalar(
        lambda v: -loglik(v),
        bounds=(n + 1e-6, max(n_hat * 20, n + 10)),
        method="bounded",
        options={"xatol": 1e-3},
    )
    top = -float(best.fun)
    cut = chi2.ppf(level, 1) / 2

    def excess(v: float) -> float:
        return float(top - loglik(v) - cut)

    centre = float(best.x)
    try:
        lower = brentq(excess, n + 1e-9, centre) if excess(n + 1e-9) > 0 else n
        hi = centre * 2 + 10
        while excess(hi) < 0 and hi < centre * 1e4:
            hi *= 2
        upper = brentq(excess, centre, hi)
    except (ValueError, RuntimeError):
        return None
    return float(lower), float(upper)


def fit_models(
    counts: Mapping[History, float], level: float = 0.95, intervals: int = 5
) -> list[ModelFit]:
    """Fit every hierarchical log-linear model; returned best first by BIC (Rcapture).

    ``counts`` maps capture histories such as ``(1, 0, 1)`` to numbers of people; missing
    histories count as zero. Profile-likelihood intervals are computed for the best
    ``intervals`` models (each needs a search over N).
    """
    with warnings.catch_warnings():
        # Zero cells make some interactions unidentifiable in some models; their fits are
        # still reported, as Rcapture does, and the model ranking shows them for what they are.
        warnings.simplefilter("ignore")
        return _fit_models(counts, level, intervals)


def _fit_models(counts: Mapping[History, float], level: float, intervals: int) -> list[ModelFit]:
    t, histories, y = _check(counts)
    n = float(y.sum())
    if n <= 0:
        raise MethodInputError("nobody was captured")
    fits = []
    for terms in hierarchical_models(t):
        x = _design(histories, terms)
        res = sm.GLM(y, x, family=sm.families.Poisson()).fit()
        b0, v0 = float(res.params[0]), float(res.cov_params()[0, 0])
        m0 = math.exp(b0)
        rank = x.shape[1]
        aic = float(res.aic)
        fits.append(
            ModelFit(
                name=model_name(t, terms),
                terms=terms,
                abundance=n + m0,
                std_err=math.sqrt(m0 + m0 * m0 * v0),
                deviance=float(res.deviance),
                df=round(res.df_resid),
                aic=aic,
                bic=aic + (math.log(n) - 2) * rank,
            )
        )
    ranked = sorted(fits, key=lambda f: f.bic)
    for i, f in enumerate(ranked[:intervals]):
        bounds = _profile_interval(histories, y, _design(histories, f.terms), n, f.abundance, level)
        if bounds:
            ranked[i] = replace(f, lower=bounds[0], upper=bounds[1])
    return ranked


def chapman(counts: Mapping[History, float]) -> TwoSource:
    """Chapman's nearly unbiased two-source estimate, its variance, and Lincoln–Petersen."""
    t, _, _ = _check(counts)
    if t != 2:
        raise MethodInputError("Chapman's estimator takes exactly two sources")
    both = float(counts.get((1, 1), 0))
    n1 = both + float(counts.get((1, 0), 0))
    n2 = both + float(counts.get((0, 1), 0))
    estimate = (n1 + 1) * (n2 + 1) / (both + 1) - 1
    variance = (n1 + 1) * (n2 + 1) * (n1 - both) * (n2 - both) / ((both + 1) ** 2 * (both + 2))
    lp = n1 * n2 / both if both else math.inf
    return TwoSource(estimate, variance, lp)
