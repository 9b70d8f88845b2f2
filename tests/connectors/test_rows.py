"""Rows kept by their cells, and a row folded into the row it belongs with."""

from __future__ import annotations

import pytest

from missionmonitor.connectors.rows import folded, kept, text
from missionmonitor.datasets.declaration import Source
from missionmonitor.errors import DefinitionError, LayoutError

# Cells of PHS's Ongoing Waits rows (publishers-phs.md, Scotland, Q4 2024/2025).
NUMBER = {
    "Quarter": "Q4 2024/2025",
    "ADPName": "All NHS NHSScotland ADPs",
    "Measure": "Number",
    "LDP_standard_waited_more_than_3_weeks": 303,
}
PERCENT = {**NUMBER, "Measure": "Percentage", "LDP_standard_waited_more_than_3_weeks": 14.631}


def source(**options: object) -> Source:
    return Source(platform="phs_ckan", cadence="quarterly", resource="x", options=options)


def test_cells_are_text_and_whole_numbers_have_no_decimal_point():
    assert [text(None), text(303.0), text(14.631), text(" All ")] == ["", "303", "14.631", "All"]


def test_rows_are_kept_by_their_cells():
    rows = [(2, dict(NUMBER)), (3, dict(PERCENT))]
    assert kept(rows, source(rows={"Measure": ["Percentage"]})) == [(3, PERCENT)]
    assert kept(rows, source()) == rows


def test_a_percentage_row_folds_into_its_number_row():
    fold = {
        "where": {"Measure": "Percentage"},
        "by": ["Quarter", "ADPName"],
        "columns": {"LDP_standard_waited_more_than_3_weeks": "percent_over_3_weeks"},
    }
    out = folded([(2, dict(NUMBER)), (3, dict(PERCENT))], source(fold=fold), "f.csv")
    assert len(out) == 1 and out[0][0] == 2
    assert out[0][1]["LDP_standard_waited_more_than_3_weeks"] == 303
    assert 14.631 in out[0][1].values()
    with pytest.raises(LayoutError, match=r"f\.csv, row 3"):
        folded([(3, dict(PERCENT))], source(fold=fold), "f.csv")
    with pytest.raises(DefinitionError, match=r"fold\.by"):
        folded([(2, dict(NUMBER))], source(fold={**fold, "by": "Quarter"}), "f.csv")
