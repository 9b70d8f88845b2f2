"""The record-level outcome reviews return: its template (one row per person and review
point), the checks an uploaded file of it must pass, and the records kept in a return.

A person is sent only as a key the service makes by hashing its own identifier for the
person (such as the CHI number) with its ADP's secret salt: HMAC-SHA256, written as 64
lowercase hexadecimal characters (``person_key``). The platform never sees the identifier
or the salt; a cell that looks like a CHI number (ten digits) or like a name is refused.

Each file is checked like every upload (size, type, formulas, the template's columns, then
each row: the form and version, an ADP in the uploader's scope, a quarter, the key, a known
review point, a date within the quarter, and each answer within its kind's range), with
every problem named by row, column and rule.

For example::

    groups = read_records(geo, form, instrument, "reviews.csv", data, allowed={"S11000015"})
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import re
from collections import defaultdict
from typing import Any

from missionmonitor.datasets.reader import check_rows
from missionmonitor.datasets.table_schema import Column, TableSchema
from missionmonitor.errors import Problem, ValidationError
from missionmonitor.periods import parse_period
from missionmonitor.refdata.geography import Geography
from missionmonitor.returns.forms import Form
from missionmonitor.returns.upload import FIXED, MAX_ROWS, file_rows, is_formula, row_problems
from missionmonitor.wellbeing.instrument import RANGES, Instrument
from missionmonitor.wellbeing.measures import ReviewRecord

RECORD_COLUMNS = ("person_key", "review_point", "review_date")
KEY = re.compile(r"^[0-9a-f]{64}$")
YES_NO = {"yes": 1, "no": 0}


def person_key(identifier: str, salt: str) -> str:
    """The key a service sends for a person: HMAC-SHA256 of its identifier with its ADP's
    salt, as 64 lowercase hexadecimal characters.

    >>> person_key("0101011234", "an ADP's secret salt")[:12]
    'cc4394d82fa6'
    """
    return hmac.new(salt.encode(), identifier.strip().encode(), hashlib.sha256).hexdigest()


def columns(instrument: Instrument) -> list[str]:
    """The template's columns: the form's fixed ones, the person, point and date, then one
    per item."""
    return [*FIXED, *RECORD_COLUMNS, *(i.id for i in instrument.items)]


def template_csv(form: Form, instrument: Instrument) -> str:
    """A CSV template: the header and one example row (an invented key)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns(instrument))
    example = person_key("example", "example")
    writer.writerow(
        [form.id, form.version, "S11000000", "2025-Q2", example, instrument.start, "2025-04-01"]
        + [""] * len(instrument.items)
    )
    return out.getvalue()


def key_problem(value: str) -> str | None:
    """Why a person key is refused, or None."""
    bare = re.sub(r"[\s-]", "", value)
    if bare.isdigit() and len(bare) == 10:
        return "this looks like a CHI number: send the hashed key, never the number"
    if KEY.match(value.lower()):
        return None
    if re.search(r"[g-zG-Z\s']", value):
        return "this looks like a name or free text: send the hashed key only"
    return "must be the 64-character hashed key (HMAC-SHA256 with your ADP's salt)"


def _answer(kind: str, text: str) -> tuple[int | None, str | None]:
    text = text.strip().lower()
    if kind == "yes_no":
        return (YES_NO[text], None) if text in YES_NO else (None, "answer yes or no")
    low, high = RANGES[kind]
    if not text.isdigit() or not low <= int(text) <= high:
        return None, f"must be a whole number from {low} to {high}"
    return int(text), None


def _row(
    instrument: Instrument, i: int, cells: dict[str, Any], problems: list[Problem]
) -> dict[str, Any]:
    key = str(cells["person_key"]).strip()
    if (why := key_problem(key)) is not None:
        problems.append(Problem("person-key", why, i, "person_key"))
    point = str(cells["review_point"]).strip()
    if point not in {p.id for p in instrument.review_points}:
        known = ", ".join(p.id for p in instrument.review_points)
        problems.append(
            Problem("review-point", f"{point!r} is not one of {known}", i, "review_point")
        )
    try:
        day = dt.date.fromisoformat(str(cells["review_date"]).strip())
        period = parse_period(str(cells["period"]))
        if not period.start <= day <= period.end:
            problems.append(
                Problem("review-date", f"{day} is outside {period.label}", i, "review_date")
            )
    except ValueError:
        problems.append(
            Problem("review-date", "must be a date such as 2025-04-01", i, "review_date")
        )
        day = None
    answers: dict[str, int | None] = {}
    for item in instrument.items:
        text = str(cells.get(item.id) or "")
        if not text.strip():
            answers[item.id] = None
            if item.required:
                problems.append(Problem("required", f"{item.label}: answer this", i, item.id))
            continue
        answers[item.id], why = _answer(item.kind, text)
        if why:
            problems.append(Problem("range", f"{item.label}: {why}", i, item.id))
    return {
        "person_key": key.lower(),
        "review_point": point,
        "review_date": day.isoformat() if day else "",
        "answers": answers,
    }


def read_records(
    geo: Geography,
    form: Form,
    instrument: Instrument,
    name: str,
    data: bytes,
    allowed: set[str] | None = None,
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Check an upload of the outcome reviews return; its records by (ADP, quarter).
    ValidationError lists every problem (nothing is kept from a file with one)."""
    width = len(columns(instrument))
    rows = file_rows(name, data, width + 1)
    if len(rows) > MAX_ROWS + 1:
        raise ValidationError(
            name, [Problem("row-limit", f"{len(rows) - 1:,} rows; the limit is {MAX_ROWS:,}")]
        )
    problems: list[Problem] = []
    header = rows[0][1] if rows else []
    for i, cells in rows[1:]:
        for col, value in zip(header, cells, strict=False):
            if is_formula(value):
                problems.append(Problem("formula", "cells must hold values, not formulas", i, col))
    if problems:
        raise ValidationError(name, problems)
    text = Column(type="text")
    schema = TableSchema(
        columns={
            **{c: Column(type="text", required=True) for c in (*FIXED, *RECORD_COLUMNS)},
            "adp_code": Column(type="area_code", required=True),
            **{i.id: text for i in instrument.items},
        },
        grain=("adp_code", "person_key", "review_point"),
    )
    areas = geo.codes()
    table = check_rows(
        schema,
        name,
        rows,
        areas,
        row_rule=lambda i, row: row_problems(geo.configuration, form, i, row, areas, allowed),
    )
    out: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for i, checked in zip(table.row_numbers, table.rows, strict=True):
        record = _row(instrument, i, checked, problems)
        out[(str(checked["adp_code"]), str(checked["period"]))].append(record)
    if problems:
        raise ValidationError(name, problems)
    return dict(out)


def review_records(adp: str, kept: list[dict[str, Any]]) -> list[ReviewRecord]:
    """The records kept in one ADP's return, for the measures."""
    return [
        ReviewRecord(
            adp,
            r["person_key"],
            r["review_point"],
            dt.date.fromisoformat(r["review_date"]),
            r["answers"],
        )
        for r in kept
    ]
