"""Populations of every area for every year held, aggregated to every level of the geography.

Two kinds of shipped file hold mid-year estimates: the population file (``population.csv``,
council totals by sex and age band) and any dataset that ships its publisher's own workbook
and maps a ``population`` measure (read through its connector). A year either holds is
taken from the newest kind (the publisher's workbook wins); a year neither holds has no
population, and rates for it are not computed: nothing is interpolated between years.
Each year keeps the source key of the estimates it comes from (its vintage), so a break in
their basis (estimates rebased on a new census) shows where figures are given.

>>> from missionmonitor import config
>>> from missionmonitor.refdata.geography import Geography
>>> year, areas = latest_population(Geography.of(config.load(None)))
>>> areas["S92000003"] == sum(v for k, v in areas.items() if k.startswith("S12"))
True
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from missionmonitor import config
from missionmonitor.connectors.dataset_file import read_dataset_file, reads_publisher_file
from missionmonitor.data import shipped_file
from missionmonitor.datasets.declaration import load_declarations
from missionmonitor.errors import DefinitionError
from missionmonitor.refdata.geography import Geography

#: The measure a dataset's observations name for a population estimate.
POPULATION_MEASURE = "=population"

#: (year, council code, population, vintage) of every council total held.
_Row = tuple[int, str, float, str]


def populations(geo: Geography) -> dict[int, dict[str, float]]:
    """Population of every area (all ages, both sexes) for every year held; areas above
    council are sums of their councils."""
    out: dict[int, dict[str, float]] = {}
    for year, code, value, _ in _council_totals(geo):
        out.setdefault(year, {})[code] = value
    parents = {m[1] for m in geo.membership_rows() if m[5] is None}
    for councils in out.values():
        for area in parents:
            councils[area] = sum(councils[c] for c in geo.councils_in(area))
    return out


def population_vintages(geo: Geography) -> dict[int, str]:
    """The source key (vintage) of the estimates of every year held: where it changes, the
    estimates' basis may change too (the source's description says how)."""
    return {year: vintage for year, _, _, vintage in _council_totals(geo)}


def latest_population(geo: Geography) -> tuple[int, dict[str, float]]:
    """(year, population of every area) for the latest year held, all ages, both sexes;
    areas above council are sums of their councils."""
    every = populations(geo)
    year = max(every)
    return year, every[year]


def _council_totals(geo: Geography) -> tuple[_Row, ...]:
    """Council totals of the population file, then of the publishers' workbooks, a year in
    a workbook replacing the file's."""
    rows = {(y, c): (y, c, v, s) for y, c, v, s in _file_totals(geo.configuration)}
    workbook = _workbook_totals(geo.configuration)
    replaced = {y for y, *_ in workbook}
    rows = {k: r for k, r in rows.items() if k[0] not in replaced}
    rows.update({(y, c): (y, c, v, s) for y, c, v, s in workbook})
    return tuple(rows[k] for k in sorted(rows))


@config.cached
def _file_totals(configuration: config.Configuration) -> tuple[_Row, ...]:
    # The shipped file is validated in full whenever a store is built from it; here only its
    # council totals are read, with the checks they need (a second read of every row
    # through the validating reader takes longer than the pipelines that ask for it).
    geo = Geography.of(configuration)
    path = shipped_file(configuration, "population.csv")
    wanted = {"year", "area_code", "sex", "age_band", "population", "source"}
    frame = pd.read_csv(
        path,
        usecols=lambda c: c in wanted,
        dtype={"area_code": str, "sex": str, "age_band": str, "source": str},
    )
    if "source" not in frame:  # a file without its rows' source: its dataset's default
        decls = [d for d in load_declarations(configuration).values() if d.file == path.name]
        frame["source"] = next((d.default_vintage for d in decls if d.default_vintage), path.stem)
    types = geo.codes()
    totals = frame[
        (frame["sex"] == "All")
        & (frame["age_band"] == "All ages")
        & (frame["area_code"].map(types) == "council")
    ]
    values = pd.to_numeric(totals["population"], errors="coerce")
    years = pd.to_numeric(totals["year"], errors="coerce")
    if values.isna().any() or (values < 0).any() or years.isna().any():
        raise DefinitionError(f"{path.name}: a council's population or year is not a count")
    return tuple(
        (int(y), str(c), float(v), str(s))
        for y, c, v, s in zip(
            years.astype(int), totals["area_code"], values, totals["source"], strict=True
        )
    )


@config.cached
def _workbook_totals(configuration: config.Configuration) -> tuple[_Row, ...]:
    """Council totals (all ages, both sexes) of every shipped publisher's workbook whose
    observations map a population measure, read through its connector."""
    geo = Geography.of(configuration)
    types = geo.codes()
    found: list[_Row] = []
    for decl in load_declarations(configuration).values():
        maps = [o for o in decl.observations if o.measure == POPULATION_MEASURE]
        if not maps or not decl.shipped or not reads_publisher_file(decl):
            continue
        parsed = read_dataset_file(decl, shipped_file(configuration, decl.file), geo)
        for obs in maps:
            for row in parsed.rows:
                code = str(row[obs.area_code])
                if types.get(code) != "council" or not _all_people(row, obs.sex, obs.age_group):
                    continue
                value = row[obs.value]
                if not isinstance(value, int | float):
                    raise DefinitionError(f"{decl.file}: {code}'s population is not a count")
                vintage = str(row[obs.vintage]) if obs.vintage else decl.name
                found.append((int(str(row[obs.period])), code, float(value), vintage))
    return tuple(found)


def _all_people(row: Mapping[str, object], sex: str | None, age: str | None) -> bool:
    """Whether ``row`` is the total of both sexes and all ages."""
    return (sex is None or row[sex] == "All") and (age is None or row[age] == "All ages")
