"""MAT standards grades (proposed, moderated) and improvement actions.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    when = sa.DateTime(timezone=True)
    op.create_table(
        "standard_grades",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("adp_code", sa.String(9), nullable=False, index=True),
        sa.Column("standard", sa.Integer, nullable=False),
        sa.Column("year", sa.Integer, nullable=False, index=True),
        sa.Column("criteria_version", sa.Integer, nullable=False),
        sa.Column("rule_set", sa.String(40), nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("evidence_refs", sa.Text, nullable=False),
        sa.Column("proposed_grade", sa.String(10), nullable=False),
        sa.Column("proposed_provisional", sa.Boolean, nullable=False),
        sa.Column("rationale", sa.Text, nullable=False),
        sa.Column("proposed_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("proposed_at", when, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("grade", sa.String(10)),
        sa.Column("provisional", sa.Boolean),
        sa.Column("moderated_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("moderated_at", when),
        sa.Column("moderation_reason", sa.Text),
        sa.Column("synthetic", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "improvement_actions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "grade_id", sa.Integer, sa.ForeignKey("standard_grades.id"), nullable=False, index=True
        ),
        sa.Column("adp_code", sa.String(9), nullable=False, index=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("improvement_actions")
    op.drop_table("standard_grades")
