"""Retention: ack locks on cases and attachments, acks, releases and purge tombstones.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: cases and files stored before have no locks, and are never purged.
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("ack_locks", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("release_lock", sa.LargeBinary(32), nullable=True))
    # No foreign keys to cases, as for events: a tombstone outlives the body it replaces.
    op.create_table(
        "acks",
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("secret", sa.LargeBinary(32), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "key_id", name="pk_acks"),
    )
    op.create_table(
        "releases",
        sa.Column("attachment_id", sa.String(32), nullable=False),
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("secret", sa.LargeBinary(32), nullable=False),
        sa.PrimaryKeyConstraint("attachment_id", name="pk_releases"),
    )
    op.create_index("ix_releases_case_id", "releases", ["case_id"])
    op.create_table(
        "purges",
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("acks", sa.LargeBinary(), nullable=False),
        sa.Column("files", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name="pk_purges"),
    )


def downgrade() -> None:
    op.drop_table("purges")
    op.drop_index("ix_releases_case_id", table_name="releases")
    op.drop_table("releases")
    op.drop_table("acks")
    with op.batch_alter_table("attachments") as batch:
        batch.drop_column("release_lock")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("ack_locks")
