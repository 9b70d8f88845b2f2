"""Every malformed-file case, for every dataset: a clear error and an untouched store."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from missionmonitor.connectors.dataset_file import reads_publisher_file
from missionmonitor.data import shipped_file
from missionmonitor.datasets.declaration import Declaration, load_declarations
from missionmonitor.errors import ValidationError
from missionmonitor.services.ingest import ingest
from tests.helpers import scotland

# Declarations of files produced here (not shipped) are tested where they are produced, and
# publishers' own workbooks with their connectors (tests/connectors).
DECLS = {
    name: d
    for name, d in load_declarations(scotland()).items()
    if d.shipped and not reads_publisher_file(d)
}


def _lines(decl: Declaration) -> list[bytes]:
    return shipped_file(scotland(), decl.file).read_bytes().splitlines(keepends=True)


def _first(decl: Declaration, types: tuple[str, ...], numeric_min: bool = False) -> str | None:
    for name, col in decl.columns.items():
        if col.type in types and (not numeric_min or col.min == 0) and col.required:
            return name
    for name, col in decl.columns.items():
        if col.type in types and (not numeric_min or col.min == 0):
            return name
    return None


def _set_cell(decl: Declaration, column: str, value: str) -> bytes:
    """The shipped file with ``column`` of the first row that has a value there replaced."""
    import csv
    import io

    text = shipped_file(scotland(), decl.file).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    idx = rows[0].index(column)
    for row in rows[1:]:
        if row[idx].strip():
            row[idx] = value
            break
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode()


def wrong_header(decl: Declaration) -> tuple[bytes, str]:
    lines = _lines(decl)
    first = next(iter(decl.columns))
    return lines[0].replace(first.encode(), b"wrong_name", 1) + b"".join(
        lines[1:]
    ), "missing-column"


def unknown_area(decl: Declaration) -> tuple[bytes, str] | None:
    col = _first(decl, ("area_code",))
    if col:
        return _set_cell(decl, col, "S12999999"), "unknown-area-code"
    # Geography defines the codes, so there a bad code is one of the wrong form.
    coded = [n for n, c in decl.columns.items() if c.pattern and c.pattern.startswith("S")]
    return (_set_cell(decl, coded[0], "X12000001"), "pattern") if coded else None


def negative(decl: Declaration) -> tuple[bytes, str] | None:
    col = _first(decl, ("integer", "decimal"), numeric_min=True)
    return (_set_cell(decl, col, "-5"), "negative") if col else None


def duplicate(decl: Declaration) -> tuple[bytes, str]:
    lines = _lines(decl)
    return b"".join([*lines[:2], lines[1], *lines[2:]]), "duplicate-key"


def non_numeric(decl: Declaration) -> tuple[bytes, str] | None:
    col = _first(decl, ("integer", "decimal"))
    return (_set_cell(decl, col, "twelve"), "type") if col else None


def empty(decl: Declaration) -> tuple[bytes, str]:
    return b"", "empty-file"


def header_only(decl: Declaration) -> tuple[bytes, str]:
    return _lines(decl)[0], "empty-file"


def wrong_encoding(decl: Declaration) -> tuple[bytes, str]:
    lines = _lines(decl)
    # "Dùn Dè" in Latin-1, as a spreadsheet saving in the wrong encoding would write it.
    bad = "Dùn Dè".encode("latin-1")
    return lines[0] + lines[1][:3] + bad + lines[1][3:] + b"".join(lines[2:]), "encoding"


def utf16(decl: Declaration) -> tuple[bytes, str]:
    return shipped_file(scotland(), decl.file).read_text(encoding="utf-8").encode(
        "utf-16"
    ), "encoding"


def truncated(decl: Declaration) -> tuple[bytes, str]:
    lines = _lines(decl)
    cut = lines[3][: len(lines[3]) // 3]
    rule = "malformed-csv" if cut.count(b'"') % 2 else "field-count"
    return b"".join(lines[:3]) + cut, rule


CASES: dict[str, Callable[[Declaration], tuple[bytes, str] | None]] = {
    "wrong-header": wrong_header,
    "unknown-area-code": unknown_area,
    "negative-count": negative,
    "duplicate-key": duplicate,
    "non-numeric": non_numeric,
    "empty-file": empty,
    "header-only": header_only,
    "wrong-encoding": wrong_encoding,
    "utf-16": utf16,
    "truncated": truncated,
}
PARAMS = [
    pytest.param(d, c, id=f"{d}-{c}")
    for d in DECLS
    for c in CASES
    if CASES[c](DECLS[d]) is not None
]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(("dataset", "case"), PARAMS)
def test_malformed_file_is_refused_and_store_unchanged(dataset, case, store_copy, tmp_path):
    made = CASES[case](DECLS[dataset])
    assert made is not None
    data, rule = made
    bad = tmp_path / f"{dataset}_{case}.csv"
    bad.write_bytes(data)
    before = sha(store_copy)
    with pytest.raises(ValidationError) as info:
        ingest(scotland(), store_copy, dataset, bad)
    assert sha(store_copy) == before
    err = info.value
    assert err.file == bad.name
    assert rule in {p.rule for p in err.problems}, str(err)
    assert "nothing was loaded" in str(err)


def test_problem_names_row_and_column(tmp_path):
    decl = DECLS["other"]
    path = tmp_path / "other.csv"
    path.write_bytes(_set_cell(decl, "value", "-5"))
    with pytest.raises(ValidationError) as info:
        ingest(scotland(), tmp_path / "never-created.duckdb", "other", path)
    (problem,) = info.value.problems
    assert (problem.rule, problem.row, problem.column) == ("negative", 2, "value")
    assert "row 2, column 'value'" in str(info.value)
    assert not (tmp_path / "never-created.duckdb").exists()


def test_area_type_must_match_code(tmp_path):
    path = tmp_path / "other.csv"
    path.write_bytes(_set_cell(DECLS["other"], "area_code", "S12000005"))
    with pytest.raises(ValidationError) as info:
        ingest(scotland(), tmp_path / "s.duckdb", "other", path)
    rules = [p.rule for p in info.value.problems]
    assert rules[0] == "area-type"
    assert info.value.problems[0].column == "area_type"


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    lines = _lines(DECLS["drd_scotland_annual"])
    bad = [lines[1].replace(b"1996,244", b"1996,-1"), lines[2].replace(b"1997,224", b"1997,x")]
    path = tmp_path / "d.csv"
    path.write_bytes(lines[0] + b"".join(bad) + b"".join(lines[3:]))
    with pytest.raises(ValidationError) as info:
        ingest(scotland(), tmp_path / "s.duckdb", "drd_scotland_annual", path)
    assert [(p.rule, p.row) for p in info.value.problems] == [("negative", 2), ("type", 3)]
