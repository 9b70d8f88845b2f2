"""Rounding as Public Health Scotland publishes: halves away from zero.

Python's and R's ``round`` send halves to the even neighbour (``round(2.5) == 2``);
PHS publication code uses ``janitor::round_half_up``, which this reproduces, including
its small tolerance (``sqrt(.Machine$double.eps)``) so that 1.125 rounds to 1.13.

>>> float(round_half_up(12.5))
13.0
>>> float(round_half_up(1.125, 2))
1.13
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from missionmonitor.methods._common import FloatArray

_EPS = float(np.sqrt(np.finfo(np.float64).eps))  # 1.490116e-08, as in janitor


def round_half_up(x: ArrayLike, digits: int = 0) -> FloatArray:
    """Round to ``digits`` decimal places with halves away from zero (NaN stays NaN)."""
    arr = np.asarray(x, dtype=np.float64)
    scale = 10.0**digits
    z = np.abs(arr) * scale
    z = np.trunc(z + 0.5 + _EPS) / scale
    out: FloatArray = z * np.sign(arr)
    # sign(-0.0) is -0.0 and sign(0) is 0: keep a plain zero for exact-zero input.
    return np.where(arr == 0, 0.0, out)
