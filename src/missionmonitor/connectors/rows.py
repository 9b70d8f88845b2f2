"""Which of a publisher's rows a dataset keeps, and rows folded into others.

Some tables give one quantity in two rows: PHS's waiting times give each wait band as a
``Number`` row and a ``Percentage`` row. A dataset that holds both in one row folds the
second into the first::

    options:
      rows: {SubstanceType: [All, Drug]}          # keep only these rows
      fold:
        where: {Measure: Percentage}               # rows folded away…
        by: [Quarter, HB, ADPName, ServiceType, SubstanceType]  # …into the row sharing these
        columns: {LDP_standard_waited_more_than_3_weeks: Percent_waited_more_than_3_weeks}

A folded row's ``columns`` are written to the dataset columns named; a row with no row to
fold into is a ``LayoutError``. Rows are (row number, cells by the publisher's column).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from missionmonitor.datasets.declaration import Source
from missionmonitor.errors import DefinitionError, LayoutError

Row = tuple[int, dict[str, Any]]
#: Prefix of a folded value's key in a row (never a publisher's column name).
FOLDED = "\x00"


def text(value: Any) -> str:
    """A cell as text: empty for nothing, whole numbers without a decimal point."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def kept(rows: Iterable[Row], source: Source) -> list[Row]:
    """The rows whose cells are among ``options.rows``'s values, column by column."""
    wanted = _mapping(source.options.get("rows", {}), "rows")
    allowed = {c: {str(v) for v in _list(vs, f"rows.{c}")} for c, vs in wanted.items()}
    return [r for r in rows if all(text(r[1].get(c)) in vs for c, vs in allowed.items())]


def folded(rows: list[Row], source: Source, name: str) -> list[Row]:
    """The rows with ``options.fold``'s rows folded into the rows they belong with."""
    spec = source.options.get("fold")
    if spec is None:
        return rows
    spec = _mapping(spec, "fold")
    where = {str(k): str(v) for k, v in _mapping(spec.get("where"), "fold.where").items()}
    on = [str(c) for c in _list(spec.get("by"), "fold.by")]
    columns = {str(k): str(v) for k, v in _mapping(spec.get("columns"), "fold.columns").items()}
    out: list[Row] = []
    by_key: dict[tuple[str, ...], dict[str, Any]] = {}
    away: list[Row] = []
    for row_no, row in rows:
        if all(text(row.get(c)) == v for c, v in where.items()):
            away.append((row_no, row))
        else:
            out.append((row_no, row))
            by_key[tuple(text(row.get(c)) for c in on)] = row
    for row_no, row in away:
        into = by_key.get(tuple(text(row.get(c)) for c in on))
        if into is None:
            raise LayoutError(
                f"{name}, row {row_no}",
                f"no row shares its {', '.join(on)} to fold it into",
            )
        for publisher, dataset in columns.items():
            into[FOLDED + dataset] = row.get(publisher)
    return out


def folded_columns(source: Source) -> list[str]:
    """The dataset columns that folded rows fill."""
    spec = source.options.get("fold")
    if spec is None:
        return []
    return [
        str(v) for v in _mapping(_mapping(spec, "fold").get("columns"), "fold.columns").values()
    ]


def fold_sources(source: Source) -> list[str]:
    """The publisher's columns that ``options.rows`` and ``options.fold`` read."""
    found = [str(c) for c in _mapping(source.options.get("rows", {}), "rows")]
    spec = source.options.get("fold")
    if spec is not None:
        spec = _mapping(spec, "fold")
        found += [str(c) for c in _mapping(spec.get("where"), "fold.where")]
        found += [str(c) for c in _list(spec.get("by"), "fold.by")]
        found += [str(c) for c in _mapping(spec.get("columns"), "fold.columns")]
    return found


def _mapping(value: Any, what: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise DefinitionError(f"options.{what} is a mapping")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise DefinitionError(f"options.{what} is a list")
    return list(value)
