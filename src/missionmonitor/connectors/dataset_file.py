"""A dataset's file, read and checked: through its publisher's connector when the dataset
ships the publisher's own file (its ``file`` is one of its source's editions), as a CSV in
the dataset's columns otherwise. Either way the rows pass the same checks
(``datasets.reader``) before anything is loaded, so shipped files and updates go through
the same mapping.

For example::

    parsed = read_dataset_file(get_declaration("nrs_drug_deaths"), path, geography)
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from missionmonitor.connectors import registry
from missionmonitor.datasets.declaration import Declaration
from missionmonitor.datasets.reader import ParsedFile, check_rows, file_sha256, read_and_validate
from missionmonitor.errors import Problem, ValidationError
from missionmonitor.refdata.geography import Geography


def reads_publisher_file(decl: Declaration) -> bool:
    """Whether the dataset's file is its publisher's own release (read by a connector)."""
    return decl.source is not None and any(e.file == decl.file for e in decl.source.editions)


def read_dataset_file(decl: Declaration, path: Path, geography: Geography) -> ParsedFile:
    """``path`` read as dataset ``decl`` and checked; ValidationError lists every broken
    rule, LayoutError says where a publisher's file left its declared layout."""
    if not reads_publisher_file(decl):
        return read_and_validate(decl, path, geography.codes())
    assert decl.source is not None
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ValidationError(path.name, [Problem("file", f"cannot read the file: {exc}")]) from exc
    frame = registry.read(decl.source, content, geography, path.name)
    header = [str(c) for c in frame.columns]
    cells: list[tuple[int, list[Any]]] = [(0, header)]
    for row_no, values in zip(frame.index, frame.itertuples(index=False), strict=True):
        cells.append((int(row_no), [_text(v) for v in values]))
    table = check_rows(decl, path.name, cells, geography.codes(), sha256=file_sha256(content))
    return ParsedFile(decl, path, table.sha256, table.rows, table.row_numbers)


def _text(value: Any) -> str:
    """A cell as a CSV would hold it: blank for nothing, 12 for 12.0."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
