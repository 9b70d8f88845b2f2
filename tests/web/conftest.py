"""A site app over the built store, as a test client."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from missionmonitor.settings import Settings
from missionmonitor.web.app import create_app

ROOT = Path(__file__).parents[2]


def site_settings(store: Path) -> Settings:
    return Settings(store_path=store, node_modules=ROOT / "node_modules",
                    assets_build=ROOT / "build/web")  # fmt: skip


@pytest.fixture(scope="session")
def client(built_store_path: Path) -> TestClient:
    return TestClient(create_app(site_settings(built_store_path)))
