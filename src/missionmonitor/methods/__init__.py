"""Statistical methods: pure, vectorised functions with no I/O.

Conventions (documented in docs/methodology.md):

* z defaults to the exact normal quantile (``scipy.stats.norm.ppf``), as PHEindicatormethods;
  the likely range uses the fixed z = 1.96 that NRS and ScotPHO use.
* Publication rounding is round half up (``round_half_up``), as ``janitor::round_half_up``.
* NaN inputs propagate to NaN outputs.
"""
