"""Events on cases (status, note, reply) and each case's reply channel.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No foreign keys to cases on purpose: events and reply channels outlive a purged body,
    # and a deleted case must leave its links dangling for `verify` to report.
    op.create_table(
        "events",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
    )
    op.create_index("ix_events_case_id", "events", ["case_id"])
    op.create_table(
        "reply_channels",
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("sealed_key", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name="pk_reply_channels"),
    )


def downgrade() -> None:
    op.drop_table("reply_channels")
    op.drop_index("ix_events_case_id", table_name="events")
    op.drop_table("events")
