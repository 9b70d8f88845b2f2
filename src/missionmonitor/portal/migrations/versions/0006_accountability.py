"""Oversight groups' meetings, decisions and actions; anonymous feedback responses.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    when = sa.DateTime(timezone=True)

    def user() -> sa.ForeignKey:
        return sa.ForeignKey("users.id")

    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("group_id", sa.String(80), nullable=False, index=True),
        sa.Column("area_code", sa.String(9), nullable=False, index=True),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("public_summary", sa.Text),
        sa.Column("published", sa.Boolean, nullable=False),
        sa.Column("synthetic", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.Integer, user(), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "meeting_id", sa.Integer, sa.ForeignKey("meetings.id"), nullable=False, index=True
        ),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("links", sa.Text, nullable=False),
        sa.Column("created_by", sa.Integer, user(), nullable=False),
        sa.Column("created_at", when, nullable=False),
    )
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
        sa.Column("created_by", sa.Integer, user(), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "feedback_responses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("form_id", sa.String(60), nullable=False, index=True),
        sa.Column("form_version", sa.Integer, nullable=False),
        sa.Column("adp_code", sa.String(9), nullable=False, index=True),
        sa.Column("period", sa.String(20), nullable=False, index=True),
        sa.Column("answers", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("received_at", when, nullable=False),
        sa.Column("decided_by", sa.Integer, user()),
        sa.Column("decided_at", when),
        sa.Column("reason", sa.Text),
        sa.Column("synthetic", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("feedback_responses", "governance_actions", "decisions", "meetings"):
        op.drop_table(table)
