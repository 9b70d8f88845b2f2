"""Upgrades that bring a store of an earlier schema version to the current one in place.

A writable store of a version listed here is upgraded when it is opened (``Store.open``):
the steps from its version onwards run in one transaction and the new version is stamped.
A store older than every step is kept aside and rebuilt by ``missionmonitor init``.

>>> upgradable(3), upgradable(1)
(True, False)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from missionmonitor.store.schema import SCHEMA_VERSION

if TYPE_CHECKING:
    import duckdb

#: The statements that take a store from each version to the next.
STEPS: dict[int, tuple[str, ...]] = {
    # The comparison with the national value no longer names one country.
    3: ("ALTER TABLE indicator_results RENAME COLUMN vs_scotland TO vs_national",),
}


def upgradable(version: int | None) -> bool:
    """Whether a store stamped ``version`` can be brought to ``SCHEMA_VERSION`` in place."""
    if version is None or version > SCHEMA_VERSION:
        return False
    return all(v in STEPS for v in range(version, SCHEMA_VERSION))


def upgrade(con: duckdb.DuckDBPyConnection, version: int) -> None:
    """Run every step from ``version`` to ``SCHEMA_VERSION`` on ``con`` and stamp the new
    version (the caller holds the transaction)."""
    for step in range(version, SCHEMA_VERSION):
        for statement in STEPS[step]:
            con.execute(statement)
    con.execute(
        "UPDATE store_meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)]
    )
