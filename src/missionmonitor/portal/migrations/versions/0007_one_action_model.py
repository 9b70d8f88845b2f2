"""One action model: actions on alerts and actions agreed at oversight meetings share the
``actions`` table and one status set (open, in progress, done, cancelled). An action on an
alert that was ``closed`` is ``done`` (its closing note says what was done). Actions on
alerts keep their ids; governance actions get new ones, and their audit entries follow.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ALERT_COLUMNS = (
    "id, area_code, title, owner, status, series_id, period, method, scan_id, "
    "created_by, created_at, closed_at, closure_note, version"
)
GOVERNANCE_COLUMNS = (
    "area_code, title, owner, status, due, links, progress_note, meeting_id, decision_id, "
    "created_by, created_at, version"
)


def _user() -> sa.ForeignKey:
    return sa.ForeignKey("users.id")


def _actions_table(name: str) -> None:
    when = sa.DateTime(timezone=True)
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("area_code", sa.String(9), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("due", sa.Date),
        sa.Column("links", sa.Text, nullable=False),
        sa.Column("progress_note", sa.Text),
        sa.Column("series_id", sa.String(60)),
        sa.Column("period", sa.String(20)),
        sa.Column("method", sa.String(60)),
        sa.Column("scan_id", sa.Integer),
        sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meetings.id")),
        sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id")),
        sa.Column("created_by", sa.Integer, _user(), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("closed_at", when),
        sa.Column("closure_note", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
    )


def _notes_table(name: str, actions: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("action_id", sa.Integer, sa.ForeignKey(f"{actions}.id"), nullable=False),
        sa.Column("author_id", sa.Integer, _user(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )


def _renumber_sequence(table: str) -> None:
    """PostgreSQL: the next id after the highest copied one (SQLite does this itself)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )


def _move_notes(old_actions: str) -> None:
    """Point the notes at the new actions table (the notes table is rebuilt: SQLite cannot
    change a foreign key in place)."""
    _notes_table("action_notes_moved", "actions")
    op.execute(
        "INSERT INTO action_notes_moved (id, action_id, author_id, at, text) "
        "SELECT id, action_id, author_id, at, text FROM action_notes"
    )
    op.drop_table("action_notes")
    op.rename_table("action_notes_moved", "action_notes")
    op.create_index("ix_action_notes_action_id", "action_notes", ["action_id"])
    _renumber_sequence("action_notes")
    op.drop_table(old_actions)


def upgrade() -> None:
    bind = op.get_bind()
    op.drop_index("ix_actions_area_code", table_name="actions")
    op.rename_table("actions", "actions_0006")
    _actions_table("actions")
    op.create_index("ix_actions_area_code", "actions", ["area_code"])
    op.create_index("ix_actions_kind", "actions", ["kind"])
    op.create_index("ix_actions_meeting_id", "actions", ["meeting_id"])
    op.execute(
        f"INSERT INTO actions (kind, links, {ALERT_COLUMNS}) "
        f"SELECT 'alert', '[]', {ALERT_COLUMNS} FROM actions_0006"
    )
    op.execute("UPDATE actions SET status = 'done' WHERE status = 'closed'")
    _renumber_sequence("actions")
    # Governance actions: one at a time, each with its new id, and its audit entries moved
    # to that id (the entity name is kept: it says which kind of action the entry was).
    olds = bind.execute(sa.text("SELECT id FROM governance_actions ORDER BY id")).scalars()
    for old in list(olds):
        bind.execute(
            sa.text(
                f"INSERT INTO actions (kind, {GOVERNANCE_COLUMNS}) "
                f"SELECT 'governance', {GOVERNANCE_COLUMNS} FROM governance_actions "
                "WHERE id = :old"
            ),
            {"old": old},
        )
        new = bind.execute(sa.text("SELECT MAX(id) FROM actions")).scalar_one()
        bind.execute(
            sa.text(
                "UPDATE audit_log SET entity = 'governance_action:moved', entity_id = :new "
                "WHERE entity = 'governance_action' AND entity_id = :old"
            ),
            {"new": str(new), "old": str(old)},
        )
    op.execute(
        "UPDATE audit_log SET entity = 'governance_action' WHERE entity = 'governance_action:moved'"
    )
    op.drop_table("governance_actions")
    _move_notes("actions_0006")


def downgrade() -> None:
    when = sa.DateTime(timezone=True)
    op.create_table(
        "governance_actions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "meeting_id", sa.Integer, sa.ForeignKey("meetings.id"), nullable=False, index=True
        ),
        sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id")),
        sa.Column("area_code", sa.String(9), nullable=False, index=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("links", sa.Text, nullable=False),
        sa.Column("progress_note", sa.Text),
        sa.Column("created_by", sa.Integer, _user(), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.execute(
        f"INSERT INTO governance_actions (id, {GOVERNANCE_COLUMNS}) "
        f"SELECT id, {GOVERNANCE_COLUMNS} FROM actions WHERE kind = 'governance'"
    )
    _renumber_sequence("governance_actions")
    op.drop_index("ix_actions_area_code", table_name="actions")
    op.drop_index("ix_actions_kind", table_name="actions")
    op.drop_index("ix_actions_meeting_id", table_name="actions")
    op.rename_table("actions", "actions_0007")
    op.create_table(
        "actions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("series_id", sa.String(60), nullable=False),
        sa.Column("area_code", sa.String(9), nullable=False, index=True),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("method", sa.String(60), nullable=False),
        sa.Column("scan_id", sa.Integer, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_by", sa.Integer, _user(), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("closed_at", when),
        sa.Column("closure_note", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
    )
    # Before this revision an action on an alert was open, in progress or closed.
    op.execute(
        f"INSERT INTO actions ({ALERT_COLUMNS}) SELECT {ALERT_COLUMNS} FROM actions_0007 "
        "WHERE kind = 'alert'"
    )
    op.execute("UPDATE actions SET status = 'closed' WHERE status IN ('done', 'cancelled')")
    _renumber_sequence("actions")
    _move_notes("actions_0007")
