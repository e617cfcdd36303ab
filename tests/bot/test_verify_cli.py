"""`kuager verify` as a reviewer runs it: the printed head, --head, and running beside the bot."""

from __future__ import annotations

import asyncio
import re
import sqlite3

import pytest
from sqlalchemy import delete

from storage.crypto.keys import ReviewerPrivateKey
from storage.database import Database
from storage.models import Case, ChainLink
from tests.bot.test_reviewer_cli import kuager
from tests.conftest import on_postgres
from tests.storage.cases import detention, store

HEAD = re.compile(r"chain intact; head (\d+:[0-9a-f]{64})$", re.MULTILINE)


async def verify(database_url: str, *args: str) -> tuple[int, str, str]:
    result = await asyncio.to_thread(kuager, "verify", "--database", database_url, *args)
    return result.returncode, result.stdout, result.stderr


async def test_a_head_noted_from_verify_holds_until_its_link_is_cut(
    database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    db = Database(database_url)
    try:
        # Given a head printed by verify after two cases
        ids = [(await store(db, detention(), [reviewer_key.public])).case_id for _ in range(2)]
        status, out, _err = await verify(database_url)
        found = HEAD.search(out)
        assert status == 0 and found is not None, out
        noted = found.group(1)
        assert noted.startswith("2:")
        # When one more case arrives, the noted head still passes
        await store(db, detention(), [reviewer_key.public])
        status, out, err = await verify(database_url, "--head", noted)
        assert status == 0, err
        assert "3 links, 3 cases" in out
        # When the second case is cut with all after it and two forged ones appended
        async with db.transaction() as session:
            await session.execute(delete(Case).where(Case.id != ids[0]))
            await session.execute(delete(ChainLink).where(ChainLink.case_id != ids[0]))
        for _ in range(2):
            await store(db, detention(), [reviewer_key.public])
    finally:
        await db.close()
    # Then only the noted head shows it
    assert (await verify(database_url))[0] == 0
    status, _out, err = await verify(database_url, "--head", noted)
    assert status == 1
    assert "BROKEN at link 2: the link of the head noted is not in the chain" in err


async def test_a_malformed_head_is_a_usage_error(database_url: str) -> None:
    status, _out, err = await verify(database_url, "--head", "not-a-head")
    assert status == 2
    assert err.strip() == "kuager: --head: a head looks like 12:<64 hex characters>"


@pytest.mark.skipif(on_postgres(), reason="SQLite's write lock; PostgreSQL readers take none")
async def test_verify_runs_while_the_bot_holds_the_write_lock(
    database_url: str, reviewer_key: ReviewerPrivateKey
) -> None:
    db = Database(database_url)
    try:
        await store(db, detention(), [reviewer_key.public])
    finally:
        await db.close()
    # Given the bot in the middle of a write transaction
    writer = sqlite3.connect(database_url, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM drafts")
        # When a reviewer runs verify on the server, it neither waits for nor takes that lock
        status, out, err = await verify(database_url)
        writer.execute("COMMIT")
    finally:
        writer.close()
    assert status == 0, err
    assert "1 links, 1 cases" in out
