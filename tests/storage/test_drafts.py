"""Drafts: written at once, readable only with the draft key and the witness's own id."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from storage.database import Database
from storage.drafts import DraftKeys, DraftStore, DraftUnreadable
from storage.models import Draft
from tests.storage.test_store import raw_database_bytes

NOW = dt.datetime(2022, 1, 6, 14, 23, 5, tzinfo=dt.UTC)
KEYS = DraftKeys.from_secret(b"k" * 32)
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
    async with db.transaction() as session:
        return await drafts.load(session, user, now)


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


async def test_a_draft_needs_the_witness_id_as_well_as_the_key() -> None:
    blob = KEYS.encrypt(WITNESS, {"a": 1})
    assert KEYS.decrypt(WITNESS, blob) == {"a": 1}
    with pytest.raises(DraftUnreadable):
        KEYS.decrypt(WITNESS + 1, blob)
    with pytest.raises(DraftUnreadable):
        DraftKeys.from_secret(b"x" * 32).decrypt(WITNESS, blob)


async def test_an_altered_draft_is_refused(db: Database, drafts: DraftStore) -> None:
    await save(db, drafts, WITNESS, {"answers": {}})
    async with db.transaction() as session:
        body = (await session.execute(select(Draft.body))).scalar_one()
        await session.execute(update(Draft).values(body=body[:-1] + bytes([body[-1] ^ 1])))
    with pytest.raises(DraftUnreadable):
        await load(db, drafts, WITNESS)


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
