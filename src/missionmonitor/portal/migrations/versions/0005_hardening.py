"""Separation of duties on returns: who last edited and who submitted each version, and
everyone who contributed to it (created, edited, attached, submitted). One row per version
number of a return, so two first saves at once cannot both make version 1. Sign-in attempts
refused by the throttle are marked, so they do not lengthen the wait.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("last_edited_by", sa.Integer, nullable=True))
        batch.add_column(sa.Column("submitted_by", sa.Integer, nullable=True))
        batch.add_column(sa.Column("contributors", sa.Text, nullable=False, server_default="[]"))
        batch.create_unique_constraint(
            "uq_submission_number", ["form_id", "adp_code", "period", "number"]
        )
    with op.batch_alter_table("login_attempts") as batch:
        batch.add_column(
            sa.Column("refused", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.create_index("ix_login_attempts_ip", ["ip"])
        batch.create_index("ix_login_attempts_at", ["at"])
    # Versions made before: their author is the one contributor known.
    op.execute(
        "UPDATE submissions SET contributors = '[' || created_by || ']', "
        "last_edited_by = created_by"
    )


def downgrade() -> None:
    with op.batch_alter_table("login_attempts") as batch:
        batch.drop_index("ix_login_attempts_at")
        batch.drop_index("ix_login_attempts_ip")
        batch.drop_column("refused")
    with op.batch_alter_table("submissions") as batch:
        batch.drop_constraint("uq_submission_number", type_="unique")
        batch.drop_column("contributors")
        batch.drop_column("submitted_by")
        batch.drop_column("last_edited_by")
