"""Populations from the shipped population file, aggregated to every level of the geography.

>>> from missionmonitor import config
>>> from missionmonitor.refdata.geography import Geography
>>> year, areas = latest_population(Geography.of(config.load(None)))
>>> areas["S92000003"] == sum(v for k, v in areas.items() if k.startswith("S12"))
True
"""

from __future__ import annotations

import pandas as pd

from missionmonitor.data import shipped_file
from missionmonitor.errors import DefinitionError
from missionmonitor.refdata.geography import Geography


def populations(geo: Geography) -> dict[int, dict[str, float]]:
    """Population of every area (all ages, both sexes) for every shipped year; areas above
    council are sums of their councils."""
    # The shipped file is validated in full whenever a store is built from it; here only its
    # council totals are read, with the checks they need (a second read of every row
    # through the validating reader takes longer than the pipelines that ask for it).
    path = shipped_file(geo.configuration, "population.csv")
    frame = pd.read_csv(
        path,
        usecols=["year", "area_code", "sex", "age_band", "population"],
        dtype={"area_code": str, "sex": str, "age_band": str},
    )
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
    out: dict[int, dict[str, float]] = {}
    for year, code, value in zip(years.astype(int), totals["area_code"], values, strict=True):
        out.setdefault(int(year), {})[str(code)] = float(value)
    parents = {m[1] for m in geo.membership_rows() if m[5] is None}
    for councils in out.values():
        for area in parents:
            councils[area] = sum(councils[c] for c in geo.councils_in(area))
    return out


def latest_population(geo: Geography) -> tuple[int, dict[str, float]]:
    """(year, population of every area) for the latest shipped year, all ages, both sexes;
    areas above council are sums of their councils."""
    every = populations(geo)
    year = max(every)
    return year, every[year]
