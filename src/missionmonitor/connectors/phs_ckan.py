"""PHS Open Data (a CKAN site): one resource, read into a dataset's columns.

``fetch`` asks the CKAN Action API for the resource (``resource_show``: its
``last_modified`` is the edition) and then its rows, page by page through
``datastore_search`` (``limit``/``offset`` until ``total``), or, with ``options.via:
download``, the resource's CSV file. ``read`` turns either into the dataset's columns:

* ``source.columns`` maps the publisher's columns to the dataset's; a column missing from
  the file (renamed, dropped) is a ``LayoutError`` and nothing is loaded;
* ``source.qualifiers`` maps each qualifier column's codes (``VALUEQF``: ``c``, ``:``, ``z``,
  ``d``…, several in a cell separated by spaces) to a status written in the dataset column
  that ``source.columns`` gives the qualifier column. A status in ``NO_FIGURE`` blanks the
  value it qualifies (the column named without ``QF``, or as ``options.qualifies`` says:
  ``{NumberQF: NumberAssessed}``), so a ``0`` published beside ``:`` is not a zero. A code
  not declared is a ``LayoutError``;
* ``options.areas`` names the geography columns, most specific first, each with the area
  type its names are of (``{ADPName: adp, HB: health_board}``). A row's area is the first of
  them that holds a code or name and is not marked ``d`` (an aggregate) in its qualifier
  column; a row with none is the national total. Codes go through the geography (previous
  codes resolved) and are named as the geography names them; names go through
  ``connectors.areas`` and are kept as published. The area is written to ``area_code``,
  ``area_type``, ``area_name`` and ``area_note``, or to the columns ``options.area_columns``
  gives its ``code``, ``type``, ``name``, ``note`` and ``match`` (``code``, or ``name not
  held`` for an area with no code of its own: PHS's North and South Lanarkshire ADPs);
* ``options.period`` converts a period column: ``{column: Quarter, to: period, format:
  financial_quarter}`` (``Q1 2024/2025`` and ``2020/21Q4`` to calendar quarters),
  ``financial_year`` (``2023/2024`` to ``2023/24``) or ``as_published``;
* ``options.rows`` and ``options.fold`` keep some rows and fold one row into another
  (``connectors.rows``: a ``Percentage`` row into its ``Number`` row).
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pandas as pd

from missionmonitor.connectors.areas import Found, by_code, by_name
from missionmonitor.connectors.http import Http, Progress
from missionmonitor.connectors.registry import Release
from missionmonitor.connectors.rows import (
    FOLDED,
    Row,
    fold_sources,
    folded,
    folded_columns,
    kept,
    text,
)
from missionmonitor.datasets.declaration import Source
from missionmonitor.errors import DefinitionError, DownloadError, LayoutError
from missionmonitor.periods import financial_year_label, quarter_label
from missionmonitor.refdata.geography import Geography

SITE = "https://www.opendata.nhs.scot"
#: Rows asked for in one ``datastore_search`` page.
PAGE = 10_000
#: Statuses under which a cell holds no figure, whatever number is printed there.
NO_FIGURE = frozenset({"suppressed", "confidential", "not_available", "not_applicable"})
#: Where a row's area is written (``options.area_columns`` may say otherwise; ``match`` is
#: ``code``, or ``name not held`` for a publisher's area with no code of its own).
AREA_COLUMNS = {"code": "area_code", "type": "area_type", "name": "area_name", "note": "area_note"}

_FQ = (re.compile(r"^Q([1-4]) (\d{4})/(\d{2}|\d{4})$"), re.compile(r"^(\d{4})/(\d{2})Q([1-4])$"))
_FY = re.compile(r"^(\d{4})/(\d{2}|\d{4})$")


def fetch(source: Source, http: Http, progress: Progress | None = None) -> Release:
    """The resource's newest rows and its ``last_modified`` as the edition."""
    site = str(source.options.get("site", SITE)).rstrip("/")
    if not source.resource:
        raise DefinitionError("a phs_ckan source names its resource (the resource id)")
    api = f"{site}/api/3/action"
    meta = _result(http.get(f"{api}/resource_show", {"id": source.resource}).json(), api)
    edition = str(meta.get("last_modified") or meta.get("created") or "")
    if not edition:
        raise DownloadError(
            f"{api}/resource_show says nothing of when the resource was last updated"
        )
    if source.options.get("via") == "download":
        answer = http.get(str(meta["url"]), progress=progress)
        return Release(answer.content, edition, answer.address)
    address = f"{api}/datastore_search?resource_id={source.resource}"
    size = int(str(source.options.get("page", PAGE)))
    records: list[dict[str, Any]] = []
    fields: list[dict[str, Any]] = []
    total: int | None = None
    while total is None or len(records) < total:
        params: dict[str, str | int] = {
            "resource_id": source.resource,
            "limit": size,
            "offset": len(records),
        }
        page = _result(http.get(f"{api}/datastore_search", params).json(), api)
        fields = fields or list(page.get("fields", []))
        if total is not None and page.get("total") != total:
            raise DownloadError(
                f"{address}: the resource changed while it was read ({total:,} rows, then "
                f"{page.get('total')}); nothing changed, try again"
            )
        total = int(page["total"])
        got = list(page.get("records", []))
        if not got and len(records) < total:
            raise DownloadError(
                f"{address}: truncated: {len(records):,} of {total:,} rows came back; it is "
                "refused and nothing changed"
            )
        records += got
        if progress:
            progress(len(records), total)
    content = json.dumps({"fields": fields, "records": records, "total": total}).encode()
    return Release(content, edition, address)


def _result(answer: Any, api: str) -> dict[str, Any]:
    if not isinstance(answer, dict) or not answer.get("success") or "result" not in answer:
        error = answer.get("error") if isinstance(answer, dict) else None
        raise DownloadError(f"{api} refused the request ({error or answer!r}): nothing changed")
    result = answer["result"]
    if not isinstance(result, dict):
        raise DownloadError(f"{api} answered without a result: nothing changed")
    return result


def read(content: bytes, source: Source, geography: Geography, name: str) -> pd.DataFrame:
    """The resource's rows (a ``datastore_search`` result or the CSV file) in the dataset's
    columns; LayoutError if a column is missing, a code undeclared or the file cut short."""
    header, rows = _table(content, name)
    _check_columns(header, source, name)
    areas = _options_areas(source)
    period = _options_period(source)
    roles = _area_roles(source)
    names: dict[tuple[str, str], Found | None] = {}
    out: list[dict[str, str]] = []
    for row_no, row in folded(kept(rows, source), source, name):
        record = {ds: text(row.get(pub)) for pub, ds in source.columns.items()}
        record.update({ds: text(row.get(FOLDED + ds)) for ds in folded_columns(source)})
        _qualify(record, row, source, f"{name}, row {row_no}")
        if period:
            column, to, form = period
            record[to] = _period(text(row.get(column)), form, f"{name}, row {row_no}, {column}")
        if areas:
            found = _area(row, areas, geography, names, f"{name}, row {row_no}")
            record.update(_area_cells(found, roles))
        out.append(record)
    columns = [*source.columns.values(), *folded_columns(source)]
    columns += [period[1]] if period else []
    columns += list(roles.values()) if areas else []
    return pd.DataFrame(out, columns=list(dict.fromkeys(columns)), dtype=object)


def _table(content: bytes, name: str) -> tuple[list[str], list[Row]]:
    text = content.decode("utf-8-sig", errors="strict").lstrip()
    if text.startswith("{"):
        doc = json.loads(text)
        header = [str(f["id"]) for f in doc.get("fields", []) if f.get("id") != "_id"]
        records = doc.get("records", [])
        total = doc.get("total")
        if isinstance(total, int) and len(records) != total:
            raise LayoutError(name, f"truncated: {len(records):,} of {total:,} rows")
        listed = [f.get("id") for f in doc.get("fields", [])]
        rows = [
            (i + 2, dict(zip(listed, r, strict=False)) if isinstance(r, list) else dict(r))
            for i, r in enumerate(records)
        ]
        return header, rows
    lines = list(csv.reader(io.StringIO(text, newline="")))
    if not lines:
        raise LayoutError(name, "the file is empty")
    header = [h.strip() for h in lines[0] if h.strip() != "_id"]
    full = [h.strip() for h in lines[0]]
    for i, cells in enumerate(lines[1:], start=2):
        if cells and len(cells) != len(full):
            raise LayoutError(
                f"{name}, row {i}",
                f"{len(cells)} cells where the header has {len(full)}: the file is truncated "
                "or out of its layout",
            )
    return header, [(i, dict(zip(full, c, strict=True))) for i, c in enumerate(lines[1:], 2) if c]


def _check_columns(header: list[str], source: Source, name: str) -> None:
    wanted = [*source.columns, *source.qualifiers]
    wanted += list(_options_areas(source)) + fold_sources(source)
    period = _options_period(source)
    wanted += [period[0]] if period else []
    missing = [c for c in dict.fromkeys(wanted) if c not in header]
    if missing:
        raise LayoutError(
            f"{name}, column {missing[0]}",
            f"column(s) {', '.join(missing)} not found (renamed or dropped?); "
            f"the file has: {', '.join(header)}",
        )
    for qf in source.qualifiers:
        if qf not in source.columns:
            raise DefinitionError(
                f"qualifier column {qf} has no dataset column for its status (add it under "
                "columns:)"
            )


def _qualify(record: dict[str, str], row: dict[str, Any], source: Source, where: str) -> None:
    for qf, codes in source.qualifiers.items():
        statuses: list[str] = []
        for code in text(row.get(qf)).split():
            if code not in codes:
                raise LayoutError(
                    f"{where}, column {qf}",
                    f"qualifier {code!r} is not one the source declares ({', '.join(codes)})",
                )
            if codes[code] and codes[code] not in statuses:
                statuses.append(codes[code])
        record[source.columns[qf]] = "; ".join(statuses)
        qualifies = source.options.get("qualifies", {})
        named = qualifies.get(qf) if isinstance(qualifies, dict) else None
        qualified = source.columns.get(str(named or qf.removesuffix("QF")))
        if qualified and NO_FIGURE.intersection(statuses):
            record[qualified] = ""


def _options_areas(source: Source) -> dict[str, str]:
    areas = source.options.get("areas", {})
    if not isinstance(areas, dict):
        raise DefinitionError("options.areas maps each geography column to an area type")
    return {str(k): str(v) for k, v in areas.items()}


def _options_period(source: Source) -> tuple[str, str, str] | None:
    period = source.options.get("period")
    if period is None:
        return None
    if not isinstance(period, dict) or not {"column", "to", "format"} <= set(period):
        raise DefinitionError("options.period gives its column, to and format")
    return str(period["column"]), str(period["to"]), str(period["format"])


def _period(label: str, form: str, where: str) -> str:
    if form == "financial_quarter":
        first, second = (p.match(label) for p in _FQ)
        if first or second:
            q, year = (
                (int(first[1]), int(first[2])) if first else (int(second[3]), int(second[1]))  # type: ignore[index]
            )
            return quarter_label(year + 1, 1) if q == 4 else quarter_label(year, q + 1)
    elif form == "financial_year":
        if found := _FY.match(label):
            return financial_year_label(int(found[1]))
    elif form == "as_published":
        return label
    else:
        raise DefinitionError(f"options.period: unknown format {form!r}")
    raise LayoutError(where, f"{label!r} is not a {form.replace('_', ' ')} label")


def _area(
    row: dict[str, Any],
    areas: dict[str, str],
    geography: Geography,
    names: dict[tuple[str, str], Found | None],
    where: str,
) -> Found:
    for column, area_type in areas.items():
        value = text(row.get(column))
        if not value or "d" in text(row.get(f"{column}QF")).split():
            continue
        found = by_code(geography, value)
        if found is None:
            key = (area_type, value)
            if key not in names:
                names[key] = by_name(geography, area_type, value)
            found = names[key]
            if found is not None:  # a name is kept as the publisher writes it
                found = Found(found.code, found.type, value, found.note)
        if found is None:
            raise LayoutError(
                f"{where}, column {column}",
                f"{value!r} is neither an area code nor a {area_type} name the geography knows",
            )
        return found
    national = geography.national()
    return Found(national.code, national.type, national.name)


def _area_roles(source: Source) -> dict[str, str]:
    roles = source.options.get("area_columns", AREA_COLUMNS)
    if not isinstance(roles, dict) or not set(roles) <= {"code", "type", "name", "note", "match"}:
        raise DefinitionError("options.area_columns maps code, type, name, note, match to columns")
    return {str(k): str(v) for k, v in roles.items()}


def _area_cells(found: Found, roles: dict[str, str]) -> dict[str, str]:
    cells = {
        "code": found.code or "",
        "type": found.type,
        "name": found.name,
        "note": found.note,
        "match": "code" if found.code else "name not held",
    }
    return {column: cells[role] for role, column in roles.items()}
