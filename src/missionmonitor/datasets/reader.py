"""The one reader: check a tabular file against its schema and report every broken rule.

Nothing here touches the store: a file is parsed and checked completely first, so a bad file
can never leave partial rows behind. Row numbers count the header as row 1, as a
spreadsheet shows them. Rule names are listed in ``table_schema``.

>>> from missionmonitor.datasets.table_schema import get_table_schema
>>> codes = {"S12000049": "council"}
>>> table = read_table(get_table_schema("surveillance_counts"), "counts.csv",
...                    b"area_code,period,count\\nS12000049,2024-05-06,3\\n", codes)
>>> table.rows
[{'area_code': 'S12000049', 'period': '2024-05-06', 'count': 3.0}]
>>> read_table(get_table_schema("surveillance_counts"), "counts.csv",
...            b"area_code,period,count\\nS12000049,2024-05-06,-3\\n", codes)
Traceback (most recent call last):
...
missionmonitor.errors.ValidationError: counts.csv: 1 problem(s); nothing was loaded
  - row 2, column 'count': -3 is below the minimum of 0 [rule: negative]
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from missionmonitor.datasets.declaration import Declaration
from missionmonitor.datasets.numbers import parse_number, parse_whole_number
from missionmonitor.datasets.table_schema import Column, TableSchema
from missionmonitor.errors import NumberFormatError, Problem, ValidationError

#: Stop collecting after this many problems: the message is for a person to read.
MAX_PROBLEMS = 200

_SOURCE_KEY = re.compile(r"^[A-Z][A-Z0-9_]*$")

Value = int | float | str | None
#: A check of one whole row beyond its columns' rules: (row number, typed row) → problems.
RowRule = Callable[[int, dict[str, Value]], list[Problem]]


@dataclass(frozen=True)
class Table:
    """A checked file: its columns as found, and its rows as typed values."""

    columns: list[str]
    rows: list[dict[str, Value]]
    row_numbers: list[int]
    sha256: str


@dataclass(frozen=True)
class ParsedFile:
    declaration: Declaration
    path: Path
    sha256: str
    rows: list[dict[str, Value]]
    row_numbers: list[int]


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def csv_cells(label: str, data: bytes) -> list[tuple[int, list[str]]]:
    """The rows of a CSV file as (row number, cells), blank lines left out; ValidationError
    if it is empty, binary, not UTF-8 or not well-formed CSV."""
    problems: list[Problem] = []
    text = _decode(data, problems)
    if text is None:
        raise ValidationError(label, problems)
    out: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    row_no = 0
    try:
        for fields in reader:
            row_no += 1
            if fields and any(f.strip() for f in fields):
                out.append((row_no, fields))
    except csv.Error as exc:
        message = (
            f"a field is longer than {csv.field_size_limit():,} characters"
            if "field limit" in str(exc)
            else f"{exc} (an unclosed quote suggests truncation)"
        )
        rule = Problem("malformed-csv", message, row_no + 1)
        raise ValidationError(label, [rule]) from exc
    return out


def _decode(data: bytes, problems: list[Problem]) -> str | None:
    if not data.strip():
        problems.append(Problem("empty-file", "the file is empty"))
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(Problem("encoding", "the file is UTF-16 text; save it as CSV UTF-8"))
        return None
    if data.startswith(b"PK\x03\x04") or b"\x00" in data:
        problems.append(
            Problem("binary", "this is not a text CSV file (it looks like a binary file)")
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(
                "encoding",
                f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not valid UTF-8; "
                "save the file as UTF-8",
                row=line,
            )
        )
        return None


def _check_header(header: list[str], schema: TableSchema, problems: list[Problem]) -> None:
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem("duplicate-column", f"column '{name}' appears twice", 1, name))
        seen.add(name)
    missing = [c for c in schema.columns if c not in seen and c not in schema.optional_columns]
    if missing:
        problems.append(
            Problem("missing-column", f"missing column(s): {', '.join(missing)}", 1, missing[0])
        )
    others = [c for c in header if c not in schema.columns]
    if others and schema.other_columns is None:
        message = f"unexpected column(s): {', '.join(others)}"
        problems.append(Problem("unexpected-column", message, 1, others[0] or None))
    elif schema.other_columns is not None:
        low, top = schema.min_other_columns, schema.max_other_columns
        if len(others) < low or (top is not None and len(others) > top):
            besides = ", ".join(schema.columns)
            message = f"give between {low} and {top} columns besides {besides}"
            problems.append(Problem("column-count", message, 1))


def _convert(
    raw: Any,
    name: str,
    col: Column,
    row_no: int,
    area_codes: Mapping[str, str],
    problems: list[Problem],
) -> Value:
    text = str(raw).strip() if raw is not None else ""
    if text == "":
        if col.required:
            problems.append(Problem("required", "a value is required", row=row_no, column=name))
        return None

    def fail(rule: str, message: str) -> None:
        problems.append(Problem(rule, message, row=row_no, column=name))

    value: Value = text
    if col.type in ("integer", "decimal"):
        try:
            value = parse_whole_number(text) if col.type == "integer" else parse_number(text)
        except NumberFormatError as exc:
            fail("type", str(exc))
            return None
    elif col.type == "area_code" and text not in area_codes:
        fail("unknown-area-code", f"'{text}' is not a known area code")
        return None
    elif col.type == "source_keys":
        bad = [k for k in text.split(";") if not _SOURCE_KEY.match(k.strip())]
        if bad:
            fail("source-key", f"'{bad[0]}' is not a source key (e.g. NRS_2024_REPORT)")
            return None
    elif col.type == "enum" and col.allowed and text not in col.allowed:
        fail("allowed-values", f"'{text}' is not one of: {', '.join(col.allowed)}")
        return None

    if isinstance(value, (int, float)):
        if col.min is not None and value < col.min:
            rule = "negative" if col.min == 0 else "minimum"
            fail(rule, f"{text} is below the minimum of {col.min:g}")
            return None
        if col.max is not None and value > col.max:
            fail("maximum", f"{text} is above the maximum of {col.max:g}")
            return None
    if col.pattern and not re.fullmatch(col.pattern, text):
        fail("pattern", f"'{text}' does not match the pattern {col.pattern}")
        return None
    return value


def check_rows(
    schema: TableSchema,
    label: str,
    cells: Iterable[tuple[int, list[Any]]],
    area_codes: Mapping[str, str],
    *,
    sha256: str = "",
    row_rule: RowRule | None = None,
) -> Table:
    """Check a file's rows (row number, cells; the first is the header) against ``schema``.

    ``area_codes`` maps each known area code (current and previous) to its area type;
    ``row_rule`` checks what a row must satisfy beyond its columns (run on rows whose cells
    all pass). Raises ValidationError listing every problem (up to ``MAX_PROBLEMS``).
    """
    rows_in = iter(cells)
    first = next(rows_in, None)
    if first is None:
        raise ValidationError(label, [Problem("empty-file", "the file is empty")])
    header = [str(h).strip() if h is not None else "" for h in first[1]]
    problems: list[Problem] = []
    _check_header(header, schema, problems)
    if problems:
        raise ValidationError(label, problems)
    rules = {name: schema.columns.get(name) or schema.other_columns for name in header}
    rows: list[dict[str, Value]] = []
    row_numbers: list[int] = []
    keys: dict[tuple[Any, ...], int] = {}
    for row_no, fields in rows_in:
        if len(fields) != len(header):
            problems.append(
                Problem(
                    "field-count",
                    f"the row has {len(fields)} field(s) but the header has {len(header)}; "
                    "the file may be truncated or a value contains an unquoted comma",
                    row=row_no,
                )
            )
            continue
        record: dict[str, Value] = {}
        before = len(problems)
        for name, raw in zip(header, fields, strict=True):
            rule = rules[name]
            assert rule is not None  # the header check refused undeclared columns
            record[name] = _convert(raw, name, rule, row_no, area_codes, problems)
        _check_area_types(schema, record, row_no, area_codes, problems)
        if row_rule is not None and len(problems) == before:
            problems += row_rule(row_no, record)
        if schema.grain:
            key = tuple(record.get(g) for g in schema.grain)
            if key in keys:
                problems.append(
                    Problem(
                        "duplicate-key",
                        f"duplicates row {keys[key]} on ({', '.join(schema.grain)}) = {key}",
                        row=row_no,
                        column=schema.grain[-1],
                    )
                )
            else:
                keys[key] = row_no
        rows.append(record)
        row_numbers.append(row_no)
        if len(problems) >= MAX_PROBLEMS:
            break
    if not rows and not problems:
        problems.append(Problem("empty-file", "the file has a header but no data rows"))
    if problems:
        raise ValidationError(label, problems)
    return Table(header, rows, row_numbers, sha256)


def read_table(
    schema: TableSchema,
    label: str,
    data: bytes,
    area_codes: Mapping[str, str],
    row_rule: RowRule | None = None,
) -> Table:
    """Check the CSV ``data`` of file ``label`` against ``schema`` (see ``check_rows``)."""
    return check_rows(
        schema,
        label,
        csv_cells(label, data),
        area_codes,
        sha256=file_sha256(data),
        row_rule=row_rule,
    )


def read_file(
    schema: TableSchema,
    path: Path,
    area_codes: Mapping[str, str],
    row_rule: RowRule | None = None,
) -> Table:
    """``read_table`` on a file, with an unreadable file as a problem like any other."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(path.name, [Problem("file", f"cannot read the file: {exc}")]) from exc
    return read_table(schema, path.name, data, area_codes, row_rule)


def read_and_validate(decl: Declaration, path: Path, area_codes: Mapping[str, str]) -> ParsedFile:
    """Parse ``path`` as dataset ``decl``; raise ValidationError listing every problem."""
    table = read_file(decl, path, area_codes)
    return ParsedFile(decl, path, table.sha256, table.rows, table.row_numbers)


def _check_area_types(
    schema: TableSchema,
    record: dict[str, Value],
    row_no: int,
    area_codes: Mapping[str, str],
    problems: list[Problem],
) -> None:
    for name, col in schema.columns.items():
        if col.type != "area_code" or not col.area_type_column:
            continue
        code, declared = record.get(name), record.get(col.area_type_column)
        if isinstance(code, str) and isinstance(declared, str) and code in area_codes:
            actual = area_codes[code]
            if actual != declared:
                problems.append(
                    Problem(
                        "area-type",
                        f"'{code}' is a {actual} code but the row says '{declared}'",
                        row=row_no,
                        column=col.area_type_column,
                    )
                )
