"""What many tests need: a site's settings, accounts, signing in, a revised edition of a
shipped file, a process killed part-way.

For example::

    client = TestClient(create_app(site_settings(store, app_db_url)))
    add_users(app_db_url, {"ana": ("phs_analyst", None)})
    csrf = sign_in(client, "ana")  # the form token of the signed-in session
"""

from __future__ import annotations

import multiprocessing
import os
import random
import re
import signal
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from missionmonitor import config
from missionmonitor.data import shipped_file
from missionmonitor.datasets.declaration import get_declaration
from missionmonitor.portal import accounts
from missionmonitor.portal.db import connect, session_scope
from missionmonitor.portal.models import User
from missionmonitor.settings import PasswordHashing, Settings

ROOT = Path(__file__).parents[1]
PASSWORD = "correct horse battery"
#: Argon2id at its lowest cost: the tests keep no real password, and a hash at the
#: production cost takes tens of milliseconds for each account and sign-in.
CHEAP = PasswordHashing(time_cost=1, memory_kib=8, parallelism=1)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def scotland() -> config.Configuration:
    """The configuration Mission Monitor ships (Scotland's), read once per process."""
    return config.load(None)


def site_settings(store: Path, app_db: str | None = None) -> Settings:
    """Settings for a site over ``store`` using this checkout's installed front-end assets,
    with a portal database of its own (a new SQLite file unless ``app_db`` is given),
    cookies allowed over the tests' plain HTTP and cheap password hashes."""
    url = app_db or f"sqlite:///{tempfile.mkdtemp(prefix='mm-portal-')}/portal.sqlite3"
    return Settings(
        store_path=store,
        node_modules=ROOT / "node_modules",
        assets_build=ROOT / "build/web",
        app_database_url=url,
        secure_cookies=False,
        password_hashing=CHEAP,
    )


def add_users(
    app_db: str, users: Mapping[str, tuple[str, str | None]], password: str = PASSWORD
) -> dict[str, User]:
    """Accounts ``{name: (role, area or None)}`` in the portal database at ``app_db``, each
    with ``password`` (hashed cheaply); returns them by name."""
    engine = connect(app_db)
    try:
        with session_scope(engine) as db:
            return {
                name: accounts.add_user(
                    scotland(), db, name, name, role, area, password=password, hashing=CHEAP
                )[0]
                for name, (role, area) in users.items()
            }
    finally:
        engine.dispose()


def csrf_on(client: TestClient, path: str) -> str:
    """The form token on the page at ``path``."""
    found = CSRF.search(client.get(path).text)
    assert found is not None, f"no form token on {path}"
    return found.group(1)


def log_in(client: TestClient, name: str, password: str = PASSWORD) -> None:
    """Sign ``client`` in as ``name`` through the sign-in form."""
    r = client.post(
        "/login",
        data={"username": name, "password": password, "csrf_token": csrf_on(client, "/login")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def sign_in(client: TestClient, name: str, password: str = PASSWORD, page: str = "/portal") -> str:
    """Sign ``client`` in as ``name``; returns the session's form token, as read from
    ``page``."""
    log_in(client, name, password)
    return csrf_on(client, page)


def revised_edition(tmp_path: Path) -> Path:
    """A new edition of the drug-deaths file: 1996 revised from 244 to 245."""
    source = shipped_file(scotland(), get_declaration(scotland(), "drd_scotland_annual").file)
    path = tmp_path / "drd-revised.csv"
    path.write_bytes(source.read_bytes().replace(b"1996,244,", b"1996,245,"))
    return path


def kill_at_random(
    target: Callable[..., Any], args: tuple[Any, ...], seconds: float, rng: random.Random
) -> bool:
    """Run ``target`` in a forked process and SIGKILL it after a random delay; True if it
    had finished by then."""
    process = multiprocessing.get_context("fork").Process(target=target, args=args)
    process.start()
    deadline = time.monotonic() + rng.uniform(0, seconds)
    while time.monotonic() < deadline and process.is_alive():
        time.sleep(0.005)
    finished = not process.is_alive()
    if not finished:
        os.kill(process.pid, signal.SIGKILL)
    process.join()
    return finished and process.exitcode == 0


@dataclass
class Actor:
    """Someone the permission service is asked about, without an account."""

    role: str
    area_code: str | None
    active: bool = True
