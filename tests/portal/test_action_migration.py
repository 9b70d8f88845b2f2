"""The migration to one action model, on SQLite and PostgreSQL: actions on alerts (their ids,
notes and statuses, closed becoming done) and governance actions (with their audit entries)
are carried into the one table, new actions follow on, and the downgrade gives the old
tables back."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from missionmonitor import config
from missionmonitor.accountability import governance
from missionmonitor.portal import actions as action_service
from missionmonitor.portal.db import connect, session_scope, upgrade
from missionmonitor.portal.models import Action, AuditEntry
from missionmonitor.refdata.geography import Geography

GEO = Geography.of(config.load(None))
BOARD = "S08000031"
NOW = dt.datetime(2025, 3, 4, 10, 0, tzinfo=dt.UTC)


def _insert(conn: sa.Connection, table: str, **row: object) -> None:
    names = ", ".join(row)
    values = ", ".join(f":{k}" for k in row)
    conn.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({values})"), row)


def _old_rows(engine: sa.Engine) -> None:
    """Rows as revision 0006 kept them: two actions on alerts (one closed, with a note),
    a meeting with a decision and two governance actions, and their audit entries."""
    with engine.begin() as conn:
        _insert(
            conn,
            "users",
            id=1,
            username="sec",
            display_name="Secretariat",
            email="",
            role="oversight_secretariat",
            area_code=None,
            password_hash="x",
            active=True,
            created_at=NOW,
        )
        alert = {
            "series_id": "nonfatal_overdoses",
            "area_code": BOARD,
            "period": "2024-03-04",
            "method": "EARS C1",
            "scan_id": 1,
            "owner": "Lead",
            "created_by": 1,
            "created_at": NOW,
        }
        _insert(conn, "actions", id=1, title="Open one", status="open", version=1, **alert)
        _insert(
            conn,
            "actions",
            id=5,
            title="Closed one",
            status="closed",
            closed_at=NOW,
            closure_note="Batch withdrawn",
            version=3,
            **alert,
        )
        _insert(conn, "action_notes", id=1, action_id=5, author_id=1, at=NOW, text="Asked")
        _insert(
            conn,
            "meetings",
            id=1,
            group_id="national_mission_oversight",
            area_code="S92000003",
            held_on=dt.date(2025, 3, 4),
            title="Oversight",
            published=True,
            public_summary="Summary",
            synthetic=False,
            created_by=1,
            created_at=NOW,
            version=2,
        )
        _insert(
            conn,
            "decisions",
            id=1,
            meeting_id=1,
            text="Review",
            links="[]",
            created_by=1,
            created_at=NOW,
        )
        for old, status in ((1, "in progress"), (2, "cancelled")):
            _insert(
                conn,
                "governance_actions",
                id=old,
                meeting_id=1,
                decision_id=1,
                area_code="S92000003",
                title=f"Agreed {old}",
                owner="Secretariat",
                due=dt.date(2025, 6, 1),
                status=status,
                links='["standard:1"]',
                progress_note="Begun" if old == 1 else None,
                created_by=1,
                created_at=NOW,
                version=2,
            )
            _insert(
                conn,
                "audit_log",
                at=NOW,
                user_id=1,
                action="create",
                entity="governance_action",
                entity_id=str(old),
                before=None,
                after=json.dumps({"title": f"Agreed {old}"}),
            )
        _insert(
            conn,
            "audit_log",
            at=NOW,
            user_id=1,
            action="close",
            entity="action",
            entity_id="5",
            before=None,
            after="{}",
        )


def _alembic(engine: sa.Engine, step: str, revision: str) -> None:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("missionmonitor.portal") / "migrations")
    )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, step)(config, revision)


def test_old_actions_are_carried_into_the_one_model_and_back(empty_db_url):
    engine = connect(empty_db_url, migrate=False)
    upgrade(engine, "0006")
    _old_rows(engine)
    upgrade(engine)

    with session_scope(engine) as db:
        rows = {a.title: a for a in db.scalars(sa.select(Action))}
        assert set(rows) == {"Open one", "Closed one", "Agreed 1", "Agreed 2"}
        # Actions on alerts keep their ids; closed is done, the closing note kept.
        assert (rows["Open one"].id, rows["Open one"].kind, rows["Open one"].status) == (
            1,
            "alert",
            "open",
        )
        closed = rows["Closed one"]
        assert (closed.id, closed.status, closed.closure_note, closed.version) == (
            5,
            "done",
            "Batch withdrawn",
            3,
        )
        assert [n.text for n in action_service.notes(db, 5)] == ["Asked"]
        # Governance actions: a new id each, their meeting, decision, status and note kept.
        agreed = [rows["Agreed 1"], rows["Agreed 2"]]
        assert [a.kind for a in agreed] == ["governance", "governance"]
        assert [a.status for a in agreed] == ["in progress", "cancelled"]
        assert [a.meeting_id for a in agreed] == [1, 1]
        assert [a.decision_id for a in agreed] == [1, 1]
        assert agreed[0].progress_note == "Begun" and agreed[0].due == dt.date(2025, 6, 1)
        assert {a.id for a in agreed}.isdisjoint({1, 5})
        assert [a.title for a in governance.actions_of(db, 1)] == ["Agreed 1", "Agreed 2"]
        # Each audit entry names its action's new id.
        entries = db.scalars(
            sa.select(AuditEntry).where(AuditEntry.entity == "governance_action")
        ).all()
        moved = {json.loads(e.after or "{}")["title"]: e.entity_id for e in entries}
        assert moved == {a.title: str(a.id) for a in agreed}
        alert_entry = db.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "action")).one()
        assert alert_entry.entity_id == "5"

        # New actions and notes follow on after the carried ones.
        fresh = Action(
            kind="alert",
            area_code=BOARD,
            title="Fresh",
            owner="Lead",
            status="open",
            series_id="nonfatal_overdoses",
            period="2024-03-11",
            method="EARS C1",
            scan_id=2,
            created_by=1,
        )
        db.add(fresh)
        db.flush()
        assert fresh.id > max(a.id for a in rows.values())

    _alembic(engine, "downgrade", "0006")
    with engine.connect() as conn:
        old = conn.execute(sa.text("SELECT id, status FROM actions ORDER BY id")).all()
        assert [tuple(r) for r in old] == [(1, "open"), (5, "closed"), (fresh.id, "open")]
        kept = conn.execute(sa.text("SELECT title, status FROM governance_actions")).all()
        assert sorted(tuple(r) for r in kept) == [
            ("Agreed 1", "in progress"),
            ("Agreed 2", "cancelled"),
        ]
        notes = conn.execute(sa.text("SELECT action_id, text FROM action_notes")).all()
        assert [tuple(r) for r in notes] == [(5, "Asked")]
    engine.dispose()
