"""A dataset whose file is its publisher's own workbook is read through its connector and
checked like any file; the build loads it so, and other datasets stay CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from missionmonitor.connectors.dataset_file import read_dataset_file, reads_publisher_file
from missionmonitor.data import shipped_file
from missionmonitor.datasets.declaration import get_declaration
from missionmonitor.errors import LayoutError, ValidationError
from missionmonitor.store.connection import Store
from tests.helpers import scotland


def test_the_nrs_datasets_read_the_publishers_workbooks():
    assert reads_publisher_file(get_declaration(scotland(), "nrs_drug_deaths"))
    assert reads_publisher_file(get_declaration(scotland(), "nrs_population"))
    assert not reads_publisher_file(get_declaration(scotland(), "drd_by_area"))


def test_a_workbooks_rows_are_checked_with_their_sheet_rows(geo):
    decl = get_declaration(scotland(), "nrs_drug_deaths")
    parsed = read_dataset_file(decl, shipped_file(scotland(), decl.file), geo)
    assert len(parsed.rows) == len(parsed.row_numbers) > 3000
    first = parsed.rows[0]
    assert (first["table"], first["area_code"], first["period"], first["deaths"]) == (
        "Table_HB1",
        "S92000003",
        "2010",
        485,
    )
    assert parsed.row_numbers[0] == 6  # the sheet's row, below the header in row 5


def test_a_value_breaking_the_datasets_rules_is_refused_with_its_row(geo, tmp_path: Path):
    decl = get_declaration(scotland(), "nrs_drug_deaths")
    columns = dict(decl.columns)
    columns["deaths"] = columns["deaths"].model_copy(update={"max": 1000})
    strict = decl.model_copy(update={"columns": columns})
    with pytest.raises(ValidationError) as err:
        read_dataset_file(strict, shipped_file(scotland(), decl.file), geo)
    # Scotland's 2011 deaths (584) pass; 1,172 in 2023 (row 19 of Table_HB1) does not.
    assert "row 19, column 'deaths'" in str(err.value)


def test_a_file_not_a_workbook_is_a_layout_error(geo, tmp_path: Path):
    decl = get_declaration(scotland(), "nrs_population")
    bad = tmp_path / decl.file
    bad.write_bytes(shipped_file(scotland(), decl.file).read_bytes()[:5000])
    with pytest.raises(LayoutError, match=r"mid-year-pop-est-22-data\.xlsx"):
        read_dataset_file(decl, bad, geo)


def test_the_build_loads_the_workbooks_through_their_connector(store: Store):
    loads = dict(store.query("SELECT dataset, file_name FROM loads"))
    assert loads["nrs_drug_deaths"] == "drug-related-deaths-23-data.xlsx"
    assert loads["nrs_population"] == "mid-year-pop-est-22-data.xlsx"
    ((value, lci, uci, row),) = store.query(
        "SELECT value, lci, uci, source_row FROM observations WHERE dataset = 'nrs_drug_deaths' "
        "AND measure = 'asr_5yr' AND area_code = 'S12000042' AND period = '2019-2023'"
    )
    # Dundee City, '2019 -2023' in Table_C4: 40.2 (35.3 to 45.1), as NRS publishes it.
    assert (value, lci, uci) == (40.2, 35.3, 45.1) and row > 600
