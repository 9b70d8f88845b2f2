"""Shared fixtures: a store built once from the shipped data, copied for tests that write."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from missionmonitor.refdata.geography import Geography
from missionmonitor.services.build import build_store
from missionmonitor.store import Store


@pytest.fixture(scope="session")
def built_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "missionmonitor.duckdb"
    build_store(path)
    return path


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
    return Geography.shipped()
