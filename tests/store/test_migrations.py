"""A store of an earlier schema version is upgraded in place when opened for writing."""

from __future__ import annotations

import duckdb
import pytest

from missionmonitor.errors import StoreVersionError
from missionmonitor.services.build import build_store
from missionmonitor.store.connection import Store
from missionmonitor.store.migrations import upgradable
from missionmonitor.store.schema import SCHEMA_VERSION
from tests.helpers import scotland


def _as_version_3(path):
    with duckdb.connect(str(path)) as con:
        con.execute("ALTER TABLE indicator_results RENAME COLUMN vs_national TO vs_scotland")
        con.execute("UPDATE store_meta SET value = '3' WHERE key = 'schema_version'")


def _columns(path):
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            c
            for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'indicator_results'"
            ).fetchall()
        }


def test_a_version_3_store_is_upgraded_keeping_its_comparisons(store_copy):
    with duckdb.connect(str(store_copy), read_only=True) as con:
        before = con.execute(
            "SELECT vs_national, count(*) FROM indicator_results GROUP BY 1 ORDER BY 1"
        ).fetchall()
    _as_version_3(store_copy)
    # A reader cannot upgrade: it is told how.
    refused = pytest.raises(StoreVersionError, match="missionmonitor init` to upgrade it")
    with refused, Store.open(store_copy, scotland(), read_only=True):
        pass
    with Store.open(store_copy, scotland()) as store:
        assert store.schema_version() == SCHEMA_VERSION
    assert "vs_national" in _columns(store_copy) and "vs_scotland" not in _columns(store_copy)
    with duckdb.connect(str(store_copy), read_only=True) as con:
        after = con.execute(
            "SELECT vs_national, count(*) FROM indicator_results GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert after == before


def test_init_upgrades_a_version_3_store_in_place_rather_than_keeping_it_aside(store_copy):
    _as_version_3(store_copy)
    report = build_store(scotland(), store_copy)
    assert report.kept_aside is None
    assert Store.version_of(store_copy) == SCHEMA_VERSION


def test_only_versions_with_every_step_to_the_current_one_are_upgradable():
    assert upgradable(SCHEMA_VERSION) and upgradable(3)
    assert not upgradable(1) and not upgradable(None) and not upgradable(SCHEMA_VERSION + 1)
