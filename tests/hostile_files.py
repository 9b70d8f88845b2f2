"""A corpus of hostile and malformed files: each is an upload of the quarterly residential
rehabilitation return that must be refused whole, naming the rule (and the row and column
where there is one). Used by the tests and by ``benchmarks/hostile_files.py``, which times
each refusal.

Every case is (id, file name, content, rule, row, column); row None for a file-level
problem.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

from openpyxl import Workbook

from missionmonitor.returns.forms import get_form
from missionmonitor.returns.upload import MAX_BYTES, MAX_ROWS, columns
from tests.helpers import scotland

FORM = get_form(scotland(), "rehab_quarterly")
COLUMNS = columns(FORM)
ADP = "S11000015"
GOOD = {
    "form_id": "rehab_quarterly",
    "form_version": "2",
    "adp_code": ADP,
    "period": "2024-Q2",
    "placements_total": "10",
    "placements_drugs": "5",
    "placements_alcohol": "3",
    "placements_both": "2",
    "placements_women": "4",
    "estimated_cost_gbp": "420000",
}
Case = tuple[str, str, bytes, str, int | None, str | None]


def csv_of(*rows: dict[str, str], header: list[str] | None = None, end: str = "\n") -> bytes:
    cols = header or COLUMNS
    lines = [",".join(cols)] + [",".join(_quoted(r.get(c, "")) for c in cols) for r in rows]
    return (end.join(lines) + end).encode()


def _quoted(v: str) -> str:
    return f'"{v}"' if any(ch in v for ch in ',"\n') else v


def workbook(rows: list[list[object]], sheet: str = "return") -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def good_rows() -> list[list[object]]:
    return [list(COLUMNS), [GOOD[c] for c in COLUMNS]]


def repack(
    data: bytes, edit: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None
) -> bytes:
    """A workbook package with its parts edited (None drops a part) and parts added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n in source.namelist():
            content = edit(n, source.read(n))
            if content is not None:
                z.writestr(n, content)
        for n, content in (extra or {}).items():
            z.writestr(n, content)
    return out.getvalue()


def _sheet_edit(change: Callable[[str], str]) -> bytes:
    def edit(name: str, content: bytes) -> bytes:
        return change(content.decode()).encode() if name == "xl/worksheets/sheet1.xml" else content

    return repack(workbook(good_rows()), edit)


def dimension_bomb(ref: str = "A1:XFD1048576", last_row: int = 1048576) -> bytes:
    """A tiny workbook that declares a huge sheet and has one empty row at its very end (its
    return lacks a required answer, so that it is refused once read)."""
    rows = good_rows()
    rows[1][COLUMNS.index("placements_total")] = None
    source = workbook(rows)

    def edit(name: str, content: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return content
        text = re.sub(r'<dimension ref="[^"]*" ?/>', f'<dimension ref="{ref}"/>', content.decode())
        return text.replace("</sheetData>", f'<row r="{last_row}"/></sheetData>').encode()

    return repack(source, edit)


def far_cell(col: str, row: int) -> bytes:
    """A value far away from the data: a cell at ``col`` ``row``."""
    cell = f'<row r="{row}"><c r="{col}{row}" t="inlineStr"><is><t>x</t></is></c></row>'
    return _sheet_edit(lambda t: t.replace("</sheetData>", cell + "</sheetData>"))


def styled_rows(n: int) -> bytes:
    """``n`` rows each with an empty, styled cell in the last column (XFD)."""
    rows = "".join(f'<row r="{i}"><c r="XFD{i}" s="0"/></row>' for i in range(3, n + 3))
    return _sheet_edit(lambda t: t.replace("</sheetData>", rows + "</sheetData>"))


def many_rows(n: int) -> bytes:
    rows = "".join(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>rehab_quarterly</t></is></c></row>'
        for i in range(3, n + 3)
    )
    return _sheet_edit(lambda t: t.replace("</sheetData>", rows + "</sheetData>"))


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


def with_doctype(part: str, doctype: str, reference: str) -> bytes:
    """A workbook whose ``part`` carries a DOCTYPE (entity expansion, external entities)."""

    def edit(name: str, content: bytes) -> bytes:
        if name != part:
            return content
        text = re.sub(r"^<\?xml[^>]*\?>", "", content.decode())
        text = text.replace("<t>rehab_quarterly</t>", f"<t>{reference}</t>", 1)
        return (doctype + text).encode()

    return repack(workbook(good_rows()), edit)


def nested_xml(depth: int) -> bytes:
    blob = "<a>" * depth + "</a>" * depth
    return _sheet_edit(lambda t: t.replace("<sheetViews>", f"<extLst>{blob}</extLst><sheetViews>"))


SST = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def with_shared_strings(table: str) -> bytes:
    """A workbook whose first cell is read from a shared-string table ``table`` (its XML)."""

    def edit(name: str, content: bytes) -> bytes:
        text = content.decode()
        if name == "[Content_Types].xml":
            text = text.replace(
                "</Types>",
                '<Override PartName="/xl/sharedStrings.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.'
                'spreadsheetml.sharedStrings+xml"/></Types>',
            )
        elif name == "xl/_rels/workbook.xml.rels":
            text = text.replace(
                "</Relationships>",
                '<Relationship Id="rIdSst" Type="http://'
                "schemas.openxmlformats.org/officeDocument/2006/relationships/"
                'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
            )
        elif name == "xl/worksheets/sheet1.xml":
            text = re.sub(
                r'<c r="A1" t="inlineStr"><is><t>[^<]*</t></is></c>',
                '<c r="A1" t="s"><v>0</v></c>',
                text,
            )
        return text.encode()

    return repack(workbook(good_rows()), edit, {"xl/sharedStrings.xml": table.encode()})


def shared_strings_bomb(count: int) -> bytes:
    items = "".join(f"<si><t>s{i}</t></si>" for i in range(count))
    return with_shared_strings(f'<sst xmlns="{SST}" count="{count}">{items}</sst>')


def zip_bomb(size: int) -> bytes:
    """A workbook with a part that expands from a few kilobytes to ``size`` bytes."""
    return repack(workbook(good_rows()), lambda n, c: c, {"xl/media/pad.bin": b"\0" * size})


def _numeric(column: str, value: str, rule: str = "type") -> Case:
    return (f"{value!r} in {column}", "n.csv", csv_of({**GOOD, column: value}), rule, 2, column)


NUMERIC_EDGES = [
    "inf",
    "-inf",
    "+inf",
    "Infinity",
    "-Infinity",
    "INF",
    "nan",
    "NaN",
    "-nan",
    "1e309",
    "-1e309",
    "1e400",
    "-0",
    "-0.0",
    "1,000",
    "10,000.5",
    "1 000",
    "0x10",
    "1_000",
    "1e",
    "1.2.3",
    "١٢",
    "½",
    "1e5.5",
    "0b11",
    "12e",
    ".",
    "1..0",
]


def cases() -> list[Case]:
    out: list[Case] = []
    for col in ("placements_total", "estimated_cost_gbp"):
        out += [_numeric(col, v) for v in NUMERIC_EDGES]
    for prefix in ("=", " =", "  =", "\t=", " +", " -", " @", "+", "@"):
        value = (
            f"{prefix}SUM(1,2)"
            if prefix.strip() in ("=", "+", "@")
            else f"{prefix}1+cmd|' /C calc'!A0"
        )
        content = csv_of({**GOOD, "placements_women": value})
        out.append(
            (f"formula {prefix!r} in CSV", "f.csv", content, "formula", 2, "placements_women")
        )
    for prefix in ("=", " =", "\t="):
        rows = good_rows()
        rows[1][COLUMNS.index("placements_total")] = f"{prefix}SUM(F2:H2)"
        out.append(
            (
                f"formula {prefix!r} in XLSX",
                "f.xlsx",
                workbook(rows),
                "formula",
                2,
                "placements_total",
            )
        )
    big_field = "x" * 140_000
    out += [
        ("empty file", "e.csv", b"", "empty-file", None, None),
        ("only whitespace", "e.csv", b" \n\t\n", "empty-file", None, None),
        ("over the size limit", "big.csv", b"a," * (MAX_BYTES // 2 + 1), "size", None, None),
        ("a 10 MB single field", "big.csv", b'"' + b"x" * 10_000_000 + b'"\n', "size", None, None),
        (
            "a field over the CSV field limit",
            "f.csv",
            csv_of({**GOOD, "placements_women": big_field}),
            "malformed-csv",
            2,
            None,
        ),
        (
            "UTF-16 LE with BOM",
            "u.csv",
            b"\xff\xfe" + csv_of(GOOD).decode().encode("utf-16-le"),
            "encoding",
            None,
            None,
        ),
        (
            "UTF-16 BE with BOM",
            "u.csv",
            b"\xfe\xff" + csv_of(GOOD).decode().encode("utf-16-be"),
            "encoding",
            None,
            None,
        ),
        (
            "UTF-16 without BOM",
            "u.csv",
            csv_of(GOOD).decode().encode("utf-16-le"),
            "binary",
            None,
            None,
        ),
        (
            "Latin-1 text",
            "l.csv",
            csv_of({**GOOD, "form_id": "réhab"}).decode().encode("latin-1"),
            "encoding",
            2,
            None,
        ),
        (
            "Windows-1252 quotes",
            "w.csv",
            csv_of(GOOD) + "“quoted”\n".encode("cp1252"),
            "encoding",
            3,
            None,
        ),
        ("UTF-32", "u.csv", csv_of(GOOD).decode().encode("utf-32"), "encoding", None, None),
        (
            "a PNG called .csv",
            "p.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64,
            "binary",
            None,
            None,
        ),
        (
            "a PDF called .csv",
            "p.csv",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n\x00\x00",
            "binary",
            None,
            None,
        ),
        ("an XLSX called .csv", "x.csv", workbook(good_rows()), "binary", None, None),
        (
            "a NUL byte in a cell",
            "n.csv",
            csv_of({**GOOD, "placements_women": "4\x00"}),
            "binary",
            None,
            None,
        ),
        (
            "an ELF binary called .csv",
            "e.csv",
            b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64,
            "binary",
            None,
            None,
        ),
        (
            "an unclosed quote",
            "q.csv",
            csv_of(GOOD) + b'"rehab_quarterly,2\n',
            "malformed-csv",
            3,
            None,
        ),
        (
            "semicolon separated",
            "s.csv",
            csv_of(GOOD).replace(b",", b";"),
            "missing-column",
            1,
            "form_id",
        ),
        (
            "tab separated",
            "t.csv",
            csv_of(GOOD).replace(b",", b"\t"),
            "missing-column",
            1,
            "form_id",
        ),
        ("a header only", "h.csv", csv_of(), "empty-file", None, None),
        (
            "too many rows",
            "r.csv",
            csv_of(
                *[{**GOOD, "period": f"{2000 + i // 4}-Q{i % 4 + 1}"} for i in range(MAX_ROWS + 1)]
            ),
            "row-limit",
            None,
            None,
        ),
        ("a .xlsm workbook", "m.xlsm", workbook(good_rows()), "file-type", None, None),
        (
            "a legacy .xls",
            "m.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
            "file-type",
            None,
            None,
        ),
        ("a .xlsb", "m.xlsb", b"PK\x03\x04", "file-type", None, None),
        ("no extension", "upload", csv_of(GOOD), "file-type", None, None),
        ("an .exe", "x.exe", b"MZ\x90\x00", "file-type", None, None),
        ("text called .xlsx", "t.xlsx", csv_of(GOOD), "file-type", None, None),
        ("a truncated workbook", "t.xlsx", workbook(good_rows())[:900], "file-type", None, None),
        (
            "a zip that is no workbook",
            "z.xlsx",
            repack(workbook(good_rows()), lambda n, c: None if n == "[Content_Types].xml" else c),
            "file-type",
            None,
            None,
        ),
        (
            "a workbook without its sheet part",
            "s.xlsx",
            repack(
                workbook(good_rows()), lambda n, c: None if n.startswith("xl/worksheets/") else c
            ),
            "template",
            None,
            None,
        ),
        (
            "macros inside .xlsx",
            "m.xlsx",
            repack(
                workbook(good_rows()),
                lambda n, c: c,
                {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 512},
            ),
            "macro",
            None,
            None,
        ),
        ("a zip bomb by ratio", "z.xlsx", zip_bomb(5_000_000), "zip-bomb", None, None),
        ("a zip bomb by size", "z.xlsx", zip_bomb(30_000_000), "zip-bomb", None, None),
        (
            "no return sheet",
            "n.xlsx",
            workbook(good_rows(), sheet="Sheet1"),
            "template",
            None,
            None,
        ),
        (
            "dimension bomb A1:XFD1048576",
            "d.xlsx",
            dimension_bomb(),
            "required",
            2,
            "placements_total",
        ),
        (
            "dimension bomb of rows",
            "d.xlsx",
            dimension_bomb("A1:J1048576"),
            "required",
            2,
            "placements_total",
        ),
        (
            "dimension bomb of columns",
            "d.xlsx",
            dimension_bomb("A1:XFD3", 3),
            "required",
            2,
            "placements_total",
        ),
        (
            "declared smaller than it is",
            "d.xlsx",
            dimension_bomb("A1:B1", 3),
            "required",
            2,
            "placements_total",
        ),
        (
            "a value in the last row",
            "d.xlsx",
            far_cell("A", 1048576),
            "required",
            1048576,
            "form_version",
        ),
        ("a value in the last column", "d.xlsx", far_cell("XFD", 5), "unexpected-column", 5, "XFD"),
        (
            "a row of styled cells to the last column",
            "d.xlsx",
            styled_rows(1000),
            "sheet-size",
            None,
            None,
        ),
        ("too many XLSX rows", "r.xlsx", many_rows(MAX_ROWS + 5), "row-limit", None, None),
        (
            "billion laughs in the sheet",
            "b.xlsx",
            with_doctype("xl/worksheets/sheet1.xml", LAUGHS, "&lol9;"),
            "file-type",
            None,
            None,
        ),
        (
            "billion laughs in shared strings",
            "b.xlsx",
            with_shared_strings(LAUGHS + f'<sst xmlns="{SST}"><si><t>&lol9;</t></si></sst>'),
            "file-type",
            None,
            None,
        ),
        (
            "billion laughs in the workbook part",
            "b.xlsx",
            with_doctype("xl/workbook.xml", LAUGHS, "&lol9;"),
            "file-type",
            None,
            None,
        ),
        (
            "an external entity in shared strings",
            "x.xlsx",
            with_shared_strings(
                '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                f'<sst xmlns="{SST}"><si><t>&e;</t></si></sst>'
            ),
            "file-type",
            None,
            None,
        ),
        (
            "an external entity",
            "x.xlsx",
            with_doctype(
                "xl/worksheets/sheet1.xml",
                '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
                "&e;",
            ),
            "file-type",
            None,
            None,
        ),
        (
            "a parameter entity",
            "x.xlsx",
            with_doctype(
                "xl/worksheets/sheet1.xml",
                '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "http://example.invalid/">%p;]>',
                "x",
            ),
            "file-type",
            None,
            None,
        ),
        ("deeply nested XML", "n.xlsx", nested_xml(200_000), "zip-bomb", None, None),
        (
            "a huge shared-string table",
            "s.xlsx",
            shared_strings_bomb(400_000),
            "sheet-size",
            None,
            None,
        ),
        (
            "malformed sheet XML",
            "m.xlsx",
            _sheet_edit(lambda t: t.replace("</sheetData>", "")),
            "file-type",
            None,
            None,
        ),
    ]
    return out
