"""Events on a case: who can read them, who can write them, and what `verify` sees of them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import delete, insert, select, update

from storage import chain
from storage.cases import read_receipt, reply_channel
from storage.crypto.envelope import seal
from storage.crypto.events import EVENT_CONTEXT, seal_event
from storage.crypto.keys import ReviewerPrivateKey
from storage.crypto.reply import ReplyKeyUnreadable, open_reply_key
from storage.database import Database
from storage.events import (
    CaseAccess,
    EventKind,
    InvalidEvent,
    UnknownCase,
    append_event,
    case_access,
    current_status,
    read_events,
    status_event,
    text_event,
    witness_events,
)
from storage.models import Case, ChainLink, Event, ReplyChannel, WrappedKey
from tests.storage.cases import detention, store
from tests.storage.test_store import raw_database_bytes

DAY = dt.date(2022, 1, 12)
REPLY = "Скажите, пожалуйста, какого числа его задержали?"
NOTE = "Позвонить адвокату Ержану до пятницы"


async def _loop(db: Database, key: ReviewerPrivateKey) -> tuple[str, str, dict[str, str]]:
    """A case with a status, a note and a reply: (case id, receipt code, event id by kind)."""
    receipt = await store(db, detention("kk"), [key.public])
    ids = {}
    async with db.transaction() as session:
        access = await case_access(session, key, receipt.case_id)
        author = key.public.key_id
        for event in (
            status_event(receipt.case_id, "needs_info", author, DAY),
            text_event(receipt.case_id, EventKind.NOTE, NOTE, author, DAY),
            text_event(receipt.case_id, EventKind.REPLY, REPLY, author, DAY),
        ):
            ids[event.kind.value] = await append_event(
                session, access, event, [key.public], today=DAY
            )
    return receipt.case_id, receipt.code, ids


async def test_the_witness_reads_status_and_reply_with_the_code_and_never_the_note(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    case_id, code, _ids = await _loop(db, reviewer_key)
    async with db.reading() as session:
        seen = await witness_events(session, await read_receipt(code), case_id)
    assert seen is not None
    assert [(e.kind, e.status, e.text) for e in seen] == [
        (EventKind.STATUS, "needs_info", None),
        (EventKind.REPLY, None, REPLY),
    ]


async def test_reviewers_read_every_event_oldest_first_with_who_and_when(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    case_id, _code, _ids = await _loop(db, reviewer_key)
    async with db.reading() as session:
        access = await case_access(session, reviewer_key, case_id)
        events = await read_events(session, reviewer_key, case_id, access.auth_key)
    assert [e.document.kind for e in events if e.document] == [
        EventKind.STATUS,
        EventKind.NOTE,
        EventKind.REPLY,
    ]
    assert all(e.authentic for e in events)
    assert {(e.document.author, e.document.day) for e in events if e.document} == {
        (reviewer_key.public.key_id, DAY)
    }
    assert current_status(events) == "needs_info"


async def test_without_the_code_nothing_of_the_reply_opens(
    db: Database, database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    # Given a case with a reply, and a thief holding the database
    case_id, code, _ids = await _loop(db, reviewer_key)
    raw = raw_database_bytes(database_url)
    # Then neither the reply, the note nor the status is in its bytes, in clear or hex
    for secret in (REPLY, NOTE, "needs_info"):
        assert secret.encode() not in raw and secret.encode().hex().encode() not in raw
    # And the reply key opens with the code alone: another code, or the stored lookup, fails
    async with db.reading() as session:
        channel = await reply_channel(session, case_id)
    assert channel is not None
    right = await read_receipt(code)
    open_reply_key(channel, right.secret, case_id)
    wrong = await read_receipt("AAAA-AAAA-AAAA-AAAA")
    with pytest.raises(ReplyKeyUnreadable):
        open_reply_key(channel, wrong.secret, case_id)
    # And the key is bound to its case: a channel moved to another case does not open
    with pytest.raises(ReplyKeyUnreadable):
        open_reply_key(channel, right.secret, "0" * 32)
    async with db.reading() as session:
        assert await witness_events(session, wrong, case_id) is None


@pytest.mark.parametrize("kind", ["reply", "status", "note"])
async def test_verify_fails_when_an_event_is_deleted(
    db: Database, reviewer_key: ReviewerPrivateKey, kind: str
) -> None:
    _case_id, _code, ids = await _loop(db, reviewer_key)
    assert (await chain.verify_database(db)).ok
    async with db.transaction() as session:
        await session.execute(delete(Event).where(Event.id == ids[kind]))
    report = await chain.verify_database(db)
    assert report.broken is not None
    assert report.broken.case_id == ids[kind]
    assert "event of this link was deleted" in report.broken.reason


ALTERATIONS: dict[str, dict[str, object]] = {
    "body": {"body": b"KGRC\x01 not the sealed reply"},
    "day": {"day": dt.date(2022, 1, 1)},
    "case": {"case_id": "f" * 32},
}


@pytest.mark.parametrize("change", ALTERATIONS, ids=list(ALTERATIONS))
async def test_verify_fails_when_a_reply_is_altered_or_moved(
    db: Database, reviewer_key: ReviewerPrivateKey, change: str
) -> None:
    _case_id, _code, ids = await _loop(db, reviewer_key)
    async with db.transaction() as session:
        await session.execute(
            update(Event).where(Event.id == ids["reply"]).values(**ALTERATIONS[change])
        )
    report = await chain.verify_database(db)
    assert report.broken is not None and report.broken.case_id == ids["reply"]


async def test_verify_fails_when_the_reply_channel_is_removed(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    case_id, _code, _ids = await _loop(db, reviewer_key)
    async with db.transaction() as session:
        await session.execute(delete(ReplyChannel).where(ReplyChannel.case_id == case_id))
    report = await chain.verify_database(db)
    assert report.broken is not None and report.broken.case_id == case_id


async def _forge_event(
    db: Database, access: CaseAccess, key: ReviewerPrivateKey, *, chained: bool
) -> str:
    """What a writer of the database can do with the reviewers' public keys alone: it cannot
    unwrap the case's key, so it tags with a key of its own, and it does not know the reply
    key (sealed inside the case), so it seals to the reviewers only."""
    forged = text_event(access.case_id, EventKind.REPLY, "Come to the police station", "x", DAY)
    event_id = "e" * 32
    payload = forged.to_json(event_id)
    sealed = seal_event(
        json.dumps(payload).encode(),
        [key.public],
        event_id=event_id,
        auth_key=bytes(32),
        reply_key=None,
        for_witness=True,
    )
    async with db.transaction() as session:
        await session.execute(
            insert(Event).values(id=event_id, case_id=access.case_id, day=DAY, body=sealed.body)
        )
        await session.execute(
            insert(WrappedKey),
            [
                {
                    "object_id": event_id,
                    "key_id": s.key_id,
                    "kind": s.kind.code,
                    "wrapped": s.wrapped,
                }
                for s in sealed.stanzas
            ],
        )
        if chained:
            fields = chain.EventFields(event_id, access.case_id, DAY, chain.body_hash(sealed.body))
            await chain.append_event(session, fields)
    return event_id


async def test_a_forged_event_is_named_for_reviewers_and_never_shown_to_the_witness(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    # Given a case, and an event forged with the public key alone, even chained properly
    case_id, code, _ids = await _loop(db, reviewer_key)
    async with db.reading() as session:
        access = await case_access(session, reviewer_key, case_id)
    forged_id = await _forge_event(db, access, reviewer_key, chained=True)
    async with db.transaction() as session:
        status = status_event(case_id, "closed", "x", DAY)
        fake_access = CaseAccess(case_id, {}, bytes(32), None)
        closing = await append_event(session, fake_access, status, [reviewer_key.public], today=DAY)
    # Then the chain holds (it is unkeyed), but a reviewer sees both as not authentic
    assert (await chain.verify_database(db)).ok
    async with db.reading() as session:
        events = await read_events(session, reviewer_key, case_id, access.auth_key)
        seen = await witness_events(session, await read_receipt(code), case_id)
    by_id = {e.event_id: e for e in events}
    assert not by_id[forged_id].authentic and not by_id[closing].authentic
    # And the forged status does not count; the witness never sees either
    assert current_status(events) == "needs_info"
    assert seen is not None and forged_id not in {e.text for e in seen}
    assert [e.text for e in seen if e.kind is EventKind.REPLY] == [REPLY]
    assert [e.status for e in seen if e.kind is EventKind.STATUS] == ["needs_info"]


async def test_an_event_slipped_in_without_a_link_breaks_the_chain(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    case_id, _code, _ids = await _loop(db, reviewer_key)
    async with db.reading() as session:
        access = await case_access(session, reviewer_key, case_id)
    forged_id = await _forge_event(db, access, reviewer_key, chained=False)
    report = await chain.verify_database(db)
    assert report.broken is not None and report.broken.case_id == forged_id
    assert "event is stored outside the chain" in report.broken.reason


async def test_an_event_sealed_as_another_object_is_refused_by_verify(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    case_id, _code, _ids = await _loop(db, reviewer_key)
    body = seal(b"{}", [reviewer_key.public], object_id="d" * 32, context=EVENT_CONTEXT).body
    async with db.transaction() as session:
        await session.execute(
            insert(Event).values(id="c" * 32, case_id=case_id, day=DAY, body=body)
        )
        await chain.append_event(
            session, chain.EventFields("c" * 32, case_id, DAY, chain.body_hash(body))
        )
    report = await chain.verify_database(db)
    assert report.broken is not None and "another object" in report.broken.reason


async def test_bad_statuses_texts_and_cases_are_refused(
    db: Database, reviewer_key: ReviewerPrivateKey, other_key: ReviewerPrivateKey
) -> None:
    with pytest.raises(InvalidEvent):
        status_event("0" * 32, "lost", "x", DAY)
    for text in ("", "   ", "x" * 3001):
        with pytest.raises(InvalidEvent):
            text_event("0" * 32, EventKind.REPLY, text, "x", DAY)
    async with db.reading() as session:
        with pytest.raises(UnknownCase):
            await case_access(session, reviewer_key, "0" * 32)


async def test_links_of_every_version_verify_together(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    # Given a case chained as version 2 did, which covered no reply channel
    first = await store(db, detention("ru"), [reviewer_key.public])
    async with db.transaction() as session:
        link = (await session.execute(select(ChainLink))).scalar_one()
        case = (await session.execute(select(Case).where(Case.id == first.case_id))).scalar_one()
        fields = chain.CaseFields(
            case.id, case.form_id, case.received_day, case.receipt_hash, link.body_hash
        )
        link.version = 2
        link.link_hash = chain.link_hash(2, chain.GENESIS, 1, fields)
    # When a new case and its events are chained after it
    await _loop(db, reviewer_key)
    # Then versions 2, 4 and 5 verify in one chain
    report = await chain.verify_database(db)
    assert report.ok, report.broken
    async with db.reading() as session:
        versions = (await session.execute(select(ChainLink.version))).scalars().all()
    assert sorted(versions) == [2, 4, 4, 4, 5]
    assert (report.cases, report.events, report.links) == (2, 3, 5)


async def test_the_reply_key_opens_no_note_and_the_rows_do_not_say_which_it_opens(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    case_id, code, ids = await _loop(db, reviewer_key)
    async with db.reading() as session:
        channel = await reply_channel(session, case_id)
        assert channel is not None
        reply_key = open_reply_key(channel, (await read_receipt(code)).secret, case_id)
        stanzas = (await session.execute(select(WrappedKey.object_id, WrappedKey.key_id))).all()
        opened = {e.event_id for e in await read_events(session, reply_key, case_id, None)}
    # The witness's key opens the status and the reply, not the note
    assert opened == {ids["status"], ids["reply"]}
    # Yet every event has a stanza for that key (the note's a decoy): the same count each
    per_event = {i: sum(1 for o, _k in stanzas if o == i) for i in ids.values()}
    assert set(per_event.values()) == {2}, per_event
    assert {k for o, k in stanzas if o == ids["note"]} == {
        reviewer_key.public.key_id,
        reply_key.public.key_id,
    }
