"""Retention: acks prove a reviewer holds a case; a purge keeps what `/followup` and `verify`
need, and nobody without the sealed ack root can make a case go."""

from __future__ import annotations

import datetime as dt
import os

from sqlalchemy import insert, select, update

from storage import chain
from storage.attachments import seal_attachment
from storage.cases import AttachmentRef, read_receipt
from storage.crypto.acks import ack_lock, pack_keyed, parse_keyed
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.events import case_access, witness_events
from storage.export import ExportTally, open_cases
from storage.models import Ack, Attachment, AttachmentChunk, Case, Purge
from storage.retention import CaseAck, PurgeTally, ack_for, purge_due, record_acks
from tests.storage.cases import PHOTO, detention, store
from tests.storage.test_events import _loop

RECEIVED = dt.date(2022, 1, 9)
LATER = RECEIVED + dt.timedelta(days=90)


async def acks_of(db: Database, key: ReviewerPrivateKey) -> list[CaseAck]:
    """What `kuager export` makes with this key: one ack per case it opens."""
    made = []
    async with db.reading() as session:
        async for case in open_cases(session, key, ExportTally()):
            ack = ack_for(case.case_id, case.document, key.public.key_id)
            assert ack is not None
            made.append(ack)
    return made


async def purge(db: Database, today: dt.date = LATER, min_reviewers: int = 1) -> PurgeTally:
    async with db.transaction() as session:
        return await purge_due(session, today, 90, min_reviewers)


async def body_of(db: Database, case_id: str) -> bytes:
    async with db.reading() as session:
        found = await session.execute(select(Case.body).where(Case.id == case_id))
        return found.scalar_one()


async def test_a_held_case_is_purged_verifies_as_purged_and_still_answers_the_witness(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    # Given a case with a file, a status and a reply, which a reviewer exported (acked)
    case_id, code, _ = await _loop(db, reviewer_key)
    async with db.transaction() as session:
        sealed = await seal_attachment(session, PHOTO, [reviewer_key.public])
    ref = AttachmentRef(sealed.attachment_id, sealed.sha256, sealed.size, "photo")
    with_file = await store(db, detention("ru", attachments=[ref]), [reviewer_key.public])
    async with db.transaction() as session:
        tally = await record_acks(session, await acks_of(db, reviewer_key))
    assert (tally.recorded, tally.refused) == (2, [])
    # When housekeeping runs 90 days after they were received
    purged = await purge(db)
    # Then both bodies and the file are gone, and verify reports them as purged
    assert (purged.cases, purged.files) == (2, 1)
    assert await body_of(db, case_id) == b"" and await body_of(db, with_file.case_id) == b""
    async with db.reading() as session:
        assert (await session.execute(select(Attachment))).first() is None
        assert (await session.execute(select(AttachmentChunk))).first() is None
        tombstone = await session.get(Purge, with_file.case_id)
        assert tombstone is not None and tombstone.files == 1
    report = await chain.verify_database(db)
    assert report.ok, report.broken
    assert report.purged == 2
    # And the receipt code still finds the status and the reply
    async with db.reading() as session:
        heard = await witness_events(session, await read_receipt(code), case_id)
    assert heard is not None and [e.kind.value for e in heard] == ["status", "reply"]
    # And a second housekeeping finds nothing more to do
    assert (await purge(db)).cases == 0


async def test_a_case_too_young_or_held_by_too_few_reviewers_is_kept(
    db: Database, reviewer_key: ReviewerPrivateKey, other_key: ReviewerPrivateKey
) -> None:
    keys = [reviewer_key.public, other_key.public]
    receipt = await store(db, detention("kk"), keys)
    async with db.transaction() as session:
        await record_acks(session, await acks_of(db, reviewer_key))
    # A day short of keep_days: kept
    assert (await purge(db, LATER - dt.timedelta(days=1))).cases == 0
    # Old enough, but two reviewers needed and one acked: kept
    assert (await purge(db, min_reviewers=2)).cases == 0
    assert await body_of(db, receipt.case_id) != b""
    # The second reviewer acks: purged
    async with db.transaction() as session:
        await record_acks(session, await acks_of(db, other_key))
    assert (await purge(db, min_reviewers=2)).cases == 1
    report = await chain.verify_database(db, min_reviewers=2)
    assert report.ok and report.purged == 1
    # A verify that asks for more reviewers than acked calls the purge a deletion
    stricter = await chain.verify_database(db, min_reviewers=3)
    assert stricter.broken is not None and "deleted" in stricter.broken.reason


async def test_a_forged_ack_does_not_purge(
    db: Database, reviewer_key: ReviewerPrivateKey, other_key: ReviewerPrivateKey
) -> None:
    # Given a case no reviewer fetched, and a forger who can write the database and knows
    # every public key, but not the ack root sealed inside the case
    receipt = await store(db, detention("ru"), [reviewer_key.public])
    key_id = reviewer_key.public.key_id
    guessed = CaseAck(receipt.case_id, key_id, os.urandom(32))
    # When the forger offers an ack, or writes one straight into the table
    async with db.transaction() as session:
        refused = await record_acks(session, [guessed])
    assert refused.refused == [receipt.case_id] and refused.recorded == 0
    async with db.transaction() as session:
        await session.execute(
            insert(Ack).values(case_id=receipt.case_id, key_id=key_id, secret=guessed.secret)
        )
    # Then it is refused, and housekeeping leaves the case whole
    assert (await purge(db)).cases == 0
    assert await body_of(db, receipt.case_id) != b""
    # And an ack made by another reviewer's key, for whom the case was not sealed, is refused
    async with db.reading() as session:
        with_access = await case_access(session, reviewer_key, receipt.case_id)
    stranger = ack_for(receipt.case_id, with_access.document, other_key.public.key_id)
    assert stranger is not None
    async with db.transaction() as session:
        assert (await record_acks(session, [stranger])).refused == [receipt.case_id]


async def test_a_forger_who_rewrites_the_locks_gets_no_purge_and_verify_calls_it_deletion(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    # Given a forger who replaces the case's ack locks with ones of their own secret
    receipt = await store(db, detention("ru"), [reviewer_key.public])
    key_id = reviewer_key.public.key_id
    secret = os.urandom(32)
    own_locks = pack_keyed({key_id: ack_lock(receipt.case_id, key_id, secret)})
    async with db.transaction() as session:
        await session.execute(
            update(Case).where(Case.id == receipt.case_id).values(ack_locks=own_locks)
        )
        await session.execute(
            insert(Ack).values(case_id=receipt.case_id, key_id=key_id, secret=secret)
        )
    # Then housekeeping refuses: the case's chain link covers the locks it was sent with
    assert (await purge(db)).cases == 0
    assert await body_of(db, receipt.case_id) != b""
    # And if it had purged (the forger empties the body and writes the tombstone), verify
    # would not call it a purge
    async with db.transaction() as session:
        await session.execute(update(Case).where(Case.id == receipt.case_id).values(body=b""))
        session.add(
            Purge(case_id=receipt.case_id, day=LATER, acks=pack_keyed({key_id: secret}), files=0)
        )
    report = await chain.verify_database(db)
    assert report.broken is not None and report.broken.case_id == receipt.case_id
    assert report.purged == 0


async def test_a_body_deleted_without_a_valid_purge_fails_verify(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    receipt = await store(db, detention("ru"), [reviewer_key.public])
    key_id = reviewer_key.public.key_id
    # Emptied, with no tombstone
    async with db.transaction() as session:
        await session.execute(update(Case).where(Case.id == receipt.case_id).values(body=b""))
    report = await chain.verify_database(db)
    assert report.broken is not None and "deleted" in report.broken.reason
    # Emptied, with a tombstone whose ack does not open the case's lock
    async with db.transaction() as session:
        session.add(
            Purge(
                case_id=receipt.case_id,
                day=LATER,
                acks=pack_keyed({key_id: os.urandom(32)}),
                files=0,
            )
        )
    report = await chain.verify_database(db)
    assert report.broken is not None and "deleted" in report.broken.reason
    assert report.purged == 0


async def test_every_reviewer_key_gets_its_own_lock_and_a_revealed_secret_opens_no_other(
    db: Database, reviewer_key: ReviewerPrivateKey, other_key: ReviewerPrivateKey
) -> None:
    receipt = await store(db, detention("en"), [reviewer_key.public, other_key.public])
    async with db.reading() as session:
        stored = (
            await session.execute(select(Case.ack_locks).where(Case.id == receipt.case_id))
        ).scalar_one()
    assert stored is not None
    assert set(parse_keyed(stored)) == {reviewer_key.public.key_id, other_key.public.key_id}
    (mine,) = await acks_of(db, reviewer_key)
    # The first reviewer's revealed secret, presented in the second's name, opens nothing
    borrowed = CaseAck(receipt.case_id, other_key.public.key_id, mine.secret)
    async with db.transaction() as session:
        assert (await record_acks(session, [borrowed])).refused == [receipt.case_id]
    assert (await purge(db, min_reviewers=1)).cases == 0
