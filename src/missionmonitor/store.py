"""The analytical store: one DuckDB file holding loads, observations, reference tables and
indicator results.

Open it with ``Store.open(path)`` (a context manager). Writes go through
``store.transaction()`` so that a failure leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from missionmonitor.errors import StoreNotReadyError

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS load_ids START 1;
CREATE TABLE IF NOT EXISTS loads (
    load_id INTEGER PRIMARY KEY,
    dataset VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    row_count INTEGER NOT NULL,
    observation_count INTEGER NOT NULL,
    vintages VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS observations (
    dataset VARCHAR NOT NULL,
    measure VARCHAR NOT NULL,
    area_code VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    sex VARCHAR NOT NULL,
    age_group VARCHAR NOT NULL,
    breakdown VARCHAR NOT NULL,
    value DOUBLE,
    lci DOUBLE,
    uci DOUBLE,
    numerator DOUBLE,
    unit VARCHAR,
    suppressed_at_source BOOLEAN NOT NULL,
    vintage VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    vintage_rank BIGINT NOT NULL,
    status VARCHAR NOT NULL,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
);
"""


class Store:
    """A connection to the analytical store."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.con = con
        self.path = path

    @classmethod
    @contextmanager
    def open(cls, path: Path, *, read_only: bool = False) -> Iterator[Store]:
        """Open (creating when writable) the store at ``path``."""
        if read_only and not path.exists():
            raise StoreNotReadyError(
                f"no store at {path}; run `missionmonitor init` to build it from the shipped data"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), read_only=read_only)
        try:
            store = cls(con, path)
            if not read_only:
                con.execute(SCHEMA)
            yield store
        finally:
            con.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def has_table(self, name: str) -> bool:
        ((count,),) = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchall()
        return bool(count)

    def require_table(self, name: str) -> None:
        if not self.has_table(name):
            raise StoreNotReadyError(
                f"the store at {self.path} has no '{name}' table; run `missionmonitor init`"
            )

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params or []).fetchall()
