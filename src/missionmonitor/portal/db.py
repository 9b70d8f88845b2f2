"""The application database: engine, migrations (Alembic) and sessions.

For example::

    engine = connect("sqlite:///var/portal.sqlite3")  # migrated to the latest revision
    with session_scope(engine) as db: ...
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from missionmonitor.errors import StaleEditError

#: What two people saving the same record at once are told (the second save is refused).
CONFLICT = (
    "someone else saved this at the same moment; nothing of yours was saved: "
    "reload the page and make your change again"
)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def connect(url: str, migrate: bool = True) -> Engine:
    """An engine for ``url`` (SQLite files get their folder created), migrated to head."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate:
        upgrade(engine)
    return engine


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the Alembic migrations up to ``revision``."""
    config = Config()
    scripts = resources.files("missionmonitor.portal") / "migrations"
    config.set_main_option("script_location", str(scripts))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A unit of work: committed if the block succeeds, rolled back if it raises. A write
    that lost a race (a version changed, or a row made at the same time) is StaleEditError."""
    db = sessionmaker(engine, expire_on_commit=False)()
    try:
        yield db
        db.commit()
    except (StaleDataError, IntegrityError) as exc:
        db.rollback()
        raise StaleEditError(CONFLICT) from exc
    except BaseException:
        db.rollback()
        raise
    finally:
        db.close()
