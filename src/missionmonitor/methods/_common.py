"""Small helpers shared by the method modules."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from missionmonitor.errors import MethodInputError

FloatArray = NDArray[np.float64]

#: ScotPHO and HSMR hard-code this two-sided 95% z value.
Z_FIXED_95 = 1.96


def as_float_array(values: ArrayLike, name: str) -> FloatArray:
    """Return ``values`` as a 1-D float array (NaN kept), or raise naming the argument."""
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=np.float64))
    except (TypeError, ValueError) as exc:
        raise MethodInputError(f"{name} must be numeric: {exc}") from exc
    if arr.ndim != 1:
        raise MethodInputError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return arr


def normalise_confidence(confidence: float) -> float:
    """Accept 0.95 or 95 (PHEIM allows [0.9, 1] or [90, 100]) and return a fraction."""
    c = float(confidence)
    if 90 <= c <= 100:
        c = c / 100
    if not 0.9 <= c <= 1:
        raise MethodInputError(
            f"confidence must be between 0.9 and 1 (or 90 and 100), got {confidence}"
        )
    return c


#: ``ndtri(c + (1 - c) / 2)`` for the confidences the methods use, so that computing an
#: interval does not import SciPy (a test checks each against SciPy).
KNOWN_Z = {
    0.9: 1.6448536269514722,
    0.95: 1.959963984540054,
    0.99: 2.5758293035489004,
    0.998: 3.090232306167813,
}


def z_two_sided(confidence: float) -> float:
    """Exact two-sided normal quantile: 1.959964 for 95%, 3.090232 for 99.8%."""
    c = normalise_confidence(confidence)
    if c in KNOWN_Z:
        return KNOWN_Z[c]
    # The inverse normal of scipy.special (the function scipy.stats' norm.ppf calls),
    # imported on use: scipy.stats alone takes about a second to import.
    from scipy.special import ndtri

    return float(ndtri(c + (1 - c) / 2))


def check_counts(
    numerator: FloatArray,
    denominator: FloatArray,
    names: tuple[str, str] = ("numerator", "denominator"),
    *,
    may_exceed: bool = True,
) -> None:
    """Raise unless numerator >= 0, denominator > 0, equal lengths (and x <= n if asked).

    Missing values are allowed: they propagate to missing results.
    """
    x_name, n_name = names
    if numerator.shape != denominator.shape:
        raise MethodInputError(
            f"{x_name} and {n_name} differ in length: {numerator.size} vs {denominator.size}"
        )
    ok = ~(np.isnan(numerator) | np.isnan(denominator))
    if np.any(numerator[ok] < 0):
        raise MethodInputError(f"{x_name} must be >= 0")
    if np.any(denominator[ok] <= 0):
        raise MethodInputError(f"{n_name} must be > 0")
    if not may_exceed and np.any(numerator[ok] > denominator[ok]):
        raise MethodInputError(f"{x_name} must not exceed {n_name}")
