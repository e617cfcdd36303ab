"""Storing sealed attachments chunk by chunk, and reading them back for a reviewer.

Chunks live in the database (one row a chunk) rather than in files beside it, so a backup of
the database is a backup of everything, and one transaction stores a file whole or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.cases import new_object_id
from storage.crypto.envelope import KeyStanza, TamperedCase, unwrap_key
from storage.crypto.keys import KeyKind, ReviewerPrivateKey, ReviewerPublicKey
from storage.crypto.stream import CHUNK_SIZE, ChunkOpener, ChunkSealer
from storage.models import Attachment, AttachmentChunk, WrappedKey

Source = bytes | Iterable[bytes] | AsyncIterable[bytes]


@dataclass(frozen=True)
class SealedAttachment:
    """The facts a case needs to refer to a stored attachment."""

    attachment_id: str
    sha256: str
    size: int


async def _pieces(source: Source) -> AsyncIterator[bytes]:
    if isinstance(source, bytes | bytearray | memoryview):
        view = memoryview(source)
        for start in range(0, len(view), CHUNK_SIZE):
            yield bytes(view[start : start + CHUNK_SIZE])
    elif isinstance(source, AsyncIterable):
        async for piece in source:
            yield piece
    else:
        for piece in source:
            yield piece


async def seal_attachment(
    session: AsyncSession,
    source: Source,
    recipients: Sequence[ReviewerPublicKey],
    *,
    today: dt.date | None = None,
) -> SealedAttachment:
    """Seal a file to every reviewer key as it streams in, in the caller's transaction."""
    attachment_id = new_object_id()
    sealer = ChunkSealer(recipients, attachment_id)
    session.add(
        Attachment(
            id=attachment_id,
            received_day=today or dt.datetime.now(dt.UTC).date(),
            chunk_size=CHUNK_SIZE,
            claimed=False,
        )
    )
    session.add_all(
        WrappedKey(object_id=attachment_id, key_id=s.key_id, kind=s.kind.code, wrapped=s.wrapped)
        for s in sealer.stanzas
    )
    await session.flush()
    seq = 0
    async for piece in _pieces(source):
        for chunk in sealer.update(piece):
            await _store_chunk(session, attachment_id, seq, chunk)
            seq += 1
    await _store_chunk(session, attachment_id, seq, sealer.finish())
    return SealedAttachment(attachment_id, sealer.sha256, sealer.size)


async def _store_chunk(session: AsyncSession, attachment_id: str, seq: int, data: bytes) -> None:
    # Core insert, not the ORM: the identity map would otherwise keep every chunk alive.
    await session.execute(
        insert(AttachmentChunk).values(attachment_id=attachment_id, seq=seq, data=data)
    )


async def stanzas_of(session: AsyncSession, object_id: str) -> tuple[KeyStanza, ...]:
    rows = await session.execute(select(WrappedKey).where(WrappedKey.object_id == object_id))
    return tuple(KeyStanza(w.key_id, KeyKind.from_code(w.kind), w.wrapped) for w in rows.scalars())


async def open_attachment(
    session: AsyncSession, attachment_id: str, private_key: ReviewerPrivateKey
) -> AsyncIterator[bytes]:
    """The plaintext of an attachment, piece by piece; `TamperedCase` if altered or cut."""
    data_key = unwrap_key(await stanzas_of(session, attachment_id), private_key, attachment_id)
    query = (
        select(AttachmentChunk.data)
        .where(AttachmentChunk.attachment_id == attachment_id)
        .order_by(AttachmentChunk.seq)
        .execution_options(yield_per=16)
    )
    stored = await session.stream_scalars(query)
    opener = ChunkOpener(data_key, attachment_id)
    held: bytes | None = None
    async for chunk in stored:
        # Hold one chunk back: whether a chunk is final is known only from what follows.
        if held is not None:
            yield opener.open(held, final=False)
        held = chunk
    if held is None:
        raise TamperedCase("attachment has no chunks")
    yield opener.open(held, final=True)


async def erase_unclaimed(session: AsyncSession, older_than: dt.date) -> int:
    """Erase attachments no sealed case refers to (their drafts expired or were cancelled)."""
    ids = (
        (
            await session.execute(
                select(Attachment.id).where(
                    Attachment.claimed.is_(False), Attachment.received_day < older_than
                )
            )
        )
        .scalars()
        .all()
    )
    await erase_attachments(session, ids)
    return len(ids)


async def erase_attachments(session: AsyncSession, ids: Sequence[str]) -> None:
    """Erase these attachments whole: chunks, wrapped keys and rows (also a purge's files)."""
    if ids:
        await session.execute(delete(AttachmentChunk).where(AttachmentChunk.attachment_id.in_(ids)))
        await session.execute(delete(WrappedKey).where(WrappedKey.object_id.in_(ids)))
        await session.execute(delete(Attachment).where(Attachment.id.in_(ids)))
