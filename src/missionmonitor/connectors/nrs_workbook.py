"""National Records of Scotland data workbooks (accessible-spreadsheet layout).

A dataset's ``source.options`` name the sheets to read and how each maps to the dataset's
columns (``NrsWorkbookOptions``). Each sheet's header row is found by its content; a table
laid out with areas (or ages) across is turned long (``melt``). Area names are matched to
codes through the geography, among the areas of the sheet's declared type; periods are
written in the product's grammar (``2019 -2023`` → ``2019-2023``); shorthand markers
(``[u]``, ``[x]``, ``[c]``, ``[z]``, ``[b]``…) leave the value blank and are kept, with what
they mean, in the dataset's marker and status columns — never read as zero. A file out of
its declared layout raises ``LayoutError`` naming the file, sheet, row and column.

For example, with a dataset declaration ``decl`` whose source names this platform::

    rows = read(path.read_bytes(), decl.source, geography, path.name)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from missionmonitor.connectors.area_names import AreaNames
from missionmonitor.connectors.sheets import (
    SHORTHAND,
    SheetTable,
    cell_value,
    find_table,
    open_workbook,
    period_label,
)
from missionmonitor.datasets.declaration import Source
from missionmonitor.errors import DefinitionError, LayoutError
from missionmonitor.refdata.geography import Geography


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Melt(_Strict):
    """A table laid out across: the column headed ``first`` and every one after it become
    rows, the header going to dataset column ``into`` and the cell to ``value``."""

    first: str
    into: str
    value: str


class Sheet(_Strict):
    """One sheet to read."""

    sheet: str
    #: Publisher headers the header row must hold; the first is its first cell.
    header: tuple[str, ...] = Field(min_length=1)
    #: The geography's types of the areas the sheet holds (the nation is always known);
    #: names are looked up among the first type's areas (``Fife`` is a council and a board).
    area_types: tuple[str, ...] = Field(min_length=1)
    melt: Melt | None = None
    #: Dataset columns given one value for every row of the sheet.
    constants: dict[str, str] = Field(default_factory=dict)
    #: A pattern with one group that reads the sheet's period from its title (cell A1),
    #: for a table whose rows carry none ("... annual averages for 2019-2023").
    title_period: str | None = None
    #: Every area of ``area_types`` must appear: a missing one means a truncated table.
    complete: bool = True
    #: Names the geography does not use, with their codes (``Edinburgh, City of``).
    aliases: dict[str, str] = Field(default_factory=dict)


class NrsWorkbookOptions(_Strict):
    """What an ``nrs_workbook`` source's ``options`` say (dataset column names)."""

    sheets: tuple[Sheet, ...] = Field(min_length=1)
    area_name: str = "area_name"
    area_code: str = "area_code"
    #: Filled with each area's type in the geography.
    area_type: str | None = "area_type"
    period: str = "period"
    #: Filled with the sheet's name (tables of one workbook can repeat an area and period).
    table: str | None = None
    #: Filled with the shorthand markers of the row as published (``[u]``).
    marker: str | None = None
    #: Filled with the source key of the edition read (``vintages``: edition → key).
    vintage: str | None = None
    vintages: dict[str, str] = Field(default_factory=dict)
    #: Recodes of a dataset column's values (``sex: {Persons: All}``); values not listed
    #: are kept as they are, for the dataset's schema to check.
    values: dict[str, dict[str, str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _vintage_keys(self) -> NrsWorkbookOptions:
        if self.vintage and not self.vintages:
            raise ValueError("vintage: name each edition's source key under vintages")
        return self


def options_of(source: Source) -> NrsWorkbookOptions:
    """The source's options, validated; DefinitionError if they do not fit."""
    try:
        return NrsWorkbookOptions.model_validate(source.options)
    except ValidationError as exc:
        raise DefinitionError(f"nrs_workbook source options: {exc}") from exc


def read(content: bytes, source: Source, geography: Geography, name: str) -> pd.DataFrame:
    """The rows of the declared sheets of workbook ``content`` in the dataset's columns,
    indexed by their row in the sheet."""
    opts = options_of(source)
    if len(source.qualifiers) > 1:
        raise DefinitionError("nrs_workbook: declare one status column under qualifiers")
    status_column, codes = next(iter(source.qualifiers.items()), (None, {}))
    vintage = _vintage(content, source, opts, name)
    book = open_workbook(content, name)
    records: list[dict[str, Any]] = []
    index: list[int] = []
    try:
        for spec in opts.sheets:
            table = find_table(book, spec.sheet, spec.header, name)
            reader = _SheetReader(table, spec, source, opts, geography, name)
            for row_no, record in reader.records(codes, status_column):
                if opts.vintage and vintage:
                    record[opts.vintage] = vintage
                records.append(record)
                index.append(row_no)
            reader.check_complete()
    finally:
        book.close()
    return pd.DataFrame(records, index=pd.Index(index, name="row"), dtype=object)


def _vintage(content: bytes, source: Source, opts: NrsWorkbookOptions, name: str) -> str | None:
    """The source key of the edition ``content`` is (by SHA-256, else by file name)."""
    if not opts.vintage:
        return None
    digest = hashlib.sha256(content).hexdigest()
    base = PurePosixPath(name).name
    for ed in source.editions:
        if ed.sha256 == digest or (ed.sha256 is None and ed.file == base):
            if ed.edition not in opts.vintages:
                raise DefinitionError(f"nrs_workbook: edition {ed.edition!r} has no source key")
            return opts.vintages[ed.edition]
    raise LayoutError(name, f"not a declared edition of this source (SHA-256 {digest})")


class _SheetReader:
    """One sheet's table turned into dataset rows."""

    def __init__(
        self,
        table: SheetTable,
        spec: Sheet,
        source: Source,
        opts: NrsWorkbookOptions,
        geography: Geography,
        name: str,
    ) -> None:
        self.table, self.spec, self.opts, self.name = table, spec, opts, name
        self.geo = geography
        self.names = AreaNames(geography, spec.area_types[0], spec.aliases)
        self.expected = {a.code for t in spec.area_types for a in geography.of_type(t)}
        self.columns = {
            i: source.columns[h] for i, h in enumerate(table.header) if h in source.columns
        }
        self.melted: list[int] = []
        if spec.melt:
            start = table.column(spec.melt.first)
            self.melted = [i for i in range(start, len(table.header)) if table.header[i]]
            self.columns = {i: c for i, c in self.columns.items() if i < start}
        self.period = self._title_period()
        self.seen: set[str] = set()

    def _title_period(self) -> str | None:
        if not self.spec.title_period:
            return None
        found = re.search(self.spec.title_period, self.table.title)
        where = self.table.where(self.name, 1)
        if not found:
            raise LayoutError(where, f"the title does not say the period ('{self.table.title}')")
        return period_label(found[1], where)

    def records(
        self, codes: Mapping[str, str], status_column: str | None
    ) -> list[tuple[int, dict[str, Any]]]:
        out = []
        for row_no, cells in self.table.rows:
            base: dict[str, Any] = dict(self.spec.constants)
            markers: list[str] = []
            for i, col in self.columns.items():
                base[col] = self._cell(cells[i], row_no, i, col, codes, markers)
            if self.period:
                base[self.opts.period] = self.period
            if not self.spec.melt:
                out.append((row_no, self._finish(base, markers, row_no, codes, status_column)))
                continue
            for i in self.melted:
                record, marks = dict(base), list(markers)
                record[self.spec.melt.into] = self.table.header[i]
                value = self._cell(cells[i], row_no, i, self.spec.melt.value, codes, marks)
                record[self.spec.melt.value] = value
                out.append(
                    (row_no, self._finish(record, marks, row_no, codes, status_column, col=i))
                )
        return out

    def _cell(
        self,
        raw: Any,
        row_no: int,
        col: int,
        column: str,
        codes: Mapping[str, str],
        markers: list[str],
    ) -> Any:
        value = cell_value(raw)
        if not isinstance(value, str) or column in self._identity():
            return value
        if value in codes:
            markers.append(value)
            return None
        if SHORTHAND.match(value):
            raise LayoutError(
                self.table.where(self.name, row_no, col),
                f"shorthand '{value}' is not declared under the source's qualifiers",
            )
        return value

    def _identity(self) -> set[str]:
        o = self.opts
        melt_key = self.spec.melt.into if self.spec.melt else None
        return {c for c in (o.area_name, o.area_code, o.period, melt_key) if c}

    def _finish(
        self,
        record: dict[str, Any],
        markers: list[str],
        row_no: int,
        codes: Mapping[str, str],
        status_column: str | None,
        col: int | None = None,
    ) -> dict[str, Any]:
        o = self.opts
        where = self.table.where(self.name, row_no, col)
        if o.area_code not in record:
            area = str(record.get(o.area_name) or "")
            code = self.names.code(area)
            if code is None:
                kind = self.spec.area_types[0]
                raise LayoutError(where, f"'{area}' is not the name of a {kind} area")
            record[o.area_code] = code
        code = str(record[o.area_code])
        self.seen.add(code)
        if o.area_type:
            record[o.area_type] = self.geo.codes().get(code, "")
        if o.period in record:
            record[o.period] = period_label(record[o.period], where)
        for column, recode in o.values.items():
            if column in record:
                record[column] = recode.get(str(record[column]), record[column])
        if o.table:
            record[o.table] = self.table.sheet
        unique = list(dict.fromkeys(markers))
        if o.marker:
            record[o.marker] = " ".join(unique) or None
        if status_column:
            record[status_column] = codes[unique[0]] if unique else None
        return record

    def check_complete(self) -> None:
        """Every area of the sheet's type appears (else the table was cut short)."""
        if not self.spec.complete:
            return
        missing = sorted(self.expected - self.seen)
        if missing:
            names = ", ".join(self.geo.area(c).name for c in missing[:5])
            raise LayoutError(
                self.table.where(self.name),
                f"{len(missing)} area(s) missing from the table: {names}",
            )
