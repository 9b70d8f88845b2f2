"""Uploads: templates made from the form, and more than forty malformed files, each refused
whole with a clear error naming the rule (and row and column where there is one)."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from missionmonitor.errors import ValidationError
from missionmonitor.refdata.geography import Geography
from missionmonitor.returns.forms import get_form
from missionmonitor.returns.upload import (
    MAX_BYTES,
    MAX_ROWS,
    columns,
    read_upload,
    template_csv,
    template_xlsx,
)
from tests.helpers import scotland
from tests.hostile_files import good_rows, workbook

GEO = Geography.of(scotland())

FORM = get_form(scotland(), "rehab_quarterly")
SURVEY = get_form(scotland(), "adp_annual_survey")
GLASGOW_ADP, OTHER_ADP = "S11000015", "S11000001"
GOOD = {
    "form_id": "rehab_quarterly",
    "form_version": "2",
    "adp_code": GLASGOW_ADP,
    "period": "2024-Q2",
    "placements_total": "10",
    "placements_drugs": "5",
    "placements_alcohol": "3",
    "placements_both": "2",
    "placements_women": "4",
    "estimated_cost_gbp": "420000",
}


def csv_bytes(*rows: dict[str, str], header: list[str] | None = None) -> bytes:
    cols = header or columns(FORM)
    lines = [",".join(cols)] + [",".join(str(r.get(c, "")) for c in cols) for r in rows]
    return ("\n".join(lines) + "\n").encode()


xlsx_bytes = workbook
good_xlsx = good_rows


def test_good_csv_and_xlsx_are_accepted_with_their_warnings():
    rows = read_upload(
        GEO,
        FORM,
        "q2.csv",
        csv_bytes(GOOD, {**GOOD, "adp_code": OTHER_ADP, "estimated_cost_gbp": "900000"}),
    )
    assert [r.adp_code for r in rows] == [GLASGOW_ADP, OTHER_ADP]
    assert rows[0].answers["placements_total"] == "10" and rows[0].warnings == []
    assert [w.rule for w in rows[1].warnings] == ["cost_per_placement"]
    assert len(read_upload(GEO, FORM, "q2.xlsx", xlsx_bytes(good_xlsx()))) == 1
    # With a byte-order mark, as Excel writes "CSV UTF-8".
    assert len(read_upload(GEO, FORM, "q2.csv", b"\xef\xbb\xbf" + csv_bytes(GOOD))) == 1


def test_templates_are_made_from_the_form():
    header = template_csv(FORM).splitlines()[0].split(",")
    assert header == columns(FORM)
    assert [q for q in header if q.startswith("placements_")] == [
        q.id for q in FORM.questions if q.id.startswith("placements_")
    ]
    book = load_workbook(io.BytesIO(template_xlsx(FORM)))
    assert [c.value for c in book["return"][1]] == columns(FORM)
    notes = {r[0]: r for r in book["questions"].iter_rows(min_row=2, values_only=True)}
    assert notes["placements_total"][1] == "Placements approved"
    # The survey's choice questions list their codes.
    survey = load_workbook(io.BytesIO(template_xlsx(SURVEY)))["questions"]
    codes = {r[0]: r[4] for r in survey.iter_rows(min_row=2, values_only=True)}
    assert codes["nfo_pathway"] == "yes;partly;no"


def zip_with(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for n, content in members.items():
            z.writestr(n, content)
    return buf.getvalue()


def macro_workbook() -> bytes:
    """A real workbook with a vbaProject.bin part added (what .xlsm files carry)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(good_xlsx())))
    members = {n: source.read(n) for n in source.namelist()}
    members["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"\x00" * 512
    return zip_with(members)


def formula_workbook() -> bytes:
    rows = good_xlsx()
    rows[1][columns(FORM).index("placements_total")] = "=SUM(F2:H2)"
    return xlsx_bytes(rows)


def header_without(col: str) -> list[str]:
    return [c for c in columns(FORM) if c != col]


LONG = "x" * 2001
# (case, file name, content, rule, row, column); row None: a file-level problem.
CASES = [
    (
        "wrong template version",
        "q.csv",
        csv_bytes({**GOOD, "form_version": "1"}),
        "template-version",
        2,
        "form_version",
    ),
    (
        "wrong form",
        "q.csv",
        csv_bytes({**GOOD, "form_id": "adp_annual_survey"}),
        "template-version",
        2,
        "form_version",
    ),
    (
        "missing column",
        "q.csv",
        csv_bytes(GOOD, header=header_without("placements_both")),
        "missing-column",
        1,
        "placements_both",
    ),
    (
        "extra column",
        "q.csv",
        csv_bytes(GOOD, header=[*columns(FORM), "comments"]),
        "unexpected-column",
        1,
        "comments",
    ),
    (
        "old version's column",
        "q.csv",
        csv_bytes(GOOD, header=[*header_without("estimated_cost_gbp"), "estimated_cost_total"]),
        "unexpected-column",
        1,
        "estimated_cost_total",
    ),
    (
        "duplicate column",
        "q.csv",
        csv_bytes(GOOD, header=[*columns(FORM), "placements_total"]),
        "duplicate-column",
        1,
        "placements_total",
    ),
    (
        "blank header cell",
        "q.csv",
        csv_bytes(GOOD, header=[*columns(FORM), ""]),
        "unexpected-column",
        1,
        None,
    ),
    (
        "unknown area",
        "q.csv",
        csv_bytes({**GOOD, "adp_code": "S11999999"}),
        "unknown-area-code",
        2,
        "adp_code",
    ),
    (
        "council code for an ADP",
        "q.csv",
        csv_bytes({**GOOD, "adp_code": "S12000049"}),
        "area-type",
        2,
        "adp_code",
    ),
    (
        "another ADP's data",
        "q.csv",
        csv_bytes({**GOOD, "adp_code": OTHER_ADP}),
        "scope",
        2,
        "adp_code",
    ),
    ("unreadable period", "q.csv", csv_bytes({**GOOD, "period": "Q2 2024"}), "period", 2, "period"),
    (
        "year for a quarterly form",
        "q.csv",
        csv_bytes({**GOOD, "period": "2024/25"}),
        "period",
        2,
        "period",
    ),
    (
        "negative value",
        "q.csv",
        csv_bytes({**GOOD, "placements_women": "-1"}),
        "minimum",
        2,
        "placements_women",
    ),
    (
        "fraction of a placement",
        "q.csv",
        csv_bytes({**GOOD, "placements_total": "10.5"}),
        "type",
        2,
        "placements_total",
    ),
    (
        "text for a number",
        "q.csv",
        csv_bytes({**GOOD, "placements_total": "ten"}),
        "type",
        2,
        "placements_total",
    ),
    (
        "thousands separator",
        "q.csv",
        csv_bytes({**GOOD, "estimated_cost_gbp": '"420,000"'}),
        "type",
        2,
        "estimated_cost_gbp",
    ),
    (
        "missing required answer",
        "q.csv",
        csv_bytes({**GOOD, "placements_drugs": ""}),
        "required",
        2,
        "placements_drugs",
    ),
    (
        "categories do not add up",
        "q.csv",
        csv_bytes({**GOOD, "placements_drugs": "6"}),
        "categories_add_up",
        2,
        None,
    ),
    (
        "more women than placements",
        "q.csv",
        csv_bytes({**GOOD, "placements_women": "11"}),
        "women_within_total",
        2,
        None,
    ),
    ("duplicate area and period", "q.csv", csv_bytes(GOOD, GOOD), "duplicate-key", 3, "period"),
    (
        "formula in a CSV cell",
        "q.csv",
        csv_bytes({**GOOD, "placements_total": "=5+5"}),
        "formula",
        2,
        "placements_total",
    ),
    (
        "CSV injection with @",
        "q.csv",
        csv_bytes({**GOOD, "placements_women": "@SUM(A1)"}),
        "formula",
        2,
        "placements_women",
    ),
    (
        "CSV injection with +",
        "q.csv",
        csv_bytes({**GOOD, "placements_women": "+cmd|' /C calc'!A0"}),
        "formula",
        2,
        "placements_women",
    ),
    ("formula in an XLSX cell", "q.xlsx", formula_workbook(), "formula", 2, "placements_total"),
    ("macro-enabled workbook", "q.xlsm", xlsx_bytes(good_xlsx()), "file-type", None, None),
    ("macros inside a .xlsx", "q.xlsx", macro_workbook(), "macro", None, None),
    (
        "legacy Excel",
        "q.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
        "file-type",
        None,
        None,
    ),
    ("binary workbook", "q.xlsb", b"PK\x03\x04" + b"\x00" * 100, "file-type", None, None),
    ("text file", "q.txt", csv_bytes(GOOD), "file-type", None, None),
    ("PDF", "q.pdf", b"%PDF-1.7\n", "file-type", None, None),
    ("oversized file", "q.csv", csv_bytes(GOOD) + b"#" * MAX_BYTES, "size", None, None),
    (
        "zip bomb",
        "q.xlsx",
        zip_with(
            {"[Content_Types].xml": b"<x/>", "xl/worksheets/sheet1.xml": b"0" * (30 * 1024 * 1024)}
        ),
        "zip-bomb",
        None,
        None,
    ),
    ("text renamed .xlsx", "q.xlsx", csv_bytes(GOOD), "file-type", None, None),
    (
        "zip that is not a workbook",
        "q.xlsx",
        zip_with({"hello.txt": b"hi"}),
        "file-type",
        None,
        None,
    ),
    (
        "workbook without the return sheet",
        "q.xlsx",
        xlsx_bytes(good_xlsx(), sheet="Sheet1"),
        "template",
        None,
        None,
    ),
    (
        "Latin-1 encoding",
        "q.csv",
        csv_bytes(GOOD).replace(b"rehab_quarterly,2", b"rehab_quarterly,2") + b"caf\xe9\n",
        "encoding",
        3,
        None,
    ),
    ("UTF-16 encoding", "q.csv", csv_bytes(GOOD).decode().encode("utf-16"), "encoding", None, None),
    ("empty file", "q.csv", b"", "empty-file", None, None),
    ("blank lines only", "q.csv", b"\n\n,,,\n", "empty-file", None, None),
    ("header but no rows", "q.csv", csv_bytes(), "empty-file", None, None),
    (
        "PNG posing as CSV",
        "q.csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64,
        "binary",
        None,
        None,
    ),
    ("workbook posing as CSV", "q.csv", xlsx_bytes(good_xlsx()), "binary", None, None),
    ("ragged row", "q.csv", csv_bytes(GOOD)[:-1] + b",extra,cells\n", "field-count", 2, None),
    (
        "too many rows",
        "q.csv",
        csv_bytes(
            *[{**GOOD, "period": f"{2000 + i // 4}-Q{i % 4 + 1}"} for i in range(MAX_ROWS + 1)]
        ),
        "row-limit",
        None,
        None,
    ),
    ("survey: percentage over 100", "s.csv", None, "maximum", 2, "schools_reached_pct"),
    ("survey: unknown code", "s.csv", None, "type", 2, "nfo_pathway"),
    ("survey: bad date", "s.csv", None, "type", 2, "mat_plan_agreed"),
    ("survey: text too long", "s.csv", None, "type", 2, "mat_lead"),
    ("survey: spent more than available", "s.csv", None, "spent_within_available", 2, None),
]


def survey_file(case: str) -> bytes:
    cols = columns(SURVEY)
    good = {
        "form_id": "adp_annual_survey",
        "form_version": "1",
        "adp_code": GLASGOW_ADP,
        "period": "2024/25",
        "prevention_programmes": "3",
        "schools_reached_pct": "40",
        "naloxone_outlets": "12",
        "nfo_pathway": "yes",
        "waiting_times_met_pct": "91",
        "rr_pathway": "partly",
        "mat_lead": "A Lead",
        "mat_plan_agreed": "2024-06-30",
        "family_services": "2",
        "polydrug_guidance": "yes",
        "lived_experience_panel": "no",
        "funding_total": "1000000",
        "funding_spent": "900000",
    }
    change = {
        "survey: percentage over 100": {"schools_reached_pct": "120"},
        "survey: unknown code": {"nfo_pathway": "maybe"},
        "survey: bad date": {"mat_plan_agreed": "30/06/2024"},
        "survey: text too long": {"mat_lead": "x" * 201},
        "survey: spent more than available": {"funding_spent": "2000000"},
    }.get(case, {})
    row = {**good, **change}
    return (",".join(cols) + "\n" + ",".join(row.get(c, "") for c in cols) + "\n").encode()


def test_there_are_at_least_forty_cases():
    assert len(CASES) >= 40
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize(
    ("case", "name", "content", "rule", "row", "column"), CASES, ids=[c[0] for c in CASES]
)
def test_malformed_upload_is_refused_whole(case, name, content, rule, row, column):
    form = SURVEY if case.startswith("survey") else FORM
    data = survey_file(case) if content is None else content
    with pytest.raises(ValidationError) as info:
        read_upload(GEO, form, name, data, allowed={GLASGOW_ADP})
    problems = info.value.problems
    assert any(p.rule == rule for p in problems), [str(p) for p in problems]
    hit = next(p for p in problems if p.rule == rule)
    assert (hit.row, hit.column) == (row, column), str(hit)
    assert name in str(info.value) and "nothing was loaded" in str(info.value)
    assert hit.message  # a sentence a person can act on


def test_survey_file_is_accepted_when_nothing_is_wrong():
    assert len(read_upload(GEO, SURVEY, "s.csv", survey_file("good"), allowed={GLASGOW_ADP})) == 1
