"""Build the analytical store from the shipped data: load, reference tables, compute.

For example::

    report = build_store(Path("var/missionmonitor.duckdb"))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from missionmonitor import config
from missionmonitor.connectors.dataset_file import read_dataset_file
from missionmonitor.data import shipped_file
from missionmonitor.datasets.declaration import Declaration, load_declarations
from missionmonitor.datasets.loader import LoadResult, load_parsed
from missionmonitor.indicators.catalogue import load_catalogue
from missionmonitor.indicators.engine import compute_all
from missionmonitor.indicators.populations import populations
from missionmonitor.refdata.geography import Geography, national_code, national_type
from missionmonitor.store.connection import Store
from missionmonitor.store.migrations import upgradable

#: Step names reported to a progress callback, in order.
Progress = Callable[[str], None]


@dataclass
class BuildReport:
    loads: list[LoadResult] = field(default_factory=list)
    result_rows: int = 0
    kept_aside: Path | None = None  # where a rebuilt store was moved


def write_reference_tables(store: Store, geo: Geography) -> None:
    """Areas, memberships and populations aggregated to every geography level."""
    areas = pd.DataFrame(
        [
            (a.code, a.name, a.type, a.valid_from, a.valid_to, a.successor)
            for a in geo.areas.values()
        ],
        columns=["code", "name", "type", "valid_from", "valid_to", "successor"],
    )
    members = pd.DataFrame(
        geo.membership_rows(),
        columns=["council", "parent", "parent_type", "version", "valid_from", "valid_to"],
    )
    with store.transaction():
        store.replace_rows("areas", areas)
        store.replace_rows("area_memberships", members)
        # Populations are on current boundaries, so current memberships aggregate them.
        store.con.execute("DELETE FROM population")
        store.con.execute(
            """
            INSERT INTO population
            WITH latest AS (
                SELECT * FROM ds_population WHERE _load_id =
                    (SELECT max(load_id) FROM loads WHERE dataset = 'population')
            ), councils AS (
                SELECT l.year, l.area_code, l.sex, l.age_band, l.population
                FROM latest l JOIN areas a ON a.code = l.area_code AND a.type = 'council'
            )
            SELECT year, area_code, 'council' AS area_type, sex, age_band, population
            FROM councils
            UNION ALL
            SELECT c.year, m.parent, m.parent_type, c.sex, c.age_band, sum(c.population)
            FROM councils c JOIN area_memberships m ON m.council = c.area_code
            WHERE m.parent_type <> ? AND m.valid_to IS NULL
            GROUP BY ALL
            UNION ALL
            SELECT year, area_code, ?, sex, age_band, population
            FROM latest WHERE area_code = ?
        """,
            [
                national_type(geo.configuration),
                national_type(geo.configuration),
                national_code(geo.configuration),
            ],
        )
        store.append_rows("population", _later_totals(store, geo))


def _later_totals(store: Store, geo: Geography) -> pd.DataFrame:
    """Every area's total (all ages, both sexes) of each year the population file does not
    hold but a publisher's workbook does (``populations``): the latest estimates held."""
    held = {int(r[0]) for r in store.con.execute("SELECT DISTINCT year FROM population").fetchall()}
    types = geo.codes()
    rows = [
        (year, code, types[code], "All", "All ages", round(value))
        for year, areas in populations(geo).items()
        if year not in held
        for code, value in areas.items()
        if code in types
    ]
    return pd.DataFrame(
        rows, columns=["year", "area_code", "area_type", "sex", "age_band", "population"]
    )


def build_store(
    configuration: config.Configuration,
    path: Path,
    progress: Progress | None = None,
    *,
    rebuild: bool = False,
    demonstration: bool = False,
) -> BuildReport:
    """Create (or bring up to date) the store at ``path`` from the shipped data.

    Safe to run again: files already loaded are recognised by their hash and skipped. With
    ``rebuild``, or when the existing store has a schema version that cannot be upgraded in
    place, it is first moved aside (``report.kept_aside``), never deleted.
    """
    report = BuildReport()
    if path.exists() and (rebuild or not upgradable(Store.version_of(path))):
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        report.kept_aside = path.with_name(f"{path.name}.{stamp}.old")
        path.rename(report.kept_aside)
    tell = progress or (lambda _step: None)
    geo = Geography.of(configuration)
    with Store.open(path, configuration, demonstration=demonstration) as store:
        for decl in shipped_declarations(configuration):
            tell(f"load {decl.name}")
            # A publisher's own workbook is read through its connector, a CSV as it is.
            parsed = read_dataset_file(decl, shipped_file(configuration, decl.file), geo)
            report.loads.append(load_parsed(store, parsed))
        tell("reference tables")
        write_reference_tables(store, geo)
        results = compute_all(store, geo, progress=lambda ind: tell(f"compute {ind.id}"))
        report.result_rows = len(results)
    return report


def step_count(configuration: config.Configuration) -> int:
    """How many progress steps ``build_store`` reports (for a progress bar)."""
    return len(shipped_declarations(configuration)) + 1 + len(load_catalogue(configuration))


def shipped_declarations(configuration: config.Configuration) -> list[Declaration]:
    return [d for d in load_declarations(configuration).values() if d.shipped]
