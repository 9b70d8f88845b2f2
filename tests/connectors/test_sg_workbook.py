"""The Scottish Government's quarterly suspected drug deaths workbooks, read by the
``sg_workbook`` connector: all eleven real editions, the figures a person transcribed from
the newest, and the layout changes a later edition could bring."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from missionmonitor import config
from missionmonitor.connectors import sg_workbook
from missionmonitor.connectors.editions import revisions
from missionmonitor.data import shipped_file
from missionmonitor.datasets.declaration import Source, get_declaration
from missionmonitor.datasets.reader import check_rows, file_sha256
from missionmonitor.errors import DefinitionError, LayoutError, ValidationError
from missionmonitor.refdata.geography import Geography
from tests.helpers import scotland

FILES = Path(__file__).parent / "files"
WORKBOOKS = FILES / "sg-suspected-drug-deaths"
TRANSCRIBED = FILES / "sg_suspected_drug_deaths_areas.csv"
NEWEST = "SuspectedDRDs_OctDec2023.xlsx"
DATASET = "police_suspected_drug_deaths"


@pytest.fixture(scope="module")
def geography() -> Geography:
    return Geography.of(config.load(None))


@pytest.fixture(scope="module")
def source() -> Source:
    found = get_declaration(scotland(), DATASET).source
    assert found is not None
    return found


def _edition_files(source: Source) -> list[Path]:
    """The editions the dataset declares, oldest first, as test copies."""
    return [WORKBOOKS / e.url.rsplit("/", 1)[-1] for e in source.editions]


def _read(source: Source, geography: Geography, name: str, content: bytes | None = None):
    data = content if content is not None else (WORKBOOKS / name).read_bytes()
    return sg_workbook.read(data, source, geography, name)


def _changed(name: str, change) -> bytes:
    """A copy of a real workbook with ``change(sheet)`` applied, as bytes."""
    book = openpyxl.load_workbook(WORKBOOKS / name)
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _blank(cell) -> None:
    cell.value = None


def test_the_dataset_declares_every_edition_with_its_file_hash(source):
    files = _edition_files(source)
    assert len(files) == 11 and sorted(files) == sorted(WORKBOOKS.glob("*.xlsx"))
    for edition, path in zip(source.editions, files, strict=True):
        assert edition.sha256 == file_sha256(path.read_bytes())
    shipped = [e for e in source.editions if e.file]
    assert [e.file for e in shipped] == [NEWEST] and source.editions[-1] is shipped[0]
    assert shipped_file(scotland(), NEWEST).read_bytes() == (WORKBOOKS / NEWEST).read_bytes()


def test_every_edition_reads_from_2017_to_its_own_quarter(source, geography):
    divisions = {a.code for a in geography.of_type("police_division")}
    last_quarters = []
    for path in _edition_files(source):
        rows = _read(source, geography, path.name)
        assert rows.period.min() == "2017-Q1"
        assert set(rows.area_code) == divisions | {"S92000003"}
        assert (rows.groupby("period").size() == 14).all()
        edition = source.editions[_edition_files(source).index(path)].edition
        assert set(rows.edition) == {edition}
        # Only the shipped edition has a source key: an earlier one, read as it is, has none
        # (the dataset's checks refuse it until its key is declared).
        assert set(rows.source) == ({"SG_SDD_XLSX"} if path.name == NEWEST else {""})
        last_quarters.append(rows.period.max())
    # Quarterly editions, each one quarter on from the last.
    assert last_quarters[0] == "2021-Q2" and last_quarters[-1] == "2023-Q4"
    assert len(set(last_quarters)) == 11 and last_quarters == sorted(last_quarters)


def test_the_newest_edition_gives_every_transcribed_figure(source, geography):
    rows = _read(source, geography, NEWEST).set_index(["area_code", "period"])
    with TRANSCRIBED.open(newline="", encoding="utf-8") as f:
        transcribed = [r for r in csv.DictReader(f) if r["source_url"].endswith(NEWEST)]
    assert len(transcribed) == len(rows) == 392
    areas = source.options["areas"]
    assert isinstance(areas, dict)
    for t in transcribed:
        code = areas.get(t["area_code"], t["area_code"])  # the letter, or Scotland's code
        got = rows.loc[(code, t["period"])]
        if t["value"] == "":
            assert got.value == "" and got.status == "suppressed", t
            assert t["notes"].startswith("Published as x")
        else:
            assert (got.value, got.status) == (int(t["value"]), ""), t
        if t["area_code"] != "S92000003":
            assert got.area_name.startswith(f"{t['area_code']}: ")


def test_suppressed_cells_are_blank_never_zero(source, geography):
    rows = _read(source, geography, NEWEST)
    suppressed = rows[rows.status == "suppressed"]
    assert len(suppressed) == 8 and (suppressed.value == "").all()
    assert set(suppressed.area_type) == {"police_division"}


def test_the_rows_pass_the_datasets_own_checks(source, geography):
    """What the store build does with the connector's rows: the dataset's schema checks."""
    decl = get_declaration(scotland(), DATASET)
    content = (WORKBOOKS / NEWEST).read_bytes()
    frame = sg_workbook.read(content, source, geography, NEWEST)
    assert set(frame.columns) == set(decl.columns)
    cells = [(1, list(frame.columns))] + [
        (n, ["" if v is None else str(v) for v in row])
        for n, row in enumerate(frame.itertuples(index=False), start=2)
    ]
    table = check_rows(decl, NEWEST, cells, geography.codes(), sha256=file_sha256(content))
    assert len(table.rows) == 392
    blank = [r for r in table.rows if r["value"] is None]
    assert len(blank) == 8 and {r["status"] for r in blank} == {"suppressed"}


def test_the_real_editions_revise_no_figure_of_table_a(source, geography):
    editions = [
        (e.edition, _read(source, geography, p.name))
        for e, p in zip(source.editions, _edition_files(source), strict=True)
    ]
    found = revisions(editions, ["area_code", "period"])
    assert found.empty  # the eleven editions agree on every quarter they share


def test_a_revised_quarter_between_editions_is_found(source, geography):
    earlier = _read(source, geography, "SuspectedDRDs_JulSep2023.xlsx")

    def revise(book):
        sheet = book["A - Police Division"]
        assert sheet["A9"].value == "G: Greater Glasgow" and sheet["B9"].value == 57
        sheet["B9"] = 58  # 2017-Q1
        assert sheet["A12"].value.startswith("L:") and sheet["B12"].value == 9
        sheet["B12"] = "x"

    later = _read(source, geography, NEWEST, _changed(NEWEST, revise))
    found = revisions([("Jul-Sep 2023", earlier), ("Oct-Dec 2023", later)], ["area_code", "period"])
    assert found.to_dict("records") == [
        {
            "area_code": "S32000018",
            "period": "2017-Q1",
            "edition": "Jul-Sep 2023",
            "revised_in": "Oct-Dec 2023",
            "was": "57",
            "now": "58",
        },
        {
            "area_code": "S32000003",
            "period": "2017-Q1",
            "edition": "Jul-Sep 2023",
            "revised_in": "Oct-Dec 2023",
            "was": "9",
            "now": "[suppressed]",
        },
    ]


def test_the_header_is_found_by_its_content_not_its_row(source, geography):
    moved = _changed(NEWEST, lambda book: book["A - Police Division"].insert_rows(2, amount=3))
    assert _read(source, geography, NEWEST, moved).equals(_read(source, geography, NEWEST))


def test_the_oldest_edition_ends_its_table_at_the_source_note(source, geography):
    # April to June 2021 has no blank row between "Total" and "Source: Police Scotland".
    rows = _read(source, geography, "SuspectedDRDs_AprJun2021.xlsx")
    assert rows.period.max() == "2021-Q2" and len(rows) == 14 * 18


@pytest.mark.parametrize(
    ("change", "where", "rule"),
    [
        (lambda b: b.remove(b["A - Police Division"]), "'A - Police Division'", "no such sheet"),
        (
            lambda b: b["A - Police Division"].cell(3, 1, "Police Area"),
            "sheet 'A - Police Division', row 3, column A",
            "not 'Police Division'",
        ),
        (
            lambda b: b["A - Police Division"].cell(4, 6, "Spring"),
            "row 4, column F",
            "is not a quarter",
        ),
        (
            lambda b: b["A - Police Division"].cell(3, 6, "twenty"),
            "row 3, column F",
            "not a year",
        ),
        (
            lambda b: b["A - Police Division"].cell(8, 3, "[c]"),
            "row 8, column C",
            "neither a number nor a declared marker",
        ),
        (
            lambda b: _blank(b["A - Police Division"]["C8"]),
            "row 8, column C",
            "empty cell",
        ),
        (
            lambda b: b["A - Police Division"].cell(8, 1, "Z: Atlantis"),
            "row 8, column A",
            "no area for 'Z: Atlantis'",
        ),
        (
            lambda b: b["A - Police Division"].delete_rows(18, 1),
            "sheet 'A - Police Division'",
            "no row 'Total'",
        ),
        (
            lambda b: b["A - Police Division"].delete_rows(4, 1),
            "sheet 'A - Police Division'",
            "no header row of quarters",
        ),
    ],
)
def test_a_layout_change_names_file_sheet_row_and_column(source, geography, change, where, rule):
    with pytest.raises(LayoutError) as caught:
        _read(source, geography, NEWEST, _changed(NEWEST, change))
    assert caught.value.where.startswith(NEWEST) and where in caught.value.where
    assert rule in caught.value.rule
    assert caught.value.exit_code == 21


def test_a_file_that_is_not_a_workbook_is_a_layout_error(source, geography):
    content = (WORKBOOKS / NEWEST).read_bytes()
    for broken in (b"area,period\n", content[: len(content) // 2]):
        with pytest.raises(LayoutError, match="not a readable xlsx"):
            _read(source, geography, NEWEST, broken)


def test_options_are_checked(source, geography):
    content = (WORKBOOKS / NEWEST).read_bytes()
    for options in ({"sheet": "A - Police Division"}, {**source.options, "colour": "red"}):
        bad = source.model_copy(update={"options": options})
        with pytest.raises(DefinitionError, match="sg_workbook source options"):
            sg_workbook.read(content, bad, geography, NEWEST)
    wrong = {**source.options, "areas": {**sg_workbook.options_of(source).areas, "A": "S32999999"}}
    with pytest.raises(DefinitionError, match="unknown code 'S32999999'"):
        sg_workbook.read(content, source.model_copy(update={"options": wrong}), geography, NEWEST)


def test_a_division_without_a_letter_in_the_options_is_found_by_its_name(source, geography):
    areas = dict(sg_workbook.options_of(source).areas)
    del areas["C"]  # "C: Forth Valley" is "Forth Valley" in the geography
    del areas["E"]  # "E: Edinburgh City" is not "Edinburgh": no guessing
    changed = source.model_copy(update={"options": {**source.options, "areas": areas}})
    with pytest.raises(LayoutError, match="no area for 'E: Edinburgh City'"):
        _read(changed, geography, NEWEST)
    areas["E"] = "S32000006"
    rows = _read(changed, geography, NEWEST)
    assert set(rows[rows.area_name == "C: Forth Valley"].area_code) == {"S32000008"}


def test_the_age_and_sex_tables_read_as_categories_and_agree_with_table_a(source, geography):
    by_division = _read(source, geography, NEWEST)
    total = by_division[by_division.area_code == "S92000003"].set_index("period").value
    for sheet, header, labels in (
        ("B - Age", "Age band", ["24 & Under", "25 to 34", "35 to 44", "45 to 54", "55 & Over"]),
        ("C - Sex", "Sex", ["Male", "Female"]),
    ):
        category = Source.model_validate(
            {
                "platform": "sg_workbook",
                "cadence": "quarterly",
                "editions": [e.model_dump() for e in source.editions],
                "columns": {"label": "group", "period": "period", "value": "value"},
                "qualifiers": {"value": {"x": "suppressed"}},
                "options": {
                    "sheet": sheet,
                    "header": header,
                    "rows": "category",
                    "required": ["Total"],
                    # The older editions write the age bands with an en dash.
                    "labels": {"25 – 34": "25 to 34", "35 – 44": "35 to 44", "45 – 54": "45 to 54"},
                },
            }
        )
        rows = _read(category, geography, NEWEST)
        assert list(rows.group.drop_duplicates()) == [*labels, "Total"]
        groups = rows[rows.group != "Total"].groupby("period").value.sum()
        totals = rows[rows.group == "Total"].set_index("period").value
        assert (groups == total).all() and (totals == total).all()
        oldest = _read(category, geography, "SuspectedDRDs_AprJun2021.xlsx")
        assert list(oldest.group.drop_duplicates()) == [*labels, "Total"]


def test_each_edition_loads_under_the_source_key_declared_for_it(source, geography):
    decl = get_declaration(scotland(), DATASET)
    earlier = "SuspectedDRDs_JulSep2023.xlsx"
    content = (WORKBOOKS / earlier).read_bytes()

    def checked(src: Source):
        frame = sg_workbook.read(content, src, geography, earlier)
        cells = [(1, list(frame.columns))] + [
            (n, [str(v) for v in row])
            for n, row in enumerate(frame.itertuples(index=False), start=2)
        ]
        return check_rows(decl, earlier, cells, geography.codes())

    with pytest.raises(ValidationError, match="column 'source'"):
        checked(source)  # an edition without its own key is not loaded
    vintages = {**sg_workbook.options_of(source).vintages, "July to September 2023": "SG_SDD_XLSX"}
    declared = source.model_copy(update={"options": {**source.options, "vintages": vintages}})
    assert {r["source"] for r in checked(declared).rows} == {"SG_SDD_XLSX"}
