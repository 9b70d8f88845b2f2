"""Read a CSV file against its declaration and report every broken rule precisely.

Nothing here touches the store: a file is parsed and checked completely first, so a bad file
can never leave partial rows behind. Row numbers count the header as row 1, as a
spreadsheet shows them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from missionmonitor.datasets.declaration import Column, Declaration
from missionmonitor.errors import Problem, ValidationError

#: Stop collecting after this many problems: the message is for a person to read.
MAX_PROBLEMS = 200

_SOURCE_KEY = re.compile(r"^[A-Z][A-Z0-9_]*$")
_INTEGER = re.compile(r"^[+-]?\d+$")

Value = int | float | str | None


@dataclass(frozen=True)
class ParsedFile:
    declaration: Declaration
    path: Path
    sha256: str
    rows: list[dict[str, Value]]
    row_numbers: list[int]


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _decode(data: bytes, problems: list[Problem]) -> str | None:
    if not data.strip():
        problems.append(Problem("empty-file", "the file is empty"))
        return None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        problems.append(
            Problem("encoding", "the file contains NUL bytes: it is not a text CSV file", row=line)
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


def _check_header(header: list[str], decl: Declaration, problems: list[Problem]) -> None:
    expected = list(decl.columns)
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem("header", f"column '{name}' appears twice", row=1))
        seen.add(name)
    missing = [c for c in expected if c not in seen]
    extra = [c for c in header if c not in decl.columns]
    if missing:
        problems.append(
            Problem("header", f"missing column(s): {', '.join(missing)}", row=1, column=missing[0])
        )
    if extra:
        problems.append(
            Problem("header", f"unexpected column(s): {', '.join(extra)}", row=1, column=extra[0])
        )


def _convert(
    raw: str,
    name: str,
    col: Column,
    row_no: int,
    area_codes: Mapping[str, str],
    problems: list[Problem],
) -> Value:
    text = raw.strip()
    if text == "":
        if col.required:
            problems.append(Problem("required", "a value is required", row=row_no, column=name))
        return None

    def fail(rule: str, message: str) -> None:
        problems.append(Problem(rule, message, row=row_no, column=name))

    value: Value = text
    if col.type == "integer":
        if not _INTEGER.match(text):
            fail("type", f"'{text}' is not a whole number")
            return None
        value = int(text)
    elif col.type == "decimal":
        try:
            number = float(text)
        except ValueError:
            fail("type", f"'{text}' is not a number")
            return None
        if not math.isfinite(number):
            fail("type", f"'{text}' is not a finite number")
            return None
        value = number
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


def read_and_validate(decl: Declaration, path: Path, area_codes: Mapping[str, str]) -> ParsedFile:
    """Parse ``path`` as dataset ``decl``; raise ValidationError listing every problem.

    ``area_codes`` maps each known area code (current and previous) to its area type.
    """
    problems: list[Problem] = []
    label = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(label, [Problem("file", f"cannot read the file: {exc}")]) from exc
    text = _decode(data, problems)
    if text is None:
        raise ValidationError(label, problems)

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        problem = Problem("malformed-csv", f"unreadable header: {exc}", 1)
        raise ValidationError(label, [problem]) from exc
    _check_header(header, decl, problems)
    if problems:
        raise ValidationError(label, problems)

    rows: list[dict[str, Value]] = []
    row_numbers: list[int] = []
    keys: dict[tuple[Any, ...], int] = {}
    row_no = 1
    try:
        for fields in reader:
            row_no += 1
            if not fields or all(not f.strip() for f in fields):
                continue  # blank line
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
            for name, raw in zip(header, fields, strict=True):
                record[name] = _convert(raw, name, decl.columns[name], row_no, area_codes, problems)
            _check_area_types(decl, record, row_no, area_codes, problems)
            key = tuple(record[g] for g in decl.grain)
            if key in keys:
                problems.append(
                    Problem(
                        "duplicate-key",
                        f"duplicates row {keys[key]} on ({', '.join(decl.grain)}) = {key}",
                        row=row_no,
                        column=decl.grain[0],
                    )
                )
            else:
                keys[key] = row_no
            rows.append(record)
            row_numbers.append(row_no)
            if len(problems) >= MAX_PROBLEMS:
                break
    except csv.Error as exc:
        problems.append(
            Problem("malformed-csv", f"{exc} (an unclosed quote suggests truncation)", row_no + 1)
        )
    if not rows and not problems:
        problems.append(Problem("empty-file", "the file has a header but no data rows"))
    if problems:
        raise ValidationError(label, problems)
    return ParsedFile(decl, path, file_sha256(data), rows, row_numbers)


def _check_area_types(
    decl: Declaration,
    record: dict[str, Value],
    row_no: int,
    area_codes: Mapping[str, str],
    problems: list[Problem],
) -> None:
    for name, col in decl.columns.items():
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
