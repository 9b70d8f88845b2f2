"""statistics.gov.scot linked-data cubes, read from a CSV: the cube's own download or the
answer to the SPARQL query ``query`` writes.

A source names its cube by the dataset's URI in ``resource``
(``http://statistics.gov.scot/data/<slug>``). Two CSV layouts are read, told apart by their
header:

* the whole-cube download (``/downloads/cube-table?uri=…``): ``FeatureCode, DateCode,
  Measurement, Units, Value``, then a column per other dimension named by its label, and
  sometimes ``DataMarker`` (some downloads also carry ``FeatureName`` and ``FeatureType``);
* the SPARQL answer (``/sparql`` with ``Accept: text/csv``) to ``query(source)``: columns
  ``area, period, measure, value`` then one per breakdown dimension, holding URIs.

Each observation becomes one row with these fields, which the source's ``columns`` rename to
the dataset's columns (a field left out of ``columns`` is not returned):

* ``area_code`` (the code at the end of the area's URI, or ``FeatureCode``) and ``area_type``
  (its type in the geography: a code the geography does not know is a layout error);
* ``period`` in the product's grammar (year ``2021``, financial year ``2020/21``, quarter
  ``2021-Q1``, month ``2021-05``), from a reference-period URI or a ``DateCode`` label;
* ``measure``: the measure type's name (``count``, ``ratio``), from its URI or its label;
* ``value``: the number, or blank where the cell holds a marker; ``status``: blank, or the
  status the source's ``qualifiers`` give the marker (in ``Value`` or ``DataMarker``);
* ``units`` (cube download only) and one field per breakdown dimension (its value: the end of
  the concept URI, or the label in a download).

``options.constants`` adds columns with one value for every row.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from missionmonitor.datasets.declaration import Source
from missionmonitor.errors import DefinitionError, LayoutError
from missionmonitor.periods import parse_period
from missionmonitor.refdata.geography import Geography

SITE = "http://statistics.gov.scot"
DIMENSION = f"{SITE}/def/dimension/"
CONCEPT = f"{SITE}/def/concept/"
MEASURE = f"{SITE}/def/measure-properties/"
ENTITY = f"{SITE}/id/statistical-entity/"
GEOGRAPHY = f"{SITE}/id/statistical-geography/"
_DATASET = re.compile(r"^http://statistics\.gov\.scot/data/[A-Za-z0-9-]+$")
_SLUG = r"^[A-Za-z][A-Za-z0-9-]*(/[A-Za-z0-9-]+)*$"
DOWNLOAD = ("FeatureCode", "DateCode", "Measurement", "Units", "Value")
ANSWER = ("area", "period", "measure", "value")
FIELDS = ("area_code", "area_type", "period", "measure", "value", "status", "units")


class Options(BaseModel):
    """What the ``sg_cube`` connector needs from a source's ``options``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Measure types to keep (``count``, ``ratio``); none: every measure.
    measures: tuple[str, ...] = ()
    #: Dimensions held at one value: dimension → concept (``sex: sex/all``).
    fixed: dict[str, str] = Field(default_factory=dict)
    #: Dimensions returned as fields: dimension → its column label in the cube download.
    breakdowns: dict[str, str] = Field(default_factory=dict)
    #: Statistical entity codes of the areas to keep (``S12`` councils, ``S08`` boards).
    area_types: tuple[str, ...] = ()
    #: Dataset columns with one value for every row.
    constants: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _names(self) -> Options:
        for slug in [*self.measures, *self.fixed, *self.fixed.values(), *self.breakdowns]:
            if not re.match(_SLUG, slug):
                raise ValueError(f"{slug!r} is not a statistics.gov.scot name")
        for code in self.area_types:
            if not re.fullmatch(r"[A-Z][0-9]{2}", code):
                raise ValueError(f"{code!r} is not a statistical entity code (S12)")
        return self


def options_of(source: Source) -> Options:
    """The source's options, checked (DefinitionError if they are not this platform's)."""
    try:
        return Options.model_validate(source.options)
    except ValidationError as exc:
        raise DefinitionError(f"sg_cube source options: {exc}") from exc


def dataset_uri(source: Source) -> str:
    if not source.resource or not _DATASET.match(source.resource):
        raise DefinitionError(
            f"sg_cube source resource {source.resource!r} is not a statistics.gov.scot "
            "dataset URI (http://statistics.gov.scot/data/<name>)"
        )
    return source.resource


def _variable(dimension: str) -> str:
    return "dim_" + re.sub(r"[^A-Za-z0-9]", "_", dimension)


def query(source: Source) -> str:
    """The SPARQL query whose CSV answer ``read`` reads: the cube's observations, with the
    fixed dimensions held, the breakdowns, measures and area types asked for."""
    opts = options_of(source)
    lines = [
        "PREFIX qb: <http://purl.org/linked-data/cube#>",
        "PREFIX sdmx: <http://purl.org/linked-data/sdmx/2009/dimension#>",
        "PREFIX entity: <http://statistics.data.gov.uk/def/statistical-entity#>",
        "SELECT ?area ?period ?measure ?value"
        + "".join(f" ?{_variable(d)}" for d in opts.breakdowns)
        + " WHERE {",
        f"  ?obs qb:dataSet <{dataset_uri(source)}> ;",
        "       sdmx:refArea ?area ;",
        "       sdmx:refPeriod ?period ;",
        "       qb:measureType ?measure ;",
        "       ?measure ?value .",
    ]
    lines += [f"  ?obs <{DIMENSION}{d}> <{CONCEPT}{v}> ." for d, v in opts.fixed.items()]
    lines += [f"  ?obs <{DIMENSION}{d}> ?{_variable(d)} ." for d in opts.breakdowns]
    if opts.measures:
        listed = ", ".join(f"<{MEASURE}{m}>" for m in opts.measures)
        lines.append(f"  FILTER (?measure IN ({listed}))")
    if opts.area_types:
        listed = ", ".join(f"<{ENTITY}{t}>" for t in opts.area_types)
        lines += ["  ?area entity:code ?entity .", f"  FILTER (?entity IN ({listed}))"]
    lines += ["}", "ORDER BY ?area ?period ?measure"]
    return "\n".join(lines) + "\n"


def read(content: bytes, source: Source, geography: Geography, name: str) -> pd.DataFrame:
    """The observations in ``content`` (a CSV called ``name``) as rows in the dataset's
    columns (see the module's description)."""
    opts = options_of(source)
    known = set(FIELDS) | set(opts.breakdowns)
    if unknown := sorted(set(source.columns) - known):
        raise DefinitionError(f"sg_cube source columns: unknown field(s) {unknown}")
    try:
        text = content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise LayoutError(name, f"not a readable CSV file ({exc})") from exc
    if not rows:
        raise LayoutError(name, "the file is empty")
    header = [h.strip() for h in rows[0]]
    layout = _layout(header, opts, name)
    records = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise LayoutError(
                f"{name}, row {number}", f"{len(cells)} cells under {len(header)} headers"
            )
        try:
            record = _observation(dict(zip(header, cells, strict=True)), layout, opts, source)
            if record is None:
                continue
            _check_area(record, geography, "area" if layout == "answer" else "FeatureCode")
        except _CellError as exc:
            raise LayoutError(f"{name}, row {number}, column {exc.column}", exc.rule) from None
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=[*FIELDS, *opts.breakdowns])
    frame = frame[list(source.columns)].rename(columns=source.columns)
    for column, value in opts.constants.items():
        frame[column] = value
    return frame


Layout = Literal["download", "answer"]


def _layout(header: list[str], opts: Options, name: str) -> Layout:
    if tuple(header[:4]) == ANSWER:
        wanted = [_variable(d) for d in opts.breakdowns]
        if missing := [w for w in wanted if w not in header]:
            raise LayoutError(f"{name}, row 1", f"no column {missing[0]!r}")
        return "answer"
    missing = [h for h in DOWNLOAD if h not in header]
    missing += [label for label in opts.breakdowns.values() if label not in header]
    if missing:
        raise LayoutError(
            f"{name}, row 1",
            f"neither a cube download nor a query answer: no column {missing[0]!r}",
        )
    return "download"


class _CellError(Exception):
    def __init__(self, column: str, rule: str) -> None:
        self.column, self.rule = column, rule


def _observation(
    cells: dict[str, str], layout: Layout, opts: Options, source: Source
) -> dict[str, object] | None:
    """One observation as fields, or None where the options leave it out."""
    if layout == "answer":
        code = _tail(cells["area"], GEOGRAPHY, "area")
        record: dict[str, object] = {
            "area_code": code,
            "period": _period_uri(cells["period"]),
            "measure": _tail(cells["measure"], MEASURE, "measure"),
            "units": "",
        }
        raw, marker = cells["value"].strip(), ""
        for d in opts.breakdowns:
            record[d] = cells[_variable(d)].rstrip("/").rsplit("/", 1)[-1]
        value_column = "value"
    else:
        code = cells["FeatureCode"].strip()
        record = {
            "area_code": code,
            "period": _period_label(cells["DateCode"]),
            "measure": "-".join(cells["Measurement"].lower().split()),
            "units": cells["Units"].strip(),
        }
        raw, marker = cells["Value"].strip(), cells.get("DataMarker", "").strip()
        for d, label in opts.breakdowns.items():
            record[d] = cells[label].strip()
        value_column = "Value"
    if opts.area_types and code[:3] not in opts.area_types:
        return None
    if opts.measures and record["measure"] not in opts.measures:
        return None
    record["value"], record["status"] = _value(raw, marker, source, value_column)
    return record


def _tail(uri: str, prefix: str, column: str) -> str:
    uri = uri.strip()
    if not uri.startswith(prefix) or not uri[len(prefix) :]:
        raise _CellError(column, f"{uri!r} is not a URI under {prefix}")
    return uri[len(prefix) :]


_PERIOD_URI = re.compile(
    r"^http://reference\.data\.gov\.uk/id/"
    r"(year/(?P<year>[0-9]{4})|government-year/(?P<fy>[0-9]{4})-(?P<fy2>[0-9]{4})"
    r"|quarter/(?P<q>[0-9]{4}-Q[1-4])|month/(?P<month>[0-9]{4}-[0-9]{2}))$"
)


def _period_uri(uri: str) -> str:
    m = _PERIOD_URI.match(uri.strip())
    if not m:
        raise _CellError("period", f"{uri!r} is not a reference period this product reads")
    if m["fy"]:
        return _financial(m["fy"], m["fy2"], "period")
    return str(m["year"] or m["q"] or m["month"])


def _financial(first: str, second: str, column: str) -> str:
    if int(second) != int(first) + 1:
        raise _CellError(column, f"{first}-{second} is not one financial year")
    return f"{first}/{second[2:]}"


def _period_label(label: str) -> str:
    text = label.strip()
    if m := re.fullmatch(r"([0-9]{4})\s*[/-]\s*([0-9]{4})", text):
        return _financial(m[1], m[2], "DateCode")
    if m := re.fullmatch(r"([0-9]{4})\s*Q([1-4])", text):
        text = f"{m[1]}-Q{m[2]}"
    try:
        parse_period(text)
    except Exception:
        raise _CellError("DateCode", f"{label!r} is not a period this product reads") from None
    return text


def _value(raw: str, marker: str, source: Source, column: str) -> tuple[object, str]:
    markers = {**source.qualifiers.get("DataMarker", {}), **source.qualifiers.get("value", {})}
    if marker:
        if marker not in markers:
            raise _CellError("DataMarker", f"marker {marker!r} is not declared")
        status = markers[marker]
    else:
        status = ""
    if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?", raw):
        number = float(raw)
        return (int(number) if number.is_integer() and "." not in raw else number), status
    if raw in markers:
        return "", markers[raw]
    if not raw and status:
        return "", status
    raise _CellError(column, f"{raw!r} is neither a number nor a declared marker")


def _check_area(record: dict[str, object], geography: Geography, column: str) -> None:
    code = str(record["area_code"])
    if code not in geography.areas:
        raise _CellError(column, f"{code!r} is not an area of this configuration")
    record["area_type"] = geography.areas[code].type
