"""Shared fixtures: a store built once from the shipped data, copied for tests that write."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from missionmonitor import config
from missionmonitor.portal.db import connect
from missionmonitor.refdata.geography import Geography
from missionmonitor.services.build import build_store
from missionmonitor.settings import Settings
from missionmonitor.store.connection import Store
from missionmonitor.web.app import create_app

ROOT = Path(__file__).parents[1]


def site_settings(store: Path, app_db: str | None = None) -> Settings:
    """Settings for a site over ``store`` using this checkout's installed front-end assets,
    with a portal database of its own (a new SQLite file unless ``app_db`` is given) and
    cookies allowed over the tests' plain HTTP."""
    url = app_db or f"sqlite:///{tempfile.mkdtemp(prefix='mm-portal-')}/portal.sqlite3"
    return Settings(
        store_path=store,
        node_modules=ROOT / "node_modules",
        assets_build=ROOT / "build/web",
        app_database_url=url,
        secure_cookies=False,
    )


@pytest.fixture(scope="session")
def built_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "missionmonitor.duckdb"
    build_store(path)
    return path


@pytest.fixture(scope="session")
def demo_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demonstration store: the shipped data, and room for generated (SYNTHETIC) data."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_store(path, demonstration=True)
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
    with Store.open(built_store_path, read_only=True) as s:
        yield s


@pytest.fixture(scope="session")
def geo() -> Geography:
    return Geography.of(config.load(None))


@pytest.fixture(scope="session")
def client(built_store_path: Path) -> TestClient:
    return TestClient(create_app(site_settings(built_store_path)))


# The application database: every portal and workflow test runs on SQLite and on the
# PostgreSQL server (127.0.0.1:5432).
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def app_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/portal.sqlite3"
        return
    name = f"mm_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(
        "host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True
    ) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG.format(name=name)
    finally:
        with psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True
        ) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def engine(app_db_url: str) -> Iterator[Engine]:
    e = connect(app_db_url)
    yield e
    e.dispose()


@pytest.fixture
def serve() -> Iterator[Callable[[Path | None], config.Configuration]]:
    """Serve a configuration folder (None: Scotland's), read afresh, for the rest of one test."""
    with ExitStack() as stack:
        yield lambda folder: stack.enter_context(config.using(config.read(folder)))
