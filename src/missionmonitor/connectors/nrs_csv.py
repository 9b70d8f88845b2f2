"""NRS annual series as a CSV table: one row a year, one column a series, for the country.

The layout (NRS's drug misuse deaths since 1996 as the Scottish Government's analysis
repository keeps them, ``NRSdata_trend.csv``, for one): a header row, then one row per
year with the year in the first column and a cell for each series (deaths, the change
from the year before, 3- and 5-year centred averages, the likely range, the consistent
series); a cell NRS gives no figure is empty.

The source's ``columns`` map the publisher's headers (spaces trimmed and collapsed: NRS's
own header ends in a space) to the dataset's columns; only those are returned, each cell
as published (text, so ``335.8`` stays ``335.8``). A header it names that the file lacks,
or a row with more or fewer cells than the header (a truncated file), raises
``LayoutError`` naming the file, row and column. ``qualifiers`` maps a dataset status
column to markers (``[x]``, ``[c]``…): a cell holding one is left blank, never zero, and
the status column says why.

``options``: ``national`` names a dataset column to hold the national area's code on every
row (the table is the country's); ``constants`` adds columns with one value for every row;
``required`` lists the first column's values (years) the table must hold, so that a file
cut short after a whole row is refused too.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from missionmonitor.datasets.declaration import Source
from missionmonitor.errors import DefinitionError, LayoutError
from missionmonitor.refdata.geography import Geography, national_code


class Options(BaseModel):
    """What the ``nrs_csv`` connector needs from a source's ``options``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: The dataset column that holds the national area's code.
    national: str | None = None
    #: Dataset columns with one value for every row.
    constants: dict[str, str] = Field(default_factory=dict)
    #: Values of the first column (years) the table must hold.
    required: tuple[str, ...] = ()


def options_of(source: Source) -> Options:
    """The source's options, checked (DefinitionError if they are not this platform's)."""
    try:
        return Options.model_validate(source.options)
    except ValidationError as exc:
        raise DefinitionError(f"nrs_csv source options: {exc}") from exc


def read(content: bytes, source: Source, geography: Geography, name: str) -> pd.DataFrame:
    """The table in ``content`` (a CSV file called ``name``) in the dataset's columns."""
    opts = options_of(source)
    if not source.columns:
        raise DefinitionError("an nrs_csv source maps the publisher's columns under columns:")
    lines = _lines(content, name)
    if not lines:
        raise LayoutError(name, "the file is empty: no header row")
    header = [" ".join(cell.split()) for cell in lines[0]]
    at = {h: i for i, h in enumerate(header) if h}
    missing = [c for c in source.columns if c not in at]
    if missing:
        found = ", ".join(repr(h) for h in header)
        raise LayoutError(f"{name}, row 1", f"column {missing[0]!r} not found (found: {found})")
    markers = {
        marker: (column, status)
        for column, codes in source.qualifiers.items()
        for marker, status in codes.items()
    }
    records: list[dict[str, str]] = []
    for row_no, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise LayoutError(
                f"{name}, row {row_no}",
                f"{len(cells)} cells where the header has {len(header)}: the file is cut short "
                "or its layout changed",
            )
        record = dict.fromkeys(source.qualifiers, "")
        for published, column in source.columns.items():
            cell = cells[at[published]].strip()
            if cell in markers:
                status_column, status = markers[cell]
                record[status_column] = record[status_column] or status
                cell = ""
            record[column] = cell
        records.append(record)
    first = {cells[0].strip() for cells in lines[1:] if cells}
    absent = [value for value in opts.required if value not in first]
    if absent:
        raise LayoutError(name, f"no row for {absent[0]!r}: the file is cut short")
    columns = [*source.qualifiers, *source.columns.values()]
    frame = pd.DataFrame.from_records(records, columns=list(dict.fromkeys(columns)))
    if opts.national:
        frame[opts.national] = national_code(geography.configuration)
    for column, value in opts.constants.items():
        frame[column] = value
    return frame


def _lines(content: bytes, name: str) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LayoutError(name, f"not UTF-8 text (byte {exc.start}): not a CSV file") from exc
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise LayoutError(name, f"not well-formed CSV: {exc}") from exc
