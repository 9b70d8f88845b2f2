"""The analytical store's schema: every table, in one place, with its version.

``SCHEMA_VERSION`` is stamped in the store's ``store_meta`` table when the store is created;
a store of an earlier version is upgraded in place when the steps in
``missionmonitor.store.migrations`` reach it, and is otherwise refused (``StoreVersionError``)
until ``missionmonitor init`` keeps it aside and builds a new one. Raise the version, with a
step that upgrades an existing store, whenever a table here changes.

>>> OBSERVATION_COLUMNS[:3]
('dataset', 'measure', 'area_code')
>>> "CREATE TABLE IF NOT EXISTS alerts" in ddl()
True
>>> dataset_table_ddl("ds_example", {"year": "integer", "name": "string"})[40:]
'("year" BIGINT, "name" VARCHAR, _load_id INTEGER, _row INTEGER)'
"""

from __future__ import annotations

from collections.abc import Mapping

SCHEMA_VERSION = 4

Columns = tuple[tuple[str, str], ...]

#: Every table but the per-dataset copies of loaded files (see ``dataset_table_ddl``).
TABLES: dict[str, Columns] = {
    "store_meta": (("key", "VARCHAR PRIMARY KEY"), ("value", "VARCHAR NOT NULL")),
    "loads": (
        ("load_id", "INTEGER PRIMARY KEY"),
        ("dataset", "VARCHAR NOT NULL"),
        ("file_name", "VARCHAR NOT NULL"),
        ("sha256", "VARCHAR NOT NULL"),
        ("row_count", "INTEGER NOT NULL"),
        ("observation_count", "INTEGER NOT NULL"),
        ("vintages", "VARCHAR NOT NULL"),
        ("loaded_at", "TIMESTAMP NOT NULL"),
    ),
    # One row per figure per vintage: vintages coexist and are never overwritten.
    "observations": (
        ("dataset", "VARCHAR NOT NULL"),
        ("measure", "VARCHAR NOT NULL"),
        ("area_code", "VARCHAR NOT NULL"),
        ("period", "VARCHAR NOT NULL"),
        ("sex", "VARCHAR NOT NULL"),
        ("age_group", "VARCHAR NOT NULL"),
        ("breakdown", "VARCHAR NOT NULL"),
        ("value", "DOUBLE"),
        ("lci", "DOUBLE"),
        ("uci", "DOUBLE"),
        ("numerator", "DOUBLE"),
        ("unit", "VARCHAR"),
        ("suppressed_at_source", "BOOLEAN NOT NULL"),
        ("vintage", "VARCHAR NOT NULL"),
        ("source", "VARCHAR NOT NULL"),
        ("vintage_rank", "BIGINT NOT NULL"),
        ("status", "VARCHAR NOT NULL"),
        ("load_id", "INTEGER NOT NULL"),
        ("source_row", "INTEGER NOT NULL"),
    ),
    "areas": (
        ("code", "VARCHAR"),
        ("name", "VARCHAR"),
        ("type", "VARCHAR"),
        ("valid_from", "DATE"),
        ("valid_to", "DATE"),
        ("successor", "VARCHAR"),
    ),
    "area_memberships": (
        ("council", "VARCHAR"),
        ("parent", "VARCHAR"),
        ("parent_type", "VARCHAR"),
        ("version", "VARCHAR"),
        ("valid_from", "DATE"),
        ("valid_to", "DATE"),
    ),
    # Populations aggregated to every level of the current geography.
    "population": (
        ("year", "BIGINT"),
        ("area_code", "VARCHAR"),
        ("area_type", "VARCHAR"),
        ("sex", "VARCHAR"),
        ("age_band", "VARCHAR"),
        ("population", "BIGINT"),
    ),
    # Disclosure-controlled indicator results: what the site, API and reports publish.
    "indicator_results": (
        ("indicator_id", "VARCHAR"),
        ("area_code", "VARCHAR"),
        ("area_type", "VARCHAR"),
        ("period", "VARCHAR"),
        ("value", "DOUBLE"),
        ("lci", "DOUBLE"),
        ("uci", "DOUBLE"),
        ("numerator", "DOUBLE"),
        ("denominator", "DOUBLE"),
        ("suppressed", "BOOLEAN"),
        ("status", "VARCHAR"),
        ("vintage", "VARCHAR"),
        ("definition_version", "INTEGER"),
        ("comparable_with_previous", "BOOLEAN"),
        ("vs_national", "VARCHAR"),
        ("change_vs_previous", "DOUBLE"),
        ("change_pct_vs_previous", "DOUBLE"),
        ("change_unit", "VARCHAR"),
        ("change_significant", "BOOLEAN"),
        ("period_start", "DATE"),
        ("note", "VARCHAR"),
    ),
    "surveillance_scans": (
        ("scan_id", "INTEGER"),
        ("series_id", "VARCHAR"),
        ("scanned_at", "TIMESTAMPTZ"),
        ("areas", "INTEGER"),
        ("periods", "INTEGER"),
        ("alerts", "INTEGER"),
        ("synthetic", "BOOLEAN"),
    ),
    "surveillance_counts": (
        ("scan_id", "INTEGER"),
        ("series_id", "VARCHAR"),
        ("area_code", "VARCHAR"),
        ("period", "VARCHAR"),
        ("count", "DOUBLE"),
        ("synthetic", "BOOLEAN"),
    ),
    "alerts": (
        ("scan_id", "INTEGER"),
        ("series_id", "VARCHAR"),
        ("area_code", "VARCHAR"),
        ("period", "VARCHAR"),
        ("method", "VARCHAR"),
        ("observed", "DOUBLE"),
        ("expected", "DOUBLE"),
        ("threshold", "DOUBLE"),
        ("score", "DOUBLE"),
        ("synthetic", "BOOLEAN"),
    ),
}

OBSERVATION_COLUMNS = tuple(name for name, _ in TABLES["observations"])
#: What identifies one figure (its vintages are the rows that share these).
FIGURE_KEY = ("dataset", "measure", "area_code", "period", "sex", "age_group", "breakdown")

#: Declared column types of dataset files → store types.
_DATASET_TYPES = {"integer": "BIGINT", "decimal": "DOUBLE"}


def columns(table: str) -> tuple[str, ...]:
    """The column names of one table, in order."""
    return tuple(name for name, _ in TABLES[table])


def ddl() -> str:
    """Every statement that creates the store's tables (idempotent)."""
    parts = ["CREATE SEQUENCE IF NOT EXISTS load_ids START 1;"]
    for table, cols in TABLES.items():
        body = ", ".join(f"{name} {kind}" for name, kind in cols)
        parts.append(f"CREATE TABLE IF NOT EXISTS {table} ({body});")
    return "\n".join(parts)


def dataset_table_ddl(table: str, column_types: Mapping[str, str]) -> str:
    """The table that keeps every row of a dataset's loaded files, with load and row."""
    cols = ", ".join(
        f'"{name}" {_DATASET_TYPES.get(kind, "VARCHAR")}' for name, kind in column_types.items()
    )
    return f'CREATE TABLE IF NOT EXISTS "{table}" ({cols}, _load_id INTEGER, _row INTEGER)'
