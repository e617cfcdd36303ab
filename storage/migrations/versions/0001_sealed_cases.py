"""Sealed cases, wrapped keys, attachments and the hash chain.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("form_id", sa.String(64), nullable=False),
        sa.Column("received_day", sa.Date(), nullable=False),
        sa.Column("receipt_hash", sa.LargeBinary(32), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
        sa.UniqueConstraint("receipt_hash", name="uq_cases_receipt_hash"),
    )
    op.create_table(
        "wrapped_keys",
        sa.Column("object_id", sa.String(32), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("object_id", "key_id", name="pk_wrapped_keys"),
    )
    op.create_table(
        "attachments",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("received_day", sa.Date(), nullable=False),
        sa.Column("chunk_size", sa.Integer(), nullable=False),
        sa.Column("claimed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_attachments"),
    )
    op.create_table(
        "attachment_chunks",
        sa.Column("attachment_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["attachments.id"],
            name="fk_attachment_chunks_attachment_id_attachments",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("attachment_id", "seq", name="pk_attachment_chunks"),
    )
    op.create_table(
        "chain",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("body_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("link_hash", sa.LargeBinary(32), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_chain"),
        sa.UniqueConstraint("case_id", name="uq_chain_case_id"),
    )


def downgrade() -> None:
    for table in ("chain", "attachment_chunks", "attachments", "wrapped_keys", "cases"):
        op.drop_table(table)
