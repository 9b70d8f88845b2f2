"""Statistical disclosure control, following the PHS reference tool (``sdcshinyapp``).

* ``Disclosure`` — the rule a measure declares in its configuration (an indicator's
  ``disclosure:``, a return form's, a surveillance series', a dataset's measures); every
  published count goes through the functions below with that rule's threshold.
* ``primary_mask`` — cells with 1..threshold (zeros kept by default) are suppressed;
  ``hide_small`` applies it to a list of counts (a hidden count becomes None).
* ``share_hidden`` — a share and the whole behind it, protected as a total with its two
  parts (those that agree and those that do not), so neither part can be worked out.
* ``suppress_groups`` — what the engine runs: primary plus secondary suppression of values
  related by published totals (an area and the areas that make it up); ``suppress_table``
  applies it to a table with published row (and optionally column) totals, as the
  reference tool's tests do. It starts with the PHS rule (a line with exactly one
  suppressed cell also loses its smallest remaining non-zero cell, all ties) and then audits
  the whole pattern with linear algebra, adding suppressions until no suppressed value can
  be worked out exactly from what is published.

Deliberate difference from ``sdcshinyapp``: zeros are never chosen for secondary
suppression (the reference can pick a 0 in a column with no other suppression).

>>> primary_mask([0, 1, 2, 3, 4], threshold=3).tolist()
[False, True, True, True, False]
>>> hide_small([0, 4, 12, None], Disclosure(threshold=9).threshold)
[0, None, 12, None]
>>> share_hidden(part=3, whole=40, threshold=9), share_hidden(part=20, whole=40, threshold=9)
((False, True), (False, False))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, ConfigDict, Field

from missionmonitor.errors import MethodInputError
from missionmonitor.methods._common import FloatArray, as_float_array

#: The marker PHS uses in published tables for a suppressed value.
SUPPRESSION_MARKER = "c"

#: Default threshold: counts from 1 to 9 trigger protection (NHS Scotland SDC guidance).
DEFAULT_THRESHOLD = 9

BoolArray = NDArray[np.bool_]


class Disclosure(BaseModel):
    """A measure's disclosure rule, as its configuration declares it (``disclosure:``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Counts from 1 to this value are suppressed (0 switches primary suppression off).
    threshold: int = Field(default=DEFAULT_THRESHOLD, ge=0)
    #: Counts add up across the area hierarchy, so protect totals against differencing.
    additive: bool = True


def primary_mask(values: ArrayLike, threshold: int, *, suppress_zero: bool = False) -> BoolArray:
    """True where a value must be suppressed: 0 < x <= threshold (or x <= threshold)."""
    x = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        mask = (x <= threshold) if suppress_zero else ((x > 0) & (x <= threshold))
    return np.asarray(mask & ~np.isnan(x), dtype=np.bool_)


def hide_small(values: Sequence[float | None], threshold: int) -> list[float | None]:
    """``values`` with each count from 1 to ``threshold`` replaced by None (a value that is
    already None stays None)."""
    hidden = primary_mask([np.nan if v is None else v for v in values], threshold)
    return [None if small else v for v, small in zip(values, hidden, strict=True)]


def share_hidden(part: float, whole: float, threshold: int) -> tuple[bool, bool]:
    """(whole hidden, share hidden) for a share ``part / whole`` published with its whole.

    The whole is the total of two counts, ``part`` and ``whole - part``; both go through
    primary and secondary suppression as a total with its parts, so that a small count on
    either side is neither shown nor worked out from the share and the whole. A share of
    nothing (``whole == 0``) is hidden too: there is no share to show.
    """
    sup = suppress_groups([whole, part, whole - part], [(0, (1, 2))], threshold=threshold)
    return bool(sup[0]), bool(whole == 0 or sup[1] or sup[2])


Group = tuple[int, tuple[int, ...]]


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


def recoverable_values(suppressed: BoolArray, groups: list[Group]) -> list[int]:
    """Indices of suppressed values that published group totals determine exactly.

    Each group ``(total, parts)`` says ``values[total] == sum(values[parts])``. Over the
    suppressed values these are linear equations; a suppressed value is determined exactly
    when its unit vector lies in their row space, i.e. every null-space vector is zero there.
    """
    unknown = np.flatnonzero(suppressed)
    if unknown.size == 0:
        return []
    pos = {int(k): n for n, k in enumerate(unknown)}
    rows: list[FloatArray] = []
    for total, parts in groups:
        eq = np.zeros(unknown.size)
        for p in parts:
            if p in pos:
                eq[pos[p]] += 1.0
        if total in pos:
            eq[pos[total]] -= 1.0
        if eq.any():
            rows.append(eq)
    if not rows:
        return []
    a = np.vstack(rows)
    _, s, vt = np.linalg.svd(a)
    rank = int((s > 1e-9 * max(a.shape)).sum())
    null = vt[rank:]
    if null.shape[0] == 0:
        return [int(k) for k in unknown]
    determined = np.all(np.abs(null) < 1e-9, axis=0)
    return [int(k) for k, d in zip(unknown, determined, strict=True) if d]


def _smallest_open(values: FloatArray, suppressed: BoolArray, among: list[int]) -> list[int]:
    """The smallest non-zero, unsuppressed values among ``among`` (all ties)."""
    open_ = [i for i in among if not suppressed[i] and values[i] > 0 and not np.isnan(values[i])]
    if not open_:
        return []
    smallest = min(values[i] for i in open_)
    return [i for i in open_ if values[i] == smallest]


def suppress_groups(
    values: ArrayLike,
    groups: list[Group],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    suppress_zero: bool = False,
    protect: ArrayLike | None = None,
) -> BoolArray:
    """Suppression mask for values tied together by additive groups (totals and their parts).

    Primary: 1..threshold (and anything missing, i.e. suppressed at source). Secondary: the
    PHS rule — a group with a published total and exactly one suppressed part also loses its
    smallest remaining non-zero part — then an audit that keeps adding the cheapest protecting
    suppression until no suppressed value can be worked out from what is published.
    ``protect`` marks extra values to suppress from the start (e.g. dominance).
    """
    x = as_float_array(values, "values")
    sup = primary_mask(x, threshold, suppress_zero=suppress_zero) | np.isnan(x)
    if protect is not None:
        sup |= np.asarray(protect, dtype=np.bool_)
    for total, parts in groups:
        if not sup[total] and sum(bool(sup[p]) for p in parts) == 1:
            for k in _smallest_open(x, sup, list(parts)):
                sup[k] = True
    for _ in range(x.size + 1):
        exposed = recoverable_values(sup, groups)
        if not exposed:
            return sup
        _protect(exposed[0], x, sup, groups)
    raise MethodInputError("secondary suppression did not converge")  # pragma: no cover


def _protect(k: int, x: FloatArray, sup: BoolArray, groups: list[Group]) -> None:
    """Suppress more values so that value ``k`` is no longer pinned down (in place).

    Candidates, cheapest first: the smallest open part of a group containing ``k`` (smaller
    groups first); the published total of such a group; the smallest open part of a group
    sharing a part with those; any published total of a group with a suppressed part. The
    first candidate that actually frees ``k`` is taken; if none does alone, the first
    available one is, and the audit goes round again. Each call suppresses at least one
    more value, so the audit always ends.
    """
    related = sorted((g for g in groups if k in g[1] or g[0] == k), key=lambda g: (len(g[1]), g[0]))
    touched = {p for _, parts in related for p in parts} | {k}
    neighbours = [g for g in groups if touched & set(g[1]) and g not in related]
    candidates: list[list[int]] = [
        *(_smallest_open(x, sup, list(parts)) for _, parts in related),
        *([total] for total, _ in related if not sup[total]),
        *(_smallest_open(x, sup, list(parts)) for _, parts in neighbours),
        *([total] for total, parts in groups if not sup[total] and any(sup[p] for p in parts)),
    ]
    candidates = [c for c in candidates if c]
    if not candidates:
        raise MethodInputError(f"cannot protect suppressed value at index {k}")  # pragma: no cover
    for extra in candidates:
        trial = sup.copy()
        trial[extra] = True
        if k not in recoverable_values(trial, groups):
            sup[extra] = True
            return
    sup[candidates[0]] = True


def _table_groups(n_rows: int, n_cols: int, with_cols: bool) -> list[Group]:
    """Groups for a table flattened as cells (row-major), then row totals, then column totals."""

    def cell(i: int, j: int) -> int:
        return i * n_cols + j

    groups: list[Group] = [
        (n_rows * n_cols + i, tuple(cell(i, j) for j in range(n_cols))) for i in range(n_rows)
    ]
    if with_cols:
        base = n_rows * n_cols + n_rows
        groups += [(base + j, tuple(cell(i, j) for i in range(n_rows))) for j in range(n_cols)]
    return groups


def recoverable(
    cell_sup: BoolArray, row_sup: BoolArray, col_sup: BoolArray | None = None
) -> list[tuple[str, int, int]]:
    """Table form of ``recoverable_values``: items ``("cell", i, j)``, ``("row", i, -1)`` or
    ``("col", -1, j)``."""
    n_rows, n_cols = cell_sup.shape
    flat = [cell_sup.ravel(), row_sup] + ([col_sup] if col_sup is not None else [])
    sup = np.concatenate(flat).astype(np.bool_)
    out: list[tuple[str, int, int]] = []
    for k in recoverable_values(sup, _table_groups(n_rows, n_cols, col_sup is not None)):
        if k < n_rows * n_cols:
            out.append(("cell", k // n_cols, k % n_cols))
        elif k < n_rows * n_cols + n_rows:
            out.append(("row", k - n_rows * n_cols, -1))
        else:
            out.append(("col", -1, k - n_rows * n_cols - n_rows))
    return out


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
    n_rows, n_cols = c.shape
    rows = c.sum(axis=1) if row_totals is None else as_float_array(row_totals, "row_totals")
    cols = None if col_totals is None else as_float_array(col_totals, "col_totals")
    if rows.size != n_rows or (cols is not None and cols.size != n_cols):
        raise MethodInputError("totals do not match the table's shape")
    flat = np.concatenate([c.ravel(), rows] + ([cols] if cols is not None else []))
    sup = suppress_groups(
        flat,
        _table_groups(n_rows, n_cols, cols is not None),
        threshold=threshold,
        suppress_zero=suppress_zero,
    )
    n = n_rows * n_cols
    return SuppressedTable(
        cells=c,
        cell_suppressed=sup[:n].reshape(n_rows, n_cols),
        row_totals=rows,
        row_total_suppressed=sup[n : n + n_rows],
        col_totals=cols,
        col_total_suppressed=None if cols is None else sup[n + n_rows :],
    )
