"""Return submissions: every version of every ADP's return, never overwritten.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("form_id", sa.String(60), nullable=False, index=True),
        sa.Column("form_version", sa.Integer, nullable=False),
        sa.Column("adp_code", sa.String(9), nullable=False, index=True),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("answers", sa.Text, nullable=False),
        sa.Column("comments", sa.Text, nullable=False),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True)),
        sa.Column("decided_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decision_comment", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("form_id", "adp_code", "period", "number"),
    )


def downgrade() -> None:
    op.drop_table("submissions")
