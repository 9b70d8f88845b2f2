"""Reading a publisher's workbook laid out as an accessible spreadsheet: one table a sheet,
a title and a few lines of text, then a header row that moves between editions.

Everything here names the file, sheet, row and column of what it cannot read, as a
``LayoutError``; it never guesses a value.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from missionmonitor.errors import LayoutError, NotFoundError
from missionmonitor.periods import parse_period

#: A publisher's workbook expands to at most this much (its largest real files are ~5 MB).
MAX_UNZIPPED = 200 * 1024 * 1024
#: The header row is looked for in this many rows from the top of a sheet.
HEADER_SEARCH_ROWS = 30
#: "[note 3]" after a header: a reference to the notes sheet, not part of the name.
_NOTE = re.compile(r"\s*\[note\s*[0-9]+\]", re.IGNORECASE)
#: A shorthand marker as the government's accessible spreadsheets write them: [x], [u]…
SHORTHAND = re.compile(r"^\[[a-z]{1,3}\]$")
_SPACES = re.compile(r"\s+")
#: "to" joining two years in a period label ("2019to2023").
_BETWEEN_YEARS = re.compile(r"(?<=[0-9])to(?=[0-9])")


@dataclass(frozen=True)
class SheetTable:
    """A table found in a sheet: its title (cell A1), header row and the data rows below it
    up to the first empty row, each with its row number in the sheet."""

    sheet: str
    title: str
    header_row: int
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]

    def column(self, header: str) -> int:
        return self.header.index(header)

    def where(self, name: str, row: int | None = None, col: int | None = None) -> str:
        """``name, sheet 'X', row 7, column C ('Sex')`` for an error message."""
        parts = [name, f"sheet '{self.sheet}'"]
        if row is not None:
            parts.append(f"row {row}")
        if col is not None:
            parts.append(f"column {get_column_letter(col + 1)} ('{self.header[col]}')")
        return ", ".join(parts)


def header_text(value: Any) -> str:
    """A header cell as compared: note references dropped, runs of space made one."""
    return _SPACES.sub(" ", _NOTE.sub("", str(value if value is not None else ""))).strip()


def open_workbook(content: bytes, name: str) -> Any:
    """The workbook in ``content``, read only (values, not formulas); LayoutError if it is
    not a readable .xlsx package (a truncated download, another format)."""
    from openpyxl import load_workbook

    try:
        members = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except zipfile.BadZipFile as exc:
        raise LayoutError(name, "not an .xlsx workbook (or a truncated one)") from exc
    if sum(m.file_size for m in members) > MAX_UNZIPPED:
        raise LayoutError(name, f"the workbook expands to more than {MAX_UNZIPPED:,} bytes")
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken package
        raise LayoutError(name, f"the workbook cannot be read ({exc})") from exc


def _sheet_rows(book: Any, sheet: str, name: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
    if sheet not in book.sheetnames:
        found = ", ".join(book.sheetnames)
        raise LayoutError(f"{name}, sheet '{sheet}'", f"no such sheet (found: {found})")
    ws = book[sheet]
    ws.reset_dimensions()  # the declared size is not trusted: read what is there
    try:
        for r, values in enumerate(ws.iter_rows(values_only=True), start=1):
            yield r, tuple(values)
    except Exception as exc:  # a broken sheet part
        raise LayoutError(f"{name}, sheet '{sheet}'", f"the sheet cannot be read ({exc})") from exc


def _blank(values: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def find_table(book: Any, sheet: str, header: Sequence[str], name: str) -> SheetTable:
    """The table of ``sheet`` whose header row starts with ``header[0]`` and holds every
    cell of ``header`` (compared by ``header_text``), found by content in the first
    ``HEADER_SEARCH_ROWS`` rows; its data rows run to the first empty row."""
    rows = _sheet_rows(book, sheet, name)
    title = ""
    found: tuple[int, tuple[str, ...]] | None = None
    for r, values in rows:
        if r == 1:
            title = header_text(values[0] if values else "")
        cells = tuple(header_text(v) for v in values)
        first = next((c for c in cells if c), "")
        if first == header[0]:
            found = (r, cells)
            break
        if r >= HEADER_SEARCH_ROWS:
            break
    where = f"{name}, sheet '{sheet}'"
    if found is None:
        raise LayoutError(
            where,
            f"no header row starting '{header[0]}' in rows 1-{HEADER_SEARCH_ROWS}",
        )
    header_row, cells = found
    while cells and not cells[-1]:
        cells = cells[:-1]
    missing = [h for h in header if h not in cells]
    if missing:
        raise LayoutError(
            f"{where}, row {header_row}",
            f"header has no column '{missing[0]}' (found: {', '.join(c for c in cells if c)})",
        )
    data: list[tuple[int, tuple[Any, ...]]] = []
    for r, values in rows:
        if _blank(values):
            break
        data.append((r, tuple(values[: len(cells)]) + (None,) * (len(cells) - len(values))))
    if not data:
        raise LayoutError(f"{where}, row {header_row + 1}", "no data rows below the header")
    return SheetTable(sheet, title, header_row, cells, tuple(data))


def cell_value(value: Any) -> Any:
    """A data cell as a dataset file holds it: text trimmed, whole numbers as integers."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def period_label(value: Any, where: str) -> str:
    """A period cell in the product's grammar: ``2019 -2023``, ``2019to2023`` and
    ``2019 - 2023`` become ``2019-2023``; 2023 (a number) becomes ``2023``."""
    text = str(cell_value(value))
    text = _BETWEEN_YEARS.sub("-", _SPACES.sub("", text))
    try:
        return parse_period(text).label
    except NotFoundError:
        raise LayoutError(where, f"'{value}' is not a period label") from None
