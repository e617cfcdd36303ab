"""Key rotation: give a new reviewer key access to old cases without touching their ciphertext.

Only wrapped data keys are added; the sealed bodies the hash chain covers stay byte for byte
the same, so `kuager verify` still passes after a reseal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from storage.crypto.envelope import KeyStanza, TamperedCase, unwrap_key, wrap_key
from storage.crypto.keys import ReviewerPrivateKey, ReviewerPublicKey
from storage.database import Database
from storage.models import WrappedKey

BATCH = 500


@dataclass
class ResealTally:
    added: int = 0
    already: int = 0
    damaged: list[str] = field(default_factory=list)


async def reseal(
    db: Database, old_key: ReviewerPrivateKey, new_key: ReviewerPublicKey
) -> ResealTally:
    """Wrap, for `new_key`, the data key of every case and attachment `old_key` can open."""
    tally = ResealTally()
    old_id, new_id = old_key.public.key_id, new_key.key_id
    async with db.sessions() as session:
        have_new = set(
            (await session.execute(select(WrappedKey.object_id).where(WrappedKey.key_id == new_id)))
            .scalars()
            .all()
        )
        rows = (
            await session.execute(
                select(WrappedKey.object_id, WrappedKey.wrapped).where(WrappedKey.key_id == old_id)
            )
        ).all()
    pending: list[WrappedKey] = []
    for object_id, wrapped in rows:
        if object_id in have_new:
            tally.already += 1
            continue
        stanza = KeyStanza(old_id, old_key.kind, wrapped)
        try:
            data_key = unwrap_key([stanza], old_key, object_id)
        except TamperedCase:
            tally.damaged.append(object_id)
            continue
        new = wrap_key(data_key, new_key, object_id)
        pending.append(
            WrappedKey(object_id=object_id, key_id=new_id, kind=new.kind.code, wrapped=new.wrapped)
        )
        if len(pending) >= BATCH:
            tally.added += await _store(db, pending)
    tally.added += await _store(db, pending)
    return tally


async def _store(db: Database, pending: list[WrappedKey]) -> int:
    count = len(pending)
    if pending:
        async with db.transaction() as session:
            session.add_all(pending)
        pending.clear()
    return count
