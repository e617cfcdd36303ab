"""Drafts: written at once, readable only with the draft key and the witness's own id."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, event, select, text, update
from sqlalchemy.exc import ProgrammingError

from storage.crypto.drafts import DraftKeys, DraftUnreadable
from storage.database import Database, StorageUnavailable
from storage.drafts import DraftStore
from storage.models import Draft
from tests.storage.test_store import raw_database_bytes

NOW = dt.datetime(2022, 1, 6, 14, 23, 5, tzinfo=dt.UTC)
DRAFT_KEY = b"k" * 32
KEYS = DraftKeys.from_secret(DRAFT_KEY)
CANARY = "DRAFT-CANARY-Айгүл"
WITNESS = 5_550_001_234


@pytest.fixture
def drafts() -> DraftStore:
    return DraftStore(KEYS, dt.timedelta(hours=72))


async def save(
    db: Database, drafts: DraftStore, user: int, state: dict[str, object], now: dt.datetime = NOW
) -> None:
    async with db.transaction() as session:
        await drafts.save(session, user, state, now)


async def load(
    db: Database, drafts: DraftStore, user: int, now: dt.datetime = NOW
) -> dict[str, object] | None:
    return await drafts.load(db, user, now)


async def test_a_draft_comes_back_after_every_save(db: Database, drafts: DraftStore) -> None:
    await save(db, drafts, WITNESS, {"answers": {"narrative": "first"}})
    await save(db, drafts, WITNESS, {"answers": {"narrative": "second"}})
    assert await load(db, drafts, WITNESS) == {"answers": {"narrative": "second"}}
    assert await load(db, drafts, WITNESS + 1) is None


async def test_nothing_identifying_is_stored_in_clear(
    db: Database, drafts: DraftStore, database_url: str
) -> None:
    await save(db, drafts, WITNESS, {"answers": {"narrative": CANARY}, "chat": WITNESS})
    raw = raw_database_bytes(database_url)
    assert CANARY.encode() not in raw and "Айгүл".encode() not in raw
    assert str(WITNESS).encode() not in raw
    async with db.sessions() as session:
        row = (await session.execute(select(Draft))).scalar_one()
    assert row.expires_at.minute == 0 and row.expires_at.second == 0, "no exact activity time"


def keys_without_the_witness_id(row: Draft) -> list[bytes]:
    """Every AES key a thief can make from the draft key and a row's stored columns alone:
    the draft key, the keys derived from it, the owner column, and each of these keyed with
    (or hashed with) each stored column."""
    bases = [DRAFT_KEY, KEYS.owner_key, KEYS.content_key, row.owner]
    columns = [b"", row.owner, row.owner.hex().encode(), row.body[:12]]
    columns.append(row.expires_at.isoformat().encode())
    keys = list(bases)
    for base in bases:
        for column in columns:
            keys.append(hmac.new(base, column, hashlib.sha256).digest())
            keys.append(hashlib.sha256(base + column).digest())
    return keys


def opens(key: bytes, row: Draft) -> bool:
    for associated_data in (row.owner, b"", None):
        try:
            AESGCM(key).decrypt(row.body[:12], row.body[12:], associated_data)
        except InvalidTag:
            continue
        return True
    return False


async def test_the_draft_key_and_every_stored_column_open_nothing_without_the_witness_id(
    db: Database, drafts: DraftStore
) -> None:
    # Given a witness's draft as the database stores it, and a thief who has the draft key too
    await save(db, drafts, WITNESS, {"answers": {"narrative": CANARY}})
    async with db.sessions() as session:
        row = (await session.execute(select(Draft))).scalar_one()
    # When the thief tries every key the draft key and the row's columns give
    opened = [key.hex() for key in keys_without_the_witness_id(row) if opens(key, row)]
    # Then none opens it; with the witness's Telegram id it opens
    assert opened == []
    assert KEYS.decrypt(WITNESS, row.body) == {"answers": {"narrative": CANARY}}


async def test_an_altered_draft_is_refused(db: Database, drafts: DraftStore) -> None:
    await save(db, drafts, WITNESS, {"answers": {}})
    async with db.transaction() as session:
        body = (await session.execute(select(Draft.body))).scalar_one()
        await session.execute(update(Draft).values(body=body[:-1] + bytes([body[-1] ^ 1])))
    restarted = DraftStore(KEYS, dt.timedelta(hours=72))
    with pytest.raises(DraftUnreadable):
        await load(db, restarted, WITNESS)


async def test_the_next_answer_needs_no_read_but_a_restart_reads_the_database(
    db: Database, drafts: DraftStore
) -> None:
    await save(db, drafts, WITNESS, {"step": 1})
    async with db.transaction() as session:  # the row goes behind the running bot's back
        await session.execute(delete(Draft))
    assert await load(db, drafts, WITNESS) == {"step": 1}, "answered from memory"
    assert await load(db, DraftStore(KEYS, dt.timedelta(hours=72)), WITNESS) is None


async def test_memory_never_runs_ahead_of_a_failed_transaction(
    db: Database, drafts: DraftStore
) -> None:
    await save(db, drafts, WITNESS, {"step": 1})

    class Outage(Exception):
        pass

    async def save_then_fail() -> None:
        async with db.transaction() as session:
            await drafts.save(session, WITNESS, {"step": 2}, NOW)
            raise Outage  # rolled back after the write was issued

    async def erase_then_fail() -> None:
        async with db.transaction() as session:
            await drafts.erase(session, WITNESS)
            raise Outage

    with pytest.raises(Outage):
        await save_then_fail()
    assert await load(db, drafts, WITNESS) == {"step": 1}
    with pytest.raises(Outage):
        await erase_then_fail()
    assert await load(db, drafts, WITNESS) == {"step": 1}, "the erase was rolled back too"


async def test_memory_holds_only_the_most_recent_witnesses_and_only_ciphertext(
    db: Database,
) -> None:
    drafts = DraftStore(KEYS, dt.timedelta(hours=72), remembered=3)
    for n in range(5):
        await save(db, drafts, WITNESS + n, {"narrative": CANARY})
    remembered = drafts._recent._rows
    assert len(remembered) == 3
    assert set(remembered) == {KEYS.owner(WITNESS + n) for n in (2, 3, 4)}
    assert all(CANARY.encode() not in body for body, _expiry in remembered.values())
    assert await load(db, drafts, WITNESS) == {"narrative": CANARY}, "the oldest, from disk"


async def test_drafts_expire_and_are_erased(db: Database, drafts: DraftStore) -> None:
    await save(db, drafts, WITNESS, {"a": 1})
    await save(db, drafts, WITNESS + 1, {"b": 2}, now=NOW + dt.timedelta(hours=48))
    later = NOW + dt.timedelta(hours=74)
    assert await load(db, drafts, WITNESS, now=later) is None
    async with db.transaction() as session:
        assert await drafts.erase_expired(session, later) == 1
    assert await load(db, drafts, WITNESS + 1, now=later) == {"b": 2}


async def test_erase_removes_the_row(db: Database, drafts: DraftStore) -> None:
    await save(db, drafts, WITNESS, {"a": 1})
    async with db.transaction() as session:
        await drafts.erase(session, WITNESS)
    async with db.sessions() as session:
        assert (await session.execute(select(Draft))).first() is None


async def test_concurrent_saves_share_a_transaction_and_each_lands(
    db: Database, drafts: DraftStore
) -> None:
    commits: list[object] = []
    event.listen(db.engine.sync_engine, "commit", commits.append)
    witnesses = [WITNESS + n for n in range(50)]
    await asyncio.gather(*(drafts.store(db, w, {"who": w}, NOW) for w in witnesses))
    assert len(commits) < len(witnesses), "saves arriving together are written together"
    restarted = DraftStore(KEYS, dt.timedelta(hours=72))
    for w in witnesses:
        assert await load(db, restarted, w) == {"who": w}


async def test_a_witness_saved_twice_in_one_batch_keeps_the_later_draft(
    db: Database, drafts: DraftStore
) -> None:
    await asyncio.gather(
        drafts.store(db, WITNESS, {"step": 1}, NOW), drafts.store(db, WITNESS, {"step": 2}, NOW)
    )
    assert await load(db, DraftStore(KEYS, dt.timedelta(hours=72)), WITNESS) == {"step": 2}


async def test_a_failed_batch_tells_every_witness_in_it(db: Database, drafts: DraftStore) -> None:
    await drafts.store(db, WITNESS, {"step": 1}, NOW)
    async with db.engine.begin() as connection:  # the disk "fails": the table is gone
        await connection.execute(text("ALTER TABLE drafts RENAME TO drafts_gone"))
    outcomes = await asyncio.gather(
        *(drafts.store(db, WITNESS + n, {"step": 2}, NOW) for n in range(5)),
        return_exceptions=True,
    )
    # SQLite calls a missing table an outage; PostgreSQL a programming error (a bug, which
    # the error handler logs). Either way, every waiter hears of it.
    failure = StorageUnavailable if db.dialect == "sqlite" else ProgrammingError
    assert all(type(o) is failure for o in outcomes), outcomes
    async with db.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE drafts_gone RENAME TO drafts"))
    assert await load(db, drafts, WITNESS) == {"step": 1}, "memory did not take the failed write"
    await drafts.store(db, WITNESS, {"step": 3}, NOW)
    assert await load(db, drafts, WITNESS) == {"step": 3}, "the next batch works again"
