"""The NRS workbook connector on workbooks made here in the publisher's layout: the header
found wherever it moved, names matched to codes, periods in the product's grammar, markers
kept as markers, and a changed layout refused with its file, sheet, row and column."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from missionmonitor.connectors.nrs_workbook import read
from missionmonitor.datasets.declaration import Source
from missionmonitor.errors import DefinitionError, LayoutError
from missionmonitor.refdata.geography import Geography

HEADER = ["NHS Board area", "Five-year period", "Rate", "Total number of deaths"]


def _source(**options: Any) -> Source:
    sheet = {"sheet": "Table_HB4", "header": HEADER[:2], "area_types": ["health_board"]}
    return Source.model_validate(
        {
            "platform": "nrs_workbook",
            "cadence": "annual",
            "editions": [
                {"edition": "2023", "url": "https://example.org/x.xlsx", "file": "x.xlsx"}
            ],
            "columns": {
                "NHS Board area": "area_name",
                "Five-year period": "period",
                "Rate": "rate",
                "Total number of deaths": "deaths",
            },
            "qualifiers": {"status": {"[u]": "not_calculated", "[c]": "confidential"}},
            "options": {"marker": "marker", "sheets": [sheet], **options},
        }
    )


def _boards(geo: Geography) -> list[str]:
    # As NRS writes them: no "NHS", some with a trailing space.
    names = [a.name.removeprefix("NHS ") for a in geo.of_type("health_board")]
    return [n + " " if n in ("Highland", "Greater Glasgow and Clyde") else n for n in names]


def _workbook(
    rows: list[list[Any]], *, header: list[str] = HEADER, lines: int = 3, sheet: str = "Table_HB4"
) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(["Table HB4: drug misuse deaths [note 1]"])
    for _ in range(lines):
        ws.append(["Some text about the table."])
    ws.append(header)
    for r in rows:
        ws.append(r)
    ws.append([])
    ws.append(["Source: National Records of Scotland"])  # below the table: not a row
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _rows(geo: Geography, period: str = "2019 -2023") -> list[list[Any]]:
    return [["Scotland", period, 22.1, 5800]] + [[n, period, 20.5, 50] for n in _boards(geo)]


def test_a_table_is_read_into_the_datasets_columns(geo):
    frame = read(_workbook(_rows(geo)), _source(), geo, "x.xlsx")
    assert len(frame) == 15
    glasgow = frame[frame.area_name == "Greater Glasgow and Clyde"].iloc[0]  # trimmed
    assert glasgow.area_code == geo.parent("S12000049", "health_board").code
    assert glasgow.area_type == "health_board"
    assert set(frame.period) == {"2019-2023"}
    assert frame.index[0] == 6  # the row in the sheet: title, 3 lines, header


def test_the_header_is_found_where_it_moved(geo):
    moved = read(_workbook(_rows(geo), lines=5), _source(), geo, "x.xlsx")
    assert moved.index[0] == 8 and len(moved) == 15


@pytest.mark.parametrize(("label", "period"), [("2019to2023", "2019-2023"), (2023, "2023")])
def test_periods_are_written_in_the_products_grammar(geo, label, period):
    frame = read(_workbook(_rows(geo, label)), _source(), geo, "x.xlsx")
    assert set(frame.period) == {period}


def test_a_marker_leaves_the_value_blank_and_says_why(geo):
    rows = _rows(geo)
    rows[1][2] = "[u]"
    frame = read(_workbook(rows), _source(), geo, "x.xlsx")
    marked = frame.iloc[1]
    assert marked.rate is None and marked.deaths == 50
    assert (marked.marker, marked.status) == ("[u]", "not_calculated")
    assert frame.iloc[2].status is None and frame.iloc[2].rate == 20.5


def test_an_undeclared_shorthand_is_a_changed_layout(geo):
    rows = _rows(geo)
    rows[3][2] = "[k]"
    with pytest.raises(LayoutError) as err:
        read(_workbook(rows), _source(), geo, "x.xlsx")
    assert "sheet 'Table_HB4', row 9, column C ('Rate')" in str(err.value)
    assert "[k]" in str(err.value)


def test_a_renamed_column_names_the_header_row(geo):
    header = ["NHS Board area", "5-year period", "Rate", "Total number of deaths"]
    with pytest.raises(LayoutError) as err:
        read(_workbook(_rows(geo), header=header), _source(), geo, "x.xlsx")
    assert "x.xlsx, sheet 'Table_HB4', row 5" in str(err.value)
    assert "'Five-year period'" in str(err.value)


def test_a_missing_sheet_or_header_is_a_changed_layout(geo):
    with pytest.raises(LayoutError, match="sheet 'Table_HB4': no such sheet"):
        read(_workbook(_rows(geo), sheet="Table_HB5"), _source(), geo, "x.xlsx")
    with pytest.raises(LayoutError, match="no header row starting 'NHS Board area'"):
        read(_workbook(_rows(geo), lines=40), _source(), geo, "x.xlsx")


def test_an_unknown_area_name_names_its_cell(geo):
    rows = _rows(geo)
    rows[2][0] = "Ayrshire"
    with pytest.raises(LayoutError) as err:
        read(_workbook(rows), _source(), geo, "x.xlsx")
    assert "row 8" in str(err.value) and "'Ayrshire' is not the name of a health_board" in str(
        err.value
    )


def test_a_table_cut_short_is_refused(geo):
    with pytest.raises(LayoutError, match="1 area\\(s\\) missing from the table"):
        read(_workbook(_rows(geo)[:-1]), _source(), geo, "x.xlsx")


def test_a_file_that_is_no_workbook_is_refused(geo):
    good = _workbook(_rows(geo))
    with pytest.raises(LayoutError, match=r"x\.xlsx: not an \.xlsx workbook"):
        read(good[: len(good) // 2], _source(), geo, "x.xlsx")


def test_a_table_across_is_turned_long(geo):
    header = ["Year", "Sex", "Scotland", *_boards(geo)]
    rows = [[2023, "Persons", 1172, *range(14)], [2023, "Males", 805, *range(14)]]
    sheet = {
        "sheet": "Table_HB1",
        "header": ["Year", "Sex", "Scotland"],
        "area_types": ["health_board"],
        "melt": {"first": "Scotland", "into": "area_name", "value": "deaths"},
    }
    source = _source(sheets=[sheet], values={"sex": {"Persons": "All", "Males": "Male"}})
    source = source.model_copy(update={"columns": {"Year": "period", "Sex": "sex"}})
    frame = read(_workbook(rows, header=header, sheet="Table_HB1"), source, geo, "x.xlsx")
    assert len(frame) == 30
    assert set(frame.sex) == {"All", "Male"}
    scotland = frame[(frame.area_code == "S92000003") & (frame.sex == "All")]
    assert list(scotland.deaths) == [1172] and list(scotland.period) == ["2023"]


def test_the_edition_read_gives_the_rows_source_key(geo):
    source = _source(vintage="source", vintages={"2023": "NRS_DRD_2023_DATA"})
    frame = read(_workbook(_rows(geo)), source, geo, "x.xlsx")
    assert set(frame.source) == {"NRS_DRD_2023_DATA"}
    with pytest.raises(LayoutError, match="not a declared edition"):
        read(_workbook(_rows(geo)), source, geo, "y.xlsx")


def test_options_that_do_not_fit_are_a_definition_error(geo):
    with pytest.raises(DefinitionError, match="nrs_workbook source options"):
        read(_workbook(_rows(geo)), _source(sheets=[]), geo, "x.xlsx")
