"""The hash chain against a writer of the database: noted heads, covered fields, snapshots."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from alembic import command
from sqlalchemy import delete, event, select, update
from sqlalchemy.util import await_only

from storage import chain, schema
from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.models import Case, ChainLink
from tests.storage.cases import detention, store


async def _cases(db: Database, key: ReviewerPrivateKey, count: int) -> list[str]:
    return [(await store(db, detention(), [key.public])).case_id for _ in range(count)]


async def _cut(db: Database, case_ids: list[str]) -> None:
    """What a writer of the database does to make cases vanish without a trace."""
    async with db.transaction() as session:
        await session.execute(delete(Case).where(Case.id.in_(case_ids)))
        await session.execute(delete(ChainLink).where(ChainLink.case_id.in_(case_ids)))


# --- a noted head -----------------------------------------------------------------------------


def test_a_head_prints_and_parses_with_its_position() -> None:
    head = chain.Head(12, bytes(range(32)))
    assert str(head) == "12:" + bytes(range(32)).hex()
    assert chain.Head.parse(f" {str(head).upper()}\n") == head
    assert chain.Head.parse(bytes(range(32)).hex()) == chain.Head(None, bytes(range(32)))
    for bad in ("", "12:", "12:abc", "x:" + "0" * 64, "-1:" + "0" * 64, "0" * 63):
        with pytest.raises(chain.InvalidHead):
            chain.Head.parse(bad)


async def test_a_noted_head_passes_however_much_the_chain_grew(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    # Given a head noted after three cases
    await _cases(db, reviewer_key, 3)
    noted = (await chain.verify_database(db)).head
    assert noted.seq == 3
    # When ordinary cases arrive afterwards
    await _cases(db, reviewer_key, 2)
    # Then the noted head still passes: link 3 is where it was
    report = await chain.verify_database(db, expected_head=noted)
    assert report.ok, report.broken
    assert report.head.seq == 5


async def test_cutting_cases_and_forging_as_many_fails_against_a_noted_head(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    # Given a head noted after three cases
    ids = await _cases(db, reviewer_key, 3)
    noted = (await chain.verify_database(db)).head
    # When a writer of the database cuts the last two and appends two sealed cases of its own
    await _cut(db, ids[1:])
    await _cases(db, reviewer_key, 2)
    # Then the chain alone cannot tell, but the noted head can
    plain = await chain.verify_database(db)
    assert plain.ok and plain.links == plain.cases == 3, "an unkeyed chain is rewritable"
    report = await chain.verify_database(db, expected_head=noted)
    assert report.broken is not None and report.broken.seq == 3
    assert "cut off or replaced" in report.broken.reason


async def test_a_chain_shorter_than_the_noted_head_was_cut(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    ids = await _cases(db, reviewer_key, 3)
    noted = (await chain.verify_database(db)).head
    await _cut(db, ids[2:])
    report = await chain.verify_database(db, expected_head=noted)
    assert report.broken is not None and report.broken.seq == 3
    assert "shorter than the head noted" in report.broken.reason


async def test_a_bare_hash_noted_before_positions_still_works(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    ids = await _cases(db, reviewer_key, 2)
    bare = chain.Head(None, (await chain.verify_database(db)).head.link)
    ids += await _cases(db, reviewer_key, 1)
    assert (await chain.verify_database(db, expected_head=bare)).ok
    await _cut(db, ids[1:])
    await _cases(db, reviewer_key, 2)
    assert not (await chain.verify_database(db, expected_head=bare)).ok


async def test_a_head_naming_another_position_fails(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    await _cases(db, reviewer_key, 3)
    head = (await chain.verify_database(db)).head
    moved = chain.Head(2, head.link)
    assert not (await chain.verify_database(db, expected_head=moved)).ok


async def test_the_current_head_is_the_newest_link(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    async with db.reading() as session:
        assert await chain.current_head(session) == chain.Head(0, chain.GENESIS)
    await _cases(db, reviewer_key, 2)
    async with db.reading() as session:
        current = await chain.current_head(session)
    assert current == (await chain.verify_database(db)).head
    assert (await chain.verify_database(db, expected_head=chain.Head(0, chain.GENESIS))).ok


# --- every stored field of a case row ---------------------------------------------------------

CHANGES: dict[str, dict[str, Any]] = {
    "received_day": {"received_day": dt.date(2021, 12, 31)},
    "receipt_hash": {"receipt_hash": bytes(32)},
    "no_receipt": {"receipt_hash": None},
    "form_id": {"form_id": "missing_person"},
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
async def test_changing_any_field_of_a_case_row_breaks_the_chain(
    db: Database, reviewer_key: ReviewerPrivateKey, change: str
) -> None:
    ids = await _cases(db, reviewer_key, 3)
    async with db.transaction() as session:
        await session.execute(update(Case).where(Case.id == ids[1]).values(**CHANGES[change]))
    report = await chain.verify_database(db)
    assert report.broken is not None
    assert (report.broken.seq, report.broken.case_id) == (2, ids[1])


async def _as_version_1(db: Database) -> None:
    """Rewrite the chain as the code before version 2 wrote it."""
    async with db.transaction() as session:
        links = (await session.execute(select(ChainLink).order_by(ChainLink.seq))).scalars()
        previous = chain.GENESIS
        for link in links:
            case = chain.CaseFields(link.case_id, "", dt.date.min, None, link.body_hash)
            link.version = 1
            link.link_hash = previous = chain.link_hash(1, previous, link.seq, case)


async def test_a_version_1_chain_still_verifies_and_grows_with_newer_links(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    # Given a chain written before links covered every field
    await _cases(db, reviewer_key, 2)
    await _as_version_1(db)
    old_head = (await chain.verify_database(db)).head
    # When new cases arrive
    await _cases(db, reviewer_key, 2)
    # Then old and new links verify together, and the old head still holds
    report = await chain.verify_database(db, expected_head=old_head)
    assert report.ok, report.broken
    async with db.reading() as session:
        versions = (await session.execute(select(ChainLink.version))).scalars().all()
    assert sorted(versions) == [1, 1, chain.LINK_VERSION, chain.LINK_VERSION]


async def test_links_stored_before_the_upgrade_read_as_version_1(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    # Given a database of the schema before link versions, holding a version 1 chain
    await _cases(db, reviewer_key, 2)
    await _as_version_1(db)
    async with db.engine.begin() as conn:
        await conn.run_sync(lambda sync: command.downgrade(schema._config(sync), "0002"))
    # When it is upgraded
    await schema.upgrade(db)
    # Then its links read as version 1 and verify
    report = await chain.verify_database(db)
    assert report.ok and report.links == 2, report.broken


async def test_an_unknown_link_version_is_refused(
    db: Database, reviewer_key: ReviewerPrivateKey
) -> None:
    await _cases(db, reviewer_key, 1)
    async with db.transaction() as session:
        await session.execute(update(ChainLink).values(version=7))
    report = await chain.verify_database(db)
    assert report.broken is not None and "version 7" in report.broken.reason


# --- one snapshot, no lock --------------------------------------------------------------------


async def test_a_case_committed_while_verify_runs_is_no_false_alarm(
    database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    # Given verify's snapshot taken (the chain walked) and a bot process storing a case just
    # before verify counts the case rows
    verifier, bot = Database(database_url), Database(database_url)
    committed: list[str] = []

    def a_case_arrives(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "count(" in statement.lower() and not committed:
            # On SQLite this writer needs the write lock: if verify held it, this would wait
            # out the busy timeout and fail instead of committing.
            committed.append(await_only(store(bot, detention(), [reviewer_key.public])).case_id)

    try:
        await _cases(verifier, reviewer_key, 3)
        engines = {verifier.engine.sync_engine, verifier.read_engine.sync_engine}
        for engine in engines:
            event.listen(engine, "before_cursor_execute", a_case_arrives)
        # When verify finishes
        report = await chain.verify_database(verifier)
        for engine in engines:
            event.remove(engine, "before_cursor_execute", a_case_arrives)
        # Then it saw one consistent state, and the new case was committed meanwhile
        assert committed, "the case was not committed during verify"
        assert report.ok, report.broken
        assert report.links == report.cases == 3
        assert (await chain.verify_database(verifier)).cases == 4
    finally:
        await verifier.close()
        await bot.close()
