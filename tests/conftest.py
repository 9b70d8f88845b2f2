"""Shared fixtures: a store built once from the shipped data, copied for tests that write;
portal databases cloned from one migrated per test process."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from missionmonitor import config
from missionmonitor.portal.db import connect
from missionmonitor.refdata.geography import Geography
from missionmonitor.services.build import build_store
from missionmonitor.store.connection import Store
from missionmonitor.web.app import create_app
from tests.helpers import scotland, site_settings


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on Spark count as slow and are marked ``spark``: ``make test`` runs them after
    the others, in one test process, so that one JVM and one Spark session serve them all."""
    for item in items:
        params = getattr(item, "callspec", None)
        if "spark_session" in getattr(item, "fixturenames", ()) or (
            params is not None and params.params.get("ost_engine") == "spark"
        ):
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.spark)


@pytest.fixture(scope="session")
def built_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "missionmonitor.duckdb"
    build_store(scotland(), path)
    return path


@pytest.fixture(scope="session")
def demo_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demonstration store: the shipped data, and room for generated (SYNTHETIC) data."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_store(scotland(), path, demonstration=True)
    return path


@pytest.fixture
def demo_store_copy(demo_store_path: Path, tmp_path: Path) -> Path:
    """A private copy of the demonstration store that a test may change."""
    dest = tmp_path / "demo.duckdb"
    shutil.copy(demo_store_path, dest)
    return dest


@pytest.fixture
def store_copy(built_store_path: Path, tmp_path: Path) -> Path:
    """A private copy of the built store that a test may change."""
    dest = tmp_path / "store.duckdb"
    shutil.copy(built_store_path, dest)
    return dest


@pytest.fixture
def store(built_store_path: Path) -> Iterator[Store]:
    with Store.open(built_store_path, scotland(), read_only=True) as s:
        yield s


@pytest.fixture(scope="session")
def geo() -> Geography:
    return Geography.of(config.load(None))


@pytest.fixture(scope="session")
def client(built_store_path: Path) -> TestClient:
    return TestClient(create_app(site_settings(built_store_path)))


# The application database: every portal and workflow test runs on SQLite and on the
# PostgreSQL server (127.0.0.1:5432). Each test process migrates one database of each kind
# and every test gets a copy of it (a file copy; CREATE DATABASE … TEMPLATE), dropped after.
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def _pg_admin(sql: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(sql)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("portal-template") / "portal.sqlite3"
    connect(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated PostgreSQL database of this test process's own (so that no other process
    is connected to it while it is cloned), dropped at the end of the run."""
    name = f"mm_template_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        connect(PG.format(name=name)).dispose()
        yield name
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def app_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated portal database of this test's own, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "portal.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"mm_test_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield PG.format(name=name)
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of this test's own, not migrated (for tests of the migrations)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/empty.sqlite3"
        return
    name = f"mm_empty_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield PG.format(name=name)
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def engine(app_db_url: str) -> Iterator[Engine]:
    e = connect(app_db_url)
    yield e
    e.dispose()


@pytest.fixture
def serve() -> Callable[[Path | None], config.Configuration]:
    """A configuration folder (None: Scotland's) read afresh: its loaders read its
    definitions again."""
    return config.read
