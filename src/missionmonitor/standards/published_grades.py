"""The MAT standards as published: the grades of named ADPs found in publications (dataset
``mat_adp_grades``, each with its source), which benchmarking years' per-ADP tables they
cover (held, partly held, not held), and the national summary rebuilt from a year's
per-ADP grades where they are all held, to be checked against the published figures.

A national summary is never turned back into per-ADP grades: a year not fully held stays
not held, and its national figures are shown as published.

>>> years = load_benchmarking(config.load(None)).years
>>> [(y.label, len(y.standards)) for y in years][:2]
[('2021/22', 5), ('2022/23', 10)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from missionmonitor import config
from missionmonitor.data import shipped_file
from missionmonitor.datasets.declaration import get_declaration, load_declarations
from missionmonitor.datasets.reader import read_and_validate
from missionmonitor.errors import DefinitionError, MethodInputError
from missionmonitor.refdata.geography import Geography
from missionmonitor.standards.grading import (
    Assessment,
    Grade,
    GradeName,
    load_rule_sets,
    national_summary,
)

DATASET = "mat_adp_grades"
Coverage = Literal["held", "partly held", "not held"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BenchmarkingYear(_Strict):
    #: The assessment year as the grades store it (graded as of April of it).
    year: int
    #: The year as the reports name it ("2021/22").
    label: str
    #: The period label the published national figures carry ("April 2022").
    period: str
    standards: tuple[int, ...]
    report: str
    url: str


class PublishedMeasure(_Strict):
    """A published national measure as one figure of one summary group's summary."""

    group: str
    figure: Literal[
        "fully_implemented",
        "fully_implemented_pct",
        "provisional",
        "provisional_pct",
        "partial",
        "partial_pct",
        "not_implemented",
        "not_implemented_pct",
    ]


class Benchmarking(_Strict):
    adps_assessed: int
    adps_source: str
    years: tuple[BenchmarkingYear, ...]
    published_measures: dict[str, PublishedMeasure]

    @model_validator(mode="after")
    def _distinct_years(self) -> Benchmarking:
        if len({y.year for y in self.years}) != len(self.years):
            raise ValueError("each benchmarking year is listed once")
        return self

    def of(self, year: int) -> BenchmarkingYear | None:
        return next((y for y in self.years if y.year == year), None)


@config.cached
def load_benchmarking(configuration: config.Configuration) -> Benchmarking:
    """The configuration's benchmarking years; none where it declares none (no
    ``standards/benchmarking.yaml``)."""
    path = config.path(configuration, "standards", "benchmarking.yaml")
    if not path.exists():
        return Benchmarking(adps_assessed=0, adps_source="", years=(), published_measures={})
    return config.read_definition(path, Benchmarking, "MAT benchmarking")


@dataclass(frozen=True)
class PublishedGrade:
    """One ADP's grade on one standard in one year, as a publication states it: a colour
    only where the source gives one (``grade`` None otherwise), and always its words."""

    year: int
    adp_code: str
    adp_name: str
    standard: int
    grade: GradeName | None
    provisional: bool
    as_stated: str
    quote: str
    publisher: str
    title: str
    url: str
    edition: str
    provenance: str  # primary (the report's own table) or secondary (a page quoting it)

    @property
    def source(self) -> str:
        return f"{self.publisher}, {self.title} ({self.edition})"


def load_published_grades(configuration: config.Configuration) -> list[PublishedGrade]:
    """Every per-ADP grade held, read from the shipped file and checked against its
    declaration; a row of a year no benchmarking covers is refused. None where the
    configuration declares no such dataset."""
    if DATASET not in load_declarations(configuration):
        return []
    decl = get_declaration(configuration, DATASET)
    rows = read_and_validate(
        decl, shipped_file(configuration, decl.file), Geography.of(configuration).codes()
    ).rows
    bench = load_benchmarking(configuration)
    by_label = {y.label: y.year for y in bench.years}
    out = []
    for r in rows:
        label = str(r["year"])
        if label not in by_label:
            raise DefinitionError(f"{decl.file}: no benchmarking year is labelled {label!r}")
        grade = r["grade"]
        out.append(
            PublishedGrade(
                year=by_label[label],
                adp_code=str(r["area_code"]),
                adp_name=str(r["area_name"]),
                standard=int(str(r["standard"])),
                grade=None if grade is None else _colour(str(grade)),
                provisional=r["provisional"] == "yes",
                as_stated=str(r["as_stated"]),
                quote=str(r["quote"]),
                publisher=str(r["source_publisher"]),
                title=str(r["source_title"]),
                url=str(r["source_url"]),
                edition=str(r["edition"]),
                provenance=str(r["provenance"]),
            )
        )
    return out


def _colour(name: str) -> GradeName:
    for colour in ("red", "amber", "green", "blue"):
        if name == colour:
            return colour
    raise DefinitionError(f"{DATASET}: {name!r} is not a grade")


def coverage(
    configuration: config.Configuration,
    grades: Iterable[PublishedGrade],
    standard: int | None = None,
) -> list[dict[str, object]]:
    """For each benchmarking year (newest first): whether its per-ADP table is held (a
    colour for every ADP assessed on every standard assessed, or on ``standard``), partly
    held (which ADPs, from which sources) or not held."""
    bench = load_benchmarking(configuration)
    items = list(grades)
    out = []
    for y in sorted(bench.years, key=lambda y: -y.year):
        numbers = [n for n in y.standards if standard is None or n == standard]
        mine = [g for g in items if g.year == y.year and g.standard in numbers]
        coloured = {(g.adp_code, g.standard) for g in mine if g.grade is not None}
        needed = bench.adps_assessed * len(numbers)
        status: Coverage
        if not numbers:
            status = "not held"
        elif len(coloured) >= needed:
            status = "held"
        else:
            status = "partly held" if mine else "not held"
        names: dict[str, str] = {}
        held: dict[str, list[int]] = {}
        sources: dict[str, list[dict[str, str]]] = {}
        for g in sorted(mine, key=lambda g: (g.adp_name, g.standard)):
            names[g.adp_code] = g.adp_name
            held.setdefault(g.adp_code, []).append(g.standard)
            cited = {"source": g.source, "url": g.url, "provenance": g.provenance}
            if cited not in sources.setdefault(g.adp_code, []):
                sources[g.adp_code].append(cited)
        out.append(
            {
                "year": y.year,
                "label": y.label,
                "assessed": bool(numbers),
                "standards": numbers,
                "status": status,
                "coloured": len(coloured),
                "stated": len(mine),
                "needed": needed,
                "adps": [
                    {"code": c, "name": n, "standards": held[c], "sources": sources[c]}
                    for c, n in names.items()
                ],
                "report": y.report,
                "url": y.url,
            }
        )
    return out


def complete_years(
    configuration: config.Configuration, grades: Iterable[PublishedGrade]
) -> set[int]:
    """The benchmarking years whose per-ADP grades are all held (every ADP, every standard)."""
    return {int(str(c["year"])) for c in coverage(configuration, grades) if c["status"] == "held"}


def rebuild_summary(
    configuration: config.Configuration, grades: Iterable[PublishedGrade]
) -> list[dict[str, object]]:
    """The national summary (``grading.national_summary``) rebuilt from per-ADP colours;
    a grade held only in words (no colour) cannot be counted and is refused."""
    scale = load_rule_sets(configuration).scale
    assessments = []
    for g in grades:
        if g.grade is None:
            raise MethodInputError(
                f"{g.adp_name}, standard {g.standard}: held as {g.as_stated!r}, with no colour"
            )
        meaning = scale[g.grade]
        assessments.append(
            Assessment(g.adp_code, g.standard, Grade(g.grade, g.provisional, "published", meaning))
        )
    return national_summary(configuration, assessments)


def against_published(
    configuration: config.Configuration,
    rebuilt: list[dict[str, object]],
    published: Mapping[str, float],
) -> list[dict[str, object]]:
    """Each published national figure of one year (by measure) beside the same figure
    rebuilt from the per-ADP grades, and whether they agree."""
    bench = load_benchmarking(configuration)
    groups = {str(r["standards"]): r for r in rebuilt}
    rows = []
    for measure, value in sorted(published.items()):
        spec = bench.published_measures.get(measure)
        if spec is None or spec.group not in groups:
            continue
        mine = groups[spec.group][spec.figure]
        rows.append(
            {
                "measure": measure,
                "published": float(value),
                "rebuilt": mine,
                "agrees": mine is not None and float(str(mine)) == float(value),
            }
        )
    return rows
