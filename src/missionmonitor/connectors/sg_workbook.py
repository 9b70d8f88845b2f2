"""Scottish Government quarterly workbooks: one wide table per sheet, read into long rows.

The layout (the suspected drug deaths tables, for one): a title in A1, a row of calendar
years (each written once above its four quarters, the cells between left blank), a row of
quarter labels (``January to March`` … ``October to December``), then one row per area or
category with a value for each quarter, a ``Total`` row, and footnotes. Every edition
re-issues the whole series, so a later edition may revise an earlier quarter. The header
rows are found by content (the row of quarter labels, with the years above it), never by
row number, and the table ends at its first blank row.

Each value becomes one row with these fields, which the source's ``columns`` rename to the
dataset's columns (a field left out of ``columns`` is not returned):

* ``label``: the row's label as published (spaces trimmed, ``options.labels`` applied);
* ``area_code``, ``area_type``: for a sheet of areas, the code that ``options.areas`` gives
  the label (or its division letter, ``A`` in ``A: North East``), or the area of that name
  in the geography, and the area's type;
* ``period``: the quarter in the product's grammar (``2017-Q1``);
* ``value``: the number, or blank where the cell holds a marker;
* ``status``: blank, or the status ``qualifiers["value"]`` gives the cell's marker (``x``
  → ``suppressed``): a suppressed figure is never a zero;
* ``edition``: the label of the edition the file is (found by its name among the
  source's editions), blank if it is not listed;
* ``vintage``: the source key ``options.vintages`` gives that edition (blank if none), so
  that each edition's figures load as their own vintage beside the others'.

``options.constants`` adds columns with one value for every row (a source key, a unit).
Anything out of this layout raises ``LayoutError`` naming the file, sheet, row and column.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Literal

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from missionmonitor.connectors.area_names import name_key
from missionmonitor.datasets.declaration import Source
from missionmonitor.errors import DefinitionError, LayoutError
from missionmonitor.periods import quarter_label
from missionmonitor.refdata.geography import Geography

FIELDS = ("label", "area_code", "area_type", "period", "value", "status", "edition", "vintage")

_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_QUARTER = re.compile(r"^\s*([a-z]+)\s*(?:to|-|–)\s*([a-z]+)\s*$", re.IGNORECASE)
_LETTER = re.compile(r"^([A-Z])\s*:\s*(.+)$")


class Options(BaseModel):
    """What the ``sg_workbook`` connector needs from a source's ``options``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: The sheet holding the table.
    sheet: str = Field(min_length=1)
    #: The header of the label column (``Police Division``, ``Age band``), checked as found.
    header: str = Field(min_length=1)
    #: What the rows are: areas (mapped to codes) or categories (ages, sexes) kept as labels.
    rows: Literal["area", "category"] = "area"
    #: Label or division letter → area code, for labels the geography's names do not match.
    areas: dict[str, str] = Field(default_factory=dict)
    #: The area type of the areas (a label is matched by name only among these).
    area_type: str | None = None
    #: Published label → label to return (an en dash in one edition, ``to`` in another).
    labels: dict[str, str] = Field(default_factory=dict)
    #: Labels that must be in the table: a table without them is truncated.
    required: tuple[str, ...] = ()
    #: Edition label → the source key (in the source register) its figures load under.
    vintages: dict[str, str] = Field(default_factory=dict)
    #: Dataset columns with one value for every row.
    constants: dict[str, str] = Field(default_factory=dict)


def options_of(source: Source) -> Options:
    """The source's options, checked (DefinitionError if they are not this platform's)."""
    try:
        return Options.model_validate(source.options)
    except ValidationError as exc:
        raise DefinitionError(f"sg_workbook source options: {exc}") from exc


def read(content: bytes, source: Source, geography: Geography, name: str) -> pd.DataFrame:
    """The table in ``content`` (an xlsx workbook called ``name``) as long rows in the
    dataset's columns (see the module's description)."""
    opts = options_of(source)
    unknown = sorted(set(source.columns) - set(FIELDS))
    if unknown:
        raise DefinitionError(f"sg_workbook source columns: unknown field(s) {unknown}")
    sheet = _sheet(content, opts.sheet, name)
    where = f"{name}, sheet {opts.sheet!r}"
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    head = _quarter_row(cells, where)
    periods = _periods(cells, head, where)
    label_col = min(periods) - 1
    _check_header(cells, head, label_col, opts.header, where)
    markers = source.qualifiers.get("value", {})
    edition = _edition(source, name)
    vintage = opts.vintages.get(edition, "")
    records: list[dict[str, object]] = []
    seen: set[str] = set()
    for r in range(head + 1, len(cells)):
        row = cells[r]
        raw = row[label_col] if label_col < len(row) else None
        filled = [c for c in periods if c < len(row) and row[c] not in (None, "")]
        if raw is None or not str(raw).strip() or not filled:
            break  # a blank row, or a note below the table (no values)
        label = " ".join(str(raw).split())
        label = opts.labels.get(label, label)
        if label in seen:
            raise LayoutError(_cell(where, r, label_col), f"row {label!r} appears twice")
        seen.add(label)
        code, atype = _area(label, opts, geography, _cell(where, r, label_col))
        for c, period in periods.items():
            value, status = _value(row[c] if c < len(row) else None, markers, _cell(where, r, c))
            records.append(
                {
                    "label": label,
                    "area_code": code,
                    "area_type": atype,
                    "period": period,
                    "value": value,
                    "status": status,
                    "edition": edition,
                    "vintage": vintage,
                }
            )
    if missing := [label for label in opts.required if label not in seen]:
        raise LayoutError(where, f"no row {missing[0]!r}: the table is truncated or renamed")
    if not records:
        raise LayoutError(_cell(where, head + 1, label_col), "the table has no rows")
    return _shaped(records, source.columns, opts.constants)


def _sheet(content: bytes, sheet: str, name: str) -> Worksheet:
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise LayoutError(name, f"not a readable xlsx workbook ({exc})") from exc
    if sheet not in book.sheetnames:
        raise LayoutError(
            f"{name}, sheet {sheet!r}", f"no such sheet (sheets: {', '.join(book.sheetnames)})"
        )
    found = book[sheet]
    if not isinstance(found, Worksheet):
        raise LayoutError(f"{name}, sheet {sheet!r}", "not a worksheet")
    return found


def _cell(where: str, row: int, col: int) -> str:
    """``where`` with a cell's row (1-based, as a spreadsheet shows it) and column letter."""
    return f"{where}, row {row + 1}, column {get_column_letter(col + 1)}"


def _quarter_of(text: object) -> int | None:
    """The quarter (1-4) a label such as ``January to March`` names, else None."""
    m = _QUARTER.match(str(text)) if isinstance(text, str) else None
    if not m or m.group(1).lower() not in _MONTHS or m.group(2).lower() not in _MONTHS:
        return None
    first, last = _MONTHS.index(m.group(1).lower()), _MONTHS.index(m.group(2).lower())
    if first % 3 or last != first + 2:
        return None
    return first // 3 + 1


def _quarter_row(cells: list[list[object]], where: str) -> int:
    for r, row in enumerate(cells):
        if any(_quarter_of(v) for v in row):
            if r == 0:
                raise LayoutError(_cell(where, 0, 0), "no row of years above the quarters")
            return r
    raise LayoutError(where, "no header row of quarters ('January to March' …) found")


def _periods(cells: list[list[object]], head: int, where: str) -> dict[int, str]:
    """Column index → quarter label, from the quarter row and the year row above it."""
    years, quarters = cells[head - 1], cells[head]
    out: dict[int, str] = {}
    year: int | None = None
    previous: tuple[int, int] | None = None
    for c, text in enumerate(quarters):
        quarter = _quarter_of(text)
        if quarter is None and not out:
            continue  # the label column and its header, left of the quarters
        above = years[c] if c < len(years) else None
        if isinstance(above, (int, float)) or (isinstance(above, str) and above.strip()):
            if not re.fullmatch(r"(19|20)[0-9]{2}", str(above).strip().removesuffix(".0")):
                raise LayoutError(_cell(where, head - 1, c), f"{above!r} is not a year")
            year = int(str(above).strip().removesuffix(".0"))
        if text is None or not str(text).strip():
            continue
        if quarter is None:
            raise LayoutError(_cell(where, head, c), f"{text!r} is not a quarter")
        if year is None:
            raise LayoutError(_cell(where, head - 1, c), "no year above this quarter")
        if previous is not None and (year, quarter) != _next(previous):
            raise LayoutError(_cell(where, head, c), "quarters are not consecutive")
        previous = (year, quarter)
        out[c] = quarter_label(year, quarter)
    if not out or min(out) == 0:
        raise LayoutError(_cell(where, head, 0), "no label column left of the quarters")
    return out


def _next(q: tuple[int, int]) -> tuple[int, int]:
    return (q[0] + 1, 1) if q[1] == 4 else (q[0], q[1] + 1)


def _check_header(cells: list[list[object]], head: int, col: int, header: str, where: str) -> None:
    found = [cells[r][col] for r in (head - 1, head) if col < len(cells[r])]
    texts = [" ".join(str(v).split()) for v in found if v is not None]
    if header not in texts:
        raise LayoutError(
            _cell(where, head - 1, col), f"label column header is {texts}, not {header!r}"
        )


def _area(label: str, opts: Options, geo: Geography, where: str) -> tuple[str, str]:
    if opts.rows == "category":
        return "", ""
    letter = _LETTER.match(label)
    keys = [label] + ([letter.group(1), letter.group(2)] if letter else [])
    code = next((opts.areas[k] for k in keys if k in opts.areas), None)
    if code is None:
        named = name_key(letter.group(2) if letter else label)
        found = [
            a.code
            for a in geo.areas.values()
            if a.current
            and (opts.area_type is None or a.type == opts.area_type)
            and name_key(a.name) == named
        ]
        if len(found) != 1:
            raise LayoutError(where, f"no area for {label!r} (add it to the source's areas)")
        code = found[0]
    if code not in geo.areas:
        raise DefinitionError(f"sg_workbook source areas: {label!r} → unknown code {code!r}")
    return code, geo.areas[code].type


def _value(cell: object, markers: dict[str, str], where: str) -> tuple[object, str]:
    """The cell as (number, "") or, for a marker, ("", its status)."""
    if isinstance(cell, bool):
        raise LayoutError(where, f"{cell!r} is not a number")
    if isinstance(cell, (int, float)):
        if cell < 0:
            raise LayoutError(where, f"{cell!r} is negative")
        return (int(cell) if float(cell).is_integer() else cell), ""
    text = "" if cell is None else str(cell).strip()
    if text in markers:
        return "", markers[text]
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
        return (int(text) if text.isdigit() else float(text)), ""
    if not text:
        raise LayoutError(where, "empty cell: neither a number nor a declared marker")
    raise LayoutError(where, f"{text!r} is neither a number nor a declared marker")


def _edition(source: Source, name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    for e in source.editions:
        if name in (e.file, e.url) or base in (e.file, e.url.rsplit("/", 1)[-1]):
            return e.edition
    return ""


def _shaped(
    records: list[dict[str, object]], columns: dict[str, str], constants: dict[str, str]
) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=list(FIELDS))
    frame = frame[list(columns)].rename(columns=columns)
    for column, value in constants.items():
        frame[column] = value
    return frame
