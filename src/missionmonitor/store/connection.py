"""The analytical store: one DuckDB file holding loads, observations, reference tables and
indicator results.

Open it with ``Store.open(path, configuration)`` (a context manager). A writable store is a
copy that replaces the store file only when the block succeeds (``store.writing``): readers
never wait for a writer, and a failure or crash at any point leaves the store as it was. Writes
within the block go through ``store.transaction()``. The tables are declared in
``missionmonitor.store.schema``; a writable store of an earlier schema version is upgraded
(``missionmonitor.store.migrations``), any other version is refused.

>>> import tempfile, pathlib
>>> from missionmonitor import config
>>> with Store.open(pathlib.Path(tempfile.mkdtemp()) / "s.duckdb", config.load(None)) as store:
...     store.schema_version()
4
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from missionmonitor import config
from missionmonitor.errors import DemonstrationDataError, StoreNotReadyError, StoreVersionError
from missionmonitor.store.migrations import upgradable, upgrade
from missionmonitor.store.schema import SCHEMA_VERSION, columns, ddl
from missionmonitor.store.writing import writable_copy

if TYPE_CHECKING:  # only named in signatures: reading the store needs neither
    import pandas as pd
    import pyarrow as pa


class Store:
    """A connection to the analytical store."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, path: Path, configuration: config.Configuration
    ) -> None:
        self.con = con
        self.path = path
        #: The configuration whose data the store holds (its name is stamped in it).
        self.configuration = configuration

    @classmethod
    @contextmanager
    def open(
        cls,
        path: Path,
        configuration: config.Configuration,
        *,
        read_only: bool = False,
        demonstration: bool = False,
    ) -> Iterator[Store]:
        """Open (creating when writable) the store at ``path`` of ``configuration``'s data.
        A store is created either for published figures or, with ``demonstration``, for a
        demonstration that may also hold generated (SYNTHETIC) data; an existing store keeps
        what it was created for."""
        if read_only and not path.exists():
            raise StoreNotReadyError(
                f"no store at {path}; run `missionmonitor init` to build it from the shipped data"
            )
        if read_only:
            con = duckdb.connect(str(path), read_only=True)
            try:
                store = cls(con, path, configuration)
                store._check_version(creating=False)
                yield store
            finally:
                con.close()
            return
        # Writers work on a copy that replaces the store only when everything succeeded.
        with writable_copy(path) as working:
            con = duckdb.connect(str(working))
            try:
                store = cls(con, path, configuration)
                store._check_version(creating=True, demonstration=demonstration)
                yield store
                con.execute("CHECKPOINT")
            finally:
                con.close()

    def _check_version(self, *, creating: bool, demonstration: bool = False) -> None:
        found = self.schema_version()
        if found is None and creating and not self.has_table("observations"):
            with self.transaction():
                self.con.execute(ddl())
                self.con.execute(
                    "INSERT INTO store_meta VALUES ('schema_version', ?), ('configuration', ?), "
                    "('mode', ?)",
                    [
                        str(SCHEMA_VERSION),
                        self.configuration.name,
                        "demonstration" if demonstration else "published",
                    ],
                )
            return
        if found != SCHEMA_VERSION and creating and found is not None and upgradable(found):
            with self.transaction():
                upgrade(self.con, found)
            found = SCHEMA_VERSION
        if found != SCHEMA_VERSION:
            then = "upgrade it" if upgradable(found) else "keep it aside and build a new one"
            raise StoreVersionError(
                f"the store at {self.path} has schema version {found or 'unknown'}, but this "
                f"Mission Monitor reads version {SCHEMA_VERSION}; run `missionmonitor init` to "
                f"{then} from the shipped data"
            )
        held = self.query("SELECT value FROM store_meta WHERE key = 'configuration'")
        active = self.configuration.name
        if held and held[0][0] != active:
            raise StoreVersionError(
                f"the store at {self.path} holds the {held[0][0]!r} configuration's data, but "
                f"the {active!r} configuration is active: give each configuration its own "
                "store (--store)"
            )

    @staticmethod
    def version_of(path: Path) -> int | None:
        """The schema version stamped in the store file at ``path`` (None if unstamped or
        absent), read without the checks ``open`` makes."""
        if not path.exists():
            return None
        con = duckdb.connect(str(path), read_only=True)
        try:
            tables = {
                t
                for (t,) in con.execute(
                    "SELECT table_name FROM information_schema.tables"
                ).fetchall()
            }
            if "store_meta" not in tables:
                return None
            rows = con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'")
            found = rows.fetchall()
            return int(found[0][0]) if found else None
        finally:
            con.close()

    @property
    def demonstration(self) -> bool:
        """Whether this is a demonstration store (generated data allowed, and marked)."""
        rows = self.query("SELECT value FROM store_meta WHERE key = 'mode'")
        return bool(rows) and rows[0][0] == "demonstration"

    def refuse_generated(self, what: str) -> None:
        """DemonstrationDataError unless this store is a demonstration store."""
        if not self.demonstration:
            raise DemonstrationDataError(
                f"{what} is generated (SYNTHETIC) data, and the store at {self.path} holds "
                "published figures: generated data goes only into a demonstration store, "
                "which `missionmonitor demo` builds and serves"
            )

    def schema_version(self) -> int | None:
        """The schema version stamped in the store (None before it is created)."""
        if not self.has_table("store_meta"):
            return None
        rows = self.query("SELECT value FROM store_meta WHERE key = 'schema_version'")
        return int(rows[0][0]) if rows else None

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

    def replace_rows(
        self,
        table: str,
        rows: pd.DataFrame | pa.Table,
        where: str = "",
        params: list[Any] | None = None,
    ) -> None:
        """Replace the rows of a schema table (all, or those matching ``where``) with
        ``rows``, whose columns are matched by name. Call it inside ``transaction()``."""
        self.con.execute(
            f"DELETE FROM {table}" + (f" WHERE {where}" if where else ""), params or []
        )
        self.append_rows(table, rows)

    def append_rows(self, table: str, rows: pd.DataFrame | pa.Table) -> None:
        """Add ``rows`` to a schema table, columns matched by name."""
        cols = ", ".join(columns(table))
        self.con.register("incoming_rows", rows)
        try:
            self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM incoming_rows")
        finally:
            self.con.unregister("incoming_rows")
