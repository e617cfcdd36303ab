"""The database tables: what a thief who copies the database file can see.

In clear: random ids, the form id, the day a case was received, key ids, a hash of the
receipt code, the hash chain, and the sizes of sealed blobs; for each event on a case, its
id, its case's id and its day; for each case with a reply channel, its wrapped reply key;
each case's ack locks, and once reviewers fetched it, which reviewer keys did (acks) and
which files are its (releases).
Everything a witness said or sent is inside `Case.body` or `AttachmentChunk.data`, sealed
to reviewers' keys; every status, note and reply inside `Event.body`; drafts are encrypted
with the server's draft key.
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
    """The receipt code's lookup hash, which lets its holder add to the case and read its
    replies (`/followup`): scrypt-derived (docs/FORMAT.md §8), or SHA-256 for cases sent
    before the reply channel. NULL for an addendum, whose code nobody is shown."""
    body: Mapped[bytes] = mapped_column(LargeBinary)
    """Empty once the case is purged (`storage.retention`); its `Purge` row says why."""
    ack_locks: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    """One SHA-256 lock per reviewer key the case is sealed to (storage.crypto.acks): an ack
    must open one to count. NULL for a case sent before acks existed, which is never purged."""


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
    release_lock: Mapped[bytes | None] = mapped_column(LargeBinary(32), default=None)
    """Set with `claimed`: the lock a release from the case's reviewers opens, so the file
    is erased with its purged case. It does not say which case (a hash of a secret)."""


class AttachmentChunk(Base):
    __tablename__ = "attachment_chunks"

    attachment_id: Mapped[str] = mapped_column(
        ForeignKey("attachments.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ChainLink(Base):
    """One link of the append-only hash chain over sealed cases and their events.

    No foreign key to `cases` on purpose: deleting a case must leave a dangling link that
    `kuager verify` reports, not cascade away the evidence of the deletion.
    """

    __tablename__ = "chain"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    case_id: Mapped[str] = mapped_column(String(32), unique=True)
    """The id of the object the link covers: a case (versions 1-3) or an event (version 4)."""
    version: Mapped[int] = mapped_column(server_default=text("1"))
    """Which object and fields the link covers (docs/FORMAT.md, "Hash chain"); rows from
    before version 2 read as 1."""
    body_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    link_hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class Draft(Base):
    """A witness's unfinished report, encrypted with a key derived from the draft key and
    the witness's Telegram id (see storage.crypto.drafts)."""

    __tablename__ = "drafts"

    owner: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class Event(Base):
    """A status, note or reply appended to a case, sealed like a case body (storage.events).

    No foreign key to `cases`: a case's body may be purged once reviewers hold it, and its
    events (the witness's replies among them) must outlive it; the chain links each event.
    """

    __tablename__ = "events"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(32), index=True)
    day: Mapped[dt.date]
    """The day only, as for cases."""
    body: Mapped[bytes] = mapped_column(LargeBinary)
    """The envelope of docs/FORMAT.md §3 with context "event": the kind is sealed inside."""


class ReplyChannel(Base):
    """What `/followup CODE` needs to read a case's replies: the reply private key, wrapped
    under a key derived from the receipt code. Nothing in it names the witness; it outlives
    the case's body (no foreign key), and the case's chain link covers it."""

    __tablename__ = "reply_channels"

    case_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sealed_key: Mapped[bytes] = mapped_column(LargeBinary)
    """salt || nonce || AES-256-GCM(reply private key): docs/FORMAT.md §8."""


class Ack(Base):
    """A reviewer key's proof that it fetched a case (storage.crypto.acks): the secret that
    opens that key's lock on the case row. No day is kept: only that it was fetched."""

    __tablename__ = "acks"

    case_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    secret: Mapped[bytes] = mapped_column(LargeBinary(32))


class Release(Base):
    """A reviewer's leave to erase one attachment with its case, once the case is purged.

    Written with the first ack of its case: from then on the database shows which files
    belong to which fetched case (not what they hold)."""

    __tablename__ = "releases"

    attachment_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(32), index=True)
    secret: Mapped[bytes] = mapped_column(LargeBinary(32))


class Purge(Base):
    """The tombstone of a purged case body: when, and the acks that justified it.

    `verify` accepts an empty case body only with a tombstone whose acks open the locks the
    case's chain link covers; a body deleted any other way is reported as deleted."""

    __tablename__ = "purges"

    case_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[dt.date]
    acks: Mapped[bytes] = mapped_column(LargeBinary)
    """key id → ack secret, in `storage.crypto.acks.pack_keyed`'s layout."""
    files: Mapped[int] = mapped_column(default=0)
    """Attachments erased with the body."""
