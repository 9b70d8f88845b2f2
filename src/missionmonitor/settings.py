"""Settings, read from the environment (prefix ``MISSIONMONITOR_``) when asked for.

Nothing reads settings at import time: the CLI (and later the app factory) builds a
``Settings`` and passes what it needs down.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PasswordHashing(BaseModel):
    """The cost of the Argon2id password hashes. The defaults are the argon2-cffi
    library's recommended profile (RFC 9106, low memory): about 64 MiB and a few tens of
    milliseconds a hash. Lower them only where no real password is kept (the tests).

    For example::

        PasswordHashing(time_cost=1, memory_kib=8, parallelism=1)  # cheap: tests only
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    time_cost: int = Field(3, ge=1)
    memory_kib: int = Field(65536, ge=8)
    parallelism: int = Field(4, ge=1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MISSIONMONITOR_", extra="ignore")

    #: The configuration folder (areas, datasets, indicators, outcomes, standards, targets,
    #: return forms); None: Scotland's National Mission on Drugs, shipped with the package.
    config_dir: Path | None = None
    #: The DuckDB analytical store.
    store_path: Path = Path("var/missionmonitor.duckdb")
    #: Where the set-up installed the npm packages (design system, charts, API docs).
    node_modules: Path = Path("node_modules")
    #: Where the set-up wrote built front-end assets (the chart bundle).
    assets_build: Path = Path("build/web")
    host: str = "127.0.0.1"
    port: int = 8000
    #: The portal's application database (accounts, actions, audit): SQLite by default,
    #: PostgreSQL with a URL such as postgresql+psycopg://user@host/db.
    app_database_url: str = "sqlite:///var/portal.sqlite3"
    #: Send session cookies over HTTPS only (turn off only for local testing over HTTP).
    secure_cookies: bool = True
    #: The largest request body accepted (413 beyond it, before the body is read): room for
    #: a 10 MB evidence file and its form.
    max_request_bytes: int = 12 * 1024 * 1024
    session_hours: int = 8
    #: The cost of new password hashes; a hash made at another cost still verifies, and is
    #: made again at this one when its user next signs in.
    password_hashing: PasswordHashing = PasswordHashing()
    #: Mail for alert notifications; without a host, messages are logged instead.
    smtp_host: str | None = None
    smtp_port: int = 25
    mail_from: str = "missionmonitor@localhost"
    alert_recipients: list[str] = []
