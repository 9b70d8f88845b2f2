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


def latest_population(geo: Geography) -> tuple[int, dict[str, float]]:
    """(year, population of every area) for the latest shipped year, all ages, both sexes;
    areas above council are sums of their councils."""
    rows = read_and_validate(get_declaration("population"), shipped_file("population.csv"),
                             geo.codes()).rows  # fmt: skip
    year = max(int(str(r["year"])) for r in rows)
    councils = {str(r["area_code"]): float(str(r["population"])) for r in rows
                if r["year"] == year and r["sex"] == "All" and r["age_band"] == "All ages"
                and geo.codes().get(str(r["area_code"])) == "council"}  # fmt: skip
    areas = dict(councils)
    for m in {(m[1], m[2]) for m in geo.membership_rows() if m[5] is None}:
        areas[m[0]] = sum(councils[c] for c in geo.councils_in(m[0]))
    return year, areas
