"""Chain links carry a version: version 2 links cover every stored field of a case row.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Links written before are version 1: they stay valid and are verified as they were.
    with op.batch_alter_table("chain") as batch:
        batch.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )


def downgrade() -> None:
    with op.batch_alter_table("chain") as batch:
        batch.drop_column("version")
