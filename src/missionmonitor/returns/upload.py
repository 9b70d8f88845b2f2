"""Uploading returns: CSV and XLSX templates generated from a form, and the checks an
uploaded file must pass before anything is kept. A file is accepted whole or not at all;
every problem is named by row, column and rule.

File-level rules: size limit, an allowed type (CSV or XLSX; macro-enabled and legacy Excel
refused, whatever the file is called), content that is what it claims (UTF-8 text for CSV,
a genuine XLSX package without macros, no binary posing as text), no zip bombs, no
formulas (in XLSX cells, or CSV cells that a spreadsheet would run), a row limit. Then the
template: the form's id and current version, exactly its columns. Then each row: a known
ADP within the uploader's scope, a period of the form's type, no repeated ADP and period,
and every answer checked as the web form checks it.

For example::

    rows = read_upload(get_form("rehab_quarterly"), "q1.csv", data, allowed={"S11000015"})
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from missionmonitor import config
from missionmonitor.datasets.reader import check_rows, csv_cells
from missionmonitor.datasets.table_schema import Column, TableSchema
from missionmonitor.errors import MissionMonitorError, Problem, ValidationError
from missionmonitor.periods import parse_period, period_type_of
from missionmonitor.refdata.geography import Geography, reporting_type
from missionmonitor.returns.forms import Finding, Form, check_answers

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
#: An XLSX whose parts expand beyond this, or by more than this ratio, is refused.
MAX_UNZIPPED = 20 * 1024 * 1024
MAX_RATIO = 100
#: The most cells read from an XLSX sheet (empty ones included), whatever it declares.
MAX_CELLS = 2_000_000
#: The largest table of shared texts read (it is read whole before any row).
MAX_SHARED_STRINGS = 2 * 1024 * 1024
FIXED = ("form_id", "form_version", "adp_code", "period")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class UploadedRow:
    row: int
    adp_code: str
    period: str
    answers: dict[str, Any]
    warnings: list[Finding]


def columns(form: Form) -> list[str]:
    """The template's columns: the fixed ones, then every question answered in a cell."""
    return [*FIXED, *(q.id for q in form.questions if q.type != "file")]


def template_csv(form: Form) -> str:
    """A CSV template: the header, and one example row naming the form and version."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns(form))
    writer.writerow(
        [form.id, form.version, "S11000000", _example_period(form)]
        + [""] * (len(columns(form)) - len(FIXED))
    )
    return out.getvalue()


def template_xlsx(form: Form) -> bytes:
    """An XLSX template: a 'return' sheet with the header, a 'questions' sheet explaining
    each column (label, type, unit, codes, whether required)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "return"
    sheet.append(columns(form))
    sheet.append([form.id, form.version, "S11000000", _example_period(form)])
    notes = book.create_sheet("questions")
    notes.append(["column", "label", "type", "unit", "codes", "required"])
    for q in form.questions:
        if q.type != "file":
            codes = ";".join(form.code_lists.get(q.codes or "", {}))
            notes.append([q.id, q.label, q.type, q.unit, codes, "yes" if q.required else "no"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _example_period(form: Form) -> str:
    return "2024-Q2" if form.period_type == "quarter" else "2024/25"


def _fail(
    name: str, rule: str, message: str, row: int | None = None, column: str | None = None
) -> ValidationError:
    return ValidationError(name, [Problem(rule, message, row, column)])


def _file_rows(name: str, data: bytes, width: int) -> list[tuple[int, list[Any]]]:
    """The file's rows as (row number, cell values), after the file-level checks."""
    if not data:
        raise _fail(name, "empty-file", "the file is empty")
    if len(data) > MAX_BYTES:
        raise _fail(name, "size", f"the file is {len(data):,} bytes; the limit is {MAX_BYTES:,}")
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix in ("xlsm", "xltm", "xlsb", "xls", "xlam"):
        raise _fail(
            name,
            "file-type",
            f".{suffix} files are not accepted (macros or legacy Excel): save as .xlsx or .csv",
        )
    if suffix == "xlsx":
        return _xlsx_rows(name, data, width)
    if suffix != "csv":
        raise _fail(name, "file-type", "upload a .csv or .xlsx file made from the template")
    return csv_cells(name, data)


def _xlsx_rows(name: str, data: bytes, width: int) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        members = package.infolist()
    except zipfile.BadZipFile as exc:
        raise _fail(name, "file-type", "this is not a genuine .xlsx file") from exc
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names:
        raise _fail(name, "file-type", "this is not a genuine .xlsx file")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _fail(name, "macro", "the workbook contains macros; save it as a plain .xlsx")
    unzipped = sum(m.file_size for m in members)
    packed = max(sum(m.compress_size for m in members), 1)
    if unzipped > MAX_UNZIPPED or unzipped / packed > MAX_RATIO:
        raise _fail(
            name,
            "zip-bomb",
            "the workbook expands to far more than its size; it is refused as a possible zip bomb",
        )
    table = sum(m.file_size for m in members if m.filename.lower().endswith("sharedstrings.xml"))
    if table > MAX_SHARED_STRINGS:
        raise _fail(
            name,
            "sheet-size",
            f"the workbook's table of texts is {table:,} bytes, far "
            "more than a return needs: copy the rows into a fresh template",
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl (and defusedxml) raise many types for broken packages
        raise _fail(name, "file-type", f"the workbook cannot be read: {exc}") from exc
    if "return" not in book.sheetnames:
        raise _fail(name, "template", "the workbook has no 'return' sheet: use the template")
    return _sheet_rows(name, book["return"], width)


def _sheet_rows(name: str, sheet: Any, width: int) -> list[tuple[int, list[Any]]]:
    """The sheet's non-empty rows, whatever size the sheet declares: the declaration is
    ignored (a sheet may declare A1:XFD1048576 to make a reader fill in 17 billion empty
    cells, or declare fewer rows than it has so that the rest are dropped). A value past the
    template's columns is refused with its cell; the work is bounded by ``MAX_CELLS``."""
    from openpyxl.utils import get_column_letter

    rows: list[tuple[int, list[Any]]] = []
    budget = MAX_CELLS
    sheet.reset_dimensions()
    try:
        for r, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if not values:  # a missing row: nothing to read
                continue
            budget -= len(values)
            if budget < 0:
                raise _fail(
                    name,
                    "sheet-size",
                    "the sheet holds far more cells than the "
                    "template: copy the rows into a fresh template",
                )
            beyond = values[width:]
            if beyond.count(None) != len(beyond):
                c = width + next(i for i, v in enumerate(beyond) if v is not None)
                raise _fail(
                    name,
                    "unexpected-column",
                    f"a value in cell "
                    f"{get_column_letter(c + 1)}{r}, outside the template's columns",
                    r,
                    get_column_letter(c + 1),
                )
            values = values[:width]
            header = rows[0][1] if rows else list(values)
            for c, v in enumerate(values):
                if isinstance(v, str) and v.lstrip().startswith("="):
                    col = str(header[c]) if c < len(header) and header[c] else f"column {c + 1}"
                    raise _fail(name, "formula", "cells must hold values, not formulas", r, col)
            cells = [_cell_text(v) for v in values]
            while cells and not cells[-1]:  # empty cells past the row's end, as a CSV has
                cells.pop()
            if cells:
                rows.append((r, cells))
                if len(rows) > MAX_ROWS + 1:
                    raise _fail(
                        name, "row-limit", f"more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,}"
                    )
    except ValidationError:
        raise
    except Exception as exc:  # a broken sheet part: openpyxl raises many types
        raise _fail(name, "file-type", f"the workbook cannot be read: {exc}") from exc
    return rows


def _cell_text(value: Any) -> str:
    """A cell as the text a CSV would hold: 12.0 is 12, an empty cell is ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_formula(value: Any) -> bool:
    """Whether a spreadsheet would run the cell: judged on the value as it will be kept
    (trimmed), so leading spaces do not hide a formula."""
    if not isinstance(value, str):
        return False
    value = value.strip(" ")
    if not value.startswith(FORMULA_START):
        return False
    try:
        float(value)  # a negative number is a value, not a formula
    except ValueError:
        return True
    return False


def upload_schema(form: Form) -> TableSchema:
    """The table an upload of ``form`` must be: the template's columns, one row per ADP and
    period. Answers are checked by ``check_answers``, as the web form checks them."""
    text = Column(type="text")
    fixed = {
        "form_id": Column(type="text", required=True),
        "form_version": Column(type="text", required=True),
        "adp_code": Column(type="area_code", required=True),
        "period": Column(type="text", required=True),
    }
    questions = {c: text for c in columns(form) if c not in fixed}
    return TableSchema(columns={**fixed, **questions}, grain=("adp_code", "period"))


def read_upload(
    geo: Geography, form: Form, name: str, data: bytes, allowed: set[str] | None = None
) -> list[UploadedRow]:
    """Check an upload of ``form`` and return its rows; ValidationError lists every problem.
    ``allowed``: the ADP codes the uploader may submit for (None: any)."""
    if form.answered_by != "adp":
        raise _fail(name, "form", f"{form.id} is answered by the public, not uploaded by ADPs")
    # One column past the template's, so that an extra column is seen and named.
    rows = _file_rows(name, data, len(columns(form)) + 1)
    if len(rows) > MAX_ROWS + 1:
        raise _fail(name, "row-limit", f"{len(rows) - 1:,} rows; the limit is {MAX_ROWS:,}")
    problems: list[Problem] = []
    width = len(rows[0][1]) if rows else 0
    padded = [(i, [*cells, *[""] * (width - len(cells))]) for i, cells in rows]
    for i, cells in padded[1:]:
        for col, value in zip(padded[0][1], cells, strict=False):
            if _is_formula(value):
                message = f"cells must hold values, not formulas ({str(value)[:20]!r})"
                problems.append(Problem("formula", message, i, str(col)))
    if problems:
        raise ValidationError(name, problems)
    areas = geo.codes()

    def template_rules(i: int, row: dict[str, Any]) -> list[Problem]:
        return _row_problems(geo.configuration, form, i, row, areas, allowed)

    table = check_rows(upload_schema(form), name, padded, areas, row_rule=template_rules)
    out: list[UploadedRow] = []
    for i, record in zip(table.row_numbers, table.rows, strict=True):
        answers = {q: v for q, v in record.items() if q not in FIXED and v is not None}
        findings = check_answers(form, answers)
        problems += [
            Problem(f.rule, f.message, i, f.question) for f in findings if f.importance == "error"
        ]
        warnings = [f for f in findings if f.importance == "warning"]
        adp, period = str(record["adp_code"]), str(record["period"])
        out.append(UploadedRow(i, adp, period, answers, warnings))
    if problems:
        raise ValidationError(name, problems)
    return out


def _row_problems(
    configuration: config.Configuration,
    form: Form,
    i: int,
    cells: dict[str, Any],
    areas: Mapping[str, str],
    allowed: set[str] | None,
) -> list[Problem]:
    """What the template asks of a row beyond its columns' types: this form and version,
    an ADP within the uploader's scope, and a period of the form's type."""
    problems = []
    if cells["form_id"] != form.id or cells["form_version"] not in (
        str(form.version),
        f"{form.version}.0",
    ):
        problems.append(
            Problem(
                "template-version",
                f"this row is for {cells['form_id']} v{cells['form_version']}; the current "
                f"template is {form.id} v{form.version}",
                i,
                "form_version",
            )
        )
    adp = str(cells["adp_code"])
    if areas.get(adp) != reporting_type(configuration):
        message = f"{adp!r} is a {areas.get(adp)} code, not an ADP code"
        problems.append(Problem("area-type", message, i, "adp_code"))
    elif allowed is not None and adp not in allowed:
        problems.append(Problem("scope", f"you may not submit for {adp}", i, "adp_code"))
    period = str(cells["period"])
    try:
        parse_period(period)
        if period_type_of(period) != form.period_type:
            raise ValueError
    except (ValueError, MissionMonitorError):
        problems.append(
            Problem(
                "period",
                f"{period!r} is not a {form.period_type.replace('_', ' ')} such as "
                f"{_example_period(form)}",
                i,
                "period",
            )
        )
    return problems


#: The file-level and template checks shared with other uploads read through a template of
#: their own (the record-level outcome reviews): rows after the file checks, whether a cell
#: is a formula, and the form, ADP scope and period of a row.
file_rows = _file_rows
is_formula = _is_formula
row_problems = _row_problems
