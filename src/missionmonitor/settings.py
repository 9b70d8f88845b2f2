"""Settings, read from the environment (prefix ``MISSIONMONITOR_``) when asked for.

Nothing reads settings at import time: the CLI (and later the app factory) builds a
``Settings`` and passes what it needs down.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MISSIONMONITOR_", extra="ignore")

    #: The DuckDB analytical store.
    store_path: Path = Path("var/missionmonitor.duckdb")
