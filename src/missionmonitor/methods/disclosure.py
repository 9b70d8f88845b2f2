"""Statistical disclosure control, following the PHS reference tool (``sdcshinyapp``).

* ``primary_mask`` — cells with 1..threshold (zeros kept by default) are suppressed.
* ``suppress_table`` — primary plus secondary suppression of a table with published row
  (and optionally column) totals. It starts with the PHS rule (a line with exactly one
  suppressed cell also loses its smallest remaining non-zero cell, all ties) and then audits
  the whole pattern with linear algebra, adding suppressions until no suppressed value can
  be worked out exactly from what is published.
* ``round_to_base`` — ``plyr::round_any`` with R's half-to-even rounding.

Deliberate difference from ``sdcshinyapp``: zeros are never chosen for secondary
suppression (the reference can pick a 0 in a column with no other suppression).

>>> primary_mask([0, 1, 2, 3, 4], threshold=3).tolist()
[False, True, True, True, False]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from missionmonitor.errors import MethodInputError
from missionmonitor.methods._common import FloatArray, as_float_array

#: The marker PHS uses in published tables for a suppressed value.
SUPPRESSION_MARKER = "c"

#: Default threshold: counts from 1 to 9 trigger protection (NHS Scotland SDC guidance).
DEFAULT_THRESHOLD = 9

BoolArray = NDArray[np.bool_]


def primary_mask(values: ArrayLike, threshold: int, *, suppress_zero: bool = False) -> BoolArray:
    """True where a value must be suppressed: 0 < x <= threshold (or x <= threshold)."""
    x = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        mask = (x <= threshold) if suppress_zero else ((x > 0) & (x <= threshold))
    return np.asarray(mask & ~np.isnan(x), dtype=np.bool_)


def round_to_base(values: ArrayLike, base: int) -> FloatArray:
    """Round whole numbers to a multiple of ``base``, halves to even (``plyr::round_any``)."""
    if int(base) != base or base <= 1:
        raise MethodInputError("base must be an integer greater than 1")
    x = as_float_array(values, "values")
    finite = x[~np.isnan(x)]
    if np.any(finite != np.round(finite)):
        raise MethodInputError("only whole numbers can be rounded to a base")
    rounded: FloatArray = np.round(x / base) * base
    return rounded


@dataclass(frozen=True)
class SuppressedTable:
    """A table with its suppression pattern. ``published_*`` give NaN where suppressed."""

    cells: FloatArray
    cell_suppressed: BoolArray
    row_totals: FloatArray
    row_total_suppressed: BoolArray
    col_totals: FloatArray | None
    col_total_suppressed: BoolArray | None

    def published_cells(self) -> FloatArray:
        return np.where(self.cell_suppressed, np.nan, self.cells)

    def published_row_totals(self) -> FloatArray:
        return np.where(self.row_total_suppressed, np.nan, self.row_totals)


def _unknown_index(
    cell_sup: BoolArray, row_sup: BoolArray, col_sup: BoolArray | None
) -> list[tuple[str, int, int]]:
    unknowns: list[tuple[str, int, int]] = [
        ("cell", int(i), int(j)) for i, j in np.argwhere(cell_sup)
    ]
    unknowns += [("row", int(i), -1) for i in np.flatnonzero(row_sup)]
    if col_sup is not None:
        unknowns += [("col", -1, int(j)) for j in np.flatnonzero(col_sup)]
    return unknowns


def recoverable(
    cell_sup: BoolArray,
    row_sup: BoolArray,
    col_sup: BoolArray | None = None,
) -> list[tuple[str, int, int]]:
    """Suppressed values that the published margins determine exactly.

    Each published line gives one linear equation (cells − total = 0) over the suppressed
    values; a suppressed value is determined exactly when its unit vector lies in the row
    space of those equations, i.e. every null-space vector has a zero in its position.
    Returns ``("cell", i, j)``, ``("row", i, -1)`` or ``("col", -1, j)`` items.
    """
    unknowns = _unknown_index(cell_sup, row_sup, col_sup)
    if not unknowns:
        return []
    pos = {u: k for k, u in enumerate(unknowns)}
    n_rows, n_cols = cell_sup.shape
    equations: list[FloatArray] = []

    def line(cells: list[tuple[int, int]], total: tuple[str, int, int]) -> None:
        eq = np.zeros(len(unknowns))
        for i, j in cells:
            k = pos.get(("cell", i, j))
            if k is not None:
                eq[k] = 1.0
        if total in pos:
            eq[pos[total]] = -1.0
        if eq.any():
            equations.append(eq)

    for i in range(n_rows):
        line([(i, j) for j in range(n_cols)], ("row", i, -1))
    if col_sup is not None:
        for j in range(n_cols):
            line([(i, j) for i in range(n_rows)], ("col", -1, j))
    if not equations:
        return []
    a = np.vstack(equations)
    _, s, vt = np.linalg.svd(a)
    rank = int((s > 1e-9 * max(a.shape)).sum())
    null = vt[rank:]
    if null.shape[0] == 0:
        return list(unknowns)
    determined = np.all(np.abs(null) < 1e-9, axis=0)
    return [u for u, d in zip(unknowns, determined, strict=True) if d]


def _smallest_open(values: FloatArray, suppressed: BoolArray) -> BoolArray:
    """Mask of the smallest non-zero, unsuppressed values in a line (all ties)."""
    open_ = ~suppressed & (values > 0) & ~np.isnan(values)
    if not open_.any():
        return np.zeros_like(suppressed)
    smallest = values[open_].min()
    return np.asarray(open_ & (values == smallest), dtype=np.bool_)


def _protect(
    exposed: tuple[str, int, int],
    c: FloatArray,
    cell_sup: BoolArray,
    row_sup: BoolArray,
    col_sup: BoolArray | None,
) -> None:
    """Suppress one more value so that ``exposed`` is no longer pinned down (in place).

    Prefer the smallest open cell in the exposed value's own row, then its column; failing
    that, any open cell in the table; failing that, a published total on one of its lines.
    Each call suppresses at least one more value, so the audit loop always ends.
    """
    kind, i, j = exposed
    lines: list[tuple[FloatArray, BoolArray]] = []
    if kind in ("cell", "row"):
        lines.append((c[i], cell_sup[i]))
    if kind in ("cell", "col"):
        lines.append((c[:, j], cell_sup[:, j]))
    lines.append((c.ravel(), cell_sup.reshape(-1)))  # views: writes reach cell_sup
    for values, mask in lines:
        extra = _smallest_open(values, mask)
        if extra.any():
            mask |= extra
            return
    # No open cell can help: suppress a published total on one of the exposed value's lines.
    totals: list[tuple[BoolArray, int]] = []
    if kind == "cell":
        totals.append((row_sup, i))
        if col_sup is not None:
            totals.append((col_sup, j))
    elif kind == "row" and col_sup is not None:
        totals += [(col_sup, int(k)) for k in np.flatnonzero(cell_sup[i])]
    elif kind == "col":
        totals += [(row_sup, int(k)) for k in np.flatnonzero(cell_sup[:, j])]
    for flags, k in totals:
        if not flags[k]:
            flags[k] = True
            return
    raise MethodInputError(f"cannot protect suppressed value {exposed}")  # pragma: no cover


def suppress_table(
    cells: ArrayLike,
    row_totals: ArrayLike | None = None,
    col_totals: ArrayLike | None = None,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    suppress_zero: bool = False,
) -> SuppressedTable:
    """Primary and secondary suppression of a 2-D table with its published totals.

    ``row_totals`` defaults to the row sums (the margin a reader could add up). Cells that are
    already missing (NaN: suppressed at source) count as suppressed.
    """
    c = np.atleast_2d(np.asarray(cells, dtype=np.float64))
    rows = c.sum(axis=1) if row_totals is None else as_float_array(row_totals, "row_totals")
    cols = None if col_totals is None else as_float_array(col_totals, "col_totals")
    if rows.size != c.shape[0] or (cols is not None and cols.size != c.shape[1]):
        raise MethodInputError("totals do not match the table's shape")

    cell_sup = primary_mask(c, threshold, suppress_zero=suppress_zero) | np.isnan(c)
    row_sup = primary_mask(rows, threshold, suppress_zero=suppress_zero) | np.isnan(rows)
    col_sup = (
        None
        if cols is None
        else primary_mask(cols, threshold, suppress_zero=suppress_zero) | np.isnan(cols)
    )

    # PHS rule: a published line with exactly one suppressed cell loses its next smallest.
    for i in range(c.shape[0]):
        if not row_sup[i] and cell_sup[i].sum() == 1:
            cell_sup[i] |= _smallest_open(c[i], cell_sup[i])
    if cols is not None and col_sup is not None:
        for j in range(c.shape[1]):
            if not col_sup[j] and cell_sup[:, j].sum() == 1:
                cell_sup[:, j] |= _smallest_open(c[:, j], cell_sup[:, j])

    # Audit: keep adding the cheapest protecting suppression until nothing is recoverable.
    for _ in range(c.size + rows.size + (0 if cols is None else cols.size) + 1):
        exposed = recoverable(cell_sup, row_sup, col_sup)
        if not exposed:
            break
        _protect(exposed[0], c, cell_sup, row_sup, col_sup)
    else:  # pragma: no cover - every step suppresses at least one more value
        raise MethodInputError("secondary suppression did not converge")

    return SuppressedTable(c, cell_sup, rows, row_sup, cols, col_sup)
