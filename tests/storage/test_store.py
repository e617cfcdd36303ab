"""The sealed store as a thief would read it, and as a reviewer would rely on it."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from storage import chain
from storage.attachments import erase_unclaimed, open_attachment, seal_attachment
from storage.cases import (
    AttachmentRef,
    UnknownReceipt,
    case_for_receipt,
    normalise_receipt,
    read_receipt,
    receipt_hash,
    seal_case,
)
from storage.crypto.envelope import TamperedCase
from storage.crypto.keys import ReviewerPrivateKey
from storage.crypto.stream import CHUNK_SIZE
from storage.database import Database
from storage.models import Attachment, AttachmentChunk, Case, ChainLink
from tests.conftest import on_postgres
from tests.storage.cases import detention, store

CANARY = "CANARY-7f3a-Жанар-Қасымова"
FILE_CANARY = b"FILE-CANARY-9b1c" * 100


def raw_database_bytes(database_url: str) -> bytes:
    """Every byte a thief copying the database would get: the file and its WAL, or pg_dump."""
    if on_postgres():
        url = database_url.replace("+asyncpg", "")
        dumped = subprocess.run(
            ["pg_dump", "--data-only", "--inserts", url], check=True, capture_output=True
        )
        return dumped.stdout
    path = Path(database_url)
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


async def test_canaries_never_reach_the_database_in_clear(
    db: Database, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    async with db.transaction() as session:
        attachment = await seal_attachment(session, FILE_CANARY * 50, [reviewer_key.public])
    ref = AttachmentRef(
        attachment.attachment_id,
        attachment.sha256,
        attachment.size,
        "photo",
        "image/jpeg",
        f"{CANARY}.jpg",
    )
    for language in ("kk", "ru", "en"):
        await store(
            db,
            detention(language, narrative=f"{CANARY} {language}", attachments=[ref]),
            [reviewer_key.public],
        )
    raw = raw_database_bytes(database_url)
    assert raw, "the database file should not be empty"
    for needle in (CANARY, "Қасымова", "Жанар", "plainclothes", "whereabouts_unknown", "Алматы"):
        assert needle.encode("utf-8") not in raw
    assert FILE_CANARY[:16] not in raw
    assert attachment.sha256.encode() not in raw


async def test_a_case_is_found_by_its_receipt_code_however_it_is_retyped(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    receipt = await store(db, detention(), [reviewer_key.public])
    retyped = receipt.code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    async with db.sessions() as session:
        assert await case_for_receipt(session, await read_receipt(retyped)) == receipt.case_id
        with pytest.raises(UnknownReceipt):
            await case_for_receipt(session, await read_receipt("AAAA-AAAA-AAAA-AAAA"))
    with pytest.raises(UnknownReceipt):
        await read_receipt("not a code")
    assert len(normalise_receipt(receipt.code)) == 16


async def test_the_stored_lookup_is_no_fast_hash_and_old_codes_still_work(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    # Given a case sent now, and one stored as before the reply channel (SHA-256 lookup)
    fresh = await store(db, detention(), [reviewer_key.public])
    old = await store(db, detention(), [reviewer_key.public])
    async with db.transaction() as session:
        await session.execute(
            update(Case).where(Case.id == old.case_id).values(receipt_hash=receipt_hash(old.code))
        )
        stored = (
            await session.execute(select(Case.receipt_hash).where(Case.id == fresh.case_id))
        ).scalar_one()
    # Then the new case's stored hash is not the fast SHA-256 a thief could search codes with
    assert stored != receipt_hash(fresh.code)
    assert stored == (await read_receipt(fresh.code)).lookup
    # And both codes find their case
    async with db.sessions() as session:
        for receipt in (fresh, old):
            found = await case_for_receipt(session, await read_receipt(receipt.code))
            assert found == receipt.case_id


async def test_clear_metadata_is_only_what_operation_needs(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    receipt = await store(db, detention(), [reviewer_key.public])
    async with db.sessions() as session:
        case = (await session.execute(select(Case))).scalar_one()
    assert case.id == receipt.case_id and len(case.id) == 32
    assert case.form_id == "detention"
    assert str(case.received_day) == "2022-01-09"
    assert case.receipt_hash is not None
    assert receipt.code.encode() not in case.receipt_hash


async def test_a_failed_transaction_leaves_no_half_case(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    async def submit_then_fail() -> None:
        async with db.transaction() as session:
            await seal_case(session, detention(), [reviewer_key.public])
            raise RuntimeError("the database went away mid-submit")

    with pytest.raises(RuntimeError):
        await submit_then_fail()
    async with db.sessions() as session:
        assert (await session.execute(select(Case))).first() is None
        assert (await session.execute(select(ChainLink))).first() is None


@pytest.mark.parametrize("size", [0, 5, CHUNK_SIZE, 3 * CHUNK_SIZE + 11])
async def test_attachment_round_trips_through_the_database(
    db: Database, reviewer_key: ReviewerPrivateKey, size: int
) -> None:
    data = os.urandom(size)
    async with db.transaction() as session:
        sealed = await seal_attachment(session, data, [reviewer_key.public])
    async with db.sessions() as session:
        back = b"".join(
            [p async for p in open_attachment(session, sealed.attachment_id, reviewer_key)]
        )
    assert back == data


async def _stored_attachment(db: Database, key: ReviewerPrivateKey) -> str:
    async with db.transaction() as session:
        return (
            await seal_attachment(session, os.urandom(3 * CHUNK_SIZE + 1), [key.public])
        ).attachment_id


async def _read(db: Database, attachment_id: str, key: ReviewerPrivateKey) -> bytes:
    async with db.sessions() as session:
        return b"".join([p async for p in open_attachment(session, attachment_id, key)])


async def test_truncated_attachment_rows_are_detected(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    attachment_id = await _stored_attachment(db, reviewer_key)
    async with db.transaction() as session:
        await session.execute(delete(AttachmentChunk).where(AttachmentChunk.seq == 3))
    with pytest.raises(TamperedCase):
        await _read(db, attachment_id, reviewer_key)


async def test_reordered_attachment_rows_are_detected(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    attachment_id = await _stored_attachment(db, reviewer_key)
    async with db.transaction() as session:
        await session.execute(
            update(AttachmentChunk).where(AttachmentChunk.seq == 0).values(seq=100)
        )
        await session.execute(update(AttachmentChunk).where(AttachmentChunk.seq == 1).values(seq=0))
        await session.execute(
            update(AttachmentChunk).where(AttachmentChunk.seq == 100).values(seq=1)
        )
    with pytest.raises(TamperedCase):
        await _read(db, attachment_id, reviewer_key)


async def test_unclaimed_attachments_of_abandoned_drafts_are_erased(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    import datetime as dt

    async with db.transaction() as session:
        kept = await seal_attachment(
            session, b"kept", [reviewer_key.public], today=dt.date(2022, 1, 1)
        )
        await seal_attachment(
            session, b"abandoned", [reviewer_key.public], today=dt.date(2022, 1, 1)
        )
    ref = AttachmentRef(kept.attachment_id, kept.sha256, kept.size, "photo")
    await store(db, detention(attachments=[ref]), [reviewer_key.public])
    async with db.transaction() as session:
        assert await erase_unclaimed(session, older_than=dt.date(2022, 1, 5)) == 1
    async with db.sessions() as session:
        assert (await session.execute(select(Attachment.id))).scalars().all() == [
            kept.attachment_id
        ]


# --- the hash chain -------------------------------------------------------------------------


async def _verify(db: Database, head: chain.Head | None = None) -> chain.ChainReport:
    return await chain.verify_database(db, expected_head=head)


async def _three_cases(db: Database, key: ReviewerPrivateKey) -> list[str]:
    return [(await store(db, detention(lang), [key.public])).case_id for lang in ("kk", "ru", "en")]


async def test_an_untouched_chain_verifies(db: Database, reviewer_key: ReviewerPrivateKey) -> None:
    await _three_cases(db, reviewer_key)
    report = await _verify(db)
    assert report.ok and report.links == 3 and report.cases == 3


async def test_a_deleted_case_is_detected(db: Database, reviewer_key: ReviewerPrivateKey) -> None:
    ids = await _three_cases(db, reviewer_key)
    async with db.transaction() as session:
        await session.execute(delete(Case).where(Case.id == ids[1]))
    report = await _verify(db)
    assert report.broken is not None and report.broken.seq == 2 and report.broken.case_id == ids[1]


async def test_a_deleted_case_and_link_are_detected(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    ids = await _three_cases(db, reviewer_key)
    async with db.transaction() as session:
        await session.execute(delete(Case).where(Case.id == ids[1]))
        await session.execute(delete(ChainLink).where(ChainLink.case_id == ids[1]))
    report = await _verify(db)
    assert report.broken is not None and report.broken.seq == 2


async def test_reordered_cases_are_detected(db: Database, reviewer_key: ReviewerPrivateKey) -> None:
    ids = await _three_cases(db, reviewer_key)
    async with db.transaction() as session:
        await session.execute(update(ChainLink).where(ChainLink.seq == 1).values(seq=100))
        await session.execute(update(ChainLink).where(ChainLink.seq == 2).values(seq=1))
        await session.execute(update(ChainLink).where(ChainLink.seq == 100).values(seq=2))
    report = await _verify(db)
    assert report.broken is not None and report.broken.seq == 1 and report.broken.case_id == ids[1]


async def test_a_replaced_body_is_detected(db: Database, reviewer_key: ReviewerPrivateKey) -> None:
    ids = await _three_cases(db, reviewer_key)
    async with db.transaction() as session:
        other = (await session.execute(select(Case.body).where(Case.id == ids[0]))).scalar_one()
        await session.execute(update(Case).where(Case.id == ids[2]).values(body=other))
    report = await _verify(db)
    assert report.broken is not None and report.broken.case_id == ids[2]


async def test_a_case_slipped_in_outside_the_chain_is_detected(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    ids = await _three_cases(db, reviewer_key)
    async with db.transaction() as session:
        await session.execute(delete(ChainLink).where(ChainLink.case_id == ids[2]))
    report = await _verify(db)
    assert report.broken is not None and report.broken.case_id == ids[2]


async def test_cutting_off_the_newest_cases_shows_against_a_noted_head(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    ids = await _three_cases(db, reviewer_key)
    noted = (await _verify(db)).head
    async with db.transaction() as session:
        await session.execute(delete(Case).where(Case.id == ids[2]))
        await session.execute(delete(ChainLink).where(ChainLink.case_id == ids[2]))
    assert (await _verify(db)).ok, "a cut tail is invisible to the chain alone"
    assert not (await _verify(db, head=noted)).ok


async def test_concurrent_writers_keep_one_valid_chain(
    database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    # Separate engines stand for separate bot processes sharing one database.
    writers = [Database(database_url) for _ in range(4)]
    try:
        await asyncio.gather(
            *[store(writers[i % 4], detention(), [reviewer_key.public]) for i in range(40)]
        )
        report = await _verify(writers[0])
    finally:
        for writer in writers:
            await writer.close()
    assert report.ok, report.broken
    assert report.links == report.cases == 40
