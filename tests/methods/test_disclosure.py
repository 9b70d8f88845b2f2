"""Disclosure control: sdcshinyapp vectors and the no-recovery invariant (methods.md §8)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from missionmonitor.methods.disclosure import (
    primary_mask,
    recoverable,
    suppress_table,
)


def test_primary_suppression():
    assert primary_mask([1, 2, 3, 4, 5], 3).tolist() == [True, True, True, False, False]
    assert primary_mask([0, 1, 2, 3, 4], 3).tolist() == [False, True, True, True, False]
    assert primary_mask([0, 4], 3, suppress_zero=True).tolist() == [True, False]


def test_package_secondary_vector_columns_of_equal_values():
    # Total and 8 age columns all 1,2,3,4,5,NA with sup_cond 3: rows are records.
    rows = [[v] * 8 for v in (1, 2, 3, 4, 5)]
    t = suppress_table(rows, [8 * v for v in (1, 2, 3, 4, 5)], threshold=3)
    assert t.cell_suppressed[:3].all()
    assert not t.cell_suppressed[3:].any()


def test_one_primary_gets_one_secondary():
    t = suppress_table([[2, 9, 4, 6, 8, 9, 5, 7]], [50], threshold=3)
    shown = ["c" if s else int(v) for v, s in zip(t.cells[0], t.cell_suppressed[0], strict=True)]
    assert shown == ["c", 9, "c", 6, 8, 9, 5, 7]


def test_two_primaries_need_no_secondary():
    t = suppress_table([[1, 9, 4, 0, 8, 9, 3, 10]], [44], threshold=3)
    shown = ["c" if s else int(v) for v, s in zip(t.cells[0], t.cell_suppressed[0], strict=True)]
    assert shown == ["c", 9, 4, 0, 8, 9, "c", 10]


def test_zeros_are_never_secondary():
    t = suppress_table([[2, 0, 0, 30]], [32], threshold=3)
    assert t.cell_suppressed[0].tolist() == [True, False, False, True]


def test_lone_small_cell_with_only_zeros_suppresses_the_total():
    t = suppress_table([[2, 0, 0]], [2], threshold=3)
    assert t.cell_suppressed[0, 0] and t.row_total_suppressed[0]


def test_column_totals_are_protected_too():
    cells = [[2, 20, 30], [40, 50, 60]]
    t = suppress_table(cells, col_totals=[42, 70, 90], threshold=3)
    assert recoverable(t.cell_suppressed, t.row_total_suppressed, t.col_total_suppressed) == []
    assert t.cell_suppressed.sum() >= 4  # the row and the column of the 2 both need cover


def test_already_missing_cells_count_as_suppressed():
    t = suppress_table([[np.nan, 20, 30]], [55], threshold=3)
    assert t.cell_suppressed[0].tolist() == [True, True, False]


def test_recoverable_detects_a_lone_suppression():
    cell_sup = np.array([[True, False, False]])
    assert recoverable(cell_sup, np.array([False])) == [("cell", 0, 0)]


tables = st.integers(1, 5).flatmap(
    lambda r: st.integers(2, 6).flatmap(
        lambda c: st.lists(
            st.lists(st.integers(0, 40), min_size=c, max_size=c), min_size=r, max_size=r
        )
    )
)


@settings(max_examples=150, deadline=None)
@given(tables, st.booleans())
def test_no_suppressed_value_is_recoverable_from_published_margins(cells, with_cols):
    arr = np.array(cells, dtype=float)
    cols = arr.sum(axis=0) if with_cols else None
    t = suppress_table(arr, col_totals=cols, threshold=5)
    assert recoverable(t.cell_suppressed, t.row_total_suppressed, t.col_total_suppressed) == []
    # Every primary cell is suppressed; zeros never are.
    assert t.cell_suppressed[(arr > 0) & (arr <= 5)].all()
    assert not t.cell_suppressed[arr == 0].any()


def test_hide_small_keeps_zeros_and_missing_values_and_hides_small_counts():
    from missionmonitor.methods.disclosure import hide_small

    assert hide_small([0, 1, 9, 10, None], 9) == [0, None, None, 10, None]
    assert hide_small([0, 1, 9, 10], 0) == [0, 1, 9, 10]


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (20, 40, (False, False)),  # both sides large: shown
        (3, 40, (False, True)),  # a small part: the share goes
        (37, 40, (False, True)),  # a small complement (3 disagree): the share goes too
        (5, 8, (True, True)),  # a small whole: everything goes
        (0, 0, (False, True)),  # no answers: no share to show
    ],
)
def test_a_share_never_gives_away_a_small_count_on_either_side(part, whole, expected):
    from missionmonitor.methods.disclosure import share_hidden

    assert share_hidden(part, whole, threshold=9) == expected
