"""Populations from the shipped population file, aggregated to every level of the geography.

>>> from missionmonitor.refdata.geography import Geography
>>> year, areas = latest_population(Geography.shipped())
>>> areas["S92000003"] == sum(v for k, v in areas.items() if k.startswith("S12"))
True
"""

from __future__ import annotations

from missionmonitor.data import shipped_file
from missionmonitor.datasets.declaration import get_declaration
from missionmonitor.datasets.reader import read_and_validate
from missionmonitor.refdata.geography import Geography


def populations(geo: Geography) -> dict[int, dict[str, float]]:
    """Population of every area (all ages, both sexes) for every shipped year; areas above
    council are sums of their councils."""
    rows = read_and_validate(get_declaration("population"), shipped_file("population.csv"),
                             geo.codes()).rows  # fmt: skip
    out: dict[int, dict[str, float]] = {}
    for r in rows:
        code = str(r["area_code"])
        if r["sex"] == "All" and r["age_band"] == "All ages" and geo.codes().get(code) == "council":
            out.setdefault(int(str(r["year"])), {})[code] = float(str(r["population"]))
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
