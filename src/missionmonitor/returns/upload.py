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
from dataclasses import dataclass
from typing import Any

from missionmonitor.errors import MissionMonitorError, Problem, ValidationError
from missionmonitor.periods import parse_period, period_type_of
from missionmonitor.refdata.geography import Geography
from missionmonitor.returns.forms import Finding, Form, check_answers

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
#: An XLSX whose parts expand beyond this, or by more than this ratio, is refused.
MAX_UNZIPPED = 20 * 1024 * 1024
MAX_RATIO = 100
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


def _file_rows(name: str, data: bytes) -> list[list[Any]]:
    """The file's rows as cell values, after the file-level checks."""
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
        return _xlsx_rows(name, data)
    if suffix != "csv":
        raise _fail(name, "file-type", "upload a .csv or .xlsx file made from the template")
    return _csv_rows(name, data)


def _csv_rows(name: str, data: bytes) -> list[list[Any]]:
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        raise _fail(name, "binary", "this is not a text CSV file (it looks like a binary file)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(
            name,
            "encoding",
            f"the file is not UTF-8 text (byte {exc.start + 1}); save it as CSV UTF-8",
        ) from exc
    return [row for row in csv.reader(io.StringIO(text))]


def _xlsx_rows(name: str, data: bytes) -> list[list[Any]]:
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
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for broken packages
        raise _fail(name, "file-type", f"the workbook cannot be read: {exc}") from exc
    if "return" not in book.sheetnames:
        raise _fail(name, "template", "the workbook has no 'return' sheet: use the template")
    rows: list[list[Any]] = []
    for r, values in enumerate(book["return"].iter_rows(values_only=True), start=1):
        header = rows[0] if rows else list(values)
        for c, v in enumerate(values):
            if isinstance(v, str) and v.startswith("="):
                col = str(header[c]) if c < len(header) and header[c] else f"column {c + 1}"
                raise _fail(name, "formula", "cells must hold values, not formulas", r, col)
        rows.append(["" if v is None else v for v in values])
    return rows


def _is_formula(value: Any) -> bool:
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return False
    try:
        float(value)  # a negative number is a value, not a formula
    except ValueError:
        return True
    return False


def read_upload(
    form: Form, name: str, data: bytes, allowed: set[str] | None = None
) -> list[UploadedRow]:
    """Check an upload of ``form`` and return its rows; ValidationError lists every problem.
    ``allowed``: the ADP codes the uploader may submit for (None: any)."""
    rows = _file_rows(name, data)
    rows = [r for r in rows if any(str(v).strip() for v in r)]
    if not rows:
        raise _fail(name, "empty-file", "the file has no header and no rows")
    header = [str(h).strip() for h in rows[0]]
    expected = columns(form)
    problems: list[Problem] = []
    seen: set[str] = set()
    for h in header:
        if h in seen:
            problems.append(Problem("duplicate-column", f"column {h!r} appears twice", 1, h))
        seen.add(h)
    for h in header:
        if h not in expected:
            problems.append(
                Problem(
                    "unknown-column",
                    f"{h!r} is not a column of {form.id} v{form.version}",
                    1,
                    h or None,
                )
            )
    for c in expected:
        if c not in header:
            problems.append(Problem("missing-column", f"column {c!r} is missing", 1, c))
    if problems:
        raise ValidationError(name, problems)
    body = rows[1:]
    if not body:
        raise _fail(name, "empty-file", "the file has a header but no rows")
    if len(body) > MAX_ROWS:
        raise _fail(name, "row-limit", f"{len(body):,} rows; the limit is {MAX_ROWS:,}")
    areas = Geography.shipped().codes()
    out: list[UploadedRow] = []
    keys: dict[tuple[str, str], int] = {}
    for i, raw in enumerate(body, start=2):
        if len(raw) > len(header):
            problems.append(Problem("row-length", f"{len(raw)} cells for {len(header)} columns", i))
            continue
        cells = dict(zip(header, [*raw, *[""] * (len(header) - len(raw))], strict=True))
        for col, value in cells.items():
            if _is_formula(value):
                problems.append(
                    Problem(
                        "formula",
                        f"cells must hold values, not formulas ({str(value)[:20]!r})",
                        i,
                        col,
                    )
                )
        if str(cells["form_id"]).strip() != form.id or str(cells["form_version"]).strip() not in (
            str(form.version),
            f"{form.version}.0",
        ):
            problems.append(
                Problem(
                    "template-version",
                    f"this row is for "
                    f"{cells['form_id']} v{cells['form_version']}; the current "
                    f"template is {form.id} v{form.version}",
                    i,
                    "form_version",
                )
            )
        adp = str(cells["adp_code"]).strip()
        if areas.get(adp) != "adp":
            problems.append(Problem("known-area", f"{adp!r} is not an ADP code", i, "adp_code"))
        elif allowed is not None and adp not in allowed:
            problems.append(Problem("scope", f"you may not submit for {adp}", i, "adp_code"))
        period = str(cells["period"]).strip()
        try:
            parse_period(period)
            if period_type_of(period) != form.period_type:
                raise ValueError
        except (ValueError, MissionMonitorError):
            problems.append(
                Problem(
                    "period",
                    f"{period!r} is not a {form.period_type.replace('_', ' ')}"
                    f" such as {_example_period(form)}",
                    i,
                    "period",
                )
            )
        key = (adp, period)
        if key in keys:
            problems.append(
                Problem("duplicate-row", f"{adp} {period} is also on row {keys[key]}", i, "period")
            )
        keys.setdefault(key, i)
        answers = {
            q: (v.strip() if isinstance(v, str) else v) for q, v in cells.items() if q not in FIXED
        }
        answers = {q: v for q, v in answers.items() if v not in ("", None)}
        findings = check_answers(form, answers)
        for f in findings:
            if f.importance == "error":
                problems.append(Problem(f.rule, f.message, i, f.question))
        out.append(
            UploadedRow(i, adp, period, answers, [f for f in findings if f.importance == "warning"])
        )
    if problems:
        raise ValidationError(name, problems)
    return out
