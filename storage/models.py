"""The database tables: what a thief who copies the database file can see.

In clear: random ids, the form id, the day a case was received, key ids, a hash of the
receipt code, the hash chain, and the sizes of sealed blobs. Everything a witness said or
sent is inside `Case.body` or `AttachmentChunk.data`, sealed to reviewers' keys; drafts are
encrypted with the server's draft key.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, LargeBinary, MetaData, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Case(Base):
    """A sealed report or addendum. The body is the envelope of docs/FORMAT.md."""

    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    """Random 128-bit hex, so ids reveal neither order nor count."""
    form_id: Mapped[str] = mapped_column(String(64))
    received_day: Mapped[dt.date]
    """The day only: a time of day could be matched against a witness's phone activity."""
    receipt_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32), unique=True)
    """SHA-256 of the receipt code, which lets its holder add to the case (`/followup`)."""
    body: Mapped[bytes] = mapped_column(LargeBinary)


class WrappedKey(Base):
    """One object's data key wrapped to one reviewer key (a case or an attachment)."""

    __tablename__ = "wrapped_keys"

    object_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    kind: Mapped[int]
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)


class Attachment(Base):
    """A sealed file; its chunks hold the STREAM ciphertext, one row a chunk."""

    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    received_day: Mapped[dt.date]
    chunk_size: Mapped[int]
    claimed: Mapped[bool] = mapped_column(default=False)
    """Set when a sealed case refers to it; unclaimed ones of expired drafts are erased."""


class AttachmentChunk(Base):
    __tablename__ = "attachment_chunks"

    attachment_id: Mapped[str] = mapped_column(
        ForeignKey("attachments.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ChainLink(Base):
    """One link of the append-only hash chain over sealed cases.

    No foreign key to `cases` on purpose: deleting a case must leave a dangling link that
    `kuager verify` reports, not cascade away the evidence of the deletion.
    """

    __tablename__ = "chain"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    case_id: Mapped[str] = mapped_column(String(32), unique=True)
    version: Mapped[int] = mapped_column(server_default=text("1"))
    """Which fields the link covers (docs/FORMAT.md, "Hash chain"); rows from before
    version 2 read as 1."""
    body_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    link_hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class Draft(Base):
    """A witness's unfinished report, encrypted with a key derived from the draft key and
    the witness's Telegram id (see storage.crypto.drafts)."""

    __tablename__ = "drafts"

    owner: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
